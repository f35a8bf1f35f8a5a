/* The daemon's core: scan the mount table, carry per-mount state across scans, decide for new
 * and changed mounts and apply the safe remount. */
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "bus.h"
#include "config.h"
#include "escape.h"
#include "log.h"
#include "enforce.h"
#include "macro.h"
#include "manager.h"
#include "mountevents.h"
#include "state.h"

uint64_t manager_now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

MountState *mount_state_free(MountState *s)
{
        if (!s)
                return NULL;

        free(s->rule_origin);
        free(s->target);
        if (s->own_mount) {
                mw_mount_done(s->own_mount);
                free(s->own_mount);
        }
        free(s);
        return NULL;
}

static size_t table_index(const MwTable *t, const MwMount *mnt)
{
        return (size_t)(mnt - mw_table_get(t, 0));
}

int manager_new(const ManagerOptions *opts, Manager **ret)
{
        _cleanup_free_ Manager *m = NULL;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;

        m->opts = *opts;
        m->mode_forced = opts->mode_override;
        m->mount_events_fd = -1;

        r = sd_event_default(&m->event);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(m);
        return 0;
}

static void manager_free_states(Manager *m)
{
        size_t n = mw_table_size(m->table);

        for (size_t i = 0; m->states && i < n; i++)
                mount_state_free(m->states[i]);
        free(m->states);
        m->states = NULL;
}

