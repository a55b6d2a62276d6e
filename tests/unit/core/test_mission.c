/* Tests for the mission loader: degenerate folders first, then English and
 * Chinese headers (GB18030 + CRLF produced with iconv, as Excel writes them),
 * every reject reason, --partial, versions, roster warnings, and that a failed
 * load changes nothing (no file, no mission row, events untouched). */
#include "core/mission/mission.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/ident/ident.h"
#include "core/store/store.h"
#include "visit_fixture.h"

#include <dirent.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* The device database in home, the mission folder in home/folder. */
struct fixture {
    struct fx_store home;
    char dir[96];
};

struct seen {
    struct buf rejects;  /* "file:line: column: reason\n" */
    struct buf warnings; /* "kind file:line\n" */
    struct buf files;    /* "file encoding rows/loaded/rejected\n" */
};

static void on_reject(void *ctx, const char *file, uint64_t line, const char *column,
                      const char *reason, const char *reason_local)
{
    (void)reason_local;
    struct seen *s = ctx;
    buf_addf(&s->rejects, "%s:%llu: %s: %s\n", file, (unsigned long long)line, column, reason);
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    (void)message_local;
    struct seen *s = ctx;
    (void)message;
    buf_addf(&s->warnings, "%s %s:%llu\n", kind, file, (unsigned long long)line);
}

static void on_file(void *ctx, const char *file, const char *encoding, uint64_t rows,
                    uint64_t loaded, uint64_t rejected)
{
    struct seen *s = ctx;
    buf_addf(&s->files, "%s %s %llu/%llu/%llu\n", file, encoding, (unsigned long long)rows,
             (unsigned long long)loaded, (unsigned long long)rejected);
}

/* A valid 18-character resident ID from its first 17 digits. */
static const char *rid(const char *first17)
{
    static char ids[8][19];
    static int n;
    char *o = ids[n++ % 8];

    memcpy(o, first17, 17);
    o[17] = ident_resident_id_check_char(first17);
    o[18] = 0;
    return o;
}

static void put(struct fixture *f, const char *name, const char *text)
{
    struct buf p = BUF_INIT;
    buf_addf(&p, "%s/%s", f->dir, name);
    assert_int_equal(fs_write_atomic(p.ptr, text, strlen(text), 0644, NULL), 0);
    buf_release(&p);
}

