/* Text encoding of imported files: detection (UTF-8, UTF-8 with BOM, else
 * GB18030, which covers GBK and GB2312) by validating both candidates over the
 * whole input in one streaming pass, and GB18030 -> UTF-8 conversion through
 * glibc iconv. Headquarters exports come from Excel on Chinese Windows (GBK)
 * or from newer systems (UTF-8); nothing else is accepted. */
#ifndef FC_CORE_TEXTENC_H
#define FC_CORE_TEXTENC_H

#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>

enum textenc_kind {
    TEXTENC_UTF8,       /* valid UTF-8, no byte order mark */
    TEXTENC_UTF8_BOM,   /* valid UTF-8 starting with EF BB BF */
    TEXTENC_GB18030,    /* not UTF-8, but valid GB18030 (GBK, GB2312 are subsets; CP936's
                         0x80 for the euro sign is taken too) */
    TEXTENC_UTF16,      /* UTF-16 with a byte order mark (Excel's "Unicode text") */
    TEXTENC_UTF8_MIXED, /* UTF-8 with lines in GB18030 (or in neither), each told apart */
};

/* "UTF-8", "UTF-8 (BOM)", "GB18030", "UTF-16" or "UTF-8 (mixed lines)". */
const char *textenc_name(enum textenc_kind kind);

/* Streaming detector: feed the input in chunks of any size (sequences may be
 * split across chunks), then call textenc_detect_finish. Caller-owned, no
 * resources: textenc_detect_init is all the setup there is. */
struct textenc_detect {
    uint64_t total;        /* bytes fed so far */
    uint64_t utf8_bad;     /* offset of the first invalid UTF-8 byte, if utf8_ok == 0 */
    uint64_t gb_bad;       /* offset of the first invalid GB18030 byte, if gb_ok == 0 */
    int utf8_ok;           /* still valid as UTF-8 */
    int gb_ok;             /* still valid as GB18030 */
    int bom;               /* the input starts with a UTF-8 byte order mark */
    unsigned char head[3]; /* first bytes, to see the byte order mark */
    unsigned char utf8_carry[4];
    unsigned char gb_carry[4];
    size_t utf8_ncarry; /* bytes of an unfinished sequence held back */
    size_t gb_ncarry;
};

void textenc_detect_init(struct textenc_detect *d);

/* Feeds the next len bytes. */
void textenc_detect_feed(struct textenc_detect *d, const void *data, size_t len);

/* 1 when the input is already invalid in both encodings, so the caller may
 * stop reading; 0 otherwise. */
int textenc_detect_is_hopeless(const struct textenc_detect *d);

/* Ends the input and decides. Returns 0 with *kind set, or FC_EENCODING when
 * the input is valid in neither encoding; *bad_offset then gets the offset of
 * the first invalid byte in whichever encoding reached further (the likelier
 * intended one), so the message points at the real damage. bad_offset may be
 * NULL. UTF-8 wins when the input is valid in both (pure ASCII is UTF-8). */
int textenc_detect_finish(struct textenc_detect *d, enum textenc_kind *kind, uint64_t *bad_offset);

/* Length of the longest prefix of s[0..n) made of complete, valid UTF-8
 * sequences. Sets *bad to 1 when s[return value] starts an invalid sequence,
 * 0 when the prefix is all of s or only an unfinished sequence follows it. */
size_t textenc_utf8_prefix(const unsigned char *s, size_t n, int *bad);

/* The same for GB18030 (one, two or four bytes, exactly the sequences glibc's
 * iconv converts). */
size_t textenc_gb18030_prefix(const unsigned char *s, size_t n, int *bad);

/* GB18030 -> UTF-8 converter (heap; textenc_gb_free releases it). */
struct textenc_gb;

/* FC_EINTERNAL if iconv lacks GB18030 (glibc always has it). */
int textenc_gb_new(struct textenc_gb **out, struct fc_error *err);

/* Converts in[0..in_len) into out[0..out_cap) as far as both allow; sets
 * *in_used and *out_len. An unfinished sequence at the end of in is left
 * unconverted (call again with more input appended, or treat it as invalid at
 * the end of the input). Returns 0, or FC_EENCODING when in[*in_used] starts
 * an invalid sequence (what was converted before it is in out). out_cap must
 * be at least 4. */
int textenc_gb_convert(struct textenc_gb *g, const char *in, size_t in_len, size_t *in_used,
                       char *out, size_t out_cap, size_t *out_len);

/* NULL ok. */
void textenc_gb_free(struct textenc_gb *g);

#endif
