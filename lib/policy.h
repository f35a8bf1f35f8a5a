/* Policy: rules, run-time overrides, path patterns, and the decision for one mount.
 *
 * Rules are kept in the order they were read; the last rule that matches a mount decides.
 * Overrides are applied on top of the deciding rule, in the order they were added. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mounttable.h"

typedef enum MwMode {
        MW_MODE_ENFORCE,
        MW_MODE_AUDIT,
        _MW_MODE_MAX,
        _MW_MODE_INVALID = -EINVAL,
} MwMode;

typedef enum MwRelaxed {
        MW_RELAXED_REAPPLY,
        MW_RELAXED_RESPECT,
        _MW_RELAXED_MAX,
        _MW_RELAXED_INVALID = -EINVAL,
} MwRelaxed;

typedef struct MwRule {
        char *file;
        unsigned line;
        char *origin;   /* "file:line", for plans, logs and the bus */

        char **targets; /* patterns, NULL-terminated; NULL matches any target */
        char **fstypes; /* fnmatch(3) patterns ("fuse.*"), NULL-terminated; NULL matches any */
        char *source;   /* pattern matched against the mount source with fnmatch(3); or NULL */
        int removable;  /* -1: not a condition; 0 or 1: the device must (not) be removable */

        bool exempt;
        unsigned ensure; /* MW_ATTR_* flags required, when not exempt */
        char *reason;    /* why: the exempt reason or the rule's comment; may be NULL */
} MwRule;

/* Longer override durations are refused: they are a mistake, or a negative number read as
 * unsigned. The daemon and mountwardenctl both hold to it. */
#define MW_OVERRIDE_DURATION_MAX_USEC (10ULL * 366 * 24 * 3600 * 1000000)

typedef struct MwOverride {
        char *pattern;
        unsigned require; /* flags required on top of the rule ("noexec") */
        unsigned allow;   /* flags no longer required ("exec") */
        uint64_t expires_usec; /* CLOCK_REALTIME microseconds; 0 for never */
        bool persistent;
} MwOverride;

typedef struct MwPolicy {
        MwMode mode;
        MwRelaxed relaxed;
        MwRule *rules;
        size_t n_rules;
        char **files; /* the files read, in order, NULL-terminated */
} MwPolicy;

typedef enum MwDecisionKind {
        MW_DECISION_COMPLIANT,
        MW_DECISION_HARDEN,
        MW_DECISION_EXEMPT,
        MW_DECISION_IGNORED,
        MW_DECISION_FAILED,
        MW_DECISION_LOCKED,
        _MW_DECISION_MAX,
} MwDecisionKind;

typedef struct MwDecision {
        MwDecisionKind kind;
        const MwRule *rule;         /* the rule that decided, or NULL */
        const MwOverride *override; /* the last override that matched, or NULL */
        unsigned required;          /* flags the mount must have */
        unsigned missing;           /* required flags it lacks */
} MwDecision;

const char *mw_mode_to_string(MwMode m);
MwMode mw_mode_from_string(const char *s);
const char *mw_relaxed_to_string(MwRelaxed r);
MwRelaxed mw_relaxed_from_string(const char *s);
const char *mw_decision_to_string(MwDecisionKind k);

/**
 * mw_fstype_is_pseudo() - whether @fstype is a pseudo filesystem that is never touched
 * (proc, sysfs, cgroup2, devpts, ...). Returns true for NULL or "".
 */
bool mw_fstype_is_pseudo(const char *fstype);

/**
 * mw_pattern_validate() - check a target pattern: absolute, no empty, "." or ".." components,
 * "**" only as a whole component. Returns 0 or -EINVAL.
 */
int mw_pattern_validate(const char *pattern);

/**
 * mw_pattern_problem() - what is wrong with @pattern, as words for an error message ("must be an
 * absolute path"), or NULL when it is valid. The string is static.
 */
const char *mw_pattern_problem(const char *pattern);

/**
 * mw_pattern_match() - whether @path matches @pattern as a whole. Components are matched with
 * fnmatch(3) (so "*" and "?" never cross a "/" and "\" escapes); a "**" component matches any
 * number of components, none included, except at the end where it needs at least one: "/mnt/"
 * followed by "**" matches what lies below /mnt but not /mnt itself. Linear in pattern times
 * path components; out of memory reads as no match.
 */
bool mw_pattern_match(const char *pattern, const char *path);

/* Whether the mount's device is removable: 1 yes, 0 no, negative errno when unknown. */
typedef int (*MwRemovableFunc)(const MwMount *m, void *userdata);

/**
 * mw_policy_decide() - decide for one mount: IGNORED for pseudo filesystems, EXEMPT when the
 * last matching rule exempts it, else HARDEN when required flags are missing, else COMPLIANT.
 * @removable is asked only when a rule's other conditions match and it names removable; an
 * unknown answer counts as not removable, and it is asked at most once per call. Never returns
 * FAILED or LOCKED; the caller sets those after applying.
 *
 * Overrides whose pattern matches the target apply in order, whether a rule matched or not:
 * required gains their "require" flags and loses their "allow" flags. They apply to exempt mounts
 * too, because an administrator who names a mount explicitly means it: an exempt mount stays
 * EXEMPT (required 0) unless an override requires flags, and then it is HARDEN or COMPLIANT
 * with @rule still the exempting rule. Nothing ever applies to pseudo filesystems.
 */
void mw_policy_decide(const MwPolicy *p,
                      const MwOverride *overrides,
                      size_t n_overrides,
                      const MwMount *m,
                      MwRemovableFunc removable,
                      void *userdata,
                      MwDecision *ret);

MwPolicy *mw_policy_free(MwPolicy *p);
static inline void mw_policy_freep(MwPolicy **p)
{
        mw_policy_free(*p);
}
#define _cleanup_policy_ __attribute__((cleanup(mw_policy_freep)))

void mw_override_done(MwOverride *o);

/* Frees what @r owns and leaves it empty (removable -1). */
void mw_rule_done(MwRule *r);
