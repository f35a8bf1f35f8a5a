/* What the parts of the daemon's bus face share: names, the context, the vtables, and helpers to
 * put mounts and flags into messages. */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "manager.h"

#define BUS_NAME "org.mountwarden1"
#define BUS_PATH "/org/mountwarden1"
#define BUS_MANAGER_INTERFACE "org.mountwarden1.Manager"
#define BUS_MOUNT_INTERFACE "org.mountwarden1.Mount"
#define BUS_MOUNT_PREFIX "/org/mountwarden1/mount"
#define BUS_MOUNT_PATH_MAX (sizeof(BUS_MOUNT_PREFIX) + 24)

typedef struct BusAuthQuery BusAuthQuery;

/* The manager's changing properties as last announced: PropertiesChanged names only those that
 * differ since. */
typedef struct BusManagerSnapshot {
        MwMode mode;
        ManagerCounts counts;
        uint64_t remounts_applied;
        uint64_t last_scan_usec;
        uint64_t config_digest;
} BusManagerSnapshot;

struct BusContext {
        sd_event_source *retry_source; /* connects again while the bus is not there */
        BusAuthQuery *auth_queries;    /* polkit questions still open */
        BusManagerSnapshot announced;

        sd_event_source *rescan_source;  /* the next paced Rescan scan */
        sd_bus_message **rescan_waiting; /* Rescan calls that scan will answer */
        size_t n_rescan_waiting;
        uint64_t last_rescan_usec;       /* CLOCK_MONOTONIC start of the last Rescan scan */
};

extern const sd_bus_vtable bus_manager_vtable[];
extern const sd_bus_vtable bus_mount_vtable[];

/* bus-manager.c */
void bus_manager_snapshot(Manager *m, BusManagerSnapshot *ret);

/* bus-mount.c */
const char *bus_mount_path(const MountState *s, char *buf, size_t size);
int bus_mount_find(sd_bus *bus,
                   const char *path,
                   const char *interface,
                   void *userdata,
                   void **ret_found,
                   sd_bus_error *error);
int bus_mount_enumerate(sd_bus *bus,
                        const char *prefix,
                        void *userdata,
                        char ***ret_nodes,
                        sd_bus_error *error);
/* The decision as the bus shows it: "relaxed" for a mount left relaxed on purpose. */
const char *bus_mount_decision(const MountState *s);
/* A digest of everything the Mount interface shows that can change. */
uint64_t bus_mount_digest(const MountState *s);
/* FNV-1a: enough to tell whether announced values changed, nothing more. */
#define BUS_DIGEST_INIT 0xcbf29ce484222325ULL
uint64_t bus_digest_string(uint64_t h, const char *s);
/*
 * A path on the bus is the raw path when that is valid UTF-8 without a backslash, and its
 * mw_escape_path() form otherwise (a backslash itself as \134), so that one bus form names one
 * path. Paths coming in (targets, override patterns) are read back with mw_unescape_path().
 */
/* Appends @s in its bus form. */
int bus_append_path(sd_bus_message *msg, const char *s);
/* Sets @ret to the top-most mount at the path of bus form @target. Returns 0, -ENODEV when there
 * is none, or -ENOMEM. */
int bus_find_target(Manager *m, const char *target, MountState **ret);
/* Appends "as": the words of a comma-separated list ("rw,nosuid"). */
int bus_append_words(sd_bus_message *msg, const char *list);
/* Appends "as": the names of the enforceable flags in @flags. */
int bus_append_flags(sd_bus_message *msg, unsigned flags);

/* bus-rescan.c */
/**
 * bus_rescan() - answer Rescan @msg after a full scan that begins after it: at once when the last
 * Rescan's scan began at least a second ago (and ten times its length), else at the next such
 * time, one scan for every call waiting. Returns 1 when answered or waiting, or a negative errno
 * with @error set (LimitsExceeded when too many calls wait already).
 */
int bus_rescan(sd_bus_message *msg, Manager *m, sd_bus_error *error);
/* Drops the waiting Rescan calls unanswered (their connection is gone) and stops the timer. */
void bus_rescan_cancel(struct BusContext *c);
/* bus_rescan_cancel(), and frees what Rescan pacing holds. */
void bus_rescan_done(struct BusContext *c);

/* bus-auth.c */
typedef int (*BusAuthorizedFunc)(sd_bus_message *msg, Manager *m, sd_bus_error *error);

/**
 * bus_authorize() - run @func for @msg if its sender may change things: root at once, anyone
 * else once polkit allows action org.mountwarden1.manage. Returns what @func returns when it ran
 * now, 1 while polkit is being asked (the reply follows later), or -EACCES with @error set.
 */
int bus_authorize(Manager *m, sd_bus_message *msg, BusAuthorizedFunc func, sd_bus_error *error);
/* Drops the open polkit questions; their callers get no answer. */
void bus_auth_cancel_all(struct BusContext *c);
