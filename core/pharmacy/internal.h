/* Functions the pharmacy workflow's files share among themselves (registry
 * entry, reports); nothing outside core/pharmacy/ includes this. */
#ifndef FC_CORE_PHARMACY_INTERNAL_H
#define FC_CORE_PHARMACY_INTERNAL_H

struct report_ctx;

/* Printable pages (core/pharmacy/report_html.c): the report, and the
 * findings table of the site record. */
int pharmacy_report_html(struct report_ctx *c);
int pharmacy_findings_html(struct report_ctx *c);

#endif
