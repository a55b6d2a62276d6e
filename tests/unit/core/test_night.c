/* Tests for the night bed check engine: every per-scan verdict, every per-bed
 * and per-patient finding, leave and exam, the double-read rule, void and
 * amend, durability of the event, and that a rebuild from the events gives
 * the identical derived state. The world is tests/unit/core/night_fixture.h. */
#include "core/night/night.h"

#include "core/store/event.h"

#include "night_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static struct night_result scan_at(struct world *w, const char *code, int64_t at)
{
    struct night_result r;
    struct fc_error err = {0};
    int rc = night_scan(w->n, code, strlen(code), NULL, at, &r, &err);

    if (rc)
        fail_msg("scan '%s' failed: %s", code, err.msg);
    return r;
}

/* Scans code 3 s after the previous scan and checks verdict and detail
 * (detail NULL: not checked). */
static struct night_result expect(struct world *w, const char *code, const char *verdict,
                                  const char *detail)
{
    struct night_result r;

    w->t += 3000;
    r = scan_at(w, code, w->t);
    if (strcmp(r.verdict, verdict) != 0)
        fail_msg("scan '%s': verdict %s (%s), wanted %s", code, r.verdict, r.detail, verdict);
    if (detail)
        assert_string_equal(r.detail, detail);
    assert_true(r.seq > 0);
    assert_true(r.message[0] != '\0');
    return r;
}

struct lookup {
    const char *key1, *key2;
    char finding[32];
    char extra[64];
    char detail[32];
};

static int find_bed(const struct night_bed *b, void *ctx)
{
    struct lookup *l = ctx;
    if (!strcmp(b->ward_code, l->key1) && !strcmp(b->bed, l->key2)) {
        snprintf(l->finding, sizeof(l->finding), "%s", b->finding);
        snprintf(l->extra, sizeof(l->extra), "%d%d%d", b->no_wristband, b->no_id, b->exam);
        return 1;
    }
    return 0;
}

static int find_patient(const struct night_patient *p, void *ctx)
{
    struct lookup *l = ctx;
    if (!strcmp(p->admission_no, l->key1)) {
        snprintf(l->finding, sizeof(l->finding), "%s", p->finding);
        snprintf(l->extra, sizeof(l->extra), "%s", p->found_at);
        snprintf(l->detail, sizeof(l->detail), "%s", p->detail);
        return 1;
    }
    return 0;
}

static void bed_is(struct world *w, const char *ward, const char *bed, const char *finding)
{
    struct lookup l = {ward, bed, "", "", ""};
    int rc = night_foreach_bed(w->n, find_bed, &l, NULL);

    if (rc != 1)
        fail_msg("bed %s-%s was not scanned", ward, bed);
    if (strcmp(l.finding, finding) != 0)
        fail_msg("bed %s-%s: finding %s, wanted %s", ward, bed, l.finding, finding);
}

static void patient_is(struct world *w, const char *adm, const char *finding)
{
    struct lookup l = {adm, NULL, "", "", ""};

    assert_int_equal(night_foreach_patient(w->n, find_patient, &l, NULL), 1);
    if (strcmp(l.finding, finding) != 0)
        fail_msg("patient %s: finding %s, wanted %s", adm, l.finding, finding);
}

static void digest(struct world *w, char out[HASH_HEX_LEN + 1])
{
    assert_int_equal(event_derived_digest(w->fx.s, out, NULL), 0);
}

/* ---- degenerate inputs first ------------------------------------------------- */

static void test_before_any_bed(void **state)
{
    struct world *w = *state;
    char id[19];

    fx_id(1, id);
    expect(w, "", "UNRECOGNIZED", "");
    expect(w, "A1", "NO_BED", "");
    expect(w, id, "NO_BED", "");
    expect(w, "EMPTY_BED", "RECORDED", "NO_BED");
    expect(w, "no such thing", "UNRECOGNIZED", "");
}

static void test_closed_visit_refuses(void **state)
{
    struct world *w = *state;
    struct night_result r;
    struct fc_error err = {0};
    struct night *n2 = NULL;

    assert_int_equal(visit_close(w->fx.s, w->fx.visit, w->t, NULL, NULL), 0);
    assert_int_equal(night_open(w->fx.s, w->fx.visit, &n2, NULL), 0);
    assert_int_equal(night_scan(n2, "W01-1", 5, NULL, w->t, &r, &err), FC_ESTATE);
    night_free(n2);
}

