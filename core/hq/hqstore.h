/* HQ's database (hq.db): enrolled devices, imported bundles and the union of
 * every device's events, plus the quarantine of bundles HQ cannot accept.
 * Same open/pragma/migration discipline as the device database (core/store),
 * with its own migration list.
 *
 * Events are keyed by (device, seq, hash): merging is a set union, so any
 * order of any set of bundles gives the same rows. A (device, seq) with two
 * hashes is equivocation; the event HQ reports for it is the smallest hash. */
#ifndef FC_CORE_HQSTORE_H
#define FC_CORE_HQSTORE_H

#include "core/base/error.h"
#include "core/store/event.h"
#include "core/store/hash.h"

#include <stddef.h>
#include <stdint.h>

struct store;

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

/* Opens or creates hq.db at path (mode 0600, directory 0700). */
int hqstore_open(struct store **out, const char *path, struct fc_error *err);

/* FC_ENOTFOUND if the device was never enrolled. */
int hqstore_device_get(struct store *s, const char *id, struct hq_device *out,
                       struct fc_error *err);

/* Enrolls a device with its certificate (cert, cert_len bytes). FC_EEXIST if
 * the id is enrolled with other keys; the same keys again is a no-op
 * (*added = 0). added may be NULL. Commits. */
int hqstore_device_add(struct store *s, const struct hq_device *d, const void *cert,
                       size_t cert_len, int *added, struct fc_error *err);

/* Marks a device revoked (idempotent). FC_ENOTFOUND if unknown. Commits. */
int hqstore_device_revoke(struct store *s, const char *id, struct fc_error *err);

/* Calls cb for every enrolled device in id order. */
int hqstore_device_foreach(struct store *s, int (*cb)(const struct hq_device *d, void *ctx),
                           void *ctx, struct fc_error *err);

/* Imports one verified bundle in one transaction: the bundle row and its
 * events (n of them, all of device b->device, consecutive seqs in order, as
 * bundle_open returns them; FC_EINTERNAL otherwise). A bundle whose sha256
 * is already known changes nothing (stats->duplicate). stats may be NULL. */
int hqstore_import(struct store *s, const struct hq_bundle_row *b, const struct event *events,
                   size_t n, struct hqstore_import_stats *stats, struct fc_error *err);

/* Looks up an imported bundle file by the SHA-256 (hex) of its bytes, so a
 * re-import can stop before decrypting. FC_ENOTFOUND when it was never
 * imported; out (may be NULL) receives its row otherwise. */
int hqstore_bundle_get(struct store *s, const char *sha256_hex, struct hq_bundle_row *out,
                       struct fc_error *err);

/* Keeps a bundle HQ refused to import (unknown or revoked device) with the
 * reason; the same file again changes nothing. device may be "". Commits. */
int hqstore_quarantine(struct store *s, const char *sha256_hex, const char *device,
                       const char *reason, const void *data, size_t len, struct fc_error *err);

/* The highest seq such that HQ holds events 1..seq of device, each with one
 * hash and chained; head receives its hash (64 zeros when seq is 0). */
int hqstore_acked(struct store *s, const char *device, int64_t *seq, char head[HASH_HEX_LEN + 1],
                  struct fc_error *err);

/* SHA-256 (hex) of HQ's merged state: devices, bundles, events and quarantine
 * in a canonical order, without any import time. Equal state = equal digest. */
int hqstore_digest(struct store *s, char out[HASH_HEX_LEN + 1], struct fc_error *err);

/* Report rows. Every callback returns 0 to continue. */
struct hqstore_report_cb {
    void *ctx;
    /* missing seqs from..to of a device (below its highest known seq) */
    int (*gap)(void *ctx, const char *device, int64_t from, int64_t to);
    /* a (device, seq) with several different events */
    int (*equivocation)(void *ctx, const char *device, int64_t seq, int64_t versions);
    /* two devices disagree on the verdict about one subject at one site */
    int (*conflict)(void *ctx, const char *site, const char *subject, const char *device_a,
                    const char *verdict_a, const char *device_b, const char *verdict_b);
    /* event counts by mission, site, workflow, kind and verdict ("" when absent) */
    int (*summary)(void *ctx, const char *mission, const char *site, const char *workflow,
                   const char *kind, const char *verdict, int64_t count);
    /* a quarantined bundle */
    int (*quarantined)(void *ctx, const char *sha256, const char *device, const char *reason);
};

int hqstore_report(struct store *s, const struct hqstore_report_cb *cb, struct fc_error *err);

#endif
