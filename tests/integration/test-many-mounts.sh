#!/bin/bash
# 1,000 mounts made before start are all decided before READY; a burst of 1,000 mounts and
# unmounts afterwards leaves every remaining mount compliant.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /media
mw_tmpfs /media/many
for i in $(seq 1 1000); do
        mkdir /media/many/pre$i
        mount -t tmpfs tmpfs /media/many/pre$i
done

mw_start_daemon
# No waiting here: READY promises that the first sweep is done.
listing=$(findmnt -rn -o TARGET,VFS-OPTIONS -R /media/many | grep pre)
[ "$(wc -l <<<"$listing")" = 1000 ] || mw_fail "expected 1000 pre-existing mounts"
bad=$(grep -vc noexec <<<"$listing" || true)
[ "$bad" = 0 ] || mw_fail "$bad of 1000 pre-existing mounts were not hardened before READY"
mw_pass "1000 pre-existing mounts hardened before READY"

start=$(date +%s.%N)
for i in $(seq 1 1000); do
        mkdir /media/many/burst$i
        mount -t tmpfs tmpfs /media/many/burst$i
        if [ $((i % 2)) = 0 ]; then
                mw_umount /media/many/burst$((i - 1))
        fi
done

for _ in $(seq 1 1000); do
        bad=$(findmnt -rn -o TARGET,VFS-OPTIONS -R /media/many | grep -vc noexec || true)
        [ "$bad" = 0 ] && break
        sleep 0.02
done
[ "$bad" = 0 ] || mw_fail "$bad mounts left without noexec after the burst"
end=$(date +%s.%N)
total=$(findmnt -rn -o TARGET -R /media/many | grep -c burst)
[ "$total" = 500 ] || mw_fail "expected 500 burst mounts left, found $total"
kill -0 "$MW_DAEMON_PID" || mw_fail "daemon died"
mw_pass "burst of 1000 mounts and 500 unmounts: all compliant $(awk "BEGIN { printf \"%.2f\", $end - $start }") s after it began"
