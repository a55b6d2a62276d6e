/* The HTML side of `report` (app/report_html_cli.c). */
#ifndef FC_APP_REPORT_CLI_H
#define FC_APP_REPORT_CLI_H

#include "core/base/buf.h"
#include "core/base/error.h"

struct app;
struct store;

struct app_report_html {
    const char *visit;  /* --visit, or NULL */
    const char *doc;    /* --doc NAME, or NULL for the workflow report */
    const char *path;   /* -o PATH */
    int unmask;         /* --unmask */
    const char *reason; /* --reason T (required with --unmask) */
};

/* Writes the document (atomic, mode 0600) after recording the unmask event
 * when asked. Returns 0 or the exit code after printing the error. */
int app_report_html(struct app *app, const struct app_report_html *r);

/* Renders document doc (report_doc_check's names) of visit visit_name
 * (NULL: the open visit, else the last; its id goes to visit_id) into html,
 * signed with the visit's checkpoint when it is closed and the device has
 * keys (*is_signed 1; without keys the document says "unsigned", which is
 * no error). With unmask_what, the audited unmask event (reason, what) is
 * recorded before any full name or ID is rendered. Used by the CLI and the
 * TUI's records screen. */
int app_html_doc(struct store *s, const char *visit_name, const char *doc, const char *unmask_what,
                 const char *reason, struct buf *html, char visit_id[37], int *is_signed,
                 struct fc_error *err);

#endif
