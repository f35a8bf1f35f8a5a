#!/bin/bash
# A broken config stops the start with file and line; on SIGHUP it is reported and the old
# policy stays in force.
. "$(dirname "$0")/lib.sh"

conf="$MW_TMP/mw.conf"
cat >"$conf" <<'CONF'
mode = "enforce";
rules = (
  { target = "/run/user/*"; ensure = [ "nosuid", "nodev", "noexec" ]; },
  { target = "/media/**"; ensure = [ "nosuid", "nodev", "noexex" ]; }
);
CONF

rc=0
"$MW_DAEMON" --config "$conf" --allow-namespace --no-bus --state-dir "$MW_STATE" \
        --kernel-cmdline /dev/null 2>"$MW_TMP/start.err" || rc=$?
[ "$rc" != 0 ] || mw_fail "daemon started on a broken config"
grep -q "$conf:4: .*noexex" "$MW_TMP/start.err" || {
        cat "$MW_TMP/start.err" >&2
        mw_fail "error does not name file, line 4 and the bad flag"
}
mw_pass "start refused: $(grep "$conf:4" "$MW_TMP/start.err")"

# Now a good policy, then break it and reload.
sed -i 's/noexex/noexec/' "$conf"
mw_tmpfs /run/user
mw_start_daemon --config "$conf" --no-bus
sed -i 's/mode = "enforce";/mode = "enforcing";/' "$conf"
kill -HUP "$MW_DAEMON_PID"
mw_wait_log "$conf:1: .*enforcing.*keeping the previous policy" || mw_fail "reload error not reported"
kill -0 "$MW_DAEMON_PID" || mw_fail "daemon died on a broken reload"

mw_tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_pass "old policy still in force after a broken reload"

# A fixed config is taken on the next SIGHUP.
sed -i -e 's/enforcing/enforce/' -e 's/ensure = \[ "nosuid", "nodev", "noexec" \]; },/ensure = [ "nosuid" ]; },/' "$conf"
kill -HUP "$MW_DAEMON_PID"
mw_wait_log "Policy reloaded" || mw_fail "good reload not logged"
mw_tmpfs /run/user/4243
mw_expect_flags /run/user/4243 nosuid
mw_expect_lacks /run/user/4243 noexec
mw_pass "fixed policy taken on reload"
