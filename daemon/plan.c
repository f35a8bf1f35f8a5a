/* --plan: what the daemon would do with every mount, without doing it. */
#include <stdio.h>

#include "escape.h"
#include "flags.h"
#include "macro.h"
#include "plan.h"
#include "removable.h"

static int removable_cb(const MwMount *m, void *userdata)
{
        return mw_mount_is_removable(m);
}

static void print_one(FILE *out, const MwPolicy *p, const MwMount *m, MwDecision *d)
{
        _cleanup_free_ char *target = mw_escape_path(m->target);
        _cleanup_free_ char *fstype = mw_escape_path(m->fstype), *rule = NULL;
        char flags[MW_FLAGS_STRLEN], missing[MW_FLAGS_STRLEN];

        mw_policy_decide(p, NULL, 0, m, removable_cb, NULL, d);
        /* Escaped like the target: a drop-in's name may hold a tab or a newline too. */
        rule = mw_escape_path(d->rule && d->kind != MW_DECISION_IGNORED ? d->rule->origin : "-");

        mw_flags_to_string(m->flags, flags, sizeof(flags));
        if (d->kind == MW_DECISION_HARDEN)
                fprintf(out, "%s\t%s\t%s\tharden %s\t%s\n", target ?: "?", fstype ?: "?", flags,
                        mw_flags_list_to_string(d->missing, "+", missing, sizeof(missing)), rule ?: "?");
        else
                fprintf(out, "%s\t%s\t%s\t%s\t%s\n", target ?: "?", fstype ?: "?", flags,
                        mw_decision_to_string(d->kind), rule ?: "?");
}

unsigned plan_print(FILE *out, const MwPolicy *p, const MwTable *t)
{
        unsigned harden = 0;

        for (size_t i = 0; i < mw_table_size(t); i++) {
                MwDecision d = {};

                print_one(out, p, mw_table_get(t, i), &d);
                if (d.kind == MW_DECISION_HARDEN)
                        harden++;
        }

        return harden;
}
