/* The mount table snapshot: read through libmount or listmount(2)/statmount(2), indexed by mount
 * id in an open-addressing hash, and compared with an earlier snapshot in linear time. */
#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fileio.h"
#include "flags.h"
#include "macro.h"
#include "mounttable.h"

/* Debian 12's headers predate listmount(2) and statmount(2) (Linux 6.8): carry what we use. The
 * structures get our own names so that newer headers defining the kernel's do not clash. */
#ifndef __NR_statmount
#if defined(__alpha__)
#define __NR_statmount 567
#elif defined(__mips__)
#define __NR_statmount (__NR_Linux + 457)
#elif defined(__x86_64__) && defined(__ILP32__)
#define __NR_statmount (0x40000000 + 457)
#else
#define __NR_statmount 457
#endif
#endif

#ifndef __NR_listmount
#if defined(__alpha__)
#define __NR_listmount 568
#elif defined(__mips__)
#define __NR_listmount (__NR_Linux + 458)
#elif defined(__x86_64__) && defined(__ILP32__)
#define __NR_listmount (0x40000000 + 458)
#else
#define __NR_listmount 458
#endif
#endif

struct mw_mnt_id_req {
        uint32_t size;
        uint32_t spare;
        uint64_t mnt_id;
        uint64_t param;
};

/* The first published size: the caller's own mount namespace, no namespace id. */
#define MW_MNT_ID_REQ_SIZE_VER0 24
#define MW_LSMT_ROOT UINT64_C(0xffffffffffffffff)

struct mw_statmount {
        uint32_t size;
        uint32_t mnt_opts;
        uint64_t mask;
        uint32_t sb_dev_major;
        uint32_t sb_dev_minor;
        uint64_t sb_magic;
        uint32_t sb_flags;
        uint32_t fs_type;
        uint64_t mnt_id;
        uint64_t mnt_parent_id;
        uint32_t mnt_id_old;
        uint32_t mnt_parent_id_old;
        uint64_t mnt_attr;
        uint64_t mnt_propagation;
        uint64_t mnt_peer_group;
        uint64_t mnt_master;
        uint64_t propagate_from;
        uint32_t mnt_root;
        uint32_t mnt_point;
        uint64_t mnt_ns_id;
        uint32_t fs_subtype;
        uint32_t sb_source;
        uint32_t opt_num;
        uint32_t opt_array;
        uint32_t opt_sec_num;
        uint32_t opt_sec_array;
        uint64_t supported_mask;
        uint32_t mnt_uidmap_num;
        uint32_t mnt_uidmap;
        uint32_t mnt_gidmap_num;
        uint32_t mnt_gidmap;
        uint64_t spare2[43];
        char str[];
};

_Static_assert(sizeof(struct mw_statmount) == 512, "struct statmount layout");

#define MW_STATMOUNT_SB_BASIC 0x00000001U
#define MW_STATMOUNT_MNT_BASIC 0x00000002U
#define MW_STATMOUNT_MNT_ROOT 0x00000008U
#define MW_STATMOUNT_MNT_POINT 0x00000010U
#define MW_STATMOUNT_FS_TYPE 0x00000020U
#define MW_STATMOUNT_SB_SOURCE 0x00000200U /* Linux 6.11 */

#define STATMOUNT_WANTED                                                                           \
        (MW_STATMOUNT_SB_BASIC | MW_STATMOUNT_MNT_BASIC | MW_STATMOUNT_MNT_ROOT |                  \
         MW_STATMOUNT_MNT_POINT | MW_STATMOUNT_FS_TYPE | MW_STATMOUNT_SB_SOURCE)
#define STATMOUNT_NEEDED (MW_STATMOUNT_SB_BASIC | MW_STATMOUNT_MNT_BASIC | MW_STATMOUNT_MNT_POINT)

/* The mount attributes that are ours to know: everything else (idmap) is dropped. */
#define MW_ATTR_KNOWN                                                                              \
        (MW_ATTR_RDONLY | MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC | MW_ATTR_ATIME_MASK |   \
         MW_ATTR_NODIRATIME | MW_ATTR_NOSYMFOLLOW)

#define LISTMOUNT_BATCH 512
#define STATMOUNT_BUFFER_START 4096
#define STATMOUNT_BUFFER_MAX (16U * 1024U * 1024U)