Manager *manager_free(Manager *m)
{
        if (!m)
                return NULL;

        bus_done(m);
        manager_free_states(m);
        mw_table_free(m->table);
        mw_policy_free(m->policy);
        for (size_t i = 0; i < m->n_overrides; i++)
                mw_override_done(&m->overrides[i]);
        free(m->overrides);

        for (size_t i = 0; i < m->n_fast; i++)
                mount_state_free(m->fast[i].state);
        free(m->fast);
        sd_event_source_unref(m->mount_events_source);
        if (m->mount_events_fd >= 0)
                close(m->mount_events_fd);

        sd_event_source_unref(m->state_save_source);
        sd_event_source_unref(m->override_timer);
        sd_event_source_unref(m->monitor_source);
        sd_event_source_unref(m->scan_source);
        sd_event_source_unref(m->retry_source);
        mnt_unref_monitor(m->monitor);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

void manager_update_mode(Manager *m)
{
        MwMode old = m->mode;

        m->mode = m->mode_forced >= 0 ? (MwMode)m->mode_forced : m->policy->mode;
        if (m->ready && old != m->mode)
                log_notice("Mode is now %s", mw_mode_to_string(m->mode));
}

int manager_load_config(Manager *m, bool reload, char **ret_error)
{
        _cleanup_(mw_config_error_done) MwConfigError err = {};
        _cleanup_free_ char *problem = NULL;
        MwPolicy *p = NULL;
        int r;

        r = mw_config_load(m->opts.config_file, m->opts.dropin_dir, &p, &err);
        if (r < 0) {
                problem = mw_config_error_to_string(&err, m->opts.config_file, r);
                log_error("%s%s", problem ?: strerror(-r),
                          reload ? ", keeping the previous policy" : "");
                if (ret_error)
                        *ret_error = TAKE_PTR(problem);
                return r;
        }

        mw_policy_free(m->policy);
        m->policy = p;
        manager_update_mode(m);

        if (reload)
                log_notice("Policy reloaded: %zu rules, mode %s, relaxed mounts: %s", p->n_rules,
                           mw_mode_to_string(m->mode), mw_relaxed_to_string(p->relaxed));
        return 0;
}

int manager_reload(Manager *m, char **ret_error)
{
        int r;

        sd_notify(false, "RELOADING=1\nSTATUS=Reloading the policy");
        r = manager_load_config(m, true, ret_error);
        if (r >= 0)
                manager_redecide_all(m);
        manager_notify_status(m, true);
        return r;
}

MountState *manager_find_state(Manager *m, uint64_t id)
{
        const MwMount *mnt = mw_table_find(m->table, id);

        return mnt ? m->states[table_index(m->table, mnt)] : NULL;
}

const char *mount_state_rule(const MountState *s)
{
        return s->rule_origin ?: "-";
}

typedef struct ScanContext {
        Manager *m;
        MwTable *table;
        MountState **states;
        int error;
} ScanContext;

static int set_target(MountState *s, const MwMount *mnt)
{
        char *t = mw_escape_path(mnt->target);

        if (!t)
                return -ENOMEM;

        free(s->target);
        s->target = t;
        return 0;
}

static MountState **old_slot(Manager *m, const MwMount *old)
{
        return &m->states[table_index(m->table, old)];
}

/* Whether a flags change took away a flag that was required and present before. */
static bool is_relaxation(const MountState *s, const MwMount *old, const MwMount *new)
{
        unsigned required = s->decision.required | s->added_flags;

        return (old->flags & required & ~new->flags) != 0;
}

static int compare_fast(const void *a, const void *b)
{
        uint64_t x = ((const FastMount *)a)->id, y = ((const FastMount *)b)->id;

        return (x > y) - (x < y);
}

/* The state of a mount hardened on a fanotify event before this scan, if any: the scan takes it
 * over, so the original flags and the log line it already has are kept. m->fast is sorted. */
static FastMount *find_fast(Manager *m, uint64_t id)
{
        FastMount key = { .id = id };

        return m->n_fast > 0 ? bsearch(&key, m->fast, m->n_fast, sizeof(FastMount), compare_fast)
                             : NULL;
}

static MountState *adopt_fast(Manager *m, const MwMount *mnt)
{
        FastMount *f = mnt->id_unique ? find_fast(m, mnt->id) : NULL;
        MountState *s;

        if (!f || !f->state)
                return NULL;

        s = TAKE_PTR(f->state);
        /* Relaxed by hand between the fast remount and this scan: the table never showed the
         * flags the daemon gave it, so only the copy kept from then tells. */
        s->relaxed_event = is_relaxation(s, s->own_mount, mnt);
        mw_mount_done(s->own_mount);
        free(s->own_mount);
        s->own_mount = NULL;
        return s;
}

static void forget_fast(Manager *m)
{
        for (size_t i = 0; i < m->n_fast; i++)
                mount_state_free(m->fast[i].state);
        m->n_fast = 0;
}

static int on_change(MwChange change, const MwMount *old, const MwMount *new, void *userdata)
{
        ScanContext *c = userdata;
        Manager *m = c->m;
        MountState *s;

        switch (change) {
        case MW_CHANGE_ADDED:
                s = adopt_fast(m, new);
                if (!s)
                        s = calloc(1, sizeof(*s));
                if (!s)
                        return -ENOMEM;
                s->needs_decision = true;
                s->is_new = true;
                c->states[table_index(c->table, new)] = s;
                return set_target(s, new);

        case MW_CHANGE_FLAGS:
        case MW_CHANGE_MOVED:
                s = TAKE_PTR(*old_slot(m, old));
                s->needs_decision = true;
                s->relaxed_event = is_relaxation(s, old, new);
                c->states[table_index(c->table, new)] = s;
                return change == MW_CHANGE_MOVED ? set_target(s, new) : 0;

        case MW_CHANGE_REMOVED:
                s = TAKE_PTR(*old_slot(m, old));
                m->state_dirty |= s->have_original;
                bus_mount_removed(m, s);
                mount_state_free(s);
                return 0;

        case _MW_CHANGE_MAX:
                break;
        }

        return -EINVAL;
}

static int read_table(Manager *m, MwTable **ret)
{
        unsigned skipped = 0;
        int r;

        r = mw_table_read_live(m->opts.backend, ret, &skipped);
        if (r < 0)
                return log_error_errno(r, "Failed to read the mount table: %m, will retry on "
                                       "the next change");

        if (skipped != m->skipped_lines_reported)
                log_warning("Skipped %u mount table entries that could not be parsed",
                            skipped);
        m->skipped_lines_reported = skipped;
        return 0;
}

/* Moves the states of mounts that did not change over to the new table. */
static void carry_unchanged(Manager *m, ScanContext *c)
{
        size_t n = mw_table_size(c->table);

        for (size_t i = 0; i < n; i++) {
                const MwMount *mnt = mw_table_get(c->table, i);

                if (!c->states[i])
                        c->states[i] = TAKE_PTR(*old_slot(m, mw_table_find(m->table, mnt->id)));
                c->states[i]->mount = mnt;
        }
}

/* Decides (and applies) for the mounts of the new snapshot that changed, or for all. */
static void process_scanned(Manager *m, bool all)
{
        size_t n = mw_table_size(m->table);

        for (size_t i = 0; i < n; i++) {
                MountState *s = m->states[i];

                if (!all && !s->needs_decision && !s->stale_once)
                        continue;

                mount_process(m, s, s->relaxed_event);
                if (s->is_new) {
                        bus_mount_added(m, s);
                        if (s->unannounced_flags)
                                bus_mount_hardened(m, s, s->unannounced_flags);
                        s->unannounced_flags = 0;
                } else
                        bus_mount_changed(m, s);
                s->needs_decision = s->relaxed_event = s->is_new = false;
        }
}

int manager_scan(Manager *m, bool all)
{
        _cleanup_table_ MwTable *table = NULL;
        ScanContext c = { .m = m };
        uint64_t start = manager_now_usec();
        size_t n;
        int r;

        m->last_scan_start_usec = start;

        r = read_table(m, &table);
        if (r < 0)
                return r;

        n = mw_table_size(table);
        c.table = table;
        c.states = calloc(n ?: 1, sizeof(MountState *));
        if (!c.states)
                return log_oom();

        r = mw_table_diff(m->table, table, on_change, &c);
        forget_fast(m); /* the rest were unmounted before this scan */
        if (r < 0) {
                /* Out of memory halfway: states are split between the two tables. Stop, and
                 * let the service manager start afresh from the state file. */
                for (size_t i = 0; i < n; i++)
                        mount_state_free(c.states[i]);
                free(c.states);
                (void)sd_event_exit(m->event, r);
                return log_error_errno(r, "Failed to compare mount tables: %m, stopping");
        }

        carry_unchanged(m, &c);
        manager_free_states(m);
        mw_table_free(m->table);
        m->table = TAKE_PTR(table);
        m->states = c.states;

        state_restore(m);
        process_scanned(m, all);

        m->last_scan_usec = manager_now_usec() - start;
        if (m->ready)
                manager_notify_status(m, false);
        state_save(m);
        bus_manager_changed(m);
        return 0;
}

/* A fresh scan, not the last snapshot: mounts may have come and gone since, and deciding on a
 * stale entry would report a mount that is simply gone as a failure. */
int manager_redecide_all(Manager *m)
{
        return manager_scan(m, true);
}

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata)
{
        Manager *m = userdata;
        uint64_t now = manager_now_usec();
        size_t n = mw_table_size(m->table);

        for (size_t i = 0; i < n; i++) {
                MountState *s = m->states[i];

                if (s->backoff_until_usec == 0 || s->backoff_until_usec > now)
                        continue;

                s->backoff_until_usec = 0;
                mount_process(m, s, false);
                bus_mount_changed(m, s);
        }

        bus_manager_changed(m);
        return 0;
}

