/* Functions the flight workflow's files share among themselves (registry
 * entry, reports); nothing outside core/flight/ includes this. */
#ifndef FC_CORE_FLIGHT_INTERNAL_H
#define FC_CORE_FLIGHT_INTERNAL_H

struct report_ctx;

/* Printable pages (core/flight/report_html.c): the report, and the findings
 * and totals of the site record. */
int flight_report_html(struct report_ctx *c);
int flight_site_record_html(struct report_ctx *c);

#endif