struct MwTable {
        MwBackend backend;
        MwMount *mounts;
        size_t n_mounts;
        size_t n_allocated;
        /* Open addressing with linear probing; a slot holds an index into mounts plus one, so
         * that zero marks an empty slot. */
        size_t *slots;
        size_t n_slots; /* a power of two, more than twice n_mounts */
};

static const char *const backend_names[_MW_BACKEND_MAX] = {
        [MW_BACKEND_MOUNTINFO] = "mountinfo",
        [MW_BACKEND_STATMOUNT] = "statmount",
};

static const char *const change_names[_MW_CHANGE_MAX] = {
        [MW_CHANGE_ADDED] = "added",
        [MW_CHANGE_FLAGS] = "flags",
        [MW_CHANGE_MOVED] = "moved",
        [MW_CHANGE_REMOVED] = "removed",
};

const char *mw_backend_to_string(MwBackend b)
{
        if ((unsigned)b >= _MW_BACKEND_MAX)
                return NULL;
        return backend_names[b];
}

const char *mw_change_to_string(MwChange c)
{
        if ((unsigned)c >= _MW_CHANGE_MAX)
                return NULL;
        return change_names[c];
}

void mw_mount_done(MwMount *m)
{
        if (!m)
                return;

        free(m->target);
        free(m->root);
        free(m->source);
        free(m->fstype);
        *m = (MwMount){};
}

/* Fills in the strings of @m from copies of the given ones; NULL stands for "". */
static int mount_set_strings(MwMount *m,
                             const char *target,
                             const char *root,
                             const char *source,
                             const char *fstype)
{
        m->target = strdup(target ?: "");
        m->root = strdup(root ?: "");
        m->source = strdup(source ?: "");
        m->fstype = strdup(fstype ?: "");
        if (!m->target || !m->root || !m->source || !m->fstype) {
                mw_mount_done(m);
                return -ENOMEM;
        }

        return 0;
}

MwTable *mw_table_free(MwTable *t)
{
        if (!t)
                return NULL;

        for (size_t i = 0; i < t->n_mounts; i++)
                mw_mount_done(&t->mounts[i]);
        free(t->mounts);
        free(t->slots);
        free(t);
        return NULL;
}

static MwTable *table_new(MwBackend backend)
{
        MwTable *t = calloc(1, sizeof(MwTable));

        if (t)
                t->backend = backend;
        return t;
}

/* Appends @m to @t, which takes over its strings (also on failure). */
static int table_append(MwTable *t, MwMount *m)
{
        if (t->n_mounts == t->n_allocated) {
                size_t n = t->n_allocated ? t->n_allocated * 2 : 64;
                MwMount *p = reallocarray(t->mounts, n, sizeof(MwMount));

                if (!p) {
                        mw_mount_done(m);
                        return -ENOMEM;
                }
                t->mounts = p;
                t->n_allocated = n;
        }

        t->mounts[t->n_mounts++] = *m;
        *m = (MwMount){};
        return 0;
}

/* The splitmix64 finalizer: mount ids are small and dense, this spreads them over the slots. */
static uint64_t hash_id(uint64_t id)
{
        id ^= id >> 30;
        id *= UINT64_C(0xbf58476d1ce4e5b9);
        id ^= id >> 27;
        id *= UINT64_C(0x94d049bb133111eb);
        id ^= id >> 31;
        return id;
}

/* The slot that holds @id, or the empty slot where it would go. */
static size_t *table_slot(const MwTable *t, uint64_t id)
{
        size_t mask = t->n_slots - 1;

        for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
                size_t *slot = &t->slots[i];

                if (*slot == 0 || t->mounts[*slot - 1].id == id)
                        return slot;
        }
}

/* Builds the hash over all mounts. Where an id occurs again (only a corrupt file does that) the
 * first one stays and the others are dropped; their number is returned. */
static int table_index(MwTable *t, unsigned *ret_duplicates)
{
        size_t n_slots = 16, kept = 0;
        unsigned duplicates = 0;

        while (n_slots < t->n_mounts * 2 + 1)
                n_slots *= 2;

        free(t->slots);
        t->slots = calloc(n_slots, sizeof(size_t));
        if (!t->slots)
                return -ENOMEM;
        t->n_slots = n_slots;

        for (size_t i = 0; i < t->n_mounts; i++) {
                size_t *slot = table_slot(t, t->mounts[i].id);

                if (*slot != 0) {
                        mw_mount_done(&t->mounts[i]);
                        duplicates++;
                        continue;
                }

                t->mounts[kept] = t->mounts[i];
                *slot = ++kept;
        }

        t->n_mounts = kept;
        *ret_duplicates = duplicates;
        return 0;
}

