/* Enforcing the policy on one mount: decide, apply the safe remount, and report; relaxing and
 * reverting what the daemon added. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "bus.h"
#include "enforce.h"
#include "flags.h"
#include "log.h"
#include "macro.h"
#include "message-ids.h"
#include "removable.h"
#include "state.h"

/* A mount re-hardened this many times within the window is left alone for the back-off. */
#define RELAX_BURST_MAX 5
#define RELAX_BURST_WINDOW_USEC (60 * 1000000ULL)
#define RELAX_BACKOFF_USEC (60 * 1000000ULL)

static int removable_cb(const MwMount *mnt, void *userdata)
{
        return mw_mount_is_removable(mnt);
}

void mount_decide(Manager *m, MountState *s)
{
        const char *origin = NULL;
        char buf[4200];

        mw_policy_decide(m->policy, m->overrides, m->n_overrides, s->mount, removable_cb, NULL,
                         &s->decision);

        if (s->decision.override && (!s->decision.rule || s->decision.kind != MW_DECISION_EXEMPT)) {
                snprintf(buf, sizeof(buf), "override '%s'", s->decision.override->pattern);
                origin = buf;
        } else if (s->decision.rule)
                origin = s->decision.rule->origin;

        if (!streq_ptr(origin, s->rule_origin)) {
                free(s->rule_origin);
                s->rule_origin = origin ? strdup(origin) : NULL;
        }
}

/* Whether the mount should wait before being re-hardened once more. */
static bool relax_rate_limited(Manager *m, MountState *s)
{
        uint64_t now = manager_now_usec();

        if (now - s->burst_start_usec > RELAX_BURST_WINDOW_USEC) {
                s->burst_start_usec = now;
                s->burst_count = 0;
        }

        if (++s->burst_count <= RELAX_BURST_MAX)
                return false;

        s->backoff_until_usec = now + RELAX_BACKOFF_USEC;
        s->burst_count = 0;
        s->burst_start_usec = now + RELAX_BACKOFF_USEC;
        log_full(LOG_WARNING, 0, &(LogMountFields){ .target = s->mount->target },
                 "Mount '%s' keeps being relaxed again, not hardening it for %llu s",
                 s->target, (unsigned long long)(RELAX_BACKOFF_USEC / 1000000ULL));
        return true;
}

/* A mount under another one at the same target cannot be reached by path: that is not a
 * failure to report, and trying again before the table changes would fail the same way. */
static bool is_covered(Manager *m, MountState *s)
{
        const MwMount *top = mw_table_find_target(m->table, s->mount->target);

        return top && top != s->mount;
}

static void apply_failed(Manager *m, MountState *s, int r)
{
        LogMountFields f = {
                .message_id = MW_MESSAGE_REMOUNT_FAILED,
                .target = s->mount->target,
                .rule = mount_state_rule(s),
                .fstype = s->mount->fstype,
        };

        s->last_error = r;
        m->n_failed_sweep++;

        if (r == -EPERM) {
                s->locked = true;
                s->decision.kind = MW_DECISION_LOCKED;
                log_full(LOG_WARNING, r, &f,
                         "Flags of '%s' are locked (mount of another user namespace), "
                         "leaving it alone",
                         s->target);
        } else {
                s->decision.kind = MW_DECISION_FAILED;
                if (r == -ESTALE)
                        log_full(LOG_ERR, r, &f,
                                 "Failed to remount '%s': another mount or a symlink took its "
                                 "place, will decide again on its next change",
                                 s->target);
                else
                        log_full(LOG_ERR, r, &f, "Failed to remount '%s': %m, will retry on its "
                                 "next change", s->target);
        }

        bus_remount_failed(m, s, r);
}

static bool is_path_error(int r)
{
        return r == -ESTALE || r == -ENOENT || r == -ELOOP || r == -ENOTDIR;
}

/* The safe remount of the one mount @s stands for, by the id the kernel gave it. */
static int remount(Manager *m, MountState *s, unsigned set, unsigned clear, MwApplyResult *ret)
{
        const MwMount *mnt = s->mount;

        return mw_remount(mnt->target, mnt->id_unique ? mnt->id : mnt->mnt_id, mnt->id_unique,
                          set, clear, m->opts.force_fallback, ret);
}

static void record_hardened(Manager *m, MountState *s, unsigned missing);

void mount_apply(Manager *m, MountState *s)
{
        unsigned missing = s->decision.missing;
        MwApplyResult res;
        int r;

        r = remount(m, s, missing, 0, &res);
        if (r >= 0 && (res.flags_after & missing) != missing)
                r = -EIO; /* the kernel took the call but the flags did not stick */
        if (r < 0 && s->own_mount)
                return; /* the scan that follows looks at it again, knowing the whole table */
        if (r == -ESTALE && is_covered(m, s)) {
                s->covered = true;
                log_info("Mount '%s' is covered by another mount at the same place, cannot "
                         "reach it to harden it", s->target);
                return;
        }
        /* The path no longer leads to the mount: usually it is being unmounted, or a directory
         * above it was renamed (which wakes nobody) or swapped for a symlink. A fresh scan
         * finds it gone or at its new place; only a mismatch that outlives it is reported. */
        if (is_path_error(r) && !s->stale_once) {
                s->stale_once = true;
                manager_schedule_scan(m);
                return;
        }
        s->stale_once = false;
        if (r < 0) {
                apply_failed(m, s, r);
                return;
        }

        record_hardened(m, s, missing);
}

