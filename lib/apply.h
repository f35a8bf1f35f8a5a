/* The safe per-mount remount: reach the mount by a verified descriptor, then change its flags. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct MwApplyResult {
        unsigned flags_before; /* MW_ATTR_* seen on the descriptor before the change */
        unsigned flags_after;  /* and after it */
        bool used_fallback;    /* MS_REMOUNT|MS_BIND instead of mount_setattr() */
} MwApplyResult;

/**
 * mw_remount() - set flags @set and clear flags @clear (MW_ATTR_*) on the one mount at @target
 * whose id is @expected_id. The target is opened without following any symlink, the descriptor's
 * mount id (unique when @id_unique, else the mountinfo id) is compared with @expected_id, and
 * the change goes through the descriptor: mount_setattr(2), or with @force_fallback or where the
 * kernel lacks it, MS_REMOUNT|MS_BIND carrying the current flags over. @ret may be NULL.
 * Returns 0; -ESTALE when another mount sits at @target (swapped, stacked, or not a mount
 * point); -ENOENT when it is gone; -ELOOP when a symlink is in the way; -EPERM when the flags
 * are locked; other negative errno from the kernel.
 */
int mw_remount(const char *target,
               uint64_t expected_id,
               bool id_unique,
               unsigned set,
               unsigned clear,
               bool force_fallback,
               MwApplyResult *ret);

/**
 * mw_mount_setattr_supported() - whether mount_setattr(2) exists on this kernel.
 */
bool mw_mount_setattr_supported(void);