size_t mw_table_size(const MwTable *t)
{
        return t ? t->n_mounts : 0;
}

const MwMount *mw_table_get(const MwTable *t, size_t i)
{
        if (!t || i >= t->n_mounts)
                return NULL;
        return &t->mounts[i];
}

const MwMount *mw_table_find(const MwTable *t, uint64_t id)
{
        size_t *slot;

        if (!t || t->n_slots == 0)
                return NULL;

        slot = table_slot(t, id);
        return *slot ? &t->mounts[*slot - 1] : NULL;
}

int mw_table_set_flags(MwTable *t, uint64_t id, unsigned flags)
{
        MwMount *m = (MwMount *)mw_table_find(t, id);

        if (!m)
                return -ENOENT;

        m->flags = flags;
        return 0;
}

/* A mount at @target whose parent is @m, i.e. one stacked right on top of it. */
static const MwMount *stacked_on(const MwTable *t, const MwMount *m)
{
        for (size_t i = 0; i < t->n_mounts; i++) {
                const MwMount *c = &t->mounts[i];

                if (c != m && c->parent_id == m->id && streq(c->target, m->target))
                        return c;
        }

        return NULL;
}

const MwMount *mw_table_find_target(const MwTable *t, const char *target)
{
        const MwMount *top = NULL, *above;

        if (!t || !target)
                return NULL;

        for (size_t i = 0; i < t->n_mounts; i++)
                if (streq(t->mounts[i].target, target))
                        top = &t->mounts[i];

        /* Kernel order is creation order, but a mount placed beneath another one
         * (MOVE_MOUNT_BENEATH) comes later while sitting lower: follow the stack up. */
        while (top && (above = stacked_on(t, top)))
                top = above;

        return top;
}

/* libmount keeps no state for its parser callback but the table's user data. */
typedef struct ParseErrors {
        unsigned count;
        unsigned first_line;
        unsigned line_offset; /* lines read before libmount got the stream */
} ParseErrors;

static void parse_error(ParseErrors *e, unsigned line)
{
        e->count++;
        if (e->first_line == 0)
                e->first_line = line;
}

static int parse_error_cb(struct libmnt_table *tb, const char *filename, int line)
{
        ParseErrors *e = mnt_table_get_userdata(tb);

        if (e && line > 0)
                parse_error(e, e->line_offset + (unsigned)line);

        /* Positive means "drop this line and go on"; zero would keep the half-parsed entry and a
         * negative value would stop parsing altogether. */
        return 1;
}

static void mnt_unref_tablep(struct libmnt_table **tb)
{
        mnt_unref_table(*tb);
}

static void mnt_free_iterp(struct libmnt_iter **itr)
{
        mnt_free_iter(*itr);
}

static int mount_from_fs(struct libmnt_fs *fs, MwMount *ret)
{
        MwMount m = {
                .id = (uint64_t)mnt_fs_get_id(fs),
                .parent_id = (uint64_t)mnt_fs_get_parent_id(fs),
                .mnt_id = (uint64_t)mnt_fs_get_id(fs),
                .id_unique = false,
                .devno = mnt_fs_get_devno(fs),
        };
        int r;

        r = mw_flags_parse_vfs(mnt_fs_get_vfs_options(fs) ?: "", &m.flags);
        if (r < 0)
                return r;

        r = mount_set_strings(&m,
                              mnt_fs_get_target(fs),
                              mnt_fs_get_root(fs),
                              mnt_fs_get_source(fs),
                              mnt_fs_get_fstype(fs));
        if (r < 0)
                return r;

        *ret = m;
        return 0;
}

/* libmount guesses the format from the first line: an entry it did not read as mountinfo (no
 * kernel flag, no id) is no mount we can use. */
static bool fs_is_mountinfo_entry(struct libmnt_fs *fs)
{
        return mnt_fs_is_kernel(fs) && mnt_fs_get_id(fs) >= 0 && mnt_fs_get_target(fs);
}

