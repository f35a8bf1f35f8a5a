/* The daemon's D-Bus face: the connection to the system bus (tried again in the background while
 * the bus is not there, as in early boot, or after it went away), the objects it serves, and the
 * hooks through which the manager announces what changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#include "bus-internal.h"
#include "bus.h"
#include "log.h"
#include "macro.h"

#define BUS_RETRY_USEC (5 * 1000000ULL)

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata);

static int on_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error);

static int register_objects(Manager *m, sd_bus *bus)
{
        int r;

        r = sd_bus_add_object_vtable(bus, NULL, BUS_PATH, BUS_MANAGER_INTERFACE,
                                     bus_manager_vtable, m);
        if (r >= 0)
                r = sd_bus_add_fallback_vtable(bus, NULL, BUS_MOUNT_PREFIX, BUS_MOUNT_INTERFACE,
                                               bus_mount_vtable, bus_mount_find, m);
        if (r >= 0)
                r = sd_bus_add_node_enumerator(bus, NULL, BUS_MOUNT_PREFIX, bus_mount_enumerate,
                                               m);
        if (r >= 0)
                r = sd_bus_add_object_manager(bus, NULL, BUS_PATH);
        if (r >= 0)
                r = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus.Local", NULL,
                                        "org.freedesktop.DBus.Local", "Disconnected",
                                        on_disconnected, m);

        return r;
}

/* Returns 0, -ENOTCONN when the bus is not there (worth trying again), or another negative errno
 * (logged). */
static int bus_connect(Manager *m)
{
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r < 0)
                return -ENOTCONN;

        r = register_objects(m, bus);
        if (r < 0)
                return log_error_errno(r, "Failed to register the bus objects: %m");

        r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");

        r = sd_bus_request_name(bus, BUS_NAME, 0);
        if (r == -ENOTCONN || r == -ECONNRESET)
                return -ENOTCONN;
        if (r < 0)
                return log_warning_errno(r, "Failed to take the name " BUS_NAME " on the system "
                                         "bus: %m (is the bus policy org.mountwarden1.conf "
                                         "installed?)");

        bus_manager_snapshot(m, &m->bus_context->announced);
        m->bus = TAKE_PTR(bus);
        return 0;
}

static void arm_retry(Manager *m)
{
        struct BusContext *c = m->bus_context;
        uint64_t now = 0;
        int r;

        (void)sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (!c->retry_source)
                r = sd_event_add_time(m->event, &c->retry_source, CLOCK_MONOTONIC,
                                      now + BUS_RETRY_USEC, 0, on_retry, m);
        else {
                r = sd_event_source_set_time(c->retry_source, now + BUS_RETRY_USEC);
                if (r >= 0)
                        r = sd_event_source_set_enabled(c->retry_source, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error_errno(r, "Failed to arm the bus retry timer: %m, staying off the bus");
}

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata)
{
        Manager *m = userdata;

        m->bus = sd_bus_flush_close_unref(m->bus);
        if (bus_connect(m) < 0) {
                arm_retry(m);
                return 0;
        }

        log_info("Connected to the system bus as " BUS_NAME);
        return 0;
}

/* The bus went away (dbus-daemon restarted): the connection is dead, so start over. It cannot be
 * dropped from inside its own callback; the retry timer does that. */
static int on_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        Manager *m = userdata;

        log_warning("Lost the connection to the system bus, will connect again every %llu s",
                    BUS_RETRY_USEC / 1000000ULL);
        bus_rescan_cancel(m->bus_context);
        arm_retry(m);
        return 0;
}

int bus_setup(Manager *m)
{
        int r;

        m->bus_context = calloc(1, sizeof(*m->bus_context));
        if (!m->bus_context)
                return log_oom();

        r = bus_connect(m);
        if (r >= 0)
                return 0;
        if (r != -ENOTCONN) {
                /* Hardening does not depend on the bus: go on without it. */
                log_warning("Running without D-Bus: status and overrides are not available");
                return 0;
        }

        log_notice("The system bus is not there yet, will connect every %llu s",
                   BUS_RETRY_USEC / 1000000ULL);
        arm_retry(m);
        return 0;
}

void bus_done(Manager *m)
{
        if (m->bus_context) {
                bus_auth_cancel_all(m->bus_context);
                bus_rescan_done(m->bus_context);
                sd_event_source_unref(m->bus_context->retry_source);
                free(m->bus_context);
                m->bus_context = NULL;
        }

        m->bus = sd_bus_flush_close_unref(m->bus);
}

