/* HQ's tables in SQLite and PostgreSQL. The two lists describe the same
 * tables, columns and views; only types differ (INTEGER/BIGINT, BLOB/BYTEA,
 * and every PostgreSQL text column is COLLATE "C" so that ordering and
 * comparisons are bytewise, as in SQLite, whatever the server's locale).
 *
 * Base tables hold what HQ received and decided (devices, bundles, events,
 * quarantine); their content alone makes hqstore_digest. Derived tables
 * (equivocation, visit, tally, finding, finding_sum, box_obs) are maintained by the import
 * from the events and can be rebuilt from them (hqstore_rebuild). */
#include "core/hq/hqschema.h"

/* The analysts' views over findings (docs/hq-schema.md): the same text in
 * both databases but for the sums' type. One row per finding, then the sums
 * by site, workflow, rule and month, each with the Chinese labels. */
#define FINDINGS_VIEW                                                                             \
    "CREATE VIEW v_findings AS SELECT v.site_code, coalesce(s.site_name, v.site_name) AS"         \
    "  site_name, s.region_code, s.region_name, f.workflow, l.workflow_zh, v.visit, v.device,"    \
    "  substr(v.opened_local, 1, 10) AS day, substr(v.opened_local, 1, 7) AS month, f.cls,"       \
    "  CASE f.cls WHEN 'anomaly' THEN '异常' WHEN 'coverage' THEN '未覆盖' WHEN 'info' THEN" \
    "  '信息' WHEN 'ok' THEN '正常' END AS cls_zh, f.code, l.label_zh, l.label_en, f.grp,"    \
    "  f.subject, f.detail, f.count, f.amount_fen, f.fund_loss_fen FROM finding f"                \
    "  JOIN visit v ON v.visit = f.visit LEFT JOIN site s ON s.site_code = v.site_code"           \
    "  LEFT JOIN verdict_label l ON l.workflow = f.workflow AND l.code = f.code AND"              \
    "  l.scope = f.scope;"
#define SUMS(t)                                                                                 \
    "CAST(sum(count) AS " t ") AS count, CAST(sum(amount_fen) AS " t ") AS"                     \
    " amount_fen, CAST(sum(fund_loss_fen) AS " t ") AS fund_loss_fen, count(DISTINCT visit) AS" \
    " visits"
#define BY_VIEWS(t)                                                                                \
    "CREATE VIEW v_findings_by_site AS SELECT site_code, site_name, region_code, region_name,"     \
    "  workflow, workflow_zh, cls, cls_zh, code, label_zh, " SUMS(                                 \
        t) " FROM v_findings"                                                                      \
           "  GROUP BY site_code, site_name, region_code, region_name, workflow, workflow_zh, "    \
           "cls,"                                                                                  \
           "  cls_zh, code, label_zh;"                                                             \
           "CREATE VIEW v_findings_by_workflow AS SELECT workflow, workflow_zh, cls, "             \
           "cls_zh, " SUMS(t) " FROM v_findings GROUP BY workflow, workflow_zh, cls, cls_zh;"      \
                              "CREATE VIEW v_findings_by_rule AS SELECT workflow, workflow_zh, "   \
                              "cls, cls_zh, code,"                                                 \
                              "  label_zh, label_en, " SUMS(                                       \
                                  t) " FROM v_findings GROUP BY workflow, workflow_zh, cls,"       \
                                     "  cls_zh, code, label_zh, label_en;"                         \
                                     "CREATE VIEW v_findings_by_month AS SELECT month, workflow, " \
                                     "workflow_zh, cls, cls_zh, code,"                             \
                                     "  label_zh, " SUMS(t) " FROM v_findings GROUP BY month, "    \
                                                            "workflow, workflow_zh, cls, cls_zh,"  \
                                                            "  code, label_zh;"
/* The views over visits and verdict counts (schema step 2 of both), with
 * the sum of counts as each database types it. */
