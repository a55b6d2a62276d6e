/* fieldcheck config: list, get and set the settings of core/config.h, plus the
 * documentation generated from the same table (`config list --doc` for
 * docs/packaging.md, `config list --sample` for /etc/fieldcheck/config), so
 * the reference can never drift from what the parser accepts. */
#include "app/args.h"
#include "app/commands.h"

#include "core/base/mask.h"

#include "core/base/buf.h"
#include "core/config.h"
#include "ui/i18n.h"

#include <stdlib.h>
#include <string.h>

static const char *const source_names[] = {"default", "system", "user", "env"};

/* the option table of the subcommands that take none */
static const struct app_opt no_opts[] = {{NULL, NULL, NULL, NULL, NULL}};

int app_load_config(struct app *app)
{
    struct buf warnings = BUF_INIT;
    const char *line = NULL;
    int rc;

    rc = config_load(&warnings, &app->err);
    for (line = warnings.ptr; *line;) {
        const char *nl = strchr(line, '\n');
        int n = nl ? (int)(nl - line) : (int)strlen(line);
        fprintf(stderr, _("fieldcheck: warning: %.*s\n"), n, line);
        line += n + (nl ? 1 : 0);
    }
    buf_release(&warnings);
    if (!rc) {
        config_export_env();
        mask_set_policy(config_is_on("mask.names"), config_is_on("mask.ids"));
    }
    return rc;
}

static void list_plain(void)
{
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const char *key = config_settings[i].key;
        const char *where = NULL;
        enum config_source src = config_source(key, &where);

        printf("%s = %s", key, config_get(key));
        if (src == CONFIG_SRC_DEFAULT)
            printf("  (default)\n");
        else
            printf("  (%s %s)\n", source_names[src], where);
    }
}

static void list_json(void)
{
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        const char *where = NULL;
        enum config_source src = config_source(s->key, &where);

        app_print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s}", "key", s->key, "value",
                                 config_get(s->key), "default", s->def, "source", source_names[src],
                                 "where", where, "env", s->env, "allowed", s->allowed));
    }
}

/* Markdown reference for docs/packaging.md; '|' would split a table cell. */
static void list_doc(void)
{
    puts("| key | default | allowed | environment | meaning |");
    puts("| --- | --- | --- | --- | --- |");
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];

        printf("| `%s` | %s%s%s | ", s->key, s->def[0] ? "`" : "", s->def[0] ? s->def : "(empty)",
               s->def[0] ? "`" : "");
        if (s->type == CONFIG_PATH)
            fputs("absolute path or `~/...`", stdout);
        for (const char *p = s->type == CONFIG_PATH ? "" : s->allowed; *p; p++) {
            if (p == s->allowed)
                putchar('`');
            if (*p == '|')
                fputs("`, `", stdout);
            else
                putchar(*p);
            if (!p[1])
                putchar('`');
        }
        printf(" | %s%s%s | %s<br>%s |\n", s->env ? "`" : "", s->env ? s->env : "-",
               s->env ? "`" : "", s->help_en, s->help_zh);
    }
}

/* A commented configuration file listing every setting at its default. */
static void list_sample(void)
{
    const char *section = "";
    size_t seclen = 0;

    puts("# fieldcheck configuration (fieldcheck 配置文件)\n"
         "#\n"
         "# This is the system-wide file. A user's own file\n"
         "# ($XDG_CONFIG_HOME/fieldcheck/config, else ~/.config/fieldcheck/config) overrides it,\n"
         "# and the environment variables named below override both.\n"
         "# Lines are 'key = value' under a [section]; lines starting with # or ; are comments.\n"
         "# Every setting is shown commented out at its default.\n"
         "# 用户文件优先于本文件，环境变量优先于两者。");
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        const char *dot = strchr(s->key, '.');
        size_t n = (size_t)(dot - s->key);

        if (n != seclen || strncmp(section, s->key, n)) {
            printf("\n[%.*s]\n", (int)n, s->key);
            section = s->key;
            seclen = n;
        } else {
            putchar('\n');
        }
        printf("# %s\n# %s\n", s->help_en, s->help_zh);
        if (s->type == CONFIG_PATH)
            printf("# allowed: an absolute path or ~/...");
        else
            printf("# allowed: %s", s->allowed);
        if (s->env)
            printf("; environment override: %s", s->env);
        printf("\n;%s =%s%s\n", dot + 1, s->def[0] ? " " : "", s->def);
    }
}

static int config_usage(struct app *app, const char *why)
{
    for (const struct command *c = app_commands; c->name; c++)
        if (!strcmp(c->name, "config"))
            app_usage(c, stderr);
    fc_error_set(&app->err, FC_EUSAGE, "config: %s", why);
    return app_fail(app, FC_EUSAGE);
}

static int do_set(struct app *app, const char *key, const char *value)
{
    struct buf path = BUF_INIT;
    const struct config_setting *s = config_find(key);
    int rc;

    config_user_path(&path);
    rc = config_set_in_file(path.ptr, key, value, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s, s:s, s:s}", "ok", 1, "key", key, "value", value,
                                 "file", path.ptr));
    else
        printf(_("%s = %s (written to %s)\n"), key, value, path.ptr);
    if (config_source(key, NULL) == CONFIG_SRC_ENV)
        fprintf(stderr, _("fieldcheck: note: %s is set and overrides this setting\n"), s->env);
out:
    buf_release(&path);
    return rc;
}

int cmd_config_list(struct app *app, int argc, char **argv)
{
    int doc = 0, sample = 0;
    const struct app_opt opts[] = {{"--doc", NULL, &doc, NULL, NULL},
                                   {"--sample", NULL, &sample, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    if (app_parse("config list", argc, argv, 2, opts, NULL, 0, NULL))
        return 1;
    if (doc && sample)
        return config_usage(app, "'list' takes --doc or --sample, not both");
    if (doc)
        list_doc();
    else if (sample)
        list_sample();
    else if (app->json)
        list_json();
    else
        list_plain();
    return 0;
}

int cmd_config_get(struct app *app, int argc, char **argv)
{
    const char *key = NULL;
    int n = 0;

    if (app_parse("config get", argc, argv, 2, no_opts, &key, 1, &n))
        return 1;
    if (n != 1)
        return config_usage(app, "'get' takes one KEY");
    if (!config_find(key)) {
        fc_error_set(&app->err, FC_ENOTFOUND, "unknown setting '%s'", key);
        return app_fail(app, FC_ENOTFOUND);
    }
    if (app->json)
        app_print_json(json_pack("{s:s, s:s}", "key", key, "value", config_get(key)));
    else
        puts(config_get(key));
    return 0;
}

int cmd_config_set(struct app *app, int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    int n = 0;

    if (app_parse("config set", argc, argv, 2, no_opts, pos, 2, &n))
        return 1;
    if (n != 2)
        return config_usage(app, "'set' takes KEY and VALUE");
    return do_set(app, pos[0], pos[1]);
}