/* Object signals and PropertiesChanged wait for readiness: the first sweep would flood the bus
 * with what a client gets from GetManagedObjects anyway. */
static bool announcing(Manager *m)
{
        return m->bus && m->ready;
}

void bus_mount_added(Manager *m, MountState *s)
{
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        s->bus_digest = bus_mount_digest(s);
        if (!announcing(m))
                return;

        r = sd_bus_emit_interfaces_added(m->bus, bus_mount_path(s, path, sizeof(path)),
                                         BUS_MOUNT_INTERFACE, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to announce %s: %m", path);
}

void bus_mount_removed(Manager *m, MountState *s)
{
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        if (!announcing(m))
                return;

        r = sd_bus_emit_interfaces_removed(m->bus, bus_mount_path(s, path, sizeof(path)),
                                           BUS_MOUNT_INTERFACE, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to announce the end of %s: %m", path);
}

void bus_mount_changed(Manager *m, MountState *s)
{
        uint64_t digest = bus_mount_digest(s);
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        if (digest == s->bus_digest)
                return;
        s->bus_digest = digest;
        if (!announcing(m))
                return;

        r = sd_bus_emit_properties_changed_strv(m->bus, bus_mount_path(s, path, sizeof(path)),
                                                BUS_MOUNT_INTERFACE, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to announce changes of %s: %m", path);
}

void bus_mount_hardened(Manager *m, MountState *s, unsigned flags_added)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        if (!m->bus)
                return;

        r = sd_bus_message_new_signal(m->bus, &msg, BUS_PATH, BUS_MANAGER_INTERFACE,
                                      "MountHardened");
        if (r >= 0)
                r = sd_bus_message_append(msg, "o", bus_mount_path(s, path, sizeof(path)));
        if (r >= 0)
                r = bus_append_flags(msg, flags_added);
        if (r >= 0)
                r = sd_bus_send(m->bus, msg, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to send MountHardened: %m");
}

void bus_remount_failed(Manager *m, MountState *s, int error)
{
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        if (!m->bus)
                return;

        r = sd_bus_emit_signal(m->bus, BUS_PATH, BUS_MANAGER_INTERFACE, "RemountFailed", "os",
                               bus_mount_path(s, path, sizeof(path)), strerror(abs(error)));
        if (r < 0)
                log_debug_errno(r, "Failed to send RemountFailed: %m");
}

void bus_override_expired(Manager *m, const char *pattern)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL;
        int r;

        if (!m->bus)
                return;

        r = sd_bus_message_new_signal(m->bus, &msg, BUS_PATH, BUS_MANAGER_INTERFACE,
                                      "OverrideExpired");
        if (r >= 0)
                r = bus_append_path(msg, pattern);
        if (r >= 0)
                r = sd_bus_send(m->bus, msg, NULL);
        if (r < 0)
                log_debug_errno(r, "Failed to send OverrideExpired: %m");
}

/* Names the manager properties whose values differ between @a and @b into @names. */
static size_t changed_properties(const BusManagerSnapshot *a,
                                 const BusManagerSnapshot *b,
                                 const char **names)
{
        size_t n = 0;

        if (a->mode != b->mode)
                names[n++] = "Mode";
        if (a->config_digest != b->config_digest)
                names[n++] = "ConfigFiles";
        if (a->counts.total != b->counts.total)
                names[n++] = "MountsTotal";
        if (a->counts.compliant != b->counts.compliant)
                names[n++] = "MountsCompliant";
        if (a->counts.hardened != b->counts.hardened)
                names[n++] = "MountsHardened";
        if (a->counts.exempt != b->counts.exempt)
                names[n++] = "MountsExempt";
        if (a->counts.failed != b->counts.failed)
                names[n++] = "MountsFailed";
        if (a->remounts_applied != b->remounts_applied)
                names[n++] = "RemountsApplied";
        if (a->last_scan_usec != b->last_scan_usec)
                names[n++] = "LastScanUSec";

        names[n] = NULL;
        return n;
}

void bus_manager_changed(Manager *m)
{
        BusManagerSnapshot now;
        const char *names[16];
        int r;

        if (!announcing(m))
                return;

        bus_manager_snapshot(m, &now);
        if (changed_properties(&m->bus_context->announced, &now, names) == 0)
                return;
        m->bus_context->announced = now;

        r = sd_bus_emit_properties_changed_strv(m->bus, BUS_PATH, BUS_MANAGER_INTERFACE,
                                                (char **)names);
        if (r < 0)
                log_debug_errno(r, "Failed to announce manager changes: %m");
}
