/* First sheet of an .xlsx workbook -> CSV (core/mission/xlsx.h). Parts are
 * streamed from libzip into expat in chunks, each capped in size and ratio
 * before a byte is inflated; shared strings are the one thing held in
 * memory, back to back in one block (every string capped, their count and
 * their total too), and what is written is capped by row and in all, since
 * a shared string named by many cells multiplies. A DOCTYPE is refused, so
 * no entity can expand. Element and attribute names are matched without
 * their namespace prefix: producers differ in prefixes, not in local names. */
#include "core/mission/xlsx.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#define CHUNK ((size_t)64 << 10)

void xlsx_limits_default(struct xlsx_limits *lim)
{
    lim->max_entries = 10000;
    lim->max_part = (uint64_t)1 << 30;
    lim->max_ratio = 200;
    lim->max_rows = 1048576;
    lim->max_cols = 16384;
    lim->max_strings = 16000000;
    lim->max_string_len = 128 << 10;
    lim->max_strings_bytes = (uint64_t)256 << 20;
    lim->max_row_bytes = (uint64_t)2 << 20;
    lim->max_output = (uint64_t)1 << 30;
}

void xlsx_rowmap_init(struct xlsx_rowmap *m)
{
    memset(m, 0, sizeof(*m));
}

void xlsx_rowmap_release(struct xlsx_rowmap *m)
{
    pthread_mutex_t *lock;

    if (!m)
        return;
    lock = m->lock;
    if (lock)
        pthread_mutex_lock(lock);
    free(m->from);
    free(m->shift);
    xlsx_rowmap_init(m);
    m->lock = lock;
    if (lock)
        pthread_mutex_unlock(lock);
}

static uint64_t rowmap_row(const struct xlsx_rowmap *m, uint64_t line)
{
    size_t lo = 0, hi = m ? m->n : 0;

    /* the last entry whose from is <= line */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->from[mid] <= line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? line - m->shift[lo - 1] : line;
}

uint64_t xlsx_rowmap_row(const struct xlsx_rowmap *m, uint64_t line)
{
    uint64_t row;

    if (!m || !m->lock)
        return rowmap_row(m, line);
    pthread_mutex_lock(m->lock);
    row = rowmap_row(m, line);
    pthread_mutex_unlock(m->lock);
    return row;
}

struct cell {
    uint64_t col;
    size_t off, len; /* in row text */
};

struct xl {
    zip_t *z;
    struct xlsx_limits lim;
    struct fc_error *err;
    int rc;
    const char *part;
    XML_Parser p;

    /* workbook and styles */
    int date1904;
    char first_rid[128];
    int have_sheet;
    char target[512];
    int in_cellxfs, in_numfmts;
    unsigned char *xf_kind; /* per cellXfs index: 0 number, 1 date, 2 date and time, 3 time */
    size_t nxf, capxf;
    struct {
        unsigned long id;
        unsigned char kind;
    } * fmts;
    size_t nfmts, capfmts;

    /* shared strings: string i is ss_text[ss_off[i] .. ss_off[i + 1]) */
    struct buf ss_text;
    uint32_t *ss_off;
    size_t nss, capss;
    int in_si, in_t, in_rph;
    struct buf text;

    /* sheet */
    int in_v, in_is, in_f;
    uint64_t row, rows_out, header_width;
    uint64_t csv_line; /* the CSV line the next line written gets */
    uint64_t written;  /* CSV bytes written */
    uint64_t shift;    /* csv_line - row after the rows so far */
    struct xlsx_rowmap *map;
    uint64_t next_col;
    char ctype[16];
    long cstyle;
    uint64_t ccol;
    struct buf rowtext;
    struct cell *cells;
    size_t ncells, capcells;
    int out_fd;
    struct buf out;
};

