/* Global option parsing, the command table and the shared error printer.
 * Every subcommand is a row here; its code lives in app/cmd_<name>.c. */
#include "app/commands.h"
#include "app/args.h"
#include "app/term.h"

#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/config.h"
#include "core/base/mask.h"
#include "core/store/event.h"
#include "core/base/clock.h"
#include "core/store/store.h"
#include "core/flight/workflow.h"
#include "core/pharmacy/workflow.h"
#include "core/workflow.h"
#include "ui/i18n.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* The kinds of visit some commands take (struct command workflows). */
static const struct workflow *const pharmacy_only[] = {&pharmacy_workflow, NULL};
static const struct workflow *const flight_only[] = {&flight_workflow, NULL};

const struct command app_commands[] = {
    {"init", N_("create the device database (idempotent)"),
     N_("fieldcheck [--db PATH] [--json] init\n\n"
        "Creates the device database (default $XDG_DATA_HOME/fieldcheck/fieldcheck.db,\n"
        "or FIELDCHECK_DB / --db). Running it again changes nothing.\n"),
     cmd_init, 0, NULL},
    {"demo", N_("create a realistic demo mission and load it"),
     N_("fieldcheck [--db PATH] [--json] demo [--seed N] [--no-tui] [--dir DIR] [--gbk]\n\n"
        "Writes a synthetic mission folder (a hospital roster with planted anomalies, a\n"
        "pharmacy with settlements, a suspicion list) to DIR (default <data dir>/demo-mission),\n"
        "loads it and prints what to try, with scannable codes from the generated data.\n"
        "The same seed on the same day gives a byte-identical folder (FIELDCHECK_NOW fixes\n"
        "the day). --gbk writes the CSV files in GB18030 with CRLF, as Excel does.\n"),
     cmd_demo, 0, NULL},
    {"mission", N_("load, list and show missions"),
     N_("fieldcheck [--db PATH] [--json] mission load [--partial] [--warnings FILE] PATH |\n"
        "       mission list | mission show ID\n\n"
        "  load   read a mission folder (mission.json + CSV files or Excel workbooks,\n"
        "         UTF-8, GB18030 or UTF-16, English or Chinese headers) into a new\n"
        "         reference file; prints per-file counts, rejected rows as file:line:\n"
        "         column: reason (value), identical reasons grouped, and warnings (on a\n"
        "         terminal the first ten of each kind and a tally; --warnings FILE\n"
        "         writes them all). Any rejected row fails the load (exit 2, nothing\n"
        "         changes) unless --partial, which skips rejected rows. The same version\n"
        "         with the same content is a no-op; a newer version replaces; an older\n"
        "         is refused.\n"
        "  list   the current version of every loaded mission\n"
        "  show   one mission: version, file, SHA-256 and per-file counts\n"),
     app_run_subcommand, 0, NULL},
    {"visit", N_("open, close, list and show visits"),
     N_("fieldcheck [--db PATH] [--json] visit open --site CODE --kind night|pharmacy|flight\n"
        "                 --inspector NAME --inspector NAME [--credentials-shown] [--at TIME]\n"
        "       fieldcheck visit close [--visit ID] [--at TIME] [--qr] [--qr-dir DIR]\n"
        "       fieldcheck visit list | visit show [ID | --visit ID]\n\n"
        "  open   start a visit at a site of a loaded mission (two inspectors or more)\n"
        "  close  close the visit (default: the open one) and print the checkpoint short code;\n"
        "         --qr also draws the device-signed checkpoint code as a QR code, --qr-dir\n"
        "         writes it to DIR/<visit id>-checkpoint.png and .svg (needs 'keys init')\n"
        "  list   every visit, newest first\n"
        "  show   the visit; for a night check also beds[] and patients[] with their finding,\n"
        "         for a pharmacy count drugs[] (book, counted, variance, flags)\n"
        "         and summary counts (names masked)\n"
        "ID is an id or a prefix of 4+ characters; it defaults to the open visit, else the last.\n"
        "TIME is ISO 8601, local time without an offset; FIELDCHECK_NOW freezes the clock.\n"),
     app_run_subcommand, 0, NULL},
    {"scan", N_("record scans and print one verdict per code"),
     N_("fieldcheck [--db PATH] [--json] scan [--visit ID] [--at TIME] [--typed] CODE...\n"
        "       fieldcheck scan [--visit ID] --replay FILE.csv\n\n"
        "Each code is classified (action word, reference index, site patterns, shape), judged\n"
        "against the roster and committed before its verdict is printed. Action words:\n"
        "EMPTY_BED NO_WRISTBAND NO_ID EXAM. An admission number of the site, typed as a code,\n"
        "counts as the wristband. With --json, one object per code: code, kind, verdict,\n"
        "detail, message, bed (ward_code:bed), admission_no, seq, event.\n"
        "  --typed   the codes were typed by hand (recorded as such)\n"
        "  --replay  feed recorded scans from a CSV (time,code; header optional); bad lines\n"
        "            are reported with file:line and skipped, and the exit code is then 2\n"
        "Verdicts: BED_LISTED BED_NOT_LISTED MATCH WRONG_BED NOT_ON_LIST IDENTITY_MISMATCH\n"
        "INVALID_ID UNVERIFIED RECORDED DUPLICATE_SCAN NO_BED UNRECOGNIZED. Anomalies exit 0.\n"
        "Pharmacy visits: scan each box's 20-digit traceability code, GS1 DataMatrix or GTIN;\n"
        "DRUG_CODE:QTY records a manual count. With --json also drug_code, qty, round.\n"
        "Verdicts: COUNTED GTIN_COUNTED SOLD_CODE_ON_SHELF DUPLICATE_SCAN UNKNOWN_ITEM "
        "RECORDED.\n"),
     cmd_scan, CMD_VISIT, NULL},
    {"count", N_("pharmacy: manual count, recount, blind counting"),
     N_("fieldcheck [--db PATH] [--json] count DRUG_CODE --qty N [--visit ID] [--at TIME]\n"
        "       fieldcheck count DRUG_CODE --recount [--visit ID] [--at TIME]\n"
        "       fieldcheck count --blind | --save | --complete [--visit ID] [--at TIME]\n\n"
        "  --qty N     add N units (the drug's unit, e.g. tablets of an opened split pack);\n"
        "              verdict RECORDED, or UNKNOWN_ITEM for a drug the site does not list\n"
        "  --recount   start a new round for the drug: its count restarts at zero, its boxes\n"
        "              can be scanned again, only the latest round counts\n"
        "  --blind     hide book figures (visit show, reconcile, report) while counting\n"
        "  --save      save the count and show book figures (closing the visit does too)\n"
        "  --complete  the count is complete: drugs nobody counted now count as 0 and get\n"
        "              D01/D02; before it they are NOT_COUNTED (no finding, no amount)\n"
        "A scanned box counts pack_factor units: 1 for whole-pack drugs, the pack size for\n"
        "split-pack rows whose unit is the tablet.\n"),
     cmd_count, CMD_VISIT, pharmacy_only},
    {"reconcile", N_("pharmacy findings D01-D09"),
     N_("fieldcheck [--db PATH] [--json] reconcile [--visit ID]\n\n"
        "Compares the count with the books and the insurance settlements, per drug, in the\n"
        "drug's unit. book = opening + purchased - purchase returns - sold + sale returns\n"
        "+ adjustments. Rules:\n"
        "  D01_STOCK_SHORTAGE          counted < book\n"
        "  D02_STOCK_OVERAGE           counted > book\n"
        "  D03_SETTLED_GT_SOLD         settled > sold (insured sales when given)\n"
        "  D04_NEGATIVE_BOOK           sold > opening + purchased\n"
        "  D05_SETTLED_GT_AVAILABLE    settled > opening + purchased\n"
        "  D06_PRICE_ABOVE_CAP         settled unit price > price cap (a, b are prices)\n"
        "  D07_TRACE_DUPLICATE         a code settled for more than its pack\n"
        "  D08_TRACE_PRODUCT_MISMATCH  a settled or counted code of another product prefix\n"
        "  D09_SOLD_CODE_ON_SHELF      a counted box whose code insurance settled\n"
        "With --json, one object per finding: drug_code, rule, a, b, diff, amount (yuan),\n"
        "amount_fen, evidence (up to 10), evidence_total, note. Refused while counting blind.\n"),
     cmd_reconcile, CMD_VISIT, pharmacy_only},
    {"susp", N_("flight inspection: work through the suspicion lines (疑点)"),
     N_("fieldcheck [--db PATH] [--json] susp SUBCOMMAND [--visit ID] ...\n\n"
        "  list [--rule R] [--state S] [--inspector NAME]\n"
        "                          the lines of the visit's site with their state\n"
        "  show SUSP_ID            one line: fields, verdict, response, history, findings\n"
        "  verify SUSP_ID --verdict V [--amount X] [--fund-loss Y] [--note T]\n"
        "         [--over-reason T] [--at TIME]\n"
        "                          V: CONFIRMED|PARTIAL|REFUTED|PENDING or "
        "属实|部分属实|不属实|待查.\n"
        "                          X is the confirmed irregular amount (违规费用) in yuan, Y the\n"
        "                          fund loss (基金损失). CONFIRMED without --amount takes the\n"
        "                          line's suspect amount; PARTIAL needs --amount; REFUTED and\n"
        "                          PENDING carry no amounts. An amount above the line amount\n"
        "                          needs --over-reason; fund loss defaults to the irregular\n"
        "                          amount and may not exceed it. A later verdict replaces an\n"
        "                          earlier one.\n"
        "  respond SUSP_ID --text T        the institution's response (申辩)\n"
        "  assign SUSP_ID --inspector NAME assign the line to an inspector\n"
        "  totals                  counts and amounts by state and by violation code\n\n"
        "--visit defaults to the open visit (else the last one); changes need it open.\n"
        "Names and ID numbers are masked. Exit codes: 1 usage, 2 invalid amount or unknown\n"
        "line, 4 database error.\n"),
     app_run_subcommand, CMD_VISIT, flight_only},
    {"finding", N_("flight inspection: record findings against the violation taxonomy"),
     N_("fieldcheck [--db PATH] [--json] finding add --code CODE --note T [options]\n"
        "       fieldcheck [--json] finding list [--visit ID]\n\n"
        "  --code CODE            V38-1..7, V39-1..7, V40-1..4 or V-JXC\n"
        "  --amount X             irregular amount (违规费用) in yuan; defaults to qty x price\n"
        "  --fund-loss Y          fund loss (基金损失); defaults to the irregular amount\n"
        "  --qty N --unit-price P quantity and unit price (the amount may not exceed N x P)\n"
        "  --lines ID,...         suspicion lines involved (must exist at the site)\n"
        "  --patients ADM,...     admission numbers of the patients involved\n"
        "  --evidence FILE        register FILE as evidence with the finding\n"
        "  --visit ID, --at TIME\n"),
     app_run_subcommand, CMD_VISIT, flight_only},
    {"evidence", N_("register evidence files and verify they are unchanged"),
     N_("fieldcheck [--db PATH] [--json] evidence add FILE [--note T] | evidence list |\n"
        "       evidence verify   [--visit ID]\n\n"
        "  add      record FILE's absolute path, SHA-256, size and modification time; the\n"
        "           file is only read, never copied or changed\n"
        "  list     the register of the visit\n"
        "  verify   re-hash every registered file; exit 3 when any changed or is missing\n"),
     app_run_subcommand, CMD_VISIT, NULL},
    {"interview", N_("record an interview (询问笔录)"),
     N_("fieldcheck [--db PATH] [--json] interview add --place T --person NAME:ROLE[:ID]...\n"
        "       --q QUESTION --a ANSWER ... (--signed | --refused REASON) [--time TIME]\n"
        "       [--note T] [--visit ID] [--at TIME]\n"
        "       fieldcheck interview add --from FILE.json\n\n"
        "Items keep their order; each --a answers the --q before it. FILE.json holds\n"
        "{\"place\", \"held_at\", \"people\": [{\"name\", \"role\", \"id_number\"}],\n"
        " \"items\": [{\"q\", \"a\"}], \"signed\": true | \"refusal\": REASON, \"note\"}.\n"),
     app_run_subcommand, CMD_VISIT, NULL},
    {"amend", N_("correct a scan with a new event"),
     N_("fieldcheck [--db PATH] [--json] amend EVENT_ID [--code CODE] [--note TEXT]\n"
        "                 [--visit ID] [--at TIME]\n\n"
        "Replaces the scan's code (judged at the scan's original place in the walk) and/or\n"
        "attaches a note. EVENT_ID is the event id (or 8+ character prefix) or its seq.\n"
        "Prints the scan's verdict after the correction.\n"),
     cmd_amend, CMD_VISIT, NULL},
    {"void", N_("cancel a scan with a new event"),
     N_("fieldcheck [--db PATH] [--json] void EVENT_ID --reason TEXT [--visit ID] [--at TIME]\n\n"
        "The scan stays in the log; results are recomputed without it.\n"),
     cmd_void, CMD_VISIT, NULL},
    {"report", N_("write a visit report or printable document (csv, md or html)"),
     N_("fieldcheck [--db PATH] [--json] report [--visit ID] --format csv|md|html -o PATH\n"
        "       [--encoding utf-8|gb18030] [--doc site-record|interview|evidence|beds]\n"
        "       [--unmask --reason TEXT]\n\n"
        "Night visit report: summary counts, then anomalies, then the other beds and\n"
        "patients. Names are masked. Pharmacy visit report: one row per drug (book,\n"
        "counted, variance, flags) and one per finding. The file is written atomically;\n"
        "-o - writes to standard output. Reports speak the user's language (headings,\n"
        "labels, CSV headers); codes stay codes. A CSV file opens in Excel on Chinese\n"
        "Windows: UTF-8 with a byte-order mark and CRLF, or --encoding gb18030 for\n"
        "Excel 2007 and older.\n"
        "--format html writes one self-contained page for A4 printing with the\n"
        "checkpoint and its QR and a signature block on every page (Chinese; English\n"
        "with FIELDCHECK_LANG=en). --doc writes a document instead of the report:\n"
        "site-record (现场检查笔录), interview (询问笔录), evidence (证据先行登记保存清单),\n"
        "beds (night-check bed list). --unmask --reason shows names and IDs in full\n"
        "and records an 'unmask' event first. See docs/reports.md.\n"),
     cmd_report, CMD_VISIT, NULL},
    {"export", N_("write a bundle of all events not yet acknowledged by HQ"),
     N_("fieldcheck [--db PATH] [--json] export -o DIR\n\n"
        "Writes DIR/<device>-<bundle>.fcb: every event after the last receipt, compressed,\n"
        "encrypted to HQ and signed; then reads it back and verifies it. Deletes nothing.\n"),
     cmd_export, 0, NULL},
    {"draw", N_("the on-site 双随机 draw from the mission's institutions, recorded"),
     N_("fieldcheck [--db PATH] [--json] draw --seed TEXT --count N|KIND=N,...\n"
        "       [--mission ID] [--region CODE]\n\n"
        "Draws institutions at random from the loaded mission's sites (the candidate pool\n"
        "HQ signed into the pack), reproducibly from the seed the team announces (for\n"
        "example the digits of a public lottery draw), and records the draw as an event\n"
        "that goes to HQ with the next export. --count 3 draws three of any kind,\n"
        "--count hospital=2,pharmacy=1 two hospitals and one pharmacy; --region keeps the\n"
        "institutions whose region code starts with CODE (e.g. 3101 for a city). The\n"
        "algorithm is docs/draw.md: anyone with the pack's sites.csv and the seed can\n"
        "check the result.\n"),
     cmd_draw, 0, NULL},
    {"receipt", N_("apply an HQ receipt"),
     N_("fieldcheck [--db PATH] [--json] receipt apply CODE|FILE\n\n"
        "Verifies HQ's signed receipt (exit 3 if it does not verify or names another chain)\n"
        "and records which events HQ holds, so the next export starts after them.\n"),
     cmd_receipt, 0, NULL},
    {"keys", N_("device keys; HQ's public keys; enrollment code"),
     N_("fieldcheck [--db PATH] [--json] keys init | keys trust HQ_PUB_FILE |\n"
        "       keys show [--qr] [--qr-png FILE] [--qr-svg FILE]\n\n"
        "  init   create this device's signing and encryption keys (device.key, mode 0600,\n"
        "         next to the database); prints the enrollment code\n"
        "  show   the device id, key fingerprint and enrollment code for 'hq enroll';\n"
        "         --qr draws it as a QR code (black on white, any terminal theme),\n"
        "         --qr-png / --qr-svg write it as an image file\n"
        "  trust  trust HQ's public keys (hq.pub): packs and receipts must be signed by them,\n"
        "         bundles are encrypted to them\n"),
     cmd_keys, 0, NULL},
    {"hq", N_("headquarters: keys, enrollment, packs, import, report, receipts"),
     N_("fieldcheck [--json] hq [--hq DIR] [--db-url URL] init | enroll CODE | revoke DEVICE |\n"
        "    pack DIR -o FILE (--to DEVICE... | --all-enrolled) [--lead DEVICE] [--partial] |\n"
        "    import FILE... |\n"
        "    report [--format html -o PATH] | receipt DEVICE [--qr] [--qr-png FILE] [--qr-svg "
        "FILE] |\n"
        "    quarantine list [--device DEVICE] | quarantine purge (--device DEVICE | --all) |\n"
        "    draw --targets FILE --inspectors FILE --seed TEXT --count N|KIND=N,...\n"
        "         [--team-size 2] [--exclude-days N] [--date YYYY-MM-DD] [--top N]\n"
        "         [--cross-region province|city|county] [-o FILE] [--pack DIR [--pack-out DIR]] |\n"
        "    draw verify FILE [--targets FILE] [--inspectors FILE] |\n"
        "    migrate --to URL\n\n"
        "DIR holds hq.key and hq.pub (default <data dir>/hq; FIELDCHECK_HOME honoured), and\n"
        "HQ's store hq.db unless --db-url (or FIELDCHECK_HQ_DB_URL, or hq.db_url in the\n"
        "configuration file) names a PostgreSQL database: postgresql://USER@HOST/DB.\n"
        "Several workstations may import into one PostgreSQL database at once.\n"
        "  pack     encrypt and sign a mission folder for its target devices (--to, repeatable,\n"
        "           enrolled devices; or --all-enrolled). The folder is validated with the\n"
        "           device's loader first: rejected rows refuse the pack (exit 2) unless\n"
        "           --partial, which leaves them out and says how many; an expired mission,\n"
        "           a symbolic link or a non-regular file is refused. Written with mode 0600.\n"
        "           --lead DEVICE (one of the targets) makes the targets a team: their\n"
        "           bundles open for the lead's device too ('team import')\n"
        "  import   verify, decrypt and merge bundles; the same bundle again changes nothing;\n"
        "           unknown or revoked devices are quarantined (exit 3)\n"
        "  report   what the visits found (the findings each device wrote when it closed a\n"
        "           visit): per workflow, anomalies first and what was not covered beside,\n"
        "           by institution, by month, each institution's visits; conflicts between\n"
        "           devices on the same bed or box; then events by kind and verdict, gaps,\n"
        "           equivocations, quarantine; --format html -o PATH writes it as a page\n"
        "  receipt  the signed receipt code for a device (printed last, before its QR code\n"
        "           with --qr; --qr-png / --qr-svg write it as an image file)\n"
        "  quarantine  the bundles HQ refused (unknown or revoked device): hash, device,\n"
        "           size and reason, never their content; at most hq.quarantine_cap per\n"
        "           device; purge forgets them\n"
        "  draw     the 双随机 draw: institutions from the targets file (leaving out those\n"
        "           inspected within --exclude-days, from the top --top by ranking value)\n"
        "           and a team of --team-size inspectors for each, none with a conflict\n"
        "           (回避; --cross-region: not from the institution's own region), reproducibly\n"
        "           from the published --seed (docs/draw.md); writes a record signed by HQ\n"
        "           (-o, mode 0600); --pack makes each team a pack of its institution's\n"
        "           rows of the mission folder DIR for its members' devices\n"
        "  draw verify  check a draw record's signature, its input files and its result\n"
        "  migrate  copy everything from the current store (hq.db) into an empty PostgreSQL\n"
        "           database and check that both give the same digest\n"),
     cmd_hq, CMD_SUBHELP, NULL},
    {"team", N_("the lead's view of the team: teammates' bundles merged on this laptop"),
     N_("fieldcheck [--db PATH] [--json] team import FILE... | team show [--mission ID] |\n"
        "           team view [--mission ID] [--kind KIND] [--conflicts] |\n"
        "           team report [--mission ID] [--site CODE] [--doc site-record|summary] -o "
        "PATH |\n"
        "           team assign --member DEVICE [--inspector NAME] [--mission ID] [--site CODE]\n"
        "                       [-o FILE] [--qr] [--qr-dir DIR] SUSP_ID... |\n"
        "           team assignments apply CODE|FILE | team checkpoint --verify CODE|FILE\n\n"
        "A mission pack made with 'hq pack --lead DEVICE' names a team: its members' bundles\n"
        "('export') are sealed to HQ and to the lead's device. On the lead's laptop:\n"
        "  import   verify, open and merge teammates' bundles into the team store (team.db\n"
        "           beside the device database) exactly as HQ merges them: the same bundle\n"
        "           again changes nothing, any order gives the same store, gaps and\n"
        "           equivocations are reported (exit 3 for an equivocation). Members' events\n"
        "           keep their own chains and never enter this device's records\n"
        "  show     every member of the teams this device leads: bundles, events, chain head,\n"
        "           missing seqs and equivocations\n"
        "  view     the team's records item by item (suspicion lines, beds, patients, drugs)\n"
        "           with who recorded each: every member's worksheet, ward walk or count as\n"
        "           the member's laptop derives it, beside this device's own. An item two\n"
        "           members recorded differently is a CONFLICT, never resolved for you:\n"
        "           record your own verdict. --conflicts lists only those\n"
        "  report   the team's on-site record (site-record, 现场检查笔录) or summary as HTML:\n"
        "           every finding with who recorded it, undecided conflicts apart and in no\n"
        "           total, the members' chain heads, and the team checkpoint (the lead's\n"
        "           signature over those heads) as QR (also in --json as checkpoint)\n"
        "  checkpoint --verify  check a team checkpoint (the code under a team document's QR,\n"
        "           or a file holding it) on any device of the team: the lead's signature\n"
        "           with the lead's key from the signed pack (exit 3 when it fails)\n"
        "  assign   hand open suspicion lines (no member's verdict decides them) to a member\n"
        "           (a device id or a prefix of one), for one of its inspectors (default: the\n"
        "           first of its visit): recorded in this device's own chain, printed as a\n"
        "           signed code (FCA1..., one per line of -o FILE, and as QR with --qr or\n"
        "           --qr-dir). A line someone decided is refused (exit 2)\n"
        "On a member's laptop:\n"
        "  assignments apply  verify a code of the lead (typed, scanned, or one per line of a\n"
        "           file) with the lead's key from the signed pack (exit 3 when it fails or\n"
        "           the code is for another device) and record its lines as assigned on the\n"
        "           open flight inspection of the site: the worksheet shows them as yours.\n"
        "           The same code again, or an older one, changes nothing\n"),
     cmd_team, 0, NULL},
    {"db", N_("integrity, chain verification, derived-state rebuild"),
     N_("fieldcheck [--db PATH] [--json] db check | db rebuild\n\n"
        "  check    verify SQLite integrity and the event hash chain; names the first bad seq\n"
        "           (exit 3 on failure)\n"
        "  rebuild  recreate every derived table from the events and report whether the\n"
        "           result was identical to the stored state\n"),
     cmd_db, 0, NULL},
    {"tui", N_("the terminal UI (the default with no command on a terminal)"),
     N_("fieldcheck [--db PATH] tui [--theme day|night|mono]\n\n"
        "Opens the terminal UI on the open visit's screen, else on home. Also what\n"
        "'fieldcheck' with no command does when stdin and stdout are terminals.\n"
        "Environment: FIELDCHECK_LANG=zh|en, FIELDCHECK_THEME, FIELDCHECK_BELL=beep|flash|off,\n"
        "FIELDCHECK_SCAN_GAP_MS, FIELDCHECK_SCAN_QUIET_MS, FIELDCHECK_LOG.\n"),
     cmd_tui, 0, NULL},
    {"config", N_("show and change settings (theme, scanner, masking, language)"),
     N_("fieldcheck [--json] config list | config get KEY | config set KEY VALUE\n\n"
        "  list  every setting with its value and where it comes from\n"
        "  get   print one value\n"
        "  set   write KEY = VALUE into the user file ($XDG_CONFIG_HOME/fieldcheck/config)\n"
        "Precedence: environment > user file > /etc/fieldcheck/config > default.\n"),
     app_run_subcommand, 0, NULL},
    {"help", N_("show help for a command"),
     N_("fieldcheck help [COMMAND]\n\n"
        "Prints the list of commands, or the usage of COMMAND.\n"),
     cmd_help, 0, NULL},
    {NULL, NULL, NULL, NULL, 0, NULL},
};

