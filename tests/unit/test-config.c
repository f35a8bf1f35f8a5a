/* Unit tests for lib/config.c: rules read from libconfig files, drop-ins, located errors. */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <stdio.h>

#include "config.h"
#include "flags.h"
#include "macro.h"

#define CONFIG_DIR FIXTURES_DIR "/config"
#define DEFAULT_CONFIG FIXTURES_DIR "/../../config/mountwarden.conf"
#define NO_DROPINS CONFIG_DIR "/does-not-exist"

#define ALL3 (MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC)

static void config_error_donep(MwConfigError *e)
{
        mw_config_error_done(e);
}

#define _cleanup_config_error_ _cleanup_(config_error_donep)

typedef struct BadConfig {
        const char *file; /* below CONFIG_DIR/errors */
        unsigned line;
        const char *message; /* a substring of the message */
} BadConfig;

static const BadConfig bad_configs[] = {
        { "unknown-key.conf", 4, "unknown key 'targte'" },
        { "unknown-top-key.conf", 2, "unknown key 'modes' (expected mode, relaxed, rules)" },
        { "unknown-flag.conf", 4, "unknown flag 'noexex' (expected nosuid, nodev, noexec, nosymf" },
        { "unknown-flag-in-string.conf", 2, "unknown flag 'exec'" },
        { "empty-flag.conf", 2, "'ensure' has an empty flag name" },
        { "bad-pattern.conf", 3, "bad pattern 'tmp': must be an absolute path" },
        { "bad-pattern-globstar.conf", 2, "bad pattern '/mnt/usb**': has '**' inside a component" },
        { "removable-not-bool.conf", 2, "'removable' must be a boolean" },
        { "no-action.conf", 2, "rule needs 'ensure' or 'exempt'" },
        { "both-actions.conf", 2, "rule has both 'ensure' and 'exempt'" },
        { "no-condition.conf", 4, "rule has no condition" },
        { "bad-mode.conf", 2, "'mode' must be \"enforce\" or \"audit\", not \"enforcing\"" },
        { "bad-mode-type.conf", 1, "'mode' must be \"enforce\" or \"audit\"" },
        { "bad-relaxed.conf", 1, "'relaxed' must be \"reapply\" or \"respect\", not \"ignore\"" },
        { "syntax.conf", 4, "syntax error" },
        { "duplicate-key.conf", 3, "duplicate setting name" },
        { "empty-exempt.conf", 2, "'exempt' must give the reason" },
        { "reason-with-exempt.conf", 3, "'reason' goes with 'ensure'" },
        { "rules-not-list.conf", 1, "'rules' must be a list of rules" },
        { "rule-not-group.conf", 1, "each rule must be a group" },
        { "target-not-string.conf", 3, "'target' must be a string or a list of strings" },
        { "empty-target-list.conf", 2, "'target' is an empty list" },
        { "empty-fstype.conf", 2, "bad fstype '': must not be empty" },
        { "source-not-string.conf", 2, "'source' must be a string" },
        { "empty-source.conf", 2, "'source' must not be empty" },
        { "include.conf", 3, "@include is not supported, use drop-ins in '" },
        { "include-after-string.conf", 3, "@include is not supported" },
};

/* A value no load may store: on error *ret must stay as it was. */
#define UNTOUCHED ((MwPolicy *)(uintptr_t)0x5a5a)

static void assert_load_fails(const char *main_file,
                              const char *dropin_dir,
                              int expected,
                              const char *file,
                              unsigned line,
                              const char *message)
{
        _cleanup_config_error_ MwConfigError e = {};
        MwPolicy *p = UNTOUCHED;
        int r;

        r = mw_config_load(main_file, dropin_dir, &p, &e);
        if (r != expected || !e.message || !strstr(e.message, message))
                print_error("%s: got %d, '%s:%u: %s'\n", main_file, r, e.file, e.line, e.message);

        assert_int_equal(r, expected);
        assert_ptr_equal(p, UNTOUCHED);
        assert_string_equal(e.file, file);
        assert_int_equal(e.line, line);
        assert_non_null(e.message);
        assert_non_null(strstr(e.message, message));
}

