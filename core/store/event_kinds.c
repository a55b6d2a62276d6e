/* The registry of event kinds and derived tables: a table, not a switch.
 * Adding a workflow means adding its kinds (with appliers) and its derived
 * tables here; rebuild and the digest pick them up. */
#include "core/store/event.h"
#include "core/night/night.h"
#include "core/pharmacy/pharmacy.h"
#include "core/visit/evidence.h"
#include "core/flight/flight.h"
#include "core/visit/visit.h"

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
    {"susp_verify", flight_apply_verify},
    {"susp_response", flight_apply_response},
    {"susp_assign", flight_apply_assign},
    {"finding_add", flight_apply_finding},
    {"evidence_add", evidence_apply_add},
    {"interview_add", flight_apply_interview},
    /* generic correction: {"target": EVENT_ID, "reason": T}; any module's
     * queries skip targets listed in the voided table */
    {"void", flight_apply_void},
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
    {"voided", "DELETE FROM voided", "SELECT * FROM voided ORDER BY target"},
    {"susp_action", "DELETE FROM susp_action", "SELECT * FROM susp_action ORDER BY event_id"},
    {"suspicion_state", "DELETE FROM suspicion_state",
     "SELECT * FROM suspicion_state ORDER BY visit, susp_id"},
    {"flight_finding", "DELETE FROM flight_finding",
     "SELECT * FROM flight_finding ORDER BY event_id"},
    {"evidence", "DELETE FROM evidence", "SELECT * FROM evidence ORDER BY event_id"},
    {"interview", "DELETE FROM interview", "SELECT * FROM interview ORDER BY event_id"},
    {NULL, NULL, NULL},
};
