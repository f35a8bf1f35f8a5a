#!/bin/bash
# The polkit half of authorization, with fake-polkit playing polkitd on the test bus.
# When polkit allows org.mountwarden1.manage, uid 65534 may call every changing method and the
# mounts change; deny, challenge (mountwardend never prompts), a polkit error, polkit leaving
# the bus mid-question and no polkit at all answer AccessDenied and change nothing. Each
# question names the action and the calling connection (its uid and pid as the bus knows them),
# and carries the caller's interactive-authorization flag. A question polkit sits on holds up
# no one else. Root and Rescan never ask.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

FAKE_POLKIT="$MW_BUILD/tests/integration/dbus/fake-polkit"
POLKIT_LOG="$MW_TMP/polkit.log"
POLKIT_PID=
# Who calls from the background: setpriv execs the client, so $! is the caller's pid.
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
QUESTION="action=org\.mountwarden1\.manage subject=system-bus-name name=:[0-9]+\.[0-9]+ uid=65534"

# The shared test bus (tools/dev-bus.sh, which writes its config to $MW_TMP/bus.conf) lets no one
# own org.freedesktop.PolicyKit1. polkit_allow_on_bus adds polkitd's own bus rules to it: root
# may own the name, anyone may ask its Authority. ReloadConfig answers once they are in force.
polkit_allow_on_bus() {
        cat >"$MW_TMP/polkit-bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <policy user="root">
    <allow own="org.freedesktop.PolicyKit1"/>
  </policy>
  <policy context="default">
    <allow send_destination="org.freedesktop.PolicyKit1"
           send_interface="org.freedesktop.PolicyKit1.Authority"/>
  </policy>
</busconfig>
XML
        grep -q '</busconfig>' "$MW_TMP/bus.conf" || mw_fail "no bus config at '$MW_TMP/bus.conf'"
        sed -i "s|</busconfig>|  <include>$MW_TMP/polkit-bus.conf</include>\n&|" "$MW_TMP/bus.conf"
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig
}

# polkit_start VERDICT: fake-polkit answering VERDICT, once it owns its name.
polkit_start() {
        "$FAKE_POLKIT" "$1" "$POLKIT_LOG" >"$MW_TMP/polkit.out" &
        POLKIT_PID=$!
        for _ in $(seq 1 500); do
                grep -qx READY "$MW_TMP/polkit.out" && return 0
                kill -0 "$POLKIT_PID" 2>/dev/null || break
                sleep 0.01
        done
        mw_fail "fake-polkit $1 did not start"
}

polkit_owned() {
        busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus \
                NameHasOwner s org.freedesktop.PolicyKit1 | grep -qx 'b true'
}

# polkit_stop: end fake-polkit and wait until the bus has let its name go.
polkit_stop() {
        kill "$POLKIT_PID"
        wait "$POLKIT_PID" || true
        POLKIT_PID=
        for _ in $(seq 1 500); do
                polkit_owned || return 0
                sleep 0.01
        done
        mw_fail "org.freedesktop.PolicyKit1 still has an owner"
}

# expect_questions N [PATTERN]: polkit was asked N questions so far, the last matching PATTERN.
expect_questions() {
        local n
        n=$(wc -l <"$POLKIT_LOG")
        [ "$n" = "$1" ] || mw_fail "polkit was asked $n questions, not $1: $(cat "$POLKIT_LOG")"
        [ -z "${2:-}" ] || tail -n 1 "$POLKIT_LOG" | grep -Eqx -- "$2" ||
                mw_fail "polkit's last question '$(tail -n 1 "$POLKIT_LOG")' is not '$2'"
}

# nobody_busctl METHOD SIGNATURE ARGS...: METHOD as uid 65534 through busctl, which allows
# interactive authorization unless told otherwise.
nobody_busctl() {
        mw_as_nobody busctl call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" "$@"
}

# expect_unchanged: the state the refused calls must leave alone.
expect_unchanged() {
        mw_expect_eq Mode "$(mw_prop Mode)" enforce
        mw_expect_eq ListOverrides "$(mw_call ListOverrides)" 'a(sastb) 0'
        mw_expect_flags /tmp nosuid nodev noexec
        [ ! -e "$MW_PERSIST/overrides" ] || mw_fail "a refused call wrote '$MW_PERSIST/overrides'"
        mw_daemon_alive
}

polkit_cleanup() {
        local rc=$?
        set +e
        [ -z "$POLKIT_PID" ] || kill "$POLKIT_PID" 2>/dev/null
        (exit "$rc")
        mw_dbus_cleanup
}
trap polkit_cleanup EXIT

: >"$POLKIT_LOG"
mw_dbus_start
polkit_allow_on_bus

