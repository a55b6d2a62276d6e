/* Benchmark of the sync path, in one run on one machine so that the figures
 * compare: export of N events (default 100,000) and HQ import of that bundle,
 * each against its peer, `sqlite3 DB .dump event | zstd` and `zstd -d | sqlite3`
 * of the same events; then HQ import of B bundles of 500 events (default
 * 1,000) and re-importing them all. Prints figures only (docs/performance-sync.md).
 * Usage: bench_sync [events] [bundles] */
#include "core/base/buf.h"
#include "core/base/fs.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "core/store/syncdb.h"
#include "sync/bundle.h"
#include "sync/hq.h"
#include "sync/keys.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define PER_BUNDLE 500

static void die(const char *what, const struct fc_error *err)
{
    fprintf(stderr, "bench_sync: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

/* Runs a shell command and returns its wall time and its children's CPU
 * time; exits on failure. */
static struct bench_time timed_system(const char *cmd)
{
    struct bench_time t;

    bench_start(&t, RUSAGE_CHILDREN);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_sync: '%s' failed\n", cmd);
        exit(1);
    }
    bench_stop(&t);
    return t;
}

/* Prints our figures and the peer's for n events, and the peer's time as a
 * share of ours. */
static void compare(const char *ours_label, struct bench_time ours, const char *peer_label,
                    struct bench_time peer, const char *share_label, long n)
{
    printf("%-30s %.3f s  %9.0f ev/s  %.3f s\n", ours_label, ours.wall, n / ours.wall, ours.cpu);
    printf("%-30s %.3f s  %9.0f ev/s  %.3f s\n", peer_label, peer.wall, n / peer.wall, peer.cpu);
    printf("  %-28s %.0f %% wall, %.0f %% cpu\n", share_label, 100.0 * peer.wall / ours.wall,
           100.0 * peer.cpu / ours.cpu);
}

/* A device store with keys, trusting hq, enrolled there. */
static struct store *device_new(const char *root, const char *name, struct hq *hq,
                                struct keys_device *k)
{
    struct store *s = NULL;
    struct buf path = BUF_INIT, code = BUF_INIT, pub = BUF_INIT;
    struct keys_enrollment e;
    struct fc_error err;
    int added;
    struct keys_trust_result tr;

    buf_addf(&path, "%s/%s/fieldcheck.db", root, name);
    buf_addf(&pub, "%s/hq/hq.pub", root);
    if (store_open(&s, path.ptr, &err) || keys_device_init(s, k, NULL, &err))
        die("device", &err);
    keys_enrollment_code(k, &code);
    if (hq_enroll(hq, code.ptr, &e, &added, &err) || keys_trust_file(s, pub.ptr, 1, &tr, &err))
        die("enroll", &err);
    buf_release(&path);
    buf_release(&code);
    buf_release(&pub);
    return s;
}

static void payload_of(char *out, size_t n, long i)
{
    snprintf(out, n,
             "{\"verdict\":\"%s\",\"bed\":\"W%02ld/%ld\",\"note\":\"routine night check, "
             "patient present, wristband scanned\",\"n\":%ld}",
             i % 7 ? "present" : "absent", i % 40, i % 50, i);
}

static void part_one(const char *root, struct hq *hq, long n)
{
    struct keys_device k;
    struct store *s = device_new(root, "dev-a", hq, &k);
    struct bundle_export_result r;
    struct hq_import_result ir;
    struct fc_error err;
    struct buf cmd = BUF_INIT, out = BUF_INIT;
    struct bench_time t_exp, t_imp, t_dump, t_load;

    if (store_begin(s, &err))
        die("begin", &err);
    for (long i = 0; i < n; i++) {
        char payload[256], subject[32];
        payload_of(payload, sizeof(payload), i);
        snprintf(subject, sizeof(subject), "bed-%ld", i % 2000);
        if (event_append(s, NULL, 1772366400000LL + i, "note", subject, payload, NULL, &err))
            die("append", &err);
    }
    if (store_commit(s, &err))
        die("commit", &err);

    buf_addf(&out, "%s/out", root);
    bench_start(&t_exp, RUSAGE_SELF);
    if (bundle_export(s, out.ptr, &r, &err))
        die("export", &err);
    bench_stop(&t_exp);
    bench_start(&t_imp, RUSAGE_SELF);
    if (hq_import_file(hq, r.path, &ir, &err) || ir.outcome != HQ_IMPORTED ||
        ir.stats.events_new != n)
        die("import", &err);
    bench_stop(&t_imp);
    store_close(s);

    /* the peers: the same events table dumped and compressed, then loaded */
    buf_addf(&cmd,
             "sqlite3 '%s/dev-a/fieldcheck.db' '.dump event' | zstd -q -3 -f -o '%s/dump.zst'",
             root, root);
    t_dump = timed_system(cmd.ptr);
    buf_reset(&cmd);
    buf_addf(&cmd, "zstd -q -d -c '%s/dump.zst' | sqlite3 '%s/peer.db'", root, root);
    t_load = timed_system(cmd.ptr);

    printf("events                         %ld\n", n);
    printf("bundle                         %zu bytes\n", r.size);
    printf("                               wall              cpu\n");
    compare("export (fieldcheck)", t_exp, "sqlite3 .dump | zstd (peer)", t_dump,
            "export / peer throughput", n);
    compare("hq import (fieldcheck)", t_imp, "zstd -d | sqlite3 (peer)", t_load,
            "import / peer throughput", n);
    buf_release(&cmd);
    buf_release(&out);
}

static void part_two(const char *root, struct hq *hq, long nb)
{
    static const char zero[HASH_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    struct keys_device k;
    struct store *s = device_new(root, "dev-b", hq, &k);
    struct buf *files = calloc((size_t)nb, sizeof(*files));
    struct event *ev = calloc(PER_BUNDLE, sizeof(*ev));
    char(*payloads)[256] = calloc(PER_BUNDLE, sizeof(*payloads));
    char(*subjects)[32] = calloc(PER_BUNDLE, sizeof(*subjects));
    char prev_bundle[HASH_HEX_LEN + 1], head[HASH_HEX_LEN + 1];
    struct fc_error err;
    struct bench_time t_open, t_imp, t_re;
    double t_build;
    long seq = 1;

    store_close(s);
    memcpy(prev_bundle, zero, sizeof(zero));
    memcpy(head, zero, sizeof(zero));
    t_build = bench_now();
    for (long b = 0; b < nb; b++) {
        struct bundle_build_args a;
        unsigned char digest[HASH_LEN];

        for (int i = 0; i < PER_BUNDLE; i++, seq++) {
            struct event *e = &ev[i];
            memset(e, 0, sizeof(*e));
            e->seq = seq;
            snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%012ld", seq);
            snprintf(e->device, sizeof(e->device), "%s", k.device_id);
            e->at_ms = 1772366400000LL + seq;
            clock_format_utc(e->at_ms, e->at);
            e->kind = "note";
            payload_of(payloads[i], sizeof(payloads[i]), seq);
            snprintf(subjects[i], sizeof(subjects[i]), "bed-%ld", seq % 2000);
            e->payload = payloads[i];
            e->subject = subjects[i];
            memcpy(e->prev_hash, i ? ev[i - 1].hash : head, sizeof(e->prev_hash));
            event_compute_hash(e);
        }
        memset(&a, 0, sizeof(a));
        a.device = &k;
        a.hq_box_pk = hq->keys.box_pk;
        a.bundle_seq = (uint64_t)b + 1;
        a.prev_bundle = prev_bundle;
        a.first_seq = seq - PER_BUNDLE;
        a.prev_head = head;
        a.created_ms = 1772366400000LL;
        buf_init(&files[b]);
        if (bundle_build(&a, ev, PER_BUNDLE, &files[b], &err))
            die("build", &err);
        hash_sha256(digest, files[b].ptr, files[b].len);
        hash_to_hex(prev_bundle, digest, HASH_LEN);
        memcpy(head, ev[PER_BUNDLE - 1].hash, sizeof(head));
    }
    t_build = bench_now() - t_build;

    bench_start(&t_open, RUSAGE_SELF);
    for (long b = 0; b < nb; b++) {
        struct bundle_contents c;
        if (bundle_open(files[b].ptr, files[b].len, k.sign_pk, &hq->keys, &c, &err))
            die("open", &err);
        bundle_contents_release(&c);
    }
    bench_stop(&t_open);
    bench_start(&t_imp, RUSAGE_SELF);
    for (long b = 0; b < nb; b++) {
        struct hq_import_result r;
        if (hq_import_data(hq, "bench", files[b].ptr, files[b].len, &r, &err) ||
            r.outcome != HQ_IMPORTED || r.stats.events_new != PER_BUNDLE)
            die("import", &err);
    }
    bench_stop(&t_imp);
    bench_start(&t_re, RUSAGE_SELF);
    for (long b = 0; b < nb; b++) {
        struct hq_import_result r;
        if (hq_import_data(hq, "bench", files[b].ptr, files[b].len, &r, &err) ||
            r.outcome != HQ_DUPLICATE)
            die("re-import", &err);
    }
    bench_stop(&t_re);

    printf("bundles of %d events           %ld (built in %.3f s)\n", PER_BUNDLE, nb, t_build);
    printf("hq import of all               %.3f s  %9.0f ev/s  %.3f s cpu  (target < 10 s)\n",
           t_imp.wall, (double)nb * PER_BUNDLE / t_imp.wall, t_imp.cpu);
    printf("  bundle_open alone (verify, decrypt, parse)  %.3f s  %.3f s cpu\n", t_open.wall,
           t_open.cpu);
    printf("re-import of all (duplicates)  %.3f s  %.3f s cpu  (target < 1 s)\n", t_re.wall,
           t_re.cpu);
    for (long b = 0; b < nb; b++)
        buf_release(&files[b]);
    free(files);
    free(ev);
    free(payloads);
    free(subjects);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    long nb = argc > 2 ? atol(argv[2]) : 1000;
    char tmpl[] = "/tmp/fc-bench-sync-XXXXXX";
    char *root = mkdtemp(tmpl);
    struct buf dir = BUF_INIT;
    struct fc_error err;
    struct hq hq;
    char fp[20];

    if (!root || n < 1 || nb < 1) {
        fprintf(stderr, "usage: bench_sync [events] [bundles]\n");
        return 2;
    }
    hash_global_init();
    setenv("FIELDCHECK_NOW", "2026-03-01T20:00:00+08:00", 1);
    buf_addf(&dir, "%s/hq", root);
    if (hq_init(dir.ptr, NULL, fp, &err) || hq_open(&hq, dir.ptr, NULL, &err))
        die("hq", &err);
    part_one(root, &hq, n);
    part_two(root, &hq, nb);
    hq_close(&hq);
    fs_remove_tree(root);
    buf_release(&dir);
    return 0;
}