static void putf(struct fixture *f, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void putf(struct fixture *f, const char *name, const char *fmt, ...)
{
    va_list ap;
    char *text = NULL;

    va_start(ap, fmt);
    assert_true(vasprintf(&text, fmt, ap) >= 0);
    va_end(ap);
    put(f, name, text);
    free(text);
}

/* Writes text as Excel does on Chinese Windows: GB18030 with CRLF. */
static void put_gbk(struct fixture *f, const char *name, const char *utf8)
{
    struct buf crlf = BUF_INIT, p = BUF_INIT;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t il, ol;
    char *ip, *op, *out;

    assert_true(cd != (iconv_t)-1);
    for (const char *c = utf8; *c; c++) {
        if (*c == '\n')
            buf_addch(&crlf, '\r');
        buf_addch(&crlf, *c);
    }
    out = xmalloc(crlf.len * 2 + 1);
    ip = crlf.ptr;
    il = crlf.len;
    op = out;
    ol = crlf.len * 2;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    buf_addf(&p, "%s/%s", f->dir, name);
    assert_int_equal(fs_write_atomic(p.ptr, out, (size_t)(op - out), 0644, NULL), 0);
    free(out);
    buf_release(&p);
    buf_release(&crlf);
}

static void put_manifest(struct fixture *f, const char *id, int version, const char *kind)
{
    putf(f, "mission.json",
         "{\"mission_id\":\"%s\",\"version\":%d,\"kind\":\"%s\",\"title\":\"t\","
         "\"issued_at\":\"2026-02-20T08:00:00+08:00\",\"expires_at\":\"2026-04-01\"}",
         id, version, kind);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    fx_store_open(&f->home, "mission", "fieldcheck.db");
    snprintf(f->dir, sizeof(f->dir), "%s/folder", f->home.dir);
    assert_int_equal(fs_mkdir_p(f->dir, 0700, NULL), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    fx_store_close(&f->home);
    free(f);
    return 0;
}

static int load(struct fixture *f, int partial, struct seen *seen, enum mission_load_status *st,
                struct fc_error *err)
{
    struct mission_load_sink sink = {seen, on_reject, on_warning, on_file, NULL, NULL, NULL};
    struct mission_info info;

    return mission_load(f->home.s, f->dir, partial, &sink, &info, st, err);
}

static void seen_init(struct seen *s)
{
    buf_init(&s->rejects);
    buf_init(&s->warnings);
    buf_init(&s->files);
}

static void seen_release(struct seen *s)
{
    buf_release(&s->rejects);
    buf_release(&s->warnings);
    buf_release(&s->files);
}

static int64_t count(struct fixture *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    assert_int_equal(store_prepare(f->home.s, sql, &st, NULL), 0);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void small_night(struct fixture *f, const char *id, int version)
{
    put_manifest(f, id, version, "night");
    put(f, "sites.csv", "site_code,site_name,site_kind\nH11010500001,一院,\nP11010500002,药店,\n");
    put(f, "wards.csv",
        "site_code,ward_code,ward,bed_count\nH11010500001,W01,内科,3\nH11010500001,W02,儿科,2\n");
    putf(f, "inpatients.csv",
         "Site_Code , ward_code,bed,admission_no,name,id_number,admitted_on,wristband_code,note\n"
         "H11010500001,W01,1,A1,张三,%s,2026/2/3,WB1,\n"
         "H11010500001,W01,2+,A2,李四,%s,2026-02-04,,\"a, b\"\n"
         "H11010500001,W02,1,A3,王五,%s,,,\n",
         rid("11010519800101001"), rid("11010519850202002"), rid("11010520200303003"));
    put(f, "leaves.csv",
        "site_code,admission_no,leave_from,leave_until\nH11010500001,A2,2026-03-01 18:00,"
        "2026-03-02 08:00\n");
}

/* ---- degenerate folders ---------------------------------------------------- */

static void test_no_manifest(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;

    seen_init(&seen);
    assert_int_equal(load(f, 0, &seen, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "no mission.json"));
    seen_release(&seen);
}

static void test_bad_manifest(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;

    put(f, "mission.json",
        "{\"mission_id\":\"a/b\",\"version\":1,\"kind\":\"night\",\"title\":\"t\"}");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "mission_id"));
    put(f, "mission.json",
        "{\"mission_id\":\"a\",\"version\":0,\"kind\":\"night\",\"title\":\"t\"}");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "version"));
    put(f, "mission.json", "{\"mission_id\":\"a\",\"version\":1,\"kind\":\"day\",\"title\":\"t\"}");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "kind"));
    put(f, "mission.json",
        "{\"mission_id\":\"a\",\"version\":1,\"kind\":\"night\",\"title\":\"t\",\"issued_at\":"
        "\"x\"}");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "issued_at"));
    /* a night mission needs a roster */
    put_manifest(f, "a", 1, "night");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "inpatients.csv"));
}

static void test_header_errors(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct buf md = BUF_INIT;

    put_manifest(f, "h", 1, "night");
    put(f, "inpatients.csv", "site_code,ward_code,bed,admission_no,name\nH11010500001,W1,1,A,x\n");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(
        strstr(err.msg, "'inpatients.csv' line 1: missing required header 'id_number'"));
    put(f, "inpatients.csv", "site_code,机构编码,ward_code,bed,admission_no,name,id_number\n");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "duplicate header '机构编码'"));
    put(f, "inpatients.csv", "");
    assert_int_equal(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "empty"));
    /* neither UTF-8 nor GB18030: rejected with the byte offset */
    put(f, "inpatients.csv", "site_code,ward_code\n\xff\xff\xff\n");
    assert_true(mission_load(f->home.s, f->dir, 0, NULL, NULL, NULL, &err) < 0);
    assert_non_null(strstr(err.msg, "byte"));
    assert_int_equal(count(f, "SELECT count(*) FROM mission"), 0);
    buf_addf(&md, "%s/missions", f->home.dir);
    assert_int_equal(files_in(md.ptr), 0);
    buf_release(&md);
}

/* ---- loading ------------------------------------------------------------------ */

