/* The daemon's D-Bus face: org.mountwarden1 on the system bus. The manager calls these hooks as
 * mounts come, change and go; each is a no-op while the bus is not connected. */
#pragma once

#include "manager.h"

/* Connects to the system bus, registers the objects and takes the name. When the bus is not
 * there yet (early boot), keeps trying in the background and returns 0. */
int bus_setup(Manager *m);
void bus_done(Manager *m);

void bus_mount_added(Manager *m, MountState *s);
void bus_mount_removed(Manager *m, MountState *s);
void bus_mount_changed(Manager *m, MountState *s);
void bus_mount_hardened(Manager *m, MountState *s, unsigned flags_added);
void bus_remount_failed(Manager *m, MountState *s, int error);
void bus_override_expired(Manager *m, const char *pattern);
/* Emits PropertiesChanged for manager properties whose values changed since the last call. */
void bus_manager_changed(Manager *m);
