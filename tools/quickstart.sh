#!/bin/bash
# Quick start on Debian 12: install what is needed, build, show what the shipped default policy
# would do on this machine, then run the daemon on it in the foreground (Ctrl-C stops it).
# MW_MODE=audit runs it without changing anything. Run as root.
set -euo pipefail

cd "$(dirname "$0")/.."
tools/install-deps.sh
meson setup build --reconfigure >/dev/null 2>&1 || meson setup build
ninja -C build

echo
echo "== What the default policy decides for each mount here (nothing is changed yet):"
build/daemon/mountwardend --plan --config config/mountwarden.conf
echo
echo "== Running mountwardend (mode ${MW_MODE:-from the policy}); Ctrl-C stops it."
exec build/daemon/mountwardend --config config/mountwarden.conf ${MW_MODE:+--mode "$MW_MODE"}
