/* Unit tests for lib/mounttable.c: parsing our mountinfo fixtures, the id index, the diff, both
 * live backends side by side, and util-linux's own expectations where that data is at hand. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "flags.h"
#include "macro.h"
#include "mounttable.h"
#include "scratch.h"

/* util-linux's libmount test data, read in place where the machine has it (CI may not). */
#define UTIL_LINUX_DATA "/work/shared/peer-data/util-linux/tests"

static MwTable *read_fixture_full(const char *name, unsigned *ret_skipped, unsigned *ret_bad_line)
{
        _cleanup_free_ char *path = NULL;
        MwTable *t = NULL;

        assert_true(asprintf(&path, "%s/%s", FIXTURES_DIR, name) > 0);
        assert_int_equal(mw_table_read_file(path, &t, ret_skipped, ret_bad_line), 0);
        assert_non_null(t);
        return t;
}

static MwTable *read_fixture(const char *name)
{
        unsigned skipped = 99, bad_line = 99;
        MwTable *t = read_fixture_full(name, &skipped, &bad_line);

        assert_int_equal(skipped, 0);
        assert_int_equal(bad_line, 0);
        return t;
}

static const MwMount *find(const MwTable *t, uint64_t id)
{
        const MwMount *m = mw_table_find(t, id);

        assert_non_null(m);
        assert_int_equal(m->id, id);
        return m;
}

static void check_mount(const MwMount *m,
                        uint64_t parent_id,
                        const char *target,
                        const char *fstype,
                        const char *source,
                        unsigned flags)
{
        assert_int_equal(m->parent_id, parent_id);
        assert_int_equal(m->mnt_id, m->id);
        assert_false(m->id_unique);
        assert_string_equal(m->target, target);
        assert_string_equal(m->fstype, fstype);
        assert_string_equal(m->source, source);
        assert_int_equal(m->flags, flags);
}

static void test_desktop(void **state)
{
        _cleanup_table_ MwTable *t = read_fixture("desktop.mountinfo");
        const MwMount *m;

        assert_int_equal(mw_table_size(t), 33);
        assert_int_equal(mw_table_get(t, 0)->id, 22);
        assert_null(mw_table_get(t, 33));

        check_mount(find(t, 51), 22, "/media/alice/MY STICK", "fuseblk", "/dev/sdb1",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV);
        assert_int_equal(find(t, 51)->devno, makedev(8, 17));

        check_mount(find(t, 47), 27, "/run/user/4242", "tmpfs", "tmpfs",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV);
        check_mount(find(t, 48), 47, "/run/user/4242/doc", "fuse.portal", "portal",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV);
        check_mount(find(t, 49), 47, "/run/user/4242/gvfs", "fuse.gvfsd-fuse", "gvfsd-fuse",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV);
        check_mount(find(t, 44), 22, "/snap/core22/1380", "squashfs", "/dev/loop0",
                    MW_ATTR_RDONLY | MW_ATTR_NODEV);
        check_mount(find(t, 31), 24, "/sys/fs/cgroup", "cgroup2", "cgroup2",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC);
        check_mount(find(t, 29), 25, "/dev/shm", "tmpfs", "tmpfs",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_STRICTATIME);

        m = find(t, 54);
        assert_string_equal(m->root, "/var/lib/shared-tmp");
        assert_string_equal(m->target, "/var/tmp");
        assert_int_equal(m->devno, makedev(259, 2));

        /* binfmt_misc sits on top of its autofs trigger. */
        m = mw_table_find_target(t, "/proc/sys/fs/binfmt_misc");
        assert_non_null(m);
        assert_int_equal(m->id, 46);
        assert_string_equal(m->fstype, "binfmt_misc");

        assert_null(mw_table_find(t, 9999));
        assert_null(mw_table_find_target(t, "/media/alice/MY\\040STICK"));
        assert_null(mw_table_find_target(t, "/nowhere"));
}

