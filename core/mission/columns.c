/* The mission files' columns (DESIGN §4): a table of column definitions per
 * file, each with its English and Chinese headers and its value type, and the
 * insert its rows go to. A new column is a new row here (and in refdb.c's
 * schema). */
#include "core/mission/loader.h"

#include "core/base/fs.h"

#include <string.h>

static const struct col_def sites_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},    {"site_name", "机构名称", CT_TEXT, REQ, NULL},
    {"site_kind", "机构类别", CT_SITE_KIND, 0, NULL}, {"level", "机构级别", CT_TEXT, 0, NULL},
    {"region_code", "所在区划", CT_CODE, 0, NULL},    {"region_name", "区划名称", CT_TEXT, 0, NULL},
    {"bed_count", "核定床位", CT_INT, 0, NULL},
};

static const struct col_def wards_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"ward_code", "病区编码", CT_CODE, REQ, NULL},
    {"ward", "病区", CT_TEXT, REQ, NULL},
    {"bed_count", "核定床位", CT_INT, 0, NULL},
};

static const struct col_def inpatients_cols[] = {
    /* in the order of the IP_ names above */
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},
    {"ward_code", "病区编码", CT_CODE, REQ, NULL},
    {"ward", "病区", CT_TEXT, 0, NULL},
    {"bed", "床号", CT_BED, REQ, NULL},
    {"admission_no", "住院号", CT_CODE, REQ, NULL},
    {"name", "姓名", CT_TEXT, REQ, NULL},
    {"id_number", "身份证号", CT_ID, REQ, NULL},
    {"sex", "性别", CT_SEX, 0, NULL},
    {"insurance_type", "险种", CT_TEXT, 0, NULL},
    {"admitted_on", "入院日期", CT_DATE, 0, NULL},
    {"wristband_code", "腕带码", CT_CODE, 0, NULL},
};

static const struct col_def leaves_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},  {"admission_no", "住院号", CT_CODE, REQ, NULL},
    {"leave_from", "离院时间", CT_TIME, REQ, NULL}, {"leave_until", "返院时间", CT_TIME, REQ, NULL},
    {"reason", "事由", CT_TEXT, 0, NULL},           {"approved_by", "准假医师", CT_TEXT, 0, NULL},
};

static const struct col_def drugs_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},
    {"drug_code", "国家医保药品编码", CT_DRUG, REQ, NULL},
    {"name|drug_name", "药品名称", CT_TEXT, REQ, NULL},
    {"spec", "规格", CT_TEXT, 0, NULL},
    {"form", "剂型", CT_TEXT, 0, NULL},
    {"package", "包装", CT_TEXT, 0, NULL},
    {"manufacturer", "生产企业", CT_TEXT, 0, NULL},
    {"gtin", "GTIN|药品本位码", CT_GTIN, 0, NULL},
    {"trace_prefix", "追溯码产品标识", CT_PREFIX, 0, NULL},
    {"unit", "单位", CT_TEXT, 0, NULL},
    {"pack_factor", "每单位含最小包装数", CT_FACTOR, 0, "1"},
    {"opening_qty", "期初库存", CT_NUM, 0, "0"},
    {"purchased_qty", "购进数量", CT_NUM, 0, "0"},
    {"sold_qty", "销售数量", CT_NUM, 0, "0"},
    {"settled_qty", "医保结算数量", CT_NUM, 0, "0"},
    {"book_qty", "账面结存", CT_NUM, 0, NULL},
    {"unit_price", "零售单价", CT_PRICE, 0, NULL},
    {"price_cap", "医保支付标准", CT_PRICE, 0, NULL},
    {"purchase_return_qty", "购进退货数量", CT_NUM, 0, "0"},
    {"sale_return_qty", "销售退货数量", CT_NUM, 0, "0"},
    {"adjust_qty", "库存调整数量", CT_NUM, 0, "0"},
    {"insured_sold_qty", "医保销售数量", CT_NUM, 0, NULL},
};

static const struct col_def settlements_cols[] = {
    {"settlement_id", "结算ID", CT_CODE, REQ, NULL},
    {"settled_at", "结算时间", CT_TIME, 0, NULL},
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"drug_code", "国家医保药品编码", CT_DRUG, REQ, NULL},
    {"drug_name", "药品名称", CT_TEXT, 0, NULL},
    {"trace_code", "追溯码", CT_TRACE, 0, NULL},
    {"qty", "数量", CT_NUM, REQ, NULL},
    {"unit", "单位", CT_TEXT, 0, NULL},
    {"unit_price", "单价", CT_PRICE, 0, NULL},
    {"amount", "金额", CT_NUM, 0, NULL},
    {"id_number", "参保人身份证号|身份证号", CT_ID, 0, NULL},
    {"name", "参保人姓名|姓名", CT_TEXT, 0, NULL},
};

