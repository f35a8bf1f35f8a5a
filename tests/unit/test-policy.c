/* Unit tests for lib/policy.c: enum names, pseudo filesystems, target patterns and decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <locale.h>
#include <time.h>

#include "config.h"
#include "flags.h"
#include "macro.h"
#include "mounttable.h"
#include "policy.h"

#define DEFAULT_CONFIG FIXTURES_DIR "/../../config/mountwarden.conf"

#define ALL3 (MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC)

static MwMount mount_at(const char *target, const char *fstype, unsigned flags)
{
        return (MwMount){
                .target = (char *)target,
                .fstype = (char *)fstype,
                .source = (char *)"",
                .flags = flags,
        };
}

static void test_enum_names(void **state)
{
        assert_string_equal(mw_mode_to_string(MW_MODE_AUDIT), "audit");
        assert_int_equal(mw_mode_from_string("enforce"), MW_MODE_ENFORCE);
        assert_int_equal(mw_mode_from_string("enforcing"), -EINVAL);
        assert_int_equal(mw_mode_from_string(NULL), -EINVAL);
        assert_null(mw_mode_to_string(_MW_MODE_MAX));

        assert_string_equal(mw_relaxed_to_string(MW_RELAXED_RESPECT), "respect");
        assert_int_equal(mw_relaxed_from_string("reapply"), MW_RELAXED_REAPPLY);
        assert_int_equal(mw_relaxed_from_string("Reapply"), -EINVAL);

        assert_string_equal(mw_decision_to_string(MW_DECISION_COMPLIANT), "compliant");
        assert_string_equal(mw_decision_to_string(MW_DECISION_HARDEN), "harden");
        assert_string_equal(mw_decision_to_string(MW_DECISION_EXEMPT), "exempt");
        assert_string_equal(mw_decision_to_string(MW_DECISION_IGNORED), "ignored");
        assert_string_equal(mw_decision_to_string(MW_DECISION_FAILED), "failed");
        assert_string_equal(mw_decision_to_string(MW_DECISION_LOCKED), "locked");
        assert_null(mw_decision_to_string(_MW_DECISION_MAX));
}

static void test_pseudo(void **state)
{
        static const char *const pseudo[] = {
                "proc",   "sysfs",   "cgroup", "cgroup2",  "devpts", "securityfs", "debugfs",
                "tracefs", "bpf",    "configfs", "pstore", "efivarfs", "mqueue",   "hugetlbfs",
                "fusectl", "binfmt_misc", "autofs", "nsfs", "selinuxfs", "rpc_pipefs", "pidfs",
        };
        static const char *const real[] = {
                "tmpfs", "devtmpfs", "ramfs", "fuse", "fuseblk", "fuse.portal", "overlay", "ext4",
                "squashfs", "proc2",
        };

        for (size_t i = 0; i < ELEMENTSOF(pseudo); i++)
                assert_true(mw_fstype_is_pseudo(pseudo[i]));
        for (size_t i = 0; i < ELEMENTSOF(real); i++)
                assert_false(mw_fstype_is_pseudo(real[i]));

        assert_true(mw_fstype_is_pseudo(NULL));
        assert_true(mw_fstype_is_pseudo(""));
}

static void test_pattern_validate(void **state)
{
        static const char *const good[] = {
                "/", "/tmp", "/**", "/a/**/b", "/mnt/**", "/tmp/.mount_*", "/x/\\*\\*", "/x/[ab]?",
                "/media/*/MY STICK",
        };
        static const char *const bad[] = {
                "",      "tmp",    "*/tmp",  "/a//b",  "/a/",     "/a/./b", "/a/../b",
                "/a/..", "/a**",   "/**b",   "/a/***", "/a/b**/c", "/a\\/b", "/a/b\\",
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                assert_null(mw_pattern_problem(good[i]));
                assert_int_equal(mw_pattern_validate(good[i]), 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_non_null(mw_pattern_problem(bad[i]));
                assert_int_equal(mw_pattern_validate(bad[i]), -EINVAL);
        }

        assert_int_equal(mw_pattern_validate(NULL), -EINVAL);
        assert_string_equal(mw_pattern_problem("tmp"), "must be an absolute path");
        assert_non_null(strstr(mw_pattern_problem("/a**"), "'**'"));
}