void manager_arm_retry(Manager *m, uint64_t when)
{
        uint64_t current;
        int enabled = SD_EVENT_OFF;
        int r;

        if (!m->retry_source) {
                r = sd_event_add_time(m->event, &m->retry_source, CLOCK_MONOTONIC, when, 0,
                                      on_retry, m);
                if (r < 0)
                        log_warning_errno(r, "Failed to arm the retry timer: %m, ignoring");
                return;
        }

        (void)sd_event_source_get_enabled(m->retry_source, &enabled);
        if (enabled != SD_EVENT_OFF && sd_event_source_get_time(m->retry_source, &current) >= 0 &&
            current <= when)
                return;

        (void)sd_event_source_set_time(m->retry_source, when);
        (void)sd_event_source_set_enabled(m->retry_source, SD_EVENT_ONESHOT);
}

static int on_scan(sd_event_source *source, uint64_t usec, void *userdata)
{
        Manager *m = userdata;

        (void)manager_scan(m, false);
        return 0;
}

/* Every wake-up asks for one scan; a scan already asked for covers it. After a scan, the next
 * one waits as long as the last one took: a single mount is seen at once, while a burst of
 * events on a large table costs at most half of a CPU, however long the burst lasts. */
void manager_schedule_scan(Manager *m)
{
        uint64_t when = m->last_scan_start_usec + 2 * m->last_scan_usec;
        int enabled = SD_EVENT_OFF;
        int r;

        (void)sd_event_source_get_enabled(m->scan_source, &enabled);
        if (enabled != SD_EVENT_OFF)
                return;

        r = sd_event_source_set_time(m->scan_source, when);
        if (r >= 0)
                r = sd_event_source_set_enabled(m->scan_source, SD_EVENT_ONESHOT);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule a scan: %m, ignoring");
}

