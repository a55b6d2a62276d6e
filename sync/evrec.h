/* Event records: the binary encoding of events inside a bundle's "events.bin"
 * entry (docs/bundle-format.md §6). A record carries the event's fields
 * exactly as the event hash consumes them (core/event.h), so a reader checks
 * the chain with one SHA-256 over bytes it already holds: no text parsing, no
 * hex round trips, no allocation per event. */
#ifndef FC_SYNC_EVREC_H
#define FC_SYNC_EVREC_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/event.h"
#include "core/store/hash.h"

#include <stddef.h>
#include <stdint.h>

/* Cap on a record's length R (the bytes after its length field). */
#define EVREC_MAX (1u << 20)
/* The smallest R: hash, flags and eight empty-length fields. */
#define EVREC_MIN (HASH_LEN + 1 + 8 * 4)

#define EVREC_VISIT_NULL 1u
#define EVREC_SUBJECT_NULL 2u

/* Appends the record of e to out. e->hash must be e's hash in hex (it is
 * written raw, not recomputed). FC_EINPUT when e->hash is not 64 hex digits,
 * FC_ELIMIT when the record would exceed EVREC_MAX; out is unchanged then. */
int evrec_put(struct buf *out, const struct event *e, struct fc_error *err);

/* A cursor over the records of one bundle. Strings of the events it returns
 * are copied, NUL-terminated, into the caller's arena, which must hold at
 * least len bytes (each field costs 4 length bytes in the input and at most
 * its length + 1 in the arena) and outlive the events. */
struct evrec_reader {
    const unsigned char *p;
    size_t len, off;
    char *arena;
    size_t arena_off;
    const char *device; /* every event must belong to it */
    int64_t next_seq;
    unsigned char prev[HASH_LEN]; /* hash of the event before next_seq */
};

/* Borrows data, device and arena. prev is the hash of event first_seq - 1
 * (32 zero bytes when first_seq is 1). */
void evrec_reader_init(struct evrec_reader *r, const void *data, size_t len, const char *device,
                       int64_t first_seq, const unsigned char prev[HASH_LEN], char *arena);

/* Reads the next record into e, after checking its length against the cap
 * and the bytes left, its layout, that every field is NUL-free UTF-8 within
 * its size, that its seq is the next one and its device the expected one,
 * and that its hash recomputes over the previous hash and its fields.
 * Returns 1 with e filled (strings point into the arena; prev_hash and hash
 * in hex), 0 at the end of the data, or FC_EINPUT / FC_ELIMIT /
 * FC_EINTEGRITY naming the event. */
int evrec_next(struct evrec_reader *r, struct event *e, struct fc_error *err);

#endif