static void test_odd_paths(void **state)
{
        _cleanup_table_ MwTable *t = read_fixture("odd-paths.mountinfo");

        assert_int_equal(mw_table_size(t), 20);
        assert_string_equal(find(t, 60)->target, "/srv/with space");
        assert_string_equal(find(t, 61)->target, "/srv/with\ttab");
        assert_string_equal(find(t, 62)->target, "/srv/with\nnewline");
        assert_string_equal(find(t, 63)->target, "/srv/back\\slash");
        /* The kernel does not escape a carriage return; it must survive. */
        assert_string_equal(find(t, 64)->target, "/srv/raw\rreturn");
        assert_string_equal(find(t, 72)->target, "/srv/gr\xc3\xbc\xc3\x9f" "e-\xf0\x9f\x98\x80");
        assert_string_equal(find(t, 73)->target, "/srv/quote'and\"double");
        assert_string_equal(find(t, 78)->target, "/srv/space at end ");

        check_mount(find(t, 65), 20, "/srv/no-source", "tmpfs", "", MW_ATTR_NOSUID);
        check_mount(find(t, 66), 20, "/srv/tagged", "tmpfs", "tmpfs",
                    MW_ATTR_NOEXEC | MW_ATTR_STRICTATIME);
        check_mount(find(t, 67), 20, "/srv/future", "tmpfs", "tmpfs", 0);
        check_mount(find(t, 68), 20, "/srv/bind", "ext4", "/dev/sda2",
                    MW_ATTR_RDONLY | MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC |
                            MW_ATTR_STRICTATIME);
        assert_string_equal(find(t, 68)->root, "/srv/exports/a");
        check_mount(find(t, 72), 20, find(t, 72)->target, "tmpfs", "tmpfs", MW_ATTR_STRICTATIME);
        check_mount(find(t, 73), 20, find(t, 73)->target, "tmpfs", "tmpfs", MW_ATTR_NODIRATIME);
        check_mount(find(t, 74), 20, "/srv/no-follow", "tmpfs", "tmpfs",
                    MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC | MW_ATTR_NOSYMFOLLOW);
        assert_string_equal(find(t, 75)->root, "/gone//deleted");
        assert_string_equal(find(t, 76)->root, "mnt:[4026532777]");
        assert_string_equal(find(t, 76)->fstype, "nsfs");
        assert_string_equal(find(t, 77)->source, "//nas/My Files");
}

static void test_stacked_target(void **state)
{
        _cleanup_table_ MwTable *t = read_fixture("odd-paths.mountinfo");
        const MwMount *top = mw_table_find_target(t, "/srv/stack");

        assert_non_null(top);
        assert_int_equal(top->id, 71);
        assert_string_equal(top->source, "third");
        assert_int_equal(top->flags, MW_ATTR_NOSUID | MW_ATTR_NOATIME);
}

static void test_containers(void **state)
{
        _cleanup_table_ MwTable *t = read_fixture("containers.mountinfo");
        const MwMount *m;

        assert_int_equal(mw_table_size(t), 16);

        /* The overlay's line is longer than 4 KiB; the lines after it are read as well. */
        m = find(t, 300);
        assert_string_equal(m->fstype, "overlay");
        assert_int_equal(strlen(m->target), strlen("/var/lib/docker/overlay2//merged") + 64);
        assert_int_equal(m->flags, 0);

        m = find(t, 308);
        assert_int_equal(m->parent_id, 300);
        assert_string_equal(m->root, "/volumes/pgdata/_data");
        assert_true(strncmp(m->target, find(t, 300)->target, strlen(find(t, 300)->target)) == 0);

        assert_string_equal(find(t, 302)->root, "net:[4026532901]");
        assert_int_equal(find(t, 301)->flags, MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC);
        assert_string_equal(find(t, 306)->fstype, "fuse.lxcfs");
        assert_int_equal(find(t, 307)->flags, MW_ATTR_NODEV);
}

static void test_malformed(void **state)
{
        unsigned skipped = 0, bad_line = 0;
        _cleanup_table_ MwTable *t = read_fixture_full("malformed.mountinfo", &skipped, &bad_line);
        static const uint64_t good[] = { 20, 21, 35, 36 };

        /* Six broken lines and one repeated id; the first broken line is line 3. */
        assert_int_equal(skipped, 7);
        assert_int_equal(bad_line, 3);

        assert_int_equal(mw_table_size(t), ELEMENTSOF(good));
        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                assert_int_equal(mw_table_get(t, i)->id, good[i]);

        assert_string_equal(find(t, 21)->target, "/proc");
        assert_null(mw_table_find_target(t, "/mnt/duplicate-of-21"));
        assert_int_equal(find(t, 35)->flags, MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC);
}

static void test_read_errors(void **state)
{
        _cleanup_table_ MwTable *t = NULL;
        char path[] = "/tmp/mw-empty-XXXXXX";
        unsigned skipped = 99;
        int fd;

        assert_int_equal(mw_table_read_file("/nonexistent/mountinfo", &t, NULL, NULL), -ENOENT);
        assert_null(t);
        assert_int_equal(mw_table_read_file(NULL, &t, NULL, NULL), -EINVAL);

        fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(mw_table_read_file(path, &t, &skipped, NULL), 0);
        unlink(path);
        assert_int_equal(mw_table_size(t), 0);
        assert_int_equal(skipped, 0);
        assert_null(mw_table_find(t, 1));
        assert_null(mw_table_find_target(t, "/"));
}

