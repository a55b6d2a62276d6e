/* Streaming RFC 4180 reader. The input flows through one fixed-size window
 * (the read buffer itself for UTF-8, the iconv output for GB18030) and a
 * resumable state machine copies field bytes into one record buffer, so peak
 * memory is a few hundred KiB plus the record limit, whatever the file size.
 * Runs of ordinary bytes are found with a table scan and copied with memcpy;
 * only delimiters, quotes and line ends go through the state machine. */
#include "core/mission/csv.h"

#include "core/base/fs.h"
#include "core/base/error.h"

#include "core/base/xalloc.h"
#include "core/store/hash.h"
#include "core/mission/textenc.h"

#include "core/base/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <sys/mman.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RAW_CHUNK ((size_t)256 << 10)
/* GB18030 -> UTF-8 grows text by at most 3/2 (2 bytes -> 3); twice is safe */
#define DEC_CHUNK (2 * RAW_CHUNK)

enum csv_state {
    ST_REC_START,    /* between records: blank lines are skipped here */
    ST_FIELD_START,  /* first byte of a field decides quoted or not */
    ST_UNQUOTED,     /* inside an unquoted field */
    ST_QUOTED,       /* inside a quoted field */
    ST_QUOTED_QUOTE, /* saw '"' in a quoted field: escape or end of the field */
};

struct csv_reader {
    char *name;
    enum textenc_kind enc;
    struct csv_limits lim;

    /* source: a file (fd >= 0) or a borrowed memory buffer */
    int fd;
    int stream;         /* fd is a pipe of UTF-8 text this program writes: no size, no rewind */
    struct stat opened; /* at open, to notice a file rewritten while being read */
    const unsigned char *mem;
    size_t mem_len;
    uint64_t size;    /* raw bytes validated at open */
    uint64_t raw_pos; /* raw bytes taken from the source so far */
    unsigned char *raw;
    size_t raw_len; /* GB18030 from a file: unconverted bytes at raw[0] */
    struct textenc_gb *gb;
    unsigned char *dec;
    int src_eof;
    int bom_pending; /* a byte order mark may still start the first window */

    /* the window the parser reads */
    const unsigned char *win;
    size_t win_len, win_pos;

    /* parser state, kept across windows */
    enum csv_state st;
    uint64_t line; /* physical line of the next byte */
    int last_cr;   /* the previous byte was CR, so an LF now ends no new line */
    uint64_t rec_line, quote_line;
    size_t rec_bytes;
    int drop;       /* stop storing: record too long or too many fields */
    int field_open; /* the last field in starts[] still takes bytes */
    int field_full; /* ... but it reached max_field: keep no more of it */

    /* the record being assembled: fields back to back, each NUL-terminated */
    char *buf;
    size_t buf_len, buf_cap;
    size_t *starts, *lens;
    char **fields;
    size_t nfields, fields_cap;
    const char *error;
    char errbuf[128];
    char errbuf_local[256];

    int done; /* 0 reading, 1 at the end, < 0 the fatal code */
    struct fc_error fatal;

    char sep;                       /* ',' or '\t'; 0 until the first window decides */
    unsigned char special_unq[256]; /* special_unquoted with sep */
    /* a transcoded file (UTF-16, mixed lines): the lines re-read as GB18030
     * and those in neither encoding, in order, and where the notes are */
    uint64_t *gb_lines, *bad_lines;
    size_t n_gb, n_bad, i_gb, i_bad, cap_gb, cap_bad;
    char note[160], note_local[320];
};

static const unsigned char special_unquoted[256] = {
    [0] = 1,
    ['"'] = 1,
    ['\r'] = 1,
    ['\n'] = 1,
};
static const unsigned char special_quoted[256] = {
    [0] = 1,
    ['"'] = 1,
    ['\r'] = 1,
    ['\n'] = 1,
};

void csv_limits_default(struct csv_limits *lim)
{
    lim->max_record = CSV_DEFAULT_MAX_RECORD;
    lim->max_field = CSV_DEFAULT_MAX_FIELD;
    lim->max_fields = CSV_DEFAULT_MAX_FIELDS;
}

static struct csv_reader *reader_new(const char *name, const struct csv_limits *lim)
{
    struct csv_reader *r = xcalloc(1, sizeof(*r));

    r->name = xstrdup(name);
    r->fd = -1;
    csv_limits_default(&r->lim);
    if (lim) {
        if (lim->max_record)
            r->lim.max_record = lim->max_record;
        if (lim->max_field)
            r->lim.max_field = lim->max_field;
        if (lim->max_fields)
            r->lim.max_fields = lim->max_fields;
    }
    r->line = 1;
    r->st = ST_REC_START;
    memcpy(r->special_unq, special_unquoted, sizeof(r->special_unq));
    r->buf_cap = 4096;
    r->buf = xmalloc(r->buf_cap);
    r->fields_cap = 16;
    r->starts = xreallocarray(NULL, r->fields_cap, sizeof(*r->starts));
    r->lens = xreallocarray(NULL, r->fields_cap, sizeof(*r->lens));
    r->fields = xreallocarray(NULL, r->fields_cap, sizeof(*r->fields));
    return r;
}

