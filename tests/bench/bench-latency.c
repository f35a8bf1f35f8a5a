/* How long a new mount stays unhardened: the time from calling mount(2) to the moment the
 * mount carries noexec (the daemon may finish before mount(2) has returned to its caller). The
 * real daemon runs on the default policy in a private namespace: on a small table, then with
 * 10,000 more mounts as on a host full of containers, with each backend. Also the daemon's
 * resident memory. The baseline beside it is the mount(2) call itself, on the same machine in
 * the same run. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 300
#define BULK 10000

static double now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

static void report(const char *what, double *v, size_t n)
{
        qsort(v, n, sizeof(double), cmp_double);
        printf("%-28s median %8.1f us  p90 %8.1f us  p99 %8.1f us  max %8.1f us\n", what,
               v[n / 2], v[n * 9 / 10], v[n * 99 / 100], v[n - 1]);
}

static pid_t start_daemon(const char *daemon, const char *config, const char *dir,
                          const char *backend)
{
        char log[256], state[256], line[512];
        FILE *f;
        pid_t pid;

        snprintf(log, sizeof(log), "%s/daemon.log", dir);
        snprintf(state, sizeof(state), "%s/state", dir);

        pid = fork();
        if (pid == 0) {
                int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

                dup2(fd, STDERR_FILENO);
                execl(daemon, daemon, "--config", config, "--allow-namespace", "--no-bus",
                      "--log-target", "stderr", "--state-dir", state, "--kernel-cmdline",
                      "/dev/null", "--backend", backend, (char *)NULL);
                _exit(127);
        }

        /* Wait for readiness, bounded at 30 s. */
        for (int i = 0; i < 3000; i++) {
                f = fopen(log, "re");
                while (f && fgets(line, sizeof(line), f))
                        if (strstr(line, "Ready:")) {
                                fclose(f);
                                return pid;
                        }
                if (f)
                        fclose(f);
                usleep(10000);
        }

        kill(pid, SIGTERM);
        return -1;
}

static long rss_kib(pid_t pid)
{
        char path[64], line[256];
        long kib = -1;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        f = fopen(path, "re");
        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
                        break;
        if (f)
                fclose(f);
        return kib;
}

/* Mounts ROUNDS tmpfs under /media one by one and measures each until it is noexec. */
static int measure(const char *label, pid_t pid)
{
        static double lag[ROUNDS], syscall_time[ROUNDS];
        static int serial;
        struct statvfs sv;
        char path[300];
        size_t n = 0;

        for (int i = 0; i < ROUNDS; i++) {
                double t0, t1, t2;

                snprintf(path, sizeof(path), "/media/bench%d", serial++);
                mkdir(path, 0755);

                t0 = now_us();
                if (mount("tmpfs", path, "tmpfs", 0, NULL) < 0)
                        break;
                t1 = now_us();
                do
                        t2 = now_us();
                while (statvfs(path, &sv) == 0 && !(sv.f_flag & ST_NOEXEC) && t2 - t1 < 5e6);

                syscall_time[n] = t1 - t0;
                lag[n] = t2 - t0;
                n++;
                umount2(path, MNT_DETACH);
        }

        if (n == 0)
                return -1;

        printf("\n%s: %zu mounts at /media/benchN; daemon RSS %ld KiB\n", label, n, rss_kib(pid));
        report("baseline: mount(2) itself", syscall_time, n);
        report("mount(2) called -> noexec", lag, n);
        printf("ratio (median lag / median mount call): %.1f\n", lag[n / 2] / syscall_time[n / 2]);
        return 0;
}

/* BULK mounts no rule is about, made directly: the table a container host carries. */
static int add_bulk(const char *scratch)
{
        char path[300];

        for (int i = 0; i < BULK; i++) {
                snprintf(path, sizeof(path), "%s/bulk%d", scratch, i);
                if (mkdir(path, 0755) < 0 || mount("tmpfs", path, "tmpfs", 0, NULL) < 0)
                        return -errno;
        }

        return 0;
}

int main(int argc, char *argv[])
{
        static const char *const backends[] = { "statmount", "mountinfo" };
        char scratch[] = "/run/mw-bench.XXXXXX";
        pid_t pid;
        int r = 0;

        if (argc != 3) {
                fprintf(stderr, "Usage: %s MOUNTWARDEND CONFIG\n", argv[0]);
                return 2;
        }
        if (geteuid() != 0) {
                printf("SKIP: needs root\n");
                return 77;
        }
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            !mkdtemp(scratch) || mount("tmpfs", scratch, "tmpfs", 0, NULL) < 0) {
                perror("private namespace");
                return 1;
        }
        /* /media is where the default policy wants noexec; a tmpfs of ours covers it. */
        if (mount("tmpfs", "/media", "tmpfs", 0, NULL) < 0) {
                perror("mount /media");
                return 1;
        }

        /* The same rounds with each backend: statmount gets fanotify's mount events where the
         * kernel has them, mountinfo waits for the monitor and a scan of the whole table. */
        for (int round = 0; round < 2 && r >= 0; round++) {
                if (round == 1)
                        r = add_bulk(scratch);

                for (size_t b = 0; b < sizeof(backends) / sizeof(backends[0]) && r >= 0; b++) {
                        char label[128];

                        pid = start_daemon(argv[1], argv[2], scratch, backends[b]);
                        if (pid < 0) {
                                fprintf(stderr, "daemon did not become ready\n");
                                return 1;
                        }

                        snprintf(label, sizeof(label), "backend %s, %s", backends[b],
                                 round == 0 ? "small table" : "10,000 more mounts");
                        r = measure(label, pid);
                        kill(pid, SIGTERM);
                        waitpid(pid, NULL, 0);
                }
        }

        umount2(scratch, MNT_DETACH);
        rmdir(scratch);
        return r < 0 ? 1 : 0;
}