/* A FIFO would block the reader and /dev/zero would never end: only regular files are read. */
static void test_read_not_regular(void **state)
{
        char dir[] = "/tmp/mw-not-regular-XXXXXX";
        _cleanup_free_ char *fifo = NULL, *proc_pipe = NULL;
        _cleanup_close_ int pipe_in = -1, pipe_out = -1;
        MwTable *t = NULL;
        int fds[2];

        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&fifo, "%s/mountinfo", dir) > 0);
        assert_int_equal(mkfifo(fifo, 0600), 0);

        /* Paths below /proc/ take another way through the reader. */
        assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
        pipe_in = fds[0];
        pipe_out = fds[1];
        assert_true(asprintf(&proc_pipe, "/proc/self/fd/%d", pipe_in) > 0);

        alarm(20);
        assert_int_equal(mw_table_read_file(fifo, &t, NULL, NULL), -EINVAL);
        assert_int_equal(mw_table_read_file(dir, &t, NULL, NULL), -EINVAL);
        assert_int_equal(mw_table_read_file("/dev/zero", &t, NULL, NULL), -EINVAL);
        assert_int_equal(mw_table_read_file(proc_pipe, &t, NULL, NULL), -EINVAL);
        alarm(0);
        assert_null(t);

        unlink(fifo);
        rmdir(dir);
}

static MwTable *read_text(const char *text, unsigned *ret_skipped, unsigned *ret_bad_line)
{
        char path[] = "/tmp/mw-text-XXXXXX";
        MwTable *t = NULL;
        int fd;

        fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);

        assert_int_equal(mw_table_read_file(path, &t, ret_skipped, ret_bad_line), 0);
        unlink(path);
        return t;
}

/* libmount guesses the format from the first line; broken leading lines must not make it read
 * the rest as fstab. Comments and blank lines are no errors. */
static void test_broken_first_lines(void **state)
{
        unsigned skipped = 0, bad_line = 0;
        _cleanup_table_ MwTable *t = read_text("garbage at the start\n"
                                               "# a comment\n"
                                               "\n"
                                               "/dev/sda1 / ext4 rw 0 1\n"
                                               "20 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw\n"
                                               "not mountinfo either\n"
                                               "21 20 0:21 / /proc rw,nosuid - proc proc rw\n",
                                               &skipped,
                                               &bad_line);

        assert_int_equal(mw_table_size(t), 2);
        assert_int_equal(skipped, 3);
        assert_int_equal(bad_line, 1);
        assert_string_equal(find(t, 21)->target, "/proc");
}

static void test_broken_line_numbers(void **state)
{
        unsigned skipped = 0, bad_line = 0;
        _cleanup_table_ MwTable *t = read_text("\n"
                                               "bad\n"
                                               "20 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw\n",
                                               &skipped,
                                               &bad_line);
        _cleanup_table_ MwTable *u = NULL;

        assert_int_equal(mw_table_size(t), 1);
        assert_int_equal(skipped, 1);
        assert_int_equal(bad_line, 2);

        u = read_text("20 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw\n"
                      "\n"
                      "21 20 0:21 / /proc rw\n",
                      &skipped,
                      &bad_line);
        assert_int_equal(mw_table_size(u), 1);
        assert_int_equal(skipped, 1);
        assert_int_equal(bad_line, 3);
}

/* Many sparse ids: every one is found through the hash, no other is. */
static void test_many_ids(void **state)
{
        char path[] = "/tmp/mw-many-XXXXXX";
        _cleanup_table_ MwTable *t = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        int fd;

        fd = mkstemp(path);
        assert_true(fd >= 0);
        f = fdopen(fd, "w");
        assert_non_null(f);
        for (unsigned i = 0; i < 5000; i++)
                fprintf(f, "%u 1 0:%u / /m/%u rw,relatime - tmpfs tmpfs rw\n", i * 7919 + 3, i, i);
        assert_int_equal(fflush(f), 0);

        assert_int_equal(mw_table_read_file(path, &t, NULL, NULL), 0);
        unlink(path);
        assert_int_equal(mw_table_size(t), 5000);

        for (unsigned i = 0; i < 5000; i++) {
                const MwMount *m = find(t, i * 7919 + 3);

                assert_int_equal(minor(m->devno), i);
                assert_null(mw_table_find(t, i * 7919 + 4));
        }
}

static void test_to_string_tables(void **state)
{
        assert_string_equal(mw_backend_to_string(MW_BACKEND_MOUNTINFO), "mountinfo");
        assert_string_equal(mw_backend_to_string(MW_BACKEND_STATMOUNT), "statmount");
        assert_null(mw_backend_to_string(_MW_BACKEND_MAX));
        assert_null(mw_backend_to_string((MwBackend)-1));

        assert_string_equal(mw_change_to_string(MW_CHANGE_ADDED), "added");
        assert_string_equal(mw_change_to_string(MW_CHANGE_FLAGS), "flags");
        assert_string_equal(mw_change_to_string(MW_CHANGE_MOVED), "moved");
        assert_string_equal(mw_change_to_string(MW_CHANGE_REMOVED), "removed");
        assert_null(mw_change_to_string(_MW_CHANGE_MAX));
}

/* The diff's calls, recorded. */
typedef struct Change {
        MwChange change;
        const MwMount *old;
        const MwMount *new;
} Change;

