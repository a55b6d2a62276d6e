/* The mission loader's internals (core/mission/mission.h is the public API):
 * the column and file definitions, the loader's state while it builds a
 * reference database, and the functions its files share. One file per
 * section of the load:
 *   columns.c    the files' column tables
 *   value.c      cell parsing, one parser per column type
 *   header.c     header lines -> column map
 *   rows.c       per-row checks against the small tables
 *   rosterkeys.c the roster's repeated keys, fingerprinted while inserting
 *   file.c       one file: header, rows, inserts
 *   checks.c     whole-file checks after the bulk insert
 *   manifest.c   mission.json, required files, content digest
 *   records.c    the device database's mission rows
 *   mission.c    the load itself (build, fsync, rename, record)
 *   query.c      queries over loaded missions */
#ifndef FC_CORE_MISSION_LOADER_H
#define FC_CORE_MISSION_LOADER_H

#include "core/base/buf.h"
#include "core/base/error.h"
#include "core/ident/ident.h"
#include "core/mission/csv.h"
#include "core/mission/keyset.h"
#include "core/mission/mission.h"
#include "core/mission/rowpipe.h"
#include "core/store/hash.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

enum col_type {
    CT_TEXT,      /* trimmed text */
    CT_RAW,       /* text as written (regexes) */
    CT_CODE,      /* trimmed identifier without control characters, <= 64 bytes */
    CT_INT,       /* non-negative integer */
    CT_NUM,       /* finite number (quantities, amounts) */
    CT_PRICE,     /* number >= 0 */
    CT_FACTOR,    /* number >= 1 */
    CT_DATE,      /* date -> YYYY-MM-DD */
    CT_TIME,      /* date and time -> UTC ISO 8601 with Z */
    CT_ID,        /* resident ID, normalised (legacy 15 -> 18) */
    CT_SITE,      /* H/P + 11 digits */
    CT_SITE_KIND, /* hospital/pharmacy in English or Chinese */
    CT_BED,       /* "12" or "12+" */
    CT_SEX,       /* M/F from 男/女/M/F/male/female */
    CT_GTIN,      /* valid check digit -> GTIN-14 */
    CT_TRACE,     /* 20 digits */
    CT_PREFIX,    /* 7 digits */
    CT_DRUG,      /* drug or consumable code shape */
    CT_PKIND,     /* bed_label | wristband */
};

#define REQ 1

struct col_def {
    const char *en; /* English header; '|' separates accepted alternatives */
    const char *zh; /* Chinese header(s), '|' separated, or NULL */
    enum col_type type;
    int flags;
    const char *dflt; /* bound when the value is empty (NOT NULL DEFAULT columns) */
};

enum file_id {
    F_SITES,
    F_WARDS,
    F_INPATIENTS,
    F_LEAVES,
    F_DRUGS,
    F_SETTLEMENTS,
    F_SUSPICIONS,
    F_PATTERNS,
    F_COUNT
};

#define MAX_COLS 24

struct file_def {
    const char *file;
    const char *insert_sql; /* ?1..?n the columns, then line, then extra, then for the
                               roster the bed as the file spells it (NULL when it is the
                               canonical form) */
    const struct col_def *cols;
    int ncols;
    int has_extra;
    int site_col;
};

enum {
    IP_SITE,
    IP_SITE_NAME,
    IP_WARD_CODE,
    IP_WARD,
    IP_BED,
    IP_ADM,
    IP_NAME,
    IP_ID,
    IP_SEX,
    IP_INSURANCE,
    IP_ADMITTED,
    IP_BAND
};

enum { ST_DRUG = 3 };
enum { SP_SITE, SP_KIND, SP_REGEX, SP_FIELDS };

extern const struct file_def mission_files[F_COUNT];

struct file_stat {
    int present;
    char name[64]; /* as read: "inpatients.csv" or "inpatients.xlsx" */
    const char *encoding;
    uint64_t rows, loaded, rejected;
};

struct loader {
    struct store *s;
    sqlite3 *db;
    const struct mission_load_sink *sink;
    int partial;
    int64_t now_ms;
    int today_y, today_m, today_d; /* local date of now_ms, for ages */
    const char *dir;
    struct file_stat stat[F_COUNT];
    uint64_t rejects; /* rows rejected in all files */

