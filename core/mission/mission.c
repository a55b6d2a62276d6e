/* Mission folder loader (DESIGN §4). mission.json and the CSV files are read
 * row by row through tables of column definitions (one per file), validated,
 * and inserted with prepared statements into a new reference database built
 * with the journal off in one transaction; the big files' inserts run on a
 * second thread (core/rowpipe.h). Checks that need a whole file (duplicate
 * admissions, roster warnings) run as indexed queries after the bulk insert,
 * for just the keys that a few bytes a row of fingerprints (core/keyset.h)
 * flagged while parsing. The finished file is fsynced, renamed into place
 * and recorded with its SHA-256. */
#include "core/mission/mission.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/mask.h"
#include "core/base/xalloc.h"
#include "core/mission/csv.h"
#include "core/ident/ident.h"
#include "core/mission/keyset.h"
#include "core/mission/refdb.h"
#include "core/mission/rowpipe.h"
#include "core/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- column and file definitions ----------------------------------------- */

enum col_type {
    CT_TEXT,      /* trimmed text */
    CT_RAW,       /* text as written (regexes) */
    CT_CODE,      /* trimmed identifier without control characters, <= 64 bytes */
    CT_INT,       /* non-negative integer */
    CT_NUM,       /* finite number (quantities, amounts) */
    CT_PRICE,     /* number >= 0 */
    CT_FACTOR,    /* number >= 1 */
    CT_DATE,      /* date -> YYYY-MM-DD */
    CT_TIME,      /* date and time -> UTC ISO 8601 with Z */
    CT_ID,        /* resident ID, normalised (legacy 15 -> 18) */
    CT_SITE,      /* H/P + 11 digits */
    CT_SITE_KIND, /* hospital/pharmacy in English or Chinese */
    CT_BED,       /* "12" or "12+" */
    CT_SEX,       /* M/F from 男/女/M/F/male/female */
    CT_GTIN,      /* valid check digit -> GTIN-14 */
    CT_TRACE,     /* 20 digits */
    CT_PREFIX,    /* 7 digits */
    CT_DRUG,      /* drug or consumable code shape */
    CT_PKIND,     /* bed_label | wristband */
};

#define REQ 1

struct col_def {
    const char *en; /* English header; '|' separates accepted alternatives */
    const char *zh; /* Chinese header(s), '|' separated, or NULL */
    enum col_type type;
    int flags;
    const char *dflt; /* bound when the value is empty (NOT NULL DEFAULT columns) */
};

enum file_id {
    F_SITES,
    F_WARDS,
    F_INPATIENTS,
    F_LEAVES,
    F_DRUGS,
    F_SETTLEMENTS,
    F_SUSPICIONS,
    F_PATTERNS,
    F_COUNT
};

#define MAX_COLS 24

struct file_def {
    const char *file;
    const char *insert_sql; /* ?1..?n the columns, then line, then extra */
    const struct col_def *cols;
    int ncols;
    int has_extra;
    int site_col;
};

static const struct col_def sites_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},    {"site_name", "机构名称", CT_TEXT, REQ, NULL},
    {"site_kind", "机构类别", CT_SITE_KIND, 0, NULL}, {"level", "机构级别", CT_TEXT, 0, NULL},
    {"region_code", "所在区划", CT_CODE, 0, NULL},    {"region_name", "区划名称", CT_TEXT, 0, NULL},
    {"bed_count", "核定床位", CT_INT, 0, NULL},
};

static const struct col_def wards_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"ward_code", "病区编码", CT_CODE, REQ, NULL},
    {"ward", "病区", CT_TEXT, REQ, NULL},
    {"bed_count", "核定床位", CT_INT, 0, NULL},
};

enum {
    IP_SITE,
    IP_SITE_NAME,
    IP_WARD_CODE,
    IP_WARD,
    IP_BED,
    IP_ADM,
    IP_NAME,
    IP_ID,
    IP_SEX,
    IP_INSURANCE,
    IP_ADMITTED,
    IP_BAND
};
static const struct col_def inpatients_cols[] = {
    /* in the order of the IP_ names above */
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},
    {"ward_code", "病区编码", CT_CODE, REQ, NULL},
    {"ward", "病区", CT_TEXT, 0, NULL},
    {"bed", "床号", CT_BED, REQ, NULL},
    {"admission_no", "住院号", CT_CODE, REQ, NULL},
    {"name", "姓名", CT_TEXT, REQ, NULL},
    {"id_number", "身份证号", CT_ID, REQ, NULL},
    {"sex", "性别", CT_SEX, 0, NULL},
    {"insurance_type", "险种", CT_TEXT, 0, NULL},
    {"admitted_on", "入院日期", CT_DATE, 0, NULL},
    {"wristband_code", "腕带码", CT_CODE, 0, NULL},
};

static const struct col_def leaves_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},  {"admission_no", "住院号", CT_CODE, REQ, NULL},
    {"leave_from", "离院时间", CT_TIME, REQ, NULL}, {"leave_until", "返院时间", CT_TIME, REQ, NULL},
    {"reason", "事由", CT_TEXT, 0, NULL},           {"approved_by", "准假医师", CT_TEXT, 0, NULL},
};

static const struct col_def drugs_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},
    {"drug_code", "国家医保药品编码", CT_DRUG, REQ, NULL},
    {"name|drug_name", "药品名称", CT_TEXT, REQ, NULL},
    {"spec", "规格", CT_TEXT, 0, NULL},
    {"form", "剂型", CT_TEXT, 0, NULL},
    {"package", "包装", CT_TEXT, 0, NULL},
    {"manufacturer", "生产企业", CT_TEXT, 0, NULL},
    {"gtin", "GTIN|药品本位码", CT_GTIN, 0, NULL},
    {"trace_prefix", "追溯码产品标识", CT_PREFIX, 0, NULL},
    {"unit", "单位", CT_TEXT, 0, NULL},
    {"pack_factor", "每单位含最小包装数", CT_FACTOR, 0, "1"},
    {"opening_qty", "期初库存", CT_NUM, 0, "0"},
    {"purchased_qty", "购进数量", CT_NUM, 0, "0"},
    {"sold_qty", "销售数量", CT_NUM, 0, "0"},
    {"settled_qty", "医保结算数量", CT_NUM, 0, "0"},
    {"book_qty", "账面结存", CT_NUM, 0, NULL},
    {"unit_price", "零售单价", CT_PRICE, 0, NULL},
    {"price_cap", "医保支付标准", CT_PRICE, 0, NULL},
    {"purchase_return_qty", "购进退货数量", CT_NUM, 0, "0"},
    {"sale_return_qty", "销售退货数量", CT_NUM, 0, "0"},
    {"adjust_qty", "库存调整数量", CT_NUM, 0, "0"},
    {"insured_sold_qty", "医保销售数量", CT_NUM, 0, NULL},
};

enum { ST_DRUG = 3 };
static const struct col_def settlements_cols[] = {
    {"settlement_id", "结算ID", CT_CODE, REQ, NULL},
    {"settled_at", "结算时间", CT_TIME, 0, NULL},
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"drug_code", "国家医保药品编码", CT_DRUG, REQ, NULL},
    {"drug_name", "药品名称", CT_TEXT, 0, NULL},
    {"trace_code", "追溯码", CT_TRACE, 0, NULL},
    {"qty", "数量", CT_NUM, REQ, NULL},
    {"unit", "单位", CT_TEXT, 0, NULL},
    {"unit_price", "单价", CT_PRICE, 0, NULL},
    {"amount", "金额", CT_NUM, 0, NULL},
    {"id_number", "参保人身份证号|身份证号", CT_ID, 0, NULL},
    {"name", "参保人姓名|姓名", CT_TEXT, 0, NULL},
};

static const struct col_def suspicions_cols[] = {
    {"susp_id", "疑点编号", CT_CODE, REQ, NULL},   {"rule_code", "规则编码", CT_CODE, 0, NULL},
    {"rule_name", "规则名称", CT_TEXT, 0, NULL},   {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},   {"setl_id", "结算ID", CT_CODE, 0, NULL},
    {"admission_no", "住院号", CT_CODE, 0, NULL},  {"name", "姓名", CT_TEXT, 0, NULL},
    {"id_number", "身份证号", CT_ID, 0, NULL},     {"item_code", "项目编码", CT_CODE, 0, NULL},
    {"item_name", "项目名称", CT_TEXT, 0, NULL},   {"qty", "数量", CT_NUM, 0, NULL},
    {"unit_price", "单价", CT_PRICE, 0, NULL},     {"amount", "金额", CT_NUM, 0, NULL},
    {"susp_amount", "疑点金额", CT_NUM, 0, NULL},  {"settled_on", "结算日期", CT_DATE, 0, NULL},
    {"description", "疑点描述", CT_TEXT, 0, NULL},
};

