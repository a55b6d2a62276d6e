/* Flight worksheet engine: amount rules, validation errors, totals, void,
 * rebuild equality and the report. The reference database is built here from
 * refdb_schema_sql and registered in the mission table by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/base/fs.h"
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/store/event.h"
#include "core/base/lang.h"
#include "core/flight/flight.h"
#include "core/visit/interview.h"
#include "core/flight/page.h"
#include "core/mission/refdb.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "visit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void ref_build(const char *path)
{
    sqlite3 *db = NULL;
    static const char rows[] =
        "INSERT INTO site VALUES ('H11010500001', '第一医院', 'hospital', NULL, NULL, NULL, "
        "NULL, 2, NULL);"
        "INSERT INTO suspicion VALUES ('S001', 'R01', '串换药品', 'H11010500001', '第一医院', "
        "'SET1', 'A100', '张小三', '110105199001011234', 'X001', '阿莫西林', 10, 12.5, 125.0, "
        "100.0, '2026-01-02', 'desc', 2, NULL);"
        "INSERT INTO suspicion VALUES ('S002', 'R01', '串换药品', 'H11010500001', '第一医院', "
        "'SET2', 'A101', '李四', '110105199001015678', 'X002', '头孢', 2, 0.1, 0.2, NULL, "
        "'2026-01-03', NULL, 3, NULL);"
        "INSERT INTO suspicion VALUES ('S003', 'R02', '挂床', 'H11010500001', '第一医院', "
        "'SET3', 'A102', '王五', NULL, 'B01', '床位费', 3, 40, 120, 120, NULL, NULL, 4, NULL);"
        "INSERT INTO suspicion VALUES ('S004', 'R02', '挂床', 'H11010500001', '第一医院', "
        "'SET4', 'A103', '赵六', NULL, 'B01', '床位费', NULL, NULL, NULL, NULL, NULL, NULL, 5, "
        "NULL);"
        "INSERT INTO suspicion VALUES ('S900', 'R01', 'x', 'H99999900001', '别的医院', "
        "'SETX', 'A9', '某', NULL, 'X1', 'y', 1, 1, 1, 1, NULL, NULL, 6, NULL);";

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, refdb_schema_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, refdb_index_sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "PRAGMA user_version = " REFDB_SCHEMA_VERSION_TEXT, NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
}

static int setup(void **state)
{
    struct fx_store *f = calloc(1, sizeof(*f));
    struct visit_open_args a;
    char ref[128];

    setenv("FIELDCHECK_NOW", "2026-03-01T09:00:00+08:00", 1);
    fx_store_open(f, "flight", "fc.db");
    snprintf(ref, sizeof(ref), "%s/ref.db", f->dir);
    ref_build(ref);
    assert_int_equal(fx_mission_row(f->s, "M1", "flight", ref), 0);
    a = fx_visit_args("M1", "flight", "H11010500001", "刘检查", "陈检查", clock_now_ms());
    a.credentials_shown = 1;
    fx_visit_open(f->s, &a, f->visit);
    *state = f;
    return 0;
}

static int verify(struct fx_store *f, const char *id, const char *verdict, const char *amount,
                  const char *loss, const char *over, struct flight_verdict *vd,
                  struct fc_error *err)
{
    struct flight_verify_args a = {.susp_id = id,
                                   .verdict = verdict,
                                   .amount = amount,
                                   .fund_loss = loss,
                                   .over_reason = over,
                                   .at_ms = clock_now_ms()};

    return flight_susp_verify(f->s, f->visit, &a, vd, err);
}

static void test_state_names(void **state)
{
    enum flight_state st;

    (void)state;
    assert_int_equal(flight_state_parse("部分属实", &st), 0);
    assert_int_equal(st, FLIGHT_PARTIAL);
    assert_int_equal(flight_state_parse("refuted", &st), 0);
    assert_int_equal(st, FLIGHT_REFUTED);
    assert_int_equal(flight_state_parse("", &st), FC_EUSAGE);
    assert_int_equal(flight_state_parse(NULL, &st), FC_EUSAGE);
    assert_string_equal(flight_state_zh(FLIGHT_PENDING), "待查");
}

static void test_amount_rules(void **state)
{
    struct fx_store *f = *state;
    struct flight_verdict vd;
    struct fc_error err;

    /* degenerate input first */
    assert_int_equal(verify(f, "S001", "MAYBE", NULL, NULL, NULL, &vd, &err), FC_EUSAGE);
    assert_int_equal(verify(f, "S404", "CONFIRMED", NULL, NULL, NULL, &vd, &err), FC_ENOTFOUND);
    /* a line of another site is not this visit's */
    assert_int_equal(verify(f, "S900", "CONFIRMED", NULL, NULL, NULL, &vd, &err), FC_ENOTFOUND);
    assert_int_equal(verify(f, "S001", "CONFIRMED", "12.345", NULL, NULL, &vd, &err), FC_EINPUT);
    assert_int_equal(verify(f, "S001", "CONFIRMED", "-1", NULL, NULL, &vd, &err), FC_EINPUT);

    /* CONFIRMED defaults to susp_amount, fund loss to the irregular amount */
    assert_int_equal(verify(f, "S001", "属实", NULL, NULL, NULL, &vd, &err), 0);
    assert_int_equal(vd.state, FLIGHT_CONFIRMED);
    assert_int_equal(vd.irregular_fen, 10000);
    assert_int_equal(vd.fund_loss_fen, 10000);
    /* no susp_amount: the line amount */
    assert_int_equal(verify(f, "S002", "CONFIRMED", NULL, "0.1", NULL, &vd, &err), 0);
    assert_int_equal(vd.irregular_fen, 20);
    assert_int_equal(vd.fund_loss_fen, 10);
    /* no amounts at all on the line: must be given */
    assert_int_equal(verify(f, "S004", "CONFIRMED", NULL, NULL, NULL, &vd, &err), FC_EINPUT);

    /* PARTIAL needs an amount */
    assert_int_equal(verify(f, "S003", "PARTIAL", NULL, NULL, NULL, &vd, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "--amount"));
    /* above the line amount (120.00) only with a reason */
    assert_int_equal(verify(f, "S003", "PARTIAL", "120.01", NULL, NULL, &vd, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "120.01"));
    assert_int_equal(verify(f, "S003", "PARTIAL", "120.01", NULL, "extra days billed", &vd, &err),
                     0);
    assert_int_equal(vd.irregular_fen, 12001);
    /* fund loss never above the irregular amount */
    assert_int_equal(verify(f, "S003", "PARTIAL", "80", "80.01", NULL, &vd, &err), FC_EINPUT);
    assert_int_equal(verify(f, "S003", "PARTIAL", "80", "30.5", NULL, &vd, &err), 0);
    assert_int_equal(vd.irregular_fen, 8000);
    assert_int_equal(vd.fund_loss_fen, 3050);

    /* REFUTED carries no amounts */
    assert_int_equal(verify(f, "S002", "REFUTED", "1", NULL, NULL, &vd, &err), FC_EINPUT);
    assert_int_equal(verify(f, "S002", "不属实", "0", NULL, NULL, &vd, &err), 0);
    assert_int_equal(vd.irregular_fen, 0);
    assert_int_equal(vd.fund_loss_fen, 0);
}

