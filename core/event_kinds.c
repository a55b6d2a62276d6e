/* The registry of event kinds and derived tables: a table, not a switch.
 * Adding a workflow means adding its kinds (with appliers) and its derived
 * tables here; rebuild and the digest pick them up. */
#include "core/event.h"
#include "core/night.h"
#include "core/visit.h"

#include <stddef.h>

const struct event_kind event_kinds[] = {
    {"visit_open", visit_apply_open}, {"visit_close", visit_apply_close},
    {"scan", night_apply_scan},       {"void", night_apply_void},
    {"amend", night_apply_amend},     {NULL, NULL},
};

const struct derived_table derived_tables[] = {
    {"visit", "DELETE FROM visit", "SELECT * FROM visit ORDER BY id"},
    {"night_scan", "DELETE FROM night_scan", "SELECT * FROM night_scan ORDER BY seq"},
    {"night_bed", "DELETE FROM night_bed",
     "SELECT * FROM night_bed ORDER BY visit, ward_code, bed"},
    {"night_context", "DELETE FROM night_context", "SELECT * FROM night_context ORDER BY visit"},
    {"night_correction", "DELETE FROM night_correction",
     "SELECT * FROM night_correction ORDER BY seq"},
    {NULL, NULL, NULL},
};
