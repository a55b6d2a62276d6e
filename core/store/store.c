/* Opening the device database and migrating it. One ordered list of
 * migrations, each applied in its own transaction and recorded in
 * PRAGMA user_version, so a database is always at a known schema. Events are
 * append-only: triggers reject UPDATE and DELETE whatever code runs. */
#include "core/store/store.h"

#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/store/hash.h"
#include "core/workflow.h"

#include <jansson.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One statement kept prepared for the connection's lifetime (store_stmt). */
struct kept_stmt {
    const char *sql; /* the caller's string: the key */
    sqlite3_stmt *st;
};

struct store {
    sqlite3 *db;
    char *path;
    char *dir;
    char device_id[33];
    const struct store_schema *schema;
    struct kept_stmt *kept;
    size_t nkept;
};

/* The schema, oldest first. Never edit a released step: append a new one. */
static const char *const migrations[] = {
    /* 1: device identity, missions, the event log and visits */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE mission ("
    "  mission_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  title TEXT NOT NULL, issued_at TEXT, expires_at TEXT,"
    "  file TEXT NOT NULL, sha256 TEXT NOT NULL, loaded_at TEXT NOT NULL,"
    "  counts TEXT NOT NULL DEFAULT '{}', source TEXT,"
    "  PRIMARY KEY (mission_id, version)) STRICT;"
    "CREATE TABLE event ("
    "  seq INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  device TEXT NOT NULL,"
    "  visit TEXT,"
    "  at TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  subject TEXT,"
    "  payload TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL) STRICT;"
    "CREATE INDEX event_visit ON event (visit, seq);"
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;"
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;"
    /* derived: one row per visit, from visit_open / visit_close events */
    "CREATE TABLE visit ("
    "  id TEXT PRIMARY KEY, mission_id TEXT NOT NULL, mission_version INTEGER NOT NULL,"
    "  site_code TEXT NOT NULL, kind TEXT NOT NULL, inspectors TEXT NOT NULL,"
    "  credentials_shown INTEGER NOT NULL DEFAULT 0, opened_at TEXT NOT NULL,"
    "  closed_at TEXT, open_seq INTEGER NOT NULL, close_seq INTEGER,"
    "  checkpoint TEXT) STRICT;",
    /* 2: sync bookkeeping (sync/): HQ's trusted public keys, bundle numbering,
     * what HQ acknowledged, and the mission packs loaded (rollback guard) */
    "CREATE TABLE sync_trust ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), sign_pk TEXT NOT NULL, box_pk TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL, trusted_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE sync_state ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1), bundle_seq INTEGER NOT NULL,"
    "  last_bundle TEXT NOT NULL, acked_seq INTEGER NOT NULL, acked_head TEXT NOT NULL,"
    "  acked_at TEXT) STRICT;"
    "INSERT INTO sync_state VALUES (1, 0,"
    "  '0000000000000000000000000000000000000000000000000000000000000000', 0,"
    "  '0000000000000000000000000000000000000000000000000000000000000000', NULL);"
    "CREATE TABLE sync_bundle ("
    "  bundle_seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL, file TEXT NOT NULL,"
    "  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, chain_head TEXT NOT NULL,"
    "  created_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE sync_pack ("
    "  mission_id TEXT NOT NULL, version INTEGER NOT NULL, sha256 TEXT NOT NULL,"
    "  loaded_at TEXT NOT NULL, PRIMARY KEY (mission_id, version)) STRICT;",
    /* 3: night bed check derived state (core/night.c) */
    "CREATE TABLE night_scan ("
    "  seq INTEGER PRIMARY KEY, visit TEXT NOT NULL, event_id TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, action TEXT,"
    "  verdict TEXT NOT NULL, detail TEXT NOT NULL, ward_code TEXT, bed TEXT,"
    "  admission_no TEXT, voided_by INTEGER, amended INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE INDEX night_scan_code ON night_scan (visit, code, at_ms);"
    "CREATE INDEX night_scan_adm ON night_scan (visit, admission_no);"
    "CREATE TABLE night_bed ("
    "  visit TEXT NOT NULL, ward_code TEXT NOT NULL, bed TEXT NOT NULL,"
    "  listed TEXT NOT NULL, flags INTEGER NOT NULL, identified TEXT NOT NULL,"
    "  finding TEXT NOT NULL, scans INTEGER NOT NULL, first_seq INTEGER NOT NULL,"
    "  last_seq INTEGER NOT NULL, PRIMARY KEY (visit, ward_code, bed)) STRICT;"
    "CREATE TABLE night_context ("
    "  visit TEXT PRIMARY KEY, ward_code TEXT NOT NULL, bed TEXT NOT NULL,"
    "  listed TEXT NOT NULL, claimed TEXT NOT NULL) STRICT;"
    "CREATE TABLE night_correction ("
    "  seq INTEGER PRIMARY KEY, visit TEXT NOT NULL, target_seq INTEGER NOT NULL,"
    "  action TEXT NOT NULL, payload TEXT NOT NULL) STRICT;"
    "CREATE INDEX night_correction_target ON night_correction (target_seq);",
    /* 4: pharmacy stock count derived state (core/pharmacy.c) */
    "CREATE TABLE pharmacy_scan ("
    "  seq INTEGER PRIMARY KEY, visit TEXT NOT NULL, event_id TEXT NOT NULL,"
    "  at_ms INTEGER NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, drug_code TEXT,"
    "  box_key TEXT, qty REAL NOT NULL, round INTEGER NOT NULL, verdict TEXT NOT NULL,"
    "  detail TEXT NOT NULL, settled INTEGER NOT NULL, mismatch INTEGER NOT NULL,"
    "  voided_by INTEGER) STRICT;"
    "CREATE INDEX pharmacy_scan_code ON pharmacy_scan (visit, code, at_ms);"
    "CREATE TABLE counted_code ("
    "  visit TEXT NOT NULL, box_key TEXT NOT NULL, drug_code TEXT NOT NULL,"
    "  seq INTEGER NOT NULL, PRIMARY KEY (visit, box_key)) STRICT;"
    "CREATE TABLE stock_count ("
    "  visit TEXT NOT NULL, drug_code TEXT NOT NULL, round INTEGER NOT NULL,"
    "  counted REAL NOT NULL, boxes INTEGER NOT NULL, manual REAL NOT NULL,"
    "  PRIMARY KEY (visit, drug_code)) STRICT;"
    "CREATE TABLE pharmacy_state ("
    "  visit TEXT PRIMARY KEY, blind INTEGER NOT NULL, changed_seq INTEGER NOT NULL) STRICT;"
    "CREATE TABLE pharmacy_void ("
    "  seq INTEGER PRIMARY KEY, visit TEXT NOT NULL, target_seq INTEGER NOT NULL) STRICT;",
    /* 5: flight worksheets (core/flight.c, core/evidence.c). All derived.
     * voided: targets of "void" events, so every query can skip them.
     * susp_action: one row per susp_verify/susp_response/susp_assign event;
     * suspicion_state: the latest non-voided action of each kind per line.
     * Money in integer fen, quantities in thousandths. */
    "CREATE TABLE voided (target TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
    "  reason TEXT NOT NULL) STRICT;"
    "CREATE TABLE susp_action ("
    "  event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, visit TEXT NOT NULL,"
    "  susp_id TEXT NOT NULL, kind TEXT NOT NULL, at TEXT NOT NULL,"
    "  state TEXT, irregular_fen INTEGER, fund_loss_fen INTEGER, line_fen INTEGER,"
    "  note TEXT, over_reason TEXT, text TEXT, inspector TEXT) STRICT;"
    "CREATE INDEX susp_action_line ON susp_action (visit, susp_id, kind, seq);"
    "CREATE TABLE suspicion_state ("
    "  visit TEXT NOT NULL, susp_id TEXT NOT NULL,"
    "  state TEXT NOT NULL, irregular_fen INTEGER NOT NULL, fund_loss_fen INTEGER NOT NULL,"
    "  note TEXT, over_reason TEXT, verified_at TEXT, verify_event TEXT,"
    "  response TEXT, responded_at TEXT, response_event TEXT,"
    "  inspector TEXT, assigned_at TEXT, assign_event TEXT,"
    "  PRIMARY KEY (visit, susp_id)) STRICT;"
    "CREATE INDEX suspicion_state_state ON suspicion_state (visit, state);"
    "CREATE INDEX suspicion_state_inspector ON suspicion_state (visit, inspector);"
    "CREATE TABLE flight_finding ("
    "  event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, visit TEXT NOT NULL, at TEXT NOT NULL,"
    "  code TEXT NOT NULL, qty_milli INTEGER, unit_price_fen INTEGER,"
    "  irregular_fen INTEGER NOT NULL, fund_loss_fen INTEGER NOT NULL,"
    "  lines TEXT NOT NULL, patients TEXT NOT NULL, note TEXT NOT NULL,"
    "  evidence TEXT NOT NULL) STRICT;"
    "CREATE INDEX flight_finding_visit ON flight_finding (visit, seq);"
    "CREATE TABLE evidence ("
    "  event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, visit TEXT NOT NULL, at TEXT NOT NULL,"
    "  path TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL, mtime TEXT NOT NULL,"
    "  note TEXT NOT NULL) STRICT;"
    "CREATE INDEX evidence_visit ON evidence (visit, seq);"
    "CREATE TABLE interview ("
    "  event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, visit TEXT NOT NULL, at TEXT NOT NULL,"
    "  held_at TEXT NOT NULL, place TEXT NOT NULL, people TEXT NOT NULL, items TEXT NOT NULL,"
    "  signed INTEGER NOT NULL, refusal TEXT, note TEXT NOT NULL) STRICT;"
    "CREATE INDEX interview_visit ON interview (visit, seq);",
    /* 6: the inspectors declared a pharmacy count complete (count --complete):
     * drugs not counted then count as 0 (DESIGN §5). Derived. */
    "CREATE TABLE pharmacy_complete (visit TEXT PRIMARY KEY, seq INTEGER NOT NULL) STRICT;",
    /* 7: which HQ key signed each mission version loaded from a pack (its
     * fingerprint), so that a mission id that arrived signed is known as such.
     * Packs loaded before were verified with the key trusted then, which is
     * the trusted key unless it was replaced since: the best record there is. */
    "ALTER TABLE sync_pack ADD COLUMN signed_by TEXT;"
    "UPDATE sync_pack SET signed_by = (SELECT fingerprint FROM sync_trust WHERE id = 1);",
    /* 8: what HQ acknowledged, per HQ signing key: a receipt acknowledges
     * events for the key that signed it only, so events acknowledged by a key
     * trusted no longer are exported again to the one trusted now. The
     * acknowledgement so far belongs to the key trusted now. (sync_state's
     * acked_* columns are no longer read.) */
    "CREATE TABLE sync_ack ("
    "  hq_sign_pk TEXT PRIMARY KEY, acked_seq INTEGER NOT NULL, acked_head TEXT NOT NULL,"
    "  acked_at TEXT) STRICT;"
    "INSERT INTO sync_ack SELECT t.sign_pk, s.acked_seq, s.acked_head, s.acked_at"
    "  FROM sync_trust t, sync_state s WHERE t.id = 1 AND s.id = 1 AND s.acked_seq > 0;",
    /* 9: the teams mission packs name (docs/bundle-format.md §5 "Teams"):
     * every member of a pack version's team with its enrolled keys, the
     * lead flagged (core/store/teamdb.c) */
    "CREATE TABLE team_member ("
    "  mission_id TEXT NOT NULL, version INTEGER NOT NULL, device TEXT NOT NULL,"
    "  sign_pk TEXT NOT NULL, box_pk TEXT NOT NULL, is_lead INTEGER NOT NULL,"
    "  expires_at TEXT NOT NULL, PRIMARY KEY (mission_id, version, device)) STRICT;",
};

static const struct store_schema device_schema = {
    migrations, sizeof(migrations) / sizeof(migrations[0]), 1, STORE_APP_ID_DEVICE};

int store_schema_version(void)
{
    return device_schema.count;
}

void store_default_path(struct buf *out)
{
    const char *env = getenv("FIELDCHECK_DB");

    if (env && *env) {
        buf_adds(out, env);
        return;
    }
    fs_data_dir(out);
    buf_adds(out, "/fieldcheck.db");
}

int store_fail(struct store *s, struct fc_error *err, const char *what)
{
    int ext = s && s->db ? sqlite3_extended_errcode(s->db) : 0;
    int prim = ext & 0xff;
    int code = FC_EDB;

    if (prim == SQLITE_CONSTRAINT)
        code = FC_EINTEGRITY;
    else if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN ||
             prim == SQLITE_READONLY)
        code = FC_EIO;
    else if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        code = FC_EINTEGRITY;
    return fc_error_setsys(err, code, ext, "%s: %s", what,
                           s && s->db ? sqlite3_errmsg(s->db) : "no database");
}

