/* The commands of mountwardenctl that only read: status, list, show and override list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "escape.h"
#include "macro.h"
#include "output.h"
#include "props.h"

char *ctl_bus_string(const char *s)
{
        return mw_utf8_valid(s) ? strdup(s) : mw_escape_path(s);
}

char *ctl_bus_target(const char *path)
{
        _cleanup_free_ char *copy = strdup(path);
        size_t len;

        if (!copy)
                return NULL;

        len = strlen(copy);
        while (len > 1 && copy[len - 1] == '/')
                copy[--len] = '\0';

        return ctl_bus_string(copy);
}

static int get_all(sd_bus *bus, const char *path, const char *interface, Props *ret)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(bus, CTL_BUS_NAME, path, "org.freedesktop.DBus.Properties",
                               "GetAll", &error, &reply, "s", interface);
        if (r < 0)
                return bus_failure(&error, r, "get the properties");

        r = props_read(reply, ret);
        if (r < 0)
                return bus_failure(NULL, r, "read the properties");

        return EXIT_SUCCESS;
}

static void print_field(const char *label, const char *value)
{
        printf("%16s: %s\n", label, value && *value ? value : "-");
}

static void print_json(const Props *p)
{
        Json j = { .f = stdout };

        props_json(p, &j);
        putchar('\n');
}

static const char *text(const Props *p, const char *name, char *buf, size_t size)
{
        return prop_text(props_find(p, name), buf, size);
}

int ctl_status(sd_bus *bus, char **args, int n)
{
        _cleanup_(props_done) Props p = {};
        const Prop *files;
        char b[5][32], line[256];
        int r;

        r = get_all(bus, CTL_BUS_PATH, CTL_MANAGER_INTERFACE, &p);
        if (r != EXIT_SUCCESS)
                return r;
        if (arg.json) {
                print_json(&p);
                return EXIT_SUCCESS;
        }

        print_field("Mode", text(&p, "Mode", b[0], sizeof(b[0])));
        print_field("Backend", text(&p, "Backend", b[0], sizeof(b[0])));
        files = props_find(&p, "ConfigFiles");
        for (char **f = files ? files->strv : NULL; f && *f; f++)
                print_field(f == files->strv ? "Config" : "", *f);

        snprintf(line, sizeof(line), "%s total, %s compliant, %s hardened, %s exempt, %s failed",
                 text(&p, "MountsTotal", b[0], 32), text(&p, "MountsCompliant", b[1], 32),
                 text(&p, "MountsHardened", b[2], 32), text(&p, "MountsExempt", b[3], 32),
                 text(&p, "MountsFailed", b[4], 32));
        print_field("Mounts", line);
        print_field("Remounts applied", text(&p, "RemountsApplied", b[0], sizeof(b[0])));

        files = props_find(&p, "LastScanUSec");
        print_field("Last scan took", format_duration(files ? files->num : 0, b[0], 32));
        print_field("Version", text(&p, "Version", b[0], sizeof(b[0])));
        return EXIT_SUCCESS;
}

typedef struct MountEntry {
        uint64_t id;
        const char *target, *fstype, *decision, *rule, *path;
        char **missing;
} MountEntry;

static void mount_entry_done(MountEntry *e)
{
        strv_free(e->missing);
        e->missing = NULL;
}

static int read_mount_entry(sd_bus_message *reply, MountEntry *e)
{
        int r;

        r = sd_bus_message_enter_container(reply, 'r', "tssssaso");
        if (r <= 0)
                return r;

        r = sd_bus_message_read(reply, "tssss", &e->id, &e->target, &e->fstype, &e->decision,
                                &e->rule);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &e->missing);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &e->path);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);

        return r < 0 ? r : 1;
}

static void mount_entry_json(Json *j, const MountEntry *e)
{
        json_begin_object(j);
        json_key(j, "id");
        json_uint(j, e->id);
        json_key(j, "target");
        json_string(j, e->target);
        json_key(j, "fstype");
        json_string(j, e->fstype);
        json_key(j, "decision");
        json_string(j, e->decision);
        json_key(j, "rule");
        json_string(j, e->rule);
        json_key(j, "missing");
        json_strv(j, e->missing);
        json_key(j, "path");
        json_string(j, e->path);
        json_end_object(j);
}

static int mount_entry_row(Table *t, const MountEntry *e)
{
        char missing[256];

        strv_join(e->missing, missing, sizeof(missing));
        return table_add_row(t, (const char *const[]){ e->target, e->fstype, e->decision,
                                                       missing[0] ? missing : NULL, e->rule });
}

static const char *const list_headers[] = { "TARGET", "FSTYPE", "DECISION", "MISSING", "RULE" };

/* Reads the mounts of @reply into @t or @j, counting the ones left out. */
static int read_mounts(sd_bus_message *reply, Table *t, Json *j, unsigned *ret_hidden)
{
        MountEntry e = {};
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(tssssaso)");
        while (r >= 0 && (r = read_mount_entry(reply, &e)) > 0) {
                if (!arg.all && streq(e.decision, "ignored"))
                        (*ret_hidden)++;
                else if (j)
                        mount_entry_json(j, &e);
                else
                        r = mount_entry_row(t, &e);
                mount_entry_done(&e);
        }
        mount_entry_done(&e);

        return r;
}

static int call_list(sd_bus *bus, const char *method, const char *what, sd_bus_message **ret)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_call_method(bus, CTL_BUS_NAME, CTL_BUS_PATH, CTL_MANAGER_INTERFACE, method,
                               &error, ret, "");
        if (r < 0)
                return bus_failure(&error, r, what);

        return EXIT_SUCCESS;
}