typedef struct Recorder {
        Change changes[64];
        size_t n;
        int fail_at; /* return an error on this call, counting from 1; 0 never */
        MwTable *old, *new; /* owned, where the recorder read them itself */
} Recorder;

static void recorder_done(Recorder *rec)
{
        mw_table_free(rec->old);
        mw_table_free(rec->new);
        *rec = (Recorder){};
}

static int record(MwChange change, const MwMount *old, const MwMount *new, void *userdata)
{
        Recorder *rec = userdata;

        assert_true(rec->n < ELEMENTSOF(rec->changes));
        assert_true(change == MW_CHANGE_ADDED ? !old && new : true);
        assert_true(change == MW_CHANGE_REMOVED ? old && !new : true);
        assert_true(change == MW_CHANGE_FLAGS || change == MW_CHANGE_MOVED ? old && new : true);

        rec->changes[rec->n++] = (Change){ change, old, new };
        if (rec->fail_at > 0 && (int)rec->n == rec->fail_at)
                return -ECANCELED;
        return 0;
}

static uint64_t change_id(const Change *c)
{
        return c->new ? c->new->id : c->old->id;
}

static void check_change(const Recorder *rec, size_t i, MwChange change, uint64_t id)
{
        assert_true(i < rec->n);
        assert_string_equal(mw_change_to_string(rec->changes[i].change),
                            mw_change_to_string(change));
        assert_int_equal(change_id(&rec->changes[i]), id);
}

/* Diffs two fixtures; the recorder keeps both tables, which its changes point into. */
static int diff_fixtures(const char *before, const char *after, Recorder *rec)
{
        int r;

        *rec = (Recorder){
                .old = read_fixture(before),
                .new = read_fixture(after),
        };
        r = mw_table_diff(rec->old, rec->new, record, rec);
        assert_int_equal(r, (int)rec->n);
        return r;
}

static void test_diff_unchanged(void **state)
{
        _cleanup_(recorder_done) Recorder rec = {};

        assert_int_equal(diff_fixtures("diff/base.mountinfo", "diff/base.mountinfo", &rec), 0);
        recorder_done(&rec);
        assert_int_equal(diff_fixtures("desktop.mountinfo", "desktop.mountinfo", &rec), 0);
}

static void test_diff_from_nothing(void **state)
{
        _cleanup_table_ MwTable *t = read_fixture("diff/base.mountinfo");
        Recorder rec = {};

        assert_int_equal(mw_table_diff(NULL, t, record, &rec), 7);
        for (size_t i = 0; i < 7; i++)
                check_change(&rec, i, MW_CHANGE_ADDED, mw_table_get(t, i)->id);

        assert_int_equal(mw_table_diff(t, NULL, record, &rec), -EINVAL);
        assert_int_equal(mw_table_diff(t, t, NULL, &rec), -EINVAL);
}

/* One expected change: its kind, the mount id, and the target and source of the mount it names
 * (the new one, or the old one for REMOVED). */
typedef struct ExpectedChange {
        MwChange change;
        uint64_t id;
        const char *target;
        const char *source;
} ExpectedChange;

typedef struct DiffCase {
        const char *before;
        const char *after;
        ExpectedChange changes[4];
        size_t n_changes;
} DiffCase;

static const DiffCase diff_cases[] = {
        { "diff/base.mountinfo", "diff/mount.mountinfo",
          { { MW_CHANGE_ADDED, 27, "/media/alice/STICK", "/dev/sdb1" },
            { MW_CHANGE_ADDED, 28, "/run/user/4242/doc", "portal" } }, 2 },
        { "diff/base.mountinfo", "diff/umount.mountinfo",
          { { MW_CHANGE_REMOVED, 25, "/run/user/4242", "tmpfs" },
            { MW_CHANGE_REMOVED, 26, "/home", "/dev/sda3" } }, 2 },
        /* Per-mount flags count; a superblock option (ext4 rw -> ro after " - ") does not. */
        { "diff/base.mountinfo", "diff/remount.mountinfo",
          { { MW_CHANGE_FLAGS, 23, "/tmp", "tmpfs" } }, 1 },
        /* Without unique ids a new target under the same id may well be a new mount. */
        { "diff/base.mountinfo", "diff/move.mountinfo",
          { { MW_CHANGE_REMOVED, 26, "/home", "/dev/sda3" },
            { MW_CHANGE_ADDED, 26, "/srv/home", "/dev/sda3" } }, 2 },
        { "diff/base.mountinfo", "diff/reuse.mountinfo",
          { { MW_CHANGE_REMOVED, 26, "/home", "/dev/sda3" },
            { MW_CHANGE_ADDED, 26, "/home", "/dev/sda4" } }, 2 },
        { "diff/base.mountinfo", "diff/twice.mountinfo",
          { { MW_CHANGE_ADDED, 27, "/tmp", "tmpfs" } }, 1 },
        { "diff/stacked-before.mountinfo", "diff/stacked-after.mountinfo",
          { { MW_CHANGE_FLAGS, 30, "/mnt/stack", "bottom" },
            { MW_CHANGE_ADDED, 33, "/mnt/stack", "new-top" },
            { MW_CHANGE_REMOVED, 32, "/mnt/stack", "top" } }, 3 },
};

