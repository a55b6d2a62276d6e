/* The append-only event log and its per-device SHA-256 hash chain.
 *
 * Every scan, mark, correction and visit change is one event. Derived tables
 * (visit, bed_state, stock_count, ...) are written by the event's appliers
 * (found through the workflow registry, core/workflow.h) in the same
 * transaction, and can be rebuilt from the events alone.
 *
 * Chain: hash(n) = SHA-256("fieldcheck-event-v1" || prev_hash(n) || for each of
 * seq, id, device, visit, at, kind, subject, payload: u32 big-endian length ||
 * bytes), with prev_hash(1) = 32 zero bytes. Hashes are stored as hex. The
 * payload is JSON text stored exactly as hashed. docs/bundle-format.md
 * repeats this definition for HQ's verifier. */
#ifndef FC_CORE_EVENT_H
#define FC_CORE_EVENT_H

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/error.h"
#include "core/store/hash.h"

#include <stdint.h>

struct store;

struct event {
    int64_t seq;
    char id[37];
    char device[33];
    const char *visit;      /* NULL for device-level events */
    char at[CLOCK_ISO_MAX]; /* UTC, ISO 8601 with milliseconds */
    int64_t at_ms;
    const char *kind;
    const char
        *subject; /* what the event is about: a bed, drug, suspicion, event id; may be NULL */
    const char *payload; /* JSON object text */
    char prev_hash[HASH_HEX_LEN + 1];
    char hash[HASH_HEX_LEN + 1];
};

/* Computes e->hash from e->prev_hash and the other fields (e->hash is written). */
void event_compute_hash(struct event *e);

/* Appends one event, chained to the current head, and runs its applier so the
 * derived tables change in the same transaction. Must be called inside
 * store_begin()/store_commit(); the caller commits (or rolls back on error).
 * visit and subject may be NULL; payload must be a JSON object text.
 * out (may be NULL) receives the stored event; its pointers borrow the
 * arguments. Returns FC_OK, or the applier's or the database's error. */
int event_append(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                 const char *subject, const char *payload, struct event *out, struct fc_error *err);

/* The same, handing ctx to the appliers (core/workflow.h): an engine passes
 * itself so its applier reuses the decision it has just made instead of
 * finding the engine through a global. */
int event_append_ctx(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                     const char *subject, const char *payload, void *ctx, struct event *out,
                     struct fc_error *err);

/* Stores another device's event exactly as it came (seq, id, hashes: not
 * chained to this device's head) and runs its appliers, inside the caller's
 * transaction. Only for a store that mirrors one team member's chain on the
 * lead's laptop (core/team/view.h), fed in seq order; never for the
 * device's own log. FC_EINTEGRITY when the seq or id is taken. */
int event_mirror(struct store *s, const struct event *e, struct fc_error *err);

/* Appends one event whose payload is the JSON object payload_obj (written
 * compact with sorted keys) in a transaction of its own, committed before
 * returning. event_id (may be NULL) receives the new event's id. FC_EINPUT
 * when the payload is not valid UTF-8. */
struct json_t;
int event_commit_json(struct store *s, const char *visit, int64_t at_ms, const char *kind,
                      const char *subject, const struct json_t *payload_obj, char event_id[37],
                      struct fc_error *err);

/* Number of events and the head (last seq, its hash hex or 64 zeros). */
int event_head(struct store *s, int64_t *seq, char hash[HASH_HEX_LEN + 1], struct fc_error *err);

/* Verifies the whole chain: seqs contiguous from 1, every prev_hash equals the
 * previous hash, every hash recomputes, device matches. On the first problem
 * returns FC_EINTEGRITY with *bad_seq set and a message naming it. *count gets
 * the number of events checked (may be NULL). */
int event_verify_chain(struct store *s, int64_t *bad_seq, int64_t *count, struct fc_error *err);

/* Deletes every derived row and replays all events through their appliers in
 * seq order, in one transaction. */
int event_rebuild(struct store *s, struct fc_error *err);

/* SHA-256 (hex) over the contents of every derived table in a canonical order:
 * two databases with the same derived state give the same digest. */
int event_derived_digest(struct store *s, char out[HASH_HEX_LEN + 1], struct fc_error *err);

/* Iterates events in seq order starting after after_seq (0 = all) for a visit
 * (NULL = all visits). cb returns 0 to continue, non-zero to stop (returned). */
int event_foreach(struct store *s, const char *visit, int64_t after_seq,
                  int (*cb)(const struct event *e, void *ctx), void *ctx, struct fc_error *err);

/* Binds e's id, seq, visit and at to ?1..?4 of st: the columns a derived
 * row written by an applier starts with (evidence, interview...). */
struct sqlite3_stmt;
void event_bind_row(struct sqlite3_stmt *st, const struct event *e);

/* The kind of the event with this id, appended to kind; FC_ENOTFOUND if
 * there is none. */
int event_kind_of(struct store *s, const char *id, struct buf *kind, struct fc_error *err);

#endif
