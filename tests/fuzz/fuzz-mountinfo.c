/* Fuzzes reading a mount table and diffing it: the input is split at its first "\n--\n" into a
 * before and an after table, each read through libmount from a memfd, then diffed. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mounttable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static MwTable *read_table(const uint8_t *data, size_t size)
{
        MwTable *t = NULL;
        char path[64];
        int fd;

        fd = memfd_create("mountinfo", MFD_CLOEXEC);
        if (fd < 0)
                return NULL;
        if (write(fd, data, size) == (ssize_t)size) {
                snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
                (void)mw_table_read_file(path, &t, NULL, NULL);
        }
        close(fd);
        return t;
}

static int count(MwChange change, const MwMount *old, const MwMount *new, void *userdata)
{
        (*(size_t *)userdata)++;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *cut = memmem(data, size, "\n--\n", 4);
        size_t first = cut ? (size_t)(cut - data) + 1 : size;
        MwTable *before = read_table(data, first);
        MwTable *after = cut ? read_table(cut + 4, size - first - 3) : NULL;
        size_t changes = 0;

        if (before)
                (void)mw_table_diff(before, after ?: before, count, &changes);
        if (before && !after && changes != 0)
                __builtin_trap(); /* a table compared with itself has no changes */

        mw_table_free(before);
        mw_table_free(after);
        return 0;
}
