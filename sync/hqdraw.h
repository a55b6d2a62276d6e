/* hq draw: the 双随机 draw at HQ (core/draw/draw.h does the drawing) with
 * a signed draw record that `hq draw verify` re-derives, and per-team
 * mission packs. The record format is docs/draw.md §5. */
#ifndef FC_SYNC_HQDRAW_H
#define FC_SYNC_HQDRAW_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/draw/draw.h"
#include "sync/hq.h"

#include <jansson.h>

struct hq_draw_args {
    const char *targets, *inspectors; /* CSV paths */
    const char *seed;                 /* as typed */
    struct draw_params params;        /* params.date "" means today (local) */
};

/* Reads the inputs, adds HQ's own visits to the inspections the exclusion
 * counts (when params.exclude_days is set), draws, and returns the signed
 * record object ({"record": ..., "signed_by": ..., "signature": ...}) in
 * *out (json_decref it). Errors as draw_run and the readers. */
int hq_draw_make(struct hq *hq, const struct hq_draw_args *a, json_t **out, struct fc_error *err);

/* Checks a draw record file: HQ's signature (this HQ's key), the input files
 * (targets/inspectors, or NULL for the names the record gives, looked up
 * beside the record) against the recorded SHA-256, and the result against a
 * fresh draw from the recorded seed and parameters. FC_EVERIFY for a bad
 * signature, FC_EINTEGRITY for an input or result that differs (the message
 * names the first difference). *out (may be NULL) receives the record
 * object. */
int hq_draw_verify(struct hq *hq, const char *path, const char *targets, const char *inspectors,
                   json_t **out, struct fc_error *err);

/* For each drawn target: a copy of the mission folder holding only that
 * institution's rows, as mission <mission_id>-<site_code>, packed
 * (pack_make) for the enrolled devices of its team into
 * out_dir/<mission_id>-<site_code>.fcpack and recorded as issued.
 * cb (may be NULL) is told each pack written. FC_ESTATE when a team has no
 * enrolled device. */
int hq_draw_packs(struct hq *hq, const json_t *signed_record, const char *mission_dir,
                  const char *out_dir,
                  void (*cb)(void *ctx, const char *site, const char *path, size_t devices),
                  void *ctx, struct fc_error *err);

#endif
