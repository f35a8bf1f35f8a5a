#!/bin/bash
# An ext4 image mounted ro,noatime gains the flags and keeps ro and noatime, through
# mount_setattr(2) and through the MS_REMOUNT|MS_BIND fallback alike.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /media
truncate -s 8M "$MW_TMP/ro.img"
mkfs.ext4 -q -F "$MW_TMP/ro.img"

check_ro_media() {
        local target=$1
        shift

        mw_loop "$MW_TMP/ro.img"
        mw_start_daemon "$@"
        mkdir -p "$target"
        mount -t ext4 -o ro,noatime "$MW_LOOP" "$target"
        mw_expect_flags "$target" nosuid nodev noexec ro noatime
        mw_expect_lacks "$target" rw relatime
        mw_pass "$target ($*): $(mw_flags "$target")"
        mw_stop_daemon
}

check_ro_media /media/alice/RO
check_ro_media /media/alice/RO-FALLBACK --no-setattr
grep -q "Hardened '/media/alice/RO-FALLBACK'" "$MW_LOG" || mw_fail "fallback run did not log"
