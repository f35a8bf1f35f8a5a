/* Escaping paths so that one mount is always one printable, valid UTF-8 line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Length of the valid UTF-8 sequence at @s, or 0 when the bytes there are not one. */
static size_t utf8_sequence_length(const unsigned char *s)
{
        uint32_t cp;
        size_t len;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf) {
                len = 2;
                cp = s[0] & 0x1f;
        } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                len = 3;
                cp = s[0] & 0x0f;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                len = 4;
                cp = s[0] & 0x07;
        } else
                return 0;

        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }

        /* Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not valid. */
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
                return 0;
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                return 0;

        return len;
}

bool mw_utf8_valid(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;

        if (!s)
                return false;

        while (*p) {
                size_t len = utf8_sequence_length(p);

                if (len == 0)
                        return false;
                p += len;
        }

        return true;
}

static bool needs_escape(unsigned char c)
{
        return c < 0x20 || c == 0x7f || c == ' ' || c == '\\';
}

char *mw_escape_path(const char *path)
{
        const unsigned char *p = (const unsigned char *)path;
        char *buf, *out;

        if (!path)
                return strdup("(null)");

        /* Each byte grows to at most four ("\ooo"). */
        buf = malloc(strlen(path) * 4 + 1);
        if (!buf)
                return NULL;

        out = buf;
        while (*p) {
                size_t len = needs_escape(*p) ? 0 : utf8_sequence_length(p);

                if (len == 0) {
                        *out++ = '\\';
                        *out++ = (char)('0' + ((*p >> 6) & 7));
                        *out++ = (char)('0' + ((*p >> 3) & 7));
                        *out++ = (char)('0' + (*p & 7));
                        p++;
                        continue;
                }

                memcpy(out, p, len);
                out += len;
                p += len;
        }
        *out = '\0';

        return buf;
}

/* The byte that "\ooo" at @p stands for, or -1 when @p does not start such an escape: three
 * octal digits worth 001 to 377, as mw_escape_path() writes them. */
static int escaped_byte(const char *p)
{
        int value = 0;

        if (p[0] != '\\')
                return -1;

        for (size_t i = 1; i <= 3; i++) {
                if (p[i] < '0' || p[i] > '7')
                        return -1;
                value = value * 8 + (p[i] - '0');
        }

        return value >= 1 && value <= 0377 ? value : -1;
}

void mw_unescape_path_in_place(char *s)
{
        char *out = s;

        while (*s) {
                int byte = escaped_byte(s);

                if (byte < 0) {
                        *out++ = *s++;
                        continue;
                }
                *out++ = (char)byte;
                s += 4;
        }
        *out = '\0';
}

char *mw_unescape_path(const char *s)
{
        char *copy = strdup(s);

        if (copy)
                mw_unescape_path_in_place(copy);
        return copy;
}
