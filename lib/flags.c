/* Per-mount flag names and bits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flags.h"
#include "macro.h"

typedef struct FlagName {
        const char *name;
        const char *negated; /* the word that means "do not require it" */
        unsigned bit;
} FlagName;

/* In the order mountinfo prints them. */
static const FlagName enforceable[] = {
        { "nosuid", "suid", MW_ATTR_NOSUID },
        { "nodev", "dev", MW_ATTR_NODEV },
        { "noexec", "exec", MW_ATTR_NOEXEC },
        { "nosymfollow", "symfollow", MW_ATTR_NOSYMFOLLOW },
};

static const FlagName vfs_words[] = {
        { "ro", NULL, MW_ATTR_RDONLY },
        { "nosuid", NULL, MW_ATTR_NOSUID },
        { "nodev", NULL, MW_ATTR_NODEV },
        { "noexec", NULL, MW_ATTR_NOEXEC },
        { "noatime", NULL, MW_ATTR_NOATIME },
        { "strictatime", NULL, MW_ATTR_STRICTATIME },
        { "nodiratime", NULL, MW_ATTR_NODIRATIME },
        { "nosymfollow", NULL, MW_ATTR_NOSYMFOLLOW },
};

static bool word_is(const char *word, size_t len, const char *name)
{
        return strlen(name) == len && strncmp(name, word, len) == 0;
}

static unsigned vfs_word_bit(const char *word, size_t len)
{
        for (size_t i = 0; i < ELEMENTSOF(vfs_words); i++)
                if (word_is(word, len, vfs_words[i].name))
                        return vfs_words[i].bit;

        return 0;
}

int mw_flags_parse_vfs(const char *s, unsigned *ret_flags)
{
        unsigned flags = 0;
        bool atime_word = false;

        if (!s || !ret_flags)
                return -EINVAL;

        while (*s) {
                size_t len = strcspn(s, ",");

                flags |= vfs_word_bit(s, len);
                if (word_is(s, len, "relatime") || word_is(s, len, "noatime"))
                        atime_word = true;
                s += len;
                if (*s == ',')
                        s++;
        }

        /* The kernel prints "relatime" or "noatime", and nothing at all for strictatime. */
        if (!atime_word)
                flags = (flags & ~MW_ATTR_ATIME_MASK) | MW_ATTR_STRICTATIME;

        *ret_flags = flags;
        return 0;
}

static void append(char *buf, size_t size, size_t *pos, const char *prefix, const char *word)
{
        int n;

        if (*pos >= size)
                return;

        n = snprintf(buf + *pos, size - *pos, "%s%s%s", *pos > 0 ? "," : "", prefix, word);
        if (n > 0)
                *pos += (size_t)n;
}

const char *mw_flags_to_string(unsigned flags, char *buf, size_t size)
{
        size_t pos = 0;

        if (size == 0)
                return buf;
        buf[0] = '\0';

        append(buf, size, &pos, "", flags & MW_ATTR_RDONLY ? "ro" : "rw");
        for (size_t i = 0; i < ELEMENTSOF(enforceable) - 1; i++)
                if (flags & enforceable[i].bit)
                        append(buf, size, &pos, "", enforceable[i].name);

        switch (flags & MW_ATTR_ATIME_MASK) {
        case MW_ATTR_NOATIME:
                append(buf, size, &pos, "", "noatime");
                break;
        case MW_ATTR_STRICTATIME:
                append(buf, size, &pos, "", "strictatime");
                break;
        default:
                append(buf, size, &pos, "", "relatime");
                break;
        }

        if (flags & MW_ATTR_NODIRATIME)
                append(buf, size, &pos, "", "nodiratime");
        if (flags & MW_ATTR_NOSYMFOLLOW)
                append(buf, size, &pos, "", "nosymfollow");

        return buf;
}

const char *mw_flags_list_to_string(unsigned flags, const char *prefix, char *buf, size_t size)
{
        size_t pos = 0;

        if (size == 0)
                return buf;
        buf[0] = '\0';

        if (flags & MW_ATTR_RDONLY)
                append(buf, size, &pos, prefix ?: "", "ro");
        for (size_t i = 0; i < ELEMENTSOF(enforceable); i++)
                if (flags & enforceable[i].bit)
                        append(buf, size, &pos, prefix ?: "", enforceable[i].name);

        return buf;
}

unsigned mw_flag_from_name(const char *name)
{
        if (!name)
                return 0;

        for (size_t i = 0; i < ELEMENTSOF(enforceable); i++)
                if (streq(enforceable[i].name, name))
                        return enforceable[i].bit;

        return 0;
}

int mw_flag_spec_parse(const char *word, unsigned *ret_require, unsigned *ret_allow)
{
        if (!word || !ret_require || !ret_allow)
                return -EINVAL;

        for (size_t i = 0; i < ELEMENTSOF(enforceable); i++) {
                if (streq(enforceable[i].name, word)) {
                        *ret_require |= enforceable[i].bit;
                        return 0;
                }
                if (streq(enforceable[i].negated, word)) {
                        *ret_allow |= enforceable[i].bit;
                        return 0;
                }
        }

        return -EINVAL;
}
