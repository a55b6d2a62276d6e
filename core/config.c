/* The configuration file: a strict INI reader over the FC_SETTINGS table.
 * A file is parsed completely into a scratch array and only taken over when
 * every line is valid, so a broken file never leaves half its values applied.
 * Editing (config_set_in_file) rewrites one line in place so the comments and
 * layout an administrator wrote survive `fieldcheck config set`. */
#include "core/config.h"

#include "core/base/fs.h"
#include "core/base/utf8.h"
#include "core/base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct config_setting config_settings[CONFIG_COUNT] = {
#define CONFIG_ROW_(id, key, type, def, allowed, env, en, zh) \
    {id, key, type, def, allowed, env, en, zh},
    FC_SETTINGS(CONFIG_ROW_)
#undef CONFIG_ROW_
};

struct config_value {
    char *value; /* NULL: default */
    char *where; /* "file:line" */
    enum config_source src;
};

static struct config_value values[CONFIG_COUNT];
/* Variables config_export_env() set: they echo a file value, not an override. */
static int exported[CONFIG_COUNT];

const struct config_setting *config_find(const char *key)
{
    if (!key)
        return NULL;
    for (int i = 0; i < CONFIG_COUNT; i++)
        if (!strcmp(config_settings[i].key, key))
            return &config_settings[i];
    return NULL;
}

/* 1 when value is one of the '|'-separated words of list. */
static int enum_has(const char *list, const char *value)
{
    size_t n = strlen(value);
    const char *p = list;

    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && !strncmp(p, value, n))
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

static int parse_long(const char *s, long *out)
{
    char *end = NULL;

    if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
        return -1;
    errno = 0;
    *out = strtol(s, &end, 10);
    return errno || *end ? -1 : 0;
}

int config_validate(const struct config_setting *s, const char *value, struct fc_error *err)
{
    long v, lo, hi;
    const char *dots;

    if (!s || !value)
        return fc_error_set(err, FC_EINPUT, "missing value");
    if (strpbrk(value, "\r\n") || !utf8_is_valid(value, strlen(value), NULL))
        return fc_error_set(err, FC_EINPUT, "invalid value for '%s'", s->key);
    if (strlen(value) > CONFIG_LINE_MAX / 2)
        return fc_error_set(err, FC_EINPUT, "value for '%s' is too long", s->key);
    switch (s->type) {
    case CONFIG_PATH:
        if (value[0] && value[0] != '/' && strncmp(value, "~/", 2))
            return fc_error_set(err, FC_EINPUT,
                                "invalid value '%s' for '%s': expected an absolute path or ~/...",
                                value, s->key);
        return 0;
    case CONFIG_INT:
        dots = strstr(s->allowed, "..");
        if (!dots)
            BUG("setting '%s' has no range", s->key);
        lo = strtol(s->allowed, NULL, 10);
        hi = strtol(dots + 2, NULL, 10);
        if (parse_long(value, &v) || v < lo || v > hi)
            return fc_error_set(err, FC_EINPUT,
                                "invalid value '%s' for '%s': expected a whole number %ld to %ld",
                                value, s->key, lo, hi);
        return 0;
    case CONFIG_DBURL:
        if (value[0] && value[0] != '/' && strncmp(value, "postgresql://", 13) &&
            strncmp(value, "postgres://", 11))
            return fc_error_set(err, FC_EINPUT,
                                "invalid value '%s' for '%s': expected a postgresql:// URL or an "
                                "absolute path",
                                value, s->key);
        return 0;
    case CONFIG_ENUM:
        if (!enum_has(s->allowed, value))
            return fc_error_set(err, FC_EINPUT, "invalid value '%s' for '%s': expected %s", value,
                                s->key, s->allowed);
        return 0;
    }
    BUG("setting '%s' has an unknown type", s->key);
    return FC_EINTERNAL;
}

