/* A night visit's per-bed and per-patient results as JSON (DESIGN §6 `visit
 * show`): beds[] {ward_code, bed, bed_label, finding, admission_no, listed,
 * no_wristband, no_id, exam, scans}, patients[] {admission_no, name (masked),
 * ward_code, bed, finding, found_at?, detail?} and counts per finding. */
#ifndef FC_CORE_NIGHT_RESULTS_H
#define FC_CORE_NIGHT_RESULTS_H

#include "core/night/night.h"

#include <jansson.h>

struct night_results {
    json_t *beds, *patients, *bed_counts, *patient_counts;
};

/* Fills r (owned; release with night_results_release, also on failure). */
int night_results(struct night *n, struct night_results *r, struct fc_error *err);
void night_results_release(struct night_results *r);

/* Adds one to the count of name in counts (a JSON object of integers). */
void night_count_one(json_t *counts, const char *name);

#endif
