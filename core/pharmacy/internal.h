/* Functions the pharmacy workflow's files share among themselves (registry
 * entry, reports); nothing outside core/pharmacy/ includes this. */
#ifndef FC_CORE_PHARMACY_INTERNAL_H
#define FC_CORE_PHARMACY_INTERNAL_H

struct report_ctx;
struct pharmacy_scan_row;
struct drug_line;

/* What a walk over the count's tables hands each row to: the callback of
 * that walk and its context (store_each's row functions get this). */
struct pharmacy_each {
    int (*scan)(const struct pharmacy_scan_row *r, void *ctx);
    int (*box)(const char *box_key, const char *drug_code, double qty, void *ctx);
    int (*drug_line)(const struct drug_line *l, void *ctx);
    void *ctx;
};

/* Printable pages (core/pharmacy/report_html.c): the report, and the
 * findings table of the site record. */
int pharmacy_report_html(struct report_ctx *c);
int pharmacy_findings_html(struct report_ctx *c);

#endif
