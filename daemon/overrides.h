/* Run-time overrides of the policy: added over D-Bus, for a while or persistently. */
#pragma once

#include "manager.h"

/* Loads persistent overrides from the persist directory; called once before the first scan.
 * A missing file is fine; a damaged one is logged and ignored. */
int overrides_load(Manager *m);