#define VISIT_VIEWS(events)                                                                  \
    "CREATE VIEW v_visits AS SELECT visit, device, mission_id, mission_version, site_code,"  \
    "  site_name, workflow, inspectors, opened_local, closed_local,"                         \
    "  substr(opened_local, 1, 7) AS month FROM visit;"                                      \
    "CREATE VIEW v_verdict_counts AS SELECT v.site_code, v.site_name, v.workflow,"           \
    "  substr(v.opened_local, 1, 7) AS month, t.kind, t.verdict," events " AS events"        \
    "  FROM tally t JOIN visit v ON v.visit = t.visit WHERE t.n > 0"                         \
    "  GROUP BY v.site_code, v.site_name, v.workflow, substr(v.opened_local, 1, 7), t.kind," \
    "  t.verdict;"
/* Asks the next open to fill the derived tables again from the events. */
#define DERIVED_AGAIN                                       \
    "INSERT INTO meta (key, value) VALUES ('derived', '0')" \
    "  ON CONFLICT (key) DO UPDATE SET value = excluded.value;"
#define VIEWS_SQLITE FINDINGS_VIEW BY_VIEWS("INTEGER")
#define VIEWS_PG FINDINGS_VIEW BY_VIEWS("BIGINT")

/* ---- SQLite ---------------------------------------------------------------- */

