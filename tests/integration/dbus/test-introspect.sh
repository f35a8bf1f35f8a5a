#!/bin/bash
# The bus face as busctl shows it: the name, the objects (one per mount), the interfaces, and the
# properties with their real values. The introspection data of both interfaces must match the
# checked-in description, so a change to a vtable is a visible change to a file.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

# interface_xml NAME: the <interface name="NAME"> block of the introspection data on stdin.
interface_xml() {
        sed -n "/<interface name=\"$1\">/,/<\/interface>/p"
}

mw_tmpfs /run/user 'mode=0755'
mw_start_bus
mw_start_daemon

# One object per mount, and the counters say the same.
mounts=$(wc -l </proc/self/mountinfo)
tree=$(busctl tree --list "$MW_DEST")
grep -qx "$MW_OBJ" <<<"$tree" || mw_fail "no $MW_OBJ in: $tree"
mw_expect_eq "mount objects" "$(grep -c "^$MW_OBJ/mount/[0-9]*$" <<<"$tree")" "$mounts"
mw_expect_eq MountsTotal "$(mw_prop MountsTotal)" "$mounts"
mw_pass "busctl tree: $mounts mount objects"

# The interfaces systemd's services have, and ours.
table=$(busctl introspect "$MW_DEST" "$MW_OBJ")
for i in org.freedesktop.DBus.ObjectManager org.freedesktop.DBus.Properties \
        org.freedesktop.DBus.Introspectable org.freedesktop.DBus.Peer "$MW_IFACE"; do
        grep -q "^$i *interface" <<<"$table" || mw_fail "no interface $i on $MW_OBJ"
done
busctl call "$MW_DEST" "$MW_OBJ" org.freedesktop.DBus.Peer Ping
mw_pass "busctl introspect: ObjectManager, Properties, Introspectable, Peer, Manager"

# The XML matches the checked-in description, for the manager and for a mount.
root=$(mw_object /)
busctl introspect --xml-interface "$MW_DEST" "$MW_OBJ" | interface_xml "$MW_IFACE" \
        >"$MW_TMP/manager.xml"
busctl introspect --xml-interface "$MW_DEST" "$root" | interface_xml "$MW_MOUNT_IFACE" \
        >"$MW_TMP/mount.xml"
diff -u "$MW_SCRIPT_DIR/org.mountwarden1.Manager.xml" "$MW_TMP/manager.xml" ||
        mw_fail "Manager introspection differs from org.mountwarden1.Manager.xml"
diff -u "$MW_SCRIPT_DIR/org.mountwarden1.Mount.xml" "$MW_TMP/mount.xml" ||
        mw_fail "Mount introspection differs from org.mountwarden1.Mount.xml"
mw_pass "introspection XML matches the checked-in interface files"

# Properties hold the daemon's real values.
version=$("$MW_DAEMON" --version | cut -d' ' -f2)
mw_expect_eq Version "$(mw_prop Version)" "$version"
mw_expect_eq Mode "$(mw_prop Mode)" enforce
mw_expect_eq ConfigFiles "$(mw_prop ConfigFiles)" "1 $MW_DEFAULT_CONFIG"
[[ "$(mw_prop Backend)" =~ ^(statmount(\+fanotify)?|mountinfo)\+(mount_setattr|remount)$ ]] ||
        mw_fail "Backend is '$(mw_prop Backend)'"
hardened=$(grep -c "Hardened '" "$MW_LOG")
mw_expect_eq MountsHardened "$(mw_prop MountsHardened)" "$hardened"
mw_expect_eq RemountsApplied "$(mw_prop RemountsApplied)" "$hardened"
[ "$(mw_prop LastScanUSec)" -gt 0 ] || mw_fail "LastScanUSec is 0"
mw_pass "get-property: version $version, mode enforce, $hardened hardened"

# The mounts' objects as ObjectManager hands them out.
managed=$(busctl call "$MW_DEST" "$MW_OBJ" org.freedesktop.DBus.ObjectManager GetManagedObjects \
        --json=short | python3 -c '
import json, sys
objects = json.load(sys.stdin)["data"][0]
print(sum(1 for o in objects.values() if "org.mountwarden1.Mount" in o))
print(objects["'"$root"'"]["org.mountwarden1.Mount"]["Target"]["data"])')
mw_expect_eq "GetManagedObjects" "$managed" "$mounts
/"
mw_pass "GetManagedObjects: $mounts mounts, / at $root"

# PropertiesChanged names only what changed: a new mount changes the counts, a rescan that
# finds nothing new does not.
mw_listen
mkdir -p /run/user/4242
mount -t tmpfs tmpfs /run/user/4242
mw_wait_signal "^PropertiesChanged $MW_OBJ $MW_IFACE .*MountsTotal"
mw_expect_eq MountsTotal "$(mw_prop MountsTotal)" "$((mounts + 1))"
: >"$MW_SIGNALS"
mw_call Rescan
# A second mount marks the point the listener must reach: its MountsTotal must be the only one.
mkdir -p /run/user/4243
mount -t tmpfs tmpfs /run/user/4243
mw_wait_signal "MountsTotal"
mw_expect_eq "MountsTotal announcements" "$(grep -c MountsTotal "$MW_SIGNALS")" 1
mw_pass "PropertiesChanged only for values that changed"

# Forcing the fallbacks shows in Backend.
mw_stop_daemon
mw_start_daemon --backend mountinfo --no-setattr
mw_expect_eq Backend "$(mw_prop Backend)" "mountinfo+remount"
mw_pass "Backend with the fallbacks forced: mountinfo+remount"
