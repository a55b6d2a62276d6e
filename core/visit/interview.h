/* Interview records (询问笔录) of a visit, whatever its workflow (DOMAIN.md:
 * people interviewed, questions and answers, signed or refused). Each record
 * is one interview_add event; its applier fills the derived interview table. */
#ifndef FC_CORE_VISIT_INTERVIEW_H
#define FC_CORE_VISIT_INTERVIEW_H

#include "core/base/error.h"

#include <jansson.h>
#include <stdint.h>

struct store;
struct event;

/* Records an interview (询问笔录) from a JSON object:
 *   {"held_at": ISO time (optional, default at_ms), "place": text,
 *    "people": [{"name", "role", "id_number" (optional)}...],
 *    "items": [{"q", "a"}...], "signed": bool, "refusal": reason or null,
 *    "note": text (optional)}
 * Needs a place, at least one person with a name, at least one question, and
 * either signed or a refusal reason (not both). Unknown keys are refused, so
 * typos do not vanish. One committed interview_add event in the open visit
 * visit_id (id or prefix as visit_resolve takes); FC_ESTATE when it is
 * closed. */
int interview_add(struct store *s, const char *visit_id, const json_t *record, int64_t at_ms,
                  char event_id[37], struct fc_error *err);

/* Calls cb with each live interview of the visit (the stored payload, parsed). */
int interview_foreach(struct store *s, const char *visit_id,
                      int (*cb)(const char *event_id, const json_t *record, void *ctx), void *ctx,
                      struct fc_error *err);

/* Applier of interview_add events (common to every workflow). */
int interview_apply_add(struct store *s, const struct event *e, void *ctx, struct fc_error *err);

#endif