enum { SP_SITE, SP_KIND, SP_REGEX, SP_FIELDS };
static const struct col_def patterns_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"kind", NULL, CT_PKIND, REQ, NULL},
    {"regex", NULL, CT_RAW, REQ, NULL},
    {"fields", NULL, CT_TEXT, REQ, NULL},
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct file_def files[F_COUNT] = {
    [F_SITES] = {"sites.csv",
                 "INSERT INTO site (site_code, site_name, site_kind, level, region_code,"
                 " region_name, bed_count, line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                 sites_cols, NCOLS(sites_cols), 1, 0},
    [F_WARDS] = {"wards.csv",
                 "INSERT INTO ward (site_code, ward_code, ward, bed_count, line, extra)"
                 " VALUES (?1,?2,?3,?4,?5,?6)",
                 wards_cols, NCOLS(wards_cols), 1, 0},
    [F_INPATIENTS] = {"inpatients.csv",
                      "INSERT INTO inpatient (site_code, site_name, ward_code, ward, bed,"
                      " admission_no, name, id_number, sex, insurance_type, admitted_on,"
                      " wristband_code, line, extra)"
                      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                      inpatients_cols, NCOLS(inpatients_cols), 1, 0},
    [F_LEAVES] = {"leaves.csv",
                  "INSERT INTO leave (site_code, admission_no, leave_from, leave_until, reason,"
                  " approved_by, line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                  leaves_cols, NCOLS(leaves_cols), 1, 0},
    [F_DRUGS] = {"drugs.csv",
                 "INSERT INTO drug (site_code, site_name, drug_code, name, spec, form, package,"
                 " manufacturer, gtin, trace_prefix, unit, pack_factor, opening_qty,"
                 " purchased_qty, sold_qty, settled_qty, book_qty, unit_price, price_cap,"
                 " purchase_return_qty, sale_return_qty, adjust_qty, insured_sold_qty, line,"
                 " extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
                 "?18,?19,?20,?21,?22,?23,?24,?25)",
                 drugs_cols, NCOLS(drugs_cols), 1, 0},
    [F_SETTLEMENTS] = {"settlements.csv",
                       "INSERT INTO settlement (settlement_id, settled_at, site_code, drug_code,"
                       " drug_name, trace_code, qty, unit, unit_price, amount, id_number, name,"
                       " line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                       settlements_cols, NCOLS(settlements_cols), 1, 2},
    [F_SUSPICIONS] = {"suspicions.csv",
                      "INSERT INTO suspicion (susp_id, rule_code, rule_name, site_code,"
                      " site_name, setl_id, admission_no, name, id_number, item_code, item_name,"
                      " qty, unit_price, amount, susp_amount, settled_on, description, line,"
                      " extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                      "?17,?18,?19)",
                      suspicions_cols, NCOLS(suspicions_cols), 1, 3},
    [F_PATTERNS] = {"scan_patterns.csv",
                    "INSERT INTO scan_pattern (site_code, kind, regex, fields, line)"
                    " VALUES (?1,?2,?3,?4,?5)",
                    patterns_cols, NCOLS(patterns_cols), 0, 0},
};

/* ---- loader state -------------------------------------------------------- */

struct file_stat {
    int present;
    const char *encoding;
    uint64_t rows, loaded, rejected;
};

struct loader {
    struct store *s;
    sqlite3 *db;
    const struct mission_load_sink *sink;
    int partial;
    int64_t now_ms;
    int today_y, today_m, today_d; /* local date of now_ms, for ages */
    const char *dir;
    struct file_stat stat[F_COUNT];
    uint64_t rejects; /* rows rejected in all files */

    /* current file */
    const struct file_def *def;
    int map[MAX_COLS]; /* CSV field index of each defined column, or -1 */
    char **hdr;        /* header texts as written */
    size_t nhdr;
    unsigned char *hdr_used; /* 1 for headers mapped to a column */
    int row_bad;             /* problems found in the current row */

    /* current row, reused for every row (no per-row allocation) */
    struct buf val[MAX_COLS];
    int null[MAX_COLS];
    double num[MAX_COLS];
    struct ident_resident_id id;
    unsigned char file_digest[F_COUNT][HASH_LEN]; /* SHA-256 of each file as read */
    struct buf extra;
    struct buf reason;
    struct buf reason_local; /* the reason in the user's language, beside reason */

    /* last site / ward looked up: rosters come grouped, so most rows hit */
    char site_seen[16];
    char ward_site[16];
    struct buf ward_code, ward_name;
    int ward_found;

    sqlite3_stmt *ins, *ins_site, *ins_warn;
    /* inserts of the current file on a second thread, or NULL; while it
     * runs, any other use of db (warnf) holds its lock (db_lock) */
    struct rowpipe *pipe;

    /* the roster's repeated keys, noted while parsing (note_keys): sets for
     * the admissions, beds and IDs seen, the keys they flag for the checks
     * after the indexes are built, and the sites met so far (an ID's tag) */
    struct keyset *seen_adm, *seen_bed, *seen_id;
    struct keylist maybe_adm, maybe_bed, maybe_id;
    int keys_overflow; /* more rows than key_limit: the checks walk the indexes */
    struct keylist tag_sites;
    size_t site_last;
    uint64_t h_site, h_ward; /* note_keys' hashes of the last site and ward */
    uint32_t key_site;
    char key_ward[64];
    size_t key_ward_len;
    int key_valid;
    uint64_t file_size; /* of the current file */

    /* The row checks read these copies of the site, ward and drug tables,
     * taken when a file starts (load_lookups), not the connection, which
     * the insert thread may keep busy; sites inferred from a file's rows
     * wait in new_sites ("code US name") for the end of the file. */
    struct keylist known_sites, known_wards, known_drugs, new_sites;
    char **ward_names;     /* by known_wards index */
    struct buf lookup_key; /* "site US code" for those lists */
};

static void db_lock(struct loader *L)
{
    rowpipe_lock(L->pipe);
}

static void db_unlock(struct loader *L)
{
    rowpipe_unlock(L->pipe);
}

static const char *col_header(const struct loader *L, int c)
{
    int f = L->map[c];
    return f >= 0 ? L->hdr[f] : L->def->cols[c].en;
}

static void reject_at(struct loader *L, const char *file, uint64_t line, const char *column,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reject_at(struct loader *L, const char *file, uint64_t line, const char *column,
                      const char *fmt, ...)
{
    va_list ap;
    char tmp[512], local[512];

    /* format first: an argument may point into L->reason */
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (!strcmp(fmt, "%s")) {
        /* a reason phrase: translated as a whole, or built beside it */
        va_start(ap, fmt);
        const char *phrase = va_arg(ap, const char *);
        va_end(ap);
        snprintf(local, sizeof(local), "%s",
                 phrase == L->reason.ptr && L->reason_local.len ? L->reason_local.ptr
                                                                : fc_tr(phrase));
    } else {
        va_start(ap, fmt);
        vsnprintf(local, sizeof(local), fc_tr(fmt), ap);
        va_end(ap);
    }
    buf_reset(&L->reason);
    buf_adds(&L->reason, tmp);
    buf_reset(&L->reason_local);
    if (L->sink && L->sink->reject)
        L->sink->reject(L->sink->ctx, file, line, column ? column : "", L->reason.ptr, local);
    L->row_bad++;
}

static int db_fail(struct loader *L, struct fc_error *err, const char *what)
{
    return fc_error_setsys(err, FC_EDB, sqlite3_extended_errcode(L->db), "%s: %s", what,
                           sqlite3_errmsg(L->db));
}

/* Records a roster warning: fmt formatted in English for the reference file
 * and the JSON output, and through fc_tr for people. */
static int warnf(struct loader *L, const char *kind, const char *file, uint64_t line,
                 const char *site, struct fc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static int warnf(struct loader *L, const char *kind, const char *file, uint64_t line,
                 const char *site, struct fc_error *err, const char *fmt, ...)
{
    sqlite3_stmt *st = L->ins_warn;
    char message[512], local[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(local, sizeof(local), fc_tr(fmt), ap);
    va_end(ap);
    db_lock(L);
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)line);
    store_bind_text(st, 4, site);
    sqlite3_bind_text(st, 5, message, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) {
        sqlite3_reset(st);
        int rc = db_fail(L, err, "cannot record a load warning");
        db_unlock(L);
        return rc;
    }
    sqlite3_reset(st);
    db_unlock(L);
    if (L->sink && L->sink->warning)
        L->sink->warning(L->sink->ctx, kind, file, line, message, local);
    return FC_OK;
}

/* ---- value parsing -------------------------------------------------------- */

static int is_space_at(const char *s, size_t n, size_t *w)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        *w = 1;
        return 1;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0x80) { /* U+3000 ideographic space */
        *w = 3;
        return 1;
    }
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) { /* NBSP */
        *w = 2;
        return 1;
    }
    if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF) { /* a BOM that survived */
        *w = 3;
        return 1;
    }
    return 0;
}

/* Trims spaces (ASCII, U+3000, NBSP, BOM) from both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
    size_t w;

    while (*n && is_space_at(s, *n, &w)) {
        s += w;
        *n -= w;
    }
    for (;;) {
        size_t k, found = 0;
        for (k = 1; k <= 3 && k <= *n; k++) {
            if (is_space_at(s + *n - k, k, &w) && w == k) {
                found = k;
                break;
            }
        }
        if (!found)
            break;
        *n -= found;
    }
    return s;
}

/* Parses a number as spreadsheets write it: optional ¥/￥, thousands commas. */
static int parse_number(const char *s, double *out)
{
    char tmp[64];
    size_t j = 0;
    char *end = NULL;

    if (!strncmp(s, "\xC2\xA5", 2))
        s += 2;
    else if (!strncmp(s, "\xEF\xBF\xA5", 3))
        s += 3;
    for (; *s; s++) {
        if (*s == ',')
            continue;
        if (j + 1 >= sizeof(tmp))
            return -1;
        tmp[j++] = *s;
    }
    tmp[j] = 0;
    if (!j)
        return -1;
    errno = 0;
    *out = strtod(tmp, &end);
    if (*end || errno || !isfinite(*out) || tmp[0] == ' ')
        return -1;
    /* strtod also takes "inf", "nan" and hex; spreadsheets never write them */
    for (size_t i = 0; i < j; i++) {
        char c = tmp[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return -1;
    }
    return 0;
}

static int read_digits(const char **p, int min, int max, int *out)
{
    int n = 0, v = 0;

    while (**p >= '0' && **p <= '9' && n < max) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < min)
        return -1;
    *out = v;
    return 0;
}

/* Dates as HQ systems and Excel write them: YYYY-MM-DD, YYYY/M/D, YYYY.MM.DD,
 * optionally followed by a time H:MM[:SS] (after a space or T) and an offset.
 * Writes "YYYY-MM-DD" into date and, when want_time, the UTC time
 * "YYYY-MM-DDTHH:MM:SSZ" into utc (a date alone is local midnight). */
