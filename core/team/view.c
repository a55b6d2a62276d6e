/* The team's merged view (core/team/view.h): members' chains replayed by the
 * device's own appliers into one mirror store each, then every visit's
 * records, from the workflow's own records (or findings) op, set side by
 * side item by item. Nothing here knows a workflow: what an item is and what
 * a record says come from the registry. */
#include "core/team/view.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/hq/hqstore.h"
#include "core/mission/mission.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"
#include "core/team/chain.h"
#include "core/visit/visit.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One record as collected, before items are formed. */
struct row {
    char *mission_id, *site_code, *subject, *device, *inspectors, *visit, *opened_at, *detail;
    const struct workflow *wf;
    const struct workflow_group *group;
    const struct verdict *verdict;
    int64_t amount_fen, fund_loss_fen, count, qty_milli;
    int is_self, has_qty;
};

struct vrow {
    char *device, *visit, *mission_id, *site_code, *inspectors, *opened_at, *closed_at;
    const struct workflow *wf;
    int is_self;
};

struct led_member {
    size_t mission; /* index into missions */
    char device[17];
};

struct head {
    char device[17];
    int is_self;
    struct team_chain chain;
};

struct team_view {
    struct head *heads; /* this device and every member, by device */
    size_t nheads;
    struct row *rows;
    size_t nrows;
    struct vrow *visits;
    size_t nvisits;
    struct team_item *items;
    size_t nitems;
    char (*missions)[128]; /* the missions of the teams the device leads */
    int64_t *versions;     /* the pack version naming each one's team */
    size_t nmissions;
    struct led_member *members; /* every (mission, device) of those teams */
    size_t nmembers;
};

static void row_release(struct row *r)
{
    free(r->mission_id);
    free(r->site_code);
    free(r->subject);
    free(r->device);
    free(r->inspectors);
    free(r->visit);
    free(r->opened_at);
    free(r->detail);
}

void team_view_free(struct team_view *tv)
{
    if (!tv)
        return;
    for (size_t i = 0; i < tv->nrows; i++)
        row_release(&tv->rows[i]);
    for (size_t i = 0; i < tv->nvisits; i++) {
        struct vrow *v = &tv->visits[i];
        free(v->device);
        free(v->visit);
        free(v->mission_id);
        free(v->site_code);
        free(v->inspectors);
        free(v->opened_at);
        free(v->closed_at);
    }
    for (size_t i = 0; i < tv->nitems; i++)
        free((void *)tv->items[i].records);
    free(tv->heads);
    free(tv->versions);
    free(tv->members);
    free(tv->rows);
    free(tv->visits);
    free(tv->items);
    free(tv->missions);
    free(tv);
}

/* ---- the teams this device leads ------------------------------------------------- */

struct led {
    struct team_view *tv;
    const char *self;
    char (*members)[17];
    size_t nmembers;
};

static int note_led(const struct teamdb_member *m, void *ctx)
{
    struct led *l = ctx;
    struct team_view *tv = l->tv;
    size_t i;

    if (strcmp(m->lead, l->self))
        return 0;
    for (i = 0; i < tv->nmissions && strcmp(tv->missions[i], m->mission_id); i++)
        ;
    if (i == tv->nmissions) {
        tv->missions = xreallocarray(tv->missions, tv->nmissions + 1, sizeof(*tv->missions));
        tv->versions = xreallocarray(tv->versions, tv->nmissions + 1, sizeof(*tv->versions));
        snprintf(tv->missions[tv->nmissions], sizeof(tv->missions[0]), "%s", m->mission_id);
        tv->versions[tv->nmissions++] = m->version;
    }
    tv->members = xreallocarray(tv->members, tv->nmembers + 1, sizeof(*tv->members));
    tv->members[tv->nmembers].mission = i;
    snprintf(tv->members[tv->nmembers++].device, sizeof(tv->members[0].device), "%s", m->device);
    if (!strcmp(m->device, l->self))
        return 0;
    for (i = 0; i < l->nmembers && strcmp(l->members[i], m->device); i++)
        ;
    if (i == l->nmembers) {
        l->members = xreallocarray(l->members, l->nmembers + 1, sizeof(*l->members));
        snprintf(l->members[l->nmembers++], sizeof(l->members[0]), "%s", m->device);
    }
    return 0;
}

