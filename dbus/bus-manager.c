/* org.mountwarden1.Manager at /org/mountwarden1: the daemon's counters and settings as properties,
 * the mounts and overrides as lists, and the methods that change policy at run time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "bus-error.h"
#include "bus-internal.h"
#include "escape.h"
#include "bus.h"
#include "config.h"
#include "flags.h"
#include "log.h"
#include "macro.h"
#include "mw-build.h"
#include "overrides.h"

static uint64_t strv_digest(char *const *l)
{
        uint64_t h = BUS_DIGEST_INIT;

        for (char *const *i = l; i && *i; i++)
                h = bus_digest_string(h, *i);

        return h;
}

void bus_manager_snapshot(Manager *m, BusManagerSnapshot *ret)
{
        *ret = (BusManagerSnapshot){
                .mode = m->mode,
                .remounts_applied = m->remounts_applied,
                .last_scan_usec = m->last_scan_usec,
                .config_digest = strv_digest(m->policy ? m->policy->files : NULL),
        };
        manager_count(m, &ret->counts);
}

/* Backend: how the mount table is read, how new mounts are learned of and how flags are
 * changed: "statmount+fanotify+mount_setattr", "mountinfo+remount", ... */
static int get_string(sd_bus *bus,
                      const char *path,
                      const char *interface,
                      const char *property,
                      sd_bus_message *reply,
                      void *userdata,
                      sd_bus_error *error)
{
        Manager *m = userdata;
        bool setattr = !m->opts.force_fallback && mw_mount_setattr_supported();
        char backend[64];

        if (streq(property, "Version"))
                return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
        if (streq(property, "Mode"))
                return sd_bus_message_append(reply, "s", mw_mode_to_string(m->mode));

        snprintf(backend, sizeof(backend), "%s%s+%s", mw_backend_to_string(m->opts.backend),
                 m->mount_events_fd >= 0 ? "+fanotify" : "", setattr ? "mount_setattr" : "remount");
        return sd_bus_message_append(reply, "s", backend);
}

static int get_config_files(sd_bus *bus,
                            const char *path,
                            const char *interface,
                            const char *property,
                            sd_bus_message *reply,
                            void *userdata,
                            sd_bus_error *error)
{
        Manager *m = userdata;
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        for (char **f = m->policy ? m->policy->files : NULL; r >= 0 && f && *f; f++)
                r = bus_append_path(reply, *f);
        if (r < 0)
                return r;

        return sd_bus_message_close_container(reply);
}

static int get_count(sd_bus *bus,
                     const char *path,
                     const char *interface,
                     const char *property,
                     sd_bus_message *reply,
                     void *userdata,
                     sd_bus_error *error)
{
        ManagerCounts c;
        unsigned value;

        manager_count(userdata, &c);
        if (streq(property, "MountsTotal"))
                value = c.total;
        else if (streq(property, "MountsCompliant"))
                value = c.compliant;
        else if (streq(property, "MountsHardened"))
                value = c.hardened;
        else if (streq(property, "MountsExempt"))
                value = c.exempt;
        else
                value = c.failed;

        return sd_bus_message_append(reply, "u", value);
}

static int get_usec(sd_bus *bus,
                    const char *path,
                    const char *interface,
                    const char *property,
                    sd_bus_message *reply,
                    void *userdata,
                    sd_bus_error *error)
{
        Manager *m = userdata;

        if (streq(property, "RemountsApplied"))
                return sd_bus_message_append(reply, "t", m->remounts_applied);

        return sd_bus_message_append(reply, "t", m->last_scan_usec);
}

static int append_mount(sd_bus_message *reply, const MountState *s)
{
        char path[BUS_MOUNT_PATH_MAX];
        int r;

        r = sd_bus_message_open_container(reply, 'r', "tssssaso");
        if (r >= 0)
                r = sd_bus_message_append(reply, "t", s->mount->id);
        if (r >= 0)
                r = bus_append_path(reply, s->mount->target);
        if (r >= 0)
                r = bus_append_path(reply, s->mount->fstype);
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", bus_mount_decision(s));
        if (r >= 0)
                r = bus_append_path(reply, mount_state_rule(s));
        if (r >= 0)
                r = bus_append_flags(reply, s->decision.missing);
        if (r >= 0)
                r = sd_bus_message_append(reply, "o", bus_mount_path(s, path, sizeof(path)));
        if (r < 0)
                return r;

        return sd_bus_message_close_container(reply);
}

