/* Scan assembler tests: bursts become scans, slow keys stay typing, and the
 * gap boundary, Enter alone, short and overlong bursts behave as documented;
 * control bytes inside a burst refuse it, never act as keys. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/scan_asm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Events flattened into a string: typed keys as themselves ("\n" for Enter,
 * "<Sxx>" for special keys), scans as "[code]", rejects as "!len!". */
static void drain(struct scan_asm *sa, char *out, size_t cap)
{
    struct scan_event ev;
    size_t n = strlen(out);

    while (scan_asm_next(sa, &ev)) {
        if (ev.type == SCAN_EV_SCAN)
            n += (size_t)snprintf(out + n, cap - n, "[%s]", ev.text);
        else if (ev.type == SCAN_EV_REJECT)
            n += (size_t)snprintf(out + n, cap - n, "!%zu!", ev.len);
        else if (SCAN_KEY_IS_SPECIAL(ev.key))
            n += (size_t)snprintf(out + n, cap - n, "<S%d>", SCAN_KEY_SPECIAL_CODE(ev.key));
        else if (ev.key < 0x80)
            n += (size_t)snprintf(out + n, cap - n, "%c", (char)ev.key);
        else
            n += (size_t)snprintf(out + n, cap - n, "<U%X>", (unsigned)ev.key);
        assert_true(n < cap);
        scan_event_release(&ev);
    }
}

/* Drains sa's events and checks them, flattened as drain does, against want. */
static void expect_out(struct scan_asm *sa, const char *want)
{
    char out[4096] = "";

    drain(sa, out, sizeof(out));
    assert_string_equal(out, want);
}

/* Every test that needs one gets a fresh assembler with a 30 ms gap. */
static int setup(void **state)
{
    struct scan_asm *sa = malloc(sizeof(*sa));

    assert_non_null(sa);
    scan_asm_init(sa, 30);
    *state = sa;
    return 0;
}

static int teardown(void **state)
{
    scan_asm_release(*state);
    free(*state);
    return 0;
}

/* Feeds ASCII text one key every step_ms starting at t; returns the time of
 * the last key. */
static int64_t feed_str(struct scan_asm *sa, const char *s, int64_t t, int step_ms)
{
    for (size_t i = 0; s[i]; i++) {
        if (i)
            t += step_ms;
        scan_asm_feed(sa, (unsigned char)s[i], t);
    }
    return t;
}

static void test_nothing_held(void **state)
{
    struct scan_asm *sa = *state;

    assert_int_equal(scan_asm_deadline(sa, 0), -1);
    scan_asm_tick(sa, 1000);
    expect_out(sa, "");
}

static void test_enter_alone(void **state)
{
    struct scan_asm *sa = *state;

    scan_asm_feed(sa, '\r', 100);
    scan_asm_feed(sa, '\n', 101);
    expect_out(sa, "\r\n");
    assert_int_equal(scan_asm_deadline(sa, 101), -1);
}

static void test_burst_is_scan(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t;

    t = feed_str(sa, "H11010100001", 1000, 2);
    expect_out(sa, ""); /* held, nothing typed yet */
    assert_int_equal(scan_asm_deadline(sa, t), 30);
    assert_int_equal(scan_asm_deadline(sa, t + 10), 20);
    scan_asm_feed(sa, '\r', t + 2);
    expect_out(sa, "[H11010100001]");
    assert_int_equal(scan_asm_deadline(sa, t + 2), -1);
}

static void test_slow_typing_stays_typing(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t = 5000;

    for (const char *p = "jk12G"; *p; p++) {
        scan_asm_feed(sa, (unsigned char)*p, t);
        t += 120;
        /* the poll timeout fires between keys */
        assert_int_equal(scan_asm_deadline(sa, t), 0);
        scan_asm_tick(sa, t);
    }
    scan_asm_feed(sa, '\r', t);
    expect_out(sa, "jk12G\r");
}

static void test_slow_typing_without_ticks(void **state)
{
    /* Even if the loop never timed out, a late key flushes the held one. */
    struct scan_asm *sa = *state;

    feed_str(sa, "abcde\r", 0, 31);
    expect_out(sa, "abcde\r");
}

