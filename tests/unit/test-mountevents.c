/* Unit tests for lib/mountevents.c and mw_mount_stat(): the record walk over hand-made buffers
 * fed through a pipe (any user), then real fanotify mount events in a private mount namespace of
 * this process (root, Linux 6.15). */
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
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "flags.h"
#include "macro.h"
#include "mountevents.h"
#include "mounttable.h"
#include "scratch.h"

/* The kernel's values, written down here on their own so that a wrong one in lib/ shows. */
#define TEST_FAN_MNT_ATTACH 0x01000000ULL
#define TEST_FAN_MNT_DETACH 0x02000000ULL
#define TEST_INFO_TYPE_MNT 7
#define TEST_INFO_TYPE_PIDFD 4

#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

#define RECORD_MAX 128

typedef struct Recorder {
        size_t n;
        MwMountEvent ev[RECORD_MAX];
        uint64_t id[RECORD_MAX];
        unsigned count[_MW_MOUNT_EVENT_MAX];
        size_t fail_at; /* the call (1-based) that returns -ECANCELED; 0 for none */
} Recorder;

static int record(MwMountEvent ev, uint64_t id, void *userdata)
{
        Recorder *rec = userdata;

        assert_true((unsigned)ev < _MW_MOUNT_EVENT_MAX);
        if (rec->fail_at != 0 && rec->n + 1 == rec->fail_at)
                return -ECANCELED;

        if (rec->n < RECORD_MAX) {
                rec->ev[rec->n] = ev;
                rec->id[rec->n] = id;
        }
        rec->n++;
        rec->count[ev]++;
        return 0;
}

static void check_event(const Recorder *rec, size_t i, MwMountEvent ev, uint64_t id)
{
        assert_true(i < rec->n && i < RECORD_MAX);
        assert_string_equal(mw_mount_event_to_string(rec->ev[i]), mw_mount_event_to_string(ev));
        assert_int_equal(rec->id[i], id);
}

/* Hand-made read buffers: what the kernel would return, or something broken. */
typedef struct Bytes {
        uint8_t data[1024];
        size_t len;
} Bytes;

static void put(Bytes *b, const void *p, size_t n)
{
        assert_true(b->len + n <= sizeof(b->data));
        memcpy(b->data + b->len, p, n);
        b->len += n;
}

static void put_zeros(Bytes *b, size_t n)
{
        assert_true(b->len + n <= sizeof(b->data));
        memset(b->data + b->len, 0, n);
        b->len += n;
}

static void put_meta_full(Bytes *b,
                          uint32_t event_len,
                          uint16_t metadata_len,
                          uint64_t mask,
                          uint8_t vers)
{
        struct fanotify_event_metadata m = {
                .event_len = event_len,
                .vers = vers,
                .metadata_len = metadata_len,
                .mask = mask,
                .fd = FAN_NOFD,
                .pid = 1,
        };

        put(b, &m, sizeof(m));
}

static void put_meta(Bytes *b, uint32_t event_len, uint64_t mask)
{
        put_meta_full(b, event_len, sizeof(struct fanotify_event_metadata), mask,
                      FANOTIFY_METADATA_VERSION);
}

/* An info record of @len bytes; from 16 bytes on, the id sits at offset 8 as in the kernel's. */
static void put_info(Bytes *b, uint8_t type, uint16_t len, uint64_t id)
{
        struct fanotify_event_info_header hdr = { .info_type = type, .len = len };

        put(b, &hdr, sizeof(hdr));
        if (len < 16) {
                put_zeros(b, len > sizeof(hdr) ? len - sizeof(hdr) : 0);
                return;
        }

        put_zeros(b, 4);
        put(b, &id, sizeof(id));
        put_zeros(b, len - 16);
}

static void put_mount_event(Bytes *b, uint64_t mask, uint64_t id)
{
        put_meta(b, 24 + 16, mask);
        put_info(b, TEST_INFO_TYPE_MNT, 16, id);
}

/* Feeds @b through a non-blocking pipe, so that the reader ends on EAGAIN as with fanotify. */
static int read_bytes(const Bytes *b, Recorder *rec)
{
        _cleanup_close_ int rfd = -EBADF, wfd = -EBADF;
        int fds[2];

        assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
        rfd = fds[0];
        wfd = fds[1];
        assert_int_equal(write(wfd, b->data, b->len), (ssize_t)b->len);

        return mw_mount_events_read(rfd, record, rec);
}