int store_each(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx),
               void *ctx, const char *what, struct fc_error *err)
{
    int rc;

    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        rc = row(st, ctx);
        if (rc)
            goto out;
    }
    rc = rc == SQLITE_DONE ? FC_OK : store_fail(s, err, what);
out:
    sqlite3_finalize(st);
    return rc;
}

int store_prepare_bound(struct store *s, const char *sql, const char *text1, const char *text2,
                        sqlite3_stmt **st, struct fc_error *err)
{
    int rc = store_prepare(s, sql, st, err);
    int n = rc ? 0 : sqlite3_bind_parameter_count(*st);

    if (n >= 1)
        store_bind_text(*st, 1, text1);
    if (n >= 2)
        store_bind_text(*st, 2, text2);
    return rc;
}

int store_each_sql(struct store *s, const char *sql, const char *text1,
                   int (*row)(sqlite3_stmt *st, void *ctx), void *ctx, const char *what,
                   struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare_bound(s, sql, text1, NULL, &st, err);

    return rc ? rc : store_each(s, st, row, ctx, what, err);
}

int store_one(struct store *s, sqlite3_stmt *st, int (*row)(sqlite3_stmt *st, void *ctx), void *ctx,
              const char *what, struct fc_error *err)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        rc = row ? row(st, ctx) : FC_OK;
    else if (rc == SQLITE_DONE)
        rc = FC_ENOTFOUND;
    else
        rc = store_fail(s, err, what);
    sqlite3_finalize(st);
    return rc;
}

