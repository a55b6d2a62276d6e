/* hq draw and hq draw verify (app/hq_draw_cli.c), called from cmd_hq. */
#ifndef FC_APP_HQ_DRAW_CLI_H
#define FC_APP_HQ_DRAW_CLI_H

#include "app/commands.h"
#include "sync/hq.h"

/* argv[0] is "draw", argv[1..argc) its options, or "verify" and its
 * options (app/args.h). Returns an exit code. */
int hq_draw_cmd(struct app *app, struct hq *hq, int argc, char **argv);

#endif
