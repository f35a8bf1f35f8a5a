/* Unit tests for lib/escape.c: one printable, valid UTF-8 line per path, whatever it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"
#include "macro.h"

static void check_escape(const char *path, const char *expected)
{
        _cleanup_free_ char *e = mw_escape_path(path);

        assert_non_null(e);
        assert_string_equal(e, expected);
        assert_true(mw_utf8_valid(e));
        assert_null(strpbrk(e, " \t\n\r"));
}

static void test_plain_path_unchanged(void **state)
{
        check_escape("/run/user/4242", "/run/user/4242");
        check_escape("", "");
}

static void test_whitespace_and_backslash(void **state)
{
        check_escape("/media/alice/MY STICK", "/media/alice/MY\\040STICK");
        check_escape("/a\tb", "/a\\011b");
        check_escape("/a\nb", "/a\\012b");
        check_escape("/a\rb", "/a\\015b");
        check_escape("/back\\slash", "/back\\134slash");
        check_escape("/del\x7f", "/del\\177");
        check_escape("/bell\x01", "/bell\\001");
}

/* Quotes are printable: they stay, the log line is still one token per path. */
static void test_quotes_kept(void **state)
{
        check_escape("/q'uote\"s", "/q'uote\"s");
}

static void test_valid_utf8_kept(void **state)
{
        check_escape("/srv/gr\xc3\xbc\xc3\x9f" "e", "/srv/gr\xc3\xbc\xc3\x9f" "e");
        check_escape("/emoji/\xf0\x9f\x98\x80", "/emoji/\xf0\x9f\x98\x80");
        check_escape("/cjk/\xe6\x97\xa5\xe6\x9c\xac", "/cjk/\xe6\x97\xa5\xe6\x9c\xac");
}

static void test_invalid_utf8_escaped(void **state)
{
        /* A byte that never starts a sequence. */
        check_escape("/x\xff", "/x\\377");
        /* The overlong two-byte form of NUL. */
        check_escape("/x\xc0\x80", "/x\\300\\200");
        /* An overlong three-byte form of '/'. */
        check_escape("/x\xe0\x80\xaf", "/x\\340\\200\\257");
        /* A UTF-16 surrogate written as UTF-8. */
        check_escape("/x\xed\xa0\x80", "/x\\355\\240\\200");
        /* Past U+10FFFF. */
        check_escape("/x\xf4\x90\x80\x80", "/x\\364\\220\\200\\200");
        /* A sequence cut short by the end of the string and by an ASCII byte. */
        check_escape("/x\xe2\x82", "/x\\342\\202");
        check_escape("/x\xe2\x82/y", "/x\\342\\202/y");
        /* A lone continuation byte next to a valid character. */
        check_escape("\x80\xc3\xbc", "\\200\xc3\xbc");
}

static void test_utf8_valid(void **state)
{
        assert_true(mw_utf8_valid(""));
        assert_true(mw_utf8_valid("/plain"));
        assert_true(mw_utf8_valid("\xc3\xbc\xf0\x9f\x98\x80\xef\xbf\xbd"));
        assert_false(mw_utf8_valid("\xff"));
        assert_false(mw_utf8_valid("\xc0\x80"));
        assert_false(mw_utf8_valid("\xed\xa0\x80"));
        assert_false(mw_utf8_valid("\xe2\x82"));
        assert_false(mw_utf8_valid("\xf4\x90\x80\x80"));
        assert_false(mw_utf8_valid(NULL));
}

static void test_every_byte(void **state)
{
        char path[2] = {};

        for (unsigned c = 1; c < 256; c++) {
                _cleanup_free_ char *e = NULL;

                path[0] = (char)c;
                e = mw_escape_path(path);
                assert_non_null(e);
                assert_true(mw_utf8_valid(e));
                assert_null(strpbrk(e, " \t\n\r"));
                assert_true(strlen(e) == 1 || strlen(e) == 4);
        }
}

/* A path of PATH_MAX bytes that needs escaping everywhere grows fourfold and stays whole. */
static void test_long_path(void **state)
{
        _cleanup_free_ char *path = malloc(4097), *e = NULL;

        assert_non_null(path);
        for (size_t i = 0; i < 4096; i++)
                path[i] = i % 2 ? ' ' : '\xff';
        path[4096] = '\0';

        e = mw_escape_path(path);
        assert_non_null(e);
        assert_int_equal(strlen(e), 4096 * 4);
        assert_true(mw_utf8_valid(e));
        assert_memory_equal(e, "\\377\\040\\377\\040", 16);
        assert_memory_equal(e + 4096 * 4 - 8, "\\377\\040", 8);
}

static void test_null_path(void **state)
{
        _cleanup_free_ char *e = mw_escape_path(NULL);

        assert_non_null(e);
        assert_true(mw_utf8_valid(e));
}

/* Every byte 1..255 between other text survives escaping and unescaping unchanged. */
static void test_unescape_round_trip(void **state)
{
        char path[3 * 255 + 1], *escaped, *back;
        size_t n = 0;

        for (int c = 1; c < 256; c++) {
                path[n++] = 'x';
                path[n++] = (char)c;
                path[n++] = '/';
        }
        path[n] = '\0';

        escaped = mw_escape_path(path);
        assert_non_null(escaped);
        back = mw_unescape_path(escaped);
        assert_non_null(back);
        assert_string_equal(back, path);
        free(escaped);
        free(back);
}

static void test_unescape_leaves_other_backslashes(void **state)
{
        char *s;

        /* Not three octal digits, or worth 0 or more than 0377: kept as they are. */
        s = mw_unescape_path("/a\\09b/\\000/\\400/\\12/end\\");
        assert_string_equal(s, "/a\\09b/\\000/\\400/\\12/end\\");
        free(s);

        s = mw_unescape_path("/media/MY\\040STICK/\\134\\377");
        assert_string_equal(s, "/media/MY STICK/\\\377");
        free(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_path_unchanged),
                cmocka_unit_test(test_whitespace_and_backslash),
                cmocka_unit_test(test_quotes_kept),
                cmocka_unit_test(test_valid_utf8_kept),
                cmocka_unit_test(test_invalid_utf8_escaped),
                cmocka_unit_test(test_utf8_valid),
                cmocka_unit_test(test_every_byte),
                cmocka_unit_test(test_long_path),
                cmocka_unit_test(test_null_path),
                cmocka_unit_test(test_unescape_round_trip),
                cmocka_unit_test(test_unescape_leaves_other_backslashes),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
