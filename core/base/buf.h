/* Growable byte string, always NUL-terminated (git's strbuf, smaller).
 * A struct buf is caller-owned: buf_init() or BUF_INIT, then buf_release().
 * ptr is never NULL after init, so it can be printed at once. */
#ifndef FC_BASE_BUF_H
#define FC_BASE_BUF_H

#include <stddef.h>

struct buf {
    char *ptr;
    size_t len;
    size_t cap; /* 0 while ptr points at the shared empty string */
};

extern char buf_empty_[1];
#define BUF_INIT         \
    {                    \
        buf_empty_, 0, 0 \
    }

void buf_init(struct buf *b);
/* Frees the contents and leaves b initialised and empty. */
void buf_release(struct buf *b);
/* Hands the malloc'd string over to the caller (never NULL); b becomes empty. */
char *buf_detach(struct buf *b, size_t *len);
/* Ensures room for extra more bytes plus the terminator. */
void buf_grow(struct buf *b, size_t extra);
void buf_reset(struct buf *b);
void buf_truncate(struct buf *b, size_t len);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included; s must be valid UTF-8. */
void buf_add_json_str(struct buf *b, const char *s);

#endif
