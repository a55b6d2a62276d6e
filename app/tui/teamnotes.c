/* Who in the team recorded what, for the lead's own screens (tui.h,
 * tui_team_notes): on a laptop that leads a team and holds a team store,
 * one note per item of the team's view (core/team/view.h), looked up by
 * workflow, site, group and subject while a screen fills its rows. The
 * notes are built again only when the team store or this device's log has
 * changed since (a stat and the head of the log), so a keystroke on a
 * worksheet costs a lookup. */
#include "app/tui/tui.h"

#include "core/base/buf.h"
#include "core/base/xalloc.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/team/view.h"
#include "sync/team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct note {
    char *key; /* kind \t site \t group \t subject */
    char text[48];
    int conflict;
};

struct tui_team_notes {
    struct store *s;
    int built;
    struct timespec mtime;
    off_t size;
    int64_t head;
    struct note *v;
    size_t n;
};

struct tui_team_notes *tui_team_notes_new(struct store *s)
{
    struct tui_team_notes *n = xcalloc(1, sizeof(*n));

    n->s = s;
    return n;
}

static void clear(struct tui_team_notes *n)
{
    for (size_t i = 0; i < n->n; i++)
        free(n->v[i].key);
    free(n->v);
    n->v = NULL;
    n->n = 0;
}

void tui_team_notes_free(struct tui_team_notes *n)
{
    if (!n)
        return;
    clear(n);
    free(n);
}

static void key_of(struct buf *b, const char *kind, const char *site, const char *group,
                   const char *subject)
{
    buf_reset(b);
    buf_addf(b, "%s\t%s\t%s\t%s", kind, site, group, subject);
}

static int add_note(const struct team_item *it, void *ctx)
{
    struct tui_team_notes *n = ctx;
    struct buf key = BUF_INIT, text = BUF_INIT;
    struct note *x;

    if (!*it->subject)
        return 0;
    for (size_t i = 0; i < it->n; i++) {
        const struct team_record *r = &it->records[i];

        if (r->verdict->cls == VERDICT_COVERAGE)
            continue;
        buf_addf(&text, "%s%.4s", text.len ? "," : "", r->is_self ? "LEAD" : r->device);
    }
    if (!text.len) {
        buf_release(&text);
        return 0;
    }
    key_of(&key, it->wf->kind, it->site_code, it->group->name, it->subject);
    n->v = xreallocarray(n->v, n->n + 1, sizeof(*n->v));
    x = &n->v[n->n++];
    x->key = buf_detach(&key, NULL);
    x->conflict = it->conflict && !it->resolved;
    snprintf(x->text, sizeof(x->text), "%s%s", x->conflict ? "! " : "", text.ptr);
    buf_release(&text);
    return 0;
}

static int cmp_note(const void *a, const void *b)
{
    return strcmp(((const struct note *)a)->key, ((const struct note *)b)->key);
}

void tui_team_notes_refresh(struct tui_team_notes *n)
{
    struct buf path = BUF_INIT;
    struct team_view *tv = NULL;
    struct hqdb *db = NULL;
    struct stat st;
    char head_hash[HASH_HEX_LEN + 1];
    int64_t head = 0;

    team_store_path(n->s, &path);
    if (stat(path.ptr, &st)) {
        buf_release(&path);
        if (n->n)
            clear(n);
        n->built = 0;
        return; /* no team store: no notes */
    }
    buf_release(&path);
    event_head(n->s, &head, head_hash, NULL);
    if (n->built && st.st_mtim.tv_sec == n->mtime.tv_sec &&
        st.st_mtim.tv_nsec == n->mtime.tv_nsec && st.st_size == n->size && head == n->head)
        return;
    clear(n);
    n->built = 1;
    n->mtime = st.st_mtim;
    n->size = st.st_size;
    n->head = head;
    if (team_store_open(n->s, 0, &db, NULL) == FC_OK &&
        team_view_open(n->s, db, &tv, NULL) == FC_OK)
        team_view_items(tv, NULL, NULL, 0, add_note, n);
    team_view_free(tv);
    hqdb_close(db);
    if (n->n)
        qsort(n->v, n->n, sizeof(*n->v), cmp_note);
}

const char *tui_team_note(const struct tui_team_notes *n, const char *kind, const char *site,
                          const char *group, const char *subject, int *conflict)
{
    struct buf key = BUF_INIT;
    struct note probe, *hit;

    if (conflict)
        *conflict = 0;
    if (!n || !n->n)
        return "";
    key_of(&key, kind, site, group, subject);
    probe.key = key.ptr;
    hit = bsearch(&probe, n->v, n->n, sizeof(*n->v), cmp_note);
    buf_release(&key);
    if (!hit)
        return "";
    if (conflict)
        *conflict = hit->conflict;
    return hit->text;
}