/* Decides the encoding (kind) and prepares the conversion it needs. */
static int reader_set_encoding(struct csv_reader *r, struct textenc_detect *d, struct fc_error *err)
{
    uint64_t bad = 0;
    int rc;

    if (textenc_detect_finish(d, &r->enc, &bad) < 0)
        return fc_error_set(err, FC_EENCODING, "'%s': not UTF-8 or GB18030 at byte %" PRIu64,
                            r->name, bad);
    r->size = d->total;
    r->bom_pending = 1;
    if (r->enc == TEXTENC_GB18030) {
        rc = textenc_gb_new(&r->gb, err);
        if (rc < 0)
            return rc;
        r->dec = xmalloc(DEC_CHUNK);
    }
    return 0;
}

static ssize_t read_full(int fd, void *p, size_t n)
{
    ssize_t got;

    do
        got = read(fd, p, n);
    while (got < 0 && errno == EINTR);
    return got;
}

static void lines_add(uint64_t **v, size_t *n, size_t *cap, uint64_t line)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xreallocarray(*v, *cap, sizeof(**v));
    }
    (*v)[(*n)++] = line;
}

static int write_all(int fd, const void *p, size_t n, struct fc_error *err)
{
    const char *c = p;

    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return fc_error_setsys(err, FC_EIO, errno, "cannot convert a file: %s",
                                   strerror(errno));
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes s[0..n) with each byte that is not part of valid UTF-8 as U+FFFD.
 * Unless final, an unfinished sequence at the end is left: *rest gets its
 * length (the caller keeps those bytes for the next call). */
static int put_sanitized(int out, const unsigned char *s, size_t n, int final, size_t *rest,
                         struct fc_error *err)
{
    size_t ok;
    int bad, rc;

    *rest = 0;
    while (n) {
        ok = textenc_utf8_prefix(s, n, &bad);
        rc = write_all(out, s, ok, err);
        if (rc)
            return rc;
        s += ok;
        n -= ok;
        if (!n)
            break;
        if (!bad && !final) {
            *rest = n;
            break;
        }
        rc = write_all(out, "\xEF\xBF\xBD", 3, err);
        if (rc)
            return rc;
        s++;
        n--;
    }
    return 0;
}

/* One line of a file that is not all UTF-8: written as is when it is UTF-8,
 * converted when it is GB18030 (noted), else its valid UTF-8 kept and each
 * bad byte written as U+FFFD (noted as bad: the record is refused). */
static int mixed_line(struct csv_reader *r, int out, const unsigned char *s, size_t n,
                      uint64_t line, struct textenc_gb *gb, uint64_t *mb_lines,
                      struct fc_error *err)
{
    int bad = 0, rc;
    size_t ok = textenc_utf8_prefix(s, n, &bad), used, outlen;
    char dec[4096];

    if (ok == n && !bad) {
        for (size_t i = 0; i < n; i++)
            if (s[i] >= 0x80) {
                (*mb_lines)++;
                break;
            }
        return write_all(out, s, n, err);
    }
    ok = textenc_gb18030_prefix(s, n, &bad);
    if (ok == n && !bad) {
        lines_add(&r->gb_lines, &r->n_gb, &r->cap_gb, line);
        while (n) {
            int crc = textenc_gb_convert(gb, (const char *)s, n, &used, dec, sizeof(dec), &outlen);
            rc = write_all(out, dec, outlen, err);
            if (rc)
                return rc;
            s += used;
            n -= used;
            if (crc < 0 || (!used && !outlen))
                break;
        }
        if (!n)
            return 0;
        /* iconv refused what the validation took: the rest as in neither */
    }
    lines_add(&r->bad_lines, &r->n_bad, &r->cap_bad, line);
    return put_sanitized(out, s, n, 1, &ok, err);
}

/* The lines of a file read line by line (transcode): they end at LF, CR LF
 * or a lone CR, as the parser counts them. A line longer than any record
 * may be is written out as it comes, sanitized, instead of being gathered:
 * the parser refuses its record whatever its encoding, and memory stays
 * bounded however long the line. */
struct mixed {
    struct buf line;
    uint64_t lineno, mb_lines;
    size_t cap;     /* longest line gathered whole */
    int pending_cr; /* the line ends in CR and the next byte may be its LF */
    int long_line;  /* the line is being written out as it comes */
    int out;
    struct textenc_gb *gb;
    /* the counting pass: lines only classified, nothing converted or kept */
    int count_only;
    uint64_t c_gb, c_bad, first_bad;
};

/* The counting pass's verdict on one line: UTF-8 (noted when it has
 * multibyte characters), GB18030, or neither. */
static void mixed_count(struct mixed *m, const unsigned char *s, size_t n)
{
    int bad = 0;

    if (textenc_utf8_prefix(s, n, &bad) == n && !bad) {
        for (size_t i = 0; i < n; i++)
            if (s[i] >= 0x80) {
                m->mb_lines++;
                break;
            }
    } else if (textenc_gb18030_prefix(s, n, &bad) == n && !bad) {
        m->c_gb++;
    } else if (!m->c_bad++) {
        m->first_bad = m->lineno;
    }
}

static int mixed_end_line(struct csv_reader *r, struct mixed *m, struct fc_error *err)
{
    size_t rest;
    int rc;

    rc = 0;
    if (m->count_only) {
        if (!m->long_line)
            mixed_count(m, (const unsigned char *)m->line.ptr, m->line.len);
    } else if (m->long_line)
        rc = put_sanitized(m->out, (const unsigned char *)m->line.ptr, m->line.len, 1, &rest, err);
    else
        rc = mixed_line(r, m->out, (const unsigned char *)m->line.ptr, m->line.len, m->lineno,
                        m->gb, &m->mb_lines, err);
    buf_reset(&m->line);
    m->lineno++;
    m->long_line = m->pending_cr = 0;
    return rc;
}

static int mixed_feed(struct csv_reader *r, struct mixed *m, const unsigned char *p, size_t n,
                      struct fc_error *err)
{
    size_t start = 0, rest;
    int rc;

    if (m->pending_cr && n) {
        if (p[0] == '\n') {
            buf_addch(&m->line, '\n');
            start = 1;
        }
        rc = mixed_end_line(r, m, err);
        if (rc)
            return rc;
    }
    for (size_t i = start; i < n; i++) {
        if (p[i] != '\n' && p[i] != '\r')
            continue;
        if (p[i] == '\r' && i + 1 == n) {
            /* CR at the end of the read: the next byte tells CR LF apart */
            buf_add(&m->line, p + start, n - start);
            m->pending_cr = 1;
            return 0;
        }
        if (p[i] == '\r' && p[i + 1] == '\n')
            i++;
        buf_add(&m->line, p + start, i + 1 - start);
        rc = mixed_end_line(r, m, err);
        if (rc)
            return rc;
        start = i + 1;
    }
    buf_add(&m->line, p + start, n - start);
    if (m->count_only && (m->long_line || m->line.len > m->cap)) {
        m->long_line = 1; /* its record is refused whatever it holds */
        buf_reset(&m->line);
    } else if (m->long_line || m->line.len > m->cap) {
        m->long_line = 1;
        rc = put_sanitized(m->out, (const unsigned char *)m->line.ptr, m->line.len, 0, &rest, err);
        if (rc)
            return rc;
        memmove(m->line.ptr, m->line.ptr + m->line.len - rest, rest);
        buf_truncate(&m->line, rest);
    }
    return 0;
}

/* One pass of r->fd through the line splitter; ctx (may be NULL) gets
 * every byte. */
static int mixed_pass(struct csv_reader *r, struct mixed *m, struct hash_ctx *ctx,
                      struct fc_error *err)
{
    ssize_t got;
    int rc;

    if (lseek(r->fd, 0, SEEK_SET) < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot rewind '%s': %s", r->name,
                               strerror(errno));
    while ((got = read_full(r->fd, r->raw, RAW_CHUNK)) > 0) {
        if (ctx)
            hash_update(ctx, r->raw, (size_t)got);
        rc = mixed_feed(r, m, r->raw, (size_t)got, err);
        if (rc)
            return rc;
    }
    if (got < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", r->name,
                               strerror(errno));
    if (m->line.len || m->pending_cr)
        return mixed_end_line(r, m, err);
    return 0;
}

/* r->fd from UTF-16 (either byte order, by its BOM) to UTF-8 into out. */
static int utf16_pass(struct csv_reader *r, int out, struct hash_ctx *ctx, struct fc_error *err)
{
    iconv_t cd = iconv_open("UTF-8", "UTF-16");
    uint64_t total = 0;
    size_t carry = 0;
    ssize_t got;
    int rc = 0;
    char dec[8192];

    if (cd == (iconv_t)-1)
        return fc_error_setsys(err, FC_EINTERNAL, errno, "cannot convert from UTF-16: %s",
                               strerror(errno));
    if (lseek(r->fd, 0, SEEK_SET) < 0) {
        rc =
            fc_error_setsys(err, FC_EIO, errno, "cannot rewind '%s': %s", r->name, strerror(errno));
        goto out;
    }
    while ((got = read_full(r->fd, r->raw + carry, RAW_CHUNK - carry)) > 0 || carry) {
        size_t avail = carry + (got > 0 ? (size_t)got : 0);
        char *ip = (char *)r->raw, *op;
        size_t il = avail, ol;

        if (got > 0 && ctx)
            hash_update(ctx, r->raw + carry, (size_t)got);
        total += got > 0 ? (uint64_t)got : 0;
        do {
            op = dec;
            ol = sizeof(dec);
            if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno == EILSEQ) {
                rc = fc_error_set(
                    err, FC_EENCODING, "'%s': not UTF-16 at byte %llu", r->name,
                    (unsigned long long)(total - avail + (size_t)(ip - (char *)r->raw)));
                goto out;
            }
            rc = write_all(out, dec, sizeof(dec) - ol, err);
            if (rc)
                goto out;
        } while (ol < sizeof(dec) && il);
        carry = il;
        memmove(r->raw, ip, carry);
        if (got <= 0) {
            if (carry)
                rc = fc_error_set(err, FC_EENCODING, "'%s': UTF-16 cut short at the end", r->name);
            break;
        }
    }
    if (got < 0)
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", r->name, strerror(errno));
out:
    iconv_close(cd);
    return rc;
}