struct text_out {
    char *out;
    size_t size;
};

static int text_row(sqlite3_stmt *st, void *ctx)
{
    const struct text_out *t = ctx;

    snprintf(t->out, t->size, "%s", store_col_text(st, 0));
    return FC_OK;
}

int store_one_text(struct store *s, sqlite3_stmt *st, char *out, size_t size, const char *what,
                   struct fc_error *err)
{
    struct text_out t = {out, size};

    out[0] = '\0';
    return store_one(s, st, text_row, &t, what, err);
}

static int buf_row(sqlite3_stmt *st, void *ctx)
{
    buf_adds(ctx, store_col_text(st, 0));
    return FC_OK;
}

int store_one_buf(struct store *s, sqlite3_stmt *st, struct buf *out, const char *what,
                  struct fc_error *err)
{
    return store_one(s, st, buf_row, out, what, err);
}

int store_lookup(struct store *s, const char *sql, const char *key, struct buf *out,
                 const char *what, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, sql, &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, key);
    return store_one_buf(s, st, out, what, err);
}

static int int64_row(sqlite3_stmt *st, void *ctx)
{
    *(int64_t *)ctx = sqlite3_column_int64(st, 0);
    return FC_OK;
}

int store_one_int64(struct store *s, sqlite3_stmt *st, int64_t *out, const char *what,
                    struct fc_error *err)
{
    int rc;

