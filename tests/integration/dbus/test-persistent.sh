#!/bin/bash
# A persistent override survives a daemon restart: it is on disk, and a /tmp mounted while the
# daemon was stopped gets the policy minus the override. Removing it re-hardens and takes it off
# the disk. Expired and damaged lines of the file are skipped, the rest is kept and applied.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

file="$MW_PERSIST/overrides"

mw_tmpfs /tmp
mw_start_bus
mw_start_daemon
mw_expect_flags /tmp nosuid nodev noexec

mw_call AddOverride sastb /tmp 1 exec 0 true
mw_expect_lacks /tmp noexec
grep -qx '0 exec /tmp' "$file" || mw_fail "'$file' lacks /tmp: $(cat "$file")"
mw_expect_eq "files in $MW_PERSIST" "$(ls -A "$MW_PERSIST")" overrides
mw_pass "persistent override written: $(grep -v '^#' "$file")"

# Restart with a fresh /tmp mounted in between: the override must be what keeps exec.
mw_stop_daemon
umount /tmp
mw_tmpfs /tmp
mw_start_daemon
mw_expect_flags /tmp nosuid nodev
mw_expect_lacks /tmp noexec
mw_expect_eq ListOverrides "$(mw_call ListOverrides)" 'a(sastb) 1 "/tmp" 1 "exec" 0 true'
mw_pass "after a restart the new /tmp is $(mw_flags /tmp)"

mw_call RemoveOverride s /tmp
mw_expect_flags /tmp nosuid nodev noexec
if grep -q ' /tmp$' "$file"; then
        mw_fail "'$file' still holds /tmp"
fi
mw_stop_daemon
mw_start_daemon
mw_expect_eq "ListOverrides after removal and restart" "$(mw_call ListOverrides)" 'a(sastb) 0'
mw_pass "RemoveOverride re-hardened /tmp and the override stays gone after a restart"

# A persistent override with a duration keeps its wall-clock deadline; expired or damaged lines
# are skipped when the file is read. /tmp still carries the noexec the daemon added before the
# restart: the loaded exec override takes it back.
mw_stop_daemon
now=$(( $(date +%s) * 1000000 ))
cat >"$file" <<EOF
# written by the test
$(( now - 1000000 )) exec /var/tmp
not a line at all
0 exex /srv
0 exec relative
$(( now + 3600 * 1000000 )) exec,nosymfollow /tmp
0 dev /run/user/\052
0 exec /media/a b
-5 exec /media/c
EOF
mw_start_daemon
list=$(mw_call ListOverrides)
expected="a(sastb) 2 \"/tmp\" 2 \"exec\" \"nosymfollow\" $(( now + 3600 * 1000000 )) true"
expected+=' "/run/user/*" 1 "dev" 0 true'
mw_expect_eq ListOverrides "$list" "$expected"
mw_expect_flags /tmp nosymfollow
mw_expect_lacks /tmp noexec
mw_wait_log "overrides:3: expected EXPIRES FLAGS PATTERN, ignoring the line" ||
        mw_fail "no warning for the damaged line"
mw_wait_log "overrides:4: unknown flag" || mw_fail "no warning for the unknown flag"
mw_wait_log "overrides:5: must be an absolute path" || mw_fail "no warning for the relative one"
mw_wait_log "Persistent override for '/var/tmp' expired" || mw_fail "no word on the expired one"
mw_wait_log "overrides:8: expected EXPIRES FLAGS PATTERN" || mw_fail "trailing words taken"
mw_wait_log "overrides:9: expected EXPIRES FLAGS PATTERN" || mw_fail "a negative expiry taken"
mw_pass "loaded 2 of 8 lines: $(mw_call ListOverrides)"
