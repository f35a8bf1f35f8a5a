#!/bin/sh
# Install step for the default policy: copy it into the configuration directory only when no
# mountwarden.conf is there yet, so that `meson install` never overwrites an administrator's.
#
# Usage (from meson.add_install_script): install-config.sh SOURCE_FILE CONFIG_DIR
set -eu

src=$1
dest="${DESTDIR:-}$2/mountwarden.conf"

if [ -n "${MESON_INSTALL_DRY_RUN:-}" ]; then
        echo "Would install $src to $dest unless it exists"
        exit 0
fi

if [ -e "$dest" ]; then
        echo "Keeping the existing $dest"
        exit 0
fi

mkdir -p "$(dirname "$dest")"
install -m 0644 "$src" "$dest"
echo "Installing $src to $dest"
