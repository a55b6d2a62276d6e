/* The evidence register of a visit: photos, scans of documents, exports the
 * institution handed over. Each registration is an evidence_add event with the
 * file's absolute path, SHA-256, size and modification time; the file itself
 * is never modified, copied or moved. evidence_verify() re-hashes every
 * registered file so a changed or vanished file is noticed before the report
 * goes out. Voided registrations (a "void" event naming them) are skipped. */
#ifndef FC_CORE_EVIDENCE_H
#define FC_CORE_EVIDENCE_H

#include "core/base/clock.h"
#include "core/base/error.h"
#include "core/store/hash.h"

#include <stdint.h>

struct store;
struct event;

struct evidence {
    char event_id[37];
    int64_t seq;
    char visit[37];
    char at[CLOCK_ISO_MAX]; /* when it was registered (UTC) */
    char *path;             /* absolute, malloc'd */
    char sha256[HASH_HEX_LEN + 1];
    uint64_t size;
    char mtime[CLOCK_ISO_MAX]; /* the file's modification time when registered (UTC) */
    char *note;                /* malloc'd, "" when none */
};

/* Frees the strings of e and zeroes it; NULL allowed. */
void evidence_release(struct evidence *e);

/* Registers the file at path for the visit: resolves it to an absolute path,
 * hashes it, and appends an evidence_add event. Must run inside the caller's
 * store_begin()/store_commit(). If the same path with the same SHA-256 is
 * already registered (and not voided) for the visit, no event is written,
 * *existed is set to 1 and out describes the earlier registration.
 * note may be NULL; out and existed may be NULL. FC_ENOTFOUND for a missing
 * file, FC_EINPUT for something that is not a regular file, FC_EIO when it
 * cannot be read. out is zeroed first, so it can be released after failure. */
int evidence_append(struct store *s, const char *visit_id, const char *path, const char *note,
                    int64_t at_ms, struct evidence *out, int *existed, struct fc_error *err);

/* evidence_append() in its own transaction (committed on success). */
int evidence_add(struct store *s, const char *visit_id, const char *path, const char *note,
                 int64_t at_ms, struct evidence *out, int *existed, struct fc_error *err);

/* Calls cb for every registered, non-voided file of the visit in registration
 * order. cb returns 0 to continue; a non-zero value stops and is returned. */
int evidence_foreach(struct store *s, const char *visit_id,
                     int (*cb)(const struct evidence *e, void *ctx), void *ctx,
                     struct fc_error *err);

enum evidence_status {
    EVIDENCE_OK,         /* same size and SHA-256 */
    EVIDENCE_CHANGED,    /* the content differs */
    EVIDENCE_MISSING,    /* the file is gone */
    EVIDENCE_UNREADABLE, /* exists but cannot be read (permissions, I/O) */
};

/* "ok", "changed", "missing", "unreadable". */
const char *evidence_status_name(enum evidence_status st);

struct evidence_check {
    enum evidence_status status;
    char sha256[HASH_HEX_LEN + 1]; /* as found now; "" when it could not be hashed */
    uint64_t size;                 /* as found now */
};

/* Re-hashes every registered file of the visit and calls cb (may be NULL)
 * with the result for each. *checked and *bad (may be NULL) get the number
 * of files checked and of those not OK. Returns FC_EVERIFY when any file is
 * not OK (after checking all), else 0 or a database error. */
int evidence_verify(struct store *s, const char *visit_id,
                    void (*cb)(const struct evidence *e, const struct evidence_check *c, void *ctx),
                    void *ctx, int *checked, int *bad, struct fc_error *err);

/* Applier for evidence_add events (common to every workflow, core/workflow.c). */
int evidence_apply_add(struct store *s, const struct event *e, void *ctx, struct fc_error *err);

#endif