const struct subcommand app_subcommands[] = {
    {"config", "list", cmd_config_list},
    {"config", "get", cmd_config_get},
    {"config", "set", cmd_config_set},
    {"evidence", "add", cmd_evidence_add},
    {"evidence", "list", cmd_evidence_list},
    {"evidence", "verify", cmd_evidence_verify},
    {"finding", "add", cmd_finding_add},
    {"finding", "list", cmd_finding_list},
    {"interview", "add", cmd_interview_add},
    {"mission", "load", cmd_mission_load},
    {"mission", "list", cmd_mission_list},
    {"mission", "show", cmd_mission_show},
    {"susp", "list", cmd_susp_list},
    {"susp", "show", cmd_susp_show},
    {"susp", "verify", cmd_susp_verify},
    {"susp", "respond", cmd_susp_respond},
    {"susp", "assign", cmd_susp_assign},
    {"susp", "totals", cmd_susp_totals},
    {"visit", "open", cmd_visit_open},
    {"visit", "close", cmd_visit_close},
    {"visit", "list", cmd_visit_list},
    {"visit", "show", cmd_visit_show},
    {NULL, NULL, NULL},
};

static void print_help(FILE *out)
{
    fputs(_("usage: fieldcheck [--db PATH] [--json] COMMAND [ARGS]\n\ncommands:\n"), out);
    for (const struct command *c = app_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, _(c->summary));
    fputs(_("\nRun 'fieldcheck COMMAND --help' for a command's options.\n"
            "Exit codes: 0 ok, 1 usage, 2 data/input error, 3 integrity/verification failure, "
            "4 I/O.\n"),
          out);
}

