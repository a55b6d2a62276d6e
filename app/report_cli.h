/* The HTML side of `report` (app/report_html_cli.c). */
#ifndef FC_APP_REPORT_CLI_H
#define FC_APP_REPORT_CLI_H

struct app;

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

#endif
