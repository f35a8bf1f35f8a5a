#!/bin/bash
# Overrides at run time: an 'exec' on /tmp for 2 s gives /tmp exec back, then noexec again when it
# expires, with OverrideExpired on the bus. Relaxing takes back only what the daemon added; an
# override that requires a flag adds it, and removing that override takes it back. Revert gives
# a mount its original flags and the daemon leaves it so.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

mw_tmpfs /tmp
mw_tmpfs /var/tmp noexec
mw_tmpfs /run/user 'mode=0755'
mw_start_bus
mw_start_daemon
mw_listen
mw_expect_flags /tmp nosuid nodev noexec
mw_expect_flags /var/tmp nosuid nodev noexec

# exec on /tmp for 2 s: relaxed at once (the reply comes after the remount), back after expiry.
start=$(date +%s%N)
mw_call AddOverride sastb /tmp 1 exec 2000000 false
mw_expect_lacks /tmp noexec
mw_expect_flags /tmp nosuid nodev
[[ "$(mw_call ListOverrides)" == 'a(sastb) 1 "/tmp" 1 "exec" '[0-9]*' false' ]] ||
        mw_fail "ListOverrides: $(mw_call ListOverrides)"
mw_expect_eq "/tmp Decision" "$(mw_mount_prop "$(mw_object /tmp)" Decision)" 's "compliant"'
mw_expect_eq "/tmp AddedFlags" "$(mw_mount_prop "$(mw_object /tmp)" AddedFlags)" \
        'as 2 "nosuid" "nodev"'
mw_wait_signal "^PropertiesChanged $(mw_object /tmp) $MW_MOUNT_IFACE .*Flags,.*AddedFlags"
mw_pass "AddOverride /tmp exec: $(mw_flags /tmp), PropertiesChanged for its object"

mw_wait_signal "^OverrideExpired $MW_OBJ /tmp$" 10
mw_expect_flags /tmp noexec
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed_ms" -ge 2000 ] || mw_fail "the override expired after only $elapsed_ms ms"
mw_expect_eq "ListOverrides after expiry" "$(mw_call ListOverrides)" 'a(sastb) 0'
mw_wait_log "Override for '/tmp' \(exec\) expired" || mw_fail "no expiry in the log"
mw_pass "expired after $elapsed_ms ms with OverrideExpired: $(mw_flags /tmp)"

# /var/tmp had noexec before the daemon came: allowing exec must not take it away.
mw_call AddOverride sastb /var/tmp 1 exec 0 false
mw_expect_flags /var/tmp noexec
mw_expect_eq "/var/tmp AddedFlags" "$(mw_mount_prop "$(mw_object /var/tmp)" AddedFlags)" \
        'as 2 "nosuid" "nodev"'
mw_call RemoveOverride s /var/tmp
mw_expect_flags /var/tmp nosuid nodev noexec
mw_pass "exec on /var/tmp left its own noexec alone: $(mw_flags /var/tmp)"

# An override that requires a flag adds it; removing the override takes back what it added.
mkdir -p /run/user/4242
mount -t tmpfs tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_call AddOverride sastb /run/user/4242 1 nosymfollow 0 false
mw_expect_flags /run/user/4242 nosymfollow
mw_call RemoveOverride s /run/user/4242
mw_expect_lacks /run/user/4242 nosymfollow
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_pass "nosymfollow override added the flag, its removal took it back"

# Revert: the original flags, and the daemon does not harden the mount right back.
original=$(mw_mount_prop "$(mw_object /run/user/4242)" OriginalFlags)
mw_call Revert s /run/user/4242
mw_expect_lacks /run/user/4242 nosuid nodev noexec
mw_call Rescan
sleep 0.5
mw_expect_lacks /run/user/4242 nosuid nodev noexec
obj=$(mw_object /run/user/4242)
mw_expect_eq "Flags after Revert" "$(mw_mount_prop "$obj" Flags)" "$original"
mw_expect_eq "Decision after Revert" "$(mw_mount_prop "$obj" Decision)" 's "relaxed"'
mw_expect_eq "AddedFlags after Revert" "$(mw_mount_prop "$obj" AddedFlags)" 'as 0'
mw_expect_error org.mountwarden1.Error.NotHardened Revert string:/run/user/4242
mw_pass "Revert: $(mw_flags /run/user/4242), left alone"

# A new mount at the same place is a new mount: the policy applies to it again.
mount -t tmpfs tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_daemon_alive
mw_pass "a new mount at a reverted place is hardened"
