/* The violation taxonomy as one static table. Article 38 of the 2021
 * regulation lists misuse by designated institutions, article 39 management
 * breaches, article 40 fraud; V-JXC covers stock records that do not match. */
#include "core/flight/taxonomy.h"

#include "core/base/buf.h"

#include <stddef.h>
#include <strings.h>

#define REG "《医疗保障基金使用监督管理条例》"

const struct taxonomy_entry taxonomy_table[] = {
    {"V38-1", "违规使用基金", "分解住院、挂床住院", REG "第三十八条第（一）项"},
    {"V38-2", "违规使用基金", "过度诊疗、过度检查、分解处方、超量开药、重复开药",
     REG "第三十八条第（二）项"},
    {"V38-3", "违规使用基金", "重复收费、超标准收费、分解项目收费", REG "第三十八条第（三）项"},
    {"V38-4", "违规使用基金", "串换药品、医用耗材、诊疗项目、服务设施", REG "第三十八条第（四）项"},
    {"V38-5", "违规使用基金",
     "为参保人利用其享受医疗保障待遇的机会转卖药品，接受返还现金、实物或者获得其他非法利益提供便利",
     REG "第三十八条第（五）项"},
    {"V38-6", "违规使用基金", "将不属于医疗保障基金支付范围的医药费用纳入医疗保障基金结算",
     REG "第三十八条第（六）项"},
    {"V38-7", "违规使用基金", "造成医疗保障基金损失的其他违法行为", REG "第三十八条第（七）项"},
    {"V39-1", "管理类违规", "未建立医疗保障基金使用内部管理制度，或者没有专门机构或者人员负责",
     REG "第三十九条第（一）项"},
    {"V39-2", "管理类违规",
     "未按照规定保管财务账目、会计凭证、处方、病历、治疗检查记录、费用明细、药品和医用耗材出入库记"
     "录等资料",
     REG "第三十九条第（二）项"},
    {"V39-3", "管理类违规", "未按照规定通过医疗保障信息系统传送医药服务信息（含药品追溯码）",
     REG "第三十九条第（三）项"},
    {"V39-4", "管理类违规", "未按照规定向医疗保障行政部门报告医疗保障基金使用监督管理所需信息",
     REG "第三十九条第（四）项"},
    {"V39-5", "管理类违规", "未按照规定向社会公开医药费用、费用结构等信息",
     REG "第三十九条第（五）项"},
    {"V39-6", "管理类违规",
     "除急诊、抢救等特殊情形外，提供医疗保障基金支付范围以外的医药服务未经参保人员或者其近亲属、监"
     "护人同意",
     REG "第三十九条第（六）项"},
    {"V39-7", "管理类违规", "拒绝医疗保障等行政部门监督检查或者提供虚假情况",
     REG "第三十九条第（七）项"},
    {"V40-1", "欺诈骗保",
     "诱导、协助他人冒名或者虚假就医、购药，提供虚假证明材料，或者串通他人虚开费用单据",
     REG "第四十条第一款第（一）项"},
    {"V40-2", "欺诈骗保",
     "伪造、变造、隐匿、涂改、销毁医学文书、医学证明、会计凭证、电子信息等有关资料",
     REG "第四十条第一款第（二）项"},
    {"V40-3", "欺诈骗保", "虚构医药服务项目", REG "第四十条第一款第（三）项"},
    {"V40-4", "欺诈骗保", "其他骗取医疗保障基金支出的行为", REG "第四十条第一款第（四）项"},
    {"V-JXC", "进销存不符", "药品、医用耗材进销存不符", REG "第三十八条、第三十九条第（二）项"},
    {NULL, NULL, NULL, NULL},
};

const struct taxonomy_entry *taxonomy_find(const char *code)
{
    if (!code)
        return NULL;
    for (const struct taxonomy_entry *t = taxonomy_table; t->code; t++)
        if (!strcasecmp(t->code, code))
            return t;
    return NULL;
}

int taxonomy_check(const char *code, const struct taxonomy_entry **out, struct fc_error *err)
{
    const struct taxonomy_entry *t = taxonomy_find(code);
    struct buf list = BUF_INIT;
    int rc;

    if (t) {
        *out = t;
        return FC_OK;
    }
    for (const struct taxonomy_entry *e = taxonomy_table; e->code; e++)
        buf_addf(&list, "%s%s", e == taxonomy_table ? "" : ", ", e->code);
    rc = fc_error_set(err, FC_EINPUT, "unknown violation code '%s' (one of %s)", code ? code : "",
                      list.ptr);
    buf_release(&list);
    *out = NULL;
    return rc;
}
