/* The one mapping from errno to the D-Bus errors of org.mountwarden1, with messages for people. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bus-error.h"
#include "escape.h"
#include "macro.h"

/* NAME, ERRNO, MESSAGE: the message takes the subject (a path or pattern) for its "%s". */
#define BUS_ERRORS(X)                                                                              \
        X(SD_BUS_ERROR_INVALID_ARGS, EINVAL, "Invalid argument '%s'")                              \
        X(SD_BUS_ERROR_ACCESS_DENIED, EACCES,                                                      \
          "Access denied: changing mountwarden needs root or the polkit authorization "            \
          "org.mountwarden1.manage%s")                                                             \
        X(SD_BUS_ERROR_LIMITS_EXCEEDED, E2BIG, "Too many overrides, not adding '%s'")              \
        X(MW_BUS_ERROR_NO_SUCH_MOUNT, ENODEV, "No mount at '%s'")                                  \
        X(MW_BUS_ERROR_NO_SUCH_MOUNT, ENOENT, "The mount at '%s' is gone")                         \
        X(MW_BUS_ERROR_NO_SUCH_OVERRIDE, ENOKEY, "No override for '%s'")                           \
        X(MW_BUS_ERROR_NOT_HARDENED, ENODATA,                                                      \
          "mountwarden has not changed '%s': there is nothing to revert")                          \
        X(MW_BUS_ERROR_LOCKED, EPERM,                                                              \
          "The flags of '%s' are locked: it belongs to another user namespace")                    \
        X(MW_BUS_ERROR_MOUNT_CHANGED, ESTALE,                                                      \
          "Another mount or a symlink took the place of '%s'")                                     \
        X(MW_BUS_ERROR_BAD_CONFIG, EBADMSG, "The configuration is broken%s")

#define AS_MAP(name, code, message) SD_BUS_ERROR_MAP(name, code),
#define AS_ENTRY(name, code, message) { name, code, message },

const sd_bus_error_map mw_bus_error_map[] = {
        BUS_ERRORS(AS_MAP) SD_BUS_ERROR_MAP_END
};

static const struct {
        const char *name;
        int code;
        const char *message;
} bus_errors[] = { BUS_ERRORS(AS_ENTRY) };

/* Sets the error with a message that is valid UTF-8 whatever bytes went into it: sd-bus refuses
 * to send anything else, and the caller would get no answer at all. */
static int set_checked(sd_bus_error *error, const char *name, int err, const char *message)
{
        _cleanup_free_ char *escaped = NULL;

        if (!mw_utf8_valid(message))
                escaped = mw_escape_path(message);
        if (name)
                sd_bus_error_set(error, name, escaped ?: message);
        else
                sd_bus_error_set_errnof(error, abs(err), "%s", escaped ?: message);

        return -abs(err);
}

static int find_entry(int err)
{
        for (size_t i = 0; i < ELEMENTSOF(bus_errors); i++)
                if (bus_errors[i].code == abs(err))
                        return (int)i;

        return -1;
}

int bus_error_set(sd_bus_error *error, int err, const char *subject)
{
        char message[4096 + 256];
        int i = find_entry(err);

        if (i < 0) {
                snprintf(message, sizeof(message), "%s%s%s", subject ?: "", subject ? ": " : "",
                         strerror(abs(err)));
                return set_checked(error, NULL, err, message);
        }

        /* The formats come from the constant table above, each with one "%s". */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(message, sizeof(message), bus_errors[i].message, subject ?: "");
#pragma GCC diagnostic pop
        return set_checked(error, bus_errors[i].name, err, message);
}

int bus_error_setf(sd_bus_error *error, int err, const char *format, ...)
{
        char message[4096 + 256];
        int i = find_entry(err);
        va_list ap;

        va_start(ap, format);
        vsnprintf(message, sizeof(message), format, ap);
        va_end(ap);

        return set_checked(error, i >= 0 ? bus_errors[i].name : NULL, err, message);
}
