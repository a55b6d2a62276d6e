/* Internals of the pack writer that the fuzz target and the tests need: the
 * outer envelope around an already compressed inner content, so a harness
 * can reach the manifest and file checks with content of its own. */
#ifndef FC_SYNC_PACK_INTERNAL_H
#define FC_SYNC_PACK_INTERNAL_H

#include "sync/pack.h"

/* Writes a whole pack (header with one key slot per target, the chunks of
 * comp encrypted under a fresh file key, HQ's signature) through write, in
 * pieces. to must be sorted by device id without repeats; 1 <= n <=
 * PACK_MAX_SLOTS and 1 <= comp_len <= PACK_MAX_PLAIN (BUG otherwise). */
int pack_envelope(const struct keys_hq *hq, const struct pack_target *to, size_t n,
                  const void *comp, size_t comp_len,
                  int (*write)(void *ctx, const void *p, size_t n, struct fc_error *err), void *ctx,
                  struct fc_error *err);

#endif
