/* Unit tests for lib/flags.c: mountinfo option words, their printed forms and rule words. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flags.h"
#include "macro.h"

static const unsigned atime_modes[] = {
        MW_ATTR_RELATIME,
        MW_ATTR_NOATIME,
        MW_ATTR_STRICTATIME,
};

static const unsigned single_bits[] = {
        MW_ATTR_RDONLY, MW_ATTR_NOSUID,     MW_ATTR_NODEV,
        MW_ATTR_NOEXEC, MW_ATTR_NODIRATIME, MW_ATTR_NOSYMFOLLOW,
};

static unsigned parse(const char *s)
{
        unsigned flags = 0xdeadU;

        assert_int_equal(mw_flags_parse_vfs(s, &flags), 0);
        return flags;
}

static void test_parse_mountinfo_words(void **state)
{
        assert_int_equal(parse("rw,relatime"), 0);
        assert_int_equal(parse("ro,relatime"), MW_ATTR_RDONLY);
        assert_int_equal(parse("rw,nosuid,nodev,noexec,relatime"),
                         MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC);
        assert_int_equal(parse("rw,noatime"), MW_ATTR_NOATIME);
        assert_int_equal(parse("rw,nosuid,nodev,noatime,nodiratime"),
                         MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOATIME | MW_ATTR_NODIRATIME);
        assert_int_equal(parse("rw,relatime,nosymfollow"), MW_ATTR_NOSYMFOLLOW);
}

/* The kernel prints no atime word for strictatime: "rw,nosuid,nodev" is a strictatime mount
 * (systemd mounts /dev/shm and /tmp that way). */
static void test_parse_strictatime(void **state)
{
        assert_int_equal(parse("rw,nosuid,nodev"),
                         MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_STRICTATIME);
        assert_int_equal(parse("rw"), MW_ATTR_STRICTATIME);
        assert_int_equal(parse("ro,strictatime"), MW_ATTR_RDONLY | MW_ATTR_STRICTATIME);
}

static void test_parse_unknown_and_invalid(void **state)
{
        unsigned flags = 0;

        assert_int_equal(parse("rw,lazytime,nosuid,relatime,somefuture"), MW_ATTR_NOSUID);
        /* Words must match whole: prefixes and extensions of known words are unknown. */
        assert_int_equal(parse("rw,nosu,nodevx,relatime,noexecute"), 0);
        assert_int_equal(parse("rw,,nodev,relatime,"), MW_ATTR_NODEV);

        assert_int_equal(mw_flags_parse_vfs(NULL, &flags), -EINVAL);
        assert_int_equal(mw_flags_parse_vfs("rw", NULL), -EINVAL);
}

static void test_to_string_examples(void **state)
{
        char buf[MW_FLAGS_STRLEN];

        assert_string_equal(mw_flags_to_string(0, buf, sizeof(buf)), "rw,relatime");
        assert_string_equal(mw_flags_to_string(MW_ATTR_RDONLY | MW_ATTR_NOATIME, buf, sizeof(buf)),
                            "ro,noatime");
        assert_string_equal(mw_flags_to_string(MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC,
                                               buf,
                                               sizeof(buf)),
                            "rw,nosuid,nodev,noexec,relatime");
        assert_string_equal(
                mw_flags_to_string(MW_ATTR_NOSYMFOLLOW | MW_ATTR_NODIRATIME, buf, sizeof(buf)),
                "rw,relatime,nodiratime,nosymfollow");
}

/* Every flag and every combination of flags with each atime mode survives printing and parsing. */
static void test_round_trip_all_combinations(void **state)
{
        for (unsigned combo = 0; combo < (1U << ELEMENTSOF(single_bits)); combo++)
                for (size_t a = 0; a < ELEMENTSOF(atime_modes); a++) {
                        char buf[MW_FLAGS_STRLEN];
                        unsigned flags = atime_modes[a];

                        for (size_t b = 0; b < ELEMENTSOF(single_bits); b++)
                                if (combo & (1U << b))
                                        flags |= single_bits[b];

                        mw_flags_to_string(flags, buf, sizeof(buf));
                        assert_true(strlen(buf) < MW_FLAGS_STRLEN - 1);
                        assert_int_equal(parse(buf), flags);
                }
}

static void test_to_string_small_buffer(void **state)
{
        char buf[8];

        memset(buf, 'x', sizeof(buf));
        mw_flags_to_string(MW_ATTR_NOSUID | MW_ATTR_NODEV, buf, sizeof(buf));
        assert_int_equal(strnlen(buf, sizeof(buf)), sizeof(buf) - 1);
        assert_memory_equal(buf, "rw,nosu", sizeof(buf));

        memset(buf, 'x', sizeof(buf));
        assert_ptr_equal(mw_flags_to_string(0, buf, 0), buf);
        assert_int_equal(buf[0], 'x');
}

