#!/bin/bash
# A user's runtime directory, mounted by logind after the daemon is up, is hardened.
. "$(dirname "$0")/lib.sh"

mw_tmpfs /run/user 'mode=0755'
mw_start_daemon

mkdir -p /run/user/4242
mount -t tmpfs -o mode=0700,size=64m tmpfs /run/user/4242
mw_expect_flags /run/user/4242 nosuid nodev noexec
mw_wait_log "Hardened '/run/user/4242'" || mw_fail "no log line for /run/user/4242"
mw_pass "/run/user/4242: $(mw_flags /run/user/4242)"

# Its FUSE-like children (here tmpfs standing in at the document portal's place) too.
mkdir -p /run/user/4242/doc
mount -t tmpfs tmpfs /run/user/4242/doc
mw_expect_flags /run/user/4242/doc nosuid nodev noexec
mw_pass "/run/user/4242/doc: $(mw_flags /run/user/4242/doc)"
