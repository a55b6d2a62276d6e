/* Scan assembler: splits keyboard input into scanner bursts and typed keys by
 * inter-key timing, the way tmux's assume-paste-time tells a paste from
 * typing. Every key is held until its burst ends, so a barcode can never act
 * as keys: a burst ended by Enter is a scan or is refused, whatever it holds
 * (DESIGN §2.6). Held keys are code points; a finished scan is emitted as
 * UTF-8. Everything is driven by caller-supplied timestamps, so the rules are
 * tested without a terminal or a clock. An action key alone waits only a
 * short quiet period, so arrows and F-keys answer within a frame. */
#include "ui/scan_asm.h"

#include "core/base/utf8.h"
#include "core/base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_EOT 0x04u
#define KEY_GS 0x1Du
#define KEY_RS 0x1Eu
/* curses' KEY_ENTER (0527); the assembler stays curses-free, so the value is
 * restated here and checked against curses in ui/screen.c. */
#define SCAN_CURSES_KEY_ENTER 0527
/* curses' KEY_F0 (0410) and KEY_RESIZE (0632), likewise */
#define SCAN_CURSES_KEY_F0 0410
#define SCAN_CURSES_KEY_RESIZE 0632

/* Milliseconds from the environment variable name: 1 to 2000, else dflt. */
static int ms_from_env(const char *name, int dflt)
{
    const char *s = getenv(name);
    char *end = NULL;
    long v;

    if (!s || !*s)
        return dflt;
    v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 2000)
        return dflt;
    return (int)v;
}

int scan_asm_gap_from_env(void)
{
    return ms_from_env("FIELDCHECK_SCAN_GAP_MS", SCAN_ASM_DEFAULT_GAP_MS);
}

int scan_asm_quiet_from_env(void)
{
    return ms_from_env("FIELDCHECK_SCAN_QUIET_MS", SCAN_ASM_DEFAULT_QUIET_MS);
}

void scan_asm_init(struct scan_asm *sa, int gap_ms)
{
    memset(sa, 0, sizeof(*sa));
    sa->gap_ms = gap_ms > 0 ? gap_ms : SCAN_ASM_DEFAULT_GAP_MS;
    sa->min_len = SCAN_ASM_DEFAULT_MIN_LEN;
    sa->max_bytes = SCAN_ASM_DEFAULT_MAX_BYTES;
    scan_asm_set_quiet(sa, SCAN_ASM_DEFAULT_QUIET_MS);
}

void scan_asm_set_quiet(struct scan_asm *sa, int quiet_ms)
{
    if (quiet_ms <= 0)
        quiet_ms = SCAN_ASM_DEFAULT_QUIET_MS;
    sa->quiet_ms = quiet_ms < sa->gap_ms ? quiet_ms : sa->gap_ms;
    sa->quiet_now_ms = sa->quiet_ms;
}

int scan_asm_quiet(const struct scan_asm *sa)
{
    return sa->quiet_now_ms;
}

void scan_event_release(struct scan_event *ev)
{
    if (!ev)
        return;
    free(ev->text);
    memset(ev, 0, sizeof(*ev));
}

void scan_asm_release(struct scan_asm *sa)
{
    struct scan_event ev;

    while (scan_asm_next(sa, &ev))
        scan_event_release(&ev);
    free(sa->q);
    free(sa->held);
    memset(sa, 0, sizeof(*sa));
}

int scan_key_is_printable(uint32_t key)
{
    if (SCAN_KEY_IS_SPECIAL(key) || key > 0x10FFFF)
        return 0;
    if (key < 0x20 || (key >= 0x7F && key < 0xA0))
        return 0;
    if (key >= 0xD800 && key <= 0xDFFF)
        return 0;
    return 1;
}

static int is_enter(uint32_t key)
{
    return key == '\r' || key == '\n' || key == SCAN_KEY_SPECIAL(SCAN_CURSES_KEY_ENTER);
}

const char *scan_key_name(uint32_t key, char buf[16])
{
    static const char *const c0[32] = {"NUL", "SOH", "STX",  "ETX", "EOT", "ENQ", "ACK", "BEL",
                                       "BS",  "TAB", "LF",   "VT",  "FF",  "CR",  "SO",  "SI",
                                       "DLE", "DC1", "XOFF", "DC3", "DC4", "NAK", "SYN", "ETB",
                                       "CAN", "EM",  "SUB",  "ESC", "FS",  "GS",  "RS",  "US"};

    if (SCAN_KEY_IS_SPECIAL(key) && SCAN_KEY_SPECIAL_CODE(key) > SCAN_CURSES_KEY_F0 &&
        SCAN_KEY_SPECIAL_CODE(key) <= SCAN_CURSES_KEY_F0 + 63)
        snprintf(buf, 16, "F%d", SCAN_KEY_SPECIAL_CODE(key) - SCAN_CURSES_KEY_F0);
    else if (SCAN_KEY_IS_SPECIAL(key))
        snprintf(buf, 16, "key 0%o", (unsigned)SCAN_KEY_SPECIAL_CODE(key));
    else if (key < 0x20)
        snprintf(buf, 16, "%s", key == 0x13 ? "XOFF" : key == 0x11 ? "XON" : c0[key]);
    else if (key == 0x7F)
        snprintf(buf, 16, "DEL");
    else
        snprintf(buf, 16, "U+%04X", (unsigned)key);
    return buf;
}