static void test_english(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;
    enum mission_load_status st;
    struct mission_info m;
    struct buf name = BUF_INIT, kind = BUF_INIT;

    seen_init(&seen);
    small_night(f, "en", 1);
    assert_int_equal(load(f, 0, &seen, &st, &err), 0);
    assert_int_equal(st, MISSION_LOADED);
    assert_string_equal(seen.rejects.ptr, "");
    assert_non_null(strstr(seen.files.ptr, "inpatients.csv UTF-8 3/3/0"));
    /* the adult in 儿科 is a lead, not a reject */
    assert_string_equal(seen.warnings.ptr, "");
    assert_int_equal(mission_get(f->home.s, "en", &m, &err), 0);
    assert_int_equal(m.version, 1);
    assert_string_equal(m.issued_at, "2026-02-20T00:00:00Z");
    assert_int_equal(mission_find_site(f->home.s, "P11010500002", &m, &name, &kind, &err), 0);
    assert_string_equal(name.ptr, "药店");
    assert_string_equal(kind.ptr, "pharmacy");
    assert_int_equal(mission_find_site(f->home.s, "H99999999999", NULL, NULL, NULL, &err),
                     FC_ENOTFOUND);
    assert_int_equal(mission_attach(f->home.s, "en", 0, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.code_index WHERE kind = 'bed_label'"), 6);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.code_index WHERE code = 'W01-2+'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.code_index WHERE kind = 'wristband'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient WHERE sex = 'F' AND"
                              " admitted_on = '2026-02-04' AND extra = '{\"note\":\"a, b\"}'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.leave WHERE"
                              " leave_from = '2026-03-01T10:00:00Z'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.site WHERE site_kind = 'hospital'"), 1);
    assert_int_equal(mission_verify(f->home.s, &err), 0);
    /* the reference file is read-only once attached */
    assert_int_not_equal(store_exec(f->home.s, "DELETE FROM ref.inpatient", NULL), 0);
    buf_release(&name);
    buf_release(&kind);
    seen_release(&seen);
}

static void test_chinese_gbk_crlf(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;
    char text[1024];

    seen_init(&seen);
    put_manifest(f, "zh", 1, "mixed");
    snprintf(text, sizeof(text),
             "机构编码,机构名称,病区编码,病区,床号,住院号,姓名,身份证号,性别,入院日期\n"
             "H11010500001,第一医院,W03,妇科,5,Z1,欧阳娜娜,%s,女,2026/1/9\n"
             "H11010500001,第一医院,W03,妇科,6,Z2,赵刚,%s,男,2026/1/9\n",
             rid("11010519900404004"), rid("11010519700505005"));
    put_gbk(f, "inpatients.csv", text);
    put_gbk(f, "drugs.csv",
            "机构编码,国家医保药品编码,药品名称,GTIN,追溯码产品标识,每单位含最小包装数,"
            "零售单价（元）,医保支付标准\n"
            "P11010500002,XJ01CAA040A001010100863,阿莫西林胶囊,6901234567892,8100001,1,12.5,13\n");
    put_gbk(f, "settlements.csv",
            "结算ID,结算时间,机构编码,国家医保药品编码,追溯码,数量,单价,参保人姓名\n"
            "S1,2026/2/1 9:05,P11010500002,XJ01CAA040A001010100863,81000011234567890123,1,"
            "12.5,钱七\n");
    assert_int_equal(load(f, 0, &seen, NULL, &err), 0);
    assert_string_equal(seen.rejects.ptr, "");
    assert_non_null(strstr(seen.files.ptr, "inpatients.csv GB18030 2/2/0"));
    assert_non_null(strstr(seen.files.ptr, "drugs.csv GB18030 1/1/0"));
    assert_string_equal(seen.warnings.ptr, "sex_ward inpatients.csv:3\n");
    assert_int_equal(mission_attach(f->home.s, "zh", 1, &err), 0);
    /* sites inferred from the rows; GTIN as GTIN-14; time to UTC */
    assert_int_equal(count(f, "SELECT count(*) FROM ref.site"), 2);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.drug WHERE gtin = '06901234567892'"
                              " AND unit_price = 12.5"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.settlement WHERE"
                              " settled_at = '2026-02-01T01:05:00Z'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient WHERE name = '欧阳娜娜'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning"), 1);
    seen_release(&seen);
}

