/* Run-time overrides: kept in Manager.overrides in the order they were added; the persistent
 * ones also in <persist-dir>/overrides, one per line, "EXPIRES FLAGS PATTERN" (EXPIRES in
 * CLOCK_REALTIME microseconds, 0 for never; PATTERN escaped as in mountinfo).
 *
 * Expiry runs on one CLOCK_REALTIME timer set to the earliest deadline. Wall-clock time, because a
 * persistent override's deadline must mean the same moment after a restart or a reboot; the
 * price is that setting the clock moves deadlines with it, as it does for any calendar timer. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "escape.h"
#include "flags.h"
#include "log.h"
#include "macro.h"
#include "message-ids.h"
#include "overrides.h"
#include "state.h"

#define OVERRIDES_FILE "overrides"

static uint64_t realtime_now(Manager *m)
{
        uint64_t now = 0;

        (void)sd_event_now(m->event, CLOCK_REALTIME, &now);
        return now;
}

const char *override_flags_to_string(const MwOverride *o, char *buf, size_t size)
{
        char word[MW_FLAGS_STRLEN];
        size_t pos = 0;

        buf[0] = '\0';
        for (unsigned bit = 1; bit != 0 && pos < size; bit <<= 1) {
                if (!(bit & MW_ATTR_ENFORCEABLE & (o->require | o->allow)))
                        continue;

                /* "noexec" requires the flag; without its "no" it is the word that allows. */
                mw_flags_list_to_string(bit, NULL, word, sizeof(word));
                snprintf(buf + pos, size - pos, "%s%s", pos > 0 ? "," : "",
                         o->allow & bit ? word + 2 : word);
                pos = strlen(buf);
        }

        return buf;
}

static int persist_path(Manager *m, const char *suffix, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/" OVERRIDES_FILE "%s", m->opts.persist_dir, suffix);

        return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

static int write_one(FILE *f, const MwOverride *o)
{
        _cleanup_free_ char *pattern = mw_escape_path(o->pattern);
        char flags[MW_FLAGS_STRLEN];

        if (!pattern)
                return -ENOMEM;

        fprintf(f, "%" PRIu64 " %s %s\n", o->expires_usec,
                override_flags_to_string(o, flags, sizeof(flags)), pattern);
        return 0;
}

/* Writes the persistent overrides, leaving out the one at @skip and adding @extra, to @fd. */
static int write_all(Manager *m, int fd, size_t skip, const MwOverride *extra)
{
        _cleanup_fclose_ FILE *f = fdopen(fd, "w");
        int r = 0;

        if (!f)
                return -errno;

        fputs("# mountwarden persistent overrides: EXPIRES(realtime usec, 0 never) FLAGS "
              "PATTERN\n", f);
        for (size_t i = 0; i < m->n_overrides && r >= 0; i++)
                if (i != skip && m->overrides[i].persistent)
                        r = write_one(f, &m->overrides[i]);
        if (r >= 0 && extra && extra->persistent)
                r = write_one(f, extra);
        if (r < 0)
                return r;

        if (fflush(f) != 0 || fsync(fileno(f)) < 0)
                return -errno;

        return 0;
}

static int sync_directory(const char *dir)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || fsync(fd) < 0)
                return -errno;

        return 0;
}

/* Replaces the file atomically: a crash leaves either the old list or the new one, never half.
 * Syncing the directory makes the rename itself durable. */
