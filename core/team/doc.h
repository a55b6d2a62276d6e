/* The team's documents on the lead's laptop: the on-site record
 * (现场检查笔录) and the summary of the whole team at one site, as
 * printable HTML through the report kit's page frame. Every finding names
 * who recorded it; items members still disagree on are listed apart and
 * counted in no total; the header's short code is the digest of every
 * member's chain head (team_view_digest) and its QR the lead's signed team
 * checkpoint when the caller has one. */
#ifndef FC_CORE_TEAM_DOC_H
#define FC_CORE_TEAM_DOC_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/report/html.h"
#include "core/team/view.h"

struct team_doc_args {
    const char *mission_id;
    const char *site_code;
    const char *site_name; /* may be NULL */
    int summary;           /* 0: the on-site record; 1: the team summary */
    enum html_lang lang;
    const char *checkpoint; /* the signed team checkpoint ("FCT1..."), NULL: none */
};

/* Appends the document to out. FC_ENOTFOUND when the team has no visit of
 * the mission at the site. */
int team_doc_html(const struct team_view *tv, const struct team_doc_args *a, struct buf *out,
                  struct fc_error *err);

#endif
