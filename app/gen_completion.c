/* bash completion for fieldcheck, written by `fieldcheck help --bash-completion`
 * at build time. Subcommands, each one's options, which options take an
 * argument and the positional arguments come from the usage texts of the
 * command table (app/usage.c), so a row added to app_commands[] completes
 * without an extra field. What an argument may be is read from its
 * metavariable: alternatives (csv|md|html) complete as words, PATH / FILE /
 * DIR as file or folder names (FILE.csv: folders and .csv files). Values that
 * live in other tables come from those tables, through the few rows of
 * value_sources[] below: visit kinds from the workflow registry, worksheet
 * states from the catalogues, violation codes from the taxonomy, settings and
 * their values from the settings table, action words from core/ident. */
#include "app/commands.h"

#include "core/base/buf.h"
#include "core/config.h"
#include "core/flight/taxonomy.h"
#include "core/ident/ident.h"
#include "core/workflow.h"

#include <ctype.h>
#include <string.h>

enum value_source {
    SRC_KINDS,        /* workflow kinds */
    SRC_STATES,       /* catalogue rows of scope VERDICT_STATE */
    SRC_TAXONOMY,     /* violation codes */
    SRC_CONFIG_KEYS,  /* setting keys */
    SRC_CONFIG_VALUE, /* the allowed values of the setting named before */
    SRC_COMMANDS,     /* command names */
    SRC_ACTIONS,      /* scan action words */
    SRC_BUNDLES,      /* folders and .fcb files */
    SRC_PACKS,        /* folders and .fcpack files (a mission folder or a signed pack) */
};

/* Arguments whose values come from a table rather than from the usage text:
 * (command, subcommand or NULL for any, option or NULL for a positional,
 * metavariable or NULL for any). */
static const struct {
    const char *cmd, *sub, *opt, *meta;
    enum value_source src;
} value_sources[] = {
    {"visit", "open", "--kind", NULL, SRC_KINDS},
    {"susp", NULL, "--state", NULL, SRC_STATES},
    {"susp", "verify", "--verdict", NULL, SRC_STATES},
    {"finding", NULL, "--code", NULL, SRC_TAXONOMY},
    {"config", NULL, NULL, "KEY", SRC_CONFIG_KEYS},
    {"config", "set", NULL, "VALUE", SRC_CONFIG_VALUE},
    {"help", NULL, NULL, "COMMAND", SRC_COMMANDS},
    {"scan", NULL, NULL, "CODE", SRC_ACTIONS},
    {"mission", "load", NULL, "PATH", SRC_PACKS},
    {"hq", "import", NULL, "FILE", SRC_BUNDLES},
};

static int add_kind(const struct workflow *wf, void *ctx)
{
    buf_addf(ctx, " %s", wf->kind);
    return 0;
}

static int add_states(const struct workflow *wf, void *ctx)
{
    for (const struct verdict *v = wf->catalogue; v && v->code; v++)
        if (v->scope & VERDICT_STATE)
            buf_addf(ctx, " %s", v->code);
    return 0;
}

/* The words of a table-backed argument, appended to out as " w1 w2...". */
static void words_from_source(enum value_source src, struct buf *out)
{
    switch (src) {
    case SRC_KINDS: workflow_foreach(add_kind, out); break;
    case SRC_STATES: workflow_foreach(add_states, out); break;
    case SRC_TAXONOMY:
        for (const struct taxonomy_entry *t = taxonomy_table; t->code; t++)
            buf_addf(out, " %s", t->code);
        break;
    case SRC_CONFIG_KEYS:
        for (int i = 0; i < CONFIG_COUNT; i++)
            buf_addf(out, " %s", config_settings[i].key);
        break;
    case SRC_COMMANDS:
        for (const struct command *c = app_commands; c->name; c++)
            buf_addf(out, " %s", c->name);
        break;
    case SRC_ACTIONS:
        for (int a = IDENT_ACTION_EMPTY_BED; a <= IDENT_ACTION_EXAM; a++)
            buf_addf(out, " %s", ident_action_name((enum ident_action)a));
        break;
    default: break;
    }
}

/* The completion spec of a table-backed argument into out: a fixed spec, or
 * "words:" and the source's words. */
static void spec_from_source(enum value_source src, struct buf *out)
{
    switch (src) {
    case SRC_CONFIG_VALUE: buf_adds(out, "config-value"); break;
    case SRC_BUNDLES: buf_adds(out, "ext:fcb"); break;
    case SRC_PACKS: buf_adds(out, "ext:fcpack"); break;
    default:
        buf_adds(out, "words:");
        words_from_source(src, out);
        break;
    }
}

