/* Mission folders and reference data (DESIGN §4).
 *
 * mission_load() reads a mission folder (mission.json + CSV files, UTF-8 or
 * GB18030, English or Chinese headers), validates every row, and builds the
 * reference database missions/<mission_id>-v<version>.db next to the device
 * database: journal off into a temporary name, fsync, rename (the load is
 * atomic), then records the file and its SHA-256 in the device database's
 * mission table. Loading the same version again is a no-op; a newer version is
 * a new file; a load never touches events.
 *
 * Engines query reference data through mission_attach(), which ATTACHes the
 * file read-only as schema "ref" (core/refdb.h describes its tables). */
#ifndef FC_CORE_MISSION_H
#define FC_CORE_MISSION_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/store/hash.h"

#include <stdint.h>

struct store;

/* mission.json's kind for a mission that carries files of several
 * workflows; otherwise the kind is a workflow's (core/workflow.h). */
#define MISSION_MIXED "mixed"

struct mission_info {
    char mission_id[128];
    int64_t version;
    char kind[16];
    char title[256];
    char issued_at[48];
    char expires_at[48];
    char file[1024]; /* absolute path of the reference database */
    char sha256[HASH_HEX_LEN + 1];
    char loaded_at[48];
};

/* One rejected row, for mission_load_sink.rejected. Strings are borrowed for
 * the call. */
struct mission_reject {
    const char *file;         /* "inpatients.csv" */
    uint64_t line;            /* physical line */
    const char *column;       /* header as written, or "" */
    const char *reason;       /* English, stable (JSON, files) */
    const char *reason_local; /* the same in the user's language */
    const char *value;        /* the offending cell, masked where personal (IDs, names), or "" */
};

/* What the loader saw; lets the CLI print counts, rejects and warnings as
 * they come. Any callback may be NULL. */
struct mission_load_sink {
    void *ctx;
    /* A row was rejected: file name (e.g. "inpatients.csv"), physical line,
     * column header or "" and the reason, in English (stable: JSON, files)
     * and in the user's language (fc_tr). */
    void (*reject)(void *ctx, const char *file, uint64_t line, const char *column,
                   const char *reason, const char *reason_local);
    /* A roster anomaly or other warning (kind is a stable name such as
     * "id_two_sites", "bed_two_patients", "sex_ward", "age_ward"), its
     * message in English and in the user's language. */
    void (*warning)(void *ctx, const char *kind, const char *file, uint64_t line,
                    const char *message, const char *message_local);
    /* Per-file counts after the file is read; encoding is "UTF-8", "GB18030"... */
    void (*file_done)(void *ctx, const char *file, const char *encoding, uint64_t rows,
                      uint64_t loaded, uint64_t rejected);
    /* Progress for long loads (bytes read so far of the current file). */
    void (*progress)(void *ctx, const char *file, uint64_t bytes, uint64_t total);
    /* A row was rejected, with the offending value; when set, called
     * instead of reject. */
    void (*rejected)(void *ctx, const struct mission_reject *r);
    /* The load moved on to a phase after the reading (a stable name:
     * "indexes", "checks", "codes", "totals", "saving"), for progress on a
     * long load. */
    void (*phase)(void *ctx, const char *phase);
};

enum mission_load_status { MISSION_LOADED, MISSION_UNCHANGED, MISSION_REPLACED };

/* Loads the mission folder at dir. Without partial, any rejected row fails the
 * whole load (FC_EINPUT, nothing changes); with partial, rejected rows are
 * reported and skipped. info (may be NULL) receives the loaded mission. */
int mission_load(struct store *s, const char *dir, int partial,
                 const struct mission_load_sink *sink, struct mission_info *info,
                 enum mission_load_status *status, struct fc_error *err);

/* Calls cb for the current (highest) version of every loaded mission. */
int mission_foreach(struct store *s, int (*cb)(const struct mission_info *m, void *ctx), void *ctx,
                    struct fc_error *err);

/* The current version of a mission; FC_ENOTFOUND if not loaded. */
int mission_get(struct store *s, const char *mission_id, struct mission_info *out,
                struct fc_error *err);

/* Finds the current mission containing site_code (the most recently loaded if
 * several do) and fills site name and kind ("hospital"/"pharmacy").
 * FC_ENOTFOUND if no loaded mission lists the site. */
int mission_find_site(struct store *s, const char *site_code, struct mission_info *out,
                      struct buf *site_name, struct buf *site_kind, struct fc_error *err);

/* ATTACHes the mission's reference database read-only as "ref" (detaching
 * any previous one; nothing to do when it is attached already, so a caller
 * holding an engine can call it before each use: another screen may have
 * attached another mission since). Cheap (no hashing: start-up must stay fast with a 1M-row
 * roster); mission_verify() re-hashes the file against the recorded SHA-256. */
int mission_attach(struct store *s, const char *mission_id, int64_t version, struct fc_error *err);

/* How many roster rows mission_load fingerprints to find repeated keys
 * while parsing (0: the default, 1.5 million, about 30 MB); a bigger roster
 * is checked by walking its indexes instead. For tests and benchmarks. */
void mission_set_key_limit(size_t rows);

/* The same for a reference file given by path (benchmarks, tools). */
int mission_attach_file(struct store *s, const char *path, struct fc_error *err);

/* Appends the JSON object recorded for a loaded version (version <= 0: the
 * current one) to out: {"content_sha256": ..., "files": {"x.csv": {"encoding",
 * "rows", "loaded", "rejected"}}}. FC_ENOTFOUND if not loaded. */
int mission_counts(struct store *s, const char *mission_id, int64_t version, struct buf *out,
                   struct fc_error *err);

/* Re-hashes every loaded mission file; FC_EINTEGRITY naming the first one
 * whose SHA-256 no longer matches (used by `db check`). */
int mission_verify(struct store *s, struct fc_error *err);

#endif