void app_print_help(FILE *out)
{
    print_help(out);
}

void app_print_json(json_t *obj)
{
    if (!obj)
        return;
    json_dumpf(obj, stdout, JSON_COMPACT);
    fputc('\n', stdout);
    json_decref(obj);
}

int app_is_stdout(const char *path)
{
    return path && !strcmp(path, "-");
}

int app_write_out(struct app *app, const char *path, const void *data, size_t len, int binary)
{
    FILE *out;

    if (!app_is_stdout(path))
        return fs_write_atomic(path, data, len, 0600, &app->err);
    if (binary && isatty(STDOUT_FILENO))
        return fc_error_set(&app->err, FC_EUSAGE,
                            "not writing a file in another encoding to a terminal: redirect "
                            "standard output or give a file name instead of '-'");
    /* a text report shown on a terminal passes the filter like any line;
     * into a pipe or file it stays the exact bytes of the report */
    out = binary || !isatty(STDOUT_FILENO) ? app_raw_stdout() : stdout;
    if (fwrite(data, 1, len, out) != len || fflush(out))
        return fc_error_setsys(&app->err, FC_EIO, errno, "cannot write to standard output: %s",
                               strerror(errno));
    return FC_OK;
}

int app_write_report(struct app *app, const char *path, const char *format,
                     enum report_csv_encoding encoding, const struct workflow *wf,
                     const struct visit *v)
{
    struct buf delivered = BUF_INIT;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int rc;

    if (!mem) {
        rc = fc_error_setsys(&app->err, FC_EIO, errno, "cannot build the report: %s",
                             strerror(errno));
        goto out;
    }
    /* a visit timed by FIELDCHECK_NOW says so first; a CSV file keeps its
     * header first (its events carry the mark) */
    if (strcmp(format, "csv") && visit_test_clock(app->store, v->id))
        fprintf(mem, "> %s\n\n",
                _("recorded under the test clock (FIELDCHECK_NOW): these times are not real"));
    rc = wf->report(app->store, v, format, mem, &app->err);
    fclose(mem);
    if (!rc && !strcmp(format, "csv"))
        rc = report_csv_deliver(text, len, encoding, &delivered, &app->err);
    /* GB18030 on a (UTF-8) terminal is unreadable bytes: only to a file or pipe */
    if (!rc && !strcmp(format, "csv"))
        rc = app_write_out(app, path, delivered.ptr, delivered.len, encoding != REPORT_CSV_UTF8);
    else if (!rc)
        rc = app_write_out(app, path, text, len, 0);
    /* with "-" the report itself is the output: nothing else on stdout */
    if (!rc && !app_is_stdout(path)) {
        if (app->json)
            app_print_json(json_pack("{s:b, s:s, s:s}", "ok", 1, "path", path, "format", format));
        else
            printf(_("report written to %s\n"), path);
    }
out:
    buf_release(&delivered);
    free(text);
    return rc ? app_fail(app, rc) : 0;
}

