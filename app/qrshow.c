/* The --qr options shared by keys show, hq receipt and visit close: draw a
 * sync code in the terminal (black on white whatever the terminal theme, so
 * a phone camera reads it) and, on request, as PNG and SVG files. */
#include "app/commands.h"
#include "app/term.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/report/qr.h"
#include "core/visit/visit.h"
#include "sync/receipt.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int app_qr_option(struct app_qr *q, int argc, char **argv, int *i)
{
    const char *a = argv[*i];

    if (!strcmp(a, "--qr")) {
        q->term = 1;
        return 1;
    }
    if (*i + 1 >= argc)
        return 0;
    if (!strcmp(a, "--qr-png"))
        q->png = argv[++*i];
    else if (!strcmp(a, "--qr-svg"))
        q->svg = argv[++*i];
    else if (!strcmp(a, "--qr-dir"))
        q->dir = argv[++*i];
    else
        return 0;
    return 1;
}

int app_qr_check(struct app *app, const struct app_qr *q)
{
    if (app_is_stdout(q->png) || app_is_stdout(q->svg) || app_is_stdout(q->dir))
        return app_fail(app, fc_error_set(&app->err, FC_EUSAGE,
                                          "--qr-png, --qr-svg and --qr-dir take a file or folder, "
                                          "not '-': the image would be mixed with the command's "
                                          "own output"));
    return 0;
}

int app_qr_emit(struct app *app, const struct app_qr *q, const char *code, const char *stem)
{
    struct buf term = BUF_INIT, png = BUF_INIT, svg = BUF_INIT;
    int draw = q->term && !app->json, rc = 0;

    if (q->dir) {
        rc = fs_mkdir_p(q->dir, 0755, &app->err);
        if (rc)
            goto out;
        buf_addf(&png, "%s/%s.png", q->dir, stem);
        buf_addf(&svg, "%s/%s.svg", q->dir, stem);
    }
    if (q->png) {
        buf_reset(&png);
        buf_adds(&png, q->png);
    }
    if (q->svg) {
        buf_reset(&svg);
        buf_adds(&svg, q->svg);
    }
    if (!draw && !png.len && !svg.len)
        goto out;
    /* SGR colours only for a terminal: redirected output stays plain text. */
    rc = qr_write(code, draw ? &term : NULL, isatty(STDOUT_FILENO) ? QR_TEXT_ANSI : QR_TEXT_PLAIN,
                  png.len ? png.ptr : NULL, svg.len ? svg.ptr : NULL, &app->err);
    if (rc)
        goto out;
    if (draw) {
        /* glyphs and colours of our own making: the one raw write */
        FILE *out = app_raw_stdout();
        fputs(term.ptr, out);
        fflush(out);
    }
    if (!app->json) {
        if (png.len)
            printf(_("QR code written to %s\n"), png.ptr);
        if (svg.len)
            printf(_("QR code written to %s\n"), svg.ptr);
    }
out:
    buf_release(&term);
    buf_release(&png);
    buf_release(&svg);
    return rc ? app_fail(app, rc) : 0;
}

int app_qr_checkpoint(struct app *app, struct store *s, const struct visit *closed,
                      const struct app_qr *q)
{
    struct buf code = BUF_INIT, stem = BUF_INIT;
    int rc, ex;

    if (!q->term && !q->png && !q->svg && !q->dir)
        return 0;
    rc = checkpoint_make(s, closed, &code, &app->err);
    if (rc) {
        ex = app_fail(app, rc);
        goto out;
    }
    buf_addf(&stem, "%s-checkpoint", closed->id);
    ex = app_qr_emit(app, q, code.ptr, stem.ptr);
    if (!ex && !app->json)
        printf(_("signed checkpoint %s\n"), code.ptr);
out:
    buf_release(&code);
    buf_release(&stem);
    return ex;
}