static int parse_when(const char *s, int want_time, char *out, size_t outsz, const char **why)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, has_time = 0;
    char canon[80];
    int64_t ms;

    if (read_digits(&p, 4, 4, &y) || !(*p == '-' || *p == '/' || *p == '.'))
        goto bad;
    p++;
    if (read_digits(&p, 1, 2, &mo) || !(*p == '-' || *p == '/' || *p == '.'))
        goto bad;
    p++;
    if (read_digits(&p, 1, 2, &d))
        goto bad;
    if (!clock_is_valid_date(y, mo, d)) {
        *why = FC_N_("no such date");
        return -1;
    }
    if (*p == ' ' || *p == 'T') {
        while (*p == ' ')
            p++;
        if (*p == 'T')
            p++;
        if (read_digits(&p, 1, 2, &h) || *p != ':')
            goto bad;
        p++;
        if (read_digits(&p, 2, 2, &mi))
            goto bad;
        if (*p == ':') {
            p++;
            if (read_digits(&p, 2, 2, &sec))
                goto bad;
            if (*p == '.') { /* fractions of a second are dropped */
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (h > 23 || mi > 59 || sec > 59) {
            *why = FC_N_("no such time");
            return -1;
        }
        has_time = 1;
    }
    if (!want_time) {
        if (*p && !has_time)
            goto bad;
        if (outsz < 11)
            BUG("date buffer too small");
        /* by hand: this runs for every dated cell of a roster, and y is 4 digits */
        out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10), out[4] = '-';
        out[5] = (char)('0' + mo / 10), out[6] = (char)('0' + mo % 10), out[7] = '-';
        out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10), out[10] = '\0';
        return 0;
    }
    snprintf(canon, sizeof(canon), "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo, d, h, mi, sec, p);
    if (clock_parse(canon, &ms))
        goto bad;
    {
        time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return 0;
bad:
    *why = want_time ? "not a date and time (YYYY-MM-DD HH:MM[:SS])" : "not a date (YYYY-MM-DD)";
    return -1;
}

static void upcase(struct buf *b)
{
    for (size_t i = 0; i < b->len; i++)
        if (b->ptr[i] >= 'a' && b->ptr[i] <= 'z')
            b->ptr[i] = (char)(b->ptr[i] - 'a' + 'A');
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* Validates and normalises column c of the current row from s[0..n).
 * Returns 0, or -1 with a static or L->reason-held reason in *why. */
static int parse_value(struct loader *L, int c, const char *s, size_t n, const char **why)
{
    const struct col_def *cd = &L->def->cols[c];
    struct buf *v = &L->val[c];

    buf_reset(v);
    L->null[c] = 0;
    if (cd->type != CT_RAW)
        s = trim(s, &n);
    if (!n) {
        L->null[c] = 1;
        if (cd->flags & REQ) {
            *why = FC_N_("required value is empty");
            return -1;
        }
        if (cd->dflt)
            L->num[c] = strtod(cd->dflt, NULL);
        return 0;
    }
    buf_add(v, s, n);
    switch (cd->type) {
    case CT_TEXT:
    case CT_RAW: return 0;
    case CT_CODE:
        if (n > 64) {
            *why = FC_N_("longer than 64 bytes");
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
                *why = FC_N_("control character in a code");
                return -1;
            }
        return 0;
    case CT_INT:
    case CT_NUM:
    case CT_PRICE:
    case CT_FACTOR:
        if (parse_number(v->ptr, &L->num[c])) {
            *why = FC_N_("not a number");
            return -1;
        }
        if (cd->type == CT_INT &&
            (L->num[c] < 0 || L->num[c] != floor(L->num[c]) || L->num[c] > 1e9)) {
            *why = FC_N_("not a whole number >= 0");
            return -1;
        }
        if (cd->type == CT_PRICE && L->num[c] < 0) {
            *why = FC_N_("negative price");
            return -1;
        }
        if (cd->type == CT_FACTOR && L->num[c] < 1) {
            *why = FC_N_("pack factor below 1");
            return -1;
        }
        return 0;
    case CT_DATE:
    case CT_TIME: {
        char out[48];
        if (parse_when(v->ptr, cd->type == CT_TIME, out, sizeof(out), why))
            return -1;
        buf_reset(v);
        buf_adds(v, out);
        return 0;
    }
    case CT_ID: {
        const char *w = NULL;
        if (ident_resident_id_parse_on(v->ptr, L->today_y, L->today_m, L->today_d, &L->id, &w)) {
            buf_reset(&L->reason);
            buf_addf(&L->reason, "invalid resident ID: %s", w ? w : "bad format");
            buf_reset(&L->reason_local);
            buf_addf(&L->reason_local, fc_tr("invalid resident ID: %s"),
                     fc_tr(w ? w : FC_N_("bad format")));
            *why = L->reason.ptr;
            return -1;
        }
        buf_reset(v);
        if (L->id.legacy) {
            char id18[19];
            ident_resident_id_to18(&L->id, id18);
            buf_adds(v, id18);
        } else {
            buf_adds(v, L->id.text);
        }
        return 0;
    }
    case CT_SITE:
        upcase(v);
        if (ident_site_code_kind(v->ptr) == IDENT_SITE_NONE) {
            *why = FC_N_("not a site code (H or P + 11 digits)");
            return -1;
        }
        return 0;
    case CT_SITE_KIND: {
        static const char *const hosp[] = {"hospital", "定点医疗机构", "医疗机构", "医院"};
        static const char *const phar[] = {"pharmacy", "定点零售药店", "零售药店", "药店"};
        for (size_t i = 0; i < 4; i++) {
            if (!strcasecmp(v->ptr, hosp[i]) || !strcasecmp(v->ptr, phar[i])) {
                int h = !strcasecmp(v->ptr, hosp[i]);
                buf_reset(v);
                buf_adds(v, h ? "hospital" : "pharmacy");
                return 0;
            }
        }
        *why = FC_N_("not a site kind (hospital, pharmacy, 定点医疗机构, 定点零售药店)");
        return -1;
    }
    case CT_BED: {
        size_t d = n;
        if (n >= 3 && !strcmp(v->ptr + n - 3, "\xEF\xBC\x8B")) { /* full-width plus */
            buf_truncate(v, n - 3);
            buf_addch(v, '+');
            n = v->len;
        }
        d = v->ptr[n - 1] == '+' ? n - 1 : n;
        if (d > 4 || !all_digits(v->ptr, d)) {
            *why = FC_N_("not a bed number (\"12\" or \"12+\" for an extra bed)");
            return -1;
        }
        return 0;
    }
    case CT_SEX:
        if (!strcmp(v->ptr, "男") || !strcasecmp(v->ptr, "M") || !strcasecmp(v->ptr, "male")) {
            buf_reset(v);
            buf_addch(v, 'M');
            return 0;
        }
        if (!strcmp(v->ptr, "女") || !strcasecmp(v->ptr, "F") || !strcasecmp(v->ptr, "female")) {
            buf_reset(v);
            buf_addch(v, 'F');
            return 0;
        }
        *why = FC_N_("not a sex (男, 女, M or F)");
        return -1;
    case CT_GTIN: {
        char g[15];
        if (!all_digits(v->ptr, n) || !(n == 8 || n == 12 || n == 13 || n == 14)) {
            *why = FC_N_("not a GTIN (8, 12, 13 or 14 digits)");
            return -1;
        }
        if (ident_gtin_to14(v->ptr, g)) {
            *why = FC_N_("bad GTIN check digit");
            return -1;
        }
        buf_reset(v);
        buf_adds(v, g);
        return 0;
    }
    case CT_TRACE:
        if (!ident_is_trace_code(v->ptr, n)) {
            *why = FC_N_("not a traceability code (20 digits)");
            return -1;
        }
        return 0;
    case CT_PREFIX:
        if (n != 7 || !all_digits(v->ptr, n)) {
            *why = FC_N_("not a traceability product prefix (7 digits)");
            return -1;
        }
        return 0;
    case CT_DRUG:
        upcase(v);
        if (ident_item_code_kind(v->ptr) == IDENT_ITEM_NONE ||
            ident_item_code_kind(v->ptr) == IDENT_ITEM_SERVICE) {
            *why = FC_N_("not a drug code (X+22, Z+19, T+9 or C+19/27 letters and digits)");
            return -1;
        }
        return 0;
    case CT_PKIND:
        if (strcmp(v->ptr, "bed_label") && strcmp(v->ptr, "wristband")) {
            *why = FC_N_("not a pattern kind (bed_label or wristband)");
            return -1;
        }
        return 0;
    }
    BUG("column type %d", (int)cd->type);
}

/* ---- headers -------------------------------------------------------------- */

/* 1 if header h (already trimmed) names one of the '|'-separated names. */
static int name_matches(const char *names, const char *h, size_t hn)
{
    while (names && *names) {
        const char *bar = strchr(names, '|');
        size_t n = bar ? (size_t)(bar - names) : strlen(names);
        if (n == hn && !strncasecmp(names, h, n))
            return 1;
        names = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* Index of the column a header names, trying the header without a trailing
 * unit in parentheses ("单价(元)", "数量（盒）") when the whole does not match. */
static int header_column(const struct file_def *def, const char *h)
{
    size_t n = strlen(h);
    const char *t = trim(h, &n);

    for (int pass = 0; pass < 2; pass++) {
        for (int c = 0; c < def->ncols; c++)
            if (name_matches(def->cols[c].en, t, n) || name_matches(def->cols[c].zh, t, n))
                return c;
        if (pass == 0) {
            const char *open = NULL;
            for (size_t i = 0; i < n; i++)
                if (t[i] == '(' || !strncmp(t + i, "\xEF\xBC\x88", 3))
                    open = t + i;
            if (!open || !(t[n - 1] == ')' || (n >= 3 && !strncmp(t + n - 3, "\xEF\xBC\x89", 3))))
                return -1;
            n = (size_t)(open - t);
            t = trim(t, &n);
        }
    }
    return -1;
}

static void free_header(struct loader *L)
{
    for (size_t i = 0; i < L->nhdr; i++)
        free(L->hdr[i]);
    free(L->hdr);
    free(L->hdr_used);
    L->hdr = NULL;
    L->hdr_used = NULL;
    L->nhdr = 0;
}

static int read_header(struct loader *L, const struct csv_record *rec, struct fc_error *err)
{
    const struct file_def *def = L->def;

    for (int c = 0; c < MAX_COLS; c++)
        L->map[c] = -1;
    L->nhdr = rec->nfields;
    L->hdr = xcalloc(rec->nfields ? rec->nfields : 1, sizeof(char *));
    L->hdr_used = xcalloc(rec->nfields ? rec->nfields : 1, 1);
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t n = rec->lens[i];
        const char *t = trim(rec->fields[i], &n);
        int c;

        L->hdr[i] = xstrndup(t, n);
        c = header_column(def, L->hdr[i]);
        if (c < 0)
            continue;
        if (L->map[c] >= 0)
            return fc_error_set(err, FC_EINPUT,
                                "'%s' line %llu: duplicate header '%s' (column %s already given "
                                "as '%s')",
                                def->file, (unsigned long long)rec->line, L->hdr[i],
                                def->cols[c].en, L->hdr[L->map[c]]);
        L->map[c] = (int)i;
        L->hdr_used[i] = 1;
    }
    for (int c = 0; c < def->ncols; c++) {
        if ((def->cols[c].flags & REQ) && L->map[c] < 0) {
            const char *zh = def->cols[c].zh;
            return fc_error_set(err, FC_EINPUT,
                                "'%s' line %llu: missing required header '%s'%s%s%s", def->file,
                                (unsigned long long)rec->line, def->cols[c].en, zh ? " (" : "",
                                zh ? zh : "", zh ? ")" : "");
        }
    }
    /* unknown headers must still be unique, as they become JSON keys */
    for (size_t i = 0; i < rec->nfields; i++) {
        if (L->hdr_used[i])
            continue;
        for (size_t j = i + 1; j < rec->nfields; j++)
            if (!L->hdr_used[j] && !strcmp(L->hdr[i], L->hdr[j]) && L->hdr[i][0])
                return fc_error_set(err, FC_EINPUT, "'%s' line %llu: duplicate header '%s'",
                                    def->file, (unsigned long long)rec->line, L->hdr[i]);
    }
    return FC_OK;
}

/* ---- per-file row checks -------------------------------------------------- */

static void site_known(struct loader *L, const char *code, const char *name, int *known)
{
    if (!strcmp(L->site_seen, code)) {
        *known = 1;
        return;
    }
    *known = keylist_find(&L->known_sites, code) >= 0;
    if (!*known && !L->stat[F_SITES].present) {
        /* no sites.csv: the site is inferred from the rows that name it */
        struct buf *k = &L->lookup_key;
        buf_reset(k);
        buf_addf(k, "%s\x1f%s", code, name && *name ? name : code);
        keylist_add(&L->new_sites, k->ptr);
        keylist_add(&L->known_sites, code);
        *known = 1;
    }
    if (*known)
        snprintf(L->site_seen, sizeof(L->site_seen), "%s", code);
}

static const char *site_name_of_row(struct loader *L)
{
    for (int c = 0; c < L->def->ncols; c++)
        if (!strcmp(L->def->cols[c].en, "site_name") && !L->null[c])
            return L->val[c].ptr;
    return NULL;
}

static void check_ward(struct loader *L, uint64_t line)
{
    const char *site = L->val[IP_SITE].ptr, *code = L->val[IP_WARD_CODE].ptr;

    if (strcmp(L->ward_site, site) || strcmp(L->ward_code.ptr, code)) {
        snprintf(L->ward_site, sizeof(L->ward_site), "%s", site);
        buf_reset(&L->ward_code);
        buf_adds(&L->ward_code, code);
        buf_reset(&L->ward_name);
        struct buf *k = &L->lookup_key;
        long i;

        buf_reset(k);
        buf_adds(k, site);
        buf_addch(k, 0x1f);
        buf_adds(k, code);
        i = keylist_find(&L->known_wards, k->ptr);
        if (i >= 0)
            buf_adds(&L->ward_name, L->ward_names[i]);
        L->ward_found = i >= 0;
    }
    if (!L->ward_found) {
        reject_at(L, L->def->file, line, col_header(L, IP_WARD_CODE),
                  "ward '%s' of site '%s' is not in wards.csv", code, site);
        return;
    }
    if (L->null[IP_WARD]) {
        buf_reset(&L->val[IP_WARD]);
        buf_adds(&L->val[IP_WARD], L->ward_name.ptr);
        L->null[IP_WARD] = 0;
    }
}

/* Age in whole years on the loader's local date, as ident_age_at counts it
 * (-1 when born after that date); computed here because ident_age_at converts
 * the clock on every call, which showed in the per-row profile. */
static int age_today(const struct loader *L, const struct ident_resident_id *id)
{
    int age;

    if (L->today_y * 10000 + L->today_m * 100 + L->today_d <
        id->year * 10000 + id->month * 100 + id->day)
        return -1;
    age = L->today_y - id->year;
    if (L->today_m * 100 + L->today_d < id->month * 100 + id->day)
        age--;
    return age;
}

/* Roster warnings that one row shows on its own: sex and age against the ward.
 * Messages (and the masked ID in them) are only built for a row that warns. */
static int row_warnings(struct loader *L, uint64_t line, struct fc_error *err)
{
    const char *ward = L->null[IP_WARD] ? "" : L->val[IP_WARD].ptr;
    const char *site = L->val[IP_SITE].ptr;
    const char *adm = L->val[IP_ADM].ptr;
    char sex = L->id.sex;
    int age = age_today(L, &L->id);
    int sex_col = !L->null[IP_SEX] && L->val[IP_SEX].ptr[0] != sex;
    int male_ward = sex == 'M' && (strstr(ward, "妇科") || strstr(ward, "产科"));
    int female_ward = sex == 'F' && strstr(ward, "男科");
    int child_ward = age > 18 && age <= 120 && strstr(ward, "儿科");
    struct buf mid = BUF_INIT;
    int rc = FC_OK;

    if (!sex_col && !male_ward && !female_ward && age <= 120 && !child_ward)
        return FC_OK; /* the common case: no message to build */
    mask_id(&mid, L->val[IP_ID].ptr);
    if (sex_col && sex == 'M')
        rc = warnf(L, "sex_id", L->def->file, line, site, err,
                   "admission %s: sex column says female but ID %s is male", adm, mid.ptr);
    else if (sex_col)
        rc = warnf(L, "sex_id", L->def->file, line, site, err,
                   "admission %s: sex column says male but ID %s is female", adm, mid.ptr);
    if (!rc && male_ward)
        rc = warnf(L, "sex_ward", L->def->file, line, site, err,
                   "admission %s: male patient (ID %s) in ward %s", adm, mid.ptr, ward);
    if (!rc && female_ward)
        rc = warnf(L, "sex_ward", L->def->file, line, site, err,
                   "admission %s: female patient (ID %s) in ward %s", adm, mid.ptr, ward);
    if (!rc && age > 120)
        rc = warnf(L, "age_ward", L->def->file, line, site, err,
                   "admission %s: age %d from ID %s is implausible", adm, age, mid.ptr);
    else if (!rc && child_ward)
        rc = warnf(L, "age_ward", L->def->file, line, site, err,
                   "admission %s: age %d (ID %s) in paediatric ward %s", adm, age, mid.ptr, ward);
    buf_release(&mid);
    return rc;
}

static int check_pattern(struct loader *L, uint64_t line)
{
    regex_t re;
    size_t nfields = 1;
    const char *kind = L->val[SP_KIND].ptr;
    const char *f = L->val[SP_FIELDS].ptr;
    int rc;

    for (const char *p = f; *p; p++)
        nfields += *p == ',';
    rc = regcomp(&re, L->val[SP_REGEX].ptr, REG_EXTENDED);
    if (rc) {
        char msg[160];
        regerror(rc, &re, msg, sizeof(msg));
        reject_at(L, L->def->file, line, col_header(L, SP_REGEX), "regex does not compile: %s",
                  msg);
        return 0;
    }
    if (re.re_nsub != nfields)
        reject_at(L, L->def->file, line, col_header(L, SP_FIELDS),
                  "regex has %zu capture groups but fields names %zu", re.re_nsub, nfields);
    regfree(&re);
    /* the names a matcher can use: what the kind needs, nothing else */
    {
        char *copy = xstrdup(f), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            size_t n = strlen(t);
            const char *tt = trim(t, &n);
            int ok = !strcmp(kind, "bed_label") ? (n == 9 && !strncmp(tt, "ward_code", 9)) ||
                                                      (n == 3 && !strncmp(tt, "bed", 3))
                                                : n == 12 && !strncmp(tt, "admission_no", 12);
            if (!ok) {
                reject_at(L, L->def->file, line, col_header(L, SP_FIELDS),
                          "field '%.*s' is not one of %s", (int)n, tt,
                          !strcmp(kind, "bed_label") ? "ward_code, bed" : "admission_no");
                break;
            }
        }
        free(copy);
    }
    return 0;
}

/* Checks that need other files or several columns; runs after the columns
 * parsed. May add rejects; fails only on database errors. */
static int row_checks(struct loader *L, enum file_id f, uint64_t line, struct fc_error *err)
{
    const struct file_def *def = L->def;
    int rc = FC_OK, known = 1;

    if (!L->null[def->site_col]) {
        const char *site = L->val[def->site_col].ptr;
        if (L->stat[F_SITES].present || L->row_bad == 0) {
            site_known(L, site, f == F_SITES ? NULL : site_name_of_row(L), &known);
            if (!known && f != F_SITES)
                reject_at(L, def->file, line, col_header(L, def->site_col),
                          "site '%s' is not in sites.csv", site);
        }
    }
    switch (f) {
    case F_SITES:
        if (L->null[2]) {
            buf_reset(&L->val[2]);
            buf_adds(&L->val[2], ident_site_code_kind(L->val[0].ptr) == IDENT_SITE_PHARMACY
                                     ? "pharmacy"
                                     : "hospital");
            L->null[2] = 0;
        }
        break;
    case F_INPATIENTS:
        if (L->null[IP_ID] || L->null[IP_SITE] || L->null[IP_WARD_CODE])
            break;
        if (L->stat[F_WARDS].present && known)
            check_ward(L, line);
        if (!L->row_bad)
            rc = row_warnings(L, line, err);
        if (L->null[IP_SEX] && !L->row_bad) {
            buf_reset(&L->val[IP_SEX]);
            buf_addch(&L->val[IP_SEX], L->id.sex);
            L->null[IP_SEX] = 0;
        }
        break;
    case F_LEAVES:
        if (!L->null[2] && !L->null[3] && strcmp(L->val[3].ptr, L->val[2].ptr) < 0)
            reject_at(L, def->file, line, col_header(L, 3), "leave ends before it starts (%s)",
                      L->val[2].ptr);
        break;
    case F_SETTLEMENTS:
        if (L->stat[F_DRUGS].present && !L->null[2] && !L->null[ST_DRUG] && known) {
            struct buf *k = &L->lookup_key;

            buf_reset(k);
            buf_adds(k, L->val[2].ptr);
            buf_addch(k, 0x1f);
            buf_adds(k, L->val[ST_DRUG].ptr);
            if (keylist_find(&L->known_drugs, k->ptr) < 0)
                reject_at(L, def->file, line, col_header(L, ST_DRUG),
                          "drug '%s' of site '%s' is not in drugs.csv", L->val[ST_DRUG].ptr,
                          L->val[2].ptr);
        }
        break;
    case F_PATTERNS:
        if (!L->row_bad)
            check_pattern(L, line);
        break;
    default: break;
    }
    return rc;
}

static void build_extra(struct loader *L, const struct csv_record *rec)
{
    int any = 0;

    buf_reset(&L->extra);
    for (size_t i = 0; i < rec->nfields && i < L->nhdr; i++) {
        if (L->hdr_used[i] || !rec->lens[i])
            continue;
        buf_addch(&L->extra, any ? ',' : '{');
        buf_add_json_str(&L->extra, L->hdr[i][0] ? L->hdr[i] : "?");
        buf_addch(&L->extra, ':');
        buf_add_json_str(&L->extra, rec->fields[i]);
        any = 1;
    }
    if (any)
        buf_addch(&L->extra, '}');
}

static const char *duplicate_reason(enum file_id f)
{
    switch (f) {
    case F_SITES: return "duplicate site_code";
    case F_WARDS: return "duplicate ward_code for this site";
    case F_DRUGS: return "duplicate drug_code for this site";
    case F_SUSPICIONS: return "duplicate susp_id";
    default: return "duplicate row";
    }
}

/* ---- the small tables the row checks consult ------------------------------- */

static void forget_lookups(struct loader *L)
{
    for (size_t i = 0; i < L->known_wards.n; i++)
        free(L->ward_names[i]);
    free(L->ward_names);
    L->ward_names = NULL;
    keylist_release(&L->known_sites);
    keylist_release(&L->known_wards);
    keylist_release(&L->known_drugs);
    keylist_release(&L->new_sites);
}

/* Copies the site, ward and drug tables into the known_ lists (a few
 * thousand rows: the roster's own sites and wards, the pharmacies' drugs). */
static int load_lookups(struct loader *L, struct fc_error *err)
{
    static const char *const sql[] = {
        "SELECT site_code FROM site",
        "SELECT site_code || char(31) || ward_code, ward FROM ward",
        "SELECT site_code || char(31) || drug_code FROM drug",
    };
    struct keylist *into[] = {&L->known_sites, &L->known_wards, &L->known_drugs};
    int rc = FC_OK;

    forget_lookups(L);
    keylist_init(&L->known_sites);
    keylist_init(&L->known_wards);
    keylist_init(&L->known_drugs);
    keylist_init(&L->new_sites);
    for (int q = 0; q < 3 && !rc; q++) {
        sqlite3_stmt *st = NULL;
        int step;

        if (sqlite3_prepare_v2(L->db, sql[q], -1, &st, NULL) != SQLITE_OK)
            return db_fail(L, err, "cannot read the sites, wards and drugs");
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            size_t i = keylist_add(into[q], store_col_text(st, 0));
            if (q == 1 && i + 1 == L->known_wards.n) {
                L->ward_names = xreallocarray(L->ward_names, L->known_wards.n, sizeof(char *));
                L->ward_names[i] = xstrdup(store_col_text(st, 1));
            }
        }
        if (step != SQLITE_DONE)
            rc = db_fail(L, err, "cannot read the sites, wards and drugs");
        sqlite3_finalize(st);
    }
    return rc;
}

/* Inserts the sites the file's rows named and no table listed. */
static int insert_new_sites(struct loader *L, struct fc_error *err)
{
    int rc = FC_OK;

    for (size_t i = 0; i < L->new_sites.n && !rc; i++) {
        const char *code = L->new_sites.key[i], *us = strchr(code, 0x1f);
        enum ident_site_kind k;
        char site[32];

        snprintf(site, sizeof(site), "%.*s", (int)(us - code), code);
        k = ident_site_code_kind(site);
        sqlite3_bind_text(L->ins_site, 1, site, -1, SQLITE_STATIC);
        sqlite3_bind_text(L->ins_site, 2, us + 1, -1, SQLITE_STATIC);
        sqlite3_bind_text(L->ins_site, 3, k == IDENT_SITE_PHARMACY ? "pharmacy" : "hospital", -1,
                          SQLITE_STATIC);
        if (sqlite3_step(L->ins_site) != SQLITE_DONE)
            rc = db_fail(L, err, "cannot record an inferred site");
        sqlite3_reset(L->ins_site);
    }
    return rc;
}

/* ---- repeated roster keys -----------------------------------------------
 * Each inserted roster row's admission (per site), bed (per site and ward)
 * and ID (tagged with its site) go through a keyset, on the insert thread;
 * the keys it flags are the only ones the checks after the bulk insert look
 * up (check_keys). Flagged keys join their parts with US (0x1f), which no
 * code column may hold. */

/* Roster rows fingerprinted at most: about 20 bytes each, so 30 MB. */
static size_t key_limit = 1500000;

void mission_set_key_limit(size_t rows)
{
    key_limit = rows ? rows : 1500000;
}

static void forget_keys(struct loader *L)
{
    keyset_free(L->seen_adm);
    keyset_free(L->seen_bed);
    keyset_free(L->seen_id);
    L->seen_adm = L->seen_bed = L->seen_id = NULL;
    keylist_release(&L->tag_sites);
    keylist_init(&L->tag_sites);
    L->site_last = 0;
    L->key_valid = 0;
}

/* A flagged key, as text for the checks: its parts joined with US. */
static void add_maybe(struct keylist *maybe, const struct rowpipe_value *a,
                      const struct rowpipe_value *b, const struct rowpipe_value *c)
{
    struct buf key = BUF_INIT;

    buf_add(&key, a->text, a->len);
    if (b) {
        buf_addch(&key, 0x1f);
        buf_add(&key, b->text, b->len);
    }
    if (c) {
        buf_addch(&key, 0x1f);
        buf_add(&key, c->text, c->len);
    }
    keylist_add(maybe, key.ptr);
    buf_release(&key);
}

/* A small number for each site code met in the file: its index in
 * tag_sites (rows come grouped by site, so the last one usually matches). */
static uint32_t site_tag(struct loader *L, const struct rowpipe_value *site)
{
    char code[64];
    size_t last = L->site_last;

    if (last < L->tag_sites.n && strlen(L->tag_sites.key[last]) == site->len &&
        !memcmp(L->tag_sites.key[last], site->text, site->len))
        return (uint32_t)last;
    /* a site code is 12 characters (CT_SITE); longer ones cannot occur */
    snprintf(code, sizeof(code), "%.*s", (int)site->len, site->text);
    L->site_last = keylist_add(&L->tag_sites, code);
    return (uint32_t)L->site_last;
}
/* The insert thread's row hook for the roster (parameters are the columns
 * in order, so IP_x is parameter x + 1): its keys go through the keysets
 * there, beside the inserts, rather than on the parsing thread. */
static void note_keys(void *ctx, const struct rowpipe_value *row)
{
    struct loader *L = ctx;
    const struct rowpipe_value *site = &row[IP_SITE], *adm = &row[IP_ADM], *id = &row[IP_ID];
    const struct rowpipe_value *ward = &row[IP_WARD_CODE], *bed = &row[IP_BED];
    uint32_t fp_adm, fp_bed, fp_id, tag;

    if (L->keys_overflow)
        return;
    if (!L->seen_adm) {
        /* sized from the file: a roster line is rarely under 64 bytes */
        size_t expect = (size_t)(L->file_size / 64);
        if (expect > key_limit)
            expect = key_limit;
        L->seen_adm = keyset_new(0, expect);
        L->seen_bed = keyset_new(0, expect);
        L->seen_id = keyset_new(1, expect);
    }
    if (keyset_count(L->seen_adm) >= key_limit) {
        /* memory stays bounded: past the limit the checks walk the whole
         * indexes instead (half a second a million rows) */
        L->keys_overflow = 1;
        keyset_free(L->seen_adm);
        keyset_free(L->seen_bed);
        keyset_free(L->seen_id);
        L->seen_adm = L->seen_bed = L->seen_id = NULL;
        return;
    }
    /* a site's and a ward's hashes carry over from row to row (rosters
     * come grouped); the bed set's hashes serve all three keys */
    tag = site_tag(L, site);
    if (!L->key_valid || tag != L->key_site) {
        L->key_site = tag;
        L->h_site = keyset_part(L->seen_bed, site->text, site->len);
        L->key_valid = 0;
    }
    if (!L->key_valid || ward->len != L->key_ward_len ||
        memcmp(L->key_ward, ward->text, ward->len)) {
        L->h_ward = keyset_mix(L->h_site, keyset_part(L->seen_bed, ward->text, ward->len));
        L->key_valid = ward->len <= sizeof(L->key_ward); /* else hash it every time */
        if (L->key_valid) {
            memcpy(L->key_ward, ward->text, ward->len);
            L->key_ward_len = ward->len;
        }
    }
    fp_adm = keyset_fp(L->seen_adm,
                       keyset_mix(keyset_part(L->seen_bed, adm->text, adm->len), L->h_site));
    fp_bed = keyset_fp(L->seen_bed,
                       keyset_mix(L->h_ward, keyset_part(L->seen_bed, bed->text, bed->len)));
    fp_id = keyset_fp(L->seen_id, keyset_part(L->seen_bed, id->text, id->len));
    if (keyset_add(L->seen_adm, fp_adm, 0))
        add_maybe(&L->maybe_adm, adm, site, NULL);
    if (keyset_add(L->seen_bed, fp_bed, 0))
        add_maybe(&L->maybe_bed, site, ward, bed);
    if (keyset_add(L->seen_id, fp_id, tag))
        add_maybe(&L->maybe_id, id, NULL, NULL);
}

/* The row's values go to the insert statement, or to the insert thread. */
static void out_null(struct loader *L, int i)
{
    if (L->pipe)
        rowpipe_null(L->pipe);
    else
        sqlite3_bind_null(L->ins, i);
}

static void out_int(struct loader *L, int i, int64_t v)
{
    if (L->pipe)
        rowpipe_int(L->pipe, v);
    else
        sqlite3_bind_int64(L->ins, i, (sqlite3_int64)v);
}

static void out_double(struct loader *L, int i, double v)
{
    if (L->pipe)
        rowpipe_double(L->pipe, v);
    else
        sqlite3_bind_double(L->ins, i, v);
}

static void out_text(struct loader *L, int i, const struct buf *b)
{
    if (L->pipe)
        rowpipe_text(L->pipe, b->ptr, b->len);
    else
        sqlite3_bind_text(L->ins, i, b->ptr, (int)b->len, SQLITE_STATIC);
}

static int insert_row(struct loader *L, enum file_id f, uint64_t line, struct fc_error *err)
{
    const struct file_def *def = L->def;
    sqlite3_stmt *st = L->ins;
    int rc;

    for (int c = 0; c < def->ncols; c++) {
        enum col_type t = def->cols[c].type;
        int num = t == CT_INT || t == CT_NUM || t == CT_PRICE || t == CT_FACTOR;

        if (L->null[c] && !(num && def->cols[c].dflt))
            out_null(L, c + 1);
        else if (t == CT_INT)
            out_int(L, c + 1, (int64_t)L->num[c]);
        else if (num)
            out_double(L, c + 1, L->num[c]);
        else
            out_text(L, c + 1, &L->val[c]);
    }
    out_int(L, def->ncols + 1, (int64_t)line);
    if (def->has_extra) {
        if (L->extra.len)
            out_text(L, def->ncols + 2, &L->extra);
        else
            out_null(L, def->ncols + 2);
    }
    if (L->pipe)
        return rowpipe_end_row(L->pipe, err);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return FC_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        reject_at(L, def->file, line,
                  def->cols[f == F_WARDS   ? 1
                            : f == F_DRUGS ? 2
                                           : 0]
                      .en,
                  "%s", duplicate_reason(f));
        return FC_OK;
    }
    return db_fail(L, err, "cannot insert a row");
}

