/* Logging for mountwardend: journal with structured fields, or plain lines on stderr. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "escape.h"
#include "log.h"

static bool use_journal;
static bool show_debug;

LogTarget log_target_from_string(const char *s)
{
        static const char *const names[_LOG_TARGET_MAX] = {
                [LOG_TARGET_AUTO] = "auto",
                [LOG_TARGET_JOURNAL] = "journal",
                [LOG_TARGET_STDERR] = "stderr",
        };

        for (int i = 0; i < _LOG_TARGET_MAX; i++)
                if (s && streq(s, names[i]))
                        return (LogTarget)i;

        return _LOG_TARGET_INVALID;
}

/* systemd sets $JOURNAL_STREAM to "dev:ino" of the stream it connected stderr to. */
static bool stderr_is_journal(void)
{
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
                return false;
        if (fstat(STDERR_FILENO, &st) < 0)
                return false;

        return st.st_dev == dev && st.st_ino == ino;
}

void log_setup(LogTarget target, bool debug)
{
        show_debug = debug;
        use_journal = target == LOG_TARGET_JOURNAL ||
                      (target == LOG_TARGET_AUTO && stderr_is_journal());
}

/* Expands %m to strerror(@error) before vsnprintf sees the format. */
static void format_message(char *buf, size_t size, int error, const char *format, va_list ap)
{
        char fmt[512];
        size_t j = 0;

        for (size_t i = 0; format[i] && j + 1 < sizeof(fmt); i++) {
                if (format[i] == '%' && format[i + 1] == 'm') {
                        const char *s = strerror(error);

                        for (; *s && j + 2 < sizeof(fmt); s++) {
                                if (*s == '%')
                                        fmt[j++] = '%';
                                fmt[j++] = *s;
                        }
                        i++;
                        continue;
                }
                if (format[i] == '%' && format[i + 1] == '%' && j + 2 < sizeof(fmt)) {
                        fmt[j++] = format[i++];
                        fmt[j++] = format[i];
                        continue;
                }
                fmt[j++] = format[i];
        }
        fmt[j] = '\0';

        /* The caller's format was checked against its arguments (_printf_ on log_full());
         * this copy differs only in %m spelled out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        vsnprintf(buf, size, fmt, ap);
#pragma GCC diagnostic pop
}

static void add_field(struct iovec *iov, size_t *n, char *buf, size_t size, const char *name,
                      const char *value)
{
        if (!value)
                return;

        snprintf(buf, size, "%s=%s", name, value);
        iov[*n].iov_base = buf;
        iov[*n].iov_len = strlen(buf);
        (*n)++;
}

static void send_journal(int level, int error, const LogMountFields *f, const char *message)
{
        char b_msg[8192 + 16], b_prio[32], b_errno[32], b_id[64], b_target[16448], b_rule[4352],
                b_flags[128], b_fstype[256], num[16];
        _cleanup_free_ char *target = NULL;
        struct iovec iov[8];
        size_t n = 0;

        add_field(iov, &n, b_msg, sizeof(b_msg), "MESSAGE", message);
        snprintf(num, sizeof(num), "%d", level);
        add_field(iov, &n, b_prio, sizeof(b_prio), "PRIORITY", num);
        if (error != 0) {
                snprintf(num, sizeof(num), "%d", abs(error));
                add_field(iov, &n, b_errno, sizeof(b_errno), "ERRNO", num);
        }
        if (f) {
                target = f->target ? mw_escape_path(f->target) : NULL;
                add_field(iov, &n, b_id, sizeof(b_id), "MESSAGE_ID", f->message_id);
                add_field(iov, &n, b_target, sizeof(b_target), "MOUNTWARDEN_TARGET", target);
                add_field(iov, &n, b_rule, sizeof(b_rule), "MOUNTWARDEN_RULE", f->rule);
                add_field(iov, &n, b_flags, sizeof(b_flags), "MOUNTWARDEN_FLAGS_ADDED",
                          f->flags_added);
                add_field(iov, &n, b_fstype, sizeof(b_fstype), "MOUNTWARDEN_FSTYPE", f->fstype);
        }

        sd_journal_sendv(iov, (int)n);
}

int log_full(int level, int error, const LogMountFields *fields, const char *format, ...)
{
        char message[8192];
        va_list ap;

        if (level == LOG_DEBUG && !show_debug)
                return -abs(error);

        va_start(ap, format);
        format_message(message, sizeof(message), abs(error), format, ap);
        va_end(ap);

        if (use_journal)
                send_journal(level, error, fields, message);
        else
                fprintf(stderr, "mountwardend: %s\n", message);

        return -abs(error);
}
