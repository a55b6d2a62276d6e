/* What the scan engines share (core/workflow.h, "the engines' base"): the
 * visit they write to, the classifier of its site, and the lookups every
 * engine makes of its own event log. */
#include "core/workflow.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/ident/scan.h"
#include "core/store/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int engine_base_open(struct engine_base *b, struct store *s, const char *visit,
                     const struct workflow *wf, struct fc_error *err)
{
    const struct workflow *of = NULL;
    int rc;

    memset(b, 0, sizeof(*b));
    b->store = s;
    rc = visit_resolve(s, visit, &b->visit, err);
    if (!rc)
        rc = workflow_of_visit(&b->visit, &of, err);
    if (!rc && of != wf)
        rc = fc_error_set(err, FC_ESTATE, "visit '%.8s' is a %s, not a %s", b->visit.id,
                          workflow_label(of), workflow_label(wf));
    if (!rc)
        rc = scan_classifier_new(s, b->visit.site_code, &b->cls, err);
    if (!rc)
        rc = store_exec(s, "PRAGMA ref.mmap_size = 4294967296", err);
    return rc;
}

void engine_base_release(struct engine_base *b)
{
    scan_classifier_free(b->cls);
    visit_release(&b->visit);
    memset(b, 0, sizeof(*b));
}

int engine_base_writable(const struct engine_base *b, struct fc_error *err)
{
    char at[CLOCK_ISO_MAX];

    if (b->visit.closed_at[0])
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' is closed (at %s)", b->visit.id,
                            clock_iso_local(b->visit.closed_at, at));
    return FC_OK;
}

/* A scan named by seq or by a prefix of its event id: the first row is the
 * scan, a second makes the prefix ambiguous. */
struct find_scan {
    const struct engine_base *b;
    const char *target;
    int64_t *seq;
    struct buf *id;
    int found;
    struct fc_error *err;
};

static int find_scan_row(sqlite3_stmt *st, void *ctx)
{
    struct find_scan *f = ctx;

    if (f->found++)
        return fc_error_set(f->err, FC_EUSAGE, "event id '%s' is ambiguous", f->target);
    if (strcmp(store_col_text(st, 1), "scan") != 0 ||
        strcmp(store_col_text(st, 2), f->b->visit.id) != 0)
        return fc_error_set(f->err, FC_EINPUT, "event '%s' is not a scan of visit '%.8s'",
                            f->target, f->b->visit.id);
    *f->seq = sqlite3_column_int64(st, 0);
    if (f->id) {
        buf_reset(f->id);
        buf_adds(f->id, store_col_text(st, 3));
    }
    return FC_OK;
}

int engine_find_scan(const struct engine_base *b, const char *target, int64_t *seq, struct buf *id,
                     struct fc_error *err)
{
    struct find_scan f = {b, target, seq, id, 0, err};
    sqlite3_stmt *st = NULL;
    char *end = NULL;
    long long num = strtoll(target, &end, 10);
    int rc;

    if (end && *end == '\0' && end != target) {
        rc = store_prepare(b->store, "SELECT seq, kind, visit, id FROM event WHERE seq = ?1", &st,
                           err);
        if (rc)
            return rc;
        sqlite3_bind_int64(st, 1, num);
    } else {
        if (strlen(target) < 8)
            return fc_error_set(err, FC_EUSAGE, "event id '%s' is too short (give 8+ characters)",
                                target);
        rc = store_prepare(b->store,
                           "SELECT seq, kind, visit, id FROM event"
                           " WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
                           &st, err);
        if (rc)
            return rc;
        store_bind_text(st, 1, target);
    }
    rc = store_each(b->store, st, find_scan_row, &f, "cannot read events", err);
    if (!rc && !f.found)
        rc = fc_error_set(err, FC_ENOTFOUND, "no event '%s'", target);
    return rc;
}

const char *engine_str(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}