static bool looks_like_mountinfo(const char *line)
{
        unsigned id, parent;

        return sscanf(line, "%u %u", &id, &parent) == 2;
}

/* libmount takes the format from the first line it reads: a broken first line would have the
 * whole file read as fstab. Leading lines that cannot open a mountinfo table are skipped here,
 * and counted as broken. */
static int skip_to_mountinfo(FILE *f, ParseErrors *e)
{
        _cleanup_free_ char *line = NULL;
        size_t size = 0;

        for (;;) {
                long start = ftell(f);
                const char *s;

                if (start < 0)
                        return -errno;
                if (getline(&line, &size, f) < 0)
                        return feof(f) ? 0 : -errno;

                s = line + strspn(line, " \t");
                if (looks_like_mountinfo(s))
                        return fseek(f, start, SEEK_SET) < 0 ? -errno : 0;

                e->line_offset++;
                if (*s != '\0' && *s != '\n' && *s != '#')
                        parse_error(e, e->line_offset);
        }
}

static int parse_file(struct libmnt_table *tb, const char *path, ParseErrors *e)
{
        _cleanup_close_ int fd = -1;
        _cleanup_fclose_ FILE *f = NULL;
        int r;

        fd = mw_open_regular(path, NULL);
        if (fd < 0)
                return fd;

        /* The kernel's own files start right; libmount reads them in one go, which it cannot do
         * for a stream we have already read from. */
        if (strncmp(path, "/proc/", 6) == 0)
                return mnt_table_parse_file(tb, path);

        f = fdopen(fd, "r");
        if (!f)
                return -errno;
        TAKE_FD(fd);

        r = skip_to_mountinfo(f, e);
        if (r < 0)
                return r;

        return mnt_table_parse_stream(tb, f, path);
}

static int table_from_libmount(struct libmnt_table *tb, MwTable **ret, unsigned *ret_skipped)
{
        _cleanup_(mnt_free_iterp) struct libmnt_iter *itr = NULL;
        _cleanup_table_ MwTable *t = NULL;
        struct libmnt_fs *fs;
        unsigned skipped = 0, duplicates;
        int r;

        t = table_new(MW_BACKEND_MOUNTINFO);
        itr = mnt_new_iter(MNT_ITER_FORWARD);
        if (!t || !itr)
                return -ENOMEM;

        while (mnt_table_next_fs(tb, itr, &fs) == 0) {
                MwMount m;

                if (!fs_is_mountinfo_entry(fs)) {
                        skipped++;
                        continue;
                }

                r = mount_from_fs(fs, &m);
                if (r < 0)
                        return r;

                r = table_append(t, &m);
                if (r < 0)
                        return r;
        }

        r = table_index(t, &duplicates);
        if (r < 0)
                return r;

        *ret_skipped = skipped + duplicates;
        *ret = TAKE_PTR(t);
        return 0;
}

int mw_table_read_file(const char *path,
                       MwTable **ret,
                       unsigned *ret_skipped,
                       unsigned *ret_first_bad_line)
{
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = NULL;
        ParseErrors errors = {};
        MwTable *t;
        unsigned skipped;
        int r;

        if (!path || !ret)
                return -EINVAL;

        tb = mnt_new_table();
        if (!tb)
                return -ENOMEM;

        mnt_table_set_userdata(tb, &errors);
        mnt_table_set_parser_errcb(tb, parse_error_cb);

        r = parse_file(tb, path, &errors);
        if (r < 0)
                return r;

        r = table_from_libmount(tb, &t, &skipped);
        if (r < 0)
                return r;

        if (ret_skipped)
                *ret_skipped = errors.count + skipped;
        if (ret_first_bad_line)
                *ret_first_bad_line = errors.first_line;
        *ret = t;
        return 0;
}

static int listmount_batch(uint64_t last_id, uint64_t *ids, size_t n)
{
        struct mw_mnt_id_req req = {
                .size = MW_MNT_ID_REQ_SIZE_VER0,
                .mnt_id = MW_LSMT_ROOT,
                .param = last_id,
        };
        long r;

        r = syscall(__NR_listmount, &req, ids, n, 0);
        if (r < 0)
                return -errno;

        return (int)r;
}

typedef struct StatmountBuffer {
        struct mw_statmount *sm;
        size_t size;
} StatmountBuffer;

