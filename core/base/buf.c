/* Growable string. Growth is geometric; all size arithmetic goes through
 * xreallocarray so that overflow aborts instead of corrupting memory. */
#include "core/base/buf.h"

#include "core/base/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char buf_empty_[1];

void buf_init(struct buf *b)
{
    b->ptr = buf_empty_;
    b->len = 0;
    b->cap = 0;
}

void buf_release(struct buf *b)
{
    if (b->cap)
        free(b->ptr);
    buf_init(b);
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p;

    if (len)
        *len = b->len;
    if (!b->cap) {
        p = xstrdup("");
    } else {
        p = b->ptr;
    }
    buf_init(b);
    return p;
}

void buf_grow(struct buf *b, size_t extra)
{
    size_t need;

    if (extra > (size_t)-1 - b->len - 1)
        fc_die("buffer size overflow");
    need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (!b->cap) {
        b->ptr = xmalloc(cap);
        b->ptr[0] = '\0';
    } else {
        b->ptr = xreallocarray(b->ptr, cap, 1);
    }
    b->cap = cap;
}

void buf_reset(struct buf *b)
{
    buf_truncate(b, 0);
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len > b->len)
        BUG("buf_truncate beyond length (%zu > %zu)", len, b->len);
    b->len = len;
    if (b->cap)
        b->ptr[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t n)
{
    if (!n)
        return;
    buf_grow(b, n);
    memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        BUG("bad format '%s'", fmt);
    buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_add_json_str(struct buf *b, const char *s)
{
    buf_addch(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '"': buf_adds(b, "\\\""); break;
        case '\\': buf_adds(b, "\\\\"); break;
        case '\n': buf_adds(b, "\\n"); break;
        case '\r': buf_adds(b, "\\r"); break;
        case '\t': buf_adds(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                buf_addf(b, "\\u%04x", c);
            else
                buf_addch(b, (char)c);
        }
    }
    buf_addch(b, '"');
}