static const char *const sqlite_steps[] = {
    /* 1: devices, bundles, merged events, quarantine */
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;"
    "CREATE TABLE device ("
    "  id TEXT PRIMARY KEY, sign_pk TEXT NOT NULL, box_pk TEXT NOT NULL,"
    "  fingerprint TEXT NOT NULL, cert BLOB NOT NULL, enrolled_at TEXT NOT NULL,"
    "  revoked_at TEXT) STRICT;"
    "CREATE TABLE bundle ("
    "  sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, bundle_seq INTEGER NOT NULL,"
    "  first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, prev_bundle TEXT NOT NULL,"
    "  prev_head TEXT NOT NULL, chain_head TEXT NOT NULL) STRICT;"
    "CREATE INDEX bundle_device ON bundle (device, bundle_seq);"
    "CREATE TABLE event ("
    "  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, id TEXT NOT NULL,"
    "  visit TEXT, at TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT, payload TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL, PRIMARY KEY (device, seq, hash)) STRICT, WITHOUT ROWID;"
    "CREATE INDEX event_visit ON event (visit);"
    "CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;"
    "CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
    "  BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;"
    "CREATE TABLE quarantine ("
    "  sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, reason TEXT NOT NULL,"
    "  data BLOB NOT NULL) STRICT;",

    /* 2: the quarantine keeps a bundle's clear header, hash and size, not its
     * body; derived tables for reports; meta('derived') = 0 asks the next
     * open to fill them from the events */
    "CREATE TABLE quarantine2 ("
    "  sha256 TEXT PRIMARY KEY, device TEXT NOT NULL, reason TEXT NOT NULL,"
    "  header BLOB NOT NULL, size INTEGER NOT NULL) STRICT;"
    "INSERT INTO quarantine2 SELECT sha256, device, reason, substr(data, 1, 176), length(data)"
    "  FROM quarantine;"
    "DROP TABLE quarantine;"
    "ALTER TABLE quarantine2 RENAME TO quarantine;"
    "CREATE INDEX quarantine_device ON quarantine (device);"
    "CREATE INDEX bundle_range ON bundle (device, first_seq, last_seq);"
    "CREATE TABLE equivocation ("
    "  device TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (device, seq)) STRICT;"
    "CREATE TABLE visit ("
    "  visit TEXT PRIMARY KEY, device TEXT NOT NULL, mission_id TEXT, mission_version INTEGER,"
    "  mission_sha256 TEXT, site_code TEXT, site_name TEXT, workflow TEXT, inspectors TEXT,"
    "  opened_at TEXT, opened_local TEXT, closed_at TEXT, closed_local TEXT) STRICT;"
    "CREATE INDEX visit_site ON visit (site_code);"
    "CREATE TABLE tally ("
    "  visit TEXT NOT NULL, kind TEXT NOT NULL, verdict TEXT NOT NULL, n INTEGER NOT NULL,"
    "  PRIMARY KEY (visit, kind, verdict)) STRICT;"
    "CREATE TABLE subject_verdict ("
    "  visit TEXT NOT NULL, subject TEXT NOT NULL, verdict TEXT NOT NULL, device TEXT NOT NULL,"
    "  n INTEGER NOT NULL, PRIMARY KEY (visit, subject, verdict, device)) STRICT;"
    "CREATE INDEX subject_verdict_subject ON subject_verdict (subject);" VISIT_VIEWS(" sum(t.n)")
        DERIVED_AGAIN,

    /* 3: the packs HQ issued, so that a visit whose mission came from
     * anything else is flagged; visits say which pack they used */
    "CREATE TABLE issued_pack ("
    "  sha256 TEXT PRIMARY KEY, mission_id TEXT NOT NULL, version INTEGER NOT NULL,"
    "  issued_at TEXT NOT NULL, expires_at TEXT NOT NULL, targets TEXT NOT NULL) STRICT;"
    "CREATE INDEX issued_pack_mission ON issued_pack (mission_id, version);"
    "ALTER TABLE visit ADD COLUMN pack_sha256 TEXT;"
    "ALTER TABLE visit ADD COLUMN signed_by TEXT;",

    /* 4: what visits found (the findings each device wrote when it closed a
     * visit), what the codes mean (the verdict catalogues of this program),
     * the institutions (from packs HQ issued and from visits), boxes seen;
     * views for analysts with Chinese labels */
    "CREATE TABLE finding ("
    "  visit TEXT NOT NULL, n INTEGER NOT NULL, workflow TEXT, grp TEXT, code TEXT NOT NULL,"
    "  scope INTEGER NOT NULL, cls TEXT, subject TEXT, detail TEXT, amount_fen INTEGER NOT NULL,"
    "  fund_loss_fen INTEGER NOT NULL, count INTEGER NOT NULL, vkey TEXT, summed INTEGER NOT NULL,"
    "  PRIMARY KEY (visit, n)) STRICT;"
    "CREATE INDEX finding_code ON finding (workflow, code);"
    "CREATE INDEX finding_subject ON finding (subject);"
    "CREATE TABLE verdict_label ("
    "  workflow TEXT NOT NULL, code TEXT NOT NULL, scope INTEGER NOT NULL, cls TEXT NOT NULL,"
    "  severity INTEGER NOT NULL, label_zh TEXT NOT NULL, label_en TEXT NOT NULL,"
    "  explain_zh TEXT NOT NULL, explain_en TEXT NOT NULL, workflow_zh TEXT NOT NULL,"
    "  workflow_en TEXT NOT NULL, PRIMARY KEY (workflow, code, scope)) STRICT;"
    "CREATE TABLE site ("
    "  site_code TEXT PRIMARY KEY, site_name TEXT, site_kind TEXT, region_code TEXT,"
    "  region_name TEXT) STRICT;"
    "CREATE TABLE box_obs ("
    "  device TEXT NOT NULL, seq INTEGER NOT NULL, visit TEXT, box_key TEXT NOT NULL,"
    "  verdict TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device, seq)) STRICT;"
    "CREATE INDEX box_obs_key ON box_obs (box_key);" VIEWS_SQLITE,

    /* 5: the findings' institution and device on each row (conflicts join on
     * them), and their sums per visit, what summaries read; subject_verdict
     * is no longer kept (conflicts compare findings and boxes) */
    "DROP TABLE subject_verdict;"
    "ALTER TABLE finding ADD COLUMN site TEXT;"
    "ALTER TABLE finding ADD COLUMN device TEXT;"
    "CREATE INDEX finding_site_subject ON finding (site, subject);"
    "CREATE TABLE finding_sum ("
    "  visit TEXT NOT NULL, site TEXT, month TEXT, workflow TEXT NOT NULL, cls TEXT NOT NULL,"
    "  code TEXT NOT NULL, scope INTEGER NOT NULL, vkey TEXT NOT NULL, count INTEGER NOT NULL,"
    "  amount_fen INTEGER NOT NULL, fund_loss_fen INTEGER NOT NULL,"
    "  PRIMARY KEY (visit, code, scope, vkey)) STRICT;"
    "CREATE INDEX finding_sum_site ON finding_sum (site);",

    /* 6: conflicts start from pairs of visits and read their findings by
     * visit (hqstore_report); finding (site, subject) served only the
     * query that grouped all findings first, and costs every import */
    "DROP INDEX finding_site_subject;",

    /* 7: visits whose open or close was recorded under the test clock
     * (FIELDCHECK_NOW), so that no report passes their times for real ones */
    "ALTER TABLE visit ADD COLUMN test_clock INTEGER NOT NULL DEFAULT 0;",
};
const struct store_schema hq_schema_sqlite = {
    sqlite_steps, sizeof(sqlite_steps) / sizeof(sqlite_steps[0]), 0, STORE_APP_ID_HQ};