    *out = 0;
    rc = store_one(s, st, int64_row, out, what, err);
    return rc == FC_ENOTFOUND ? store_fail(s, err, what) : rc;
}

int store_run(struct store *s, sqlite3_stmt *st, const char *what, struct fc_error *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : store_fail(s, err, what);

    sqlite3_finalize(st);
    return rc;
}

int store_exec(struct store *s, const char *sql, struct fc_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_fail(s, err, "database statement failed");
    return FC_OK;
}

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err)
{
    *stmt = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return store_fail(s, err, "cannot prepare statement");
    return FC_OK;
}

int store_prepare_kept(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err)
{
    *stmt = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return store_fail(s, err, "cannot prepare statement");
    return FC_OK;
}

int store_prepare_set(struct store *s, const char *const *sql, sqlite3_stmt **st, size_t n,
                      struct fc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int rc = st[i] ? FC_OK : store_prepare_kept(s, sql[i], &st[i], err);
        if (rc)
            return rc;
    }
    return FC_OK;
}

void store_finalize_set(sqlite3_stmt **st, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_finalize(st[i]);
        st[i] = NULL;
    }
}

/* The cache is a short array (a few dozen hot statements): the key is the
 * caller's SQL pointer, with the text compared only before preparing, so a
 * hit costs a handful of pointer comparisons. A statement still being
 * stepped (a caller's loop running a nested applier with the same SQL) is
 * not handed out twice: another copy is prepared. */
