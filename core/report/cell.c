/* CSV and Markdown cells for every report (core/report/cell.h): the formula
 * guard and the escaping live here once. */
#include "core/report/cell.h"

#include "core/base/lang.h"
#include "core/base/text.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A plain decimal number ("-14", "+2.5") is data even with a sign in
 * front; anything else led by = + - @, a tab or a carriage return is what
 * a spreadsheet would evaluate. */
static int is_number(const char *v)
{
    int digits = 0;

    if (*v == '+' || *v == '-')
        v++;
    for (; *v >= '0' && *v <= '9'; v++)
        digits++;
    if (*v == '.')
        for (v++; *v >= '0' && *v <= '9'; v++)
            digits++;
    return digits && !*v;
}

static int looks_like_formula(const char *v)
{
    if (!v || !strchr("=+-@\t\r", *v) || !*v)
        return 0;
    return !is_number(v);
}

void report_csv_cell(struct buf *b, const char *v)
{
    int guard = looks_like_formula(v);

    if (!v)
        return;
    if (!guard && !strpbrk(v, ",\"\r\n")) {
        buf_adds(b, v);
        return;
    }
    buf_addch(b, '"');
    if (guard)
        buf_addch(b, '\'');
    while (*v) {
        size_t run = strcspn(v, "\""); /* copied in runs, quotes doubled */

        buf_add(b, v, run);
        v += run;
        if (*v == '"') {
            buf_add(b, "\"\"", 2);
            v++;
        }
    }
    buf_addch(b, '"');
}

void report_csv_row(struct buf *b, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(b, ',');
        report_csv_cell(b, cells[i]);
    }
    buf_addch(b, '\n');
}

void report_md_text(struct buf *b, const char *v)
{
    while (v && *v) {
        size_t run = strcspn(v, "|\\<>\r\n\x01\x02\x03\x04\x05\x06\x07\x08\t\x0b\x0c\x0e\x0f"
                                "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e"
                                "\x1f\x7f");
        unsigned char c;

        /* bidi controls and bytes that are not UTF-8 shown as the CLI shows them */
        text_escape(b, v, run, 0);
        v += run;
        c = (unsigned char)*v;
        if (!c)
            break;
        if (c == '|' || c == '\\')
            buf_addf(b, "\\%c", c);
        else if (c == '<')
            buf_adds(b, "&lt;");
        else if (c == '>')
            buf_adds(b, "&gt;");
        else if (c == '\r' || c == '\n' || c == '\t')
            buf_addch(b, ' ');
        else
            buf_addf(b, "\\x%02X", c);
        v++;
    }
}

void report_md_row(struct buf *b, const char *const *cells, size_t n)
{
    buf_addch(b, '|');
    for (size_t i = 0; i < n; i++) {
        buf_addch(b, ' ');
        report_md_text(b, cells[i]);
        buf_adds(b, " |");
    }
    buf_addch(b, '\n');
}

const char *report_text(const char *zh, const char *en)
{
    return fc_lang_current() == FC_LANG_ZH && zh ? zh : en;
}

void report_csv_header(struct buf *b, const struct report_col *cols, size_t n)
{
    int zh = fc_lang_current() == FC_LANG_ZH;

    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(b, ',');
        report_csv_cell(b, zh && cols[i].zh ? cols[i].zh : cols[i].en);
    }
    buf_addch(b, '\n');
}

int report_csv_encoding_parse(const char *name, enum report_csv_encoding *out, struct fc_error *err)
{
    if (name && (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8"))) {
        *out = REPORT_CSV_UTF8;
        return FC_OK;
    }
    if (name && !strcasecmp(name, "gb18030")) {
        *out = REPORT_CSV_GB18030;
        return FC_OK;
    }
    return fc_error_set(err, FC_EUSAGE, "unknown encoding '%s' (utf-8 or gb18030)",
                        name ? name : "");
}

/* csv with CRLF line ends and without a byte-order mark, appended to out. */
static void crlf(const char *csv, size_t len, struct buf *out)
{
    size_t i = 0;

    if (len >= 3 && !memcmp(csv, "\xef\xbb\xbf", 3))
        i = 3;
    buf_grow(out, len - i + len / 16);
    while (i < len) {
        const char *nl = memchr(csv + i, '\n', len - i);
        size_t run = nl ? (size_t)(nl - (csv + i)) : len - i;

        buf_add(out, csv + i, run);
        i += run;
        if (!nl)
            break;
        if (!run || csv[i - 1] != '\r')
            buf_addch(out, '\r');
        buf_addch(out, '\n');
        i++;
    }
}

int report_csv_deliver(const char *csv, size_t len, enum report_csv_encoding enc, struct buf *out,
                       struct fc_error *err)
{
    struct buf text = BUF_INIT;
    iconv_t cd = (iconv_t)-1;
    char *ip;
    size_t il;
    int rc = FC_OK;

    if (enc == REPORT_CSV_UTF8) {
        buf_adds(out, "\xef\xbb\xbf");
        crlf(csv, len, out);
        return FC_OK;
    }
    crlf(csv, len, &text);
    cd = iconv_open("GB18030", "UTF-8");
    if (cd == (iconv_t)-1) {
        rc = fc_error_setsys(err, FC_EENCODING, errno, "cannot convert to GB18030: %s",
                             strerror(errno));
        goto out;
    }
    ip = text.ptr;
    il = text.len;
    while (il) {
        char chunk[4096], *op = chunk;
        size_t ol = sizeof(chunk);
        size_t r = iconv(cd, &ip, &il, &op, &ol);

        buf_add(out, chunk, sizeof(chunk) - ol);
        if (r == (size_t)-1 && errno != E2BIG) {
            rc = fc_error_set(err, FC_EENCODING,
                              "cannot convert the report to GB18030 at byte %zu: not UTF-8",
                              (size_t)(ip - text.ptr));
            goto out;
        }
    }
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    buf_release(&text);
    return rc;
}