static void test_gap_boundary(void **state)
{
    struct scan_asm *sa = *state;

    /* 29 ms apart is a burst; exactly 30 ms is not. */
    feed_str(sa, "ABCD\r", 0, 29);
    expect_out(sa, "[ABCD]");
    feed_str(sa, "ABCD\r", 1000, 30);
    expect_out(sa, "ABCD\r");

    /* the tick flushes at exactly the deadline, not a millisecond earlier */
    scan_asm_feed(sa, 'x', 5000);
    scan_asm_tick(sa, 5029);
    expect_out(sa, "");
    scan_asm_tick(sa, 5030);
    expect_out(sa, "x");
}

static void test_gap_expires_before_enter(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t;

    t = feed_str(sa, "12345", 0, 1);
    scan_asm_tick(sa, t + 30);
    scan_asm_feed(sa, '\r', t + 40);
    expect_out(sa, "12345\r");
}

static void test_short_burst_replays(void **state)
{
    struct scan_asm *sa = *state;

    feed_str(sa, "12\r", 0, 1);
    expect_out(sa, "12\r");
}

static void test_twenty_scans_per_second(void **state)
{
    struct scan_asm *sa = *state;
    char want[4096] = "";
    int64_t t = 0;

    for (int i = 0; i < 40; i++) {
        char code[32];
        int64_t start = i * 50; /* 20 per second, back to back */
        snprintf(code, sizeof(code), "%020d", 10000000 + i);
        /* 20 characters in 40 ms, Enter, then only 8 ms to the next scan */
        t = feed_str(sa, code, start, 2);
        scan_asm_feed(sa, '\r', t + 2);
        strcat(want, "[");
        strcat(want, code);
        strcat(want, "]");
        if (i % 7 == 0)
            scan_asm_tick(sa, t + 3); /* a timeout between scans changes nothing */
    }
    expect_out(sa, want);
}

static void test_mixed(void **state)
{
    struct scan_asm *sa = *state;

    scan_asm_feed(sa, 'j', 0);        /* typed hotkey */
    feed_str(sa, "jkGg99\n", 100, 3); /* a scan made of hotkey letters; LF ends it too */
    scan_asm_feed(sa, '1', 500);      /* typed bed number... */
    scan_asm_feed(sa, '2', 600);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0407), 700); /* ...backspace */
    scan_asm_feed(sa, '3', 800);
    scan_asm_tick(sa, 900);
    feed_str(sa, "EMPTY_BED\r", 1000, 1);
    expect_out(sa, "j[jkGg99]12<S263>3[EMPTY_BED]");
}

static void test_special_key_held_with_burst(void **state)
{
    struct scan_asm *sa = *state;

    /* keys fast but no Enter: typing after all, replayed when the gap ends */
    feed_str(sa, "abc", 0, 1);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0x109), 3); /* F1 */
    scan_asm_feed(sa, 0x1B, 4);                    /* Esc */
    expect_out(sa, "");
    scan_asm_tick(sa, 34);
    expect_out(sa, "abc<S265>\x1b");
}

/* Feeds keys[0..n) 1 ms apart from t, then Enter; returns the events. */
static void burst_keys(struct scan_asm *sa, const uint32_t *keys, size_t n, int64_t t, char *out,
                       size_t cap)
{
    for (size_t i = 0; i < n; i++)
        scan_asm_feed(sa, keys[i], t + (int64_t)i);
    scan_asm_feed(sa, '\r', t + (int64_t)n);
    out[0] = '\0';
    drain(sa, out, cap);
}

/* Control bytes and escape sequences inside a burst ended by Enter refuse it
 * whole: none of its keys reaches the screen (the barcodes of issue "a
 * barcode can issue TUI commands"). */
