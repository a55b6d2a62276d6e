/* fieldcheck(1) in roff, written by `fieldcheck help --man [zh]` at build time
 * from the command table, the settings table and the error table, so every
 * command a branch adds to app_commands[] is documented without editing a
 * hand-kept page. Every text goes through the catalog: the Chinese page
 * (man -L zh_CN) is the same generator in Chinese, never a second copy.
 * Non-ASCII text is written as \[uXXXX] so the page needs no preprocessor
 * whatever the build machine's locale; after a CJK character a zero-width
 * break point (\:) lets groff wrap text that has no spaces. */
#include "app/commands.h"

#include "core/base/error.h"
#include "core/base/utf8.h"
#include "core/config.h"
#include "ui/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Chinese punctuation that may not start a line, and that may not end one. */
static int cjk_closing(uint32_t cp)
{
    return cp == 0x3001 || cp == 0x3002 || cp == 0x300B || cp == 0x300D || cp == 0x300F ||
           cp == 0xFF01 || cp == 0xFF09 || cp == 0xFF0C || cp == 0xFF1A || cp == 0xFF1B ||
           cp == 0xFF1F || cp == 0x201D || cp == 0x2019;
}

static int cjk_opening(uint32_t cp)
{
    return cp == 0x300A || cp == 0x300C || cp == 0x300E || cp == 0xFF08 || cp == 0x201C ||
           cp == 0x2018;
}

/* 1 when a line may break after the wide character cp, given the text that
 * follows it: Chinese has no spaces, so groff needs the break points. */
static int cjk_breaks_after(uint32_t cp, const char *next, size_t len)
{
    uint32_t nc = 0;

    if (cp < 0x2E80 || cjk_opening(cp))
        return 0;
    if (len && utf8_decode(next, len, &nc) > 0 && cjk_closing(nc))
        return 0;
    return 1;
}

/* Writes s escaped for roff; at_bol says whether s starts a line. */
static void roff_puts(FILE *out, const char *s, int at_bol)
{
    size_t len = strlen(s);

    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = 0;
        int n;

        if (at_bol && (c == '.' || c == '\''))
            fputs("\\&", out);
        at_bol = c == '\n';
        if (c == '\\') {
            fputs("\\e", out);
        } else if (c == '-') {
            fputs("\\-", out);
        } else if (c < 0x80) {
            fputc(c, out);
        } else {
            n = utf8_decode(s + i, len - i, &cp);
            if (n < 0) {
                fputc('?', out);
                i++;
                continue;
            }
            fprintf(out, "\\[u%04X]", (unsigned)cp);
            i += (size_t)n;
            if (cjk_breaks_after(cp, s + i, len - i))
                fputs("\\:", out);
            continue;
        }
        i++;
    }
}

/* Writes s as its own line(s) of text. */
static void roff_line(FILE *out, const char *s)
{
    roff_puts(out, s, 1);
    fputc('\n', out);
}

struct env_doc {
    const char *name;
    const char *text;
};

/* Variables that are not settings of the configuration file. */
static const struct env_doc env_docs[] = {
    {"FIELDCHECK_DB", N_("Path of the device database; --db takes precedence.")},
    {"FIELDCHECK_CONFIG",
     N_("Read this configuration file instead of the system and the user file (used by "
        "tests).")},
    {"FIELDCHECK_NOW",
     N_("Freeze the clock at this ISO 8601 time (reproducible runs and tests); a time without an "
        "offset is local time (TZ).")},
    {"FIELDCHECK_LOG", N_("File the terminal UI writes its log to (nothing is printed while the "
                          "UI owns the screen).")},
    {"FIELDCHECK_LOCALEDIR", N_("Directory holding the compiled message catalogs.")},
    {"XDG_DATA_HOME", N_("Base of the default data directory ($XDG_DATA_HOME/fieldcheck, else "
                         "~/.local/share/fieldcheck).")},
    {"XDG_CONFIG_HOME",
     N_("Base of the user configuration file ($XDG_CONFIG_HOME/fieldcheck/config, else "
        "~/.config/fieldcheck/config).")},
    {"LANG, LC_ALL, LC_MESSAGES", N_("Choose the interface language when ui.lang is auto.")},
};

/* A section heading (.SH), translated. */
static void roff_section(FILE *out, const char *title)
{
    fputs(".SH ", out);
    roff_line(out, title);
}

/* A tagged paragraph: the tag in bold, then the text. */
static void roff_tagged(FILE *out, const char *macro, const char *tag, const char *text)
{
    fprintf(out, ".TP\n%s ", macro);
    roff_line(out, tag);
    roff_line(out, text);
}

/* Ends a sentence: ". " and a new line in English; in Chinese the full stop
 * with no space after it, so the next sentence follows on the same line. */