static int all_lower_alternatives(const char *s)
{
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '|' && *s != '-' &&
            *s != '_')
            return 0;
    return 1;
}

/* The completion spec of an argument written meta (an option's argument
 * when opt is set, else a positional) into out: "words:a b", "files",
 * "dirs", "ext:csv", "config-value", or "" for free text. */
static void arg_spec(const struct command *c, const char *sub, const char *opt, const char *meta,
                     const struct usage_model *m, struct buf *out)
{
    const char *vals;
    const char *dot;

    buf_reset(out);
    for (size_t i = 0; i < sizeof(value_sources) / sizeof(value_sources[0]); i++) {
        if (strcmp(value_sources[i].cmd, c->name) ||
            (value_sources[i].sub && (!sub || strcmp(value_sources[i].sub, sub))) ||
            (value_sources[i].opt ? !opt || strcmp(value_sources[i].opt, opt) : opt != NULL) ||
            (value_sources[i].meta && strcmp(value_sources[i].meta, meta)))
            continue;
        spec_from_source(value_sources[i].src, out);
        return;
    }
    vals = usage_metavals(m, meta);
    if (!vals && all_lower_alternatives(meta))
        vals = meta; /* csv|md|html, or the one value "html" */
    if (vals) {
        buf_adds(out, "words:");
        for (const char *p = vals; *p; p++)
            buf_addch(out, *p == '|' ? ' ' : *p);
        return;
    }
    if (!isupper((unsigned char)meta[0]))
        return;
    dot = strchr(meta, '.');
    if (strstr(meta, "FILE") && dot && islower((unsigned char)dot[1]))
        buf_addf(out, "ext:%s", dot + 1); /* FILE.csv */
    else if (strstr(meta, "FILE") || strstr(meta, "PATH"))
        buf_adds(out, "files");
    else if (strstr(meta, "DIR"))
        buf_adds(out, "dirs");
}

/* One scope's entries: its options, their argument specs, its positionals. */
static void write_scope(FILE *out, const struct command *c, const struct usage_model *m,
                        const struct usage_scope *sc)
{
    const char *sub = sc->name[0] ? sc->name : NULL;
    struct buf key = BUF_INIT, opts = BUF_INIT, spec = BUF_INIT;

    buf_addf(&key, "%s%s%s", c->name, sub ? " " : "", sub ? sub : "");
    for (size_t i = 0; i < sc->nopts; i++)
        buf_addf(&opts, "%s%s", i ? " " : "", sc->opts[i].name);
    fprintf(out, "        [\"%s\"]='%s'\n", key.ptr, opts.ptr);
    for (size_t i = 0; i < sc->nopts; i++) {
        if (!sc->opts[i].meta[0])
            continue;
        arg_spec(c, sub, sc->opts[i].name, sc->opts[i].meta, m, &spec);
        fprintf(out, "        [\"%s %s\"]='%s'\n", key.ptr, sc->opts[i].name,
                spec.len ? spec.ptr : "none");
    }
    for (size_t i = 0; i < sc->npos; i++) {
        if (!strcmp(sc->pos[i], "SUBCOMMAND"))
            continue;
        arg_spec(c, sub, NULL, sc->pos[i], m, &spec);
        if (!spec.len)
            continue;
        fprintf(out, "        [\"%s %zu\"]='%s'\n", key.ptr, i + 1, spec.ptr);
        if (i + 1 == sc->npos)
            fprintf(out, "        [\"%s *\"]='%s'\n", key.ptr, spec.ptr);
    }
    buf_release(&key);
    buf_release(&opts);
    buf_release(&spec);
}

/* Options and argument specs share one map: "visit open" gives the options,
 * "visit open --kind" the spec of --kind's argument, "config set 1" the
 * spec of the first positional, "scan *" the spec of any further one. */
static void write_tables(FILE *out)
{
    struct buf names = BUF_INIT;

    fputs("    local -A subs=(\n", out);
    for (const struct command *c = app_commands; c->name; c++) {
        struct usage_model *m = usage_parse(c);

        buf_reset(&names);
        for (size_t i = 1; i < m->nscopes; i++)
            buf_addf(&names, "%s%s", i > 1 ? " " : "", m->scopes[i].name);
        if (names.len)
            fprintf(out, "        [\"%s\"]='%s'\n", c->name, names.ptr);
        usage_free(m);
    }
    fputs("    )\n    local -A spec=(\n", out);
    for (const struct command *c = app_commands; c->name; c++) {
        struct usage_model *m = usage_parse(c);

        for (size_t i = 0; i < m->nscopes; i++)
            write_scope(out, c, m, &m->scopes[i]);
        usage_free(m);
    }
    fputs("    )\n    local -A config=(\n", out);
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];

        fprintf(out, "        [\"%s\"]='", s->key);
        if (s->type == CONFIG_ENUM) {
            fputs("words:", out);
            for (const char *p = s->allowed; *p; p++)
                fputc(*p == '|' ? ' ' : *p, out);
        } else if (s->type == CONFIG_PATH) {
            fputs("dirs", out);
        } else {
            fputs("none", out);
        }
        fputs("'\n", out);
    }
    fputs("    )\n", out);
    buf_release(&names);
}

