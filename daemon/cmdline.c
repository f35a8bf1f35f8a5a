/* Boot switches on the kernel command line, so that a broken policy can be escaped from the
 * boot menu. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "log.h"
#include "policy.h"

static int word_mode(const char *word, int current)
{
        const char *v;
        MwMode mode;

        if (strncmp(word, "mountwarden=", 12) == 0) {
                v = word + 12;
                if (streq(v, "0") || streq(v, "off") || streq(v, "no") || streq(v, "false"))
                        return MW_MODE_AUDIT;
                if (streq(v, "1") || streq(v, "on") || streq(v, "yes") || streq(v, "true"))
                        return current;
                log_warning("Unknown kernel switch value 'mountwarden=%s', ignoring", v);
                return current;
        }

        if (strncmp(word, "mountwarden.mode=", 17) == 0) {
                v = word + 17;
                mode = mw_mode_from_string(v);
                if (mode < 0) {
                        log_warning("Unknown mode in 'mountwarden.mode=%s', ignoring", v);
                        return current;
                }
                return mode;
        }

        return current;
}

int cmdline_read_mode(const char *path)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        int mode = -1;

        path = path ?: "/proc/cmdline";
        f = fopen(path, "re");
        if (!f) {
                log_warning_errno(errno, "Failed to read '%s': %m, ignoring", path);
                return -1;
        }

        if (getline(&line, &size, f) < 0)
                return -1;

        for (char *save = NULL, *w = strtok_r(line, " \t\n", &save); w;
             w = strtok_r(NULL, " \t\n", &save))
                mode = word_mode(w, mode);

        if (mode >= 0)
                log_info("Kernel command line sets mode %s", mw_mode_to_string(mode));
        return mode;
}
