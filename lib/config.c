/* Loading the policy from libconfig files: the main file, then its drop-ins in name order.
 *
 * Files are read here, whole, and handed to libconfig as strings: libconfig opens no file
 * itself, because its scanner ends the whole process when reading fails. libconfig parses; this
 * file checks every setting against what a policy may say and turns it into MwRule entries,
 * stopping at the first problem with its file, line and a message that names the offending key
 * or value. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "fileio.h"
#include "flags.h"
#include "macro.h"

typedef struct Loader {
        MwPolicy *policy;
        size_t n_allocated;     /* room in policy->rules */
        const char *file;       /* the file being read */
        const char *dropin_dir; /* what an @include should be instead */
        MwConfigError *error;   /* may be NULL */
} Loader;

static void config_donep(config_t **c)
{
        if (*c)
                config_destroy(*c);
}

static void rule_donep(MwRule *r)
{
        mw_rule_done(r);
}

static int fail_at(Loader *l, const char *file, unsigned line, int r, const char *fmt, ...)
        _printf_(5, 6);

static int fail_at(Loader *l, const char *file, unsigned line, int r, const char *fmt, ...)
{
        MwConfigError *e = l->error;
        va_list ap;

        if (!e)
                return r;

        mw_config_error_done(e);
        e->file = strdup(file);
        e->line = line;

        va_start(ap, fmt);
        if (vasprintf(&e->message, fmt, ap) < 0)
                e->message = NULL;
        va_end(ap);

        return r;
}

static int fail_errno(Loader *l, const char *file, int r)
{
        return fail_at(l, file, 0, r, "%s", strerror(-r));
}

/* Fails with -EINVAL at the place of setting @s. */
#define fail(l, s, ...)                                                                            \
        fail_at((l),                                                                               \
                config_setting_source_file(s) ?: (l)->file,                                        \
                config_setting_source_line(s),                                                     \
                -EINVAL,                                                                           \
                __VA_ARGS__)

static int fail_choice(Loader *l, const config_setting_t *s, const char *choices)
{
        const char *value = config_setting_get_string(s);

        if (!value)
                return fail(l, s, "'%s' must be %s", config_setting_name(s), choices);

        return fail(l, s, "'%s' must be %s, not \"%s\"", config_setting_name(s), choices, value);
}

static int parse_mode(Loader *l, const config_setting_t *s)
{
        MwMode m = mw_mode_from_string(config_setting_get_string(s));

        if (m < 0)
                return fail_choice(l, s, "\"enforce\" or \"audit\"");

        l->policy->mode = m;
        return 0;
}

static int parse_relaxed(Loader *l, const config_setting_t *s)
{
        MwRelaxed r = mw_relaxed_from_string(config_setting_get_string(s));

        if (r < 0)
                return fail_choice(l, s, "\"reapply\" or \"respect\"");

        l->policy->relaxed = r;
        return 0;
}

/* The @i-th string of a setting that is a string or a list of strings, for its line number. */
static const config_setting_t *string_at(const config_setting_t *s, size_t i)
{
        return config_setting_get_elem(s, (unsigned)i) ?: s;
}

/* What is wrong with one string of a list, or NULL. */
typedef const char *(*StringCheck)(const char *value);

/* A string, or a list or array of strings, as a NULL-terminated copy. Each string passes @check
 * (may be NULL), or the error is "bad @noun 'value': problem". An empty list is refused: it would
 * read as "no condition", the opposite of what it looks like. */
