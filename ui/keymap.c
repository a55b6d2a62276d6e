/* The global action table and key lookup. Bindings are data, not a switch:
 * the F-key bar and the help screen read the same rows that dispatch keys. */
#include "ui/keymap.h"

#include "core/base/utf8.h"
#include "ui/i18n.h"
#include "ui/scan_asm.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#define SK(k) SCAN_KEY_SPECIAL(k)

static const struct ui_action global_actions[] = {
    {UI_ACT_HELP,
     "help",
     1,
     {'?', 0x07},
     N_("Help"),
     "帮助",
     N_("Show this list of keys"),
     "显示按键说明"},
    {UI_ACT_LANG,
     "lang",
     7,
     {UI_KEY_ALT('l')},
     N_("Lang"),
     "语言",
     N_("Switch between Chinese and English"),
     "切换中文/英文"},
    {UI_ACT_THEME,
     "theme",
     8,
     {UI_KEY_ALT('m')},
     N_("Theme"),
     "主题",
     N_("Cycle the day, night and mono themes"),
     "切换日间/夜间/单色主题"},
    {UI_ACT_BACK,
     "back",
     9,
     {0x1B},
     N_("Back"),
     "返回",
     N_("Close this screen and go back"),
     "关闭本屏，返回上一屏"},
    {UI_ACT_QUIT,
     "quit",
     10,
     {UI_KEY_ALT('q')},
     N_("Quit"),
     "退出",
     N_("Quit at once (every scan is already saved)"),
     "立即退出（扫码均已保存）"},
    {UI_ACT_UP,
     "up",
     0,
     {SK(KEY_UP), 'k'},
     N_("Up"),
     "上移",
     N_("Move the selection up"),
     "选择上一行"},
    {UI_ACT_DOWN,
     "down",
     0,
     {SK(KEY_DOWN), 'j'},
     N_("Down"),
     "下移",
     N_("Move the selection down"),
     "选择下一行"},
    {UI_ACT_PAGE_UP,
     "page-up",
     0,
     {SK(KEY_PPAGE), 0x02},
     N_("Page up"),
     "上翻页",
     N_("Scroll one page up"),
     "向上翻一页"},
    {UI_ACT_PAGE_DOWN,
     "page-down",
     0,
     {SK(KEY_NPAGE), 0x06, ' '},
     N_("Page down"),
     "下翻页",
     N_("Scroll one page down"),
     "向下翻一页"},
    {UI_ACT_TOP,
     "top",
     0,
     {SK(KEY_HOME), 'g'},
     N_("Top"),
     "首行",
     N_("Go to the first row"),
     "跳到第一行"},
    {UI_ACT_BOTTOM,
     "bottom",
     0,
     {SK(KEY_END), 'G'},
     N_("Bottom"),
     "末行",
     N_("Go to the last row"),
     "跳到最后一行"},
    {UI_ACT_OPEN,
     "open",
     0,
     {'\r', '\n', SK(KEY_ENTER)},
     N_("Open"),
     "打开",
     N_("Open the selected row"),
     "打开所选行"},
    {UI_ACT_NEXT_PANE,
     "next-pane",
     0,
     {'\t'},
     N_("Next pane"),
     "切换窗格",
     N_("Move to the next pane"),
     "切换到下一个窗格"},
    {UI_ACT_REDRAW,
     "redraw",
     0,
     {0x0C},
     N_("Redraw"),
     "重绘",
     N_("Redraw the whole screen"),
     "重新绘制整个屏幕"},
    {UI_ACT_USB,
     "usb",
     0,
     {UI_KEY_ALT('u')},
     N_("USB"),
     "优盘",
     N_("USB stick: load a mission pack, export a bundle, apply a receipt"),
     "优盘：载入任务包、导出数据包、导入回执"},
    {UI_ACT_TEAM,
     "team",
     0,
     {UI_KEY_ALT('t')},
     N_("Team"),
     "全组",
     N_("The team's records with their authors, and conflicts between members (lead)"),
     "全组记录及记录人、组员间的冲突（组长）"},
    {UI_ACT_DRAW,
     "draw",
     0,
     {UI_KEY_ALT('s')},
     N_("Draw"),
     "抽取",
     N_("On-site random draw: institutions drawn from the pack with the announced seed"),
     "现场双随机抽取：以公布的随机种子从任务包中抽取检查对象"},
};

const struct ui_action *keymap_global(size_t *n)
{
    *n = sizeof(global_actions) / sizeof(global_actions[0]);
    return global_actions;
}