static const char *local(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

/* strcmp(n, w) == 0 without a call: the sheet's handlers run for every
 * element of every cell, and most names differ at their first byte. */
static int name_is(const char *n, const char *w)
{
    while (*w && *n == *w)
        n++, w++;
    return *n == *w;
}

static const char *attr(const char **a, const char *name)
{
    for (; a && a[0]; a += 2)
        if (name_is(local(a[0]), name))
            return a[1];
    return NULL;
}

static void fail(struct xl *x, const char *fmt, const char *what)
{
    if (x->rc)
        return;
    x->rc = fc_error_set(x->err, FC_EINPUT, fmt, x->part, what ? what : "");
    if (x->p)
        XML_StopParser(x->p, XML_FALSE);
}

static void add_text(struct xl *x, const char *s, int n)
{
    if (x->text.len + (size_t)n > x->lim.max_string_len) {
        fail(x, FC_N_("'%s': a cell text is longer than the limit%s"), NULL);
        return;
    }
    buf_add(&x->text, s, (size_t)n);
}

/* ---- parts ------------------------------------------------------------- */

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int internal)
{
    (void)name, (void)sysid, (void)pubid, (void)internal;
    fail(ud, FC_N_("'%s': a DOCTYPE%s is not allowed in a workbook"), "");
}

/* Streams part name through the handlers. Missing: FC_EINPUT if required,
 * else 0 with nothing done. */
static int read_part(struct xl *x, const char *name, XML_StartElementHandler start,
                     XML_EndElementHandler end, XML_CharacterDataHandler chars, int required)
{
    zip_int64_t idx = zip_name_locate(x->z, name, 0);
    zip_stat_t st;
    zip_file_t *f = NULL;
    char *chunk = NULL;
    uint64_t total = 0;
    zip_int64_t got;

    x->part = name;
    if (idx < 0) {
        if (required)
            return fc_error_set(x->err, FC_EINPUT, "not an Excel workbook: no '%s'", name);
        return 0;
    }
    if (zip_stat_index(x->z, (zip_uint64_t)idx, 0, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_COMP_SIZE))
        return fc_error_set(x->err, FC_EINPUT, "'%s': unreadable in the workbook", name);
    if (st.size > x->lim.max_part)
        return fc_error_set(x->err, FC_EINPUT, "'%s': %llu bytes unpacked, more than %llu", name,
                            (unsigned long long)st.size, (unsigned long long)x->lim.max_part);
    if (st.size > ((uint64_t)1 << 20) &&
        st.size / (st.comp_size ? st.comp_size : 1) > x->lim.max_ratio)
        return fc_error_set(x->err, FC_EINPUT,
                            "'%s': unpacks to %llu times its size: refused as a zip bomb", name,
                            (unsigned long long)(st.size / (st.comp_size ? st.comp_size : 1)));
    f = zip_fopen_index(x->z, (zip_uint64_t)idx, 0);
    if (!f)
        return fc_error_set(x->err, FC_EINPUT, "'%s': cannot open it in the workbook: %s", name,
                            zip_strerror(x->z));
    x->p = XML_ParserCreate("UTF-8");
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, start, end);
    XML_SetCharacterDataHandler(x->p, chars);
    XML_SetStartDoctypeDeclHandler(x->p, no_doctype);
    chunk = xmalloc(CHUNK);
    for (;;) {
        got = zip_fread(f, chunk, CHUNK);
        if (got < 0) {
            x->rc = fc_error_set(x->err, FC_EINPUT, "'%s': damaged in the workbook: %s", name,
                                 zip_file_strerror(f));
            break;
        }
        total += (uint64_t)got;
        if (total > st.size || total > x->lim.max_part) {
            x->rc = fc_error_set(x->err, FC_EINPUT, "'%s': longer than its directory says", name);
            break;
        }
        if (XML_Parse(x->p, chunk, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (!x->rc)
                x->rc = fc_error_set(x->err, FC_EINPUT, "'%s' line %lu: %s", name,
                                     (unsigned long)XML_GetCurrentLineNumber(x->p),
                                     XML_ErrorString(XML_GetErrorCode(x->p)));
            break;
        }
        if (x->rc || got == 0)
            break;
    }
    free(chunk);
    XML_ParserFree(x->p);
    x->p = NULL;
    zip_fclose(f);
    return x->rc;
}

