/* Files: durable writes, private temporaries and hostile inputs.
 *
 * A durable file is written to a temporary file with a random name beside its
 * target, created O_CREAT|O_EXCL|O_NOFOLLOW with its final mode before any
 * byte (nobody else can own, pre-create or redirect it), then fsynced and
 * renamed over the target, and the directory fsynced (git's lockfile). The
 * temporary's name carries the creating process id, so that stale ones can be
 * swept at the next start (fs_sweep_stale) without touching another running
 * process's. Inputs are opened non-blocking and refused unless they are
 * regular files: a FIFO or a device never hangs or floods a reader.
 *
 * Test builds (FC_FAULT_INJECTION) have a countdown that fails the Nth
 * write/fsync/rename, so tests can prove the durable paths handle failure at
 * every step; release builds have no such hook. */
#ifndef FC_BASE_FS_H
#define FC_BASE_FS_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes data to path atomically with the given mode. FC_EIO on failure
 * (errno in err->sys); the temporary file is removed on every failure path. */
int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                    struct fc_error *err);

/* Creates a new temporary file beside target, named
 * "<target>.<pid>-<6 random characters>.tmp", with O_CREAT|O_EXCL|O_NOFOLLOW
 * and mode (whatever the umask) before anything is written. Its path is
 * appended to tmp and *fd is open for writing (close-on-exec). FC_EIO when it
 * cannot be created. */
int fs_tmp_create(const char *target, mode_t mode, struct buf *tmp, int *fd, struct fc_error *err);

/* Finishes a temporary from fs_tmp_create: fsync, close, rename over target,
 * fsync the directory. fd is closed in every case; on failure tmp is removed. */
int fs_tmp_commit(int fd, const char *tmp, const char *target, struct fc_error *err);

/* Gives up a temporary: closes fd (when >= 0) and removes tmp. */
void fs_tmp_abandon(int fd, const char *tmp);

/* Creates a private directory "<parent>/<prefix>-<pid>-XXXXXX" (mode 0700);
 * its path is appended to out. Remove it with fs_remove_tree. */
int fs_tmp_dir(const char *parent, const char *prefix, struct buf *out, struct fc_error *err);

/* Removes path and, if it is a directory, everything below it, never following
 * a symbolic link (a link is removed, not its target). Errors are ignored. */
void fs_remove_tree(const char *path);

/* Removes, in dir, what a killed process left: temporaries of fs_tmp_create
 * and directories of fs_tmp_dir whose creating process no longer runs, and
 * "*.db.tmp" files of older versions. Returns how many it removed. */
int fs_sweep_stale(const char *dir);

/* Writes all of data to fd ("what" names it in messages). */
int fs_write_all(int fd, const void *data, size_t len, const char *what, struct fc_error *err);

/* Renames tmp to path and fsyncs the directory of path. */
int fs_rename_durable(const char *tmp, const char *path, struct fc_error *err);

/* fsyncs an open file descriptor / a directory by path. */
int fs_fsync_fd(int fd, const char *what, struct fc_error *err);
int fs_fsync_dir(const char *dir, struct fc_error *err);

/* How fs_open_input treats path. */
enum {
    FS_INPUT_NOFOLLOW = 1, /* refuse a symbolic link (FC_EINPUT) */
};

/* Opens an input file for reading: O_NONBLOCK while opening (a FIFO never
 * blocks the open), then refused with FC_EINPUT unless it is a regular file
 * ("'x' is not a regular file"), and with FC_ELIMIT when its size is above
 * max (0: no limit). On success *fd is open (blocking, close-on-exec) and
 * *size (may be NULL) holds its size. FC_ENOTFOUND when it does not exist. */
int fs_open_input(const char *path, unsigned flags, uint64_t max, int *fd, uint64_t *size,
                  struct fc_error *err);

/* Reads a whole regular file into out (appending), the size checked against
 * max before anything is read; FC_ELIMIT above max bytes, FC_EINPUT for
 * anything that is not a regular file. */
int fs_read_file(const char *path, size_t max, struct buf *out, struct fc_error *err);

/* mkdir -p with mode for every created level. */
int fs_mkdir_p(const char *path, mode_t mode, struct fc_error *err);

/* Directory part of path into out ("." when there is none). */
void fs_dirname(struct buf *out, const char *path);

/* 1 if path exists (any type). */
int fs_exists(const char *path);

/* Takes an exclusive advisory lock (flock) on path, created 0600 when
 * absent (never through a symlink), waiting while another process holds
 * it. *fd receives the descriptor that holds the lock: fs_unlock releases
 * it (and accepts -1). FC_EIO when the file cannot be opened or locked. */
int fs_lock(const char *path, int *fd, struct fc_error *err);
void fs_unlock(int fd);

/* The data directory: $FIELDCHECK_HOME, else $XDG_DATA_HOME/fieldcheck, else
 * $HOME/.local/share/fieldcheck. Appended to out. */
void fs_data_dir(struct buf *out);

#ifdef FC_FAULT_INJECTION
/* Test builds only: the countdown-th durable operation (write, fsync or
 * rename) from now fails with EIO. 0 disarms. Also armed from the
 * FIELDCHECK_FAULT_COUNTDOWN environment variable on first use. */
void fs_fault_arm(int countdown);
#endif

#endif