static int overrides_save(Manager *m, size_t skip, const MwOverride *extra)
{
        char path[4096], tmp[4096];
        int fd, r;

        r = persist_path(m, "", path, sizeof(path));
        if (r >= 0)
                r = persist_path(m, ".XXXXXX", tmp, sizeof(tmp));
        if (r < 0)
                return r;

        if (mkdir(m->opts.persist_dir, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create '%s': %m", m->opts.persist_dir);

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to write '%s': %m", path);

        r = write_all(m, fd, skip, extra);
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0) {
                unlink(tmp);
                return log_error_errno(r, "Failed to write '%s': %m", path);
        }

        r = sync_directory(m->opts.persist_dir);
        if (r < 0)
                log_warning_errno(r, "Failed to sync '%s': %m, ignoring", m->opts.persist_dir);
        return 0;
}

static int find_override(Manager *m, const char *pattern)
{
        for (size_t i = 0; i < m->n_overrides; i++)
                if (streq(m->overrides[i].pattern, pattern))
                        return (int)i;

        return -1;
}

/* Takes over what @o owns. */
static int append_override(Manager *m, MwOverride *o)
{
        MwOverride *a;

        a = reallocarray(m->overrides, m->n_overrides + 1, sizeof(*a));
        if (!a)
                return -ENOMEM;

        m->overrides = a;
        m->overrides[m->n_overrides++] = *o;
        *o = (MwOverride){};
        return 0;
}

static void delete_override(Manager *m, size_t i)
{
        mw_override_done(&m->overrides[i]);
        memmove(&m->overrides[i], &m->overrides[i + 1],
                (m->n_overrides - i - 1) * sizeof(MwOverride));
        m->n_overrides--;
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata);

/* Points the timer at the earliest deadline, or turns it off when nothing expires. */
static void arm_timer(Manager *m)
{
        uint64_t next = UINT64_MAX;
        int r;

        for (size_t i = 0; i < m->n_overrides; i++)
                if (m->overrides[i].expires_usec != 0 && m->overrides[i].expires_usec < next)
                        next = m->overrides[i].expires_usec;

        if (next == UINT64_MAX) {
                (void)sd_event_source_set_enabled(m->override_timer, SD_EVENT_OFF);
                return;
        }

        if (!m->override_timer)
                r = sd_event_add_time(m->event, &m->override_timer, CLOCK_REALTIME, next, 0,
                                      on_timer, m);
        else {
                r = sd_event_source_set_time(m->override_timer, next);
                if (r >= 0)
                        r = sd_event_source_set_enabled(m->override_timer, SD_EVENT_ONESHOT);
        }
        if (r < 0)
                log_error_errno(r, "Failed to arm the override timer: %m, overrides will not "
                                "expire");
}

/* Takes back what the daemon added to mounts matching @pattern where the policy, as decided
 * last, no longer asks for it. */
static void relax_matching(Manager *m, const char *pattern)
{
        char why[4200];
        size_t n = mw_table_size(m->table);

        snprintf(why, sizeof(why), "override '%s'", pattern);
        for (size_t i = 0; i < n; i++) {
                MountState *s = m->states[i];

                if (s->locked || !mw_pattern_match(pattern, s->mount->target))
                        continue;

                (void)manager_relax(m, s, s->added_flags & ~s->decision.required, why);
        }
}

/* After an override for @pattern came or went: decide again for every mount, then relax. */
static void apply_change(Manager *m, const char *pattern)
{
        manager_redecide_all(m);
        relax_matching(m, pattern);
        arm_timer(m);
        state_save(m);
        bus_manager_changed(m);
}

static void expire_one(Manager *m, size_t i)
{
        _cleanup_free_ char *pattern = TAKE_PTR(m->overrides[i].pattern);
        bool persistent = m->overrides[i].persistent;
        char flags[MW_FLAGS_STRLEN];

        log_full(LOG_NOTICE, 0,
                 &(LogMountFields){ .message_id = MW_MESSAGE_OVERRIDE_EXPIRED, .target = pattern },
                 "Override for '%s' (%s) expired, applying the policy again", pattern,
                 override_flags_to_string(&m->overrides[i], flags, sizeof(flags)));

        delete_override(m, i);
        if (persistent)
                (void)overrides_save(m, SIZE_MAX, NULL);

        bus_override_expired(m, pattern);
        apply_change(m, pattern);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
        Manager *m = userdata;
        uint64_t now = realtime_now(m);

        /* One at a time: each expiry decides again with the overrides that are left. */
        for (size_t i = 0; i < m->n_overrides;) {
                uint64_t expires = m->overrides[i].expires_usec;

                if (expires != 0 && expires <= now)
                        expire_one(m, i);
                else
                        i++;
        }

        arm_timer(m);
        return 0;
}

static int validate(const char *pattern, unsigned require, unsigned allow, uint64_t duration_usec)
{
        if (mw_pattern_validate(pattern) < 0)
                return -EINVAL;
        if ((require | allow) == 0 || (require & allow) != 0)
                return -EINVAL;
        if (((require | allow) & ~MW_ATTR_ENFORCEABLE) != 0)
                return -EINVAL;
        if (duration_usec > MW_OVERRIDE_DURATION_MAX_USEC)
                return -EINVAL;

        return 0;
}

static void log_added(Manager *m, const MwOverride *o, uint64_t duration_usec)
{
        char flags[MW_FLAGS_STRLEN], expiry[64] = "no expiry";

        if (duration_usec > 0)
                snprintf(expiry, sizeof(expiry), "expires in %" PRIu64 " s",
                         (duration_usec + 999999) / 1000000);

        log_full(LOG_NOTICE, 0, &(LogMountFields){ .target = o->pattern },
                 "Override for '%s' added: %s, %s%s", o->pattern,
                 override_flags_to_string(o, flags, sizeof(flags)), expiry,
                 o->persistent ? ", persistent" : "");
}

int overrides_add(Manager *m,
                  const char *pattern,
                  unsigned require,
                  unsigned allow,
                  uint64_t duration_usec,
                  bool persistent)
{
        _cleanup_(mw_override_done) MwOverride o = {
                .require = require,
                .allow = allow,
                .expires_usec = duration_usec > 0 ? realtime_now(m) + duration_usec : 0,
                .persistent = persistent,
        };
        int old = find_override(m, pattern), r;

        r = validate(pattern, require, allow, duration_usec);
        if (r < 0)
                return r;
        if (old < 0 && m->n_overrides >= OVERRIDES_MAX)
                return -E2BIG;

        o.pattern = strdup(pattern);
        if (!o.pattern)
                return -ENOMEM;

        /* Written first: a persistent override that could not be saved is not added at all. An
         * override that replaces a persistent one rewrites the file either way. */
        if (persistent || (old >= 0 && m->overrides[old].persistent)) {
                r = overrides_save(m, old >= 0 ? (size_t)old : SIZE_MAX, &o);
                if (r < 0)
                        return r;
        }

        if (old >= 0)
                delete_override(m, (size_t)old);
        log_added(m, &o, duration_usec);

        r = append_override(m, &o);
        if (r < 0)
                return log_oom();

        apply_change(m, pattern);
        return 0;
}

int overrides_remove(Manager *m, const char *pattern)
{
        _cleanup_free_ char *copy = NULL;
        int i = find_override(m, pattern), r;

        if (i < 0)
                return -ENOKEY;

        if (m->overrides[i].persistent) {
                r = overrides_save(m, (size_t)i, NULL);
                if (r < 0)
                        return r;
        }

        copy = TAKE_PTR(m->overrides[i].pattern);
        delete_override(m, (size_t)i);
        log_full(LOG_NOTICE, 0, &(LogMountFields){ .target = copy },
                 "Override for '%s' removed, applying the policy again", copy);

        apply_change(m, copy);
        return 0;
}

static int parse_flag_list(char *list, unsigned *ret_require, unsigned *ret_allow)
{
        char *saveptr = NULL;
        int r;

        *ret_require = *ret_allow = 0;
        for (char *w = strtok_r(list, ",", &saveptr); w; w = strtok_r(NULL, ",", &saveptr)) {
                r = mw_flag_spec_parse(w, ret_require, ret_allow);
                if (r < 0)
                        return r;
        }

        return 0;
}

/* One line of the file: "EXPIRES FLAGS PATTERN". Returns 0, or -EINVAL with *ret_problem set. */
static int parse_line(char *line, MwOverride *ret, const char **ret_problem)
{
        _cleanup_free_ char *flags = NULL, *pattern = NULL;
        unsigned long long expires;
        unsigned require, allow;
        int end = 0;

        /* The file is ours, but an administrator may edit it: no sign, nothing left over. */
        if (sscanf(line, "%llu %ms %ms %n", &expires, &flags, &pattern, &end) != 3 ||
            line[strspn(line, " ")] == '-' || line[end] != '\0') {
                *ret_problem = "expected EXPIRES FLAGS PATTERN";
                return -EINVAL;
        }

        if (parse_flag_list(flags, &require, &allow) < 0) {
                *ret_problem = "unknown flag";
                return -EINVAL;
        }

        mw_unescape_path_in_place(pattern);
        if (validate(pattern, require, allow, 0) < 0) {
                *ret_problem = mw_pattern_problem(pattern) ?: "contradicting flags";
                return -EINVAL;
        }

        *ret = (MwOverride){ .pattern = TAKE_PTR(pattern), .require = require, .allow = allow,
                             .expires_usec = expires, .persistent = true };
        return 0;
}

static void load_line(Manager *m, char *line, const char *path, unsigned line_no)
{
        _cleanup_(mw_override_done) MwOverride o = {};
        const char *problem = NULL;

        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
                return;

        if (parse_line(line, &o, &problem) < 0) {
                log_warning("%s:%u: %s, ignoring the line", path, line_no, problem);
                return;
        }
        if (o.expires_usec != 0 && o.expires_usec <= realtime_now(m)) {
                log_info("Persistent override for '%s' expired while the daemon was stopped",
                         o.pattern);
                return;
        }
        if (find_override(m, o.pattern) >= 0 || m->n_overrides >= OVERRIDES_MAX) {
                log_warning("%s:%u: duplicate or one too many, ignoring the line", path, line_no);
                return;
        }

        if (append_override(m, &o) < 0)
                log_oom();
}

void overrides_relax_loaded(Manager *m)
{
        for (size_t i = 0; i < m->n_overrides; i++)
                if (m->overrides[i].allow != 0)
                        relax_matching(m, m->overrides[i].pattern);

        state_save(m);
        bus_manager_changed(m);
}

int overrides_load(Manager *m)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        unsigned line_no = 0;
        char path[4096];
        size_t size = 0;

        if (persist_path(m, "", path, sizeof(path)) < 0)
                return 0;

        f = fopen(path, "re");
        if (!f) {
                if (errno != ENOENT)
                        log_warning_errno(errno, "Failed to read '%s': %m, ignoring", path);
                return 0;
        }

        while (getline(&line, &size, f) > 0)
                load_line(m, line, path, ++line_no);

        if (m->n_overrides == 0)
                return 0;

        log_info("Loaded %zu persistent overrides from '%s'", m->n_overrides, path);
        arm_timer(m);
        return 0;
}