static void test_control_in_burst_refused(void **state)
{
    struct scan_asm *sa = *state;
    struct scan_event ev;
    char out[256];
    int64_t t = 0;
    /* ESC [ 2 4 ~ ESC O Q as curses gives them: F12, F2 */
    const uint32_t fkeys[] = {SCAN_KEY_SPECIAL(0x114), SCAN_KEY_SPECIAL(0x10A)};
    const uint32_t eot_dup[] = {0x04, 'd', 'u', 'p'};
    const uint32_t rs[] = {'W', '0', '1', '-', '1', 0x1E, '2'};
    const uint32_t singles[] = {0x00, 0x03, 0x0F, 0x13, 0x16, 0x1B, 0x1C, 0x7F, 0x9B};

    burst_keys(sa, fkeys, 2, t, out, sizeof(out));
    assert_string_equal(out, "!8!");
    t += 1000;
    burst_keys(sa, eot_dup, 4, t, out, sizeof(out));
    assert_string_equal(out, "!4!");
    t += 1000;
    burst_keys(sa, rs, 7, t, out, sizeof(out));
    assert_string_equal(out, "!7!");
    for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++) {
        uint32_t k[] = {'A', 'B', singles[i], 'C', 'D'};
        t += 1000;
        burst_keys(sa, k, 5, t, out, sizeof(out));
        assert_true(out[0] == '!');
        /* alone with Enter too */
        t += 1000;
        burst_keys(sa, &singles[i], 1, t, out, sizeof(out));
        assert_true(out[0] == '!');
    }
    /* the event names the first refused key */
    t += 1000;
    scan_asm_feed(sa, 'x', t);
    scan_asm_feed(sa, 0x1C, t + 1);
    scan_asm_feed(sa, 0x1B, t + 2);
    scan_asm_feed(sa, '\n', t + 3);
    assert_true(scan_asm_next(sa, &ev));
    assert_int_equal(ev.type, SCAN_EV_REJECT);
    assert_int_equal(ev.why, SCAN_REJECT_CONTROL);
    assert_int_equal(ev.ctrl, 0x1C);
    scan_event_release(&ev);
    assert_false(scan_asm_next(sa, &ev));
    /* and the next scan is whole */
    t += 1000;
    feed_str(sa, "W01-1\r", t, 1);
    expect_out(sa, "[W01-1]");
}

static void test_gs_inside_burst(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t;

    t = feed_str(sa, "0106901234567892", 0, 1);
    scan_asm_feed(sa, 0x1D, t + 1);
    feed_str(sa, "10ABC\r", t + 2, 1);
    expect_out(sa, "[0106901234567892\x1d"
                   "10ABC]");
    /* a leading GS (FNC1 sent as GS) is data too */
    scan_asm_feed(sa, 0x1D, 500);
    feed_str(sa, "0106901234567892\r", 501, 1);
    expect_out(sa, "[\x1d"
                   "0106901234567892]");
    /* GS on its own, typed, is a key */
    scan_asm_feed(sa, 0x1D, 1000);
    scan_asm_tick(sa, 1030);
    expect_out(sa, "\x1d");
}

/* ISO/IEC 15434: "[)>" RS "05" GS ... RS EOT is one code; RS and EOT are
 * data there and only there. */
static void test_15434_envelope(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t;

    t = feed_str(sa,
                 "[)>\x1e"
                 "05\x1d"
                 "0106901234567892\x1d"
                 "10ABC\x1e\x04\r",
                 0, 1);
    expect_out(sa, "[[)>\x1e"
                   "05\x1d"
                   "0106901234567892\x1d"
                   "10ABC\x1e\x04]");
    feed_str(sa,
             "[)\x1e"
             "05\x04\r",
             t + 1000, 1);
    expect_out(sa, "!6!");
}

/* A key alone in its burst, typed after a pause, is marked lone: what
 * confirms destructive actions. Keys of a burst never are. */
static void test_lone_keys(void **state)
{
    struct scan_asm *sa = *state;
    struct scan_event ev;

    scan_asm_feed(sa, 'y', 100);
    assert_false(scan_asm_next(sa, &ev)); /* held for the gap */
    scan_asm_tick(sa, 130);
    assert_true(scan_asm_next(sa, &ev));
    assert_int_equal(ev.key, 'y');
    assert_true(ev.lone);
    /* y then Enter in one burst: neither is lone */
    scan_asm_feed(sa, 'y', 500);
    scan_asm_feed(sa, '\r', 501);
    assert_true(scan_asm_next(sa, &ev));
    assert_int_equal(ev.key, 'y');
    assert_false(ev.lone);
    assert_true(scan_asm_next(sa, &ev));
    assert_int_equal(ev.key, '\r');
    assert_false(ev.lone);
    /* y y fast, no Enter: replayed, not lone */
    scan_asm_feed(sa, 'y', 1000);
    scan_asm_feed(sa, 'y', 1001);
    scan_asm_tick(sa, 1100);
    for (int i = 0; i < 2; i++) {
        assert_true(scan_asm_next(sa, &ev));
        assert_false(ev.lone);
    }
    assert_false(scan_asm_next(sa, &ev));
}

