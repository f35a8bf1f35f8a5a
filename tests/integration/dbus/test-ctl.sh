#!/bin/bash
# mountwardenctl against the same private bus: every command, its --json output checked against
# the real state, and the exit codes scripts rely on (0 ok, 1 failed, 2 usage, 3 unreachable,
# 4 access denied).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/dbus-lib.sh"

# expect_exit CODE COMMAND...: COMMAND exits with CODE.
expect_exit() {
        local want=$1 rc=0
        shift
        "$@" >"$MW_TMP/out" 2>&1 || rc=$?
        [ "$rc" = "$want" ] || mw_fail "'$*' exited $rc, expected $want: $(cat "$MW_TMP/out")"
}

# json EXPRESSION: evaluate a Python expression over the JSON on stdin (as j).
json() {
        python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"
}

ctl() {
        "$MW_CTL" --no-ask-password "$@"
}

mw_dbus_start
mounts=$(wc -l </proc/self/mountinfo)

# status
ctl status | grep -Eq '^ +Mode: enforce$' || mw_fail "status: $(ctl status)"
ctl status | grep -Eq "^ +Mounts: $mounts total, " || mw_fail "status: $(ctl status)"
mw_expect_eq "status --json" "$(ctl --json status | json 'j["Mode"], j["MountsTotal"]')" \
        "enforce $mounts"
mw_pass "status, status --json"

# list: ignored mounts only with --all; JSON entries as ListMounts has them.
ctl list | grep -Eq '^/run/user/4242 +tmpfs +compliant +- +/' || mw_fail "list: $(ctl list)"
if ctl list | grep -q '^/proc '; then
        mw_fail "list shows the ignored /proc"
fi
ctl list --all | grep -Eq '^/proc +proc +ignored' || mw_fail "list --all lacks /proc"
mw_expect_eq "list --all --json" "$(ctl list --all --json | json 'len(j)')" "$mounts"
entry=$(ctl --json list | json \
        '[(m["decision"], m["missing"], m["path"]) for m in j if m["target"] == "/run/user/4242"]')
mw_expect_eq "list --json entry" "$entry" "[('compliant', [], '$(mw_object /run/user/4242)')]"
COLUMNS=80 ctl list --all | awk 'length($0) > 80 { exit 1 }' ||
        mw_fail "list is wider than 80 columns: $(COLUMNS=80 ctl list --all)"
COLUMNS=80 ctl list | grep -Eq '^/run/user/4242 +tmpfs +compliant +- +/.*\.\.\..*\.conf:[0-9]+$' ||
        mw_fail "list does not shorten its rules: $(COLUMNS=80 ctl list)"
mw_pass "list, list --all, --json"

# show
ctl show /run/user/4242/ | grep -Eq '^ +Decision: compliant$' ||
        mw_fail "show: $(ctl show /run/user/4242)"
ctl show /run/user/4242 | grep -Eq '^ +Added flags: nosuid,nodev,noexec$' ||
        mw_fail "show: $(ctl show /run/user/4242)"
flags=$(ctl --json show /run/user/4242 | json '",".join(j["Flags"])')
mw_expect_eq "show --json Flags" "$flags" "$(mw_flags /run/user/4242)"
mw_pass "show, show --json"

# overrides
ctl override add /tmp exec --for 2s
mw_expect_lacks /tmp noexec
ctl override list | grep -Eq '^/tmp +exec +in [12]s +no$' ||
        mw_fail "override list: $(ctl override list)"
list=$(ctl override list --json | json '[(o["pattern"], o["flags"], o["persistent"]) for o in j]')
mw_expect_eq "override list --json" "$list" "[('/tmp', ['exec'], False)]"
mw_expect_flags /tmp noexec
mw_expect_eq "override list after expiry" "$(ctl --json override list)" "[]"
ctl override add /tmp exec,nosymfollow --persistent
mw_expect_flags /tmp nosymfollow
mw_expect_lacks /tmp noexec
ctl override remove /tmp
mw_expect_flags /tmp noexec
mw_expect_lacks /tmp nosymfollow
mw_pass "override add --for, --persistent, list, --json, remove"

