/* Tests of the safe remount: the right mount gains flags, through mount_setattr(2) and the
 * MS_REMOUNT|MS_BIND fallback; a wrong expected id, a symlink or a stacked mount changes
 * nothing. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply.h"
#include "flags.h"
#include "macro.h"
#include "mounttable.h"
#include "scratch.h"

static char scratch[] = "/tmp/mw-test-apply.XXXXXX";

static void make_path(char *buf, size_t size, const char *name)
{
        snprintf(buf, size, "%s/%s", scratch, name);
}

static void mount_tmpfs(const char *name, const char *opts)
{
        char path[256];
        unsigned long flags = 0;

        if (strstr(opts, "ro"))
                flags |= MS_RDONLY;
        if (strstr(opts, "noatime"))
                flags |= MS_NOATIME;

        make_path(path, sizeof(path), name);
        assert_int_equal(mkdir(path, 0755), 0);
        assert_int_equal(mount("tmpfs", path, "tmpfs", flags, NULL), 0);
}

/* The mount entry at @name (top-most) in *@t, which is read first when still NULL; the caller
 * frees the table. */
static const MwMount *find(MwTable **t, const char *name)
{
        char path[256];

        make_path(path, sizeof(path), name);
        if (!*t)
                assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, t, NULL), 0);
        return mw_table_find_target(*t, path);
}

static int setup(void **state)
{
        if (geteuid() != 0 || mw_test_private_namespace() < 0 || mw_test_scratch(scratch) < 0)
                return -1;

        return 0;
}

static int teardown(void **state)
{
        mw_test_scratch_done(scratch);
        return 0;
}

static void test_adds_flags(void **state)
{
        _cleanup_table_ MwTable *t = NULL, *after = NULL;
        const MwMount *m;
        MwApplyResult res;

        mount_tmpfs("plain", "");
        m = find(&t, "plain");
        assert_non_null(m);
        assert_false(m->flags & MW_ATTR_NOEXEC);

        assert_int_equal(mw_remount(m->target, m->id, m->id_unique, MW_ATTR_NOEXEC | MW_ATTR_NODEV,
                                    0, false, &res),
                         0);
        assert_false(res.used_fallback);
        assert_true(res.flags_after & MW_ATTR_NOEXEC);

        m = find(&after, "plain");
        assert_int_equal(m->flags & (MW_ATTR_NOEXEC | MW_ATTR_NODEV),
                         MW_ATTR_NOEXEC | MW_ATTR_NODEV);
        assert_false(m->flags & MW_ATTR_NOSUID);
}

static void test_fallback_keeps_ro_and_atime(void **state)
{
        _cleanup_table_ MwTable *t = NULL, *after = NULL;
        const MwMount *m;
        MwApplyResult res;

        mount_tmpfs("ro-noatime", "ro,noatime");
        m = find(&t, "ro-noatime");
        assert_non_null(m);
        assert_true(m->flags & MW_ATTR_RDONLY);

        assert_int_equal(
                mw_remount(m->target, m->id, m->id_unique, MW_ATTR_NOSUID, 0, true, &res), 0);
        assert_true(res.used_fallback);

        m = find(&after, "ro-noatime");
        assert_true(m->flags & MW_ATTR_NOSUID);
        assert_true(m->flags & MW_ATTR_RDONLY);
        assert_int_equal(m->flags & MW_ATTR_ATIME_MASK, MW_ATTR_NOATIME);
}

static void test_wrong_id_changes_nothing(void **state)
{
        _cleanup_table_ MwTable *t = NULL, *after = NULL;
        const MwMount *a, *b;

        mount_tmpfs("a", "");
        mount_tmpfs("b", "");
        a = find(&t, "a");
        b = find(&t, "b");
        assert_non_null(a);
        assert_non_null(b);

        /* Asked to harden mount a, but the path leads to mount b. */
        assert_int_equal(mw_remount(b->target, a->id, a->id_unique, MW_ATTR_NOEXEC, 0, false, NULL),
                         -ESTALE);

        b = find(&after, "b");
        assert_false(b->flags & MW_ATTR_NOEXEC);
}

static void test_symlink_swap_changes_nothing(void **state)
{
        _cleanup_table_ MwTable *t = NULL, *after = NULL;
        char victim[256], target[256];
        const MwMount *v, *other;
        uint64_t id;
        bool unique;

        mount_tmpfs("victim", "");
        mount_tmpfs("other", "");
        v = find(&t, "victim");
        assert_non_null(v);
        id = v->id;
        unique = v->id_unique;

        /* Between the decision and the remount, the mount point becomes a symlink to another
         * mount, as a user could do in a directory they own. */
        make_path(victim, sizeof(victim), "victim");
        make_path(target, sizeof(target), "other");
        assert_int_equal(umount(victim), 0);
        assert_int_equal(rmdir(victim), 0);
        assert_int_equal(symlink(target, victim), 0);

        assert_int_equal(mw_remount(victim, id, unique, MW_ATTR_NOEXEC, 0, false, NULL), -ELOOP);

        other = find(&after, "other");
        assert_non_null(other);
        assert_false(other->flags & MW_ATTR_NOEXEC);
}

static void test_stacked_mount_is_stale(void **state)
{
        _cleanup_table_ MwTable *t = NULL, *after = NULL;
        char path[256];
        const MwMount *lower, *upper;
        uint64_t id;

        mount_tmpfs("stack", "");
        lower = find(&t, "stack");
        id = lower->id;

        make_path(path, sizeof(path), "stack");
        assert_int_equal(mount("tmpfs", path, "tmpfs", 0, NULL), 0);

        assert_int_equal(mw_remount(path, id, lower->id_unique, MW_ATTR_NOEXEC, 0, false, NULL),
                         -ESTALE);

        upper = find(&after, "stack");
        assert_true(upper->id != id);
        assert_false(upper->flags & MW_ATTR_NOEXEC);
}

static void test_gone_and_bad_input(void **state)
{
        assert_int_equal(mw_remount("/nonexistent/mw-test", 1, false, MW_ATTR_NOEXEC, 0, false,
                                    NULL),
                         -ENOENT);
        assert_int_equal(mw_remount("relative/path", 1, false, MW_ATTR_NOEXEC, 0, false, NULL),
                         -EINVAL);
        /* Only per-mount restricting flags can be asked for. */
        assert_int_equal(mw_remount("/", 1, false, 0x40000000U, 0, false, NULL), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_adds_flags),
                cmocka_unit_test(test_fallback_keeps_ro_and_atime),
                cmocka_unit_test(test_wrong_id_changes_nothing),
                cmocka_unit_test(test_symlink_swap_changes_nothing),
                cmocka_unit_test(test_stacked_mount_is_stale),
                cmocka_unit_test(test_gone_and_bad_input),
        };

        if (geteuid() != 0) {
                printf("SKIP: the remount tests need root\n");
                return 77;
        }

        return cmocka_run_group_tests(tests, setup, teardown);
}
