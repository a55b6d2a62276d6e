/* Exact decimal parsing and formatting for fen and thousandths. Both parsers
 * share one digit loop with a fixed scale; nothing goes through double except
 * the explicit conversions from the reference database's REAL columns. */
#include "core/base/money.h"

#include "core/base/error.h"

#include <stdio.h>
#include <string.h>

/* Parses digits[.digits] with at most scale_digits decimals into an integer
 * scaled by 10^scale_digits, refusing values above max. */
static int decimal_parse(const char *s, int scale_digits, int64_t max, int64_t *out)
{
    int64_t v = 0;
    int int_digits = 0, frac_digits = 0, seen_point = 0;

    if (!s)
        return FC_EINPUT;
    for (; *s; s++) {
        if (*s == '.') {
            if (seen_point)
                return FC_EINPUT;
            seen_point = 1;
            continue;
        }
        if (*s < '0' || *s > '9')
            return FC_EINPUT;
        if (seen_point && ++frac_digits > scale_digits)
            return FC_EINPUT;
        if (!seen_point)
            int_digits++;
        if (v > (max - (*s - '0')) / 10)
            return FC_EINPUT;
        v = v * 10 + (*s - '0');
    }
    if (!int_digits && !frac_digits)
        return FC_EINPUT;
    if (seen_point && !frac_digits)
        return FC_EINPUT;
    for (; frac_digits < scale_digits; frac_digits++) {
        if (v > max / 10)
            return FC_EINPUT;
        v *= 10;
    }
    if (v > max)
        return FC_EINPUT;
    *out = v;
    return FC_OK;
}

int money_parse(const char *s, int64_t *fen)
{
    if (!s)
        return FC_EINPUT;
    if (!strncmp(s, "\xc2\xa5", 2)) /* ¥ */
        s += 2;
    else if (!strncmp(s, "\xef\xbf\xa5", 3)) /* ￥ */
        s += 3;
    return decimal_parse(s, 2, MONEY_MAX_FEN, fen);
}

void money_text(int64_t fen, char out[MONEY_TEXT_MAX])
{
    uint64_t mag = fen < 0 ? (uint64_t)(-(fen + 1)) + 1 : (uint64_t)fen;

    snprintf(out, MONEY_TEXT_MAX, "%s%llu.%02llu", fen < 0 ? "-" : "",
             (unsigned long long)(mag / 100), (unsigned long long)(mag % 100));
}

void money_format(struct buf *out, int64_t fen)
{
    char text[MONEY_TEXT_MAX];

    money_text(fen, text);
    buf_adds(out, text);
}

/* Rounds half away from zero without libm (core/base links libc only). */
static double round_half_away(double v)
{
    return v >= 0 ? (double)(int64_t)(v + 0.5) : -(double)(int64_t)(-v + 0.5);
}

/* v * scale rounded half away from zero and clamped to +-max. */
static int64_t scale_real(double v, double scale, int64_t max)
{
    double f = v * scale;

    if (f != f) /* NaN: the loader never stores one; treat as no amount */
        return 0;
    if (f < (double)max && f > -(double)max)
        f = round_half_away(f);

    if (!(f < (double)max))
        return max;
    if (!(f > -(double)max))
        return -max;
    return (int64_t)f;
}

int64_t money_from_yuan(double yuan)
{
    return scale_real(yuan, 100.0, MONEY_MAX_FEN);
}

int qty_parse(const char *s, int64_t *milli)
{
    return decimal_parse(s, 3, QTY_MAX_MILLI, milli);
}

void qty_format(struct buf *out, int64_t milli)
{
    int64_t frac;

    if (milli < 0) {
        buf_addch(out, '-');
        milli = -milli;
    }
    buf_addf(out, "%lld", (long long)(milli / 1000));
    frac = milli % 1000;
    if (frac) {
        char digits[8];
        int n = 3;

        digits[0] = (char)('0' + frac / 100);
        digits[1] = (char)('0' + frac / 10 % 10);
        digits[2] = (char)('0' + frac % 10);
        while (n > 0 && digits[n - 1] == '0')
            n--;
        buf_addch(out, '.');
        buf_add(out, digits, (size_t)n);
    }
}

int64_t qty_from_real(double qty)
{
    return scale_real(qty, 1000.0, QTY_MAX_MILLI);
}

int money_mul_qty(int64_t qty_milli, int64_t unit_fen, int64_t *fen)
{
    int64_t prod;

    if (qty_milli < 0 || unit_fen < 0)
        return FC_EINPUT;
    if (__builtin_mul_overflow(qty_milli, unit_fen, &prod) || prod > INT64_MAX - 500)
        return FC_ELIMIT;
    prod = (prod + 500) / 1000;
    if (prod > MONEY_MAX_FEN)
        return FC_ELIMIT;
    *fen = prod;
    return FC_OK;
}