static void end_sentence(FILE *out, int zh)
{
    fputs(zh ? "\\[u3002]" : ".\n", out);
}

static void write_exit_status(FILE *out, int zh)
{
    const char *lparen = zh ? "\\[uFF08]" : " (";
    const char *sep = zh ? "\\[u3001]" : ", ";
    const char *rparen = zh ? "\\[uFF09]" : ")";

    static const char *const what[] = {N_("success"), N_("usage error"), N_("data or input error"),
                                       N_("integrity or verification failure"),
                                       N_("input/output or database error")};

    for (int code = 0; code <= 4; code++) {
        int first = 1;

        fprintf(out, ".TP\n.B %d\n", code);
        roff_puts(out, _(what[code]), 1);
        /* the messages are the FC_ERRORS texts, translated through the
         * msgids app/commands.c marks */
#define MAN_EXIT_(name, value, exitc, msg) \
    if ((exitc) == code) {                 \
        fputs(first ? lparen : sep, out);  \
        roff_puts(out, _(msg), 0);         \
        first = 0;                         \
    }
        FC_ERRORS(MAN_EXIT_)
#undef MAN_EXIT_
        if (!first)
            fputs(rparen, out);
        end_sentence(out, zh);
        if (zh)
            fputc('\n', out);
    }
}

/* An example: a sentence, then the commands in a literal block. */
static void write_example(FILE *out, const char *text, const char *commands)
{
    roff_line(out, text);
    fputs(".PP\n.RS 4\n.nf\n", out);
    fputs(commands, out);
    fputs(".fi\n.RE\n.PP\n", out);
}

