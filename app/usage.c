/* What a command's usage text says about its command line: subcommands, each
 * one's options (and which take an argument, with its metavariable or its
 * alternatives) and positional arguments. The usage text of a row in
 * app_commands[] is the one description of a command, so completion
 * (app/gen_completion.c) and "did you mean" for subcommands read it here
 * rather than from a second table that could drift from it.
 *
 * The synopsis (up to the first blank line) is split into alternatives at
 * each "fieldcheck" and at each " | " outside brackets; in an alternative the
 * first lower-case word after the command name is the subcommand. In the
 * body, a line indented by two spaces that starts with a subcommand's name
 * (or any lower-case word when the synopsis says SUBCOMMAND) opens that
 * subcommand's block; its deeper-indented lines belong to it. "V: A|B|C"
 * defines the values of a metavariable. */
#include "app/commands.h"

#include "core/base/xalloc.h"

#include <ctype.h>
#include <limits.h>
#include <string.h>

#define MAX_TOKENS 512

struct token {
    const char *s; /* word without surrounding brackets and punctuation */
    size_t n;
    const char *raw, *raw_end; /* the word as written, brackets included */
    int depth;                 /* brackets open before the word */
    int closes;                /* brackets the word closes */
    int colon;                 /* the word ended with ':' */
    int line;                  /* line number in the text */
    int indent;                /* indentation of its line */
    int first;                 /* first word of its line */
};

static size_t tokenize(const char *s, size_t len, struct token *tok, size_t max)
{
    size_t nt = 0, i = 0;
    int depth = 0, line = 0, indent = 0, at_bol = 1;

    while (i < len && nt < max) {
        size_t start, end, raw;
        int closes = 0, colon = 0, first = 0;

        while (i < len && isspace((unsigned char)s[i])) {
            if (s[i] == '\n') {
                line++;
                at_bol = 1;
                indent = 0;
            } else if (at_bol) {
                indent++;
            }
            i++;
        }
        if (i >= len)
            break;
        first = at_bol;
        at_bol = 0;
        start = raw = i;
        while (i < len && !isspace((unsigned char)s[i]))
            i++;
        end = i;
        while (start < end && (s[start] == '[' || s[start] == '(')) {
            depth++;
            start++;
        }
        while (end > start && strchr("]),.;:", s[end - 1])) {
            if (s[end - 1] == ']' || s[end - 1] == ')')
                closes++;
            if (s[end - 1] == ':')
                colon = 1;
            end--;
        }
        if (end > start) {
            tok[nt].raw = s + raw;
            tok[nt].raw_end = s + i;
            tok[nt].s = s + start;
            tok[nt].n = end - start;
            tok[nt].depth = depth;
            tok[nt].closes = closes;
            tok[nt].colon = colon;
            tok[nt].line = line;
            tok[nt].indent = indent;
            tok[nt].first = first;
            nt++;
        }
        depth -= closes;
        if (depth < 0)
            depth = 0;
    }
    return nt;
}

static int tok_is(const struct token *t, const char *w)
{
    return t->n == strlen(w) && !strncmp(t->s, w, t->n);
}

static int tok_is_option(const struct token *t)
{
    return t->n >= 2 && t->s[0] == '-' && (isalpha((unsigned char)t->s[1]) || t->s[1] == '-') &&
           !(t->n == 2 && t->s[1] == '-');
}

/* A lower-case word: a subcommand name or a value (night, site-record). */
static int tok_is_word(const struct token *t)
{
    if (!islower((unsigned char)t->s[0]))
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (!islower((unsigned char)t->s[i]) && !isdigit((unsigned char)t->s[i]) &&
            t->s[i] != '-' && t->s[i] != '_')
            return 0;
    return 1;
}

/* Alternatives written a|b|c. */
static int tok_is_alternatives(const struct token *t)
{
    return t->n > 2 && memchr(t->s, '|', t->n) && t->s[0] != '|';
}

/* A metavariable: PATH, FILE.csv, HQ_PUB_FILE, CODE|FILE, NAME:ROLE. */
static int tok_is_metavar(const struct token *t)
{
    return isupper((unsigned char)t->s[0]);
}

/* Only upper-case letters, digits and '_': the V of "V: A|B". */
static int tok_is_plain_metavar(const struct token *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!isupper((unsigned char)t->s[i]) && !isdigit((unsigned char)t->s[i]) && t->s[i] != '_')
            return 0;
    return t->n > 0;
}

static void copy_tok(char *dst, size_t size, const struct token *t)
{
    size_t n = t->n < size - 1 ? t->n : size - 1;

    memcpy(dst, t->s, n);
    dst[n] = '\0';
}