void app_usage(const struct command *cmd, FILE *out)
{
    fprintf(out, _("usage: %s"), _(cmd->usage));
}

int app_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            return 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
            return 1;
    }
    return 0;
}

/* The texts of fc_strerror() marked for translation (core/base cannot use
 * gettext); the msgids must stay equal to the FC_ERRORS table. */
static const struct {
    int code;
    const char *text;
} error_texts[] = {
    {FC_EUSAGE, N_("invalid usage")},
    {FC_EINPUT, N_("invalid input")},
    {FC_ENOTFOUND, N_("not found")},
    {FC_EEXIST, N_("already exists")},
    {FC_ESTATE, N_("not allowed in the current state")},
    {FC_EENCODING, N_("unsupported text encoding")},
    {FC_ELIMIT, N_("limit exceeded")},
    {FC_EINTEGRITY, N_("integrity check failed")},
    {FC_EVERIFY, N_("verification failed")},
    {FC_EIO, N_("input/output error")},
    {FC_EDB, N_("database error")},
    {FC_EINTERNAL, N_("internal error")},
};

/* fc_strerror(code) in the CLI language. */
static const char *error_text(int code)
{
    for (size_t i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
        if (error_texts[i].code == code)
            return _(error_texts[i].text);
    return fc_strerror(code);
}

/* The detail of an error comes from deep in core, in English with its subject
 * quoted; translated, the category of the code goes in front of it, so a
 * Chinese reader sees what kind of failure it is (docs/decisions.md, "CLI
 * language"). English output is the detail alone, as scripts expect. */
int app_fail(struct app *app, int code)
{
    const char *msg = app->err.msg[0] ? app->err.msg : fc_strerror(code);
    const char *what = error_text(code);

    if (app->json) {
        app_print_json(json_pack("{s:b, s:s, s:s, s:i}", "ok", 0, "error", fc_errname(code),
                                 "message", msg, "exit", fc_exit_code(code)));
    }
    if (!app->err.msg[0])
        fprintf(stderr, "fieldcheck: %s\n", what);
    else if (strcmp(app->err.msg_local, app->err.msg))
        fprintf(stderr, "fieldcheck: %s\n", app->err.msg_local); /* translated in full */
    else if (strcmp(what, fc_strerror(code)))
        fprintf(stderr, "fieldcheck: %s: %s\n", what, msg);
    else
        fprintf(stderr, "fieldcheck: %s\n", msg);
    return fc_exit_code(code);
}

/* Unmasking is an audited act (DESIGN §2.5): the first time a device
 * database is used under a masking policy other than the one last recorded,
 * a "mask_policy" event records the change and where it came from. */
static int audit_mask_policy(struct store *s, int check_only, int *needed, struct fc_error *err)
{
    struct buf last = BUF_INIT, now = BUF_INIT;
    const char *where = NULL;
    int rc;

    *needed = 0;
    buf_addf(&now, "names=%s,ids=%s", mask_names_on() ? "on" : "off", mask_ids_on() ? "on" : "off");
    rc = store_meta_get(s, "mask_policy", &last, NULL);
    if (rc == FC_ENOTFOUND && mask_names_on() && mask_ids_on()) {
        rc = FC_OK; /* never changed from the default */
        goto out;
    }
    if (rc == FC_OK && !strcmp(last.ptr, now.ptr))
        goto out;
    *needed = 1;
    rc = FC_OK;
    if (check_only)
        goto out;
    config_source(mask_names_on() ? "mask.ids" : "mask.names", &where);
    {
        json_t *p = json_pack("{s:s, s:s, s:s?}", "names", mask_names_on() ? "on" : "off", "ids",
                              mask_ids_on() ? "on" : "off", "source", where);
        char *payload = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);

        rc = store_begin(s, err);
        if (!rc)
            rc = event_append(s, NULL, clock_now_ms(), "mask_policy", NULL, payload, NULL, err);
        if (!rc)
            rc = store_meta_set(s, "mask_policy", now.ptr, err);
        if (!rc)
            rc = store_commit(s, err);
        if (rc)
            store_rollback(s);
        free(payload);
        json_decref(p);
    }
    if (!rc && (!mask_names_on() || !mask_ids_on()))
        fprintf(stderr, _("fieldcheck: warning: masking is off (%s); the change is recorded\n"),
                now.ptr);
out:
    buf_release(&last);
    buf_release(&now);
    return rc;
}

