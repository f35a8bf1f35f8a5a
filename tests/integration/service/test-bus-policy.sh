#!/bin/bash
# The shipped bus policy, loaded into a private system bus: only root owns org.mountwarden1;
# anyone may reach the daemon through the read-only and Manager interfaces, and the bus itself
# turns away property writes and every other interface for callers other than root.
. "$(dirname "$0")/../lib.sh"

mw_start_bus
mw_start_daemon

nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
out="$MW_TMP/busctl.out"

# call WHO... -- ARGS: run busctl call ARGS as WHO (empty for root); its output is in $out.
call() {
    local who=()
    while [ "$1" != -- ]; do
        who+=("$1")
        shift
    done
    shift
    "${who[@]}" busctl --address="$DBUS_SYSTEM_BUS_ADDRESS" call "$@" >"$out" 2>&1
}

# denied WHO... -- ARGS: the bus refuses the call.
denied() {
    if call "$@"; then
        mw_fail "allowed: ${*}"
    fi
    grep -q 'Access denied' "$out" || mw_fail "failed otherwise than denied: $* ($(cat "$out"))"
}

# passed WHO... -- ARGS: the call reaches the daemon (which may still answer with an error of
# its own, but not the bus's access denial).
passed() {
    call "$@" || true
    if grep -q 'Access denied' "$out"; then
        mw_fail "denied by the bus: $*"
    fi
}

dest=(org.mountwarden1 /org/mountwarden1)

denied "${nobody[@]}" -- org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
    RequestName su org.mountwarden1 0
mw_pass "an unprivileged caller cannot take org.mountwarden1"

call "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.Peer Ping ||
    mw_fail "Peer.Ping from an unprivileged caller failed: $(cat "$out")"
passed "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.Introspectable Introspect
passed "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.Properties GetAll s \
    org.mountwarden1.Manager
passed "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.Properties Get ss \
    org.mountwarden1.Manager Mode
passed "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.ObjectManager GetManagedObjects
passed "${nobody[@]}" -- "${dest[@]}" org.mountwarden1.Manager Rescan
mw_pass "an unprivileged caller reaches Peer, Introspectable, Get*, ObjectManager, Manager"

denied "${nobody[@]}" -- "${dest[@]}" org.freedesktop.DBus.Properties Set ssv \
    org.mountwarden1.Manager Mode s audit
denied "${nobody[@]}" -- "${dest[@]}" org.example.Other Anything
mw_pass "the bus refuses Properties.Set and other interfaces to an unprivileged caller"

passed -- "${dest[@]}" org.example.Other Anything
mw_pass "root reaches every interface"
