/* Reconciliation rules D01..D09 (DESIGN §5) for one pharmacy visit, and the
 * per-drug table behind `visit show` and `report`. A pharmacy year is about a
 * million settlement lines, so nothing here loops per drug over SQL: a handful
 * of queries (per-drug settlement totals, codes settled beyond their pack,
 * offending lines, the visit's counted boxes) fill an array of drugs sorted by
 * code, and the rules are then plain arithmetic. The settlement figures come
 * from aggregates the mission loader stores in the reference file, or are
 * grouped live for older files. Money is integer fen throughout. */
#include "core/pharmacy/pharmacy.h"
#include "core/pharmacy/workflow.h"
#include "core/pharmacy/internal.h"
#include "core/report/cell.h"

#include "core/base/money.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/engine_kit.h"
#include "core/store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-9

/* Evidence collected for one rule of one drug. */
struct evidence {
    char *items[PHARMACY_EVIDENCE_MAX];
    size_t n;
    int64_t total;
};

enum { EV_D06, EV_D07, EV_D08, EV_D09, EV_COUNT };

struct rec_drug {
    char *code;
    double pack_factor, opening, purchased, purchase_ret, sold, sale_ret, adjust;
    double settled_col, book_qty, insured_sold;
    int has_book_qty, has_insured_sold, has_price, has_cap;
    int64_t price_fen, cap_fen;
    double counted;
    int counted_any; /* somebody counted the drug (a stock_count row) */
    /* settlement lines (ref.settlement) */
    int64_t lines;
    double settled_sum;
    int64_t settled_fen;
    int64_t cap_lines, cap_excess_fen;
    double max_price;
    double mism_qty;
    int64_t mism_fen;
    /* D07: codes settled beyond their pack */
    double dup_qty, dup_allowed;
    int64_t dup_fen;
    /* D08 (scanned) and D09: counted boxes */
    double scan_mism_units;
    double sold_units;
    int64_t sold_fen;
    struct evidence ev[EV_COUNT];
};

struct recon {
    struct rec_drug *d;
    size_t n, cap;
};

static void recon_release(struct recon *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->d[i].code);
        for (int k = 0; k < EV_COUNT; k++)
            for (size_t j = 0; j < r->d[i].ev[k].n; j++)
                free(r->d[i].ev[k].items[j]);
    }
    free(r->d);
    memset(r, 0, sizeof(*r));
}

static int drug_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct rec_drug *)elem)->code);
}

static struct rec_drug *recon_find(struct recon *r, const char *code)
{
    return bsearch(code, r->d, r->n, sizeof(*r->d), drug_cmp);
}

static void evidence_add(struct evidence *e, const char *item)
{
    if (e->n < PHARMACY_EVIDENCE_MAX)
        e->items[e->n++] = xstrdup(item);
    e->total++;
}

static int64_t to_fen(double yuan)
{
    return (int64_t)llround(yuan * 100.0);
}

/* Money of qty units at price_fen per unit, rounded to the fen. */
static int64_t amount_of(double qty, double price_fen)
{
    return (int64_t)llround(qty * price_fen);
}

/* The fen of one settlement line, as the queries below compute it. */
#define LINE_FEN "CAST(round(s.qty * round(coalesce(s.unit_price, 0) * 100)) AS INTEGER)"

/* One drug of the site with its count (the rows are in code order). */
static int drug_row(sqlite3_stmt *st, void *ctx)
{
    struct recon *r = ctx;
    struct rec_drug *d;

    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->d = xreallocarray(r->d, r->cap, sizeof(*r->d));
    }
    d = &r->d[r->n++];
    memset(d, 0, sizeof(*d));
    d->code = xstrdup(store_col_text(st, 0));
    d->pack_factor = sqlite3_column_double(st, 1);
    d->opening = sqlite3_column_double(st, 2);
    d->purchased = sqlite3_column_double(st, 3);
    d->purchase_ret = sqlite3_column_double(st, 4);
    d->sold = sqlite3_column_double(st, 5);
    d->sale_ret = sqlite3_column_double(st, 6);
    d->adjust = sqlite3_column_double(st, 7);
    d->settled_col = sqlite3_column_double(st, 8);
    d->has_book_qty = sqlite3_column_type(st, 9) != SQLITE_NULL;
    d->book_qty = sqlite3_column_double(st, 9);
    d->has_insured_sold = sqlite3_column_type(st, 10) != SQLITE_NULL;
    d->insured_sold = sqlite3_column_double(st, 10);
    d->has_price = sqlite3_column_type(st, 11) != SQLITE_NULL;
    d->price_fen = to_fen(sqlite3_column_double(st, 11));
    d->has_cap = sqlite3_column_type(st, 12) != SQLITE_NULL;
    d->cap_fen = to_fen(sqlite3_column_double(st, 12));
    d->counted = sqlite3_column_double(st, 13);
    d->counted_any = sqlite3_column_int(st, 14);
    return FC_OK;
}