/* ---- workbook.xml and its relationships ------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct xl *x = ud;
    const char *n = local(name), *v;

    if (!strcmp(n, "workbookPr") && (v = attr(a, "date1904")))
        x->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
    else if (!strcmp(n, "sheet") && !x->have_sheet && (v = attr(a, "id"))) {
        snprintf(x->first_rid, sizeof(x->first_rid), "%s", v);
        x->have_sheet = 1;
    }
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct xl *x = ud;
    const char *id = attr(a, "Id"), *target = attr(a, "Target");

    if (strcmp(local(name), "Relationship") || !id || !target || strcmp(id, x->first_rid))
        return;
    if (target[0] == '/')
        snprintf(x->target, sizeof(x->target), "%s", target + 1);
    else
        snprintf(x->target, sizeof(x->target), "xl/%s", target);
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
    (void)ud, (void)name;
}

static void XMLCALL no_chars(void *ud, const XML_Char *s, int n)
{
    (void)ud, (void)s, (void)n;
}

/* ---- styles.xml: which cell styles are dates ---------------------------- */

/* 0 number, 1 date, 2 date and time, 3 time of day, by format code: letters
 * outside quotes, brackets and escapes ("m" alone is taken as a month). */
static unsigned char code_kind(const char *code)
{
    int y = 0, d = 0, h = 0, s = 0, m = 0;

    if (!strncasecmp(code, "General", 7))
        return 0;
    for (const char *p = code; *p; p++) {
        if (*p == '"') {
            while (p[1] && p[1] != '"')
                p++;
            if (p[1])
                p++;
        } else if (*p == '[') {
            if (p[1] == 'h' || p[1] == 'H')
                h = 1;
            while (p[1] && p[1] != ']')
                p++;
        } else if (*p == '\\' && p[1]) {
            p++;
        } else {
            char c = (char)(*p | 0x20);
            y |= c == 'y';
            d |= c == 'd';
            h |= c == 'h';
            s |= c == 's';
            m |= c == 'm';
        }
    }
    if ((y || d || m) && (h || s))
        return 2;
    if (y || d || (m && !h && !s))
        return 1;
    if (h || s)
        return 3;
    return 0;
}

static unsigned char builtin_kind(unsigned long id)
{
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
        (id >= 50 && id <= 58))
        return 1;
    if (id == 22)
        return 2;
    if ((id >= 18 && id <= 21) || id == 32 || id == 33 || (id >= 45 && id <= 47))
        return 3;
    return 0;
}

static void XMLCALL st_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct xl *x = ud;
    const char *n = local(name), *v;

    if (!strcmp(n, "numFmts")) {
        x->in_numfmts = 1;
    } else if (!strcmp(n, "cellXfs")) {
        x->in_cellxfs = 1;
    } else if (!strcmp(n, "numFmt") && x->in_numfmts && (v = attr(a, "numFmtId"))) {
        const char *code = attr(a, "formatCode");
        if (x->nfmts >= 65536)
            return fail(x, FC_N_("'%s': too many number formats%s"), NULL);
        if (x->nfmts == x->capfmts) {
            x->capfmts = x->capfmts ? 2 * x->capfmts : 16;
            x->fmts = xreallocarray(x->fmts, x->capfmts, sizeof(*x->fmts));
        }
        x->fmts[x->nfmts].id = strtoul(v, NULL, 10);
        x->fmts[x->nfmts++].kind = code ? code_kind(code) : 0;
    } else if (!strcmp(n, "xf") && x->in_cellxfs) {
        unsigned long id = (v = attr(a, "numFmtId")) ? strtoul(v, NULL, 10) : 0;
        unsigned char k = builtin_kind(id);
        if (x->nxf >= 65536)
            return fail(x, FC_N_("'%s': too many cell styles%s"), NULL);
        for (size_t i = 0; i < x->nfmts; i++)
            if (x->fmts[i].id == id)
                k = x->fmts[i].kind;
        if (x->nxf == x->capxf) {
            x->capxf = x->capxf ? 2 * x->capxf : 64;
            x->xf_kind = xrealloc(x->xf_kind, x->capxf);
        }
        x->xf_kind[x->nxf++] = k;
    }
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
    struct xl *x = ud;
    const char *n = local(name);

    if (!strcmp(n, "numFmts"))
        x->in_numfmts = 0;
    else if (!strcmp(n, "cellXfs"))
        x->in_cellxfs = 0;
}

/* ---- sharedStrings.xml ------------------------------------------------- */

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct xl *x = ud;
    const char *n = local(name);

    (void)a;
    if (!strcmp(n, "si")) {
        x->in_si = 1;
        buf_reset(&x->text);
    } else if (!strcmp(n, "rPh")) {
        x->in_rph = 1; /* phonetic guide: not the cell's text */
    } else if (!strcmp(n, "t") && x->in_si) {
        x->in_t = 1;
    }
}

