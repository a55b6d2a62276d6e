/* HQ's resource bounds (issue: quarantine and compression bombs).
 * - A bundle whose content is large but compresses to almost nothing is
 *   imported in batches: the importing process stays far below the
 *   content's size (measured in a child process forked before anything big
 *   exists, with wait4's peak RSS).
 * - A bundle that fails its checks after some events were already handed
 *   to the import leaves nothing behind.
 * - Quarantine keeps header, hash and size, not the body; a cap per device;
 *   purge forgets. */
#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/hq/hqstore.h"
#include "core/store/event.h"
#include "core/store/store.h"
#include "sync/bundle.h"
#include "sync/hq.h"
#include "sync/keys.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "hq_fixture.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static const char zero[HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static char tmpl[] = "/tmp/fc-hqbounds-XXXXXX";
static struct keys_device dev, stranger;
static char hqdir[256];

/* A bundle of n events of device k, each payload a JSON string of fill
 * bytes (spaces compress to nothing, random letters do not). bad_at > 0
 * breaks the hash of that event (1-based) without re-chaining the rest. */
static void build(const struct keys_device *k, uint64_t bseq, int n, size_t fill, int random,
                  int bad_at, struct buf *out)
{
    struct event *ev = calloc((size_t)n, sizeof(*ev));
    char **payloads = calloc((size_t)n, sizeof(*payloads));
    struct bundle_build_args a;
    struct fc_error err;
    unsigned int seed = (unsigned int)bseq;

    for (int i = 0; i < n; i++) {
        struct event *e = &ev[i];

        payloads[i] = malloc(fill + 16);
        memcpy(payloads[i], "{\"x\":\"", 6);
        for (size_t j = 0; j < fill; j++)
            payloads[i][6 + j] = random ? (char)('a' + rand_r(&seed) % 26) : ' ';
        memcpy(payloads[i] + 6 + fill, "\"}", 3);
        e->seq = i + 1;
        snprintf(e->id, sizeof(e->id), "00000000-0000-4000-8000-%012d", i + 1);
        snprintf(e->device, sizeof(e->device), "%s", k->device_id);
        e->at_ms = 1772366400000LL + i;
        clock_format_utc(e->at_ms, e->at);
        e->kind = "note";
        e->payload = payloads[i];
        memcpy(e->prev_hash, i ? ev[i - 1].hash : zero, sizeof(e->prev_hash));
        event_compute_hash(e);
        if (i + 1 == bad_at)
            e->hash[0] = e->hash[0] == 'a' ? 'b' : 'a';
    }
    memset(&a, 0, sizeof(a));
    a.device = k;
    a.hq_box_pk = hq.keys.box_pk;
    a.bundle_seq = bseq;
    a.prev_bundle = zero;
    a.first_seq = 1;
    a.prev_head = zero;
    a.created_ms = 1772366400000LL;
    if (bundle_build(&a, ev, (size_t)n, out, &err))
        fail_msg("build: %s", err.msg);
    for (int i = 0; i < n; i++)
        free(payloads[i]);
    free(payloads);
    free(ev);
}

static int64_t count_of(const char *sql)
{
    struct fc_error err;
    int64_t n = -1;

    assert_int_equal(hqdb_query_int(hq.db, sql, NULL, 0, &n, &err), 0);
    return n;
}

/* 64 MiB of content in a bundle of a few hundred KiB, imported by a process
 * that never holds it: the old reader kept the content and a copy of every
 * event, twice its size. */
