/* The mount table as a snapshot keyed by mount id, and the O(n) diff of two snapshots.
 *
 * A snapshot is read through libmount from /proc/self/mountinfo (or a given file) or, where the
 * kernel has them, through listmount(2)/statmount(2). Entries keep the order the kernel gave;
 * lookups by id go through a hash, so reading and diffing are linear in the number of mounts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct MwMount {
        /* Unique 64-bit id where the kernel gives one (statmount), else the mountinfo id. */
        uint64_t id;
        uint64_t parent_id;
        /* The mountinfo (reusable) id, as statx(STATX_MNT_ID) reports it. */
        uint64_t mnt_id;
        bool id_unique;

        char *target; /* unescaped */
        char *root;
        char *source; /* may be "" */
        char *fstype;
        dev_t devno;  /* the st_dev of files on the mount */
        unsigned flags; /* MW_ATTR_* per-mount flags */
} MwMount;

typedef struct MwTable MwTable;

typedef enum MwBackend {
        MW_BACKEND_MOUNTINFO,
        MW_BACKEND_STATMOUNT,
        _MW_BACKEND_MAX,
} MwBackend;

const char *mw_backend_to_string(MwBackend b);

/**
 * mw_table_read_file() - read a mountinfo-format file through libmount. Lines libmount cannot
 * parse are skipped; their line numbers are counted in *ret_skipped (may be NULL) and the first
 * one is stored in *ret_first_bad_line (may be NULL; 0 when none).
 * Returns 0, -ENOENT and friends when the file cannot be read, -EINVAL when @path is not a
 * regular file (a FIFO or /dev/zero would block or never end), -ENOMEM.
 */
int mw_table_read_file(const char *path,
                       MwTable **ret,
                       unsigned *ret_skipped,
                       unsigned *ret_first_bad_line);

/**
 * mw_table_read_live() - read the running system's mount table with @backend.
 * MW_BACKEND_STATMOUNT returns -EOPNOTSUPP where the kernel lacks listmount/statmount.
 */
int mw_table_read_live(MwBackend backend, MwTable **ret, unsigned *ret_skipped);

/**
 * mw_statmount_supported() - whether listmount(2) and statmount(2) work on this kernel.
 */
bool mw_statmount_supported(void);

/**
 * mw_mount_stat() - statmount(2) of the one mount with @unique_id in the caller's mount
 * namespace, filled into *@ret exactly as a statmount table entry (id_unique is true). The
 * caller frees its strings with mw_mount_done(); *@ret is untouched on failure.
 * Returns 0; -ENOENT when the mount is gone (or in another namespace); -EINVAL for an id that
 * is no unique mount id; -EOPNOTSUPP where the kernel lacks statmount(2); -ENOMEM.
 */
int mw_mount_stat(uint64_t unique_id, MwMount *ret);

/* Frees the strings of a standalone MwMount (from mw_mount_stat()) and zeroes it; NULL is fine. */
void mw_mount_done(MwMount *m);

MwTable *mw_table_free(MwTable *t);
static inline void mw_table_freep(MwTable **t)
{
        mw_table_free(*t);
}
#define _cleanup_table_ __attribute__((cleanup(mw_table_freep)))

size_t mw_table_size(const MwTable *t);
/* The @i-th mount in kernel order; NULL past the end. */
const MwMount *mw_table_get(const MwTable *t, size_t i);
/* The mount with @id, or NULL. O(1). */
const MwMount *mw_table_find(const MwTable *t, uint64_t id);
/* Records that the mount with @id now has @flags, after a change the caller made itself, so
 * that the next diff against this snapshot sees what happened after it. -ENOENT when absent. */
int mw_table_set_flags(MwTable *t, uint64_t id, unsigned flags);
/* The top-most mount at @target (the last one in kernel order), or NULL. O(n). */
const MwMount *mw_table_find_target(const MwTable *t, const char *target);

typedef enum MwChange {
        MW_CHANGE_ADDED,
        MW_CHANGE_FLAGS,   /* same mount, per-mount flags differ */
        MW_CHANGE_MOVED,   /* same unique id, another target or parent */
        MW_CHANGE_REMOVED,
        _MW_CHANGE_MAX,
} MwChange;

const char *mw_change_to_string(MwChange c);

/* Called once per difference. @old is NULL for ADDED, @new is NULL for REMOVED. A negative
 * return stops the diff and is returned by mw_table_diff(). */
typedef int (*MwDiffFunc)(MwChange change, const MwMount *old, const MwMount *new, void *userdata);

/**
 * mw_table_diff() - compare two snapshots by id in O(n). Mounts of @new are reported in @new's
 * order (ADDED, FLAGS, MOVED), then removed ones in @old's order. A mount that is MOVED and whose
 * flags changed too is reported once, as MOVED. Where ids are not unique (mountinfo backend), a
 * changed target, root, source, filesystem type, device or parent means the id was reused:
 * REMOVED then ADDED, both at the mount's place in @new's order.
 * @old may be NULL (everything is ADDED). Tables of different backends cannot be compared
 * (-EINVAL). Returns the number of changes, or a negative errno.
 */
int mw_table_diff(const MwTable *old, const MwTable *new, MwDiffFunc func, void *userdata);