/* Converts the whole of r->fd into an anonymous in-memory file that becomes
 * the reader's source, read as UTF-8: for UTF-16 (iconv), or line by line
 * for a file that is not all UTF-8 (mixed_line). The lines of the latter are
 * counted first: returns 1 (nothing changed, nothing written) when its UTF-8
 * lines are not the majority (a GBK file: read as such), 0 when converted,
 * or < 0. digest gets the SHA-256 of the original. */
static int transcode(struct csv_reader *r, int utf16, int bom, unsigned char *digest,
                     struct fc_error *err)
{
    struct mixed m = {.line = BUF_INIT, .lineno = 1, .cap = r->lim.max_record + 2};
    struct hash_ctx ctx;
    int out = -1, rc = 0;

    out = memfd_create("fieldcheck-import", MFD_CLOEXEC);
    if (out < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot convert '%s': %s", r->name,
                               strerror(errno));
    m.out = out;
    if (!utf16) {
        rc = textenc_gb_new(&m.gb, err);
        if (rc)
            goto out;
    }
    if (digest)
        hash_init(&ctx);
    if (!utf16) {
        /* counted first: a GBK file (most multibyte lines GB18030) is read
         * as one by the caller, with nothing converted or held meanwhile */
        m.count_only = 1;
        rc = mixed_pass(r, &m, digest ? &ctx : NULL, err);
        if (rc)
            goto out;
        if (m.mb_lines <= m.c_gb + m.c_bad && !bom) {
            if (!m.c_bad) {
                rc = 1; /* mostly GBK: a GB18030 file after all */
                goto out;
            }
            /* neither: the old message, with the line of the first bad byte */
            lines_add(&r->bad_lines, &r->n_bad, &r->cap_bad, m.first_bad);
            rc = fc_error_set(err, FC_EENCODING, "'%s': not UTF-8 or GB18030 at line %llu", r->name,
                              (unsigned long long)m.first_bad);
            goto out;
        }
        /* mostly UTF-8: converted line by line */
        buf_reset(&m.line);
        m.lineno = 1;
        m.mb_lines = 0;
        m.pending_cr = m.long_line = m.count_only = 0;
        rc = mixed_pass(r, &m, NULL, err);
        if (rc)
            goto out;
    } else {
        rc = utf16_pass(r, out, digest ? &ctx : NULL, err);
        if (rc)
            goto out;
    }
    if (digest)
        hash_final(&ctx, digest);
    close(r->fd);
    r->fd = out;
    out = -1;
    if (fstat(r->fd, &r->opened) < 0 || lseek(r->fd, 0, SEEK_SET) < 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s' converted: %s", r->name,
                             strerror(errno));
        goto out;
    }
    r->size = (uint64_t)r->opened.st_size;
    r->enc = utf16 ? TEXTENC_UTF16 : TEXTENC_UTF8_MIXED;
    r->bom_pending = 1;
