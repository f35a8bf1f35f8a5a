/* Boot switches on the kernel command line: mountwarden=0|off and mountwarden.mode=. */
#pragma once

/**
 * cmdline_read_mode() - read @path (/proc/cmdline when NULL) and return the mode it forces:
 * MW_MODE_AUDIT for "mountwarden=0" (or off, no, false), the value of "mountwarden.mode=", or -1
 * when it says nothing. The last switch wins, as the kernel does. A bad value is logged and
 * ignored. Returns -1 too when the file cannot be read (logged).
 */
int cmdline_read_mode(const char *path);
