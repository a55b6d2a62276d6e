/* Pieces the workflows' engines share beyond their base (core/workflow.h):
 * the steps every recorded scan or correction goes through (a writable visit,
 * one transaction, the double-read test), resetting a visit's derived rows
 * before a replay, one-row reads and the common part of a scan's result.
 * Each workflow keeps its own SQL and rules; these run them.
 *
 * Statements passed in are the caller's: a function here steps them and
 * leaves them to be reset (store_stmt_release) or finalized by the caller,
 * unless its comment says otherwise. */
#ifndef FC_CORE_ENGINE_KIT_H
#define FC_CORE_ENGINE_KIT_H

#include "core/workflow.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>

/* engine_base_writable, then BEGIN IMMEDIATE: how a scan or a correction
 * starts. On failure nothing is open. */
int engine_begin(const struct engine_base *b, struct fc_error *err);

/* The scan a void or an amendment names (engine_find_scan), FC_ESTATE when
 * voided_sql (?1 the scan's seq) finds the void that cancelled it already. */
int engine_find_live_scan(const struct engine_base *b, const char *target, const char *voided_sql,
                          int64_t *seq, struct buf *id, struct fc_error *err);

/* Whether code is a scanner's double read: st selects max(at_ms) of the
 * visit's earlier counted scans of a code, with ?1 the visit, ?2 the code
 * and ?3 at_ms. 1 when that scan is less than window_ms before at_ms, 0 when
 * not (or none), a negative error otherwise. st is released
 * (store_stmt_release) in every case. */
int engine_double_read(struct store *s, sqlite3_stmt *st, const char *visit, const char *code,
                       int64_t at_ms, int64_t window_ms, struct fc_error *err);

/* Runs the n statements sql[i] (each "DELETE ... WHERE visit = ?1") for
 * visit: a visit's derived rows emptied before its events are replayed.
 * what names the step in an error. */
int engine_clear_visit(struct store *s, const char *const *sql, size_t n, const char *visit,
                       const char *what, struct fc_error *err);

/* Steps st (bound) once: column 0 of its row as an integer, none when there
 * is no row, or a negative error naming what. st is left to the caller. */
int64_t engine_step_int(struct store *s, sqlite3_stmt *st, int64_t none, const char *what,
                        struct fc_error *err);

/* Prepares sql, binds ?1 to p1 and, when the query has a ?2, ?2 to p2 (NULL
 * binds SQL NULL), and steps its rows through row with ctx (store_each; what
 * names the reading in an error). store_each_sql is the one-key form. */
int engine_each(struct store *s, const char *sql, const char *p1, const char *p2,
                int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                struct fc_error *err);

/* Prepares and binds sql as engine_each does, then store_one: row's return
 * on a row, FC_ENOTFOUND (err untouched) when there is none. */
int engine_one(struct store *s, const char *sql, const char *p1, const char *p2,
               int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
               struct fc_error *err);

/* engine_each over one visit: ?1 the visit's site code, ?2 the visit's id. */
int engine_visit_each(struct store *s, const struct visit *v, const char *sql,
                      int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                      struct fc_error *err);

/* A workflow's findings or records callback with its context (struct
 * workflow's findings and records). */
struct engine_findings {
    int (*cb)(const struct workflow_finding *f, void *ctx);
    void *ctx;
};

/* Hands f to fc's callback, its detail "" when NULL. Without a call, 0 when
 * f's verdict is NULL: a finding this program does not know (a code of a
 * newer program in the store) is not reported as one. */
int engine_finding(const struct engine_findings *fc, struct workflow_finding f);

/* The parts of a scan's result every engine has, borrowed. */
struct engine_result_text {
    int64_t seq;
    const char *event_id, *code, *kind, *source, *verdict, *detail, *message;
};

/* Copies t into dst, any result struct with these members (char arrays but
 * seq): struct workflow_result or a workflow's own result. Truncates. */
#define ENGINE_RESULT_COPY(dst, t)                                               \
    do {                                                                         \
        (dst)->seq = (t)->seq;                                                   \
        snprintf((dst)->event_id, sizeof((dst)->event_id), "%s", (t)->event_id); \
        snprintf((dst)->code, sizeof((dst)->code), "%s", (t)->code);             \
        snprintf((dst)->kind, sizeof((dst)->kind), "%s", (t)->kind);             \
        snprintf((dst)->source, sizeof((dst)->source), "%s", (t)->source);       \
        snprintf((dst)->verdict, sizeof((dst)->verdict), "%s", (t)->verdict);    \
        snprintf((dst)->detail, sizeof((dst)->detail), "%s", (t)->detail);       \
    } while (0)

/* Clears out and copies t into it, message included; out->extra is NULL. */
void engine_result_set(struct workflow_result *out, const struct engine_result_text *t);

#endif
