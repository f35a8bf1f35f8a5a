#!/bin/bash
# `meson install --destdir` lays out a complete tree inside the prefix's conventions, keeps an
# administrator's configuration on a second install, and the installed daemon, run on the
# installed default policy, hardens a new mount.
#
# Usage: test-install.sh BUILD_DIR SOURCE_DIR MESON DAEMON CONFIG
#   MESON   the meson program that configured the build
#   DAEMON  the daemon's installed path, CONFIG the installed policy's (both without DESTDIR)
# Environment: MW_EXPECT, the installed paths that must exist, and MW_ROOTS, the directories
# anything may be installed under; both separated by ':'.
. "$(dirname "$0")/../lib.sh"

meson=$3
daemon=$4
config=$5
destdir="$MW_TMP/destdir"

# mw_install: install the build into $destdir, quietly unless it fails.
mw_install() {
    "$meson" install -C "$MW_BUILD" --no-rebuild --destdir "$destdir" >"$MW_TMP/install.log" 2>&1 ||
        { cat "$MW_TMP/install.log" >&2; mw_fail "meson install failed"; }
}

mw_install

IFS=: read -r -a expected <<<"$MW_EXPECT"
for path in "${expected[@]}"; do
    [ -e "$destdir$path" ] || mw_fail "not installed: $path"
done
mw_pass "all ${#expected[@]} expected paths are installed"

# Nothing lands outside the prefix and the directories systemd, D-Bus and polkit read.
IFS=: read -r -a roots <<<"$MW_ROOTS"
while read -r path; do
    inside=0
    for root in "${roots[@]}"; do
        case "$path" in "$root"/*) inside=1 ;; esac
    done
    [ "$inside" = 1 ] || mw_fail "installed outside the prefix's conventions: $path"
done < <(cd "$destdir" && find . -type f | sed 's|^\.||')
mw_pass "every installed file lies under: ${roots[*]}"

# The unit runs the installed daemon.
unit=$(printf '%s\n' "${expected[@]}" | grep '/mountwarden\.service$')
grep -q "^ExecStart=$daemon " "$destdir$unit" || mw_fail "the unit does not run $daemon"

# The message catalog parses: journalctl builds its database from the installed file.
catalog=$(printf '%s\n' "${expected[@]}" | grep '\.catalog$')
mkdir -p "$MW_TMP/root/usr/lib/systemd/catalog"
cp "$destdir$catalog" "$MW_TMP/root/usr/lib/systemd/catalog/"
journalctl --root="$MW_TMP/root" --update-catalog
journalctl --root="$MW_TMP/root" --list-catalog >"$MW_TMP/catalog.list"
ids=$(grep -oE '"[0-9a-f]{32}"' "$MW_SOURCE/systemd/message-ids.h" | tr -d '"')
[ -n "$ids" ] || mw_fail "no message ids in message-ids.h"
for id in $ids; do
    grep -q "^$id mountwarden: " "$MW_TMP/catalog.list" || mw_fail "no catalog entry for $id"
done
mw_pass "the journal catalog explains every id of message-ids.h"

# A second install keeps the administrator's policy.
echo '# edited by the administrator' >>"$destdir$config"
mw_install
grep -q '^# edited by the administrator$' "$destdir$config" ||
    mw_fail "a second meson install replaced $config"
mw_pass "a second install keeps the edited $config"

# The installed daemon on the installed policy hardens a user's runtime directory.
"$destdir$daemon" --config "$destdir$config" --check-config >/dev/null ||
    mw_fail "the installed policy does not load"
MW_DAEMON="$destdir$daemon"
mw_tmpfs /run/user 'mode=0755'
mw_start_daemon --config "$destdir$config" --no-bus

mkdir -p /run/user/4242
mount -t tmpfs -o mode=0700 tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_wait_log "Hardened '/run/user/4242'" || mw_fail "no log line for /run/user/4242"
mw_pass "the installed daemon hardened /run/user/4242: $(mw_flags /run/user/4242)"