struct count_ctx {
    int n;
    char last_state[16];
    long irr;
};

static int count_line(const struct flight_line *l, void *ctx)
{
    struct count_ctx *c = ctx;

    c->n++;
    c->irr += (long)l->irregular_fen;
    snprintf(c->last_state, sizeof(c->last_state), "%s", flight_state_name(l->state));
    return 0;
}

static void test_filters_and_assign(void **state)
{
    struct fx_store *f = *state;
    struct flight_filter flt = {NULL, NULL, NULL};
    struct count_ctx c;
    struct fc_error err;
    char id[37];

    memset(&c, 0, sizeof(c));
    assert_int_equal(flight_susp_foreach(f->s, f->visit, NULL, count_line, &c, &err), 0);
    assert_int_equal(c.n, 4); /* S900 is another site's */
    assert_int_equal(verify(f, "S001", "CONFIRMED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(flight_susp_assign(f->s, f->visit, "S003", "陈检查", clock_now_ms(), id, &err),
                     0);
    assert_int_equal(flight_susp_assign(f->s, f->visit, "S003", "", clock_now_ms(), id, &err),
                     FC_EUSAGE);
    assert_int_equal(
        flight_susp_respond(f->s, f->visit, "S001", "系医生笔误", clock_now_ms(), id, &err), 0);
    flt.state = "CONFIRMED";
    memset(&c, 0, sizeof(c));
    assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.irr, 10000);
    flt.state = "待查";
    memset(&c, 0, sizeof(c));
    assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err), 0);
    assert_int_equal(c.n, 3); /* the assigned S003 has no verdict yet */
    flt.state = NULL;
    flt.inspector = "陈检查";
    memset(&c, 0, sizeof(c));
    assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err), 0);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.last_state, "PENDING");
    flt.inspector = NULL;
    flt.rule = "R02";
    memset(&c, 0, sizeof(c));
    assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err), 0);
    assert_int_equal(c.n, 2);
    flt.rule = NULL;
    flt.state = "BOGUS";
    assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err), FC_EUSAGE);
}

