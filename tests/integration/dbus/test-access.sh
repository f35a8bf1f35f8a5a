#!/bin/bash
# Who may do what, through the shipped bus policy: uid 65534 reads everything (properties,
# lists, objects, introspection) and may ask for a rescan, but every changing method answers it
# AccessDenied and changes nothing (no polkit on this bus). Root succeeds at each.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

mw_dbus_start
obj=$(mw_object /run/user/4242)

# Reading, as nobody.
mw_as_nobody busctl get-property "$MW_DEST" "$MW_OBJ" "$MW_IFACE" Mode | grep -qx 's "enforce"' ||
        mw_fail "nobody cannot read Mode"
mw_as_nobody busctl call "$MW_DEST" "$MW_OBJ" org.freedesktop.DBus.Properties GetAll s \
        "$MW_IFACE" | grep -q '"MountsTotal" u' || mw_fail "nobody cannot GetAll"
mw_nobody_call ListMounts | grep -q '"/run/user/4242"' || mw_fail "nobody cannot ListMounts"
mw_nobody_call ListOverrides >/dev/null || mw_fail "nobody cannot ListOverrides"
mw_nobody_call GetMount string:/run/user/4242 | grep -q "$obj" || mw_fail "nobody cannot GetMount"
mw_as_nobody busctl get-property "$MW_DEST" "$obj" "$MW_MOUNT_IFACE" Decision |
        grep -qx 's "compliant"' || mw_fail "nobody cannot read a mount's Decision"
mw_as_nobody busctl introspect "$MW_DEST" "$obj" >/dev/null || mw_fail "nobody cannot introspect"
mw_as_nobody busctl call "$MW_DEST" "$MW_OBJ" org.freedesktop.DBus.ObjectManager \
        GetManagedObjects >/dev/null || mw_fail "nobody cannot GetManagedObjects"
mw_nobody_call Rescan >/dev/null || mw_fail "nobody cannot Rescan"
mw_pass "uid 65534 reads properties, lists, objects and may rescan"

# Changing, as nobody: AccessDenied every time.
mw_nobody_denied Reload
mw_nobody_denied SetMode string:audit
mw_nobody_denied AddOverride string:/tmp array:string:exec uint64:0 boolean:false
mw_nobody_denied AddOverride string:/tmp array:string:exec uint64:0 boolean:true
mw_nobody_denied RemoveOverride string:/tmp
mw_nobody_denied Revert string:/run/user/4242
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mw_expect_eq ListOverrides "$(mw_call ListOverrides)" 'a(sastb) 0'
mw_expect_flags /tmp nosuid nodev noexec
mw_expect_flags /run/user/4242 nosuid nodev noexec
[ ! -e "$MW_PERSIST/overrides" ] || mw_fail "a refused call wrote '$MW_PERSIST/overrides'"
mw_daemon_alive
mw_pass "uid 65534 gets AccessDenied from Reload, SetMode, AddOverride, RemoveOverride, Revert"

# Root, the same calls.
mw_call SetMode s audit
mw_expect_eq Mode "$(mw_prop Mode)" audit
mw_call SetMode s enforce
mw_call AddOverride sastb /tmp 1 exec 0 true
mw_expect_lacks /tmp noexec
mw_call RemoveOverride s /tmp
mw_expect_flags /tmp noexec
mw_call Revert s /run/user/4242
mw_expect_lacks /run/user/4242 nosuid nodev noexec
mw_call Reload
mw_call Rescan
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mw_pass "root: SetMode, AddOverride, RemoveOverride, Revert, Reload, Rescan"
