/* bash completion for fieldcheck, written by `fieldcheck help --bash-completion`
 * at build time. Subcommands, options and which arguments are paths are read
 * from each row's usage text, so rows added to app_commands[] need no extra
 * field: a subcommand is the first lower-case word of a " | "-separated
 * alternative of the synopsis; an option followed by a metavariable naming a
 * PATH, FILE or DIR completes file names. */
#include "app/commands.h"

#include "core/base/buf.h"

#include <ctype.h>
#include <string.h>

/* Appends word to the space-separated list (without duplicates). */
static void words_add(struct buf *list, const char *word, size_t n)
{
    for (const char *p = list->ptr; *p;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        if (len == n && !strncmp(p, word, n))
            return;
        p += len + (sp ? 1 : 0);
    }
    if (list->len)
        buf_addch(list, ' ');
    buf_add(list, word, n);
}

static int is_metavar(const char *t)
{
    return isupper((unsigned char)t[0]);
}

static int names_path(const char *t, size_t n)
{
    char tmp[64];

    if (n >= sizeof(tmp))
        n = sizeof(tmp) - 1;
    memcpy(tmp, t, n);
    tmp[n] = '\0';
    return is_metavar(tmp) && (strstr(tmp, "PATH") || strstr(tmp, "FILE") || strstr(tmp, "DIR"));
}

struct token {
    const char *s; /* word without surrounding brackets and punctuation */
    size_t n;
    int depth; /* bracket depth the word sits at */
};

#define MAX_TOKENS 256

/* Splits s[0..len) at blanks; brackets and trailing punctuation are taken
 * off each word and tracked as depth. Returns the number of tokens. */