void config_user_path(struct buf *out)
{
    const char *fixed = getenv("FIELDCHECK_CONFIG");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");

    if (fixed && *fixed)
        buf_adds(out, fixed);
    else if (xdg && xdg[0] == '/')
        buf_addf(out, "%s/fieldcheck/config", xdg);
    else
        buf_addf(out, "%s/.config/fieldcheck/config", home && *home ? home : ".");
}

static void value_release(struct config_value *v)
{
    free(v->value);
    free(v->where);
    memset(v, 0, sizeof(*v));
}

void config_reset(void)
{
    for (int i = 0; i < CONFIG_COUNT; i++)
        value_release(&values[i]);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Trims blanks from both ends of s[0..*len) in place; returns the new start. */
static char *trim(char *s, size_t *len)
{
    while (*len && is_space(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_space(s[*len - 1]))
        (*len)--;
    s[*len] = '\0';
    return s;
}

static int is_name(const char *s, int dots)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              (dots && *s == '.')))
            return 0;
    return 1;
}

/* One parsed line: kind and, for settings, the full key and the value. */
enum line_kind { LINE_BLANK, LINE_SECTION, LINE_SETTING };

struct line {
    enum line_kind kind;
    char *key;   /* "section.key", owned (LINE_SETTING) */
    char *value; /* owned (LINE_SETTING) */
};

/* Parses one line (NUL-terminated copy in s, modified) given the current
 * section (updated for section lines). Errors carry no location; the caller
 * prefixes file:line. */
static int line_parse(char *s, size_t len, struct buf *section, struct line *out,
                      struct fc_error *err)
{
    char *eq = NULL;
    char *k = NULL, *v = NULL;
    size_t klen, vlen;

    memset(out, 0, sizeof(*out));
    if (len && s[len - 1] == '\r')
        s[--len] = '\0';
    s = trim(s, &len);
    if (!len || s[0] == '#' || s[0] == ';')
        return 0;
    if (s[0] == '[') {
        if (s[len - 1] != ']')
            return fc_error_set(err, FC_EINPUT, "malformed section header");
        s[len - 1] = '\0';
        len -= 2;
        k = trim(s + 1, &len);
        if (!is_name(k, 0))
            return fc_error_set(err, FC_EINPUT, "invalid section name '%s'", k);
        buf_reset(section);
        buf_adds(section, k);
        out->kind = LINE_SECTION;
        return 0;
    }
    eq = strchr(s, '=');
    if (!eq)
        return fc_error_set(err, FC_EINPUT, "expected 'key = value'");
    klen = (size_t)(eq - s);
    vlen = len - klen - 1;
    k = trim(s, &klen);
    v = trim(eq + 1, &vlen);
    if (!is_name(k, 1) || k[0] == '.' || k[klen - 1] == '.' || strstr(k, ".."))
        return fc_error_set(err, FC_EINPUT, "invalid key '%s'", k);
    out->kind = LINE_SETTING;
    out->key = section->len ? xasprintf("%s.%s", section->ptr, k) : xstrdup(k);
    out->value = xstrdup(v);
    return 0;
}

/* Calls fn for every line of text; stops at the first error, which gets the
 * "name:line: " prefix. fn may be NULL (syntax check only). */
static int text_walk(const char *name, const char *text, size_t len,
                     int (*fn)(void *ctx, size_t lineno, const struct line *l, const char *raw,
                               size_t rawlen),
                     void *ctx, struct fc_error *err)
{
    struct buf section = BUF_INIT;
    char copy[CONFIG_LINE_MAX + 2];
    struct line l = {LINE_BLANK, NULL, NULL};
    size_t pos = 0, lineno = 0, bad = 0;
    int rc = 0;

    if (memchr(text, '\0', len)) {
        rc = fc_error_set(err, FC_EINPUT, "%s: contains a NUL byte", name);
        goto out;
    }
    if (!utf8_is_valid(text, len, &bad)) {
        rc = fc_error_set(err, FC_EINPUT, "%s: invalid UTF-8 at byte %zu", name, bad);
        goto out;
    }
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

        lineno++;
        if (n > CONFIG_LINE_MAX) {
            rc = fc_error_set(err, FC_EINPUT, "%s:%zu: line longer than %d bytes", name, lineno,
                              CONFIG_LINE_MAX);
            goto out;
        }
        memcpy(copy, text + pos, n);
        copy[n] = '\0';
        rc = line_parse(copy, n, &section, &l, err);
        if (rc) {
            fc_error_prefix(err, "%s:%zu", name, lineno);
            goto out;
        }
        if (fn) {
            rc = fn(ctx, lineno, &l, text + pos, n);
            if (rc) {
                fc_error_prefix(err, "%s:%zu", name, lineno);
                goto out;
            }
        }
        free(l.key);
        free(l.value);
        memset(&l, 0, sizeof(l));
        pos += n + (nl ? 1 : 0);
    }