static void test_diff_cases(void **state)
{
        for (size_t i = 0; i < ELEMENTSOF(diff_cases); i++) {
                _cleanup_(recorder_done) Recorder rec = {};
                const DiffCase *dc = &diff_cases[i];

                assert_int_equal(diff_fixtures(dc->before, dc->after, &rec), dc->n_changes);
                for (size_t j = 0; j < dc->n_changes; j++) {
                        const ExpectedChange *e = &dc->changes[j];
                        const MwMount *m = rec.changes[j].new ?: rec.changes[j].old;

                        check_change(&rec, j, e->change, e->id);
                        assert_string_equal(m->target, e->target);
                        assert_string_equal(m->source, e->source);
                }
        }
}

static void test_diff_remount_flags(void **state)
{
        _cleanup_(recorder_done) Recorder rec = {};

        assert_int_equal(diff_fixtures("diff/base.mountinfo", "diff/remount.mountinfo", &rec), 1);
        assert_int_equal(rec.changes[0].old->flags,
                         MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_STRICTATIME);
        assert_int_equal(rec.changes[0].new->flags,
                         MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC | MW_ATTR_STRICTATIME);
}

static void check_top(const char *fixture, const char *target, uint64_t id)
{
        _cleanup_table_ MwTable *t = read_fixture(fixture);
        const MwMount *top = mw_table_find_target(t, target);

        assert_non_null(top);
        assert_int_equal(top->id, id);
}

static void test_find_target_after_diffs(void **state)
{
        check_top("diff/base.mountinfo", "/tmp", 23);
        check_top("diff/twice.mountinfo", "/tmp", 27);
        check_top("diff/stacked-before.mountinfo", "/mnt/stack", 32);
        check_top("diff/stacked-after.mountinfo", "/mnt/stack", 33);
}

static void test_diff_callback_error_stops(void **state)
{
        _cleanup_table_ MwTable *old = read_fixture("diff/base.mountinfo");
        _cleanup_table_ MwTable *new = read_fixture("diff/umount.mountinfo");
        Recorder rec = { .fail_at = 1 };

        assert_int_equal(mw_table_diff(old, new, record, &rec), -ECANCELED);
        assert_int_equal(rec.n, 1);
}

/* One record of util-linux's "tabfiles --parse" output. */
typedef struct Expected {
        char *source, *target, *fstype, *vfs, *root;
        long id, parent;
        unsigned major, minor;
} Expected;

static void expected_set(Expected *e, const char *key, const char *value)
{
        char **field = streq(key, "source")       ? &e->source
                       : streq(key, "target")     ? &e->target
                       : streq(key, "fstype")     ? &e->fstype
                       : streq(key, "VFS-optstr") ? &e->vfs
                       : streq(key, "root")       ? &e->root
                                                  : NULL;

        if (field) {
                free(*field);
                *field = strdup(value);
        } else if (streq(key, "id"))
                e->id = strtol(value, NULL, 10);
        else if (streq(key, "parent"))
                e->parent = strtol(value, NULL, 10);
        else if (streq(key, "devno"))
                assert_int_equal(sscanf(value, "%u:%u", &e->major, &e->minor), 2);
}

static size_t read_expected(const char *path, Expected *records, size_t max)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        _cleanup_free_ char *line = NULL;
        size_t size = 0, n = 0;
        ssize_t len;

        assert_non_null(f);
        while ((len = getline(&line, &size, f)) > 0) {
                char *colon;

                if (line[len - 1] == '\n')
                        line[len - 1] = '\0';
                if (streq(line, "------ fs:")) {
                        assert_true(n < max);
                        records[n++] = (Expected){};
                        continue;
                }

                colon = strchr(line, ':');
                if (n == 0 || !colon)
                        continue;
                *colon = '\0';
                expected_set(&records[n - 1], line, colon + 1 + strspn(colon + 1, " "));
        }

        return n;
}

static void expected_free(Expected *records, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                free(records[i].source);
                free(records[i].target);
                free(records[i].fstype);
                free(records[i].vfs);
                free(records[i].root);
        }
}

