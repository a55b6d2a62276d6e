/* Teams in the field (docs/bundle-format.md §5 "Teams", §6 version 2). A
 * member's bundles are sealed to HQ and to its team lead
 * (bundle_team_recipients, used by export). */
#ifndef FC_SYNC_TEAM_H
#define FC_SYNC_TEAM_H

#include "core/base/error.h"
#include "sync/bundle.h"

#include <stddef.h>
#include <stdint.h>

struct store;

/* The team leads this device's bundles are sealed to: the lead of every
 * team of a loaded pack that names this device, other than itself, whose
 * pack has not expired; sorted, without repeats. *out is malloc'd (free;
 * NULL when *n is 0). */
int bundle_team_recipients(struct store *s, struct bundle_recipient **out, size_t *n,
                           struct fc_error *err);

#endif
