#!/bin/bash
# Rescan is open to everyone, so it is paced: callers that ask faster than scans should run share
# the next scan instead of each having the whole mount table read. Four unprivileged callers in a
# loop against a few thousand mounts keep the daemon far from a busy core, and each is answered.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

# A table of about 2,500 mounts from 60 mount calls: 60 tmpfs, bound recursively 40 times.
mw_tmpfs /media
mw_tmpfs /media/base
for i in $(seq 1 60); do
        mw_tmpfs "/media/base/m$i"
done
for i in $(seq 1 40); do
        mkdir "/media/copy$i"
        mount --rbind /media/base "/media/copy$i"
done
mw_start_bus
mw_start_daemon
mounts=$(mw_prop MountsTotal)
[ "$mounts" -gt 2400 ] || mw_fail "only $mounts mounts"

# cpu_ticks: user and system time the daemon used so far, in clock ticks.
cpu_ticks() {
        awk '{ print $14 + $15 }' "/proc/$MW_DAEMON_PID/stat"
}

# caller N SECONDS: call Rescan as nobody until SECONDS passed; writes the count of answered
# calls, or FAIL, to $MW_TMP/caller.N.
caller() {
        local n=0 end=$((SECONDS + $2))
        while [ "$SECONDS" -lt "$end" ]; do
                if ! mw_as_nobody busctl call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" Rescan; then
                        echo FAIL >"$MW_TMP/caller.$1"
                        return
                fi
                n=$((n + 1))
        done
        echo "$n" >"$MW_TMP/caller.$1"
}

seconds=4
ticks=$(cpu_ticks)
start=$(date +%s%N)
pids=()
for c in 1 2 3 4; do
        caller "$c" "$seconds" &
        pids+=($!)
done
wait "${pids[@]}"
used=$(( $(cpu_ticks) - ticks ))
wall_ms=$(( ($(date +%s%N) - start) / 1000000 ))
busy=$(( used * 1000 / $(getconf CLK_TCK) * 100 / wall_ms ))
calls=$(cat "$MW_TMP"/caller.*)
[[ "$calls" != *FAIL* ]] || mw_fail "a Rescan call failed"
for n in $calls; do
        [ "$n" -ge 2 ] || mw_fail "a caller was answered only $n times in $seconds s"
done
[ "$busy" -lt 20 ] ||
        mw_fail "the daemon was busy $busy% of $wall_ms ms under four Rescan loops ($mounts mounts)"
mw_daemon_alive
mw_pass "four Rescan loops over $mounts mounts: answered $(echo $calls | tr ' ' ,) times," \
        "daemon busy $busy%"
