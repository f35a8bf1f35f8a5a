/* mountwardend: watches the mount table and adds the flags the policy wants to every mount that
 * appears or changes. */
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "apply.h"
#include "bus.h"
#include "cmdline.h"
#include "config.h"
#include "escape.h"
#include "log.h"
#include "manager.h"
#include "mw-build.h"
#include "overrides.h"
#include "plan.h"
#include "state.h"

typedef enum Action {
        ACTION_RUN,
        ACTION_ONCE,
        ACTION_PLAN,
        ACTION_CHECK_CONFIG,
} Action;

typedef struct Args {
        Action action;
        ManagerOptions opts;
        const char *mountinfo;
        const char *backend;
        LogTarget log_target;
        bool allow_namespace;
        bool debug;
} Args;

static void help(void)
{
        printf("Usage: mountwardend [OPTIONS]\n\n"
               "Keeps mount options hardened: adds nosuid, nodev, noexec where the policy wants\n"
               "them, to every mount as it appears or changes.\n\n"
               "  -c --config FILE        Main configuration file (default %s)\n"
               "     --check-config       Validate the configuration and exit\n"
               "     --plan               Print the decision for every mount, change nothing\n"
               "     --mountinfo FILE     With --plan: read mounts from FILE\n"
               "     --once               One sweep, then exit (non-zero if anything failed)\n"
               "     --mode MODE          enforce or audit, whatever the configuration says\n"
               "     --allow-namespace    Run outside PID 1's mount namespace\n"
               "     --state-dir DIR      Runtime state (default %s)\n"
               "     --persist-dir DIR    Persistent overrides (default %s)\n"
               "     --backend NAME       auto, mountinfo or statmount\n"
               "     --no-setattr         Use MS_REMOUNT|MS_BIND instead of mount_setattr(2)\n"
               "     --kernel-cmdline FILE  Read boot switches from FILE, not /proc/cmdline\n"
               "     --no-bus             Do not connect to D-Bus\n"
               "     --log-target TARGET  auto, journal or stderr\n"
               "     --debug              Log debug messages\n"
               "  -h --help               Show this help\n"
               "     --version            Show the version\n",
               MW_CONFIG_FILE, MW_STATE_DIR, MW_PERSIST_DIR);
}

enum {
        OPT_CHECK_CONFIG = 0x100,
        OPT_PLAN,
        OPT_MOUNTINFO,
        OPT_ONCE,
        OPT_MODE,
        OPT_ALLOW_NAMESPACE,
        OPT_STATE_DIR,
        OPT_PERSIST_DIR,
        OPT_BACKEND,
        OPT_NO_SETATTR,
        OPT_KERNEL_CMDLINE,
        OPT_NO_BUS,
        OPT_LOG_TARGET,
        OPT_DEBUG,
        OPT_VERSION,
};

static const struct option options[] = {
        { "config", required_argument, NULL, 'c' },
        { "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
        { "plan", no_argument, NULL, OPT_PLAN },
        { "mountinfo", required_argument, NULL, OPT_MOUNTINFO },
        { "once", no_argument, NULL, OPT_ONCE },
        { "mode", required_argument, NULL, OPT_MODE },
        { "allow-namespace", no_argument, NULL, OPT_ALLOW_NAMESPACE },
        { "state-dir", required_argument, NULL, OPT_STATE_DIR },
        { "persist-dir", required_argument, NULL, OPT_PERSIST_DIR },
        { "backend", required_argument, NULL, OPT_BACKEND },
        { "no-setattr", no_argument, NULL, OPT_NO_SETATTR },
        { "kernel-cmdline", required_argument, NULL, OPT_KERNEL_CMDLINE },
        { "no-bus", no_argument, NULL, OPT_NO_BUS },
        { "log-target", required_argument, NULL, OPT_LOG_TARGET },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, OPT_VERSION },
        {},
};

static int set_action(Args *a, Action action)
{
        if (a->action != ACTION_RUN && a->action != action)
                return log_error_errno(EINVAL, "--once, --plan and --check-config exclude each "
                                       "other");

        a->action = action;
        return 0;
}