static void test_errors(void **state)
{
        for (size_t i = 0; i < ELEMENTSOF(bad_configs); i++) {
                const BadConfig *b = &bad_configs[i];
                _cleanup_free_ char *path = NULL;

                assert_true(asprintf(&path, "%s/errors/%s", CONFIG_DIR, b->file) > 0);
                assert_load_fails(path, NULL, -EINVAL, path, b->line, b->message);
        }
}

static void test_unreadable(void **state)
{
        const char *missing = CONFIG_DIR "/missing.conf";

        assert_load_fails(missing, NULL, -ENOENT, missing, 0, "No such file or directory");
        assert_load_fails(CONFIG_DIR "/errors", NULL, -EINVAL, CONFIG_DIR "/errors", 0,
                          "not a regular file");
}

static void test_dropin_error(void **state)
{
        const char *main_file = CONFIG_DIR "/bad-dropin/main.conf";
        const char *bad = CONFIG_DIR "/bad-dropin/main.conf.d/20-bad.conf";

        assert_load_fails(main_file, NULL, -EINVAL, bad, 3, "'removable' must be a boolean");

        /* A drop-in directory that is a file cannot be listed. */
        assert_load_fails(main_file, main_file, -ENOTDIR, main_file, 0, "Not a directory");
}

static void assert_rule_at(const MwRule *r, const char *file, unsigned line)
{
        _cleanup_free_ char *origin = NULL;

        assert_true(asprintf(&origin, "%s:%u", file, line) > 0);
        assert_string_equal(r->file, file);
        assert_int_equal(r->line, line);
        assert_string_equal(r->origin, origin);
}

static void test_rule_contents(void **state)
{
        const char *main_file = CONFIG_DIR "/dropins/main.conf";
        _cleanup_policy_ MwPolicy *p = NULL;
        const MwRule *r;

        assert_int_equal(mw_config_load(main_file, NO_DROPINS, &p, NULL), 0);
        assert_int_equal(p->n_rules, 2);
        assert_int_equal(p->mode, MW_MODE_AUDIT);
        assert_int_equal(p->relaxed, MW_RELAXED_REAPPLY);

        r = &p->rules[0];
        assert_rule_at(r, main_file, 4);
        assert_string_equal(r->targets[0], "/tmp");
        assert_null(r->targets[1]);
        assert_null(r->fstypes);
        assert_null(r->source);
        assert_int_equal(r->removable, -1);
        assert_false(r->exempt);
        assert_int_equal(r->ensure, ALL3);
        assert_string_equal(r->reason, "scratch");

        r = &p->rules[1];
        assert_rule_at(r, main_file, 5);
        assert_string_equal(r->targets[0], "/srv/*");
        assert_string_equal(r->fstypes[0], "ext4");
        assert_string_equal(r->fstypes[1], "xfs");
        assert_null(r->fstypes[2]);
        assert_string_equal(r->source, "/dev/sd*");
        assert_int_equal(r->removable, 0);
        assert_int_equal(r->ensure, MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOSYMFOLLOW);
        assert_null(r->reason);

        assert_string_equal(p->files[0], main_file);
        assert_null(p->files[1]);
}

