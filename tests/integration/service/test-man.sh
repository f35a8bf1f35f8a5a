#!/bin/bash
# The built manual pages render with `man -l` without a single warning, and the pages of the
# programs document every option their --help lists.
#
# Usage: test-man.sh PROGRAM... -- PAGE...
#   PROGRAM  a built program; its page is the PAGE named after it (mountwardend.8)
. "$(dirname "$0")/checks.sh"

programs=()
while [ "$1" != -- ]; do
    programs+=("$1")
    shift
done
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

# Every long option of a program's --help appears in its page, as a term of a list.
for program in "${programs[@]}"; do
    name=$(basename "$program")
    page=
    for p in "$@"; do
        case "$(basename "$p")" in "$name".[1-8]) page=$p ;; esac
    done
    [ -n "$page" ] || { fail "no page for $name"; continue; }

    LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$page" >"$tmp/page.txt" 2>/dev/null
    options=$("$program" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
    [ -n "$options" ] || fail "no options found in $name --help"
    for opt in $options; do
        grep -qE -- "^ +(-., )?$opt( |$)" "$tmp/page.txt" ||
            fail "$(basename "$page") does not describe $opt"
    done
    echo "ok: $(basename "$page") describes all $(echo "$options" | wc -l) options of $name --help"
done

exit "$failed"