static int is_led_mission(const struct team_view *tv, const char *mission_id)
{
    for (size_t i = 0; i < tv->nmissions; i++)
        if (!strcmp(tv->missions[i], mission_id))
            return 1;
    return 0;
}

/* ---- collecting one store's records ------------------------------------------------ */

static char *inspectors_text(const char *json)
{
    json_t *a = json_loads(json ? json : "[]", 0, NULL);
    struct buf b = BUF_INIT;
    size_t i;
    json_t *x;

    json_array_foreach(a, i, x)
    {
        if (json_is_string(x))
            buf_addf(&b, "%s%s", b.len ? ", " : "", json_string_value(x));
    }
    json_decref(a);
    return b.ptr ? buf_detach(&b, NULL) : xstrdup("");
}

struct collect {
    struct team_view *tv;
    const char *device;
    int is_self;
    struct visit *visits;
    size_t nvisits;
    const struct visit *v; /* the visit being collected */
    const struct workflow *wf;
    const char *inspectors;
};

static int note_visit(const struct visit *v, void *ctx)
{
    struct collect *c = ctx;

    if (!is_led_mission(c->tv, v->mission_id))
        return 0;
    c->visits = xreallocarray(c->visits, c->nvisits + 1, sizeof(*c->visits));
    visit_dup(&c->visits[c->nvisits++], v);
    return 0;
}

static int add_row(const struct workflow_finding *f, void *ctx)
{
    struct collect *c = ctx;
    struct team_view *tv = c->tv;
    const struct workflow_group *g = workflow_group(c->wf, f->group);
    struct row *r;

    if (!g || !f->verdict)
        return 0;
    tv->rows = xreallocarray(tv->rows, tv->nrows + 1, sizeof(*tv->rows));
    r = &tv->rows[tv->nrows++];
    memset(r, 0, sizeof(*r));
    r->mission_id = xstrdup(c->v->mission_id);
    r->site_code = xstrdup(c->v->site_code);
    r->subject = xstrdup(f->subject ? f->subject : "");
    r->device = xstrdup(c->device);
    r->inspectors = xstrdup(c->inspectors);
    r->visit = xstrdup(c->v->id);
    r->opened_at = xstrdup(c->v->opened_at);
    r->detail = xstrdup(f->detail ? f->detail : "");
    r->wf = c->wf;
    r->group = g;
    r->verdict = f->verdict;
    r->amount_fen = f->amount_fen;
    r->fund_loss_fen = f->fund_loss_fen;
    r->count = f->count;
    r->has_qty = f->has_qty;
    r->qty_milli = f->qty_milli;
    r->is_self = c->is_self;
    return 0;
}

static int collect_store(struct team_view *tv, struct store *s, const char *device, int is_self,
                         struct fc_error *err)
{
    struct collect c;
    int rc;

    memset(&c, 0, sizeof(c));
    c.tv = tv;
    c.device = device;
    c.is_self = is_self;
    rc = visit_foreach(s, note_visit, &c, err);
    for (size_t i = 0; !rc && i < c.nvisits; i++) {
        struct visit v;
        const struct workflow *wf = NULL;
        char *insp;
        struct vrow *vr;

        memset(&v, 0, sizeof(v));
        rc = workflow_attach(s, c.visits[i].id, &v, &wf, err);
        if (rc)
            break;
        insp = inspectors_text(v.inspectors_json);
        c.v = &v;
        c.wf = wf;
        c.inspectors = insp;
        if (wf->records)
            rc = wf->records(s, &v, add_row, &c, err);
        else if (wf->findings)
            rc = wf->findings(s, &v, add_row, &c, err);
        tv->visits = xreallocarray(tv->visits, tv->nvisits + 1, sizeof(*tv->visits));
        vr = &tv->visits[tv->nvisits++];
        vr->device = xstrdup(device);
        vr->visit = xstrdup(v.id);
        vr->mission_id = xstrdup(v.mission_id);
        vr->site_code = xstrdup(v.site_code);
        vr->inspectors = insp;
        vr->opened_at = xstrdup(v.opened_at);
        vr->closed_at = xstrdup(v.closed_at);
        vr->wf = wf;
        vr->is_self = is_self;
        visit_release(&v);
    }
    for (size_t i = 0; i < c.nvisits; i++)
        visit_release(&c.visits[i]);
    free(c.visits);
    return rc;
}