int keymap_is_fkey(uint32_t key, int *n)
{
    for (int i = 1; i <= 12; i++) {
        if (key == SK(KEY_F(i))) {
            if (n)
                *n = i;
            return 1;
        }
    }
    return 0;
}

static int row_has_key(const struct ui_action *a, uint32_t key)
{
    int f;

    if (a->fkey && keymap_is_fkey(key, &f) && f == a->fkey)
        return 1;
    for (int i = 0; i < UI_ACTION_MAX_KEYS && a->keys[i]; i++)
        if (a->keys[i] == key)
            return 1;
    return 0;
}

const struct ui_action *keymap_lookup(uint32_t key, const struct ui_action *extra, size_t nextra)
{
    size_t n;
    const struct ui_action *g = keymap_global(&n);

    for (size_t i = 0; extra && i < nextra; i++)
        if (row_has_key(&extra[i], key))
            return &extra[i];
    for (size_t i = 0; i < n; i++)
        if (row_has_key(&g[i], key))
            return &g[i];
    return NULL;
}

const struct ui_action *keymap_find(int id, const struct ui_action *extra, size_t nextra)
{
    size_t n;
    const struct ui_action *g = keymap_global(&n);

    for (size_t i = 0; extra && i < nextra; i++)
        if (extra[i].id == id)
            return &extra[i];
    for (size_t i = 0; i < n; i++)
        if (g[i].id == id)
            return &g[i];
    return NULL;
}

struct key_name {
    int code;
    const char *name;
};

static const struct key_name special_names[] = {
    {KEY_UP, "Up"},       {KEY_DOWN, "Down"},     {KEY_LEFT, "Left"},      {KEY_RIGHT, "Right"},
    {KEY_PPAGE, "PgUp"},  {KEY_NPAGE, "PgDn"},    {KEY_HOME, "Home"},      {KEY_END, "End"},
    {KEY_ENTER, "Enter"}, {KEY_DC, "Del"},        {KEY_BACKSPACE, "BkSp"}, {KEY_IC, "Ins"},
    {KEY_BTAB, "S-Tab"},  {KEY_RESIZE, "Resize"},
};

void keymap_key_name(uint32_t key, char *out, size_t cap)
{
    int f;

    if (keymap_is_fkey(key, &f)) {
        snprintf(out, cap, "F%d", f);
    } else if (UI_KEY_IS_ALT(key)) {
        char u[5] = {0};
        if (utf8_encode(UI_KEY_ALT_CHAR(key), u) <= 0)
            u[0] = '?';
        snprintf(out, cap, "Alt-%s", u);
    } else if (SCAN_KEY_IS_SPECIAL(key)) {
        int code = SCAN_KEY_SPECIAL_CODE(key);
        for (size_t i = 0; i < sizeof(special_names) / sizeof(special_names[0]); i++) {
            if (special_names[i].code == code) {
                snprintf(out, cap, "%s", special_names[i].name);
                return;
            }
        }
        snprintf(out, cap, "key%d", code);
    } else if (key == '\r' || key == '\n') {
        snprintf(out, cap, "Enter");
    } else if (key == 0x1B) {
        snprintf(out, cap, "Esc");
    } else if (key == '\t') {
        snprintf(out, cap, "Tab");
    } else if (key == ' ') {
        snprintf(out, cap, "Space");
    } else if (key == 0x7F) {
        snprintf(out, cap, "BkSp");
    } else if (key < 0x20) {
        snprintf(out, cap, "^%c", (char)('@' + key));
    } else {
        char u[5] = {0};
        if (utf8_encode(key, u) > 0)
            snprintf(out, cap, "%s", u);
        else
            snprintf(out, cap, "?");
    }
}

static int has_token(const char *list, const char *tok)
{
    size_t len = strlen(tok);

    for (const char *p = list; (p = strstr(p, tok)) != NULL; p++)
        if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
            return 1;
    return 0;
}

void keymap_keys_text(const struct ui_action *a, char *out, size_t cap)
{
    size_t n = 0;
    char name[16];

    out[0] = '\0';
    if (a->fkey)
        n += (size_t)snprintf(out, cap, "F%d", a->fkey);
    for (int i = 0; i < UI_ACTION_MAX_KEYS && a->keys[i] && n < cap; i++) {
        keymap_key_name(a->keys[i], name, sizeof(name));
        /* CR, LF and KEY_ENTER are all "Enter": list each name once */
        if (has_token(out, name))
            continue;
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? " " : "", name);
    }
}

const char *keymap_label(const struct ui_action *a)
{
    return ui_tr(a->label_en, a->label_zh);
}

const char *keymap_help(const struct ui_action *a)
{
    return ui_tr(a->help_en, a->help_zh);
}