struct below_ctx {
    const char *limit;
    long n;
};

static int count_below(const struct flight_line *l, void *vctx)
{
    struct below_ctx *c = vctx;

    if (strcmp(l->susp_id, c->limit) < 0)
        c->n++;
    return 0;
}

static int collect_value(const char *value, void *ctx)
{
    struct buf *b = ctx;

    buf_addf(b, "%s;", value);
    return 0;
}

/* The pager's indexed counts and positions agree with the plain list for
 * every filter combination, including rules and inspectors nobody has. */
static void test_pager_counts_match_list(void **state)
{
    static const char *const rules[] = {NULL, "R01", "R02", "R99"};
    static const char *const states[] = {NULL, "PENDING", "CONFIRMED", "PARTIAL", "REFUTED"};
    static const char *const insps[] = {NULL, "陈检查", "无人"};
    static const char *const keys[] = {"", "S001", "S0015", "S003", "S004", "S005", "S9"};
    struct fx_store *f = *state;
    struct flight_pager *p = NULL;
    struct fc_error err;
    struct buf vals = BUF_INIT;
    char id[37];

    assert_int_equal(verify(f, "S001", "CONFIRMED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(verify(f, "S003", "REFUTED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(verify(f, "S004", "PENDING", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(flight_susp_assign(f->s, f->visit, "S003", "陈检查", clock_now_ms(), id, &err),
                     0);
    assert_int_equal(flight_susp_assign(f->s, f->visit, "S002", "陈检查", clock_now_ms(), id, &err),
                     0);
    assert_int_equal(flight_pager_open(f->s, f->visit, &p, &err), 0);
    for (size_t r = 0; r < 4; r++)
        for (size_t s = 0; s < 5; s++)
            for (size_t i = 0; i < 3; i++) {
                struct flight_filter flt = {rules[r], states[s], insps[i]};
                struct count_ctx c;
                long n = -1;

                memset(&c, 0, sizeof(c));
                assert_int_equal(flight_susp_foreach(f->s, f->visit, &flt, count_line, &c, &err),
                                 0);
                assert_int_equal(flight_pager_count(p, &flt, &n, &err), 0);
                assert_int_equal(n, c.n);
                for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                    struct below_ctx b = {keys[k], 0};
                    long pos = -1;

                    assert_int_equal(
                        flight_susp_foreach(f->s, f->visit, &flt, count_below, &b, &err), 0);
                    assert_int_equal(flight_pager_position(p, &flt, keys[k], &pos, &err), 0);
                    assert_int_equal(pos, b.n);
                }
            }
    assert_int_equal(flight_pager_distinct(p, "rule", collect_value, &vals, &err), 0);
    assert_string_equal(vals.ptr, "R01;R02;");
    buf_reset(&vals);
    assert_int_equal(flight_pager_distinct(p, "inspector", collect_value, &vals, &err), 0);
    assert_string_equal(vals.ptr, "陈检查;");
    /* a later assignment shows in the cached inspector list */
    assert_int_equal(flight_susp_assign(f->s, f->visit, "S004", "刘检查", clock_now_ms(), id, &err),
                     0);
    buf_reset(&vals);
    assert_int_equal(flight_pager_distinct(p, "inspector", collect_value, &vals, &err), 0);
    assert_string_equal(vals.ptr, "刘检查;陈检查;");
    buf_release(&vals);
    flight_pager_free(p);
}

/* Line detail is a direct lookup: another site's line is not found. */
static void test_show_one_line(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    json_t *o = NULL;

    assert_int_equal(flight_susp_show(f->s, f->visit, "S900", &o, &err), FC_ENOTFOUND);
    assert_null(o);
    assert_int_equal(flight_susp_show(f->s, f->visit, "S002", &o, &err), 0);
    assert_string_equal(json_string_value(json_object_get(o, "susp_id")), "S002");
    assert_string_equal(json_string_value(json_object_get(o, "state")), "PENDING");
    json_decref(o);
}

static int add_finding(struct fx_store *f, const char *code, const char *amount, const char *loss,
                       const char *qty, const char *price, const char *line, char id[37],
                       struct fc_error *err)
{
    const char *lines[1] = {line};
    const char *patients[1] = {"A100"};
    struct flight_finding_args a = {.code = code,
                                    .amount = amount,
                                    .fund_loss = loss,
                                    .qty = qty,
                                    .unit_price = price,
                                    .lines = lines,
                                    .n_lines = line ? 1 : 0,
                                    .patients = patients,
                                    .n_patients = 1,
                                    .note = "串换为高价药",
                                    .at_ms = clock_now_ms()};

    return flight_finding_add(f->s, f->visit, &a, id, err);
}

static void test_finding_validation(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    char id[37];

    assert_int_equal(add_finding(f, "V99-1", "1", NULL, NULL, NULL, NULL, id, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "V38-4"));
    assert_int_equal(add_finding(f, "V38-4", NULL, NULL, NULL, NULL, NULL, id, &err), FC_EUSAGE);
    assert_int_equal(add_finding(f, "V38-4", NULL, NULL, "3", NULL, NULL, id, &err), FC_EUSAGE);
    assert_int_equal(add_finding(f, "V38-4", "100", NULL, "3", "33.33", NULL, id, &err),
                     FC_EINPUT); /* 100.00 > 3 x 33.33 = 99.99 */
    assert_int_equal(add_finding(f, "V38-4", "10", "10.01", NULL, NULL, NULL, id, &err), FC_EINPUT);
    assert_int_equal(add_finding(f, "V38-4", "10", NULL, NULL, NULL, "S404", id, &err), FC_EINPUT);
    assert_int_equal(add_finding(f, "V38-4", "10", NULL, NULL, NULL, "S900", id, &err), FC_EINPUT);
    /* qty x price when no amount: 2.5 x 0.33 = 0.825 -> 0.83 (half up) */
    assert_int_equal(add_finding(f, "v38-4", NULL, NULL, "2.5", "0.33", "S001", id, &err), 0);
}

static void test_totals_and_void(void **state)
{
    struct fx_store *f = *state;
    struct flight_totals t;
    struct flight_verdict vd, vd2;
    struct fc_error err;
    char fid[37], fid2[37];

    assert_int_equal(verify(f, "S001", "CONFIRMED", NULL, NULL, NULL, &vd, &err), 0);
    assert_int_equal(verify(f, "S003", "PARTIAL", "60", "50", NULL, NULL, &err), 0);
    assert_int_equal(verify(f, "S002", "REFUTED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(add_finding(f, "V38-4", "100", "90", NULL, NULL, "S001", fid, &err), 0);
    assert_int_equal(add_finding(f, "V38-4", "0.5", NULL, NULL, NULL, NULL, fid2, &err), 0);
    assert_int_equal(add_finding(f, "V38-1", "60", "50", NULL, NULL, "S003", fid2, &err), 0);

    assert_int_equal(flight_totals(f->s, f->visit, &t, &err), 0);
    assert_int_equal(t.lines.count, 4);
    assert_int_equal(t.by_state[FLIGHT_CONFIRMED].count, 1);
    assert_int_equal(t.by_state[FLIGHT_PARTIAL].irregular_fen, 6000);
    assert_int_equal(t.by_state[FLIGHT_PARTIAL].fund_loss_fen, 5000);
    assert_int_equal(t.by_state[FLIGHT_REFUTED].count, 1);
    assert_int_equal(t.by_state[FLIGHT_PENDING].count, 1);
    assert_int_equal(t.lines.irregular_fen, 16000);
    assert_int_equal(t.n_codes, 2);
    assert_string_equal(t.by_code[0].key, "V38-1"); /* taxonomy order */
    assert_string_equal(t.by_code[1].key, "V38-4");
    assert_int_equal(t.by_code[1].count, 2);
    assert_int_equal(t.by_code[1].irregular_fen, 10050);
    assert_int_equal(t.by_code[1].fund_loss_fen, 9050);
    assert_int_equal(t.findings.irregular_fen, 16050);
    flight_totals_release(&t);

    /* a second verdict replaces the first; voiding it brings the first back */
    assert_int_equal(verify(f, "S001", "PARTIAL", "50", NULL, NULL, &vd2, &err), 0);
    assert_int_equal(flight_totals(f->s, f->visit, &t, &err), 0);
    assert_int_equal(t.by_state[FLIGHT_CONFIRMED].count, 0);
    assert_int_equal(t.by_state[FLIGHT_PARTIAL].count, 2);
    flight_totals_release(&t);

    assert_int_equal(store_begin(f->s, &err), 0);
    {
        struct buf b = BUF_INIT;
        buf_addf(&b, "{\"reason\":\"wrong line\",\"target\":\"%s\"}", vd2.event_id);
        assert_int_equal(
            event_append(f->s, f->visit, clock_now_ms(), "void", vd2.event_id, b.ptr, NULL, &err),
            0);
        buf_reset(&b);
        buf_addf(&b, "{\"reason\":\"duplicate\",\"target\":\"%s\"}", fid);
        assert_int_equal(
            event_append(f->s, f->visit, clock_now_ms(), "void", fid, b.ptr, NULL, &err), 0);
        buf_release(&b);
    }
    assert_int_equal(store_commit(f->s, &err), 0);
    assert_int_equal(flight_totals(f->s, f->visit, &t, &err), 0);
    assert_int_equal(t.by_state[FLIGHT_CONFIRMED].count, 1);
    assert_int_equal(t.by_state[FLIGHT_CONFIRMED].irregular_fen, 10000);
    assert_int_equal(t.by_state[FLIGHT_PARTIAL].count, 1);
    assert_int_equal(t.by_code[1].count, 1); /* the voided V38-4 finding is gone */
    assert_int_equal(t.by_code[1].irregular_fen, 50);
    flight_totals_release(&t);
}

static void test_rebuild_same_digest(void **state)
{
    struct fx_store *f = *state;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    struct flight_verdict vd;
    struct fc_error err;
    json_t *rec;
    char id[37];

    assert_int_equal(verify(f, "S001", "CONFIRMED", NULL, NULL, NULL, &vd, &err), 0);
    assert_int_equal(verify(f, "S003", "PARTIAL", "60", "50", NULL, NULL, &err), 0);
    assert_int_equal(
        flight_susp_respond(f->s, f->visit, "S003", "已整改", clock_now_ms(), id, &err), 0);
    assert_int_equal(add_finding(f, "V38-4", "100", "90", NULL, NULL, "S001", id, &err), 0);
    rec = json_pack("{s:s, s:[{s:s, s:s}], s:[{s:s, s:s}], s:b}", "place", "院长办公室", "people",
                    "name", "王某", "role", "院长", "items", "q", "是否知情？", "a", "不知情",
                    "signed", 1);
    assert_int_equal(interview_add(f->s, f->visit, rec, clock_now_ms(), id, &err), 0);
    json_decref(rec);
    {
        struct buf b = BUF_INIT;
        buf_addf(&b, "{\"reason\":\"r\",\"target\":\"%s\"}", vd.event_id);
        assert_int_equal(store_begin(f->s, &err), 0);
        assert_int_equal(
            event_append(f->s, f->visit, clock_now_ms(), "void", vd.event_id, b.ptr, NULL, &err),
            0);
        assert_int_equal(store_commit(f->s, &err), 0);
        buf_release(&b);
    }
    assert_int_equal(event_derived_digest(f->s, before, &err), 0);
    assert_int_equal(event_rebuild(f->s, &err), 0);
    assert_int_equal(event_derived_digest(f->s, after, &err), 0);
    assert_string_equal(before, after);
    /* and the digest does see flight state */
    assert_int_equal(verify(f, "S002", "REFUTED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(event_derived_digest(f->s, after, &err), 0);
    assert_string_not_equal(before, after);
}

static void test_interview_validation(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    json_t *rec;
    char id[37];

    assert_int_equal(interview_add(f->s, f->visit, NULL, 0, id, &err), FC_EINPUT);
    rec = json_pack("{s:s, s:[{s:s}], s:[{s:s, s:s}]}", "place", "会议室", "people", "name", "王某",
                    "items", "q", "q1", "a", "a1");
    /* neither signed nor refused */
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), FC_EINPUT);
    json_object_set_new(rec, "signed", json_true());
    json_object_set_new(rec, "refusal", json_string("不同意"));
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), FC_EINPUT);
    json_object_set_new(rec, "signed", json_false());
    json_object_set_new(rec, "sined", json_true());
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "sined"));
    json_object_del(rec, "sined");
    json_object_set_new(rec, "held_at", json_string("yesterday"));
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), FC_EINPUT);
    json_object_set_new(rec, "held_at", json_string("2026-03-01T10:00"));
    json_object_set_new(rec, "items", json_array());
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), FC_EINPUT);
    json_object_set_new(rec, "items", json_pack("[{s:s}]", "q", "是否签字？"));
    assert_int_equal(interview_add(f->s, f->visit, rec, 0, id, &err), 0);
    json_decref(rec);
}

