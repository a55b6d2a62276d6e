/* Header lines: each header is matched to a column by its English or
 * Chinese name (a trailing unit in parentheses allowed); unknown headers
 * are kept, for the row's "extra" JSON. */
#include "core/mission/loader.h"

#include "core/base/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 1 if header h (already trimmed) names one of the '|'-separated names. */
static int name_matches(const char *names, const char *h, size_t hn)
{
    while (names && *names) {
        const char *bar = strchr(names, '|');
        size_t n = bar ? (size_t)(bar - names) : strlen(names);
        if (n == hn && !strncasecmp(names, h, n))
            return 1;
        names = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* Index of the column a header names, trying the header without a trailing
 * unit in parentheses ("单价(元)", "数量（盒）") when the whole does not match. */
static int header_column(const struct file_def *def, const char *h)
{
    size_t n = strlen(h);
    const char *t = loader_trim(h, &n);

    for (int pass = 0; pass < 2; pass++) {
        for (int c = 0; c < def->ncols; c++)
            if (name_matches(def->cols[c].en, t, n) || name_matches(def->cols[c].zh, t, n))
                return c;
        if (pass == 0) {
            const char *open = NULL;
            for (size_t i = 0; i < n; i++)
                if (t[i] == '(' || !strncmp(t + i, "\xEF\xBC\x88", 3))
                    open = t + i;
            if (!open || !(t[n - 1] == ')' || (n >= 3 && !strncmp(t + n - 3, "\xEF\xBC\x89", 3))))
                return -1;
            n = (size_t)(open - t);
            t = loader_trim(t, &n);
        }
    }
    return -1;
}

void loader_free_header(struct loader *L)
{
    for (size_t i = 0; i < L->nhdr; i++)
        free(L->hdr[i]);
    free(L->hdr);
    free(L->hdr_used);
    L->hdr = NULL;
    L->hdr_used = NULL;
    L->nhdr = 0;
}

int loader_read_header(struct loader *L, const struct csv_record *rec, struct fc_error *err)
{
    const struct file_def *def = L->def;

    for (int c = 0; c < MAX_COLS; c++)
        L->map[c] = -1;
    L->nhdr = rec->nfields;
    L->hdr = xcalloc(rec->nfields ? rec->nfields : 1, sizeof(char *));
    L->hdr_used = xcalloc(rec->nfields ? rec->nfields : 1, 1);
    for (size_t i = 0; i < rec->nfields; i++) {
        size_t n = rec->lens[i];
        const char *t = loader_trim(rec->fields[i], &n);
        int c;

        L->hdr[i] = xstrndup(t, n);
        c = header_column(def, L->hdr[i]);
        if (c < 0)
            continue;
        if (L->map[c] >= 0)
            return fc_error_set(err, FC_EINPUT,
                                "'%s' line %llu: duplicate header '%s' (column %s already given "
                                "as '%s')",
                                L->fname, (unsigned long long)rec->line, L->hdr[i], def->cols[c].en,
                                L->hdr[L->map[c]]);
        L->map[c] = (int)i;
        L->hdr_used[i] = 1;
    }
    for (int c = 0; c < def->ncols; c++) {
        if ((def->cols[c].flags & REQ) && L->map[c] < 0) {
            const char *zh = def->cols[c].zh;
            return fc_error_set(err, FC_EINPUT,
                                "'%s' line %llu: missing required header '%s'%s%s%s", L->fname,
                                (unsigned long long)rec->line, def->cols[c].en, zh ? " (" : "",
                                zh ? zh : "", zh ? ")" : "");
        }
    }
    /* unknown headers must still be unique, as they become JSON keys */
    for (size_t i = 0; i < rec->nfields; i++) {
        if (L->hdr_used[i])
            continue;
        for (size_t j = i + 1; j < rec->nfields; j++)
            if (!L->hdr_used[j] && !strcmp(L->hdr[i], L->hdr[j]) && L->hdr[i][0])
                return fc_error_set(err, FC_EINPUT, "'%s' line %llu: duplicate header '%s'",
                                    L->fname, (unsigned long long)rec->line, L->hdr[i]);
    }
    return FC_OK;
}
