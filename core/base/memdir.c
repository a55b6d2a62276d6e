/* Memory-backed folders (see memdir.h): what a signed pack decrypts is read
 * by the unchanged folder loader, yet no byte of it is written to a disk.
 * Sealing makes what was verified exactly what is loaded. */
#include "core/base/memdir.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct memdir {
    char *path;
    size_t n;
    int sealed;
    struct {
        char *name;
        int fd;
    } files[MEMDIR_MAX_FILES];
};

int memdir_new(struct memdir **out, const char *parent, struct fc_error *err)
{
    struct buf path = BUF_INIT;
    int rc;

    *out = NULL;
    rc = fs_tmp_dir(parent, "pack", &path, err);
    if (rc) {
        buf_release(&path);
        return rc;
    }
    *out = xcalloc(1, sizeof(**out));
    (*out)->path = buf_detach(&path, NULL);
    return FC_OK;
}

int memdir_add(struct memdir *d, const char *name, int *fd, struct fc_error *err)
{
    int f;

    *fd = -1;
    if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        BUG("memdir_add: bad name '%s'", name);
    if (d->sealed)
        BUG("memdir_add after memdir_seal");
    if (memdir_fd(d, name) >= 0)
        return fc_error_set(err, FC_EEXIST, "'%s' is already in the memory folder", name);
    if (d->n == MEMDIR_MAX_FILES)
        return fc_error_set(err, FC_ELIMIT, "too many files for a memory folder");
    f = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (f < 0)
        return fc_error_setsys(err, FC_EIO, errno, "cannot create a memory file: %s",
                               strerror(errno));
    d->files[d->n].name = xstrdup(name);
    d->files[d->n].fd = f;
    d->n++;
    *fd = f;
    return FC_OK;
}

int memdir_seal(struct memdir *d, struct fc_error *err)
{
    struct buf link = BUF_INIT, target = BUF_INIT;
    int rc = FC_OK;

    for (size_t i = 0; i < d->n && !rc; i++) {
        int fd = d->files[i].fd;

        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0 ||
            lseek(fd, 0, SEEK_SET) != 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot seal the memory file '%s': %s",
                                 d->files[i].name, strerror(errno));
            break;
        }
        buf_reset(&link);
        buf_reset(&target);
        buf_addf(&link, "%s/%s", d->path, d->files[i].name);
        buf_addf(&target, "/proc/self/fd/%d", fd);
        if (symlink(target.ptr, link.ptr) != 0)
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot create '%s': %s", link.ptr,
                                 strerror(errno));
    }
    if (!rc)
        d->sealed = 1;
    buf_release(&link);
    buf_release(&target);
    return rc;
}

const char *memdir_path(const struct memdir *d)
{
    return d->path;
}

int memdir_fd(const struct memdir *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->files[i].name, name))
            return d->files[i].fd;
    return -1;
}

void memdir_free(struct memdir *d)
{
    if (!d)
        return;
    fs_remove_tree(d->path);
    for (size_t i = 0; i < d->n; i++) {
        close(d->files[i].fd);
        free(d->files[i].name);
    }
    free(d->path);
    free(d);
}
