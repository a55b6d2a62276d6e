/* Durable file helpers. Every step that can lose data on power failure is
 * followed by the fsync that makes it stick; temporaries get random names and
 * exclusive creation so nobody can pre-create or redirect them; inputs are
 * checked to be regular files before a byte is read. */
#include "core/base/fs.h"

#include "core/base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef FC_FAULT_INJECTION
static int fault_countdown = -1; /* -1: not yet read from the environment */

void fs_fault_arm(int countdown)
{
    fault_countdown = countdown;
}

/* Returns 1 when the operation about to run must fail (and sets errno). */
static int fs_fault_hit(void)
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
#else
/* release builds: no hook, whatever the environment says */
#define fs_fault_hit() 0
#endif

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

static void random_chars(char *out, size_t n)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[32];
    size_t got = 0;

    if (n > sizeof(r))
        BUG("random_chars: %zu characters", n);
    while (got < n) {
        ssize_t k = getrandom(r + got, n - got, 0);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            fc_die("cannot read random bytes: %s", strerror(errno));
        }
        got += (size_t)k;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
}

int fs_tmp_create(const char *target, mode_t mode, struct buf *tmp, int *fd, struct fc_error *err)
{
    size_t start = tmp->len;

    *fd = -1;
    for (int attempt = 0; attempt < 100; attempt++) {
        char rnd[6];

        random_chars(rnd, sizeof(rnd));
        buf_truncate(tmp, start);
        buf_addf(tmp, "%s.%ld-%.6s.tmp", target, (long)getpid(), rnd);
        *fd = open(tmp->ptr + start, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (*fd >= 0)
            break;
        if (errno != EEXIST)
            return fc_error_setsys(err, FC_EIO, errno, "cannot create '%s': %s", tmp->ptr + start,
                                   strerror(errno));
    }
    if (*fd < 0)
        return fc_error_set(err, FC_EIO, "cannot create a temporary file beside '%s'", target);
    /* the umask may have taken bits away; never more than asked */
    if (fchmod(*fd, mode) != 0) {
        int e = errno;
        fs_tmp_abandon(*fd, tmp->ptr + start);
        *fd = -1;
        return fc_error_setsys(err, FC_EIO, e, "cannot set the mode of '%s': %s", tmp->ptr + start,
                               strerror(e));
    }
    return FC_OK;
}

void fs_tmp_abandon(int fd, const char *tmp)
{
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
}

int fs_tmp_commit(int fd, const char *tmp, const char *target, struct fc_error *err)
{
    int rc = fs_fsync_fd(fd, tmp, err);

    if (rc) {
        fs_tmp_abandon(fd, tmp);
        return rc;
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return fc_error_setsys(err, FC_EIO, e, "cannot close '%s': %s", tmp, strerror(e));
    }
    rc = fs_rename_durable(tmp, target, err);
    if (rc)
        unlink(tmp);
    return rc;
}

int fs_write_all(int fd, const void *data, size_t len, const char *what, struct fc_error *err)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = fs_fault_hit() ? -1 : write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fc_error_setsys(err, FC_EIO, errno, "cannot write '%s': %s", what,
                                   strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
    return FC_OK;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fc_error *err)
{
    struct buf tmp = BUF_INIT;
    int fd = -1, rc;

    rc = fs_tmp_create(path, mode, &tmp, &fd, err);
    if (rc)
        goto out;
    rc = fs_write_all(fd, data, len, tmp.ptr, err);
    if (rc) {
        fs_tmp_abandon(fd, tmp.ptr);
        goto out;
    }
    rc = fs_tmp_commit(fd, tmp.ptr, path, err);
out:
    buf_release(&tmp);
    return rc;
}

int fs_tmp_dir(const char *parent, const char *prefix, struct buf *out, struct fc_error *err)
{
    size_t start = out->len;

    buf_addf(out, "%s/%s-%ld-XXXXXX", parent, prefix, (long)getpid());
    if (!mkdtemp(out->ptr + start)) {
        int e = errno;
        buf_truncate(out, start);
        return fc_error_setsys(err, FC_EIO, e, "cannot create a directory in '%s': %s", parent,
                               strerror(e));
    }
    return FC_OK;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (type == FTW_DP || type == FTW_D)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void fs_remove_tree(const char *path)
{
    struct stat sb;

    if (lstat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        unlink(path);
        return;
    }
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* The process id in a name made by fs_tmp_create ("....<pid>-XXXXXX.tmp") or
 * fs_tmp_dir ("<prefix>-<pid>-XXXXXX"); 0 when the name is neither. */
static long stale_pid(const char *name, int *is_dir)
{
    size_t n = strlen(name);
    const char *end, *p;

    *is_dir = 0;
    if (n > 11 && !strcmp(name + n - 4, ".tmp") && name[n - 11] == '-') {
        end = name + n - 11; /* the '-' before the random part */
    } else if (n > 7 && name[n - 7] == '-' && !strncmp(name, "pack-", 5)) {
        end = name + n - 7;
        *is_dir = 1;
    } else {
        return 0;
    }
    p = end;
    while (p > name && p[-1] >= '0' && p[-1] <= '9')
        p--;
    if (p == end || p == name || (p[-1] != '.' && p[-1] != '-') || end - p > 9)
        return 0;
    return strtol(p, NULL, 10);
}

int fs_sweep_stale(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    struct buf path = BUF_INIT;
    int removed = 0;

    if (!d)
        return 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        int is_dir = 0, old = n > 7 && !strcmp(e->d_name + n - 7, ".db.tmp");
        long pid = old ? 0 : stale_pid(e->d_name, &is_dir);
        struct stat sb;

        if (!old && pid <= 0)
            continue;
        if (pid == (long)getpid() || (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM)))
            continue; /* its process still runs */
        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, e->d_name);
        if (lstat(path.ptr, &sb) != 0 || sb.st_uid != geteuid() ||
            (is_dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)))
            continue;
        fs_remove_tree(path.ptr);
        removed++;
    }
    closedir(d);
    buf_release(&path);
    return removed;
}