struct store *app_store(struct app *app)
{
    int rc, needed = 0;

    if (app->store)
        return app->store;
    rc = store_open(&app->store, app->db_path, &app->err);
    if (!rc)
        rc = audit_mask_policy(app->store, 0, &needed, &app->err);
    if (rc) {
        store_close(app->store);
        app->store = NULL;
        return NULL;
    }
    return app->store;
}

struct store *app_store_read(struct app *app)
{
    int rc, needed = 0;

    if (app->store)
        return app->store;
    rc = store_open_readonly(&app->store, app->db_path, &app->err);
    if (rc == FC_ESTATE) /* an older schema: upgrading it is a write */
        return app_store(app);
    if (!rc)
        rc = audit_mask_policy(app->store, 1, &needed, &app->err);
    if (!rc && needed) {
        /* showing names or IDs unmasked is recorded first: that is a write */
        store_close(app->store);
        app->store = NULL;
        return app_store(app);
    }
    if (rc) {
        store_close(app->store);
        app->store = NULL;
        return NULL;
    }
    return app->store;
}

/* The CLI speaks the TUI's language (ui/i18n.c): FIELDCHECK_LANG, else the
 * locale, and ui.lang from the configuration files. Those files are read
 * quietly here so that help and usage errors follow ui.lang too; commands read
 * them again with warnings (app_load_config) and re-pick the language. */
