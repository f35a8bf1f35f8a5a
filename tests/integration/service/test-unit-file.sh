#!/bin/bash
# The built mountwarden.service passes `systemd-analyze verify`, keeps the settings the daemon
# relies on, and has no option that would give the service a mount namespace of its own.
#
# Usage: test-unit-file.sh UNIT INSTALLED_DAEMON BUILT_DAEMON [MAN_PAGE...]
#   UNIT             the unit as meson configured it
#   INSTALLED_DAEMON the ExecStart= path in it, swapped for BUILT_DAEMON so verify finds a binary
#   MAN_PAGE         built pages; when given, verify also checks Documentation= against them
. "$(dirname "$0")/checks.sh"

unit=$(realpath "$1")
installed_daemon=$2
built_daemon=$(realpath "$3")
shift 3

# Options that make systemd set up a mount namespace for the service (DESIGN.md, rule 6), with
# those that imply one: DynamicUser= (ProtectSystem=strict), PrivateIPC= and LogNamespace=
# (their own /dev/mqueue and journal socket), PrivateNetwork= (a fresh /sys in newer systemd).
namespace_options=(
    PrivateTmp PrivateDevices PrivateMounts PrivateIPC PrivateNetwork PrivateUsers
    ProtectSystem ProtectHome ProtectKernelTunables ProtectKernelModules ProtectKernelLogs
    ProtectControlGroups ProtectProc ProcSubset
    ReadWritePaths ReadOnlyPaths InaccessiblePaths ExecPaths NoExecPaths
    ReadWriteDirectories ReadOnlyDirectories InaccessibleDirectories
    BindPaths BindReadOnlyPaths TemporaryFileSystem
    RootDirectory RootImage MountImages ExtensionImages ExtensionDirectories
    MountFlags MountAPIVFS LogNamespace IPCNamespacePath DynamicUser
)

# directives FILE: "Name=value" for every directive, comments dropped, continued lines joined.
directives() {
    sed -e '/^[[:space:]]*[#;]/d' "$1" |
        sed -e ':a' -e '/\\$/{N;s/\\\n//;ba' -e '}' |
        sed -n -e 's/^[[:space:]]*\([A-Za-z]\+\)[[:space:]]*=[[:space:]]*/\1=/p'
}

# namespace_offenders FILE: the namespace-creating directives FILE sets, one per line.
namespace_offenders() {
    local opt
    for opt in "${namespace_options[@]}"; do
        directives "$1" | grep -E "^$opt=" || true
    done
}

# The check must be able to fail: a copy with one such option added is caught.
cp "$unit" "$tmp/bad.service"
printf '[Service]\nProtectSystem=strict\n' >>"$tmp/bad.service"
if [ "$(namespace_offenders "$tmp/bad.service")" != "ProtectSystem=strict" ]; then
    fail "the namespace check does not catch ProtectSystem=strict"
fi

offenders=$(namespace_offenders "$unit")
if [ -n "$offenders" ]; then
    fail "options that create a mount namespace: $(echo $offenders)"
else
    echo "ok: none of ${#namespace_options[@]} namespace-creating options is set"
fi

# expect NAME=VALUE: the unit sets exactly this directive.
expect() {
    directives "$unit" | grep -qxF -- "$1" || fail "expected '$1' in the unit"
}

expect "Type=notify"
expect "NotifyAccess=main"
expect "BusName=org.mountwarden1"
expect "Restart=on-failure"
expect "WatchdogSec=30s"
expect "ExecReload=/bin/kill -HUP \$MAINPID"
expect "DefaultDependencies=no"
expect "WantedBy=sysinit.target"
expect "CapabilityBoundingSet=CAP_SYS_ADMIN CAP_DAC_READ_SEARCH"
expect "NoNewPrivileges=yes"
expect "RestrictAddressFamilies=AF_UNIX"

# A failing daemon must never hold up or break boot.
if directives "$unit" | grep -E '^(Requires|Requisite|BindsTo|OnFailure|RequiredBy)='; then
    fail "the unit pulls something in hard, or is pulled in hard"
fi

# ExecStart= names the installed daemon; point it at the built one, which exists.
if ! directives "$unit" | grep -q "^ExecStart=$installed_daemon "; then
    fail "ExecStart= does not run $installed_daemon"
fi
sed -e "s|$installed_daemon|$built_daemon|" "$unit" >"$tmp/mountwarden.service"

# Documentation= names our pages; let man(1) find the built ones.
man_check=(--man=no)
if [ $# -gt 0 ]; then
    for page in "$@"; do
        section=${page##*.}
        mkdir -p "$tmp/man/man$section"
        cp "$page" "$tmp/man/man$section/"
    done
    export MANPATH="$tmp/man"
    man_check=(--man=yes)
fi

if ! systemd-analyze verify "${man_check[@]}" "$tmp/mountwarden.service" \
    >"$tmp/verify.log" 2>&1; then
    fail "systemd-analyze verify failed"
fi
if [ -s "$tmp/verify.log" ]; then
    fail "systemd-analyze verify complained"
    cat "$tmp/verify.log" >&2
else
    echo "ok: systemd-analyze verify ${man_check[*]} is silent"
fi

# systemd's own reading of the unit, where it is available: none of its namespace checks may
# pass (a ✓ would mean systemd found the sandbox option set, perhaps implied by another one).
if systemd-analyze security --offline=yes "$tmp/mountwarden.service" >"$tmp/security.log" 2>&1
then
    for opt in PrivateMounts PrivateDevices PrivateUsers ProtectKernelTunables \
        ProtectKernelModules ProtectKernelLogs ProtectControlGroups ProtectProc ProcSubset; do
        if grep -q "^✓ $opt=" "$tmp/security.log"; then
            fail "systemd-analyze security reports $opt= as set"
        fi
    done
    echo "ok: $(grep -o 'Overall exposure level.*' "$tmp/security.log")"
fi

exit "$failed"
