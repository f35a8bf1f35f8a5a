/* Per-mount flags: their names and bits, as mountinfo prints them and mount_setattr(2) takes them.
 *
 * Flags are kept as MOUNT_ATTR_* bits (the values of linux/mount.h), so a mask goes to
 * mount_setattr() unchanged. Only per-mount flags exist here, never superblock options. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define MW_ATTR_RDONLY 0x00000001U
#define MW_ATTR_NOSUID 0x00000002U
#define MW_ATTR_NODEV 0x00000004U
#define MW_ATTR_NOEXEC 0x00000008U
#define MW_ATTR_ATIME_MASK 0x00000070U /* one of the three modes below */
#define MW_ATTR_RELATIME 0x00000000U
#define MW_ATTR_NOATIME 0x00000010U
#define MW_ATTR_STRICTATIME 0x00000020U
#define MW_ATTR_NODIRATIME 0x00000080U
#define MW_ATTR_NOSYMFOLLOW 0x00200000U

/* The flags a policy may require: adding them only ever restricts a mount. */
#define MW_ATTR_ENFORCEABLE (MW_ATTR_NOSUID | MW_ATTR_NODEV | MW_ATTR_NOEXEC | MW_ATTR_NOSYMFOLLOW)

/* Longest string mw_flags_to_string() can produce, with its NUL. */
#define MW_FLAGS_STRLEN 64

/**
 * mw_flags_parse_vfs() - parse per-mount options as mountinfo's sixth field prints them
 * ("rw,nosuid,nodev,relatime"). Unknown words are skipped: newer kernels may add some.
 * Returns 0, or -EINVAL when @s is NULL.
 */
int mw_flags_parse_vfs(const char *s, unsigned *ret_flags);

/**
 * mw_flags_to_string() - print @flags the way mountinfo does ("ro,nosuid,noatime"); the atime
 * mode is printed too, "rw" when not read-only. Writes into @buf of @size bytes; returns @buf.
 */
const char *mw_flags_to_string(unsigned flags, char *buf, size_t size);

/**
 * mw_flags_list_to_string() - print only the flags in @flags as a comma list without "rw" or an
 * atime mode, e.g. "nosuid,noexec"; "" when @flags is 0. With @prefix (e.g. "+") before each.
 */
const char *mw_flags_list_to_string(unsigned flags, const char *prefix, char *buf, size_t size);

/**
 * mw_flag_from_name() - the bit of one enforceable flag name ("nosuid", "nodev", "noexec",
 * "nosymfollow"). Returns the bit, or 0 for any other name.
 */
unsigned mw_flag_from_name(const char *name);

/**
 * mw_flag_spec_parse() - parse one word of an override or rule: "noexec" means require noexec
 * (*ret_require gains the bit), "exec" means do not require it (*ret_allow gains the bit).
 * Accepts "suid"/"nosuid", "dev"/"nodev", "exec"/"noexec", "symfollow"/"nosymfollow".
 * Returns 0, or -EINVAL for an unknown word.
 */
int mw_flag_spec_parse(const char *word, unsigned *ret_require, unsigned *ret_allow);
