/* One bus object per mount, /org/mountwarden1/mount/<id>, served from the manager's states by a
 * fallback vtable: objects come and go with the mount table without registering each one. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-internal.h"
#include "escape.h"
#include "flags.h"
#include "macro.h"

const char *bus_mount_path(const MountState *s, char *buf, size_t size)
{
        snprintf(buf, size, BUS_MOUNT_PREFIX "/%" PRIu64, s->mount->id);
        return buf;
}

int bus_mount_find(sd_bus *bus,
                   const char *path,
                   const char *interface,
                   void *userdata,
                   void **ret_found,
                   sd_bus_error *error)
{
        const char *e = path + strlen(BUS_MOUNT_PREFIX "/");
        unsigned long long id;
        MountState *s;
        char *end;

        if (strncmp(path, BUS_MOUNT_PREFIX "/", strlen(BUS_MOUNT_PREFIX "/")) != 0)
                return 0;
        if (*e < '0' || *e > '9')
                return 0;

        errno = 0;
        id = strtoull(e, &end, 10);
        if (errno != 0 || *end != '\0')
                return 0;

        s = manager_find_state(userdata, id);
        if (!s)
                return 0;

        *ret_found = s;
        return 1;
}

int bus_mount_enumerate(sd_bus *bus,
                        const char *prefix,
                        void *userdata,
                        char ***ret_nodes,
                        sd_bus_error *error)
{
        Manager *m = userdata;
        size_t n = mw_table_size(m->table);
        char path[BUS_MOUNT_PATH_MAX];
        _cleanup_strv_free_ char **nodes = NULL;

        nodes = calloc(n + 1, sizeof(char *));
        if (!nodes)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                nodes[i] = strdup(bus_mount_path(m->states[i], path, sizeof(path)));
                if (!nodes[i])
                        return -ENOMEM;
        }

        *ret_nodes = TAKE_PTR(nodes);
        return 0;
}

const char *bus_mount_decision(const MountState *s)
{
        if (s->relaxed_by_hand && s->decision.kind == MW_DECISION_HARDEN)
                return "relaxed";

        return mw_decision_to_string(s->decision.kind);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t size)
{
        const unsigned char *p = data;

        for (size_t i = 0; i < size; i++)
                h = (h ^ p[i]) * 0x100000001b3ULL;

        return h;
}

uint64_t bus_digest_string(uint64_t h, const char *s)
{
        return fnv1a(h, s ?: "", strlen(s ?: "") + 1);
}

uint64_t bus_mount_digest(const MountState *s)
{
        unsigned values[] = {
                s->mount->flags,  s->decision.kind, s->decision.required, s->decision.missing,
                s->original_flags, s->have_original, s->added_flags, (unsigned)s->last_error,
                s->relaxed_by_hand,
        };
        uint64_t h = fnv1a(BUS_DIGEST_INIT, values, sizeof(values));

        h = bus_digest_string(h, s->mount->target);
        return bus_digest_string(h, mount_state_rule(s));
}

int bus_find_target(Manager *m, const char *target, MountState **ret)
{
        _cleanup_free_ char *raw = mw_unescape_path(target);
        const MwMount *mnt;

        if (!raw)
                return -ENOMEM;

        mnt = mw_table_find_target(m->table, raw);
        *ret = mnt ? manager_find_state(m, mnt->id) : NULL;
        return *ret ? 0 : -ENODEV;
}

int bus_append_path(sd_bus_message *msg, const char *s)
{
        _cleanup_free_ char *escaped = NULL;

        s = s ?: "";
        if (mw_utf8_valid(s) && !strchr(s, '\\'))
                return sd_bus_message_append(msg, "s", s);

        escaped = mw_escape_path(s);
        if (!escaped)
                return -ENOMEM;

        return sd_bus_message_append(msg, "s", escaped);
}

int bus_append_words(sd_bus_message *msg, const char *list)
{
        _cleanup_free_ char *copy = strdup(list);
        char *saveptr = NULL;
        int r;

        if (!copy)
                return -ENOMEM;

        r = sd_bus_message_open_container(msg, 'a', "s");
        if (r < 0)
                return r;

        for (char *w = strtok_r(copy, ",", &saveptr); w; w = strtok_r(NULL, ",", &saveptr)) {
                r = sd_bus_message_append(msg, "s", w);
                if (r < 0)
                        return r;
        }

        return sd_bus_message_close_container(msg);
}

int bus_append_flags(sd_bus_message *msg, unsigned flags)
{
        char buf[MW_FLAGS_STRLEN];

        return bus_append_words(msg, mw_flags_list_to_string(flags, NULL, buf, sizeof(buf)));
}

static int get_id(sd_bus *bus,
                  const char *path,
                  const char *interface,
                  const char *property,
                  sd_bus_message *reply,
                  void *userdata,
                  sd_bus_error *error)
{
        const MountState *s = userdata;

        return sd_bus_message_append(reply, "t", s->mount->id);
}

static int get_relaxed(sd_bus *bus,
                       const char *path,
                       const char *interface,
                       const char *property,
                       sd_bus_message *reply,
                       void *userdata,
                       sd_bus_error *error)
{
        const MountState *s = userdata;

        return sd_bus_message_append(reply, "b", s->relaxed_by_hand);
}

static const char *last_error(const MountState *s)
{
        return s->last_error < 0 ? strerror(-s->last_error) : "";
}

static int get_string(sd_bus *bus,
                      const char *path,
                      const char *interface,
                      const char *property,
                      sd_bus_message *reply,
                      void *userdata,
                      sd_bus_error *error)
{
        const MountState *s = userdata;

        if (streq(property, "Target"))
                return bus_append_path(reply, s->mount->target);
        if (streq(property, "Source"))
                return bus_append_path(reply, s->mount->source);
        if (streq(property, "FSType"))
                return bus_append_path(reply, s->mount->fstype);
        if (streq(property, "Decision"))
                return sd_bus_message_append(reply, "s", bus_mount_decision(s));
        if (streq(property, "Rule"))
                return bus_append_path(reply, mount_state_rule(s));

        return sd_bus_message_append(reply, "s", last_error(s));
}

static int get_flags(sd_bus *bus,
                     const char *path,
                     const char *interface,
                     const char *property,
                     sd_bus_message *reply,
                     void *userdata,
                     sd_bus_error *error)
{
        const MountState *s = userdata;
        char buf[MW_FLAGS_STRLEN];

        if (streq(property, "Flags"))
                return bus_append_words(reply, mw_flags_to_string(s->mount->flags, buf,
                                                                  sizeof(buf)));
        if (streq(property, "OriginalFlags"))
                return bus_append_words(reply, s->have_original
                                                       ? mw_flags_to_string(s->original_flags,
                                                                            buf, sizeof(buf))
                                                       : "");
        if (streq(property, "AddedFlags"))
                return bus_append_flags(reply, s->added_flags);
        if (streq(property, "Required"))
                return bus_append_flags(reply, s->decision.required);

        return bus_append_flags(reply, s->decision.missing);
}

#define PROPERTY_CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

const sd_bus_vtable bus_mount_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "t", get_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Target", "s", get_string, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("Source", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("FSType", "s", get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Flags", "as", get_flags, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("OriginalFlags", "as", get_flags, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("AddedFlags", "as", get_flags, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("Required", "as", get_flags, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("Missing", "as", get_flags, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("Decision", "s", get_string, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("Rule", "s", get_string, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("RelaxedByHand", "b", get_relaxed, 0, PROPERTY_CHANGES),
        SD_BUS_PROPERTY("LastError", "s", get_string, 0, PROPERTY_CHANGES),
        SD_BUS_VTABLE_END,
};
