/* Team assignments (docs/bundle-format.md §10): the lead hands open
 * suspicion lines to a member as a signed code ("FCA1...", small enough for
 * a QR symbol) recorded as a team_assign event in the lead's own chain; the
 * member verifies it with the lead's key from the team named in the signed
 * pack (never a key from the code or a stick) and records the lines as its
 * own susp_assign events, so its worksheet shows which lines are its own.
 * Applying the same code twice, or an older code after a newer one of the
 * same lead, changes nothing. */
#ifndef FC_SYNC_ASSIGN_H
#define FC_SYNC_ASSIGN_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

struct store;

#define TEAM_ASSIGN_MAX_BODY 512 /* signature included: fits a QR symbol */
#define TEAM_ASSIGN_MAX_LINE 64  /* bytes of one susp_id */
#define TEAM_ASSIGN_MAX_NAME 64  /* bytes of the inspector's name */

/* One decoded assignment. lines is malloc'd: release with
 * team_assignment_release. */
struct team_assignment {
    char lead[17], member[17];
    int64_t number; /* seq of the lead's team_assign event */
    int64_t issued_ms;
    char mission_id[128];
    char site_code[32];
    char inspector[TEAM_ASSIGN_MAX_NAME + 1]; /* "": the member's first inspector */
    char (*lines)[TEAM_ASSIGN_MAX_LINE + 1];
    size_t n;
};

void team_assignment_release(struct team_assignment *a);

/* What the lead asks for. member: a device id of the mission's team, or a
 * unique prefix of one (at least 4 characters). inspector may be NULL. */
struct team_assign_args {
    const char *mission_id;
    const char *member;
    const char *site_code;
    const char *inspector;
    const char *const *lines;
    size_t n;
    int64_t at_ms;
};

/* One code the lead hands out: lines[first..first+n) of the request. */
struct team_assign_code {
    struct buf code;
    char member[17]; /* the member's full device id */
    int64_t number;
    size_t first, n;
};

/* Makes the codes of a request (several when the lines do not fit one
 * body), each recorded as one team_assign event of this device in a single
 * transaction. FC_EVERIFY when this device does not lead the mission's
 * team; FC_ENOTFOUND when the member is not in it; FC_EUSAGE for the lead
 * itself, an ambiguous member or a name or line too long. *out is
 * malloc'd: free with team_assign_codes_free. */
int team_assign_make(struct store *s, const struct team_assign_args *a,
                     struct team_assign_code **out, size_t *nout, struct fc_error *err);
void team_assign_codes_free(struct team_assign_code *c, size_t n);

/* Decodes a code and checks its form and caps (FC_EINPUT), without any key. */
int team_assign_decode(const char *code, struct team_assignment *out, struct fc_error *err);

/* Verifies one code for this device, in the order §10 gives: form, the
 * member is this device, the mission's team names the code's lead as lead
 * and its key verifies the signature (FC_EVERIFY), the site has an open
 * flight visit here (FC_ESTATE); then records the lines
 * (flight_susp_assign_team). out receives the assignment (release it),
 * *applied how many lines changed and visit_id the visit. */
int team_assign_apply(struct store *s, const char *code, struct team_assignment *out,
                      size_t *applied, char visit_id[37], struct fc_error *err);

#endif
