/* The CLI's terminal filter (app/term.h): glibc's fopencookie puts a stream
 * in place of stdout and stderr whose writes run text_escape and go straight
 * to the file descriptor, so no printf anywhere in app/ can put a mission's
 * escape sequences on the screen, and no caller has to remember to. */
#include "app/term.h"

#include "core/base/buf.h"
#include "core/base/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct filter {
    FILE *orig; /* the stream replaced (stdout or stderr as it was) */
    int fd;
    char held[4]; /* the start of a UTF-8 sequence cut by a write */
    size_t nheld;
};

static struct filter out_filter, err_filter;
static FILE *out_stream, *err_stream; /* the filtered streams when in place */
static int registered;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static ssize_t filter_write(void *cookie, const char *data, size_t len)
{
    struct filter *f = cookie;
    struct buf in = BUF_INIT, out = BUF_INIT;
    size_t used;
    int rc;

    buf_add(&in, f->held, f->nheld);
    buf_add(&in, data, len);
    used = text_escape(&out, in.ptr, in.len, TEXT_KEEP_LINES | TEXT_PARTIAL);
    f->nheld = in.len - used;
    memcpy(f->held, in.ptr + used, f->nheld);
    rc = write_all(f->fd, out.ptr ? out.ptr : "", out.len);
    buf_release(&in);
    buf_release(&out);
    return rc ? -1 : (ssize_t)len;
}

static int filter_close(void *cookie)
{
    struct filter *f = cookie;
    struct buf out = BUF_INIT;
    int rc;

    /* a sequence never completed is shown as the bytes it was */
    text_escape(&out, f->held, f->nheld, TEXT_KEEP_LINES);
    f->nheld = 0;
    rc = write_all(f->fd, out.ptr ? out.ptr : "", out.len);
    buf_release(&out);
    return rc;
}

static FILE *filter_open(struct filter *f, FILE *orig, int mode)
{
    cookie_io_functions_t io = {NULL, filter_write, NULL, filter_close};
    FILE *s;

    fflush(orig);
    memset(f, 0, sizeof(*f));
    f->orig = orig;
    f->fd = fileno(orig);
    s = fopencookie(f, "w", io);
    if (s && setvbuf(s, NULL, mode, mode == _IONBF ? 0 : BUFSIZ) != 0) {
        fclose(s);
        s = NULL;
    }
    return s;
}

void app_term_filter(int filter_stdout)
{
    if (!registered) {
        atexit(app_term_unfilter);
        registered = 1;
    }
    if (!err_stream && (err_stream = filter_open(&err_filter, stderr, _IONBF)))
        stderr = err_stream;
    if (filter_stdout && !out_stream &&
        (out_stream = filter_open(&out_filter, stdout, isatty(fileno(stdout)) ? _IOLBF : _IOFBF)))
        stdout = out_stream;
}

void app_term_unfilter(void)
{
    if (out_stream) {
        stdout = out_filter.orig;
        fclose(out_stream);
        out_stream = NULL;
    }
    if (err_stream) {
        stderr = err_filter.orig;
        fclose(err_stream);
        err_stream = NULL;
    }
}

FILE *app_raw_stdout(void)
{
    if (!out_stream)
        return stdout;
    fflush(out_stream);
    return out_filter.orig;
}

FILE *app_raw_stderr(void)
{
    if (!err_stream)
        return stderr;
    fflush(err_stream);
    return err_filter.orig;
}
