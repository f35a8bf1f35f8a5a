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
 * mw_utf8_valid() - whether @s is valid UTF-8 (no overlongs, no surrogates).
 */
bool mw_utf8_valid(const char *s);
