/* Display masking of personal data (DOMAIN.md, privacy): by character, never
 * by byte, and never Unicode-normalised. Output is appended to a struct buf. */
#ifndef FC_BASE_MASK_H
#define FC_BASE_MASK_H

#include "core/base/buf.h"

/* 张三 -> 张*, 张小三 -> 张*三, 欧阳小锋 -> 欧***锋: the first character, the last
 * for 3+, and for 4+ always three asterisks so the mask does not tell the length. */
void mask_name(struct buf *out, const char *name);

/* 110105199001011234 -> 110***********1234 (first 3, last 4; shorter kept as *). */
void mask_id(struct buf *out, const char *id);

/* 13812341234 -> 138****1234 (first 3, last 4). */
void mask_phone(struct buf *out, const char *phone);

/* The display policy: names / IDs (and phones) are masked unless turned off
 * (configuration keys mask.names and mask.ids). Masked is the default; the
 * application records every change of policy as an audited event. */
void mask_set_policy(int mask_names, int mask_ids);
int mask_names_on(void);
int mask_ids_on(void);

#endif