static const char drugs_sql[] =
    "SELECT d.drug_code, d.pack_factor, d.opening_qty, d.purchased_qty,"
    " d.purchase_return_qty, d.sold_qty, d.sale_return_qty, d.adjust_qty,"
    " d.settled_qty, d.book_qty, d.insured_sold_qty, d.unit_price,"
    " d.price_cap, coalesce(c.counted, 0), c.drug_code IS NOT NULL"
    " FROM ref.drug d LEFT JOIN stock_count c ON c.visit = ?2"
    " AND c.drug_code = d.drug_code WHERE d.site_code = ?1"
    " ORDER BY d.drug_code";

/* The settlement queries in two forms: over the aggregates the mission
 * loader precomputes (core/refdb.h), and grouping the lines live for files
 * loaded before those existed. Both give the same columns in the same order. */
enum { Q_TOTALS, Q_DUPLICATES, Q_EVIDENCE, Q_COUNT };

static const char *const settlement_sql[2][Q_COUNT] = {
    {
        /* live: per drug, one pass GROUP BY drug over the settlement_drug index */
        "SELECT s.drug_code, sum(s.qty), sum(" LINE_FEN "), count(*),"
        " sum(d.price_cap IS NOT NULL AND s.unit_price > d.price_cap),"
        " sum(CASE WHEN d.price_cap IS NOT NULL AND s.unit_price > d.price_cap THEN"
        "  CAST(round(s.qty * (round(s.unit_price * 100) - round(d.price_cap * 100))) AS INTEGER)"
        "  ELSE 0 END),"
        " max(s.unit_price),"
        " sum(CASE WHEN length(s.trace_code) = 20 AND coalesce(d.trace_prefix, '') <> ''"
        "  AND substr(s.trace_code, 1, 7) <> d.trace_prefix THEN s.qty ELSE 0 END),"
        " sum(CASE WHEN length(s.trace_code) = 20 AND coalesce(d.trace_prefix, '') <> ''"
        "  AND substr(s.trace_code, 1, 7) <> d.trace_prefix THEN " LINE_FEN " ELSE 0 END)"
        " FROM ref.settlement s JOIN ref.drug d ON d.site_code = s.site_code"
        " AND d.drug_code = s.drug_code WHERE s.site_code = ?1 GROUP BY s.drug_code",
        "SELECT s.trace_code, min(s.drug_code), sum(s.qty), sum(" LINE_FEN "),"
        " max(d.pack_factor) FROM ref.settlement s JOIN ref.drug d"
        " ON d.site_code = s.site_code AND d.drug_code = s.drug_code"
        " WHERE s.site_code = ?1 AND s.trace_code IS NOT NULL"
        " AND s.trace_code <> '' GROUP BY s.trace_code"
        " HAVING sum(s.qty) > max(d.pack_factor) + 1e-9 ORDER BY s.trace_code",
        "SELECT s.drug_code, s.settlement_id, coalesce(s.trace_code, ''),"
        " d.price_cap IS NOT NULL AND s.unit_price > d.price_cap,"
        " length(s.trace_code) = 20 AND coalesce(d.trace_prefix, '') <> ''"
        " AND substr(s.trace_code, 1, 7) <> d.trace_prefix"
        " FROM ref.settlement s JOIN ref.drug d ON d.site_code = s.site_code"
        " AND d.drug_code = s.drug_code WHERE s.site_code = ?1"
        " AND ((d.price_cap IS NOT NULL AND s.unit_price > d.price_cap)"
        " OR (length(s.trace_code) = 20 AND coalesce(d.trace_prefix, '') <> ''"
        " AND substr(s.trace_code, 1, 7) <> d.trace_prefix)) ORDER BY s.drug_code, s.rowid",
    },
    {
        "SELECT drug_code, qty, fen, lines, cap_lines, cap_excess_fen, max_unit_price,"
        " mismatch_qty, mismatch_fen FROM ref.settlement_drug_total WHERE site_code = ?1",
        "SELECT trace_code, drug_code, qty, fen, pack_factor FROM ref.settlement_code_excess"
        " WHERE site_code = ?1 ORDER BY trace_code",
        "SELECT drug_code, settlement_id, trace_code, above_cap, foreign_prefix"
        " FROM ref.settlement_flag WHERE site_code = ?1 ORDER BY rowid",
    },
};