/* ---- per scan ---------------------------------------------------------------- */

static void test_bed_label_verdicts(void **state)
{
    struct world *w = *state;

    expect(w, "W01-1", "BED_LISTED", "A1");
    expect(w, "W01-8", "BED_NOT_LISTED", "");  /* free bed by the ward's bed count */
    expect(w, "W01-08", "BED_NOT_LISTED", ""); /* leading zero */
    expect(w, "W01-3+", "BED_NOT_LISTED", ""); /* extra bed */
    expect(w, "W01-11", "UNRECOGNIZED", NULL); /* beyond the bed count */
    expect(w, "W77-1", "UNRECOGNIZED", NULL);  /* no such ward */
    expect(w, "X01-7", "UNRECOGNIZED", NULL);  /* a bed of another site */
}

static void test_wristband_verdicts(void **state)
{
    struct world *w = *state;
    struct night_result r;

    expect(w, "W01-1", "BED_LISTED", "A1");
    r = expect(w, "WB-A1", "MATCH", "A1");
    assert_string_equal(r.kind, "wristband");
    assert_string_equal(r.admission_no, "A1");
    assert_string_equal(r.bed, "1");
    expect(w, "W01-2", "BED_LISTED", "A2");
    r = expect(w, "BAND|A2|ZHANG", "MATCH", "A2"); /* by the site's pattern */
    assert_string_equal(r.source, "pattern");
    r = expect(w, "A2", "MATCH", "A2"); /* typed admission number */
    assert_string_equal(r.kind, "admission");
    expect(w, "A6", "WRONG_BED", "A6:W01:6");
    expect(w, "BAND|A99|NOBODY", "NOT_ON_LIST", "A99");
}

static void test_id_verdicts(void **state)
{
    struct world *w = *state;
    char id1[19], id6[19], id7[19], id20[19], id30[19], bad[19];

    fx_id(1, id1);
    fx_id(6, id6);
    fx_id(7, id7);
    fx_id(20, id20); /* B1, an inpatient of the other site */
    fx_id(30, id30); /* nobody */
    fx_id(2, bad);
    bad[17] = bad[17] == '0' ? '1' : '0';

    expect(w, "W01-1", "BED_LISTED", "A1");
    expect(w, id1, "MATCH", "A1");
    expect(w, id6, "WRONG_BED", "A6:W01:6");
    expect(w, id30, "IDENTITY_MISMATCH", "A1");
    expect(w, id20, "IDENTITY_MISMATCH", "A1;LISTED_ELSEWHERE:" FX_OTHER_SITE);
    expect(w, bad, "INVALID_ID", NULL);
    expect(w, "W01-9", "BED_NOT_LISTED", "");
    expect(w, id30, "NOT_ON_LIST", "");
    expect(w, id20, "NOT_ON_LIST", "LISTED_ELSEWHERE:" FX_OTHER_SITE);
    expect(w, "W02-1", "BED_LISTED", "A7");
    expect(w, id7, "MATCH", "A7");
}

static void test_lowercase_x_and_token(void **state)
{
    struct world *w = *state;
    char id[19] = "";

    /* find an ID with check character X, scanned as lower-case x */
    for (int n = 1; n < 400 && id[17] != 'X'; n++)
        fx_id(n, id);
    assert_int_equal(id[17], 'X');
    id[17] = 'x';
    expect(w, "W01-9", "BED_NOT_LISTED", "");
    expect(w, id, "NOT_ON_LIST", "");
    expect(w, "QR7Ab3xYz9KpLm2Nq4Rs6Tu8", "UNVERIFIED", "");
    expect(w, "NO_WRISTBAND", "RECORDED", "NO_WRISTBAND");
}

