#!/bin/bash
# A user's runtime directory, mounted by logind after the daemon is up, is hardened, and so are
# the FUSE mounts below it; with either way of reading the mount table.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /run/user 'mode=0755'

uid=4241
for backend in statmount mountinfo; do
        uid=$((uid + 1))
        mw_start_daemon --backend "$backend"
        grep -q "backend $backend" "$MW_LOG" || mw_fail "daemon did not use the $backend backend"

        mkdir -p /run/user/$uid
        mount -t tmpfs -o mode=0700,size=64m tmpfs /run/user/$uid
        mw_expect_flags /run/user/$uid nosuid nodev noexec
        mw_wait_log "Hardened '/run/user/$uid'" || mw_fail "no log line for /run/user/$uid"
        mw_pass "$backend: /run/user/$uid: $(mw_flags /run/user/$uid)"

        # The document portal's place, with a tmpfs standing in for its FUSE mount.
        mkdir -p /run/user/$uid/doc
        mount -t tmpfs tmpfs /run/user/$uid/doc
        mw_expect_flags /run/user/$uid/doc nosuid nodev noexec
        mw_pass "$backend: /run/user/$uid/doc: $(mw_flags /run/user/$uid/doc)"
        mw_stop_daemon
done

# --once: one sweep over what is there, then exit 0 when nothing failed.
mkdir -p /run/user/1000
mount -t tmpfs tmpfs /run/user/1000
"$MW_DAEMON" --once --config "$MW_DEFAULT_CONFIG" --allow-namespace --no-bus \
        --state-dir "$MW_STATE" --kernel-cmdline /dev/null 2>>"$MW_LOG" || mw_fail "--once failed"
mw_expect_flags /run/user/1000 nosuid nodev noexec
mw_pass "--once hardened /run/user/1000 and exited"
