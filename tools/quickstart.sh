#!/bin/bash
# Quick start on Debian 12: install what is needed, build, show what the shipped default policy
# would do on this machine, then run the daemon on it in the foreground (Ctrl-C stops it).
# It runs in audit mode unless MW_MODE=enforce is given: on this first look it reports what it
# would harden and changes nothing. Run as root.
set -euo pipefail

cd "$(dirname "$0")/.."
tools/install-deps.sh
meson setup build --reconfigure >/dev/null 2>&1 || meson setup build
ninja -C build

echo
echo "== What the default policy decides for each mount here (nothing is changed yet):"
build/daemon/mountwardend --plan --config config/mountwarden.conf
echo
mode=${MW_MODE:-audit}
echo "== Running mountwardend in $mode mode on the shipped policy; Ctrl-C stops it."
if [ "$mode" = enforce ]; then
        echo "   Flags it adds stay after it stops; 'mountwardenctl revert PATH' or a remount undoes them."
else
        echo "   Nothing is changed; mounts it would harden are logged. MW_MODE=enforce to harden."
fi
exec build/daemon/mountwardend --config config/mountwarden.conf --mode "$mode"
