/* Scan assembler: tells a USB barcode scanner (a very fast keyboard ending
 * with Enter) from a person typing, from key timing alone. Curses-free so it
 * can be tested with synthetic timestamps.
 *
 * Input is one key at a time with a monotonic timestamp in milliseconds.
 * A key is a Unicode code point (the screen reads wide characters with
 * get_wch(), so multi-byte UTF-8 never reaches the assembler as bytes) or a
 * special key made with SCAN_KEY_SPECIAL(curses_key_code). Scanned text is
 * kept as UTF-8.
 *
 * Rules (DESIGN §5, STYLE "Scan assembler"):
 *   - Every key is held back, whatever it is: printable, control or special
 *     (F-keys, arrows: a barcode holding "ESC [ 2 4 ~" reaches curses as F12
 *     and must not act as one). Each next key arriving less than gap_ms after
 *     the previous one extends the burst. A gap of exactly gap_ms or more
 *     ends it (for an action key alone, quiet_ms: below): the held keys
 *     replay, in order, as SCAN_EV_KEY events; a key that was alone in its
 *     burst (typed after a pause, nothing following) is marked lone, which
 *     no scanner burst can produce.
 *   - Enter (CR, LF or the special KEY_ENTER) within the gap ends the burst:
 *       - a burst holding a control character (C0, DEL, C1) or a special key
 *         is refused as a whole (SCAN_EV_REJECT, SCAN_REJECT_CONTROL, ctrl =
 *         the first such key): nothing in it acts as a key. The exceptions
 *         are data: GS (0x1D, the GS1 FNC1 separator) anywhere, and RS, GS
 *         and EOT inside an ISO/IEC 15434 envelope (a burst that starts
 *         "[)>" RS), which core/ident unwraps;
 *       - otherwise a burst of at least min_len keys becomes one SCAN_EV_SCAN
 *         event (Enter is consumed); a shorter burst replays as keys followed
 *         by Enter.
 *   - A burst longer than max_bytes is discarded up to its Enter (or until
 *     its gap expires) and reported once as SCAN_EV_REJECT
 *     (SCAN_REJECT_TOO_LONG), so the caller can beep; keys after it start
 *     afresh.
 *   - The special KEY_RESIZE is not a key (the terminal was resized): it is
 *     passed on at once and leaves a burst alone.
 *   - An action key alone is released sooner: a burst that is one
 *     non-printable key (an arrow, an F-key, Tab, a control key) or ESC and
 *     one printable key (what a terminal sends for Alt+key) replays as soon
 *     as quiet_ms pass after its last key, without waiting for gap_ms. A
 *     scanner types a code's characters back to back (a few ms apart), so a
 *     control key inside a burst is followed by the next character within
 *     quiet_ms and stays held; a person's key press is followed by silence.
 *     Printable keys keep the whole gap (a slow scanner's first character
 *     must never act as a hotkey); the screen shows them at once instead
 *     (scan_asm_pending_text). quiet_ms follows the scanner in use: each
 *     scan whose keys came up to G ms apart raises it to 3G/2 + 1 (never
 *     above gap_ms), so a slower scanner protects itself after its first
 *     scan (docs/decisions.md, "Action keys after a short quiet period").
 * Scans never reach the keymap, so a scanned 'j' or 'G' is never a hotkey.
 */
#ifndef FC_UI_SCAN_ASM_H
#define FC_UI_SCAN_ASM_H

#include <stddef.h>
#include <stdint.h>

#define SCAN_ASM_DEFAULT_GAP_MS 30
#define SCAN_ASM_DEFAULT_QUIET_MS 8
#define SCAN_ASM_DEFAULT_MIN_LEN 4
#define SCAN_ASM_DEFAULT_MAX_BYTES 512

/* Special (non-character) keys live above the Unicode range. */
#define SCAN_KEY_SPECIAL_BASE 0x1000000u
#define SCAN_KEY_SPECIAL(k) (SCAN_KEY_SPECIAL_BASE + (uint32_t)(k))
#define SCAN_KEY_IS_SPECIAL(k) ((k) >= SCAN_KEY_SPECIAL_BASE)
#define SCAN_KEY_SPECIAL_CODE(k) ((int)((k)-SCAN_KEY_SPECIAL_BASE))

enum scan_ev_type {
    SCAN_EV_KEY = 1, /* a typed key: key holds the code point or special key */
    SCAN_EV_SCAN,    /* a scanner burst: text/len hold the code, Enter excluded */
    SCAN_EV_REJECT,  /* a burst was discarded: why says why, len its size in bytes */
};

