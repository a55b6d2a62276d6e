/* The on-site draw behind the TUI (struct ui_draw_model): the pool and the
 * draw from core/draw/onsite.h, the same calls `fieldcheck draw` makes with
 * no --mission and no --region, so the event the screen records is the
 * CLI's for the same seed and count. The result is drawn again when it is
 * recorded and refused if its record differs from the one shown. */
#include "app/tui/tui.h"

#include "core/base/xalloc.h"
#include "core/draw/onsite.h"
#include "core/ident/ident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tui_draw {
    struct ui_draw_model model;
    struct tui *t;
};

static void row_of(const struct draw_target *t, int order, struct ui_draw_row *row)
{
    enum ident_site_kind k = ident_site_kind_parse(t->kind);

    memset(row, 0, sizeof(*row));
    row->order = order;
    snprintf(row->code, sizeof(row->code), "%s", t->site_code);
    snprintf(row->name, sizeof(row->name), "%s", t->site_name);
    snprintf(row->kind, sizeof(row->kind), "%s", t->kind);
    snprintf(row->kind_zh, sizeof(row->kind_zh), "%s", ident_site_kind_zh(k));
    snprintf(row->region, sizeof(row->region), "%s%s%s", t->region_code,
             t->region_name[0] ? " " : "", t->region_name);
}

/* What the pack's rules have a team draw on arrival (2 hospitals and 1
 * pharmacy) when the pool holds them, else one institution. */
static void default_count(const struct draw_target *v, size_t n, char out[64])
{
    size_t hosp = 0, pharm = 0;

    for (size_t i = 0; i < n; i++) {
        enum ident_site_kind k = ident_site_kind_parse(v[i].kind);
        hosp += k == IDENT_SITE_HOSPITAL;
        pharm += k == IDENT_SITE_PHARMACY;
    }
    if (hosp >= 2 && pharm >= 1)
        snprintf(out, 64, "%s=2,%s=1", ident_site_kind_name(IDENT_SITE_HOSPITAL),
                 ident_site_kind_name(IDENT_SITE_PHARMACY));
    else
        snprintf(out, 64, "1");
}

static int draw_pool(void *user, void (*emit)(void *ctx, const struct ui_draw_row *row), void *ctx,
                     struct ui_draw_pool *info, struct fc_error *err)
{
    struct tui_draw *td = user;
    struct draw_target *v = NULL;
    struct mission_info mi;
    size_t n = 0;
    int rc;

    memset(info, 0, sizeof(*info));
    rc = draw_pool_load(tui_store(td->t), NULL, NULL, &v, &n, &mi, err);
    if (rc)
        return rc;
    snprintf(info->mission, sizeof(info->mission), "%s v%lld", mi.mission_id,
             (long long)mi.version);
    default_count(v, n, info->count);
    draw_pool_digest(v, n, info->pool_sha256);
    info->n = (long)n;
    for (size_t i = 0; i < n; i++) {
        struct ui_draw_row row;
        row_of(&v[i], 0, &row);
        emit(ctx, &row);
    }
    draw_targets_free(v, n);
    return FC_OK;
}

/* The draw `fieldcheck draw --seed SEED --count COUNT` makes, not recorded. */
static int prepare(struct tui_draw *td, const char *seed, const char *count, struct draw_onsite *d,
                   struct fc_error *err)
{
    struct draw_onsite_args a;

    memset(&a, 0, sizeof(a));
    a.seed = seed;
    a.count = count;
    return draw_onsite_prepare(tui_store(td->t), &a, d, err);
}

static int draw_preview(void *user, const char *seed, const char *count,
                        void (*emit)(void *ctx, const struct ui_draw_row *row), void *ctx,
                        char record_sha256[65], struct fc_error *err)
{
    struct draw_onsite d;
    int rc = prepare(user, seed, count, &d, err);

    if (rc)
        return rc;
    for (size_t i = 0; i < d.result.npicks; i++) {
        struct ui_draw_row row;
        row_of(&d.pool[d.result.picks[i].target], (int)i + 1, &row);
        emit(ctx, &row);
    }
    snprintf(record_sha256, 65, "%s", d.record_sha256);
    draw_onsite_release(&d);
    return FC_OK;
}

static int draw_record(void *user, const char *seed, const char *count, const char *expect_sha256,
                       struct fc_error *err)
{
    struct tui_draw *td = user;
    struct draw_onsite d;
    int rc = prepare(td, seed, count, &d, err);

    if (rc)
        return rc;
    if (strcmp(d.record_sha256, expect_sha256))
        rc = fc_error_set(err, FC_ESTATE,
                          "the draw is no longer the one shown (the mission changed): draw again");
    else
        rc = draw_onsite_record(tui_store(td->t), &d, 0, err);
    draw_onsite_release(&d);
    if (!rc)
        tui_changed(td->t);
    return rc;
}

const struct ui_draw_model *tui_draw_model(struct tui *t, struct tui_draw **out)
{
    struct tui_draw *td = xcalloc(1, sizeof(*td));

    *td = (struct tui_draw){{td, draw_pool, draw_preview, draw_record}, t};
    *out = td;
    return &td->model;
}

void tui_draw_free(struct tui_draw *td)
{
    free(td);
}