static void test_double_read(void **state)
{
    /* code, ms after the first scan, verdict */
    static const struct {
        const char *code;
        int64_t after;
        const char *verdict;
    } reads[] = {
        {"W01-1", 0, "BED_LISTED"},
        {"W01-1", 1499, "DUPLICATE_SCAN"},
        {"A1", 1600, "MATCH"},
        /* within 1.5 s of its own previous scan, even with another code between */
        {"A1", 2000, "DUPLICATE_SCAN"},
        /* a duplicate changes no context: W01-2 then a double read of W01-1 */
        {"W01-2", 10000, "BED_LISTED"},
        {"W01-2", 10100, "DUPLICATE_SCAN"},
        {"A2", 11000, "MATCH"},
        /* exactly 1.5 s later is a new scan */
        {"A2", 12500, "MATCH"},
        /* action words are never double reads */
        {"NO_ID", 13000, "RECORDED"},
        {"NO_ID", 13100, "RECORDED"},
    };
    struct world *w = *state;

    w->t += 3000;
    for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
        struct night_result r = scan_at(w, reads[i].code, w->t + reads[i].after);

        if (strcmp(r.verdict, reads[i].verdict) != 0)
            fail_msg("'%s' at +%lld ms: %s, wanted %s", reads[i].code, (long long)reads[i].after,
                     r.verdict, reads[i].verdict);
    }
}

/* ---- per bed and per patient --------------------------------------------------- */

/* The whole walk: one bed per rule, then the per-patient findings. */
static void walk(struct world *w)
{
    char id1[19], id6[19], id30[19], id20[19];

    fx_id(1, id1);
    fx_id(6, id6);
    fx_id(30, id30);
    fx_id(20, id20);
    expect(w, "W01-1", "BED_LISTED", "A1"); /* OK */
    expect(w, "WB-A1", "MATCH", "A1");
    expect(w, id1, "MATCH", "A1");
    expect(w, "W01-2", "BED_LISTED", "A2"); /* ID_NOT_VERIFIED */
    expect(w, "BAND|A2|X", "MATCH", "A2");
    expect(w, "NO_ID", "RECORDED", "NO_ID");
    expect(w, "W01-3", "BED_LISTED", "A3"); /* ABSENT_LEAVE */
    expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    expect(w, "W01-4", "BED_LISTED", "A4"); /* ABSENT_EXAM */
    expect(w, "EXAM", "RECORDED", "EXAM");
    expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    expect(w, "W01-5", "BED_LISTED", "A5"); /* ABSENT (its leave is another day) */
    expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    expect(w, "W01-8", "BED_NOT_LISTED", ""); /* MOVED_IN */
    expect(w, "A6", "WRONG_BED", "A6:W01:6");
    /* the ID confirms who the wristband said: MATCH, the bed stays MOVED_IN */
    expect(w, id6, "MATCH", "A6:W01:6");
    expect(w, "W01-9", "BED_NOT_LISTED", ""); /* UNLISTED_OCCUPANT by ID */
    expect(w, id20, "NOT_ON_LIST", "LISTED_ELSEWHERE:" FX_OTHER_SITE);
    expect(w, "W01-3+", "BED_NOT_LISTED", ""); /* FREE_EMPTY */
    expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    expect(w, "W02-1", "BED_LISTED", "A7"); /* IDENTITY_MISMATCH */
    expect(w, id30, "IDENTITY_MISMATCH", "A7");
    expect(w, "W02-2", "BED_LISTED", "A9");   /* UNVERIFIED */
    expect(w, "W02-3", "BED_NOT_LISTED", ""); /* UNLISTED_OCCUPANT by token */
    expect(w, "QR7Ab3xYz9KpLm2Nq4Rs6Tu8", "UNVERIFIED", "");
    expect(w, "W02-4", "BED_NOT_LISTED", ""); /* unlisted, nothing seen */
    expect(w, "W02-5", "BED_NOT_LISTED", ""); /* UNLISTED_OCCUPANT by wristband */
    expect(w, "BAND|A99|Q", "NOT_ON_LIST", "A99");
}

static void test_bed_findings(void **state)
{
    struct world *w = *state;
    struct lookup l = {"W01", "2", "", "", ""};

    walk(w);
    bed_is(w, "W01", "1", "OK");
    bed_is(w, "W01", "2", "ID_NOT_VERIFIED");
    assert_int_equal(night_foreach_bed(w->n, find_bed, &l, NULL), 1);
    assert_string_equal(l.extra, "010"); /* NO_ID recorded, no NO_WRISTBAND, no EXAM */
    bed_is(w, "W01", "3", "ABSENT_LEAVE");
    bed_is(w, "W01", "4", "ABSENT_EXAM");
    bed_is(w, "W01", "5", "ABSENT");
    bed_is(w, "W01", "8", "MOVED_IN");
    bed_is(w, "W01", "9", "UNLISTED_OCCUPANT");
    bed_is(w, "W01", "3+", "FREE_EMPTY");
    bed_is(w, "W02", "1", "IDENTITY_MISMATCH");
    bed_is(w, "W02", "2", "UNVERIFIED");
    bed_is(w, "W02", "3", "UNLISTED_OCCUPANT");
    bed_is(w, "W02", "4", "UNVERIFIED");
    bed_is(w, "W02", "5", "UNLISTED_OCCUPANT");
}

