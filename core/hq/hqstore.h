/* HQ's store: enrolled devices, imported bundles and the union of every
 * device's events, the quarantine of bundles HQ cannot accept, and derived
 * tables for reports. Written once over core/hq/hqdb.h, so hq.db (SQLite)
 * and a PostgreSQL database behave the same; docs/hq-schema.md documents
 * the tables for analysts.
 *
 * Events are keyed by (device, seq, hash): merging is a set union, so any
 * order of any set of bundles gives the same rows. A (device, seq) with two
 * hashes is equivocation; the event HQ reports for it (the *current* one) is
 * the smallest hash. Imports of one device are merged one at a time (a
 * per-device lock), imports of different devices in parallel; nothing here
 * records when something was imported, so the base tables (and
 * hqstore_digest) depend only on the set of bundles imported. */
#ifndef FC_CORE_HQSTORE_H
#define FC_CORE_HQSTORE_H

#include "core/base/error.h"
#include "core/hq/hqdb.h"
#include "core/store/event.h"
#include "core/store/hash.h"

#include <stddef.h>
#include <stdint.h>

struct hq_device {
    char id[17];
    unsigned char sign_pk[32];
    unsigned char box_pk[32];
    char fingerprint[20];
    char enrolled_at[48];
    char revoked_at[48]; /* "" when not revoked */
};

struct hq_bundle_row {
    char sha256[HASH_HEX_LEN + 1]; /* of the whole .fcb file */
    char device[17];
    int64_t bundle_seq, first_seq, last_seq;
    char prev_bundle[HASH_HEX_LEN + 1];
    char prev_head[HASH_HEX_LEN + 1];
    char chain_head[HASH_HEX_LEN + 1];
};

struct hqstore_import_stats {
    int duplicate;         /* the same bundle file was imported before: nothing changed */
    int64_t events_new;    /* (device, seq, hash) rows added */
    int64_t events_known;  /* already present */
    int64_t equivocations; /* seqs of this bundle that now have more than one hash */
};

/* Opens or creates HQ's database: a PostgreSQL URL (postgresql://...) or
 * the path of hq.db. Brings the derived tables up to date when a schema
 * change asked for it. Close with hqdb_close. */
int hqstore_open(struct hqdb **out, const char *target, struct fc_error *err);

/* FC_ENOTFOUND if the device was never enrolled. */
int hqstore_device_get(struct hqdb *db, const char *id, struct hq_device *out,
                       struct fc_error *err);

/* Enrolls a device with its certificate (cert, cert_len bytes). FC_EEXIST if
 * the id is enrolled with other keys; the same keys again is a no-op
 * (*added = 0). added may be NULL. Commits. */
int hqstore_device_add(struct hqdb *db, const struct hq_device *d, const void *cert,
                       size_t cert_len, int *added, struct fc_error *err);

/* Marks a device revoked (idempotent). FC_ENOTFOUND if unknown. Commits. */
int hqstore_device_revoke(struct hqdb *db, const char *id, struct fc_error *err);

/* Calls cb for every enrolled device in id order. */
int hqstore_device_foreach(struct hqdb *db, int (*cb)(const struct hq_device *d, void *ctx),
                           void *ctx, struct fc_error *err);

/* Imports one verified bundle in one transaction: the bundle row and its
 * events (n of them, all of device b->device, consecutive seqs in order, as
 * bundle_open returns them; FC_EINTERNAL otherwise), and the derived rows.
 * A bundle whose sha256 is already known changes nothing (stats->duplicate).
 * The device must be enrolled and not revoked when the transaction runs
 * (checked under the device's lock): FC_ESTATE otherwise, nothing stored.
 * Retries by itself when a concurrent import got in the way. stats may be
 * NULL. */
int hqstore_import(struct hqdb *db, const struct hq_bundle_row *b, const struct event *events,
                   size_t n, struct hqstore_import_stats *stats, struct fc_error *err);

/* The same import with the events streamed in batches, so a bundle of any
 * size costs HQ one batch of memory. hqstore_import_stream opens the
 * transaction and calls produce(ctx, sink, err), which calls
 * hqstore_import_begin once and then hqstore_import_events for consecutive
 * batches in seq order, covering b->first_seq..b->last_seq; any error it
 * returns rolls everything back (a bundle whose last check fails after its
 * events were handed over leaves nothing). begin returns 1 when the bundle
 * is already imported: produce then stops and returns 1 (stats->duplicate).
 * produce may be called again when the transaction is retried. */