out:
    if (out >= 0)
        close(out);
    textenc_gb_free(m.gb);
    buf_release(&m.line);
    return rc;
}

/* The encoding pass reads every byte once already; a caller that needs the
 * file's SHA-256 gets it from that pass instead of reading the file again. */
static int reader_open(struct csv_reader **out, const char *path, const struct csv_limits *lim,
                       unsigned char *digest, struct fc_error *err)
{
    struct csv_reader *r = NULL;
    struct textenc_detect d;
    struct hash_ctx ctx;
    ssize_t got;
    int rc = 0;

    *out = NULL;
    r = reader_new(path, lim);
    /* a FIFO or a device named as a mission file is refused, never read */
    rc = fs_open_input(path, 0, 0, &r->fd, NULL, err);
    if (rc)
        goto out;
    if (fstat(r->fd, &r->opened) < 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot stat '%s': %s", path, strerror(errno));
        goto out;
    }
    posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    r->raw = xmalloc(RAW_CHUNK);
    {
        /* UTF-16 announces itself with its byte order mark */
        unsigned char bom[2];
        if (pread(r->fd, bom, 2, 0) == 2 &&
            ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF))) {
            rc = transcode(r, 1, 0, digest, err);
            if (rc < 0)
                goto out;
            *out = r;
            r = NULL;
            goto out;
        }
    }

    /* Whole-file pass: validation runs at over 1 GB/s from the page cache,
     * well below the cost of parsing, and deciding before the first record
     * means a GBK file whose first megabytes are ASCII is still read as GBK. */
    textenc_detect_init(&d);
    if (digest)
        hash_init(&ctx);
    while ((got = read_full(r->fd, r->raw, RAW_CHUNK)) > 0) {
        if (digest)
            hash_update(&ctx, r->raw, (size_t)got);
        textenc_detect_feed(&d, r->raw, (size_t)got);
        if (textenc_detect_is_hopeless(&d))
            break; /* the open fails below, so a partial digest is never seen */
    }
    if (got < 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if (!d.utf8_ok) {
        /* Not all UTF-8: a GBK file, or a UTF-8 file with a few odd lines,
         * which must never be decoded wholesale as GB18030 (mojibake).
         * The lines tell: most UTF-8, each odd one is re-read or refused. */
        struct fc_error terr;
        rc = transcode(r, 0, d.bom, digest, &terr);
        if (rc == 0) {
            *out = r;
            r = NULL;
            goto out;
        }
        if (rc < 0 && rc != FC_EENCODING) {
            if (err)
                *err = terr;
            goto out;
        }
        if (rc < 0 && !d.gb_ok) {
            /* in neither encoding, and not mostly UTF-8 */
            uint64_t bad = 0;
            enum textenc_kind k;
            textenc_detect_finish(&d, &k, &bad);
            rc = fc_error_set(err, FC_EENCODING,
                              "'%s': not UTF-8 or GB18030 at byte %" PRIu64 " (line %llu)", r->name,
                              bad, (unsigned long long)(r->n_bad ? r->bad_lines[0] : 0));
            goto out;
        }
        r->n_gb = r->n_bad = 0;
        rc = 0;
    }
    rc = reader_set_encoding(r, &d, err);
    if (rc < 0)
        goto out;
    if (lseek(r->fd, 0, SEEK_SET) < 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot rewind '%s': %s", path, strerror(errno));
        goto out;
    }
    if (digest)
        hash_final(&ctx, digest);
    *out = r;
    r = NULL;
out:
    csv_reader_free(r);
    return rc;
}