/* Files whose table has no key to collide on: an insert cannot be refused
 * for a row that passed validation, so it may run on the insert thread. */
static int pipelined(enum file_id f)
{
    return f == F_INPATIENTS || f == F_LEAVES || f == F_SETTLEMENTS;
}

static int exec_sql(struct loader *L, const char *sql, struct fc_error *err);

static int load_file(struct loader *L, enum file_id f, struct fc_error *err)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct buf path = BUF_INIT;
    struct file_stat *fs = &L->stat[f];
    struct stat sb;
    uint64_t total = 0;
    int rc;

    L->def = &files[f];
    buf_addf(&path, "%s/%s", L->dir, L->def->file);
    if (stat(path.ptr, &sb) == 0)
        total = (uint64_t)sb.st_size;
    L->file_size = total;
    rc = csv_reader_open_digest(&r, path.ptr, NULL, L->file_digest[f], err);
    if (rc)
        goto out;
    fs->encoding = csv_reader_encoding(r);
    rc = csv_next(r, &rec, err);
    if (rc < 0)
        goto out;
    if (rc == 0) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' is empty: it needs a header line", L->def->file);
        goto out;
    }
    if (rec.error) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %llu: bad header line: %s", L->def->file,
                          (unsigned long long)rec.line, rec.error);
        goto out;
    }
    rc = read_header(L, &rec, err);
    if (rc)
        goto out;
    if (f == F_INPATIENTS && L->map[IP_BAND] < 0) {
        rc = exec_sql(L, refdb_band_index_sql, err);
        if (rc)
            goto out;
    }
    rc = load_lookups(L, err);
    if (rc)
        goto out;
    if (pipelined(f)) {
        rc = rowpipe_start(L->db, L->def->insert_sql, &L->pipe, err);
        if (!rc && f == F_INPATIENTS)
            rowpipe_on_row(L->pipe, note_keys, L);
    } else if (sqlite3_prepare_v2(L->db, L->def->insert_sql, -1, &L->ins, NULL) != SQLITE_OK)
        rc = db_fail(L, err, "cannot prepare an insert");
    if (rc)
        goto out;
    while ((rc = csv_next(r, &rec, err)) > 0) {
        L->row_bad = 0;
        fs->rows++;
        if ((fs->rows & 0x3fff) == 0 && L->sink && L->sink->progress)
            L->sink->progress(L->sink->ctx, L->def->file, csv_reader_offset(r), total);
        if (rec.error) {
            /* the reader gives both texts: reject_at takes the local one
             * from reason_local when the phrase is L->reason */
            buf_reset(&L->reason);
            buf_adds(&L->reason, rec.error);
            buf_reset(&L->reason_local);
            buf_adds(&L->reason_local, rec.error_local ? rec.error_local : rec.error);
            reject_at(L, L->def->file, rec.line, "", "%s", L->reason.ptr);
        } else if (rec.nfields != L->nhdr) {
            reject_at(L, L->def->file, rec.line, "", "row has %zu fields, the header has %zu",
                      rec.nfields, L->nhdr);
        } else {
            for (int c = 0; c < L->def->ncols; c++) {
                const char *why = NULL;
                int i = L->map[c];
                if (parse_value(L, c, i >= 0 ? rec.fields[i] : "", i >= 0 ? rec.lens[i] : 0, &why))
                    reject_at(L, L->def->file, rec.line, col_header(L, c), "%s", why);
            }
            rc = row_checks(L, f, rec.line, err);
            if (rc)
                goto out;
            if (!L->row_bad) {
                if (L->def->has_extra)
                    build_extra(L, &rec);
                rc = insert_row(L, f, rec.line, err);
                if (rc)
                    goto out;
            }
        }
        if (L->row_bad) {
            fs->rejected++;
            L->rejects++;
        } else {
            fs->loaded++;
        }
    }
    if (rc < 0)
        goto out;
    rc = rowpipe_finish(L->pipe, err);
    L->pipe = NULL;
    forget_keys(L); /* the flagged keys stay, for the checks */
    if (!rc)
        rc = insert_new_sites(L, err);
    if (rc)
        goto out;
    if (L->sink && L->sink->progress)
        L->sink->progress(L->sink->ctx, L->def->file, total, total);
    rc = FC_OK;
