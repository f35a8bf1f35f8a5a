#!/bin/bash
# A USB stick as udisks2 mounts it (exFAT through FUSE, nosuid,nodev) ends up noexec too.
. "$(dirname "$0")/lib.sh"

stick="/media/alice/MY STICK"

mw_tmpfs /media
truncate -s 16M "$MW_TMP/stick.img"
mkfs.exfat -L "MY STICK" "$MW_TMP/stick.img" >/dev/null
mw_loop "$MW_TMP/stick.img"

mw_start_daemon

mkdir -p "$stick"
mount.exfat-fuse -o nosuid,nodev "$MW_LOOP" "$stick"
[ "$(findmnt -n -o FSTYPE -M "$stick")" = fuseblk ] || mw_fail "the stick is not fuseblk"

mw_expect_flags "$stick" nosuid nodev noexec
mw_wait_log "Hardened '/media/alice/MY\\\\040STICK' \(fuseblk\)" || mw_fail "no log line for the stick"
mw_pass "$stick: $(mw_flags "$stick")"

# The stick still works after the remount: files can be written and read back.
echo data >"$stick/file"
[ "$(cat "$stick/file")" = data ] || mw_fail "the stick lost its data"
