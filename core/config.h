/* Settings: one table (FC_SETTINGS) describes every key of the INI-style
 * configuration file, its type, default, allowed values, help text and the
 * environment variable that overrides it. Parsing, validation, `fieldcheck
 * config`, the generated documentation and the sample /etc file all read it.
 *
 * Files, lowest precedence first:
 *   default (the table) < system file /etc/fieldcheck/config
 *                       < user file $XDG_CONFIG_HOME/fieldcheck/config
 *                                   (else ~/.config/fieldcheck/config)
 *                       < environment variable of the setting.
 * FIELDCHECK_CONFIG names a file read instead of both files (hermetic tests).
 *
 * Syntax: `key = value`; `[section]` lines prefix later keys ("section.key");
 * a dotted key may also stand outside any section; whole-line comments start
 * with # or ;. Lines longer than CONFIG_LINE_MAX bytes, malformed lines and
 * invalid values are errors naming file:line; unknown keys are warnings.
 *
 * The values live in process-wide state: the configuration is read once at
 * start-up by app/ and then only read. */
#ifndef FC_CORE_CONFIG_H
#define FC_CORE_CONFIG_H

#include "core/base/buf.h"
#include "core/base/error.h"

#include <stddef.h>

#define CONFIG_LINE_MAX 1024
#define CONFIG_FILE_MAX (64 * 1024)

#ifndef FC_SYSCONFIG
#define FC_SYSCONFIG "/etc/fieldcheck/config"
#endif

enum config_type {
    CONFIG_PATH,  /* empty, absolute, or "~/..." (expanded against $HOME) */
    CONFIG_INT,   /* decimal; allowed is "MIN..MAX" */
    CONFIG_ENUM,  /* allowed is "a|b|c" */
    CONFIG_DBURL, /* empty, a postgresql:// (or postgres://) URL, or an absolute path */
};

/* X(id, key, type, default, allowed, env, help_en, help_zh)
 * Masking settings have no environment override on purpose: turning masking
 * off must be written into a configuration file as the word "off". */
#define FC_SETTINGS(X)                                                                                                  \
    X(CONFIG_DATA_DIR, "data.dir", CONFIG_PATH, "", "", "FIELDCHECK_HOME",                                              \
      "data directory (database, missions, evidence); empty means "                                                     \
      "$XDG_DATA_HOME/fieldcheck",                                                                                      \
      "数据目录（数据库、任务包、证据）；留空即 $XDG_DATA_HOME/fieldcheck")                                             \
    X(CONFIG_UI_THEME, "ui.theme", CONFIG_ENUM, "day", "day|night|mono", "FIELDCHECK_THEME",                            \
      "colour theme; night is dim for dark wards, mono has no colour",                                                  \
      "配色主题；night 为夜间病房用的暗色，mono 为黑白")                                                                \
    X(CONFIG_UI_LANG, "ui.lang", CONFIG_ENUM, "auto", "zh|en|auto", "FIELDCHECK_LANG",                                  \
      "interface language; auto follows the locale", "界面语言；auto 跟随系统区域设置")                                 \
    X(CONFIG_UI_BEEP, "ui.beep", CONFIG_ENUM, "on", "on|off|flash", "FIELDCHECK_BELL",                                  \
      "alert on anomalies: terminal beep, nothing, or a screen flash",                                                  \
      "发现异常时的提示：蜂鸣、不提示或闪屏")                                                                           \
    X(CONFIG_SCAN_GAP_MS, "scan.gap_ms", CONFIG_INT, "30", "1..2000", "FIELDCHECK_SCAN_GAP_MS",                         \
      "longest pause in milliseconds between a barcode scanner's keystrokes within one scan",                           \
      "扫码枪同一次扫描中相邻按键的最长间隔（毫秒）")                                                                   \
    X(CONFIG_SCAN_QUIET_MS, "scan.quiet_ms", CONFIG_INT, "8", "1..2000",                                                \
      "FIELDCHECK_SCAN_QUIET_MS",                                                                                       \
      "silence in milliseconds after an arrow, F-key or Alt key before it acts (longer than the "                       \
      "scanner's pause between keystrokes; scans raise it)",                                                            \
      "方向键、功能键或 Alt "                                                                                   \
      "组合键之后无后续输入多少毫秒才执行（须长于扫码枪按键间隔；扫码时自动调高）")                                     \
    X(CONFIG_MASK_NAMES, "mask.names", CONFIG_ENUM, "on", "on|off", NULL,                                               \
      "mask patient names on screen and in reports; only an explicit off unmasks",                                      \
      "在屏幕和报告中遮蔽患者姓名；只有明确写 off 才取消遮蔽")                                                          \
    X(CONFIG_MASK_IDS, "mask.ids", CONFIG_ENUM, "on", "on|off", NULL,                                                   \
      "mask ID card and insurance numbers; only an explicit off unmasks",                                               \
      "遮蔽身份证号和医保号；只有明确写 off 才取消遮蔽")                                                                \
    X(CONFIG_HQ_DB_URL, "hq.db_url", CONFIG_DBURL, "", "postgresql://... or an absolute path",                          \
      "FIELDCHECK_HQ_DB_URL",                                                                                           \
      "HQ's store: a PostgreSQL URL (keep passwords in ~/.pgpass, not here); empty means "                              \
      "hq.db in the HQ directory",                                                                                      \
      "中心数据库：PostgreSQL 连接地址（密码请放在 "                                                    \
      "~/.pgpass，不要写在这里）；留空即使用中心目录中的 hq.db")                                                        \
    X(CONFIG_HQ_QUARANTINE_CAP, "hq.quarantine_cap", CONFIG_INT, "100", "1..100000",                                    \
      "FIELDCHECK_HQ_QUARANTINE_CAP",                                                                                   \
      "refused bundles HQ records per device (header, hash and size only) before it refuses "                           \
      "to record more; 'hq quarantine purge' empties it",                                                               \
      "每台设备最多记录的被拒数据包数（只记录包头、哈希和大小），超过后不再记录；" \
      "用 hq quarantine purge 清空")

