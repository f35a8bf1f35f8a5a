/* Whether a mount sits on removable media: asked of sd-device, not read from sysfs by hand. */
#include <errno.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <systemd/sd-device.h>

#include "macro.h"
#include "removable.h"

static bool sysattr_is_one(sd_device *dev, const char *attr)
{
        const char *value;

        if (sd_device_get_sysattr_value(dev, attr, &value) < 0)
                return false;

        return streq(value, "1");
}

/* A partition has no "removable" attribute of its own: its disk has. USB card readers may report
 * removable=0 for the disk, so hanging off a USB bus counts too. */
static int device_is_removable(sd_device *dev)
{
        sd_device *disk = NULL, *usb = NULL;

        if (sysattr_is_one(dev, "removable"))
                return 1;

        if (sd_device_get_parent_with_subsystem_devtype(dev, "block", "disk", &disk) >= 0 &&
            sysattr_is_one(disk, "removable"))
                return 1;

        return sd_device_get_parent_with_subsystem_devtype(dev, "usb", NULL, &usb) >= 0;
}

/* The block device under @m: fuseblk mounts carry an anonymous device number, their real device
 * is the source path the FUSE helper opened. */
static int mount_block_device(const MwMount *m, sd_device **ret)
{
        int r;

        if (streq_ptr(m->fstype, "fuseblk")) {
                if (!m->source || m->source[0] != '/')
                        return -ENODEV;
                r = sd_device_new_from_devname(ret, m->source);
        } else {
                if (major(m->devno) == 0)
                        return -ENODEV;
                r = sd_device_new_from_devnum(ret, 'b', m->devno);
        }

        /* A missing node or sysfs entry, or a source that is a plain file, means there is no
         * block device to speak of. */
        if (r == -ENOENT || r == -ENXIO || r == -EINVAL || r == -ENOTBLK)
                return -ENODEV;
        return r;
}

static bool device_is_block(sd_device *dev)
{
        const char *subsystem;

        return sd_device_get_subsystem(dev, &subsystem) >= 0 && streq(subsystem, "block");
}

int mw_mount_is_removable(const MwMount *m)
{
        _cleanup_(sd_device_unrefp) sd_device *dev = NULL;
        int r;

        if (!m)
                return -EINVAL;

        r = mount_block_device(m, &dev);
        if (r < 0)
                return r;
        if (!device_is_block(dev))
                return -ENODEV;

        return device_is_removable(dev);
}