/* ---- a member's mirror store ---------------------------------------------------------- */

struct feed {
    struct store *m;
    struct fc_error *err;
};

/* columns: seq, hash, id, visit, at, kind, subject, payload, prev_hash */
static int feed_event(void *ctx, const struct hqdb_val *cols, int n)
{
    struct feed *f = ctx;
    struct event e;
    int64_t ms = 0;

    (void)n;
    memset(&e, 0, sizeof(e));
    e.seq = cols[0].i;
    snprintf(e.hash, sizeof(e.hash), "%s", cols[1].s);
    snprintf(e.id, sizeof(e.id), "%s", cols[2].s);
    e.visit = cols[3].type == HQDB_NULL ? NULL : cols[3].s;
    snprintf(e.at, sizeof(e.at), "%s", cols[4].s);
    if (clock_parse(e.at, &ms) == FC_OK)
        e.at_ms = ms;
    e.kind = cols[5].s;
    e.subject = cols[6].type == HQDB_NULL ? NULL : cols[6].s;
    e.payload = cols[7].s;
    snprintf(e.prev_hash, sizeof(e.prev_hash), "%s", cols[8].s);
    return event_mirror(f->m, &e, f->err);
}

/* Copies the lead's missions into the mirror, so the member's visits find
 * the same reference files (the files themselves are the lead's). */
static int copy_missions(struct store *m, struct store *lead, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(m, "ATTACH DATABASE ?1 AS lead", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, store_path(lead));
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(m, err, "cannot open the lead's database");
    sqlite3_finalize(st);
    if (rc)
        return rc;
    rc = store_exec(m,
                    "INSERT INTO mission (mission_id, version, kind, title, issued_at, expires_at,"
                    " file, sha256, loaded_at, counts, source) SELECT mission_id, version, kind,"
                    " title, issued_at, expires_at, file, sha256, loaded_at, counts, source"
                    " FROM lead.mission",
                    err);
    store_exec(m, "DETACH DATABASE lead", NULL);
    return rc;
}

/* What the mirror was built from: the member's chain in the team store, the
 * lead's missions and this program's schema. */
static int mirror_source(struct store *lead, const struct team_chain *c, struct buf *out,
                         struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int step, rc;

    buf_addf(out, "v1 schema %d events %lld max %lld head %lld %s equiv %lld bundles %lld",
             store_schema_version(), (long long)c->events, (long long)c->max_seq,
             (long long)c->head_seq, c->head, (long long)c->equivocations, (long long)c->bundles);
    rc = store_prepare(lead, "SELECT mission_id, version, sha256 FROM mission ORDER BY 1, 2", &st,
                       err);
    if (rc)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        buf_addf(out, " %s:%lld:%.16s", store_col_text(st, 0),
                 (long long)sqlite3_column_int64(st, 1), store_col_text(st, 2));
    if (step != SQLITE_DONE)
        rc = store_fail(lead, err, "cannot list missions");
    sqlite3_finalize(st);
    return rc;
}

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    struct buf p = BUF_INIT;

    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        buf_reset(&p);
        buf_addf(&p, "%s%s", path, suffix[i]);
        unlink(p.ptr);
    }
    buf_release(&p);
}

/* A member's mirror is checked, rebuilt and read under an exclusive lock
 * of its own (team-view/<device>.lock): two processes showing the team's
 * view at once (the TUI and a CLI command, two terminals) would otherwise
 * both find it stale, and one would delete the file the other is
 * building or reading. */
static int mirror_lock(struct store *lead, const char *device, int *fd, struct fc_error *err)
{
    struct buf dir = BUF_INIT, path = BUF_INIT;
    int rc;

    *fd = -1;
    buf_addf(&dir, "%s/team-view", store_dir(lead));
    rc = fs_mkdir_p(dir.ptr, 0700, err);
    if (!rc) {
        buf_addf(&path, "%s/%s.lock", dir.ptr, device);
        rc = fs_lock(path.ptr, fd, err);
    }
    buf_release(&dir);
    buf_release(&path);
    return rc;
}

