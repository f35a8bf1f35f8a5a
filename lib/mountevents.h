/* Mount events of the caller's mount namespace through fanotify (Linux 6.15): each event names
 * the unique id of the one mount concerned, so a new mount can be looked at on its own
 * (mw_mount_stat()) instead of after a scan of the whole table.
 *
 * What the kernel reports, and what the caller sees:
 *  - a new mount, a bind mount, a mount propagated into the namespace: ATTACH;
 *  - an unmount: DETACH, one for every mount of an unmounted tree (lazy unmounts included);
 *  - a move within the namespace (MS_MOVE, move_mount(2)): the kernel queues one event carrying
 *    both bits; it is handed on as DETACH then ATTACH with the same id, so a caller that forgets
 *    a mount on DETACH and looks it up on ATTACH ends up with its new place;
 *  - a remount of any kind (per-mount flags, superblock options, propagation type) gives no
 *    event at all: flag changes still need the mountinfo monitor;
 *  - mounts made in other mount namespaces give none either;
 *  - when the kernel's queue is full (fs.fanotify.max_queued_events, 16384 by default) later
 *    events are dropped and one OVERFLOW follows: the caller must rescan the whole table. */
#pragma once

#include <stdint.h>

typedef enum MwMountEvent {
        MW_MOUNT_EVENT_ATTACH,
        MW_MOUNT_EVENT_DETACH,
        MW_MOUNT_EVENT_OVERFLOW,
        _MW_MOUNT_EVENT_MAX,
} MwMountEvent;

/* "attach", "detach", "overflow"; NULL for anything else. */
const char *mw_mount_event_to_string(MwMountEvent ev);

/* Called once per event. @unique_id is 0 for OVERFLOW (events were lost: the caller must
 * rescan). A negative return stops mw_mount_events_read() and is returned by it. */
typedef int (*MwMountEventFunc)(MwMountEvent ev, uint64_t unique_id, void *userdata);

/**
 * mw_mount_events_open() - open a non-blocking, close-on-exec fanotify descriptor that watches
 * the calling process's mount namespace for attached and detached mounts. Open it before the
 * first full scan, like the mountinfo monitor. The caller closes *@ret_fd.
 * Returns 0; -EOPNOTSUPP, -EINVAL or -ENOSYS where the kernel lacks fanotify mount events;
 * -EPERM without CAP_SYS_ADMIN; -ENOENT without /proc; other negative errno.
 */
int mw_mount_events_open(int *ret_fd);

/**
 * mw_mount_events_read() - read every event available on @fd (until the kernel says EAGAIN)
 * and call @f for each, in the kernel's order. Events after one whose @f failed are dropped,
 * and so is the rest of a read that turns out malformed: either way the caller should rescan.
 * Returns the number of calls made to @f; the negative value @f returned; -EBADMSG for a
 * malformed event (a length that does not add up, a mount event without its mount id);
 * -EPROTO for an event layout of another version; other negative errno from read(2).
 */
int mw_mount_events_read(int fd, MwMountEventFunc f, void *userdata);
