/* A folder whose files live only in memory: decrypted mission files go to
 * anonymous memory files (memfd_create), never to a disk, and code that reads
 * a folder by path (the mission loader) sees them through a private directory
 * (mode 0700) of symbolic links to /proc/self/fd/N. The links mean nothing
 * to another process and dangle once this one exits; the directory is named
 * like fs_tmp_dir's ("pack-<pid>-XXXXXX"), so fs_sweep_stale removes one a
 * killed process left.
 *
 * Call order: memdir_new, memdir_add and writes to each returned fd,
 * memdir_seal (files become read-only, links appear), readers use
 * memdir_path, memdir_free. */
#ifndef FC_BASE_MEMDIR_H
#define FC_BASE_MEMDIR_H

#include "core/base/error.h"

#include <stddef.h>

#define MEMDIR_MAX_FILES 32

struct memdir;

/* Creates the (empty) directory below parent. *out is NULL on failure. */
int memdir_new(struct memdir **out, const char *parent, struct fc_error *err);

/* Adds an empty memory file called name (a plain file name, no '/'); *fd is
 * its descriptor, open for writing and owned by d (never close it). FC_EEXIST
 * for a name added before, FC_ELIMIT past MEMDIR_MAX_FILES. */
int memdir_add(struct memdir *d, const char *name, int *fd, struct fc_error *err);

/* Seals every file against writes, growth and shrinking, rewinds it, and
 * creates the links. Only after this does the directory show the files. */
int memdir_seal(struct memdir *d, struct fc_error *err);

/* The directory's path (valid until memdir_free). */
const char *memdir_path(const struct memdir *d);

/* The descriptor of name, or -1 when there is no such file. */
int memdir_fd(const struct memdir *d, const char *name);

/* Removes the links and the directory and frees the memory; NULL allowed. */
void memdir_free(struct memdir *d);

#endif
