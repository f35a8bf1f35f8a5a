/* mountwardenctl's output: tables sized to the terminal, JSON, and durations. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "macro.h"
#include "output.h"
#include "policy.h"

#define COLUMN_GAP 2
#define COLUMN_MIN 12
#define ELLIPSIS "..."

struct Table {
        const char *const *headers;
        size_t n_columns;
        char **cells; /* row after row */
        size_t n_rows;
};

Table *table_new(const char *const *headers, size_t n_columns)
{
        Table *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;

        t->headers = headers;
        t->n_columns = n_columns;
        return t;
}

Table *table_free(Table *t)
{
        if (!t)
                return NULL;

        for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
        return NULL;
}

int table_add_row(Table *t, const char *const *cells)
{
        size_t base = t->n_rows * t->n_columns;
        char **a;

        a = reallocarray(t->cells, base + t->n_columns, sizeof(char *));
        if (!a)
                return -ENOMEM;
        t->cells = a;

        for (size_t c = 0; c < t->n_columns; c++) {
                a[base + c] = strdup(cells[c] ?: "-");
                if (!a[base + c]) {
                        for (size_t i = 0; i < c; i++)
                                free(a[base + i]);
                        return -ENOMEM;
                }
        }

        t->n_rows++;
        return 0;
}

size_t table_rows(const Table *t)
{
        return t->n_rows;
}

/* Characters, not bytes: every string here is valid UTF-8 (it came over the bus). */
static size_t text_width(const char *s)
{
        size_t n = 0;

        for (; *s; s++)
                if (((unsigned char)*s & 0xc0) != 0x80)
                        n++;

        return n;
}

static size_t terminal_columns(FILE *f)
{
        const char *e = getenv("COLUMNS");
        struct winsize ws = {};
        long v;

        if (e) {
                v = strtol(e, NULL, 10);
                if (v > 0)
                        return (size_t)v;
        }
        if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) >= 0 && ws.ws_col > 0)
                return ws.ws_col;

        return SIZE_MAX;
}

/* The width of every column: as wide as its widest cell, then, while the table is wider than
 * @columns, the widest column loses one character at a time, down to COLUMN_MIN. */
static void compute_widths(const Table *t, size_t *widths, size_t columns)
{
        size_t total = 0;

        for (size_t c = 0; c < t->n_columns; c++) {
                widths[c] = text_width(t->headers[c]);
                for (size_t r = 0; r < t->n_rows; r++) {
                        size_t w = text_width(t->cells[r * t->n_columns + c]);

                        if (w > widths[c])
                                widths[c] = w;
                }
                total += widths[c] + (c > 0 ? COLUMN_GAP : 0);
        }

        while (total > columns) {
                size_t widest = 0;

                for (size_t c = 1; c < t->n_columns; c++)
                        if (widths[c] > widths[widest])
                                widest = c;
                if (widths[widest] <= COLUMN_MIN)
                        return;

                widths[widest]--;
                total--;
        }
}

/* The byte offset of the @n-th character of @s. */
static size_t char_offset(const char *s, size_t n)
{
        size_t i = 0;

        for (; s[i]; i++)
                if (((unsigned char)s[i] & 0xc0) != 0x80 && n-- == 0)
                        break;

        return i;
}

/* Prints @s in @width characters, padded unless it ends the line. What does not fit is cut from
 * the middle: the ends of a path or of "file:line" say the most. */
static void print_cell(FILE *f, const char *s, size_t width, bool last)
{
        size_t w = text_width(s), head, tail;

        if (w <= width) {
                fprintf(f, "%s%*s", s, last ? 0 : (int)(width - w), "");
                return;
        }

        tail = (width - strlen(ELLIPSIS)) / 2;
        head = width - strlen(ELLIPSIS) - tail;
        fprintf(f, "%.*s" ELLIPSIS "%s", (int)char_offset(s, head), s,
                s + char_offset(s, w - tail));
}

static void print_row(const Table *t, FILE *f, const char *const *cells, const size_t *widths)
{
        for (size_t c = 0; c < t->n_columns; c++) {
                if (c > 0)
                        fprintf(f, "%*s", COLUMN_GAP, "");
                print_cell(f, cells[c], widths[c], c + 1 == t->n_columns);
        }
        fputc('\n', f);
}

void table_print(const Table *t, FILE *f)
{
        _cleanup_free_ size_t *widths = calloc(t->n_columns, sizeof(size_t));

        if (!widths)
                return;

        compute_widths(t, widths, terminal_columns(f));
        print_row(t, f, t->headers, widths);
        for (size_t r = 0; r < t->n_rows; r++)
                print_row(t, f, (const char *const *)&t->cells[r * t->n_columns], widths);
}

static void json_comma(Json *j)
{
        if (j->need_comma)
                fputc(',', j->f);
        j->need_comma = false;
}

