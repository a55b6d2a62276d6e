/* The report kit's one cell writer for every CSV and Markdown report, so the
 * guards cannot drift between writers:
 *   - CSV (RFC 4180): a field is quoted when it holds a separator, a quote or
 *     a line break, quotes doubled; a field a spreadsheet would read as a
 *     formula (led by = + - @, tab or carriage return, and not a plain
 *     number such as -14) gets a leading apostrophe and is quoted, so HQ
 *     opening the file runs nothing;
 *   - Markdown table cells: | escaped, line breaks turned into spaces, < and >
 *     written as entities so a renderer shows them as text, and control
 *     characters, bytes that are not UTF-8 and the bidirectional formatting
 *     characters shown as \xNN or \uNNNN like the CLI shows them.
 * Money goes through money_format / money_text (core/base/money.h).
 * Headers follow the reader's language, and a CSV file is delivered in the
 * encoding Excel needs (report_csv_deliver). */
#ifndef FC_CORE_REPORT_CELL_H
#define FC_CORE_REPORT_CELL_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

/* Appends v (NULL: empty) as one CSV field, without a separator. */
void report_csv_cell(struct buf *b, const char *v);

/* Appends n fields separated by commas and ends the record with "\n". */
void report_csv_row(struct buf *b, const char *const *cells, size_t n);

/* zh or en, in the reader's language (fc_lang_current): the headings and
 * fixed words of the CSV and Markdown reports, which people read. */
const char *report_text(const char *zh, const char *en);

/* A CSV column: its name in English and in Chinese. */
struct report_col {
    const char *en, *zh;
};

/* Appends the header record: the columns' Chinese names when the reader's
 * language is Chinese (fc_lang_current), else the English ones. The values
 * below stay codes, with labels in columns of their own. */
void report_csv_header(struct buf *b, const struct report_col *cols, size_t n);

/* How a CSV report reaches the reader. The writers produce UTF-8 with LF;
 * report_csv_deliver turns that into what Excel opens correctly on Chinese
 * Windows: UTF-8 with a byte-order mark (without it Excel reads the ANSI
 * code page, 936, and 朱*敏 turns into mojibake) or, for Excel 2007 and
 * older, which ignore the mark, GB18030; both with CRLF line ends. */
enum report_csv_encoding {
    REPORT_CSV_UTF8 = 0, /* the default */
    REPORT_CSV_GB18030,
};

/* "utf-8" (or "utf8") and "gb18030", any case; FC_EUSAGE naming the
 * choices for anything else. */
int report_csv_encoding_parse(const char *name, enum report_csv_encoding *out,
                              struct fc_error *err);

/* Appends csv[0..len) (UTF-8, LF or CRLF, with or without a leading
 * byte-order mark) to out as delivered in encoding enc. FC_EENCODING if the
 * text is not valid UTF-8 (with the byte offset). */
int report_csv_deliver(const char *csv, size_t len, enum report_csv_encoding enc, struct buf *out,
                       struct fc_error *err);

/* Appends v (NULL: empty) as the text of one Markdown table cell (no pipes
 * around it). */
void report_md_text(struct buf *b, const char *v);

/* Appends "| c1 | c2 | ... |\n". */
void report_md_row(struct buf *b, const char *const *cells, size_t n);

#endif