static void check_against_util_linux(const char *mountinfo, const char *expected)
{
        _cleanup_free_ char *in = NULL, *out = NULL;
        _cleanup_table_ MwTable *t = NULL;
        Expected records[64];
        size_t n;

        assert_true(asprintf(&in, "%s/ts/libmount/files/%s", UTIL_LINUX_DATA, mountinfo) > 0);
        assert_true(asprintf(&out, "%s/expected/libmount/%s", UTIL_LINUX_DATA, expected) > 0);

        n = read_expected(out, records, ELEMENTSOF(records));
        assert_int_equal(mw_table_read_file(in, &t, NULL, NULL), 0);
        assert_int_equal(mw_table_size(t), n);

        for (size_t i = 0; i < n; i++) {
                const MwMount *m = mw_table_get(t, i);
                unsigned flags;

                assert_int_equal(mw_flags_parse_vfs(records[i].vfs, &flags), 0);
                assert_string_equal(m->source, records[i].source);
                assert_string_equal(m->target, records[i].target);
                assert_string_equal(m->fstype, records[i].fstype);
                assert_string_equal(m->root, records[i].root);
                assert_int_equal(m->id, records[i].id);
                assert_int_equal(m->parent_id, records[i].parent);
                assert_int_equal(m->devno, makedev(records[i].major, records[i].minor));
                assert_int_equal(m->flags, flags);
        }

        expected_free(records, n);
}

static void test_util_linux_parse(void **state)
{
        if (access(UTIL_LINUX_DATA, R_OK) < 0)
                skip();

        check_against_util_linux("mountinfo", "tabfiles-parse-mountinfo");
        check_against_util_linux("mountinfo_nosrc", "tabfiles-parse-mountinfo-nosrc");
}

static const Change *find_change(const Recorder *rec, MwChange change, const char *target)
{
        for (size_t i = 0; i < rec->n; i++) {
                const Change *c = &rec->changes[i];
                const MwMount *m = c->new ?: c->old;

                if (c->change == change && streq(m->target, target))
                        return c;
        }

        return NULL;
}

static const Change *find_change_id(const Recorder *rec, MwChange change, uint64_t id)
{
        for (size_t i = 0; i < rec->n; i++)
                if (rec->changes[i].change == change && change_id(&rec->changes[i]) == id)
                        return &rec->changes[i];

        return NULL;
}

/* Checks one "SOURCE on TARGET: ACTION" line of util-linux's tabdiff output against our diff;
 * returns how many of our changes it stands for. */
static int check_tabdiff_line(const Recorder *rec, char *line)
{
        char *on = strstr(line, " on "), *action = strstr(line, ": ");
        const Change *c;

        assert_non_null(on);
        assert_non_null(action);
        *on = '\0';
        *action = '\0';
        on += 4;
        action += 2;

        if (streq(action, "MOUNTED")) {
                c = find_change(rec, MW_CHANGE_ADDED, on);
                assert_non_null(c);
                assert_string_equal(c->new->source, line);
                return 1;
        }
        if (streq(action, "UMOUNTED")) {
                assert_non_null(find_change(rec, MW_CHANGE_REMOVED, on));
                return 1;
        }
        if (strncmp(action, "MOVED to ", 9) == 0) {
                /* libmount trusts the reusable id; we see a removal and a new mount. */
                c = find_change(rec, MW_CHANGE_ADDED, action + 9);
                assert_non_null(c);
                assert_string_equal(c->new->source, line);
                c = find_change_id(rec, MW_CHANGE_REMOVED, c->new->id);
                assert_non_null(c);
                assert_string_not_equal(c->old->target, action + 9);
                return 2;
        }
        assert_true(strncmp(action, "REMOUNTED", 9) == 0);
        /* The cifs entry changed only its superblock options: no per-mount flag changed. */
        if (streq(on, "/mnt/sounds")) {
                assert_null(find_change(rec, MW_CHANGE_FLAGS, on));
                return 0;
        }
        assert_non_null(find_change(rec, MW_CHANGE_FLAGS, on));
        return 1;
}

static void check_tabdiff(const char *before, const char *after, const char *expected)
{
        _cleanup_free_ char *old_path = NULL, *new_path = NULL, *out = NULL, *line = NULL;
        _cleanup_table_ MwTable *old = NULL, *new = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        Recorder rec = {};
        size_t size = 0;
        ssize_t len;
        int n = 0;

        assert_true(asprintf(&old_path, "%s/ts/libmount/files/%s", UTIL_LINUX_DATA, before) > 0);
        assert_true(asprintf(&new_path, "%s/ts/libmount/files/%s", UTIL_LINUX_DATA, after) > 0);
        assert_true(asprintf(&out, "%s/expected/libmount/%s", UTIL_LINUX_DATA, expected) > 0);
        assert_int_equal(mw_table_read_file(old_path, &old, NULL, NULL), 0);
        assert_int_equal(mw_table_read_file(new_path, &new, NULL, NULL), 0);

        assert_true(mw_table_diff(old, new, record, &rec) >= 0);

        f = fopen(out, "re");
        assert_non_null(f);
        while ((len = getline(&line, &size, f)) > 0) {
                if (line[len - 1] == '\n')
                        line[len - 1] = '\0';
                n += check_tabdiff_line(&rec, line);
        }

        assert_int_equal(rec.n, n);
}

