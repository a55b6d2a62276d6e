/* The night check's message for people, shared by the TUI adapter. */
#ifndef FC_APP_NIGHT_CLI_H
#define FC_APP_NIGHT_CLI_H

#include "app/commands.h"

#include <jansson.h>
#include <stdint.h>

struct night;
struct night_result;

/* The human message of a night verdict in the user's language (app/cmd_tui.c
 * keeps the Chinese texts; the engine's English r->message stays the JSON
 * "message"). */
void app_night_message(const struct night_result *r, char *out, size_t cap);

#endif
