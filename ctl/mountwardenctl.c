/* mountwardenctl: status and control of mountwardend over the system bus, and its offline plan.
 *
 * Exit codes: 0 success, 1 the command failed, 2 bad command line, 3 the daemon cannot be
 * reached, 4 access denied. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "bus-error.h"
#include "ctl.h"
#include "flags.h"
#include "macro.h"
#include "mw-build.h"
#include "output.h"
#include "policy.h"
#include "props.h"

CtlArgs arg = {
        .config = MW_CONFIG_FILE,
};

static void help(void)
{
        printf("Usage: mountwardenctl [OPTIONS] COMMAND [ARGUMENTS]\n\n"
               "Query and control mountwardend, the mount hardening daemon.\n\n"
               "Commands:\n"
               "  status                      The daemon's mode, counters and configuration\n"
               "  list [--all]                Every mount with its decision and rule\n"
               "  show PATH                   Everything about the mount at PATH\n"
               "  override add PATTERN FLAGS [--for DURATION] [--persistent]\n"
               "                              Require or allow flags on matching mounts\n"
               "  override remove PATTERN     Remove an override\n"
               "  override list               The overrides in force\n"
               "  revert PATH                 Give a mount back its original flags\n"
               "  reload                      Read the configuration again\n"
               "  rescan                      Read the mount table again\n"
               "  mode enforce|audit          Switch the mode until the daemon stops\n"
               "  plan [-c FILE] [--mountinfo FILE]\n"
               "                              What the policy would do, without the daemon\n\n"
               "Options:\n"
               "     --json                   Print JSON\n"
               "     --all                    With list: also mounts the policy ignores\n"
               "     --for DURATION           With override add: expire after DURATION\n"
               "     --persistent             With override add: survive restarts\n"
               "     --no-ask-password        Do not ask for a password (polkit)\n"
               "  -c --config FILE            With plan: the configuration (default %s)\n"
               "     --mountinfo FILE         With plan: read mounts from FILE\n"
               "  -h --help                   Show this help\n"
               "     --version                Show the version\n",
               MW_CONFIG_FILE);
}

int usage_error(const char *format, ...)
{
        va_list ap;

        fputs("mountwardenctl: ", stderr);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputs("\nTry 'mountwardenctl --help'.\n", stderr);
        return EXIT_USAGE;
}

int bus_failure(const sd_bus_error *error, int r, const char *what)
{
        bool has_error = error && sd_bus_error_is_set(error);

        fprintf(stderr, "mountwardenctl: Failed to %s: %s\n", what,
                has_error ? error->message ?: error->name : strerror(abs(r)));

        if (!has_error)
                return EXIT_FAILURE;
        if (sd_bus_error_has_names(error, SD_BUS_ERROR_ACCESS_DENIED,
                                   SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED))
                return EXIT_DENIED;
        if (sd_bus_error_has_names(error, SD_BUS_ERROR_SERVICE_UNKNOWN,
                                   SD_BUS_ERROR_NAME_HAS_NO_OWNER, SD_BUS_ERROR_NO_SERVER,
                                   SD_BUS_ERROR_DISCONNECTED))
                return EXIT_UNREACHABLE;

        return EXIT_FAILURE;
}

/* Calls a Manager method whose answer is empty. */
static int call_simple(sd_bus *bus, const char *what, const char *method, const char *types, ...)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        va_list ap;
        int r;

        va_start(ap, types);
        r = sd_bus_call_methodv(bus, CTL_BUS_NAME, CTL_BUS_PATH, CTL_MANAGER_INTERFACE, method,
                                &error, &reply, types, ap);
        va_end(ap);
        if (r < 0)
                return bus_failure(&error, r, what);

        return EXIT_SUCCESS;
}

static int verb_revert(sd_bus *bus, char **args, int n)
{
        _cleanup_free_ char *target = ctl_bus_target(args[0]);

        if (!target)
                return EXIT_FAILURE;

        return call_simple(bus, "revert the mount", "Revert", "s", target);
}

static int verb_reload(sd_bus *bus, char **args, int n)
{
        return call_simple(bus, "reload the configuration", "Reload", "");
}

static int verb_rescan(sd_bus *bus, char **args, int n)
{
        return call_simple(bus, "rescan", "Rescan", "");
}

