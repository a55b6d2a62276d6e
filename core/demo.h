/* Demo mission generator: a realistic synthetic mission folder built
 * deterministically from a seed (own PRNG, never rand()), so people can try
 * every workflow without real data and tests can rely on fixed content.
 * The dates are anchored on the local calendar day of clock_now_ms(), so the
 * same seed on the same day (FIELDCHECK_NOW) gives a byte-identical folder. */
#ifndef FC_CORE_DEMO_H
#define FC_CORE_DEMO_H

#include "core/base/error.h"

#include <stdint.h>

/* What was generated, and codes worth scanning first. */
struct demo_summary {
    char mission_id[64];
    int64_t version;   /* YYYYMMDD of the anchor day: a later day is a newer version */
    char hospital[16]; /* main hospital site code */
    char hospital_name[128];
    char hospital2[16]; /* small second hospital (one shared patient) */
    char pharmacy[16];
    char pharmacy_name[128];
    int wards, inpatients, leaves, drugs, settlements, suspicions;
    /* a listed patient in ward W01: bed label, wristband payload, ID, ward:bed */
    char bed_label[32];
    char wristband[64];
    char id_number[19];
    char patient_bed[32];
    /* a patient of the same ward listed for another bed */
    char wrong_bed_id[19];
    char wrong_bed[32];
    /* a traceability code insurance already settled, its drug, and a GTIN */
    char trace_code[21];
    char drug_code[32];
    char gtin[15];
};

/* Writes mission.json and the CSV files into dir (created 0700 if needed;
 * existing files of the same names are replaced atomically). gbk writes the
 * CSV files in GB18030 with CRLF line ends, as Excel does on Chinese Windows.
 * out may be NULL. Returns 0, FC_EIO on a write failure, FC_EENCODING if the
 * conversion fails. */
int demo_generate(const char *dir, uint64_t seed, int gbk, struct demo_summary *out,
                  struct fc_error *err);

#endif
