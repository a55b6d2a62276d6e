/* Teams on the device: who a member's bundles are sealed to. Membership
 * comes only from the signed packs (core/store/teamdb.h), never from a
 * teammate's stick. */
#include "sync/team.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sealing: the leads of this device's teams ------------------------------ */

struct recipients {
    const char *self;
    int64_t now;
    struct bundle_recipient *v;
    size_t n;
};

static int add_recipient(const struct teamdb_member *m, void *ctx)
{
    struct recipients *r = ctx;
    int64_t expires = 0;

    /* only rows of teams that name this device: its own row tells */
    if (!m->is_lead || !strcmp(m->device, r->self))
        return 0;
    if (clock_parse(m->expires_at, &expires) || expires <= r->now)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].device_id, m->device))
            return 0;
    r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
    snprintf(r->v[r->n].device_id, sizeof(r->v[r->n].device_id), "%s", m->device);
    memcpy(r->v[r->n].box_pk, m->box_pk, sizeof(r->v[r->n].box_pk));
    r->n++;
    return 0;
}

struct my_missions {
    const char *self;
    char (*ids)[128];
    size_t n;
};

static int note_mission(const struct teamdb_member *m, void *ctx)
{
    struct my_missions *mm = ctx;

    if (strcmp(m->device, mm->self))
        return 0;
    mm->ids = xreallocarray(mm->ids, mm->n + 1, sizeof(*mm->ids));
    snprintf(mm->ids[mm->n++], sizeof(mm->ids[0]), "%s", m->mission_id);
    return 0;
}

static int cmp_recipient(const void *a, const void *b)
{
    return strcmp(((const struct bundle_recipient *)a)->device_id,
                  ((const struct bundle_recipient *)b)->device_id);
}

int bundle_team_recipients(struct store *s, struct bundle_recipient **out, size_t *n,
                           struct fc_error *err)
{
    struct my_missions mm = {store_device_id(s), NULL, 0};
    struct recipients r = {store_device_id(s), clock_now_ms(), NULL, 0};
    int rc = teamdb_foreach(s, NULL, note_mission, &mm, err);

    for (size_t i = 0; !rc && i < mm.n; i++)
        rc = teamdb_foreach(s, mm.ids[i], add_recipient, &r, err);
    free(mm.ids);
    if (!rc && r.n > BUNDLE_MAX_TEAM)
        rc = fc_error_set(err, FC_ELIMIT,
                          "this device is in teams with %zu different leads; a bundle is sealed "
                          "to at most %d",
                          r.n, BUNDLE_MAX_TEAM);
    if (rc) {
        free(r.v);
        r.v = NULL;
        r.n = 0;
    }
    if (r.n)
        qsort(r.v, r.n, sizeof(*r.v), cmp_recipient);
    *out = r.v;
    *n = r.n;
    return rc;
}