# allow: every changing method, as nobody.
polkit_start allow
"${NOBODY[@]}" busctl call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" AddOverride sastb /tmp 1 exec 0 false &
caller=$!
wait "$caller" || mw_fail "nobody's AddOverride failed though polkit allows it"
mw_expect_lacks /tmp noexec
mw_expect_flags /tmp nosuid nodev
[[ "$(mw_call ListOverrides)" == 'a(sastb) 1 "/tmp" 1 "exec" '[0-9]*' false' ]] ||
        mw_fail "ListOverrides: $(mw_call ListOverrides)"
expect_questions 1 "$QUESTION pid=$caller flags=1 details=0"
mw_pass "polkit allows: nobody's AddOverride /tmp exec took noexec off, asked as $caller"

nobody_busctl --allow-interactive-authorization=no RemoveOverride s /tmp
mw_expect_flags /tmp noexec
expect_questions 2 "$QUESTION pid=[0-9]+ flags=0 details=0"
nobody_busctl SetMode s audit
mw_expect_eq Mode "$(mw_prop Mode)" audit
nobody_busctl SetMode s enforce
mw_expect_eq Mode "$(mw_prop Mode)" enforce
nobody_busctl Reload
nobody_busctl Revert s /run/user/4242
mw_expect_lacks /run/user/4242 nosuid nodev noexec
expect_questions 6 "$QUESTION pid=[0-9]+ flags=1 details=0"
grep -Evx -- "$QUESTION pid=[0-9]+ flags=[01] details=0" "$POLKIT_LOG" &&
        mw_fail "a question not about nobody's org.mountwarden1.manage"
mw_pass "polkit allows: nobody's RemoveOverride, SetMode, Reload, Revert"

nobody_busctl Rescan
mw_call SetMode s enforce
mw_call Rescan
expect_questions 6
mw_pass "Rescan and root's calls do not ask polkit"

# deny, challenge, error: refused, and polkit asked once per call.
asked=6
for verdict in deny challenge error; do
        polkit_stop
        polkit_start "$verdict"
        mw_nobody_denied Reload
        mw_nobody_denied SetMode string:audit
        mw_nobody_denied AddOverride string:/tmp array:string:exec uint64:0 boolean:false
        mw_nobody_denied AddOverride string:/tmp array:string:exec uint64:0 boolean:true
        mw_nobody_denied RemoveOverride string:/tmp
        mw_nobody_denied Revert string:/tmp
        asked=$((asked + 6))
        expect_questions "$asked" "$QUESTION pid=[0-9]+ flags=0 details=0"
        expect_unchanged
        mw_pass "polkit answers $verdict: AccessDenied from every changing method, nothing changed"
done

# hold: while polkit sits on nobody's question, others are answered; when polkit leaves the bus
# without answering, the question counts as a no.
polkit_stop
polkit_start hold
"${NOBODY[@]}" dbus-send --system --print-reply --dest="$MW_DEST" "$MW_OBJ" \
        "$MW_IFACE.AddOverride" string:/tmp array:string:exec uint64:0 boolean:false \
        >"$MW_TMP/held.out" 2>&1 &
held=$!
for _ in $(seq 1 500); do
        [ "$(wc -l <"$POLKIT_LOG")" -gt "$asked" ] && break
        sleep 0.01
done
expect_questions $((asked + 1)) "$QUESTION pid=$held flags=0 details=0"
busctl --timeout=2 call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" SetMode s audit ||
        mw_fail "root's SetMode waited"
mw_expect_eq Mode "$(busctl --timeout=2 get-property "$MW_DEST" "$MW_OBJ" "$MW_IFACE" Mode)" \
        's "audit"'
mw_call SetMode s enforce
nobody_busctl --timeout=2 ListOverrides >/dev/null || mw_fail "nobody's ListOverrides waited"
if [ -s "$MW_TMP/held.out" ] || ! kill -0 "$held" 2>/dev/null; then
        mw_fail "nobody's held call was answered: $(cat "$MW_TMP/held.out")"
fi
mw_pass "a question polkit holds stalls no other caller"

polkit_stop
if wait "$held"; then
        mw_fail "nobody's held AddOverride succeeded"
fi
grep -q "^Error org.freedesktop.DBus.Error.AccessDenied: " "$MW_TMP/held.out" ||
        mw_fail "nobody's held AddOverride: $(cat "$MW_TMP/held.out")"
expect_unchanged
mw_pass "polkit leaving without an answer: AccessDenied"

# No polkit on the bus: nobody is refused, root is not.
mw_nobody_denied AddOverride string:/tmp array:string:exec uint64:0 boolean:false
mw_nobody_denied SetMode string:audit
expect_unchanged
expect_questions $((asked + 1))
mw_call AddOverride sastb /tmp 1 exec 0 false
mw_expect_lacks /tmp noexec
mw_call RemoveOverride s /tmp
mw_expect_flags /tmp noexec
mw_pass "no polkit: nobody gets AccessDenied, root adds and removes an override"
