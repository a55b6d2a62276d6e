/* fieldcheck interview add: an interview record (询问笔录) with the people
 * interviewed, question/answer items in order, and the signature or the
 * refusal to sign with its reason. Built from flags or read from a JSON file;
 * both go through the same validation in core/flight.c. */
#include "app/commands.h"

#include "app/args.h"
#include "app/flight_args.h"
#include "core/base/fs.h"
#include "core/flight/flight.h"
#include "core/visit/interview.h"
#include "core/store/store.h"
#include "core/visit/visit.h"
#include "ui/i18n.h"

#include <stdio.h>
#include <string.h>

/* "王某:院长[:ID]" into {"name", "role", "id_number"}. */
static json_t *person_json(const char *spec)
{
    const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    json_t *o = json_object();

    json_object_set_new(o, "name", json_stringn(spec, c1 ? (size_t)(c1 - spec) : strlen(spec)));
    if (c1)
        json_object_set_new(o, "role",
                            json_stringn(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1)));
    if (c2 && c2[1])
        json_object_set_new(o, "id_number", json_string(c2 + 1));
    return o;
}

/* --person, --q and --a are repeatable and keep their order: each --a
 * answers the --q before it. */
struct record_args {
    json_t *people, *items, *last;
};

static int record_item(void *ctx, const char *name, const char *val)
{
    struct record_args *r = ctx;

    if (!strcmp(name, "--person")) {
        json_array_append_new(r->people, person_json(val));
    } else if (!strcmp(name, "--q")) {
        r->last = json_pack("{s:s?}", "q", val);
        if (!r->last) {
            fprintf(stderr, _("fieldcheck: interview add: question is not valid UTF-8\n"));
            return 1;
        }
        json_array_append_new(r->items, r->last);
    } else {
        if (!r->last || json_object_get(r->last, "a")) {
            fprintf(stderr, _("fieldcheck: interview add: --a without a --q before it\n"));
            return 1;
        }
        json_object_set_new(r->last, "a", json_string(val));
    }
    return 0;
}

/* Builds the record from the command line; returns NULL after printing. */
static json_t *record_from_args(int argc, char **argv, const char **from)
{
    struct record_args r = {json_array(), json_array(), NULL};
    const char *refused = NULL, *place = NULL, *held = NULL, *note = NULL;
    int is_signed = 0;
    const struct app_opt opts[] = {
        {"--signed", NULL, &is_signed, NULL, NULL}, {"--from", from, NULL, NULL, NULL},
        {"--person", NULL, NULL, record_item, &r},  {"--q", NULL, NULL, record_item, &r},
        {"--a", NULL, NULL, record_item, &r},       {"--refused", &refused, NULL, NULL, NULL},
        {"--place", &place, NULL, NULL, NULL},      {"--time", &held, NULL, NULL, NULL},
        {"--note", &note, NULL, NULL, NULL},        {NULL, NULL, NULL, NULL, NULL}};
    json_t *rec = json_object();

    json_object_set_new(rec, "people", r.people);
    json_object_set_new(rec, "items", r.items);
    if (app_parse("interview add", argc, argv, 2, opts, NULL, 0, NULL)) {
        json_decref(rec);
        return NULL;
    }
    if (is_signed)
        json_object_set_new(rec, "signed", json_true());
    if (refused)
        json_object_set_new(rec, "refusal", json_string(refused));
    if (place)
        json_object_set_new(rec, "place", json_string(place));
    if (held)
        json_object_set_new(rec, "held_at", json_string(held));
    if (note)
        json_object_set_new(rec, "note", json_string(note));
    return rec;
}

int cmd_interview_add(struct app *app, int argc, char **argv)
{
    const char *from = NULL;
    json_t *rec = NULL;
    struct buf text = BUF_INIT;
    char event_id[37] = "";
    const struct visit *cur = NULL;
    int64_t ms = 0;
    int rc;

    rec = record_from_args(argc, argv, &from);
    if (!rec)
        return 1;
    if (from) {
        json_error_t jerr;
        /* a file replaces the flags: mixing both would be ambiguous */
        if (json_array_size(json_object_get(rec, "people")) ||
            json_array_size(json_object_get(rec, "items")) || json_object_size(rec) > 2) {
            fprintf(stderr, _("fieldcheck: interview add: --from FILE takes no other fields\n"));
            rc = 1;
            goto out;
        }
        json_decref(rec);
        rec = NULL;
        rc = fs_read_file(from, 1 << 20, &text, &app->err);
        if (rc) {
            rc = app_fail(app, rc);
            goto out;
        }
        rec = json_loads(text.ptr, 0, &jerr);
        if (!rec) {
            fc_error_set(&app->err, FC_EINPUT, "cannot read interview '%s': line %d: %s", from,
                         jerr.line, jerr.text);
            rc = app_fail(app, FC_EINPUT);
            goto out;
        }
    }
    rc = app_at(app, &ms);
    if (rc)
        goto out;
    rc = app_visit(app, &cur, NULL);
    if (!rc)
        rc = interview_add(app->store, cur->id, rec, ms, event_id, &app->err);
    if (rc) {
        rc = app_fail(app, rc);
        goto out;
    }
    if (app->json)
        app_print_json(json_pack("{s:b, s:s}", "ok", 1, "event_id", event_id));
    else
        printf(_("interview %.8s recorded\n"), event_id);
out:
    buf_release(&text);
    json_decref(rec);
    return rc;
}
