/* The roster's repeated keys, noted while parsing: admissions, beds and IDs
 * go through fingerprint sets (core/mission/keyset.h) on the insert thread,
 * and only the keys they flag are looked up after the bulk insert. */
#include "core/mission/loader.h"

#include <stdio.h>
#include <string.h>

/* ---- repeated roster keys -----------------------------------------------
 * Each inserted roster row's admission (per site), bed (per site and ward)
 * and ID (tagged with its site) go through a keyset, on the insert thread;
 * the keys it flags are the only ones the checks after the bulk insert look
 * up (check_keys). Flagged keys join their parts with US (0x1f), which no
 * code column may hold. */

/* Roster rows fingerprinted at most: about 20 bytes each, so 30 MB. */
static size_t key_limit = 1500000;

void mission_set_key_limit(size_t rows)
{
    key_limit = rows ? rows : 1500000;
}

void loader_forget_keys(struct loader *L)
{
    keyset_free(L->seen_adm);
    keyset_free(L->seen_bed);
    keyset_free(L->seen_id);
    L->seen_adm = L->seen_bed = L->seen_id = NULL;
    keylist_release(&L->tag_sites);
    keylist_init(&L->tag_sites);
    L->site_last = 0;
    L->key_valid = 0;
}

/* A flagged key, as text for the checks: its parts joined with US. */
static void add_maybe(struct keylist *maybe, const struct rowpipe_value *a,
                      const struct rowpipe_value *b, const struct rowpipe_value *c)
{
    struct buf key = BUF_INIT;

    buf_add(&key, a->text, a->len);
    if (b) {
        buf_addch(&key, 0x1f);
        buf_add(&key, b->text, b->len);
    }
    if (c) {
        buf_addch(&key, 0x1f);
        buf_add(&key, c->text, c->len);
    }
    keylist_add(maybe, key.ptr);
    buf_release(&key);
}

/* A small number for each site code met in the file: its index in
 * tag_sites (rows come grouped by site, so the last one usually matches). */
static uint32_t site_tag(struct loader *L, const struct rowpipe_value *site)
{
    char code[64];
    size_t last = L->site_last;

    if (last < L->tag_sites.n && strlen(L->tag_sites.key[last]) == site->len &&
        !memcmp(L->tag_sites.key[last], site->text, site->len))
        return (uint32_t)last;
    /* a site code is 12 characters (CT_SITE); longer ones cannot occur */
    snprintf(code, sizeof(code), "%.*s", (int)site->len, site->text);
    L->site_last = keylist_add(&L->tag_sites, code);
    return (uint32_t)L->site_last;
}
/* The insert thread's row hook for the roster (parameters are the columns
 * in order, so IP_x is parameter x + 1): its keys go through the keysets
 * there, beside the inserts, rather than on the parsing thread. */
void loader_note_keys(void *ctx, const struct rowpipe_value *row)
{
    struct loader *L = ctx;
    const struct rowpipe_value *site = &row[IP_SITE], *adm = &row[IP_ADM], *id = &row[IP_ID];
    const struct rowpipe_value *ward = &row[IP_WARD_CODE], *bed = &row[IP_BED];
    uint32_t fp_adm, fp_bed, fp_id, tag;

    if (L->keys_overflow)
        return;
    if (!L->seen_adm) {
        /* sized from the file: a roster line is rarely under 64 bytes */
        size_t expect = (size_t)(L->file_size / 64);
        if (expect > key_limit)
            expect = key_limit;
        L->seen_adm = keyset_new(0, expect);
        L->seen_bed = keyset_new(0, expect);
        L->seen_id = keyset_new(1, expect);
    }
    if (keyset_count(L->seen_adm) >= key_limit) {
        /* memory stays bounded: past the limit the checks walk the whole
         * indexes instead (half a second a million rows) */
        L->keys_overflow = 1;
        keyset_free(L->seen_adm);
        keyset_free(L->seen_bed);
        keyset_free(L->seen_id);
        L->seen_adm = L->seen_bed = L->seen_id = NULL;
        return;
    }
    /* a site's and a ward's hashes carry over from row to row (rosters
     * come grouped); the bed set's hashes serve all three keys */
    tag = site_tag(L, site);
    if (!L->key_valid || tag != L->key_site) {
        L->key_site = tag;
        L->h_site = keyset_part(L->seen_bed, site->text, site->len);
        L->key_valid = 0;
    }
    if (!L->key_valid || ward->len != L->key_ward_len ||
        memcmp(L->key_ward, ward->text, ward->len)) {
        L->h_ward = keyset_mix(L->h_site, keyset_part(L->seen_bed, ward->text, ward->len));
        L->key_valid = ward->len <= sizeof(L->key_ward); /* else hash it every time */
        if (L->key_valid) {
            memcpy(L->key_ward, ward->text, ward->len);
            L->key_ward_len = ward->len;
        }
    }
    fp_adm = keyset_fp(L->seen_adm,
                       keyset_mix(keyset_part(L->seen_bed, adm->text, adm->len), L->h_site));
    fp_bed = keyset_fp(L->seen_bed,
                       keyset_mix(L->h_ward, keyset_part(L->seen_bed, bed->text, bed->len)));
    fp_id = keyset_fp(L->seen_id, keyset_part(L->seen_bed, id->text, id->len));
    if (keyset_add(L->seen_adm, fp_adm, 0))
        add_maybe(&L->maybe_adm, adm, site, NULL);
    if (keyset_add(L->seen_bed, fp_bed, 0))
        add_maybe(&L->maybe_bed, site, ward, bed);
    if (keyset_add(L->seen_id, fp_id, tag))
        add_maybe(&L->maybe_id, id, NULL, NULL);
}
