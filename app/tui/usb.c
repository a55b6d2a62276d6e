/* The USB screen's model (struct ui_usb_model): removable media from the
 * kernel's mount table (or FIELDCHECK_MEDIA, a colon-separated list of
 * folders that stand for sticks), what is on them, and the sync steps of a
 * field day through the same calls as the CLI's commands: `mission load`
 * (mission_load, pack_load), `export` (bundle_export), `receipt apply`
 * (receipt_apply), `keys init` and `keys trust`. */
#include "app/tui/tui.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/mission/mission.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/bundle.h"
#include "sync/codec.h"
#include "sync/keys.h"
#include "sync/pack.h"
#include "sync/assign.h"
#include "sync/receipt.h"
#include "sync/team.h"
#include "ui/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

struct tui_usb {
    struct ui_usb_model model;
    struct tui *t;
    struct store *s;
    struct tui_qr qr; /* the enrollment QR */
};

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcasecmp(s + n - k, suffix);
}

/* ---- the device --------------------------------------------------------------- */

static int device(void *user, struct ui_device *out, struct fc_error *err)
{
    struct tui_usb *u = user;
    struct keys_device k;
    unsigned char sign_pk[SYNCDB_PK_LEN], box_pk[SYNCDB_PK_LEN];
    struct buf code = BUF_INIT;
    int64_t unsynced = 0;
    struct fc_error e;

    (void)err;
    memset(out, 0, sizeof(*out));
    fc_error_clear(&e);
    if (!keys_device_load(u->s, &k, &e)) {
        snprintf(out->device_id, sizeof(out->device_id), "%s", k.device_id);
        keys_enrollment_code(&k, &code);
        snprintf(out->enrollment, sizeof(out->enrollment), "%s", code.ptr);
    }
    if (!syncdb_trust_get(u->s, sign_pk, box_pk, NULL)) {
        out->hq_trusted = 1;
        codec_fingerprint(out->hq_fingerprint, sign_pk, box_pk);
    }
    out->unsynced = syncdb_unsynced_count(u->s, &unsynced, NULL) ? -1 : (long)unsynced;
    memset(&k, 0, sizeof(k));
    buf_release(&code);
    return 0;
}

static int create_keys(void *user, struct fc_error *err)
{
    struct tui_usb *u = user;
    struct keys_device k;
    int rc = keys_device_init(u->s, &k, NULL, err);

    memset(&k, 0, sizeof(k));
    return rc;
}

static const char *const *enrollment_qr(void *user)
{
    struct tui_usb *u = user;
    struct keys_device k;
    struct buf code = BUF_INIT;
    const char *const *rows;

    if (!keys_device_load(u->s, &k, NULL))
        keys_enrollment_code(&k, &code);
    memset(&k, 0, sizeof(k));
    rows = tui_qr_rows(&u->qr, code.ptr);
    buf_release(&code);
    return rows;
}

/* ---- media ---------------------------------------------------------------------- */

static void emit_medium(const char *path, void (*emit)(void *, const struct ui_media_row *),
                        void *ctx)
{
    struct ui_media_row r;
    struct statvfs sv;
    const char *slash = strrchr(path, '/');

    memset(&r, 0, sizeof(r));
    snprintf(r.path, sizeof(r.path), "%s", path);
    snprintf(r.label, sizeof(r.label), "%s", slash && slash[1] ? slash + 1 : path);
    r.free_mb = statvfs(path, &sv) ? -1 : (long long)(sv.f_bavail * sv.f_frsize / 1048576);
    emit(ctx, &r);
}

/* /proc/mounts writes a space in a path as \040 (octal escapes). */
static void unescape_mount(char *s)
{
    char *o = s;

    for (char *p = s; *p; p++) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
            p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Removable media as desktops mount them (udisks: /media/USER/LABEL,
 * /run/media/USER/LABEL) or by hand (/mnt/...). */
static int is_media_mount(const char *dir)
{
    return !strncmp(dir, "/media/", 7) || !strncmp(dir, "/run/media/", 11) ||
           !strncmp(dir, "/mnt/", 5);
}

static int list_media(void *user, void (*emit)(void *, const struct ui_media_row *), void *ctx,
                      struct fc_error *err)
{
    const char *env = getenv("FIELDCHECK_MEDIA");
    char line[4096];
    FILE *f;

    (void)user;
    (void)err;
    if (env && *env) {
        char *copy = xstrdup(env), *save = NULL;
        for (char *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save))
            emit_medium(p, emit, ctx);
        free(copy);
        return 0;
    }
    f = fopen("/proc/self/mounts", "r");
    if (!f)
        return 0; /* no mount table: the inspector types a folder */
    while (fgets(line, sizeof(line), f)) {
        char dev[1024], dir[2048];
        if (sscanf(line, "%1023s %2047s", dev, dir) != 2)
            continue;
        unescape_mount(dir);
        if (is_media_mount(dir))
            emit_medium(dir, emit, ctx);
    }
    fclose(f);
    return 0;
}