void app_write_bash_completion(FILE *out)
{
    struct buf names = BUF_INIT;

    for (const struct command *c = app_commands; c->name; c++)
        buf_addf(&names, "%s%s", names.len ? " " : "", c->name);
    fputs("# bash completion for fieldcheck(1).\n"
          "# Generated by 'fieldcheck help --bash-completion' from the command table; "
          "do not edit.\n"
          "\n"
          "# Completes $cur as spec says: words:A B, files, dirs, ext:EXT (folders and\n"
          "# *.EXT files), none.\n"
          "_fieldcheck_values()\n"
          "{\n"
          "    case $1 in\n"
          "    words:*) mapfile -t COMPREPLY < <(compgen -W \"${1#words:}\" -- \"$cur\") ;;\n"
          "    files)\n"
          "        compopt -o filenames 2>/dev/null\n"
          "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
          "        ;;\n"
          "    dirs)\n"
          "        compopt -o filenames 2>/dev/null\n"
          "        mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n"
          "        ;;\n"
          "    ext:*)\n"
          "        compopt -o filenames 2>/dev/null\n"
          "        mapfile -t COMPREPLY < <(compgen -d -- \"$cur\"; "
          "compgen -f -X \"!*.${1#ext:}\" -- \"$cur\")\n"
          "        ;;\n"
          "    *) COMPREPLY=() ;;\n"
          "    esac\n"
          "}\n"
          "\n"
          "_fieldcheck()\n"
          "{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
          "    local cmd='' sub='' scope='' w i s\n"
          "    local -a args=()\n",
          out);
    write_tables(out);
    fprintf(out,
            "    COMPREPLY=()\n"
            "    # the command, its subcommand and the positionals so far; an option's\n"
            "    # argument is skipped\n"
            "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "        w=${COMP_WORDS[i]}\n"
            "        case $w in\n"
            "        --db) ((i++)); continue ;;\n"
            "        -*)\n"
            "            if [[ -n ${spec[\"$scope $w\"]+x} || -n ${spec[\"$cmd $w\"]+x} ]]; then\n"
            "                ((i++))\n"
            "            fi\n"
            "            continue\n"
            "            ;;\n"
            "        esac\n"
            "        if [[ -z $cmd ]]; then\n"
            "            cmd=$w scope=$w\n"
            "        elif [[ -z $sub && -n ${subs[$cmd]+x} ]]; then\n"
            "            sub=$w scope=\"$cmd $w\"\n"
            "        else\n"
            "            args+=(\"$w\")\n"
            "        fi\n"
            "    done\n"
            "    if [[ $prev == --db ]]; then\n"
            "        _fieldcheck_values files\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ $prev == -* && -n $cmd ]]; then\n"
            "        s=${spec[\"$scope $prev\"]-${spec[\"$cmd $prev\"]-}}\n"
            "        if [[ -n $s ]]; then\n"
            "            _fieldcheck_values \"$s\"\n"
            "            return 0\n"
            "        fi\n"
            "    fi\n"
            "    if [[ -z $cmd ]]; then\n"
            "        mapfile -t COMPREPLY < <(compgen -W '%s --db --json --help --version' "
            "-- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ $cur == -* ]]; then\n"
            "        s=\"${spec[$cmd]-}\"\n"
            "        [[ $scope != \"$cmd\" ]] && s=\"$s ${spec[$scope]-}\"\n"
            "        mapfile -t COMPREPLY < <(compgen -W \"$s --db --json --help\" -- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    if [[ -z $sub && -n ${subs[$cmd]+x} ]]; then\n"
            "        mapfile -t COMPREPLY < <(compgen -W \"${subs[$cmd]}\" -- \"$cur\")\n"
            "        return 0\n"
            "    fi\n"
            "    s=${spec[\"$scope $((${#args[@]} + 1))\"]-${spec[\"$scope *\"]-}}\n"
            "    if [[ $s == config-value ]]; then\n"
            "        s=${config[${args[0]-}]-none}\n"
            "    fi\n"
            "    _fieldcheck_values \"$s\"\n"
            "    return 0\n"
            "}\n"
            "complete -F _fieldcheck fieldcheck\n",
            names.ptr);
    buf_release(&names);
}