static int open_mirror(struct store *lead, struct hqdb *team, const char *device,
                       struct team_chain *chain, struct store **out, struct fc_error *err)
{
    struct hqdb_val p[] = {HQDB_S(device)};
    struct buf dir = BUF_INIT, path = BUF_INIT, source = BUF_INIT, have = BUF_INIT;
    struct team_chain c;
    struct store *m = NULL;
    struct feed f;
    int rc;

    *out = NULL;
    rc = team_chain_get(team, device, &c, err);
    if (!rc)
        *chain = c;
    if (!rc && !c.events)
        goto out; /* nothing of the member yet: no mirror */
    if (!rc)
        rc = mirror_source(lead, &c, &source, err);
    if (rc)
        goto out;
    buf_addf(&dir, "%s/team-view", store_dir(lead));
    rc = fs_mkdir_p(dir.ptr, 0700, err);
    if (rc)
        goto out;
    buf_addf(&path, "%s/%s.db", dir.ptr, device);
    if (fs_exists(path.ptr)) {
        rc = store_open(&m, path.ptr, err);
        if (!rc && store_meta_get(m, "team_source", &have, NULL) == FC_OK &&
            !strcmp(have.ptr, source.ptr))
            goto out; /* up to date */
        store_close(m);
        m = NULL;
        rc = FC_OK;
        remove_db(path.ptr);
    }
    rc = store_open(&m, path.ptr, err);
    if (!rc)
        rc = copy_missions(m, lead, err);
    if (!rc)
        rc = store_begin(m, err);
    if (rc)
        goto out;
    f.m = m;
    f.err = err;
    rc = hqdb_begin(team, HQDB_READ, err);
    if (!rc) {
        /* the current event of each seq: the smallest hash, as HQ reports */
        rc = hqdb_query(team,
                        "SELECT seq, hash, id, visit, at, kind, subject, payload, prev_hash"
                        " FROM event e WHERE device = $1 AND hash = (SELECT min(hash) FROM"
                        " event x WHERE x.device = e.device AND x.seq = e.seq) ORDER BY seq",
                        p, 1, feed_event, &f, err);
        hqdb_rollback(team);
    }
    if (!rc)
        rc = store_meta_set(m, "team_source", source.ptr, err);
    if (!rc)
        rc = store_commit(m, err);
    if (rc)
        store_rollback(m);
out:
    if (rc) {
        store_close(m);
        m = NULL;
        fc_error_prefix(err, "cannot build the team view of member '%s'", device);
    }
    *out = m;
    buf_release(&dir);
    buf_release(&path);
    buf_release(&source);
    buf_release(&have);
    return rc;
}

/* ---- items -------------------------------------------------------------------------- */

static int group_index(const struct row *r)
{
    return (int)(r->group - r->wf->groups);
}

/* Rows of one item are equal in this prefix of the order. */
static int cmp_item(const struct row *a, const struct row *b)
{
    int c = strcmp(a->mission_id, b->mission_id);

    if (!c)
        c = strcmp(a->site_code, b->site_code);
    if (!c)
        c = strcmp(a->wf->kind, b->wf->kind);
    if (!c)
        c = group_index(a) - group_index(b);
    if (!c)
        c = strcmp(a->subject, b->subject);
    if (!c && !*a->subject) /* a member's summed rows: one item per verdict */
        c = strcmp(a->verdict->code, b->verdict->code);
    return c;
}

static int cmp_row(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int c = cmp_item(a, b);

    if (!c)
        c = strcmp(a->device, b->device);
    if (!c) /* a member's latest visit first */
        c = -strcmp(a->opened_at, b->opened_at);
    if (!c)
        c = strcmp(a->visit, b->visit);
    return c;
}

static int same_record(const struct team_record *a, const struct team_record *b)
{
    return a->verdict == b->verdict && a->amount_fen == b->amount_fen &&
           a->fund_loss_fen == b->fund_loss_fen && !strcmp(a->detail, b->detail);
}

static void record_of(const struct row *r, struct team_record *out)
{
    out->device = r->device;
    out->inspectors = r->inspectors;
    out->visit = r->visit;
    out->is_self = r->is_self;
    out->verdict = r->verdict;
    out->detail = r->detail;
    out->amount_fen = r->amount_fen;
    out->fund_loss_fen = r->fund_loss_fen;
    out->count = r->count;
    out->has_qty = r->has_qty;
    out->qty_milli = r->qty_milli;
}