    /* current file */
    const struct file_def *def;
    int map[MAX_COLS]; /* CSV field index of each defined column, or -1 */
    char **hdr;        /* header texts as written */
    size_t nhdr;
    unsigned char *hdr_used; /* 1 for headers mapped to a column */
    int row_bad;             /* problems found in the current row */

    /* current row, reused for every row (no per-row allocation) */
    struct buf val[MAX_COLS];
    int null[MAX_COLS];
    double num[MAX_COLS];
    struct ident_resident_id id;
    unsigned char file_digest[F_COUNT][HASH_LEN]; /* SHA-256 of each file as read */
    struct buf extra;
    struct buf bed_spelling; /* the row's bed as written, when not canonical ("01") */
    struct buf reason;
    struct buf reason_local; /* the reason in the user's language, beside reason */
    struct buf value;        /* the offending cell of the next reject, shown (masked), or "" */

    /* the bed index is being built during the roster's insert (rows so far
     * grouped by site), and the last row's site */
    int bed_early;
    char bed_site[16];

    /* last site / ward looked up: rosters come grouped, so most rows hit */
    char site_seen[16];
    char ward_site[16];
    struct buf ward_code, ward_name;
    int ward_found;

    sqlite3_stmt *ins, *ins_site, *ins_warn;
    /* inserts of the current file on a second thread, or NULL; while it
     * runs, any other use of db (loader_warn) holds its lock (db_lock) */
    struct rowpipe *pipe;

    /* the roster's repeated keys, noted while parsing (loader_note_keys): sets for
     * the admissions, beds and IDs seen, the keys they flag for the checks
     * after the indexes are built, and the sites met so far (an ID's tag) */
    struct keyset *seen_adm, *seen_bed, *seen_id;
    struct keylist maybe_adm, maybe_bed, maybe_id;
    int keys_overflow; /* more rows than key_limit: the checks walk the indexes */
    struct keylist tag_sites;
    size_t site_last;
    uint64_t h_site, h_ward; /* loader_note_keys' hashes of the last site and ward */
    uint32_t key_site;
    char key_ward[64];
    size_t key_ward_len;
    int key_valid;
    uint64_t file_size; /* of the current file */
    const char *fname;  /* the current file's name as messages give it (x.csv or x.xlsx) */
    /* all-digit admission numbers per site: the longest with a leading zero
     * and the shortest, to find those a spreadsheet stripped of their zeros */
    struct adm_digits {
        char site[16];
        unsigned zero_len, min_len;
    } * admd;
    size_t nadmd;
    char fname_buf[64];

    /* The row checks read these copies of the site, ward and drug tables,
     * taken when a file starts (loader_load_lookups), not the connection, which
     * the insert thread may keep busy; sites inferred from a file's rows
     * wait in new_sites ("code US name") for the end of the file. A site
     * inferred from a file without names (wards.csv) has its code for a
     * name and is listed in unnamed_sites; the first later row that names
     * it (inpatients.csv's site_name) gives the name, which waits in
     * renamed_sites ("code US name", codes in renamed_codes). */
    struct keylist known_sites, known_wards, known_drugs, new_sites;
    struct keylist unnamed_sites, renamed_codes, renamed_sites;
    char site_named[16];   /* the last site looked up in renamed_codes */
    char **ward_names;     /* by known_wards index */
    struct buf lookup_key; /* "site US code" for those lists */
};

struct manifest {
    struct mission_info info;
    char *extra; /* JSON text of unknown keys, or NULL */
};

#define INFO_COLS "mission_id, version, kind, title, issued_at, expires_at, file, sha256, loaded_at"

/* What the device database knows about a mission id before a load. */
struct prior {
    int64_t max_version;
    int same_version;               /* a row with the version being loaded exists */
    char content[HASH_HEX_LEN + 1]; /* ... and the content digest it was loaded from */
    struct mission_info row;        /* that row */
};

/* ---- loader.c */
const char *loader_col_header(const struct loader *L, int c);
/* Reports a reject of the current row (counted in L->row_bad). A "%s" fmt
 * is a reason phrase translated as a whole (or taken from reason_local when
 * it is L->reason). */