static int on_monitor(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        Manager *m = userdata;
        int r;

        /* Drain: libmount reports each change once; one scan covers them all. */
        do
                r = mnt_monitor_next_change(m->monitor, NULL, NULL);
        while (r == 0);

        manager_schedule_scan(m);
        return 0;
}

/* A mount just attached: decide and harden it at once, without waiting for a scan of the
 * whole table. Anything unusual (gone already, in the way, not ours to decide yet) is left to
 * the scan that the mountinfo monitor triggers for the same mount. */
/* Keeps m->fast sorted by id. New mounts get ever larger unique ids, so this appends but for
 * the rare mount that the kernel numbered before one already waiting. */
static int add_fast(Manager *m, MountState *s)
{
        uint64_t id = s->mount->id;
        FastMount *fast;
        size_t i;

        if (m->n_fast == m->n_fast_allocated) {
                size_t n = m->n_fast_allocated ? 2 * m->n_fast_allocated : 16;

                fast = reallocarray(m->fast, n, sizeof(FastMount));
                if (!fast)
                        return -ENOMEM;
                m->fast = fast;
                m->n_fast_allocated = n;
        }

        for (i = m->n_fast; i > 0 && m->fast[i - 1].id > id; i--)
                ;
        memmove(m->fast + i + 1, m->fast + i, (m->n_fast - i) * sizeof(FastMount));
        m->fast[i] = (FastMount){ .id = id, .state = s };
        m->n_fast++;
        return 0;
}

/* Reads the mount with @id into @s as its own standalone copy. */
static int stat_into(MountState *s, uint64_t id)
{
        _cleanup_free_ MwMount *mnt = calloc(1, sizeof(MwMount));
        int r;

        if (!mnt)
                return -ENOMEM;

        r = mw_mount_stat(id, mnt);
        if (r < 0)
                return r;

        r = set_target(s, mnt);
        if (r < 0) {
                mw_mount_done(mnt);
                return r;
        }

        if (s->own_mount) {
                mw_mount_done(s->own_mount);
                free(s->own_mount);
        }
        s->own_mount = TAKE_PTR(mnt);
        s->mount = s->own_mount;
        return 0;
}

/* A mount just attached: decide and harden it at once, without waiting for a scan of the
 * whole table. Anything unusual (gone already, in the way, not ours to decide yet) is left to
 * the scan that the mountinfo monitor triggers for the same mount. A mount already waiting for
 * that scan and attached again (moved) keeps its state and its original flags. */
static int harden_attached(Manager *m, uint64_t id)
{
        FastMount *f;
        MountState *s;
        bool fresh;

        if (!m->ready || m->mode == MW_MODE_AUDIT || mw_table_find(m->table, id))
                return 0;

        f = find_fast(m, id);
        fresh = !f || !f->state;
        s = fresh ? calloc(1, sizeof(*s)) : f->state;
        if (!s)
                return log_oom();

        if (stat_into(s, id) < 0) {
                if (fresh)
                        mount_state_free(s);
                return 0;
        }

        mount_decide(m, s);
        if (s->decision.kind == MW_DECISION_HARDEN)
                mount_apply(m, s);
        if (!fresh)
                return 0;
        if (s->added_flags == 0 || add_fast(m, s) < 0) {
                mount_state_free(s);
                return 0;
        }

        state_save_soon(m);
        return 0;
}