/* Orders an item against (the unit item u, the summed group's subject). */
static int cmp_whole(const struct team_item *it, const struct team_item *u, const char *subject)
{
    int c = strcmp(it->mission_id, u->mission_id);

    if (!c)
        c = strcmp(it->site_code, u->site_code);
    if (!c)
        c = strcmp(it->wf->kind, u->wf->kind);
    if (!c)
        c = strcmp(it->group->name, u->group->units_of);
    if (!c)
        c = strcmp(it->subject, subject);
    return c;
}

/* The summed item a unit item belongs to (items are in cmp_item order, and
 * a workflow's groups in one order: a linear scan of the unit's workflow
 * block is enough at the sizes of a count). */
static struct team_item *whole_of(struct team_view *tv, const struct team_item *u)
{
    for (size_t i = 0; i < tv->nitems; i++) {
        struct team_item *it = &tv->items[i];

        if (it->wf == u->wf && !it->group->units_of && !cmp_whole(it, u, u->records[0].detail))
            return it;
    }
    return NULL;
}

/* Units (boxes) of summed groups: one two members recorded alike is counted
 * once in its whole; recorded differently, it is a conflict. Only units of
 * two or more members stay items. */
static void count_units_once(struct team_view *tv)
{
    size_t keep = 0;

    for (size_t i = 0; i < tv->nitems; i++) {
        struct team_item *it = &tv->items[i];

        if (it->group->units_of && it->n < 2) {
            free((void *)it->records);
            continue;
        }
        if (it->group->units_of) {
            int alike = 1;

            for (size_t a = 1; a < it->n; a++)
                if (strcmp(it->records[a].detail, it->records[0].detail) ||
                    it->records[a].qty_milli != it->records[0].qty_milli)
                    alike = 0;
            if (!alike) {
                it->conflict = 1;
            } else {
                struct team_item *whole = whole_of(tv, it);

                if (whole) {
                    whole->total_milli -= (int64_t)(it->n - 1) * it->records[0].qty_milli;
                    whole->overlaps += (int64_t)(it->n - 1);
                }
            }
        }
        tv->items[keep++] = *it;
    }
    tv->nitems = keep;
}

/* One member's record of an item: all its rows where the group adds up;
 * else its latest visit's, unless that one only says what was not covered
 * and an earlier visit recorded the item. */
static void form_items(struct team_view *tv)
{
    size_t i = 0;

    if (tv->nrows)
        qsort(tv->rows, tv->nrows, sizeof(*tv->rows), cmp_row);
    while (i < tv->nrows) {
        size_t j = i, n = 0;
        struct team_record *recs;
        struct team_item *it;

        while (j < tv->nrows && !cmp_item(&tv->rows[i], &tv->rows[j]))
            j++;
        recs = xcalloc(j - i, sizeof(*recs));
        for (size_t k = i; k < j; k++) {
            const struct row *r = &tv->rows[k];
            int additive = r->group->additive || !*r->subject;

            if (!additive && n && !strcmp(recs[n - 1].device, r->device)) {
                if (recs[n - 1].verdict->cls == VERDICT_COVERAGE &&
                    r->verdict->cls != VERDICT_COVERAGE)
                    record_of(r, &recs[n - 1]);
                continue;
            }
            record_of(r, &recs[n++]);
        }
        tv->items = xreallocarray(tv->items, tv->nitems + 1, sizeof(*tv->items));
        it = &tv->items[tv->nitems++];
        memset(it, 0, sizeof(*it));
        it->wf = tv->rows[i].wf;
        it->mission_id = tv->rows[i].mission_id;
        it->site_code = tv->rows[i].site_code;
        it->group = tv->rows[i].group;
        it->subject = tv->rows[i].subject;
        it->records = recs;
        it->n = n;
        /* a conflict: two members' records of one item that say different
         * things; what one did not cover contradicts nobody */
        if (!it->group->additive && !it->group->sums && !it->group->per_member && *it->subject)
            for (size_t a = 0; a < n && !it->conflict; a++)
                for (size_t b = a + 1; b < n && !it->conflict; b++)
                    if (recs[a].verdict->cls != VERDICT_COVERAGE &&
                        recs[b].verdict->cls != VERDICT_COVERAGE &&
                        !same_record(&recs[a], &recs[b]))
                        it->conflict = 1;
        for (size_t a = 0; it->group->sums && a < n; a++)
            if (recs[a].has_qty)
                it->total_milli += recs[a].qty_milli;
        i = j;
    }
    count_units_once(tv);
    for (size_t k = 0; k < tv->nitems; k++) {
        struct team_item *it = &tv->items[k];

        for (size_t a = 0; it->conflict && a < it->n; a++)
            if (it->records[a].is_self && it->records[a].verdict->cls != VERDICT_COVERAGE)
                it->resolved = 1;
    }
}