static size_t tokenize(const char *s, size_t len, struct token *tok, size_t max)
{
    size_t nt = 0, i = 0;
    int depth = 0;

    while (i < len && nt < max) {
        size_t start, end;
        int closes = 0;

        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i >= len)
            break;
        start = i;
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
            end--;
        }
        if (end > start) {
            tok[nt].s = s + start;
            tok[nt].n = end - start;
            tok[nt].depth = depth;
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

static int is_option(const struct token *t)
{
    return t->n >= 2 && t->s[0] == '-' && (isalpha((unsigned char)t->s[1]) || t->s[1] == '-') &&
           !(t->n == 2 && t->s[1] == '-');
}

static int is_word(const struct token *t)
{
    if (!islower((unsigned char)t->s[0]))
        return 0;
    for (size_t i = 0; i < t->n; i++)
        if (!islower((unsigned char)t->s[i]) && !isdigit((unsigned char)t->s[i]) &&
            t->s[i] != '-' && t->s[i] != '_')
            return 0;
    return 1;
}

struct completion {
    struct buf subs;      /* subcommands */
    struct buf opts;      /* options */
    struct buf path_opts; /* options whose argument is a path */
    int files;            /* a positional argument is a path */
    int commands;         /* a positional argument is a command name */
};

static void complete_from_usage(const struct command *c, struct completion *cp)
{
    struct token tok[MAX_TOKENS];
    const char *u = c->usage;
    const char *blank = strstr(u, "\n\n");
    size_t synlen = blank ? (size_t)(blank - u) : strlen(u);
    size_t nt;

    /* Options (and their path-ness) anywhere in the usage text. */
    nt = tokenize(u, strlen(u), tok, MAX_TOKENS);
    for (size_t i = 0; i < nt; i++) {
        const char *eq = NULL;
        size_t n = tok[i].n;

        if (!is_option(&tok[i]))
            continue;
        eq = memchr(tok[i].s, '=', n);
        if (eq)
            n = (size_t)(eq - tok[i].s);
        if (tok_is(&tok[i], "--db") || tok_is(&tok[i], "--json"))
            continue;
        words_add(&cp->opts, tok[i].s, n);
        if ((eq && names_path(eq + 1, tok[i].n - n - 1)) ||
            (!eq && i + 1 < nt && names_path(tok[i + 1].s, tok[i + 1].n)))
            words_add(&cp->path_opts, tok[i].s, n);
    }
    words_add(&cp->opts, "--help", 6);

    /* Subcommands and path positionals from the synopsis alternatives. */
    nt = tokenize(u, synlen, tok, MAX_TOKENS);
    for (size_t i = 0; i < nt;) {
        size_t end = i;
        int first = 1;

        while (end < nt && !tok_is(&tok[end], "|"))
            end++;
        for (size_t j = i; j < end; j++) {
            const struct token *t = &tok[j];

            if (tok_is(t, "fieldcheck") || tok_is(t, c->name))
                continue;
            if (is_option(t)) {
                if (j + 1 < end && is_metavar(tok[j + 1].s))
                    j++;
                continue;
            }
            if (t->depth == 0 && first && is_word(t))
                words_add(&cp->subs, t->s, t->n);
            if (names_path(t->s, t->n))
                cp->files = 1;
            if (tok_is(t, "COMMAND"))
                cp->commands = 1;
            if (t->depth == 0)
                first = 0;
        }
        i = end + 1;
    }
}

void app_write_bash_completion(FILE *out)
{
    struct buf names = BUF_INIT;

    for (const struct command *c = app_commands; c->name; c++)
        words_add(&names, c->name, strlen(c->name));
    fputs("# bash completion for fieldcheck(1).\n"
          "# Generated by 'fieldcheck help --bash-completion' from the command table.\n"
          "_fieldcheck()\n"
          "{\n"
          "    local cur prev cmd='' sub='' subs='' opts='' popts='' files=0 i\n"
          "    COMPREPLY=()\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        case ${COMP_WORDS[i]} in\n"
          "        --db) ((i++)) ;;\n"
          "        -*) ;;\n"
          "        *)\n"
          "            if [[ -z $cmd ]]; then\n"
          "                cmd=${COMP_WORDS[i]}\n"
          "            elif [[ -z $sub ]]; then\n"
          "                sub=${COMP_WORDS[i]}\n"
          "            fi\n"
          "            ;;\n"
          "        esac\n"
          "    done\n"
          "    case $cmd in\n",
          out);
    for (const struct command *c = app_commands; c->name; c++) {
        struct completion cp;

        memset(&cp, 0, sizeof(cp));
        buf_init(&cp.subs);
        buf_init(&cp.opts);
        buf_init(&cp.path_opts);
        complete_from_usage(c, &cp);
        fprintf(out, "    %s)\n", c->name);
        fprintf(out, "        subs='%s'\n", cp.commands ? names.ptr : cp.subs.ptr);
        fprintf(out, "        opts='%s'\n", cp.opts.ptr);
        fprintf(out, "        popts='%s'\n", cp.path_opts.ptr);
        fprintf(out, "        files=%d\n", cp.files);
        fputs("        ;;\n", out);
        buf_release(&cp.subs);
        buf_release(&cp.opts);
        buf_release(&cp.path_opts);
    }
    fprintf(out,
            "    esac\n"
            "    if [[ $prev == --db || \" $popts \" == *\" $prev \"* ]]; then\n"
            "        compopt -o filenames 2>/dev/null\n"
            "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ -z $cmd ]]; then\n"
            "        mapfile -t COMPREPLY < <(compgen -W '%s --db --json --help --version' -- "
            "\"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ $cur == -* ]]; then\n"
            "        mapfile -t COMPREPLY < <(compgen -W \"$opts --db --json\" -- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ -z $sub && -n $subs ]]; then\n"
            "        mapfile -t COMPREPLY < <(compgen -W \"$subs\" -- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if ((files)); then\n"
            "        compopt -o filenames 2>/dev/null\n"
            "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
            "    fi\n"
            "    return 0\n"
            "}\n"
            "complete -F _fieldcheck fieldcheck\n",
            names.ptr);
    buf_release(&names);
}
