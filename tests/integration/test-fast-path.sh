#!/bin/bash
# The fanotify fast path, where a new mount is hardened before any scan of the whole table:
# a mount relaxed right after that is hardened again, and a mount moved before the scan keeps the
# original flags it had when first seen. A large table widens the window between the two.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /media
mw_tmpfs /mnt
for i in $(seq 1 2000); do
        mkdir /mnt/pre$i
        mount -t tmpfs -o nosuid,nodev pre /mnt/pre$i
done
mw_start_daemon
grep -q "backend statmount" "$MW_LOG" || { echo "SKIP: no statmount backend"; exit 77; }

# Relaxed by hand at once, with relaxed = "reapply": every one ends up hardened again.
for i in $(seq 1 20); do
        mkdir /media/rx$i
        mount -t tmpfs rx /media/rx$i
        mount -o remount,exec,suid,dev /media/rx$i
done
for i in $(seq 1 20); do
        mw_expect_flags /media/rx$i nosuid nodev noexec
done
mw_pass "20 mounts relaxed right after being hardened are all hardened again"

# Moved before the scan: the original flags are those it was mounted with, not the ones the
# daemon added on the way.
mkdir /mnt/mv
mount -t tmpfs -o exec,suid,dev mv /mnt/mv
mkdir /media/mv
mount --move /mnt/mv /media/mv
mw_expect_flags /media/mv nosuid nodev noexec
for _ in $(seq 1 500); do
        grep -q ' /media/mv$' "$MW_STATE/mounts" 2>/dev/null && break
        sleep 0.01
done
line=$(grep ' /media/mv$' "$MW_STATE/mounts") || mw_fail "no state line for /media/mv"
read -r _ _ original added relaxed _ <<<"$line"
[ "$original" = 0 ] || mw_fail "original flags of /media/mv recorded as $original, not 0: $line"
[ "$added" = e ] || mw_fail "added flags of /media/mv recorded as $added, not e: $line"
[ "$relaxed" = 0 ] || mw_fail "/media/mv recorded as relaxed: $line"
mw_pass "a mount moved before the scan keeps its original flags: $line"