enum scan_reject_why {
    SCAN_REJECT_TOO_LONG = 1, /* more than max_bytes */
    SCAN_REJECT_CONTROL,      /* a control character or special key inside */
};

struct scan_event {
    enum scan_ev_type type;
    uint32_t key;             /* SCAN_EV_KEY */
    char *text;               /* SCAN_EV_SCAN: malloc'd, NUL-terminated; else NULL */
    size_t len;               /* bytes of text (SCAN), or discarded bytes (REJECT) */
    int lone;                 /* SCAN_EV_KEY: the only key of its burst, typed after a pause */
    enum scan_reject_why why; /* SCAN_EV_REJECT */
    uint32_t ctrl;            /* SCAN_REJECT_CONTROL: the first refused key */
};

struct scan_asm {
    int gap_ms;
    int quiet_ms;     /* as configured (<= gap_ms) */
    int quiet_now_ms; /* in force: quiet_ms, raised by the scans seen */
    size_t min_len;
    size_t max_bytes;
    /* burst being assembled */
    uint32_t *held; /* held keys, in order */
    size_t nheld, held_cap;
    size_t held_bytes; /* UTF-8 size of the held keys */
    int64_t last_ms;   /* time of the last key of the burst */
    int max_step_ms;   /* longest pause between two keys of the burst */
    int discarding;    /* inside an overlong burst */
    size_t discarded;  /* bytes dropped so far in it */
    /* events ready for the caller, FIFO */
    struct scan_event *q;
    size_t qhead, qlen, qcap;
};

/* Reads FIELDCHECK_SCAN_GAP_MS (1..2000); returns the default (30) when unset
 * or invalid. */
int scan_asm_gap_from_env(void);

/* Reads FIELDCHECK_SCAN_QUIET_MS (1..2000); returns the default (8) when
 * unset or invalid. */
int scan_asm_quiet_from_env(void);

/* Initialises sa with the given gap (<= 0 means the default), the default
 * quiet period (capped at the gap), minimum length and byte cap. */
void scan_asm_init(struct scan_asm *sa, int gap_ms);
/* Sets the quiet period after an action key (<= 0 means the default; never
 * more than the gap) and forgets what earlier scans taught. */
void scan_asm_set_quiet(struct scan_asm *sa, int quiet_ms);
/* The quiet period in force now, in milliseconds. */
int scan_asm_quiet(const struct scan_asm *sa);

/* Writes the held burst as UTF-8 into buf (NUL-terminated, cut at a
 * character boundary to fit cap) when every held key is printable, so a
 * screen can show typed characters before their burst is decided; writes
 * "" otherwise. Returns the bytes written. */
size_t scan_asm_pending_text(const struct scan_asm *sa, char *buf, size_t cap);
/* Frees held keys and queued events (and their texts). */
void scan_asm_release(struct scan_asm *sa);

/* Feeds one key received at now_ms (monotonic, non-decreasing). Any events it
 * completes are queued for scan_asm_next(). */
void scan_asm_feed(struct scan_asm *sa, uint32_t key, int64_t now_ms);
/* The same for a key whose bytes arrived from first_ms to last_ms (an
 * F-key's escape sequence): whether it extends the held burst is decided by
 * its first byte, its own quiet period counts from its last. */
void scan_asm_feed_span(struct scan_asm *sa, uint32_t key, int64_t first_ms, int64_t last_ms);

/* Call when the poll timeout fires (or any time): if the held burst's gap has
 * expired at now_ms, replays it as typed keys (or reports a discarded one). */
void scan_asm_tick(struct scan_asm *sa, int64_t now_ms);

/* Milliseconds the caller may wait for input before calling scan_asm_tick:
 * -1 when nothing is held (wait forever), 0 when the gap (or an action
 * key's quiet period) already expired. */
int scan_asm_deadline(const struct scan_asm *sa, int64_t now_ms);

/* Pops the oldest queued event into *ev and returns 1, or returns 0 when none.
 * The caller owns ev->text and frees it with scan_event_release(). */
int scan_asm_next(struct scan_asm *sa, struct scan_event *ev);

/* Frees ev->text (NULL allowed) and clears ev. */
void scan_event_release(struct scan_event *ev);

/* 1 for printable code points (not controls, not DEL, not C1, not special
 * keys). */
int scan_key_is_printable(uint32_t key);

/* Names a refused key for messages: "ESC", "EOT", "DEL", "0x9B", "F12"-like
 * "key 0x114" for special keys. Returns buf. */
const char *scan_key_name(uint32_t key, char buf[16]);

#endif
