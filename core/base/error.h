/* Error codes and error detail for every fallible function in fieldcheck.
 *
 * Fallible functions return int: 0 (FC_OK) or one of the negative codes below.
 * The detail (message, errno or SQLite extended code) goes into a caller-owned
 * struct fc_error, which may be NULL when the caller does not want it.
 * Each code carries the process exit code the CLI uses for it (DESIGN §6).
 */
#ifndef FC_BASE_ERROR_H
#define FC_BASE_ERROR_H

/* X(name, value, exit code, message) */
#define FC_ERRORS(X)                                        \
    X(FC_EUSAGE, -1, 1, "invalid usage")                    \
    X(FC_EINPUT, -2, 2, "invalid input")                    \
    X(FC_ENOTFOUND, -3, 2, "not found")                     \
    X(FC_EEXIST, -4, 2, "already exists")                   \
    X(FC_ESTATE, -5, 2, "not allowed in the current state") \
    X(FC_EENCODING, -6, 2, "unsupported text encoding")     \
    X(FC_ELIMIT, -7, 2, "limit exceeded")                   \
    X(FC_EINTEGRITY, -8, 3, "integrity check failed")       \
    X(FC_EVERIFY, -9, 3, "verification failed")             \
    X(FC_EIO, -10, 4, "input/output error")                 \
    X(FC_EDB, -11, 4, "database error")                     \
    X(FC_EINTERNAL, -12, 4, "internal error")

enum fc_errcode {
    FC_OK = 0,
#define FC_ERR_ENUM_(name, value, exitc, msg) name = (value),
    FC_ERRORS(FC_ERR_ENUM_)
#undef FC_ERR_ENUM_
};

struct fc_error {
    int code;            /* one of enum fc_errcode */
    int sys;             /* errno, SQLite extended result code, or 0 */
    char msg[512];       /* "what failed: why", lower-case, subject quoted; English, stable
                            (JSON "message", logs) */
    char msg_local[512]; /* the same in the user's language (fc_error_set_translator) */
};

/* Installs the function that translates a message format before it is
 * formatted a second time into msg_local (the application passes gettext;
 * NULL: msg_local is msg). The formats are the literal third argument of
 * fc_error_set, the fourth of fc_error_setsys and the second of
 * fc_error_prefix, which the catalog extraction picks up by keyword. */
void fc_error_set_translator(const char *(*translate)(const char *fmt));

/* The same translator applied to any message id (identity when none is
 * installed); the catalog extraction takes fc_tr("...") and FC_N_("...").
 * FC_N_ only marks a literal for extraction (kept English at that point). */
const char *fc_tr(const char *msgid);
#define FC_N_(s) (s)

/* Clears e (NULL allowed). */
void fc_error_clear(struct fc_error *e);

/* Records code and a printf-style message in e (NULL allowed) and returns code,
 * so callers can write `return fc_error_set(err, FC_EINPUT, "...")`. */
int fc_error_set(struct fc_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like fc_error_set, also records sys (errno or SQLite code). */
int fc_error_setsys(struct fc_error *e, int code, int sys, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Prepends "prefix: " to the message already in e (NULL allowed); returns e->code. */
int fc_error_prefix(struct fc_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Short English text of a code; "unknown error" for codes outside the table. */
const char *fc_strerror(int code);

/* Stable name of a code ("FC_EINPUT"); "FC_OK" for 0. */
const char *fc_errname(int code);

/* The CLI exit code for an error code (0 for FC_OK, 4 for unknown codes). */
int fc_exit_code(int code);

#endif