static void test_util_linux_tabdiff(void **state)
{
        if (access(UTIL_LINUX_DATA, R_OK) < 0)
                skip();

        check_tabdiff("mountinfo_u", "mountinfo", "tabdiff-mount");
        check_tabdiff("mountinfo", "mountinfo_u", "tabdiff-umount");
        check_tabdiff("mountinfo", "mountinfo_re", "tabdiff-remount");
        check_tabdiff("mountinfo", "mountinfo_mv", "tabdiff-move");
}

static const MwMount *find_by_mnt_id(const MwTable *t, uint64_t mnt_id)
{
        for (size_t i = 0; i < mw_table_size(t); i++)
                if (mw_table_get(t, i)->mnt_id == mnt_id)
                        return mw_table_get(t, i);

        return NULL;
}

/* Whether the two backends saw the same mounts, compared by their mountinfo ids. */
static bool backends_agree(const MwTable *info, const MwTable *stat)
{
        if (mw_table_size(info) != mw_table_size(stat))
                return false;

        for (size_t i = 0; i < mw_table_size(info); i++) {
                const MwMount *a = mw_table_get(info, i), *b = find_by_mnt_id(stat, a->id);
                const MwMount *parent;

                if (!b || !b->id_unique || !streq(a->target, b->target) ||
                    !streq(a->root, b->root) || !streq(a->fstype, b->fstype) ||
                    a->devno != b->devno || a->flags != b->flags)
                        return false;

                parent = mw_table_find(stat, b->parent_id);
                if (parent && parent->mnt_id != a->parent_id)
                        return false;
        }

        return true;
}

static void check_live_backends_agree(void)
{
        /* Something may mount or unmount between the two reads: try a few times. */
        for (int attempt = 0; attempt < 5; attempt++) {
                _cleanup_table_ MwTable *info = NULL, *stat = NULL;

                assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &info, NULL), 0);
                assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat, NULL), 0);
                assert_true(mw_table_size(info) > 0);

                if (backends_agree(info, stat))
                        return;
        }

        fail_msg("mountinfo and statmount disagree on this process's mounts");
}

static void test_live_mountinfo(void **state)
{
        _cleanup_table_ MwTable *info = NULL;
        unsigned skipped = 99;

        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &info, &skipped), 0);
        assert_int_equal(skipped, 0);
        assert_non_null(mw_table_find_target(info, "/"));
        assert_int_equal(mw_table_read_live(_MW_BACKEND_MAX, &info, NULL), -EINVAL);
}

static void test_live_backends(void **state)
{
        MwTable *stat = NULL;

        if (!mw_statmount_supported()) {
                assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat, NULL),
                                 -EOPNOTSUPP);
                assert_null(stat);
                skip();
        }

        check_live_backends_agree();
}

static void test_diff_backend_mismatch(void **state)
{
        _cleanup_table_ MwTable *info = NULL, *stat = NULL;
        Recorder rec = {};

        if (!mw_statmount_supported())
                skip();

        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &info, NULL), 0);
        assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat, NULL), 0);
        assert_int_equal(mw_table_diff(info, stat, record, &rec), -EINVAL);
        assert_int_equal(mw_table_diff(NULL, stat, record, &rec), (int)mw_table_size(stat));
}

/* The namespace test's scratch tree: a private tmpfs with a, b, b2 and c inside. */
#define SCRATCH_PATH_MAX 48

typedef struct Scratch {
        char base[32];
        char a[SCRATCH_PATH_MAX], b[SCRATCH_PATH_MAX], b2[SCRATCH_PATH_MAX], c[SCRATCH_PATH_MAX];
} Scratch;

static Scratch scratch = { .base = "/tmp/mw-mounttable-XXXXXX" };

/* Makes the directory @name in the scratch tmpfs; its path goes to @path. */
static int scratch_dir(char path[static SCRATCH_PATH_MAX], const char *name)
{
        int n = snprintf(path, SCRATCH_PATH_MAX, "%s/%s", scratch.base, name);

        if (n < 0 || n >= SCRATCH_PATH_MAX)
                return -ENAMETOOLONG;
        return mkdir(path, 0700);
}

/* Moves this process into a private mount namespace with a scratch tmpfs, where it can. */
static int namespace_setup(void **state)
{
        Scratch *s = &scratch;

        if (geteuid() != 0 || !mw_statmount_supported() || mw_test_private_namespace() < 0)
                return 0;
        if (mw_test_scratch(s->base) < 0)
                return -1;

        if (scratch_dir(s->a, "a") < 0 || scratch_dir(s->b, "b") < 0 ||
            scratch_dir(s->b2, "b2") < 0 || scratch_dir(s->c, "c") < 0)
                return -1;

        *state = s;
        return 0;
}

static int namespace_teardown(void **state)
{
        if (!*state)
                return 0;

        mw_test_scratch_done(scratch.base);
        return 0;
}

static void scratch_mount_three(const Scratch *s)
{
        assert_int_equal(mount("mw-a", s->a, "tmpfs", MS_NOSUID | MS_STRICTATIME, NULL), 0);
        assert_int_equal(mount("mw-b", s->b, "tmpfs", MS_NODEV, NULL), 0);
        assert_int_equal(mount("mw-c", s->c, "tmpfs", MS_NOATIME, NULL), 0);
}

