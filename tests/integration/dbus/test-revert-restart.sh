#!/bin/bash
# A reverted mount stays as the administrator left it across a daemon restart (the state file
# remembers the revert), while a mount made in the meantime is hardened as usual; once it is
# mounted afresh, the policy applies to it again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

mw_tmpfs /media
mw_tmpfs /media/r
mw_start_bus
mw_start_daemon
mw_expect_flags /media/r nosuid nodev noexec

mw_call Revert s /media/r >/dev/null
mw_expect_lacks /media/r nosuid nodev noexec
grep -Eq '^[0-9]+ [01] 0 0 1 /media/r$' "$MW_STATE/mounts" ||
        mw_fail "the state file does not record the revert: $(cat "$MW_STATE/mounts")"

mw_stop_daemon
mw_start_daemon
mw_tmpfs /media/marker
mw_expect_flags /media/marker nosuid nodev noexec
mw_expect_lacks /media/r nosuid nodev noexec
mw_pass "after a restart the reverted /media/r is still $(mw_flags /media/r)"

# Mounted afresh, it is a new mount: the policy applies.
umount /media/r
mw_tmpfs /media/r
mw_expect_flags /media/r nosuid nodev noexec
mw_pass "mounted again, /media/r is $(mw_flags /media/r)"