/* 1 if the attached reference file holds the settlement aggregates, 0 if
 * not (an older file), or a negative error. */
static int has_aggregates(struct store *s, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT count(*) FROM ref.sqlite_master WHERE type = 'table' AND name"
                           " IN ('settlement_drug_total', 'settlement_code_excess',"
                           " 'settlement_flag')",
                           &st, err);
    if (rc)
        return rc;
    rc = (int)engine_step_int(s, st, 0, "cannot read the reference schema", err);
    sqlite3_finalize(st);
    if (rc >= 0)
        rc = rc == 3;
    return rc;
}

/* Per drug: settled quantity and money, lines above the price cap, lines
 * whose code's product prefix is not the drug's. */
static int totals_row(sqlite3_stmt *st, void *ctx)
{
    struct rec_drug *d = recon_find(ctx, store_col_text(st, 0));

    if (!d)
        return FC_OK;
    d->settled_sum = sqlite3_column_double(st, 1);
    d->settled_fen = sqlite3_column_int64(st, 2);
    d->lines = sqlite3_column_int64(st, 3);
    d->cap_lines = sqlite3_column_int64(st, 4);
    d->cap_excess_fen = sqlite3_column_int64(st, 5);
    d->max_price = sqlite3_column_double(st, 6);
    d->mism_qty = sqlite3_column_double(st, 7);
    d->mism_fen = sqlite3_column_int64(st, 8);
    return FC_OK;
}

/* D07: traceability codes whose settled quantity exceeds one pack. Grouped
 * by code alone (a box settled as two different drugs is still one box); the
 * finding goes to the drug of the code's first line. */
static int duplicate_row(sqlite3_stmt *st, void *ctx)
{
    struct rec_drug *d = recon_find(ctx, store_col_text(st, 1));
    double qty = sqlite3_column_double(st, 2), pack = sqlite3_column_double(st, 4);
    int64_t fen = sqlite3_column_int64(st, 3);

    if (!d)
        return FC_OK;
    d->dup_qty += qty;
    d->dup_allowed += pack;
    d->dup_fen += amount_of(qty - pack, (double)fen / qty);
    evidence_add(&d->ev[EV_D07], store_col_text(st, 0));
    return FC_OK;
}

/* Evidence for D06 and settled D08: the offending lines, in drug then line
 * order. */
static int evidence_row(sqlite3_stmt *st, void *ctx)
{
    struct rec_drug *d = recon_find(ctx, store_col_text(st, 0));

    if (!d)
        return FC_OK;
    if (sqlite3_column_int(st, 3))
        evidence_add(&d->ev[EV_D06], store_col_text(st, 1));
    if (sqlite3_column_int(st, 4))
        evidence_add(&d->ev[EV_D08], store_col_text(st, 2));
    return FC_OK;
}

/* D08 (scanned) and D09: the visit's counted boxes in their current round
 * whose code insurance settled or whose prefix belongs to another drug. */
static int counted_box_row(sqlite3_stmt *st, void *ctx)
{
    struct rec_drug *d = recon_find(ctx, store_col_text(st, 0));
    double units = sqlite3_column_double(st, 2);

    if (!d)
        return FC_OK;
    if (sqlite3_column_int(st, 3)) {
        d->sold_units += units;
        d->sold_fen += sqlite3_column_int64(st, 5);
        evidence_add(&d->ev[EV_D09], store_col_text(st, 1));
    }
    if (sqlite3_column_int(st, 4)) {
        d->scan_mism_units += units;
        evidence_add(&d->ev[EV_D08], store_col_text(st, 1));
    }
    return FC_OK;
}

static const char counted_boxes_sql[] =
    "SELECT p.drug_code, c.box_key, p.qty, p.settled, p.mismatch,"
    " CASE WHEN p.settled THEN (SELECT sum(" LINE_FEN ")"
    "  FROM ref.settlement s WHERE s.trace_code = c.box_key"
    "  AND s.site_code = ?1) ELSE 0 END"
    " FROM counted_code c JOIN pharmacy_scan p ON p.seq = c.seq"
    " WHERE c.visit = ?2 AND (p.settled OR p.mismatch) ORDER BY c.seq";

/* 1 when some drug has lines worth fetching as evidence (load_line_evidence). */
static int has_line_evidence(const struct recon *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->d[i].cap_lines > 0 || r->d[i].mism_qty > EPS)
            return 1;
    return 0;
}