static void test_pattern_star_and_question(void **state)
{
        assert_true(mw_pattern_match("/tmp/.mount_*", "/tmp/.mount_abc"));
        assert_true(mw_pattern_match("/tmp/.mount_*", "/tmp/.mount_"));
        assert_false(mw_pattern_match("/tmp/.mount_*", "/tmp/.mount_a/b"));
        assert_false(mw_pattern_match("/tmp/.mount_*", "/tmp"));

        assert_true(mw_pattern_match("/run/user/*", "/run/user/1000"));
        assert_false(mw_pattern_match("/run/user/*", "/run/user"));
        assert_false(mw_pattern_match("/run/user/*", "/run/user/1000/doc"));
        assert_true(mw_pattern_match("/*/*", "/a/.hidden"));

        assert_true(mw_pattern_match("/dev/sd?", "/dev/sda"));
        assert_false(mw_pattern_match("/dev/sd?", "/dev/sd"));
        assert_false(mw_pattern_match("/dev/sd?", "/dev/sdab"));
        assert_true(mw_pattern_match("/x/[ab]", "/x/b"));
        assert_false(mw_pattern_match("/x/[ab]", "/x/c"));

        assert_true(mw_pattern_match("/tmp", "/tmp"));
        assert_false(mw_pattern_match("/tmp", "/tmpx"));
        assert_false(mw_pattern_match("/tmp", "/tmp/x"));
        assert_false(mw_pattern_match("/tmp", "tmp"));
}

static void test_pattern_globstar(void **state)
{
        /* In the middle: zero or more components. */
        assert_true(mw_pattern_match("/a/**/z", "/a/z"));
        assert_true(mw_pattern_match("/a/**/z", "/a/b/z"));
        assert_true(mw_pattern_match("/a/**/z", "/a/b/c/d/z"));
        assert_false(mw_pattern_match("/a/**/z", "/a/z/b"));
        assert_false(mw_pattern_match("/a/**/z", "/a"));
        assert_false(mw_pattern_match("/a/**/z", "/b/z"));

        /* At the end: at least one. */
        assert_true(mw_pattern_match("/mnt/**", "/mnt/a"));
        assert_true(mw_pattern_match("/mnt/**", "/mnt/a/b/c"));
        assert_false(mw_pattern_match("/mnt/**", "/mnt"));
        assert_false(mw_pattern_match("/mnt/**", "/mnt/"));
        assert_false(mw_pattern_match("/mnt/**", "/mntx/a"));
        assert_true(mw_pattern_match("/run/user/*/**", "/run/user/1000/doc"));
        assert_true(mw_pattern_match("/run/user/*/**", "/run/user/1000/gvfs"));
        assert_false(mw_pattern_match("/run/user/*/**", "/run/user/1000"));

        /* Alone. */
        assert_true(mw_pattern_match("/**", "/a"));
        assert_true(mw_pattern_match("/**", "/a/b/c"));
        assert_false(mw_pattern_match("/**", "/"));

        /* Several in a row, and one at the start. */
        assert_true(mw_pattern_match("/a/**/**", "/a/b"));
        assert_false(mw_pattern_match("/a/**/**", "/a"));
        assert_true(mw_pattern_match("/**/x", "/x"));
        assert_true(mw_pattern_match("/**/x", "/a/b/x"));
        assert_true(mw_pattern_match("/**/b/**/d", "/a/b/c/d"));
        assert_false(mw_pattern_match("/**/b/**/d", "/a/c/d"));
}

static void test_pattern_escapes(void **state)
{
        assert_true(mw_pattern_match("/x/\\*", "/x/*"));
        assert_false(mw_pattern_match("/x/\\*", "/x/a"));
        assert_true(mw_pattern_match("/x/\\?", "/x/?"));
        assert_false(mw_pattern_match("/x/\\?", "/x/a"));
        assert_true(mw_pattern_match("/x/\\[a]", "/x/[a]"));
        assert_false(mw_pattern_match("/x/\\[a]", "/x/a"));
        assert_true(mw_pattern_match("/x/\\*\\*", "/x/**"));
        assert_false(mw_pattern_match("/x/\\*\\*", "/x/a/b"));
}

static void test_pattern_odd_bytes(void **state)
{
        assert_true(mw_pattern_match("/media/*/MY STICK", "/media/alice/MY STICK"));
        assert_false(mw_pattern_match("/media/*/MY STICK", "/media/alice/MY  STICK"));
        assert_true(mw_pattern_match("/media/*/*", "/media/a/x\ty"));
        assert_true(mw_pattern_match("/media/*/*", "/media/a/x\ny"));
        assert_true(mw_pattern_match("/media/*/x?y", "/media/a/x\ny"));
        assert_true(mw_pattern_match("/media/*/x\ny", "/media/a/x\ny"));
        assert_false(mw_pattern_match("/media/*", "/media/a/x\ny"));

        /* Not UTF-8, in both the C locale and a UTF-8 one. */
        for (int i = 0; i < 2; i++) {
                if (i == 1 && !setlocale(LC_ALL, "C.UTF-8"))
                        break;

                assert_true(mw_pattern_match("/media/*/*", "/media/a/\xff\xfe"));
                assert_true(mw_pattern_match("/media/a/?\xfe", "/media/a/\xff\xfe"));
                assert_true(mw_pattern_match("/media/a/\xff*", "/media/a/\xff\xfe"));
                assert_false(mw_pattern_match("/media/a/\xfe*", "/media/a/\xff\xfe"));
        }

        setlocale(LC_ALL, "C");
}

