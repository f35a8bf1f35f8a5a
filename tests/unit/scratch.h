/* Private mount namespaces and scratch tmpfs for the unit tests that mount: whatever they mount
 * goes away with the test process and never reaches the machine. */
#pragma once

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

/* Moves this process into a mount namespace of its own, with private propagation.
 * Returns 0 or a negative errno. */
static inline int mw_test_private_namespace(void)
{
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;

        return 0;
}

/* Makes a directory from @template (mkdtemp(3)) and mounts a tmpfs of its own over it, so that
 * nothing made below reaches the host's disk. Returns 0 or a negative errno. */
static inline int mw_test_scratch(char *template)
{
        if (!mkdtemp(template))
                return -errno;
        if (mount("mw-scratch", template, "tmpfs", 0, "mode=0700") < 0)
                return -errno;

        return 0;
}

/* Lazily: a FUSE server left over by a failed test must not keep the scratch busy. */
static inline void mw_test_scratch_done(const char *dir)
{
        umount2(dir, MNT_DETACH);
        rmdir(dir);
}