static int get_strings(Loader *l,
                       const config_setting_t *s,
                       StringCheck check,
                       const char *noun,
                       char ***ret)
{
        const char *name = config_setting_name(s);
        bool single = config_setting_type(s) == CONFIG_TYPE_STRING;
        int n = single ? 1 : config_setting_length(s);
        _cleanup_strv_free_ char **v = NULL;

        if (!single && !config_setting_is_array(s) && !config_setting_is_list(s))
                return fail(l, s, "'%s' must be a string or a list of strings", name);
        if (n == 0)
                return fail(l, s, "'%s' is an empty list", name);

        v = calloc((size_t)n + 1, sizeof(char *));
        if (!v)
                return -ENOMEM;

        for (int i = 0; i < n; i++) {
                const config_setting_t *e = string_at(s, (size_t)i);
                const char *value = config_setting_get_string(e);
                const char *problem = value && check ? check(value) : NULL;

                if (!value)
                        return fail(l, e, "'%s' must be a string or a list of strings", name);
                if (problem)
                        return fail(l, e, "bad %s '%s': %s", noun, value, problem);

                v[i] = strdup(value);
                if (!v[i])
                        return -ENOMEM;
        }

        *ret = TAKE_PTR(v);
        return 0;
}

static int parse_target(Loader *l, const config_setting_t *s, MwRule *r)
{
        return get_strings(l, s, mw_pattern_problem, "pattern", &r->targets);
}

static const char *fstype_problem(const char *value)
{
        return value[0] == '\0' ? "must not be empty" : NULL;
}

static int parse_fstype(Loader *l, const config_setting_t *s, MwRule *r)
{
        return get_strings(l, s, fstype_problem, "fstype", &r->fstypes);
}

static int get_string(Loader *l, const config_setting_t *s, char **ret)
{
        const char *value = config_setting_get_string(s);

        if (!value)
                return fail(l, s, "'%s' must be a string", config_setting_name(s));

        *ret = strdup(value);
        return *ret ? 0 : -ENOMEM;
}

static int parse_source(Loader *l, const config_setting_t *s, MwRule *r)
{
        const char *value = config_setting_get_string(s);

        if (value && value[0] == '\0')
                return fail(l, s, "'source' must not be empty");

        return get_string(l, s, &r->source);
}

/* Both keys fill r->reason, so whichever comes second is refused. */
static int fail_reason_and_exempt(Loader *l, const config_setting_t *s)
{
        return fail(l, s, "'reason' goes with 'ensure'; an exemption's reason is its 'exempt'");
}

static int parse_reason(Loader *l, const config_setting_t *s, MwRule *r)
{
        if (r->exempt)
                return fail_reason_and_exempt(l, s);

        return get_string(l, s, &r->reason);
}

static int parse_exempt(Loader *l, const config_setting_t *s, MwRule *r)
{
        const char *value = config_setting_get_string(s);

        if (r->reason)
                return fail_reason_and_exempt(l, s);
        if (!value || value[0] == '\0')
                return fail(l, s, "'exempt' must give the reason, as a non-empty string");

        r->exempt = true;
        return get_string(l, s, &r->reason);
}

static int parse_removable(Loader *l, const config_setting_t *s, MwRule *r)
{
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
                return fail(l, s, "'removable' must be a boolean");

        r->removable = config_setting_get_bool(s) ? 1 : 0;
        return 0;
}

static int add_flag(Loader *l, const config_setting_t *s, const char *word, size_t len, MwRule *r)
{
        _cleanup_free_ char *name = strndup(word, len);
        unsigned bit;

        if (!name)
                return -ENOMEM;
        if (len == 0)
                return fail(l, s, "'ensure' has an empty flag name");

        bit = mw_flag_from_name(name);
        if (bit == 0)
                return fail(l,
                            s,
                            "unknown flag '%s' (expected nosuid, nodev, noexec, nosymfollow)",
                            name);

        r->ensure |= bit;
        return 0;
}

/* One word per list element, or several in one string: "nosuid, nodev,noexec". */
static int add_flags(Loader *l, const config_setting_t *s, const char *words, MwRule *r)
{
        for (const char *p = words;; p++) {
                size_t len;
                int k;

                p += strspn(p, " \t");
                len = strcspn(p, ",");
                while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                        len--;

                k = add_flag(l, s, p, len, r);
                if (k < 0)
                        return k;

                p += strcspn(p, ",");
                if (*p == '\0')
                        return 0;
        }
}

static int parse_ensure(Loader *l, const config_setting_t *s, MwRule *r)
{
        _cleanup_strv_free_ char **words = NULL;
        int k;

        k = get_strings(l, s, NULL, "flag", &words);
        if (k < 0)
                return k;

        for (size_t i = 0; words[i]; i++) {
                k = add_flags(l, string_at(s, i), words[i], r);
                if (k < 0)
                        return k;
        }

        return 0;
}

