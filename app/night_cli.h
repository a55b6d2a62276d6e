/* Formerly the night check's messages for people; they come from the
 * workflow's catalogue now (core/night/catalogue.c, workflow_result_localise).
 * Nothing is left here but the commands' header. */
#ifndef FC_APP_NIGHT_CLI_H
#define FC_APP_NIGHT_CLI_H

#include "app/commands.h"

#endif
