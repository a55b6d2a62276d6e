/* The report kit's one cell writer for every CSV and Markdown report, so the
 * guards cannot drift between writers:
 *   - CSV (RFC 4180): a field is quoted when it holds a separator, a quote or
 *     a line break, quotes doubled; a field a spreadsheet would read as a
 *     formula (led by = + - @, tab or carriage return, and not a plain
 *     number such as -14) gets a leading apostrophe and is quoted, so HQ
 *     opening the file runs nothing;
 *   - Markdown table cells: | escaped, line breaks turned into spaces, < and >
 *     written as entities so a renderer shows them as text, and control
 *     characters shown as \xNN like the CLI shows them.
 * Money goes through money_format / money_text (core/base/money.h). */
#ifndef FC_CORE_REPORT_CELL_H
#define FC_CORE_REPORT_CELL_H

#include "core/base/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Appends v (NULL: empty) as one CSV field, without a separator. */
void report_csv_cell(struct buf *b, const char *v);

/* Appends n fields separated by commas and ends the record with "\n". */
void report_csv_row(struct buf *b, const char *const *cells, size_t n);

/* Appends v (NULL: empty) as the text of one Markdown table cell (no pipes
 * around it). */
void report_md_text(struct buf *b, const char *v);

/* Appends "| c1 | c2 | ... |\n". */
void report_md_row(struct buf *b, const char *const *cells, size_t n);

#endif
