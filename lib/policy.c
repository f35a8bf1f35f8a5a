/* Policy: enum names, pseudo filesystems, target patterns, and the decision for one mount. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "flags.h"
#include "macro.h"
#include "policy.h"

static const char *const mode_table[_MW_MODE_MAX] = {
        [MW_MODE_ENFORCE] = "enforce",
        [MW_MODE_AUDIT] = "audit",
};

static const char *const relaxed_table[_MW_RELAXED_MAX] = {
        [MW_RELAXED_REAPPLY] = "reapply",
        [MW_RELAXED_RESPECT] = "respect",
};

static const char *const decision_table[_MW_DECISION_MAX] = {
        [MW_DECISION_COMPLIANT] = "compliant",
        [MW_DECISION_HARDEN] = "harden",
        [MW_DECISION_EXEMPT] = "exempt",
        [MW_DECISION_IGNORED] = "ignored",
        [MW_DECISION_FAILED] = "failed",
        [MW_DECISION_LOCKED] = "locked",
};

static const char *table_to_string(const char *const *table, size_t n, int i)
{
        if (i < 0 || (size_t)i >= n)
                return NULL;

        return table[i];
}

static int table_from_string(const char *const *table, size_t n, const char *s)
{
        if (!s)
                return -EINVAL;

        for (size_t i = 0; i < n; i++)
                if (streq(table[i], s))
                        return (int)i;

        return -EINVAL;
}

const char *mw_mode_to_string(MwMode m)
{
        return table_to_string(mode_table, ELEMENTSOF(mode_table), m);
}

MwMode mw_mode_from_string(const char *s)
{
        return table_from_string(mode_table, ELEMENTSOF(mode_table), s);
}

const char *mw_relaxed_to_string(MwRelaxed r)
{
        return table_to_string(relaxed_table, ELEMENTSOF(relaxed_table), r);
}

MwRelaxed mw_relaxed_from_string(const char *s)
{
        return table_from_string(relaxed_table, ELEMENTSOF(relaxed_table), s);
}

const char *mw_decision_to_string(MwDecisionKind k)
{
        return table_to_string(decision_table, ELEMENTSOF(decision_table), k);
}

/* Kernel filesystems that expose kernel state rather than files someone stores. devtmpfs, tmpfs,
 * ramfs, FUSE and overlay are deliberately absent: they hold real files and the policy covers
 * them (/dev is devtmpfs). */
static const char *const pseudo_fstypes[] = {
        "anon_inodefs", "autofs",   "binder",   "binfmt_misc", "bpf",        "cgroup",
        "cgroup2",      "configfs", "cpuset",   "debugfs",     "devpts",     "dmabuf",
        "efivarfs",     "fusectl",  "hugetlbfs", "mqueue",     "nfsd",       "nsfs",
        "pidfs",        "pipefs",   "proc",     "pstore",      "resctrl",    "rpc_pipefs",
        "securityfs",   "selinuxfs", "smackfs", "sockfs",      "sysfs",      "tracefs",
        "xenfs",
};

bool mw_fstype_is_pseudo(const char *fstype)
{
        if (!fstype || !*fstype)
                return true;

        for (size_t i = 0; i < ELEMENTSOF(pseudo_fstypes); i++)
                if (streq(pseudo_fstypes[i], fstype))
                        return true;

        return false;
}

/* Length of the component at @s, up to the next '/' or the end. */
static size_t component_len(const char *s)
{
        return strcspn(s, "/");
}