static void statmount_buffer_done(StatmountBuffer *b)
{
        free(b->sm);
        *b = (StatmountBuffer){};
}

static int statmount_buffer_grow(StatmountBuffer *b)
{
        size_t size = b->size ? b->size * 2 : STATMOUNT_BUFFER_START;
        struct mw_statmount *sm;

        if (size > STATMOUNT_BUFFER_MAX)
                return -E2BIG;

        sm = realloc(b->sm, size);
        if (!sm)
                return -ENOMEM;

        b->sm = sm;
        b->size = size;
        return 0;
}

/* statmount(2) of @id into @b, which grows while the kernel says the strings do not fit. */
static int statmount_one(uint64_t id, StatmountBuffer *b)
{
        int r;

        for (;;) {
                struct mw_mnt_id_req req = {
                        .size = MW_MNT_ID_REQ_SIZE_VER0,
                        .mnt_id = id,
                        .param = STATMOUNT_WANTED,
                };

                if (syscall(__NR_statmount, &req, b->sm, b->size, 0) >= 0)
                        return 0;
                if (errno != EOVERFLOW)
                        return -errno;

                r = statmount_buffer_grow(b);
                if (r < 0)
                        return r;
        }
}

static const char *statmount_string(const struct mw_statmount *sm, uint64_t bit, uint32_t offset)
{
        return (sm->mask & bit) ? sm->str + offset : "";
}

static int mount_from_statmount(const struct mw_statmount *sm, MwMount *ret)
{
        MwMount m = {
                .id = sm->mnt_id,
                .parent_id = sm->mnt_parent_id,
                .mnt_id = sm->mnt_id_old,
                .id_unique = true,
                .devno = makedev(sm->sb_dev_major, sm->sb_dev_minor),
                .flags = (unsigned)(sm->mnt_attr & MW_ATTR_KNOWN),
        };
        int r;

        if ((sm->mask & STATMOUNT_NEEDED) != STATMOUNT_NEEDED)
                return -EIO;

        r = mount_set_strings(&m,
                              statmount_string(sm, MW_STATMOUNT_MNT_POINT, sm->mnt_point),
                              statmount_string(sm, MW_STATMOUNT_MNT_ROOT, sm->mnt_root),
                              statmount_string(sm, MW_STATMOUNT_SB_SOURCE, sm->sb_source),
                              statmount_string(sm, MW_STATMOUNT_FS_TYPE, sm->fs_type));
        if (r < 0)
                return r;

        *ret = m;
        return 0;
}

/* statmount(2) of @id through @b, filled into *ret as every statmount entry is. */
static int mount_stat_into(uint64_t id, StatmountBuffer *b, MwMount *ret)
{
        int r;

        r = statmount_one(id, b);
        if (r < 0)
                return r;

        return mount_from_statmount(b->sm, ret);
}

/* Reads the mounts with the @n ids into @t. A mount that went away since listmount() is no
 * error; one we may not look at is counted in *skipped. */
static int statmount_ids(MwTable *t,
                         const uint64_t *ids,
                         size_t n,
                         StatmountBuffer *b,
                         unsigned *skipped)
{
        int r;

        for (size_t i = 0; i < n; i++) {
                MwMount m;

                r = mount_stat_into(ids[i], b, &m);
                if (r == -ENOENT)
                        continue;
                if (r == -EPERM || r == -EACCES) {
                        (*skipped)++;
                        continue;
                }
                if (r < 0)
                        return r;

                r = table_append(t, &m);
                if (r < 0)
                        return r;
        }

        return 0;
}

static int read_statmount(MwTable **ret, unsigned *ret_skipped)
{
        _cleanup_(statmount_buffer_done) StatmountBuffer b = {};
        _cleanup_table_ MwTable *t = NULL;
        uint64_t ids[LISTMOUNT_BATCH], last_id = 0;
        unsigned skipped = 0, duplicates;
        int n, r;

        t = table_new(MW_BACKEND_STATMOUNT);
        if (!t)
                return -ENOMEM;

        r = statmount_buffer_grow(&b);
        if (r < 0)
                return r;

        do {
                n = listmount_batch(last_id, ids, LISTMOUNT_BATCH);
                if (n < 0)
                        return n;
                if (n == 0)
                        break;

                r = statmount_ids(t, ids, (size_t)n, &b, &skipped);
                if (r < 0)
                        return r;

                last_id = ids[n - 1];
        } while (n == LISTMOUNT_BATCH);

        r = table_index(t, &duplicates);
        if (r < 0)
                return r;

        if (ret_skipped)
                *ret_skipped = skipped + duplicates;
        *ret = TAKE_PTR(t);
        return 0;
}