static const char *const expected_rejects[] = {
    "inpatients.csv:2: : row has 3 fields, the header has 7",
    "inpatients.csv:3: id_number: invalid resident ID: bad check digit",
    "inpatients.csv:4: site_code: not a site code",
    "inpatients.csv:5: bed: not a bed number",
    "inpatients.csv:6: ward_code: ward 'W09' of site 'H11010500001' is not in wards.csv",
    "inpatients.csv:7: site_code: site 'H11010500009' is not in sites.csv",
    "inpatients.csv:8: name: required value is empty",
    "inpatients.csv:10: admission_no: admission_no 'B1' of site 'H11010500001' already on line 9",
    "drugs.csv:3: pack_factor: pack factor below 1",
    "drugs.csv:4: unit_price: negative price",
    "drugs.csv:6: drug_code: duplicate drug_code for this site",
    "drugs.csv:7: opening_qty: not a number",
    "settlements.csv:4: drug_code: drug 'XJ01CAA040A001010100999' of site 'P11010500003' is not",
    "scan_patterns.csv:2: regex: regex does not compile",
    "scan_patterns.csv:3: fields: regex has 1 capture groups but fields names 2",
    "leaves.csv:2: leave_until: leave ends before it starts",
    "leaves.csv:3: admission_no: admission_no 'NOPE' of site 'H11010500001' is not in",
};

/* Invalid values in optional columns (no default): warned, the row kept
 * with the value left empty. */
static const char *const expected_optional[] = {
    "optional_value drugs.csv:2",
    "optional_value settlements.csv:2",
    "optional_value settlements.csv:3",
    "optional_value sites.csv:3",
};

static void hostile_folder(struct fixture *f)
{
    put_manifest(f, "bad", 1, "mixed");
    put(f, "sites.csv",
        "site_code,site_name,site_kind\nH11010500001,一院,定点医疗机构\nP11010500002,药店,shop\n"
        "P11010500003,药店二,\n");
    put(f, "wards.csv", "site_code,ward_code,ward\nH11010500001,W01,内科\n");
    putf(f, "inpatients.csv",
         "site_code,ward_code,bed,admission_no,name,id_number,sex\n"
         "H11010500001,W01,1\n"
         "H11010500001,W01,1,A1,甲,110105198001010010,\n"
         "X123,W01,1,A2,乙,%s,\n"
         "H11010500001,W01,一,A3,丙,%s,\n"
         "H11010500001,W09,1,A4,丁,%s,\n"
         "H11010500009,W01,1,A5,戊,%s,\n"
         "H11010500001,W01,1,A6,,%s,\n"
         "H11010500001,W01,2,B1,己,%s,\n"
         "H11010500001,W01,3,B1,庚,%s,\n",
         rid("11010519800101001"), rid("11010519800101001"), rid("11010519800101001"),
         rid("11010519800101001"), rid("11010519800101001"), rid("11010519800101001"),
         rid("11010519810101001"));
    put(f, "leaves.csv",
        "site_code,admission_no,leave_from,leave_until\n"
        "H11010500001,B1,2026-03-02 08:00,2026-03-01 08:00\n"
        "H11010500001,NOPE,2026-03-01 08:00,2026-03-02 08:00\n");
    put(f, "drugs.csv",
        "site_code,drug_code,name,gtin,pack_factor,unit_price,opening_qty\n"
        "P11010500003,XJ01CAA040A001010100863,阿莫西林,6901234567893,1,1,\n"
        "P11010500003,XJ01CAA040A001010100864,甲,,0,1,\n"
        "P11010500003,XJ01CAA040A001010100865,乙,,1,-1,\n"
        "P11010500003,XJ01CAA040A001010100866,丙,,1,1,\n"
        "P11010500003,XJ01CAA040A001010100866,丙,,1,1,\n"
        "P11010500003,XJ01CAA040A001010100867,丁,,1,1,many\n");
    put(f, "settlements.csv",
        "settlement_id,settled_at,site_code,drug_code,trace_code,qty\n"
        "S1,2026-02-01,P11010500003,XJ01CAA040A001010100866,123,1\n"
        "S2,yesterday,P11010500003,XJ01CAA040A001010100866,,1\n"
        "S3,,P11010500003,XJ01CAA040A001010100999,,1\n");
    put(f, "scan_patterns.csv",
        "site_code,kind,regex,fields\n"
        "H11010500001,wristband,^WB(,admission_no\n"
        "H11010500001,bed_label,^([A-Z0-9]+)$,\"ward_code,bed\"\n");
}

