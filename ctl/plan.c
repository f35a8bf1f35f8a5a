/* mountwardenctl plan: what the policy would do with every mount, with no daemon involved. The
 * lines come from the daemon's own plan printer, so both always agree; --json splits them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "macro.h"
#include "mounttable.h"
#include "output.h"
#include "plan.h"

/* "a,b" or "+a,+b" as a JSON array of "a", "b". */
static void json_list(Json *j, char *list)
{
        char *saveptr = NULL;

        json_begin_array(j);
        for (char *w = strtok_r(list, ",", &saveptr); w; w = strtok_r(NULL, ",", &saveptr))
                json_string(j, w[0] == '+' ? w + 1 : w);
        json_end_array(j);
}

/* One plan line: TARGET FSTYPE FLAGS DECISION RULE, tab-separated; DECISION may be
 * "harden +flag,+flag". */
static void plan_line_json(Json *j, char *line)
{
        char *field[5] = {}, *saveptr = NULL, *missing;
        size_t n = 0;

        for (char *f = strtok_r(line, "\t\n", &saveptr); f && n < ELEMENTSOF(field);
             f = strtok_r(NULL, "\t\n", &saveptr))
                field[n++] = f;
        if (n != ELEMENTSOF(field))
                return;

        missing = strchr(field[3], ' ');
        if (missing)
                *missing++ = '\0';

        json_begin_object(j);
        json_key(j, "target");
        json_string(j, field[0]);
        json_key(j, "fstype");
        json_string(j, field[1]);
        json_key(j, "flags");
        json_list(j, field[2]);
        json_key(j, "decision");
        json_string(j, field[3]);
        json_key(j, "missing");
        json_list(j, missing ?: (char[]){ "" });
        json_key(j, "rule");
        json_string(j, field[4]);
        json_end_object(j);
}

static int print_json(const MwPolicy *p, const MwTable *t)
{
        _cleanup_free_ char *text = NULL;
        Json j = { .f = stdout };
        size_t size = 0;
        FILE *f;

        f = open_memstream(&text, &size);
        if (!f)
                return EXIT_FAILURE;
        plan_print(f, p, t);
        if (fclose(f) != 0)
                return EXIT_FAILURE;

        json_begin_array(&j);
        for (char *saveptr = NULL, *l = strtok_r(text, "\n", &saveptr); l;
             l = strtok_r(NULL, "\n", &saveptr))
                plan_line_json(&j, l);
        json_end_array(&j);
        putchar('\n');
        return EXIT_SUCCESS;
}

static int read_mounts(MwTable **ret)
{
        MwBackend backend = mw_statmount_supported() ? MW_BACKEND_STATMOUNT : MW_BACKEND_MOUNTINFO;
        int r;

        if (arg.mountinfo)
                r = mw_table_read_file(arg.mountinfo, ret, NULL, NULL);
        else
                r = mw_table_read_live(backend, ret, NULL);
        if (r < 0) {
                fprintf(stderr, "mountwardenctl: Failed to read '%s': %s\n",
                        arg.mountinfo ?: "the mount table", strerror(-r));
                return EXIT_FAILURE;
        }

        return EXIT_SUCCESS;
}

int ctl_plan(sd_bus *bus, char **args, int n)
{
        _cleanup_(mw_config_error_done) MwConfigError err = {};
        _cleanup_policy_ MwPolicy *p = NULL;
        _cleanup_table_ MwTable *t = NULL;
        int r;

        r = mw_config_load(arg.config, NULL, &p, &err);
        if (r < 0) {
                _cleanup_free_ char *problem = mw_config_error_to_string(&err, arg.config, r);

                fprintf(stderr, "%s\n", problem ?: strerror(-r));
                return EXIT_FAILURE;
        }

        r = read_mounts(&t);
        if (r != EXIT_SUCCESS)
                return r;

        if (arg.json)
                return print_json(p, t);

        plan_print(stdout, p, t);
        return EXIT_SUCCESS;
}
