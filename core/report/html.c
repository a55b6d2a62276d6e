/* The HTML page frame shared by every printable report and document.
 * Printing: Chromium repeats a table's <thead> and <tfoot> on every printed
 * page, so the checkpoint (short code and QR) sits in the head and the
 * signature block in the foot of one table that holds the whole document;
 * page numbers come from @page margin boxes (counter(page) / counter(pages)),
 * which Chromium prints since version 131. Nothing here runs scripts or
 * refers to anything outside the file. */
#include "core/report/html.h"

#include "core/base/utf8.h"
#include "core/base/xalloc.h"
#include "core/report/qr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum html_lang html_lang_from_env(void)
{
    const char *vars[] = {"FIELDCHECK_LANG", "LC_ALL", "LC_MESSAGES", "LANG"};

    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return !strncmp(v, "en", 2) ? HTML_EN : HTML_ZH;
    }
    return HTML_ZH;
}

const char *html_t(enum html_lang lang, const char *zh, const char *en)
{
    return lang == HTML_EN ? en : zh;
}

void html_escape(struct buf *out, const char *s)
{
    size_t len;

    if (!s)
        return;
    len = strlen(s);
    while (len) {
        uint32_t cp;
        int n = utf8_decode(s, len, &cp);

        if (n < 0) {
            buf_adds(out, "\xef\xbf\xbd");
            s++;
            len--;
            continue;
        }
        switch (cp) {
        case '&': buf_adds(out, "&amp;"); break;
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&#39;"); break;
        default:
            if (cp < 0x20 && cp != '\n' && cp != '\t')
                buf_adds(out, "\xef\xbf\xbd");
            else
                buf_add(out, s, (size_t)n);
        }
        s += n;
        len -= (size_t)n;
    }
}

void html_elem(struct buf *out, const char *tag, const char *text)
{
    const char *sp = strchr(tag, ' ');

    buf_addf(out, "<%s>", tag);
    html_escape(out, text);
    buf_addf(out, "</%.*s>", sp ? (int)(sp - tag) : (int)strlen(tag), tag);
}

/* A4 portrait: 210 x 297 mm. The margins leave room for the page number in
 * the bottom margin box. On screen the page is shown as a sheet. */
static const char styles[] =
    "@page{size:A4;margin:12mm 12mm 14mm 12mm;"
    "@bottom-right{content:counter(page) \" / \" counter(pages);font:9pt sans-serif;}"
    "@bottom-left{content:\"fieldcheck\";font:8pt sans-serif;color:#666;}}\n"
    "*{box-sizing:border-box;}\n"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact;}\n"
    "body{margin:0;font:10.5pt/1.45 \"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"WenQuanYi Micro Hei\",\"Microsoft YaHei\",sans-serif;color:#111;}\n"
    "@media screen{body{background:#ddd;}table.frame{background:#fff;width:210mm;"
    "margin:8mm auto;padding:0 6mm;}.qrbox svg.qr{width:60mm;height:60mm;}}\n"
    "table.frame{width:100%;border-collapse:collapse;}\n"
    "table.frame>thead>tr>td,table.frame>tfoot>tr>td{padding:0;}\n"
    ".head{display:flex;justify-content:space-between;align-items:flex-start;"
    "border-bottom:2px solid #1a3a6b;padding-bottom:2mm;margin-bottom:3mm;}\n"
    ".head h1{font-size:17pt;margin:0 0 1mm 0;color:#1a3a6b;letter-spacing:.05em;}\n"
    ".meta{font-size:9pt;color:#333;}\n.meta b{font-weight:600;}\n"
    ".qrbox{text-align:center;font-size:8.5pt;min-width:36mm;}\n"
    ".qrbox svg.qr{width:30mm;height:30mm;display:block;margin:0 auto;}\n"
    ".code{font:700 12pt monospace;letter-spacing:.08em;}\n"
    ".unsigned{border:2px dashed #b00;color:#b00;font-weight:700;padding:2mm;"
    "max-width:48mm;}\n"
    ".digest{border:1px solid #1a3a6b;padding:2mm;max-width:48mm;}\n"
    ".masked{font-size:8.5pt;color:#555;}\n"
    ".unmasked{font-size:8.5pt;color:#b00;font-weight:700;}\n"
    "h2{font-size:12.5pt;color:#1a3a6b;border-left:4px solid #1a3a6b;padding-left:2mm;"
    "margin:4mm 0 2mm;break-after:avoid;}\n"
    "h3{font-size:11pt;margin:3mm 0 1.5mm;break-after:avoid;}\n"
    "table.grid{width:100%;border-collapse:collapse;font-size:9pt;margin-bottom:2mm;}\n"
    "table.grid th,table.grid td{border:1px solid #888;padding:1mm 1.5mm;vertical-align:top;"
    "overflow-wrap:anywhere;}\n"
    "table.grid th{background:#e8edf5;text-align:left;}\n"
    "table.grid tr{break-inside:avoid;}\n"
    "tr.anomaly td{background:#fdecea;}\n"
    "tr.coverage td{background:#f3f3f3;color:#444;}\n"
    "table.legend{font-size:8pt;}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;}\n"
    "dl.kv{display:grid;grid-template-columns:32mm 1fr;gap:1mm 3mm;margin:0 0 2mm;}\n"
    "dl.kv dt{font-weight:600;}\ndl.kv dd{margin:0;}\n"
    ".statement{border:1px solid #888;min-height:38mm;padding:2mm;margin:2mm 0;"
    "background:repeating-linear-gradient(transparent 0 8mm,#ccc 8mm calc(8mm + 1px));}\n"
    ".sig{border-top:1px solid #1a3a6b;margin-top:3mm;padding-top:2mm;font-size:9pt;"
    "display:grid;grid-template-columns:1.4fr 1.2fr .8fr;gap:3mm;}\n"
    ".sig div{min-height:12mm;}\n.sig .line{border-bottom:1px solid #333;height:8mm;}\n"
    ".foot{font-size:8pt;color:#555;margin-top:1mm;}\n"
    ".chart{margin:2mm 0 4mm;break-inside:avoid;}\n"
    ".pagebreak{break-before:page;}\n"
    ".empty{color:#555;font-style:italic;}\n";