static void XMLCALL ss_end(void *ud, const XML_Char *name)
{
    struct xl *x = ud;
    const char *n = local(name);

    if (!strcmp(n, "t")) {
        x->in_t = 0;
    } else if (!strcmp(n, "rPh")) {
        x->in_rph = 0;
    } else if (!strcmp(n, "si") && x->in_si) {
        x->in_si = 0;
        if (x->nss >= x->lim.max_strings)
            return fail(x, FC_N_("'%s': more shared strings than the limit%s"), NULL);
        if (x->ss_text.len + x->text.len > x->lim.max_strings_bytes)
            return fail(x, FC_N_("'%s': the shared strings are longer than the limit%s"), NULL);
        if (x->nss + 2 > x->capss) {
            x->capss = x->capss ? 2 * x->capss : 1024;
            x->ss_off = xreallocarray(x->ss_off, x->capss, sizeof(*x->ss_off));
        }
        buf_add(&x->ss_text, x->text.ptr, x->text.len);
        x->ss_off[++x->nss] = (uint32_t)x->ss_text.len;
    }
}

static void XMLCALL text_chars(void *ud, const XML_Char *s, int n)
{
    struct xl *x = ud;

    if (x->in_t && !x->in_rph)
        add_text(x, s, n);
    else if (x->in_v)
        add_text(x, s, n);
}

/* ---- the sheet ------------------------------------------------------------ */

static int out_flush(struct xl *x, int force)
{
    const char *p = x->out.ptr;
    size_t n = x->out.len;

    if (!force && n < CHUNK)
        return 0;
    if (x->written + n > x->lim.max_output) {
        x->rc = fc_error_set(x->err, FC_EINPUT,
                             "'%s': the sheet is more than %llu MiB as text: save it as CSV "
                             "(UTF-8) instead",
                             x->part, (unsigned long long)(x->lim.max_output >> 20));
        if (x->p)
            XML_StopParser(x->p, XML_FALSE);
        return x->rc;
    }
    x->written += n;
    while (n) {
        ssize_t w = write(x->out_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            x->rc = fc_error_setsys(x->err, FC_EIO, errno, "cannot convert the workbook: %s",
                                    strerror(errno));
            return x->rc;
        }
        p += w;
        n -= (size_t)w;
    }
    buf_reset(&x->out);
    return 0;
}

/* "B12" -> column 1 (0-based); UINT64_MAX when it has no letters. */
static uint64_t ref_col(const char *r)
{
    uint64_t c = 0;
    int any = 0;

    for (; *r >= 'A' && *r <= 'Z'; r++) {
        c = c * 26 + (uint64_t)(*r - 'A' + 1);
        any = 1;
        if (c > ((uint64_t)1 << 32))
            return UINT64_MAX;
    }
    return any ? c - 1 : UINT64_MAX;
}