static void test_to_string(void **state)
{
        assert_string_equal(mw_mount_event_to_string(MW_MOUNT_EVENT_ATTACH), "attach");
        assert_string_equal(mw_mount_event_to_string(MW_MOUNT_EVENT_DETACH), "detach");
        assert_string_equal(mw_mount_event_to_string(MW_MOUNT_EVENT_OVERFLOW), "overflow");
        assert_null(mw_mount_event_to_string(_MW_MOUNT_EVENT_MAX));
        assert_null(mw_mount_event_to_string((MwMountEvent)-1));
}

/* Attach, detach, a move (both bits in one event) and an overflow, in one read. */
static void test_parse_kinds(void **state)
{
        Recorder rec = {};
        Bytes b = {};

        put_mount_event(&b, TEST_FAN_MNT_ATTACH, 0x80000001);
        put_mount_event(&b, TEST_FAN_MNT_DETACH, 0x80000002);
        put_mount_event(&b, TEST_FAN_MNT_ATTACH | TEST_FAN_MNT_DETACH, 0x80000003);
        put_meta(&b, 24, FAN_Q_OVERFLOW);

        assert_int_equal(read_bytes(&b, &rec), 5);
        check_event(&rec, 0, MW_MOUNT_EVENT_ATTACH, 0x80000001);
        check_event(&rec, 1, MW_MOUNT_EVENT_DETACH, 0x80000002);
        check_event(&rec, 2, MW_MOUNT_EVENT_DETACH, 0x80000003);
        check_event(&rec, 3, MW_MOUNT_EVENT_ATTACH, 0x80000003);
        check_event(&rec, 4, MW_MOUNT_EVENT_OVERFLOW, 0);
}

/* Records of other kinds are stepped over, a longer metadata is honoured, other events are
 * skipped, and an empty read is no error. */
static void test_parse_tolerated(void **state)
{
        Recorder rec = {};
        Bytes b = {};

        put_meta(&b, 24 + 8 + 24, TEST_FAN_MNT_ATTACH);
        put_info(&b, TEST_INFO_TYPE_PIDFD, 8, 0);
        put_info(&b, TEST_INFO_TYPE_MNT, 24, 0x80000010);
        put_meta_full(&b, 32 + 16, 32, TEST_FAN_MNT_DETACH, FANOTIFY_METADATA_VERSION);
        put_zeros(&b, 8);
        put_info(&b, TEST_INFO_TYPE_MNT, 16, 0x80000011);
        put_meta(&b, 24, FAN_OPEN);

        assert_int_equal(read_bytes(&b, &rec), 2);
        check_event(&rec, 0, MW_MOUNT_EVENT_ATTACH, 0x80000010);
        check_event(&rec, 1, MW_MOUNT_EVENT_DETACH, 0x80000011);

        b = (Bytes){};
        rec = (Recorder){};
        assert_int_equal(read_bytes(&b, &rec), 0);
        assert_int_equal(rec.n, 0);
}

typedef enum Broken {
        BROKEN_SHORT_TAIL,
        BROKEN_EVENT_LEN_SMALL,
        BROKEN_EVENT_LEN_PAST_END,
        BROKEN_METADATA_LEN_SMALL,
        BROKEN_METADATA_LEN_PAST_EVENT,
        BROKEN_INFO_LEN_ZERO,
        BROKEN_INFO_LEN_PAST_EVENT,
        BROKEN_MNT_RECORD_SHORT,
        BROKEN_NO_MNT_RECORD,
        BROKEN_ID_ZERO,
        BROKEN_VERSION,
        _BROKEN_MAX,
} Broken;