/* Reads the drugs, then the settlement figures and the counted boxes onto
 * them; the offending lines only when the totals found some. */
static int recon_load(struct store *s, const struct visit *v, struct recon *r, struct fc_error *err)
{
    int agg = has_aggregates(s, err), rc = agg;

    if (agg >= 0)
        rc = engine_visit_each(s, v, drugs_sql, drug_row, r, "cannot read the drugs", err);
    if (!rc)
        rc = engine_visit_each(s, v, settlement_sql[agg][Q_TOTALS], totals_row, r,
                               "cannot total the settlements", err);
    if (!rc)
        rc = engine_visit_each(s, v, settlement_sql[agg][Q_DUPLICATES], duplicate_row, r,
                               "cannot group settlements by code", err);
    if (!rc && has_line_evidence(r))
        rc = engine_visit_each(s, v, settlement_sql[agg][Q_EVIDENCE], evidence_row, r,
                               "cannot read settlement lines", err);
    if (!rc)
        rc = engine_visit_each(s, v, counted_boxes_sql, counted_box_row, r,
                               "cannot read counted boxes", err);
    return rc;
}

static double book_of(const struct rec_drug *d)
{
    return d->opening + d->purchased - d->purchase_ret - d->sold + d->sale_ret + d->adjust;
}

/* Settled quantity: the settlement lines when the pack has any for the drug,
 * else drugs.csv's settled_qty. */
static double settled_of(const struct rec_drug *d)
{
    return d->lines ? d->settled_sum : d->settled_col;
}

/* Settled unit price in fen: the lines' average, else the drug's price. */
static double settled_price_fen(const struct rec_drug *d)
{
    if (d->lines && d->settled_sum > EPS)
        return (double)d->settled_fen / d->settled_sum;
    return (double)d->price_fen;
}

struct emit {
    int (*cb)(const struct pharmacy_finding *f, void *ctx);
    void *ctx;
};

static int emit(struct emit *em, const struct rec_drug *d, const char *rule, double a, double b,
                int64_t fen, const struct evidence *ev, const char *note)
{
    struct pharmacy_finding f;

    memset(&f, 0, sizeof(f));
    f.drug_code = d->code;
    f.rule = rule;
    f.a = a;
    f.b = b;
    f.diff = a - b;
    f.amount_fen = fen;
    if (ev) {
        f.evidence = (const char *const *)ev->items;
        f.nevidence = ev->n;
        f.evidence_total = ev->total;
    }
    f.note = note ? note : "";
    return em->cb(&f, em->ctx);
}

static int drug_findings(struct emit *em, const struct rec_drug *d, int complete)
{
    double book = book_of(d), settled = settled_of(d), avail = d->opening + d->purchased;
    double sold_basis = d->has_insured_sold ? d->insured_sold : d->sold;
    char note[256] = "", q1[32], q2[32];
    int rc = 0;

    if (d->has_book_qty && fabs(d->book_qty - book) > EPS) {
        pharmacy_format_qty(d->book_qty, q1);
        pharmacy_format_qty(book, q2);
        snprintf(note, sizeof(note), "book_qty %s in drugs.csv differs from the computed book %s",
                 q1, q2);
    }
    /* A count is compared with the book only for what was counted, or for
     * every drug once the count is declared complete (DESIGN §5). */
    if ((d->counted_any || complete) && d->counted < book - EPS)
        rc = emit(em, d, "D01_STOCK_SHORTAGE", d->counted, book,
                  amount_of(book - d->counted, (double)d->price_fen), NULL, note);
    if (!rc && (d->counted_any || complete) && book >= -EPS && d->counted > book + EPS)
        rc = emit(em, d, "D02_STOCK_OVERAGE", d->counted, book,
                  amount_of(d->counted - book, (double)d->price_fen), NULL, note);
    if (!rc && settled > sold_basis + EPS) {
        snprintf(note, sizeof(note), "settled from %s; compared with %s",
                 d->lines ? "settlement lines" : "drugs.csv settled_qty",
                 d->has_insured_sold ? "insured_sold_qty" : "sold_qty");
        rc = emit(em, d, "D03_SETTLED_GT_SOLD", settled, sold_basis,
                  amount_of(settled - sold_basis, settled_price_fen(d)), NULL, note);
    }
    if (!rc && d->sold > avail + EPS)
        rc = emit(em, d, "D04_NEGATIVE_BOOK", d->sold, avail,
                  amount_of(d->sold - avail, (double)d->price_fen), NULL, NULL);
    if (!rc && settled > avail + EPS)
        rc = emit(em, d, "D05_SETTLED_GT_AVAILABLE", settled, avail,
                  amount_of(settled - avail, settled_price_fen(d)), NULL, NULL);
    if (!rc && d->cap_lines > 0)
        rc = emit(em, d, "D06_PRICE_ABOVE_CAP", d->max_price, (double)d->cap_fen / 100.0,
                  d->cap_excess_fen, &d->ev[EV_D06], NULL);
    if (!rc && d->ev[EV_D07].total > 0)
        rc = emit(em, d, "D07_TRACE_DUPLICATE", d->dup_qty, d->dup_allowed, d->dup_fen,
                  &d->ev[EV_D07], NULL);
    if (!rc && d->ev[EV_D08].total > 0)
        rc = emit(em, d, "D08_TRACE_PRODUCT_MISMATCH", d->mism_qty + d->scan_mism_units, 0,
                  d->mism_fen, &d->ev[EV_D08], NULL);
    if (!rc && d->ev[EV_D09].total > 0)
        rc = emit(em, d, "D09_SOLD_CODE_ON_SHELF", d->sold_units, 0, d->sold_fen, &d->ev[EV_D09],
                  NULL);
    return rc;
}

