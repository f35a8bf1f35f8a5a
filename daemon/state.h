/* The runtime state file: the flags each mount had before the daemon changed it, so a restarted
 * daemon can still give them back (Revert) and tell its own flags from the admin's. */
#pragma once

#include "manager.h"

/* Once, after the first scan: takes the recorded flags of mounts that are still there. */
void state_restore(Manager *m);

/* Writes the state file again if anything changed; errors are logged and ignored. */
void state_save(Manager *m);

/* The same a moment later: for changes between scans, which may come in bursts. */
void state_save_soon(Manager *m);