out:
    if (L->pipe) {
        /* a failure here: stop the writer; the load fails with the first error */
        struct fc_error ignored;
        rowpipe_finish(L->pipe, rc ? &ignored : err);
        L->pipe = NULL;
    }
    if (rc)
        fc_error_prefix(err, "mission folder '%s'", L->dir);
    sqlite3_finalize(L->ins);
    L->ins = NULL;
    csv_reader_free(r);
    free_header(L);
    buf_release(&path);
    return rc;
}

/* ---- whole-file checks after the bulk insert ------------------------------ */

static int step_all(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- whole-roster checks --------------------------------------------------
 * Parsing flagged the keys that may repeat (note_keys); each check reads the
 * rows of just those keys through an index, in key order. Within a key the
 * index keeps rowid order, which is line order (rows go in in file order),
 * so the first row of a key is the one the file lists first. Only the rows a
 * check flags are read from the table. Walking the three indexes whole took
 * half a second per million rows; the keys of a clean roster take nothing. */

/* A flagged row and the first row of its key, by rowid: 16 bytes each
 * however many rows a hostile file repeats. Rowid order is line order. */
struct repeat {
    int64_t rowid, first;
};

enum repeat_rule {
    REPEAT_ANY,  /* every row after the first of its key (all key columns) */
    REPEAT_OTHER /* rows whose second column differs from the first row of their first column */
};

struct repeats {
    struct repeat *v;
    size_t n, cap;
};

static void repeats_release(struct repeats *r)
{
    free(r->v);
    memset(r, 0, sizeof(*r));
}

static int same_col(sqlite3_stmt *st, int c, const struct buf *prev)
{
    const void *p = sqlite3_column_blob(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);

    return n == prev->len && (!n || !memcmp(p, prev->ptr, n));
}

/* Steps st, which returns nkey (2 or 3) key columns and then the rowid, in
 * that order, and appends the rows the rule flags. */
static int find_repeats(struct loader *L, sqlite3_stmt *st, int nkey, enum repeat_rule rule,
                        struct repeats *out, struct fc_error *err)
{
    struct buf prev[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    int64_t first = 0;
    int have = 0, s, rc = FC_OK;
    int ngroup = rule == REPEAT_ANY ? nkey : 1;

    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int same = have;
        for (int c = 0; same && c < ngroup; c++)
            same = same_col(st, c, &prev[c]);
        if (!same) {
            for (int c = 0; c < nkey; c++) {
                buf_reset(&prev[c]);
                buf_add(&prev[c], sqlite3_column_blob(st, c), (size_t)sqlite3_column_bytes(st, c));
            }
            first = sqlite3_column_int64(st, nkey);
            have = 1;
            continue;
        }
        if (rule == REPEAT_OTHER && same_col(st, 1, &prev[1]))
            continue;
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 16;
            out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
        }
        out->v[out->n].rowid = sqlite3_column_int64(st, nkey);
        out->v[out->n++].first = first;
    }
    if (s != SQLITE_DONE)
        rc = db_fail(L, err, "cannot check the roster");
    sqlite3_reset(st);
    for (int c = 0; c < 3; c++)
        buf_release(&prev[c]);
    return rc;
}

/* Runs sql_key (parameters: the parts of a key) for every key of maybe, or
 * sql_all (the whole index in key order) once when the roster outgrew the
 * fingerprints, and collects what find_repeats flags. */
