/* CSV and Markdown cells for every report (core/report/cell.h): the formula
 * guard and the escaping live here once. */
#include "core/report/cell.h"

#include <stdio.h>
#include <string.h>

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

        buf_add(b, v, run);
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
