/* What an HQ-format store (HQ's, or a lead's team store) holds of one
 * device's chain: how many bundles and events, the highest seq, the head of
 * its contiguous chained prefix, gaps and equivocations. team show and the
 * team checkpoint read it; the merge itself is HQ's (core/hq/hqstore.h). */
#ifndef FC_CORE_TEAM_CHAIN_H
#define FC_CORE_TEAM_CHAIN_H

#include "core/base/error.h"
#include "core/hq/hqdb.h"
#include "core/store/hash.h"

#include <stdint.h>

struct team_chain {
    int64_t bundles;             /* bundle files merged */
    int64_t events;              /* distinct seqs held */
    int64_t max_seq;             /* highest seq held, 0 when none */
    int64_t head_seq;            /* seqs 1..head_seq held, chained, without equivocation */
    char head[HASH_HEX_LEN + 1]; /* hash of event head_seq (64 zeros for 0) */
    int64_t missing;             /* seqs below max_seq not held */
    int64_t gap_from, gap_to;    /* the first run of missing seqs (0 when none) */
    int64_t equivocations;       /* seqs held with more than one event */
};

/* Fills out for device (all zeros when the store holds nothing of it). */
int team_chain_get(struct hqdb *db, const char *device, struct team_chain *out,
                   struct fc_error *err);

#endif
