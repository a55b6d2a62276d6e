/* A visit's records behind the TUI (struct ui_records_model): documents
 * written as `report --format html [--doc NAME]` writes them (the signed
 * checkpoint of a closed visit included), into the data folder's
 * documents/, and sent to the printer with lp(1) where one is configured;
 * evidence registered as `evidence add` registers it; interviews recorded
 * as `interview add` records them. */
#include "app/tui/tui.h"

#include "app/report_cli.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/report/report_html.h"
#include "core/store/store.h"
#include "core/visit/evidence.h"
#include "core/visit/interview.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct tui_records {
    struct ui_records_model model;
    struct tui *t;
    struct store *s;
};

/* ---- documents -------------------------------------------------------------------- */

struct docs_ctx {
    void (*emit)(void *ctx, const struct ui_doc_row *row);
    void *ctx;
};

static int doc_cb(const char *name, const char *title_en, const char *title_zh, void *ctx)
{
    struct docs_ctx *d = ctx;
    struct ui_doc_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.name, sizeof(r.name), "%s", name);
    snprintf(r.title, sizeof(r.title), "%s", ui_tr(title_en, title_zh));
    d->emit(d->ctx, &r);
    return 0;
}

static int list_docs(void *user, const char *visit_id,
                     void (*emit)(void *ctx, const struct ui_doc_row *row), void *ctx,
                     struct fc_error *err)
{
    struct tui_records *r = user;
    const struct workflow *wf = NULL;
    struct docs_ctx d = {emit, ctx};
    struct visit v;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = tui_visit_kind(r->s, visit_id, &v, &wf, err);
    if (!rc)
        rc = report_foreach_doc(wf, doc_cb, &d);
    visit_release(&v);
    return rc;
}

/* <data folder>/documents/<visit8>-<name>.html */
static int write_doc(void *user, const char *visit_id, const char *name, char path[1024],
                     struct fc_error *err)
{
    struct tui_records *r = user;
    struct buf html = BUF_INIT;
    char id[37], file[128];
    int rc, is_signed;

    path[0] = '\0';
    rc = app_html_doc(r->s, visit_id, name, NULL, NULL, &html, id, &is_signed, err);
    if (!rc) {
        snprintf(file, sizeof(file), "%.8s-%s.html", id, name);
        rc = tui_write_data_file("documents", file, &html, path, err);
    }
    buf_release(&html);
    return rc;
}

/* Runs argv with its output thrown away (curses owns the terminal); the
 * exit status, or -1 when it could not run. */