struct hqstore_import_sink;
typedef int (*hqstore_producer)(void *ctx, struct hqstore_import_sink *sink, struct fc_error *err);
int hqstore_import_stream(struct hqdb *db, hqstore_producer produce, void *ctx,
                          struct hqstore_import_stats *stats, struct fc_error *err);
int hqstore_import_begin(struct hqstore_import_sink *sink, const struct hq_bundle_row *b,
                         struct fc_error *err);
int hqstore_import_events(struct hqstore_import_sink *sink, const struct event *ev, size_t n,
                          struct fc_error *err);

/* Looks up an imported bundle file by the SHA-256 (hex) of its bytes, so a
 * re-import can stop before decrypting. FC_ENOTFOUND when it was never
 * imported; out (may be NULL) receives its row otherwise. */
int hqstore_bundle_get(struct hqdb *db, const char *sha256_hex, struct hq_bundle_row *out,
                       struct fc_error *err);

/* Bundles kept in quarantine per device (the device id a header claims)
 * when the caller gives no cap: a stream of refused files fills a few
 * hundred rows, never HQ's disk. */
#define HQ_QUARANTINE_CAP 100

/* Records a bundle HQ refused to import (unknown or revoked device): its
 * SHA-256, the device id its header names, the reason, its clear header
 * (header_len bytes) and its size; never its body. The same file again
 * changes nothing. device may be "". At most cap rows per device (cap <= 0:
 * HQ_QUARANTINE_CAP): FC_ELIMIT when the device's quarantine is full,
 * nothing recorded. Commits. */
int hqstore_quarantine(struct hqdb *db, const char *sha256_hex, const char *device,
                       const char *reason, const void *header, size_t header_len, uint64_t size,
                       int64_t cap, struct fc_error *err);

/* A quarantined bundle as hq quarantine list shows it. */
struct hq_quarantined {
    char sha256[HASH_HEX_LEN + 1];
    char device[33];
    char reason[256];
    int64_t size;       /* bytes of the refused file */
    int64_t bundle_seq; /* from its header */
};

/* Calls cb for each quarantined bundle (of device, or all when NULL) in
 * device and hash order. */
int hqstore_quarantine_foreach(struct hqdb *db, const char *device,
                               int (*cb)(const struct hq_quarantined *q, void *ctx), void *ctx,
                               struct fc_error *err);

/* Deletes the quarantine rows of device (all when NULL); *removed (may be
 * NULL) gets how many. The bundles themselves were never kept. Commits. */
int hqstore_quarantine_purge(struct hqdb *db, const char *device, int64_t *removed,
                             struct fc_error *err);

/* Records a mission pack HQ issued (hq pack): the SHA-256 of the pack
 * file, its mission and version, dates and target devices. A visit whose
 * visit_open names a pack_sha256 not recorded here is reported as
 * unissued. The same pack again changes nothing. Commits. */
int hqstore_pack_issued(struct hqdb *db, const char *sha256_hex, const char *mission_id,
                        int64_t version, const char *issued_at, const char *expires_at,
                        const char *const *targets, size_t n, struct fc_error *err);

/* The highest seq such that HQ holds events 1..seq of device, each with one
 * hash and chained; head receives its hash (64 zeros when seq is 0). */
int hqstore_acked(struct hqdb *db, const char *device, int64_t *seq, char head[HASH_HEX_LEN + 1],
                  struct fc_error *err);

/* SHA-256 (hex) of HQ's merged state: devices, bundles, events and quarantine
 * in a canonical order, without any import time. Equal state = equal digest,
 * whichever database holds it. */
int hqstore_digest(struct hqdb *db, char out[HASH_HEX_LEN + 1], struct fc_error *err);

/* A SHA-256 of the same state without reading the events (the bundles
 * that carried them stand for them): cheap at any size, what HQ's page
 * shows as its state code. */
int hqstore_state_code(struct hqdb *db, char out[HASH_HEX_LEN + 1], struct fc_error *err);

/* Empties the derived tables and fills them again from the events. */
int hqstore_rebuild(struct hqdb *db, struct fc_error *err);

/* Copies everything HQ received and decided from src into dst, which must
 * be empty, then rebuilds dst's derived tables and compares the digests
 * (FC_EINTEGRITY if they differ). progress (may be NULL) is called with the
 * events copied so far. hq migrate. */
int hqstore_copy(struct hqdb *src, struct hqdb *dst, void (*progress)(void *ctx, int64_t events),
                 void *ctx, struct fc_error *err);

