/* The violation taxonomy for flight-inspection findings (DOMAIN.md): codes
 * V38-1..7, V39-1..7, V40-1..4 and V-JXC, each with its Chinese category and
 * the legal basis quoted in reports. A table, so reports, validation and the
 * CLI's help all read the same rows. */
#ifndef FC_CORE_TAXONOMY_H
#define FC_CORE_TAXONOMY_H

#include "core/base/error.h"

struct taxonomy_entry {
    const char *code;     /* "V38-4" */
    const char *group;    /* "违规使用基金" (the article's heading) */
    const char *category; /* "串换药品、医用耗材、诊疗项目、服务设施" */
    const char *basis; /* "《医疗保障基金使用监督管理条例》第三十八条第（四）项" */
};

/* The table, terminated by a row with code == NULL. */
extern const struct taxonomy_entry taxonomy_table[];

/* The entry for code (exact, case-insensitive for the leading 'V' and
 * "JXC"); NULL when unknown. */
const struct taxonomy_entry *taxonomy_find(const char *code);

/* Like taxonomy_find, but FC_EINPUT with a message listing the valid codes
 * when unknown. *out borrows the static table. */
int taxonomy_check(const char *code, const struct taxonomy_entry **out, struct fc_error *err);

#endif
