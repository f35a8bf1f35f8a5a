/* A test helper standing in for polkitd: it owns org.freedesktop.PolicyKit1 on the test's private
 * bus and answers every CheckAuthorization with the verdict named on its command line, writing
 * down each question so a test can see what mountwardend asked, and about whom.
 *
 * Usage: fake-polkit allow|deny|challenge|error|hold LOGFILE [SECONDS]
 *   allow, deny, challenge: answer (authorized, challenge) = (true, false), (false, false),
 *   (false, true); error: answer org.freedesktop.PolicyKit1.Error.Failed; hold: never answer.
 * It prints "READY" once it owns the name and exits after SECONDS (300) at the latest.
 *
 * One log line per question, written before the answer is sent:
 *   action=ID subject=KIND name=NAME uid=UID pid=PID flags=FLAGS details=N
 * For a system-bus-name subject, uid and pid are those of the name's owner as the bus reports
 * them (which is how polkitd learns them); for a unix-process subject, as the subject gives
 * them. A value that is not known is "-". */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "macro.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"

typedef enum {
        VERDICT_ALLOW,
        VERDICT_DENY,
        VERDICT_CHALLENGE,
        VERDICT_ERROR,
        VERDICT_HOLD,
        _VERDICT_MAX,
        _VERDICT_INVALID = -EINVAL,
} Verdict;

static const char *const verdict_table[_VERDICT_MAX] = {
        [VERDICT_ALLOW] = "allow",
        [VERDICT_DENY] = "deny",
        [VERDICT_CHALLENGE] = "challenge",
        [VERDICT_ERROR] = "error",
        [VERDICT_HOLD] = "hold",
};

typedef struct Fake {
        Verdict verdict;
        FILE *log;
} Fake;

/* What one CheckAuthorization asked. Strings point into the request message. */
typedef struct Question {
        const char *kind;
        const char *name;
        const char *action;
        int64_t uid;
        int64_t pid;
        unsigned n_details;
        uint32_t flags;
} Question;

static Verdict verdict_from_string(const char *s)
{
        for (size_t i = 0; i < ELEMENTSOF(verdict_table); i++)
                if (streq(s, verdict_table[i]))
                        return (Verdict)i;

        return _VERDICT_INVALID;
}

/* One entry of the subject's a{sv}: name (s), pid (u) and uid (i) are kept, the rest skipped. */
static int read_subject_detail(sd_bus_message *msg, Question *q)
{
        const char *key;
        uint32_t pid;
        int32_t uid;
        int r;

        r = sd_bus_message_read(msg, "s", &key);
        if (r < 0)
                return r;

        if (streq(key, "name"))
                return sd_bus_message_read(msg, "v", "s", &q->name);
        if (streq(key, "pid")) {
                r = sd_bus_message_read(msg, "v", "u", &pid);
                q->pid = pid;
                return r;
        }
        if (streq(key, "uid")) {
                r = sd_bus_message_read(msg, "v", "i", &uid);
                q->uid = uid;
                return r;
        }

        return sd_bus_message_skip(msg, "v");
}

static int read_subject(sd_bus_message *msg, Question *q)
{
        int r;

        r = sd_bus_message_enter_container(msg, 'r', "sa{sv}");
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &q->kind);
        if (r >= 0)
                r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                r = read_subject_detail(msg, q);
                if (r >= 0)
                        r = sd_bus_message_exit_container(msg);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;

        return sd_bus_message_exit_container(msg);
}

static int read_question(sd_bus_message *msg, Question *q)
{
        const char *key, *value, *cancellation_id;
        int r;

        r = read_subject(msg, q);
        if (r >= 0)
                r = sd_bus_message_read(msg, "s", &q->action);
        if (r >= 0)
                r = sd_bus_message_enter_container(msg, 'a', "{ss}");
        while (r >= 0 && (r = sd_bus_message_read(msg, "{ss}", &key, &value)) > 0)
                q->n_details++;
        if (r >= 0)
                r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;

        return sd_bus_message_read(msg, "us", &q->flags, &cancellation_id);
}

/* Asks the bus who owns the subject's name, as polkitd does for a system-bus-name. The bus
 * knows the uid its peer had when connecting, the effective one, which sd-bus files as EUID. */