int fs_open_input(const char *path, unsigned flags, uint64_t max, int *fd, uint64_t *size,
                  struct fc_error *err)
{
    struct stat sb;
    int f, e;

    *fd = -1;
    f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                       (flags & FS_INPUT_NOFOLLOW ? O_NOFOLLOW : 0));
    if (f < 0) {
        e = errno;
        if (e == ELOOP && (flags & FS_INPUT_NOFOLLOW))
            return fc_error_set(err, FC_EINPUT, "'%s' is a symbolic link: refused", path);
        return fc_error_setsys(err, e == ENOENT ? FC_ENOTFOUND : FC_EIO, e, "cannot open '%s': %s",
                               path, strerror(e));
    }
    if (fstat(f, &sb) != 0) {
        e = errno;
        close(f);
        return fc_error_setsys(err, FC_EIO, e, "cannot read '%s': %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(f);
        return fc_error_set(err, FC_EINPUT, "'%s' is not a regular file: refused", path);
    }
    if (max && (uint64_t)sb.st_size > max) {
        close(f);
        return fc_error_set(err, FC_ELIMIT, "cannot read '%s': larger than %llu bytes", path,
                            (unsigned long long)max);
    }
    /* reads of a regular file never block; clear the flag for plain semantics */
    fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
    *fd = f;
    if (size)
        *size = (uint64_t)sb.st_size;
    return FC_OK;
}

int fs_read_file(const char *path, size_t max, struct buf *out, struct fc_error *err)
{
    char chunk[65536];
    size_t total = 0;
    uint64_t size = 0;
    int fd = -1, rc = fs_open_input(path, 0, max, &fd, &size, err);

    if (rc)
        return rc;
    buf_grow(out, (size_t)size + 1);
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
        if (total > max) { /* it grew after the check */
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

int fs_lock(const char *path, int *fd, struct fc_error *err)
{
    int f = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

    *fd = -1;
    if (f < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open lock file '%s'", path);
    while (flock(f, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        int e = errno;
        close(f);
        return fc_error_setsys(err, FC_EIO, e, "cannot lock '%s'", path);
    }
    *fd = f;
    return FC_OK;
}

void fs_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing the descriptor releases the flock */
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