static void test_rejects_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;
    struct buf md = BUF_INIT;
    int64_t seq_before = 0, seq_after = 0;
    char head_before[HASH_HEX_LEN + 1], head_after[HASH_HEX_LEN + 1];

    seen_init(&seen);
    hostile_folder(f);
    assert_int_equal(event_head(f->home.s, &seq_before, head_before, NULL), 0);
    assert_int_equal(load(f, 0, &seen, NULL, &err), FC_EINPUT);
    assert_non_null(strstr(err.msg, "not loaded"));
    for (size_t i = 0; i < sizeof(expected_rejects) / sizeof(expected_rejects[0]); i++) {
        if (!strstr(seen.rejects.ptr, expected_rejects[i]))
            fail_msg("missing reject '%s' in:\n%s", expected_rejects[i], seen.rejects.ptr);
    }
    for (size_t i = 0; i < sizeof(expected_optional) / sizeof(expected_optional[0]); i++) {
        if (!strstr(seen.warnings.ptr, expected_optional[i]))
            fail_msg("missing warning '%s' in:\n%s", expected_optional[i], seen.warnings.ptr);
    }
    /* nothing changed: no mission row, no file, no temporary file, same events */
    assert_int_equal(count(f, "SELECT count(*) FROM mission"), 0);
    buf_addf(&md, "%s/missions", f->home.dir);
    assert_int_equal(files_in(md.ptr), 0);
    assert_int_equal(event_head(f->home.s, &seq_after, head_after, NULL), 0);
    assert_int_equal(seq_before, seq_after);
    assert_string_equal(head_before, head_after);
    buf_release(&md);
    seen_release(&seen);
}

