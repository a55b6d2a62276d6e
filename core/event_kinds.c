/* The registry of event kinds and derived tables: a table, not a switch.
 * Adding a workflow means adding its kinds (with appliers) and its derived
 * tables here; rebuild and the digest pick them up. */
#include "core/event.h"
#include "core/visit.h"

#include <stddef.h>

const struct event_kind event_kinds[] = {
    {"visit_open", visit_apply_open},
    {"visit_close", visit_apply_close},
    {NULL, NULL},
};

const struct derived_table derived_tables[] = {
    {"visit", "DELETE FROM visit", "SELECT * FROM visit ORDER BY id"},
    {NULL, NULL, NULL},
};