typedef struct RuleKey {
        const char *name;
        int (*parse)(Loader *l, const config_setting_t *s, MwRule *r);
} RuleKey;

static const RuleKey rule_keys[] = {
        { "target", parse_target },   { "fstype", parse_fstype }, { "source", parse_source },
        { "removable", parse_removable }, { "ensure", parse_ensure }, { "exempt", parse_exempt },
        { "reason", parse_reason },
};

static int parse_rule_key(Loader *l, const config_setting_t *s, MwRule *r)
{
        const char *name = config_setting_name(s);

        for (size_t i = 0; i < ELEMENTSOF(rule_keys); i++)
                if (streq(rule_keys[i].name, name))
                        return rule_keys[i].parse(l, s, r);

        return fail(l,
                    s,
                    "unknown key '%s' (expected target, fstype, source, removable, ensure, exempt, "
                    "reason)",
                    name);
}

static int check_rule(Loader *l, const config_setting_t *s, const MwRule *r)
{
        if (!r->targets && !r->fstypes && !r->source && r->removable < 0)
                return fail(l, s, "rule has no condition (target, fstype, source or removable)");
        if (r->ensure == 0 && !r->exempt)
                return fail(l, s, "rule needs 'ensure' or 'exempt'");
        if (r->ensure != 0 && r->exempt)
                return fail(l, s, "rule has both 'ensure' and 'exempt'; it can only be one");

        return 0;
}

static int append_rule(Loader *l, MwRule *r)
{
        MwPolicy *p = l->policy;

        if (p->n_rules == l->n_allocated) {
                size_t n = l->n_allocated ? l->n_allocated * 2 : 16;
                MwRule *rules = reallocarray(p->rules, n, sizeof(MwRule));

                if (!rules)
                        return -ENOMEM;

                p->rules = rules;
                l->n_allocated = n;
        }

        p->rules[p->n_rules++] = *r;
        *r = (MwRule){ .removable = -1 };
        return 0;
}

static int parse_rule(Loader *l, const config_setting_t *s)
{
        _cleanup_(rule_donep) MwRule r = { .removable = -1 };
        const char *file = config_setting_source_file(s) ?: l->file;
        int k, n = config_setting_length(s);

        if (!config_setting_is_group(s))
                return fail(l, s, "each rule must be a group: { target = ...; ensure = ...; }");

        r.line = config_setting_source_line(s);
        r.file = strdup(file);
        if (!r.file || asprintf(&r.origin, "%s:%u", file, r.line) < 0)
                return -ENOMEM;

        for (int i = 0; i < n; i++) {
                k = parse_rule_key(l, config_setting_get_elem(s, i), &r);
                if (k < 0)
                        return k;
        }

        k = check_rule(l, s, &r);
        if (k < 0)
                return k;

        return append_rule(l, &r);
}

static int parse_rules(Loader *l, const config_setting_t *s)
{
        int n = config_setting_length(s);

        if (!config_setting_is_list(s) && !config_setting_is_array(s))
                return fail(l, s, "'rules' must be a list of rules: ( { ... }, { ... } )");

        for (int i = 0; i < n; i++) {
                int k = parse_rule(l, config_setting_get_elem(s, i));

                if (k < 0)
                        return k;
        }

        return 0;
}

static int parse_top_level(Loader *l, const config_setting_t *s)
{
        const char *name = config_setting_name(s);

        if (streq(name, "mode"))
                return parse_mode(l, s);
        if (streq(name, "relaxed"))
                return parse_relaxed(l, s);
        if (streq(name, "rules"))
                return parse_rules(l, s);

        return fail(l, s, "unknown key '%s' (expected mode, relaxed, rules)", name);
}

static int remember_file(MwPolicy *p, const char *path)
{
        size_t n = 0;
        char **files;

        while (p->files && p->files[n])
                n++;

        files = reallocarray(p->files, n + 2, sizeof(char *));
        if (!files)
                return -ENOMEM;
        p->files = files;

        files[n] = strdup(path);
        files[n + 1] = NULL;
        return files[n] ? 0 : -ENOMEM;
}

