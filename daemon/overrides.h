/* Run-time overrides of the policy: added over D-Bus, for a while or persistently. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manager.h"

#define OVERRIDES_MAX 1024

/* Loads persistent overrides from the persist directory; called once before the first scan.
 * A missing file is fine; a damaged one is logged and ignored. */
int overrides_load(Manager *m);

/* The flag words of @o, comma-separated ("exec,nosuid"), written into @buf. */
const char *override_flags_to_string(const MwOverride *o, char *buf, size_t size);

/**
 * overrides_add() - add the override for @pattern (replacing one with the same pattern), then
 * decide again for every mount: a mount it relaxes loses only flags the daemon added itself.
 * @duration_usec 0 means no expiry. A persistent override is written to disk first.
 * Returns 0; -EINVAL for a bad pattern, flags or duration; -E2BIG when there are too many; or
 * the negative errno of writing the file, and then nothing changed.
 */
int overrides_add(Manager *m,
                  const char *pattern,
                  unsigned require,
                  unsigned allow,
                  uint64_t duration_usec,
                  bool persistent);

/**
 * overrides_remove() - remove the override for @pattern and decide again for every mount.
 * Returns 0, -ENOKEY when there is none, or the negative errno of writing the file.
 */
int overrides_remove(Manager *m, const char *pattern);

/* After the first scan, which decides with the loaded overrides but never takes flags away:
 * where they allow a flag the daemon added before a restart, takes it back. */
void overrides_relax_loaded(Manager *m);