void json_begin_object(Json *j)
{
        json_comma(j);
        fputc('{', j->f);
}

void json_end_object(Json *j)
{
        fputc('}', j->f);
        j->need_comma = true;
}

void json_begin_array(Json *j)
{
        json_comma(j);
        fputc('[', j->f);
}

void json_end_array(Json *j)
{
        fputc(']', j->f);
        j->need_comma = true;
}

static void json_quoted(FILE *f, const char *s)
{
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20)
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

void json_key(Json *j, const char *key)
{
        json_comma(j);
        json_quoted(j->f, key);
        fputc(':', j->f);
}

void json_string(Json *j, const char *s)
{
        json_comma(j);
        json_quoted(j->f, s ?: "");
        j->need_comma = true;
}

void json_uint(Json *j, uint64_t v)
{
        json_comma(j);
        fprintf(j->f, "%" PRIu64, v);
        j->need_comma = true;
}

void json_bool(Json *j, bool b)
{
        json_comma(j);
        fputs(b ? "true" : "false", j->f);
        j->need_comma = true;
}

void json_strv(Json *j, char *const *l)
{
        json_begin_array(j);
        for (char *const *i = l; i && *i; i++)
                json_string(j, *i);
        json_end_array(j);
}

const char *strv_join(char *const *l, char *buf, size_t size)
{
        size_t pos = 0;

        buf[0] = '\0';
        for (char *const *i = l; i && *i && pos < size; i++) {
                snprintf(buf + pos, size - pos, "%s%s", pos > 0 ? "," : "", *i);
                pos = strlen(buf);
        }

        return buf;
}

/* Largest first; the names with "shown" are the ones format_duration() writes. */
static const struct {
        const char *unit;
        uint64_t usec;
        bool shown;
} units[] = {
        { "w", 7 * 86400 * 1000000ULL, true },
        { "week", 7 * 86400 * 1000000ULL, false },
        { "d", 86400 * 1000000ULL, true },
        { "day", 86400 * 1000000ULL, false },
        { "h", 3600 * 1000000ULL, true },
        { "hour", 3600 * 1000000ULL, false },
        { "min", 60 * 1000000ULL, true },
        { "m", 60 * 1000000ULL, false },
        { "s", 1000000ULL, true },
        { "sec", 1000000ULL, false },
        { "ms", 1000ULL, false },
        { "us", 1ULL, false },
};

/* The length of the unit at @s and its size; a bare number means seconds. */
static int parse_unit(const char *s, size_t *ret_len, uint64_t *ret_usec)
{
        size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz");

        if (len == 0) {
                *ret_len = 0;
                *ret_usec = 1000000ULL;
                return 0;
        }

        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (strlen(units[i].unit) == len && strncmp(units[i].unit, s, len) == 0) {
                        *ret_len = len;
                        *ret_usec = units[i].usec;
                        return 0;
                }

        return -EINVAL;
}

int parse_duration(const char *s, uint64_t *ret_usec)
{
        uint64_t total = 0;

        if (!s || !*s)
                return -EINVAL;

        while (*s) {
                uint64_t value = 0, unit;
                size_t len;

                s += strspn(s, " ");
                if (*s < '0' || *s > '9')
                        return -EINVAL;
                for (; *s >= '0' && *s <= '9'; s++) {
                        if (value > (UINT64_MAX - 9) / 10)
                                return -ERANGE;
                        value = value * 10 + (uint64_t)(*s - '0');
                }
                if (parse_unit(s, &len, &unit) < 0)
                        return -EINVAL;
                s += len;
                if (value > UINT64_MAX / unit || total > UINT64_MAX - value * unit)
                        return -ERANGE;
                total += value * unit;
                s += strspn(s, " ");
        }

        if (total == 0)
                return -EINVAL;
        if (total > MW_OVERRIDE_DURATION_MAX_USEC)
                return -ERANGE;

        *ret_usec = total;
        return 0;
}

const char *format_duration(uint64_t usec, char *buf, size_t size)
{
        size_t pos = 0;

        buf[0] = '\0';
        if (usec < 1000ULL)
                snprintf(buf, size, "%" PRIu64 "us", usec);
        else if (usec < 1000000ULL)
                snprintf(buf, size, "%" PRIu64 "ms", usec / UINT64_C(1000));
        if (usec < 1000000ULL)
                return buf;

        for (size_t i = 0; i < ELEMENTSOF(units) && pos < size; i++) {
                uint64_t n = usec / units[i].usec;

                if (!units[i].shown || n == 0)
                        continue;
                snprintf(buf + pos, size - pos, "%s%" PRIu64 "%s", pos > 0 ? " " : "", n,
                         units[i].unit);
                pos = strlen(buf);
                usec -= n * units[i].usec;
        }

        return buf;
}