static int method_list_mounts(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        size_t n = mw_table_size(m->table);
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(tssssaso)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = append_mount(reply, m->states[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;

        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_mount(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        char path[BUS_MOUNT_PATH_MAX];
        const char *target;
        MountState *s;
        int r;

        r = sd_bus_message_read(msg, "s", &target);
        if (r < 0)
                return r;

        r = bus_find_target(userdata, target, &s);
        if (r < 0)
                return bus_error_set(error, r, target);

        return sd_bus_reply_method_return(msg, "o", bus_mount_path(s, path, sizeof(path)));
}

/* Rescan: open to everyone, and paced (bus-rescan.c). The answer always follows a full scan that
 * began after the call; a call within a second (or ten times the last scan's length) of the last
 * Rescan's scan waits for the next one, which answers all calls waiting. */
static int method_rescan(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_rescan(msg, userdata, error);
}

static int do_reload(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        _cleanup_free_ char *problem = NULL;
        int r;

        r = manager_reload(m, &problem);
        if (r < 0)
                return bus_error_setf(error, -EBADMSG, "%s", problem ?: strerror(-r));

        return sd_bus_reply_method_return(msg, NULL);
}

static int method_reload(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_authorize(userdata, msg, do_reload, error);
}

static int do_set_mode(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        const char *name;
        MwMode mode;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;

        mode = mw_mode_from_string(name);
        if (mode < 0)
                return bus_error_setf(error, -EINVAL, "Unknown mode '%s', expected enforce or "
                                      "audit", name);

        m->mode_forced = mode;
        manager_update_mode(m);
        manager_redecide_all(m);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_set_mode(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_authorize(userdata, msg, do_set_mode, error);
}

static int parse_flag_words(char **words, unsigned *ret_require, unsigned *ret_allow,
                            sd_bus_error *error)
{
        *ret_require = *ret_allow = 0;

        if (!words || !words[0])
                return bus_error_setf(error, -EINVAL, "No flags given, expected some of exec, "
                                      "noexec, suid, nosuid, dev, nodev, symfollow, nosymfollow");

        for (char **w = words; *w; w++)
                if (mw_flag_spec_parse(*w, ret_require, ret_allow) < 0)
                        return bus_error_setf(error, -EINVAL, "Unknown flag '%s', expected one of "
                                              "exec, noexec, suid, nosuid, dev, nodev, symfollow, "
                                              "nosymfollow", *w);

        if (*ret_require & *ret_allow)
                return bus_error_setf(error, -EINVAL, "A flag is both required and allowed");

        return 0;
}

static int do_add_override(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_free_ char *raw = NULL;
        const char *pattern, *problem;
        unsigned require, allow;
        uint64_t duration;
        int persistent, r;

        r = sd_bus_message_read(msg, "s", &pattern);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &words);
        if (r >= 0)
                r = sd_bus_message_read(msg, "tb", &duration, &persistent);
        if (r < 0)
                return r;

        raw = mw_unescape_path(pattern);
        if (!raw)
                return -ENOMEM;

        problem = mw_pattern_problem(raw);
        if (problem)
                return bus_error_setf(error, -EINVAL, "Invalid pattern '%s': %s", pattern, problem);

        r = parse_flag_words(words, &require, &allow, error);
        if (r < 0)
                return r;

        if (duration > MW_OVERRIDE_DURATION_MAX_USEC)
                return bus_error_setf(error, -EINVAL, "Duration of %llu microseconds is longer "
                                      "than 10 years (use 0 for no expiry)",
                                      (unsigned long long)duration);

        r = overrides_add(m, raw, require, allow, duration, persistent);
        if (r < 0)
                return bus_error_set(error, r, pattern);

        return sd_bus_reply_method_return(msg, NULL);
}

static int method_add_override(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_authorize(userdata, msg, do_add_override, error);
}

static int do_remove_override(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        _cleanup_free_ char *raw = NULL;
        const char *pattern;
        int r;

        r = sd_bus_message_read(msg, "s", &pattern);
        if (r < 0)
                return r;

        raw = mw_unescape_path(pattern);
        if (!raw)
                return -ENOMEM;

        r = overrides_remove(m, raw);
        if (r < 0)
                return bus_error_set(error, r, pattern);

        return sd_bus_reply_method_return(msg, NULL);
}

static int method_remove_override(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_authorize(userdata, msg, do_remove_override, error);
}

static int append_override(sd_bus_message *reply, const MwOverride *o)
{
        char flags[MW_FLAGS_STRLEN];
        int r;

        r = sd_bus_message_open_container(reply, 'r', "sastb");
        if (r >= 0)
                r = bus_append_path(reply, o->pattern);
        if (r >= 0)
                r = bus_append_words(reply, override_flags_to_string(o, flags, sizeof(flags)));
        if (r >= 0)
                r = sd_bus_message_append(reply, "tb", o->expires_usec, o->persistent);
        if (r < 0)
                return r;

        return sd_bus_message_close_container(reply);
}

static int method_list_overrides(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int r;

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sastb)");
        for (size_t i = 0; r >= 0 && i < m->n_overrides; i++)
                r = append_override(reply, &m->overrides[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;

        return sd_bus_send(NULL, reply, NULL);
}

static int do_revert(sd_bus_message *msg, Manager *m, sd_bus_error *error)
{
        const char *target;
        MountState *s;
        int r;

        r = sd_bus_message_read(msg, "s", &target);
        if (r < 0)
                return r;

        r = bus_find_target(m, target, &s);
        if (r < 0)
                return bus_error_set(error, r, target);

        r = manager_revert(m, s);
        if (r < 0)
                return bus_error_set(error, r, target);

        bus_mount_changed(m, s);
        bus_manager_changed(m);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_revert(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        return bus_authorize(userdata, msg, do_revert, error);
}

/* Paths and patterns on this interface are in bus form (see bus-internal.h): as they are when
 * valid UTF-8 without a backslash, else escaped as in mountinfo, so one string names one mount.
 * GetMount, Revert, AddOverride and RemoveOverride read "\ooo" as that byte: a real backslash
 * in a path is written \134; in a pattern, where a backslash escapes the next character as in
 * fnmatch(3), a real one is \134\134. */
#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define CONST SD_BUS_VTABLE_PROPERTY_CONST
/* Authorization is ours (root or polkit), not sd-bus's CAP_SYS_ADMIN check. */
#define OPEN SD_BUS_VTABLE_UNPRIVILEGED

const sd_bus_vtable bus_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", get_string, 0, CONST),
        SD_BUS_PROPERTY("Mode", "s", get_string, 0, CHANGES),
        SD_BUS_PROPERTY("Backend", "s", get_string, 0, CONST),
        SD_BUS_PROPERTY("ConfigFiles", "as", get_config_files, 0, CHANGES),
        SD_BUS_PROPERTY("MountsTotal", "u", get_count, 0, CHANGES),
        SD_BUS_PROPERTY("MountsCompliant", "u", get_count, 0, CHANGES),
        SD_BUS_PROPERTY("MountsHardened", "u", get_count, 0, CHANGES),
        SD_BUS_PROPERTY("MountsExempt", "u", get_count, 0, CHANGES),
        SD_BUS_PROPERTY("MountsFailed", "u", get_count, 0, CHANGES),
        SD_BUS_PROPERTY("RemountsApplied", "t", get_usec, 0, CHANGES),
        SD_BUS_PROPERTY("LastScanUSec", "t", get_usec, 0, CHANGES),

        SD_BUS_METHOD_WITH_NAMES("ListMounts", "", "", "a(tssssaso)", SD_BUS_PARAM(mounts),
                                 method_list_mounts, OPEN),
        SD_BUS_METHOD_WITH_NAMES("GetMount", "s", SD_BUS_PARAM(target), "o", SD_BUS_PARAM(mount),
                                 method_get_mount, OPEN),
        SD_BUS_METHOD("Rescan", "", "", method_rescan, OPEN),
        SD_BUS_METHOD("Reload", "", "", method_reload, OPEN),
        SD_BUS_METHOD_WITH_NAMES("SetMode", "s", SD_BUS_PARAM(mode), "", "", method_set_mode,
                                 OPEN),
        SD_BUS_METHOD_WITH_NAMES("AddOverride", "sastb",
                                 SD_BUS_PARAM(target_pattern) SD_BUS_PARAM(flags)
                                 SD_BUS_PARAM(duration_usec) SD_BUS_PARAM(persistent),
                                 "", "", method_add_override, OPEN),
        SD_BUS_METHOD_WITH_NAMES("RemoveOverride", "s", SD_BUS_PARAM(target_pattern), "", "",
                                 method_remove_override, OPEN),
        SD_BUS_METHOD_WITH_NAMES("ListOverrides", "", "", "a(sastb)", SD_BUS_PARAM(overrides),
                                 method_list_overrides, OPEN),
        SD_BUS_METHOD_WITH_NAMES("Revert", "s", SD_BUS_PARAM(target), "", "", method_revert,
                                 OPEN),

        SD_BUS_SIGNAL_WITH_NAMES("MountHardened", "oas",
                                 SD_BUS_PARAM(mount) SD_BUS_PARAM(flags_added), 0),
        SD_BUS_SIGNAL_WITH_NAMES("RemountFailed", "os", SD_BUS_PARAM(mount) SD_BUS_PARAM(error),
                                 0),
        SD_BUS_SIGNAL_WITH_NAMES("OverrideExpired", "s", SD_BUS_PARAM(target_pattern), 0),
        SD_BUS_VTABLE_END,
};
