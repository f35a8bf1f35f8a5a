/* The safe per-mount remount: open the target without following symlinks, check that the
 * descriptor sits on the very mount that was decided on, then change that mount through it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "apply.h"
#include "flags.h"
#include "macro.h"

/* Debian 12's headers predate some of these; the values are the kernel's ABI. */
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#define MW_RESOLVE_NO_MAGICLINKS 0x02ULL
#define MW_RESOLVE_NO_SYMLINKS 0x04ULL

struct mw_open_how {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
};

struct mw_mount_attr {
        uint64_t attr_set;
        uint64_t attr_clr;
        uint64_t propagation;
        uint64_t userns_fd;
};

static int open_no_symlinks(int dirfd, const char *path)
{
        struct mw_open_how how = {
                .flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
                .resolve = MW_RESOLVE_NO_SYMLINKS | MW_RESOLVE_NO_MAGICLINKS,
        };
        int fd;

        fd = (int)syscall(__NR_openat2, dirfd, path, &how, sizeof(how));
        if (fd >= 0)
                return fd;
        if (errno != ENOSYS)
                return -errno;

        /* Before 5.6 only the last component can be kept from following a symlink. */
        fd = openat(dirfd, path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        return fd >= 0 ? fd : -errno;
}

/* Opens @target, walking it in pieces shorter than PATH_MAX when it is longer than that. */
static int open_target(const char *target)
{
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *copy = NULL;
        char *p;

        if (!target || target[0] != '/')
                return -EINVAL;
        if (strlen(target) < PATH_MAX)
                return open_no_symlinks(AT_FDCWD, target);

        copy = strdup(target);
        if (!copy)
                return -ENOMEM;

        p = copy;
        while (strlen(p) >= PATH_MAX) {
                char *cut = p + PATH_MAX - 1;
                int fd;

                while (cut > p && *cut != '/')
                        cut--;
                if (cut == p)
                        return -ENAMETOOLONG; /* one component longer than PATH_MAX */

                *cut = '\0';
                fd = open_no_symlinks(dirfd >= 0 ? dirfd : AT_FDCWD, *p ? p : "/");
                if (fd < 0)
                        return fd;

                closep(&dirfd);
                dirfd = fd;
                p = cut + 1;
        }

        return open_no_symlinks(dirfd, p);
}

static int fd_mount_id(int fd, bool unique, uint64_t *ret_id, bool *ret_mount_root)
{
        unsigned mask = unique ? STATX_MNT_ID_UNIQUE : STATX_MNT_ID;
        struct statx stx = {};

        if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, mask | STATX_TYPE, &stx) < 0)
                return -errno;
        if (!(stx.stx_mask & mask))
                return -EOPNOTSUPP;
        /* O_PATH|O_NOFOLLOW opens a final symlink itself instead of failing. */
        if (S_ISLNK(stx.stx_mode))
                return -ELOOP;

        *ret_id = stx.stx_mnt_id;
        *ret_mount_root = !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
                          (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
        return 0;
}

static int fd_flags(int fd, unsigned *ret_flags)
{
        static const struct {
                unsigned long st;
                unsigned attr;
        } map[] = {
                { ST_RDONLY, MW_ATTR_RDONLY },       { ST_NOSUID, MW_ATTR_NOSUID },
                { ST_NODEV, MW_ATTR_NODEV },         { ST_NOEXEC, MW_ATTR_NOEXEC },
                { ST_NOATIME, MW_ATTR_NOATIME },     { ST_NODIRATIME, MW_ATTR_NODIRATIME },
                { ST_NOSYMFOLLOW, MW_ATTR_NOSYMFOLLOW },
        };
        struct statfs sfs;
        unsigned flags = 0;

        if (fstatfs(fd, &sfs) < 0)
                return -errno;

        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if ((unsigned long)sfs.f_flags & map[i].st)
                        flags |= map[i].attr;

        /* statfs has no bit of its own for strictatime: it is the lack of the other two. */
        if (!((unsigned long)sfs.f_flags & (ST_NOATIME | ST_RELATIME)))
                flags |= MW_ATTR_STRICTATIME;

        *ret_flags = flags;
        return 0;
}

static unsigned long flags_to_ms(unsigned flags)
{
        unsigned long ms = 0;

        if (flags & MW_ATTR_RDONLY)
                ms |= MS_RDONLY;
        if (flags & MW_ATTR_NOSUID)
                ms |= MS_NOSUID;
        if (flags & MW_ATTR_NODEV)
                ms |= MS_NODEV;
        if (flags & MW_ATTR_NOEXEC)
                ms |= MS_NOEXEC;
        if (flags & MW_ATTR_NODIRATIME)
                ms |= MS_NODIRATIME;
        if (flags & MW_ATTR_NOSYMFOLLOW)
                ms |= MS_NOSYMFOLLOW;

        switch (flags & MW_ATTR_ATIME_MASK) {
        case MW_ATTR_NOATIME:
                ms |= MS_NOATIME;
                break;
        case MW_ATTR_STRICTATIME:
                ms |= MS_STRICTATIME;
                break;
        default:
                ms |= MS_RELATIME;
                break;
        }

        return ms;
}

static int setattr_fd(int fd, unsigned set, unsigned clear)
{
        struct mw_mount_attr attr = {
                .attr_set = set,
                .attr_clr = clear,
        };

        if (syscall(__NR_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return -errno;

        return 0;
}

/* A bind remount sets every per-mount flag at once, so the current ones are carried over:
 * left out, "ro" would be cleared and the atime mode reset to relatime. */
static int remount_bind_fd(int fd, unsigned before, unsigned set, unsigned clear)
{
        char path[64];
        unsigned after = (before | set) & ~clear;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags_to_ms(after), NULL) < 0)
                return -errno;

        return 0;
}

bool mw_mount_setattr_supported(void)
{
        static int cached = -1;

        if (cached < 0)
                cached = !(syscall(__NR_mount_setattr, -1, NULL, 0, NULL, 0) < 0 &&
                           errno == ENOSYS);

        return cached;
}

int mw_remount(const char *target,
               uint64_t expected_id,
               bool id_unique,
               unsigned set,
               unsigned clear,
               bool force_fallback,
               MwApplyResult *ret)
{
        _cleanup_close_ int fd = -1;
        MwApplyResult res = {};
        bool mount_root;
        uint64_t id;
        int r;

        if ((set | clear) & ~(MW_ATTR_ENFORCEABLE | MW_ATTR_RDONLY))
                return -EINVAL;

        fd = open_target(target);
        if (fd < 0)
                return fd;

        r = fd_mount_id(fd, id_unique, &id, &mount_root);
        if (r < 0)
                return r;
        if (id != expected_id || !mount_root)
                return -ESTALE;

        r = fd_flags(fd, &res.flags_before);
        if (r < 0)
                return r;

        res.used_fallback = force_fallback || !mw_mount_setattr_supported();
        if (res.used_fallback)
                r = remount_bind_fd(fd, res.flags_before, set, clear);
        else
                r = setattr_fd(fd, set, clear);
        if (r < 0)
                return r;

        r = fd_flags(fd, &res.flags_after);
        if (r < 0)
                return r;

        if (ret)
                *ret = res;
        return 0;
}
