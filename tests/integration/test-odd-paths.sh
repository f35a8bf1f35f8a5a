#!/bin/bash
# Paths with a space, a tab, a newline, a byte that is not UTF-8, and a 4 KiB long one are
# hardened, and logged escaped on one line.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /media
mw_start_daemon

odd=$'/media/odd/a b\tc\nd'
mw_tmpfs "$odd"
mw_expect_flags "$odd" nosuid nodev noexec
mw_wait_log "Hardened '/media/odd/a\\\\040b\\\\011c\\\\012d'" || mw_fail "odd path not logged escaped"
mw_pass "space/tab/newline path hardened and logged escaped"

bad=$'/media/odd/latin1-\xe9t\xe9'
mw_tmpfs "$bad"
mw_expect_flags "$bad" nosuid nodev noexec
mw_wait_log "Hardened '/media/odd/latin1-\\\\351t\\\\351'" || mw_fail "non-UTF-8 path not escaped"
mw_pass "non-UTF-8 path hardened"

long=/media/odd
while [ ${#long} -lt 3900 ]; do
        long="$long/$(printf 'x%.0s' $(seq 1 200))"
done
mw_tmpfs "$long"
mw_expect_flags "$long" nosuid nodev noexec
mw_pass "path of ${#long} bytes hardened"

kill -0 "$MW_DAEMON_PID" || mw_fail "daemon died"
# Every log line is one line: no raw newline from a path split a message.
if grep -v '^mountwardend: ' "$MW_LOG"; then
        mw_fail "a log line was split"
fi
