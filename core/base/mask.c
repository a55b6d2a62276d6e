/* Masking works on code points so a Chinese name never turns into broken
 * UTF-8; bytes that are not valid UTF-8 are treated as one character each. */
#include "core/base/mask.h"

#include "core/base/utf8.h"

#include <string.h>

/* Appends s with characters [keep_head, n - keep_tail) replaced by '*', one
 * per character, or by exactly `stars` asterisks in all when stars is not 0. */
static void mask_chars(struct buf *out, const char *s, size_t keep_head, size_t keep_tail,
                       size_t stars)
{
    size_t n = utf8_count(s), i = 0, idx = 0, len = strlen(s);
    uint32_t cp;

    if (keep_head + keep_tail > n) {
        keep_head = n > 1 ? 1 : 0;
        keep_tail = 0;
    }
    while (i < len) {
        int k = utf8_decode(s + i, len - i, &cp);
        size_t step = k < 0 ? 1 : (size_t)k;
        if (idx < keep_head || idx >= n - keep_tail)
            buf_add(out, s + i, step);
        else if (!stars)
            buf_addch(out, '*');
        else if (idx == keep_head)
            for (size_t j = 0; j < stars; j++)
                buf_addch(out, '*');
        i += step;
        idx++;
    }
}

static int policy_names = 1, policy_ids = 1;

void mask_set_policy(int mask_names, int mask_ids)
{
    policy_names = mask_names != 0;
    policy_ids = mask_ids != 0;
}

int mask_names_on(void)
{
    return policy_names;
}

int mask_ids_on(void)
{
    return policy_ids;
}

void mask_name(struct buf *out, const char *name)
{
    size_t n = utf8_count(name);

    if (!policy_names) {
        buf_adds(out, name);
        return;
    }
    if (n == 0)
        return;
    if (n == 1)
        buf_addch(out, '*');
    else if (n == 2)
        mask_chars(out, name, 1, 0, 0);
    else if (n == 3)
        mask_chars(out, name, 1, 1, 0);
    else
        mask_chars(out, name, 1, 1, 3); /* 4+: the mask hides how long the name is */
}

/* IDs and phone numbers: the first 3 and the last 4 characters stay, and
 * 7 or fewer are hidden whole. */
static void mask_number(struct buf *out, const char *number)
{
    size_t n = utf8_count(number);

    if (!policy_ids) {
        buf_adds(out, number);
        return;
    }
    if (n <= 7) {
        for (size_t i = 0; i < n; i++)
            buf_addch(out, '*');
        return;
    }
    mask_chars(out, number, 3, 4, 0);
}

void mask_id(struct buf *out, const char *id)
{
    mask_number(out, id);
}

void mask_phone(struct buf *out, const char *phone)
{
    mask_number(out, phone);
}
