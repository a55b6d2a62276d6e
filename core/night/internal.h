/* Functions the night workflow's files share among themselves (registry
 * entry, reports); nothing outside core/night/ includes this. */
#ifndef FC_CORE_NIGHT_INTERNAL_H
#define FC_CORE_NIGHT_INTERNAL_H

#include "core/base/error.h"

#include <stdio.h>

struct store;
struct visit;
struct report_ctx;

/* The CSV or Markdown report (core/night/report.c). */
int night_write_report(struct store *s, const struct visit *v, const char *format, FILE *out,
                       struct fc_error *err);

/* Printable pages (core/night/report_html.c). */
int night_report_html(struct report_ctx *c);
int night_beds_html(struct report_ctx *c);
int night_site_record_html(struct report_ctx *c);

#endif
