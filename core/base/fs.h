/* Durable files: write to "name.tmp", fsync, rename, fsync the directory, so a
 * half-written file never exists under its final name (git's lockfile).
 * A fault-injection countdown (fs_fault_arm) fails the Nth write/fsync/rename
 * so tests can prove the durable paths handle failure at every step. */
#ifndef FC_BASE_FS_H
#define FC_BASE_FS_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <sys/types.h>

/* Writes data to path atomically with the given mode. FC_EIO on failure
 * (errno in err->sys); the temporary file is removed on every failure path. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fc_error *err);

/* Renames tmp to path and fsyncs the directory of path. */
int fs_rename_durable(const char *tmp, const char *path, struct fc_error *err);

/* fsyncs an open file descriptor / a directory by path. */
int fs_fsync_fd(int fd, const char *what, struct fc_error *err);
int fs_fsync_dir(const char *dir, struct fc_error *err);

/* Reads a whole file into out (appending); FC_ELIMIT above max bytes. */
int fs_read_file(const char *path, size_t max, struct buf *out, struct fc_error *err);

/* mkdir -p with mode for every created level. */
int fs_mkdir_p(const char *path, mode_t mode, struct fc_error *err);

/* Directory part of path into out ("." when there is none). */
void fs_dirname(struct buf *out, const char *path);

/* 1 if path exists (any type). */
int fs_exists(const char *path);

/* The data directory: $FIELDCHECK_HOME, else $XDG_DATA_HOME/fieldcheck, else
 * $HOME/.local/share/fieldcheck. Appended to out. */
void fs_data_dir(struct buf *out);

/* Fault injection for tests: the countdown-th durable operation (write, fsync
 * or rename) from now fails with EIO. 0 disarms. Also armed from the
 * FIELDCHECK_FAULT_COUNTDOWN environment variable on first use. */
void fs_fault_arm(int countdown);
/* Returns 1 when the operation about to run must fail (and sets errno). */
int fs_fault_hit(void);

#endif