static const char *component_problem(const char *c, size_t len)
{
        size_t stars = 0;

        if (len == 0)
                return "has an empty component";
        if ((len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
                return "has a '.' or '..' component";
        if (len == 2 && c[0] == '*' && c[1] == '*')
                return NULL;

        for (size_t i = 0; i < len; i++) {
                if (c[i] == '\\') {
                        if (i + 1 == len)
                                return "ends a component with '\\', which cannot escape '/'";
                        i++;
                        stars = 0;
                        continue;
                }

                stars = c[i] == '*' ? stars + 1 : 0;
                if (stars == 2)
                        return "has '**' inside a component; it must stand alone, as in '/a/**/b'";
        }

        return NULL;
}

static bool endswith_slash(const char *s)
{
        size_t len = strlen(s);

        return len > 0 && s[len - 1] == '/';
}

const char *mw_pattern_problem(const char *pattern)
{
        if (!pattern || pattern[0] != '/')
                return "must be an absolute path";
        if (streq(pattern, "/"))
                return NULL;
        if (endswith_slash(pattern))
                return "must not end with '/'";

        for (const char *c = pattern + 1;; c++) {
                size_t len = component_len(c);
                const char *problem = component_problem(c, len);

                if (problem)
                        return problem;

                c += len;
                if (*c == '\0')
                        return NULL;
        }
}

int mw_pattern_validate(const char *pattern)
{
        return mw_pattern_problem(pattern) ? -EINVAL : 0;
}

/* Splits @s in place at every '/' and stores the non-empty components in @ret_comps; the
 * caller makes room for strlen(@s) / 2 + 1 of them. Returns how many were stored. */
static size_t split_components(char *s, char **ret_comps)
{
        char *state = NULL;
        size_t n = 0;

        for (char *c = strtok_r(s, "/", &state); c; c = strtok_r(NULL, "/", &state))
                ret_comps[n++] = c;

        return n;
}

static bool is_globstar(const char *c)
{
        return streq(c, "**");
}

/* Dynamic programming from the end of the pattern: after the loop for component i, row[j] says
 * whether pattern components i.. match path components j.., for all j. Each step only looks at
 * the row of component i + 1, so the work is pattern components times path components. */
static bool match_components(char **pat, size_t m, char **path, size_t n, bool *row, bool *next)
{
        for (size_t j = 0; j <= n; j++)
                row[j] = j == n;

        for (size_t i = m; i-- > 0;) {
                bool *tmp = next;

                next = row;
                row = tmp;

                row[n] = is_globstar(pat[i]) && i + 1 < m ? next[n] : false;
                for (size_t j = n; j-- > 0;) {
                        if (!is_globstar(pat[i]))
                                row[j] = next[j + 1] && fnmatch(pat[i], path[j], 0) == 0;
                        else if (i + 1 == m) /* a trailing "**" needs at least one component */
                                row[j] = true;
                        else
                                row[j] = next[j] || row[j + 1];
                }
        }

        return row[0];
}

bool mw_pattern_match(const char *pattern, const char *path)
{
        _cleanup_free_ void *buf = NULL;
        size_t plen, slen, max_m, max_n, m, n;
        char **pat, **comps, *text;
        bool *rows;

        if (!pattern || !path || pattern[0] != '/' || path[0] != '/')
                return false;

        plen = strlen(pattern);
        slen = strlen(path);
        max_m = plen / 2 + 1;
        max_n = slen / 2 + 1;

        /* One allocation per call, as every rule meets every mount: the component pointers, two
         * rows of the table, then copies of both strings. Out of memory reads as no match. */
        buf = malloc((max_m + max_n) * sizeof(char *) + 2 * (max_n + 1) + plen + slen + 2);
        if (!buf)
                return false;

        pat = buf;
        comps = pat + max_m;
        rows = (bool *)(comps + max_n);
        text = (char *)(rows + 2 * (max_n + 1));

        m = split_components(strcpy(text, pattern), pat);
        n = split_components(strcpy(text + plen + 1, path), comps);

        return match_components(pat, m, comps, n, rows, rows + max_n + 1);
}

static bool strv_any_match(char *const *patterns, const char *s, bool as_path)
{
        if (!patterns)
                return true;
        if (!s)
                return false;

        for (char *const *p = patterns; *p; p++) {
                bool match = as_path ? mw_pattern_match(*p, s) : fnmatch(*p, s, 0) == 0;

                if (match)
                        return true;
        }

        return false;
}

typedef struct RemovableCache {
        MwRemovableFunc func;
        void *userdata;
        int answer; /* -1 until asked; then 0 or 1, unknown counting as 0 */
} RemovableCache;

static bool removable_matches(RemovableCache *c, const MwMount *m, int wanted)
{
        if (c->answer < 0)
                c->answer = c->func && c->func(m, c->userdata) > 0;

        return c->answer == wanted;
}

static bool rule_matches(const MwRule *r, const MwMount *m, RemovableCache *removable)
{
        if (!strv_any_match(r->targets, m->target, true))
                return false;
        if (!strv_any_match(r->fstypes, m->fstype, false))
                return false;
        if (r->source && fnmatch(r->source, m->source ?: "", 0) != 0)
                return false;

        /* Last, as it is the only condition that may need a device lookup. */
        return r->removable < 0 || removable_matches(removable, m, r->removable);
}

static const MwRule *last_matching_rule(const MwPolicy *p,
                                        const MwMount *m,
                                        MwRemovableFunc removable,
                                        void *userdata)
{
        RemovableCache cache = { removable, userdata, -1 };

        if (!p)
                return NULL;

        for (size_t i = p->n_rules; i-- > 0;)
                if (rule_matches(&p->rules[i], m, &cache))
                        return &p->rules[i];

        return NULL;
}

void mw_policy_decide(const MwPolicy *p,
                      const MwOverride *overrides,
                      size_t n_overrides,
                      const MwMount *m,
                      MwRemovableFunc removable,
                      void *userdata,
                      MwDecision *ret)
{
        bool exempt;

        *ret = (MwDecision){};

        if (mw_fstype_is_pseudo(m->fstype)) {
                ret->kind = MW_DECISION_IGNORED;
                return;
        }

        ret->rule = last_matching_rule(p, m, removable, userdata);
        exempt = ret->rule && ret->rule->exempt;
        ret->required = ret->rule && !exempt ? ret->rule->ensure : 0;

        for (size_t i = 0; i < n_overrides; i++) {
                const MwOverride *o = &overrides[i];

                if (!mw_pattern_match(o->pattern, m->target))
                        continue;

                ret->required = (ret->required | o->require) & ~o->allow;
                ret->override = o;
        }

        ret->required &= MW_ATTR_ENFORCEABLE;
        ret->missing = ret->required & ~m->flags;

        if (exempt && ret->required == 0)
                ret->kind = MW_DECISION_EXEMPT;
        else
                ret->kind = ret->missing ? MW_DECISION_HARDEN : MW_DECISION_COMPLIANT;
}

void mw_rule_done(MwRule *r)
{
        if (!r)
                return;

        free(r->file);
        free(r->origin);
        strv_free(r->targets);
        strv_free(r->fstypes);
        free(r->source);
        free(r->reason);
        *r = (MwRule){ .removable = -1 };
}

MwPolicy *mw_policy_free(MwPolicy *p)
{
        if (!p)
                return NULL;

        for (size_t i = 0; i < p->n_rules; i++)
                mw_rule_done(&p->rules[i]);
        free(p->rules);
        strv_free(p->files);
        free(p);

        return NULL;
}

void mw_override_done(MwOverride *o)
{
        if (!o)
                return;

        free(o->pattern);
        *o = (MwOverride){};
}
