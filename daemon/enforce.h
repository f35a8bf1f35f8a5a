/* Enforcing the policy on one mount, and the few pieces of the manager it relies on. Internal to
 * the daemon. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "manager.h"

/* Decides for @s from the policy and the overrides; keeps a copy of the deciding rule's name. */
void mount_decide(Manager *m, MountState *s);

/* Adds the missing flags through the safe remount and reports the outcome (journal, bus). */
void mount_apply(Manager *m, MountState *s);

/* Decides and, unless something speaks against it (audit mode, a lock, a back-off, a mount
 * relaxed by hand with relaxed="respect"), applies. @relaxed_event: the change being handled
 * took required flags away. */
void mount_process(Manager *m, MountState *s, bool relaxed_event);

/* From manager.c. */
uint64_t manager_now_usec(void);
void manager_arm_retry(Manager *m, uint64_t when);
void manager_schedule_scan(Manager *m);
MountState *mount_state_free(MountState *s);
/* The flags the daemon just gave the mount of @s: the snapshot learns them, so that a change
 * back to the old ones shows in the next diff. */
void manager_note_flags(Manager *m, MountState *s, unsigned flags);
