/* Event record writer and reader (docs/bundle-format.md §6, "events.bin").
 * The record's field area is byte for byte the tail of the event hash input,
 * so verifying an event is one SHA-256 over the previous hash and that area.
 * The reader checks every length against what is left before using it and
 * copies strings only into an arena the caller sized from the input. */
#include "sync/evrec.h"

#include "core/base/utf8.h"
#include "sync/codec.h"

#include <stdio.h>
#include <string.h>

#define N_FIELDS 8
static const char event_tag[] = "fieldcheck-event-v1";

static void put_field(struct buf *out, const char *s, size_t len)
{
    codec_put_u32(out, (uint32_t)len);
    if (len)
        buf_add(out, s, len);
}

int evrec_put(struct buf *out, const struct event *e, struct fc_error *err)
{
    const char *f[N_FIELDS];
    size_t fl[N_FIELDS], total = HASH_LEN + 1;
    unsigned char hash[HASH_LEN];
    char seq[24];
    unsigned char flags = 0;

    if (hash_from_hex(hash, HASH_LEN, e->hash) != FC_OK)
        return fc_error_set(err, FC_EINPUT, "event %lld has a malformed hash", (long long)e->seq);
    snprintf(seq, sizeof(seq), "%lld", (long long)e->seq);
    f[0] = seq;
    f[1] = e->id;
    f[2] = e->device;
    f[3] = e->visit ? e->visit : "";
    f[4] = e->at;
    f[5] = e->kind ? e->kind : "";
    f[6] = e->subject ? e->subject : "";
    f[7] = e->payload ? e->payload : "";
    for (int i = 0; i < N_FIELDS; i++) {
        fl[i] = strlen(f[i]);
        if (fl[i] > EVREC_MAX)
            return fc_error_set(err, FC_ELIMIT, "event %lld is too large for a bundle",
                                (long long)e->seq);
        total += 4 + fl[i];
    }
    if (total > EVREC_MAX)
        return fc_error_set(err, FC_ELIMIT, "event %lld is too large for a bundle",
                            (long long)e->seq);
    if (!e->visit)
        flags |= EVREC_VISIT_NULL;
    if (!e->subject)
        flags |= EVREC_SUBJECT_NULL;
    buf_grow(out, 4 + total);
    codec_put_u32(out, (uint32_t)total);
    buf_add(out, hash, HASH_LEN);
    buf_addch(out, (char)flags);
    for (int i = 0; i < N_FIELDS; i++)
        put_field(out, f[i], fl[i]);
    return FC_OK;
}

void evrec_reader_init(struct evrec_reader *r, const void *data, size_t len, const char *device,
                       int64_t first_seq, const unsigned char prev[HASH_LEN], char *arena)
{
    memset(r, 0, sizeof(*r));
    r->p = data;
    r->len = len;
    r->arena = arena;
    r->device = device;
    r->next_seq = first_seq;
    memcpy(r->prev, prev, HASH_LEN);
}

/* Copies a field into the arena as a C string. The arena holds the input's
 * length, and each field consumed 4 length bytes besides its own, so this
 * never overruns it. */
static const char *arena_keep(struct evrec_reader *r, const unsigned char *s, size_t len)
{
    char *d = r->arena + r->arena_off;

    memcpy(d, s, len);
    d[len] = '\0';
    r->arena_off += len + 1;
    return d;
}

