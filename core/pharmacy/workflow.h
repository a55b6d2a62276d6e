/* The pharmacy reconciliation as a workflow (core/workflow.h): its registry entry
 * and its verdict catalogue. */
#ifndef FC_CORE_PHARMACY_WORKFLOW_H
#define FC_CORE_PHARMACY_WORKFLOW_H

#include "core/workflow.h"

extern const struct workflow pharmacy_workflow;
/* The catalogue, terminated by a row with code == NULL. */
extern const struct verdict pharmacy_catalogue[];

struct pharmacy_result;
/* The engine's result as the common scan result (JSON fields round, qty,
 * drug_code; the message in the user's language). Release out with
 * workflow_result_release. */
void pharmacy_result_to(const struct pharmacy_result *r, struct workflow_result *out);

#endif