static void test_dropins(void **state)
{
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_config_error_ MwConfigError e = {};

        assert_int_equal(mw_config_load(CONFIG_DIR "/dropins/main.conf", NULL, &p, &e), 0);
        assert_null(e.message);

        /* main.conf says audit, 20-second enforce; 10-first says respect, 5-late reapply. */
        assert_int_equal(p->mode, MW_MODE_ENFORCE);
        assert_int_equal(p->relaxed, MW_RELAXED_REAPPLY);

        assert_int_equal(p->n_rules, 5);
        assert_rule_at(&p->rules[2], CONFIG_DIR "/dropins/main.conf.d/10-first.conf", 3);
        assert_int_equal(p->rules[2].ensure, MW_ATTR_NOSUID);
        assert_rule_at(&p->rules[3], CONFIG_DIR "/dropins/main.conf.d/20-second.conf", 3);
        assert_true(p->rules[3].exempt);
        assert_string_equal(p->rules[3].reason, "AppImage");
        assert_rule_at(&p->rules[4], CONFIG_DIR "/dropins/main.conf.d/5-late.conf", 4);
        assert_null(p->rules[4].targets);
        assert_int_equal(p->rules[4].removable, 1);

        /* Hidden files, other suffixes and directories are not read. */
        assert_string_equal(p->files[0], CONFIG_DIR "/dropins/main.conf");
        assert_string_equal(p->files[1], CONFIG_DIR "/dropins/main.conf.d/10-first.conf");
        assert_string_equal(p->files[2], CONFIG_DIR "/dropins/main.conf.d/20-second.conf");
        assert_string_equal(p->files[3], CONFIG_DIR "/dropins/main.conf.d/5-late.conf");
        assert_null(p->files[4]);
}

static void test_include(void **state)
{
        const char *main_file = CONFIG_DIR "/include-dropin/main.conf";
        const char *dropin = CONFIG_DIR "/include-dropin/main.conf.d/10-include.conf";
        const char *message = "@include is not supported, use drop-ins in '" CONFIG_DIR
                              "/include-dropin/main.conf.d'";

        assert_load_fails(main_file, NULL, -EINVAL, dropin, 2, message);
}

static void test_include_in_comments(void **state)
{
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_config_error_ MwConfigError e = {};
        int r;

        r = mw_config_load(CONFIG_DIR "/include-in-comments.conf", NO_DROPINS, &p, &e);
        if (r < 0)
                print_error("%s:%u: %s\n", e.file, e.line, e.message);
        assert_int_equal(r, 0);

        assert_int_equal(p->mode, MW_MODE_AUDIT);
        assert_int_equal(p->n_rules, 1);
        assert_rule_at(&p->rules[0], CONFIG_DIR "/include-in-comments.conf", 7);
        assert_string_equal(p->rules[0].reason,
                            "a string over two lines,\n@include \"/\" on the second");
}

static int scratch_setup(void **state)
{
        char *dir = strdup("/tmp/mw-test-config-XXXXXX");

        if (!dir || !mkdtemp(dir))
                return -1;

        *state = dir;
        return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        return remove(path);
}

static int scratch_teardown(void **state)
{
        char *dir = *state;
        int r = nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

        free(dir);
        return r;
}

/* Writes @len bytes of @data to @name in the scratch directory and returns its path. */
static char *scratch_file(void **state, const char *name, const void *data, size_t len)
{
        _cleanup_close_ int fd = -1;
        char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", (const char *)*state, name) > 0);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t)len);
        return path;
}

static char *scratch_path(void **state, const char *name)
{
        char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", (const char *)*state, name) > 0);
        return path;
}

static void test_not_regular(void **state)
{
        static const char text[] = "mode = \"audit\";\n";
        _cleanup_free_ char *main_file = scratch_file(state, "main.conf", text, strlen(text));
        _cleanup_free_ char *dropins = scratch_path(state, "main.conf.d");
        _cleanup_free_ char *fifo = scratch_path(state, "main.conf.d/10-fifo.conf");

        assert_int_equal(mkdir(dropins, 0755), 0);
        assert_int_equal(mkfifo(fifo, 0644), 0);

        /* Opening a FIFO for reading waits for a writer; fail rather than hang the suite. */
        alarm(20);
        assert_load_fails(main_file, NULL, -EINVAL, fifo, 0, "not a regular file");
        assert_load_fails(fifo, NO_DROPINS, -EINVAL, fifo, 0, "not a regular file");
        alarm(0);

        assert_load_fails("/dev/null", NO_DROPINS, -EINVAL, "/dev/null", 0, "not a regular file");
}

