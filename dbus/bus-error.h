/* The D-Bus errors of org.mountwarden1: one table from errno to error name and message, shared by
 * the daemon (which answers with them) and mountwardenctl (which maps them back). */
#pragma once

#include <systemd/sd-bus.h>

#define MW_BUS_ERROR_NO_SUCH_MOUNT "org.mountwarden1.Error.NoSuchMount"
#define MW_BUS_ERROR_NO_SUCH_OVERRIDE "org.mountwarden1.Error.NoSuchOverride"
#define MW_BUS_ERROR_NOT_HARDENED "org.mountwarden1.Error.NotHardened"
#define MW_BUS_ERROR_LOCKED "org.mountwarden1.Error.Locked"
#define MW_BUS_ERROR_MOUNT_CHANGED "org.mountwarden1.Error.MountChanged"
#define MW_BUS_ERROR_BAD_CONFIG "org.mountwarden1.Error.BadConfig"

/* For sd_bus_error_add_map(): error names to errno, so sd_bus_error_get_errno() knows ours. */
extern const sd_bus_error_map mw_bus_error_map[];

/**
 * bus_error_set() - set @error for the negative errno @err, with the table's message about
 * @subject (a path or pattern; may be NULL). Errnos the table lacks become System.Error.* with
 * strerror's text. Returns @err, so handlers can `return bus_error_set(...)`.
 */
int bus_error_set(sd_bus_error *error, int err, const char *subject);

/**
 * bus_error_setf() - like bus_error_set(), with a message of our own.
 */
int bus_error_setf(sd_bus_error *error, int err, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