static void queue_push(struct scan_asm *sa, const struct scan_event *ev)
{
    if (sa->qlen == sa->qcap) {
        size_t ncap = sa->qcap ? sa->qcap * 2 : 16;
        struct scan_event *nq = xreallocarray(NULL, ncap, sizeof(*nq));
        /* unroll the ring into the new array, oldest first */
        for (size_t i = 0; i < sa->qlen; i++)
            nq[i] = sa->q[(sa->qhead + i) % sa->qcap];
        free(sa->q);
        sa->q = nq;
        sa->qcap = ncap;
        sa->qhead = 0;
    }
    sa->q[(sa->qhead + sa->qlen) % sa->qcap] = *ev;
    sa->qlen++;
}

static void emit_key(struct scan_asm *sa, uint32_t key, int lone)
{
    struct scan_event ev = {.type = SCAN_EV_KEY, .key = key, .lone = lone};
    queue_push(sa, &ev);
}

/* lone: the burst ended by its gap (not by Enter); a single key is then
 * one typed after a pause with nothing after it. */
static void replay_held(struct scan_asm *sa, int ended_by_gap)
{
    int lone = ended_by_gap && sa->nheld == 1;

    for (size_t i = 0; i < sa->nheld; i++)
        emit_key(sa, sa->held[i], lone);
    sa->nheld = 0;
    sa->held_bytes = 0;
}

static void emit_reject(struct scan_asm *sa, enum scan_reject_why why, uint32_t ctrl)
{
    struct scan_event ev = {.type = SCAN_EV_REJECT, .len = sa->discarded, .why = why, .ctrl = ctrl};

    if (why == SCAN_REJECT_CONTROL)
        ev.len = sa->held_bytes;
    queue_push(sa, &ev);
    sa->discarding = 0;
    sa->discarded = 0;
    sa->nheld = 0;
    sa->held_bytes = 0;
}

static void emit_scan(struct scan_asm *sa)
{
    struct scan_event ev = {.type = SCAN_EV_SCAN};
    char *p = xmalloc(sa->held_bytes + 1);
    size_t n = 0;

    for (size_t i = 0; i < sa->nheld; i++)
        n += (size_t)utf8_encode(sa->held[i], p + n);
    p[n] = '\0';
    ev.text = p;
    ev.len = n;
    queue_push(sa, &ev);
    sa->nheld = 0;
    sa->held_bytes = 0;
    /* this scanner types its keys up to max_step_ms apart: an action key
     * must wait longer than that before it may act */
    if (sa->max_step_ms * 3 / 2 + 1 > sa->quiet_now_ms)
        sa->quiet_now_ms =
            sa->max_step_ms * 3 / 2 + 1 < sa->gap_ms ? sa->max_step_ms * 3 / 2 + 1 : sa->gap_ms;
}

static size_t key_bytes(uint32_t key)
{
    char tmp[4];
    int n;

    if (SCAN_KEY_IS_SPECIAL(key))
        return 4;
    n = utf8_encode(key, tmp);
    return n > 0 ? (size_t)n : 1;
}

static void hold(struct scan_asm *sa, uint32_t key, int64_t first_ms, int64_t last_ms)
{
    size_t nb = key_bytes(key);

    if ((sa->nheld || sa->discarding) && first_ms - sa->last_ms > sa->max_step_ms)
        sa->max_step_ms = (int)(first_ms - sa->last_ms);
    else if (!sa->nheld && !sa->discarding)
        sa->max_step_ms = 0;
    sa->last_ms = last_ms;
    if (sa->discarding) {
        sa->discarded += nb;
        return;
    }
    if (sa->held_bytes + nb > sa->max_bytes) {
        /* Too long for any code we accept: drop it all, up to its Enter. */
        sa->discarding = 1;
        sa->discarded = sa->held_bytes + nb;
        sa->nheld = 0;
        sa->held_bytes = 0;
        return;
    }
    if (sa->nheld == sa->held_cap) {
        sa->held_cap = sa->held_cap ? sa->held_cap * 2 : 64;
        sa->held = xreallocarray(sa->held, sa->held_cap, sizeof(*sa->held));
    }
    sa->held[sa->nheld++] = key;
    sa->held_bytes += nb;
}