/* KEY_RESIZE is the terminal, not a key: passed on at once, burst intact. */
static void test_resize_inside_burst(void **state)
{
    struct scan_asm *sa = *state;

    feed_str(sa, "W01", 0, 1);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0632), 3);
    feed_str(sa, "-12\r", 4, 1);
    expect_out(sa, "<S410>[W01-12]");
}

static void test_key_names(void **state)
{
    char b[16];
    (void)state;

    assert_string_equal(scan_key_name(0x1B, b), "ESC");
    assert_string_equal(scan_key_name(0x04, b), "EOT");
    assert_string_equal(scan_key_name(0x13, b), "XOFF");
    assert_string_equal(scan_key_name(0x7F, b), "DEL");
    assert_string_equal(scan_key_name(0x9B, b), "U+009B");
    assert_string_equal(scan_key_name(SCAN_KEY_SPECIAL(0x114), b), "F12");
    assert_string_equal(scan_key_name(SCAN_KEY_SPECIAL(0402), b), "key 0402");
}

static void test_utf8_scan(void **state)
{
    struct scan_asm *sa = *state;
    struct scan_event ev;

    scan_asm_feed(sa, 0x75C5, 0); /* 病 */
    scan_asm_feed(sa, 0x533A, 1); /* 区 */
    scan_asm_feed(sa, 'A', 2);
    scan_asm_feed(sa, '1', 3);
    scan_asm_feed(sa, '\r', 4);
    assert_true(scan_asm_next(sa, &ev));
    assert_int_equal(ev.type, SCAN_EV_SCAN);
    assert_string_equal(ev.text, "\xe7\x97\x85\xe5\x8c\xba"
                                 "A1");
    assert_int_equal(ev.len, 8);
    scan_event_release(&ev);
    assert_false(scan_asm_next(sa, &ev));
}

static void test_overlong_burst(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t = 0;

    for (int i = 0; i < 600; i++)
        scan_asm_feed(sa, 'A' + i % 26, t++);
    scan_asm_feed(sa, '\r', t++);
    /* the next scan right after it is intact */
    feed_str(sa, "H11010100001\r", t + 5, 1);
    expect_out(sa, "!600![H11010100001]");

    /* exactly the cap is still a scan */
    t = 10000;
    for (int i = 0; i < SCAN_ASM_DEFAULT_MAX_BYTES; i++)
        scan_asm_feed(sa, '7', t++);
    scan_asm_feed(sa, '\r', t);
    {
        struct scan_event ev;
        assert_true(scan_asm_next(sa, &ev));
        assert_int_equal(ev.type, SCAN_EV_SCAN);
        assert_int_equal(ev.len, SCAN_ASM_DEFAULT_MAX_BYTES);
        scan_event_release(&ev);
    }

    /* an overlong burst without Enter is reported when its gap expires */
    t = 20000;
    for (int i = 0; i < 520; i++)
        scan_asm_feed(sa, 'z', t++);
    assert_int_equal(scan_asm_deadline(sa, t), 29);
    scan_asm_tick(sa, t + 40);
    scan_asm_feed(sa, 'q', t + 100);
    scan_asm_tick(sa, t + 200);
    expect_out(sa, "!520!q");
}

/* from_env reads the milliseconds in the variable name: def when it is
 * unset, zero or not a whole number (junk), its value (set, want) otherwise. */
static void env_ms(const char *name, int (*from_env)(void), int def, const char *set, int want,
                   const char *junk)
{
    unsetenv(name);
    assert_int_equal(from_env(), def);
    setenv(name, set, 1);
    assert_int_equal(from_env(), want);
    setenv(name, "0", 1);
    assert_int_equal(from_env(), def);
    setenv(name, junk, 1);
    assert_int_equal(from_env(), def);
    unsetenv(name);
}

