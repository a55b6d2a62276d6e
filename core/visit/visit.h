/* Visits: one inspection of one site by a team, of one workflow's kind.
 * Opening and closing are events (visit_open, visit_close); the visit table is
 * derived from them. At most one visit is open on a device at a time, so
 * commands can default to it. */
#ifndef FC_CORE_VISIT_H
#define FC_CORE_VISIT_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/hash.h"

#include <stdint.h>

struct store;
struct event;

#define VISIT_MAX_INSPECTORS 16
#define VISIT_SHORT_CODE_LEN 9 /* "ABCD-EFGH" */

struct visit_open_args {
    const char *mission_id; /* resolved by the caller from the site (mission_find_site) */
    int64_t mission_version;
    const char *mission_sha256;
    const char *site_code;
    const char *site_name;
    const char *kind; /* a registered workflow's kind (core/workflow.h) */
    const char *inspectors[VISIT_MAX_INSPECTORS + 1]; /* NULL-terminated, at least 2 */
    int credentials_shown;
    int64_t at_ms;
};

struct visit {
    char id[37];
    char mission_id[128];
    int64_t mission_version;
    char site_code[32];
    char kind[16];
    char *inspectors_json; /* JSON array text, malloc'd */
    int credentials_shown;
    char opened_at[48];
    char closed_at[48]; /* "" while open */
    int64_t open_seq, close_seq;
    char checkpoint[HASH_HEX_LEN + 1]; /* hash of the close event, "" while open */
};

void visit_release(struct visit *v);

/* 1 when an event of the visit was recorded under the test clock
 * (FIELDCHECK_NOW: its payload says "test_clock"), so its times are not
 * real; every report of such a visit says so. 0 otherwise or on error. */
int visit_test_clock(struct store *s, const char *visit_id);
/* Copies src into dst (dst owns its copy; release it with visit_release). */
void visit_dup(struct visit *dst, const struct visit *src);

/* Opens a visit (one event, committed). FC_EUSAGE for fewer than two
 * inspectors or a bad kind, FC_ESTATE when another visit is open. out may be NULL. */
int visit_open(struct store *s, const struct visit_open_args *a, struct visit *out,
               struct fc_error *err);

/* Closes the visit (one event, committed): FC_ESTATE if it is already closed. */
int visit_close(struct store *s, const char *visit_id, int64_t at_ms, struct visit *out,
                struct fc_error *err);

/* Resolves what the user named: an id or a unique prefix of at least 4
 * characters; NULL or "" means the open visit, else the most recently opened.
 * FC_ENOTFOUND when there is none, FC_EUSAGE for an ambiguous prefix. */
int visit_resolve(struct store *s, const char *name, struct visit *out, struct fc_error *err);

/* Calls cb for every visit, newest first. */
int visit_foreach(struct store *s, int (*cb)(const struct visit *v, void *ctx), void *ctx,
                  struct fc_error *err);

/* The checkpoint short code written on paper: the first 40 bits of the
 * checkpoint hash in Crockford base32, as "XXXX-XXXX" (9 chars + NUL). */
void visit_short_code(const char *checkpoint_hex, char out[VISIT_SHORT_CODE_LEN + 1]);

/* Appliers common to every workflow (core/workflow.c). visit_apply_void
 * records the target of any "void" event in the voided table, which every
 * query of records skips; the workflow's own void applier then recomputes
 * what depended on it. */
int visit_apply_void(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int visit_apply_open(struct store *s, const struct event *e, void *ctx, struct fc_error *err);
int visit_apply_close(struct store *s, const struct event *e, void *ctx, struct fc_error *err);

#endif
