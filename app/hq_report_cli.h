/* hq report (app/hq_report_cli.c), called from cmd_hq. */
#ifndef FC_APP_HQ_REPORT_CLI_H
#define FC_APP_HQ_REPORT_CLI_H

#include "app/commands.h"
#include "sync/hq.h"

/* argv[0] is "report", argv[1..argc) its options (app/args.h). Returns an
 * exit code. */
int hq_report_cmd(struct app *app, struct hq *hq, int argc, char **argv);

#endif