int store_stmt(struct store *s, const char *sql, sqlite3_stmt **stmt, struct fc_error *err)
{
    struct kept_stmt *k;
    int rc;

    *stmt = NULL;
    for (size_t i = 0; i < s->nkept; i++) {
        if (s->kept[i].sql == sql && !sqlite3_stmt_busy(s->kept[i].st)) {
            *stmt = s->kept[i].st;
            return FC_OK;
        }
    }
    for (size_t i = 0; i < s->nkept; i++) {
        if (!strcmp(s->kept[i].sql, sql) && !sqlite3_stmt_busy(s->kept[i].st)) {
            *stmt = s->kept[i].st;
            return FC_OK;
        }
    }
    s->kept = xreallocarray(s->kept, s->nkept + 1, sizeof(*s->kept));
    k = &s->kept[s->nkept];
    rc = store_prepare_kept(s, sql, &k->st, err);
    if (rc)
        return rc;
    k->sql = sql;
    s->nkept++;
    *stmt = k->st;
    return FC_OK;
}

void store_stmt_release(sqlite3_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int store_step_done(struct store *s, sqlite3_stmt *st, const char *what, struct fc_error *err)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? FC_OK : store_fail(s, err, what);

    store_stmt_release(st);
    return rc;
}

int store_bind_text(sqlite3_stmt *st, int idx, const char *v)
{
    if (!v)
        return sqlite3_bind_null(st, idx);
    return sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT);
}

int store_bind_json(sqlite3_stmt *st, int idx, const json_t *v)
{
    char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    int rc = sqlite3_bind_text(st, idx, text ? text : "[]", -1, SQLITE_TRANSIENT);

    free(text);
    return rc;
}

const char *store_col_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

/* Transaction control runs on every scan: kept statements, not
 * sqlite3_exec, so that no SQL is parsed on the scan path. */
static int run_kept(struct store *s, const char *sql, const char *what, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_stmt(s, sql, &st, err);

    return rc ? rc : store_step_done(s, st, what, err);
}

int store_begin(struct store *s, struct fc_error *err)
{
    return run_kept(s, "BEGIN IMMEDIATE", "cannot begin a transaction", err);
}

int store_begin_read(struct store *s, struct fc_error *err)
{
    return run_kept(s, "BEGIN", "cannot begin a transaction", err);
}

int store_commit(struct store *s, struct fc_error *err)
{
    int rc = run_kept(s, "COMMIT", "cannot commit", err);

    if (rc)
        store_rollback(s);
    return rc;
}

void store_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db) && run_kept(s, "ROLLBACK", "cannot roll back", NULL))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* The integer a one-row query (a PRAGMA, a count) answers. */
static int query_int(struct store *s, const char *sql, int *v, const char *what,
                     struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int64_t n = 0;
    int rc = store_prepare(s, sql, &st, err);

    if (!rc)
        rc = store_one_int64(s, st, &n, what, err);
    *v = (int)n;
    return rc;
}

static int user_version(struct store *s, int *v, struct fc_error *err)
{
    return query_int(s, "PRAGMA user_version", v, "cannot read schema version", err);
}

int store_meta_get(struct store *s, const char *key, struct buf *out, struct fc_error *err)
{
    int rc =
        store_lookup(s, "SELECT value FROM meta WHERE key = ?1", key, out, "cannot read meta", err);

    if (rc == FC_ENOTFOUND)
        rc = fc_error_set(err, FC_ENOTFOUND, "no '%s' in the database", key);
    return rc;
}

int store_meta_set(struct store *s, const char *key, const char *value, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", &st, err);

    if (rc)
        return rc;
    store_bind_text(st, 1, key);
    store_bind_text(st, 2, value);
    return store_run(s, st, "cannot write meta", err);
}

/* The tables of a workflow added from outside the tree (struct workflow
 * schema_sql: CREATE ... IF NOT EXISTS), created when a device store opens;
 * the built-in workflows' tables are in the migrations above. */
struct schema_ctx {
    struct store *s;
    struct fc_error *err;
};

static int workflow_schema(const struct workflow *wf, void *ctx)
{
    struct schema_ctx *c = ctx;

    return wf->schema_sql ? store_exec(c->s, wf->schema_sql, c->err) : 0;
}

