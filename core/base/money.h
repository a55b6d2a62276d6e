/* Money and quantities as exact integers: amounts in fen (0.01 yuan) and
 * quantities in thousandths, so sums of many lines never drift the way
 * floating-point yuan would. Parsing is exact ("12.34" is 1234 fen, never
 * 1233.9999); text with more decimals than the unit holds is rejected. */
#ifndef FC_BASE_MONEY_H
#define FC_BASE_MONEY_H

#include "core/base/buf.h"

#include <stdint.h>

/* Largest amount accepted: 10^15 fen (10 trillion yuan), far above any real
 * line, low enough that sums of a million lines cannot overflow int64. */
#define MONEY_MAX_FEN 1000000000000000LL
#define QTY_MAX_MILLI 1000000000000LL

/* Parses a non-negative yuan amount "123", "123.4", "123.45" (optionally
 * preceded by "¥" or "￥") into fen. Returns 0 or FC_EINPUT (empty, signs,
 * more than two decimals, non-digits, above MONEY_MAX_FEN). */
int money_parse(const char *s, int64_t *fen);

/* Appends fen as yuan with two decimals ("1234.50"); negatives get '-'. */
void money_format(struct buf *out, int64_t fen);
/* The same into a fixed buffer (always fits). */
#define MONEY_TEXT_MAX 32
void money_text(int64_t fen, char out[MONEY_TEXT_MAX]);

/* Converts a REAL yuan value from the reference database to fen, rounding
 * half away from zero (the loader stores what HQ wrote, at most 2 decimals). */
int64_t money_from_yuan(double yuan);

/* Parses a non-negative quantity with up to three decimals into thousandths. */
int qty_parse(const char *s, int64_t *milli);

/* Appends a quantity in thousandths without trailing zeros ("2", "0.5"). */
void qty_format(struct buf *out, int64_t milli);

/* Converts a REAL quantity from the reference database to thousandths. */
int64_t qty_from_real(double qty);

/* qty (thousandths) x unit price (fen) in fen, rounded half up; FC_ELIMIT if
 * the result would exceed MONEY_MAX_FEN. */
int money_mul_qty(int64_t qty_milli, int64_t unit_fen, int64_t *fen);

#endif