static void test_partial(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;

    seen_init(&seen);
    hostile_folder(f);
    assert_int_equal(load(f, 1, &seen, NULL, &err), 0);
    assert_non_null(strstr(seen.files.ptr, "inpatients.csv UTF-8 9/1/8"));
    assert_non_null(strstr(seen.files.ptr, "drugs.csv UTF-8 6/2/4"));
    assert_non_null(strstr(seen.files.ptr, "sites.csv UTF-8 3/3/0"));
    assert_int_equal(mission_attach(f->home.s, "bad", 1, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient WHERE admission_no = 'B1'"
                              " AND line = 9"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.code_index WHERE code = 'B1'"), 1);
    seen_release(&seen);
}

static void test_versions(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    enum mission_load_status st;
    struct mission_info m;
    struct seen seen;

    seen_init(&seen);
    small_night(f, "v", 2);
    assert_int_equal(load(f, 0, &seen, &st, &err), 0);
    assert_int_equal(st, MISSION_LOADED);
    assert_int_equal(load(f, 0, &seen, &st, &err), 0);
    assert_int_equal(st, MISSION_UNCHANGED);
    /* same version, other content */
    put(f, "leaves.csv", "site_code,admission_no,leave_from,leave_until\n");
    assert_int_equal(load(f, 0, &seen, &st, &err), FC_ESTATE);
    assert_non_null(
        strstr(err.msg, "version 2 already loaded with other content: bump the version"));
    small_night(f, "v", 3);
    assert_int_equal(load(f, 0, &seen, &st, &err), 0);
    assert_int_equal(st, MISSION_REPLACED);
    assert_int_equal(mission_get(f->home.s, "v", &m, &err), 0);
    assert_int_equal(m.version, 3);
    small_night(f, "v", 1);
    assert_int_equal(load(f, 0, &seen, &st, &err), FC_ESTATE);
    assert_non_null(strstr(err.msg, "older"));
    assert_int_equal(count(f, "SELECT count(*) FROM mission"), 2);
    /* a changed file is caught by verify */
    {
        FILE *fp = fopen(m.file, "r+b");
        assert_non_null(fp);
        fseek(fp, 200, SEEK_SET);
        fputc('!', fp);
        fclose(fp);
    }
    assert_int_equal(mission_verify(f->home.s, &err), FC_EINTEGRITY);
    assert_non_null(strstr(err.msg, "SHA-256"));
    seen_release(&seen);
}

static void test_warnings(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    struct seen seen;

    seen_init(&seen);
    put_manifest(f, "w", 1, "night");
    putf(f, "inpatients.csv",
         "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n"
         "H11010500001,W01,内科,1,A1,甲,%s,\n"
         "H11010500002,W01,内科,1,A1,甲,%s,\n"
         "H11010500001,W01,内科,1,A2,乙,%s,\n"
         "H11010500001,W02,儿科,1,A3,丙,%s,\n"
         "H11010500001,W03,男科,1,A4,丁,%s,\n"
         "H11010500001,W04,内科,1,A5,戊,%s,女\n",
         rid("11010519800101001"), rid("11010519800101001"), rid("11010519810101001"),
         rid("11010519950101001"), rid("11010519950101002"), rid("11010519950101003"));
    assert_int_equal(load(f, 0, &seen, NULL, &err), 0);
    assert_string_equal(seen.rejects.ptr, "");
    assert_non_null(strstr(seen.warnings.ptr, "id_two_sites inpatients.csv:3\n"));
    assert_non_null(strstr(seen.warnings.ptr, "bed_two_patients inpatients.csv:4\n"));
    assert_non_null(strstr(seen.warnings.ptr, "age_ward inpatients.csv:5\n"));
    assert_non_null(strstr(seen.warnings.ptr, "sex_ward inpatients.csv:6\n"));
    assert_non_null(strstr(seen.warnings.ptr, "sex_id inpatients.csv:7\n"));
    assert_int_equal(mission_attach(f->home.s, "w", 1, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning"), 5);
    /* the messages name the first row of the group (found by rowid) */
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning WHERE kind ="
                              " 'bed_two_patients' AND message LIKE '%the patient on line 2'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning WHERE kind = 'id_two_sites'"
                              " AND site_code = 'H11010500002'"
                              " AND message LIKE '%and at H11010500001'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning WHERE kind = 'age_ward'"
                              " AND message LIKE 'admission A3: age 31 %'"),
                     1);
    seen_release(&seen);
}

/* The roster checks walk the indexes in key order: three rows of one key,
 * listed out of key order, flag the later two against the first. */
static void repeated_keys(struct fixture *f)
{
    struct fc_error err;
    struct seen seen;

    seen_init(&seen);
    put_manifest(f, "r", 1, "night");
    putf(f, "inpatients.csv",
         "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n"
         "H11010500003,W09,内科,9,C1,甲,%s,\n"
         "H11010500001,W01,内科,2,A1,甲,%s,\n"
         "H11010500001,W01,内科,2,A2,乙,%s,\n"
         "H11010500002,W01,内科,5,B1,甲,%s,\n"
         "H11010500001,W01,内科,2,A3,丙,%s,\n"
         "H11010500001,W01,内科,3,A4,丁,%s,\n",
         rid("11010519800101001"), rid("11010519800101001"), rid("11010519810101001"),
         rid("11010519800101001"), rid("11010519820101001"), rid("11010519830101001"));
    assert_int_equal(load(f, 0, &seen, NULL, &err), 0);
    assert_string_equal(seen.rejects.ptr, "");
    assert_string_equal(seen.warnings.ptr, "id_two_sites inpatients.csv:2\n"
                                           "id_two_sites inpatients.csv:5\n"
                                           "bed_two_patients inpatients.csv:4\n"
                                           "bed_two_patients inpatients.csv:6\n");
    assert_int_equal(mission_attach(f->home.s, "r", 1, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning WHERE kind = 'id_two_sites'"
                              " AND message LIKE '%(admission C1) and at H11010500001'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.load_warning WHERE kind ="
                              " 'bed_two_patients' AND message LIKE 'bed W01:2 of site"
                              " H11010500001 lists admission A3 and the patient on line 3'"),
                     1);
    seen_release(&seen);

    /* a third row of one admission is rejected against the first too */
    seen_init(&seen);
    put_manifest(f, "r", 2, "night");
    putf(f, "inpatients.csv",
         "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n"
         "H11010500001,W01,内科,1,A1,甲,%s,\n"
         "H11010500001,W01,内科,2,A1,乙,%s,\n"
         "H11010500001,W01,内科,3,A1,丙,%s,\n",
         rid("11010519800101001"), rid("11010519810101001"), rid("11010519820101001"));
    assert_int_equal(load(f, 1, &seen, NULL, &err), 0);
    assert_string_equal(seen.rejects.ptr,
                        "inpatients.csv:3: admission_no: admission_no 'A1' of site 'H11010500001'"
                        " already on line 2\n"
                        "inpatients.csv:4: admission_no: admission_no 'A1' of site 'H11010500001'"
                        " already on line 2\n");
    seen_release(&seen);
}

static void test_repeated_keys(void **state)
{
    repeated_keys(*state);
}

/* A roster past the fingerprint limit is checked by walking the indexes:
 * the same rejects and warnings. */
static void test_repeated_keys_past_the_limit(void **state)
{
    mission_set_key_limit(2);
    repeated_keys(*state);
    mission_set_key_limit(0);
}

/* The bed index is built during the insert while the roster's sites come in
 * order, and dropped and built afterwards when a site goes back: either way
 * the file has it, over every row, and a bed listed twice is found. back:
 * the row (past several batches of the insert thread) where a site earlier
 * in order comes. */
static void bed_index_order(struct fixture *f, int version, int back)
{
    struct buf csv = BUF_INIT;
    struct fc_error err;
    struct seen seen;
    int n = 3000;

    seen_init(&seen);
    put_manifest(f, "b", version, "night");
    buf_adds(&csv, "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n");
    for (int k = 0; k < n; k++) {
        char first17[18];
        int late = back && k >= back, site = late ? 0 : 1 + k / 50, bed = 1 + k % 50;
        int ward = late ? 1 + (k - back) / 50 : 1;
        if (k == 7 || k == n - 5)
            bed = 1 + (k - 1) % 50; /* the bed of the row before */
        snprintf(first17, sizeof(first17), "1101051980%02d01%03d", 1 + k / 1000, k % 1000);
        buf_addf(&csv, "H110105%05d,W%02d,内科,%d,A%d,甲,%s,\n", site, ward, bed, k, rid(first17));
    }
    put(f, "inpatients.csv", csv.ptr);
    buf_release(&csv);
    assert_int_equal(load(f, 0, &seen, NULL, &err), 0);
    assert_string_equal(seen.rejects.ptr, "");
    assert_string_equal(seen.warnings.ptr, "bed_two_patients inpatients.csv:9\n"
                                           "bed_two_patients inpatients.csv:2997\n");
    assert_int_equal(mission_attach(f->home.s, "b", version, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.sqlite_schema WHERE name ="
                              " 'inpatient_bed'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient INDEXED BY inpatient_bed"
                              " WHERE site_code >= ''"),
                     n);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient INDEXED BY inpatient_bed"
                              " WHERE site_code = 'H11010500000'"),
                     back ? n - back : 0);
    seen_release(&seen);
}