static int parse_option(Args *a, int c, const char *arg)
{
        switch (c) {
        case 'c':
                a->opts.config_file = arg;
                return 0;
        case OPT_CHECK_CONFIG:
                return set_action(a, ACTION_CHECK_CONFIG);
        case OPT_PLAN:
                return set_action(a, ACTION_PLAN);
        case OPT_MOUNTINFO:
                a->mountinfo = arg;
                return 0;
        case OPT_ONCE:
                return set_action(a, ACTION_ONCE);
        case OPT_MODE:
                a->opts.mode_override = mw_mode_from_string(arg);
                if (a->opts.mode_override < 0)
                        return log_error_errno(EINVAL, "Unknown mode '%s' (expected enforce or "
                                               "audit)", arg);
                return 0;
        case OPT_ALLOW_NAMESPACE:
                a->allow_namespace = true;
                return 0;
        case OPT_STATE_DIR:
                a->opts.state_dir = arg;
                return 0;
        case OPT_PERSIST_DIR:
                a->opts.persist_dir = arg;
                return 0;
        case OPT_BACKEND:
                a->backend = arg;
                return 0;
        case OPT_NO_SETATTR:
                a->opts.force_fallback = true;
                return 0;
        case OPT_KERNEL_CMDLINE:
                a->opts.cmdline_file = arg;
                return 0;
        case OPT_NO_BUS:
                a->opts.use_bus = false;
                return 0;
        case OPT_LOG_TARGET:
                a->log_target = log_target_from_string(arg);
                if (a->log_target < 0)
                        return log_error_errno(EINVAL, "Unknown log target '%s'", arg);
                return 0;
        case OPT_DEBUG:
                a->debug = true;
                return 0;
        case 'h':
                help();
                exit(EXIT_SUCCESS);
        case OPT_VERSION:
                printf("mountwardend %s\n", PACKAGE_VERSION);
                exit(EXIT_SUCCESS);
        default:
                return -EINVAL;
        }
}

static int parse_args(int argc, char *argv[], Args *a)
{
        int c, r;

        *a = (Args){
                .opts = {
                        .config_file = MW_CONFIG_FILE,
                        .state_dir = MW_STATE_DIR,
                        .persist_dir = MW_PERSIST_DIR,
                        .use_bus = true,
                        .mode_override = -1,
                },
        };

        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0) {
                r = parse_option(a, c, optarg);
                if (r < 0)
                        return r;
        }

        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'", argv[optind]);
        if (a->mountinfo && a->action != ACTION_PLAN)
                return log_error_errno(EINVAL, "--mountinfo only goes with --plan");

        return 0;
}

static int pick_backend(Args *a)
{
        if (!a->backend || streq(a->backend, "auto")) {
                a->opts.backend = mw_statmount_supported() ? MW_BACKEND_STATMOUNT
                                                           : MW_BACKEND_MOUNTINFO;
                return 0;
        }

        for (int b = 0; b < _MW_BACKEND_MAX; b++)
                if (streq(a->backend, mw_backend_to_string((MwBackend)b))) {
                        a->opts.backend = (MwBackend)b;
                        if (b == MW_BACKEND_STATMOUNT && !mw_statmount_supported())
                                return log_error_errno(EOPNOTSUPP, "This kernel lacks "
                                                       "statmount(2) and listmount(2)");
                        return 0;
                }

        return log_error_errno(EINVAL, "Unknown backend '%s' (expected auto, mountinfo or "
                               "statmount)", a->backend);
}

static bool have_cap_sys_admin(void)
{
        struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct data[2] = {};

        if (syscall(SYS_capget, &header, data) < 0)
                return false;

        return data[CAP_SYS_ADMIN / 32].effective & (1U << (CAP_SYS_ADMIN % 32));
}

/* The mount id on the first line of a mountinfo file. */
static int mountinfo_root_id(const char *path, unsigned long *ret)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");

        if (!f)
                return -errno;
        if (fscanf(f, "%lu", ret) != 1)
                return -EBADMSG;

        return 0;
}

/* Whether we share PID 1's mount namespace. /proc/1/ns/mnt needs ptrace rights on PID 1, which
 * the unit's capability bounding set does not grant; /proc/1/mountinfo does not, and every
 * mount of a copied namespace has an id of its own. */
static int same_namespace_as_init(void)
{
        unsigned long self_id, init_id;
        struct stat self, init;
        int r;

        if (stat("/proc/self/ns/mnt", &self) >= 0 && stat("/proc/1/ns/mnt", &init) >= 0)
                return self.st_ino == init.st_ino && self.st_dev == init.st_dev;

        r = mountinfo_root_id("/proc/self/mountinfo", &self_id);
        if (r < 0)
                return r;
        r = mountinfo_root_id("/proc/1/mountinfo", &init_id);
        if (r < 0)
                return r;

        return self_id == init_id;
}

/* Remounting a private copy of the mount table would harden nothing anyone else sees. */
static int check_namespace(bool allow)
{
        int r = same_namespace_as_init();

        if (r > 0)
                return 0;
        if (r < 0 && !allow)
                return log_error_errno(r, "Failed to compare our mount namespace with PID 1's: %m");
        if (r < 0)
                return log_warning_errno(r, "Failed to compare our mount namespace with PID 1's: "
                                         "%m, going on as allowed"), 0;
        if (allow) {
                log_info("Running in a mount namespace other than PID 1's, as allowed");
                return 0;
        }

        return log_error_errno(EPERM, "Refusing to run in a mount namespace other than PID 1's: "
                               "only a private copy of the mount table would be hardened. Check "
                               "the unit for PrivateTmp=, ProtectSystem= and their kin, or pass "
                               "--allow-namespace if this is intended");
}

static void print_config_error(const MwConfigError *err, const char *fallback, int r)
{
        _cleanup_free_ char *problem = mw_config_error_to_string(err, fallback, r);

        fprintf(stderr, "%s\n", problem ?: strerror(-r));
}