int csv_reader_open(struct csv_reader **out, const char *path, const struct csv_limits *lim,
                    struct fc_error *err)
{
    return reader_open(out, path, lim, NULL, err);
}

int csv_reader_open_digest(struct csv_reader **out, const char *path, const struct csv_limits *lim,
                           unsigned char digest[HASH_LEN], struct fc_error *err)
{
    return reader_open(out, path, lim, digest, err);
}

int csv_reader_open_stream(struct csv_reader **out, int fd, const char *name,
                           const struct csv_limits *lim)
{
    struct csv_reader *r = reader_new(name, lim);

    r->fd = fd;
    r->stream = 1;
    r->raw = xmalloc(RAW_CHUNK);
    r->enc = TEXTENC_UTF8;
    r->size = UINT64_MAX;
    r->bom_pending = 1;
    *out = r;
    return 0;
}

int csv_reader_open_mem(struct csv_reader **out, const char *name, const void *data, size_t len,
                        const struct csv_limits *lim, struct fc_error *err)
{
    struct csv_reader *r = NULL;
    struct textenc_detect d;
    int rc;

    *out = NULL;
    r = reader_new(name, lim);
    r->mem = len ? data : (const unsigned char *)"";
    r->mem_len = len;
    textenc_detect_init(&d);
    textenc_detect_feed(&d, r->mem, len);
    rc = reader_set_encoding(r, &d, err);
    if (rc < 0)
        goto out;
    *out = r;
    r = NULL;
out:
    csv_reader_free(r);
    return rc;
}

const char *csv_reader_encoding(const struct csv_reader *r)
{
    return textenc_name(r->enc);
}

const char *csv_reader_name(const struct csv_reader *r)
{
    return r->name;
}

uint64_t csv_reader_offset(const struct csv_reader *r)
{
    return r->raw_pos;
}

void csv_reader_free(struct csv_reader *r)
{
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    textenc_gb_free(r->gb);
    free(r->raw);
    free(r->dec);
    free(r->buf);
    free(r->starts);
    free(r->lens);
    free(r->fields);
    free(r->gb_lines);
    free(r->bad_lines);
    free(r->name);
    free(r);
}

/* At the end of a file: the size and modification time must still be those
 * the encoding was decided on. */
static int src_check_unchanged(struct csv_reader *r, struct fc_error *err)
{
    struct stat st;

    if (r->fd < 0 || r->stream)
        return 0;
    if (fstat(r->fd, &st) < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot stat '%s': %s", r->name,
                               strerror(errno));
    if (r->raw_pos != r->size || st.st_size != r->opened.st_size ||
        st.st_mtim.tv_sec != r->opened.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != r->opened.st_mtim.tv_nsec)
        return fc_error_set(err, FC_EIO, "'%s' changed while being read", r->name);
    return 0;
}

/* UTF-8 input: the window is the source itself (memory) or the read buffer. */
static int src_fill_utf8(struct csv_reader *r, struct fc_error *err)
{
    ssize_t got;

    if (r->fd < 0) {
        if (r->raw_pos == r->mem_len)
            return 0;
        r->win = r->mem;
        r->win_len = r->mem_len;
        r->raw_pos = r->mem_len;
        return 1;
    }
    got = read_full(r->fd, r->raw, RAW_CHUNK);
    if (got < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", r->name,
                               strerror(errno));
    if (got == 0)
        return src_check_unchanged(r, err);
    r->raw_pos += (uint64_t)got;
    if (r->raw_pos > r->size)
        return fc_error_set(err, FC_EIO, "'%s' changed while being read", r->name);
    r->win = r->raw;
    r->win_len = (size_t)got;
    return 1;
}

static int gb_error(struct csv_reader *r, uint64_t at, struct fc_error *err)
{
    return fc_error_set(err, FC_EENCODING, "'%s': not UTF-8 or GB18030 at byte %" PRIu64, r->name,
                        at);
}

