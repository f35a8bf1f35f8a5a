/* fanotify mount events: the watch on our own mount namespace, and the walk over what read(2)
 * returns that turns each record into one call per attached, detached or lost mount. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include "macro.h"
#include "mountevents.h"

/* Debian 12's headers predate mount events (Linux 6.15): carry what we use. */
#ifndef FAN_REPORT_MNT
#define FAN_REPORT_MNT 0x00004000
#endif
#ifndef FAN_MARK_MNTNS
#define FAN_MARK_MNTNS 0x00000110
#endif
#ifndef FAN_MNT_ATTACH
#define FAN_MNT_ATTACH 0x01000000ULL
#endif
#ifndef FAN_MNT_DETACH
#define FAN_MNT_DETACH 0x02000000ULL
#endif
#ifndef FAN_EVENT_INFO_TYPE_MNT
#define FAN_EVENT_INFO_TYPE_MNT 7
#endif

/* The kernel's struct fanotify_event_info_mnt, under our own name so that newer headers defining
 * it do not clash. */
struct mw_fanotify_info_mnt {
        struct fanotify_event_info_header hdr;
        uint64_t mnt_id;
};

#if __SIZEOF_LONG__ == 8
_Static_assert(sizeof(struct mw_fanotify_info_mnt) == 16, "struct fanotify_event_info_mnt layout");
#endif

/* The kernel never splits an event over two reads; this holds about a hundred mount events. */
#define EVENT_BUFFER_SIZE 4096

static const char *const mount_event_names[_MW_MOUNT_EVENT_MAX] = {
        [MW_MOUNT_EVENT_ATTACH] = "attach",
        [MW_MOUNT_EVENT_DETACH] = "detach",
        [MW_MOUNT_EVENT_OVERFLOW] = "overflow",
};

const char *mw_mount_event_to_string(MwMountEvent ev)
{
        if ((unsigned)ev >= _MW_MOUNT_EVENT_MAX)
                return NULL;
        return mount_event_names[ev];
}

int mw_mount_events_open(int *ret_fd)
{
        unsigned init_flags = FAN_CLASS_NOTIF | FAN_REPORT_MNT | FAN_CLOEXEC | FAN_NONBLOCK;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (!ret_fd)
                return -EINVAL;

        fd = fanotify_init(init_flags, O_RDONLY);
        if (fd < 0)
                return -errno;

        r = fanotify_mark(fd,
                          FAN_MARK_ADD | FAN_MARK_MNTNS,
                          FAN_MNT_ATTACH | FAN_MNT_DETACH,
                          AT_FDCWD,
                          "/proc/self/ns/mnt");
        if (r < 0)
                return -errno;

        *ret_fd = TAKE_FD(fd);
        return 0;
}

typedef struct Reader {
        MwMountEventFunc func;
        void *userdata;
        int n_calls;
} Reader;

static int report(Reader *rd, MwMountEvent ev, uint64_t id)
{
        int r;

        r = rd->func(ev, id, rd->userdata);
        if (r < 0)
                return r;

        rd->n_calls++;
        return 0;
}

/* Walks the info records after the metadata of the @len-byte event at @ev (@metadata_len is at
 * most @len) and takes the mount id from the mount record. Unknown records are stepped over. */
static int event_mount_id(const uint8_t *ev, size_t metadata_len, size_t len, uint64_t *ret_id)
{
        const size_t id_offset = offsetof(struct mw_fanotify_info_mnt, mnt_id);
        struct fanotify_event_info_header hdr;
        uint64_t id;

        for (size_t off = metadata_len; len - off >= sizeof(hdr); off += hdr.len) {
                memcpy(&hdr, ev + off, sizeof(hdr));
                if (hdr.len < sizeof(hdr) || hdr.len > len - off)
                        return -EBADMSG;

                if (hdr.info_type != FAN_EVENT_INFO_TYPE_MNT ||
                    hdr.len < sizeof(struct mw_fanotify_info_mnt))
                        continue;

                memcpy(&id, ev + off + id_offset, sizeof(id));
                /* Unique mount ids start far above 0, which stands for "lost" in our callback. */
                if (id == 0)
                        return -EBADMSG;

                *ret_id = id;
                return 0;
        }

        return -EBADMSG;
}

static int dispatch_event(Reader *rd, const uint8_t *ev, const struct fanotify_event_metadata *meta)
{
        uint64_t id;
        int r;

        /* A group made with FAN_REPORT_MNT hands out no file descriptors: meta->fd is FAN_NOFD
         * and there is nothing to close. */
        if (meta->mask & FAN_Q_OVERFLOW)
                return report(rd, MW_MOUNT_EVENT_OVERFLOW, 0);
        if (!(meta->mask & (FAN_MNT_ATTACH | FAN_MNT_DETACH)))
                return 0;

        r = event_mount_id(ev, meta->metadata_len, meta->event_len, &id);
        if (r < 0)
                return r;

        /* A move within the namespace is a single event with both bits. Detaching first leaves
         * the caller with the mount at its new place. */
        if (meta->mask & FAN_MNT_DETACH) {
                r = report(rd, MW_MOUNT_EVENT_DETACH, id);
                if (r < 0)
                        return r;
        }

        if (meta->mask & FAN_MNT_ATTACH)
                return report(rd, MW_MOUNT_EVENT_ATTACH, id);

        return 0;
}

/* Walks the @n bytes of one read, event by event; no length is taken on trust. */
static int dispatch_buffer(Reader *rd, const uint8_t *buf, size_t n)
{
        struct fanotify_event_metadata meta;
        int r;

        for (size_t off = 0; off < n; off += meta.event_len) {
                if (n - off < sizeof(meta))
                        return -EBADMSG;

                memcpy(&meta, buf + off, sizeof(meta));
                if (meta.vers != FANOTIFY_METADATA_VERSION)
                        return -EPROTO;
                if (meta.event_len < sizeof(meta) || meta.event_len > n - off)
                        return -EBADMSG;
                if (meta.metadata_len < sizeof(meta) || meta.metadata_len > meta.event_len)
                        return -EBADMSG;

                r = dispatch_event(rd, buf + off, &meta);
                if (r < 0)
                        return r;
        }

        return 0;
}

int mw_mount_events_read(int fd, MwMountEventFunc f, void *userdata)
{
        Reader rd = { .func = f, .userdata = userdata };
        uint8_t buf[EVENT_BUFFER_SIZE];
        ssize_t n;
        int r;

        if (fd < 0 || !f)
                return -EINVAL;

        for (;;) {
                n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;

                r = dispatch_buffer(&rd, buf, (size_t)n);
                if (r < 0)
                        return r;
        }

        return rd.n_calls;
}