/* Days since 1970-01-01 -> y, m, d (Howard Hinnant's civil_from_days). */
static void civil(int64_t z, int *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 1 for a number as a sheet stores one: [-]digits[.digits][E[+-]digits]
 * (strtod alone would take "nan", "inf" and hexadecimal too). */
static int is_plain_number(const char *v)
{
    const char *p = v;

    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (*p == 'E' || *p == 'e') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

/* v (0 <= v < 10^width) in width digits, zero-padded: "%0*d" without the
 * formatter, which cost more than the rest of a date cell. */
static void put_digits(struct buf *out, int v, int width)
{
    char d[4];

    for (int i = width - 1; i >= 0; i--, v /= 10)
        d[i] = (char)('0' + v % 10);
    buf_add(out, d, (size_t)width);
}

/* An Excel serial number in a date-styled cell, as the loader reads dates;
 * anything else in it (text, a negative number, past 9999-12-31) as written. */
static void put_serial(struct xl *x, const char *v, unsigned char kind, struct buf *out)
{
    double serial = is_plain_number(v) ? strtod(v, NULL) : -1;
    int64_t days, secs;
    int y, m, d;

    if (!isfinite(serial) || serial < 0 || serial >= 2958466.0) {
        buf_adds(out, v);
        return;
    }
    days = (int64_t)serial;
    secs = (int64_t)((serial - (double)days) * 86400.0 + 0.5);
    if (secs >= 86400)
        days++, secs -= 86400;
    if (days > 2958465) { /* rounded past 9999-12-31 23:59:59 */
        buf_adds(out, v);
        return;
    }
    /* 1900 system: serial 1 is 1900-01-01 and 60 the 29 February 1900
     * Lotus believed in; 1904 system: serial 0 is 1904-01-01 */
    if (x->date1904)
        days -= 24107;
    else
        days -= days < 60 ? 25568 : 25569;
    civil(days, &y, &m, &d);
    if (kind != 3) {
        put_digits(out, y, 4);
        buf_addch(out, '-');
        put_digits(out, m, 2);
        buf_addch(out, '-');
        put_digits(out, d, 2);
        if (kind != 2 && !secs)
            return; /* a date */
        buf_addch(out, ' ');
    }
    put_digits(out, (int)(secs / 3600), 2);
    buf_addch(out, ':');
    put_digits(out, (int)(secs / 60 % 60), 2);
    buf_addch(out, ':');
    put_digits(out, (int)(secs % 60), 2);
}

/* Appends s[0..n) to out as a quoted CSV field; returns the line breaks
 * in it as the CSV reader counts them (CR, LF and CRLF one each). */
static uint64_t put_field(struct buf *out, const char *s, size_t n)
{
    uint64_t breaks = 0;
    size_t run = 0;

    buf_grow(out, n + 2);
    buf_addch(out, '"');
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (c != '"' && c != '\r' && c != '\n')
            continue;
        if (c == '"') {
            buf_add(out, s + run, k + 1 - run);
            run = k; /* the quote again: doubled */
        } else if (c == '\r' || k == 0 || s[k - 1] != '\r') {
            breaks++;
        }
    }
    buf_add(out, s + run, n - run);
    buf_addch(out, '"');
    return breaks;
}

/* A row's cells with line breaks put the following CSV lines ahead of the
 * rows: noted in the map from the next line on. */
static void note_shift(struct xl *x)
{
    struct xlsx_rowmap *m = x->map;

    if (!m)
        return;
    if (m->lock)
        pthread_mutex_lock(m->lock);
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 16;
        m->from = xreallocarray(m->from, m->cap, sizeof(*m->from));
        m->shift = xreallocarray(m->shift, m->cap, sizeof(*m->shift));
    }
    m->from[m->n] = x->csv_line;
    m->shift[m->n++] = x->shift;
    if (m->lock)
        pthread_mutex_unlock(m->lock);
}

static void end_row(struct xl *x)
{
    uint64_t last = 0, width, breaks = 0;
    int any = 0;

    for (size_t i = 0; i < x->ncells; i++)
        if (x->cells[i].len) {
            any = 1;
            if (x->cells[i].col + 1 > last)
                last = x->cells[i].col + 1;
        }
    /* blank rows until this one: line numbers stay Excel's row numbers */
    while (x->rows_out + 1 < x->row) {
        buf_addch(&x->out, '\n');
        x->rows_out++;
        x->csv_line++;
    }
    x->rows_out = x->row;
    x->csv_line++;
    if (!any) {
        buf_addch(&x->out, '\n');
        out_flush(x, 0);
        return;
    }
    if (!x->header_width)
        x->header_width = last;
    width = last > x->header_width ? last : x->header_width;
    for (uint64_t c = 0, i = 0; c < width; c++) {
        const char *s = "";
        size_t n = 0;
        while (i < x->ncells && x->cells[i].col < c)
            i++;
        if (i < x->ncells && x->cells[i].col == c) {
            s = x->rowtext.ptr + x->cells[i].off;
            n = x->cells[i].len;
        }
        if (c)
            buf_addch(&x->out, ',');
        breaks += put_field(&x->out, s, n);
    }
    buf_addch(&x->out, '\n');
    if (breaks) {
        x->csv_line += breaks;
        x->shift += breaks;
        note_shift(x);
    }
    out_flush(x, 0);
}

