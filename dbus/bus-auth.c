/* Who may change things over the bus: root, or whoever polkit allows org.mountwarden1.manage.
 * polkit is asked asynchronously, so a password prompt never stalls the daemon's event loop. */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"
#include "macro.h"

#define POLKIT_ACTION "org.mountwarden1.manage"
#define POLKIT_ALLOW_USER_INTERACTION 1U

struct BusAuthQuery {
        Manager *manager;
        sd_bus_message *request;
        BusAuthorizedFunc func;
        sd_bus_slot *slot;
        BusAuthQuery *next;
};

static void query_free(BusAuthQuery *q)
{
        sd_bus_slot_unref(q->slot);
        sd_bus_message_unref(q->request);
        free(q);
}

static void query_unlink(BusAuthQuery *q)
{
        BusAuthQuery **p = &q->manager->bus_context->auth_queries;

        while (*p && *p != q)
                p = &(*p)->next;
        if (*p)
                *p = q->next;
}

void bus_auth_cancel_all(struct BusContext *c)
{
        while (c->auth_queries) {
                BusAuthQuery *q = c->auth_queries;

                c->auth_queries = q->next;
                query_free(q);
        }
}

static int sender_is_root(sd_bus_message *msg)
{
        sd_bus_creds *creds = NULL;
        uid_t uid;
        int r;

        r = sd_bus_query_sender_creds(msg, SD_BUS_CREDS_EUID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r < 0)
                return r;

        r = sd_bus_creds_get_euid(creds, &uid);
        sd_bus_creds_unref(creds);
        if (r < 0)
                return r;

        return uid == 0;
}

/* polkit's answer is (bba{ss}): authorized, challenge, details. Any error, polkit missing from
 * the bus included, means no. */
static bool polkit_allowed(sd_bus_message *reply)
{
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int authorized = 0, challenge = 0;

        if (e) {
                log_debug("polkit did not answer: %s, denying", e->message ?: e->name);
                return false;
        }

        if (sd_bus_message_enter_container(reply, 'r', "bba{ss}") < 0 ||
            sd_bus_message_read(reply, "bb", &authorized, &challenge) < 0)
                return false;

        return authorized;
}

static int on_polkit_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error)
{
        BusAuthQuery *q = userdata;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        query_unlink(q);

        if (polkit_allowed(reply))
                r = q->func(q->request, q->manager, &error);
        else
                r = bus_error_set(&error, -EACCES, NULL);

        if (r < 0 && !sd_bus_error_is_set(&error))
                bus_error_set(&error, r, NULL);
        if (r < 0)
                (void)sd_bus_reply_method_error(q->request, &error);

        sd_bus_error_free(&error);
        query_free(q);
        return 0;
}

static int ask_polkit(Manager *m, sd_bus_message *msg, BusAuthorizedFunc func)
{
        _cleanup_free_ BusAuthQuery *q = NULL;
        unsigned flags = 0;
        int r;

        q = calloc(1, sizeof(*q));
        if (!q)
                return -ENOMEM;

        if (sd_bus_message_get_allow_interactive_authorization(msg) > 0)
                flags |= POLKIT_ALLOW_USER_INTERACTION;

        r = sd_bus_call_method_async(sd_bus_message_get_bus(msg), &q->slot,
                                     "org.freedesktop.PolicyKit1",
                                     "/org/freedesktop/PolicyKit1/Authority",
                                     "org.freedesktop.PolicyKit1.Authority", "CheckAuthorization",
                                     on_polkit_reply, q, "(sa{sv})sa{ss}us", "system-bus-name", 1,
                                     "name", "s", sd_bus_message_get_sender(msg), POLKIT_ACTION,
                                     0, flags, "");
        if (r < 0)
                return r;

        q->manager = m;
        q->request = sd_bus_message_ref(msg);
        q->func = func;
        q->next = m->bus_context->auth_queries;
        m->bus_context->auth_queries = TAKE_PTR(q);
        return 1;
}

int bus_authorize(Manager *m, sd_bus_message *msg, BusAuthorizedFunc func, sd_bus_error *error)
{
        int r;

        r = sender_is_root(msg);
        if (r > 0)
                return func(msg, m, error);
        if (r < 0)
                log_debug_errno(r, "Failed to learn who called %s(): %m, asking polkit",
                                sd_bus_message_get_member(msg));

        r = ask_polkit(m, msg, func);
        if (r < 0) {
                log_debug_errno(r, "Failed to ask polkit: %m, denying");
                return bus_error_set(error, -EACCES, NULL);
        }

        return r;
}