/* ---- files ---------------------------------------------------------------------- */

/* A small file whose text is a receipt code. */
static int is_receipt_file(const char *path, off_t size)
{
    char head[8] = "";
    size_t n;
    FILE *f;

    if (size > 4096 || size < 4)
        return 0;
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(head, 1, sizeof(head) - 1, f);
    fclose(f);
    head[n] = '\0';
    return !strncasecmp(head + strspn(head, " \t\r\n"), "FCR1", 4);
}

static enum ui_file_kind classify(const char *path, const char *name, const struct stat *st)
{
    struct buf mj = BUF_INIT;
    struct stat ms;
    int mission;

    if (S_ISDIR(st->st_mode)) {
        buf_addf(&mj, "%s/mission.json", path);
        mission = !stat(mj.ptr, &ms) && S_ISREG(ms.st_mode);
        buf_release(&mj);
        return mission ? UI_FILE_MISSION : UI_FILE_DIR;
    }
    if (!S_ISREG(st->st_mode))
        return UI_FILE_OTHER;
    if (has_suffix(name, ".fcpack"))
        return UI_FILE_PACK;
    if (has_suffix(name, ".fcb"))
        return UI_FILE_BUNDLE;
    if (has_suffix(name, ".pub"))
        return UI_FILE_HQ_KEY;
    return is_receipt_file(path, st->st_size) ? UI_FILE_RECEIPT : UI_FILE_OTHER;
}

static int file_cmp(const void *pa, const void *pb)
{
    const struct ui_file_row *a = pa, *b = pb;
    int da = a->kind == UI_FILE_DIR || a->kind == UI_FILE_MISSION;
    int db = b->kind == UI_FILE_DIR || b->kind == UI_FILE_MISSION;

    if (!strcmp(a->name, ".."))
        return -1;
    if (!strcmp(b->name, ".."))
        return 1;
    if (da != db)
        return db - da;
    return strcmp(a->name, b->name);
}

static int list_files(void *user, const char *dir, void (*emit)(void *, const struct ui_file_row *),
                      void *ctx, struct fc_error *err)
{
    struct ui_file_row *rows = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;

    (void)user;
    d = opendir(dir);
    if (!d)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open folder '%s': %s", dir,
                               strerror(errno));
    while ((de = readdir(d)) != NULL) {
        struct ui_file_row *r;
        struct stat st;
        char path[2048];

        if (de->d_name[0] == '.' && strcmp(de->d_name, ".."))
            continue;
        if (!strcmp(de->d_name, "..") && !strcmp(dir, "/"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &st))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            rows = xreallocarray(rows, cap, sizeof(*rows));
        }
        r = &rows[n++];
        memset(r, 0, sizeof(*r));
        snprintf(r->name, sizeof(r->name), "%s", de->d_name);
        snprintf(r->path, sizeof(r->path), "%s", path);
        r->kind = !strcmp(de->d_name, "..") ? UI_FILE_DIR : classify(path, de->d_name, &st);
        r->size = (long long)st.st_size;
        r->mtime_ms = (int64_t)st.st_mtime * 1000;
    }
    closedir(d);
    qsort(rows, n, sizeof(*rows), file_cmp);
    for (size_t i = 0; i < n; i++)
        emit(ctx, &rows[i]);
    free(rows);
    return 0;
}

/* ---- loading ---------------------------------------------------------------------- */

struct load_ctx {
    void (*emit)(void *ctx, const struct ui_load_row *row);
    void (*progress)(void *ctx, const char *file, uint64_t bytes, uint64_t total);
    void (*phase)(void *ctx, const char *phase);
    void *ctx;
};

static void on_reject(void *ctx, const char *file, uint64_t line, const char *column,
                      const char *reason, const char *reason_local)
{
    struct load_ctx *l = ctx;
    struct ui_load_row r;

    memset(&r, 0, sizeof(r));
    r.kind = UI_LOAD_REJECT;
    snprintf(r.file, sizeof(r.file), "%s", file);
    r.line = (long long)line;
    snprintf(r.text, sizeof(r.text), "%s%s%s", column && *column ? column : "",
             column && *column ? ": " : "", reason_local && *reason_local ? reason_local : reason);
    l->emit(l->ctx, &r);
}

