/* Logging for mountwardend: to the journal with structured fields when stderr is connected to
 * it, else one readable line per event on stderr. */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "macro.h"

typedef enum LogTarget {
        LOG_TARGET_AUTO,
        LOG_TARGET_JOURNAL,
        LOG_TARGET_STDERR,
        _LOG_TARGET_MAX,
        _LOG_TARGET_INVALID = -EINVAL,
} LogTarget;

LogTarget log_target_from_string(const char *s);
void log_setup(LogTarget target, bool debug);

/* Structured fields of a mount event; any may be NULL. The target is given raw: it is escaped
 * for both the message and the MOUNTWARDEN_TARGET= field. */
typedef struct LogMountFields {
        const char *message_id;
        const char *target;
        const char *rule;
        const char *flags_added;
        const char *fstype;
} LogMountFields;

/* Logs at @level; returns -abs(@error) so callers can `return log_error_errno(r, ...)`.
 * In the message, %m stands for strerror(@error). */
int log_full(int level, int error, const LogMountFields *fields, const char *format, ...)
        _printf_(4, 5);

#define log_debug(...) log_full(LOG_DEBUG, 0, NULL, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, 0, NULL, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, 0, NULL, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, 0, NULL, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, 0, NULL, __VA_ARGS__)
#define log_warning_errno(e, ...) log_full(LOG_WARNING, (e), NULL, __VA_ARGS__)
#define log_error_errno(e, ...) log_full(LOG_ERR, (e), NULL, __VA_ARGS__)
#define log_debug_errno(e, ...) log_full(LOG_DEBUG, (e), NULL, __VA_ARGS__)
#define log_oom() log_full(LOG_ERR, ENOMEM, NULL, "Out of memory")