int html_qr_svg(struct buf *out, const char *text, struct fc_error *err)
{
    struct qr_matrix m;
    int rc, dim;

    rc = qr_encode(text, &m, err);
    if (rc)
        goto out;
    dim = m.size + 2 * QR_QUIET;
    buf_addf(out,
             "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
             "shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"%d\" height=\"%d\" "
             "fill=\"#fff\"/><path fill=\"#000\" d=\"",
             dim, dim, dim, dim);
    for (int y = 0; y < m.size; y++) {
        for (int x = 0; x < m.size; x++) {
            int run = 0;
            while (x + run < m.size && qr_matrix_get(&m, x + run, y))
                run++;
            if (run) {
                buf_addf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
                x += run;
            }
        }
    }
    buf_adds(out, "\"/></svg>");
out:
    qr_matrix_release(&m);
    return rc;
}

static void meta_item(struct buf *out, const char *label, const char *value)
{
    buf_adds(out, "<b>");
    html_escape(out, label);
    buf_adds(out, "</b> ");
    html_escape(out, value && value[0] ? value : "—");
    buf_adds(out, "　");
}

int html_begin(struct buf *out, const struct html_page *p, struct fc_error *err)
{
    enum html_lang l = p->lang;
    int closed = p->closed_at && p->closed_at[0];
    int rc = 0;

    buf_addf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
             l == HTML_EN ? "en" : "zh-CN");
    buf_adds(out, "<meta name=\"generator\" content=\"fieldcheck\">\n<title>");
    html_escape(out, p->title);
    buf_adds(out, " ");
    html_escape(out, p->site);
    buf_adds(out, "</title>\n<style>\n");
    buf_adds(out, styles);
    buf_adds(out, "</style>\n</head>\n<body>\n<table class=\"frame\">\n<thead><tr><td>\n"
                  "<div class=\"head\"><div>\n");
    html_elem(out, "h1", p->title);
    if (p->summary) {
        /* nobody signs a summary: it states what it covers and the code of
         * the state it was made from, which changes with that state */
        buf_adds(out, "<div class=\"meta\">");
        meta_item(out, html_t(l, "范围：", "Scope:"), p->site);
        meta_item(out, html_t(l, "内容：", "Content:"), p->kind);
        buf_adds(out, "<br>");
        meta_item(out, html_t(l, "数据状态码：", "State code:"), p->short_code);
        meta_item(out, html_t(l, "生成时间：", "Generated:"), p->generated);
        buf_adds(out, p->masked ? "<span class=\"masked\">" : "<span class=\"unmasked\">");
        html_escape(out, p->masked ? html_t(l, "个人信息已脱敏", "personal data masked")
                                   : html_t(l, "个人信息未脱敏（已留痕）",
                                            "personal data NOT masked (audited)"));
        buf_adds(out, "</span></div>\n</div></div>\n</td></tr></thead>\n<tfoot><tr><td>\n"
                      "<div class=\"foot\">");
        html_escape(out, html_t(l, "数据状态码 ", "State code "));
        html_escape(out, p->short_code);
        html_escape(out, p->unsigned_note);
        buf_adds(out, "</div>\n</td></tr></tfoot>\n<tbody><tr><td>\n");
        return 0;
    }
    buf_adds(out, "<div class=\"meta\">");
    meta_item(out, html_t(l, "被检查机构：", "Site:"), p->site);
    buf_adds(out, "<br>");
    meta_item(out, html_t(l, "检查编号：", "Visit:"), p->visit_id);
    meta_item(out, html_t(l, "类别：", "Kind:"), p->kind);
    buf_adds(out, "<br>");
    meta_item(out, html_t(l, "开始：", "Opened:"), p->opened_at);
    meta_item(out, html_t(l, "结束：", "Closed:"),
              closed ? p->closed_at : html_t(l, "未结束", "still open"));
    buf_adds(out, "<br>");
    meta_item(out, html_t(l, "检查人员：", "Inspectors:"), p->inspectors);
    buf_adds(out, "<br>");
    meta_item(out, html_t(l, "生成时间：", "Generated:"), p->generated);
    buf_adds(out, p->masked ? "<span class=\"masked\">" : "<span class=\"unmasked\">");
    html_escape(out, p->masked ? html_t(l, "个人信息已脱敏", "personal data masked")
                               : html_t(l, "个人信息未脱敏（已留痕）",
                                        "personal data NOT masked (audited)"));
    buf_adds(out, "</span></div>\n</div>\n<div class=\"qrbox\">");
    if ((closed || p->snapshot) && p->signed_code) {
        rc = html_qr_svg(out, p->signed_code, err);
        if (rc)
            goto out;
        buf_adds(out, "<div>");
        html_escape(out, html_t(l, "校验码", "Checkpoint"));
        buf_adds(out, " <span class=\"code\">");
        html_escape(out, p->short_code);
        buf_adds(out, "</span></div>");
    } else {
        /* The red dashed box warns of a missing signature; a digest that
         * stands in for one by design (HQ's report) gets a plain frame. */
        buf_adds(out, p->unsigned_note ? "<div class=\"digest\">" : "<div class=\"unsigned\">");
        if (closed) {
            html_escape(out, html_t(l, "校验码", "Checkpoint"));
            buf_adds(out, " <span class=\"code\">");
            html_escape(out, p->short_code);
            buf_adds(out, "</span><br>");
            html_escape(out, p->unsigned_note ? p->unsigned_note
                                              : html_t(l, "未签名（本设备无密钥）",
                                                       "UNSIGNED (no device keys)"));
        } else {
            html_escape(out, html_t(l, "检查尚未结束：未签名，无校验码",
                                    "VISIT STILL OPEN: unsigned, no checkpoint"));
        }
        buf_adds(out, "</div>");
    }
    buf_adds(out, "</div></div>\n</td></tr></thead>\n<tfoot><tr><td>\n<div class=\"sig\">\n<div>");
    html_escape(out, html_t(l, "检查人员（签名）：", "Inspectors (signature):"));
    buf_adds(out, "<div class=\"line\"></div><div class=\"line\"></div></div>\n<div>");
    html_escape(out, html_t(l, "被检查机构代表（签名、盖章）：",
                            "Institution representative (signature, seal):"));
    buf_adds(out, "<div class=\"line\"></div></div>\n<div>");
    html_escape(out, html_t(l, "日期：", "Date:"));
    buf_adds(out, "<div class=\"line\"></div></div>\n</div>\n<div class=\"foot\">");
    html_escape(out, html_t(l, "校验码 ", "Checkpoint "));
    html_escape(out, closed || p->snapshot ? p->short_code : html_t(l, "（未结束）", "(open)"));
    html_escape(out, html_t(l, "　本页与校验码对应的记录不一致即视为篡改。",
                            " — any change to the record after this checkpoint is detectable."));
    buf_adds(out, "</div>\n</td></tr></tfoot>\n<tbody><tr><td>\n");
