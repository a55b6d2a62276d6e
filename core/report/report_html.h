/* Printable HTML reports (night, pharmacy, flight) and the documents filled
 * from a visit's events: 现场检查笔录 (site record), 询问笔录 (interview
 * records), 证据先行登记保存清单 (evidence register) and the night-check bed
 * list. All share the page frame of core/html.h; personal data is masked
 * unless the caller has recorded an "unmask" event and asks for it. */
#ifndef FC_CORE_REPORT_HTML_H
#define FC_CORE_REPORT_HTML_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/report/html.h"

#include <stdint.h>

struct store;

enum report_doc {
    REPORT_DOC_NONE,        /* the workflow's report */
    REPORT_DOC_SITE_RECORD, /* site-record: 现场检查笔录 */
    REPORT_DOC_INTERVIEW,   /* interview: 询问笔录, one per interview_add */
    REPORT_DOC_EVIDENCE,    /* evidence: 证据先行登记保存清单 */
    REPORT_DOC_BEDS,        /* beds: the night-check bed list */
};

/* "site-record", "interview", "evidence", "beds" (and "report" for NONE);
 * FC_EUSAGE for anything else. */
int report_doc_parse(const char *name, enum report_doc *out);
/* The name report_doc_parse takes. */
const char *report_doc_name(enum report_doc doc);

struct report_html_args {
    const char *visit;       /* id or prefix as visit_resolve takes; NULL: open, else last */
    enum report_doc doc;     /* REPORT_DOC_NONE for the workflow report */
    enum html_lang lang;     /* html_lang_from_env() normally */
    int unmask;              /* 1: names and IDs in full (record the unmask event first) */
    const char *signed_code; /* the signed checkpoint of the closed visit, or NULL */
};

/* Appends the document to out. Attaches the visit's mission as "ref" (so it
 * must run outside a transaction). FC_ESTATE for the bed list of a visit
 * that is not a night check; errors from the workflow engines otherwise. */
int report_html(struct store *s, const struct report_html_args *a, struct buf *out,
                struct fc_error *err);

/* Records that personal data of the visit is shown in full: one committed
 * "unmask" event with payload {"reason", "what"} (DESIGN §2.5). reason must
 * not be empty (FC_EUSAGE). visit as visit_resolve takes. */
int report_record_unmask(struct store *s, const char *visit, const char *reason, const char *what,
                         int64_t at_ms, struct fc_error *err);

#endif