/* Fails naming the first of the NULL-terminated texts want that text lacks. */
static void has_all(const char *text, const char *const *want)
{
    for (; *want; want++)
        if (!strstr(text, *want))
            fail_msg("'%s' missing from:\n%s", *want, text);
}

static char *report_text(struct fx_store *f, const char *format, int expect)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct fc_error err;

    assert_int_equal(flight_report(f->s, f->visit, format, out, &err), expect);
    fclose(out);
    return text;
}

static void test_report(void **state)
{
    struct fx_store *f = *state;
    struct fc_error err;
    struct visit v;
    char id[37], code[VISIT_SHORT_CODE_LEN + 1];
    char *md, *csv, *p;
    int rows = 0;

    free(report_text(f, "html", FC_EUSAGE));
    assert_int_equal(verify(f, "S001", "CONFIRMED", NULL, NULL, NULL, NULL, &err), 0);
    assert_int_equal(add_finding(f, "V38-4", "100", "90", NULL, NULL, "S001", id, &err), 0);
    /* the record in the reader's language: Chinese for a Chinese reader */
    fc_lang_set(FC_LANG_ZH);
    md = report_text(f, "md", 0);
    fc_lang_set(FC_LANG_EN);
    has_all(md, (const char *const[]){"现场检查笔录", "第一医院（H11010500001）", "刘检查、陈检查",
                                      "已出示执法证件",
                                      "《医疗保障基金使用监督管理条例》第三十八条第（四）项",
                                      "| S001 |", "检查尚未结束", NULL});
    assert_null(strstr(md, "张小三")); /* names are masked */
    free(md);
    md = report_text(f, "md", 0);
    has_all(md, (const char *const[]){"# On-site inspection record (flight inspection)", "| S001 |",
                                      "| confirmed |", "The visit is not closed yet", NULL});
    assert_null(strstr(md, "检查尚未结束"));
    free(md);

    csv = report_text(f, "csv", 0);
    for (p = csv; *p; p++)
        rows += *p == '\n';
    assert_int_equal(rows, 1 + 4 + 1); /* header, 4 lines, 1 finding */
    /* the writer's canonical form: UTF-8 and LF; the mark and CRLF Excel
     * needs come with the delivery (report_csv_deliver) */
    assert_true(strncmp(csv, "record,id,code,", 15) == 0);
    assert_null(strchr(csv, '\r'));
    has_all(csv, (const char *const[]){"suspicion,S001,R01,", "CONFIRMED,属实,100.00,100.00,",
                                       "finding,", ",100.00,90.00,", NULL});
    free(csv);

    /* once closed the short code is on the record, and nothing can be added */
    assert_int_equal(visit_close(f->s, f->visit, clock_now_ms(), &v, &err), 0);
    visit_short_code(v.checkpoint, code);
    visit_release(&v);
    md = report_text(f, "md", 0);
    assert_non_null(strstr(md, code));
    free(md);
    assert_int_equal(verify(f, "S002", "REFUTED", NULL, NULL, NULL, NULL, &err), FC_ESTATE);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, fx_store_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_names), FX_TEST(test_amount_rules),
        FX_TEST(test_filters_and_assign),   FX_TEST(test_pager_counts_match_list),
        FX_TEST(test_show_one_line),        FX_TEST(test_finding_validation),
        FX_TEST(test_totals_and_void),      FX_TEST(test_rebuild_same_digest),
        FX_TEST(test_interview_validation), FX_TEST(test_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
