# Shared helpers of the integration tests. Each test script sources this file first; it re-runs
# the script in a private mount namespace, so every mount it makes vanishes with it.
#
# Usage in a test: . "$(dirname "$0")/lib.sh"  (arguments: BUILD_DIR SOURCE_DIR)

set -eu -o pipefail

MW_BUILD=${MW_BUILD:-$(realpath "${1:?build dir}")}
MW_SOURCE=${MW_SOURCE:-$(realpath "${2:?source dir}")}
export MW_BUILD MW_SOURCE
MW_DAEMON="$MW_BUILD/daemon/mountwardend"
MW_CTL="$MW_BUILD/ctl/mountwardenctl"
MW_DEFAULT_CONFIG="$MW_SOURCE/config/mountwarden.conf"

if [ "${MW_IN_NAMESPACE:-}" != 1 ]; then
        if [ "$(id -u)" != 0 ]; then
                echo "SKIP: integration tests need root" >&2
                exit 77
        fi
        # The scratch directory is made on the host, then a tmpfs is mounted over it inside the
        # namespace: what the test writes never reaches the host's disk.
        MW_TMP=$(mktemp -d /run/mwtest.XXXXXX)
        export MW_TMP MW_IN_NAMESPACE=1
        rc=0
        unshare -m --propagation private -- bash "$0" "$@" || rc=$?
        rmdir "$MW_TMP" 2>/dev/null || true
        exit "$rc"
fi

mount -t tmpfs -o mode=0755 mwtest "$MW_TMP"