/* Opens @path if it is a regular file (see mw_open_regular()) of acceptable size. */
static int open_regular(Loader *l, const char *path, int *ret_fd, size_t *ret_size)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = mw_open_regular(path, &st);
        if (fd == -EINVAL)
                return fail_at(l, path, 0, -EINVAL, "not a regular file");
        if (fd < 0)
                return fail_errno(l, path, fd);
        if (st.st_size > MW_CONFIG_SIZE_MAX)
                return fail_at(l,
                               path,
                               0,
                               -EFBIG,
                               "file too large (%jd bytes, limit %d MiB)",
                               (intmax_t)st.st_size,
                               MW_CONFIG_SIZE_MAX / (1024 * 1024));

        *ret_fd = TAKE_FD(fd);
        *ret_size = (size_t)st.st_size;
        return 0;
}

/* Reads @size bytes, fewer if the file shrank since fstat(), into a NUL-terminated buffer. */
static int read_all(int fd, size_t size, char **ret, size_t *ret_len)
{
        _cleanup_free_ char *buf = malloc(size + 1);
        size_t len = 0;

        if (!buf)
                return -ENOMEM;

        while (len < size) {
                ssize_t n = read(fd, buf + len, size - len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;

                len += (size_t)n;
        }

        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_len = len;
        return 0;
}

static unsigned line_of(const char *text, const char *p)
{
        unsigned line = 1;

        for (const char *c = text; c < p; c++)
                line += *c == '\n';

        return line;
}

/* The whole text of @path, which must not hold a NUL byte: libconfig would stop reading there
 * without a word. */
static int read_text(Loader *l, const char *path, char **ret)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        const char *nul;
        size_t size = 0, len = 0;
        int k;

        k = open_regular(l, path, &fd, &size);
        if (k < 0)
                return k;

        k = read_all(fd, size, &text, &len);
        if (k < 0)
                return fail_errno(l, path, k);

        nul = memchr(text, '\0', len);
        if (nul)
                return fail_at(l, path, line_of(text, nul), -EINVAL, "contains a NUL byte");

        *ret = TAKE_PTR(text);
        return 0;
}

typedef enum ScanState {
        SCAN_CODE,
        SCAN_STRING,
        SCAN_COMMENT,
} ScanState;

