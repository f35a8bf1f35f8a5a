#!/bin/bash
# Exempt mounts keep exec; pseudo filesystems are never touched, whatever pattern they sit under.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /tmp
mw_tmpfs /media
mw_start_daemon

# An AppImage-style mount, then a mount the policy does harden, as a marker that the daemon
# has processed the events before it.
mw_tmpfs /tmp/.mount_test
mkdir -p /media/alice/proc
mount -t proc proc /media/alice/proc
mw_tmpfs /media/alice/marker
mw_expect_flags /media/alice/marker nosuid nodev noexec

mw_expect_lacks /tmp/.mount_test noexec
mw_expect_lacks /media/alice/proc nosuid nodev noexec
[ -r /media/alice/proc/self/status ] || mw_fail "proc mount is unusable"
mw_pass "/tmp/.mount_test: $(mw_flags /tmp/.mount_test); /media/alice/proc: $(mw_flags /media/alice/proc)"

plan=$("$MW_DAEMON" --plan --config "$MW_DEFAULT_CONFIG")
grep -P '^/tmp/\.mount_test\ttmpfs\t.*\texempt\t' <<<"$plan" >/dev/null ||
        mw_fail "plan does not show /tmp/.mount_test exempt"
grep -P '^/media/alice/proc\tproc\t.*\tignored\t-$' <<<"$plan" >/dev/null ||
        mw_fail "plan does not show /media/alice/proc ignored"