static int migrate(struct store *s, struct fc_error *err)
{
    int v = 0, rc;

    rc = user_version(s, &v, err);
    if (rc)
        return rc;
    if (v > s->schema->count)
        return fc_error_set(err, FC_ESTATE,
                            "database '%s' has schema %d, newer than this program's %d: "
                            "upgrade fieldcheck",
                            s->path, v, s->schema->count);
    for (; v < s->schema->count; v++) {
        char pragma[64];

        rc = store_begin(s, err);
        if (rc)
            return rc;
        snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
        rc = store_exec(s, s->schema->migrations[v], err);
        if (!rc)
            rc = store_exec(s, pragma, err);
        if (!rc)
            rc = store_commit(s, err);
        if (rc) {
            store_rollback(s);
            return fc_error_prefix(err, "cannot migrate '%s' to schema %d", s->path, v + 1);
        }
    }
    return FC_OK;
}

static int ensure_device(struct store *s, int readonly, struct fc_error *err)
{
    struct buf id = BUF_INIT;
    int rc = store_meta_get(s, "device_id", &id, NULL);

    if (rc == FC_ENOTFOUND && readonly) {
        rc = fc_error_set(err, FC_EINPUT, "no device identity in it");
        goto out;
    }
    if (rc == FC_ENOTFOUND) {
        unsigned char raw[8];
        char hex[17];
        char at[CLOCK_ISO_MAX];

        hash_random(raw, sizeof(raw));
        hash_to_hex(hex, raw, sizeof(raw));
        clock_format_utc(clock_now_ms(), at);
        rc = store_begin(s, err);
        if (!rc)
            rc = store_meta_set(s, "device_id", hex, err);
        if (!rc)
            rc = store_meta_set(s, "created_at", at, err);
        if (!rc)
            rc = store_commit(s, err);
        if (rc) {
            store_rollback(s);
            goto out;
        }
        buf_reset(&id);
        buf_adds(&id, hex);
    } else if (rc) {
        rc = store_meta_get(s, "device_id", &id, err);
        goto out;
    }
    snprintf(s->device_id, sizeof(s->device_id), "%s", id.ptr);
out:
    buf_release(&id);
    return rc;
}

/* Every handle the store opens: extended result codes, and a wait of up to
 * 5 s for another process's lock from its first statement on (the identity
 * check reads the file before any pragma runs; without the wait a second
 * process opening the database while one holds a lock failed at once). */
static void handle_setup(struct store *s)
{
    sqlite3_busy_timeout(s->db, 5000);
    sqlite3_extended_result_codes(s->db, 1);
}

/* Which kind of file this is, before anything is written to it (no pragma
 * that writes has run yet): its application_id, or for a file without one,
 * nothing in it at all (new) or the device tables (an older version's). */
static int check_identity(struct store *s, struct fc_error *err)
{
    int id = 0, tables = 0, legacy = 0, rc;

    if (!s->schema->application_id)
        return FC_OK;
    rc = query_int(s, "PRAGMA application_id", &id, "cannot read the database header", err);
    if (!rc)
        rc = query_int(s, "SELECT count(*) FROM sqlite_master", &tables,
                       "cannot read the database header", err);
    if (rc)
        return fc_error_prefix(err, "'%s' is not a database", s->path);
    if (id == s->schema->application_id)
        return FC_OK;
    if (id == 0 && tables == 0)
        return FC_OK;
    if (id == 0 && (s->schema->device_identity || s->schema->application_id == STORE_APP_ID_HQ)) {
        /* written by an older version: its own tables say what it is */
        rc = query_int(s,
                       s->schema->device_identity
                           ? "SELECT count(*) = 4 FROM sqlite_master WHERE type = 'table' AND"
                             " name IN ('meta', 'event', 'sync_state', 'visit')"
                           : "SELECT count(*) = 3 AND NOT EXISTS (SELECT 1 FROM sqlite_master"
                             " WHERE name = 'sync_state') FROM sqlite_master WHERE type ="
                             " 'table' AND name IN ('device', 'bundle', 'quarantine')",
                       &legacy, "cannot read the database header", err);
        if (rc)
            return rc;
        if (legacy)
            return FC_OK;
    }
    if (id == STORE_APP_ID_DEVICE)
        return fc_error_set(err, FC_EINPUT,
                            "'%s' is a fieldcheck device database, not a database of this "
                            "kind: refused, nothing written",
                            s->path);
    if (id == STORE_APP_ID_HQ)
        return fc_error_set(err, FC_EINPUT,
                            "'%s' is fieldcheck HQ's store, not a device database: refused, "
                            "nothing written",
                            s->path);
    if (id == STORE_APP_ID_REFDB)
        return fc_error_set(err, FC_EINPUT,
                            "'%s' is a mission's reference file, not a database of this kind: "
                            "refused, nothing written",
                            s->path);
    return fc_error_set(err, FC_EINPUT,
                        "'%s' is not a fieldcheck database of this kind (application_id %d, %d "
                        "tables): refused, nothing written",
                        s->path, id, tables);
}

