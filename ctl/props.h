/* The properties of a bus object as GetAll returns them (a{sv}), kept for printing. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "output.h"

typedef struct Prop {
        char *name;
        char type;   /* 's' (also for 'o'), 'u' and 't' (in num), 'b' (num 0 or 1), 'a' (as) */
        uint64_t num;
        char *str;
        char **strv;
} Prop;

typedef struct Props {
        Prop *items;
        size_t n;
} Props;

/* Reads a{sv} from @reply; values of other types than s, o, u, t, b and as are skipped.
 * Returns 0 or a negative errno. */
int props_read(sd_bus_message *reply, Props *ret);
void props_done(Props *p);
const Prop *props_find(const Props *p, const char *name);
/* The value as text: strings as they are, numbers in decimal, lists comma-separated. */
const char *prop_text(const Prop *p, char *buf, size_t size);
/* Writes all properties as one JSON object. */
void props_json(const Props *p, Json *j);