static void test_bomb_streams(void **state)
{
    struct buf bomb = BUF_INIT, path = BUF_INIT;
    struct rusage ru;
    size_t file_len;
    int go[2], st = 0;
    pid_t pid;
    const int n = 64;

    (void)state;
    assert_int_equal(pipe(go), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct hq mine;
        struct hq_import_result r;
        struct fc_error err;
        char file[512];
        ssize_t got;

        close(go[1]);
        got = read(go[0], file, sizeof(file) - 1);
        if (got <= 0)
            _exit(2);
        file[got] = 0;
        if (hq_open(&mine, hqdir, NULL, &err) || hq_import_file(&mine, file, &r, &err) ||
            r.outcome != HQ_IMPORTED || r.stats.events_new != n) {
            fprintf(stderr, "child: %s\n", err.msg);
            _exit(1);
        }
        hq_close(&mine);
        _exit(0);
    }
    close(go[0]);
    build(&dev, 1, n, (1u << 20) - 512, 0, 0, &bomb);
    file_len = bomb.len;
    assert_true(file_len < 1024 * 1024); /* the claim is 64 MiB */
    buf_addf(&path, "%s/bomb.fcb", root);
    {
        struct fc_error err;
        assert_int_equal(fs_write_atomic(path.ptr, bomb.ptr, bomb.len, 0600, &err), 0);
    }
    buf_release(&bomb);
    assert_int_equal(write(go[1], path.ptr, path.len), (ssize_t)path.len);
    close(go[1]);
    assert_int_equal(wait4(pid, &st, 0, &ru), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* ru_maxrss is in KiB */
    fprintf(stderr, "bomb: %zu-byte file, 64 MiB content, importer peak RSS %ld KiB\n", file_len,
            ru.ru_maxrss);
    if (!UNDER_ASAN && ru.ru_maxrss > 40 * 1024)
        fail_msg("importing 64 MiB of content took %ld KiB of memory", ru.ru_maxrss);
    assert_int_equal(count_of("SELECT count(*) FROM event"), n);
    assert_int_equal(count_of("SELECT min(length(payload)) FROM event"), (1 << 20) - 512 + 8);
    buf_release(&path);
}

/* Events reach the import before the last checks: a bundle whose 3,000th
 * event is broken (its first 2,000 or so went to the store in the first
 * batch) leaves no event, no bundle row, nothing. */
static void test_late_failure_leaves_nothing(void **state)
{
    struct buf b = BUF_INIT;
    struct hq_import_result r;
    struct fc_error err;
    struct keys_device late;
    char before[HASH_HEX_LEN + 1], after[HASH_HEX_LEN + 1];
    int64_t tally;

    (void)state;
    hq_fx_device("late", 1, NULL, &late);
    build(&late, 1, 3200, 500, 1, 3000, &b);
    assert_int_equal(hqstore_digest(hq.db, before, &err), 0);
    tally = count_of("SELECT coalesce(sum(n), 0) FROM tally");
    assert_int_equal(hq_import_data(&hq, "late", b.ptr, b.len, &r, &err), FC_EINTEGRITY);
    assert_non_null(strstr(err.msg, "3000"));
    assert_int_equal(hqstore_digest(hq.db, after, &err), 0);
    assert_string_equal(before, after);
    assert_int_equal(count_of("SELECT coalesce(sum(n), 0) FROM tally"), tally);
    buf_release(&b);
}

/* Three refused files of 1 MiB: the store grows by their headers, not
 * their bodies; the fourth is over the cap; purge forgets them. */
static void test_quarantine_bounded(void **state)
{
    struct buf b[5];
    struct hq_import_result r;
    struct fc_error err;
    int64_t removed = 0, size0, grown;

    (void)state;
    setenv("FIELDCHECK_HQ_QUARANTINE_CAP", "3", 1);
    for (int i = 0; i < 5; i++) {
        buf_init(&b[i]);
        build(&stranger, (uint64_t)i + 1, 4, 512 * 1024, 1, 0, &b[i]);
        assert_true(b[i].len > 1000 * 1000);
    }
    size0 = count_of("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    for (int i = 0; i < 3; i++) {
        assert_int_equal(hq_import_data(&hq, "junk", b[i].ptr, b[i].len, &r, &err), FC_EVERIFY);
        assert_int_equal(r.outcome, HQ_QUARANTINED);
    }
    /* the same file again: still one row, not a new place */
    assert_int_equal(hq_import_data(&hq, "junk", b[0].ptr, b[0].len, &r, &err), FC_EVERIFY);
    assert_int_equal(hq_import_data(&hq, "junk", b[3].ptr, b[3].len, &r, &err), FC_ELIMIT);
    assert_non_null(strstr(err.msg, "full"));
    assert_int_equal(count_of("SELECT count(*) FROM quarantine"), 3);
    assert_int_equal(count_of("SELECT max(length(header)) FROM quarantine"), BUNDLE_HEADER_LEN);
    assert_int_equal(count_of("SELECT sum(size) FROM quarantine"),
                     (int64_t)(b[0].len + b[1].len + b[2].len));
    grown = count_of("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()") -
            size0;
    if (grown > 64 * 1024)
        fail_msg("three refused 1 MiB files grew hq.db by %lld bytes", (long long)grown);
    assert_int_equal(hqstore_quarantine_purge(hq.db, stranger.device_id, &removed, &err), 0);
    assert_int_equal(removed, 3);
    assert_int_equal(count_of("SELECT count(*) FROM quarantine"), 0);
    assert_int_equal(hq_import_data(&hq, "junk", b[4].ptr, b[4].len, &r, &err), FC_EVERIFY);
    assert_int_equal(r.outcome, HQ_QUARANTINED);
    assert_int_equal(count_of("SELECT count(*) FROM quarantine"), 1);
    unsetenv("FIELDCHECK_HQ_QUARANTINE_CAP");
    for (int i = 0; i < 5; i++)
        buf_release(&b[i]);
}

static int setup(void **state)
{
    (void)state;
    hq_fx_setup(tmpl, "2026-03-01T10:00:00+08:00");
    snprintf(hqdir, sizeof(hqdir), "%s/hq", root);
    hq_fx_device("dev", 1, NULL, &dev);
    hq_fx_device("stranger", 0, NULL, &stranger);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bomb_streams),
        cmocka_unit_test(test_late_failure_leaves_nothing),
        cmocka_unit_test(test_quarantine_bounded),
    };
    return cmocka_run_group_tests(tests, setup, hq_fx_teardown);
}