static int verb_mode(sd_bus *bus, char **args, int n)
{
        if (mw_mode_from_string(args[0]) < 0)
                return usage_error("Unknown mode '%s', expected enforce or audit", args[0]);

        return call_simple(bus, "set the mode", "SetMode", "s", args[0]);
}

/* The flag words of "exec,suid" or of several arguments, each checked here already so a typo
 * is a usage error. */
static int collect_flags(char **args, int n, char ***ret)
{
        _cleanup_strv_free_ char **words = NULL;
        size_t count = 0;

        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *copy = strdup(args[i]);
                char *saveptr = NULL;

                if (!copy)
                        return EXIT_FAILURE;

                for (char *w = strtok_r(copy, ",", &saveptr); w;
                     w = strtok_r(NULL, ",", &saveptr)) {
                        unsigned require = 0, allow = 0;
                        char **a;

                        if (mw_flag_spec_parse(w, &require, &allow) < 0)
                                return usage_error("Unknown flag '%s', expected exec, suid, dev, "
                                                   "symfollow or their no* forms", w);

                        a = reallocarray(words, count + 2, sizeof(char *));
                        if (!a)
                                return EXIT_FAILURE;
                        words = a;
                        words[count] = strdup(w);
                        words[++count] = NULL;
                }
        }

        if (count == 0)
                return usage_error("No flags given");

        *ret = TAKE_PTR(words);
        return EXIT_SUCCESS;
}

static int override_add(sd_bus *bus, char **args, int n)
{
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *msg = NULL, *reply = NULL;
        _cleanup_strv_free_ char **flags = NULL;
        _cleanup_free_ char *pattern = NULL;
        int r;

        if (n < 2)
                return usage_error("override add needs a PATTERN and FLAGS");

        r = collect_flags(args + 1, n - 1, &flags);
        if (r != EXIT_SUCCESS)
                return r;

        pattern = ctl_bus_string(args[0]);
        if (!pattern)
                return EXIT_FAILURE;

        r = sd_bus_message_new_method_call(bus, &msg, CTL_BUS_NAME, CTL_BUS_PATH,
                                           CTL_MANAGER_INTERFACE, "AddOverride");
        if (r >= 0)
                r = sd_bus_message_set_allow_interactive_authorization(msg, arg.ask_password);
        if (r >= 0)
                r = sd_bus_message_append(msg, "s", pattern);
        if (r >= 0)
                r = sd_bus_message_append_strv(msg, flags);
        if (r >= 0)
                r = sd_bus_message_append(msg, "tb", arg.for_usec, arg.persistent);
        if (r < 0)
                return bus_failure(NULL, r, "build the call");

        r = sd_bus_call(bus, msg, 0, &error, &reply);
        if (r < 0)
                return bus_failure(&error, r, "add the override");

        return EXIT_SUCCESS;
}

static int override_remove(sd_bus *bus, char **args, int n)
{
        _cleanup_free_ char *pattern = NULL;

        if (n != 1)
                return usage_error("override remove needs one PATTERN");

        pattern = ctl_bus_string(args[0]);
        if (!pattern)
                return EXIT_FAILURE;

        return call_simple(bus, "remove the override", "RemoveOverride", "s", pattern);
}

static int verb_override(sd_bus *bus, char **args, int n)
{
        if (streq(args[0], "add"))
                return override_add(bus, args + 1, n - 1);
        if (streq(args[0], "remove"))
                return override_remove(bus, args + 1, n - 1);
        if (streq(args[0], "list")) {
                if (n != 1)
                        return usage_error("override list takes no arguments");
                return ctl_override_list(bus);
        }

        return usage_error("Unknown override command '%s', expected add, remove or list",
                           args[0]);
}

typedef struct Verb {
        const char *name;
        int min_args, max_args;
        bool needs_bus;
        int (*run)(sd_bus *bus, char **args, int n);
} Verb;

static const Verb verbs[] = {
        { "status", 0, 0, true, ctl_status },
        { "list", 0, 0, true, ctl_list },
        { "show", 1, 1, true, ctl_show },
        { "override", 1, 64, true, verb_override },
        { "revert", 1, 1, true, verb_revert },
        { "reload", 0, 0, true, verb_reload },
        { "rescan", 0, 0, true, verb_rescan },
        { "mode", 1, 1, true, verb_mode },
        { "plan", 0, 0, false, ctl_plan },
};