static void on_warning(void *ctx, const char *kind, const char *file, uint64_t line,
                       const char *message, const char *message_local)
{
    struct load_ctx *l = ctx;
    struct ui_load_row r;

    (void)kind;
    memset(&r, 0, sizeof(r));
    r.kind = UI_LOAD_WARNING;
    snprintf(r.file, sizeof(r.file), "%s", file ? file : "");
    r.line = (long long)line;
    snprintf(r.text, sizeof(r.text), "%s",
             message_local && *message_local ? message_local : message);
    l->emit(l->ctx, &r);
}

static void on_file(void *ctx, const char *file, const char *encoding, uint64_t rows,
                    uint64_t loaded, uint64_t rejected)
{
    struct load_ctx *l = ctx;
    struct ui_load_row r;

    memset(&r, 0, sizeof(r));
    r.kind = UI_LOAD_FILE;
    snprintf(r.file, sizeof(r.file), "%s", file);
    snprintf(r.encoding, sizeof(r.encoding), "%s", encoding ? encoding : "");
    r.rows = (long long)rows;
    r.loaded = (long long)loaded;
    r.rejected = (long long)rejected;
    l->emit(l->ctx, &r);
}

static void on_progress(void *ctx, const char *file, uint64_t bytes, uint64_t total)
{
    struct load_ctx *l = ctx;

    if (l->progress)
        l->progress(l->ctx, file, bytes, total);
}

static void on_phase(void *ctx, const char *phase)
{
    struct load_ctx *l = ctx;

    if (l->phase)
        l->phase(l->ctx, phase);
}

static int load(void *user, const char *path, int partial,
                void (*emit)(void *ctx, const struct ui_load_row *row),
                void (*progress)(void *ctx, const char *file, uint64_t bytes, uint64_t total),
                void (*phase)(void *ctx, const char *phase), void *ctx, struct ui_load_result *out,
                struct fc_error *err)
{
    struct tui_usb *u = user;
    struct load_ctx l = {emit, progress, phase, ctx};
    struct mission_load_sink sink = {&l,          on_reject, on_warning, on_file,
                                     on_progress, NULL,      on_phase};
    struct mission_info info;
    enum mission_load_status st = MISSION_LOADED;
    int pack = has_suffix(path, ".fcpack"), rc;

    memset(out, 0, sizeof(*out));
    memset(&info, 0, sizeof(info));
    /* a signed pack is verified (signature, target, expiry, version) before
     * any CSV is parsed, exactly as `mission load` does */
    rc = pack ? pack_load(u->s, path, partial, &sink, &info, &st, err)
              : mission_load(u->s, path, partial, &sink, &info, &st, err);
    tui_changed(u->t);
    if (rc) {
        out->ok = 0;
        snprintf(out->status, sizeof(out->status), "%s", ui_tr("not loaded", "未载入"));
        snprintf(out->message, sizeof(out->message), "%s",
                 err->msg_local[0] ? err->msg_local : err->msg);
        if (pack)
            snprintf(out->verify, sizeof(out->verify), "%s",
                     ui_tr("The pack was refused before any of its files was read.",
                           "任务包在读取任何文件之前即被拒绝。"));
        fc_error_clear(err);
        return 0;
    }
    out->ok = 1;
    snprintf(out->status, sizeof(out->status), "%s",
             st == MISSION_UNCHANGED  ? ui_tr("unchanged", "未变化")
             : st == MISSION_REPLACED ? ui_tr("replaced", "已更新")
                                      : ui_tr("loaded", "已载入"));
    snprintf(out->mission, sizeof(out->mission), "%s v%lld  %s", info.mission_id,
             (long long)info.version, info.title);
    if (pack) {
        unsigned char sign_pk[SYNCDB_PK_LEN], box_pk[SYNCDB_PK_LEN];
        char fp[20] = "";
        if (!syncdb_trust_get(u->s, sign_pk, box_pk, NULL))
            codec_fingerprint(fp, sign_pk, box_pk);
        snprintf(out->verify, sizeof(out->verify), "%s %s%s%s",
                 ui_tr("Verified: HQ's signature, this device as a target, expiry and version.",
                       "已验证：中心签名、本机为目标设备、有效期与版本。"),
                 fp[0] ? ui_tr("HQ key", "中心密钥") : "", fp[0] ? " " : "", fp);
    } else {
        snprintf(out->verify, sizeof(out->verify), "%s",
                 ui_tr("An unsigned mission folder: use signed packs from HQ for inspections.",
                       "未签名的任务文件夹：正式检查请使用中心签名的任务包。"));
    }
    return 0;
}

/* ---- export, receipts, HQ's key ------------------------------------------------ */

