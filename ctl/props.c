/* Properties of a bus object read from an a{sv}, for mountwardenctl's status and show. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "props.h"

static int read_value(sd_bus_message *reply, const char *sig, Prop *p)
{
        const char *s;
        uint32_t u;
        int b, r;

        p->type = sig[0] == 'o' ? 's' : sig[0];
        switch (sig[0]) {
        case 's':
        case 'o':
                r = sd_bus_message_read_basic(reply, sig[0], &s);
                if (r >= 0 && !(p->str = strdup(s)))
                        r = -ENOMEM;
                return r;
        case 'u':
                r = sd_bus_message_read(reply, "u", &u);
                p->num = u;
                return r;
        case 't':
                return sd_bus_message_read(reply, "t", &p->num);
        case 'b':
                r = sd_bus_message_read(reply, "b", &b);
                p->num = b != 0;
                return r;
        }

        if (streq(sig, "as"))
                return sd_bus_message_read_strv(reply, &p->strv);

        p->type = 0;
        return sd_bus_message_skip(reply, sig);
}

static int read_entry(sd_bus_message *reply, Prop *p)
{
        const char *name, *sig;
        int r;

        r = sd_bus_message_read(reply, "s", &name);
        if (r < 0)
                return r;

        p->name = strdup(name);
        if (!p->name)
                return -ENOMEM;

        r = sd_bus_message_peek_type(reply, NULL, &sig);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'v', sig);
        if (r >= 0)
                r = read_value(reply, sig, p);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        return r;
}

int props_read(sd_bus_message *reply, Props *ret)
{
        Props p = {};
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                Prop *a = reallocarray(p.items, p.n + 1, sizeof(Prop));

                if (!a) {
                        r = -ENOMEM;
                        break;
                }
                p.items = a;
                p.items[p.n++] = (Prop){};

                r = read_entry(reply, &p.items[p.n - 1]);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r < 0) {
                props_done(&p);
                return r;
        }

        *ret = p;
        return 0;
}

void props_done(Props *p)
{
        for (size_t i = 0; i < p->n; i++) {
                free(p->items[i].name);
                free(p->items[i].str);
                strv_free(p->items[i].strv);
        }
        free(p->items);
        *p = (Props){};
}

const Prop *props_find(const Props *p, const char *name)
{
        for (size_t i = 0; i < p->n; i++)
                if (streq(p->items[i].name, name))
                        return &p->items[i];

        return NULL;
}

const char *prop_text(const Prop *p, char *buf, size_t size)
{
        buf[0] = '\0';
        if (!p)
                return buf;

        switch (p->type) {
        case 's':
                return p->str;
        case 'u':
        case 't':
                snprintf(buf, size, "%" PRIu64, p->num);
                return buf;
        case 'b':
                return p->num ? "yes" : "no";
        }

        return strv_join(p->strv, buf, size);
}

void props_json(const Props *p, Json *j)
{
        json_begin_object(j);
        for (size_t i = 0; i < p->n; i++) {
                const Prop *x = &p->items[i];

                if (x->type == 0)
                        continue;

                json_key(j, x->name);
                if (x->type == 's')
                        json_string(j, x->str);
                else if (x->type == 'b')
                        json_bool(j, x->num);
                else if (x->type == 'a')
                        json_strv(j, x->strv);
                else
                        json_uint(j, x->num);
        }
        json_end_object(j);
}
