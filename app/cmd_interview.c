/* fieldcheck interview add: an interview record (询问笔录) with the people
 * interviewed, question/answer items in order, and the signature or the
 * refusal to sign with its reason. Built from flags or read from a JSON file;
 * both go through the same validation in core/flight.c. */
#include "app/commands.h"

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

/* Builds the record from the command line; returns NULL after printing. */
static json_t *record_from_args(int argc, char **argv, const char **visit_name, const char **at,
                                const char **from)
{
    json_t *rec = json_object(), *people = json_array(), *items = json_array(), *last = NULL;
    const char *val = NULL;

    json_object_set_new(rec, "people", people);
    json_object_set_new(rec, "items", items);
    for (int i = 2; i < argc; i++) {
        int m;

        if (!strcmp(argv[i], "--signed")) {
            json_object_set_new(rec, "signed", json_true());
            continue;
        }
        if ((m = flight_opt(argc, argv, &i, "--visit", visit_name)) ||
            (m = flight_opt(argc, argv, &i, "--at", at)) ||
            (m = flight_opt(argc, argv, &i, "--from", from))) {
            if (m < 0)
                goto fail;
            continue;
        }
        if ((m = flight_opt(argc, argv, &i, "--person", &val)) > 0) {
            json_array_append_new(people, person_json(val));
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--q", &val)) > 0) {
            last = json_pack("{s:s?}", "q", val);
            if (!last) {
                fprintf(stderr, _("fieldcheck: interview add: question is not valid UTF-8\n"));
                goto fail;
            }
            json_array_append_new(items, last);
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--a", &val)) > 0) {
            if (!last || json_object_get(last, "a")) {
                fprintf(stderr, _("fieldcheck: interview add: --a without a --q before it\n"));
                goto fail;
            }
            json_object_set_new(last, "a", json_string(val));
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--refused", &val)) > 0) {
            json_object_set_new(rec, "refusal", json_string(val));
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--place", &val)) > 0) {
            json_object_set_new(rec, "place", json_string(val));
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--time", &val)) > 0) {
            json_object_set_new(rec, "held_at", json_string(val));
        } else if (m == 0 && (m = flight_opt(argc, argv, &i, "--note", &val)) > 0) {
            json_object_set_new(rec, "note", json_string(val));
        } else if (m == 0) {
            flight_unexpected("interview add", argv[i]);
            goto fail;
        }
        if (m < 0)
            goto fail;
    }
    return rec;
fail:
    json_decref(rec);
    return NULL;
}

static int interview_add_cmd(struct app *app, int argc, char **argv)
{
    const char *visit_name = NULL, *at = NULL, *from = NULL;
    json_t *rec = NULL;
    struct buf text = BUF_INIT;
    char event_id[37] = "";
    struct visit v;
    int64_t ms = 0;
    int rc;

    memset(&v, 0, sizeof(v));
    rec = record_from_args(argc, argv, &visit_name, &at, &from);
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
    rc = flight_at(app, at, &ms);
    if (rc)
        goto out;
    if (!app_store(app)) {
        rc = app_fail(app, app->err.code);
        goto out;
    }
    rc = visit_resolve(app->store, visit_name, &v, &app->err);
    if (!rc)
        rc = interview_add(app->store, v.id, rec, ms, event_id, &app->err);
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
    visit_release(&v);
    return rc;
}

int cmd_interview(struct app *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";

    if (!strcmp(sub, "add"))
        return interview_add_cmd(app, argc, argv);
    return app_bad_subcommand(app, argv[0], sub);
}