int pharmacy_reconcile(struct store *s, const struct visit *v,
                       int (*cb)(const struct pharmacy_finding *f, void *ctx), void *ctx,
                       struct fc_error *err)
{
    struct recon r = {NULL, 0, 0};
    struct emit em = {cb, ctx};
    int rc, complete;

    if (strcmp(v->kind, "pharmacy") != 0)
        return fc_error_set(err, FC_ESTATE, "visit '%.8s' is a %s visit, not a pharmacy count",
                            v->id, v->kind);
    rc = pharmacy_is_blind(s, v, err);
    if (rc > 0)
        rc =
            fc_error_set(err, FC_ESTATE,
                         "the count of visit '%.8s' is blind: save it first (count --save)", v->id);
    if (rc)
        return rc;
    complete = pharmacy_is_complete(s, v, err);
    if (complete < 0)
        return complete;
    /* The reference file is immutable and read through indexes in random
     * order: map it instead of paging it through the small default cache. */
    rc = store_exec(s, "PRAGMA ref.mmap_size = 4294967296", err);
    if (rc)
        return rc;
    /* One read snapshot for all the queries, inside a caller's transaction or not. */
    rc = store_exec(s, "SAVEPOINT reconcile", err);
    if (rc)
        return rc;
    rc = recon_load(s, v, &r, err);
    store_exec(s, "RELEASE reconcile", NULL);
    for (size_t i = 0; !rc && i < r.n; i++)
        rc = drug_findings(&em, &r.d[i], complete);
    recon_release(&r);
    return rc;
}

static const struct pharmacy_rule_terms rule_terms[] = {
    {"D01_STOCK_SHORTAGE", FC_N_("counted"), "实盘数", FC_N_("book"), "账面数"},
    {"D02_STOCK_OVERAGE", FC_N_("counted"), "实盘数", FC_N_("book"), "账面数"},
    {"D03_SETTLED_GT_SOLD", FC_N_("settled"), "医保结算数", FC_N_("sold"), "销售数"},
    {"D04_NEGATIVE_BOOK", FC_N_("sold"), "销售数", FC_N_("opening + purchased"), "期初加购进"},
    {"D05_SETTLED_GT_AVAILABLE", FC_N_("settled"), "医保结算数", FC_N_("opening + purchased"),
     "期初加购进"},
    {"D06_PRICE_ABOVE_CAP", FC_N_("settled unit price"), "结算单价", FC_N_("price cap"),
     "医保支付标准"},
    {"D07_TRACE_DUPLICATE", FC_N_("settled on the codes"), "追溯码结算数",
     FC_N_("their packs allow"), "包装允许数"},
    {"D08_TRACE_PRODUCT_MISMATCH", FC_N_("of another product"), "他品种追溯码数量", NULL, NULL},
    {"D09_SOLD_CODE_ON_SHELF", FC_N_("settled boxes on the shelf"), "在架已结算数量", NULL, NULL},
};

const struct pharmacy_rule_terms *pharmacy_rule_terms(const char *rule)
{
    for (size_t i = 0; rule && i < sizeof(rule_terms) / sizeof(rule_terms[0]); i++)
        if (!strcmp(rule_terms[i].rule, rule))
            return &rule_terms[i];
    return NULL;
}

static json_t *qty_json(double q)
{
    double r = round(q);

    if (fabs(q - r) < EPS && fabs(r) < 9e15)
        return json_integer((json_int_t)r);
    return json_real(q);
}