static int check_keys(struct loader *L, const struct keylist *maybe, const char *sql_all,
                      const char *sql_key, int nkey, enum repeat_rule rule, struct repeats *out,
                      struct fc_error *err)
{
    const char *sql = L->keys_overflow ? sql_all : sql_key;
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    if (!maybe->n && !L->keys_overflow)
        return FC_OK;
    if (sqlite3_prepare_v2(L->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot check the roster");
    if (L->keys_overflow) {
        rc = find_repeats(L, st, nkey, rule, out, err);
        sqlite3_finalize(st);
        return rc;
    }
    for (size_t i = 0; i < maybe->n && !rc; i++) {
        const char *part = maybe->key[i];
        for (int p = 1; part; p++) {
            const char *us = strchr(part, 0x1f);
            sqlite3_bind_text(st, p, part, us ? (int)(us - part) : -1, SQLITE_STATIC);
            part = us ? us + 1 : NULL;
        }
        rc = find_repeats(L, st, nkey, rule, out, err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int by_rowid(const void *a, const void *b)
{
    const struct repeat *x = a, *y = b;
    return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

/* What the messages name of a flagged row (row) and of its key's first row
 * (first): columns line, site_code, admission_no, id_number, ward_code,
 * bed, read when the message is made. */
struct repeat_rows {
    sqlite3_stmt *row, *first;
};

static int repeat_rows_open(struct loader *L, struct repeat_rows *q, struct fc_error *err)
{
    static const char sql[] = "SELECT line, site_code, admission_no, id_number, ward_code, bed"
                              " FROM inpatient WHERE rowid = ?1";

    memset(q, 0, sizeof(*q));
    if (sqlite3_prepare_v2(L->db, sql, -1, &q->row, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db, sql, -1, &q->first, NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot check the roster");
    return FC_OK;
}

static int repeat_rows_read(struct loader *L, struct repeat_rows *q, const struct repeat *p,
                            struct fc_error *err)
{
    sqlite3_reset(q->row);
    sqlite3_reset(q->first);
    sqlite3_bind_int64(q->row, 1, p->rowid);
    sqlite3_bind_int64(q->first, 1, p->first);
    if (sqlite3_step(q->row) != SQLITE_ROW || sqlite3_step(q->first) != SQLITE_ROW)
        return db_fail(L, err, "cannot check the roster");
    return FC_OK;
}

static void repeat_rows_close(struct repeat_rows *q)
{
    sqlite3_finalize(q->row);
    sqlite3_finalize(q->first);
}

/* Admission numbers must be unique per site: the first row wins, later ones
 * are rejected (and dropped with --partial). */
static int check_duplicate_admissions(struct loader *L, struct fc_error *err)
{
    struct repeats r = {0};
    struct repeat_rows q = {0};
    sqlite3_stmt *del = NULL;
    int rc;

    rc = check_keys(L, &L->maybe_adm,
                    "SELECT admission_no, site_code, rowid FROM inpatient INDEXED BY inpatient_adm"
                    " ORDER BY admission_no, site_code, rowid",
                    "SELECT admission_no, site_code, rowid FROM inpatient INDEXED BY inpatient_adm"
                    " WHERE admission_no = ?1 AND site_code = ?2 ORDER BY rowid",
                    2, REPEAT_ANY, &r, err);
    if (!rc && r.n) {
        qsort(r.v, r.n, sizeof(r.v[0]), by_rowid);
        rc = repeat_rows_open(L, &q, err);
        if (!rc && sqlite3_prepare_v2(L->db, "DELETE FROM inpatient WHERE rowid = ?1", -1, &del,
                                      NULL) != SQLITE_OK)
            rc = db_fail(L, err, "cannot check admissions");
    }
    for (size_t i = 0; !rc && i < r.n; i++) {
        rc = repeat_rows_read(L, &q, &r.v[i], err);
        if (rc)
            break;
        L->row_bad = 0;
        reject_at(L, "inpatients.csv", (uint64_t)sqlite3_column_int64(q.row, 0), "admission_no",
                  "admission_no '%s' of site '%s' already on line %lld", store_col_text(q.row, 2),
                  store_col_text(q.row, 1), (long long)sqlite3_column_int64(q.first, 0));
        L->stat[F_INPATIENTS].loaded--;
        L->stat[F_INPATIENTS].rejected++;
        L->rejects++;
    }
    /* deleted after the messages: a row read above must still be there */
    repeat_rows_close(&q);
    for (size_t i = 0; !rc && i < r.n; i++) {
        sqlite3_bind_int64(del, 1, r.v[i].rowid);
        if (step_all(del))
            rc = db_fail(L, err, "cannot drop a duplicate admission");
    }
    sqlite3_finalize(del);
    repeats_release(&r);
    return rc;
}

static int check_leaves(struct loader *L, struct fc_error *err)
{
    static const char q[] = "SELECT rowid, line, site_code, admission_no FROM leave l"
                            " WHERE NOT EXISTS (SELECT 1 FROM inpatient i WHERE"
                            " i.site_code = l.site_code AND i.admission_no = l.admission_no)"
                            " ORDER BY line";
    sqlite3_stmt *st = NULL, *del = NULL;
    int rc = FC_OK, s;

    if (sqlite3_prepare_v2(L->db, q, -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db, "DELETE FROM leave WHERE rowid = ?1", -1, &del, NULL) !=
            SQLITE_OK) {
        rc = db_fail(L, err, "cannot check leaves");
        goto out;
    }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        reject_at(L, "leaves.csv", (uint64_t)sqlite3_column_int64(st, 1), "admission_no",
                  "admission_no '%s' of site '%s' is not in inpatients.csv", store_col_text(st, 3),
                  store_col_text(st, 2));
        L->stat[F_LEAVES].loaded--;
        L->stat[F_LEAVES].rejected++;
        L->rejects++;
        sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
        if (step_all(del)) {
            rc = db_fail(L, err, "cannot drop a leave");
            goto out;
        }
    }
    if (s != SQLITE_DONE)
        rc = db_fail(L, err, "cannot check leaves");
out:
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    return rc;
}

static int roster_warnings(struct loader *L, struct fc_error *err)
{
    struct repeats r = {0};
    struct repeat_rows q = {0};
    struct buf mid = BUF_INIT;
    int rc;

    rc = repeat_rows_open(L, &q, err);
    /* an ID at two sites: every row at a site other than the ID's first
     * (lowest) site code */
    if (!rc)
        rc = check_keys(L, &L->maybe_id,
                        "SELECT id_number, site_code, rowid FROM inpatient INDEXED BY inpatient_id"
                        " ORDER BY id_number, site_code, rowid",
                        "SELECT id_number, site_code, rowid FROM inpatient INDEXED BY inpatient_id"
                        " WHERE id_number = ?1 ORDER BY site_code, rowid",
                        2, REPEAT_OTHER, &r, err);
    if (r.n)
        qsort(r.v, r.n, sizeof(r.v[0]), by_rowid);
    for (size_t i = 0; !rc && i < r.n; i++) {
        rc = repeat_rows_read(L, &q, &r.v[i], err);
        if (rc)
            break;
        buf_reset(&mid);
        mask_id(&mid, store_col_text(q.row, 3));
        rc = warnf(L, "id_two_sites", "inpatients.csv", (uint64_t)sqlite3_column_int64(q.row, 0),
                   store_col_text(q.row, 1), err, "ID %s admitted at %s (admission %s) and at %s",
                   mid.ptr, store_col_text(q.row, 1), store_col_text(q.row, 2),
                   store_col_text(q.first, 1));
    }
    repeats_release(&r);
    if (!rc)
        rc = check_keys(L, &L->maybe_bed,
                        "SELECT site_code, ward_code, bed, rowid FROM inpatient INDEXED BY"
                        " inpatient_bed ORDER BY site_code, ward_code, bed, rowid",
                        "SELECT site_code, ward_code, bed, rowid FROM inpatient INDEXED BY"
                        " inpatient_bed WHERE site_code = ?1 AND ward_code = ?2 AND bed = ?3"
                        " ORDER BY rowid",
                        3, REPEAT_ANY, &r, err);
    if (r.n)
        qsort(r.v, r.n, sizeof(r.v[0]), by_rowid);
    for (size_t i = 0; !rc && i < r.n; i++) {
        rc = repeat_rows_read(L, &q, &r.v[i], err);
        if (rc)
            break;
        rc = warnf(L, "bed_two_patients", "inpatients.csv",
                   (uint64_t)sqlite3_column_int64(q.row, 0), store_col_text(q.row, 1), err,
                   "bed %s:%s of site %s lists admission %s and the patient on line %lld",
                   store_col_text(q.row, 4), store_col_text(q.row, 5), store_col_text(q.row, 1),
                   store_col_text(q.row, 2), (long long)sqlite3_column_int64(q.first, 0));
    }
    repeat_rows_close(&q);
    repeats_release(&r);
    buf_release(&mid);
    return rc;
}

/* The part of code_index the tables cannot answer (core/refdb.h): default
 * labels of the beds wards.csv counts (1..bed_count) that no patient lies in,
 * for sites without a bed_label pattern. Occupied beds, extra beds ("12+")
 * and every other kind come from the view's arms over the indexed tables. */
static const char code_entry_fill_sql[] =
    "INSERT INTO code_entry (code, kind, site_code, ref)"
    " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "   WHERE i < (SELECT coalesce(max(bed_count), 0) FROM ward))"
    " SELECT w.ward_code || '-' || n.i, 'bed_label', w.site_code, w.ward_code || ':' || n.i"
    " FROM ward w JOIN n ON n.i <= coalesce(w.bed_count, 0)"
    " WHERE w.site_code NOT IN (SELECT site_code FROM scan_pattern WHERE kind = 'bed_label')"
    " AND NOT EXISTS (SELECT 1 FROM inpatient i WHERE i.site_code = w.site_code"
    "   AND i.ward_code = w.ward_code AND i.bed = CAST(n.i AS TEXT))"
    " ORDER BY 1;";

/* ---- mission.json --------------------------------------------------------- */

struct manifest {
    struct mission_info info;
    char *extra; /* JSON text of unknown keys, or NULL */
};

static int valid_mission_id(const char *s)
{
    size_t n = strlen(s);

    if (!n || n > 64 || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static int manifest_time(json_t *root, const char *key, char *out, size_t outsz, const char *path,
                         struct fc_error *err)
{
    json_t *v = json_object_get(root, key);
    int64_t ms;

    out[0] = 0;
    if (!v || json_is_null(v))
        return FC_OK;
    if (!json_is_string(v) || clock_parse(json_string_value(v), &ms))
        return fc_error_set(err, FC_EINPUT, "'%s': %s is not an ISO 8601 time", path, key);
    {
        time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return FC_OK;
}

static int read_manifest(const char *dir, struct manifest *m, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    json_t *root = NULL, *v, *extra = NULL;
    json_error_t jerr;
    const char *key;
    int rc = FC_OK;

    memset(m, 0, sizeof(*m));
    buf_addf(&path, "%s/mission.json", dir);
    if (!fs_exists(path.ptr)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' is not a mission folder: no mission.json", dir);
        goto out;
    }
    root = json_load_file(path.ptr, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        rc = fc_error_set(err, FC_EINPUT, "'%s' line %d: %s", path.ptr, jerr.line, jerr.text);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': not a JSON object", path.ptr);
        goto out;
    }
    v = json_object_get(root, "mission_id");
    if (!json_is_string(v) || !valid_mission_id(json_string_value(v))) {
        rc = fc_error_set(err, FC_EINPUT,
                          "'%s': mission_id must be 1-64 letters, digits, '-', '_' or '.'",
                          path.ptr);
        goto out;
    }
    snprintf(m->info.mission_id, sizeof(m->info.mission_id), "%s", json_string_value(v));
    v = json_object_get(root, "version");
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000000) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': version must be a whole number >= 1", path.ptr);
        goto out;
    }
    m->info.version = (int64_t)json_integer_value(v);
    v = json_object_get(root, "kind");
    if (!json_is_string(v) ||
        (strcmp(json_string_value(v), "night") && strcmp(json_string_value(v), "pharmacy") &&
         strcmp(json_string_value(v), "flight") && strcmp(json_string_value(v), "mixed"))) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': kind must be night, pharmacy, flight or mixed",
                          path.ptr);
        goto out;
    }
    snprintf(m->info.kind, sizeof(m->info.kind), "%s", json_string_value(v));
    v = json_object_get(root, "title");
    if (!json_is_string(v) || !json_string_length(v) ||
        json_string_length(v) >= sizeof(m->info.title)) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': title must be a non-empty string", path.ptr);
        goto out;
    }
    snprintf(m->info.title, sizeof(m->info.title), "%s", json_string_value(v));
    rc = manifest_time(root, "issued_at", m->info.issued_at, sizeof(m->info.issued_at), path.ptr,
                       err);
    if (!rc)
        rc = manifest_time(root, "expires_at", m->info.expires_at, sizeof(m->info.expires_at),
                           path.ptr, err);
    if (rc)
        goto out;
    if (m->info.issued_at[0] && m->info.expires_at[0] &&
        strcmp(m->info.expires_at, m->info.issued_at) <= 0) {
        rc = fc_error_set(err, FC_EINPUT, "'%s': expires_at is not after issued_at", path.ptr);
        goto out;
    }
    extra = json_object();
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "mission_id") && strcmp(key, "version") && strcmp(key, "kind") &&
            strcmp(key, "title") && strcmp(key, "issued_at") && strcmp(key, "expires_at"))
            json_object_set(extra, key, v);
    }
    if (json_object_size(extra))
        m->extra = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
out:
    json_decref(root);
    json_decref(extra);
    buf_release(&path);
    return rc;
}

/* Which CSV files a kind needs (at least one of the mask for "mixed"). */
static int check_required_files(const char *dir, const struct manifest *m, struct fc_error *err)
{
    struct buf p = BUF_INIT;
    int have[F_COUNT];
    int rc = FC_OK;

    for (int f = 0; f < F_COUNT; f++) {
        buf_reset(&p);
        buf_addf(&p, "%s/%s", dir, files[f].file);
        have[f] = fs_exists(p.ptr);
    }
    buf_release(&p);
    if (!strcmp(m->info.kind, "night") && !have[F_INPATIENTS])
        rc = fc_error_set(err, FC_EINPUT,
                          "mission folder '%s': a night mission needs inpatients.csv", dir);
    else if (!strcmp(m->info.kind, "pharmacy") && !have[F_DRUGS])
        rc = fc_error_set(err, FC_EINPUT, "mission folder '%s': a pharmacy mission needs drugs.csv",
                          dir);
    else if (!strcmp(m->info.kind, "flight") && !have[F_SUSPICIONS])
        rc = fc_error_set(err, FC_EINPUT,
                          "mission folder '%s': a flight mission needs suspicions.csv", dir);
    else if (!strcmp(m->info.kind, "mixed") && !have[F_INPATIENTS] && !have[F_DRUGS] &&
             !have[F_SUSPICIONS])
        rc = fc_error_set(err, FC_EINPUT,
                          "mission folder '%s': a mixed mission needs inpatients.csv, drugs.csv "
                          "or suspicions.csv",
                          dir);
    return rc;
}

/* SHA-256 over the names and SHA-256s of mission.json and the known CSV files
 * present: what "the same folder content" means for a reload. With L, the CSV
 * digests are those the loader's reads computed (csv_reader_open_digest), so
 * a fresh load reads each file once; without, the files are read here. */
static int content_digest(const char *dir, const struct loader *L, char hex[HASH_HEX_LEN + 1],
                          struct fc_error *err)
{
    struct hash_ctx ctx;
    struct buf p = BUF_INIT;
    unsigned char h[HASH_LEN];
    int rc = FC_OK;