static int build_broken(Broken kind, Bytes *b)
{
        switch (kind) {
        case BROKEN_SHORT_TAIL:
                put_zeros(b, 10);
                return -EBADMSG;
        case BROKEN_EVENT_LEN_SMALL:
                put_meta(b, 16, TEST_FAN_MNT_ATTACH);
                put_info(b, TEST_INFO_TYPE_MNT, 16, 0x80000020);
                return -EBADMSG;
        case BROKEN_EVENT_LEN_PAST_END:
                put_meta(b, 24 + 16 + 8, TEST_FAN_MNT_ATTACH);
                put_info(b, TEST_INFO_TYPE_MNT, 16, 0x80000020);
                return -EBADMSG;
        case BROKEN_METADATA_LEN_SMALL:
                put_meta_full(b, 40, 8, TEST_FAN_MNT_ATTACH, FANOTIFY_METADATA_VERSION);
                put_info(b, TEST_INFO_TYPE_MNT, 16, 0x80000020);
                return -EBADMSG;
        case BROKEN_METADATA_LEN_PAST_EVENT:
                put_meta_full(b, 40, 48, TEST_FAN_MNT_ATTACH, FANOTIFY_METADATA_VERSION);
                put_info(b, TEST_INFO_TYPE_MNT, 16, 0x80000020);
                return -EBADMSG;
        case BROKEN_INFO_LEN_ZERO:
                /* Trusted, a zero length would walk the same record for ever. */
                put_meta(b, 24 + 16, TEST_FAN_MNT_ATTACH);
                put_info(b, TEST_INFO_TYPE_PIDFD, 0, 0);
                put_zeros(b, 12);
                return -EBADMSG;
        case BROKEN_INFO_LEN_PAST_EVENT:
                put_meta(b, 24 + 16, TEST_FAN_MNT_ATTACH);
                put_info(b, TEST_INFO_TYPE_MNT, 24, 0x80000020);
                return -EBADMSG;
        case BROKEN_MNT_RECORD_SHORT:
                put_meta(b, 24 + 12, TEST_FAN_MNT_ATTACH);
                put_info(b, TEST_INFO_TYPE_MNT, 12, 0);
                return -EBADMSG;
        case BROKEN_NO_MNT_RECORD:
                put_meta(b, 24 + 8, TEST_FAN_MNT_DETACH);
                put_info(b, TEST_INFO_TYPE_PIDFD, 8, 0);
                return -EBADMSG;
        case BROKEN_ID_ZERO:
                put_mount_event(b, TEST_FAN_MNT_ATTACH, 0);
                return -EBADMSG;
        case BROKEN_VERSION:
                put_meta_full(b, 40, 24, TEST_FAN_MNT_ATTACH, FANOTIFY_METADATA_VERSION - 1);
                put_info(b, TEST_INFO_TYPE_MNT, 16, 0x80000020);
                return -EPROTO;
        case _BROKEN_MAX:
                break;
        }

        fail();
        return 0;
}

/* Each broken buffer follows one good event, which is still reported before the error. */
static void test_parse_broken(void **state)
{
        for (Broken kind = 0; kind < _BROKEN_MAX; kind++) {
                Recorder rec = {};
                Bytes b = {};
                int expected;

                put_mount_event(&b, TEST_FAN_MNT_ATTACH, 0x80000001);
                expected = build_broken(kind, &b);

                print_message("broken case %d\n", kind);
                assert_int_equal(read_bytes(&b, &rec), expected);
                assert_int_equal(rec.n, 1);
                check_event(&rec, 0, MW_MOUNT_EVENT_ATTACH, 0x80000001);
        }
}

static void test_callback_error_stops(void **state)
{
        Recorder rec = { .fail_at = 3 };
        Bytes b = {};

        put_mount_event(&b, TEST_FAN_MNT_ATTACH, 0x80000001);
        put_mount_event(&b, TEST_FAN_MNT_ATTACH | TEST_FAN_MNT_DETACH, 0x80000002);
        put_mount_event(&b, TEST_FAN_MNT_DETACH, 0x80000003);

        /* The third call is the ATTACH half of the move. */
        assert_int_equal(read_bytes(&b, &rec), -ECANCELED);
        assert_int_equal(rec.n, 2);
        check_event(&rec, 1, MW_MOUNT_EVENT_DETACH, 0x80000002);
}

static void test_read_arguments(void **state)
{
        Recorder rec = {};
        int fd;

        assert_int_equal(mw_mount_events_read(-1, record, &rec), -EINVAL);
        assert_int_equal(mw_mount_events_read(0, NULL, &rec), -EINVAL);
        assert_int_equal(mw_mount_events_open(NULL), -EINVAL);

        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(mw_mount_events_read(fd, record, &rec), -EBADF);
        close(fd);
}