void pharmacy_finding_text(const struct pharmacy_finding *f, struct pharmacy_finding_text *t)
{
    pharmacy_format_qty(f->a, t->a);
    pharmacy_format_qty(f->b, t->b);
    pharmacy_format_qty(f->diff, t->diff);
    money_text(f->amount_fen, t->amount);
}

void pharmacy_finding_evidence(const struct pharmacy_finding *f, const char *more_fmt,
                               struct buf *out)
{
    for (size_t i = 0; i < f->nevidence; i++)
        buf_addf(out, "%s%s", i ? " " : "", f->evidence[i]);
    if ((size_t)f->evidence_total > f->nevidence)
        buf_addf(out, more_fmt, (long long)(f->evidence_total - (int64_t)f->nevidence));
}

json_t *pharmacy_finding_json(const struct pharmacy_finding *f)
{
    json_t *o = json_object(), *ev = json_array();
    char yuan[32];

    money_text(f->amount_fen, yuan);
    for (size_t i = 0; i < f->nevidence; i++)
        json_array_append_new(ev, json_string(f->evidence[i]));
    json_object_set_new(o, "drug_code", json_string(f->drug_code));
    json_object_set_new(o, "rule", json_string(f->rule));
    json_object_set_new(o, "a", qty_json(f->a));
    json_object_set_new(o, "b", qty_json(f->b));
    json_object_set_new(o, "diff", qty_json(f->diff));
    json_object_set_new(o, "amount", json_string(yuan));
    json_object_set_new(o, "amount_fen", json_integer(f->amount_fen));
    json_object_set_new(o, "evidence", ev);
    json_object_set_new(o, "evidence_total", json_integer(f->evidence_total));
    json_object_set_new(o, "note", json_string(f->note));
    return o;
}

/* ---- per-drug table (visit show, report) ----------------------------------- */

struct drug_line {
    const char *code, *name, *spec, *unit;
    double book, counted;
    int64_t round, boxes;
    int counted_any;
};

static int drug_line_row(sqlite3_stmt *st, void *ctx)
{
    const struct pharmacy_each *each = ctx;
    struct drug_line l = {
        store_col_text(st, 0),       store_col_text(st, 1),        store_col_text(st, 2),
        store_col_text(st, 3),       sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
        sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7),  sqlite3_column_int(st, 8),
    };

    return each->drug_line(&l, each->ctx);
}

static int foreach_drug_line(struct store *s, const struct visit *v,
                             int (*cb)(const struct drug_line *l, void *ctx), void *ctx,
                             struct fc_error *err)
{
    struct pharmacy_each each = {.drug_line = cb, .ctx = ctx};

    return engine_visit_each(
        s, v,
        "SELECT d.drug_code, d.name, coalesce(d.spec, ''), coalesce(d.unit, ''),"
        " d.opening_qty + d.purchased_qty - d.purchase_return_qty - d.sold_qty"
        " + d.sale_return_qty + d.adjust_qty, coalesce(c.counted, 0),"
        " coalesce(c.round, 1), coalesce(c.boxes, 0), c.drug_code IS NOT NULL"
        " FROM ref.drug d LEFT JOIN stock_count c ON c.visit = ?2"
        " AND c.drug_code = d.drug_code WHERE d.site_code = ?1"
        " ORDER BY d.drug_code",
        drug_line_row, &each, "cannot read the drugs", err);
}

/* Collects the rule names found per drug into a JSON object {drug: [rules]}. */
static int collect_flags(const struct pharmacy_finding *f, void *ctx)
{
    json_t *map = ctx, *list = json_object_get(map, f->drug_code);

    if (!list) {
        list = json_array();
        json_object_set_new(map, f->drug_code, list);
    }
    json_array_append_new(list, json_string(f->rule));
    return 0;
}

struct show_ctx {
    json_t *drugs, *flags;
    int blind, complete;
};

static int show_line(const struct drug_line *l, void *ctx)
{
    struct show_ctx *c = ctx;
    json_t *flags = json_object_get(c->flags, l->code);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "drug_code", l->code, "name", l->name, "spec",
                          l->spec, "unit", l->unit);
    /* not counted: null until the count is complete (then 0) */
    int counted = l->counted_any || c->complete;

    if (!o)
        return FC_EINPUT;
    json_object_set_new(o, "book", c->blind ? json_null() : qty_json(l->book));
    json_object_set_new(o, "counted", counted ? qty_json(l->counted) : json_null());
    json_object_set_new(o, "variance",
                        c->blind || !counted ? json_null() : qty_json(l->counted - l->book));
    json_object_set_new(o, "round", json_integer(l->round));
    json_object_set_new(o, "boxes", json_integer(l->boxes));
    json_object_set_new(o, "flags", flags ? json_incref(flags) : json_array());
    json_array_append_new(c->drugs, o);
    return 0;
}

