#!/bin/bash
# A mount relaxed by hand is hardened again (relaxed = "reapply"), or left alone and logged
# (relaxed = "respect").
. "$(dirname "$0")/lib.sh"

mw_tmpfs /tmp
mw_start_daemon
mw_expect_flags /tmp nosuid nodev noexec

mount -o remount,exec /tmp
mw_expect_flags /tmp noexec
mw_pass "reapply: /tmp is $(mw_flags /tmp) again"
mw_stop_daemon

# The same with relaxed = "respect", set in a drop-in beside a copy of the default policy.
cp "$MW_DEFAULT_CONFIG" "$MW_TMP/mw.conf"
mkdir "$MW_TMP/mw.conf.d"
echo 'relaxed = "respect";' >"$MW_TMP/mw.conf.d/50-respect.conf"
mw_start_daemon --config "$MW_TMP/mw.conf"

mount -o remount,exec /tmp
mw_wait_log "Mount '/tmp' was relaxed by hand" || mw_fail "relaxation not logged"
mw_expect_lacks /tmp noexec
# Another mount event, which the daemon must handle before /tmp is checked again.
mw_tmpfs /media
mw_tmpfs /media/marker
mw_expect_flags /media/marker nosuid nodev noexec
mw_expect_lacks /tmp noexec
mw_pass "respect: /tmp stays $(mw_flags /tmp)"
