/* Shared building blocks of the printable HTML reports and documents: text
 * escaping, the bilingual labels, the A4 page frame (styles, the header with
 * the checkpoint and its QR, the signature block repeated on every printed
 * page), inline SVG for QR symbols and bar charts. Every document is one
 * self-contained file: inline CSS and SVG, no scripts, nothing fetched. */
#ifndef FC_CORE_HTML_H
#define FC_CORE_HTML_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

enum html_lang { HTML_ZH, HTML_EN };

/* The document language: FIELDCHECK_LANG, else LC_ALL, LC_MESSAGES, LANG;
 * a value starting with "en" gives English, anything else (or nothing)
 * Chinese, the language of the documents institutions sign. */
enum html_lang html_lang_from_env(void);

/* zh or en as lang asks (both borrowed, returned as is). */
const char *html_t(enum html_lang lang, const char *zh, const char *en);

/* Appends s with &, <, >, " and ' escaped; NULL appends nothing. Bytes that
 * are not valid UTF-8 become U+FFFD so a hostile file cannot break the page. */
void html_escape(struct buf *out, const char *s);

/* Appends "<tag>escaped text</tag>"; tag may carry attributes ("td class=n"). */
void html_elem(struct buf *out, const char *tag, const char *text);

/* The frame of one document. Strings are borrowed; NULL prints as empty. */
struct html_page {
    enum html_lang lang;
    const char *title;         /* 现场检查笔录, ... */
    const char *site;          /* "site name (site code)" */
    const char *visit_id;      /* full id */
    const char *kind;          /* night, pharmacy, flight */
    const char *opened_at;     /* ISO */
    const char *closed_at;     /* "" or NULL while the visit is open */
    const char *short_code;    /* "ABCD-EFGH", "" while open */
    const char *signed_code;   /* "FCC1...", NULL when unsigned (no device keys) */
    const char *inspectors;    /* names, comma-separated */
    const char *generated;     /* when the document was made (ISO) */
    int masked;                /* 0 when personal data is shown in full */
    const char *unsigned_note; /* shown instead of "unsigned (no device keys)"; may be NULL */
    /* A summary of many visits (HQ's page), not the record of one: its own
     * header (site holds the scope, short_code the state code of what it
     * summarises, kind a subtitle), no checkpoint box, no signature lines. */
    int summary;
    /* The signed code covers the state at the time of writing (a team
     * checkpoint over members' chain heads), not a closed visit: its QR is
     * shown while visits are still open. */
    int snapshot;
};

/* Appends the document head (styles) and the opening of the page frame:
 * a table whose <thead> (title, visit, checkpoint and QR) and <tfoot>
 * (signatures) Chromium repeats on every printed page. FC_ELIMIT when the
 * signed code does not fit a QR symbol. */
int html_begin(struct buf *out, const struct html_page *p, struct fc_error *err);

/* Closes what html_begin opened. */
void html_end(struct buf *out, const struct html_page *p);

/* Appends an inline <svg> drawing text as a QR symbol (class "qr"). */
int html_qr_svg(struct buf *out, const char *text, struct fc_error *err);

/* Appends "<table class=grid><thead>...</thead><tbody>" with the headers
 * (NULL-terminated, escaped); close with html_table_end. */
void html_table_begin(struct buf *out, const char *const *headers);
/* One row of cells (n of them, escaped; NULL cells are empty). cls (may be
 * NULL) is the row's class, e.g. "anomaly". */
void html_table_row(struct buf *out, const char *cls, const char *const *cells, size_t n);
void html_table_end(struct buf *out);

/* One bar of a chart: label and value (values below 0 are drawn as 0);
 * text is what is printed at the end of the bar (NULL: the value). */
struct html_bar {
    const char *label;
    double value;
    const char *text;
};

/* Appends a horizontal bar chart as inline SVG with a title; an empty list
 * draws a "no data" note instead. */
void html_bar_chart(struct buf *out, enum html_lang lang, const char *title,
                    const struct html_bar *bars, size_t n);

/* Appends a vertical column chart (one column per bar, labels under the
 * columns), for series over time. */
void html_column_chart(struct buf *out, enum html_lang lang, const char *title,
                       const struct html_bar *bars, size_t n);

#endif