/* Adds noexec to a, moves b to b2, unmounts c. */
static void scratch_change(const Scratch *s)
{
        unsigned long a_flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC | MS_STRICTATIME;

        assert_int_equal(mount(NULL, s->a, NULL, a_flags, NULL), 0);
        assert_int_equal(mount(s->b, s->b2, NULL, MS_MOVE, NULL), 0);
        assert_int_equal(umount2(s->c, 0), 0);
}

static void check_statmount_changes(const Scratch *s, const MwTable *old, const MwTable *new)
{
        Recorder rec = {};
        const Change *c;

        assert_int_equal(mw_table_diff(old, new, record, &rec), 3);

        c = find_change(&rec, MW_CHANGE_FLAGS, s->a);
        assert_non_null(c);
        assert_int_equal(c->old->flags, MW_ATTR_NOSUID | MW_ATTR_STRICTATIME);
        assert_int_equal(c->new->flags, MW_ATTR_NOSUID | MW_ATTR_NOEXEC | MW_ATTR_STRICTATIME);

        c = find_change(&rec, MW_CHANGE_MOVED, s->b2);
        assert_non_null(c);
        assert_string_equal(c->old->target, s->b);
        assert_int_equal(c->old->id, c->new->id);

        c = find_change(&rec, MW_CHANGE_REMOVED, s->c);
        assert_non_null(c);
        assert_int_equal(c->old->flags, MW_ATTR_NOATIME);
}

static void check_mountinfo_changes(const Scratch *s, const MwTable *old, const MwTable *new)
{
        Recorder rec = {};

        assert_int_equal(mw_table_diff(old, new, record, &rec), 4);
        assert_non_null(find_change(&rec, MW_CHANGE_FLAGS, s->a));
        assert_non_null(find_change(&rec, MW_CHANGE_REMOVED, s->b));
        assert_non_null(find_change(&rec, MW_CHANGE_ADDED, s->b2));
        assert_non_null(find_change(&rec, MW_CHANGE_REMOVED, s->c));
}

/* Real mounts in a private namespace of this process: both backends see them, agree on their
 * flags (strictatime included), and the diff tells flags, moves and removals apart. */
static void test_live_private_namespace(void **state)
{
        _cleanup_table_ MwTable *stat0 = NULL, *stat1 = NULL, *stat2 = NULL;
        _cleanup_table_ MwTable *info1 = NULL, *info2 = NULL;
        const Scratch s = scratch;
        Recorder rec = {};

        if (!*state)
                skip();

        assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat0, NULL), 0);

        scratch_mount_three(&s);
        assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat1, NULL), 0);
        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &info1, NULL), 0);
        assert_int_equal(mw_table_diff(stat0, stat1, record, &rec), 3);
        assert_non_null(find_change(&rec, MW_CHANGE_ADDED, s.a));
        assert_string_equal(mw_table_find_target(stat1, s.a)->source, "mw-a");
        check_live_backends_agree();

        scratch_change(&s);
        assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &stat2, NULL), 0);
        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &info2, NULL), 0);
        check_statmount_changes(&s, stat1, stat2);
        check_mountinfo_changes(&s, info1, info2);
        check_live_backends_agree();
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_desktop),
                cmocka_unit_test(test_odd_paths),
                cmocka_unit_test(test_stacked_target),
                cmocka_unit_test(test_containers),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_read_errors),
                cmocka_unit_test(test_read_not_regular),
                cmocka_unit_test(test_broken_first_lines),
                cmocka_unit_test(test_broken_line_numbers),
                cmocka_unit_test(test_many_ids),
                cmocka_unit_test(test_to_string_tables),
                cmocka_unit_test(test_diff_unchanged),
                cmocka_unit_test(test_diff_from_nothing),
                cmocka_unit_test(test_diff_cases),
                cmocka_unit_test(test_diff_remount_flags),
                cmocka_unit_test(test_find_target_after_diffs),
                cmocka_unit_test(test_diff_callback_error_stops),
                cmocka_unit_test(test_util_linux_parse),
                cmocka_unit_test(test_util_linux_tabdiff),
                cmocka_unit_test(test_live_mountinfo),
                cmocka_unit_test(test_live_backends),
                cmocka_unit_test(test_diff_backend_mismatch),
        };
        /* Last: the process stays in the private namespace this group makes. */
        const struct CMUnitTest namespace_tests[] = {
                cmocka_unit_test(test_live_private_namespace),
        };
        int failed;

        failed = cmocka_run_group_tests_name("mounttable", tests, NULL, NULL);
        failed += cmocka_run_group_tests_name("mounttable-namespace",
                                              namespace_tests,
                                              namespace_setup,
                                              namespace_teardown);
        return failed;
}
