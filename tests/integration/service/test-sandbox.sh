#!/bin/bash
# The daemon does its job with no more than the unit grants: its capability bounding set, no new
# privileges, its umask. Under those limits it must still tell PID 1's mount namespace from
# another one, and reach a mount below a directory only its owner may enter (the document portal
# in /run/user/UID/doc), which is why the unit keeps CAP_DAC_READ_SEARCH: without it that mount
# is out of reach, and the test checks that too. (The system call filter is not reproduced here;
# it needs systemd to apply it.)
#
# Usage: test-sandbox.sh BUILD_DIR SOURCE_DIR UNIT
. "$(dirname "$0")/../lib.sh"

unit=$3

# unit_value NAME: the value of directive NAME in the unit.
unit_value() {
    sed -n "s/^$1=//p" "$unit" | tail -n 1
}

caps=$(unit_value CapabilityBoundingSet)
umask=$(unit_value UMask)
[ -n "$caps" ] && [ -n "$umask" ] || mw_fail "the unit lacks CapabilityBoundingSet= or UMask="
[ "$(unit_value NoNewPrivileges)" = yes ] || mw_fail "the unit lacks NoNewPrivileges=yes"

# sandboxed CAPS: write a wrapper that runs the daemon as the unit would, with bounding set CAPS
# (setpriv's "+cap,+cap" form), and point MW_DAEMON at it.
real_daemon=$MW_DAEMON
sandboxed() {
    cat >"$MW_TMP/sandboxed" <<EOF
#!/bin/sh
umask $umask
exec setpriv --bounding-set=-all,$1 --inh-caps=-all --ambient-caps=-all --no-new-privs \\
    "$real_daemon" "\$@"
EOF
    chmod +x "$MW_TMP/sandboxed"
    MW_DAEMON="$MW_TMP/sandboxed"
}

unit_caps=$(echo "$caps" | tr 'A-Z' 'a-z' | sed -e 's/cap_/+/g' -e 's/ \+/,/g')
sandboxed "$unit_caps"

# Here, in a private namespace and without --allow-namespace, the daemon must refuse to run
# because the namespace is not PID 1's, which means it could find out PID 1's.
rc=0
timeout 10 "$MW_DAEMON" --config "$MW_DEFAULT_CONFIG" --no-bus --log-target stderr \
    --kernel-cmdline /dev/null --state-dir "$MW_STATE" --persist-dir "$MW_PERSIST" \
    >"$MW_TMP/refusal.log" 2>&1 || rc=$?
grep -q "Refusing to run in a mount namespace other than PID 1's" "$MW_TMP/refusal.log" ||
    mw_fail "with $caps, the namespace check did not work: $(cat "$MW_TMP/refusal.log")"
[ "$rc" != 0 ] || mw_fail "the daemon ran outside PID 1's namespace"
mw_pass "with $caps the daemon still recognizes a foreign mount namespace"

# user_mounts UID: a runtime directory of mode 0700 owned by UID, with a mount inside it.
user_mounts() {
    local dir=/run/user/$1
    mkdir -p "$dir"
    mount -t tmpfs -o "mode=0700,uid=$1,gid=$1" tmpfs "$dir"
    mkdir "$dir/doc"
    mount -t tmpfs tmpfs "$dir/doc"
}

mw_tmpfs /run/user 'mode=0755'
mw_start_daemon --no-bus
bounding=$(awk '/^CapBnd:/ { print $2 }' "/proc/$MW_DAEMON_PID/status")
granted=$(capsh --decode="$bounding" | sed 's/.*=//' | tr ',' '\n' | sort | xargs)
wanted=$(echo "$caps" | tr 'A-Z ' 'a-z\n' | sort | xargs)
[ "$granted" = "$wanted" ] || mw_fail "the sandboxed daemon may use $granted, not $wanted"
user_mounts 4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_expect_flags /run/user/4242/doc nosuid nodev noexec
mw_pass "with $caps both /run/user/4242 and /run/user/4242/doc are hardened"
mw_stop_daemon

# The control: without CAP_DAC_READ_SEARCH the mount inside the 0700 directory is out of reach.
sandboxed "+sys_admin"
mw_start_daemon --no-bus
user_mounts 4243
mw_expect_flags /run/user/4243 nosuid nodev noexec
mw_wait_log "Failed to remount '/run/user/4243/doc': Permission denied" ||
    mw_fail "without CAP_DAC_READ_SEARCH, /run/user/4243/doc did not fail as expected"
mw_expect_lacks /run/user/4243/doc noexec
mw_pass "without CAP_DAC_READ_SEARCH /run/user/4243/doc stays out of reach, as expected"
mw_stop_daemon

# Every system call of a run (start, harden, reload, stop) passes SystemCallFilter=.
filter=$(unit_value SystemCallFilter)
[ -n "$filter" ] || mw_fail "the unit has no SystemCallFilter="
cat >"$MW_TMP/traced" <<EOF
#!/bin/sh
exec strace -f -qq -o "$MW_TMP/strace.log" "$real_daemon" "\$@"
EOF
chmod +x "$MW_TMP/traced"
MW_DAEMON="$MW_TMP/traced"
mw_start_daemon --no-bus
daemon_pid=$(pgrep -P "$MW_DAEMON_PID")
user_mounts 4244
mw_expect_flags /run/user/4244/doc nosuid nodev noexec
kill -HUP "$daemon_pid"
mw_wait_log "[Rr]eload" || mw_fail "no reload logged after SIGHUP"
kill -TERM "$daemon_pid"
wait "$MW_DAEMON_PID" || mw_fail "the traced daemon did not stop cleanly"
MW_DAEMON_PID=

systemd-analyze syscall-filter >"$MW_TMP/groups.txt" 2>/dev/null
python3 "$MW_SCRIPT_DIR/check-syscalls.py" "$filter" "$MW_TMP/groups.txt" "$MW_TMP/strace.log" ||
    mw_fail "the daemon makes system calls the unit forbids"
mw_pass "SystemCallFilter= allows every system call of a traced run"