# Tests mount a tmpfs over /tmp: a checkout or build directory below /tmp would vanish under it.
# Inside the namespace, reach them through bind mounts that stay visible.
# MW_SCRIPT_DIR is the running test's own directory, reachable the same way.
MW_SCRIPT_DIR=$(dirname "$(realpath "$0")")
if [[ "$MW_SOURCE/" == /tmp/* ]]; then
        mkdir "$MW_TMP/source"
        mount --bind "$MW_SOURCE" "$MW_TMP/source"
        MW_SCRIPT_DIR="$MW_TMP/source${MW_SCRIPT_DIR#"$MW_SOURCE"}"
        MW_SOURCE="$MW_TMP/source"
fi
if [[ "$MW_BUILD/" == /tmp/* ]]; then
        mkdir "$MW_TMP/build"
        mount --bind "$MW_BUILD" "$MW_TMP/build"
        MW_BUILD="$MW_TMP/build"
fi
MW_DAEMON="$MW_BUILD/daemon/mountwardend"
MW_CTL="$MW_BUILD/ctl/mountwardenctl"
MW_DEFAULT_CONFIG="$MW_SOURCE/config/mountwarden.conf"
[[ "$PWD/" != /tmp/* ]] || cd "$MW_TMP"
MW_LOG="$MW_TMP/daemon.log"
MW_STATE="$MW_TMP/state"
MW_PERSIST="$MW_TMP/persist"
MW_DAEMON_PID=
MW_BUS_PID=
MW_LOOPS=()
MW_FAILED=0

mw_cleanup() {
        local rc=$?
        if [ -n "$MW_DAEMON_PID" ]; then
                kill "$MW_DAEMON_PID" 2>/dev/null || true
                wait "$MW_DAEMON_PID" 2>/dev/null || true
        fi
        if [ -n "$MW_BUS_PID" ]; then
                kill "$MW_BUS_PID" 2>/dev/null || true
        fi
        # Loop devices are global: unmount what uses ours, then detach them. A FUSE server
        # holds its device until it notices the unmount, so detaching is retried briefly.
        if [ ${#MW_LOOPS[@]} -gt 0 ]; then
                for l in "${MW_LOOPS[@]}"; do
                        findmnt -n -o TARGET -S "$l" | while read -r t; do
                                umount -l "$t" 2>/dev/null || true
                        done
                        for _ in $(seq 1 300); do
                                losetup -d "$l" 2>/dev/null || true
                                losetup "$l" >/dev/null 2>&1 || break
                                sleep 0.01
                        done
                done
        fi
        if [ "$rc" != 0 ] && [ -f "$MW_LOG" ]; then
                echo "--- daemon log (last 40 lines) ---" >&2
                tail -n 40 "$MW_LOG" >&2
        fi
        exit "$rc"
}
trap mw_cleanup EXIT

mw_fail() {
        echo "FAIL: $*" >&2
        exit 1
}

mw_pass() {
        echo "ok: $*"
}

# mw_tmpfs DIR [OPTIONS]: a fresh tmpfs at DIR (made private to this namespace).
mw_tmpfs() {
        local dir=$1 opts=${2:-}
        mkdir -p "$dir"
        mount -t tmpfs ${opts:+-o "$opts"} tmpfs "$dir"
}

# mw_flags TARGET: the per-mount options of the top-most mount at TARGET, as findmnt reads them.
mw_flags() {
        findmnt -n -o VFS-OPTIONS -M "$1" | tail -n 1
}

mw_has_flag() {
        local flags=",$(mw_flags "$1"),"
        [[ "$flags" == *",$2,"* ]]
}

# mw_wait_flags TARGET FLAG...: wait (bounded, 10 s) until TARGET carries every FLAG.
mw_wait_flags() {
        local target=$1 f ok
        shift
        for _ in $(seq 1 1000); do
                ok=1
                for f in "$@"; do
                        mw_has_flag "$target" "$f" || ok=0
                done
                [ "$ok" = 1 ] && return 0
                sleep 0.01
        done
        echo "flags of '$target' are '$(mw_flags "$target")', wanted: $*" >&2
        return 1
}

mw_expect_flags() {
        mw_wait_flags "$@" || mw_fail "'$1' did not get $*"
}

# mw_expect_lacks TARGET FLAG...: TARGET carries none of the FLAGs.
mw_expect_lacks() {
        local target=$1 f
        shift
        for f in "$@"; do
                if mw_has_flag "$target" "$f"; then
                        mw_fail "'$target' has $f: $(mw_flags "$target")"
                fi
        done
}

# mw_wait_log PATTERN [SECONDS]: wait until the daemon log has a line matching PATTERN (grep -E).
mw_wait_log() {
        local pattern=$1 limit=$(( ${2:-10} * 100 ))
        for _ in $(seq 1 "$limit"); do
                grep -Eq -- "$pattern" "$MW_LOG" 2>/dev/null && return 0
                if [ -n "$MW_DAEMON_PID" ] && ! kill -0 "$MW_DAEMON_PID" 2>/dev/null; then
                        echo "daemon exited while waiting for '$pattern'" >&2
                        return 1
                fi
                sleep 0.01
        done
        echo "no log line matching '$pattern'" >&2
        return 1
}

# mw_start_daemon [OPTIONS...]: start the real daemon (default policy unless -c is given) and
# wait until it says it is ready.
mw_start_daemon() {
        local config=(--config "$MW_DEFAULT_CONFIG") bus=()
        local a
        for a in "$@"; do
                case "$a" in -c|--config|--config=*) config=() ;; esac
        done
        # Without a private bus of the test's own, never reach for the machine's.
        [ -n "${DBUS_SYSTEM_BUS_ADDRESS:-}" ] || bus=(--no-bus)
        : >"$MW_LOG"
        "$MW_DAEMON" "${config[@]}" "${bus[@]}" --allow-namespace --log-target stderr \
                --state-dir "$MW_STATE" --persist-dir "$MW_PERSIST" \
                --kernel-cmdline /dev/null "$@" 2>"$MW_LOG" &
        MW_DAEMON_PID=$!
        mw_wait_log "Ready:" 30 || mw_fail "daemon did not become ready"
}

mw_stop_daemon() {
        [ -n "$MW_DAEMON_PID" ] || return 0
        kill "$MW_DAEMON_PID"
        wait "$MW_DAEMON_PID" || true
        MW_DAEMON_PID=
}

# mw_start_bus: a private system bus with the shipped bus policy; exports
# DBUS_SYSTEM_BUS_ADDRESS for the daemon and the clients.
mw_start_bus() {
        eval "$("$MW_SOURCE/tools/dev-bus.sh" "$MW_TMP")"
        MW_BUS_PID=$MW_DEV_BUS_PID
}

# mw_umount TARGET: unmount, retrying for a moment on EBUSY. The daemon holds a descriptor on
# a mount for the microseconds of a remount; an unmount in that window is refused.
mw_umount() {
        for _ in $(seq 1 100); do
                umount "$1" 2>/dev/null && return 0
                sleep 0.01
        done
        umount "$1"
}

# mw_loop IMAGE: attach IMAGE to a free loop device, set MW_LOOP to it; detached at exit.
mw_loop() {
        MW_LOOP=$(losetup -f --show "$1")
        MW_LOOPS+=("$MW_LOOP")
}
