/* Boot switches on the kernel command line: mountwarden=0|off and mountwarden.mode=. */
#pragma once

/**
 * cmdline_read_mode() - read @path (/proc/cmdline when NULL) and return the mode it forces:
 * MW_MODE_AUDIT for "mountwarden=0" (or off, no, false), wherever it stands and whatever
 * "mountwarden.mode=" says, unless a later "mountwarden=1" takes it back; else the value of
 * the last "mountwarden.mode="; else -1. Values may be quoted. A bad value is logged and
 * ignored. Returns -1 too when the file cannot be read or is not a regular file (logged).
 */
int cmdline_read_mode(const char *path);
