/* The error table: one X-macro list gives names, messages and exit codes,
 * so the CLI's exit codes and the messages cannot drift apart. */
#include "core/base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct err_row {
    int code;
    int exitc;
    const char *name;
    const char *msg;
};

static const struct err_row err_table[] = {
#define FC_ERR_ROW_(name, value, exitc, msg) {value, exitc, #name, msg},
    FC_ERRORS(FC_ERR_ROW_)
#undef FC_ERR_ROW_
};

static const struct err_row ok_row = {FC_OK, 0, "FC_OK", "ok"};
static const struct err_row unknown_row = {0, 4, "FC_EUNKNOWN", "unknown error"};

/* The row of code: FC_OK's, the table's, or the one of an unknown code. */
static const struct err_row *err_find(int code)
{
    if (code == FC_OK)
        return &ok_row;
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].code == code)
            return &err_table[i];
    return &unknown_row;
}

static const char *(*translator)(const char *fmt);

void fc_error_set_translator(const char *(*translate)(const char *fmt))
{
    translator = translate;
}

const char *fc_tr(const char *msgid)
{
    const char *t = translator && msgid && *msgid ? translator(msgid) : msgid;
    return t ? t : msgid;
}

void fc_error_clear(struct fc_error *e)
{
    if (!e)
        return;
    e->code = 0;
    e->sys = 0;
    e->msg[0] = '\0';
    e->msg_local[0] = '\0';
}

static int error_vset(struct fc_error *e, int code, int sys, const char *fmt, va_list ap)
{
    const char *local = translator ? translator(fmt) : fmt;
    va_list ap2;

    if (!e)
        return code;
    e->code = code;
    e->sys = sys;
    va_copy(ap2, ap);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    if (local && strcmp(local, fmt))
        vsnprintf(e->msg_local, sizeof(e->msg_local), local, ap2);
    else
        memcpy(e->msg_local, e->msg, sizeof(e->msg));
    va_end(ap2);
    return code;
}

int fc_error_set(struct fc_error *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(e, code, 0, fmt, ap);
    va_end(ap);
    return code;
}

int fc_error_setsys(struct fc_error *e, int code, int sys, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(e, code, sys, fmt, ap);
    va_end(ap);
    return code;
}

int fc_error_prefix(struct fc_error *e, const char *fmt, ...)
{
    const char *local = translator ? translator(fmt) : fmt;
    char prefix[256], prefix_local[256];
    char old[sizeof(e->msg)];
    va_list ap;

    if (!e)
        return FC_EINTERNAL;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(prefix_local, sizeof(prefix_local), local ? local : fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof(old));
    snprintf(e->msg, sizeof(e->msg), "%s: %s", prefix, old);
    memcpy(old, e->msg_local, sizeof(old));
    snprintf(e->msg_local, sizeof(e->msg_local), local && strcmp(local, fmt) ? "%s：%s" : "%s: %s",
             prefix_local, old);
    return e->code;
}

const char *fc_strerror(int code)
{
    return err_find(code)->msg;
}

const char *fc_errname(int code)
{
    return err_find(code)->name;
}

int fc_exit_code(int code)
{
    return err_find(code)->exitc;
}
