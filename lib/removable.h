/* Whether the device under a mount is removable media (a USB stick, an SD card), via sd-device. */
#pragma once

#include "mounttable.h"

/**
 * mw_mount_is_removable() - look up the block device of @m: the mount's source for FUSE block
 * mounts (fuseblk, where the source is the device the FUSE helper opened), else its device
 * number. The device counts as removable when it or its disk has removable=1, or when it hangs
 * off a USB bus.
 * Returns 1, 0, or a negative errno (-ENODEV when the mount has no block device).
 */
int mw_mount_is_removable(const MwMount *m);