out:
    return rc;
}

void html_end(struct buf *out, const struct html_page *p)
{
    (void)p;
    buf_adds(out, "</td></tr></tbody>\n</table>\n</body>\n</html>\n");
}

void html_table_begin(struct buf *out, const char *const *headers)
{
    buf_adds(out, "<table class=\"grid\"><thead><tr>");
    for (size_t i = 0; headers[i]; i++)
        html_elem(out, "th", headers[i]);
    buf_adds(out, "</tr></thead><tbody>\n");
}

void html_table_row(struct buf *out, const char *cls, const char *const *cells, size_t n)
{
    if (cls)
        buf_addf(out, "<tr class=\"%s\">", cls);
    else
        buf_adds(out, "<tr>");
    for (size_t i = 0; i < n; i++)
        html_elem(out, "td", cells[i]);
    buf_adds(out, "</tr>\n");
}

void html_table_end(struct buf *out)
{
    buf_adds(out, "</tbody></table>\n");
}

static double bars_max(const struct html_bar *bars, size_t n)
{
    double max = 0;

    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    return max;
}

static void bar_text(struct buf *out, const struct html_bar *b)
{
    char num[32];

    if (b->text) {
        html_escape(out, b->text);
        return;
    }
    snprintf(num, sizeof(num), "%.15g", b->value);
    buf_adds(out, num);
}

