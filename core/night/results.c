/* A night visit's results as JSON: one object per scanned bed and per listed
 * patient with its finding (names masked), and counts per finding. `visit
 * show`, the report writers and the workflow's findings read them from here,
 * so the shapes DESIGN §6 fixes are built in one place. */
#include "core/night/results.h"

#include "core/base/buf.h"
#include "core/base/mask.h"

#include <stdio.h>
#include <string.h>

void night_count_one(json_t *counts, const char *name)
{
    json_t *v = json_object_get(counts, name);
    json_object_set_new(counts, name, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int bed_to_json(const struct night_bed *b, void *ctx)
{
    struct night_results *r = ctx;
    char label[256];
    json_t *o;

    snprintf(label, sizeof(label), "%s-%s", b->ward_code, b->bed);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:I}", "ward_code", b->ward_code,
                  "bed", b->bed, "bed_label", label, "finding", b->finding, "admission_no",
                  b->identified[0] ? b->identified : b->listed, "listed", b->listed, "no_wristband",
                  b->no_wristband, "no_id", b->no_id, "exam", b->exam, "scans",
                  (json_int_t)b->scans);
    json_array_append_new(r->beds, o);
    night_count_one(r->bed_counts, b->finding);
    return 0;
}

static int patient_to_json(const struct night_patient *p, void *ctx)
{
    struct night_results *r = ctx;
    struct buf name = BUF_INIT;
    json_t *o;

    mask_name(&name, p->name);
    o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "admission_no", p->admission_no, "name", name.ptr,
                  "ward_code", p->ward_code, "bed", p->bed, "finding", p->finding);
    if (o && p->found_at[0])
        json_object_set_new(o, "found_at", json_string(p->found_at));
    if (o && p->detail[0])
        json_object_set_new(o, "detail", json_string(p->detail));
    if (o)
        json_array_append_new(r->patients, o);
    night_count_one(r->patient_counts, p->finding);
    buf_release(&name);
    return 0;
}

int night_results(struct night *n, struct night_results *r, struct fc_error *err)
{
    int rc;

    r->beds = json_array();
    r->patients = json_array();
    r->bed_counts = json_object();
    r->patient_counts = json_object();
    rc = night_foreach_bed(n, bed_to_json, r, err);
    if (!rc)
        rc = night_foreach_patient(n, patient_to_json, r, err);
    return rc;
}

void night_results_release(struct night_results *r)
{
    json_decref(r->beds);
    json_decref(r->patients);
    json_decref(r->bed_counts);
    json_decref(r->patient_counts);
    memset(r, 0, sizeof(*r));
}
