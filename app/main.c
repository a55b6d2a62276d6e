/* fieldcheck entry point: global options, then dispatch through the command
 * table (app/commands.c). Only app/ exits the process. */
#include "app/commands.h"

int main(int argc, char **argv)
{
    return app_main(argc, argv);
}
