/* Printable HTML reports of every workflow and the documents filled from a
 * visit's events: 现场检查笔录 (site record), 询问笔录 (interview records),
 * 证据先行登记保存清单 (evidence register) and a workflow's own documents
 * (the night check's bed list). All share the page frame of core/html.h; personal data is masked
 * unless the caller has recorded an "unmask" event and asks for it. */
#ifndef FC_CORE_REPORT_HTML_H
#define FC_CORE_REPORT_HTML_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/report/html.h"

#include <stdint.h>

struct store;

/* FC_OK when doc names a document (NULL or "report": the workflow's report;
 * "site-record", "interview", "evidence", or a document of some workflow,
 * such as the night check's "beds"); FC_EUSAGE listing them otherwise. */
int report_doc_check(const char *doc, struct fc_error *err);

struct report_html_args {
    const char *visit;       /* id or prefix as visit_resolve takes; NULL: open, else last */
    const char *doc;         /* NULL or "report" for the workflow's report, else a document */
    enum html_lang lang;     /* html_lang_from_env() normally */
    int unmask;              /* 1: names and IDs in full (record the unmask event first) */
    const char *signed_code; /* the signed checkpoint of the closed visit, or NULL */
};

/* Appends the document to out. Attaches the visit's mission as "ref" (so it
 * must run outside a transaction). FC_EUSAGE for an unknown document,
 * FC_ESTATE for a document of another workflow (the bed list of a pharmacy
 * visit); errors from the workflow engines otherwise. */
int report_html(struct store *s, const struct report_html_args *a, struct buf *out,
                struct fc_error *err);

/* Records that personal data of the visit is shown in full: one committed
 * "unmask" event with payload {"reason", "what"} (DESIGN §2.5). reason must
 * not be empty (FC_EUSAGE). visit as visit_resolve takes. */
int report_record_unmask(struct store *s, const char *visit, const char *reason, const char *what,
                         int64_t at_ms, struct fc_error *err);

struct workflow;
/* Calls cb for every document a visit of wf has, in the order a menu shows
 * them: "report" (wf's report), the documents every visit has (site-record,
 * interview, evidence), then wf's own. Titles in both languages. cb returns
 * non-zero to stop (returned). */
int report_foreach_doc(const struct workflow *wf,
                       int (*cb)(const char *name, const char *title_en, const char *title_zh,
                                 void *ctx),
                       void *ctx);

#endif
