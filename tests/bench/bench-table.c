/* Benchmark: reading and diffing a 10,000-mount table (a host full of containers), ours against
 * libmount's own parse and mnt_diff_tables() on the same files. Prints medians; judges nothing. */
#include <errno.h>
#include <libmount.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "macro.h"
#include "mounttable.h"

#define N_MOUNTS 10000
#define MOUNTS_PER_CONTAINER 10
#define CHANGED_MOUNT 5003 /* index of the mount that gains noexec in the second file */
#define ROUNDS 21
#define ROUNDS_QUADRATIC 3 /* mnt_diff_tables() takes seconds here */

typedef double (*BenchFunc)(void *userdata);

typedef struct Files {
        char before[64];
        char after[64];
} Files;

static double now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int compare_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

/* Runs @func @rounds times; returns the median of the times it reports. */
static double median_ms(BenchFunc func, void *userdata, int rounds)
{
        double times[ROUNDS];

        for (int i = 0; i < rounds; i++)
                times[i] = func(userdata);

        qsort(times, (size_t)rounds, sizeof(double), compare_double);
        return times[rounds / 2];
}

static void write_overlay(FILE *f, unsigned i)
{
        const char *layers = "/var/lib/docker/overlay2/l";

        fprintf(f,
                "%u 30 0:%u / /var/lib/docker/overlay2/%08x%056x/merged rw,relatime shared:%u "
                "- overlay overlay rw,lowerdir=%s/A%08xQ:%s/B%08xQ:%s/C%08xQ,"
                "upperdir=/var/lib/docker/overlay2/%08x/diff,"
                "workdir=/var/lib/docker/overlay2/%08x/work\n",
                100 + i, 1000 + i, i, 0U, 100 + i, layers, i, layers, i, layers, i, i, i);
}

static void write_tmpfs(FILE *f, unsigned i, unsigned first, const char *opts)
{
        fprintf(f,
                "%u %u 0:%u / /var/lib/docker/overlay2/%08x%056x/merged/mnt/m%u %s shared:%u "
                "- tmpfs tmpfs rw,size=65536k,inode64\n",
                100 + i, 100 + first, 1000 + i, first, 0U, i - first, opts, 100 + i);
}

/* One container: its overlay root and the usual mounts under it. */
static void write_container(FILE *f, unsigned first, unsigned n, const char *changed_opts)
{
        write_overlay(f, first);

        for (unsigned i = first + 1; i < first + n && i < N_MOUNTS - 1; i++) {
                const char *opts = "rw,nosuid,nodev,relatime";

                if (i == CHANGED_MOUNT && changed_opts)
                        opts = changed_opts;
                write_tmpfs(f, i, first, opts);
        }
}

/* The root and N_MOUNTS - 1 container mounts. */
static void write_table(const char *path, const char *changed_opts)
{
        _cleanup_fclose_ FILE *f = fopen(path, "we");

        if (!f) {
                perror(path);
                exit(EXIT_FAILURE);
        }

        fputs("30 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n", f);
        for (unsigned first = 0; first < N_MOUNTS - 1; first += MOUNTS_PER_CONTAINER)
                write_container(f, first, MOUNTS_PER_CONTAINER, changed_opts);
}

static double bench_read_ours(void *userdata)
{
        const Files *files = userdata;
        _cleanup_table_ MwTable *t = NULL;
        double start = now_ms();

        if (mw_table_read_file(files->before, &t, NULL, NULL) < 0)
                abort();
        return now_ms() - start;
}

static double bench_read_libmount(void *userdata)
{
        const Files *files = userdata;
        struct libmnt_table *tb = mnt_new_table();
        double start = now_ms(), elapsed;

        if (!tb || mnt_table_parse_file(tb, files->before) < 0)
                abort();
        elapsed = now_ms() - start;

        mnt_unref_table(tb);
        return elapsed;
}

typedef struct OurTables {
        MwTable *old, *new;
        int n_changes;
} OurTables;

static int count_change(MwChange change, const MwMount *old, const MwMount *new, void *userdata)
{
        return 0;
}

static double bench_diff_ours(void *userdata)
{
        OurTables *t = userdata;
        double start = now_ms();

        t->n_changes = mw_table_diff(t->old, t->new, count_change, NULL);
        return now_ms() - start;
}

typedef struct LibmountTables {
        struct libmnt_table *old, *new;
        int n_changes;
} LibmountTables;

static double bench_diff_libmount(void *userdata)
{
        LibmountTables *t = userdata;
        struct libmnt_tabdiff *df = mnt_new_tabdiff();
        double start = now_ms(), elapsed;

        if (!df)
                abort();
        t->n_changes = mnt_diff_tables(df, t->old, t->new);
        elapsed = now_ms() - start;

        mnt_free_tabdiff(df);
        return elapsed;
}

static struct libmnt_table *libmount_read(const char *path)
{
        struct libmnt_table *tb = mnt_new_table();

        if (!tb || mnt_table_parse_file(tb, path) < 0)
                abort();
        return tb;
}

static void print_row(const char *what, double ours, double libmount)
{
        printf("%-6s %12.3f %14.3f %13.2fx\n", what, ours, libmount, libmount / ours);
}

int main(void)
{
        Files files = { "/tmp/mw-bench-before-XXXXXX", "/tmp/mw-bench-after-XXXXXX" };
        OurTables ours = {};
        LibmountTables theirs = {};
        double read_ours, read_libmount, diff_ours, diff_libmount;
        unsigned skipped;
        int fd_before = mkstemp(files.before), fd_after = mkstemp(files.after);

        if (fd_before < 0 || fd_after < 0) {
                perror("mkstemp");
                return EXIT_FAILURE;
        }
        close(fd_before);
        close(fd_after);
        write_table(files.before, NULL);
        write_table(files.after, "rw,nosuid,nodev,noexec,relatime");

        read_ours = median_ms(bench_read_ours, &files, ROUNDS);
        read_libmount = median_ms(bench_read_libmount, &files, ROUNDS);

        if (mw_table_read_file(files.before, &ours.old, &skipped, NULL) < 0 || skipped > 0 ||
            mw_table_read_file(files.after, &ours.new, &skipped, NULL) < 0 || skipped > 0 ||
            mw_table_size(ours.old) != N_MOUNTS)
                abort();
        theirs.old = libmount_read(files.before);
        theirs.new = libmount_read(files.after);

        diff_ours = median_ms(bench_diff_ours, &ours, ROUNDS);
        diff_libmount = median_ms(bench_diff_libmount, &theirs, ROUNDS_QUADRATIC);

        printf("%zu mounts, one of them remounted; medians of %d runs (diff in libmount: %d)\n",
               mw_table_size(ours.old), ROUNDS, ROUNDS_QUADRATIC);
        printf("%-6s %12s %14s %14s\n", "", "ours [ms]", "libmount [ms]", "libmount/ours");
        print_row("read", read_ours, read_libmount);
        print_row("diff", diff_ours, diff_libmount);
        printf("changes found: ours %d, libmount %d\n", ours.n_changes, theirs.n_changes);

        mw_table_free(ours.old);
        mw_table_free(ours.new);
        mnt_unref_table(theirs.old);
        mnt_unref_table(theirs.new);
        unlink(files.before);
        unlink(files.after);
        return EXIT_SUCCESS;
}
