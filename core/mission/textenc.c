/* Encoding detection and GB18030 conversion for imported text files. Both
 * candidate encodings are validated side by side in one streaming pass, so the
 * decision is made over the whole file before any record is handed out and a
 * file whose first megabytes are ASCII is still classified by its later bytes.
 * Validation skips ASCII eight bytes at a time: most CSV bytes are ASCII. */
#include "core/mission/textenc.h"

#include "core/base/xalloc.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define ASCII_MASK 0x8080808080808080ULL

struct textenc_gb {
    iconv_t cd;
};

const char *textenc_name(enum textenc_kind kind)
{
    switch (kind) {
    case TEXTENC_UTF8: return "UTF-8";
    case TEXTENC_UTF8_BOM: return "UTF-8 (BOM)";
    case TEXTENC_GB18030: return "GB18030";
    case TEXTENC_UTF16: return "UTF-16";
    case TEXTENC_UTF8_MIXED: return "UTF-8 (mixed lines)";
    }
    return "unknown";
}

/* Index of s[i] after the run of ASCII bytes starting there. */
static size_t skip_ascii(const unsigned char *s, size_t i, size_t n)
{
    uint64_t w;

    while (i + 8 <= n) {
        memcpy(&w, s + i, 8);
        if (w & ASCII_MASK)
            break;
        i += 8;
    }
    while (i < n && s[i] < 0x80)
        i++;
    return i;
}

size_t textenc_utf8_prefix(const unsigned char *s, size_t n, int *bad)
{
    size_t i = 0;

    *bad = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        size_t len;

        if (c < 0x80) {
            i = skip_ascii(s, i, n);
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* above U+10FFFF */
        } else {
            *bad = 1;
            return i;
        }
        for (size_t k = 1; k < len; k++) {
            unsigned b;

            if (i + k >= n)
                return i; /* unfinished: the next chunk decides */
            b = s[i + k];
            if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) {
                *bad = 1;
                return i;
            }
        }
        i += len;
    }
    return i;
}

/* Four-byte GB18030 sequences map linearly onto code points; glibc converts
 * the BMP part (index 0..39419) except two small unassigned runs, and the
 * supplementary planes (index 189000..1237575). */
static int gb4_is_mapped(const unsigned char *s)
{
    long idx = (s[0] - 0x81) * 12600L + (s[1] - 0x30) * 1260L + (s[2] - 0x81) * 10L + (s[3] - 0x30);

    if (idx >= 19057 && idx <= 19064)
        return 0;
    if (idx >= 39076 && idx <= 39085)
        return 0;
    return idx <= 39419 || (idx >= 189000 && idx <= 1237575);
}

size_t textenc_gb18030_prefix(const unsigned char *s, size_t n, int *bad)
{
    size_t i = 0;

    *bad = 0;
    while (i < n) {
        unsigned c = s[i], b;

        if (c < 0x80) {
            i = skip_ascii(s, i, n);
            continue;
        }
        if (c == 0x80) {
            i++; /* CP936's euro sign, as Excel on Chinese Windows writes it */
            continue;
        }
        if (c == 0xFF)
            goto invalid;
        if (i + 1 >= n)
            return i;
        b = s[i + 1];
        if ((b >= 0x40 && b <= 0x7E) || (b >= 0x80 && b <= 0xFE)) {
            i += 2;
            continue;
        }
        if (b < 0x30 || b > 0x39)
            goto invalid;
        if (i + 2 >= n)
            return i;
        if (s[i + 2] < 0x81 || s[i + 2] > 0xFE)
            goto invalid;
        if (i + 3 >= n)
            return i;
        if (s[i + 3] < 0x30 || s[i + 3] > 0x39 || !gb4_is_mapped(s + i))
            goto invalid;
        i += 4;
    }
    return i;
invalid:
    *bad = 1;
    return i;
}

typedef size_t (*prefix_fn)(const unsigned char *s, size_t n, int *bad);

/* One candidate encoding: validates p[0..n), which starts at offset base of the
 * input, continuing an unfinished sequence held in carry. */