/* A database in WAL mode on read-only media (a write-protected stick, a
 * read-only mount) cannot be opened read-only the usual way: SQLite wants to
 * create its -shm beside it. When that is why it fails and there is no -wal
 * (the last writer closed it cleanly: nothing is pending outside the file),
 * the file is opened as immutable, which reads it as it is without locks. */
static int readonly_media_fallback(struct store *s, struct fc_error *err)
{
    struct buf uri = BUF_INIT, wal = BUF_INIT;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->db, "PRAGMA application_id", -1, &st, NULL), code;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    code = sqlite3_extended_errcode(s->db) & 0xff;
    if (rc == SQLITE_ROW || rc == SQLITE_DONE || code != SQLITE_CANTOPEN)
        return FC_OK; /* opened, or failing for a reason check_identity reports */
    buf_addf(&wal, "%s-wal", s->path);
    if (fs_exists(wal.ptr)) {
        rc = fc_error_set(err, FC_EIO,
                          "database '%s' cannot be opened read-only: it has a '-wal' file beside "
                          "it and the folder is read-only (copy both, or open it writable once)",
                          s->path);
        goto out;
    }
    buf_adds(&uri, "file:");
    for (const char *c = s->path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            strchr("/._-~", *c))
            buf_addch(&uri, *c);
        else
            buf_addf(&uri, "%%%02X", (unsigned char)*c);
    }
    buf_adds(&uri, "?immutable=1");
    sqlite3_close_v2(s->db);
    s->db = NULL;
    rc = sqlite3_open_v2(uri.ptr, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) == SQLITE_OK
             ? FC_OK
             : store_fail(s, err, "cannot open database");
    if (!rc)
        handle_setup(s);
out:
    buf_release(&uri);
    buf_release(&wal);
    return rc;
}

static int set_application_id(struct store *s, struct fc_error *err)
{
    char pragma[64];
    int id = 0,
        rc = query_int(s, "PRAGMA application_id", &id, "cannot read the database header", err);

    if (rc || id == s->schema->application_id)
        return rc;
    snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d", s->schema->application_id);
    return store_exec(s, pragma, err);
}

static int apply_pragmas(struct store *s, int readonly, struct fc_error *err)
{
    int rc;

    rc = store_exec(s, "PRAGMA foreign_keys = ON", err);
    if (!rc && !readonly)
        rc = store_exec(s, "PRAGMA journal_mode = WAL", err);
    if (!rc)
        rc = store_exec(s, "PRAGMA synchronous = FULL", err);
    if (!rc)
        rc = store_exec(s, "PRAGMA trusted_schema = OFF", err);
    return rc;
}

/* Before SQLite's first use in the process: no bulk page-cache allocation.
 * By default every page cache, including the one of each temporary B-tree a
 * query builds (an IN list, a sort), starts with a block of about twenty
 * pages; with one such B-tree per scan lookup that block came and went on
 * every scan, and glibc returned it to the kernel each time (page faults on
 * the scan path). Pages are then allocated one by one as needed. Fails
 * harmlessly (SQLITE_MISUSE) if SQLite was already initialised. */
static void sqlite_configure_once(void)
{
    static int done;

    if (!done) {
        done = 1;
        sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)0, 0, 0);
    }
}