static int cmp_visit(const void *pa, const void *pb)
{
    const struct vrow *a = pa, *b = pb;
    int c = strcmp(a->mission_id, b->mission_id);

    if (!c)
        c = strcmp(a->site_code, b->site_code);
    if (!c)
        c = strcmp(a->device, b->device);
    if (!c)
        c = strcmp(a->opened_at, b->opened_at);
    return c;
}

static int cmp_head(const void *a, const void *b)
{
    return strcmp(((const struct head *)a)->device, ((const struct head *)b)->device);
}

int team_view_open(struct store *s, struct hqdb *team, struct team_view **out, struct fc_error *err)
{
    struct team_view *tv = xcalloc(1, sizeof(*tv));
    struct led l;
    int lock = -1, rc;

    *out = NULL;
    memset(&l, 0, sizeof(l));
    l.tv = tv;
    l.self = store_device_id(s);
    rc = teamdb_foreach(s, NULL, note_led, &l, err);
    if (!rc && !tv->nmissions)
        rc = fc_error_set(err, FC_ENOTFOUND,
                          "this device leads no team: a mission pack made with 'hq pack --lead' "
                          "names the lead");
    if (!rc)
        rc = collect_store(tv, s, l.self, 1, err);
    tv->heads = xcalloc(l.nmembers + 1, sizeof(*tv->heads));
    if (!rc) {
        struct head *h = &tv->heads[tv->nheads++];

        snprintf(h->device, sizeof(h->device), "%s", l.self);
        h->is_self = 1;
        rc = event_head(s, &h->chain.head_seq, h->chain.head, err);
        h->chain.events = h->chain.max_seq = h->chain.head_seq;
    }
    for (size_t i = 0; !rc && i < l.nmembers; i++) {
        struct head *h = &tv->heads[tv->nheads++];
        struct store *m = NULL;

        snprintf(h->device, sizeof(h->device), "%s", l.members[i]);
        memset(h->chain.head, '0', HASH_HEX_LEN);
        if (!team)
            continue;
        rc = mirror_lock(s, l.members[i], &lock, err);
        if (!rc)
            rc = open_mirror(s, team, l.members[i], &h->chain, &m, err);
        if (!rc && m)
            rc = collect_store(tv, m, l.members[i], 0, err);
        store_close(m);
        fs_unlock(lock);
        lock = -1;
    }
    free(l.members);
    if (rc) {
        team_view_free(tv);
        return rc;
    }
    form_items(tv);
    qsort(tv->heads, tv->nheads, sizeof(*tv->heads), cmp_head);
    if (tv->nvisits)
        qsort(tv->visits, tv->nvisits, sizeof(*tv->visits), cmp_visit);
    *out = tv;
    return FC_OK;
}