static void test_bed_index_order(void **state)
{
    bed_index_order(*state, 1, 0);
    bed_index_order(*state, 2, 2500);
    bed_index_order(*state, 3, 1);
}

/* A text is refused for a control or text-direction character anywhere in
 * it, and kept with any other (a tab, CJK, an emoji, the characters just
 * past the refused ones); spaces of every kind around a value go. */
static void test_text_and_spaces(void **state)
{
    static const char *const refused[] = {
        "\x1b[2J",
        "a\x7f",
        "a\xc2\x85"
        "b",
        "\xd8\x9c甲",
        "甲\xe2\x80\x8e",
        "\xe2\x80\xae乙",
        "\xe2\x81\xa6x",
        "x\xe2\x80\xa8",
        "\xe2\x80\xa9",
    };
    static const char *const kept[] = {
        "a\tb", "张三\xf0\x9f\x98\x80", "\xe2\x81\xb0x", "\xe2\x80\x8d", "é\xe3\x80\x80甲",
    };
    struct fixture *f = *state;
    struct buf csv = BUF_INIT, want = BUF_INIT;
    struct fc_error err;
    struct seen seen;
    size_t nr = sizeof(refused) / sizeof(refused[0]), nk = sizeof(kept) / sizeof(kept[0]);
    int row = 0;

    seen_init(&seen);
    put_manifest(f, "t", 1, "night");
    buf_adds(&csv, "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n");
    for (size_t i = 0; i < nr + nk; i++, row++) {
        char first17[18];
        snprintf(first17, sizeof(first17), "11010519800101%03d", row);
        buf_addf(&csv, "H11010500001,W01,内科,%d,A%d,\"%s\",%s,\n", row + 1, row,
                 i < nr ? refused[i] : kept[i - nr], rid(first17));
    }
    /* spaces around codes and texts: NBSP, U+3000, a BOM, tabs */
    buf_addf(&csv,
             "\xc2\xa0H11010500001\xe3\x80\x80,\tW01 ,内科\xc2\xa0,%d\xef\xbb\xbf,"
             " A%d\t,\xe3\x80\x80李四\t,%s ,\n",
             row + 1, row, rid("11010519800101999"));
    put(f, "inpatients.csv", csv.ptr);
    assert_int_equal(load(f, 1, &seen, NULL, &err), 0);
    for (size_t i = 0; i < nr; i++)
        buf_addf(&want, "inpatients.csv:%zu: name: control or text-direction character in a text\n",
                 i + 2);
    assert_string_equal(seen.rejects.ptr, want.ptr);
    assert_int_equal(mission_attach(f->home.s, "t", 1, &err), 0);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient"), (int64_t)nk + 1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient WHERE name = 'a' || char(9) ||"
                              " 'b'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM ref.inpatient WHERE site_code ="
                              " 'H11010500001' AND ward_code = 'W01' AND ward = '内科'"
                              " AND bed = '15' AND admission_no = 'A14' AND name = '李四'"),
                     1);
    buf_release(&csv);
    buf_release(&want);
    seen_release(&seen);
}

