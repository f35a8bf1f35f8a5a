/* Loading the policy from libconfig files: the main file, then its drop-ins in name order. */
#pragma once

#include "policy.h"

typedef struct MwConfigError {
        char *file;    /* the file at fault */
        unsigned line; /* 0 when no line applies (unreadable file) */
        char *message; /* what is wrong, e.g. "unknown flag 'noexex'" */
} MwConfigError;

/* Larger files are refused: a policy is a few kilobytes, and the file is read whole. */
#define MW_CONFIG_SIZE_MAX (1024 * 1024)

void mw_config_error_done(MwConfigError *e);

/**
 * mw_config_error_to_string() - "file:line: message", or "file: message" when no line applies;
 * @fallback_file and strerror(-@error) stand in for what @e lacks. Returns a newly allocated
 * string, or NULL when out of memory.
 */
char *mw_config_error_to_string(const MwConfigError *e, const char *fallback_file, int error);

/**
 * mw_config_load() - read @main_file, then every "*.conf" in @dropin_dir in name order (a
 * missing directory is fine; NULL means "@main_file.d"). Top-level settings of later files win;
 * rules are appended. On error nothing is returned in *ret and @ret_error (may be NULL) says
 * where and what. Returns 0, -EINVAL for a bad config (also a file that is not a regular file,
 * holds a NUL byte or an "@include" line: drop-ins take the place of includes), -EFBIG for a file
 * over MW_CONFIG_SIZE_MAX, or another negative errno for I/O.
 * @ret_error is overwritten with zeros first (so pass one that holds nothing); after an error,
 * free it with mw_config_error_done(). Names starting with "." are not read as drop-ins: they are
 * editor leftovers.
 */
int mw_config_load(const char *main_file,
                   const char *dropin_dir,
                   MwPolicy **ret,
                   MwConfigError *ret_error);
