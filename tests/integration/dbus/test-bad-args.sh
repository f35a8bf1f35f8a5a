#!/bin/bash
# Bad arguments get errors a person understands, under the right names; the daemon keeps running
# and keeps what it had: overrides, mode, hardened mounts. A broken configuration on Reload is
# reported with file and line, and the old policy stays.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

invalid=org.freedesktop.DBus.Error.InvalidArgs
config="$MW_TMP/mountwarden.conf"
cp "$MW_DEFAULT_CONFIG" "$config"

mw_tmpfs /tmp
mw_tmpfs /run/user 'mode=0755'
mw_start_bus
mw_start_daemon -c "$config"
mw_expect_flags /tmp nosuid nodev noexec
mw_call AddOverride sastb /srv 1 nosuid 0 false

add() {
        mw_expect_error "$1" AddOverride "string:$2" "array:string:$3" "uint64:$4" boolean:false
}
add $invalid /tmp exex 0 | grep -q "Unknown flag 'exex'" || mw_fail "unknown flag message"
add $invalid /tmp exec,noexec 0 | grep -q "both required and allowed" ||
        mw_fail "contradiction message"
add $invalid "" exec 0 | grep -q "Invalid pattern ''" || mw_fail "empty pattern message"
add $invalid tmp exec 0 | grep -q "must be an absolute path" || mw_fail "relative pattern message"
add $invalid /tmp/../etc exec 0 >/dev/null
add $invalid '/tmp//x' exec 0 >/dev/null
add $invalid '/a**b' exec 0 >/dev/null
add $invalid /tmp exec 18446744073709551615 | grep -q "longer than 10 years" ||
        mw_fail "duration message"
add $invalid /tmp exec $(( 11 * 366 * 24 * 3600 * 1000000 )) >/dev/null
out=$(busctl call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" AddOverride sastb /tmp 0 0 false 2>&1) &&
        mw_fail "AddOverride without flags succeeded"
[[ "$out" == *"No flags given"* ]] || mw_fail "AddOverride without flags: '$out'"
mw_expect_error $invalid AddOverride string:/tmp >/dev/null
mw_pass "AddOverride: unknown flag, contradiction, bad patterns, durations, no flags, bad signature"

mw_expect_error $invalid SetMode string:permissive | grep -q "Unknown mode 'permissive'" ||
        mw_fail "unknown mode message"
mw_expect_error $invalid SetMode string: >/dev/null
mw_expect_error org.mountwarden1.Error.NoSuchOverride RemoveOverride string:/nope >/dev/null
mw_expect_error org.mountwarden1.Error.NoSuchMount GetMount string:/nope >/dev/null
mw_expect_error org.mountwarden1.Error.NoSuchMount Revert string:/nope >/dev/null
mw_expect_error org.mountwarden1.Error.NotHardened Revert string:/ >/dev/null
mw_pass "SetMode, RemoveOverride, GetMount, Revert: InvalidArgs, NoSuchOverride, NoSuchMount," \
        "NotHardened"

# Nothing was lost or changed on the way.
mw_daemon_alive
mw_expect_eq ListOverrides "$(mw_call ListOverrides)" 'a(sastb) 1 "/srv" 1 "nosuid" 0 false'
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mw_expect_flags /tmp nosuid nodev noexec
mkdir -p /run/user/4242
mount -t tmpfs tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_pass "after the bad calls: override kept, mode enforce, new mounts still hardened"

# Reload with a broken configuration: the error names file and line, the old policy stays.
sed -i 's/^mode = "enforce";/mode = "strict";/' "$config"
line=$(grep -n '^mode = "strict";' "$config" | cut -d: -f1)
out=$(mw_expect_error org.mountwarden1.Error.BadConfig Reload)
[[ "$out" == *"$config:$line: "* ]] || mw_fail "Reload error without file:line: '$out'"
mw_daemon_alive
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mkdir -p /run/user/4243
mount -t tmpfs tmpfs /run/user/4243
mw_expect_flags /run/user/4243 nosuid nodev noexec
mw_pass "broken Reload: $out"

sed -i 's/^mode = "strict";/mode = "audit";/' "$config"
mw_call Reload
mw_expect_eq "Mode after a good Reload" "$(mw_prop Mode)" audit
mw_pass "a good Reload takes effect: mode audit"