    hash_init(&ctx);
    for (int f = -1; f < F_COUNT; f++) {
        const char *name = f < 0 ? "mission.json" : files[f].file;
        if (L && f >= 0) {
            if (!L->stat[f].present)
                continue;
            memcpy(h, L->file_digest[f], sizeof(h));
        } else {
            buf_reset(&p);
            buf_addf(&p, "%s/%s", dir, name);
            if (!fs_exists(p.ptr))
                continue;
            rc = hash_file(p.ptr, h, NULL, err);
            if (rc)
                goto out;
        }
        hash_update(&ctx, name, strlen(name) + 1);
        hash_update(&ctx, h, sizeof(h));
    }
    hash_final(&ctx, h);
    hash_to_hex(hex, h, sizeof(h));
out:
    buf_release(&p);
    return rc;
}

/* ---- device database records ---------------------------------------------- */

static void info_from_row(sqlite3_stmt *st, struct mission_info *m)
{
    memset(m, 0, sizeof(*m));
    snprintf(m->mission_id, sizeof(m->mission_id), "%s", store_col_text(st, 0));
    m->version = sqlite3_column_int64(st, 1);
    snprintf(m->kind, sizeof(m->kind), "%s", store_col_text(st, 2));
    snprintf(m->title, sizeof(m->title), "%s", store_col_text(st, 3));
    snprintf(m->issued_at, sizeof(m->issued_at), "%s", store_col_text(st, 4));
    snprintf(m->expires_at, sizeof(m->expires_at), "%s", store_col_text(st, 5));
    snprintf(m->file, sizeof(m->file), "%s", store_col_text(st, 6));
    snprintf(m->sha256, sizeof(m->sha256), "%s", store_col_text(st, 7));
    snprintf(m->loaded_at, sizeof(m->loaded_at), "%s", store_col_text(st, 8));
}

#define INFO_COLS "mission_id, version, kind, title, issued_at, expires_at, file, sha256, loaded_at"

/* What the device database knows about a mission id before a load. */
struct prior {
    int64_t max_version;
    int same_version;               /* a row with the version being loaded exists */
    char content[HASH_HEX_LEN + 1]; /* ... and the content digest it was loaded from */
    struct mission_info row;        /* that row */
};

static int prior_state(struct store *s, const struct manifest *m, struct prior *p,
                       struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    memset(p, 0, sizeof(*p));
    rc = store_prepare(s,
                       "SELECT " INFO_COLS ", json_extract(counts, '$.content_sha256')"
                       " FROM mission WHERE mission_id = ?1 ORDER BY version DESC",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, m->info.mission_id);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v = sqlite3_column_int64(st, 1);
        if (v > p->max_version)
            p->max_version = v;
        if (v == m->info.version) {
            p->same_version = 1;
            snprintf(p->content, sizeof(p->content), "%s", store_col_text(st, 9));
            info_from_row(st, &p->row);
        }
    }
    if (r != SQLITE_DONE)
        rc = store_fail(s, err, "cannot read missions");
    sqlite3_finalize(st);
    return rc;
}