static int run_quiet(char *const argv[], struct buf *out)
{
    posix_spawn_file_actions_t fa;
    int pipefd[2] = {-1, -1}, status = -1;
    pid_t pid;

    if (out && pipe(pipefd))
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out) {
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        posix_spawn_file_actions_addclose(&fa, pipefd[0]);
        posix_spawn_file_actions_addclose(&fa, pipefd[1]);
    } else {
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    }
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ)) {
        posix_spawn_file_actions_destroy(&fa);
        if (out) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    posix_spawn_file_actions_destroy(&fa);
    if (out) {
        char chunk[512];
        ssize_t n;
        close(pipefd[1]);
        while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0 && out->len < 8192)
            buf_add(out, chunk, (size_t)n);
        close(pipefd[0]);
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A printer is configured when PRINTER or LPDEST names one, or CUPS has a
 * default destination (`lpstat -d`). */
static int printer(void *user, char name[128])
{
    const char *env = getenv("PRINTER");
    char *const argv[] = {"lpstat", "-d", NULL};
    struct buf out = BUF_INIT;
    const char *colon;
    int found = 0;

    (void)user;
    name[0] = '\0';
    if (!env || !*env)
        env = getenv("LPDEST");
    if (env && *env) {
        snprintf(name, 128, "%s", env);
        return 1;
    }
    /* "system default destination: NAME", or "no system default destination" */
    if (run_quiet(argv, &out) == 0 && (colon = strchr(out.ptr, ':')) != NULL &&
        strncmp(out.ptr, "no ", 3)) {
        size_t n;
        colon += 1 + strspn(colon + 1, " ");
        n = strcspn(colon, "\r\n");
        if (n) {
            snprintf(name, 128, "%.*s", (int)n, colon);
            found = 1;
        }
    }
    buf_release(&out);
    return found;
}

static int print(void *user, const char *path, char message[320], struct fc_error *err)
{
    char dest[128];
    char *argv[] = {"lp", NULL, NULL, (char *)path, NULL};
    int rc;

    if (!printer(user, dest))
        return fc_error_set(err, FC_ESTATE, "no printer is configured");
    argv[1] = "-d";
    argv[2] = dest;
    rc = run_quiet(argv, NULL);
    if (rc)
        return fc_error_set(err, FC_EIO, "cannot print '%s': lp %s", path,
                            rc < 0 ? "is not installed" : "failed");
    snprintf(message, 320, "%s %s: %s", ui_tr("sent to the printer", "已送打印机"), dest, path);
    return 0;
}

/* ---- evidence and interviews ------------------------------------------------------ */

static int add_evidence(void *user, const char *visit_id, const char *path, const char *note,
                        char message[320], struct fc_error *err)
{
    struct tui_records *r = user;
    struct evidence e;
    int existed = 0, rc;

    memset(&e, 0, sizeof(e));
    rc = evidence_add(r->s, visit_id, path, note, clock_now_ms(), &e, &existed, err);
    if (!rc) {
        snprintf(message, 320, "%s SHA-256 %s, %llu %s",
                 existed ? ui_tr("already registered:", "此前已登记：")
                         : ui_tr("registered:", "已登记："),
                 e.sha256, (unsigned long long)e.size, ui_tr("bytes", "字节"));
        tui_changed(r->t);
    }
    evidence_release(&e);
    return rc;
}

struct ev_ctx {
    void (*emit)(void *ctx, const struct ui_evidence_row *row);
    void *ctx;
};

static void ev_row(struct ev_ctx *c, const struct evidence *e, const struct evidence_check *chk)
{
    struct ui_evidence_row r;

    memset(&r, 0, sizeof(r));
    snprintf(r.path, sizeof(r.path), "%s", e->path);
    r.size = (long long)e->size;
    snprintf(r.sha_short, sizeof(r.sha_short), "%.12s", e->sha256);
    if (chk)
        snprintf(r.status, sizeof(r.status), "%s", evidence_status_name(chk->status));
    c->emit(c->ctx, &r);
}

static int ev_list_cb(const struct evidence *e, void *ctx)
{
    ev_row(ctx, e, NULL);
    return 0;
}

static void ev_verify_cb(const struct evidence *e, const struct evidence_check *chk, void *ctx)
{
    ev_row(ctx, e, chk);
}

int tui_evidence_rows(struct store *s, const char *visit_id, int verify,
                      void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                      struct fc_error *err)
{
    struct ev_ctx c = {emit, ctx};
    int rc;

    if (!verify)
        return evidence_foreach(s, visit_id, ev_list_cb, &c, err);
    rc = evidence_verify(s, visit_id, ev_verify_cb, &c, NULL, NULL, err);
    if (rc == FC_EVERIFY) { /* a changed file is shown in its row */
        fc_error_clear(err);
        rc = 0;
    }
    return rc;
}

static int list_evidence(void *user, const char *visit_id,
                         void (*emit)(void *ctx, const struct ui_evidence_row *row), void *ctx,
                         struct fc_error *err)
{
    struct tui_records *r = user;

    return tui_evidence_rows(r->s, visit_id, 0, emit, ctx, err);
}

/* The record `interview add` would build from the same answers: empty
 * people and questions left out, the signature or the refusal. */
static json_t *interview_json(const struct ui_interview *iv)
{
    json_t *rec = json_object(), *people = json_array(), *items = json_array();

    json_object_set_new(rec, "place", json_string(iv->place));
    if (iv->held_at[0])
        json_object_set_new(rec, "held_at", json_string(iv->held_at));
    for (int i = 0; i < UI_INTERVIEW_PEOPLE; i++) {
        json_t *p;
        if (!iv->people[i].name[0])
            continue;
        p = json_pack("{s:s, s:s}", "name", iv->people[i].name, "role", iv->people[i].role);
        if (iv->people[i].id_number[0])
            json_object_set_new(p, "id_number", json_string(iv->people[i].id_number));
        json_array_append_new(people, p);
    }
    for (int i = 0; i < UI_INTERVIEW_ITEMS; i++)
        if (iv->items[i].q[0])
            json_array_append_new(
                items, json_pack("{s:s, s:s}", "q", iv->items[i].q, "a", iv->items[i].a));
    json_object_set_new(rec, "people", people);
    json_object_set_new(rec, "items", items);
    json_object_set_new(rec, "signed", json_boolean(iv->is_signed));
    if (iv->refusal[0])
        json_object_set_new(rec, "refusal", json_string(iv->refusal));
    if (iv->note[0])
        json_object_set_new(rec, "note", json_string(iv->note));
    return rec;
}

static int add_interview(void *user, const char *visit_id, const struct ui_interview *iv,
                         char event_id[40], struct fc_error *err)
{
    struct tui_records *r = user;
    json_t *rec = interview_json(iv);
    char id[37] = "";
    int rc;

    if (!rec)
        return fc_error_set(err, FC_EINPUT, "the interview is not valid text");
    rc = interview_add(r->s, visit_id, rec, clock_now_ms(), id, err);
    json_decref(rec);
    if (!rc) {
        snprintf(event_id, 40, "%s", id);
        tui_changed(r->t);
    }
    return rc;
}

/* ---- the model ------------------------------------------------------------------- */

const struct ui_records_model *tui_records_model(struct tui *t, struct tui_records **out)
{
    struct tui_records *r = xcalloc(1, sizeof(*r));

    r->t = t;
    r->s = tui_store(t);
    r->model.user = r;
    r->model.list_docs = list_docs;
    r->model.write_doc = write_doc;
    r->model.printer = printer;
    r->model.print = print;
    r->model.add_evidence = add_evidence;
    r->model.list_evidence = list_evidence;
    r->model.add_interview = add_interview;
    *out = r;
    return &r->model;
}

void tui_records_free(struct tui_records *r)
{
    free(r);
}
