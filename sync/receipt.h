/* Receipts and visit checkpoints (docs/bundle-format.md §7-8): compact signed
 * codes in base32 that fit a QR symbol in alphanumeric mode. */
#ifndef FC_SYNC_RECEIPT_H
#define FC_SYNC_RECEIPT_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/hash.h"
#include "sync/keys.h"

#include <stdint.h>

struct store;
struct visit;

#define RECEIPT_LEN 121
#define CHECKPOINT_LEN 129

struct receipt {
    char device_id[17];
    int64_t acked_seq;
    char head[HASH_HEX_LEN + 1];
    int64_t issued_ms;
};

/* Signs a receipt with HQ's key into code ("FCR1..."). */
void receipt_make(const struct keys_hq *hq, const struct receipt *r, struct buf *code);

/* Parses a receipt code and verifies it with hq_sign_pk. */
int receipt_parse(const char *code, const unsigned char hq_sign_pk[32], struct receipt *out,
                  struct fc_error *err);

/* receipt apply: text is a code or the contents of a file holding one.
 * Verifies with the trusted HQ key, the device id and this device's own hash
 * of event acked_seq, and only then raises the acknowledged seq.
 * *raised = 0 when the receipt acknowledges nothing new. */
int receipt_apply(struct store *s, const char *text, struct receipt *out, int *raised,
                  struct fc_error *err);

/* The signed checkpoint code ("FCC1...") of a closed visit. */
int checkpoint_make(struct store *s, const struct visit *v, struct buf *code, struct fc_error *err);

/* Verifies a checkpoint code with a device key; fills the visit id, seq and hash. */
int checkpoint_verify(const char *code, const unsigned char device_sign_pk[32], char visit_id[37],
                      int64_t *close_seq, char hash[HASH_HEX_LEN + 1], struct fc_error *err);

#endif