static int record_mission(struct store *s, const struct manifest *m, const struct loader *L,
                          const char *digest, const char *source, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    json_t *counts = json_object(), *fl = json_object();
    char *counts_text = NULL;
    int rc;

    for (int f = 0; f < F_COUNT; f++) {
        if (!L->stat[f].present)
            continue;
        json_object_set_new(fl, files[f].file,
                            json_pack("{s:s, s:I, s:I, s:I}", "encoding", L->stat[f].encoding,
                                      "rows", (json_int_t)L->stat[f].rows, "loaded",
                                      (json_int_t)L->stat[f].loaded, "rejected",
                                      (json_int_t)L->stat[f].rejected));
    }
    json_object_set_new(counts, "content_sha256", json_string(digest));
    json_object_set_new(counts, "files", fl);
    counts_text = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
    rc = store_prepare(s,
                       "INSERT OR REPLACE INTO mission (mission_id, version, kind, title,"
                       " issued_at, expires_at, file, sha256, loaded_at, counts, source)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                       &st, err);
    if (rc)
        goto out;
    store_bind_text(st, 1, m->info.mission_id);
    sqlite3_bind_int64(st, 2, m->info.version);
    store_bind_text(st, 3, m->info.kind);
    store_bind_text(st, 4, m->info.title);
    store_bind_text(st, 5, m->info.issued_at[0] ? m->info.issued_at : NULL);
    store_bind_text(st, 6, m->info.expires_at[0] ? m->info.expires_at : NULL);
    store_bind_text(st, 7, m->info.file);
    store_bind_text(st, 8, m->info.sha256);
    store_bind_text(st, 9, m->info.loaded_at);
    store_bind_text(st, 10, counts_text);
    store_bind_text(st, 11, source);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = store_fail(s, err, "cannot record the mission");
out:
    sqlite3_finalize(st);
    free(counts_text);
    json_decref(counts);
    return rc;
}

/* ---- the load ------------------------------------------------------------- */

static int exec_sql(struct loader *L, const char *sql, struct fc_error *err)
{
    if (sqlite3_exec(L->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot build the reference database");
    return FC_OK;
}

static int prepare_lookups(struct loader *L, struct fc_error *err)
{
    if (sqlite3_prepare_v2(L->db,
                           "INSERT OR IGNORE INTO site (site_code, site_name, site_kind)"
                           " VALUES (?1, ?2, ?3)",
                           -1, &L->ins_site, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(L->db,
                           "INSERT INTO load_warning (kind, file, line, site_code, message)"
                           " VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &L->ins_warn, NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot prepare the loader");
    return FC_OK;
}

static int insert_manifest(struct loader *L, const struct manifest *m, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = FC_OK;

    if (sqlite3_prepare_v2(L->db,
                           "INSERT INTO mission (mission_id, version, kind, title, issued_at,"
                           " expires_at, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot prepare the mission row");
    store_bind_text(st, 1, m->info.mission_id);
    sqlite3_bind_int64(st, 2, m->info.version);
    store_bind_text(st, 3, m->info.kind);
    store_bind_text(st, 4, m->info.title);
    store_bind_text(st, 5, m->info.issued_at[0] ? m->info.issued_at : NULL);
    store_bind_text(st, 6, m->info.expires_at[0] ? m->info.expires_at : NULL);
    store_bind_text(st, 7, m->extra);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_fail(L, err, "cannot insert the mission row");
    sqlite3_finalize(st);
    return rc;
}

static void loader_finalize(struct loader *L)
{
    sqlite3_finalize(L->ins_site);
    sqlite3_finalize(L->ins_warn);
    L->ins_site = L->ins_warn = NULL;
}

static void loader_release(struct loader *L)
{
    loader_finalize(L);
    for (int c = 0; c < MAX_COLS; c++)
        buf_release(&L->val[c]);
    buf_release(&L->extra);
    buf_release(&L->reason);
    buf_release(&L->reason_local);
    buf_release(&L->ward_code);
    buf_release(&L->ward_name);
    buf_release(&L->lookup_key);
    forget_keys(L);
    keylist_release(&L->maybe_adm);
    keylist_release(&L->maybe_bed);
    keylist_release(&L->maybe_id);
    forget_lookups(L);
    if (L->db)
        sqlite3_close(L->db);
    L->db = NULL;
}

static int fsync_path(const char *path, struct fc_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open '%s': %s", path, strerror(errno));
    rc = fs_fsync_fd(fd, path, err);
    close(fd);
    return rc;
}

struct fsync_job {
    const char *path;
    struct fc_error err;
    int rc;
};

static void *fsync_main(void *arg)
{
    struct fsync_job *j = arg;

    j->rc = fsync_path(j->path, &j->err);
    return NULL;
}

/* The file's SHA-256 while it goes to disk: the flush waits on the device,
 * the hash on the CPU, so they overlap (the hash reads the page cache). */
static int fsync_and_hash(const char *path, unsigned char h[HASH_LEN], struct fc_error *err)
{
    struct fsync_job job = {.path = path};
    pthread_t t;
    int rc, started = pthread_create(&t, NULL, fsync_main, &job) == 0;

    if (!started)
        job.rc = fsync_path(path, &job.err);
    rc = hash_file(path, h, NULL, err);
    if (started)
        pthread_join(t, NULL);
    if (!rc && job.rc) {
        if (err)
            *err = job.err;
        rc = job.rc;
    }
    return rc;
}

/* Builds the reference database into tmp. Returns FC_OK with rejects counted
 * in L; the caller decides whether rejects fail the load. */
static int build(struct loader *L, const struct manifest *m, const char *tmp, struct fc_error *err)
{
    int rc;

    if (sqlite3_open_v2(tmp, &L->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return db_fail(L, err, "cannot create the reference database");
    sqlite3_extended_result_codes(L->db, 1);
    /* a half-built file is deleted, never used: no journal, no syncs until
     * the explicit fsync before the rename. 16 KiB pages: a quarter of the
     * system calls for the bulk insert's spills and the index builds' reads,
     * and shallower trees for the scans' probes. */
    rc = exec_sql(L,
                  "PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                  " PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384;"
                  " PRAGMA trusted_schema = OFF",
                  err);
    if (!rc)
        rc = exec_sql(L, refdb_schema_sql, err);
    if (!rc)
        rc = exec_sql(L, "BEGIN", err);
    if (!rc)
        rc = prepare_lookups(L, err);
    if (!rc)
        rc = insert_manifest(L, m, err);
    for (int f = 0; !rc && f < F_COUNT; f++)
        if (L->stat[f].present)
            rc = load_file(L, (enum file_id)f, err);
    /* the index sorts on a helper thread each, with half the cache apiece:
     * the same memory as one sort, a quarter less wall time */
    if (!rc)
        rc = exec_sql(L, "PRAGMA threads = 2; PRAGMA cache_size = -8192", err);
    if (!rc)
        rc = exec_sql(L, refdb_index_sql, err);
    if (!rc && L->stat[F_INPATIENTS].present)
        rc = check_duplicate_admissions(L, err);
    if (!rc && L->stat[F_LEAVES].present && L->stat[F_INPATIENTS].present)
        rc = check_leaves(L, err);
    if (!rc && L->stat[F_INPATIENTS].present)
        rc = roster_warnings(L, err);
    if (!rc && L->rejects && !L->partial)
        return FC_OK; /* the caller fails the load; no point building the rest */
    if (!rc)
        rc = exec_sql(L, code_entry_fill_sql, err);
    if (!rc)
        rc = exec_sql(L, refdb_code_index_sql, err);
    if (!rc)
        rc = exec_sql(L, refdb_aggregate_sql, err);
    if (!rc) {
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", REFDB_SCHEMA_VERSION);
        rc = exec_sql(L, pragma, err);
    }
    if (!rc)
        rc = exec_sql(L, "COMMIT", err);
    return rc;
}

int mission_load(struct store *s, const char *dir, int partial,
                 const struct mission_load_sink *sink, struct mission_info *info,
                 enum mission_load_status *status, struct fc_error *err)
{
    struct loader L;
    struct manifest m;
    struct prior prior;
    struct buf mdir = BUF_INIT, tmp = BUF_INIT, final = BUF_INIT;
    char digest[HASH_HEX_LEN + 1], *source = NULL, *real_mdir = NULL;
    unsigned char h[HASH_LEN];
    int rc, tmp_made = 0, have_digest = 0;

    memset(&L, 0, sizeof(L));
    keylist_init(&L.maybe_adm);
    keylist_init(&L.maybe_bed);
    keylist_init(&L.maybe_id);
    keylist_init(&L.known_sites);
    keylist_init(&L.known_wards);
    keylist_init(&L.known_drugs);
    keylist_init(&L.new_sites);
    keylist_init(&L.tag_sites);
    buf_init(&L.lookup_key);
    memset(&m, 0, sizeof(m));
    for (int c = 0; c < MAX_COLS; c++)
        buf_init(&L.val[c]);
    buf_init(&L.extra);
    buf_init(&L.reason);
    buf_init(&L.reason_local);
    buf_init(&L.ward_code);
    buf_init(&L.ward_name);
    if (status)
        *status = MISSION_LOADED;
    rc = read_manifest(dir, &m, err);
    if (!rc)
        rc = check_required_files(dir, &m, err);
    if (!rc)
        rc = prior_state(s, &m, &prior, err);
    if (rc)
        goto out;
    if (prior.same_version) {
        /* a reload: the folder must be read up front to tell "unchanged" from
         * "changed without a version bump"; a fresh load (the common, large
         * case) gets its digest from the reads that load it */
        rc = content_digest(dir, NULL, digest, err);
        if (rc)
            goto out;
        have_digest = 1;
        if (strcmp(digest, prior.content)) {
            rc = fc_error_set(err, FC_ESTATE,
                              "mission '%s' version %lld already loaded with other content: "
                              "bump the version",
                              m.info.mission_id, (long long)m.info.version);
            goto out;
        }
        if (fs_exists(prior.row.file)) {
            if (status)
                *status = MISSION_UNCHANGED;
            if (info)
                *info = prior.row;
            goto out;
        }
    }
    if (prior.max_version > m.info.version) {
        rc = fc_error_set(err, FC_ESTATE,
                          "mission '%s' version %lld is older than the loaded version %lld: "
                          "refused",
                          m.info.mission_id, (long long)m.info.version,
                          (long long)prior.max_version);
        goto out;
    }
    if (status && prior.max_version && prior.max_version < m.info.version)
        *status = MISSION_REPLACED;

    buf_addf(&mdir, "%s/missions", store_dir(s));
    rc = fs_mkdir_p(mdir.ptr, 0700, err);
    if (rc)
        goto out;
    real_mdir = realpath(mdir.ptr, NULL);
    buf_addf(&final, "%s/%s-v%lld.db", real_mdir ? real_mdir : mdir.ptr, m.info.mission_id,
             (long long)m.info.version);
    buf_addf(&tmp, "%s.tmp", final.ptr);
    unlink(tmp.ptr); /* left over from a crash */
    tmp_made = 1;

    L.s = s;
    L.sink = sink;
    L.partial = partial;
    L.now_ms = clock_now_ms();
    {
        /* "YYYY-MM-DDTHH:MM:SS+hh:mm": the local date ident_age_at would use */
        char local[CLOCK_ISO_MAX];
        clock_format_local(L.now_ms, local);
        if (sscanf(local, "%4d-%2d-%2d", &L.today_y, &L.today_m, &L.today_d) != 3)
            BUG("clock_format_local gave '%s'", local);
    }
    L.dir = dir;
    for (int f = 0; f < F_COUNT; f++) {
        struct buf p = BUF_INIT;
        buf_addf(&p, "%s/%s", dir, files[f].file);
        L.stat[f].present = fs_exists(p.ptr);
        buf_release(&p);
    }
    rc = build(&L, &m, tmp.ptr, err);
    if (sink && sink->file_done)
        for (int f = 0; f < F_COUNT; f++)
            if (L.stat[f].present && L.stat[f].encoding)
                sink->file_done(sink->ctx, files[f].file, L.stat[f].encoding, L.stat[f].rows,
                                L.stat[f].loaded, L.stat[f].rejected);
    if (!rc && L.rejects && !partial)
        rc = fc_error_set(err, FC_EINPUT,
                          "mission '%s' version %lld not loaded: rejected rows: %llu (nothing "
                          "changed; --partial skips them)",
                          m.info.mission_id, (long long)m.info.version,
                          (unsigned long long)L.rejects);
    if (!rc && !have_digest)
        rc = content_digest(dir, &L, digest, err);
    if (rc)
        goto out;
    loader_finalize(&L);
    if (sqlite3_close(L.db) != SQLITE_OK) {
        rc = db_fail(&L, err, "cannot close the reference database");
        goto out;
    }
    L.db = NULL;
    /* personal data: owner only, whatever the umask */
    if (chmod(tmp.ptr, 0600) != 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot protect '%s': %s", tmp.ptr,
                             strerror(errno));
        goto out;
    }
    rc = fsync_and_hash(tmp.ptr, h, err);
    if (!rc)
        rc = fs_rename_durable(tmp.ptr, final.ptr, err);
    if (rc)
        goto out;
    tmp_made = 0;
    snprintf(m.info.file, sizeof(m.info.file), "%s", final.ptr);
    hash_to_hex(m.info.sha256, h, sizeof(h));
    {
        char at[CLOCK_ISO_MAX];
        clock_format_utc(clock_now_ms(), at);
        snprintf(m.info.loaded_at, sizeof(m.info.loaded_at), "%s", at);
    }
    source = realpath(dir, NULL);
    rc = record_mission(s, &m, &L, digest, source ? source : dir, err);
    if (!rc && info)
        *info = m.info;
out:
    loader_release(&L);
    if (tmp_made)
        unlink(tmp.ptr);
    free(m.extra);
    free(source);
    free(real_mdir);
    buf_release(&mdir);
    buf_release(&tmp);
    buf_release(&final);
    return rc;
}

/* ---- queries -------------------------------------------------------------- */

int mission_foreach(struct store *s, int (*cb)(const struct mission_info *m, void *ctx), void *ctx,
                    struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct mission_info m;
    int rc, r;

    rc = store_prepare(s,
                       "SELECT " INFO_COLS " FROM mission m WHERE version ="
                       " (SELECT max(version) FROM mission WHERE mission_id = m.mission_id)"
                       " ORDER BY loaded_at, mission_id",
                       &st, err);
    if (rc)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        info_from_row(st, &m);
        rc = cb(&m, ctx);
        if (rc)
            goto out;
    }
    if (r != SQLITE_DONE)
        rc = store_fail(s, err, "cannot list missions");
out:
    sqlite3_finalize(st);
    return rc;
}

int mission_get(struct store *s, const char *mission_id, struct mission_info *out,
                struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    rc = store_prepare(s,
                       "SELECT " INFO_COLS " FROM mission WHERE mission_id = ?1"
                       " ORDER BY version DESC LIMIT 1",
                       &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        info_from_row(st, out);
    else if (r == SQLITE_DONE)
        rc = fc_error_set(err, FC_ENOTFOUND, "no mission '%s' loaded", mission_id);
    else
        rc = store_fail(s, err, "cannot read missions");
    sqlite3_finalize(st);
    return rc;
}

static int get_version(struct store *s, const char *mission_id, int64_t version,
                       struct mission_info *out, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    if (version <= 0)
        return mission_get(s, mission_id, out, err);
    rc = store_prepare(
        s, "SELECT " INFO_COLS " FROM mission WHERE mission_id = ?1 AND version = ?2", &st, err);
    if (rc)
        return rc;
    store_bind_text(st, 1, mission_id);
    sqlite3_bind_int64(st, 2, version);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        info_from_row(st, out);
    else if (r == SQLITE_DONE)
        rc = fc_error_set(err, FC_ENOTFOUND, "no mission '%s' version %lld loaded", mission_id,
                          (long long)version);
    else
        rc = store_fail(s, err, "cannot read missions");
    sqlite3_finalize(st);
    return rc;
}

int mission_counts(struct store *s, const char *mission_id, int64_t version, struct buf *out,
                   struct fc_error *err)
{
    struct mission_info m;
    sqlite3_stmt *st = NULL;
    int rc;

    rc = get_version(s, mission_id, version, &m, err);
    if (rc)
        return rc;
    rc = store_prepare(s, "SELECT counts FROM mission WHERE mission_id = ?1 AND version = ?2", &st,
                       err);
    if (rc)
        return rc;
    store_bind_text(st, 1, m.mission_id);
    sqlite3_bind_int64(st, 2, m.version);
    if (sqlite3_step(st) == SQLITE_ROW)
        buf_adds(out, store_col_text(st, 0));
    else
        rc = store_fail(s, err, "cannot read missions");
    sqlite3_finalize(st);
    return rc;
}

/* "file:" URI of a path, read-only; SQLite wants %-escapes for ?, # and %. */
static void ro_uri(struct buf *out, const char *path)
{
    buf_adds(out, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-_.~", *p))
            buf_addch(out, (char)*p);
        else
            buf_addf(out, "%%%02X", *p);
    }
    /* immutable: the file never changes once renamed into place (a new
     * version is a new file), so SQLite may skip the file locks and the
     * hot-journal check it would make for every statement: several system
     * calls per scan otherwise */
    buf_adds(out, "?mode=ro&immutable=1");
}

static int attach_ref(struct store *s, const char *path, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    struct buf uri = BUF_INIT;
    int rc;

    ro_uri(&uri, path);
    rc = store_prepare(s, "ATTACH DATABASE ?1 AS ref", &st, err);
    if (!rc) {
        store_bind_text(st, 1, uri.ptr);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = store_fail(s, err, "cannot attach the mission file");
    }
    sqlite3_finalize(st);
    buf_release(&uri);
    /* The file is immutable and every scan probes it at random: map it
     * instead of reading pages through the small default cache (the tail of
     * the scan latency is page reads). */
    if (!rc)
        rc = store_exec(s, "PRAGMA ref.mmap_size = 4294967296", err);
    return rc;
}

static int is_attached(struct store *s, const char *schema)
{
    sqlite3_stmt *st = NULL;
    int found = 0;

    if (store_prepare(s, "SELECT 1 FROM pragma_database_list WHERE name = ?1", &st, NULL))
        return 0;
    store_bind_text(st, 1, schema);
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int mission_find_site(struct store *s, const char *site_code, struct mission_info *out,
                      struct buf *site_name, struct buf *site_kind, struct fc_error *err)
{
    sqlite3_stmt *list = NULL, *q = NULL;
    struct mission_info *ms = NULL;
    size_t n = 0, cap = 0;
    int rc, r, found = 0;

    /* Read the candidates first: DETACH fails while a statement is still
     * stepping, so no cursor may stay open across the probes. */
    rc = store_prepare(s,
                       "SELECT " INFO_COLS " FROM mission m WHERE version ="
                       " (SELECT max(version) FROM mission WHERE mission_id = m.mission_id)"
                       " ORDER BY loaded_at DESC, mission_id",
                       &list, err);
    if (rc)
        return rc;
    while ((r = sqlite3_step(list)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            ms = xreallocarray(ms, cap, sizeof(*ms));
        }
        info_from_row(list, &ms[n++]);
    }
    if (r != SQLITE_DONE)
        rc = store_fail(s, err, "cannot read missions");
    sqlite3_finalize(list);
    if (rc)
        goto out;
    /* Each candidate file is probed through its own read-only connection:
     * ATTACH/DETACH on the device connection fails while any of its
     * statements is active (the TUI keeps some open). */
    for (size_t i = 0; i < n && !found; i++) {
        sqlite3 *probe = NULL;

        if (!fs_exists(ms[i].file))
            continue;
        if (sqlite3_open_v2(ms[i].file, &probe, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
                SQLITE_OK ||
            sqlite3_prepare_v2(probe, "SELECT site_name, site_kind FROM site WHERE site_code = ?1",
                               -1, &q, NULL) != SQLITE_OK) {
            rc = fc_error_set(err, FC_EDB, "cannot read mission file '%s': %s", ms[i].file,
                              probe ? sqlite3_errmsg(probe) : "out of memory");
            sqlite3_close(probe);
            goto out;
        }
        store_bind_text(q, 1, site_code);
        r = sqlite3_step(q);
        if (r == SQLITE_ROW) {
            found = 1;
            if (out)
                *out = ms[i];
            if (site_name)
                buf_adds(site_name, store_col_text(q, 0));
            if (site_kind)
                buf_adds(site_kind, store_col_text(q, 1));
        } else if (r != SQLITE_DONE) {
            rc = fc_error_set(err, FC_EDB, "cannot read sites of '%s': %s", ms[i].file,
                              sqlite3_errmsg(probe));
        }
        sqlite3_finalize(q);
        q = NULL;
        sqlite3_close(probe);
        if (rc)
            goto out;
    }
    if (!found)
        rc = fc_error_set(err, FC_ENOTFOUND, "no loaded mission lists site '%s'", site_code);
out:
    sqlite3_finalize(q);
    free(ms);
    return rc;
}

int mission_attach_file(struct store *s, const char *path, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (is_attached(s, "ref")) {
        rc = store_exec(s, "DETACH DATABASE ref", err);
        if (rc)
            return rc;
    }
    rc = attach_ref(s, path, err);
    if (rc)
        return rc;
    rc = store_prepare(s, "PRAGMA ref.user_version", &st, err);
    if (!rc) {
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = store_fail(s, err, "cannot read the mission file");
        else if (sqlite3_column_int(st, 0) != REFDB_SCHEMA_VERSION)
            rc = fc_error_set(err, FC_ESTATE,
                              "mission file '%s' has layout %d, this program reads %d: reload it",
                              path, sqlite3_column_int(st, 0), REFDB_SCHEMA_VERSION);
    }
    sqlite3_finalize(st);
    if (rc)
        store_exec(s, "DETACH DATABASE ref", NULL);
    return rc;
}

/* Whether "ref" is attached to path already. */
static int attached_to(struct store *s, const char *path)
{
    sqlite3_stmt *st = NULL;
    int same = 0;

    if (store_prepare(s, "SELECT file FROM pragma_database_list WHERE name = 'ref'", &st, NULL))
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        same = !strcmp(store_col_text(st, 0), path);
    sqlite3_finalize(st);
    return same;
}

int mission_attach(struct store *s, const char *mission_id, int64_t version, struct fc_error *err)
{
    struct mission_info m;
    int rc;

    rc = get_version(s, mission_id, version, &m, err);
    if (rc)
        return rc;
    if (attached_to(s, m.file))
        return FC_OK;
    if (!fs_exists(m.file))
        return fc_error_set(err, FC_EINTEGRITY,
                            "mission file '%s' is missing (reload mission '%s')", m.file,
                            mission_id);
    return mission_attach_file(s, m.file, err);
}

int mission_verify(struct store *s, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc, r;

    rc = store_prepare(s,
                       "SELECT mission_id, version, file, sha256 FROM mission"
                       " ORDER BY mission_id, version",
                       &st, err);
    if (rc)
        return rc;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned char h[HASH_LEN];
        char hex[HASH_HEX_LEN + 1];
        const char *file = store_col_text(st, 2);
        struct fc_error e;

        if (hash_file(file, h, NULL, &e)) {
            rc = fc_error_set(err, FC_EINTEGRITY, "mission '%s' version %lld: %s",
                              store_col_text(st, 0), (long long)sqlite3_column_int64(st, 1), e.msg);
            goto out;
        }
        hash_to_hex(hex, h, sizeof(h));
        if (strcmp(hex, store_col_text(st, 3))) {
            rc = fc_error_set(err, FC_EINTEGRITY,
                              "mission file '%s' (mission '%s' version %lld) no longer matches "
                              "its recorded SHA-256",
                              file, store_col_text(st, 0), (long long)sqlite3_column_int64(st, 1));
            goto out;
        }
    }
    if (r != SQLITE_DONE)
        rc = store_fail(s, err, "cannot read missions");
out:
    sqlite3_finalize(st);
    return rc;
}