static int store_open_flags(struct store **out, const char *path, int readonly,
                            const struct store_schema *schema, struct fc_error *err)
{
    struct store *s = NULL;
    struct buf p = BUF_INIT, dir = BUF_INIT;
    int rc = FC_OK, fd;

    *out = NULL;
    sqlite_configure_once();
    rc = hash_global_init();
    if (rc) {
        fc_error_set(err, rc, "cannot initialise libsodium");
        goto out;
    }
    if (path)
        buf_adds(&p, path);
    else
        store_default_path(&p);
    fs_dirname(&dir, p.ptr);
    if (!readonly) {
        rc = fs_mkdir_p(dir.ptr, 0700, err);
        if (rc)
            goto out;
        /* create the file ourselves so its mode is 0600 whatever the umask;
         * never block on (or write to) anything but a regular file */
        fd = open(p.ptr, O_RDWR | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0) {
            rc = fc_error_setsys(err, FC_EIO, errno, "cannot open database '%s': %s", p.ptr,
                                 strerror(errno));
            goto out;
        }
        {
            struct stat sb;
            int regular = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
            close(fd);
            if (!regular) {
                rc = fc_error_set(err, FC_EINPUT, "database '%s' is not a regular file: refused",
                                  p.ptr);
                goto out;
            }
        }
    } else if (!fs_exists(p.ptr)) {
        rc = fc_error_set(err, FC_ENOTFOUND, "no database at '%s' (run 'fieldcheck init')", p.ptr);
        goto out;
    }
    s = xcalloc(1, sizeof(*s));
    s->path = buf_detach(&p, NULL);
    s->dir = buf_detach(&dir, NULL);
    s->schema = schema;
    if (sqlite3_open_v2(
            s->path, &s->db,
            (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                /* mission_attach() opens reference files as URIs (mode=ro) */
                SQLITE_OPEN_URI,
            NULL) != SQLITE_OK) {
        rc = store_fail(s, err, "cannot open database");
        goto out;
    }
    handle_setup(s);
    if (readonly)
        rc = readonly_media_fallback(s, err);
    if (!rc)
        rc = check_identity(s, err);
    if (rc)
        goto out;
    if (readonly) {
        int v = 0;
        rc = user_version(s, &v, err);
        if (!rc && v < schema->count)
            rc = fc_error_set(err, FC_ESTATE,
                              "database '%s' has schema %d, older than this program's %d: it "
                              "must be opened writable once to be upgraded",
                              s->path, v, schema->count);
        if (rc)
            goto out;
    }
    rc = apply_pragmas(s, readonly, err);
    if (rc)
        goto out;
    if (!readonly) {
        rc = migrate(s, err);
        if (!rc && schema->device_identity) {
            struct schema_ctx c = {s, err};
            rc = workflow_foreach(workflow_schema, &c);
        }
        if (!rc && schema->application_id)
            rc = set_application_id(s, err);
        if (rc)
            goto out;
        if (schema->device_identity) {
            /* what a killed process left beside the database */
            struct buf missions = BUF_INIT;
            fs_sweep_stale(s->dir);
            buf_addf(&missions, "%s/missions", s->dir);
            fs_sweep_stale(missions.ptr);
            buf_release(&missions);
        }
    }
    rc = schema->device_identity ? ensure_device(s, readonly, err) : FC_OK;
    if (rc) {
        fc_error_prefix(err, "database '%s'", s->path);
        goto out;
    }
    *out = s;
    s = NULL;
out:
    store_close(s);
    buf_release(&p);
    buf_release(&dir);
    return rc;
}

int store_open(struct store **out, const char *path, struct fc_error *err)
{
    return store_open_flags(out, path, 0, &device_schema, err);
}

int store_open_readonly(struct store **out, const char *path, struct fc_error *err)
{
    return store_open_flags(out, path, 1, &device_schema, err);
}

int store_open_schema(struct store **out, const char *path, const struct store_schema *schema,
                      struct fc_error *err)
{
    if (!path)
        BUG("store_open_schema needs a path");
    return store_open_flags(out, path, 0, schema, err);
}

void store_close(struct store *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nkept; i++)
        sqlite3_finalize(s->kept[i].st);
    free(s->kept);
    if (s->db)
        sqlite3_close_v2(s->db);
    free(s->path);
    free(s->dir);
    free(s);
}

sqlite3 *store_db(struct store *s)
{
    return s->db;
}

const char *store_path(const struct store *s)
{
    return s->path;
}

const char *store_dir(const struct store *s)
{
    return s->dir;
}

const char *store_device_id(const struct store *s)
{
    return s->device_id;
}

int store_integrity_check(struct store *s, struct fc_error *err)
{
    sqlite3_stmt *st = NULL;
    int rc = store_prepare(s, "PRAGMA integrity_check", &st, err);

    if (rc)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *r = store_col_text(st, 0);
        rc = strcmp(r, "ok") == 0
                 ? FC_OK
                 : fc_error_set(err, FC_EINTEGRITY, "database '%s' is damaged: %s", s->path, r);
    } else {
        rc = store_fail(s, err, "integrity check failed");
    }
    sqlite3_finalize(st);
    return rc;
}