static void test_patient_findings(void **state)
{
    struct world *w = *state;
    struct lookup l = {"A6", NULL, "", "", ""};

    walk(w);
    patient_is(w, "A1", "PRESENT");
    patient_is(w, "A2", "PRESENT_ID_UNVERIFIED");
    patient_is(w, "A3", "ON_LEAVE");
    patient_is(w, "A4", "AT_EXAM"); /* away for an exam: not an accusation */
    patient_is(w, "A5", "NOT_FOUND");
    patient_is(w, "A6", "PRESENT_OTHER_BED");
    assert_int_equal(night_foreach_patient(w->n, find_patient, &l, NULL), 1);
    assert_string_equal(l.extra, "W01:8");
    patient_is(w, "A7", "IDENTITY_MISMATCH");
    /* own bed scanned, occupant never identified: nobody was seen missing */
    patient_is(w, "A9", "UNVERIFIED");
    patient_is(w, "A8", "UNCHECKED");
}

static void test_empty_bed_wins(void **state)
{
    struct world *w = *state;

    /* EMPTY_BED is the first rule even after a wristband MATCH */
    expect(w, "W01-1", "BED_LISTED", "A1");
    expect(w, "WB-A1", "MATCH", "A1");
    expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    bed_is(w, "W01", "1", "ABSENT");
    patient_is(w, "A1", "NOT_FOUND");
    /* a bed of a visited ward that nobody scanned accuses nobody */
    patient_is(w, "A2", "UNCHECKED");
}

/* ---- corrections and rebuild --------------------------------------------------- */

static void test_void(void **state)
{
    struct world *w = *state;
    struct night_result r, v;
    struct fc_error err = {0};
    char seq[24];

    expect(w, "W01-5", "BED_LISTED", "A5");
    r = expect(w, "EMPTY_BED", "RECORDED", "EMPTY_BED");
    bed_is(w, "W01", "5", "ABSENT");
    assert_int_equal(night_void(w->n, r.event_id, "", w->t + 1000, &v, &err), FC_EUSAGE);
    assert_int_equal(night_void(w->n, r.event_id, "wrong bed", w->t + 1000, &v, &err), 0);
    assert_string_equal(v.verdict, "VOIDED");
    bed_is(w, "W01", "5", "UNVERIFIED");
    /* a second void of the same scan is refused */
    snprintf(seq, sizeof(seq), "%lld", (long long)r.seq);
    assert_int_equal(night_void(w->n, seq, "again", w->t + 2000, &v, &err), FC_ESTATE);
    /* an unknown target, and a target that is not a scan */
    assert_int_equal(night_void(w->n, "ffffffff-no", "x", w->t, &v, &err), FC_ENOTFOUND);
    assert_int_equal(night_void(w->n, "1", "x", w->t, &v, &err), FC_EINPUT);
    /* a voided scan is no earlier scan for the double-read rule */
    expect(w, "W01-6", "BED_LISTED", "A6");
    r = scan_at(w, "A6", w->t + 3000);
    assert_string_equal(r.verdict, "MATCH");
    assert_int_equal(night_void(w->n, r.event_id, "misread", w->t + 3100, NULL, &err), 0);
    r = scan_at(w, "A6", w->t + 3500);
    assert_string_equal(r.verdict, "MATCH");
}

static void test_void_bed_label_moves_context(void **state)
{
    struct world *w = *state;
    struct night_result label;

    expect(w, "W01-1", "BED_LISTED", "A1");
    label = expect(w, "W01-2", "BED_LISTED", "A2"); /* scanned the wrong bed */
    expect(w, "WB-A1", "WRONG_BED", "A1:W01:1");
    bed_is(w, "W01", "2", "MOVED_IN");
    assert_int_equal(night_void(w->n, label.event_id, "wrong label", w->t + 100, NULL, NULL), 0);
    /* replayed without the label: the wristband now counts for bed 1 */
    bed_is(w, "W01", "1", "ID_NOT_VERIFIED");
    patient_is(w, "A1", "PRESENT_ID_UNVERIFIED");
}

