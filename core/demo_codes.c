/* Codes to try on the demo mission and their printable sheet
 * (core/demo_codes.h). Each code is one indexed query on the demo's
 * reference database: the first listed patient of the largest hospital's
 * first ward (by sites.csv's beds, never a count over the whole roster, which
 * a grown demo mission makes slow), a patient of the same ward listed for another bed, a settled
 * traceability code of the pharmacy, a GTIN. */
#include "core/demo_codes.h"

#include "core/mission/mission.h"
#include "core/report/barcode.h"
#include "core/report/html.h"
#include "core/store/store.h"

#include <stdio.h>
#include <string.h>

struct find_demo {
    char id[128];
    int64_t version;
};

static int demo_cb(const struct mission_info *m, void *ctx)
{
    struct find_demo *f = ctx;

    if (strncmp(m->mission_id, "demo-", 5))
        return 0;
    snprintf(f->id, sizeof(f->id), "%s", m->mission_id);
    f->version = m->version;
    return 1;
}

/* The first column's text of a one-row query with up to two text
 * parameters ("" and FC_OK when no row). */
static int one(struct store *s, const char *sql, const char *p1, const char *p2, char *out,
               size_t cap, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st, err);

    out[0] = '\0';
    if (rc)
        return rc;
    if (p1)
        store_bind_text(st, 1, p1);
    if (p2)
        store_bind_text(st, 2, p2);
    rc = store_one_text(s, st, out, cap, "cannot read the demo", err);
    return rc == FC_ENOTFOUND ? FC_OK : rc;
}

/* The first listed patient of a site ("" everywhere when it has none). */
struct patient {
    char ward[64], bed[64], band[128], id[64];
};

static int patient_row(sqlite3_stmt *st, void *ctx)
{
    struct patient *p = ctx;

    snprintf(p->ward, sizeof(p->ward), "%s", store_col_text(st, 0));
    snprintf(p->bed, sizeof(p->bed), "%s", store_col_text(st, 1));
    snprintf(p->band, sizeof(p->band), "%s", store_col_text(st, 2));
    snprintf(p->id, sizeof(p->id), "%s", store_col_text(st, 3));
    return FC_OK;
}

static int first_patient(struct store *s, const char *site, struct patient *p, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s,
                           "SELECT ward_code, bed, coalesce(wristband_code, ''), id_number"
                           " FROM ref.inpatient WHERE site_code = ?1"
                           " ORDER BY ward_code, CAST(bed AS INTEGER), bed, admission_no LIMIT 1",
                           &st, err);

    memset(p, 0, sizeof(*p));
    if (rc)
        return rc;
    store_bind_text(st, 1, site);
    rc = store_one(s, st, patient_row, p, "cannot read the demo", err);
    return rc == FC_ENOTFOUND ? FC_OK : rc;
}

