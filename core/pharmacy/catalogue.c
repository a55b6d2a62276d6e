/* The pharmacy count's verdict catalogue (DESIGN §5, "Pharmacy"): the verdict
 * of each scanned box and the reconciliation rules D01–D09, with class,
 * severity, labels and explanation. A drug nobody counted is coverage, never
 * a shortage. */
#include "core/pharmacy/workflow.h"

#define S VERDICT_SCAN
#define R VERDICT_RULE
#define I VERDICT_ITEM

const struct verdict pharmacy_catalogue[] = {
    /* ---- per scan (message: %1$s drug, %2$s detail, %3$s units, %4$s code) ---- */
    {"COUNTED", S, VERDICT_OK, VERDICT_SEV_OK, FC_N_("counted"), "已计数",
     FC_N_("a new box, identified by its traceability code or GS1 serial"),
     "新的一盒，凭追溯码或 GS1 序列号识别", NULL, "%1$s：已计数（+%3$s）"},
    {"GTIN_COUNTED", S, VERDICT_OK, VERDICT_SEV_OK, FC_N_("counted by GTIN"), "凭商品条码计数",
     FC_N_("a box identified only by its GTIN: it cannot be told from another box"),
     "仅凭商品条码识别的一盒，无法去重", NULL, "%1$s：仅凭商品条码计数（+%3$s，无法去重）"},
    {"SOLD_CODE_ON_SHELF", S, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("settled box on the shelf"), "已结算药品在架",
     FC_N_("counted, and insurance already settled this box's code (回流药 or a fake settlement)"),
     "已计数，但此追溯码已被医保结算（回流药或虚假结算）", NULL,
     "%1$s：已计数（+%3$s），但此追溯码已被医保结算（%2$s）"},
    {"DUPLICATE_SCAN", S, VERDICT_INFO, VERDICT_SEV_WARN, FC_N_("already counted"), "重复扫码",
     FC_N_("a double read, or a box counted before in this visit: not counted"),
     "重复读码，或本次已计数的药盒：不计数", NULL, "重复扫码 %4$s，未计数（%2$s）"},
    {"UNKNOWN_ITEM", S, VERDICT_INFO, VERDICT_SEV_WARN, FC_N_("not a drug of this site"),
     "非本店药品", FC_N_("no drug of the site's list has this code"), "本店药品清单中无此码", NULL,
     "本店无此码对应的药品：%4$s（%2$s）"},
    {"RECORDED", S, VERDICT_OK, VERDICT_SEV_OK, FC_N_("manual count recorded"), "已记录手工计数",
     FC_N_("units counted by hand (DRUG_CODE:QTY or count --qty)"),
     "手工清点的数量（药品编码:数量 或 count --qty）", NULL, "%1$s：已记录 %3$s 个单位"},
    {"VOIDED", S, VERDICT_OK, VERDICT_SEV_OK, FC_N_("voided"), "已作废",
     FC_N_("the scan was cancelled with a reason"), "该次扫码已注明原因作废", NULL,
     "扫码 %4$s 已作废"},

    /* ---- per drug ---- */
    {"NOT_COUNTED", I, VERDICT_COVERAGE, VERDICT_SEV_NONE, FC_N_("not counted"), "未盘点",
     FC_N_("nobody counted this drug and the count was not declared complete"),
     "此药品未盘点，且未宣布盘点完成", NULL, NULL},
    {"COUNT_DIFFERS", I, VERDICT_INFO, VERDICT_SEV_WARN, FC_N_("count differs from the book"),
     "账实不符", FC_N_("counted, and the count is not the book (the rules say how)"),
     "已盘点，实盘数与账面数不符（见核查规则）", NULL, NULL},
    {"COUNT_MATCHES", I, VERDICT_OK, VERDICT_SEV_OK, FC_N_("count matches the book"), "账实相符",
     FC_N_("counted, and the count is the book"), "已盘点，实盘数与账面数相符", NULL, NULL},
    {"COUNTED", I, VERDICT_OK, VERDICT_SEV_NONE, FC_N_("counted (book hidden)"),
     "已盘点（账面未显示）", FC_N_("counted while the count is blind"), "盲盘中已盘点", NULL, NULL},

    /* ---- reconciliation rules ---- */
    {"D01_STOCK_SHORTAGE", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("stock shortage"),
     "库存短缺", FC_N_("counted is less than the book"), "实盘数少于账面数", NULL, NULL},
    {"D02_STOCK_OVERAGE", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("stock overage"),
     "库存盈余", FC_N_("counted is more than the book"), "实盘数多于账面数", NULL, NULL},
    {"D03_SETTLED_GT_SOLD", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("settled more than sold"), "医保结算多于销售",
     FC_N_("insurance settled more than was sold (settlements without sales)"),
     "医保结算数量大于销售数量（无销售的结算）", NULL, NULL},
    {"D04_NEGATIVE_BOOK", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("sold more than held"),
     "销售多于进货", FC_N_("sold more than opening stock plus purchases"),
     "销售数量大于期初库存加购进", NULL, NULL},
    {"D05_SETTLED_GT_AVAILABLE", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("settled more than held"), "结算多于可供",
     FC_N_("insurance settled more than opening stock plus purchases"),
     "医保结算数量大于期初库存加购进", NULL, NULL},
    {"D06_PRICE_ABOVE_CAP", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("price above the cap"),
     "超支付标准", FC_N_("a settled unit price above the insurance price cap"),
     "结算单价高于医保支付标准", NULL, NULL},
    {"D07_TRACE_DUPLICATE", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("code settled too often"), "追溯码重复结算",
     FC_N_("one traceability code settled for more than its pack holds"),
     "同一追溯码结算数量超过其包装量", NULL, NULL},
    {"D08_TRACE_PRODUCT_MISMATCH", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("code of another product"), "追溯码与药品不符",
     FC_N_("a settled or scanned code whose product prefix is another drug's (串换)"),
     "结算或扫描的追溯码产品标识属于其他药品（串换）", NULL, NULL},
    {"D09_SOLD_CODE_ON_SHELF", R, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY,
     FC_N_("settled boxes on the shelf"), "已结算药品在架",
     FC_N_("boxes on the shelf whose code insurance already settled (回流药)"),
     "在架药盒的追溯码已被医保结算（回流药）", NULL, NULL},
    {NULL, 0, VERDICT_OK, VERDICT_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL},
};