/* The live tests' scratch tmpfs, mounted in this process's private mount namespace. */
static char scratch_base[] = "/tmp/mw-mountevents-XXXXXX";

/* Makes the directory @name in the scratch tmpfs and returns its path. */
static char *scratch_dir(const char *name)
{
        char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", scratch_base, name) > 0);
        assert_int_equal(mkdir(path, 0700), 0);
        return path;
}

static uint64_t statx_mount_id(const char *path, unsigned mask)
{
        struct statx stx = {};

        assert_int_equal(statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, mask, &stx), 0);
        assert_true(stx.stx_mask & mask);
        return stx.stx_mnt_id;
}

static uint64_t unique_id_of(const char *path)
{
        return statx_mount_id(path, STATX_MNT_ID_UNIQUE);
}

static int open_events(void)
{
        int fd = -EBADF;

        assert_int_equal(mw_mount_events_open(&fd), 0);
        assert_true(fd >= 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
        return fd;
}

static void read_events(int fd, Recorder *rec)
{
        int n;

        *rec = (Recorder){};
        n = mw_mount_events_read(fd, record, rec);
        assert_int_equal(n, (int)rec->n);
}

static void check_nothing(int fd)
{
        Recorder rec;

        read_events(fd, &rec);
        assert_int_equal(rec.n, 0);
}

static void check_one(int fd, MwMountEvent ev, uint64_t id)
{
        Recorder rec;

        read_events(fd, &rec);
        assert_int_equal(rec.n, 1);
        check_event(&rec, 0, ev, id);
}

static void check_same_as_table(const MwMount *m)
{
        _cleanup_table_ MwTable *t = NULL;
        const MwMount *e;

        assert_int_equal(mw_table_read_live(MW_BACKEND_STATMOUNT, &t, NULL), 0);
        e = mw_table_find(t, m->id);
        assert_non_null(e);
        assert_int_equal(e->parent_id, m->parent_id);
        assert_int_equal(e->mnt_id, m->mnt_id);
        assert_true(e->id_unique && m->id_unique);
        assert_string_equal(e->target, m->target);
        assert_string_equal(e->root, m->root);
        assert_string_equal(e->source, m->source);
        assert_string_equal(e->fstype, m->fstype);
        assert_int_equal(e->devno, m->devno);
        assert_int_equal(e->flags, m->flags);
}

/* One mount: one ATTACH naming it, mw_mount_stat() describes it, one DETACH, then it is gone. */
static void test_attach_stat_detach(void **state)
{
        _cleanup_free_ char *dir = scratch_dir("attach");
        _cleanup_close_ int fd = open_events();
        _cleanup_(mw_mount_done) MwMount m = {};
        uint64_t id;

        assert_int_equal(mount("mw-ev", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700"), 0);
        id = unique_id_of(dir);
        check_one(fd, MW_MOUNT_EVENT_ATTACH, id);

        assert_int_equal(mw_mount_stat(id, &m), 0);
        assert_int_equal(m.id, id);
        assert_true(m.id_unique);
        assert_int_equal(m.parent_id, unique_id_of(scratch_base));
        assert_int_equal(m.mnt_id, statx_mount_id(dir, STATX_MNT_ID));
        assert_string_equal(m.target, dir);
        assert_string_equal(m.root, "/");
        assert_string_equal(m.source, "mw-ev");
        assert_string_equal(m.fstype, "tmpfs");
        assert_int_equal(m.flags, MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_RELATIME);
        check_same_as_table(&m);

        assert_int_equal(umount2(dir, 0), 0);
        check_one(fd, MW_MOUNT_EVENT_DETACH, id);
        assert_int_equal(mw_mount_stat(id, &m), -ENOENT);
        /* Untouched on failure: still the mount as it was. */
        assert_string_equal(m.target, dir);
}

static void test_mount_stat_arguments(void **state)
{
        MwMount m = {};

        assert_int_equal(mw_mount_stat(unique_id_of("/"), NULL), -EINVAL);
        /* A small number is a reusable mountinfo id, never a unique one. */
        assert_int_equal(mw_mount_stat(1, &m), -EINVAL);
        mw_mount_done(NULL);
        mw_mount_done(&m);
}

/* No kind of remount is an event: per-mount flags, superblock options, propagation. */
static void test_remount_gives_no_event(void **state)
{
        _cleanup_free_ char *dir = scratch_dir("remount");
        _cleanup_close_ int fd = open_events();
        _cleanup_(mw_mount_done) MwMount m = {};
        unsigned long bind_flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC;
        uint64_t id;

        assert_int_equal(mount("mw-re", dir, "tmpfs", MS_NOSUID, NULL), 0);
        id = unique_id_of(dir);
        check_one(fd, MW_MOUNT_EVENT_ATTACH, id);

        assert_int_equal(mount(NULL, dir, NULL, bind_flags, NULL), 0);
        assert_int_equal(mw_mount_stat(id, &m), 0);
        assert_int_equal(m.flags, MW_ATTR_NOSUID | MW_ATTR_NOEXEC);
        check_nothing(fd);

        /* A plain remount sets the per-mount flags too: nodev appears. */
        assert_int_equal(mount(NULL, dir, NULL, MS_REMOUNT | MS_NODEV, "size=1m"), 0);
        mw_mount_done(&m);
        assert_int_equal(mw_mount_stat(id, &m), 0);
        assert_int_equal(m.flags, MW_ATTR_NODEV);
        check_nothing(fd);

        assert_int_equal(mount(NULL, dir, NULL, MS_SHARED, NULL), 0);
        assert_int_equal(mount(NULL, dir, NULL, MS_PRIVATE, NULL), 0);
        check_nothing(fd);

        assert_int_equal(umount2(dir, 0), 0);
        check_one(fd, MW_MOUNT_EVENT_DETACH, id);
}

/* A move is one kernel event with both bits, handed on as DETACH then ATTACH of the same id. */
static void test_move(void **state)
{
        _cleanup_free_ char *from = scratch_dir("move-from"), *to = scratch_dir("move-to");
        _cleanup_close_ int fd = open_events();
        _cleanup_(mw_mount_done) MwMount m = {};
        Recorder rec;
        uint64_t id;

        assert_int_equal(mount("mw-mv", from, "tmpfs", 0, NULL), 0);
        id = unique_id_of(from);
        check_one(fd, MW_MOUNT_EVENT_ATTACH, id);

        assert_int_equal(mount(from, to, NULL, MS_MOVE, NULL), 0);
        read_events(fd, &rec);
        assert_int_equal(rec.n, 2);
        check_event(&rec, 0, MW_MOUNT_EVENT_DETACH, id);
        check_event(&rec, 1, MW_MOUNT_EVENT_ATTACH, id);

        assert_int_equal(unique_id_of(to), id);
        assert_int_equal(mw_mount_stat(id, &m), 0);
        assert_string_equal(m.target, to);

        assert_int_equal(umount2(to, 0), 0);
        check_one(fd, MW_MOUNT_EVENT_DETACH, id);
}

/* A bind mount is a new mount; a lazy unmount of a tree detaches each of its mounts. */
static void test_bind_and_tree(void **state)
{
        _cleanup_free_ char *top = scratch_dir("tree"), *bind = scratch_dir("tree-bind");
        _cleanup_free_ char *child = NULL;
        _cleanup_close_ int fd = open_events();
        uint64_t top_id, child_id, bind_id;
        Recorder rec;

        assert_int_equal(mount("mw-top", top, "tmpfs", 0, NULL), 0);
        top_id = unique_id_of(top);
        assert_true(asprintf(&child, "%s/child", top) > 0);
        assert_int_equal(mkdir(child, 0700), 0);
        assert_int_equal(mount("mw-child", child, "tmpfs", 0, NULL), 0);
        child_id = unique_id_of(child);
        read_events(fd, &rec);
        assert_int_equal(rec.n, 2);
        check_event(&rec, 0, MW_MOUNT_EVENT_ATTACH, top_id);
        check_event(&rec, 1, MW_MOUNT_EVENT_ATTACH, child_id);

        /* Not recursive: only the top mount is copied. */
        assert_int_equal(mount(top, bind, NULL, MS_BIND, NULL), 0);
        bind_id = unique_id_of(bind);
        assert_true(bind_id != top_id);
        check_one(fd, MW_MOUNT_EVENT_ATTACH, bind_id);
        assert_int_equal(umount2(bind, 0), 0);
        check_one(fd, MW_MOUNT_EVENT_DETACH, bind_id);

        assert_int_equal(umount2(top, MNT_DETACH), 0);
        read_events(fd, &rec);
        assert_int_equal(rec.n, 2);
        assert_int_equal(rec.count[MW_MOUNT_EVENT_DETACH], 2);
        assert_true(rec.id[0] == top_id || rec.id[1] == top_id);
        assert_true(rec.id[0] == child_id || rec.id[1] == child_id);
}

static _Noreturn void child_mount_elsewhere(const char *dir, const int ready[2], const int go[2])
{
        struct statx stx = {};
        char c;

        close(ready[0]);
        close(go[1]);
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                _exit(1);
        if (mount("mw-other", dir, "tmpfs", 0, NULL) < 0)
                _exit(2);
        if (statx(AT_FDCWD, dir, 0, STATX_MNT_ID_UNIQUE, &stx) < 0)
                _exit(3);
        if (write(ready[1], &stx.stx_mnt_id, sizeof(stx.stx_mnt_id)) != sizeof(stx.stx_mnt_id))
                _exit(4);

        /* Stay until the parent has looked: it closes its end of go. */
        while (read(go[0], &c, 1) > 0)
                ;
        _exit(0);
}

/* A mount made in another mount namespace (a child's) gives no event here and cannot be looked
 * up from here; a mount of our own right after still gives one. */
static void test_other_namespace(void **state)
{
        _cleanup_free_ char *dir = scratch_dir("other");
        _cleanup_close_ int fd = open_events();
        _cleanup_close_ int ready_r = -EBADF, go_w = -EBADF;
        MwMount m = {};
        uint64_t other_id = 0, own_id;
        int ready[2], go[2], status;
        pid_t pid;

        assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
        assert_int_equal(pipe2(go, O_CLOEXEC), 0);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
                child_mount_elsewhere(dir, ready, go);

        ready_r = ready[0];
        go_w = go[1];
        close(ready[1]);
        close(go[0]);

        assert_int_equal(read(ready_r, &other_id, sizeof(other_id)), sizeof(other_id));
        assert_true(other_id != 0);
        check_nothing(fd);
        assert_int_equal(mw_mount_stat(other_id, &m), -ENOENT);

        closep(&go_w);
        go_w = -EBADF;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        check_nothing(fd);

        assert_int_equal(mount("mw-own", dir, "tmpfs", 0, NULL), 0);
        own_id = unique_id_of(dir);
        assert_true(own_id != other_id);
        check_one(fd, MW_MOUNT_EVENT_ATTACH, own_id);
        assert_int_equal(umount2(dir, 0), 0);
        check_one(fd, MW_MOUNT_EVENT_DETACH, own_id);
}

#define BURST 100

/* A burst of mounts gives one ATTACH each, in the order they were made. */
static void test_burst(void **state)
{
        _cleanup_close_ int fd = open_events();
        char *dirs[BURST];
        uint64_t ids[BURST];
        Recorder rec;

        for (size_t i = 0; i < BURST; i++) {
                char name[32];

                snprintf(name, sizeof(name), "burst-%zu", i);
                dirs[i] = scratch_dir(name);
        }

        for (size_t i = 0; i < BURST; i++)
                assert_int_equal(mount("mw-burst", dirs[i], "tmpfs", 0, NULL), 0);
        for (size_t i = 0; i < BURST; i++)
                ids[i] = unique_id_of(dirs[i]);

        read_events(fd, &rec);
        if (rec.count[MW_MOUNT_EVENT_OVERFLOW] == 0) {
                assert_int_equal(rec.n, BURST);
                for (size_t i = 0; i < BURST; i++)
                        check_event(&rec, i, MW_MOUNT_EVENT_ATTACH, ids[i]);
        }

        for (size_t i = 0; i < BURST; i++) {
                assert_int_equal(umount2(dirs[i], 0), 0);
                free(dirs[i]);
        }

        read_events(fd, &rec);
        if (rec.count[MW_MOUNT_EVENT_OVERFLOW] == 0)
                assert_int_equal(rec.count[MW_MOUNT_EVENT_DETACH], BURST);
}

static unsigned max_queued_events(void)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/sys/fs/fanotify/max_queued_events", "re");
        unsigned n = 0;

        if (!f || fscanf(f, "%u", &n) != 1)
                return 0;
        return n;
}

/* A full queue: the kernel keeps max_queued_events events, drops the rest and says so once, at
 * the end. Bind mounts are the cheapest mounts, still this takes a few seconds (the kernel's
 * cost per mount grows with the size of the namespace). */
static void test_queue_overflow(void **state)
{
        _cleanup_free_ char *flood = scratch_dir("flood"), *src = NULL;
        _cleanup_close_ int fd = -EBADF;
        unsigned max = max_queued_events(), n;
        Recorder rec;

        if (max == 0 || max > 20000)
                skip();
        n = max + 8;

        assert_int_equal(mount("mw-flood", flood, "tmpfs", 0, NULL), 0);
        src = scratch_dir("flood/src");
        for (unsigned i = 0; i < n; i++) {
                _cleanup_free_ char *dir = NULL;

                assert_true(asprintf(&dir, "%s/%u", flood, i) > 0);
                assert_int_equal(mkdir(dir, 0700), 0);
        }

        fd = open_events();
        for (unsigned i = 0; i < n; i++) {
                _cleanup_free_ char *dir = NULL;

                assert_true(asprintf(&dir, "%s/%u", flood, i) > 0);
                assert_int_equal(mount(src, dir, NULL, MS_BIND, NULL), 0);
        }

        read_events(fd, &rec);
        assert_int_equal(rec.count[MW_MOUNT_EVENT_ATTACH], max);
        assert_int_equal(rec.count[MW_MOUNT_EVENT_OVERFLOW], 1);
        assert_int_equal(rec.n, max + 1);

        closep(&fd);
        fd = -EBADF;
        assert_int_equal(umount2(flood, MNT_DETACH), 0);
}

/* Moves this process into a private mount namespace with a scratch tmpfs. Returns 1 when the
 * live tests can run, 0 when this machine cannot run them, -1 on a broken setup. */
static int namespace_enter(void)
{
        int fd = -EBADF, r;

        if (geteuid() != 0 || !mw_statmount_supported())
                return 0;
        if (mw_test_private_namespace() < 0)
                return -1;

        r = mw_mount_events_open(&fd);
        if (r == -EOPNOTSUPP || r == -EINVAL || r == -ENOSYS)
                return 0;
        if (r < 0)
                return -1;
        close(fd);

        if (mw_test_scratch(scratch_base) < 0)
                return -1;

        return 1;
}

static int namespace_teardown(void **state)
{
        mw_test_scratch_done(scratch_base);
        return 0;
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_to_string),
                cmocka_unit_test(test_parse_kinds),
                cmocka_unit_test(test_parse_tolerated),
                cmocka_unit_test(test_parse_broken),
                cmocka_unit_test(test_callback_error_stops),
                cmocka_unit_test(test_read_arguments),
        };
        const struct CMUnitTest namespace_tests[] = {
                cmocka_unit_test(test_attach_stat_detach),
                cmocka_unit_test(test_mount_stat_arguments),
                cmocka_unit_test(test_remount_gives_no_event),
                cmocka_unit_test(test_move),
                cmocka_unit_test(test_bind_and_tree),
                cmocka_unit_test(test_other_namespace),
                cmocka_unit_test(test_burst),
                cmocka_unit_test(test_queue_overflow),
        };
        int failed, r;

        failed = cmocka_run_group_tests_name("mountevents", tests, NULL, NULL);

        r = namespace_enter();
        if (r == 0) {
                printf("# Live tests skipped: needs root, statmount(2), fanotify mount events\n");
                return failed ? failed : 77;
        }
        if (r < 0) {
                printf("# Cannot set up the private mount namespace: %m\n");
                return failed + 1;
        }

        failed += cmocka_run_group_tests_name("mountevents-namespace",
                                              namespace_tests,
                                              NULL,
                                              namespace_teardown);
        return failed;
}