static void test_gap_from_env(void **state)
{
    (void)state;
    env_ms("FIELDCHECK_SCAN_GAP_MS", scan_asm_gap_from_env, 30, "80", 80, "12ms");
}

/* An arrow or F-key typed alone acts once the quiet period (8 ms by default)
 * has passed after it, not the whole 30 ms gap. */
static void test_action_key_after_quiet(void **state)
{
    struct scan_asm *sa = *state;

    assert_int_equal(scan_asm_quiet(sa), SCAN_ASM_DEFAULT_QUIET_MS);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0402), 100); /* KEY_DOWN */
    assert_int_equal(scan_asm_deadline(sa, 100), 8);
    scan_asm_tick(sa, 107);
    expect_out(sa, "");
    scan_asm_tick(sa, 108);
    expect_out(sa, "<S258>");
    /* Tab and Ctrl keys are action keys too; the lone mark stays */
    scan_asm_feed(sa, '\t', 200);
    scan_asm_tick(sa, 208);
    {
        struct scan_event ev;
        assert_int_equal(scan_asm_next(sa, &ev), 1);
        assert_int_equal(ev.key, '\t');
        assert_true(ev.lone);
        scan_event_release(&ev);
    }
}

/* A printable key keeps the whole gap (a slow scanner's first character
 * must not act as a hotkey), but is readable at once for the input line. */
static void test_printable_waits_gap_but_shows(void **state)
{
    struct scan_asm *sa = *state;
    char pend[8];

    scan_asm_feed(sa, 'j', 0);
    assert_int_equal(scan_asm_pending_text(sa, pend, sizeof(pend)), 1);
    assert_string_equal(pend, "j");
    scan_asm_tick(sa, 20);
    expect_out(sa, "");
    feed_str(sa, "0123456789", 21, 1);
    assert_int_equal(scan_asm_pending_text(sa, pend, sizeof(pend)), 7); /* cut to fit */
    assert_string_equal(pend, "j012345");
    scan_asm_feed(sa, '\r', 33);
    expect_out(sa, "[j0123456789]");
    assert_int_equal(scan_asm_pending_text(sa, pend, sizeof(pend)), 0);
    /* a held control key: nothing to show */
    scan_asm_feed(sa, 'a', 100);
    scan_asm_feed(sa, 0x1B, 101);
    assert_int_equal(scan_asm_pending_text(sa, pend, sizeof(pend)), 0);
    assert_string_equal(pend, "");
}

/* A barcode carrying an F-key's sequence, its keys a few ms apart as a
 * scanner types them: the key is followed within the quiet period, so it
 * never acts; the burst is refused at its Enter. */
static void test_fkey_inside_burst_with_gaps(void **state)
{
    struct scan_asm *sa = *state;
    int64_t t;

    t = feed_str(sa, "ABC", 0, 4);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0x114), t + 5); /* F12, from ESC [ 2 4 ~ */
    scan_asm_tick(sa, t + 5 + 7);
    expect_out(sa, "");
    t = feed_str(sa, "DEF", t + 5 + 7, 3);
    scan_asm_tick(sa, t + 9); /* past the quiet period, inside the gap */
    expect_out(sa, "");
    scan_asm_feed(sa, '\r', t + 10);
    expect_out(sa, "!10!");
    /* the same key first in a burst */
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0x114), 1000);
    t = feed_str(sa, "XYZ1", 1005, 5);
    scan_asm_feed(sa, '\r', t + 2);
    expect_out(sa, "!8!");
}

/* ESC and a key together (Alt+key) act after the quiet period; ESC and two
 * keys are a burst and keep the gap. */
static void test_alt_key_after_quiet(void **state)
{
    struct scan_asm *sa = *state;

    scan_asm_feed(sa, 0x1B, 0);
    scan_asm_feed(sa, 'r', 0);
    scan_asm_tick(sa, 8);
    expect_out(sa, "\x1br");
    scan_asm_feed(sa, 0x1B, 100);
    scan_asm_feed(sa, 'r', 102);
    scan_asm_feed(sa, 's', 104);
    scan_asm_tick(sa, 120);
    expect_out(sa, "");
    scan_asm_tick(sa, 134);
    expect_out(sa, "\x1brs");
}