/* Attaching the mission that is attached already does nothing (statements
 * on ref stay prepared); attaching another switches, and back again. */
static void test_attach_switches(void **state)
{
    struct fixture *f = *state;
    struct fc_error err;
    sqlite3_stmt *st = NULL;
    struct seen seen;

    seen_init(&seen);
    for (int m = 0; m < 2; m++) {
        char id[8];
        snprintf(id, sizeof(id), "m%d", m);
        put_manifest(f, id, 1, "night");
        putf(f, "inpatients.csv",
             "site_code,ward_code,ward,bed,admission_no,name,id_number,sex\n"
             "H1101050000%d,W01,内科,1,A1,甲,%s,\n",
             m + 1, rid("11010519800101001"));
        assert_int_equal(load(f, 0, &seen, NULL, &err), 0);
    }
    seen_release(&seen);
    assert_int_equal(mission_attach(f->home.s, "m0", 1, &err), 0);
    assert_int_equal(
        store_prepare_kept(f->home.s, "SELECT site_code FROM ref.inpatient", &st, &err), 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "H11010500001");
    sqlite3_reset(st);
    assert_int_equal(mission_attach(f->home.s, "m0", 1, &err), 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sqlite3_reset(st);
    assert_int_equal(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_REPREPARE, 0), 0);
    assert_int_equal(mission_attach(f->home.s, "m1", 1, &err), 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "H11010500002");
    sqlite3_reset(st);
    assert_int_equal(mission_attach(f->home.s, "m0", 1, &err), 0);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "H11010500001");
    sqlite3_finalize(st);
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_no_manifest),      FX_TEST(test_bad_manifest),
        FX_TEST(test_header_errors),    FX_TEST(test_english),
        FX_TEST(test_chinese_gbk_crlf), FX_TEST(test_rejects_all_or_nothing),
        FX_TEST(test_partial),          FX_TEST(test_versions),
        FX_TEST(test_repeated_keys),    FX_TEST(test_repeated_keys_past_the_limit),
        FX_TEST(test_attach_switches),  FX_TEST(test_warnings),
        FX_TEST(test_bed_index_order),  FX_TEST(test_text_and_spaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
