/* The daemon's state: the policy in force, the last snapshot of the mount table with one state
 * per mount, overrides, counters, and the scan that ties them together. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "mounttable.h"
#include "policy.h"

typedef struct Manager Manager;

/* What the daemon knows about one mount, beyond the snapshot entry itself. */
typedef struct MountState {
        const MwMount *mount; /* entry of Manager.table; re-pointed after every scan */
        char *target;         /* mount->target escaped: printable, valid UTF-8, one line */
        MwDecision decision;
        char *rule_origin;    /* copy of decision.rule->origin: rules die with a reload */

        bool have_original;
        unsigned original_flags; /* flags before the daemon first changed the mount */
        unsigned added_flags;    /* flags the daemon added and still holds responsible for */

        int last_error;       /* negative errno of the last failed remount, 0 if none */
        bool locked;          /* EPERM: flags locked (user namespace); never retried */
        bool covered;         /* another mount sits on top: it cannot be reached by path */
        bool relaxed_by_hand; /* relaxed by hand under relaxed="respect", or reverted: left
                               * alone until it is compliant again */
        bool reported;        /* the current non-compliance was logged already */

        /* Rate limit for re-hardening a mount that keeps being relaxed. */
        uint64_t burst_start_usec;
        unsigned burst_count;
        uint64_t backoff_until_usec;

        bool needs_decision;
        bool stale_once;    /* the last remount met another mount: look once more next scan */
        bool relaxed_event; /* the change being processed took required flags away */
        bool is_new;        /* appeared in the scan being processed */

        /* Hardened on a fanotify event before any scan saw it: the mount is a standalone copy
         * until the next scan adopts the state. */
        MwMount *own_mount;
        /* Flags added before the mount's bus object was announced; MountHardened follows the
         * announcement. */
        unsigned unannounced_flags;

        uint64_t bus_digest; /* dbus/: digest of the properties last announced on the bus */
} MountState;

/* A mount hardened on a fanotify event, by id; state is NULL once a scan adopted it. */
typedef struct FastMount {
        uint64_t id;
        MountState *state;
} FastMount;

typedef struct ManagerOptions {
        const char *config_file;
        const char *dropin_dir;
        const char *state_dir;
        const char *persist_dir;
        const char *cmdline_file;
        MwBackend backend;
        bool force_fallback;
        bool use_bus;
        int mode_override; /* MwMode, or -1 */
} ManagerOptions;

struct Manager {
        ManagerOptions opts;
        sd_event *event;
        sd_bus *bus;
        struct BusContext *bus_context; /* owned by dbus/ */

        MwPolicy *policy;
        MwMode mode;        /* effective */
        int mode_forced;    /* from --mode, the kernel command line or SetMode; else -1 */

        MwOverride *overrides;
        size_t n_overrides;
        sd_event_source *override_timer;

        MwTable *table;
        MountState **states; /* parallel to table entries */

        struct libmnt_monitor *monitor;
        sd_event_source *monitor_source;
        sd_event_source *scan_source;   /* deferred/timed scan after a wake-up */
        sd_event_source *retry_source;  /* re-decides mounts whose back-off ended */
        int mount_events_fd; /* fanotify mount events (Linux 6.15), or -1 */
        sd_event_source *mount_events_source;
        struct FastMount *fast; /* hardened ahead of the next scan, to be adopted by it */
        size_t n_fast, n_fast_allocated;
        uint64_t last_scan_start_usec;
        uint64_t last_scan_usec;        /* how long the last scan took */

        unsigned skipped_lines_reported;
        uint64_t remounts_applied;
        unsigned n_failed_sweep; /* failures in the current --once sweep */
        bool ready;
        bool state_restored;
        bool state_dirty; /* original flags changed since the state file was written */
        sd_event_source *state_save_source;
        char status[128]; /* the last STATUS= sent to the service manager */
};

int manager_new(const ManagerOptions *opts, Manager **ret);
Manager *manager_free(Manager *m);

/* Loads the configuration (at start: an error is fatal; on reload the old policy stays). The
 * error is logged and, with @ret_error, handed back as "file:line: message". */
int manager_load_config(Manager *m, bool reload, char **ret_error);

/* SIGHUP and Reload(): tells the service manager, loads the configuration again and, when it
 * is good, decides again for every mount. */
int manager_reload(Manager *m, char **ret_error);

/* Opens the mount monitor and hooks it into the event loop. Must precede the first scan. */
int manager_watch(Manager *m);

/* Reads the mount table, updates mount states and decides/applies for new or changed mounts
 * (all of them with @all). */
int manager_scan(Manager *m, bool all);

/* Re-decides every mount, e.g. after a reload, an override or a mode change. */
int manager_redecide_all(Manager *m);

/* Sets the effective mode from the config, unless forced. */
void manager_update_mode(Manager *m);

/* Counters for status output. */
typedef struct ManagerCounts {
        unsigned total, compliant, hardened, exempt, ignored, failed, pending;
} ManagerCounts;
void manager_count(Manager *m, ManagerCounts *ret);

/* Sends STATUS= (and, with @ready, READY=1) to the service manager when the summary changed. */
void manager_notify_status(Manager *m, bool ready);

/* Finds the state of the mount with @id, or NULL. */
MountState *manager_find_state(Manager *m, uint64_t id);

/* The rule as "file:line", "override 'PATTERN'" or "-". */
const char *mount_state_rule(const MountState *s);

/* Clears the flags of @clear that the daemon added itself on the mount of @s (never ones it had
 * before) and forgets them; @why ends the log line. Returns 0, also when nothing was to clear,
 * or the negative errno of the remount (logged). */
int manager_relax(Manager *m, MountState *s, unsigned clear, const char *why);

/* Gives the mount of @s back the flags it had before the daemon changed it, and leaves it so
 * until it is compliant again. Returns 0, -ENODATA when the daemon holds no flags of it, or the
 * negative errno of the remount (logged). */
int manager_revert(Manager *m, MountState *s);


static inline void manager_freep(Manager **m)
{
        manager_free(*m);
}