/* What snprintf "%s" would leave in a buffer of size n, without it. */
static void copy_type(char *out, size_t n, const char *v)
{
    size_t k = strnlen(v, n - 1);

    memcpy(out, v, k);
    out[k] = '\0';
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **a)
{
    struct xl *x = ud;
    const char *n = local(name), *v;

    if (name_is(n, "row")) {
        uint64_t r = (v = attr(a, "r")) ? strtoull(v, NULL, 10) : x->row + 1;
        if (r <= x->row || r > x->lim.max_rows)
            return fail(x, FC_N_("'%s': rows out of order or past the limit%s"), NULL);
        x->row = r;
        x->ncells = 0;
        x->next_col = 0;
        buf_reset(&x->rowtext);
    } else if (name_is(n, "c")) {
        v = attr(a, "r");
        x->ccol = v ? ref_col(v) : x->next_col;
        if (x->ccol == UINT64_MAX || x->ccol >= x->lim.max_cols ||
            (x->ncells && x->ccol <= x->cells[x->ncells - 1].col))
            return fail(x, FC_N_("'%s': a cell reference out of order or past the limit%s"), NULL);
        x->next_col = x->ccol + 1;
        v = attr(a, "t");
        copy_type(x->ctype, sizeof(x->ctype), v ? v : "n");
        x->cstyle = (v = attr(a, "s")) ? strtol(v, NULL, 10) : 0;
        buf_reset(&x->text);
    } else if (name_is(n, "v")) {
        x->in_v = 1;
    } else if (name_is(n, "is")) {
        x->in_is = 1;
    } else if (name_is(n, "t") && x->in_is) {
        x->in_t = 1;
    } else if (name_is(n, "rPh")) {
        x->in_rph = 1;
    }
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
    struct xl *x = ud;
    const char *n = local(name);
    struct buf *rt = &x->rowtext;
    size_t off;

    if (name_is(n, "v")) {
        x->in_v = 0;
    } else if (name_is(n, "t")) {
        x->in_t = 0;
    } else if (name_is(n, "rPh")) {
        x->in_rph = 0;
    } else if (name_is(n, "is")) {
        x->in_is = 0;
    } else if (name_is(n, "c")) {
        const char *v = x->text.ptr ? x->text.ptr : "";
        off = rt->len;
        if (name_is(x->ctype, "s")) {
            char *end = NULL;
            unsigned long i = strtoul(v, &end, 10);
            if (end == v || *end || i >= x->nss)
                return fail(x, FC_N_("'%s': a cell names a shared string that does not exist%s"),
                            NULL);
            if (x->ss_off[i + 1] > x->ss_off[i]) /* ss_text is NULL while every string is empty */
                buf_add(rt, x->ss_text.ptr + x->ss_off[i], x->ss_off[i + 1] - x->ss_off[i]);
        } else if (name_is(x->ctype, "b")) {
            buf_adds(rt, name_is(v, "1") ? "TRUE" : "FALSE");
        } else if (name_is(x->ctype, "n") && x->text.len && x->cstyle >= 0 &&
                   (size_t)x->cstyle < x->nxf && x->xf_kind[x->cstyle]) {
            put_serial(x, v, x->xf_kind[x->cstyle], rt);
        } else {
            buf_add(rt, v, x->text.len); /* str, inlineStr, e, plain numbers */
        }
        if (x->ncells == x->capcells) {
            x->capcells = x->capcells ? 2 * x->capcells : 32;
            x->cells = xreallocarray(x->cells, x->capcells, sizeof(*x->cells));
        }
        if (rt->len > x->lim.max_row_bytes) {
            x->rc = fc_error_set(
                x->err, FC_EINPUT, "'%s': row %llu holds more than %llu KiB of text", x->part,
                (unsigned long long)x->row, (unsigned long long)(x->lim.max_row_bytes >> 10));
            XML_StopParser(x->p, XML_FALSE);
            return;
        }
        x->cells[x->ncells].col = x->ccol;
        x->cells[x->ncells].off = off;
        x->cells[x->ncells++].len = rt->len - off;
        buf_reset(&x->text);
    } else if (name_is(n, "row")) {
        end_row(x);
    }
}

static void XMLCALL sh_chars(void *ud, const XML_Char *s, int n)
{
    struct xl *x = ud;

    if (x->in_v || (x->in_is && x->in_t && !x->in_rph))
        add_text(x, s, n);
}

/* ---- the conversion --------------------------------------------------------- */

