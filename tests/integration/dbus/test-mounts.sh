#!/bin/bash
# Mount objects follow the mount table: a user's runtime directory mounted after start is listed
# hardened with its rule, its object shows the real flags, and object and entry vanish with the
# mount. A path that is not UTF-8 is listed in escaped form and breaks no reply.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

# list_entry TARGET: the ListMounts entry for TARGET as "id|target|fstype|decision|rule|missing|
# path", or nothing.
list_entry() {
        mw_call ListMounts --json=short | python3 -c '
import json, sys
for m in json.load(sys.stdin)["data"][0]:
    if m[1] == sys.argv[1]:
        print("|".join([str(m[0]), m[1], m[2], m[3], m[4], ",".join(m[5]), m[6]]))' "$1"
}

mw_tmpfs /run/user 'mode=0755'
mw_start_bus
mw_start_daemon
mw_listen

rule_line=$(grep -n 'target = \[ "/run", "/run/user/\*"' "$MW_DEFAULT_CONFIG" | cut -d: -f1)
rule="$MW_DEFAULT_CONFIG:$rule_line"

# A fresh tmpfs where no rule reaches shows what the kernel gives a new tmpfs.
mw_tmpfs "$MW_TMP/plain"
fresh=$(mw_flags "$MW_TMP/plain")