static void test_list_to_string(void **state)
{
        char buf[MW_FLAGS_STRLEN];
        const unsigned all = MW_ATTR_ENFORCEABLE;

        assert_string_equal(mw_flags_list_to_string(0, NULL, buf, sizeof(buf)), "");
        assert_string_equal(mw_flags_list_to_string(0, "+", buf, sizeof(buf)), "");
        assert_string_equal(
                mw_flags_list_to_string(MW_ATTR_NOSUID | MW_ATTR_NOEXEC, NULL, buf, sizeof(buf)),
                "nosuid,noexec");
        assert_string_equal(
                mw_flags_list_to_string(MW_ATTR_NOSUID | MW_ATTR_NOEXEC, "+", buf, sizeof(buf)),
                "+nosuid,+noexec");
        assert_string_equal(mw_flags_list_to_string(all, "+", buf, sizeof(buf)),
                            "+nosuid,+nodev,+noexec,+nosymfollow");
        assert_string_equal(
                mw_flags_list_to_string(MW_ATTR_RDONLY | MW_ATTR_NODEV, "", buf, sizeof(buf)),
                "ro,nodev");
        /* Atime modes and nodiratime are no list entries. */
        assert_string_equal(mw_flags_list_to_string(MW_ATTR_NOATIME | MW_ATTR_NODIRATIME |
                                                            MW_ATTR_NODEV,
                                                    "-",
                                                    buf,
                                                    sizeof(buf)),
                            "-nodev");
}

static void test_flag_from_name(void **state)
{
        assert_int_equal(mw_flag_from_name("nosuid"), MW_ATTR_NOSUID);
        assert_int_equal(mw_flag_from_name("nodev"), MW_ATTR_NODEV);
        assert_int_equal(mw_flag_from_name("noexec"), MW_ATTR_NOEXEC);
        assert_int_equal(mw_flag_from_name("nosymfollow"), MW_ATTR_NOSYMFOLLOW);
        assert_int_equal(mw_flag_from_name("ro"), 0);
        assert_int_equal(mw_flag_from_name("noatime"), 0);
        assert_int_equal(mw_flag_from_name("exec"), 0);
        assert_int_equal(mw_flag_from_name(""), 0);
        assert_int_equal(mw_flag_from_name(NULL), 0);
}

static void test_spec_parse_words(void **state)
{
        static const struct {
                const char *word;
                unsigned require;
                unsigned allow;
        } words[] = {
                { "nosuid", MW_ATTR_NOSUID, 0 },
                { "suid", 0, MW_ATTR_NOSUID },
                { "nodev", MW_ATTR_NODEV, 0 },
                { "dev", 0, MW_ATTR_NODEV },
                { "noexec", MW_ATTR_NOEXEC, 0 },
                { "exec", 0, MW_ATTR_NOEXEC },
                { "nosymfollow", MW_ATTR_NOSYMFOLLOW, 0 },
                { "symfollow", 0, MW_ATTR_NOSYMFOLLOW },
        };

        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                unsigned require = 0, allow = 0;

                assert_int_equal(mw_flag_spec_parse(words[i].word, &require, &allow), 0);
                assert_int_equal(require, words[i].require);
                assert_int_equal(allow, words[i].allow);
        }
}

static void test_spec_parse_accumulates(void **state)
{
        unsigned require = 0, allow = 0;

        assert_int_equal(mw_flag_spec_parse("nosuid", &require, &allow), 0);
        assert_int_equal(mw_flag_spec_parse("noexec", &require, &allow), 0);
        assert_int_equal(mw_flag_spec_parse("dev", &require, &allow), 0);
        assert_int_equal(require, MW_ATTR_NOSUID | MW_ATTR_NOEXEC);
        assert_int_equal(allow, MW_ATTR_NODEV);
}

static void test_spec_parse_unknown(void **state)
{
        static const char *const bad[] = { "ro", "rw", "noatime", "NOEXEC", "no-exec",
                                           "noexec ", "+noexec", "", "nosuidx" };
        unsigned require = 0, allow = 0;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(mw_flag_spec_parse(bad[i], &require, &allow), -EINVAL);
                assert_int_equal(require, 0);
                assert_int_equal(allow, 0);
        }

        assert_int_equal(mw_flag_spec_parse(NULL, &require, &allow), -EINVAL);
        assert_int_equal(mw_flag_spec_parse("noexec", NULL, &allow), -EINVAL);
        assert_int_equal(mw_flag_spec_parse("noexec", &require, NULL), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_mountinfo_words),
                cmocka_unit_test(test_parse_strictatime),
                cmocka_unit_test(test_parse_unknown_and_invalid),
                cmocka_unit_test(test_to_string_examples),
                cmocka_unit_test(test_round_trip_all_combinations),
                cmocka_unit_test(test_to_string_small_buffer),
                cmocka_unit_test(test_list_to_string),
                cmocka_unit_test(test_flag_from_name),
                cmocka_unit_test(test_spec_parse_words),
                cmocka_unit_test(test_spec_parse_accumulates),
                cmocka_unit_test(test_spec_parse_unknown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