static int export_bundle(void *user, const char *dir, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    struct bundle_export_result r;
    int rc = bundle_export(u->s, dir, &r, err);

    if (rc)
        return rc;
    if (!r.path[0])
        snprintf(message, 320,
                 ui_tr("nothing to export: HQ has acknowledged every event (up to %lld)",
                       "无需导出：中心已确认全部事件（至 %lld）"),
                 (long long)r.last_seq);
    else
        snprintf(message, 320,
                 ui_tr("bundle %llu written and verified: events %lld..%lld, %zu bytes, %s",
                       "数据包 %llu 已写入并验证：事件 %lld..%lld，%zu 字节，%s"),
                 (unsigned long long)r.bundle_seq, (long long)r.first_seq, (long long)r.last_seq,
                 r.size, r.path);
    return 0;
}

static int is_receipt(void *user, const char *code)
{
    (void)user;
    /* receipts are "FCR1..." text codes (docs/bundle-format.md §7) */
    return code && !strncasecmp(code, "FCR1", 4);
}

static int check_receipt(void *user, const char *text, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    unsigned char sign_pk[SYNCDB_PK_LEN], box_pk[SYNCDB_PK_LEN];
    struct buf file = BUF_INIT;
    struct receipt r;
    int64_t head_seq = 0;
    char head[HASH_HEX_LEN + 1];
    int rc = 0;

    if (!is_receipt(user, text)) {
        rc = fs_read_file(text, 4096, &file, err);
        text = file.ptr;
    }
    if (!rc)
        rc = syncdb_trust_get(u->s, sign_pk, box_pk, err);
    if (!rc)
        rc = receipt_parse(text, sign_pk, &r, err);
    if (!rc && strcmp(r.device_id, store_device_id(u->s)))
        rc = fc_error_set(err, FC_EVERIFY, "receipt is for device '%s', not this device '%s'",
                          r.device_id, store_device_id(u->s));
    if (!rc) {
        event_head(u->s, &head_seq, head, NULL);
        snprintf(message, 320,
                 ui_tr("HQ's receipt verifies: HQ holds this device's events 1..%lld of %lld.",
                       "中心回执验证通过：中心已收到本机事件 1..%lld（共 %lld）。"),
                 (long long)r.acked_seq, (long long)head_seq);
    }
    buf_release(&file);
    return rc;
}

static int apply_receipt(void *user, const char *text, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    struct receipt r;
    int raised = 0;
    int rc = receipt_apply(u->s, text, &r, &raised, err);

    if (rc)
        return rc;
    tui_changed(u->t);
    if (raised)
        snprintf(message, 320, ui_tr("HQ acknowledged events 1..%lld", "中心已确认事件 1..%lld"),
                 (long long)r.acked_seq);
    else
        snprintf(message, 320,
                 ui_tr("receipt verified; it acknowledges nothing new (seq %lld)",
                       "回执验证通过；没有新的确认（seq %lld）"),
                 (long long)r.acked_seq);
    return 0;
}

static int is_assignment(void *user, const char *code)
{
    (void)user;
    /* assignments are "FCA1..." text codes (docs/bundle-format.md §10) */
    return code && !strncasecmp(code, "FCA1", 4);
}

static int check_assignment(void *user, const char *code, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    struct team_assignment a;
    int rc = team_assign_decode(code, &a, err);

    if (rc)
        return rc;
    if (strcmp(a.member, store_device_id(u->s)))
        rc = fc_error_set(err, FC_EVERIFY, "this assignment is for device %s, not this one (%s)",
                          a.member, store_device_id(u->s));
    else
        snprintf(message, 320,
                 ui_tr("Team lead %.8s assigns %zu line(s) of site %s (the first: %s).",
                       "组长 %.8s 分配 %zu 条疑点（机构 %s，首条 %s）。"),
                 a.lead, a.n, a.site_code, a.lines[0]);
    team_assignment_release(&a);
    return rc;
}

static int apply_assignment(void *user, const char *code, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    struct team_assignment a;
    char visit[37];
    size_t applied = 0;
    int rc = team_assign_apply(u->s, code, &a, &applied, visit, err);

    if (rc)
        return rc;
    tui_changed(u->t);
    if (applied)
        snprintf(message, 320,
                 ui_tr("assignment %lld of lead %.8s: %zu of %zu line(s) now yours",
                       "分配单 %lld（组长 %.8s）：%zu 条疑点已分配给您（共 %zu 条）"),
                 (long long)a.number, a.lead, applied, a.n);
    else
        snprintf(message, 320,
                 ui_tr("assignment %lld of lead %.8s: already applied, nothing changed",
                       "分配单 %lld（组长 %.8s）：此前已导入，未作改变"),
                 (long long)a.number, a.lead);
    team_assignment_release(&a);
    return 0;
}