static void test_pattern_root_and_slashes(void **state)
{
        assert_true(mw_pattern_match("/", "/"));
        assert_false(mw_pattern_match("/", "/a"));
        assert_false(mw_pattern_match("/*", "/"));
        assert_true(mw_pattern_match("/*", "/a"));

        /* A trailing slash on the path changes nothing. */
        assert_true(mw_pattern_match("/a", "/a/"));
        assert_true(mw_pattern_match("/a/*", "/a/b/"));
        assert_false(mw_pattern_match("/a/*", "/a/"));
}

/* A path of about 4 KiB: "/dir000/dir001/.../end". */
static char *long_path(size_t *ret_components)
{
        char *p = malloc(4200);
        size_t len = 0, n = 0;

        assert_non_null(p);
        while (len < 4080) {
                len += (size_t)snprintf(p + len, 4200 - len, "/dir%03zu", n);
                n++;
        }

        len += (size_t)snprintf(p + len, 4200 - len, "/end");
        *ret_components = n + 1;
        assert_true(len >= 4080 && len < 4096);
        return p;
}

static void test_pattern_long_path(void **state)
{
        _cleanup_free_ char *path = NULL;
        size_t n;

        path = long_path(&n);
        assert_true(n > 500);

        assert_true(mw_pattern_match(path, path));
        assert_true(mw_pattern_match("/**", path));
        assert_true(mw_pattern_match("/**/end", path));
        assert_true(mw_pattern_match("/dir000/**/dir100/**/end", path));
        assert_true(mw_pattern_match("/dir0*/**", path));
        assert_false(mw_pattern_match("/**/nope", path));
        assert_false(mw_pattern_match("/dir001/**", path));

        path[strlen(path) - 1] = 'x';
        assert_false(mw_pattern_match("/**/end", path));
}

static double now_sec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_pattern_pathological(void **state)
{
        char path[200 * 2 + 1] = "";
        double start;

        for (size_t i = 0; i < 200; i++)
                strcat(path, "/a");

        /* Backtracking would try about 200^5 ways to place the five "**" before failing. */
        start = now_sec();
        for (int i = 0; i < 10; i++) {
                assert_false(mw_pattern_match("/**/**/**/**/**/x", path));
                assert_true(mw_pattern_match("/**/**/**/**/**/a", path));
                assert_false(mw_pattern_match("/**/a/**/a/**/a/**/a/**/b", path));
        }
        assert_true(now_sec() - start < 1.0);
}

typedef struct Asked {
        int answer;
        unsigned calls;
} Asked;

static int ask_removable(const MwMount *m, void *userdata)
{
        Asked *a = userdata;

        a->calls++;
        return a->answer;
}

static MwRule rule_ensure(char **targets, unsigned ensure)
{
        return (MwRule){ .targets = targets, .removable = -1, .ensure = ensure };
}

static MwRule rule_exempt(char **targets)
{
        return (MwRule){ .targets = targets, .removable = -1, .exempt = true, .reason = "why" };
}

#define STRV(...) ((char *[]){ __VA_ARGS__, NULL })

static void test_decide_last_rule_wins(void **state)
{
        MwRule rules[] = {
                rule_ensure(STRV("/tmp"), ALL3),
                rule_ensure(STRV("/tmp", "/var/tmp"), MW_ATTR_NOSUID),
                rule_ensure(STRV("/srv"), MW_ATTR_NODEV),
        };
        MwPolicy p = { .rules = rules, .n_rules = ELEMENTSOF(rules) };
        MwMount m = mount_at("/tmp", "tmpfs", MW_ATTR_NODEV);
        MwDecision d;

        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_HARDEN);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(d.required, MW_ATTR_NOSUID);
        assert_int_equal(d.missing, MW_ATTR_NOSUID);
        assert_null(d.override);

        m.flags |= MW_ATTR_NOSUID;
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(d.missing, 0);

        m = mount_at("/", "ext4", 0);
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
        assert_null(d.rule);
        assert_int_equal(d.required, 0);
}

static void test_decide_missing(void **state)
{
        MwRule rules[] = { rule_ensure(STRV("/data"), ALL3 | MW_ATTR_NOSYMFOLLOW) };
        MwPolicy p = { .rules = rules, .n_rules = 1 };
        MwMount m = mount_at("/data", "ext4", MW_ATTR_RDONLY | MW_ATTR_NOSUID | MW_ATTR_NOATIME);
        MwDecision d;

        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_HARDEN);
        assert_int_equal(d.required, ALL3 | MW_ATTR_NOSYMFOLLOW);
        assert_int_equal(d.missing, MW_ATTR_NODEV | MW_ATTR_NOEXEC | MW_ATTR_NOSYMFOLLOW);
}