static void detect_run(prefix_fn fn, int *ok, uint64_t *bad_off, unsigned char *carry,
                       size_t *ncarry, uint64_t base, const unsigned char *p, size_t n)
{
    size_t skip = 0, used;
    int bad;

    if (!*ok)
        return;
    if (*ncarry) {
        unsigned char tmp[8];
        size_t take = n < 4 ? n : 4;

        memcpy(tmp, carry, *ncarry);
        memcpy(tmp + *ncarry, p, take);
        used = fn(tmp, *ncarry + take, &bad);
        if (!used) {
            if (bad) {
                *ok = 0;
                *bad_off = base - *ncarry;
            } else {
                /* still unfinished, which needs take == n < 4 */
                memcpy(carry + *ncarry, p, take);
                *ncarry += take;
            }
            return;
        }
        /* the held-back sequence is complete: used covers all of carry */
        skip = used - *ncarry;
        *ncarry = 0;
    }
    used = fn(p + skip, n - skip, &bad);
    if (bad) {
        *ok = 0;
        *bad_off = base + skip + used;
        return;
    }
    *ncarry = n - skip - used;
    memcpy(carry, p + skip + used, *ncarry);
}

void textenc_detect_init(struct textenc_detect *d)
{
    memset(d, 0, sizeof(*d));
    d->utf8_ok = 1;
    d->gb_ok = 1;
}

void textenc_detect_feed(struct textenc_detect *d, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len && d->total + i < 3; i++)
        d->head[d->total + i] = p[i];
    detect_run(textenc_utf8_prefix, &d->utf8_ok, &d->utf8_bad, d->utf8_carry, &d->utf8_ncarry,
               d->total, p, len);
    detect_run(textenc_gb18030_prefix, &d->gb_ok, &d->gb_bad, d->gb_carry, &d->gb_ncarry, d->total,
               p, len);
    d->total += len;
    d->bom = d->total >= 3 && d->head[0] == 0xEF && d->head[1] == 0xBB && d->head[2] == 0xBF;
}

int textenc_detect_is_hopeless(const struct textenc_detect *d)
{
    /* a byte order mark rules GB18030 out: the file claims to be UTF-8 */
    return !d->utf8_ok && (!d->gb_ok || d->bom);
}

int textenc_detect_finish(struct textenc_detect *d, enum textenc_kind *kind, uint64_t *bad_offset)
{
    /* a sequence still unfinished at the end of the input is invalid */
    if (d->utf8_ok && d->utf8_ncarry) {
        d->utf8_ok = 0;
        d->utf8_bad = d->total - d->utf8_ncarry;
    }
    if (d->gb_ok && d->gb_ncarry) {
        d->gb_ok = 0;
        d->gb_bad = d->total - d->gb_ncarry;
    }
    if (d->utf8_ok) {
        *kind = d->bom ? TEXTENC_UTF8_BOM : TEXTENC_UTF8;
        return 0;
    }
    if (d->gb_ok && !d->bom) {
        *kind = TEXTENC_GB18030;
        return 0;
    }
    if (bad_offset)
        *bad_offset = d->bom || d->utf8_bad >= d->gb_bad ? d->utf8_bad : d->gb_bad;
    return FC_EENCODING;
}

int textenc_gb_new(struct textenc_gb **out, struct fc_error *err)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");

    *out = NULL;
    if (cd == (iconv_t)-1)
        return fc_error_setsys(err, FC_EINTERNAL, errno, "cannot convert from GB18030: %s",
                               strerror(errno));
    *out = xmalloc(sizeof(**out));
    (*out)->cd = cd;
    return 0;
}

int textenc_gb_convert(struct textenc_gb *g, const char *in, size_t in_len, size_t *in_used,
                       char *out, size_t out_cap, size_t *out_len)
{
    char *ip = (char *)in, *op = out;
    size_t il = in_len, ol = out_cap;
    int rc = 0;

    while (iconv(g->cd, &ip, &il, &op, &ol) == (size_t)-1) {
        /* E2BIG: out is full; EINVAL: unfinished sequence at the end of in */
        if (errno == EILSEQ && il && (unsigned char)*ip == 0x80 && ol >= 3) {
            /* CP936 0x80 (glibc's GB18030 has no single-byte 0x80): U+20AC */
            memcpy(op, "\xE2\x82\xAC", 3);
            op += 3, ol -= 3, ip++, il--;
            continue;
        }
        if (errno == EILSEQ && il && (unsigned char)*ip == 0x80)
            break; /* out is full: the caller comes back with room */
        if (errno == EILSEQ)
            rc = FC_EENCODING;
        else if (errno != E2BIG && errno != EINVAL)
            rc = FC_EINTERNAL;
        break;
    }
    *in_used = (size_t)(ip - in);
    *out_len = (size_t)(op - out);
    return rc;
}

void textenc_gb_free(struct textenc_gb *g)
{
    if (!g)
        return;
    iconv_close(g->cd);
    free(g);
}
