#!/bin/bash
# The boot switches, read from a fake kernel command line: mountwarden=0 (or off) and
# mountwarden.mode=audit make the daemon audit instead of enforce; without them it enforces;
# --mode beats the command line.
. "$(dirname "$0")/../lib.sh"

cmdline="$MW_TMP/cmdline"
uid=4242

mw_tmpfs /run/user 'mode=0755'

# run_case CMDLINE EXPECTED_MODE [OPTIONS...]: start the daemon on CMDLINE, mount a user's runtime
# directory, and check that it was hardened (enforce) or only reported (audit).
run_case() {
    local line=$1 mode=$2 dir
    shift 2
    uid=$((uid + 1))
    dir=/run/user/$uid

    echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet $line" >"$cmdline"
    mw_start_daemon --no-bus --kernel-cmdline "$cmdline" "$@"
    grep -q "^mountwardend: Ready: .*, mode $mode," "$MW_LOG" ||
        mw_fail "'$line' $*: not ready in mode $mode: $(grep 'Ready:' "$MW_LOG")"

    mkdir -p "$dir"
    mount -t tmpfs -o mode=0700 tmpfs "$dir"
    if [ "$mode" = enforce ]; then
        mw_expect_flags "$dir" nosuid nodev noexec
    else
        mw_wait_log "Audit: '$dir' " || mw_fail "'$line': no audit line for $dir"
        mw_expect_lacks "$dir" nosuid nodev noexec
    fi
    mw_stop_daemon
    mw_pass "'$line' $*: mode $mode, $dir is $(mw_flags "$dir")"
}

run_case "mountwarden=0" audit
run_case "mountwarden=off" audit
run_case "mountwarden.mode=audit" audit
run_case "" enforce
run_case "mountwarden=1 mountwarden.mode=enforce" enforce
run_case "mountwarden=0" enforce --mode enforce

# The escape hatch wins wherever it stands; only a later mountwarden=1 takes it back. Quotes are
# read as the kernel writes them, and a quoted value of another parameter is not a switch.
run_case "mountwarden=0 mountwarden.mode=enforce" audit
run_case "mountwarden.mode=enforce mountwarden=0" audit
run_case "mountwarden=0 mountwarden=1" enforce
run_case 'mountwarden="0"' audit
run_case 'mountwarden.mode="audit"' audit
run_case 'foo="bar mountwarden=0 baz"' enforce