static struct usage_scope *scope_get(struct usage_model *m, const char *name, size_t n, int add)
{
    for (size_t i = 0; i < m->nscopes; i++)
        if (strlen(m->scopes[i].name) == n && !strncmp(m->scopes[i].name, name, n))
            return &m->scopes[i];
    if (!add || m->nscopes >= USAGE_MAX_SCOPES || n >= sizeof(m->scopes[0].name))
        return NULL;
    memcpy(m->scopes[m->nscopes].name, name, n);
    m->scopes[m->nscopes].name[n] = '\0';
    return &m->scopes[m->nscopes++];
}

/* Records option t (its argument, if any, is arg) in scope sc. */
static void add_option(struct usage_scope *sc, const struct token *t, const struct token *arg)
{
    const char *eq = memchr(t->s, '=', t->n);
    size_t n = eq ? (size_t)(eq - t->s) : t->n;
    struct usage_opt *o = NULL;

    if ((n == 4 && !strncmp(t->s, "--db", 4)) || (n == 6 && !strncmp(t->s, "--json", 6)))
        return; /* global options */
    for (size_t i = 0; i < sc->nopts; i++)
        if (strlen(sc->opts[i].name) == n && !strncmp(sc->opts[i].name, t->s, n))
            o = &sc->opts[i];
    if (!o) {
        if (sc->nopts >= USAGE_MAX_OPTS || n >= sizeof(o->name))
            return;
        o = &sc->opts[sc->nopts++];
        memcpy(o->name, t->s, n);
        o->name[n] = '\0';
        o->meta[0] = '\0';
    }
    if (o->meta[0])
        return;
    if (eq) {
        struct token v = *t;
        v.s = eq + 1;
        v.n = t->n - n - 1;
        if (v.n)
            copy_tok(o->meta, sizeof(o->meta), &v);
    } else if (arg) {
        copy_tok(o->meta, sizeof(o->meta), arg);
    }
}

static void add_positional(struct usage_scope *sc, const struct token *t)
{
    for (size_t i = 0; i < sc->npos; i++)
        if (strlen(sc->pos[i]) == t->n && !strncmp(sc->pos[i], t->s, t->n))
            return;
    if (sc->npos < USAGE_MAX_POS)
        copy_tok(sc->pos[sc->npos++], sizeof(sc->pos[0]), t);
}

/* The argument of option tok[i], or NULL. In the synopsis a lower-case word
 * right after the option is its value (--format html); in prose it is the
 * next word of the sentence, so only a metavariable or a|b alternatives
 * count there. An option whose bracket closes on it takes none. */
static const struct token *option_arg(const struct token *tok, size_t i, size_t end, int synopsis)
{
    const struct token *a;

    if (tok[i].closes || i + 1 >= end || memchr(tok[i].s, '=', tok[i].n))
        return NULL;
    a = &tok[i + 1];
    if (a->line != tok[i].line && !synopsis)
        return NULL;
    if (tok_is_option(a) || tok_is(a, "|"))
        return NULL;
    if (tok_is_metavar(a) || tok_is_alternatives(a))
        return a;
    if (synopsis && tok_is_word(a) && a->depth >= tok[i].depth)
        return a;
    return NULL;
}

static void parse_synopsis(struct usage_model *m, const char *cmd, const struct token *tok,
                           size_t nt)
{
    for (size_t i = 0; i < nt;) {
        size_t end = i;
        struct usage_scope *sc = &m->scopes[0];
        int positional = 0;

        /* one alternative: up to the next "fieldcheck" or top-level "|" */
        while (end < nt && !(end > i && tok_is(&tok[end], "fieldcheck")) &&
               !(tok_is(&tok[end], "|") && tok[end].depth == 0))
            end++;
        for (size_t j = i; j < end; j++) {
            const struct token *t = &tok[j];
            const struct token *arg;

            if (tok_is(t, "fieldcheck") || tok_is(t, cmd) || tok_is(t, "|"))
                continue;
            if (tok_is_option(t)) {
                arg = option_arg(tok, j, end, 1);
                if (tok_is(t, "--db") && arg) {
                    j++;
                    continue;
                }
                add_option(sc, t, arg);
                if (arg)
                    j++;
                continue;
            }
            if (t->depth == 0 && !positional && sc == &m->scopes[0] && tok_is_word(t)) {
                sc = scope_get(m, t->s, t->n, 1);
                if (!sc)
                    sc = &m->scopes[0];
                continue;
            }
            if (tok_is_metavar(t) || tok_is_alternatives(t)) {
                add_positional(sc, t);
                if (t->depth == 0)
                    positional = 1;
            }
        }
        i = end < nt && tok_is(&tok[end], "|") ? end + 1 : end;
    }
}