enum {
        OPT_JSON = 0x100,
        OPT_ALL,
        OPT_FOR,
        OPT_PERSISTENT,
        OPT_NO_ASK_PASSWORD,
        OPT_MOUNTINFO,
        OPT_VERSION,
};

static const struct option options[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "all", no_argument, NULL, OPT_ALL },
        { "for", required_argument, NULL, OPT_FOR },
        { "persistent", no_argument, NULL, OPT_PERSISTENT },
        { "no-ask-password", no_argument, NULL, OPT_NO_ASK_PASSWORD },
        { "config", required_argument, NULL, 'c' },
        { "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        {},
};

/* Returns -1 to go on, or the exit code. */
static int parse_option(int c, const char *value)
{
        switch (c) {
        case OPT_JSON:
                arg.json = true;
                return -1;
        case OPT_ALL:
                arg.all = true;
                return -1;
        case OPT_FOR:
                if (parse_duration(value, &arg.for_usec) < 0)
                        return usage_error("Invalid duration '%s', expected e.g. 90s, 15min, 2h, "
                                           "at most 10 years", value);
                return -1;
        case OPT_PERSISTENT:
                arg.persistent = true;
                return -1;
        case OPT_NO_ASK_PASSWORD:
                arg.ask_password = false;
                return -1;
        case 'c':
                arg.config = value;
                return -1;
        case OPT_MOUNTINFO:
                arg.mountinfo = value;
                return -1;
        case 'h':
                help();
                return EXIT_SUCCESS;
        case OPT_VERSION:
                printf("mountwardenctl %s\n", PACKAGE_VERSION);
                return EXIT_SUCCESS;
        default:
                return EXIT_USAGE;
        }
}

static const Verb *find_verb(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];

        return NULL;
}

static int run_verb(const Verb *v, char **args, int n)
{
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int r;

        if (n < v->min_args || n > v->max_args)
                return usage_error("Wrong number of arguments for '%s'", v->name);
        if (!v->needs_bus)
                return v->run(NULL, args, n);

        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "mountwardenctl: Failed to connect to the system bus: %s\n",
                        strerror(-r));
                return EXIT_UNREACHABLE;
        }
        (void)sd_bus_set_allow_interactive_authorization(bus, arg.ask_password);

        return v->run(bus, args, n);
}

static int run(int argc, char *argv[])
{
        const Verb *v;
        int c, r;

        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0) {
                r = parse_option(c, optarg);
                if (r >= 0)
                        return r;
        }

        if (optind >= argc)
                return usage_error("No command given");

        v = find_verb(argv[optind]);
        if (!v)
                return usage_error("Unknown command '%s'", argv[optind]);

        return run_verb(v, argv + optind + 1, argc - optind - 1);
}

/* With stdout closed, the next open (a config file, a socket) would become descriptor 1 and
 * receive the output. A read-only /dev/null holds the place: writes to it fail with EBADF, as
 * they would on the closed descriptor. */
static void hold_stdout(void)
{
        int fd;

        if (fcntl(STDOUT_FILENO, F_GETFD) >= 0 || errno != EBADF)
                return;

        fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0 && fd != STDOUT_FILENO) {
                (void)dup2(fd, STDOUT_FILENO);
                close(fd);
        }
}

/* Output that did not reach its reader is a failure: a script must not take a truncated list
 * for the whole one. Returns @r, or EXIT_FAILURE when writing failed and @r was success. */
static int check_stdout(int r)
{
        errno = 0;
        if (fflush(stdout) == 0 && !ferror(stdout))
                return r;

        fprintf(stderr, "mountwardenctl: Failed to write to standard output: %s\n",
                strerror(errno ?: EIO));
        return r == EXIT_SUCCESS ? EXIT_FAILURE : r;
}

int main(int argc, char *argv[])
{
        hold_stdout();
        arg.ask_password = isatty(STDIN_FILENO);
        (void)sd_bus_error_add_map(mw_bus_error_map);

        return check_stdout(run(argc, argv));
}
