# Helpers of the D-Bus scenarios; a test sources ../lib.sh first, then this file.

MW_DEST=org.mountwarden1
MW_OBJ=/org/mountwarden1
MW_IFACE=org.mountwarden1.Manager
MW_MOUNT_IFACE=org.mountwarden1.Mount
MW_SIGNALS="$MW_TMP/signals"
MW_LISTEN_PID=
# From MW_BUILD as lib.sh left it (a build dir below /tmp is reached through a bind mount in the
# namespace), never from the environment, whose path may lie under the test's own /tmp.
MW_SIGNAL_LISTEN="$MW_BUILD/tests/integration/dbus/signal-listen"

# mw_dbus_start [DAEMON OPTIONS...]: the usual stage: a tmpfs at /tmp, /run/user and
# /run/user/4242, mounted before the daemon starts so its first sweep hardens them; a private bus
# with the shipped policy; the daemon, started and seen to harden both.
mw_dbus_start() {
        mw_tmpfs /tmp
        mw_tmpfs /run/user 'mode=0755'
        mw_tmpfs /run/user/4242
        mw_start_bus
        mw_start_daemon "$@"
        mw_expect_flags /tmp nosuid nodev noexec
        mw_expect_flags /run/user/4242 nosuid nodev noexec
}

# mw_call METHOD [SIGNATURE ARGS...]: a Manager method through busctl; prints the answer.
mw_call() {
        local method=$1
        shift
        busctl call "$MW_DEST" "$MW_OBJ" "$MW_IFACE" "$method" "$@"
}

# mw_prop NAME: a Manager property's value without its type: enforce, 23, ...
mw_prop() {
        busctl get-property "$MW_DEST" "$MW_OBJ" "$MW_IFACE" "$1" | cut -d' ' -f2- | tr -d '"'
}

# mw_object TARGET: the object path of the top-most mount at TARGET.
mw_object() {
        mw_call GetMount s "$1" | cut -d' ' -f2 | tr -d '"'
}

# mw_mount_prop OBJECT NAME: a Mount property, as busctl prints it with its type.
mw_mount_prop() {
        busctl get-property "$MW_DEST" "$1" "$MW_MOUNT_IFACE" "$2"
}

# mw_expect_eq WHAT ACTUAL EXPECTED
mw_expect_eq() {
        [ "$2" = "$3" ] || mw_fail "$1: got '$2', expected '$3'"
}

# mw_expect_error NAME METHOD ARGS...: calling METHOD with dbus-send (ARGS as it takes them:
# string:/tmp) fails with the D-Bus error NAME. dbus-send prints the error name; busctl does not.
mw_expect_error() {
        local name=$1 method=$2 out
        shift 2
        if out=$(dbus-send --system --print-reply --dest="$MW_DEST" "$MW_OBJ" \
                "$MW_IFACE.$method" "$@" 2>&1); then
                mw_fail "$method $* succeeded, expected $name"
        fi
        [[ "$out" == "Error $name: "* ]] || mw_fail "$method $*: '$out', expected $name"
        echo "$out"
}

# mw_listen: record the daemon's signals in $MW_SIGNALS from now on. The file is opened for
# appending, so a test may empty it to look at what comes next.
mw_listen() {
        : >"$MW_SIGNALS"
        "$MW_SIGNAL_LISTEN" 120 >>"$MW_SIGNALS" &
        MW_LISTEN_PID=$!
        for _ in $(seq 1 500); do
                grep -q '^READY$' "$MW_SIGNALS" && return 0
                sleep 0.01
        done
        mw_fail "signal listener did not start"
}

# mw_wait_signal PATTERN [SECONDS]: wait until a recorded signal line matches PATTERN (grep -E).
mw_wait_signal() {
        local limit=$(( ${2:-10} * 100 ))
        for _ in $(seq 1 "$limit"); do
                grep -Eq -- "$1" "$MW_SIGNALS" && return 0
                sleep 0.01
        done
        echo "--- signals seen ---" >&2
        cat "$MW_SIGNALS" >&2
        mw_fail "no signal matching '$1'"
}

# mw_daemon_alive: the daemon is still running.
mw_daemon_alive() {
        kill -0 "$MW_DAEMON_PID" 2>/dev/null || mw_fail "the daemon died"
}

# mw_as_nobody COMMAND...: run COMMAND as uid/gid 65534 without supplementary groups.
mw_as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# mw_nobody_call METHOD ARGS...: call Manager METHOD as uid 65534 with dbus-send (which prints
# error names, unlike busctl); prints the reply.
mw_nobody_call() {
        local method=$1
        shift
        mw_as_nobody dbus-send --system --print-reply --dest="$MW_DEST" "$MW_OBJ" \
                "$MW_IFACE.$method" "$@"
}

# mw_nobody_denied METHOD ARGS...: the call as uid 65534 fails with AccessDenied.
mw_nobody_denied() {
        local out
        if out=$(mw_nobody_call "$@" 2>&1); then
                mw_fail "nobody's $1 succeeded"
        fi
        [[ "$out" == "Error org.freedesktop.DBus.Error.AccessDenied: "* ]] ||
                mw_fail "nobody's $1: '$out'"
}

# Stops the listener, then lib.sh's cleanup runs with the test's exit status. errexit goes first:
# the subshell that hands the status on fails when the test did.
mw_dbus_cleanup() {
        local rc=$?
        set +e
        if [ -n "$MW_LISTEN_PID" ]; then
                kill "$MW_LISTEN_PID" 2>/dev/null
        fi
        (exit "$rc")
        mw_cleanup
}
trap mw_dbus_cleanup EXIT