int team_view_items(const struct team_view *tv, const char *mission_id, const struct workflow *wf,
                    int conflicts_only, int (*cb)(const struct team_item *it, void *ctx), void *ctx)
{
    for (size_t i = 0; i < tv->nitems; i++) {
        const struct team_item *it = &tv->items[i];
        int rc;

        if ((mission_id && strcmp(it->mission_id, mission_id)) || (wf && it->wf != wf) ||
            (conflicts_only && !it->conflict))
            continue;
        rc = cb(it, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int team_view_visits(const struct team_view *tv, const char *mission_id,
                     int (*cb)(const struct team_visit *v, void *ctx), void *ctx)
{
    for (size_t i = 0; i < tv->nvisits; i++) {
        const struct vrow *r = &tv->visits[i];
        struct team_visit v = {r->device, r->visit,     r->mission_id, r->site_code, r->inspectors,
                               r->wf,     r->opened_at, r->closed_at,  r->is_self};
        int rc;

        if (mission_id && strcmp(r->mission_id, mission_id))
            continue;
        rc = cb(&v, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

size_t team_view_conflicts(const struct team_view *tv, const char *mission_id)
{
    size_t n = 0;

    for (size_t i = 0; i < tv->nitems; i++)
        if (tv->items[i].conflict && !tv->items[i].resolved &&
            (!mission_id || !strcmp(tv->items[i].mission_id, mission_id)))
            n++;
    return n;
}

int team_view_heads(const struct team_view *tv,
                    int (*cb)(const char *device, int is_self, const struct team_chain *c,
                              void *ctx),
                    void *ctx)
{
    for (size_t i = 0; i < tv->nheads; i++) {
        int rc = cb(tv->heads[i].device, tv->heads[i].is_self, &tv->heads[i].chain, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

static void hash_u64(struct hash_ctx *h, uint64_t v)
{
    unsigned char b[8];

    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (56 - 8 * i));
    hash_update(h, b, 8);
}

static int in_team(const struct team_view *tv, size_t mission, const char *device)
{
    for (size_t i = 0; i < tv->nmembers; i++)
        if (tv->members[i].mission == mission && !strcmp(tv->members[i].device, device))
            return 1;
    return 0;
}

int team_view_team_heads(const struct team_view *tv, const char *mission_id,
                         int (*cb)(const char *device, int is_self, const struct team_chain *c,
                                   void *ctx),
                         void *ctx)
{
    size_t m;

    for (m = 0; m < tv->nmissions && strcmp(tv->missions[m], mission_id); m++)
        ;
    for (size_t i = 0; m < tv->nmissions && i < tv->nheads; i++) {
        int rc;

        if (!in_team(tv, m, tv->heads[i].device))
            continue;
        rc = cb(tv->heads[i].device, tv->heads[i].is_self, &tv->heads[i].chain, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

struct digest_ctx {
    struct hash_ctx h;
    size_t n;
};

static int digest_head(const char *device, int is_self, const struct team_chain *c, void *ctx)
{
    struct digest_ctx *d = ctx;
    unsigned char id[8], head[HASH_LEN];

    (void)is_self;
    memset(id, 0, sizeof(id));
    memset(head, 0, sizeof(head));
    hash_from_hex(id, sizeof(id), device);
    hash_from_hex(head, sizeof(head), c->head);
    hash_update(&d->h, id, sizeof(id));
    hash_u64(&d->h, (uint64_t)c->head_seq);
    hash_update(&d->h, head, sizeof(head));
    d->n++;
    return 0;
}

int team_view_digest(const struct team_view *tv, const char *mission_id, char out[HASH_HEX_LEN + 1],
                     int64_t *version, size_t *members)
{
    static const char domain[] = "fieldcheck-team-heads-v1";
    struct digest_ctx d;
    unsigned char bin[HASH_LEN], len = (unsigned char)strlen(mission_id);
    size_t m;

    for (m = 0; m < tv->nmissions && strcmp(tv->missions[m], mission_id); m++)
        ;
    if (m == tv->nmissions || strlen(mission_id) > 127)
        return FC_ENOTFOUND;
    memset(&d, 0, sizeof(d));
    hash_init(&d.h);
    hash_update(&d.h, domain, sizeof(domain)); /* with its NUL */
    hash_update(&d.h, &len, 1);
    hash_update(&d.h, mission_id, len);
    hash_u64(&d.h, (uint64_t)tv->versions[m]);
    team_view_team_heads(tv, mission_id, digest_head, &d);
    hash_final(&d.h, bin);
    hash_to_hex(out, bin, HASH_LEN);
    if (version)
        *version = tv->versions[m];
    if (members)
        *members = d.n;
    return FC_OK;
}

const struct team_record *team_item_decided(const struct team_item *it)
{
    const struct team_record *first = NULL;

    for (size_t i = 0; i < it->n; i++) {
        const struct team_record *r = &it->records[i];

        if (r->verdict->cls == VERDICT_COVERAGE)
            continue;
        if (it->resolved && r->is_self)
            return r;
        if (!first)
            first = r;
    }
    if (it->conflict && !it->resolved)
        return NULL;
    return first ? first : (it->n ? &it->records[0] : NULL);
}