json_t *pharmacy_show_json(struct store *s, const struct visit *v, struct fc_error *err)
{
    struct show_ctx c = {json_array(), json_object(), 0, 0};
    json_t *out = NULL;
    int rc;

    rc = pharmacy_is_blind(s, v, err);
    if (rc < 0)
        goto out;
    c.blind = rc;
    rc = pharmacy_is_complete(s, v, err);
    if (rc < 0)
        goto out;
    c.complete = rc;
    rc = c.blind ? FC_OK : pharmacy_reconcile(s, v, collect_flags, c.flags, err);
    if (!rc)
        rc = foreach_drug_line(s, v, show_line, &c, err);
    if (rc == FC_EINPUT)
        fc_error_set(err, rc, "drug text is not valid UTF-8");
    if (rc)
        goto out;
    out = json_pack("{s:s, s:s, s:s, s:b, s:b, s:O}", "visit", v->id, "kind", v->kind, "site_code",
                    v->site_code, "blind", c.blind, "count_complete", c.complete, "drugs", c.drugs);
out:
    json_decref(c.drugs);
    json_decref(c.flags);
    return out;
}

/* ---- report ------------------------------------------------------------------ */

static const struct report_col csv_cols[] = {
    {"record", "记录"},    {"drug_code", "药品编码"}, {"name", "名称"},     {"spec", "规格"},
    {"unit", "单位"},      {"book", "账面"},          {"counted", "实盘"},  {"variance", "差异"},
    {"flags", "问题代码"}, {"rule", "规则代码"},      {"a", "A"},           {"b", "B"},
    {"diff", "差额"},      {"amount", "金额"},        {"evidence", "证据"}, {"label", "问题"},
};

struct stock_report {
    FILE *out;
    int md, complete;
    json_t *flags;
    struct buf line;
};

/* Writes one row of fields (NULL-terminated) as CSV or a Markdown row
 * through the report kit's cell writer. */
static void report_row(struct stock_report *c, const char *const *fields)
{
    size_t n = 0;

    while (fields[n])
        n++;
    buf_reset(&c->line);
    if (c->md)
        report_md_row(&c->line, fields, n);
    else
        report_csv_row(&c->line, fields, n);
    fputs(c->line.ptr, c->out);
}

static void flags_text(json_t *list, struct buf *b)
{
    size_t i;
    json_t *v;

    json_array_foreach(list, i, v)
    {
        if (i)
            buf_addch(b, ' ');
        buf_adds(b, json_string_value(v));
    }
}

static int report_drug(const struct drug_line *l, void *ctx)
{
    struct stock_report *c = ctx;
    struct buf fl = BUF_INIT;
    char book[32], counted[32], var[32];
    int rc = 0;

    pharmacy_format_qty(l->book, book);
    pharmacy_format_qty(l->counted, counted);
    pharmacy_format_qty(l->counted - l->book, var);
    if (!l->counted_any && !c->complete) {
        /* not counted is not a shortage: no figure, no variance */
        snprintf(counted, sizeof(counted), "%s", fc_tr("not counted"));
        var[0] = '\0';
    }
    flags_text(json_object_get(c->flags, l->code), &fl);
    if (c->md) {
        const char *f[] = {l->code, l->name, l->spec, l->unit, book, counted, var, fl.ptr, NULL};
        report_row(c, f);
    } else {
        const char *f[] = {"stock", l->code, l->name, l->spec, l->unit, book, counted, var, fl.ptr,
                           "",      "",      "",      "",      "",      "",   "",      NULL};
        report_row(c, f);
    }
    buf_release(&fl);
    return rc;
}

static int report_finding(const struct pharmacy_finding *f, void *ctx)
{
    struct stock_report *c = ctx;
    struct buf ev = BUF_INIT;
    struct pharmacy_finding_text t;
    const char *label;

    pharmacy_finding_text(f, &t);
    pharmacy_finding_evidence(f, report_text("（另有 %lld 条）", " (+%lld more)"), &ev);
    if (f->note[0])
        buf_addf(&ev, "%s%s", ev.len ? "; " : "", f->note);
    label = verdict_label(workflow_verdict_in(&pharmacy_workflow, f->rule, VERDICT_RULE));
    if (c->md) {
        struct buf r = BUF_INIT;
        buf_addf(&r, "%s (%s)", label ? label : f->rule, f->rule);
        const char *row[] = {f->drug_code, r.ptr, t.a, t.b, t.diff, t.amount, ev.ptr, NULL};
        report_row(c, row);
        buf_release(&r);
    } else {
        const char *row[] = {
            "finding", f->drug_code, "",  "",  "",     "",       "",     "",
            "",        f->rule,      t.a, t.b, t.diff, t.amount, ev.ptr, label ? label : f->rule,
            NULL};
        report_row(c, row);
    }
    buf_release(&ev);
    return 0;
}

