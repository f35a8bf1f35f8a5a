#!/bin/bash
# The built manual pages render with `man -l` without a single warning, and mountwardend(8)
# documents every option that `mountwardend --help` lists.
#
# Usage: test-man.sh DAEMON PAGE...
. "$(dirname "$0")/checks.sh"

daemon=$1
shift

# Both the terminal's UTF-8 output and plain ASCII, as on a console without a UTF-8 locale.
for page in "$@"; do
    name=$(basename "$page")
    for locale in C.UTF-8 C; do
        if ! LC_ALL=$locale MANWIDTH=80 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err"; then
            fail "$name: man -l failed ($locale)"
        fi
        if [ -s "$tmp/err" ]; then
            fail "$name: warnings ($locale):"
            cat "$tmp/err" >&2
        fi
        if ! grep -q '^NAME' "$tmp/out" || ! grep -q "^       ${name%.*} - " "$tmp/out"; then
            fail "$name: no NAME section naming ${name%.*} ($locale)"
        fi
    done
    echo "ok: $name renders without warnings ($(wc -l <"$tmp/out") lines)"
done

# Every long option of the daemon's --help appears in its page, written as man shows it.
daemon_page=
for page in "$@"; do
    case "$(basename "$page")" in mountwardend.8) daemon_page=$page ;; esac
done
if [ -n "$daemon_page" ]; then
    LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$daemon_page" >"$tmp/daemon.txt" 2>/dev/null
    options=$("$daemon" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
    [ -n "$options" ] || fail "no options found in mountwardend --help"
    for opt in $options; do
        grep -qE -- "^ +(-., )?$opt( |$)" "$tmp/daemon.txt" ||
            fail "mountwardend.8 does not describe $opt"
    done
    echo "ok: mountwardend.8 describes all $(echo "$options" | wc -l) options of --help"
fi

exit "$failed"