mkdir -p /run/user/4242
mount -t tmpfs -o mode=0700,size=16m tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
obj=$(mw_object /run/user/4242)
id=${obj##*/}
mw_wait_signal "^InterfacesAdded $MW_OBJ $obj $MW_MOUNT_IFACE$"
mw_wait_signal "^MountHardened $MW_OBJ $obj nosuid,nodev,noexec$"
mw_pass "InterfacesAdded and MountHardened for $obj"

mw_expect_eq "ListMounts entry" "$(list_entry /run/user/4242)" \
        "$id|/run/user/4242|tmpfs|compliant|$rule||$obj"
mw_pass "ListMounts: /run/user/4242 compliant by $rule"

# The object's properties against the kernel's view.
flags=$(mw_flags /run/user/4242)
mw_expect_eq Id "$(mw_mount_prop "$obj" Id)" "t $id"
mw_expect_eq Target "$(mw_mount_prop "$obj" Target)" 's "/run/user/4242"'
mw_expect_eq Source "$(mw_mount_prop "$obj" Source)" 's "tmpfs"'
mw_expect_eq FSType "$(mw_mount_prop "$obj" FSType)" 's "tmpfs"'
mw_expect_eq Flags "$(mw_mount_prop "$obj" Flags | cut -d' ' -f3- | tr -d '"' | tr ' ' ',')" \
        "$flags"
mw_expect_eq OriginalFlags \
        "$(mw_mount_prop "$obj" OriginalFlags | cut -d' ' -f3- | tr -d '"' | tr ' ' ',')" "$fresh"
mw_expect_eq AddedFlags "$(mw_mount_prop "$obj" AddedFlags)" 'as 3 "nosuid" "nodev" "noexec"'
mw_expect_eq Required "$(mw_mount_prop "$obj" Required)" 'as 3 "nosuid" "nodev" "noexec"'
mw_expect_eq Missing "$(mw_mount_prop "$obj" Missing)" 'as 0'
mw_expect_eq Decision "$(mw_mount_prop "$obj" Decision)" 's "compliant"'
mw_expect_eq Rule "$(mw_mount_prop "$obj" Rule)" "s \"$rule\""
mw_expect_eq LastError "$(mw_mount_prop "$obj" LastError)" 's ""'
mw_expect_eq RelaxedByHand "$(mw_mount_prop "$obj" RelaxedByHand)" 'b false'
mw_pass "Mount properties: flags $flags, before $fresh"

# Unmounting removes the object and the entry.
umount /run/user/4242
mw_wait_signal "^InterfacesRemoved $MW_OBJ $obj $MW_MOUNT_IFACE$"
if busctl get-property "$MW_DEST" "$obj" "$MW_MOUNT_IFACE" Target 2>/dev/null; then
        mw_fail "$obj still answers after the unmount"
fi
mw_expect_eq "ListMounts entry after umount" "$(list_entry /run/user/4242)" ""
mw_expect_error org.mountwarden1.Error.NoSuchMount GetMount string:/run/user/4242
mw_pass "unmount: InterfacesRemoved, object gone, GetMount says NoSuchMount"

# Paths that are not UTF-8 are escaped as in mountinfo; valid UTF-8 stays as it is.
odd=$(printf '/run/user/caf\351 x')
nice=$(printf '/run/user/caf\303\251 x')
mkdir -p "$odd" "$nice"
mount -t tmpfs tmpfs "$odd"
mount -t tmpfs tmpfs "$nice"
mw_expect_flags "$odd" nosuid nodev noexec
mw_expect_flags "$nice" nosuid nodev noexec
escaped='/run/user/caf\351\040x'
entry=$(list_entry "$escaped")
[[ "$entry" == *"|$escaped|tmpfs|compliant|$rule||"* ]] || mw_fail "escaped entry: '$entry'"
[ -n "$(list_entry "$nice")" ] || mw_fail "no entry for '$nice'"
obj=$(mw_object "$escaped")
mw_expect_eq "escaped Target" "$(mw_mount_prop "$obj" Target)" "s \"/run/user/caf\\\\351\\\\040x\""
busctl call "$MW_DEST" "$MW_OBJ" org.freedesktop.DBus.ObjectManager GetManagedObjects >/dev/null
mw_daemon_alive
mw_pass "non-UTF-8 path listed as '$escaped'; ListMounts, GetMount, GetManagedObjects answer"

# A backslash makes a path escaped on the bus too, so that one bus form never names two mounts:
# the path with byte 0xff shows as bad\377x, the path with a real backslash as bad\134377x. Both
# forms lead back to their own mount in GetMount, Revert and override patterns (where, below the
# escaping, a backslash still escapes the next character as in fnmatch(3)).
byte=$(printf '/run/user/bad\377x')
literal='/run/user/bad\377x'
byte_form='/run/user/bad\377x'
literal_form='/run/user/bad\134377x'
mkdir -p "$byte" "$literal"
mount -t tmpfs tmpfs "$byte"
mount -t tmpfs tmpfs "$literal"
mw_expect_flags "$byte" nosuid nodev noexec
mw_expect_flags "$literal" nosuid nodev noexec
[[ "$(list_entry "$byte_form")" == *"|$byte_form|tmpfs|compliant|"* ]] ||
        mw_fail "no ListMounts entry '$byte_form'"
[[ "$(list_entry "$literal_form")" == *"|$literal_form|tmpfs|compliant|"* ]] ||
        mw_fail "no ListMounts entry '$literal_form'"
byte_obj=$(mw_object "$byte_form")
literal_obj=$(mw_object "$literal_form")
mw_expect_eq "Target of GetMount '$byte_form'" "$(mw_mount_prop "$byte_obj" Target)" \
        's "/run/user/bad\\377x"'
mw_expect_eq "Target of GetMount '$literal_form'" "$(mw_mount_prop "$literal_obj" Target)" \
        's "/run/user/bad\\134377x"'
mw_pass "'$byte_form' and '$literal_form' are two entries, each GetMount finds its own"

ctl_target() {
        "$MW_CTL" show "$1" | sed -n 's/^ *Target: //p'
}
mw_expect_eq "mountwardenctl show with the raw bytes" "$(ctl_target "$byte")" "$byte_form"
mw_expect_eq "mountwardenctl show '$byte_form'" "$(ctl_target "$byte_form")" "$byte_form"
mw_expect_eq "mountwardenctl show '$literal_form'" "$(ctl_target "$literal_form")" \
        "$literal_form"
mw_pass "mountwardenctl show takes raw bytes or the bus form"

mw_call AddOverride sastb "$byte_form" 1 exec 0 false
mw_expect_lacks "$byte" noexec
mw_expect_flags "$literal" noexec
mw_expect_eq ListOverrides "$(mw_call ListOverrides)" \
        'a(sastb) 1 "/run/user/bad\\377x" 1 "exec" 0 false'
mw_call RemoveOverride s "$byte_form"
mw_expect_flags "$byte" noexec
mw_call AddOverride sastb '/run/user/bad\134\134377x' 1 exec 0 false
mw_expect_lacks "$literal" noexec
mw_expect_flags "$byte" noexec
mw_expect_eq ListOverrides "$(mw_call ListOverrides)" \
        'a(sastb) 1 "/run/user/bad\\134\\134377x" 1 "exec" 0 false'
mw_call RemoveOverride s '/run/user/bad\134\134377x'
mw_expect_flags "$literal" noexec
"$MW_CTL" override add "$byte" exec
mw_expect_lacks "$byte" noexec
"$MW_CTL" override list | grep -Fq "$byte_form " ||
        mw_fail "override list: $("$MW_CTL" override list)"
"$MW_CTL" override remove "$byte"
mw_expect_flags "$byte" noexec
mw_pass "override patterns in bus form, or raw to mountwardenctl, reach the one mount they name"

mw_call Revert s "$byte_form"
mw_expect_lacks "$byte" nosuid nodev noexec
mw_expect_flags "$literal" nosuid nodev noexec
mw_call Revert s "$literal_form"
mw_expect_lacks "$literal" nosuid nodev noexec
mw_daemon_alive
mw_pass "Revert '$byte_form' and Revert '$literal_form' each revert their own mount"
