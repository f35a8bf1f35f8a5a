/* The runtime state file, <state-dir>/mounts: one line per mount the daemon changed,
 * "ID UNIQUE ORIGINAL ADDED RELAXED TARGET": flags in hex, RELAXED 1 for a mount left alone
 * (reverted, or relaxed by hand under relaxed="respect"), the target escaped as in mountinfo. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flags.h"
#include "log.h"
#include "state.h"

/* Mounts hardened on fanotify events, between scans, are written this soon after: once per
 * burst, not once per mount, and a crash loses at most this much. */
#define STATE_SAVE_DELAY_USEC (50 * 1000ULL)

static int state_path(Manager *m, char *buf, size_t size)
{
        int n = snprintf(buf, size, "%s/mounts", m->opts.state_dir);

        return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* Returns false for a line that is not in the file's format. */
static bool restore_line(Manager *m, const char *line)
{
        _cleanup_free_ char *target = NULL;
        unsigned long long id;
        unsigned original, added;
        int unique, relaxed;
        MountState *s;

        if (sscanf(line, "%llu %d %x %x %d %ms", &id, &unique, &original, &added, &relaxed,
                   &target) != 6)
                return false;

        s = manager_find_state(m, id);
        if (!s || s->mount->id_unique != !!unique)
                return true;

        if (!streq(s->target, target))
                return true; /* the id was reused by another mount */

        /* A hand-edited line must not make Revert take away "ro" or what the mount lacks. */
        s->have_original = true;
        s->original_flags = original;
        s->added_flags = added & MW_ATTR_ENFORCEABLE & s->mount->flags;
        s->relaxed_by_hand = relaxed;
        return true;
}

void state_restore(Manager *m)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        char path[4096];
        size_t size = 0;
        unsigned bad = 0;

        if (m->state_restored)
                return;
        m->state_restored = true;

        if (state_path(m, path, sizeof(path)) < 0)
                return;

        f = fopen(path, "re");
        if (!f) {
                if (errno != ENOENT)
                        log_warning_errno(errno, "Failed to read '%s': %m, ignoring", path);
                return;
        }

        while (getline(&line, &size, f) > 0)
                if (!restore_line(m, line))
                        bad++;

        if (bad > 0)
                log_warning("Ignored %u damaged lines of '%s'", bad, path);
}

static void write_state(FILE *f, const MountState *s)
{
        if (s && s->have_original)
                fprintf(f, "%" PRIu64 " %d %x %x %d %s\n", s->mount->id, s->mount->id_unique,
                        s->original_flags, s->added_flags, s->relaxed_by_hand, s->target);
}

static int write_states(Manager *m, FILE *f)
{
        size_t n = mw_table_size(m->table);

        for (size_t i = 0; i < n; i++)
                write_state(f, m->states[i]);
        /* Hardened on a fanotify event, not yet in the table. */
        for (size_t i = 0; i < m->n_fast; i++)
                write_state(f, m->fast[i].state);

        if (fflush(f) != 0 || fsync(fileno(f)) < 0)
                return -errno;

        return 0;
}

/* Writes the file through a temporary one and a rename, so a reader never sees half of it. */
static int write_file(Manager *m, const char *path)
{
        char tmp[4200];
        _cleanup_fclose_ FILE *f = NULL;
        int fd, r;

        snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
        if (mkdir(m->opts.state_dir, 0755) < 0 && errno != EEXIST)
                return -errno;

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;

        f = fdopen(fd, "w");
        if (!f) {
                r = -errno;
                close(fd);
                unlink(tmp);
                return r;
        }

        r = write_states(m, f);
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}

void state_save(Manager *m)
{
        static int last_error;
        char path[4096];
        int r;

        m->state_save_source = sd_event_source_disable_unref(m->state_save_source);
        if (!m->state_dirty)
                return;
        m->state_dirty = false;

        if (state_path(m, path, sizeof(path)) < 0)
                return;

        /* Once per cause: a read-only state directory must not fill the journal. */
        r = write_file(m, path);
        if (r < 0 && r != last_error)
                log_warning_errno(r, "Failed to write '%s': %m, ignoring", path);
        last_error = r < 0 ? r : 0;
}

static int on_save(sd_event_source *source, uint64_t usec, void *userdata)
{
        state_save(userdata);
        return 0;
}

void state_save_soon(Manager *m)
{
        int r;

        if (m->state_save_source)
                return;

        r = sd_event_add_time_relative(m->event, &m->state_save_source, CLOCK_MONOTONIC,
                                       STATE_SAVE_DELAY_USEC, 1000, on_save, m);
        if (r < 0)
                state_save(m);
}
