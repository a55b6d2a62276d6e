/* Device and HQ keys (docs/bundle-format.md §2-4): key files, the enrollment
 * code a device shows, HQ's public key code (hq.pub), device certificates,
 * and trusting HQ on the device. Private keys live only in mode-0600 files
 * (device.key beside the device database, hq.key in the HQ directory). */
#ifndef FC_SYNC_KEYS_H
#define FC_SYNC_KEYS_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "sync/codec.h"

#include <stdint.h>

struct store;

#define KEYS_DEVICE_FILE_LEN 144
#define KEYS_HQ_FILE_LEN 136
#define KEYS_CERT_LEN 145
#define KEYS_ENROLL_LEN 77
#define KEYS_HQPUB_LEN 69

struct keys_device {
    char device_id[17];
    unsigned char id[8];
    unsigned char sign_sk[CODEC_SIGN_SK_LEN];
    unsigned char sign_pk[CODEC_SIGN_PK_LEN];
    unsigned char box_sk[CODEC_BOX_SK_LEN];
    unsigned char box_pk[CODEC_BOX_PK_LEN];
};

struct keys_hq {
    unsigned char sign_sk[CODEC_SIGN_SK_LEN];
    unsigned char sign_pk[CODEC_SIGN_PK_LEN];
    unsigned char box_sk[CODEC_BOX_SK_LEN];
    unsigned char box_pk[CODEC_BOX_PK_LEN];
};

/* What an enrollment code carries. */
struct keys_enrollment {
    char device_id[17];
    unsigned char sign_pk[CODEC_SIGN_PK_LEN];
    unsigned char box_pk[CODEC_BOX_PK_LEN];
};

/* Path of the device key file (<store_dir>/device.key), appended to out. */
void keys_device_path(struct store *s, struct buf *out);

/* Creates the device keys if they do not exist (*created = 1) or loads the
 * existing ones (*created = 0). created may be NULL. */
int keys_device_init(struct store *s, struct keys_device *out, int *created, struct fc_error *err);

/* Loads the device keys; FC_ENOTFOUND "run 'fieldcheck keys init'" when
 * absent, FC_EINTEGRITY when the file is damaged, belongs to another device
 * or is readable by others. */
int keys_device_load(struct store *s, struct keys_device *out, struct fc_error *err);

/* The enrollment code ("FCE1...") of a device. */
void keys_enrollment_code(const struct keys_device *k, struct buf *out);
int keys_enrollment_parse(const char *code, struct keys_enrollment *out, struct fc_error *err);

/* HQ: creates dir (0700), hq.key (0600) and hq.pub; FC_EEXIST if hq.key exists. */
int keys_hq_init(const char *dir, struct keys_hq *out, struct fc_error *err);
int keys_hq_load(const char *dir, struct keys_hq *out, struct fc_error *err);

/* HQ's public key code ("FCH1...") and its parser. */
void keys_hq_pub_code(const unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                      const unsigned char box_pk[CODEC_BOX_PK_LEN], struct buf *out);
int keys_hq_pub_parse(const char *code, unsigned char sign_pk[CODEC_SIGN_PK_LEN],
                      unsigned char box_pk[CODEC_BOX_PK_LEN], struct fc_error *err);

/* What keys_trust_file did. */
struct keys_trust_result {
    char fingerprint[20]; /* HQ's fingerprint in the file */
    char previous[20];    /* the fingerprint trusted before, "" when none */
    int changed;          /* 0: these keys were trusted already, nothing done */
    int replaced;         /* other keys were trusted before and are no longer */
};

/* Reads an hq.pub file and trusts its keys on this device. Replacing keys
 * that are trusted already is deliberate: without replace it is refused
 * (FC_ESTATE, both fingerprints in the message, res filled). A replacement is
 * recorded as an "hq_trust" event (fingerprint, previous, both public keys)
 * in the same transaction. What the replaced key acknowledged does not count
 * for the new one (syncdb_ack): the next export sends those events again. */
int keys_trust_file(struct store *s, const char *path, int replace, struct keys_trust_result *res,
                    struct fc_error *err);

/* Signs a device certificate (KEYS_CERT_LEN bytes) for e, issued at ms. */
void keys_cert_make(const struct keys_hq *hq, const struct keys_enrollment *e, int64_t at_ms,
                    unsigned char out[KEYS_CERT_LEN]);

/* Parses a 16-hex device id into 8 bytes; FC_EINPUT otherwise. */
int keys_device_id_parse(const char *hex, unsigned char out[8], struct fc_error *err);

#endif
