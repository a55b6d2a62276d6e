/* Team assignment codes (sync/assign.h, docs/bundle-format.md §10): built
 * and signed on the lead's laptop from a team_assign event of its own chain,
 * whose seq is the code's number, so the code can be made again from the
 * event alone (Ed25519 signatures are deterministic); verified on the
 * member's laptop only with keys from the signed pack's team. */
#include "sync/assign.h"

#include "core/base/clock.h"
#include "core/base/xalloc.h"
#include "core/flight/flight.h"
#include "core/flight/workflow.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/teamdb.h"
#include "core/visit/visit.h"
#include "core/workflow.h"
#include "sync/codec.h"
#include "sync/keys.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOMAIN "fieldcheck-assignment-v1"
#define PREFIX "FCA1"
/* version, lead, member, number, issued, M, S, I, N */
#define FIXED (1 + 8 + 8 + 8 + 8 + 1 + 1 + 1 + 2)

void team_assignment_release(struct team_assignment *a)
{
    if (!a)
        return;
    free(a->lines);
    a->lines = NULL;
    a->n = 0;
}

void team_assign_codes_free(struct team_assign_code *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++)
        buf_release(&c[i].code);
    free(c);
}

/* ---- the lead's side ---------------------------------------------------------------- */

struct pick {
    const char *self, *name;
    struct teamdb_member lead, member;
    int has_lead, matches;
};

static int pick_member(const struct teamdb_member *m, void *ctx)
{
    struct pick *p = ctx;

    if (m->is_lead && !strcmp(m->device, p->self)) {
        p->lead = *m;
        p->has_lead = 1;
    }
    if (!strncmp(m->device, p->name, strlen(p->name))) {
        if (!strcmp(m->device, p->name)) { /* an exact id wins over prefixes */
            p->member = *m;
            p->matches = 1;
            return 0;
        }
        if (!p->matches || strcmp(p->member.device, p->name)) {
            p->member = *m;
            p->matches++;
        }
    }
    return 0;
}

static void put_str(struct buf *b, const char *s)
{
    size_t n = strlen(s);

    buf_addch(b, (char)n);
    buf_add(b, s, n);
}

static void put_id(struct buf *b, const char *hex)
{
    unsigned char id[8];

    memset(id, 0, sizeof(id));
    hash_from_hex(id, sizeof(id), hex);
    buf_add(b, id, sizeof(id));
}

