/* Opening files that other people may have put in the way: a FIFO or a device where a regular
 * file belongs must not hang or flood the reader. */
#pragma once

#include <sys/stat.h>

/**
 * mw_open_regular() - open @path read-only without blocking (opening a FIFO for reading would
 * wait for a writer), close-on-exec, and only if it is a regular file. procfs shows its text
 * files (mountinfo, cmdline) as regular. @ret_st (may be NULL) receives the file's stat.
 * Returns the descriptor; -EINVAL for anything but a regular file; other negative errno.
 */
int mw_open_regular(const char *path, struct stat *ret_st);