# revert, mode, reload, rescan
ctl revert /run/user/4242
mw_expect_lacks /run/user/4242 nosuid nodev noexec
ctl show /run/user/4242 | grep -Eq '^ +Decision: relaxed$' || mw_fail "show after revert"
ctl mode audit
mw_expect_eq Mode "$(mw_prop Mode)" audit
ctl mode enforce
ctl reload
ctl rescan
mw_pass "revert, mode, reload, rescan"

# plan: the daemon's own plan, without the daemon.
fixture="$MW_SOURCE/tests/fixtures/desktop.mountinfo"
diff <(ctl plan -c "$MW_DEFAULT_CONFIG" --mountinfo "$fixture") \
        <("$MW_DAEMON" --plan -c "$MW_DEFAULT_CONFIG" --mountinfo "$fixture") ||
        mw_fail "plan differs from mountwardend --plan"
mw_expect_eq "plan --json" \
        "$(ctl plan --json -c "$MW_DEFAULT_CONFIG" --mountinfo "$fixture" | json 'len(j)')" \
        "$(ctl plan -c "$MW_DEFAULT_CONFIG" --mountinfo "$fixture" | wc -l)"
mw_pass "plan matches mountwardend --plan; plan --json"

# Exit codes.
expect_exit 2 ctl
expect_exit 2 ctl frobnicate
expect_exit 2 ctl --bogus status
expect_exit 2 ctl show
expect_exit 2 ctl mode permissive
expect_exit 2 ctl override add /tmp exec --for 3661d
expect_exit 2 ctl override add /tmp exex
expect_exit 2 ctl override add /tmp exec --for -5s
expect_exit 2 ctl override add /tmp exec --for 0
expect_exit 1 ctl show /nope
expect_exit 1 ctl override remove /nope
expect_exit 1 ctl override add tmp exec
expect_exit 1 ctl plan -c /nope.conf
expect_exit 4 mw_as_nobody "$MW_CTL" --no-ask-password mode audit
expect_exit 4 mw_as_nobody "$MW_CTL" --no-ask-password override add /tmp exec
expect_exit 4 mw_as_nobody "$MW_CTL" --no-ask-password revert /tmp
expect_exit 0 mw_as_nobody "$MW_CTL" status
expect_exit 0 mw_as_nobody "$MW_CTL" list
mw_pass "exit codes 1, 2, 4 and 0 as nobody"

# Output that cannot be written is a failure, said on stderr: a full disk, a closed stdout.
# expect_write_error COMMAND...: COMMAND (its stdout already redirected) exits 1 and says why.
expect_write_error() {
        local rc=0
        "$@" 2>"$MW_TMP/err" || rc=$?
        [ "$rc" = 1 ] || mw_fail "'$*' with stdout unwritable exited $rc, expected 1"
        grep -q '^mountwardenctl: Failed to write to standard output: ' "$MW_TMP/err" ||
                mw_fail "'$*' with stdout unwritable: '$(cat "$MW_TMP/err")'"
}
expect_write_error ctl list >/dev/full
expect_write_error ctl --json list >/dev/full
expect_write_error ctl status >/dev/full
expect_write_error ctl show /tmp >/dev/full
expect_write_error ctl override list >/dev/full
expect_write_error ctl plan -c "$MW_DEFAULT_CONFIG" >/dev/full
expect_write_error ctl --help >/dev/full
expect_write_error ctl status >&-
expect_write_error ctl --json list >&-
# Commands that print nothing do not care where stdout goes.
ctl rescan >/dev/full || mw_fail "rescan with stdout at /dev/full failed"
ctl rescan >&- || mw_fail "rescan with stdout closed failed"
mw_pass "list, --json list, status, show, override list, plan, --help: write errors exit 1"

mw_stop_daemon
expect_exit 3 ctl status
expect_exit 0 ctl plan -c "$MW_DEFAULT_CONFIG"
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$MW_TMP/no-such-socket" expect_exit 3 ctl list
mw_pass "exit codes 0 and 3 without the daemon"