/* ---- PostgreSQL -------------------------------------------------------------- */

#define T "TEXT COLLATE \"C\""

const char *const hq_schema_pg[] = {
    /* 1: the same tables as SQLite's steps 1 and 2 */
    "CREATE TABLE device ("
    "  id " T " PRIMARY KEY, sign_pk " T " NOT NULL, box_pk " T " NOT NULL,"
    "  fingerprint " T " NOT NULL, cert BYTEA NOT NULL, enrolled_at " T " NOT NULL,"
    "  revoked_at " T ");"
    "CREATE TABLE bundle ("
    "  sha256 " T " PRIMARY KEY, device " T " NOT NULL, bundle_seq BIGINT NOT NULL,"
    "  first_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL, prev_bundle " T " NOT NULL,"
    "  prev_head " T " NOT NULL, chain_head " T " NOT NULL);"
    "CREATE INDEX bundle_device ON bundle (device, bundle_seq);"
    "CREATE INDEX bundle_range ON bundle (device, first_seq, last_seq);"
    "CREATE TABLE event ("
    "  device " T " NOT NULL, seq BIGINT NOT NULL, hash " T " NOT NULL, id " T " NOT NULL,"
    "  visit " T ", at " T " NOT NULL, kind " T " NOT NULL, subject " T ","
    "  payload " T " NOT NULL, prev_hash " T " NOT NULL, PRIMARY KEY (device, seq, hash));"
    "CREATE INDEX event_visit ON event (visit);"
    "CREATE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
    "  BEGIN RAISE EXCEPTION 'events are append-only: % refused', TG_OP; END $$;"
    "CREATE TRIGGER event_no_change BEFORE UPDATE OR DELETE ON event"
    "  FOR EACH ROW EXECUTE FUNCTION event_append_only();"
    "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event"
    "  FOR EACH STATEMENT EXECUTE FUNCTION event_append_only();"
    "CREATE TABLE quarantine ("
    "  sha256 " T " PRIMARY KEY, device " T " NOT NULL, reason " T " NOT NULL,"
    "  header BYTEA NOT NULL, size BIGINT NOT NULL);"
    "CREATE INDEX quarantine_device ON quarantine (device);"
    "CREATE TABLE equivocation ("
    "  device " T " NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE TABLE visit ("
    "  visit " T " PRIMARY KEY, device " T " NOT NULL, mission_id " T ", mission_version BIGINT,"
    "  mission_sha256 " T ", site_code " T ", site_name " T ", workflow " T ", inspectors " T ","
    "  opened_at " T ", opened_local " T ", closed_at " T ", closed_local " T ");"
    "CREATE INDEX visit_site ON visit (site_code);"
    "CREATE TABLE tally ("
    "  visit " T " NOT NULL, kind " T " NOT NULL, verdict " T " NOT NULL, n BIGINT NOT NULL,"
    "  PRIMARY KEY (visit, kind, verdict));"
    "CREATE TABLE subject_verdict ("
    "  visit " T " NOT NULL, subject " T " NOT NULL, verdict " T " NOT NULL,"
    "  device " T " NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (visit, subject, verdict, device));"
    "CREATE INDEX subject_verdict_subject ON subject_verdict (subject);" VISIT_VIEWS(
        "  CAST(sum(t.n) AS BIGINT)") DERIVED_AGAIN,

    /* 2: as SQLite's step 3 */
    "CREATE TABLE issued_pack ("
    "  sha256 " T " PRIMARY KEY, mission_id " T " NOT NULL, version BIGINT NOT NULL,"
    "  issued_at " T " NOT NULL, expires_at " T " NOT NULL, targets " T " NOT NULL);"
    "CREATE INDEX issued_pack_mission ON issued_pack (mission_id, version);"
    "ALTER TABLE visit ADD COLUMN pack_sha256 " T ";"
    "ALTER TABLE visit ADD COLUMN signed_by " T ";",

    /* 3: as SQLite's step 4 */
    "CREATE TABLE finding ("
    "  visit " T " NOT NULL, n BIGINT NOT NULL, workflow " T ", grp " T ", code " T " NOT NULL,"
    "  scope BIGINT NOT NULL, cls " T ", subject " T ", detail " T ", amount_fen BIGINT NOT NULL,"
    "  fund_loss_fen BIGINT NOT NULL, count BIGINT NOT NULL, vkey " T ", summed BIGINT NOT NULL,"
    "  PRIMARY KEY (visit, n));"
    "CREATE INDEX finding_code ON finding (workflow, code);"
    "CREATE INDEX finding_subject ON finding (subject);"
    "CREATE TABLE verdict_label ("
    "  workflow " T " NOT NULL, code " T " NOT NULL, scope BIGINT NOT NULL, cls " T " NOT NULL,"
    "  severity BIGINT NOT NULL, label_zh " T " NOT NULL, label_en " T " NOT NULL,"
    "  explain_zh " T " NOT NULL, explain_en " T " NOT NULL, workflow_zh " T " NOT NULL,"
    "  workflow_en " T " NOT NULL, PRIMARY KEY (workflow, code, scope));"
    "CREATE TABLE site ("
    "  site_code " T " PRIMARY KEY, site_name " T ", site_kind " T ", region_code " T ","
    "  region_name " T ");"
    "CREATE TABLE box_obs ("
    "  device " T " NOT NULL, seq BIGINT NOT NULL, visit " T ", box_key " T " NOT NULL,"
    "  verdict " T " NOT NULL, at " T " NOT NULL, PRIMARY KEY (device, seq));"
    "CREATE INDEX box_obs_key ON box_obs (box_key);" VIEWS_PG,

    /* 4: as SQLite's step 5 */
    "DROP TABLE subject_verdict;"
    "ALTER TABLE finding ADD COLUMN site " T ";"
    "ALTER TABLE finding ADD COLUMN device " T ";"
    "CREATE INDEX finding_site_subject ON finding (site, subject);"
    "CREATE TABLE finding_sum ("
    "  visit " T " NOT NULL, site " T ", month " T ", workflow " T " NOT NULL, cls " T " NOT NULL,"
    "  code " T " NOT NULL, scope BIGINT NOT NULL, vkey " T " NOT NULL, count BIGINT NOT NULL,"
    "  amount_fen BIGINT NOT NULL, fund_loss_fen BIGINT NOT NULL,"
    "  PRIMARY KEY (visit, code, scope, vkey));"
    "CREATE INDEX finding_sum_site ON finding_sum (site);",

    /* 5: as SQLite's step 6 */
    "DROP INDEX finding_site_subject;",

    /* 6: as SQLite's step 7 */
    "ALTER TABLE visit ADD COLUMN test_clock BIGINT NOT NULL DEFAULT 0;",
};
const int hq_schema_pg_count = sizeof(hq_schema_pg) / sizeof(hq_schema_pg[0]);