static void chart_title(struct buf *out, enum html_lang lang, const char *title, size_t n)
{
    buf_adds(out, "<div class=\"chart\">");
    html_elem(out, "h3", title);
    if (!n) {
        buf_adds(out, "<p class=\"empty\">");
        html_escape(out, html_t(lang, "无数据", "no data"));
        buf_adds(out, "</p>");
    }
}

/* Horizontal bars: label column 60 units, bars up to 110, the value after. */
void html_bar_chart(struct buf *out, enum html_lang lang, const char *title,
                    const struct html_bar *bars, size_t n)
{
    double max = bars_max(bars, n);
    const int row = 7, w = 200;

    chart_title(out, lang, title, n);
    if (n) {
        buf_addf(out,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %zu\" width=\"100%%\" "
                 "font-size=\"4\" font-family=\"sans-serif\" role=\"img\">",
                 w, n * (size_t)row + 2);
        for (size_t i = 0; i < n; i++) {
            double v = bars[i].value > 0 ? bars[i].value : 0;
            double len = max > 0 ? v / max * 110.0 : 0;
            size_t y = i * (size_t)row + 1;
            buf_addf(out, "<text x=\"58\" y=\"%zu\" text-anchor=\"end\">", y + 4);
            html_escape(out, bars[i].label);
            buf_addf(out,
                     "</text><rect x=\"60\" y=\"%zu\" width=\"%.2f\" height=\"5\" "
                     "fill=\"#1a3a6b\"/><text x=\"%.2f\" y=\"%zu\">",
                     y, len, 62 + len, y + 4);
            bar_text(out, &bars[i]);
            buf_adds(out, "</text>");
        }
        buf_adds(out, "</svg>");
    }
    buf_adds(out, "</div>\n");
}

/* Columns: at most 120 fit; the axis label is shown under every
 * ceil(n / 12)-th column so the labels never overlap. */
void html_column_chart(struct buf *out, enum html_lang lang, const char *title,
                       const struct html_bar *bars, size_t n)
{
    double max = bars_max(bars, n);
    double cw = n ? 180.0 / (double)n : 0;
    size_t every = n / 12 + 1;

    chart_title(out, lang, title, n);
    if (n) {
        buf_adds(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 80\" "
                      "width=\"100%\" font-size=\"3.2\" font-family=\"sans-serif\" role=\"img\">"
                      "<line x1=\"10\" y1=\"66\" x2=\"192\" y2=\"66\" stroke=\"#333\" "
                      "stroke-width=\"0.3\"/>");
        for (size_t i = 0; i < n; i++) {
            double v = bars[i].value > 0 ? bars[i].value : 0;
            double h = max > 0 ? v / max * 55.0 : 0;
            double x = 11 + cw * (double)i;
            buf_addf(out,
                     "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
                     "fill=\"#1a3a6b\"/><text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
                     x, 66 - h, cw * 0.8, h, x + cw * 0.4, 64 - h);
            bar_text(out, &bars[i]);
            buf_adds(out, "</text>");
            if (i % every == 0) {
                buf_addf(out, "<text x=\"%.2f\" y=\"71\" text-anchor=\"middle\">", x + cw * 0.4);
                html_escape(out, bars[i].label);
                buf_adds(out, "</text>");
            }
        }
        buf_adds(out, "</svg>");
    }
    buf_adds(out, "</div>\n");
}