bool mw_statmount_supported(void)
{
        static int cached = -1;
        uint64_t id;

        if (cached >= 0)
                return cached;

        cached = 0;
        if (listmount_batch(0, &id, 1) == 1) {
                _cleanup_(statmount_buffer_done) StatmountBuffer b = {};

                cached = statmount_buffer_grow(&b) == 0 && statmount_one(id, &b) == 0;
        }

        return cached;
}

int mw_mount_stat(uint64_t unique_id, MwMount *ret)
{
        _cleanup_(statmount_buffer_done) StatmountBuffer b = {};
        int r;

        if (!ret)
                return -EINVAL;
        if (!mw_statmount_supported())
                return -EOPNOTSUPP;

        r = statmount_buffer_grow(&b);
        if (r < 0)
                return r;

        return mount_stat_into(unique_id, &b, ret);
}

int mw_table_read_live(MwBackend backend, MwTable **ret, unsigned *ret_skipped)
{
        if (!ret)
                return -EINVAL;

        switch (backend) {
        case MW_BACKEND_MOUNTINFO:
                return mw_table_read_file("/proc/self/mountinfo", ret, ret_skipped, NULL);
        case MW_BACKEND_STATMOUNT:
                if (!mw_statmount_supported())
                        return -EOPNOTSUPP;
                return read_statmount(ret, ret_skipped);
        case _MW_BACKEND_MAX:
                break;
        }

        return -EINVAL;
}

/* Without unique ids the kernel hands a freed id to the next mount: only the same filesystem
 * at the same place under the same parent is taken for the same mount. */
static bool same_mount(const MwMount *a, const MwMount *b)
{
        return a->parent_id == b->parent_id && a->devno == b->devno &&
               streq(a->target, b->target) && streq(a->root, b->root) &&
               streq(a->source, b->source) && streq(a->fstype, b->fstype);
}

static bool was_moved(const MwMount *old, const MwMount *new)
{
        return old->parent_id != new->parent_id || !streq(old->target, new->target);
}

typedef struct DiffState {
        MwDiffFunc func;
        void *userdata;
        int n_changes;
} DiffState;

static int report(DiffState *s, MwChange change, const MwMount *old, const MwMount *new)
{
        int r;

        r = s->func(change, old, new, s->userdata);
        if (r < 0)
                return r;

        s->n_changes++;
        return 0;
}

static int diff_one(DiffState *s, const MwMount *old, const MwMount *new)
{
        int r;

        if (!old)
                return report(s, MW_CHANGE_ADDED, NULL, new);

        if (!new->id_unique && !same_mount(old, new)) {
                r = report(s, MW_CHANGE_REMOVED, old, NULL);
                if (r < 0)
                        return r;
                return report(s, MW_CHANGE_ADDED, NULL, new);
        }

        if (new->id_unique && was_moved(old, new))
                return report(s, MW_CHANGE_MOVED, old, new);

        if (old->flags != new->flags)
                return report(s, MW_CHANGE_FLAGS, old, new);

        return 0;
}

int mw_table_diff(const MwTable *old, const MwTable *new, MwDiffFunc func, void *userdata)
{
        DiffState s = { .func = func, .userdata = userdata };
        int r;

        if (!new || !func)
                return -EINVAL;
        /* Ids of the two backends are different numbers: they cannot be compared. */
        if (old && old->backend != new->backend)
                return -EINVAL;

        for (size_t i = 0; i < new->n_mounts; i++) {
                const MwMount *m = &new->mounts[i];

                r = diff_one(&s, mw_table_find(old, m->id), m);
                if (r < 0)
                        return r;
        }

        for (size_t i = 0; old && i < old->n_mounts; i++) {
                const MwMount *m = &old->mounts[i];

                if (mw_table_find(new, m->id))
                        continue;

                r = report(&s, MW_CHANGE_REMOVED, m, NULL);
                if (r < 0)
                        return r;
        }

        return s.n_changes;
}