int pharmacy_report(struct store *s, const char *visit_id, const char *format, FILE *out,
                    struct fc_error *err)
{
    struct stock_report c = {out, 0, 0, json_object(), BUF_INIT};
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    if (!format || (strcmp(format, "csv") != 0 && strcmp(format, "md") != 0)) {
        rc = fc_error_set(err, FC_EUSAGE, "unknown report format '%s' (csv or md)",
                          format ? format : "");
        goto out;
    }
    c.md = !strcmp(format, "md");
    rc = visit_resolve(s, visit_id, &v, err);
    if (!rc) {
        c.complete = pharmacy_is_complete(s, &v, err);
        rc = c.complete < 0 ? c.complete : FC_OK;
    }
    if (!rc)
        rc = pharmacy_reconcile(s, &v, collect_flags, c.flags, err);
    if (rc)
        goto out;
    if (c.md) {
        char t1[CLOCK_ISO_MAX], t2[CLOCK_ISO_MAX];
        const char *opened = clock_iso_local(v.opened_at, t1);
        const char *closed =
            v.closed_at[0] ? clock_iso_local(v.closed_at, t2) : report_text("（进行中）", "(open)");

        /* a document people read: their language, local times as the HTML
         * shows them; codes stay beside the labels */
        if (fc_lang_current() == FC_LANG_ZH)
            fprintf(out,
                    "# 药店进销存核查报告\n\n- 检查编号：%s\n- 机构：%s\n- 开始：%s\n"
                    "- 结束：%s\n\n## 库存\n\n"
                    "| 药品编码 | 名称 | 规格 | 单位 | 账面 | 实盘 | 差异 | 问题 |\n",
                    v.id, v.site_code, opened, closed);
        else
            fprintf(out,
                    "# Pharmacy stock reconciliation\n\n- visit: %s\n- site: %s\n- opened: %s\n"
                    "- closed: %s\n\n## Stock\n\n"
                    "| drug_code | name | spec | unit | book | counted | variance | flags |\n",
                    v.id, v.site_code, opened, closed);
        fputs("|---|---|---|---|---:|---:|---:|---|\n", out);
    } else {
        buf_reset(&c.line);
        report_csv_header(&c.line, csv_cols, sizeof(csv_cols) / sizeof(csv_cols[0]));
        fputs(c.line.ptr, out);
    }
    rc = foreach_drug_line(s, &v, report_drug, &c, err);
    if (!rc && c.md)
        fprintf(out, "\n## %s\n\n%s\n|---|---|---:|---:|---:|---:|---|\n",
                report_text("发现的问题", "Findings"),
                report_text("| 药品编码 | 规则 | A | B | 差额 | 金额（元） | 证据 |",
                            "| drug_code | rule | a | b | diff | amount (yuan) | evidence |"));
    if (!rc)
        rc = pharmacy_reconcile(s, &v, report_finding, &c, err);
    if (!rc && ferror(out))
        rc = fc_error_set(err, FC_EIO, "cannot write the report");
out:
    visit_release(&v);
    buf_release(&c.line);
    json_decref(c.flags);
    return rc;
}

static int box_row(sqlite3_stmt *st, void *ctx)
{
    const struct pharmacy_each *each = ctx;

    return each->box(store_col_text(st, 0), store_col_text(st, 1), sqlite3_column_double(st, 2),
                     each->ctx);
}

int pharmacy_boxes_foreach(struct store *s, const char *visit_id,
                           int (*cb)(const char *box_key, const char *drug_code, double qty,
                                     void *ctx),
                           void *ctx, struct fc_error *err)
{
    struct pharmacy_each each = {.box = cb, .ctx = ctx};

    return store_each_sql(s,
                          "SELECT c.box_key, c.drug_code, p.qty FROM counted_code c"
                          " JOIN pharmacy_scan p ON p.seq = c.seq WHERE c.visit = ?1"
                          " ORDER BY c.box_key",
                          visit_id, box_row, &each, "cannot list counted boxes", err);
}