static void test_decide_conditions(void **state)
{
        MwRule rules[] = {
                { .fstypes = STRV("fuse.*", "fuseblk"), .removable = -1, .ensure = MW_ATTR_NOSUID },
                { .source = "/dev/sd*", .removable = -1, .ensure = MW_ATTR_NODEV },
        };
        MwPolicy p = { .rules = rules, .n_rules = ELEMENTSOF(rules) };
        MwMount m = mount_at("/run/user/1000/doc", "fuse.portal", 0);
        MwDecision d;

        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[0]);

        m.fstype = "fuseblk";
        m.source = "/dev/sdb1";
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(d.missing, MW_ATTR_NODEV);

        m.source = "/dev/nvme0n1p1";
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[0]);

        m.fstype = "ext4";
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_null(d.rule);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
}

static void test_decide_exempt(void **state)
{
        MwRule rules[] = {
                rule_ensure(STRV("/snap/**"), ALL3),
                rule_exempt(STRV("/snap/**")),
        };
        MwPolicy p = { .rules = rules, .n_rules = ELEMENTSOF(rules) };
        MwMount m = mount_at("/snap/core/123", "squashfs", 0);
        MwDecision d;

        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_EXEMPT);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(d.required, 0);
        assert_int_equal(d.missing, 0);
}

static void test_decide_pseudo_ignored(void **state)
{
        MwRule rules[] = { rule_ensure(STRV("/proc", "/proc/**", "/sys"), ALL3) };
        MwPolicy p = { .rules = rules, .n_rules = 1 };
        MwOverride o = { .pattern = "/proc", .require = MW_ATTR_NOEXEC };
        MwMount m = mount_at("/proc", "proc", 0);
        Asked asked = { 1, 0 };
        MwDecision d;

        mw_policy_decide(&p, &o, 1, &m, ask_removable, &asked, &d);
        assert_int_equal(d.kind, MW_DECISION_IGNORED);
        assert_null(d.rule);
        assert_null(d.override);
        assert_int_equal(d.missing, 0);

        m = mount_at("/proc/sys/fs/binfmt_misc", "binfmt_misc", 0);
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_int_equal(d.kind, MW_DECISION_IGNORED);

        /* The same rule does apply to a real filesystem there. */
        m = mount_at("/sys", "tmpfs", 0);
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_int_equal(d.kind, MW_DECISION_HARDEN);
        assert_int_equal(asked.calls, 0);
}

static void test_decide_removable(void **state)
{
        MwRule rules[] = {
                { .removable = 1, .ensure = ALL3 },
                { .targets = STRV("/media/**"), .removable = 0, .ensure = MW_ATTR_NOSUID },
                { .targets = STRV("/home"), .removable = -1, .ensure = MW_ATTR_NODEV },
        };
        MwPolicy p = { .rules = rules, .n_rules = ELEMENTSOF(rules) };
        MwMount m = mount_at("/home", "ext4", 0);
        Asked asked = { 1, 0 };
        MwDecision d;

        /* A later rule decides before removable is asked. */
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_ptr_equal(d.rule, &rules[2]);
        assert_int_equal(asked.calls, 0);

        /* Two rules need the answer: asked once. */
        m.target = "/media/alice/STICK";
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_ptr_equal(d.rule, &rules[0]);
        assert_int_equal(d.missing, ALL3);
        assert_int_equal(asked.calls, 1);

        asked = (Asked){ 0, 0 };
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(asked.calls, 1);

        /* Unknown counts as not removable, as does no callback at all. */
        asked = (Asked){ -ENODEV, 0 };
        m.target = "/srv";
        mw_policy_decide(&p, NULL, 0, &m, ask_removable, &asked, &d);
        assert_null(d.rule);
        assert_int_equal(asked.calls, 1);

        m.target = "/media/x";
        mw_policy_decide(&p, NULL, 0, &m, NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[1]);
}

