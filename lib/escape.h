/* Escaping of paths for logs, plans and the bus: one line, printable, valid UTF-8. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/**
 * mw_escape_path() - a copy of @path fit for a log line: space, tab, newline, carriage return,
 * backslash, other control bytes and bytes that are not part of valid UTF-8 become \ooo octal,
 * as mountinfo writes them; valid multi-byte UTF-8 stays as it is. The result is valid UTF-8.
 * Returns a newly allocated string, or NULL when out of memory.
 */
char *mw_escape_path(const char *path);

/**
 * mw_unescape_path_in_place() - undo mw_escape_path() in @s: each "\ooo" worth 001 to 377
 * becomes that byte; every other byte, a backslash not starting such an escape included, stays.
 */
void mw_unescape_path_in_place(char *s);

/**
 * mw_unescape_path() - the same into a newly allocated string. Returns NULL when out of memory.
 */
char *mw_unescape_path(const char *s);

/**
 * mw_utf8_valid() - whether @s is valid UTF-8 (no overlongs, no surrogates).
 */
bool mw_utf8_valid(const char *s);