static int convert(struct xl *x)
{
    int rc;

    if ((uint64_t)zip_get_num_entries(x->z, 0) > x->lim.max_entries)
        return fc_error_set(x->err, FC_EINPUT, "the workbook has more than %llu files",
                            (unsigned long long)x->lim.max_entries);
    rc = read_part(x, "xl/workbook.xml", wb_start, no_end, no_chars, 1);
    if (!rc && x->have_sheet)
        rc = read_part(x, "xl/_rels/workbook.xml.rels", rels_start, no_end, no_chars, 0);
    if (!rc && !x->target[0])
        snprintf(x->target, sizeof(x->target), "xl/worksheets/sheet1.xml");
    if (!rc)
        rc = read_part(x, "xl/styles.xml", st_start, st_end, no_chars, 0);
    if (!rc)
        rc = read_part(x, "xl/sharedStrings.xml", ss_start, ss_end, text_chars, 0);
    if (!rc)
        rc = read_part(x, x->target, sh_start, sh_end, sh_chars, 1);
    if (!rc)
        rc = out_flush(x, 1);
    return rc;
}

static void release(struct xl *x)
{
    buf_release(&x->ss_text);
    free(x->ss_off);
    free(x->xf_kind);
    free(x->fmts);
    free(x->cells);
    buf_release(&x->text);
    buf_release(&x->rowtext);
    buf_release(&x->out);
    if (x->z)
        zip_discard(x->z);
}

static void init(struct xl *x, int out_fd, const struct xlsx_limits *lim, struct xlsx_rowmap *map,
                 struct fc_error *err)
{
    memset(x, 0, sizeof(*x));
    if (lim)
        x->lim = *lim;
    else
        xlsx_limits_default(&x->lim);
    if (x->lim.max_strings_bytes > UINT32_MAX - 1)
        x->lim.max_strings_bytes = UINT32_MAX - 1; /* 32-bit offsets */
    x->err = err;
    x->out_fd = out_fd;
    x->csv_line = 1;
    x->map = map;
    if (map)
        xlsx_rowmap_release(map);
    x->capss = 1024;
    x->ss_off = xreallocarray(NULL, x->capss, sizeof(*x->ss_off));
    x->ss_off[0] = 0;
    buf_init(&x->ss_text);
    buf_init(&x->text);
    buf_init(&x->rowtext);
    buf_init(&x->out);
}

int xlsx_to_csv(const char *path, int out_fd, const struct xlsx_limits *lim,
                struct xlsx_rowmap *map, struct fc_error *err)
{
    struct xl x;
    int zerr = 0, fd = -1, rc;

    /* a FIFO or a device is refused before libzip reads or seeks anything */
    rc = fs_open_input(path, 0, 0, &fd, NULL, err);
    if (rc)
        return rc;
    init(&x, out_fd, lim, map, err);
    x.z = zip_fdopen(fd, ZIP_CHECKCONS, &zerr); /* read-only; owns fd on success */
    if (!x.z) {
        close(fd);
        /* a workbook cut short (a copy interrupted) has lost its directory,
         * which is at the end: libzip then sees no zip at all */
        rc = fc_error_set(err, FC_EINPUT, "'%s' is not an Excel workbook (.xlsx): %s", path,
                          zerr == ZIP_ER_NOZIP ? fc_tr("not a zip archive, or one cut short")
                                               : fc_tr("damaged zip archive"));
        release(&x);
        return rc;
    }
    rc = convert(&x);
    if (rc)
        fc_error_prefix(err, "'%s'", path);
    release(&x);
    return rc;
}

int xlsx_to_csv_mem(const void *data, size_t len, int out_fd, const struct xlsx_limits *lim,
                    struct xlsx_rowmap *map, struct fc_error *err)
{
    struct xl x;
    zip_source_t *src;
    zip_error_t ze;
    int rc;

    init(&x, out_fd, lim, map, err);
    zip_error_init(&ze);
    src = zip_source_buffer_create(data, len, 0, &ze);
    if (src)
        x.z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!x.z) {
        zip_source_free(src);
        zip_error_fini(&ze);
        release(&x);
        return fc_error_set(err, FC_EINPUT, "not an Excel workbook (.xlsx)");
    }
    zip_error_fini(&ze);
    rc = convert(&x);
    release(&x);
    return rc;
}
