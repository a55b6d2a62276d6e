/* Headquarters: the HQ directory (hq.key, hq.pub, and hq.db unless HQ's
 * store is a PostgreSQL database), device enrollment and revocation, bundle
 * import and merge, and signed receipts. */
#ifndef FC_SYNC_HQ_H
#define FC_SYNC_HQ_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/hq/hqstore.h"
#include "sync/keys.h"

#include <stddef.h>
#include <stdint.h>

struct hq {
    char *dir;
    struct hqdb *db;
    struct keys_hq keys;
};

/* The default HQ directory: <data dir>/hq (FIELDCHECK_HOME honoured). */
void hq_default_dir(struct buf *out);

/* The store of an HQ directory: db_url when it is set (a PostgreSQL URL or
 * the path of an SQLite file), else dir/hq.db. Appended to out. */
void hq_store_target(struct buf *out, const char *dir, const char *db_url);

/* Creates dir with keys and an empty store (db_url as hq_store_target);
 * FC_EEXIST if keys exist. */
int hq_init(const char *dir, const char *db_url, char fingerprint[20], struct fc_error *err);

/* Opens an initialised HQ directory and its store (db_url as
 * hq_store_target); release with hq_close. */
int hq_open(struct hq *hq, const char *dir, const char *db_url, struct fc_error *err);
void hq_close(struct hq *hq);

/* A device's row as HQ's store keeps it (core/hq/hqstore.h): its id, its
 * keys and their fingerprint; d is zeroed first. */
void hq_device_row(struct hq_device *d, const char *id, const unsigned char sign_pk[32],
                   const unsigned char box_pk[32]);

/* Enrolls the device of an enrollment code (signs its certificate).
 * *added = 0 when it was already enrolled with the same keys. */
int hq_enroll(struct hq *hq, const char *code, struct keys_enrollment *out, int *added,
              struct fc_error *err);

enum hq_import_outcome {
    HQ_IMPORTED,    /* verified and merged */
    HQ_DUPLICATE,   /* the same file was imported before: nothing changed */
    HQ_QUARANTINED, /* unknown or revoked device: kept aside, nothing merged */
};

struct hq_import_result {
    enum hq_import_outcome outcome;
    char device[17];
    uint64_t bundle_seq;
    int64_t first_seq, last_seq;
    struct hqstore_import_stats stats;
    char reason[256]; /* why it was quarantined */
};

/* How a bundle is read for a merge: bundle_read with HQ's keys, or
 * bundle_read_team with a lead's device keys (keys points at either). */
struct bundle_sink;
struct bundle_contents;
typedef int (*hq_bundle_reader)(const void *data, size_t len, const unsigned char sign_pk[32],
                                const void *keys, const struct bundle_sink *sink,
                                struct bundle_contents *info, struct fc_error *err);

/* HQ's merge of one bundle into an HQ-format store (hq.db, PostgreSQL, or a
 * lead's team store): verified, decrypted and merged in one pass by read,
 * in one transaction; nothing stays unless every check passed. The device
 * must be in db's device table and not revoked (FC_ESTATE otherwise).
 * first_seq and last_seq receive the bundle's range. */
int hq_merge_bundle(struct hqdb *db, const void *data, size_t len, const unsigned char sign_pk[32],
                    hq_bundle_reader read, const void *keys, struct hqstore_import_stats *stats,
                    int64_t *first_seq, int64_t *last_seq, struct fc_error *err);

/* Whether these very bytes were merged into db before, from device: known by
 * their SHA-256, before the costly verification and decryption (a bundle's
 * bytes were verified when first imported; any change changes the hash).
 * 1 when they were: stats->duplicate is set and first_seq, last_seq receive
 * the range stored then; 0 when not; a negative code if db cannot answer. */
int hq_bundle_known(struct hqdb *db, const void *data, size_t len, const char *device,
                    struct hqstore_import_stats *stats, int64_t *first_seq, int64_t *last_seq,
                    struct fc_error *err);

/* Imports one bundle held in memory (name is used in messages). Any
 * verification failure rejects it whole: nothing is stored. */
int hq_import_data(struct hq *hq, const char *name, const void *data, size_t len,
                   struct hq_import_result *res, struct fc_error *err);
/* Reads the file (capped at BUNDLE_MAX_FILE) and imports it. */
int hq_import_file(struct hq *hq, const char *path, struct hq_import_result *res,
                   struct fc_error *err);

struct pack_make_result;
struct pack_target;
/* Records a pack hq pack wrote (hqstore_pack_issued) with its targets,
 * and the institutions of the mission folder dir's sites.csv (names,
 * regions: what summaries show) when it has one. */
int hq_pack_record(struct hq *hq, const struct pack_make_result *res, const struct pack_target *to,
                   size_t n, const char *dir, struct fc_error *err);

/* The receipt code ("FCR1...") for a device at the current merged state. */
int hq_receipt(struct hq *hq, const char *device, struct buf *code, int64_t *acked_seq,
               struct fc_error *err);

#endif
