#!/bin/bash
# Installs what building and testing mountwarden needs on Debian 12 (bookworm). Run as root.
set -euo pipefail

packages=(
        # build
        gcc meson ninja-build pkg-config
        libmount-dev libsystemd-dev libconfig-dev libcmocka-dev
        scdoc
        # run and test: systemd's pkg-config data and systemd-analyze, a private dbus-daemon,
        # loop devices and file systems, exFAT through FUSE as a USB stick, manual pages
        systemd dbus-daemon dbus-bin util-linux mount e2fsprogs
        exfatprogs exfat-fuse fuse3
        man-db groff-base
        # the service sandbox test: traced system calls, capability sets
        strace libcap2-bin
        python3
)

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