static int on_mount_event(MwMountEvent ev, uint64_t id, void *userdata)
{
        Manager *m = userdata;

        switch (ev) {
        case MW_MOUNT_EVENT_ATTACH:
                return harden_attached(m, id);
        case MW_MOUNT_EVENT_OVERFLOW:
                manager_schedule_scan(m);
                return 0;
        case MW_MOUNT_EVENT_DETACH:
        case _MW_MOUNT_EVENT_MAX:
                break;
        }

        return 0;
}

static int on_mount_events(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
        Manager *m = userdata;
        int r;

        r = mw_mount_events_read(fd, on_mount_event, m);
        if (r < 0) {
                log_debug_errno(r, "Failed to read mount events: %m, rescanning");
                manager_schedule_scan(m);
        }

        return 0;
}

/* fanotify names each new mount by its unique id: only with the statmount backend can the
 * daemon look at that one mount on its own. Without it the mountinfo monitor does it all. */
static int watch_mount_events(Manager *m)
{
        int r;

        if (m->opts.backend != MW_BACKEND_STATMOUNT)
                return 0;

        r = mw_mount_events_open(&m->mount_events_fd);
        if (r < 0) {
                log_info("No fanotify mount events on this kernel (%s), new mounts wait for a "
                         "scan of the whole table", strerror(-r));
                return 0;
        }

        r = sd_event_add_io(m->event, &m->mount_events_source, m->mount_events_fd, EPOLLIN,
                            on_mount_events, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch mount events: %m");

        /* Before a pending scan: a new mount is hardened first, the scan catches up after. */
        return sd_event_source_set_priority(m->mount_events_source, SD_EVENT_PRIORITY_IMPORTANT);
}

int manager_watch(Manager *m)
{
        int fd, r;

        m->monitor = mnt_new_monitor();
        if (!m->monitor)
                return log_oom();

        r = mnt_monitor_enable_kernel(m->monitor, true);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the kernel mount table: %m");

        fd = mnt_monitor_get_fd(m->monitor);
        if (fd < 0)
                return log_error_errno(fd, "Failed to open the mount monitor: %m");

        r = sd_event_add_io(m->event, &m->monitor_source, fd, EPOLLIN, on_monitor, m);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the mount monitor: %m");

        /* Accuracy 1 us: the default of 0 lets sd-event delay the scan by up to 250 ms. */
        r = watch_mount_events(m);
        if (r < 0)
                return r;

        r = sd_event_add_time(m->event, &m->scan_source, CLOCK_MONOTONIC, 0, 1, on_scan, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the scan timer: %m");

        return sd_event_source_set_enabled(m->scan_source, SD_EVENT_OFF);
}

void manager_note_flags(Manager *m, MountState *s, unsigned flags)
{
        if (s->own_mount)
                s->own_mount->flags = flags;
        else
                (void)mw_table_set_flags(m->table, s->mount->id, flags);
}

void manager_notify_status(Manager *m, bool ready)
{
        ManagerCounts c;
        char status[sizeof(m->status)];

        manager_count(m, &c);
        snprintf(status, sizeof(status), "%s %u mounts: %u hardened, %u failed",
                 m->mode == MW_MODE_AUDIT ? "Auditing" : "Watching", c.total, c.hardened,
                 c.failed);
        if (!ready && streq(status, m->status))
                return;

        memcpy(m->status, status, sizeof(status));
        sd_notifyf(false, "%sSTATUS=%s", ready ? "READY=1\n" : "", status);
}

void manager_count(Manager *m, ManagerCounts *ret)
{
        size_t n = mw_table_size(m->table);
        ManagerCounts c = { .total = (unsigned)n };

        for (size_t i = 0; i < n; i++) {
                const MountState *s = m->states[i];

                if (s->added_flags)
                        c.hardened++;

                switch (s->decision.kind) {
                case MW_DECISION_COMPLIANT:
                        c.compliant++;
                        break;
                case MW_DECISION_HARDEN:
                        c.pending++;
                        break;
                case MW_DECISION_EXEMPT:
                        c.exempt++;
                        break;
                case MW_DECISION_IGNORED:
                        c.ignored++;
                        break;
                case MW_DECISION_FAILED:
                case MW_DECISION_LOCKED:
                        c.failed++;
                        break;
                case _MW_DECISION_MAX:
                        break;
                }
        }

        *ret = c;
}