/* Remembers what the remount of @s changed and says so: journal, then bus. */
static void record_hardened(Manager *m, MountState *s, unsigned missing)
{
        const MwMount *mnt = s->mount;
        char added[MW_FLAGS_STRLEN], plus[MW_FLAGS_STRLEN];

        if (!s->have_original) {
                s->have_original = true;
                s->original_flags = mnt->flags;
        }
        manager_note_flags(m, s, mnt->flags | missing);
        s->added_flags |= missing;
        s->last_error = 0;
        m->state_dirty = true;
        s->decision.kind = MW_DECISION_COMPLIANT;
        s->decision.missing = 0;
        m->remounts_applied++;

        mw_flags_list_to_string(missing, NULL, added, sizeof(added));
        mw_flags_list_to_string(missing, "+", plus, sizeof(plus));
        log_full(LOG_NOTICE, 0,
                 &(LogMountFields){ .message_id = MW_MESSAGE_HARDENED,
                                    .target = mnt->target,
                                    .rule = mount_state_rule(s),
                                    .flags_added = added,
                                    .fstype = mnt->fstype },
                 "Hardened '%s' (%s): %s, rule %s", s->target, mnt->fstype, plus,
                 mount_state_rule(s));
        if (s->own_mount || s->is_new)
                s->unannounced_flags |= missing; /* it has no bus object yet */
        else
                bus_mount_hardened(m, s, missing);
}

/* In audit mode: what would be added, once per mount until it is compliant again. */
static void report_audit(MountState *s)
{
        char plus[MW_FLAGS_STRLEN];

        if (s->reported)
                return;

        s->reported = true;
        log_full(LOG_NOTICE, 0,
                 &(LogMountFields){ .target = s->mount->target, .rule = mount_state_rule(s) },
                 "Audit: '%s' (%s) lacks %s, rule %s", s->target, s->mount->fstype,
                 mw_flags_list_to_string(s->decision.missing, "+", plus, sizeof(plus)),
                 mount_state_rule(s));
}

void mount_process(Manager *m, MountState *s, bool relaxed_event)
{
        mount_decide(m, s);
        if (s->decision.kind != MW_DECISION_HARDEN) {
                s->reported = false;
                m->state_dirty |= s->relaxed_by_hand && s->have_original;
                s->relaxed_by_hand = false;
                s->last_error = 0;
                return;
        }

        if (s->locked) {
                s->decision.kind = MW_DECISION_LOCKED;
                return;
        }
        if (s->covered && is_covered(m, s))
                return;
        s->covered = false;

        if (relaxed_event && m->policy->relaxed == MW_RELAXED_RESPECT && !s->relaxed_by_hand) {
                s->relaxed_by_hand = true;
                m->state_dirty |= s->have_original;
                log_full(LOG_NOTICE, 0,
                         &(LogMountFields){ .target = s->mount->target,
                                            .rule = mount_state_rule(s) },
                         "Mount '%s' was relaxed by hand, leaving it as relaxed=\"respect\" says",
                         s->target);
        }
        if (s->relaxed_by_hand)
                return;

        if (m->mode == MW_MODE_AUDIT) {
                report_audit(s);
                return;
        }

        if (s->backoff_until_usec > manager_now_usec()) {
                manager_arm_retry(m, s->backoff_until_usec);
                return;
        }
        if (relaxed_event && relax_rate_limited(m, s)) {
                manager_arm_retry(m, s->backoff_until_usec);
                return;
        }

        mount_apply(m, s);
}

int manager_relax(Manager *m, MountState *s, unsigned clear, const char *why)
{
        const MwMount *mnt = s->mount;
        LogMountFields f = { .target = mnt->target, .rule = mount_state_rule(s),
                             .fstype = mnt->fstype };
        char minus[MW_FLAGS_STRLEN];
        int r;

        clear &= s->added_flags & ~s->original_flags & MW_ATTR_ENFORCEABLE;
        if (clear == 0)
                return 0;

        r = remount(m, s, 0, clear, NULL);
        if (r < 0)
                return log_full(LOG_ERR, r, &f, "Failed to relax '%s': %m", s->target);

        s->added_flags &= ~clear;
        manager_note_flags(m, s, mnt->flags & ~clear);
        m->state_dirty = true;
        log_full(LOG_NOTICE, 0, &f, "Relaxed '%s': %s, %s", s->target,
                 mw_flags_list_to_string(clear, "-", minus, sizeof(minus)), why);
        return 0;
}

int manager_revert(Manager *m, MountState *s)
{
        int r;

        if (!s->have_original || s->added_flags == 0)
                return -ENODATA;

        r = manager_relax(m, s, s->added_flags, "reverted on request");
        if (r < 0)
                return r;

        /* Neither a later scan nor a restart may harden it right back. */
        s->relaxed_by_hand = true;
        m->state_dirty = true;
        mount_process(m, s, false);
        bus_mount_changed(m, s);
        state_save(m);
        return 0;
}
