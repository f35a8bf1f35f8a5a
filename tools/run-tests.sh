#!/bin/bash
# Builds mountwarden from scratch in build/ and runs the whole test suite (unit and
# integration). Run as root: the integration tests mount file systems in private namespaces.
# The last line is "N passed, N failed".
set -uo pipefail

cd "$(dirname "$0")/.."
build=${MW_BUILD_DIR:-build}

rm -rf "$build"
meson setup "$build" -Dwerror=true >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
ninja -C "$build" || { echo "0 passed, 1 failed"; exit 1; }

meson test -C "$build" --print-errorlogs --num-processes 2
rc=$?

python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys

counts = {"passed": 0, "failed": 0, "skipped": 0}
with open(sys.argv[1]) as f:
    for line in f:
        result = json.loads(line)["result"]
        if result == "OK" or result == "EXPECTEDFAIL":
            counts["passed"] += 1
        elif result == "SKIP":
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
if counts["skipped"]:
    print(f"{counts['skipped']} skipped")
print(f"{counts['passed']} passed, {counts['failed']} failed")
PY
exit $rc
