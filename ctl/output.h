/* mountwardenctl's output: tables sized to the terminal, and JSON for scripts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct Table Table;

/* A table with @n_columns columns named by @headers; the widest columns are shortened when the
 * terminal is too narrow. Returns NULL when out of memory. */
Table *table_new(const char *const *headers, size_t n_columns);
Table *table_free(Table *t);
/* Adds a row of n_columns cells (copied; NULL prints as "-"). Returns 0 or -ENOMEM. */
int table_add_row(Table *t, const char *const *cells);
size_t table_rows(const Table *t);
/* Prints the header and rows to @f, fitting the terminal's width when @f is one. */
void table_print(const Table *t, FILE *f);

static inline void table_freep(Table **t)
{
        table_free(*t);
}

/* A streaming JSON writer: puts the commas where they belong. */
typedef struct Json {
        FILE *f;
        bool need_comma;
} Json;

void json_begin_object(Json *j);
void json_end_object(Json *j);
void json_begin_array(Json *j);
void json_end_array(Json *j);
void json_key(Json *j, const char *key);
void json_string(Json *j, const char *s);
void json_uint(Json *j, uint64_t v);
void json_bool(Json *j, bool b);
/* An array of strings from a NULL-terminated list. */
void json_strv(Json *j, char *const *l);

/* Writes the strings of @l comma-separated into @buf ("" for none); returns @buf. */
const char *strv_join(char *const *l, char *buf, size_t size);

/**
 * parse_duration() - "90", "90s", "15min", "2h", "1h30min", "1d", "500ms" to microseconds.
 * Returns 0, or -EINVAL for anything else (signs, unknown units) or 0, -ERANGE on overflow.
 */
int parse_duration(const char *s, uint64_t *ret_usec);

/* Writes a duration the way parse_duration() reads it ("1h 30min", "2s", "250ms") into @buf. */
const char *format_duration(uint64_t usec, char *buf, size_t size);