void loader_reject(struct loader *L, const char *file, uint64_t line, const char *column,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int loader_db_fail(struct loader *L, struct fc_error *err, const char *what);
/* Records a roster warning: fmt formatted in English for the reference file
 * and the JSON output, and through fc_tr for people. */
int loader_warn(struct loader *L, const char *kind, const char *file, uint64_t line,
                const char *site, struct fc_error *err, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* ---- value.c */
/* Trims spaces (ASCII, U+3000, NBSP, BOM) from both ends of s[0..*n). */
const char *loader_trim(const char *s, size_t *n);
/* 1 for the column types whose value is a number (bound as such). */
int loader_type_is_number(enum col_type t);
/* Validates and normalises column c of the current row from s[0..n) into
 * L->val[c] (L->num[c] for numbers, L->null[c] when empty). Returns 0, or -1
 * with a static or L->reason-held reason in *why. */
int loader_parse_value(struct loader *L, int c, const char *s, size_t n, const char **why);
/* The cell s[0..n) of column c as messages show it: trimmed, at most 48
 * bytes, IDs and names masked (mask.h policy), appended to out. */
void loader_shown_value(const struct loader *L, int c, const char *s, size_t n, struct buf *out);
/* 1 for a number in Excel's scientific notation ("4.40304E+17"). */
int loader_is_excel_number(const char *s, size_t n);

/* ---- header.c */
int loader_read_header(struct loader *L, const struct csv_record *rec, struct fc_error *err);
void loader_free_header(struct loader *L);

/* ---- rows.c */
/* Checks that need other files or several columns; runs after the columns
 * parsed. May add rejects; fails only on database errors. */
int loader_row_checks(struct loader *L, enum file_id f, uint64_t line, struct fc_error *err);
/* The row's unknown columns as a JSON object in L->extra ("" when none). */
void loader_build_extra(struct loader *L, const struct csv_record *rec);
const char *loader_duplicate_reason(enum file_id f);
int loader_load_lookups(struct loader *L, struct fc_error *err);
void loader_forget_lookups(struct loader *L);
int loader_insert_new_sites(struct loader *L, struct fc_error *err);

/* ---- rosterkeys.c */
void loader_forget_keys(struct loader *L);
/* The insert thread's row hook for the roster (ctx is the loader). */
void loader_note_keys(void *ctx, const struct rowpipe_value *row);

/* ---- file.c */
int loader_load_file(struct loader *L, enum file_id f, struct fc_error *err);

/* ---- checks.c */
int loader_check_admissions(struct loader *L, struct fc_error *err);
int loader_check_leaves(struct loader *L, struct fc_error *err);
int loader_roster_warnings(struct loader *L, struct fc_error *err);
/* Warns the admission numbers that lost their leading zeros (a site whose
 * all-digit numbers are mostly written with them, e.g. 0012345, and some not). */
int loader_check_adm_zeros(struct loader *L, struct fc_error *err);
extern const char loader_code_entry_fill_sql[];

/* ---- manifest.c */
int manifest_read(const char *dir, struct manifest *m, struct fc_error *err);
/* Which CSV files a kind needs (at least one of them for "mixed"). */
int manifest_check_files(const char *dir, const struct manifest *m, struct fc_error *err);
/* SHA-256 over the names and SHA-256s of mission.json and the known CSV
 * files present (with L, the digests its reads computed). */
int manifest_content_digest(const char *dir, const struct loader *L, char hex[HASH_HEX_LEN + 1],
                            struct fc_error *err);

/* ---- records.c */
/* Loads a row of INFO_COLS into m (a struct mission_info): a store_each or
 * store_one row function. */
int mission_info_row(sqlite3_stmt *st, void *m);
/* Binds ?1..?6 to the mission's id, version, kind, title, issued_at and
 * expires_at (NULL when empty): the mission row both the reference file and
 * the device database start with. */
void mission_bind_info(sqlite3_stmt *st, const struct mission_info *info);
int mission_prior_state(struct store *s, const struct manifest *m, struct prior *p,
                        struct fc_error *err);
int mission_record(struct store *s, const struct manifest *m, const struct loader *L,
                   const char *digest, const char *source, struct fc_error *err);

/* ---- columns.c */
/* Where mission file f is in dir: the CSV file, else an Excel workbook of
 * the same name (inpatients.xlsx). Returns 1 with its path in path (reset
 * first) and *xlsx set, or 0 when neither exists. */
int loader_file_path(const char *dir, enum file_id f, struct buf *path, int *xlsx);

/* The name file f was read under ("inpatients.xlsx" for a workbook), or its
 * CSV name before it is read. Borrowed from L or the file table. */
const char *loader_file_name(const struct loader *L, enum file_id f);

/* ---- mission.c */
int loader_exec(struct loader *L, const char *sql, struct fc_error *err);

#endif
