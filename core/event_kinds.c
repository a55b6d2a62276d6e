/* The registry of event kinds and derived tables: a table, not a switch.
 * Adding a workflow means adding its kinds (with appliers) and its derived
 * tables here; rebuild and the digest pick them up. */
#include "core/event.h"
#include "core/night.h"
#include "core/pharmacy.h"
#include "core/visit.h"

#include <stddef.h>

const struct event_kind event_kinds[] = {
    {"visit_open", visit_apply_open},
    {"visit_close", visit_apply_close},
    {"scan", night_apply_scan},
    {"void", night_apply_void},
    {"amend", night_apply_amend},
    {"scan", pharmacy_apply_scan},
    {"void", pharmacy_apply_void},
    {"pharmacy_round", pharmacy_apply_round},
    {"pharmacy_blind", pharmacy_apply_blind},
    {NULL, NULL},
};

const struct derived_table derived_tables[] = {
    {"visit", "DELETE FROM visit", "SELECT * FROM visit ORDER BY id"},
    {"night_scan", "DELETE FROM night_scan", "SELECT * FROM night_scan ORDER BY seq"},
    {"night_bed", "DELETE FROM night_bed",
     "SELECT * FROM night_bed ORDER BY visit, ward_code, bed"},
    {"night_context", "DELETE FROM night_context", "SELECT * FROM night_context ORDER BY visit"},
    {"night_correction", "DELETE FROM night_correction",
     "SELECT * FROM night_correction ORDER BY seq"},
    {"pharmacy_scan", "DELETE FROM pharmacy_scan", "SELECT * FROM pharmacy_scan ORDER BY seq"},
    {"counted_code", "DELETE FROM counted_code",
     "SELECT * FROM counted_code ORDER BY visit, box_key"},
    {"stock_count", "DELETE FROM stock_count",
     "SELECT * FROM stock_count ORDER BY visit, drug_code"},
    {"pharmacy_state", "DELETE FROM pharmacy_state", "SELECT * FROM pharmacy_state ORDER BY visit"},
    {"pharmacy_void", "DELETE FROM pharmacy_void", "SELECT * FROM pharmacy_void ORDER BY seq"},
    {NULL, NULL, NULL},
};