static void app_i18n_init(void)
{
    ui_i18n_init();
    if (!config_load(NULL, NULL))
        config_export_env();
    ui_lang_refresh();
}

/* "unknown command 'vist'; did you mean 'visit'?" rather than the whole
 * command list: the list is one "fieldcheck help" away. */
int app_unknown_command(struct app *app, const char *word)
{
    const char *names[64];
    const char *best;
    size_t n = 0;

    for (const struct command *c = app_commands; c->name && n < 64; c++)
        names[n++] = c->name;
    best = app_closest(word, names, n);
    if (best)
        fc_error_set(&app->err, FC_EUSAGE, "unknown command '%s'; did you mean '%s'?", word, best);
    else
        fc_error_set(&app->err, FC_EUSAGE,
                     "unknown command '%s' (run 'fieldcheck help' for the list)", word);
    return app_fail(app, FC_EUSAGE);
}

static const struct command *command_find(const char *name)
{
    for (const struct command *c = app_commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int app_has_subcommand(const char *cmd, const char *sub)
{
    const struct command *c = command_find(cmd);
    struct usage_model *m;
    int found;

    if (!c)
        return 0;
    m = usage_parse(c);
    found = usage_sub(m, sub) != NULL;
    usage_free(m);
    return found;
}

int app_bad_subcommand(struct app *app, const char *cmd, const char *sub)
{
    const struct command *c = command_find(cmd);
    struct usage_model *m = NULL;
    const char *names[USAGE_MAX_SCOPES];
    const char *best = NULL;
    struct buf list = BUF_INIT;
    size_t n = 0;

    if (c) {
        m = usage_parse(c);
        for (size_t i = 1; i < m->nscopes; i++) {
            names[n++] = m->scopes[i].name;
            buf_addf(&list, "%s%s", i > 1 ? ", " : "", m->scopes[i].name);
        }
    }
    if (sub && *sub)
        best = app_closest(sub, names, n);
    if (!sub || !*sub)
        fc_error_set(&app->err, FC_EUSAGE, "%s: missing subcommand (%s)", cmd, list.ptr);
    else if (best)
        fc_error_set(&app->err, FC_EUSAGE, "%s: unknown subcommand '%s'; did you mean '%s'?", cmd,
                     sub, best);
    else
        fc_error_set(&app->err, FC_EUSAGE, "%s: unknown subcommand '%s' (%s)", cmd, sub, list.ptr);
    buf_release(&list);
    usage_free(m);
    return app_fail(app, FC_EUSAGE);
}

int app_run_subcommand(struct app *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : NULL;

    for (const struct subcommand *s = app_subcommands; sub && s->command; s++)
        if (!strcmp(s->command, app->cmd->name) && !strcmp(s->name, sub))
            return s->run(app, argc, argv);
    return app_bad_subcommand(app, argv[0], sub);
}

/* Takes --visit ID / --visit=ID and --at TIME / --at=TIME out of argv
 * (before "--") for a CMD_VISIT command; 1 after printing a usage error. */
static int take_visit_options(struct app *app, int *argc, char **argv)
{
    const struct app_opt opts[] = {{"--visit", &app->visit_name, NULL, NULL, NULL},
                                   {"--at", &app->at_text, NULL, NULL, NULL},
                                   {NULL, NULL, NULL, NULL, NULL}};

    return app_take_options(argv[0], argc, argv, opts);
}

int app_at(struct app *app, int64_t *ms)
{
    return app_parse_time(app, app->at_text, ms);
}

int app_visit(struct app *app, const struct visit **v, const struct workflow **wf)
{
    const struct command *c = app->cmd;
    struct store *s;
    int rc = FC_OK;

    if (!app->have_visit) {
        s = app_store(app);
        if (!s)
            return app->err.code ? app->err.code : FC_EDB;
        visit_release(&app->visit);
        rc = workflow_attach(s, app->visit_name, &app->visit, &app->wf, &app->err);
        for (const struct workflow *const *w = c ? c->workflows : NULL; !rc && w; w++) {
            if (*w == app->wf)
                break;
            if (!*w)
                rc = fc_error_set(&app->err, FC_ESTATE, "visit '%.8s' is a %s: '%s' is for %s",
                                  app->visit.id, workflow_label_in(app->wf, FC_LANG_EN), c->name,
                                  workflow_label_in(c->workflows[0], FC_LANG_EN));
        }
        if (rc)
            return rc;
        app->have_visit = 1;
    }
    if (v)
        *v = &app->visit;
    if (wf)
        *wf = app->wf;
    return FC_OK;
}

static int app_run(struct app *app, const struct command *c, int argc, char **argv)
{
    int rc;

    if (!(c->flags & CMD_SUBHELP) && app_wants_help(argc, argv)) {
        app_usage(c, stdout);
        return 0;
    }
    app->cmd = c;
    if ((c->flags & CMD_VISIT) && take_visit_options(app, &argc, argv))
        return 1;
    rc = c->run(app, argc, argv);
    visit_release(&app->visit);
    app->have_visit = 0;
    store_close(app->store);
    app->store = NULL;
    return rc;
}

/* Global options may stand before or after the command name (scripts write
 * both); they are taken out of argv so commands never see them. */
static int take_global_options(struct app *app, int *argc, char **argv)
{
    int out = 1;

    for (int i = 1; i < *argc; i++) {
        if (!strcmp(argv[i], "--")) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (!strcmp(argv[i], "--json")) {
            app->json = 1;
        } else if (!strcmp(argv[i], "--db")) {
            if (i + 1 >= *argc) {
                fputs(_("fieldcheck: --db needs a path\n"), stderr);
                return -1;
            }
            app->db_path = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            app->db_path = argv[i] + 5;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    argv[out] = NULL;
    return 0;
}

/* The process holds keys and rosters: it never leaves them in a core file,
 * and other processes of the same user cannot attach to read its memory. A
 * core pipe (systemd-coredump) ignores RLIMIT_CORE, hence the prctl too. */
static void no_core_dumps(void)
{
    struct rlimit none = {0, 0};

    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int app_main(int argc, char **argv)
{
    struct app app;
    int i = 1;

    no_core_dumps();
    memset(&app, 0, sizeof(app));
    app.db_path = getenv("FIELDCHECK_DB");
    if (app.db_path && !*app.db_path)
        app.db_path = NULL; /* set but empty is unset, as for FIELDCHECK_HOME */
    app_i18n_init();
    if (take_global_options(&app, &argc, argv))
        return 1;
    /* from here on no data reaches the terminal raw (app/term.h) */
    app_term_filter(!app.json);
    if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
        print_help(stdout);
        return 0;
    }
    if (i < argc && !strcmp(argv[i], "--version"))
        return app_print_version(&app);
    if (i < argc && argv[i][0] == '-') {
        fprintf(stderr, _("fieldcheck: unknown option '%s'\n"), argv[i]);
        print_help(stderr);
        return 1;
    }
    if (i >= argc && app_tui_possible()) {
        int rc = app_tui_run(&app, NULL);
        store_close(app.store);
        return rc;
    }
    if (i >= argc) {
        print_help(stderr);
        return 1;
    }
    for (const struct command *c = app_commands; c->name; c++) {
        if (strcmp(c->name, argv[i]))
            continue;
        if (strcmp(c->name, "help") && app_load_config(&app))
            return app_fail(&app, app.err.code);
        return app_run(&app, c, argc - i, argv + i);
    }
    return app_unknown_command(&app, argv[i]);
}
