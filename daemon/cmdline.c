/* Boot switches on the kernel command line, so that a broken policy can be escaped from the
 * boot menu. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "fileio.h"
#include "log.h"
#include "policy.h"

/* The kernel takes at most a few KiB; anything longer is not a command line. */
#define CMDLINE_MAX (64 * 1024)

typedef struct Switches {
        int off;  /* mountwarden=0: 1, mountwarden=1: 0, not given: -1 */
        int mode; /* mountwarden.mode=, or -1 */
} Switches;

static void take_word(Switches *sw, const char *word)
{
        const char *v;

        if (strncmp(word, "mountwarden=", 12) == 0) {
                v = word + 12;
                if (streq(v, "0") || streq(v, "off") || streq(v, "no") || streq(v, "false"))
                        sw->off = 1;
                else if (streq(v, "1") || streq(v, "on") || streq(v, "yes") || streq(v, "true"))
                        sw->off = 0;
                else
                        log_warning("Unknown kernel switch value 'mountwarden=%s', ignoring", v);
                return;
        }

        if (strncmp(word, "mountwarden.mode=", 17) == 0) {
                v = word + 17;
                if (mw_mode_from_string(v) < 0)
                        log_warning("Unknown mode in 'mountwarden.mode=%s', ignoring", v);
                else
                        sw->mode = mw_mode_from_string(v);
        }
}

/* Splits at blanks outside double quotes and drops the quotes, as the kernel and systemd read
 * a command line: 'foo="a mountwarden=0"' is one word, 'mountwarden.mode="audit"' names audit. */
static void take_words(Switches *sw, char *line)
{
        char *word = line, *out = line;
        bool quoted = false;

        for (char *p = line;; p++) {
                char c = *p;

                if (c == '"') {
                        quoted = !quoted;
                        continue;
                }
                if (c != '\0' && (quoted || !strchr(" \t\n", c))) {
                        *out++ = c;
                        continue;
                }

                *out = '\0'; /* may land on *p itself, hence c */
                if (out > word)
                        take_word(sw, word);
                if (c == '\0')
                        return;
                word = out = p + 1;
        }
}

static int read_cmdline(const char *path, char **ret)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        ssize_t n;

        fd = mw_open_regular(path, NULL);
        if (fd < 0)
                return fd;

        buf = malloc(CMDLINE_MAX + 1);
        if (!buf)
                return -ENOMEM;

        n = read(fd, buf, CMDLINE_MAX);
        if (n < 0)
                return -errno;
        buf[n] = '\0';

        *ret = TAKE_PTR(buf);
        return 0;
}

int cmdline_read_mode(const char *path)
{
        _cleanup_free_ char *line = NULL;
        Switches sw = { .off = -1, .mode = -1 };
        int r;

        path = path ?: "/proc/cmdline";
        r = read_cmdline(path, &line);
        if (r < 0) {
                log_warning_errno(r, "Failed to read '%s': %m, ignoring", path);
                return -1;
        }

        take_words(&sw, line);

        /* The escape hatch wins wherever it stands: it is what one types in a boot menu. */
        if (sw.off == 1) {
                log_notice("Kernel command line says mountwarden=0: audit mode for this boot");
                return MW_MODE_AUDIT;
        }
        if (sw.mode >= 0)
                log_info("Kernel command line sets mode %s", mw_mode_to_string(sw.mode));
        return sw.mode;
}