/* Report rows. Every callback returns 0 to continue; any may be NULL. */
struct hqstore_report_cb {
    void *ctx;
    /* missing seqs from..to of a device (below its highest known seq) */
    int (*gap)(void *ctx, const char *device, int64_t from, int64_t to);
    /* a (device, seq) with several different events */
    int (*equivocation)(void *ctx, const char *device, int64_t seq, int64_t versions);
    /* two devices observed one comparable fact differently in overlapping
     * time: fact "bed" (the same site, ward and bed: subject "W01:12", the
     * bed's finding in each visit) or "box" (the same box code: the scan's
     * verdict; site_b is where the second device saw it) */
    int (*conflict)(void *ctx, const char *fact, const char *site, const char *subject,
                    const char *device_a, const char *verdict_a, const char *visit_a,
                    const char *device_b, const char *verdict_b, const char *visit_b,
                    const char *site_b);
    /* event counts by mission, site, workflow, kind and verdict ("" when absent) */
    int (*summary)(void *ctx, const char *mission, const char *site, const char *workflow,
                   const char *kind, const char *verdict, int64_t count);
    /* a quarantined bundle */
    int (*quarantined)(void *ctx, const char *sha256, const char *device, const char *reason);
    /* a visit whose visit_open names no pack this HQ issued (pack_sha256 ""
     * when it names none: a mission loaded from a folder, or a device that
     * does not say) */
    int (*unissued)(void *ctx, const char *visit, const char *device, const char *site,
                    const char *mission, int64_t version, const char *pack_sha256);
    /* a visit opened or closed under the test clock (FIELDCHECK_NOW): its
     * times are what the environment said, not the device's clock */
    int (*test_clock)(void *ctx, const char *visit, const char *device, const char *site,
                      const char *opened_local);
};

/* Runs the report queries in one read snapshot. */
int hqstore_report(struct hqdb *db, const struct hqstore_report_cb *cb, struct fc_error *err);

/* What visits found, from the findings devices wrote when they closed
 * their visits (table finding): what summaries show. Codes and classes
 * are the workflows' catalogues'; labels are the caller's to look up
 * (workflow_verdict_in with the scope). Amounts in fen. */
struct hqstore_totals {
    int64_t count;  /* items (beds, patients, drugs, lines...) */
    int64_t visits; /* visits that found it */
    int64_t amount_fen, fund_loss_fen;
    const char *key; /* the row's name when not its code's (a violation code), else "" */
};

struct hqstore_summary_cb {
    void *ctx;
    /* per workflow, class and code (anomalies first, then coverage, info, ok) */
    int (*finding)(void *ctx, const char *workflow, const char *cls, const char *code,
                   int64_t scope, const struct hqstore_totals *t);
    /* the same per institution (anomalies and coverage only) */
    int (*site)(void *ctx, const char *site_code, const char *site_name, const char *region_code,
                const char *region_name, const char *workflow, const char *cls, const char *code,
                int64_t scope, const struct hqstore_totals *t);
    /* anomalies per month of the visits' opening (local time) and workflow */
    int (*month)(void *ctx, const char *month, const char *workflow, const char *cls,
                 const struct hqstore_totals *t);
    /* every visit, institution by institution in time order: its anomalies
     * and what it did not cover (closed_local "" while no close arrived) */
    int (*visit)(void *ctx, const char *site_code, const char *site_name, const char *visit,
                 const char *device, const char *workflow, const char *opened_local,
                 const char *closed_local, int64_t anomalies, int64_t coverage, int64_t amount_fen,
                 int64_t fund_loss_fen);
    /* the codes of a visit's anomalies, after its visit row */
    int (*visit_finding)(void *ctx, const char *visit, const char *workflow, const char *code,
                         int64_t scope, int64_t count, int64_t amount_fen, int64_t fund_loss_fen);
};

int hqstore_summary(struct hqdb *db, const struct hqstore_summary_cb *cb, struct fc_error *err);

/* Records the institutions of a mission folder's sites.csv (names,
 * kinds, regions) for summaries; what is known already is updated. */
struct draw_target;
int hqstore_sites_put(struct hqdb *db, const struct draw_target *t, size_t n, struct fc_error *err);

/* Writes this program's verdict catalogues into verdict_label (the labels
 * the analysts' views show), when they changed since the last time. */
int hqstore_labels_sync(struct hqdb *db, struct fc_error *err);

#endif
