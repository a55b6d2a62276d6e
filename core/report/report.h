/* The report kit for printable HTML pages (DESIGN §3): what every document
 * builder gets — the store, the visit, the output, the language and whether
 * personal data may be shown — and the small pieces every page is made of,
 * so a workflow's pages (core/<kind>/report_html.c) look like every other
 * one. Tables, headings and escaping are core/report/html.h; CSV and
 * Markdown cells core/report/cell.h. */
#ifndef FC_CORE_REPORT_REPORT_H
#define FC_CORE_REPORT_REPORT_H

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/error.h"
#include "core/base/lang.h"
#include "core/report/html.h"
#include "core/visit/visit.h"

#include <jansson.h>

struct store;

struct verdict;

struct report_ctx {
    struct store *s;
    struct visit v;      /* the visit (its mission attached as "ref") */
    enum html_lang lang; /* the page's language */
    int unmask;          /* 1: names and IDs in full (an unmask event was recorded) */
    struct buf *out;     /* the page being written */
    struct fc_error *err;
    json_t *names; /* scratch for builders: admission_no -> {name, id_number} */
    /* verdicts shown on the page so far, for the legend (report_label) */
    const struct verdict *used[128];
    size_t nused;
};

/* The page's language as core/base/lang.h names it. */
enum fc_lang report_lang(const struct report_ctx *c);

/* zh or en in the page's language. */
const char *report_t(const struct report_ctx *c, const char *zh, const char *en);

/* Appends the masked (or, after an audited unmask, the full) name / ID. */
void report_name(const struct report_ctx *c, struct buf *b, const char *name);
void report_id(const struct report_ctx *c, struct buf *b, const char *id);

/* A section heading; a "nothing here" paragraph; a term/value pair of a
 * <dl class="kv"> ("—" for an empty value). */
void report_h2(const struct report_ctx *c, const char *zh, const char *en);
void report_empty(const struct report_ctx *c, const char *zh, const char *en);
void report_kv(const struct report_ctx *c, const char *zh, const char *en, const char *value);

/* The verdict's label in the page's language, remembered for the legend;
 * the code itself when the catalogue has no row (v NULL: code). */
const char *report_label(struct report_ctx *c, const struct verdict *v, const char *code);

/* The row class of a verdict for html_table_row: "anomaly" (pink),
 * "coverage" (grey), or NULL. */
const char *report_row_class(const struct verdict *v);

/* The legend at the end of a document: every verdict the page showed, its
 * code, label, class and explanation (people read labels; the codes are for
 * matching a record with the CLI's and HQ's outputs). Nothing when none. */
void report_legend(struct report_ctx *c);

/* A stored UTC time as the local time a signed paper shows (TZ). */
const char *report_time(const char *iso, char out[CLOCK_ISO_MAX]);

#endif