static int burst_active(const struct scan_asm *sa)
{
    return sa->nheld > 0 || sa->discarding;
}

/* An ISO/IEC 15434 envelope: "[)>" RS, then records ending in RS, then EOT. */
static int held_is_envelope(const struct scan_asm *sa)
{
    return sa->nheld >= 4 && sa->held[0] == '[' && sa->held[1] == ')' && sa->held[2] == '>' &&
           sa->held[3] == KEY_RS;
}

/* 1 with *key the first held key that may not be part of a code, else 0. */
static int held_refused(const struct scan_asm *sa, uint32_t *key)
{
    int envelope = held_is_envelope(sa);

    for (size_t i = 0; i < sa->nheld; i++) {
        uint32_t k = sa->held[i];
        if (scan_key_is_printable(k) || k == KEY_GS)
            continue;
        if (envelope && (k == KEY_RS || k == KEY_EOT))
            continue;
        *key = k;
        return 1;
    }
    return 0;
}

/* One action key as a person presses it: a non-printable key alone, or ESC
 * and one printable key (Alt+key). Only these may act after the quiet
 * period instead of the whole gap. */
static int held_is_action_key(const struct scan_asm *sa)
{
    if (sa->discarding)
        return 0;
    if (sa->nheld == 1)
        return !scan_key_is_printable(sa->held[0]);
    return sa->nheld == 2 && sa->held[0] == 0x1Bu && scan_key_is_printable(sa->held[1]);
}

/* How long the held burst waits after its last key before it replays. */
static int held_wait_ms(const struct scan_asm *sa)
{
    return held_is_action_key(sa) ? sa->quiet_now_ms : sa->gap_ms;
}

size_t scan_asm_pending_text(const struct scan_asm *sa, char *buf, size_t cap)
{
    size_t n = 0;

    if (!cap)
        return 0;
    buf[0] = '\0';
    if (sa->discarding)
        return 0;
    for (size_t i = 0; i < sa->nheld; i++)
        if (!scan_key_is_printable(sa->held[i]))
            return 0;
    for (size_t i = 0; i < sa->nheld; i++) {
        char tmp[4];
        int k = utf8_encode(sa->held[i], tmp);
        if (k <= 0 || n + (size_t)k >= cap)
            break;
        memcpy(buf + n, tmp, (size_t)k);
        n += (size_t)k;
    }
    buf[n] = '\0';
    return n;
}

void scan_asm_tick(struct scan_asm *sa, int64_t now_ms)
{
    if (!burst_active(sa) || now_ms - sa->last_ms < held_wait_ms(sa))
        return;
    if (sa->discarding)
        emit_reject(sa, SCAN_REJECT_TOO_LONG, 0);
    else
        replay_held(sa, 1);
}

int scan_asm_deadline(const struct scan_asm *sa, int64_t now_ms)
{
    int64_t left;

    if (!burst_active(sa))
        return -1;
    left = sa->last_ms + held_wait_ms(sa) - now_ms;
    return left > 0 ? (int)left : 0;
}

void scan_asm_feed(struct scan_asm *sa, uint32_t key, int64_t now_ms)
{
    scan_asm_feed_span(sa, key, now_ms, now_ms);
}

void scan_asm_feed_span(struct scan_asm *sa, uint32_t key, int64_t first_ms, int64_t last_ms)
{
    int64_t now_ms = first_ms;
    uint32_t refused = 0;

    if (key == SCAN_KEY_SPECIAL(SCAN_CURSES_KEY_RESIZE)) {
        emit_key(sa, key, 0);
        return;
    }
    /* A key after the gap means the held burst ended without Enter. */
    scan_asm_tick(sa, now_ms);

    if (!is_enter(key)) {
        hold(sa, key, first_ms, last_ms < first_ms ? first_ms : last_ms);
        return;
    }
    if (sa->discarding) {
        emit_reject(sa, SCAN_REJECT_TOO_LONG, 0);
        return;
    }
    if (held_refused(sa, &refused)) {
        emit_reject(sa, SCAN_REJECT_CONTROL, refused);
        return;
    }
    if (sa->nheld >= sa->min_len) {
        emit_scan(sa);
        return;
    }
    replay_held(sa, 0);
    emit_key(sa, key, 0);
}

int scan_asm_next(struct scan_asm *sa, struct scan_event *ev)
{
    if (!sa->qlen)
        return 0;
    *ev = sa->q[sa->qhead];
    sa->qhead = (sa->qhead + 1) % sa->qcap;
    sa->qlen--;
    return 1;
}