static int learn_name_owner(sd_bus *bus, Question *q)
{
        sd_bus_creds *creds = NULL;
        uid_t uid;
        pid_t pid;
        int r;

        r = sd_bus_get_name_creds(bus, q->name, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
        if (r < 0)
                return r;

        if (sd_bus_creds_get_euid(creds, &uid) >= 0)
                q->uid = uid;
        if (sd_bus_creds_get_pid(creds, &pid) >= 0)
                q->pid = pid;

        sd_bus_creds_unref(creds);
        return 0;
}

static void log_number(FILE *f, const char *key, int64_t value)
{
        if (value < 0)
                fprintf(f, " %s=-", key);
        else
                fprintf(f, " %s=%lld", key, (long long)value);
}

static void log_question(FILE *f, const Question *q)
{
        fprintf(f, "action=%s subject=%s name=%s", q->action, q->kind, q->name ?: "-");
        log_number(f, "uid", q->uid);
        log_number(f, "pid", q->pid);
        fprintf(f, " flags=%u details=%u\n", (unsigned)q->flags, q->n_details);
        fflush(f);
}

static int answer(sd_bus_message *msg, Verdict verdict)
{
        switch (verdict) {
        case VERDICT_ALLOW:
                return sd_bus_reply_method_return(msg, "(bba{ss})", true, false, 0);
        case VERDICT_DENY:
                return sd_bus_reply_method_return(msg, "(bba{ss})", false, false, 0);
        case VERDICT_CHALLENGE:
                return sd_bus_reply_method_return(msg, "(bba{ss})", false, true, 0);
        case VERDICT_ERROR:
                return sd_bus_reply_method_errorf(msg, "org.freedesktop.PolicyKit1.Error.Failed",
                                                  "The fake polkit was told to fail");
        case VERDICT_HOLD:
                /* Handled, to sd-bus: 0 would make it answer UnknownMethod. */
                return 1;
        case _VERDICT_MAX:
        case _VERDICT_INVALID:
                break;
        }

        return -EINVAL;
}

static int method_check_authorization(sd_bus_message *msg, void *userdata,
                                      sd_bus_error *ret_error)
{
        Question q = { .uid = -1, .pid = -1 };
        Fake *fake = userdata;
        int r;

        r = read_question(msg, &q);
        if (r < 0)
                return r;

        if (streq(q.kind, "system-bus-name") && q.name) {
                r = learn_name_owner(sd_bus_message_get_bus(msg), &q);
                if (r < 0)
                        fprintf(stderr, "fake-polkit: no owner for '%s': %s\n", q.name,
                                strerror(-r));
        }

        log_question(fake->log, &q);
        return answer(msg, fake->verdict);
}

static const sd_bus_vtable authority_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("CheckAuthorization",
                                SD_BUS_ARGS("(sa{sv})", subject, "s", action_id,
                                            "a{ss}", details, "u", flags,
                                            "s", cancellation_id),
                                SD_BUS_RESULT("(bba{ss})", result),
                                method_check_authorization, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000U + (uint64_t)ts.tv_nsec / 1000U;
}

/* Answers until the deadline. */
static int serve(sd_bus *bus, uint64_t deadline)
{
        int r;

        for (uint64_t now = now_usec(); now < deadline; now = now_usec()) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;

                r = sd_bus_wait(bus, deadline - now);
                if (r < 0)
                        return r;
        }

        return 0;
}

static int run(Fake *fake, unsigned long seconds)
{
        sd_bus *bus = NULL;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/PolicyKit1/Authority",
                                             "org.freedesktop.PolicyKit1.Authority",
                                             authority_vtable, fake);
        if (r >= 0)
                r = sd_bus_request_name(bus, POLKIT_NAME, 0);
        if (r >= 0) {
                puts("READY");
                fflush(stdout);
                r = serve(bus, now_usec() + seconds * 1000000U);
        }

        sd_bus_flush_close_unref(bus);
        return r;
}

int main(int argc, char *argv[])
{
        _cleanup_fclose_ FILE *log = NULL;
        unsigned long seconds = argc > 3 ? strtoul(argv[3], NULL, 10) : 300;
        Fake fake = {};
        int r;

        if (argc < 3) {
                fprintf(stderr, "Usage: fake-polkit allow|deny|challenge|error|hold LOGFILE "
                                "[SECONDS]\n");
                return 2;
        }

        fake.verdict = verdict_from_string(argv[1]);
        if (fake.verdict < 0) {
                fprintf(stderr, "fake-polkit: unknown verdict '%s'\n", argv[1]);
                return 2;
        }

        log = fopen(argv[2], "ae");
        if (!log) {
                fprintf(stderr, "fake-polkit: cannot open '%s': %m\n", argv[2]);
                return 1;
        }
        fake.log = log;

        r = run(&fake, seconds);
        if (r < 0) {
                fprintf(stderr, "fake-polkit: %s\n", strerror(-r));
                return 1;
        }

        return 0;
}