/* GB18030 input: converts the next stretch into dec, which becomes the window. */
static int src_fill_gb(struct csv_reader *r, struct fc_error *err)
{
    const unsigned char *in;
    size_t avail, used, outlen;
    ssize_t got = 0;
    int rc;

    for (;;) {
        if (r->fd < 0) {
            in = r->mem + r->raw_pos;
            avail = r->mem_len - (size_t)r->raw_pos;
        } else {
            if (r->raw_len < RAW_CHUNK) {
                got = read_full(r->fd, r->raw + r->raw_len, RAW_CHUNK - r->raw_len);
                if (got < 0)
                    return fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", r->name,
                                           strerror(errno));
                r->raw_len += (size_t)got;
                if (r->raw_pos + r->raw_len > r->size)
                    return fc_error_set(err, FC_EIO, "'%s' changed while being read", r->name);
            }
            in = r->raw;
            avail = r->raw_len;
        }
        if (!avail)
            return src_check_unchanged(r, err);
        rc = textenc_gb_convert(r->gb, (const char *)in, avail, &used, (char *)r->dec, DEC_CHUNK,
                                &outlen);
        if (rc == FC_EENCODING)
            return gb_error(r, r->raw_pos + used, err);
        if (rc < 0)
            return fc_error_set(err, rc, "cannot convert '%s' from GB18030", r->name);
        r->raw_pos += used;
        if (r->fd >= 0) {
            memmove(r->raw, r->raw + used, avail - used);
            r->raw_len = avail - used;
        }
        if (outlen) {
            r->win = r->dec;
            r->win_len = outlen;
            return 1;
        }
        /* Nothing converted: only an unfinished sequence is left. More input
         * may complete it unless the source is at its end (memory, a read that
         * returned nothing, or a full buffer that still made no progress). */
        if (r->fd >= 0 && (got > 0 && r->raw_len < RAW_CHUNK))
            continue;
        if (r->fd >= 0 && r->raw_pos + r->raw_len != r->size)
            return fc_error_set(err, FC_EIO, "'%s' changed while being read", r->name);
        return gb_error(r, r->raw_pos, err);
    }
}

/* Makes a fresh window. 1 with data, 0 at the end, < 0 on error. */
static int src_fill(struct csv_reader *r, struct fc_error *err)
{
    int rc;

    if (r->src_eof)
        return 0;
    r->win_pos = r->win_len = 0;
    rc = r->enc == TEXTENC_GB18030 ? src_fill_gb(r, err) : src_fill_utf8(r, err);
    if (rc == 0)
        r->src_eof = 1;
    if (rc == 0 && !r->sep)
        r->sep = ',';
    if (rc > 0 && r->bom_pending) {
        /* U+FEFF at the very start: UTF-8 BOM, or GB18030's 84 31 95 33 */
        r->bom_pending = 0;
        if (r->win_len >= 3 && !memcmp(r->win, "\xEF\xBB\xBF", 3))
            r->win_pos = 3;
    }
    if (rc > 0 && !r->sep) {
        /* the separator is what the first line uses more, outside quotes:
         * tab for Excel's "Unicode text" and tab-separated exports */
        size_t commas = 0, tabs = 0;
        int quoted = 0;
        for (size_t i = r->win_pos; i < r->win_len && (quoted || r->win[i] != '\n'); i++) {
            if (r->win[i] == '"')
                quoted = !quoted;
            else if (!quoted)
                commas += r->win[i] == ',', tabs += r->win[i] == '\t';
        }
        r->sep = tabs > commas ? '\t' : ',';
        r->special_unq[(unsigned char)r->sep] = 1;
    }
    return rc;
}