static void test_decide_overrides(void **state)
{
        MwRule rules[] = { rule_ensure(STRV("/tmp"), ALL3) };
        MwPolicy p = { .rules = rules, .n_rules = 1 };
        MwOverride o[] = {
                { .pattern = "/tmp", .allow = MW_ATTR_NOEXEC },
                { .pattern = "/srv/**", .require = MW_ATTR_NOEXEC },
                { .pattern = "/var/tmp", .require = MW_ATTR_NOEXEC },
                { .pattern = "/var/tmp", .allow = MW_ATTR_NOEXEC },
        };
        MwMount m = mount_at("/tmp", "tmpfs", MW_ATTR_NOSUID | MW_ATTR_NODEV);
        MwDecision d;

        /* "allow" takes a flag off what the rule requires. */
        mw_policy_decide(&p, o, ELEMENTSOF(o), &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
        assert_int_equal(d.required, MW_ATTR_NOSUID | MW_ATTR_NODEV);
        assert_ptr_equal(d.override, &o[0]);
        assert_ptr_equal(d.rule, &rules[0]);

        /* "require" applies where no rule matched. */
        m.target = "/srv/data";
        mw_policy_decide(&p, o, ELEMENTSOF(o), &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_HARDEN);
        assert_null(d.rule);
        assert_ptr_equal(d.override, &o[1]);
        assert_int_equal(d.missing, MW_ATTR_NOEXEC);

        /* In order: the later one wins, and is the one reported. */
        m.target = "/var/tmp";
        mw_policy_decide(&p, o, ELEMENTSOF(o), &m, NULL, NULL, &d);
        assert_int_equal(d.required, 0);
        assert_ptr_equal(d.override, &o[3]);
        mw_policy_decide(&p, o + 2, 1, &m, NULL, NULL, &d);
        assert_int_equal(d.missing, MW_ATTR_NOEXEC);

        /* Not matching: no override reported. */
        m.target = "/srv";
        mw_policy_decide(&p, o, ELEMENTSOF(o), &m, NULL, NULL, &d);
        assert_null(d.override);
        assert_int_equal(d.required, 0);
}

static void test_decide_override_on_exempt(void **state)
{
        MwRule rules[] = { rule_exempt(STRV("/tmp/.mount_*")) };
        MwPolicy p = { .rules = rules, .n_rules = 1 };
        MwOverride allow = { .pattern = "/tmp/.mount_*", .allow = MW_ATTR_NOSUID };
        MwOverride require = { .pattern = "/tmp/.mount_x", .require = MW_ATTR_NOSUID };
        MwMount m = mount_at("/tmp/.mount_x", "fuse.x", 0);
        MwDecision d;

        mw_policy_decide(&p, &allow, 1, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_EXEMPT);
        assert_ptr_equal(d.override, &allow);

        mw_policy_decide(&p, &require, 1, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_HARDEN);
        assert_ptr_equal(d.rule, &rules[0]);
        assert_int_equal(d.missing, MW_ATTR_NOSUID);

        m.flags = MW_ATTR_NOSUID;
        mw_policy_decide(&p, &require, 1, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
}

static void test_decide_no_policy(void **state)
{
        MwMount m = mount_at("/tmp", "tmpfs", 0);
        MwDecision d;

        mw_policy_decide(NULL, NULL, 0, &m, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_COMPLIANT);
        assert_null(d.rule);
}

static void test_free_helpers(void **state)
{
        MwPolicy *p = calloc(1, sizeof(MwPolicy));
        MwOverride o = { .pattern = strdup("/tmp"), .require = MW_ATTR_NOEXEC };

        assert_non_null(p);
        p->rules = calloc(1, sizeof(MwRule));
        assert_non_null(p->rules);
        p->n_rules = 1;
        p->rules[0].targets = calloc(2, sizeof(char *));
        assert_non_null(p->rules[0].targets);
        p->rules[0].targets[0] = strdup("/tmp");
        p->rules[0].reason = strdup("why");

        assert_null(mw_policy_free(p));
        assert_null(mw_policy_free(NULL));

        mw_override_done(&o);
        assert_null(o.pattern);
        assert_int_equal(o.require, 0);
        mw_override_done(NULL);
}

/* The shipped policy, loaded once for the tests below. */
static int load_default_policy(void **state)
{
        MwConfigError e = {};
        MwPolicy *p = NULL;
        int r;

        r = mw_config_load(DEFAULT_CONFIG, FIXTURES_DIR "/no-such-dropins", &p, &e);
        if (r < 0)
                print_error("%s:%u: %s\n", e.file, e.line, e.message);
        mw_config_error_done(&e);

        *state = p;
        return r;
}

static int free_default_policy(void **state)
{
        mw_policy_free(*state);
        return 0;
}

/* What the default policy must decide for one mount. @rule_target is the first target pattern of
 * the deciding rule, "" for a rule without targets, NULL when no rule may match. */
typedef struct Expect {
        const char *target;
        const char *fstype;
        unsigned flags;
        bool removable;
        MwDecisionKind kind;
        unsigned missing;
        const char *rule_target;
} Expect;

static void assert_decision(const MwPolicy *p, const MwMount *m, bool removable, const Expect *e)
{
        char want[MW_FLAGS_STRLEN], got[MW_FLAGS_STRLEN];
        Asked asked = { removable, 0 };
        const char *rule_target;
        MwDecision d;

        mw_policy_decide(p, NULL, 0, m, ask_removable, &asked, &d);

        rule_target = !d.rule ? NULL : d.rule->targets ? d.rule->targets[0] : "";
        if (d.kind != e->kind || d.missing != e->missing || !streq_ptr(rule_target, e->rule_target))
                print_error("'%s': got %s +%s by '%s', want %s +%s by '%s'\n",
                            m->target,
                            mw_decision_to_string(d.kind),
                            mw_flags_list_to_string(d.missing, "", got, sizeof(got)),
                            rule_target ?: "(none)",
                            mw_decision_to_string(e->kind),
                            mw_flags_list_to_string(e->missing, "", want, sizeof(want)),
                            e->rule_target ?: "(none)");

        assert_int_equal(d.kind, e->kind);
        assert_int_equal(d.missing, e->missing);
        assert_true(streq_ptr(rule_target, e->rule_target));
}

static void test_default_policy(void **state)
{
        static const Expect expect[] = {
                { "/run/user/4242", "tmpfs", 0, false, MW_DECISION_HARDEN, ALL3, "/run" },
                { "/run/user/1000/doc", "fuse.portal", MW_ATTR_NOSUID | MW_ATTR_NODEV, false,
                  MW_DECISION_HARDEN, MW_ATTR_NOEXEC, "/run" },
                { "/media/alice/MY STICK", "fuseblk", MW_ATTR_NOSUID | MW_ATTR_NODEV, true,
                  MW_DECISION_HARDEN, MW_ATTR_NOEXEC, "/media/**" },
                { "/tmp/.mount_abc", "fuse", 0, false, MW_DECISION_EXEMPT, 0, "/tmp/.mount_*" },
                { "/snap/core/123", "squashfs", 0, false, MW_DECISION_EXEMPT, 0, "/snap/**" },
                { "/proc", "proc", 0, false, MW_DECISION_IGNORED, 0, NULL },
                { "/proc/sys/fs/binfmt_misc", "binfmt_misc", 0, false, MW_DECISION_IGNORED, 0,
                  NULL },
                { "/", "ext4", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/home", "ext4", MW_ATTR_NOSUID | MW_ATTR_NODEV, false, MW_DECISION_COMPLIANT, 0,
                  "/home" },
                /* Beyond the list: the places where rule order matters. */
                { "/", "ext4", 0, true, MW_DECISION_EXEMPT, 0, "/" },
                { "/home", "ext4", 0, true, MW_DECISION_HARDEN, MW_ATTR_NOSUID | MW_ATTR_NODEV,
                  "/home" },
                { "/mnt/usb", "vfat", 0, true, MW_DECISION_HARDEN, ALL3, "/mnt/**" },
                { "/mnt/data", "ext4", 0, false, MW_DECISION_HARDEN, MW_ATTR_NOSUID | MW_ATTR_NODEV,
                  "/mnt/**" },
                { "/srv/stick", "exfat", MW_ATTR_NOSUID, true, MW_DECISION_HARDEN,
                  MW_ATTR_NODEV | MW_ATTR_NOEXEC, "" },
                { "/dev", "devtmpfs", MW_ATTR_NOSUID, false, MW_DECISION_HARDEN, MW_ATTR_NOEXEC,
                  "/dev" },
                { "/tmp", "tmpfs", MW_ATTR_NOSUID | MW_ATTR_NODEV, false, MW_DECISION_HARDEN,
                  MW_ATTR_NOEXEC, "/tmp" },
                { "/var/log/audit", "xfs", ALL3, false, MW_DECISION_COMPLIANT, 0, "/var/log" },
                { "/var/lib/docker/overlay2/abc/merged", "overlay", 0, false, MW_DECISION_EXEMPT,
                  0, "/var/lib/docker/**" },
                { "/run/docker/netns/abc", "nsfs", 0, false, MW_DECISION_IGNORED, 0, NULL },
                { "/usr", "ext4", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
        };
        const MwPolicy *p = *state;

        for (size_t i = 0; i < ELEMENTSOF(expect); i++) {
                MwMount m = mount_at(expect[i].target, expect[i].fstype, expect[i].flags);

                assert_decision(p, &m, expect[i].removable, &expect[i]);
        }
}

/* Decides every listed mount of a mountinfo fixture with the default policy; removable devices
 * are those whose source is listed in @removable_sources. */
static void assert_fixture(const MwPolicy *p,
                           const char *file,
                           const char *const *removable_sources,
                           const Expect *expect,
                           size_t n_expect)
{
        _cleanup_table_ MwTable *t = NULL;
        _cleanup_free_ char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", FIXTURES_DIR, file) > 0);
        assert_int_equal(mw_table_read_file(path, &t, NULL, NULL), 0);

        for (size_t i = 0; i < n_expect; i++) {
                const MwMount *m = mw_table_find_target(t, expect[i].target);
                bool removable = false;

                if (!m)
                        print_error("%s: no mount at '%s'\n", file, expect[i].target);
                assert_non_null(m);
                assert_string_equal(m->fstype, expect[i].fstype);
                assert_int_equal(m->flags & MW_ATTR_ENFORCEABLE, expect[i].flags);

                for (const char *const *s = removable_sources; s && *s; s++)
                        removable = removable || streq(*s, m->source);

                assert_decision(p, m, removable, &expect[i]);
        }
}

#define NS_ND (MW_ATTR_NOSUID | MW_ATTR_NODEV)

static void test_fixture_desktop(void **state)
{
        static const char *const sticks[] = { "/dev/sdb1", "/dev/sdc1", NULL };
        static const Expect expect[] = {
                { "/", "ext4", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/proc", "proc", ALL3, false, MW_DECISION_IGNORED, 0, NULL },
                { "/sys/fs/cgroup", "cgroup2", ALL3, false, MW_DECISION_IGNORED, 0, NULL },
                { "/sys/kernel/security", "securityfs", ALL3, false, MW_DECISION_IGNORED, 0,
                  NULL },
                { "/dev/pts", "devpts", MW_ATTR_NOSUID | MW_ATTR_NOEXEC, false,
                  MW_DECISION_IGNORED, 0, NULL },
                { "/dev/hugepages", "hugetlbfs", 0, false, MW_DECISION_IGNORED, 0, NULL },
                { "/proc/sys/fs/binfmt_misc", "binfmt_misc", ALL3, false, MW_DECISION_IGNORED, 0,
                  NULL },
                { "/dev", "devtmpfs", MW_ATTR_NOSUID, false, MW_DECISION_HARDEN, MW_ATTR_NOEXEC,
                  "/dev" },
                { "/dev/shm", "tmpfs", NS_ND, false, MW_DECISION_HARDEN, MW_ATTR_NOEXEC,
                  "/dev/shm" },
                { "/run", "tmpfs", ALL3, false, MW_DECISION_COMPLIANT, 0, "/run" },
                { "/run/lock", "tmpfs", ALL3, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/tmp", "tmpfs", NS_ND, false, MW_DECISION_HARDEN, MW_ATTR_NOEXEC, "/tmp" },
                { "/var/tmp", "ext4", 0, false, MW_DECISION_HARDEN, ALL3, "/tmp" },
                { "/home", "ext4", 0, false, MW_DECISION_HARDEN, NS_ND, "/home" },
                { "/boot/efi", "vfat", 0, false, MW_DECISION_HARDEN, ALL3, "/boot" },
                { "/snap/core22/1380", "squashfs", MW_ATTR_NODEV, false, MW_DECISION_EXEMPT, 0,
                  "/snap/**" },
                { "/snap/firefox/4173", "squashfs", MW_ATTR_NODEV, false, MW_DECISION_EXEMPT, 0,
                  "/snap/**" },
                { "/run/user/4242", "tmpfs", NS_ND, false, MW_DECISION_HARDEN, MW_ATTR_NOEXEC,
                  "/run" },
                { "/run/user/4242/doc", "fuse.portal", NS_ND, false, MW_DECISION_HARDEN,
                  MW_ATTR_NOEXEC, "/run" },
                { "/run/user/4242/gvfs", "fuse.gvfsd-fuse", NS_ND, false, MW_DECISION_HARDEN,
                  MW_ATTR_NOEXEC, "/run" },
                { "/run/snapd/ns", "tmpfs", ALL3, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/media/alice/MY STICK", "fuseblk", NS_ND, true, MW_DECISION_HARDEN,
                  MW_ATTR_NOEXEC, "/media/**" },
                { "/media/alice/CAMERA", "vfat", NS_ND, true, MW_DECISION_HARDEN, MW_ATTR_NOEXEC,
                  "/media/**" },
        };
        _cleanup_table_ MwTable *t = NULL;
        const MwMount *autofs;
        MwDecision d;

        assert_fixture(*state, "desktop.mountinfo", sticks, expect, ELEMENTSOF(expect));

        /* Under the binfmt_misc mount lies systemd's autofs trigger: ignored too. */
        assert_int_equal(mw_table_read_file(FIXTURES_DIR "/desktop.mountinfo", &t, NULL, NULL), 0);
        autofs = mw_table_find(t, 34);
        assert_non_null(autofs);
        assert_string_equal(autofs->fstype, "autofs");
        mw_policy_decide(*state, NULL, 0, autofs, NULL, NULL, &d);
        assert_int_equal(d.kind, MW_DECISION_IGNORED);
}

static void test_fixture_containers(void **state)
{
        static const Expect expect[] = {
                { "/var/lib/docker", "ext4", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/var/lib/docker/overlay2/"
                  "9205aaea256e0908bd58c5482410c2e43c8dfb38b637d5008fcafe96fac4899b/merged",
                  "overlay", 0, false, MW_DECISION_EXEMPT, 0, "/var/lib/docker/**" },
                { "/var/lib/docker/overlay2/"
                  "9205aaea256e0908bd58c5482410c2e43c8dfb38b637d5008fcafe96fac4899b/merged/var/"
                  "lib/postgresql/data",
                  "ext4", 0, false, MW_DECISION_EXEMPT, 0, "/var/lib/docker/**" },
                { "/var/lib/docker/containers/"
                  "089c5518a88a0d2916473761b7e4b954e6ed5a0a843ef3e3a345324353ecde0e/mounts/shm",
                  "tmpfs", ALL3, false, MW_DECISION_EXEMPT, 0, "/var/lib/docker/**" },
                { "/var/lib/containers/storage/overlay/"
                  "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9/merged",
                  "overlay", MW_ATTR_NODEV, false, MW_DECISION_EXEMPT, 0, "/var/lib/docker/**" },
                { "/run/docker/netns/6712ecb6fa4c", "nsfs", 0, false, MW_DECISION_IGNORED, 0,
                  NULL },
                { "/proc/sys/fs/binfmt_misc", "binfmt_misc", 0, false, MW_DECISION_IGNORED, 0,
                  NULL },
                { "/var/lib/lxcfs", "fuse.lxcfs", NS_ND, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/run", "tmpfs", ALL3, false, MW_DECISION_COMPLIANT, 0, "/run" },
        };

        assert_fixture(*state, "containers.mountinfo", NULL, expect, ELEMENTSOF(expect));
}

static void test_fixture_odd_paths(void **state)
{
        static const Expect expect[] = {
                { "/srv/no-source", "tmpfs", MW_ATTR_NOSUID, false, MW_DECISION_COMPLIANT, 0,
                  NULL },
                { "/srv/with space", "tmpfs", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/srv/with\nnewline", "tmpfs", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/run/netns/blue", "nsfs", 0, false, MW_DECISION_IGNORED, 0, NULL },
        };
        MwRule rules[] = {
                { .source = "", .removable = -1, .ensure = MW_ATTR_NODEV },
                { .targets = STRV("/srv/with?space", "/srv/with\nnewline"), .removable = -1,
                  .ensure = MW_ATTR_NOEXEC },
        };
        MwPolicy own = { .rules = rules, .n_rules = ELEMENTSOF(rules) };
        _cleanup_table_ MwTable *t = NULL;
        MwDecision d;

        assert_fixture(*state, "odd-paths.mountinfo", NULL, expect, ELEMENTSOF(expect));

        /* An empty source is matched as the empty string. */
        assert_int_equal(mw_table_read_file(FIXTURES_DIR "/odd-paths.mountinfo", &t, NULL, NULL),
                         0);
        assert_string_equal(mw_table_find_target(t, "/srv/no-source")->source, "");
        mw_policy_decide(&own, NULL, 0, mw_table_find_target(t, "/srv/no-source"), NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[0]);
        assert_int_equal(d.missing, MW_ATTR_NODEV);

        mw_policy_decide(&own, NULL, 0, mw_table_find_target(t, "/srv/with space"), NULL, NULL, &d);
        assert_ptr_equal(d.rule, &rules[1]);
        mw_policy_decide(&own, NULL, 0, mw_table_find_target(t, "/srv/with\nnewline"), NULL, NULL,
                         &d);
        assert_ptr_equal(d.rule, &rules[1]);
        assert_int_equal(d.missing, MW_ATTR_NOEXEC);
}

static void test_fixture_malformed(void **state)
{
        static const Expect expect[] = {
                { "/", "ext4", 0, false, MW_DECISION_COMPLIANT, 0, NULL },
                { "/mnt/after-garbage", "tmpfs", ALL3, false, MW_DECISION_COMPLIANT, 0,
                  "/mnt/**" },
                { "/mnt/last-good", "tmpfs", MW_ATTR_NOSUID, false, MW_DECISION_HARDEN,
                  MW_ATTR_NODEV, "/mnt/**" },
        };
        _cleanup_table_ MwTable *t = NULL;
        unsigned skipped = 0;

        assert_int_equal(mw_table_read_file(FIXTURES_DIR "/malformed.mountinfo", &t, &skipped,
                                            NULL),
                         0);
        assert_true(skipped > 0);

        assert_fixture(*state, "malformed.mountinfo", NULL, expect, ELEMENTSOF(expect));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_enum_names),
                cmocka_unit_test(test_pseudo),
                cmocka_unit_test(test_pattern_validate),
                cmocka_unit_test(test_pattern_star_and_question),
                cmocka_unit_test(test_pattern_globstar),
                cmocka_unit_test(test_pattern_escapes),
                cmocka_unit_test(test_pattern_odd_bytes),
                cmocka_unit_test(test_pattern_root_and_slashes),
                cmocka_unit_test(test_pattern_long_path),
                cmocka_unit_test(test_pattern_pathological),
                cmocka_unit_test(test_decide_last_rule_wins),
                cmocka_unit_test(test_decide_missing),
                cmocka_unit_test(test_decide_conditions),
                cmocka_unit_test(test_decide_exempt),
                cmocka_unit_test(test_decide_pseudo_ignored),
                cmocka_unit_test(test_decide_removable),
                cmocka_unit_test(test_decide_overrides),
                cmocka_unit_test(test_decide_override_on_exempt),
                cmocka_unit_test(test_decide_no_policy),
                cmocka_unit_test(test_free_helpers),
        };

        const struct CMUnitTest default_policy_tests[] = {
                cmocka_unit_test(test_default_policy),
                cmocka_unit_test(test_fixture_desktop),
                cmocka_unit_test(test_fixture_containers),
                cmocka_unit_test(test_fixture_odd_paths),
                cmocka_unit_test(test_fixture_malformed),
        };
        int failed;

        failed = cmocka_run_group_tests(tests, NULL, NULL);
        failed += cmocka_run_group_tests(default_policy_tests, load_default_policy,
                                         free_default_policy);
        return failed;
}