static int says_subcommand(const struct usage_model *m)
{
    for (size_t i = 0; i < m->scopes[0].npos; i++)
        if (!strcmp(m->scopes[0].pos[i], "SUBCOMMAND"))
            return 1;
    return 0;
}

static void parse_body(struct usage_model *m, const struct token *tok, size_t nt)
{
    struct usage_scope *block = NULL;
    int open_subs = says_subcommand(m);

    for (size_t i = 0; i < nt; i++) {
        const struct token *t = &tok[i];

        if (t->first) {
            if (t->indent <= 2)
                block = NULL;
            if (t->indent == 2 && tok_is_word(t)) {
                block = scope_get(m, t->s, t->n, open_subs);
                if (block) {
                    /* the block's signature: "show SUSP_ID   one line" */
                    for (size_t j = i + 1; j < nt && tok[j].line == t->line; j++) {
                        if (tok[j].raw - tok[j - 1].raw_end >= 3)
                            break; /* the description starts after a gap */
                        if (tok_is_metavar(&tok[j]) && !tok_is_option(&tok[j - 1]))
                            add_positional(block, &tok[j]);
                    }
                    continue;
                }
            }
        }
        if (t->colon && tok_is_plain_metavar(t) && i + 1 < nt && tok_is_alternatives(&tok[i + 1]) &&
            m->nmetavals < USAGE_MAX_METAVALS) {
            copy_tok(m->metavals[m->nmetavals].name, sizeof(m->metavals[0].name), t);
            copy_tok(m->metavals[m->nmetavals].values, sizeof(m->metavals[0].values), &tok[i + 1]);
            m->nmetavals++;
            i++;
            continue;
        }
        if (tok_is_option(t)) {
            const struct token *arg = option_arg(tok, i, nt, 0);
            add_option(block ? block : &m->scopes[0], t, arg);
            if (arg)
                i++;
        }
    }
}

struct usage_model *usage_parse(const struct command *c)
{
    struct usage_model *m = xcalloc(1, sizeof(*m));
    struct token *tok = xcalloc(MAX_TOKENS, sizeof(*tok));
    const char *u = c->usage;
    const char *blank = strstr(u, "\n\n");
    size_t synlen = blank ? (size_t)(blank - u) : strlen(u);
    size_t nt;

    m->nscopes = 1; /* scopes[0]: the command itself, name "" */
    nt = tokenize(u, synlen, tok, MAX_TOKENS);
    parse_synopsis(m, c->name, tok, nt);
    if (blank) {
        nt = tokenize(blank + 2, strlen(blank + 2), tok, MAX_TOKENS);
        parse_body(m, tok, nt);
    }
    free(tok);
    return m;
}

void usage_free(struct usage_model *m)
{
    free(m);
}

const struct usage_scope *usage_sub(const struct usage_model *m, const char *name)
{
    for (size_t i = 1; i < m->nscopes; i++)
        if (!strcmp(m->scopes[i].name, name))
            return &m->scopes[i];
    return NULL;
}

const char *usage_metavals(const struct usage_model *m, const char *meta)
{
    for (size_t i = 0; i < m->nmetavals; i++)
        if (!strcmp(m->metavals[i].name, meta))
            return m->metavals[i].values;
    return NULL;
}

/* ---- "did you mean" -------------------------------------------------------- */

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions, the commonest typing slip), over bytes. */
size_t app_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *d;
    size_t r;

    if (la > 64 || lb > 64)
        return SIZE_MAX;
    d = xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(i, j) d[(i) * (lb + 1) + (j)]
    for (size_t i = 0; i <= la; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= lb; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < v)
                v = D(i, j - 1) + 1;
            if (D(i - 1, j - 1) + cost < v)
                v = D(i - 1, j - 1) + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                D(i - 2, j - 2) + 1 < v)
                v = D(i - 2, j - 2) + 1;
            D(i, j) = v;
        }
    }
    r = D(la, lb);
#undef D
    free(d);
    return r;
}

const char *app_closest(const char *word, const char *const *cands, size_t n)
{
    size_t wl = strlen(word), best = SIZE_MAX;
    const char *pick = NULL, *prefix = NULL;
    int prefixes = 0;

    for (size_t i = 0; i < n; i++) {
        size_t d = app_edit_distance(word, cands[i]);
        if (d < best) {
            best = d;
            pick = cands[i];
        }
        if (wl >= 2 && !strncmp(cands[i], word, wl)) {
            prefix = cands[i];
            prefixes++;
        }
    }
    /* the start of exactly one candidate ("he" for help, "vis" for visit);
     * else close enough to be a slip: one edit in a short word, two in a
     * longer one */
    if (prefixes == 1)
        return prefix;
    if (pick && best > 0 && best <= (wl <= 4 ? 1u : 2u))
        return pick;
    return NULL;
}
