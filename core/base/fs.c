/* Durable file helpers. Every step that can lose data on power failure is
 * followed by the fsync that makes it stick, and every step passes through the
 * fault-injection countdown so tests can fail it. */
#include "core/base/fs.h"

#include "core/base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fault_countdown = -1; /* -1: not yet read from the environment */

void fs_fault_arm(int countdown)
{
    fault_countdown = countdown;
}

int fs_fault_hit(void)
{
    if (fault_countdown < 0) {
        const char *env = getenv("FIELDCHECK_FAULT_COUNTDOWN");
        fault_countdown = env ? atoi(env) : 0;
    }
    if (fault_countdown == 0)
        return 0;
    if (--fault_countdown == 0) {
        errno = EIO;
        return 1;
    }
    return 0;
}

int fs_fsync_fd(int fd, const char *what, struct fc_error *err)
{
    if (fs_fault_hit() || fsync(fd) != 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot fsync '%s': %s", what, strerror(errno));
    return FC_OK;
}

int fs_fsync_dir(const char *dir, struct fc_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open directory '%s': %s", dir,
                               strerror(errno));
    rc = fs_fsync_fd(fd, dir, err);
    close(fd);
    return rc;
}

void fs_dirname(struct buf *out, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        buf_adds(out, ".");
    else if (slash == path)
        buf_adds(out, "/");
    else
        buf_add(out, path, (size_t)(slash - path));
}

int fs_rename_durable(const char *tmp, const char *path, struct fc_error *err)
{
    struct buf dir = BUF_INIT;
    int rc;

    if (fs_fault_hit() || rename(tmp, path) != 0) {
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot rename '%s' to '%s': %s", tmp, path,
                             strerror(errno));
        goto out;
    }
    fs_dirname(&dir, path);
    rc = fs_fsync_dir(dir.ptr, err);
out:
    buf_release(&dir);
    return rc;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fc_error *err)
{
    struct buf tmp = BUF_INIT;
    const char *p = data;
    int fd = -1, rc = FC_OK;

    buf_addf(&tmp, "%s.tmp", path);
    fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        rc =
            fc_error_setsys(err, FC_EIO, errno, "cannot create '%s': %s", tmp.ptr, strerror(errno));
        goto out;
    }
    while (len > 0) {
        ssize_t n = fs_fault_hit() ? -1 : write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot write '%s': %s", tmp.ptr,
                                 strerror(errno));
            goto out;
        }
        p += n;
        len -= (size_t)n;
    }
    rc = fs_fsync_fd(fd, tmp.ptr, err);
    if (rc)
        goto out;
    if (close(fd) != 0) {
        fd = -1;
        rc = fc_error_setsys(err, FC_EIO, errno, "cannot close '%s': %s", tmp.ptr, strerror(errno));
        goto out;
    }
    fd = -1;
    rc = fs_rename_durable(tmp.ptr, path, err);
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(tmp.ptr);
    buf_release(&tmp);
    return rc;
}

int fs_read_file(const char *path, size_t max, struct buf *out, struct fc_error *err)
{
    char chunk[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t total = 0;
    int rc = FC_OK;

    if (fd < 0)
        return fc_error_setsys(err, errno == ENOENT ? FC_ENOTFOUND : FC_EIO, errno,
                               "cannot open '%s': %s", path, strerror(errno));
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        total += (size_t)n;
        if (total > max) {
            rc = fc_error_set(err, FC_ELIMIT, "cannot read '%s': larger than %zu bytes", path, max);
            break;
        }
        buf_add(out, chunk, (size_t)n);
    }
    close(fd);
    return rc;
}

int fs_mkdir_p(const char *path, mode_t mode, struct fc_error *err)
{
    char *copy = xstrdup(path);
    int rc = FC_OK;

    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, mode) != 0 && errno != EEXIST) {
                rc = fc_error_setsys(err, FC_EIO, errno, "cannot create directory '%s': %s", copy,
                                     strerror(errno));
                break;
            }
            *p = saved;
            if (!saved)
                break;
        }
    }
    free(copy);
    return rc;
}

int fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

void fs_data_dir(struct buf *out)
{
    const char *home = getenv("FIELDCHECK_HOME");
    const char *xdg = getenv("XDG_DATA_HOME");

    if (home && *home)
        buf_adds(out, home);
    else if (xdg && *xdg)
        buf_addf(out, "%s/fieldcheck", xdg);
    else
        buf_addf(out, "%s/.local/share/fieldcheck", getenv("HOME") ? getenv("HOME") : ".");
}
