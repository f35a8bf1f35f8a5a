/* Opening files that must be regular files. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"

int mw_open_regular(const char *path, struct stat *ret_st)
{
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;

        if (ret_st)
                *ret_st = st;
        return TAKE_FD(fd);
}
