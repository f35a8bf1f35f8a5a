#!/bin/bash
# Early boot: the daemon starts before the system bus, hardens mounts all the same, says once that
# the bus is not there, and takes its name when the bus comes. When the bus goes away and comes
# back, it connects again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

# wait_for_name SECONDS: until org.mountwarden1 answers on the bus.
wait_for_name() {
        for _ in $(seq 1 $(( $1 * 10 ))); do
                busctl get-property "$MW_DEST" "$MW_OBJ" "$MW_IFACE" Mode >/dev/null 2>&1 &&
                        return 0
                sleep 0.1
        done
        mw_fail "$MW_DEST did not appear on the bus within $1 s"
}

mw_tmpfs /tmp
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$MW_TMP/system_bus_socket"
mw_start_daemon
mw_expect_flags /tmp nosuid nodev noexec
mw_wait_log "system bus is not there yet" || mw_fail "no word about the missing bus"
mw_pass "started without a bus, /tmp hardened: $(mw_flags /tmp)"

mw_start_bus
wait_for_name 15
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mw_expect_eq "bus notices" "$(grep -c "system bus is not there yet" "$MW_LOG")" 1
mw_pass "took its name once the bus came"

kill "$MW_BUS_PID"
mw_wait_log "Lost the connection to the system bus" || mw_fail "no word about the lost bus"
mw_start_bus
wait_for_name 15
mw_call AddOverride sastb /tmp 1 exec 0 false
mw_expect_lacks /tmp noexec
mw_daemon_alive
mw_pass "connected again after the bus restarted"