static int leads_nothing(const struct team_member_state *m, void *ctx)
{
    (void)m;
    (void)ctx;
    return 1; /* one member of a team this device leads is enough */
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int team_import_dir(void *user, const char *dir, char message[320], struct fc_error *err)
{
    struct tui_usb *u = user;
    struct hqdb *db = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, imported = 0, known = 0, own = 0, refused = 0;
    struct fc_error first;
    DIR *d;
    int rc = team_members(u->s, NULL, NULL, leads_nothing, NULL, err);

    if (rc == FC_ENOTFOUND)
        return FC_EVERIFY; /* a bundle for HQ: the caller says so */
    if (rc < 0)
        return rc;
    d = opendir(dir);
    if (!d)
        return fc_error_setsys(err, FC_EIO, errno, "cannot open folder '%s'", dir);
    while ((de = readdir(d)))
        if (has_suffix(de->d_name, ".fcb")) {
            names = xreallocarray(names, n + 1, sizeof(*names));
            names[n++] = xstrdup(de->d_name);
        }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), name_cmp);
    fc_error_clear(&first);
    rc = team_store_open(u->s, 1, &db, err);
    for (size_t i = 0; !rc && i < n; i++) {
        struct team_import_result r;
        struct fc_error e;
        struct buf path = BUF_INIT;

        fc_error_clear(&e);
        buf_addf(&path, "%s/%s", dir, names[i]);
        if (team_import_file(u->s, db, path.ptr, &r, &e)) {
            if (!refused++)
                first = e;
        } else if (r.outcome == TEAM_OWN) {
            own++;
        } else if (r.outcome == TEAM_DUPLICATE) {
            known++;
        } else {
            imported++;
        }
        buf_release(&path);
    }
    hqdb_close(db);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc)
        return rc;
    tui_changed(u->t);
    snprintf(
        message, 320,
        ui_tr("team import: %zu bundle(s) imported, %zu already imported, %zu of this device, "
              "%zu refused%s%s",
              "组员数据包导入：新导入 %zu 个，此前已导入 %zu 个，本机的 %zu 个，拒绝 %zu 个%s%s"),
        imported, known, own, refused, refused ? ": " : "",
        refused ? (first.msg_local[0] ? first.msg_local : first.msg) : "");
    return 0;
}

static int trust_hq(void *user, const char *path, int replace, char message[320],
                    struct fc_error *err)
{
    struct tui_usb *u = user;
    struct keys_trust_result t;
    int rc;

    memset(&t, 0, sizeof(t));
    rc = keys_trust_file(u->s, path, replace, &t, err);
    if (rc)
        return rc;
    tui_changed(u->t);
    if (!t.changed)
        snprintf(
            message, 320,
            ui_tr("HQ %s is trusted already: nothing changed", "中心密钥 %s 此前已信任：无变化"),
            t.fingerprint);
    else if (t.replaced)
        snprintf(message, 320,
                 ui_tr("HQ key trusted: %s instead of %s (recorded as an event)",
                       "已信任中心密钥 %s，替换 %s（已记录为事件）"),
                 t.fingerprint, t.previous);
    else
        snprintf(message, 320, "%s %s", ui_tr("HQ key trusted:", "已信任中心密钥："),
                 t.fingerprint);
    return 0;
}

/* ---- the model ------------------------------------------------------------------ */

const struct ui_usb_model *tui_usb_model(struct tui *t, struct tui_usb **out)
{
    struct tui_usb *u = xcalloc(1, sizeof(*u));

    u->t = t;
    u->s = tui_store(t);
    tui_qr_init(&u->qr);
    u->model.user = u;
    u->model.device = device;
    u->model.create_keys = create_keys;
    u->model.enrollment_qr = enrollment_qr;
    u->model.list_media = list_media;
    u->model.list_files = list_files;
    u->model.load = load;
    u->model.export_bundle = export_bundle;
    u->model.is_receipt = is_receipt;
    u->model.check_receipt = check_receipt;
    u->model.apply_receipt = apply_receipt;
    u->model.is_assignment = is_assignment;
    u->model.check_assignment = check_assignment;
    u->model.apply_assignment = apply_assignment;
    u->model.team_import = team_import_dir;
    u->model.trust_hq = trust_hq;
    *out = u;
    return &u->model;
}

void tui_usb_free(struct tui_usb *u)
{
    if (!u)
        return;
    tui_qr_release(&u->qr);
    free(u);
}
