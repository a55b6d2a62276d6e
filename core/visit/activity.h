/* How much each visit has recorded, for lists of visits (the TUI's home
 * screen): its scans and the seq of its last event, read for every visit
 * in one grouped query over the event log's (visit, seq) index instead of
 * a pass through every event's payload. The last seq changes with every
 * event of the visit, so callers can key caches of derived figures (an
 * anomaly count) on it. */
#ifndef FC_CORE_VISIT_ACTIVITY_H
#define FC_CORE_VISIT_ACTIVITY_H

#include "core/base/error.h"

#include <stdint.h>

struct store;

struct visit_activity {
    const char *visit; /* visit id (borrowed for the callback) */
    int64_t scans;     /* events of kind "scan" (voided ones included) */
    int64_t events;    /* every event of the visit */
    int64_t last_seq;  /* seq of its latest event */
};

/* Calls cb once for every visit that has events, in visit id order; visits
 * without events are not reported. cb returns non-zero to stop (returned).
 * FC_EDB when the log cannot be read. */
int visit_foreach_activity(struct store *s, int (*cb)(const struct visit_activity *a, void *ctx),
                           void *ctx, struct fc_error *err);

#endif
