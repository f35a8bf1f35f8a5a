#!/bin/bash
# What mountwardend tells systemd, read from a fake $NOTIFY_SOCKET: READY=1 with a STATUS= once
# ready, WATCHDOG=1 while the watchdog is enabled, RELOADING=1 then READY=1 around a SIGHUP, and
# STOPPING=1 at the end.
. "$(dirname "$0")/../lib.sh"

sock="$MW_TMP/notify.sock"
msgs="$MW_TMP/notify.log"

# The listener writes each field of each datagram as "N<TAB>FIELD", N counting datagrams.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w") as out:
    n = 0
    while True:
        data = s.recv(65536).decode("utf-8", "replace")
        n += 1
        for field in data.split("\n"):
            if field:
                print(f"{n}\t{field}", file=out, flush=True)
' "$sock" "$msgs" &
listener=$!
trap 'rc=$?; kill "$listener" 2>/dev/null; (exit "$rc"); mw_cleanup' EXIT

for _ in $(seq 1 500); do
    [ -S "$sock" ] && break
    sleep 0.01
done
[ -S "$sock" ] || mw_fail "the notify listener did not start"

# first N FIELD_REGEX: the number of the first datagram after N with a matching field, or "".
first() {
    awk -F '\t' -v after="$1" -v re="^($2)$" '$1 > after && $2 ~ re { print $1; exit }' "$msgs"
}

# wait_for N FIELD_REGEX: wait (bounded, 10 s) until first N FIELD_REGEX finds one, print it.
wait_for() {
    local n
    for _ in $(seq 1 1000); do
        n=$(first "$1" "$2")
        if [ -n "$n" ]; then
            echo "$n"
            return 0
        fi
        sleep 0.01
    done
    echo "no '$2' after datagram $1; got:" >&2
    cat "$msgs" >&2
    return 1
}

export NOTIFY_SOCKET="$sock" WATCHDOG_USEC=200000
unset WATCHDOG_PID
mw_start_daemon --no-bus

ready=$(wait_for 0 'READY=1') || mw_fail "no READY=1"
awk -F '\t' -v n="$ready" '$1 == n && $2 ~ /^STATUS=./' "$msgs" | grep -q . ||
    mw_fail "READY=1 came without a STATUS= line"
status=$(awk -F '\t' -v n="$ready" '$1 == n && $2 ~ /^STATUS=/ { print $2 }' "$msgs")
mw_pass "READY=1 with $status"

dog1=$(wait_for "$ready" 'WATCHDOG=1') || mw_fail "no WATCHDOG=1 after READY=1"
dog2=$(wait_for "$dog1" 'WATCHDOG=1') || mw_fail "only one WATCHDOG=1"
mw_pass "WATCHDOG=1 keeps coming (datagrams $dog1 and $dog2)"

# STATUS= follows what the daemon does: a mount it hardens shows in the next one.
mw_tmpfs /run/user
mw_tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
changed=$(wait_for "$ready" 'STATUS=Watching [0-9]+ mounts: [0-9]+ hardened, [0-9]+ failed') ||
    mw_fail "no STATUS= after hardening a mount"
[ "$(sed -n "${changed}p" "$msgs" | cut -f2)" != "$status" ] ||
    mw_fail "STATUS= did not change after hardening a mount"
mw_pass "STATUS= updated: $(sed -n "${changed}p" "$msgs" | cut -f2)"

kill -HUP "$MW_DAEMON_PID"
reloading=$(wait_for "$dog2" 'RELOADING=1') || mw_fail "no RELOADING=1 after SIGHUP"
again=$(wait_for "$reloading" 'READY=1') || mw_fail "no READY=1 after RELOADING=1"
mw_pass "SIGHUP: RELOADING=1 (datagram $reloading), then READY=1 (datagram $again)"

wait_for "$again" 'WATCHDOG=1' >/dev/null || mw_fail "the watchdog stopped after the reload"

kill -TERM "$MW_DAEMON_PID"
wait "$MW_DAEMON_PID" || mw_fail "the daemon exited with an error on SIGTERM"
MW_DAEMON_PID=
wait_for "$again" 'STOPPING=1' >/dev/null || mw_fail "no STOPPING=1 on SIGTERM"
mw_pass "SIGTERM: STOPPING=1 and a clean exit"
