/* A test helper: prints every signal org.mountwarden1 sends, one line each, until killed or a
 * timeout. It subscribes with a plain match, which the test bus's policy allows (becoming a
 * monitor is not), and prints "READY" once the match is in place.
 *
 * Line: MEMBER PATH ARG...; strings and object paths as they are, string arrays and the keys of
 * dictionaries comma-joined, other arguments left out. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

static void print_array(sd_bus_message *msg, const char *contents)
{
        const char *s;
        bool first = true;

        putchar(' ');
        if (sd_bus_message_enter_container(msg, 'a', contents) < 0)
                return;

        while (!sd_bus_message_at_end(msg, false)) {
                if (contents[0] == 's' || contents[0] == '{') {
                        if (contents[0] == '{')
                                sd_bus_message_enter_container(msg, 'e', NULL);
                        if (sd_bus_message_read_basic(msg, 's', &s) <= 0)
                                break;
                        printf("%s%s", first ? "" : ",", s);
                        first = false;
                        if (contents[0] == '{') {
                                sd_bus_message_skip(msg, NULL);
                                sd_bus_message_exit_container(msg);
                        }
                } else if (sd_bus_message_skip(msg, contents) < 0)
                        break;
        }
        if (first)
                putchar('-');
        sd_bus_message_exit_container(msg);
}

static int on_signal(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
        const char *contents, *s;
        char type;

        printf("%s %s", sd_bus_message_get_member(msg), sd_bus_message_get_path(msg));
        while (sd_bus_message_peek_type(msg, &type, &contents) > 0) {
                if (type == 's' || type == 'o') {
                        sd_bus_message_read_basic(msg, type, &s);
                        printf(" %s", s);
                } else if (type == 'a')
                        print_array(msg, contents);
                else
                        sd_bus_message_skip(msg, NULL);
        }
        putchar('\n');
        fflush(stdout);
        return 0;
}

int main(int argc, char *argv[])
{
        sd_bus *bus = NULL;
        sd_event *event = NULL;
        unsigned long timeout = argc > 1 ? strtoul(argv[1], NULL, 10) : 120;
        int r;

        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_add_match(bus, NULL,
                                     "type='signal',sender='org.mountwarden1',"
                                     "path_namespace='/org/mountwarden1'",
                                     on_signal, NULL);
        if (r >= 0)
                r = sd_event_default(&event);
        if (r >= 0)
                r = sd_bus_attach_event(bus, event, 0);
        if (r >= 0)
                r = sd_event_add_time_relative(event, NULL, CLOCK_MONOTONIC,
                                               timeout * 1000000ULL, 0, NULL, NULL);
        if (r < 0) {
                fprintf(stderr, "signal-listen: %s\n", strerror(-r));
                return 1;
        }

        puts("READY");
        fflush(stdout);
        r = sd_event_loop(event);
        sd_bus_flush_close_unref(bus);
        sd_event_unref(event);
        return r < 0 ? 1 : 0;
}