int ctl_list(sd_bus *bus, char **args, int n)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        Json j = { .f = stdout };
        unsigned hidden = 0;
        int r;

        r = call_list(bus, "ListMounts", "list the mounts", &reply);
        if (r != EXIT_SUCCESS)
                return r;

        t = table_new(list_headers, ELEMENTSOF(list_headers));
        if (!t)
                return EXIT_FAILURE;

        if (arg.json)
                json_begin_array(&j);
        r = read_mounts(reply, t, arg.json ? &j : NULL, &hidden);
        if (r < 0)
                return bus_failure(NULL, r, "read the mounts");
        if (arg.json) {
                json_end_array(&j);
                putchar('\n');
                return EXIT_SUCCESS;
        }

        table_print(t, stdout);
        if (isatty(STDOUT_FILENO))
                printf("\n%zu mounts listed%s.\n", table_rows(t),
                       hidden > 0 ? ", the ones the policy ignores left out (see --all)" : "");
        return EXIT_SUCCESS;
}

static const struct {
        const char *property;
        const char *label;
} show_fields[] = {
        { "Target", "Target" },
        { "Id", "Id" },
        { "Source", "Source" },
        { "FSType", "Type" },
        { "Flags", "Flags" },
        { "OriginalFlags", "Original flags" },
        { "AddedFlags", "Added flags" },
        { "Required", "Required" },
        { "Missing", "Missing" },
        { "Decision", "Decision" },
        { "Rule", "Rule" },
        { "RelaxedByHand", "Relaxed by hand" },
        { "LastError", "Last error" },
};

static int get_mount_path(sd_bus *bus, const char *path, sd_bus_message **ret_reply,
                          const char **ret_object)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *target = ctl_bus_target(path);
        int r;

        if (!target)
                return EXIT_FAILURE;

        r = sd_bus_call_method(bus, CTL_BUS_NAME, CTL_BUS_PATH, CTL_MANAGER_INTERFACE, "GetMount",
                               &error, ret_reply, "s", target);
        if (r < 0)
                return bus_failure(&error, r, "find the mount");

        r = sd_bus_message_read(*ret_reply, "o", ret_object);
        if (r < 0)
                return bus_failure(NULL, r, "read the answer");

        return EXIT_SUCCESS;
}

int ctl_show(sd_bus *bus, char **args, int n)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(props_done) Props p = {};
        const char *object;
        char buf[4096];
        int r;

        r = get_mount_path(bus, args[0], &reply, &object);
        if (r == EXIT_SUCCESS)
                r = get_all(bus, object, CTL_MOUNT_INTERFACE, &p);
        if (r != EXIT_SUCCESS)
                return r;

        if (arg.json) {
                print_json(&p);
                return EXIT_SUCCESS;
        }

        for (size_t i = 0; i < ELEMENTSOF(show_fields); i++)
                print_field(show_fields[i].label, text(&p, show_fields[i].property, buf,
                                                       sizeof(buf)));
        print_field("Object", object);
        return EXIT_SUCCESS;
}

static uint64_t realtime_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000ULL;
}

static const char *expiry_text(uint64_t expires, char *buf, size_t size)
{
        uint64_t now = realtime_usec();
        char d[64];

        if (expires == 0)
                return "never";
        if (expires <= now)
                return "now";

        snprintf(buf, size, "in %s", format_duration(expires - now, d, sizeof(d)));
        return buf;
}

static void override_json(Json *j, const char *pattern, char **flags, uint64_t expires,
                          int persistent)
{
        json_begin_object(j);
        json_key(j, "pattern");
        json_string(j, pattern);
        json_key(j, "flags");
        json_strv(j, flags);
        json_key(j, "expires_usec");
        json_uint(j, expires);
        json_key(j, "persistent");
        json_bool(j, persistent);
        json_end_object(j);
}

static int override_row(Table *t, const char *pattern, char **flags, uint64_t expires,
                        int persistent)
{
        char list[128], when[96];

        return table_add_row(t, (const char *const[]){ pattern,
                                                       strv_join(flags, list, sizeof(list)),
                                                       expiry_text(expires, when, sizeof(when)),
                                                       persistent ? "yes" : "no" });
}

static const char *const override_headers[] = { "PATTERN", "FLAGS", "EXPIRES", "PERSISTENT" };

static int read_overrides(sd_bus_message *reply, Table *t, Json *j)
{
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(sastb)");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'r', "sastb")) > 0) {
                _cleanup_strv_free_ char **flags = NULL;
                const char *pattern;
                uint64_t expires;
                int persistent;

                r = sd_bus_message_read(reply, "s", &pattern);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &flags);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "tb", &expires, &persistent);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r >= 0 && j)
                        override_json(j, pattern, flags, expires, persistent);
                else if (r >= 0)
                        r = override_row(t, pattern, flags, expires, persistent);
        }

        return r;
}

int ctl_override_list(sd_bus *bus)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        Json j = { .f = stdout };
        int r;

        r = call_list(bus, "ListOverrides", "list the overrides", &reply);
        if (r != EXIT_SUCCESS)
                return r;

        t = table_new(override_headers, ELEMENTSOF(override_headers));
        if (!t)
                return EXIT_FAILURE;

        if (arg.json)
                json_begin_array(&j);
        r = read_overrides(reply, t, arg.json ? &j : NULL);
        if (r < 0)
                return bus_failure(NULL, r, "read the overrides");
        if (arg.json) {
                json_end_array(&j);
                putchar('\n');
        } else
                table_print(t, stdout);

        return EXIT_SUCCESS;
}