static void record_error(struct csv_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The first problem found in a record is the one reported. */
static void record_error(struct csv_reader *r, const char *fmt, ...)
{
    va_list ap;

    if (r->error)
        return;
    va_start(ap, fmt);
    vsnprintf(r->errbuf, sizeof(r->errbuf), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(r->errbuf_local, sizeof(r->errbuf_local), fc_tr(fmt), ap);
    va_end(ap);
    r->error = r->errbuf;
}

static void buf_need(struct csv_reader *r, size_t extra)
{
    size_t need = r->buf_len + extra + 1;

    if (need <= r->buf_cap)
        return;
    while (r->buf_cap < need)
        r->buf_cap *= 2;
    r->buf = xrealloc(r->buf, r->buf_cap);
}

static void field_begin(struct csv_reader *r)
{
    if (r->drop)
        return;
    if (r->nfields == r->lim.max_fields) {
        record_error(r, "record has more than %zu fields", r->lim.max_fields);
        r->drop = 1;
        return;
    }
    if (r->nfields == r->fields_cap) {
        r->fields_cap *= 2;
        r->starts = xreallocarray(r->starts, r->fields_cap, sizeof(*r->starts));
        r->lens = xreallocarray(r->lens, r->fields_cap, sizeof(*r->lens));
        r->fields = xreallocarray(r->fields, r->fields_cap, sizeof(*r->fields));
    }
    r->starts[r->nfields++] = r->buf_len;
    r->field_open = 1;
    r->field_full = 0;
}

/* Appends n bytes of field content; rec_bytes must already count them. */
static void field_add(struct csv_reader *r, const unsigned char *s, size_t n)
{
    size_t cur;

    if (!r->field_open || r->drop)
        return;
    if (r->rec_bytes > r->lim.max_record) {
        /* keep what fits, for the diagnostic, then store nothing more */
        size_t over = r->rec_bytes - r->lim.max_record;

        record_error(r, "record is longer than %zu bytes", r->lim.max_record);
        r->drop = 1;
        n = n > over ? n - over : 0;
    }
    if (r->field_full)
        return;
    cur = r->buf_len - r->starts[r->nfields - 1];
    if (cur + n > r->lim.max_field) {
        record_error(r, "field %zu is longer than %zu bytes", r->nfields, r->lim.max_field);
        r->field_full = 1;
        n = r->lim.max_field - cur;
    }
    if (r->drop || r->field_full) {
        /* cut at a character boundary so the diagnostic text stays UTF-8 */
        while (n && (s[n] & 0xC0) == 0x80)
            n--;
    }
    buf_need(r, n);
    memcpy(r->buf + r->buf_len, s, n);
    r->buf_len += n;
}

static void field_end(struct csv_reader *r)
{
    if (!r->field_open)
        return;
    r->lens[r->nfields - 1] = r->buf_len - r->starts[r->nfields - 1];
    buf_need(r, 0);
    r->buf[r->buf_len++] = '\0';
    r->field_open = 0;
}

static void record_begin(struct csv_reader *r)
{
    r->buf_len = 0;
    r->nfields = 0;
    r->rec_bytes = 0;
    r->drop = 0;
    r->field_open = 0;
    r->error = NULL;
    r->rec_line = r->line;
    field_begin(r);
}

static void count_newline(struct csv_reader *r, unsigned char c)
{
    if (c == '\r') {
        r->line++;
        r->last_cr = 1;
    } else {
        if (!r->last_cr)
            r->line++;
        r->last_cr = 0;
    }
}

/* Adds the run of ordinary bytes from p (those special does not mark) to
 * the field; returns where the run stops. */
static const unsigned char *field_run(struct csv_reader *r, const unsigned char *p,
                                      const unsigned char *end, const unsigned char *special)
{
    const unsigned char *s = p;

    while (p < end && !special[*p])
        p++;
    if (p > s) {
        r->rec_bytes += (size_t)(p - s);
        r->last_cr = 0;
        field_add(r, s, (size_t)(p - s));
    }
    return p;
}

/* Field separator seen outside quotes. */
static void next_field(struct csv_reader *r)
{
    r->rec_bytes++;
    r->last_cr = 0;
    field_end(r);
    if (r->rec_bytes > r->lim.max_record && !r->drop) {
        record_error(r, "record is longer than %zu bytes", r->lim.max_record);
        r->drop = 1;
    }
    field_begin(r);
    r->st = ST_FIELD_START;
}

static void record_fill(struct csv_reader *r, struct csv_record *rec, uint64_t end_line)
{
    field_end(r);
    for (size_t i = 0; i < r->nfields; i++)
        r->fields[i] = r->buf + r->starts[i];
    rec->nfields = r->nfields;
    rec->fields = r->fields;
    rec->lens = r->lens;
    rec->line = r->rec_line;
    rec->end_line = end_line;
    rec->error = r->error;
    rec->error_local = r->error ? r->errbuf_local : NULL;
}

/* The line break c before p ends the record: rec gets it, and the next one
 * starts at p. Returns 1. */
static int record_end(struct csv_reader *r, struct csv_record *rec, unsigned char c,
                      const unsigned char *p)
{
    uint64_t end_line = r->line;

    count_newline(r, c);
    r->st = ST_REC_START;
    r->win_pos = (size_t)(p - r->win);
    record_fill(r, rec, end_line);
    return 1;
}

/* Runs the state machine over the window from *pp. Returns 1 with the record
 * in rec when one ends inside the window, else 0 with the window used up. */
static int parse_window(struct csv_reader *r, struct csv_record *rec)
{
    const unsigned char *p = r->win + r->win_pos, *end = r->win + r->win_len;
    unsigned char c;

    while (p < end) {
        switch (r->st) {
        case ST_REC_START:
            c = *p;
            if (c == '\r' || c == '\n') {
                count_newline(r, c); /* blank line, or the LF of a CRLF */
                p++;
                break;
            }
            record_begin(r);
            r->st = ST_FIELD_START;
            break;
        case ST_FIELD_START:
            if (*p == '"') {
                p++;
                r->rec_bytes++;
                r->last_cr = 0;
                r->quote_line = r->line;
                r->st = ST_QUOTED;
            } else {
                r->st = ST_UNQUOTED;
            }
            break;
        case ST_UNQUOTED:
            p = field_run(r, p, end, r->special_unq);
            if (p == end)
                break;
            c = *p++;
            if (c == r->sep) {
                next_field(r);
            } else if (c == '"') {
                r->rec_bytes++;
                r->last_cr = 0;
                record_error(r, "quote inside unquoted field %zu", r->nfields);
                field_add(r, p - 1, 1);
            } else if (c == '\0') {
                r->rec_bytes++;
                r->last_cr = 0;
                record_error(r, "NUL byte in field %zu", r->nfields);
            } else {
                return record_end(r, rec, c, p);
            }
            break;
        case ST_QUOTED:
            p = field_run(r, p, end, special_quoted);
            if (p == end)
                break;
            c = *p++;
            r->rec_bytes++;
            if (c == '"') {
                r->last_cr = 0;
                r->st = ST_QUOTED_QUOTE;
            } else if (c == '\0') {
                r->last_cr = 0;
                record_error(r, "NUL byte in field %zu", r->nfields);
            } else {
                count_newline(r, c);
                field_add(r, p - 1, 1);
            }
            break;
        case ST_QUOTED_QUOTE:
            c = *p;
            if (c == '"') {
                p++;
                r->rec_bytes++;
                field_add(r, p - 1, 1);
                r->st = ST_QUOTED;
            } else if (c == r->sep) {
                p++;
                next_field(r);
            } else if (c == '\r' || c == '\n') {
                return record_end(r, rec, c, p + 1);
            } else {
                /* keep the text, as Excel does, but flag the record */
                record_error(r, "text after closing quote in field %zu", r->nfields);
                r->st = ST_UNQUOTED;
            }
            break;
        }
    }
    r->win_pos = r->win_len;
    return 0;
}

static int reader_fail(struct csv_reader *r, int code, struct fc_error *err)
{
    r->done = code;
    if (err)
        *err = r->fatal;
    return code;
}

static int next_raw(struct csv_reader *r, struct csv_record *rec, struct fc_error *err);

/* 1 when a line of list[*i..n) falls in [from, to], which it consumes. */
static int lines_hit(const uint64_t *list, size_t n, size_t *i, uint64_t from, uint64_t to,
                     uint64_t *which)
{
    int hit = 0;

    while (*i < n && list[*i] < from)
        (*i)++;
    while (*i < n && list[*i] <= to) {
        if (!hit)
            *which = list[*i];
        hit = 1;
        (*i)++;
    }
    return hit;
}

int csv_next(struct csv_reader *r, struct csv_record *rec, struct fc_error *err)
{
    int rc = next_raw(r, rec, err);
    uint64_t line = 0;

    if (rc <= 0 || (!r->n_gb && !r->n_bad))
        return rc;
    if (lines_hit(r->bad_lines, r->n_bad, &r->i_bad, rec->line, rec->end_line, &line) &&
        !rec->error) {
        snprintf(r->errbuf, sizeof(r->errbuf), "line %" PRIu64 " is neither UTF-8 nor GB18030",
                 line);
        snprintf(r->errbuf_local, sizeof(r->errbuf_local),
                 fc_tr("line %llu is neither UTF-8 nor GB18030"), (unsigned long long)line);
        rec->error = r->errbuf;
        rec->error_local = r->errbuf_local;
    }
    if (lines_hit(r->gb_lines, r->n_gb, &r->i_gb, rec->line, rec->end_line, &line)) {
        snprintf(r->note, sizeof(r->note),
                 "line %" PRIu64 " is GB18030 (GBK) in a UTF-8 file: read as GB18030", line);
        snprintf(r->note_local, sizeof(r->note_local),
                 fc_tr("line %llu is GB18030 (GBK) in a UTF-8 file: read as GB18030"),
                 (unsigned long long)line);
        rec->note = r->note;
        rec->note_local = r->note_local;
    }
    return rc;
}

static int next_raw(struct csv_reader *r, struct csv_record *rec, struct fc_error *err)
{
    int rc;

    memset(rec, 0, sizeof(*rec));
    if (r->done > 0)
        return 0;
    if (r->done < 0)
        return reader_fail(r, r->done, err);
    for (;;) {
        if (r->win_pos == r->win_len) {
            rc = src_fill(r, &r->fatal);
            if (rc < 0)
                return reader_fail(r, rc, err);
            if (rc == 0)
                break;
        }
        if (parse_window(r, rec))
            return 1;
    }
    /* end of input */
    switch (r->st) {
    case ST_REC_START: r->done = 1; return 0;
    case ST_QUOTED:
        fc_error_set(&r->fatal, FC_EINPUT,
                     "'%s': quoted field starting at line %" PRIu64 " is not closed at end of file",
                     r->name, r->quote_line);
        return reader_fail(r, FC_EINPUT, err);
    default:
        r->st = ST_REC_START;
        record_fill(r, rec, r->line);
        return 1;
    }
}

void csv_put_field(struct buf *b, const char *f, size_t len)
{
    int quote = len && (f[0] == ' ' || f[len - 1] == ' ');

    for (size_t i = 0; i < len && !quote; i++)
        quote = f[i] == ',' || f[i] == '"' || f[i] == '\r' || f[i] == '\n' || f[i] == '\t';
    if (!quote) {
        buf_add(b, f, len);
        return;
    }
    buf_addch(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (f[i] == '"')
            buf_addch(b, '"');
        buf_addch(b, f[i]);
    }
    buf_addch(b, '"');
}