enum config_id {
#define CONFIG_ID_(id, key, type, def, allowed, env, en, zh) id,
    FC_SETTINGS(CONFIG_ID_)
#undef CONFIG_ID_
        CONFIG_COUNT
};

struct config_setting {
    enum config_id id;
    const char *key;
    enum config_type type;
    const char *def;
    const char *allowed;
    const char *env; /* NULL: no environment override */
    const char *help_en;
    const char *help_zh;
};

enum config_source {
    CONFIG_SRC_DEFAULT,
    CONFIG_SRC_SYSTEM,
    CONFIG_SRC_USER,
    CONFIG_SRC_ENV,
};

/* The table, CONFIG_COUNT rows in FC_SETTINGS order. */
extern const struct config_setting config_settings[CONFIG_COUNT];

/* The row for key ("ui.theme"), or NULL when no such setting exists. */
const struct config_setting *config_find(const char *key);

/* 0 when value is acceptable for s; FC_EINPUT with the reason in err. */
int config_validate(const struct config_setting *s, const char *value, struct fc_error *err);

/* Appends the user file's path to out: FIELDCHECK_CONFIG, else
 * $XDG_CONFIG_HOME/fieldcheck/config, else $HOME/.config/fieldcheck/config. */
void config_user_path(struct buf *out);

/* Forgets every value read from files: all settings back to their defaults. */
void config_reset(void);

/* config_reset(), then reads the system file and the user file (or only
 * FIELDCHECK_CONFIG when set); missing files are skipped. Warnings (unknown
 * keys, invalid environment values) are appended to warnings, one line each,
 * when warnings is not NULL. Errors: FC_EINPUT "file:line: reason",
 * FC_ELIMIT for an oversized file, FC_EIO when a file cannot be read. */
int config_load(struct buf *warnings, struct fc_error *err);

/* Parses text (len bytes, named name in messages) and, only if the whole text
 * is valid, takes its values with source src (SYSTEM or USER) over the
 * current ones. Same errors and warnings as config_load. */
int config_parse(const char *name, const char *text, size_t len, enum config_source src,
                 struct buf *warnings, struct fc_error *err);

/* The effective value of key: a valid environment override, else the last
 * file that set it, else the default. NULL for an unknown key. The string is
 * owned by the module (or the environment) and valid until the next load. */
const char *config_get(const char *key);

/* The effective value of an integer setting; 0 for unknown or non-integer keys. */
int config_get_int(const char *key);

/* 1 when the effective value is "on", else 0. */
int config_is_on(const char *key);

/* Where the effective value of key comes from; *where (may be NULL) receives
 * "file:line" or the variable name, "" for defaults. CONFIG_SRC_DEFAULT for
 * unknown keys. */
enum config_source config_source(const char *key, const char **where);

/* Appends value to out with a leading "~/" replaced by $HOME/. */
void config_expand_path(struct buf *out, const char *value);

/* Sets key = value in the file at path, keeping every other line (comments
 * included) as it was: the last line that sets key is rewritten, else the
 * line goes at the end of its [section], else a new section is appended.
 * The value is validated first and the file written atomically; its
 * directory is created when missing. FC_EINPUT for an unknown key, an invalid
 * value or an existing file that does not parse; FC_EIO on write failure. */
int config_set_in_file(const char *path, const char *key, const char *value, struct fc_error *err);

/* The start-up bridge to modules that read environment variables: for each
 * setting with an environment name that is unset, exports the value taken
 * from a file (never overwriting, never exporting defaults). Paths are
 * exported expanded. */
void config_export_env(void);

#endif