int evrec_next(struct evrec_reader *r, struct event *e, struct fc_error *err)
{
    static const size_t max_len[N_FIELDS] = {
        20,        sizeof(e->id) - 1, sizeof(e->device) - 1,
        EVREC_MAX, sizeof(e->at) - 1, EVREC_MAX,
        EVREC_MAX, EVREC_MAX,
    };
    const unsigned char *rec, *field[N_FIELDS], *area;
    size_t flen[N_FIELDS], R, off, left = r->len - r->off;
    unsigned char flags, digest[HASH_LEN];
    struct hash_ctx h;
    char seq[24];
    long long n = (long long)r->next_seq;

    memset(e, 0, sizeof(*e));
    if (left == 0)
        return 0;
    if (left < 4)
        return fc_error_set(err, FC_EINPUT, "bundle event %lld is truncated", n);
    R = codec_get_u32(r->p + r->off);
    if (R > EVREC_MAX)
        return fc_error_set(err, FC_ELIMIT, "bundle event %lld has length %zu, above the limit", n,
                            R);
    if (R < EVREC_MIN || R > left - 4)
        return fc_error_set(err, FC_EINPUT, "bundle event %lld has an impossible length %zu", n, R);
    rec = r->p + r->off + 4;
    flags = rec[HASH_LEN];
    if (flags & ~(EVREC_VISIT_NULL | EVREC_SUBJECT_NULL))
        return fc_error_set(err, FC_EINPUT, "bundle event %lld has unknown flags", n);
    area = rec + HASH_LEN + 1;
    off = HASH_LEN + 1;
    for (int i = 0; i < N_FIELDS; i++) {
        if (R - off < 4)
            return fc_error_set(err, FC_EINPUT, "bundle event %lld is truncated", n);
        flen[i] = codec_get_u32(rec + off);
        off += 4;
        if (flen[i] > R - off || flen[i] > max_len[i])
            return fc_error_set(err, FC_EINPUT, "bundle event %lld has a field out of range", n);
        field[i] = rec + off;
        off += flen[i];
        if (memchr(field[i], '\0', flen[i]) ||
            !utf8_is_valid((const char *)field[i], flen[i], NULL))
            return fc_error_set(err, FC_EINPUT,
                                "bundle event %lld has a field that is not UTF-8 text", n);
    }
    if (off != R)
        return fc_error_set(err, FC_EINPUT, "bundle event %lld has bytes after its fields", n);
    if (((flags & EVREC_VISIT_NULL) && flen[3]) || ((flags & EVREC_SUBJECT_NULL) && flen[6]))
        return fc_error_set(err, FC_EINPUT, "bundle event %lld has a null field with content", n);
    snprintf(seq, sizeof(seq), "%lld", n);
    if (flen[0] != strlen(seq) || memcmp(field[0], seq, flen[0]) != 0)
        return fc_error_set(err, FC_EINTEGRITY,
                            "bundle event has seq '%.*s' where %lld was expected", (int)flen[0],
                            (const char *)field[0], n);
    if (flen[2] != strlen(r->device) || memcmp(field[2], r->device, flen[2]) != 0)
        return fc_error_set(err, FC_EINTEGRITY, "bundle event %lld belongs to device '%.*s'", n,
                            (int)flen[2], (const char *)field[2]);
    hash_init(&h);
    hash_update(&h, event_tag, sizeof(event_tag) - 1);
    hash_update(&h, r->prev, HASH_LEN);
    hash_update(&h, area, R - HASH_LEN - 1);
    hash_final(&h, digest);
    if (memcmp(digest, rec, HASH_LEN) != 0)
        return fc_error_set(err, FC_EINTEGRITY,
                            "bundle event %lld does not match its hash or does not chain to the "
                            "previous event",
                            n);
    e->seq = r->next_seq;
    memcpy(e->id, field[1], flen[1]);
    memcpy(e->device, field[2], flen[2]);
    e->visit = (flags & EVREC_VISIT_NULL) ? NULL : arena_keep(r, field[3], flen[3]);
    memcpy(e->at, field[4], flen[4]);
    e->kind = arena_keep(r, field[5], flen[5]);
    e->subject = (flags & EVREC_SUBJECT_NULL) ? NULL : arena_keep(r, field[6], flen[6]);
    e->payload = arena_keep(r, field[7], flen[7]);
    hash_to_hex(e->prev_hash, r->prev, HASH_LEN);
    hash_to_hex(e->hash, digest, HASH_LEN);
    memcpy(r->prev, digest, HASH_LEN);
    r->next_seq++;
    r->off += 4 + R;
    return 1;
}