static bool startswith(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Follows one line the way libconfig's scanner moves between code, strings and block comments,
 * the latter two of which may go on over several lines. Returns the line's end. */
static const char *scan_line(const char *p, ScanState *state)
{
        for (; *p != '\0' && *p != '\n'; p++)
                switch (*state) {
                case SCAN_CODE:
                        if (*p == '#' || startswith(p, "//"))
                                return p + strcspn(p, "\n");
                        if (*p == '"')
                                *state = SCAN_STRING;
                        else if (startswith(p, "/*")) {
                                *state = SCAN_COMMENT;
                                p++;
                        }
                        break;
                case SCAN_STRING:
                        if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
                                p++;
                        else if (*p == '"')
                                *state = SCAN_CODE;
                        break;
                case SCAN_COMMENT:
                        if (startswith(p, "*/")) {
                                *state = SCAN_CODE;
                                p++;
                        }
                        break;
                }

        return p;
}

/* The line of the first @include directive in @text, or 0. libconfig takes a line for one when
 * its first non-blank text, outside strings and comments, is "@include", and then opens the file
 * named, whatever it is. */
static unsigned include_line(const char *text)
{
        ScanState state = SCAN_CODE;
        unsigned line = 1;

        for (const char *p = text;; p++, line++) {
                if (state == SCAN_CODE && startswith(p + strspn(p, " \t"), "@include"))
                        return line;

                p = scan_line(p, &state);
                if (*p == '\0')
                        return 0;
        }
}

static int parse_text(Loader *l, const char *path, const char *text)
{
        _cleanup_(config_donep) config_t *c = NULL;
        config_t cfg;
        const config_setting_t *root;
        int k, n;

        config_init(&cfg);
        c = &cfg;

        /* A string has no file name for libconfig: errors and settings are placed in @path. */
        if (!config_read_string(c, text))
                return fail_at(l, path, config_error_line(c), -EINVAL, "%s", config_error_text(c));

        root = config_root_setting(c);
        n = config_setting_length(root);
        for (int i = 0; i < n; i++) {
                k = parse_top_level(l, config_setting_get_elem(root, i));
                if (k < 0)
                        return k;
        }

        return 0;
}

static int load_file(Loader *l, const char *path)
{
        _cleanup_free_ char *text = NULL;
        unsigned line;
        int k;

        l->file = path;

        k = read_text(l, path, &text);
        if (k < 0)
                return k;

        line = include_line(text);
        if (line > 0)
                return fail_at(l,
                               path,
                               line,
                               -EINVAL,
                               "@include is not supported, use drop-ins in '%s'",
                               l->dropin_dir);

        k = parse_text(l, path, text);
        if (k < 0)
                return k;

        return remember_file(l->policy, path);
}

static int is_dropin(const struct dirent *de)
{
        size_t len = strlen(de->d_name);

        /* Hidden names are editor leftovers, such as Emacs's dangling ".#x.conf" lock links. */
        if (de->d_name[0] == '.' || de->d_type == DT_DIR)
                return 0;

        return len > strlen(".conf") && streq(de->d_name + len - strlen(".conf"), ".conf");
}

/* strcmp(3), not alphasort(3): the order must not depend on the locale. */
static int dropin_compare(const struct dirent **a, const struct dirent **b)
{
        return strcmp((*a)->d_name, (*b)->d_name);
}

static void dirents_free(struct dirent **list, int n)
{
        for (int i = 0; i < n; i++)
                free(list[i]);
        free(list);
}

static int load_dropins(Loader *l, const char *dir)
{
        struct dirent **list = NULL;
        int n, k = 0;

        n = scandir(dir, &list, is_dropin, dropin_compare);
        if (n < 0)
                return errno == ENOENT ? 0 : fail_errno(l, dir, -errno);

        for (int i = 0; i < n && k >= 0; i++) {
                _cleanup_free_ char *path = NULL;

                if (asprintf(&path, "%s/%s", dir, list[i]->d_name) < 0)
                        k = -ENOMEM;
                else
                        k = load_file(l, path);
        }

        dirents_free(list, n);
        return k;
}

int mw_config_load(const char *main_file,
                   const char *dropin_dir,
                   MwPolicy **ret,
                   MwConfigError *ret_error)
{
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_free_ char *default_dir = NULL;
        Loader l = { .error = ret_error };
        int k;

        if (ret_error)
                *ret_error = (MwConfigError){};
        if (!main_file || !ret)
                return -EINVAL;

        p = calloc(1, sizeof(MwPolicy));
        if (!p)
                return -ENOMEM;
        p->mode = MW_MODE_ENFORCE;
        p->relaxed = MW_RELAXED_REAPPLY;
        l.policy = p;

        if (!dropin_dir && asprintf(&default_dir, "%s.d", main_file) < 0)
                return -ENOMEM;
        l.dropin_dir = dropin_dir ?: default_dir;

        k = load_file(&l, main_file);
        if (k < 0)
                return k;

        k = load_dropins(&l, l.dropin_dir);
        if (k < 0)
                return k;

        *ret = TAKE_PTR(p);
        return 0;
}

void mw_config_error_done(MwConfigError *e)
{
        if (!e)
                return;

        free(e->file);
        free(e->message);
        *e = (MwConfigError){};
}

char *mw_config_error_to_string(const MwConfigError *e, const char *fallback_file, int error)
{
        const char *file = e->file ?: fallback_file;
        const char *message = e->message ?: strerror(-error);
        char *s;
        int n;

        if (e->line > 0)
                n = asprintf(&s, "%s:%u: %s", file, e->line, message);
        else
                n = asprintf(&s, "%s: %s", file, message);

        return n < 0 ? NULL : s;
}