/* A scanner that types its keys 12 ms apart raises the quiet period to
 * 19 ms after its first scan, so a control key inside its next burst
 * stays held; the configured value comes back with scan_asm_set_quiet. */
static void test_quiet_follows_scanner(void **state)
{
    struct scan_asm *sa = *state;

    feed_str(sa, "W01-12\r", 0, 12);
    expect_out(sa, "[W01-12]");
    assert_int_equal(scan_asm_quiet(sa), 19);
    scan_asm_feed(sa, SCAN_KEY_SPECIAL(0x114), 1000);
    scan_asm_tick(sa, 1012);
    expect_out(sa, "");
    feed_str(sa, "ABCD\r", 1012, 12);
    expect_out(sa, "!8!");
    /* never above the gap */
    feed_str(sa, "SLOW\r", 2000, 29);
    assert_int_equal(scan_asm_quiet(sa), 30);
    scan_asm_set_quiet(sa, 5);
    assert_int_equal(scan_asm_quiet(sa), 5);
    scan_asm_set_quiet(sa, 500);
    assert_int_equal(scan_asm_quiet(sa), 30);
}

static void test_quiet_from_env(void **state)
{
    (void)state;
    env_ms("FIELDCHECK_SCAN_QUIET_MS", scan_asm_quiet_from_env, 8, "15", 15, "9x");
}

static void test_queue_grows_in_order(void **state)
{
    struct scan_asm *sa = *state;
    struct scan_event ev;

    /* pop some, then push many: the ring must keep FIFO order across growth */
    for (int i = 0; i < 10; i++)
        scan_asm_feed(sa, 0x1B, i * 100);
    scan_asm_tick(sa, 1000);
    for (int i = 0; i < 5; i++) {
        assert_true(scan_asm_next(sa, &ev));
        scan_event_release(&ev);
    }
    for (uint32_t k = 0; k < 100; k++)
        scan_asm_feed(sa, SCAN_KEY_SPECIAL(k), 2000 + k * 100);
    scan_asm_tick(sa, 20000);
    for (int i = 0; i < 5; i++) {
        assert_true(scan_asm_next(sa, &ev));
        assert_int_equal(ev.key, 0x1B);
    }
    for (uint32_t k = 0; k < 100; k++) {
        assert_true(scan_asm_next(sa, &ev));
        assert_int_equal(ev.key, SCAN_KEY_SPECIAL(k));
    }
    assert_false(scan_asm_next(sa, &ev));
}

/* A test run in a fresh fixture of its own. */
#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX_TEST(test_nothing_held),
        FX_TEST(test_enter_alone),
        FX_TEST(test_burst_is_scan),
        FX_TEST(test_slow_typing_stays_typing),
        FX_TEST(test_slow_typing_without_ticks),
        FX_TEST(test_gap_boundary),
        FX_TEST(test_gap_expires_before_enter),
        FX_TEST(test_short_burst_replays),
        FX_TEST(test_twenty_scans_per_second),
        FX_TEST(test_mixed),
        FX_TEST(test_special_key_held_with_burst),
        FX_TEST(test_control_in_burst_refused),
        FX_TEST(test_gs_inside_burst),
        FX_TEST(test_15434_envelope),
        FX_TEST(test_lone_keys),
        FX_TEST(test_resize_inside_burst),
        cmocka_unit_test(test_key_names),
        FX_TEST(test_utf8_scan),
        FX_TEST(test_overlong_burst),
        cmocka_unit_test(test_gap_from_env),
        FX_TEST(test_action_key_after_quiet),
        FX_TEST(test_printable_waits_gap_but_shows),
        FX_TEST(test_fkey_inside_burst_with_gaps),
        FX_TEST(test_alt_key_after_quiet),
        FX_TEST(test_quiet_follows_scanner),
        cmocka_unit_test(test_quiet_from_env),
        FX_TEST(test_queue_grows_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