static const struct col_def suspicions_cols[] = {
    {"susp_id", "疑点编号", CT_CODE, REQ, NULL},   {"rule_code", "规则编码", CT_CODE, 0, NULL},
    {"rule_name", "规则名称", CT_TEXT, 0, NULL},   {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"site_name", "机构名称", CT_TEXT, 0, NULL},   {"setl_id", "结算ID", CT_CODE, 0, NULL},
    {"admission_no", "住院号", CT_CODE, 0, NULL},  {"name", "姓名", CT_TEXT, 0, NULL},
    {"id_number", "身份证号", CT_ID, 0, NULL},     {"item_code", "项目编码", CT_CODE, 0, NULL},
    {"item_name", "项目名称", CT_TEXT, 0, NULL},   {"qty", "数量", CT_NUM, 0, NULL},
    {"unit_price", "单价", CT_PRICE, 0, NULL},     {"amount", "金额", CT_NUM, 0, NULL},
    {"susp_amount", "疑点金额", CT_NUM, 0, NULL},  {"settled_on", "结算日期", CT_DATE, 0, NULL},
    {"description", "疑点描述", CT_TEXT, 0, NULL},
};

static const struct col_def patterns_cols[] = {
    {"site_code", "机构编码", CT_SITE, REQ, NULL},
    {"kind", NULL, CT_PKIND, REQ, NULL},
    {"regex", NULL, CT_RAW, REQ, NULL},
    {"fields", NULL, CT_TEXT, REQ, NULL},
};

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))

const struct file_def mission_files[F_COUNT] = {
    [F_SITES] = {"sites.csv",
                 "INSERT INTO site (site_code, site_name, site_kind, level, region_code,"
                 " region_name, bed_count, line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
                 sites_cols, NCOLS(sites_cols), 1, 0},
    [F_WARDS] = {"wards.csv",
                 "INSERT INTO ward (site_code, ward_code, ward, bed_count, line, extra)"
                 " VALUES (?1,?2,?3,?4,?5,?6)",
                 wards_cols, NCOLS(wards_cols), 1, 0},
    [F_INPATIENTS] = {"inpatients.csv",
                      "INSERT INTO inpatient (site_code, site_name, ward_code, ward, bed,"
                      " admission_no, name, id_number, sex, insurance_type, admitted_on,"
                      " wristband_code, line, extra, bed_text)"
                      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
                      inpatients_cols, NCOLS(inpatients_cols), 1, 0},
    [F_LEAVES] = {"leaves.csv",
                  "INSERT INTO leave (site_code, admission_no, leave_from, leave_until, reason,"
                  " approved_by, line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                  leaves_cols, NCOLS(leaves_cols), 1, 0},
    [F_DRUGS] = {"drugs.csv",
                 "INSERT INTO drug (site_code, site_name, drug_code, name, spec, form, package,"
                 " manufacturer, gtin, trace_prefix, unit, pack_factor, opening_qty,"
                 " purchased_qty, sold_qty, settled_qty, book_qty, unit_price, price_cap,"
                 " purchase_return_qty, sale_return_qty, adjust_qty, insured_sold_qty, line,"
                 " extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
                 "?18,?19,?20,?21,?22,?23,?24,?25)",
                 drugs_cols, NCOLS(drugs_cols), 1, 0},
    [F_SETTLEMENTS] = {"settlements.csv",
                       "INSERT INTO settlement (settlement_id, settled_at, site_code, drug_code,"
                       " drug_name, trace_code, qty, unit, unit_price, amount, id_number, name,"
                       " line, extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
                       settlements_cols, NCOLS(settlements_cols), 1, 2},
    [F_SUSPICIONS] = {"suspicions.csv",
                      "INSERT INTO suspicion (susp_id, rule_code, rule_name, site_code,"
                      " site_name, setl_id, admission_no, name, id_number, item_code, item_name,"
                      " qty, unit_price, amount, susp_amount, settled_on, description, line,"
                      " extra) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,"
                      "?17,?18,?19)",
                      suspicions_cols, NCOLS(suspicions_cols), 1, 3},
    [F_PATTERNS] = {"scan_patterns.csv",
                    "INSERT INTO scan_pattern (site_code, kind, regex, fields, line)"
                    " VALUES (?1,?2,?3,?4,?5)",
                    patterns_cols, NCOLS(patterns_cols), 0, 0},
};

int loader_file_path(const char *dir, enum file_id f, struct buf *path, int *xlsx)
{
    const char *name = mission_files[f].file, *dot = strrchr(name, '.');

    buf_reset(path);
    buf_addf(path, "%s/%s", dir, name);
    *xlsx = 0;
    if (fs_exists(path->ptr))
        return 1;
    buf_reset(path);
    buf_addf(path, "%s/%.*s.xlsx", dir, (int)(dot - name), name);
    *xlsx = 1;
    return fs_exists(path->ptr);
}

const char *loader_file_name(const struct loader *L, enum file_id f)
{
    return L->stat[f].name[0] ? L->stat[f].name : mission_files[f].file;
}
