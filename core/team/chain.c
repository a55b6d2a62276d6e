/* A device's chain as an HQ-format store holds it: the head from HQ's own
 * rule (hqstore_acked: what a receipt would acknowledge), the counts and the
 * gaps from the seqs held. */
#include "core/team/chain.h"

#include "core/hq/hqstore.h"

#include <string.h>

struct walk {
    struct team_chain *c;
    int64_t expect;
};

static int seq_row(void *ctx, const struct hqdb_val *cols, int n)
{
    struct walk *w = ctx;
    int64_t seq = cols[0].i;

    (void)n;
    if (seq > w->expect) {
        w->c->missing += seq - w->expect;
        if (!w->c->gap_from) {
            w->c->gap_from = w->expect;
            w->c->gap_to = seq - 1;
        }
    }
    w->c->events++;
    w->c->max_seq = seq;
    w->expect = seq + 1;
    return 0;
}

int team_chain_get(struct hqdb *db, const char *device, struct team_chain *out,
                   struct fc_error *err)
{
    struct hqdb_val p[] = {HQDB_S(device)};
    struct walk w = {out, 1};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = hqstore_acked(db, device, &out->head_seq, out->head, err);
    if (!rc)
        rc = hqdb_begin(db, HQDB_READ, err);
    if (rc)
        return rc;
    rc = hqdb_query_int(db, "SELECT count(*) FROM bundle WHERE device = $1", p, 1, &out->bundles,
                        err);
    if (!rc)
        rc = hqdb_query_int(db, "SELECT count(*) FROM equivocation WHERE device = $1", p, 1,
                            &out->equivocations, err);
    if (!rc)
        rc = hqdb_query(db, "SELECT DISTINCT seq FROM event WHERE device = $1 ORDER BY seq", p, 1,
                        seq_row, &w, err);
    hqdb_rollback(db);
    return rc;
}
