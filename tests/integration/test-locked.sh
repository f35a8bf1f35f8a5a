#!/bin/bash
# Mounts whose flags the daemon may not change (it runs in a user namespace that does not own
# the mount namespace): each is reported once as locked, never retried in a loop, and the daemon
# keeps serving the others.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /run/user
mw_tmpfs /run/user/4242

# The daemon in a new user namespace, in the test's mount namespace: root there, but without
# any power over these mounts.
real_daemon=$MW_DAEMON
cat >"$MW_TMP/in-userns" <<SH
#!/bin/sh
exec unshare --user --map-root-user "$real_daemon" "\$@"
SH
chmod +x "$MW_TMP/in-userns"
MW_DAEMON="$MW_TMP/in-userns"

mw_start_daemon
mw_wait_log "Flags of '/run/user/4242' are locked" || mw_fail "locked mount not reported"
mw_expect_lacks /run/user/4242 noexec

# More events: the locked mount must not be tried again, the new one is tried once.
mw_tmpfs /run/user/4243
mw_wait_log "Flags of '/run/user/4243' are locked" || mw_fail "second locked mount not reported"
mount -o remount,nosuid /run/user/4243
mw_tmpfs /run/user/4244
mw_wait_log "Flags of '/run/user/4244' are locked" || mw_fail "third locked mount not reported"

for uid in 4242 4243; do
        n=$(grep -c "Flags of '/run/user/$uid' are locked" "$MW_LOG")
        [ "$n" = 1 ] || mw_fail "/run/user/$uid reported $n times, not once"
done
kill -0 "$MW_DAEMON_PID" || mw_fail "daemon died"
mw_pass "locked mounts reported once each, never retried"
