#!/bin/bash
# --plan prints the documented decision for every mount of a fixture and changes nothing.
. "$(dirname "$0")/lib.sh"

fixtures="$MW_SOURCE/tests/fixtures"
plan() {
        "$MW_DAEMON" --plan --config "$MW_DEFAULT_CONFIG" --mountinfo "$1"
}

# expect FILE REGEX: the plan of FILE has a line matching REGEX (Perl syntax, tabs as \t).
expect() {
        grep -qP -- "$2" <<<"$(plan "$1")" || {
                plan "$1" >&2
                mw_fail "plan of $(basename "$1") has no line matching: $2"
        }
}

expect "$fixtures/desktop.mountinfo" '^/run/user/4242\ttmpfs\trw,nosuid,nodev,relatime\tharden \+noexec\t.*mountwarden.conf:\d+$'
expect "$fixtures/desktop.mountinfo" '^/run/user/4242/doc\tfuse.portal\t[^\t]*\tharden \+noexec\t'
expect "$fixtures/desktop.mountinfo" '^/snap/core22/1380\tsquashfs\t[^\t]*\texempt\t'
expect "$fixtures/desktop.mountinfo" '^/tmp\ttmpfs\trw,nosuid,nodev,strictatime\tharden \+noexec\t'
expect "$fixtures/desktop.mountinfo" '^/proc\tproc\t[^\t]*\tignored\t-$'
expect "$fixtures/desktop.mountinfo" '^/media/alice/MY\\040STICK\tfuseblk\t[^\t]*\tharden \+noexec\t'
expect "$fixtures/desktop.mountinfo" '^/\text4\t[^\t]*\tcompliant\t-$'

# A live plan changes nothing: a relaxed mount stays relaxed.
mw_tmpfs /run/user
mw_tmpfs /run/user/4242
plan /proc/self/mountinfo | grep -qP '^/run/user/4242\ttmpfs\t.*\tharden \+nosuid,\+nodev,\+noexec\t' ||
        mw_fail "live plan does not show /run/user/4242 to harden"
mw_expect_lacks /run/user/4242 nosuid nodev noexec
mw_pass "plan decisions as documented, nothing changed"
