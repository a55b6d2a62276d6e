/* The flight inspection as a workflow (core/workflow.h): its registry entry
 * and its verdict catalogue. */
#ifndef FC_CORE_FLIGHT_WORKFLOW_H
#define FC_CORE_FLIGHT_WORKFLOW_H

#include "core/workflow.h"

extern const struct workflow flight_workflow;
/* The catalogue, terminated by a row with code == NULL. */
extern const struct verdict flight_catalogue[];

#endif