out:
    free(l.key);
    free(l.value);
    buf_release(&section);
    return rc;
}

struct load_ctx {
    const char *name;
    struct config_value scratch[CONFIG_COUNT];
    struct buf *warnings;
    struct fc_error *err;
};

static int load_line(void *vctx, size_t lineno, const struct line *l, const char *raw,
                     size_t rawlen)
{
    struct load_ctx *ctx = vctx;
    const struct config_setting *s = NULL;
    struct config_value *v = NULL;
    int rc;

    (void)raw;
    (void)rawlen;
    if (l->kind != LINE_SETTING)
        return 0;
    s = config_find(l->key);
    if (!s) {
        if (ctx->warnings)
            buf_addf(ctx->warnings, "%s:%zu: unknown key '%s' ignored\n", ctx->name, lineno,
                     l->key);
        return 0;
    }
    rc = config_validate(s, l->value, ctx->err);
    if (rc)
        return rc;
    v = &ctx->scratch[s->id];
    value_release(v);
    v->value = xstrdup(l->value);
    v->where = xasprintf("%s:%zu", ctx->name, lineno);
    return 0;
}

int config_parse(const char *name, const char *text, size_t len, enum config_source src,
                 struct buf *warnings, struct fc_error *err)
{
    struct load_ctx ctx;
    struct buf local_warn = BUF_INIT;
    int rc;

    memset(&ctx, 0, sizeof(ctx));
    ctx.name = name;
    ctx.warnings = &local_warn;
    ctx.err = err;
    if (len > CONFIG_FILE_MAX) {
        rc = fc_error_set(err, FC_ELIMIT, "%s: larger than %d bytes", name, CONFIG_FILE_MAX);
        goto out;
    }
    rc = text_walk(name, text, len, load_line, &ctx, err);
    if (rc)
        goto out;
    for (int i = 0; i < CONFIG_COUNT; i++) {
        if (!ctx.scratch[i].value)
            continue;
        value_release(&values[i]);
        values[i] = ctx.scratch[i];
        values[i].src = src;
        memset(&ctx.scratch[i], 0, sizeof(ctx.scratch[i]));
    }
    if (warnings)
        buf_add(warnings, local_warn.ptr, local_warn.len);
out:
    for (int i = 0; i < CONFIG_COUNT; i++)
        value_release(&ctx.scratch[i]);
    buf_release(&local_warn);
    return rc;
}

/* Reads and parses one file; a missing file is not an error. */
static int load_file(const char *path, enum config_source src, struct buf *warnings,
                     struct fc_error *err)
{
    struct buf text = BUF_INIT;
    int rc;

    rc = fs_read_file(path, CONFIG_FILE_MAX, &text, err);
    if (rc == FC_ENOTFOUND) {
        rc = 0;
        fc_error_clear(err);
        goto out;
    }
    if (rc)
        goto out;
    rc = config_parse(path, text.ptr, text.len, src, warnings, err);
out:
    buf_release(&text);
    return rc;
}

