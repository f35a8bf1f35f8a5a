#!/usr/bin/env python3
"""Hold the system calls of a traced daemon run against a unit's SystemCallFilter=.

Usage: check-syscalls.py FILTER GROUPS TRACE
  FILTER  the unit's SystemCallFilter= value: an allow list ("@system-service @mount") or, with
          a leading "~", a deny list ("~@debug @module")
  GROUPS  the output of `systemd-analyze syscall-filter`, which defines the @groups
  TRACE   an `strace -f -o` log of the run

Calls systemd does not know (newer than its list, such as statmount) fail with ENOSYS under any
filter: they are listed, not counted as failures. Exits 1 if a known call is not allowed.
"""
import re
import sys

CALL = re.compile(r"\d+\s+(?:<\.\.\. )?([a-z0-9_]+)(?:\(| resumed)")


def read_groups(path):
    groups, group = {}, None
    with open(path) as f:
        for line in f:
            word = line.strip()
            if line.startswith("@"):
                group = groups.setdefault(word, [])
            elif word and not word.startswith("#") and group is not None:
                group.append(word)
    return groups


def expand(names, groups):
    out = set()
    for name in names:
        out |= expand(groups.get(name, []), groups) if name.startswith("@") else {name}
    return out


def traced_calls(path):
    with open(path) as f:
        return {m.group(1) for m in map(CALL.match, f) if m}


def main(spec, groups_path, trace_path):
    groups = read_groups(groups_path)
    known = expand(["@known"], groups)
    called = traced_calls(trace_path)

    if spec.startswith("~"):
        # A deny list lets through what it does not name, calls newer than systemd included.
        forbidden = expand(spec[1:].split(), groups)
        newer = []
        denied = sorted(c for c in called if c in forbidden)
    else:
        allowed = expand(spec.split(), groups)
        newer = sorted(c for c in called if c not in known)
        denied = sorted(c for c in called if c in known and c not in allowed)

    print(f"{len(called)} different system calls traced; unknown to systemd (ENOSYS under "
          f"the filter): {' '.join(newer) or 'none'}")
    if not called:
        print("FAIL: the trace holds no system calls", file=sys.stderr)
        return 1
    if denied:
        print(f"FAIL: SystemCallFilter= does not allow: {' '.join(denied)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
