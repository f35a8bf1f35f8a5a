/* What the parts of mountwardenctl share: the command line, exit codes, the verbs. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3
#define EXIT_DENIED 4

#define CTL_BUS_NAME "org.mountwarden1"
#define CTL_BUS_PATH "/org/mountwarden1"
#define CTL_MANAGER_INTERFACE "org.mountwarden1.Manager"
#define CTL_MOUNT_INTERFACE "org.mountwarden1.Mount"

typedef struct CtlArgs {
        bool json;
        bool all;
        bool persistent;
        bool ask_password;
        uint64_t for_usec; /* 0: no expiry */
        const char *config;
        const char *mountinfo;
} CtlArgs;

extern CtlArgs arg;

/* Prints "Failed to WHAT: message" and returns the exit code for @error (or @r without one). */
int bus_failure(const sd_bus_error *error, int r, const char *what);
/* Prints the problem and a hint; returns EXIT_USAGE. */
int usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* A path or pattern in the form the daemon reads: as it is when valid UTF-8 (so the form the
 * daemon shows, with "\134" for a backslash, is understood), else escaped as the daemon would.
 * NULL when out of memory. */
char *ctl_bus_string(const char *s);
/* ctl_bus_string() of @path without its trailing slashes. */
char *ctl_bus_target(const char *path);

/* query.c: the commands that only read. Each returns an exit code. */
int ctl_status(sd_bus *bus, char **args, int n);
int ctl_list(sd_bus *bus, char **args, int n);
int ctl_show(sd_bus *bus, char **args, int n);
int ctl_override_list(sd_bus *bus);

/* plan.c: the offline plan. */
int ctl_plan(sd_bus *bus, char **args, int n);
