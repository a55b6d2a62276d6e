/* `hq report --format html`: HQ's printable summary of hq.db with charts
 * drawn as inline SVG (core/report/html.h): anomalies by type and by site, amounts
 * by violation code, and events over time. */
#ifndef FC_CORE_HQ_HTML_H
#define FC_CORE_HQ_HTML_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/report/html.h"

struct hqdb;

/* Appends the report of HQ's database (opened with hqstore_open) to out.
 * The header carries the short code of hqstore_digest, so a later change of
 * HQ's merged state gives a different code. Returns 0 or a database error. */
int hq_html_report(struct hqdb *db, enum html_lang lang, struct buf *out, struct fc_error *err);

#endif