int config_load(struct buf *warnings, struct fc_error *err)
{
    struct buf user = BUF_INIT;
    const char *fixed = getenv("FIELDCHECK_CONFIG");
    int rc = 0;

    config_reset();
    if (!(fixed && *fixed)) {
        rc = load_file(FC_SYSCONFIG, CONFIG_SRC_SYSTEM, warnings, err);
        if (rc)
            goto out;
    }
    config_user_path(&user);
    rc = load_file(user.ptr, CONFIG_SRC_USER, warnings, err);
    if (rc)
        goto out;
    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        const char *env = s->env ? getenv(s->env) : NULL;
        struct fc_error why;

        if (env && *env && config_validate(s, env, &why) && warnings)
            buf_addf(warnings, "environment %s ignored: %s\n", s->env, why.msg);
    }
out:
    buf_release(&user);
    return rc;
}

/* The environment value of s when set and valid, else NULL. */
static const char *env_value(const struct config_setting *s)
{
    const char *env = s->env && !exported[s->id] ? getenv(s->env) : NULL;

    if (!env || !*env || config_validate(s, env, NULL))
        return NULL;
    return env;
}

const char *config_get(const char *key)
{
    const struct config_setting *s = config_find(key);
    const char *env = NULL;

    if (!s)
        return NULL;
    env = env_value(s);
    if (env)
        return env;
    return values[s->id].value ? values[s->id].value : s->def;
}

int config_get_int(const char *key)
{
    const struct config_setting *s = config_find(key);
    long v = 0;

    if (!s || s->type != CONFIG_INT || parse_long(config_get(key), &v))
        return 0;
    return (int)v;
}

int config_is_on(const char *key)
{
    const char *v = config_get(key);
    return v && !strcmp(v, "on");
}

enum config_source config_source(const char *key, const char **where)
{
    const struct config_setting *s = config_find(key);

    if (where)
        *where = "";
    if (!s)
        return CONFIG_SRC_DEFAULT;
    if (env_value(s)) {
        if (where)
            *where = s->env;
        return CONFIG_SRC_ENV;
    }
    if (values[s->id].value) {
        if (where)
            *where = values[s->id].where;
        return values[s->id].src;
    }
    return CONFIG_SRC_DEFAULT;
}

void config_expand_path(struct buf *out, const char *value)
{
    const char *home = getenv("HOME");

    if (!strncmp(value, "~/", 2) && home && *home)
        buf_addf(out, "%s/%s", home, value + 2);
    else
        buf_adds(out, value);
}

struct set_ctx {
    const char *key;
    const char *section_end; /* raw end of the last line inside key's section */
    const char *key_line;    /* raw start of the last line that sets key */
    size_t key_len;
    struct buf cur_section;
    const char *want_section; /* section part of key, "" for none */
    size_t want_len;
    int in_want;
};

static int set_line(void *vctx, size_t lineno, const struct line *l, const char *raw, size_t rawlen)
{
    struct set_ctx *ctx = vctx;

    (void)lineno;
    if (l->kind == LINE_SECTION) {
        /* line_parse already validated the header; take the name again. */
        const char *o = memchr(raw, '[', rawlen);
        const char *c = memchr(raw, ']', rawlen);
        size_t n;
        buf_reset(&ctx->cur_section);
        o++;
        while (is_space(*o))
            o++;
        n = (size_t)(c - o);
        while (n && is_space(o[n - 1]))
            n--;
        buf_add(&ctx->cur_section, o, n);
        ctx->in_want = ctx->want_len && n == ctx->want_len &&
                       !strncmp(ctx->cur_section.ptr, ctx->want_section, n);
        if (ctx->in_want)
            ctx->section_end = raw + rawlen;
        return 0;
    }
    if (l->kind == LINE_SETTING) {
        if (!strcmp(l->key, ctx->key)) {
            ctx->key_line = raw;
            ctx->key_len = rawlen;
        }
        if (ctx->in_want)
            ctx->section_end = raw + rawlen;
    }
    return 0;
}

