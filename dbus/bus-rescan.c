/* Rescan, paced. Anyone may call it, and each call reads and decides the whole mount table: a few
 * callers in a loop would keep the daemon on a busy core. A call that comes too soon after the
 * last Rescan's scan waits for the next one instead, and that scan answers every call waiting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-error.h"
#include "bus-internal.h"
#include "enforce.h"
#include "log.h"
#include "macro.h"

/* Between two Rescan scans: at least a second, and ten times what the last scan took, so that
 * Rescan never takes more than a tenth of the daemon's time however large the table. */
#define RESCAN_INTERVAL_MIN_USEC (1000000ULL)
#define RESCAN_INTERVAL_FACTOR 10
/* Calls waiting at once; more are refused (dbus-daemon limits pending calls per sender too). */
#define RESCAN_WAITING_MAX 256

static uint64_t rescan_due(Manager *m)
{
        struct BusContext *c = m->bus_context;
        uint64_t interval = RESCAN_INTERVAL_FACTOR * m->last_scan_usec;

        if (c->last_rescan_usec == 0)
                return 0;
        if (interval < RESCAN_INTERVAL_MIN_USEC)
                interval = RESCAN_INTERVAL_MIN_USEC;

        return c->last_rescan_usec + interval;
}

/* Scans the whole table and answers the @n calls of @msgs with the outcome. */
static void rescan_and_reply(Manager *m, sd_bus_message *const *msgs, size_t n)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        m->bus_context->last_rescan_usec = manager_now_usec();
        r = manager_scan(m, true);
        if (r < 0)
                bus_error_setf(&error, r, "Failed to read the mount table: %s", strerror(-r));

        for (size_t i = 0; i < n; i++) {
                int k = r >= 0 ? sd_bus_reply_method_return(msgs[i], NULL)
                               : sd_bus_reply_method_error(msgs[i], &error);

                if (k < 0)
                        log_debug_errno(k, "Failed to answer a Rescan call: %m, ignoring");
        }
}

static int on_rescan_due(sd_event_source *source, uint64_t usec, void *userdata)
{
        Manager *m = userdata;
        struct BusContext *c = m->bus_context;

        rescan_and_reply(m, c->rescan_waiting, c->n_rescan_waiting);
        bus_rescan_cancel(c);
        return 0;
}

static int arm_timer(Manager *m, uint64_t when)
{
        struct BusContext *c = m->bus_context;
        int r;

        if (!c->rescan_source)
                return sd_event_add_time(m->event, &c->rescan_source, CLOCK_MONOTONIC, when, 0,
                                         on_rescan_due, m);

        r = sd_event_source_set_time(c->rescan_source, when);
        if (r < 0)
                return r;

        return sd_event_source_set_enabled(c->rescan_source, SD_EVENT_ONESHOT);
}

/* Keeps @msg to be answered by the scan at @when. Returns 1, or a negative errno. */
static int wait_for_scan(Manager *m, sd_bus_message *msg, uint64_t when, sd_bus_error *error)
{
        struct BusContext *c = m->bus_context;
        int r;

        if (!c->rescan_waiting) {
                c->rescan_waiting = calloc(RESCAN_WAITING_MAX, sizeof(sd_bus_message *));
                if (!c->rescan_waiting)
                        return -ENOMEM;
        }
        if (c->n_rescan_waiting >= RESCAN_WAITING_MAX)
                return bus_error_setf(error, -E2BIG, "Too many Rescan calls are waiting, try "
                                      "again in a second");

        if (c->n_rescan_waiting == 0) {
                r = arm_timer(m, when);
                if (r < 0)
                        return r;
        }

        c->rescan_waiting[c->n_rescan_waiting++] = sd_bus_message_ref(msg);
        return 1;
}

int bus_rescan(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        struct BusContext *c = m->bus_context;
        uint64_t due = rescan_due(m);

        if (c->n_rescan_waiting > 0 || manager_now_usec() < due)
                return wait_for_scan(m, msg, due, error);

        rescan_and_reply(m, &msg, 1);
        return 1;
}

void bus_rescan_cancel(struct BusContext *c)
{
        for (size_t i = 0; i < c->n_rescan_waiting; i++)
                sd_bus_message_unref(c->rescan_waiting[i]);
        c->n_rescan_waiting = 0;

        if (c->rescan_source)
                (void)sd_event_source_set_enabled(c->rescan_source, SD_EVENT_OFF);
}

void bus_rescan_done(struct BusContext *c)
{
        bus_rescan_cancel(c);
        c->rescan_source = sd_event_source_unref(c->rescan_source);
        free(c->rescan_waiting);
        c->rescan_waiting = NULL;
}