/* The output of --plan or --check-config is only worth its exit status if it was all written. */
static int finish_output(int status)
{
        if (fflush(stdout) != 0 || ferror(stdout)) {
                log_error_errno(errno ?: EIO, "Failed to write to standard output: %m");
                return EXIT_FAILURE;
        }

        return status;
}

static int run_check_config(Args *a)
{
        _cleanup_(mw_config_error_done) MwConfigError err = {};
        _cleanup_policy_ MwPolicy *p = NULL;
        int r;

        r = mw_config_load(a->opts.config_file, a->opts.dropin_dir, &p, &err);
        if (r < 0) {
                print_config_error(&err, a->opts.config_file, r);
                return EXIT_FAILURE;
        }

        for (char **f = p->files; f && *f; f++) {
                _cleanup_free_ char *name = mw_escape_path(*f);

                printf("%s: OK\n", name ?: "?");
        }
        printf("%zu rules, mode %s, relaxed mounts: %s\n", p->n_rules, mw_mode_to_string(p->mode),
               mw_relaxed_to_string(p->relaxed));
        return finish_output(EXIT_SUCCESS);
}

static int run_plan(Args *a)
{
        _cleanup_(mw_config_error_done) MwConfigError err = {};
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_table_ MwTable *t = NULL;
        unsigned skipped = 0, first_bad = 0;
        int r;

        r = mw_config_load(a->opts.config_file, a->opts.dropin_dir, &p, &err);
        if (r < 0) {
                print_config_error(&err, a->opts.config_file, r);
                return EXIT_FAILURE;
        }

        if (a->mountinfo)
                r = mw_table_read_file(a->mountinfo, &t, &skipped, &first_bad);
        else
                r = mw_table_read_live(a->opts.backend, &t, &skipped);
        if (r < 0) {
                log_error_errno(r, "Failed to read '%s': %m",
                                a->mountinfo ?: "the mount table");
                return EXIT_FAILURE;
        }
        if (skipped > 0)
                log_warning("Skipped %u unparsable lines of '%s' (the first at line %u)", skipped,
                            a->mountinfo ?: "/proc/self/mountinfo", first_bad);

        plan_print(stdout, p, t);
        return finish_output(EXIT_SUCCESS);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
        Manager *m = userdata;

        (void)manager_reload(m, NULL);
        return 0;
}

static int setup_signals(Manager *m)
{
        sigset_t mask;
        int r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return -errno;

        r = sd_event_add_signal(m->event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
        return r;
}

static void announce_ready(Manager *m)
{
        ManagerCounts c;

        manager_count(m, &c);
        log_info("Ready: %u mounts, %u hardened, %u exempt, %u failed, mode %s, backend %s",
                 c.total, c.hardened, c.exempt, c.failed, mw_mode_to_string(m->mode),
                 mw_backend_to_string(m->opts.backend));
        manager_notify_status(m, true);
}

static int run_daemon(Args *a)
{
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        if (!have_cap_sys_admin())
                return log_error_errno(EPERM, "Missing CAP_SYS_ADMIN: cannot change mount flags, "
                                       "run mountwardend as root");

        r = check_namespace(a->allow_namespace);
        if (r < 0)
                return r;

        if (a->opts.mode_override < 0)
                a->opts.mode_override = cmdline_read_mode(a->opts.cmdline_file);

        r = manager_new(&a->opts, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up: %m");

        r = manager_load_config(m, false, NULL);
        if (r < 0)
                return r;

        r = overrides_load(m);
        if (r < 0)
                return r;

        /* The monitor comes first: a mount made during the first scan still wakes us. */
        r = manager_watch(m);
        if (r < 0)
                return r;

        r = setup_signals(m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up signal handling: %m");

        if (a->opts.use_bus) {
                r = bus_setup(m);
                if (r < 0)
                        return r;
        }

        r = manager_scan(m, true);
        if (r < 0)
                return r;

        overrides_relax_loaded(m);

        if (a->action == ACTION_ONCE)
                return m->n_failed_sweep > 0 ? -EIO : 0;

        m->ready = true;
        announce_ready(m);

        (void)sd_event_set_watchdog(m->event, true);
        r = sd_event_loop(m->event);
        sd_notify(false, "STOPPING=1\nSTATUS=Stopping");
        state_save(m); /* mounts hardened on fanotify events since the last scan */
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");

        return 0;
}

int main(int argc, char *argv[])
{
        Args a;
        int r;

        log_setup(LOG_TARGET_AUTO, false);

        r = parse_args(argc, argv, &a);
        if (r < 0)
                return 2;

        log_setup(a.log_target, a.debug);

        r = pick_backend(&a);
        if (r == -EINVAL)
                return 2;
        if (r < 0)
                return EXIT_FAILURE;

        switch (a.action) {
        case ACTION_CHECK_CONFIG:
                return run_check_config(&a);
        case ACTION_PLAN:
                return run_plan(&a);
        case ACTION_RUN:
        case ACTION_ONCE:
                break;
        }

        r = run_daemon(&a);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
