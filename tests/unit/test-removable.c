/* Unit tests for lib/removable.c: mounts without a block device, and real loop-backed mounts
 * (ext4, and exFAT through FUSE as a desktop shows a USB stick) in a private mount namespace. */
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "macro.h"
#include "mounttable.h"
#include "removable.h"
#include "scratch.h"

#define TOOL_PATH "PATH=/usr/sbin:/sbin:/usr/bin:/bin "

static void test_invalid(void **state)
{
        assert_int_equal(mw_mount_is_removable(NULL), -EINVAL);
}

static void test_anonymous_device(void **state)
{
        MwMount m = {
                .target = (char *)"/dev/shm",
                .source = (char *)"tmpfs",
                .fstype = (char *)"tmpfs",
                .devno = makedev(0, 42),
        };

        assert_int_equal(mw_mount_is_removable(&m), -ENODEV);
}

/* For fuseblk the source path is what names the device. */
static void test_fuseblk_without_block_source(void **state)
{
        static const char *const sources[] = { "", "portal", "/nonexistent/sdz1", "/dev/null" };
        MwMount m = {
                .target = (char *)"/media/alice/STICK",
                .fstype = (char *)"fuseblk",
                .devno = makedev(0, 77),
        };

        for (size_t i = 0; i < ELEMENTSOF(sources); i++) {
                m.source = (char *)sources[i];
                assert_int_equal(mw_mount_is_removable(&m), -ENODEV);
        }
}

static void test_live_tmpfs(void **state)
{
        _cleanup_table_ MwTable *t = NULL;
        size_t n_tmpfs = 0;

        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &t, NULL), 0);
        for (size_t i = 0; i < mw_table_size(t); i++) {
                const MwMount *m = mw_table_get(t, i);

                if (!streq(m->fstype, "tmpfs"))
                        continue;
                assert_int_equal(mw_mount_is_removable(m), -ENODEV);
                n_tmpfs++;
        }

        if (n_tmpfs == 0)
                skip();
}

/* The private scratch tree the root-only tests mount into. */
static char scratch[] = "/tmp/mw-removable-XXXXXX";

static int namespace_setup(void **state)
{
        if (geteuid() != 0 || mw_test_private_namespace() < 0)
                return 0;
        if (mw_test_scratch(scratch) < 0)
                return -1;

        *state = scratch;
        return 0;
}

static int namespace_teardown(void **state)
{
        if (!*state)
                return 0;

        mw_test_scratch_done(scratch);
        return 0;
}

/* Attaches @image to a free loop device that goes away by itself once unmounted and closed.
 * Returns the open loop device and its path in @ret_path. */
static int loop_attach(const char *image, char *ret_path, size_t size)
{
        _cleanup_close_ int ctl = -1, img = -1;

        ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
        img = open(image, O_RDWR | O_CLOEXEC);
        assert_true(ctl >= 0 && img >= 0);

        /* Another process may take the same free device first: ask again. */
        for (int attempt = 0; attempt < 10; attempt++) {
                struct loop_config config = {
                        .fd = (uint32_t)img,
                        .info.lo_flags = LO_FLAGS_AUTOCLEAR,
                };
                _cleanup_close_ int fd = -1;
                int n = ioctl(ctl, LOOP_CTL_GET_FREE);

                assert_true(n >= 0);
                snprintf(ret_path, size, "/dev/loop%d", n);
                fd = open(ret_path, O_RDWR | O_CLOEXEC);
                if (fd >= 0 && ioctl(fd, LOOP_CONFIGURE, &config) == 0)
                        return TAKE_FD(fd);
                assert_true(fd < 0 || errno == EBUSY);
        }

        fail_msg("No free loop device");
        return -1;
}

static void make_image(const char *path, const char *mkfs)
{
        _cleanup_free_ char *cmd = NULL;
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, 16 * 1024 * 1024), 0);

        assert_true(asprintf(&cmd, TOOL_PATH "%s '%s' >/dev/null 2>&1", mkfs, path) > 0);
        assert_int_equal(system(cmd), 0);
}

static const MwMount *mounted_at(const MwTable *t, const char *target)
{
        const MwMount *m = mw_table_find_target(t, target);

        assert_non_null(m);
        return m;
}

static void test_ext4_on_loop(void **state)
{
        _cleanup_free_ char *image = NULL, *target = NULL;
        _cleanup_table_ MwTable *t = NULL;
        _cleanup_close_ int loop = -1;
        char dev[64];
        const MwMount *m;

        if (!*state || system(TOOL_PATH "command -v mkfs.ext4 >/dev/null") != 0)
                skip();

        assert_true(asprintf(&image, "%s/ext4.img", scratch) > 0);
        assert_true(asprintf(&target, "%s/ext4", scratch) > 0);
        make_image(image, "mkfs.ext4 -q -F");
        assert_int_equal(mkdir(target, 0700), 0);

        loop = loop_attach(image, dev, sizeof(dev));
        assert_int_equal(mount(dev, target, "ext4", MS_NOSUID | MS_NODEV, NULL), 0);

        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &t, NULL), 0);
        m = mounted_at(t, target);
        assert_string_equal(m->fstype, "ext4");
        assert_int_equal(major(m->devno), 7);
        assert_int_equal(mw_mount_is_removable(m), 0);

        assert_int_equal(umount2(target, 0), 0);
}

/* exFAT through exfat-fuse shows as fuseblk, as a USB stick does on desktops. */
static void test_fuseblk_on_loop(void **state)
{
        _cleanup_free_ char *image = NULL, *target = NULL, *cmd = NULL;
        _cleanup_table_ MwTable *t = NULL;
        _cleanup_close_ int loop = -1;
        char dev[64];
        const MwMount *m;
        int r;

        if (!*state || system(TOOL_PATH "command -v mount.exfat-fuse >/dev/null") != 0 ||
            access("/dev/fuse", R_OK | W_OK) < 0)
                skip();

        assert_true(asprintf(&image, "%s/exfat.img", scratch) > 0);
        assert_true(asprintf(&target, "%s/MY STICK", scratch) > 0);
        make_image(image, "mkfs.exfat");
        assert_int_equal(mkdir(target, 0700), 0);

        loop = loop_attach(image, dev, sizeof(dev));
        assert_true(asprintf(&cmd,
                             TOOL_PATH "mount.exfat-fuse -o nosuid,nodev %s '%s' >/dev/null 2>&1",
                             dev,
                             target) > 0);
        assert_int_equal(system(cmd), 0);

        assert_int_equal(mw_table_read_live(MW_BACKEND_MOUNTINFO, &t, NULL), 0);
        m = mounted_at(t, target);
        r = mw_mount_is_removable(m);
        assert_int_equal(umount2(target, 0), 0);

        assert_string_equal(m->fstype, "fuseblk");
        assert_string_equal(m->source, dev);
        assert_int_equal(r, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_anonymous_device),
                cmocka_unit_test(test_fuseblk_without_block_source),
                cmocka_unit_test(test_live_tmpfs),
        };
        const struct CMUnitTest root_tests[] = {
                cmocka_unit_test(test_ext4_on_loop),
                cmocka_unit_test(test_fuseblk_on_loop),
        };
        int failed;

        failed = cmocka_run_group_tests_name("removable", tests, NULL, NULL);
        failed += cmocka_run_group_tests_name("removable-loop",
                                              root_tests,
                                              namespace_setup,
                                              namespace_teardown);
        return failed;
}