/* The signed code of lines[0..n) with number. */
static void encode(const struct keys_device *k, const char *member, int64_t number,
                   int64_t issued_ms, const struct team_assign_args *a, const char *const *lines,
                   size_t n, struct buf *code)
{
    struct buf b = BUF_INIT;
    unsigned char sig[CODEC_SIG_LEN];

    buf_addch(&b, 1);
    buf_add(&b, k->id, 8);
    put_id(&b, member);
    codec_put_u64(&b, (uint64_t)number);
    codec_put_u64(&b, (uint64_t)issued_ms);
    put_str(&b, a->mission_id);
    put_str(&b, a->site_code);
    put_str(&b, a->inspector ? a->inspector : "");
    codec_put_u16(&b, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        put_str(&b, lines[i]);
    codec_sign(sig, k->sign_sk, DOMAIN, b.ptr, b.len);
    buf_add(&b, sig, sizeof(sig));
    codec_code_encode(code, PREFIX, b.ptr, b.len);
    buf_release(&b);
}

static int check_args(const struct team_assign_args *a, struct fc_error *err)
{
    size_t m = strlen(a->mission_id), s = strlen(a->site_code);
    size_t i = a->inspector ? strlen(a->inspector) : 0;

    if (m < 1 || m > 127 || s < 1 || s > 31)
        return fc_error_set(err, FC_EUSAGE, "mission id or site code too long for an assignment");
    if (i > TEAM_ASSIGN_MAX_NAME)
        return fc_error_set(err, FC_EUSAGE, "inspector name longer than %d bytes",
                            TEAM_ASSIGN_MAX_NAME);
    if (!a->n)
        return fc_error_set(err, FC_EUSAGE, "no suspicion line named");
    for (size_t k = 0; k < a->n; k++) {
        size_t l = strlen(a->lines[k]);

        if (l < 1 || l > TEAM_ASSIGN_MAX_LINE)
            return fc_error_set(err, FC_EUSAGE, "suspicion line id '%.70s' is empty or too long",
                                a->lines[k]);
    }
    if (FIXED + m + s + i + 1 + TEAM_ASSIGN_MAX_LINE + CODEC_SIG_LEN > TEAM_ASSIGN_MAX_BODY)
        return fc_error_set(err, FC_EUSAGE, "mission id, site and name leave no room for lines");
    return FC_OK;
}

int team_assign_make(struct store *s, const struct team_assign_args *a,
                     struct team_assign_code **out, size_t *nout, struct fc_error *err)
{
    struct pick p;
    struct keys_device k;
    struct team_assign_code *codes = NULL;
    size_t ncodes = 0, fixed;
    int rc;

    *out = NULL;
    *nout = 0;
    memset(&k, 0, sizeof(k));
    memset(&p, 0, sizeof(p));
    rc = check_args(a, err);
    if (rc)
        return rc;
    p.self = store_device_id(s);
    p.name = a->member;
    rc = teamdb_foreach(s, a->mission_id, pick_member, &p, err);
    if (rc)
        return rc;
    if (!p.has_lead)
        return fc_error_set(err, FC_EVERIFY,
                            "this device does not lead the team of mission '%s': only the lead "
                            "named in the pack ('hq pack --lead') assigns lines",
                            a->mission_id);
    if (strlen(a->member) < 4 || !p.matches)
        return fc_error_set(err, FC_ENOTFOUND, "no member '%s' in the team of mission '%s'",
                            a->member, a->mission_id);
    if (p.matches > 1)
        return fc_error_set(err, FC_EUSAGE, "member '%s' is ambiguous: give more of its id",
                            a->member);
    if (!strcmp(p.member.device, p.self))
        return fc_error_set(err, FC_EUSAGE,
                            "the lead assigns lines to members, not to its own device");
    rc = keys_device_load(s, &k, err);
    if (!rc)
        rc = store_begin(s, err);
    fixed = FIXED + strlen(a->mission_id) + strlen(a->site_code) +
            (a->inspector ? strlen(a->inspector) : 0) + CODEC_SIG_LEN;
    for (size_t first = 0; !rc && first < a->n;) {
        size_t n = 0, size = fixed;
        json_t *ids = json_array(), *obj;
        char *payload;
        struct event ev;
        struct team_assign_code *c;

        while (first + n < a->n && n < 0xffff &&
               size + 1 + strlen(a->lines[first + n]) <= TEAM_ASSIGN_MAX_BODY) {
            size += 1 + strlen(a->lines[first + n]);
            json_array_append_new(ids, json_string(a->lines[first + n]));
            n++;
        }
        obj = json_pack("{s:s, s:s, s:s, s:s, s:o}", "member", p.member.device, "mission_id",
                        a->mission_id, "site_code", a->site_code, "inspector",
                        a->inspector ? a->inspector : "", "susp_ids", ids);
        payload = obj ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(obj);
        if (!payload) {
            rc = fc_error_set(err, FC_EINPUT, "a name or line is not valid UTF-8");
            break;
        }
        rc = event_append(s, NULL, a->at_ms, "team_assign", p.member.device, payload, &ev, err);
        free(payload);
        if (rc)
            break;
        codes = xreallocarray(codes, ncodes + 1, sizeof(*codes));
        c = &codes[ncodes++];
        buf_init(&c->code);
        c->number = ev.seq;
        snprintf(c->member, sizeof(c->member), "%s", p.member.device);
        c->first = first;
        c->n = n;
        encode(&k, p.member.device, ev.seq, a->at_ms, a, a->lines + first, n, &c->code);
        first += n;
    }
    if (!rc)
        rc = store_commit(s, err);
    if (rc) {
        store_rollback(s);
        team_assign_codes_free(codes, ncodes);
        codes = NULL;
        ncodes = 0;
    }
    sodium_memzero(&k, sizeof(k));
    *out = codes;
    *nout = ncodes;
    return rc;
}

/* ---- the member's side --------------------------------------------------------------- */

static int take_str(struct codec_reader *r, size_t min, size_t max, char *out, const char *what,
                    struct fc_error *err)
{
    const unsigned char *p;
    int rc = codec_take(r, 1, &p, what, err);
    size_t n;

    if (rc)
        return rc;
    n = *p;
    if (n < min || n > max)
        return fc_error_set(err, FC_EINPUT, "assignment: %s of %zu bytes (%zu to %zu allowed)",
                            what, n, min, max);
    rc = codec_take(r, n, &p, what, err);
    if (rc)
        return rc;
    if (memchr(p, 0, n))
        return fc_error_set(err, FC_EINPUT, "assignment: %s holds a NUL byte", what);
    memcpy(out, p, n);
    out[n] = 0;
    return FC_OK;
}

int team_assign_decode(const char *code, struct team_assignment *out, struct fc_error *err)
{
    struct buf b = BUF_INIT;
    struct codec_reader r;
    const unsigned char *p;
    uint64_t u = 0;
    uint16_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = codec_code_decode(code, PREFIX, &b, "team assignment", err);
    if (rc)
        goto out;
    if (b.len > TEAM_ASSIGN_MAX_BODY || b.len < FIXED + 2 + CODEC_SIG_LEN ||
        (unsigned char)b.ptr[0] != 1) {
        rc = fc_error_set(err, FC_EINPUT, "team assignment has an unsupported length or version");
        goto out;
    }
    codec_reader_init(&r, b.ptr, b.len - CODEC_SIG_LEN);
    r.off = 1;
    rc = codec_take(&r, 8, &p, "lead", err);
    if (!rc)
        hash_to_hex(out->lead, p, 8);
    if (!rc)
        rc = codec_take(&r, 8, &p, "member", err);
    if (!rc)
        hash_to_hex(out->member, p, 8);
    if (!rc)
        rc = codec_take_u64(&r, &u, "number", err);
    out->number = (int64_t)u;
    if (!rc)
        rc = codec_take_u64(&r, &u, "issued at", err);
    out->issued_ms = (int64_t)u;
    if (!rc && (out->number < 1 || out->issued_ms < 0))
        rc = fc_error_set(err, FC_EINPUT, "team assignment has no valid number or time");
    if (!rc)
        rc = take_str(&r, 1, 127, out->mission_id, "mission id", err);
    if (!rc)
        rc = take_str(&r, 1, 31, out->site_code, "site code", err);
    if (!rc)
        rc = take_str(&r, 0, TEAM_ASSIGN_MAX_NAME, out->inspector, "inspector name", err);
    if (!rc)
        rc = codec_take_u16(&r, &n, "line count", err);
    if (!rc && n < 1)
        rc = fc_error_set(err, FC_EINPUT, "team assignment names no line");
    if (!rc)
        out->lines = xcalloc(n, sizeof(*out->lines));
    for (uint16_t i = 0; !rc && i < n; i++) {
        rc = take_str(&r, 1, TEAM_ASSIGN_MAX_LINE, out->lines[i], "suspicion line", err);
        if (!rc)
            out->n++;
    }
    if (!rc && r.off != r.len)
        rc = fc_error_set(err, FC_EINPUT, "team assignment has %zu stray bytes", r.len - r.off);
out:
    if (rc)
        team_assignment_release(out);
    buf_release(&b);
    return rc;
}

static int verify_signature(const char *code, const unsigned char pk[32], struct fc_error *err)
{
    struct buf b = BUF_INIT;
    int rc = codec_code_decode(code, PREFIX, &b, "team assignment", err);

    if (!rc && (b.len < CODEC_SIG_LEN ||
                !codec_verify((const unsigned char *)b.ptr + b.len - CODEC_SIG_LEN, pk, DOMAIN,
                              b.ptr, b.len - CODEC_SIG_LEN)))
        rc = fc_error_set(err, FC_EVERIFY,
                          "team assignment signature does not verify with the lead's key from "
                          "the pack");
    buf_release(&b);
    return rc;
}

struct find_visit {
    const char *site;
    struct visit found;
    int open, any;
};

static int find_visit(const struct visit *v, void *ctx)
{
    struct find_visit *f = ctx;
    const struct workflow *wf = NULL;

    if (strcmp(v->site_code, f->site) || workflow_of_visit(v, &wf, NULL) || wf != &flight_workflow)
        return 0;
    f->any = 1;
    if (v->closed_at[0])
        return 0;
    visit_dup(&f->found, v);
    f->open = 1;
    return 1;
}

int team_assign_apply(struct store *s, const char *code, struct team_assignment *out,
                      size_t *applied, char visit_id[37], struct fc_error *err)
{
    struct teamdb_member lead;
    struct find_visit f;
    int rc;

    *applied = 0;
    visit_id[0] = 0;
    memset(&f, 0, sizeof(f));
    rc = team_assign_decode(code, out, err);
    if (rc)
        return rc;
    if (strcmp(out->member, store_device_id(s))) {
        rc = fc_error_set(err, FC_EVERIFY, "this assignment is for device %s, not this one (%s)",
                          out->member, store_device_id(s));
        goto out;
    }
    rc = teamdb_get(s, out->mission_id, out->lead, &lead, err);
    if (rc == FC_ENOTFOUND || (!rc && !lead.is_lead)) {
        rc = fc_error_set(err, FC_EVERIFY,
                          "device %s does not lead the team of mission '%s' in any pack loaded "
                          "here",
                          out->lead, out->mission_id);
        goto out;
    }
    if (!rc)
        rc = verify_signature(code, lead.sign_pk, err);
    f.site = out->site_code;
    if (!rc)
        rc = visit_foreach(s, find_visit, &f, err);
    if (rc == 1)
        rc = FC_OK;
    if (!rc && !f.open && f.any)
        rc = fc_error_set(err, FC_ESTATE,
                          "the flight inspection of site '%s' is closed on this device",
                          out->site_code);
    else if (!rc && !f.open)
        rc = fc_error_set(err, FC_ESTATE,
                          "no flight inspection of site '%s' on this device: open one first",
                          out->site_code);
    if (!rc) {
        const char **ids = xcalloc(out->n, sizeof(*ids));

        for (size_t i = 0; i < out->n; i++)
            ids[i] = out->lines[i];
        snprintf(visit_id, 37, "%s", f.found.id);
        rc = flight_susp_assign_team(s, f.found.id, ids, out->n, out->inspector, out->lead,
                                     out->number, clock_now_ms(), applied, err);
        free(ids);
    }
out:
    if (f.open)
        visit_release(&f.found);
    if (rc)
        team_assignment_release(out);
    return rc;
}