static void test_amend(void **state)
{
    struct world *w = *state;
    struct night_result r, a;
    struct fc_error err = {0};
    char id7[19], id30[19];

    fx_id(7, id7);
    fx_id(30, id30);
    expect(w, "W02-1", "BED_LISTED", "A7");
    r = expect(w, id30, "IDENTITY_MISMATCH", "A7");
    bed_is(w, "W02", "1", "IDENTITY_MISMATCH");
    assert_int_equal(night_amend(w->n, r.event_id, NULL, NULL, w->t, &a, &err), FC_EUSAGE);
    assert_int_equal(night_amend(w->n, r.event_id, NULL, "card was dirty", w->t, &a, &err), 0);
    assert_string_equal(a.verdict, "IDENTITY_MISMATCH");
    assert_int_equal(night_amend(w->n, r.event_id, id7, "typo", w->t + 10, &a, &err), 0);
    assert_string_equal(a.verdict, "MATCH");
    bed_is(w, "W02", "1", "OK");
    patient_is(w, "A7", "PRESENT");
}

static void test_rebuild_identical(void **state)
{
    struct world *w = *state;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    struct night_result r;
    char id7[19];

    fx_id(7, id7);
    walk(w);
    r = scan_at(w, "W01-5", w->t + 500); /* double read... of nothing: a new scan */
    assert_int_equal(night_void(w->n, r.event_id, "stray", w->t + 900, NULL, NULL), 0);
    expect(w, "W02-1", "BED_LISTED", "A7");
    r = expect(w, "A1", "WRONG_BED", "A1:W01:1");
    assert_int_equal(night_amend(w->n, r.event_id, "A7", NULL, w->t + 10, NULL, NULL), 0);
    expect(w, id7, "MATCH", "A7");
    digest(w, before);
    assert_int_equal(event_rebuild(w->fx.s, NULL), 0);
    digest(w, after);
    assert_string_equal(before, after);
    /* the walk's mismatch at W02-1 still stands; the amended scan is a MATCH */
    bed_is(w, "W02", "1", "IDENTITY_MISMATCH");
    patient_is(w, "A7", "IDENTITY_MISMATCH");
}

static void test_scan_is_durable_event(void **state)
{
    struct world *w = *state;
    struct night_result r;
    struct store *other = NULL;
    sqlite3_stmt *st = NULL;

    r = expect(w, "W01-1", "BED_LISTED", "A1");
    /* another connection sees the committed event at once */
    assert_int_equal(store_open(&other, w->fx.db, NULL), 0);
    assert_int_equal(sqlite3_prepare_v2(store_db(other),
                                        "SELECT kind, payload FROM event WHERE id = ?1", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, r.event_id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0), "scan");
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 1), "\"verdict\":\"BED_LISTED\""));
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 1), "\"arrival\":\"cli\""));
    sqlite3_finalize(st);
    store_close(other);
}

static void test_anomaly_names(void **state)
{
    (void)state;
    assert_true(night_is_anomaly("NOT_FOUND"));
    assert_true(night_is_anomaly("IDENTITY_MISMATCH"));
    assert_false(night_is_anomaly("OK"));
    assert_false(night_is_anomaly("PRESENT"));
    assert_false(night_is_anomaly("FREE_EMPTY"));
    assert_false(night_is_anomaly(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anomaly_names),
        NIGHT_TEST(test_before_any_bed),
        NIGHT_TEST(test_closed_visit_refuses),
        NIGHT_TEST(test_bed_label_verdicts),
        NIGHT_TEST(test_wristband_verdicts),
        NIGHT_TEST(test_id_verdicts),
        NIGHT_TEST(test_lowercase_x_and_token),
        NIGHT_TEST(test_double_read),
        NIGHT_TEST(test_bed_findings),
        NIGHT_TEST(test_patient_findings),
        NIGHT_TEST(test_empty_bed_wins),
        NIGHT_TEST(test_void),
        NIGHT_TEST(test_void_bed_label_moves_context),
        NIGHT_TEST(test_amend),
        NIGHT_TEST(test_rebuild_identical),
        NIGHT_TEST(test_scan_is_durable_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