int demo_try_codes(struct store *s,
                   int (*cb)(const char *what_en, const char *what_zh, const char *code, void *ctx),
                   void *ctx, struct fc_error *err)
{
    struct find_demo f;
    struct patient pt;
    char site[64], other[64], label[160];
    char trace[128], gtin[64];
    int rc;

    memset(&f, 0, sizeof(f));
    rc = mission_foreach(s, demo_cb, &f, err);
    if (rc < 0 || !f.id[0])
        return rc < 0 ? rc : FC_OK;
    rc = mission_attach(s, f.id, f.version, err);
    if (!rc)
        rc = one(s,
                 "SELECT s.site_code FROM ref.site s WHERE EXISTS"
                 " (SELECT 1 FROM ref.inpatient i WHERE i.site_code = s.site_code)"
                 " ORDER BY coalesce(s.bed_count, 0) DESC, s.site_code LIMIT 1",
                 NULL, NULL, site, sizeof(site), err);
    if (!rc)
        rc = first_patient(s, site, &pt, err);
    if (!rc)
        rc = one(s,
                 "SELECT id_number FROM ref.inpatient WHERE site_code = ?1 AND ward_code = ?2"
                 " AND CAST(bed AS INTEGER) > 1 ORDER BY CAST(bed AS INTEGER), admission_no"
                 " LIMIT 1 OFFSET 1",
                 site, pt.ward, other, sizeof(other), err);
    if (!rc)
        rc = one(s,
                 "SELECT trace_code FROM ref.settlement WHERE coalesce(trace_code, '') <> ''"
                 " ORDER BY settlement_id LIMIT 1",
                 NULL, NULL, trace, sizeof(trace), err);
    if (!rc)
        rc = one(s,
                 "SELECT gtin FROM ref.drug WHERE gtin IS NOT NULL AND gtin <> ''"
                 " ORDER BY drug_code LIMIT 1",
                 NULL, NULL, gtin, sizeof(gtin), err);
    if (rc || !pt.ward[0])
        return rc;
    snprintf(label, sizeof(label), "%s-%s", pt.ward, pt.bed);
    rc = cb("night check: a bed label", "夜查：床头卡", label, ctx);
    if (!rc && pt.band[0])
        rc = cb("the wristband of the patient listed there", "该床在册患者的腕带", pt.band, ctx);
    if (!rc && pt.id[0])
        rc = cb("that patient's ID card: in order", "该患者的身份证：人床相符", pt.id, ctx);
    if (!rc && other[0])
        rc = cb("a patient listed for another bed: in another bed",
                "登记在其他床位的患者：不在登记床位", other, ctx);
    if (!rc)
        rc = cb("command: nobody in the bed", "操作码：床位无人", "EMPTY_BED", ctx);
    if (!rc)
        rc = cb("command: no wristband", "操作码：未戴腕带", "NO_WRISTBAND", ctx);
    if (!rc)
        rc = cb("command: no ID card", "操作码：无身份证件", "NO_ID", ctx);
    if (!rc)
        rc = cb("command: away for an examination", "操作码：外出检查", "EXAM", ctx);
    if (!rc && trace[0])
        rc = cb("pharmacy: a box insurance already settled", "药店：医保已结算的药盒", trace, ctx);
    if (!rc && gtin[0])
        rc = cb("pharmacy: a box known only by its GTIN", "药店：仅有商品条码的药盒", gtin, ctx);
    return rc;
}

struct sheet {
    struct buf *out;
    int zh;
    int n;
};

static int sheet_row(const char *what_en, const char *what_zh, const char *code, void *ctx)
{
    struct sheet *sh = ctx;
    struct buf bits = BUF_INIT;

    sh->n++;
    buf_adds(sh->out, "<div class=\"code\"><p class=\"what\">");
    html_escape(sh->out, sh->zh ? what_zh : what_en);
    buf_adds(sh->out, "</p>");
    if (!barcode128_modules(code, &bits, NULL))
        barcode_svg(bits.ptr, 2, 64, sh->out);
    buf_adds(sh->out, "<p class=\"text\">");
    html_escape(sh->out, code);
    buf_adds(sh->out, "</p>");
    html_qr_svg(sh->out, code, NULL);
    buf_adds(sh->out, "</div>\n");
    buf_release(&bits);
    return 0;
}

int demo_codes_sheet(struct store *s, int zh, struct buf *out, struct fc_error *err)
{
    struct sheet sh = {out, zh, 0};
    size_t start = out->len;
    int rc;

    buf_addf(
        out,
        "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title>"
        "<style>body{font-family:sans-serif;margin:1cm}"
        ".code{display:inline-block;width:45%%;margin:0 2%% 1cm 0;vertical-align:top;"
        "page-break-inside:avoid}.what{font-weight:bold;margin:0 0 .2cm}"
        ".text{font-family:monospace;margin:.1cm 0 .3cm}svg.qr{width:3cm;height:3cm}"
        "svg.barcode{max-width:100%%;height:1.6cm}</style></head><body>\n<h1>%s</h1>\n<p>%s</p>\n",
        zh ? "zh-CN" : "en", zh ? "演示码表" : "Demo codes",
        zh ? "fieldcheck 演示码表" : "fieldcheck demo codes",
        zh ? "用扫码枪扫描下列条码（一维码或二维码），在夜查和药店盘点界面试用。操作码可做成"
             "塑封卡片随身携带。此页数据均为虚构演示数据。"
           : "Scan these with a USB scanner (the bar code or the QR code) on the night "
             "check and pharmacy screens. The command words make a laminated card. "
             "Everything on this page is synthetic demo data.");
    rc = demo_try_codes(s, sheet_row, &sh, err);
    if (!rc && !sh.n)
        rc = fc_error_set(err, FC_ENOTFOUND, "no demo mission is loaded (fieldcheck demo)");
    if (rc) {
        buf_truncate(out, start);
        return rc;
    }
    buf_adds(out, "</body></html>\n");
    return FC_OK;
}