void app_write_man(FILE *out)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    const char *date = "";
    char datebuf[32];
    int zh = ui_lang_current() == UI_LANG_ZH;

    if (epoch && *epoch) {
        time_t t = (time_t)strtoll(epoch, NULL, 10);
        struct tm tm;
        if (gmtime_r(&t, &tm) && strftime(datebuf, sizeof(datebuf), "%Y-%m-%d", &tm))
            date = datebuf;
    }
    fprintf(out,
            ".\\\" Generated by 'fieldcheck help --man' from the command table; do not edit.\n");
    /* Chinese text has no spaces to stretch: left-aligned, as CJK pages are. */
    if (zh)
        fputs(".ds AD l\n", out);
    fprintf(out, ".TH FIELDCHECK 1 \"%s\" \"fieldcheck %s\" \"", date, FC_VERSION);
    roff_puts(out, _("User Commands"), 0);
    fputs("\"\n", out);
    if (zh)
        fputs(".ad l\n", out);
    roff_section(out, _("NAME"));
    fputs("fieldcheck \\- ", out);
    roff_line(out, _("offline field inspection for medical insurance fund supervision"));
    roff_section(out, _("SYNOPSIS"));
    fputs(".B fieldcheck\n"
          "[\\fB\\-\\-db\\fR \\fIPATH\\fR] [\\fB\\-\\-json\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
          ".br\n"
          ".B fieldcheck \\-\\-version\n"
          ".br\n"
          ".B fieldcheck \\-\\-help\n",
          out);
    roff_section(out, _("DESCRIPTION"));
    roff_line(out, _("fieldcheck supports on-site inspections of medical insurance fund use: night "
                     "bed checks, pharmacy stock reconciliation and flight inspections. It works "
                     "without a network: every observation is appended to a hash-chained event "
                     "log in a local SQLite database, and results travel to headquarters in "
                     "signed, encrypted bundles."));
    if (!zh) {
        fputs(".PP\n", out);
        roff_line(out, "医保基金监管现场检查工具：夜间查床、药店进销存核对、飞行检查。");
    }
    fputs(".PP\n", out);
    roff_line(out, _("Personal data is masked on screen by default. Each command below is also "
                     "available with --json for scripts; 'fieldcheck COMMAND --help' prints its "
                     "usage."));
    roff_section(out, _("COMMANDS"));
    for (const struct command *c = app_commands; c->name; c++) {
        const char *usage = _(c->usage);

        fputs(".SS ", out);
        roff_line(out, c->name);
        roff_line(out, _(c->summary));
        fputs(".PP\n.RS 4\n.nf\n", out);
        roff_puts(out, usage, 1);
        if (usage[0] && usage[strlen(usage) - 1] != '\n')
            fputc('\n', out);
        fputs(".fi\n.RE\n", out);
    }
    roff_section(out, _("GLOBAL OPTIONS"));
    roff_line(out, _("Global options may stand before or after the command name."));
    fputs(".TP\n.BI \\-\\-db \" PATH\"\n", out);
    roff_line(out, _("Use the database at PATH instead of the default."));
    fputs(".TP\n.B \\-\\-json\n", out);
    roff_line(out, _("Print machine-readable JSON, one object per line for streams; errors too."));
    fputs(".TP\n.BR \\-h \", \" \\-\\-help\n", out);
    roff_line(out, _("Print the command list, or a command's usage after its name."));
    fputs(".TP\n.B \\-\\-version\n", out);
    roff_line(out, _("Print the program version and the versions of the database schema, the "
                     "reference database schema and the bundle format."));
    roff_section(out, _("CONFIGURATION"));
    roff_line(out, _("Settings are read from /etc/fieldcheck/config, then from the user file; an "
                     "environment variable overrides both. 'fieldcheck config list' shows where "
                     "each value comes from. The file holds 'key = value' lines under [section] "
                     "headers; lines starting with # or ; are comments."));
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        fputs(".TP\n.B ", out);
        roff_puts(out, s->key, 0);
        fputs("\n", out);
        roff_puts(out, ui_tr(s->help_en, s->help_zh), 1);
        end_sentence(out, zh);
        roff_puts(out, _("Allowed: "), !zh);
        roff_puts(out, s->type == CONFIG_PATH ? _("an absolute path or ~/...") : s->allowed, 0);
        roff_puts(out, _("; default: "), 0);
        roff_puts(out, s->def[0] ? s->def : _("(empty)"), 0);
        end_sentence(out, zh);
        if (s->env) {
            roff_puts(out, _("Environment: "), !zh);
            roff_puts(out, s->env, 0);
            end_sentence(out, zh);
        }
        if (zh)
            fputc('\n', out);
    }
    roff_section(out, _("ENVIRONMENT"));
    for (size_t i = 0; i < sizeof(env_docs) / sizeof(env_docs[0]); i++)
        roff_tagged(out, ".B", env_docs[i].name, _(env_docs[i].text));
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        if (!s->env)
            continue;
        fputs(".TP\n.B ", out);
        roff_puts(out, s->env, 0);
        fputc('\n', out);
        roff_puts(out, _("Overrides the setting "), 1);
        roff_puts(out, s->key, 0);
        roff_puts(out, _(": "), 0);
        roff_puts(out, ui_tr(s->help_en, s->help_zh), 0);
        end_sentence(out, zh);
        if (zh)
            fputc('\n', out);
    }
    roff_section(out, _("FILES"));
    roff_tagged(out, ".I", "/etc/fieldcheck/config",
                _("System-wide settings (a configuration file of the package)."));
    roff_tagged(out, ".I", "$XDG_CONFIG_HOME/fieldcheck/config",
                _("The user's settings, written by 'fieldcheck config set'."));
    roff_tagged(out, ".I", "$XDG_DATA_HOME/fieldcheck/fieldcheck.db",
                _("The device database: the event log and the state derived from it."));
    roff_tagged(out, ".I", "$XDG_DATA_HOME/fieldcheck/missions/",
                _("Reference databases, one per mission version."));
    roff_tagged(out, ".I", "/usr/share/doc/fieldcheck/",
                _("The user guides, the mission folder, CSV import, bundle and identifier "
                  "formats (gzip-compressed Markdown)."));
    roff_section(out, _("EXIT STATUS"));
    write_exit_status(out, zh);
    roff_section(out, _("EXAMPLES"));
    write_example(out, _("Try the program on generated demo data, in a scratch data directory:"),
                  "FIELDCHECK_HOME=/tmp/fc\\-demo fieldcheck demo\n");
    write_example(out, _("A night bed check from the command line:"),
                  "fieldcheck mission load mission.fcpack\n"
                  "fieldcheck visit open \\-\\-site H001 \\-\\-kind night \\-\\-inspector "
                  "\\(aqWang\\(aq \\-\\-inspector \\(aqLi\\(aq\n"
                  "fieldcheck scan \\fIBED_CODE\\fR \\fIWRISTBAND_CODE\\fR EMPTY_BED\n"
                  "fieldcheck visit close\n"
                  "fieldcheck \\-\\-json visit show\n"
                  "fieldcheck export \\-o /media/usb\n");
    roff_line(out, _("The same check in the terminal UI, with a barcode scanner:"));
    fputs(".PP\n.RS 4\n.nf\n"
          "fieldcheck tui\n"
          ".fi\n.RE\n",
          out);
    roff_section(out, _("SEE ALSO"));
    fputs(".BR sqlite3 (1),\n"
          ".BR tmux (1)\n"
          ".PP\n",
          out);
    roff_line(out, zh ? "/usr/share/doc/fieldcheck/user-guide-zh.md.gz"
                      : "/usr/share/doc/fieldcheck/user-guide-en.md.gz");
    fputs(".br\n", out);
    roff_line(out, "/usr/share/doc/fieldcheck/packaging.md.gz");
}
