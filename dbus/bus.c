/* The daemon's D-Bus face. FIXME: only takes the bus name so far, because the interface of
 * issue 3 (objects, methods, signals) is being written next; the hooks below are its seams. */
#include <errno.h>
#include <systemd/sd-bus.h>

#include "bus.h"
#include "log.h"

int bus_setup(Manager *m)
{
        int r;

        r = sd_bus_open_system(&m->bus);
        if (r < 0)
                return log_warning_errno(r, "Failed to connect to the system bus: %m, ignoring");

        r = sd_bus_request_name(m->bus, "org.mountwarden1", 0);
        if (r < 0)
                return log_error_errno(r, "Failed to take the name org.mountwarden1: %m");

        return sd_bus_attach_event(m->bus, m->event, SD_EVENT_PRIORITY_NORMAL);
}

void bus_done(Manager *m)
{
        m->bus = sd_bus_flush_close_unref(m->bus);
}

void bus_mount_added(Manager *m, MountState *s)
{
}

void bus_mount_removed(Manager *m, MountState *s)
{
}

void bus_mount_changed(Manager *m, MountState *s)
{
}

void bus_mount_hardened(Manager *m, MountState *s, unsigned flags_added)
{
}

void bus_remount_failed(Manager *m, MountState *s, int error)
{
}

void bus_override_expired(Manager *m, const char *pattern)
{
}

void bus_manager_changed(Manager *m)
{
}