static void test_size_limit(void **state)
{
        _cleanup_free_ char *blank = malloc(MW_CONFIG_SIZE_MAX + 1);
        _cleanup_free_ char *at_limit = NULL, *too_large = NULL;
        _cleanup_policy_ MwPolicy *p = NULL;

        assert_non_null(blank);
        memset(blank, '\n', MW_CONFIG_SIZE_MAX + 1);
        at_limit = scratch_file(state, "at-limit.conf", blank, MW_CONFIG_SIZE_MAX);
        too_large = scratch_file(state, "too-large.conf", blank, MW_CONFIG_SIZE_MAX + 1);

        assert_int_equal(mw_config_load(at_limit, NO_DROPINS, &p, NULL), 0);
        assert_int_equal(p->n_rules, 0);

        assert_load_fails(too_large, NO_DROPINS, -EFBIG, too_large, 0,
                          "file too large (1048577 bytes, limit 1 MiB)");
}

/* libconfig reads a C string: whatever follows a NUL byte would silently not be read. */
static void test_nul_byte(void **state)
{
        static const char text[] = "mode = \"audit\";\n\n  \0rules = 1;\n";
        _cleanup_free_ char *path = scratch_file(state, "nul.conf", text, sizeof(text) - 1);

        assert_load_fails(path, NO_DROPINS, -EINVAL, path, 3, "NUL byte");
}

static void test_dropin_dir_given(void **state)
{
        _cleanup_policy_ MwPolicy *p = NULL;

        assert_int_equal(mw_config_load(CONFIG_DIR "/dropins/main.conf",
                                        CONFIG_DIR "/other-dropins",
                                        &p,
                                        NULL),
                         0);

        assert_int_equal(p->mode, MW_MODE_AUDIT);
        assert_int_equal(p->n_rules, 3);
        assert_string_equal(p->rules[2].fstypes[0], "fuse.*");
        assert_string_equal(p->files[1], CONFIG_DIR "/other-dropins/50-other.conf");
        assert_null(p->files[2]);
}

static void test_empty(void **state)
{
        _cleanup_policy_ MwPolicy *p = NULL;

        assert_int_equal(mw_config_load(CONFIG_DIR "/empty.conf", NULL, &p, NULL), 0);
        assert_int_equal(p->mode, MW_MODE_ENFORCE);
        assert_int_equal(p->relaxed, MW_RELAXED_REAPPLY);
        assert_int_equal(p->n_rules, 0);
        assert_string_equal(p->files[0], CONFIG_DIR "/empty.conf");
}

static void test_default_config(void **state)
{
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_config_error_ MwConfigError e = {};
        int r;

        r = mw_config_load(DEFAULT_CONFIG, NO_DROPINS, &p, &e);
        if (r < 0)
                print_error("%s:%u: %s\n", e.file, e.line, e.message);
        assert_int_equal(r, 0);
        assert_null(e.file);
        assert_null(e.message);

        assert_int_equal(p->mode, MW_MODE_ENFORCE);
        assert_int_equal(p->relaxed, MW_RELAXED_REAPPLY);
        assert_true(p->n_rules >= 10);

        for (size_t i = 0; i < p->n_rules; i++) {
                const MwRule *rule = &p->rules[i];

                assert_non_null(rule->origin);
                assert_non_null(rule->reason);
                assert_true(rule->exempt || rule->ensure != 0);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_unreadable),
                cmocka_unit_test(test_dropin_error),
                cmocka_unit_test(test_include),
                cmocka_unit_test(test_include_in_comments),
                cmocka_unit_test_setup_teardown(test_not_regular, scratch_setup, scratch_teardown),
                cmocka_unit_test_setup_teardown(test_size_limit, scratch_setup, scratch_teardown),
                cmocka_unit_test_setup_teardown(test_nul_byte, scratch_setup, scratch_teardown),
                cmocka_unit_test(test_rule_contents),
                cmocka_unit_test(test_dropins),
                cmocka_unit_test(test_dropin_dir_given),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_default_config),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
