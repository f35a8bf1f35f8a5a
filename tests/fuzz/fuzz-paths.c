/* Fuzzes path escaping and pattern matching: the escaped form is always valid UTF-8 on one line,
 * and matching never crashes or runs away, whatever the bytes. Input: PATTERN NUL PATH. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *buf = malloc(size + 2), *path, *escaped;

        if (!buf)
                return 0;
        memcpy(buf, data, size);
        buf[size] = buf[size + 1] = '\0';
        path = buf + strlen(buf) + 1;
        if (path > buf + size)
                path = buf + size;

        escaped = mw_escape_path(path);
        if (escaped && (!mw_utf8_valid(escaped) || strchr(escaped, '\n')))
                abort();
        free(escaped);

        if (mw_pattern_validate(buf) == 0)
                (void)mw_pattern_match(buf, path);

        free(buf);
        return 0;
}
