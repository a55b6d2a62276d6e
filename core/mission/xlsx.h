/* Excel workbooks (.xlsx) as mission files (DESIGN §4): the first sheet of a
 * workbook is written out as CSV (UTF-8, comma, every field quoted, one line
 * per sheet row so line numbers are Excel's row numbers), which the CSV
 * reader then reads like any other file. The zip layer is libzip, the XML
 * layer expat; the input is hostile, so every size is capped before it is
 * used: entries in the archive, each part's uncompressed size and its ratio
 * to the compressed one (zip bombs), rows, cells per row, shared strings and
 * the length of every string.
 *
 * What the conversion writes is capped too: a row's text, and the whole
 * sheet's, since a small sheet can name one long shared string in every cell
 * or pad every row to a wide header.
 *
 * A cell with line breaks makes its row take several CSV lines; a rowmap
 * gives the CSV reader's line numbers back as Excel's row numbers.
 *
 * Cells: shared strings, inline strings, formula results, booleans and
 * numbers (as Excel stored them: an 18-digit ID typed as a number comes out
 * as 4.4030419630907635E+17, which the loader explains). A number in a
 * cell whose style is a date or time format is an Excel serial date and
 * comes out as YYYY-MM-DD (with " HH:MM:SS" when it has a time of day),
 * in the 1900 or the 1904 date system as the workbook says. */
#ifndef FC_CORE_XLSX_H
#define FC_CORE_XLSX_H

#include "core/base/error.h"

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

struct xlsx_limits {
    uint64_t max_entries;       /* files in the archive */
    uint64_t max_part;          /* uncompressed bytes of one part (sheet, strings, styles) */
    uint64_t max_ratio;         /* uncompressed : compressed of one part */
    uint64_t max_rows;          /* sheet rows (Excel's own limit is 1,048,576) */
    uint64_t max_cols;          /* cells in a row (Excel: 16,384) */
    uint64_t max_strings;       /* shared strings */
    uint64_t max_string_len;    /* bytes of one string (Excel: 32,767 characters) */
    uint64_t max_strings_bytes; /* bytes of all shared strings together (held in memory) */
    uint64_t max_row_bytes;     /* bytes of one row's text */
    uint64_t max_output;        /* bytes of CSV written */
};

/* Fills lim with the defaults: 10,000 entries, 1 GiB parts, ratio 200,
 * 1,048,576 rows, 16,384 columns, 16,000,000 shared strings of 128 KiB at
 * most and 256 MiB together, 2 MiB of text a row, 1 GiB of CSV. */
void xlsx_limits_default(struct xlsx_limits *lim);

/* CSV line -> Excel row: from CSV line from[i] on, the line is shift[i]
 * ahead of the row (ascending; none when no cell has a line break). */
struct xlsx_rowmap {
    uint64_t *from, *shift;
    size_t n, cap;
    /* when the map is read while the conversion fills it (the loader reads
     * the CSV from a pipe as it is written): taken around every append and
     * lookup; NULL otherwise */
    pthread_mutex_t *lock;
};

/* Caller-owned: zero it or call xlsx_rowmap_init, then xlsx_rowmap_release
 * (which keeps lock). */
void xlsx_rowmap_init(struct xlsx_rowmap *m);
void xlsx_rowmap_release(struct xlsx_rowmap *m);

/* The Excel row where CSV line line starts (line itself for an empty map). */
uint64_t xlsx_rowmap_row(const struct xlsx_rowmap *m, uint64_t line);

/* Writes the first sheet of the workbook at path to out_fd as CSV. lim NULL
 * means the defaults; map NULL when row numbers are not needed, else it
 * gets the CSV lines that do not match their rows (reset first). Returns 0,
 * or FC_EINPUT naming what is wrong ("not an Excel workbook", a cap
 * exceeded, malformed XML with its part and line), FC_EIO for I/O. */
int xlsx_to_csv(const char *path, int out_fd, const struct xlsx_limits *lim,
                struct xlsx_rowmap *map, struct fc_error *err);

/* The same for a workbook in memory (fuzzing). */
int xlsx_to_csv_mem(const void *data, size_t len, int out_fd, const struct xlsx_limits *lim,
                    struct xlsx_rowmap *map, struct fc_error *err);

#endif