int config_set_in_file(const char *path, const char *key, const char *value, struct fc_error *err)
{
    const struct config_setting *s = config_find(key);
    struct buf text = BUF_INIT, out = BUF_INIT, dir = BUF_INIT;
    struct set_ctx ctx;
    const char *dot = NULL;
    int rc;

    memset(&ctx, 0, sizeof(ctx));
    buf_init(&ctx.cur_section);
    if (!s) {
        rc = fc_error_set(err, FC_EINPUT, "unknown setting '%s'", key ? key : "");
        goto out;
    }
    rc = config_validate(s, value, err);
    if (rc)
        goto out;
    rc = fs_read_file(path, CONFIG_FILE_MAX, &text, err);
    if (rc == FC_ENOTFOUND) {
        fc_error_clear(err);
        rc = 0;
    }
    if (rc)
        goto out;
    dot = strchr(key, '.');
    ctx.key = key;
    ctx.want_section = key;
    ctx.want_len = dot ? (size_t)(dot - key) : 0;
    rc = text_walk(path, text.ptr, text.len, set_line, &ctx, err);
    if (rc)
        goto out;
    if (ctx.key_line) {
        /* Keep the key as written (dotted or inside its section). */
        const char *eq = memchr(ctx.key_line, '=', ctx.key_len);
        size_t keep = (size_t)(eq - text.ptr);
        const char *rest = ctx.key_line + ctx.key_len;
        buf_add(&out, text.ptr, keep);
        while (out.len && is_space(out.ptr[out.len - 1]))
            buf_truncate(&out, out.len - 1);
        buf_addf(&out, " = %s", value);
        if (rest > ctx.key_line && rest[-1] == '\r')
            buf_addch(&out, '\r');
        buf_add(&out, rest, text.len - (size_t)(rest - text.ptr));
    } else if (ctx.section_end) {
        /* After the section's last line, with that line's line ending. */
        size_t keep = (size_t)(ctx.section_end - text.ptr);
        const char *eol = keep && text.ptr[keep - 1] == '\r' ? "\r\n" : "\n";
        if (keep < text.len) {
            keep++;
            buf_add(&out, text.ptr, keep);
            buf_addf(&out, "%s = %s%s", dot + 1, value, eol);
        } else {
            buf_add(&out, text.ptr, keep);
            buf_addf(&out, "%s%s = %s%s", eol, dot + 1, value, eol);
        }
        buf_add(&out, text.ptr + keep, text.len - keep);
    } else {
        buf_add(&out, text.ptr, text.len);
        if (text.len && text.ptr[text.len - 1] != '\n')
            buf_addch(&out, '\n');
        if (dot)
            buf_addf(&out, "%s[%.*s]\n%s = %s\n", text.len ? "\n" : "", (int)(dot - key), key,
                     dot + 1, value);
        else
            buf_addf(&out, "%s = %s\n", key, value);
    }
    /* The result must read back as the value just set. */
    rc = text_walk(path, out.ptr, out.len, NULL, NULL, err);
    if (rc)
        BUG("rewritten configuration does not parse: %s", err ? err->msg : "");
    fs_dirname(&dir, path);
    rc = fs_mkdir_p(dir.ptr, 0700, err);
    if (rc)
        goto out;
    rc = fs_write_atomic(path, out.ptr, out.len, 0644, err);
out:
    buf_release(&text);
    buf_release(&out);
    buf_release(&dir);
    buf_release(&ctx.cur_section);
    return rc;
}

void config_export_env(void)
{
    struct buf path = BUF_INIT;

    for (int i = 0; i < CONFIG_COUNT; i++) {
        const struct config_setting *s = &config_settings[i];
        const struct config_value *v = &values[i];

        if (!s->env || !v->value || getenv(s->env))
            continue;
        if (s->type == CONFIG_PATH) {
            if (!v->value[0])
                continue;
            buf_reset(&path);
            config_expand_path(&path, v->value);
            exported[i] = !setenv(s->env, path.ptr, 0);
        } else {
            exported[i] = !setenv(s->env, v->value, 0);
        }
    }
    buf_release(&path);
}
