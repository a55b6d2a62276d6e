/* Demo mission generator. Everything comes from one splitmix64 stream seeded
 * by the caller and from tables of plausible names, wards and drugs, so the
 * output depends only on the seed and the anchor day. The planted anomalies
 * (one ID at two hospitals, two patients on one bed, a man in 妇科, settled >
 * sold, a code settled twice, a price above the cap, a product-prefix
 * mismatch) give each workflow something to find. */
#include "core/demo.h"

#include "core/base/buf.h"
#include "core/base/clock.h"
#include "core/base/fs.h"
#include "core/base/xalloc.h"
#include "core/ident/ident.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define PICK(r, a) ((a)[rng_range((r), 0, N(a) - 1)])

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金"};
static const char *const compound_surnames[] = {"欧阳", "司马", "上官", "诸葛"};
static const char *const given_m[] = {
    "伟", "强", "磊", "军", "勇", "杰",   "涛",   "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
    "飞", "鑫", "波", "宇", "浩", "建国", "志强", "海", "俊", "晨", "国", "文", "东", "峰"};
static const char *const given_f[] = {"芳", "娜",   "敏", "静", "丽", "艳", "娟", "霞", "秀英",
                                      "玲", "桂英", "丹", "萍", "红", "婷", "雪", "琳", "倩",
                                      "慧", "颖",   "洁", "燕", "梅", "兰", "欣", "月", "悦"};

/* GB/T 2260 county-level codes that look right on a roster. */
static const char *const regions[] = {"110105", "110108", "310104", "310115", "440106", "440304",
                                      "330106", "370202", "510107", "420106", "320102", "410105",
                                      "430104", "210102", "610113", "350203", "130102", "500103"};

struct place {
    const char *region;
    const char *city;
    const char *district;
};
static const struct place places[] = {
    {"110105", "北京市", "朝阳区"}, {"310104", "上海市", "徐汇区"}, {"440106", "广州市", "天河区"},
    {"330106", "杭州市", "西湖区"}, {"370202", "青岛市", "市南区"}, {"510107", "成都市", "武侯区"},
    {"420106", "武汉市", "武昌区"}, {"320102", "南京市", "玄武区"},
};

enum ward_rule { WR_ADULT, WR_CHILD, WR_FEMALE, WR_MATERNITY };
struct ward_def {
    const char *name;
    enum ward_rule rule;
};
static const struct ward_def ward_defs[] = {
    {"内科", WR_ADULT},     {"外科", WR_ADULT}, {"儿科", WR_CHILD},   {"妇科", WR_FEMALE},
    {"产科", WR_MATERNITY}, {"骨科", WR_ADULT}, {"心内科", WR_ADULT}, {"神经内科", WR_ADULT},
};

struct drug_def {
    const char *name, *spec, *form, *unit, *maker, *atc; /* atc "" for Chinese patent (Z) */
    double price;
};
static const struct drug_def drug_defs[] = {
    {"阿莫西林胶囊", "0.25g*24粒", "胶囊剂", "盒", "华北制药股份有限公司", "J01CA04", 12.5},
    {"硝苯地平缓释片", "20mg*30片", "片剂", "盒", "拜耳医药保健有限公司", "C08CA05", 32.8},
    {"盐酸二甲双胍片", "0.5g*20片", "片剂", "盒", "中美上海施贵宝制药有限公司", "A10BA02", 18.6},
    {"阿托伐他汀钙片", "20mg*7片", "片剂", "盒", "辉瑞制药有限公司", "C10AA05", 41.2},
    {"苯磺酸氨氯地平片", "5mg*7片", "片剂", "盒", "辉瑞制药有限公司", "C08CA01", 28.9},
    {"头孢克肟胶囊", "100mg*6粒", "胶囊剂", "盒", "广州白云山制药股份有限公司", "J01DD08", 22.0},
    {"布洛芬缓释胶囊", "0.3g*20粒", "胶囊剂", "盒", "中美天津史克制药有限公司", "M01AE01", 16.8},
    {"奥美拉唑肠溶胶囊", "20mg*14粒", "胶囊剂", "盒", "阿斯利康制药有限公司", "A02BC01", 26.5},
    {"氯雷他定片", "10mg*6片", "片剂", "盒", "拜耳医药保健有限公司", "R06AX13", 19.8},
    {"蒙脱石散", "3g*10袋", "散剂", "盒", "博福-益普生(天津)制药有限公司", "A07BC05", 15.6},
    {"阿司匹林肠溶片", "100mg*30片", "片剂", "盒", "拜耳医药保健有限公司", "B01AC06", 15.2},
    {"厄贝沙坦片", "150mg*7片", "片剂", "盒", "赛诺菲(杭州)制药有限公司", "C09CA04", 27.4},
    {"缬沙坦胶囊", "80mg*7粒", "胶囊剂", "盒", "北京诺华制药有限公司", "C09CA03", 30.1},
    {"格列美脲片", "2mg*10片", "片剂", "盒", "赛诺菲(北京)制药有限公司", "A10BB12", 24.3},
    {"瑞舒伐他汀钙片", "10mg*7片", "片剂", "盒", "阿斯利康制药有限公司", "C10AA07", 36.7},
    {"左氧氟沙星片", "0.5g*4片", "片剂", "盒", "第一三共制药(北京)有限公司", "J01MA12", 21.9},
    {"甲硝唑片", "0.2g*21片", "片剂", "盒", "石药集团欧意药业有限公司", "P01AB01", 6.5},
    {"对乙酰氨基酚片", "0.5g*12片", "片剂", "盒", "上海强生制药有限公司", "N02BE01", 9.8},
    {"盐酸氨溴索片", "30mg*20片", "片剂", "盒", "勃林格殷格翰制药有限公司", "R05CB06", 17.5},
    {"孟鲁司特钠片", "10mg*5片", "片剂", "盒", "杭州默沙东制药有限公司", "R03DC03", 38.6},
    {"硫酸氢氯吡格雷片", "75mg*7片", "片剂", "盒", "赛诺菲(杭州)制药有限公司", "B01AC04", 45.9},
    {"琥珀酸美托洛尔缓释片", "47.5mg*7片", "片剂", "盒", "阿斯利康制药有限公司", "C07AB02", 23.4},
    {"坎地沙坦酯片", "8mg*14片", "片剂", "盒", "天津武田药品有限公司", "C09CA06", 33.3},
    {"阿卡波糖片", "50mg*30片", "片剂", "盒", "拜耳医药保健有限公司", "A10BF01", 39.6},
    {"辛伐他汀片", "20mg*10片", "片剂", "盒", "杭州默沙东制药有限公司", "C10AA01", 19.2},
    {"头孢呋辛酯片", "0.25g*12片", "片剂", "盒", "葛兰素史克制药(苏州)有限公司", "J01DC02", 29.7},
    {"罗红霉素胶囊", "150mg*12粒", "胶囊剂", "盒", "哈药集团制药总厂", "J01FA06", 11.4},
    {"维生素C片", "0.1g*100片", "片剂", "瓶", "华中药业股份有限公司", "A11GA01", 4.5},
    {"碳酸钙D3片", "600mg*60片", "片剂", "瓶", "惠氏制药有限公司", "A12AX01", 48.0},
    {"硝酸甘油片", "0.5mg*100片", "片剂", "瓶", "北京益民药业有限公司", "C01DA02", 12.0},
    {"氯化钾缓释片", "0.5g*24片", "片剂", "盒", "山东新华制药股份有限公司", "A12BA01", 8.9},
    {"盐酸坦索罗辛缓释胶囊", "0.2mg*10粒", "胶囊剂", "盒", "安斯泰来制药(中国)有限公司", "G04CA02",
     52.6},
    {"富马酸比索洛尔片", "5mg*10片", "片剂", "盒", "默克制药(江苏)有限公司", "C07AB07", 26.2},
    {"复方丹参滴丸", "27mg*180丸", "滴丸剂", "瓶", "天士力医药集团股份有限公司", "", 29.5},
    {"连花清瘟胶囊", "0.35g*24粒", "胶囊剂", "盒", "石家庄以岭药业股份有限公司", "", 14.8},
    {"藿香正气水", "10ml*10支", "酊剂", "盒", "太极集团重庆涪陵制药厂有限公司", "", 9.6},
    {"六味地黄丸", "200丸", "丸剂", "瓶", "北京同仁堂股份有限公司", "", 22.0},
    {"感冒灵颗粒", "10g*9袋", "颗粒剂", "盒", "华润三九医药股份有限公司", "", 13.5},
    {"板蓝根颗粒", "10g*20袋", "颗粒剂", "包", "广州白云山和记黄埔中药有限公司", "", 12.8},
    {"血塞通软胶囊", "0.33g*24粒", "胶囊剂", "盒", "昆药集团股份有限公司", "", 35.2},
};

/* ---- writing helpers ------------------------------------------------------- */

/* Appends s as a CSV field, quoted only when it must be. */
static void csv_field(struct buf *b, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        buf_addch(b, '"');
        for (; *s; s++) {
            if (*s == '"')
                buf_addch(b, '"');
            buf_addch(b, *s);
        }
        buf_addch(b, '"');
    } else {
        buf_adds(b, s);
    }
    buf_addch(b, last ? '\n' : ',');
}

/* Appends fields, NULL-terminated, as one CSV line. */
static void csv_row(struct buf *b, ...)
{
    va_list ap;
    const char *s, *next;

    va_start(ap, b);
    s = va_arg(ap, const char *);
    while (s) {
        next = va_arg(ap, const char *);
        csv_field(b, s, next == NULL);
        s = next;
    }
    va_end(ap);
}

static int to_gb18030_crlf(const struct buf *in, struct buf *out, struct fc_error *err)
{
    struct buf crlf = BUF_INIT;
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *ip, *op;
    size_t il, ol;
    int rc = FC_OK;

    for (size_t i = 0; i < in->len; i++) {
        if (in->ptr[i] == '\n')
            buf_addch(&crlf, '\r');
        buf_addch(&crlf, in->ptr[i]);
    }
    if (cd == (iconv_t)-1) {
        rc = fc_error_setsys(err, FC_EENCODING, errno, "cannot convert to GB18030: %s",
                             strerror(errno));
        goto out;
    }
    buf_grow(out, crlf.len * 2 + 16);
    ip = crlf.ptr;
    il = crlf.len;
    op = out->ptr + out->len;
    ol = out->cap - out->len - 1;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
        rc = fc_error_setsys(err, FC_EENCODING, errno, "cannot convert to GB18030: %s",
                             strerror(errno));
        goto out;
    }
    out->len = (size_t)(op - out->ptr);
    out->ptr[out->len] = 0;
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    buf_release(&crlf);
    return rc;
}

static int write_out(const char *dir, const char *name, const struct buf *data, int gbk,
                     struct fc_error *err)
{
    struct buf path = BUF_INIT, conv = BUF_INIT;
    int rc = FC_OK;

    buf_addf(&path, "%s/%s", dir, name);
    if (gbk) {
        rc = to_gb18030_crlf(data, &conv, err);
        if (!rc)
            rc = fs_write_atomic(path.ptr, conv.ptr, conv.len, 0644, err);
    } else {
        rc = fs_write_atomic(path.ptr, data->ptr, data->len, 0644, err);
    }
    buf_release(&path);
    buf_release(&conv);
    return rc;
}

/* ---- people ---------------------------------------------------------------- */

struct person {
    char name[32];
    char id[19];
    char sex;
    int age;
};

static void make_name(struct rng *r, char sex, char out[32])
{
    const char *sur = rng_range(r, 0, 60) == 0 ? PICK(r, compound_surnames) : PICK(r, surnames);
    const char *g1 = sex == 'M' ? PICK(r, given_m) : PICK(r, given_f);
    const char *g2 = "";

    /* about half the given names have two characters */
    if (strlen(g1) == 3 && rng_range(r, 0, 1))
        g2 = sex == 'M' ? PICK(r, given_m) : PICK(r, given_f);
    if (strlen(g2) > 3)
        g2 = "";
    snprintf(out, 32, "%s%s%s", sur, g1, g2);
}

/* A valid resident ID for someone of that sex, aged age on the anchor day. */
static void make_id(struct rng *r, char sex, int age, int ay, int am, int ad, char out[19])
{
    int y = ay - age, m = rng_range(r, 1, 12), d = rng_range(r, 1, 28);
    int seq = rng_range(r, 0, 499) * 2 + (sex == 'M' ? 1 : 0);

    /* birthday still to come this year: one more year back keeps the age */
    if (m > am || (m == am && d > ad))
        y--;
    snprintf(out, 19, "%s%04d%02d%02d%03d", PICK(r, regions), y, m, d, seq);
    out[17] = ident_resident_id_check_char(out);
    out[18] = 0;
}

static void make_person(struct rng *r, enum ward_rule rule, int ay, int am, int ad,
                        struct person *p)
{
    switch (rule) {
    case WR_CHILD:
        p->sex = rng_range(r, 0, 1) ? 'M' : 'F';
        p->age = rng_range(r, 1, 14);
        break;
    case WR_FEMALE:
        p->sex = 'F';
        p->age = rng_range(r, 22, 72);
        break;
    case WR_MATERNITY:
        p->sex = 'F';
        p->age = rng_range(r, 21, 40);
        break;
    default:
        p->sex = rng_range(r, 0, 1) ? 'M' : 'F';
        p->age = rng_range(r, 18, 92);
        break;
    }
    make_name(r, p->sex, p->name);
    make_id(r, p->sex, p->age, ay, am, ad, p->id);
}

static void gtin_with_check(const char *body, char *out, size_t n)
{
    /* body is n-1 digits; the check digit makes the mod-10 sum right */
    int sum = 0;
    for (size_t i = 0; i < n - 1; i++) {
        int dgt = body[n - 2 - i] - '0';
        sum += (i % 2 == 0) ? dgt * 3 : dgt;
    }
    memcpy(out, body, n - 1);
    out[n - 1] = (char)('0' + (10 - sum % 10) % 10);
    out[n] = 0;
}

/* ---- the generator --------------------------------------------------------- */

struct gen {
    struct rng r;
    int y, m, d; /* anchor day, local */
    char day[11];
    char ymd[9]; /* the day as YYYYMMDD, for identifiers */
    struct demo_summary *sum;
    struct buf sites, wards, inp, leaves, drugs, setl, susp, pat;
};

static void day_offset(const struct gen *g, int days, char out[11])
{
    int64_t dn = clock_days_from_civil(g->y, (unsigned)g->m, (unsigned)g->d) + days;
    time_t t = (time_t)(dn * 86400);
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(out, 11, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

struct ip_row {
    char ward_code[8];
    char bed[8];
    char adm[24];
    struct person p;
};

static void add_inpatient(struct gen *g, const char *site, const char *site_name,
                          const char *ward_code, const char *ward, const char *bed, const char *adm,
                          const struct person *p, int wristband)
{
    char admitted[11], wb[64] = "";

    day_offset(g, -rng_range(&g->r, 0, 20), admitted);
    if (wristband)
        snprintf(wb, sizeof(wb), "WB|%s|%d|%c", adm, p->age, p->sex);
    csv_row(&g->inp, site, site_name, ward_code, ward, bed, adm, p->name, p->id,
            p->sex == 'M' ? "男" : "女",
            rng_range(&g->r, 0, 2) ? "职工基本医疗保险" : "城乡居民基本医疗保险", admitted, wb,
            NULL);
    g->sum->inpatients++;
}

static void gen_hospitals(struct gen *g, struct ip_row **rows_out, int *nrows_out)
{
    const struct place *pl = &places[rng_range(&g->r, 0, N(places) - 1)];
    struct demo_summary *s = g->sum;
    struct ip_row *rows = NULL;
    int nrows = 0, cap = 0;
    char bc[16], adm[24], bed[8];

    snprintf(s->hospital, sizeof(s->hospital), "H%s%05d", pl->region, rng_range(&g->r, 1, 9999));
    snprintf(s->hospital_name, sizeof(s->hospital_name), "%s%s人民医院", pl->city, pl->district);
    snprintf(s->hospital2, sizeof(s->hospital2), "H%s%05d", pl->region,
             rng_range(&g->r, 10000, 19999));
    csv_row(&g->sites, "site_code", "site_name", "site_kind", "level", "region_code", "region_name",
            "bed_count", NULL);
    csv_row(&g->wards, "site_code", "ward_code", "ward", "bed_count", NULL);
    csv_row(&g->inp, "site_code", "site_name", "ward_code", "ward", "bed", "admission_no", "name",
            "id_number", "sex", "insurance_type", "admitted_on", "wristband_code", NULL);

    int total_beds = 0;
    for (int w = 0; w < N(ward_defs); w++) {
        char code[8];
        int beds = rng_range(&g->r, 20, 50);

        total_beds += beds;
        snprintf(code, sizeof(code), "W%02d", w + 1);
        snprintf(bc, sizeof(bc), "%d", beds);
        csv_row(&g->wards, s->hospital, code, ward_defs[w].name, bc, NULL);
        s->wards++;
        for (int b = 1; b <= beds; b++) {
            if (rng_range(&g->r, 0, 99) >= 85)
                continue; /* a free bed */
            if (nrows == cap) {
                cap = cap ? cap * 2 : 256;
                rows = xreallocarray(rows, (size_t)cap, sizeof(*rows));
            }
            struct ip_row *ir = &rows[nrows++];
            snprintf(ir->ward_code, sizeof(ir->ward_code), "%s", code);
            snprintf(ir->bed, sizeof(ir->bed), "%d", b);
            snprintf(ir->adm, sizeof(ir->adm), "ZY%04d%05d", g->y, 10000 + nrows * 7);
            make_person(&g->r, ward_defs[w].rule, g->y, g->m, g->d, &ir->p);
        }
    }
    /* planted: a man listed in 妇科 (W04), two patients on one bed, an extra bed */
    {
        struct ip_row *ir;
        rows = xreallocarray(rows, (size_t)nrows + 3, sizeof(*rows));
        ir = &rows[nrows++];
        snprintf(ir->ward_code, sizeof(ir->ward_code), "W04");
        snprintf(ir->bed, sizeof(ir->bed), "1+");
        snprintf(ir->adm, sizeof(ir->adm), "ZY%04d%05d", g->y, 10000 + nrows * 7);
        make_person(&g->r, WR_ADULT, g->y, g->m, g->d, &ir->p);
        if (ir->p.sex != 'M') {
            ir->p.sex = 'M';
            make_name(&g->r, 'M', ir->p.name);
            make_id(&g->r, 'M', ir->p.age, g->y, g->m, g->d, ir->p.id);
        }
        ir = &rows[nrows++];
        *ir = rows[1];
        snprintf(ir->adm, sizeof(ir->adm), "ZY%04d%05d", g->y, 10000 + nrows * 7);
        make_person(&g->r, WR_ADULT, g->y, g->m, g->d, &ir->p);
        ir = &rows[nrows++];
        snprintf(ir->ward_code, sizeof(ir->ward_code), "W02");
        snprintf(ir->bed, sizeof(ir->bed), "3+");
        snprintf(ir->adm, sizeof(ir->adm), "ZY%04d%05d", g->y, 10000 + nrows * 7);
        make_person(&g->r, WR_ADULT, g->y, g->m, g->d, &ir->p);
    }
    snprintf(bc, sizeof(bc), "%d", total_beds);
    csv_row(&g->sites, s->hospital, s->hospital_name, "定点医疗机构", "三级甲等", pl->region,
            pl->district, bc, NULL);
    for (int i = 0; i < nrows; i++) {
        const struct ip_row *ir = &rows[i];
        int w = atoi(ir->ward_code + 1) - 1;
        add_inpatient(g, s->hospital, s->hospital_name, ir->ward_code, ward_defs[w].name, ir->bed,
                      ir->adm, &ir->p, rng_range(&g->r, 0, 9) < 6);
    }

    /* the second, small hospital: one ward, a few patients, one of them an ID
     * also admitted at the main hospital */
    {
        char name2[128];
        snprintf(name2, sizeof(name2), "%s%s社区卫生服务中心", pl->city, pl->district);
        csv_row(&g->sites, s->hospital2, name2, "hospital", "一级", pl->region, pl->district, "10",
                NULL);
        csv_row(&g->wards, s->hospital2, "W01", "内科", "10", NULL);
        s->wards++;
        for (int i = 0; i < 5; i++) {
            struct person p;
            snprintf(bed, sizeof(bed), "%d", i * 2 + 1);
            snprintf(adm, sizeof(adm), "SQ%04d%04d", g->y, 100 + i);
            if (i == 2)
                p = rows[nrows / 3].p; /* the planted shared ID */
            else
                make_person(&g->r, WR_ADULT, g->y, g->m, g->d, &p);
            add_inpatient(g, s->hospital2, name2, "W01", "内科", bed, adm, &p, 0);
        }
    }
    *rows_out = rows;
    *nrows_out = nrows;
}

static void gen_leaves(struct gen *g, const struct ip_row *rows, int nrows)
{
    static const char *const reasons[] = {"回家取物", "外院检查", "家中有事", "办理医保手续"};
    char from[32], until[32], tomorrow[11];

    day_offset(g, 1, tomorrow);
    csv_row(&g->leaves, "site_code", "admission_no", "leave_from", "leave_until", "reason",
            "approved_by", NULL);
    for (int i = 5; i < nrows; i += rng_range(&g->r, 12, 24)) {
        char doctor[32];
        snprintf(from, sizeof(from), "%s %02d:%02d", g->day, rng_range(&g->r, 8, 17),
                 rng_range(&g->r, 0, 5) * 10);
        snprintf(until, sizeof(until), "%s %02d:00", tomorrow, rng_range(&g->r, 7, 10));
        make_name(&g->r, rng_range(&g->r, 0, 1) ? 'M' : 'F', doctor);
        csv_row(&g->leaves, g->sum->hospital, rows[i].adm, from, until, PICK(&g->r, reasons),
                doctor, NULL);
        g->sum->leaves++;
    }
}

static void drug_code_of(const struct drug_def *dd, int i, char out[32])
{
    if (dd->atc[0])
        snprintf(out, 32, "X%sA%03dA%010d", dd->atc, 100 + i, 1010100 + i * 37);
    else
        snprintf(out, 32, "ZA%02dBAA%013lld", 1 + i % 20, 1010100000LL + i * 131);
    if (!ident_drug_code_valid(out))
        BUG("demo drug code '%s' has the wrong shape", out);
}

static void money(char *out, size_t n, double v)
{
    snprintf(out, n, "%.2f", v);
}

static void gen_pharmacy(struct gen *g)
{
    const struct place *pl = &places[rng_range(&g->r, 0, N(places) - 1)];
    struct demo_summary *s = g->sum;
    char prefixes[N(drug_defs)][8];
    char codes[N(drug_defs)][32];
    double caps[N(drug_defs)];
    int setl_seq = 0;
    char first_trace[21] = "";

    snprintf(s->pharmacy, sizeof(s->pharmacy), "P%s%05d", pl->region,
             rng_range(&g->r, 20000, 99999));
    snprintf(s->pharmacy_name, sizeof(s->pharmacy_name), "%s%s康民大药房", pl->city, pl->district);
    csv_row(&g->sites, s->pharmacy, s->pharmacy_name, "定点零售药店", "", pl->region, pl->district,
            "", NULL);
    csv_row(&g->drugs, "site_code", "site_name", "drug_code", "name", "spec", "form", "package",
            "manufacturer", "gtin", "trace_prefix", "unit", "pack_factor", "opening_qty",
            "purchased_qty", "sold_qty", "settled_qty", "book_qty", "unit_price", "price_cap",
            NULL);
    csv_row(&g->setl, "settlement_id", "settled_at", "site_code", "drug_code", "drug_name",
            "trace_code", "qty", "unit", "unit_price", "amount", "id_number", "name", NULL);
    for (int i = 0; i < N(drug_defs); i++)
        snprintf(prefixes[i], 8, "8%06d", 100000 + i * 2473 + rng_range(&g->r, 0, 2000));

    for (int i = 0; i < N(drug_defs); i++) {
        const struct drug_def *dd = &drug_defs[i];
        char gtin[15], body[14], pf[8], open[16], pur[16], sold[16], setl[16], book[16], price[16],
            cap[16];
        int split = i == 6 || i == 16; /* 拆零: sold by the capsule/tablet */
        const char *small = strstr(dd->spec, "粒") ? "粒" : "片";
        int factor = split ? 20 : 1;
        int opening = rng_range(&g->r, 10, 80) * factor,
            purchased = rng_range(&g->r, 20, 200) * factor;
        int sold_q = rng_range(&g->r, 10, opening + purchased - 5);
        int lines = rng_range(&g->r, 3, 12);
        int settled = 0;
        double up = dd->price, pcap = dd->price * (1.0 + rng_range(&g->r, 0, 20) / 100.0);

        drug_code_of(dd, i, codes[i]);
        if (i % 3 == 0) {
            snprintf(body, sizeof(body), "869%010d", rng_range(&g->r, 1000000, 999999999));
            gtin_with_check(body, gtin, 14);
        } else {
            snprintf(body, sizeof(body), "69%010d", rng_range(&g->r, 10000000, 999999999));
            gtin_with_check(body, gtin, 13);
        }
        if (!ident_gtin_valid(gtin))
            BUG("demo GTIN '%s' invalid", gtin);
        caps[i] = pcap;
        /* settlement lines: one box each, or a few tablets of a split pack */
        for (int l = 0; l < lines; l++) {
            char id[24], when[32], trace[21], q[16], upx[16], amt[16];
            struct person buyer;
            int qty = split ? rng_range(&g->r, 4, 10) : 1;
            double lp = up;

            make_person(&g->r, WR_ADULT, g->y, g->m, g->d, &buyer);
            snprintf(id, sizeof(id), "JS%s%06d", g->ymd, ++setl_seq);
            {
                char d[11];
                day_offset(g, -rng_range(&g->r, 1, 60), d);
                snprintf(when, sizeof(when), "%s %02d:%02d:%02d", d, rng_range(&g->r, 8, 20),
                         rng_range(&g->r, 0, 59), rng_range(&g->r, 0, 59));
            }
            snprintf(trace, sizeof(trace), "%s%06d%07d", prefixes[i], rng_range(&g->r, 0, 999999),
                     rng_range(&g->r, 0, 9999999));
            if (i == 4 && l == 0) /* planted: price above the cap */
                lp = pcap * 1.25;
            if (i == 9 && l == 1) /* planted: another product's code (串换) */
                snprintf(trace, sizeof(trace), "%s%06d%07d", prefixes[i + 1],
                         rng_range(&g->r, 0, 999999), rng_range(&g->r, 0, 9999999));
            if (i == 2 && l == 2) /* planted: a code settled twice */
                snprintf(trace, sizeof(trace), "%s", first_trace);
            if (i == 2 && l == 0)
                snprintf(first_trace, sizeof(first_trace), "%s", trace);
            if (i == 0 && l == 0)
                snprintf(s->trace_code, sizeof(s->trace_code), "%s", trace);
            snprintf(q, sizeof(q), "%d", qty);
            money(upx, sizeof(upx), split ? lp / factor : lp);
            money(amt, sizeof(amt), (split ? lp / factor : lp) * qty);
            csv_row(&g->setl, id, when, s->pharmacy, codes[i], dd->name, trace, q,
                    split ? small : dd->unit, upx, amt, buyer.id, buyer.name, NULL);
            settled += qty;
            s->settlements++;
        }
        if (i == 7) /* planted: settled more than sold */
            sold_q = settled > 2 ? settled - 2 : 0;
        if (sold_q < settled && i != 7)
            sold_q = settled + rng_range(&g->r, 0, 10);
        snprintf(pf, sizeof(pf), "%d", factor);
        snprintf(open, sizeof(open), "%d", opening);
        snprintf(pur, sizeof(pur), "%d", purchased);
        snprintf(sold, sizeof(sold), "%d", sold_q);
        snprintf(setl, sizeof(setl), "%d", settled);
        snprintf(book, sizeof(book), "%d", opening + purchased - sold_q);
        money(price, sizeof(price), split ? up / factor : up);
        money(cap, sizeof(cap), split ? caps[i] / factor : caps[i]);
        csv_row(&g->drugs, s->pharmacy, s->pharmacy_name, codes[i], dd->name, dd->spec, dd->form,
                dd->unit, dd->maker, gtin, prefixes[i], split ? small : dd->unit, pf, open, pur,
                sold, setl, book, price, cap, NULL);
        s->drugs++;
        if (i == 0) {
            snprintf(s->drug_code, sizeof(s->drug_code), "%s", codes[i]);
            snprintf(s->gtin, sizeof(s->gtin), "%s", gtin);
        }
    }
}

static void gen_suspicions(struct gen *g, const struct ip_row *rows, int nrows)
{
    static const struct {
        const char *code, *name, *item_code, *item, *desc;
        double price;
    } rules[] = {
        {"GZ-ZY-001", "住院期间未在院(挂床)", "310100001000000", "床位费",
         "夜间多次核查未见患者在床，无请假记录", 45.0},
        {"GZ-SF-003", "重复收费", "330100005000000", "静脉输液",
         "同一日内静脉输液收费次数超过医嘱次数", 12.0},
        {"GZ-SF-007", "超标准收费", "250101015000000", "血细胞分析",
         "收费单价高于本地医疗服务价格标准", 28.0},
        {"GZ-ZY-004", "分解住院", "310100001000000", "床位费", "出院后3日内以相同诊断再次入院",
         45.0},
        {"GZ-YP-011", "超量开药", "XC10AAA050A001010100868", "阿托伐他汀钙片",
         "单次处方用量超过30日", 41.2},
        {"GZ-XB-002", "限性别项目", "311201001000000", "妇科检查", "男性患者结算妇科检查项目",
         20.0},
    };
    char id[16], qty[16], price[16], amount[16], samt[16], day[11], setl[32];

    csv_row(&g->susp, "susp_id", "rule_code", "rule_name", "site_code", "site_name", "setl_id",
            "admission_no", "name", "id_number", "item_code", "item_name", "qty", "unit_price",
            "amount", "susp_amount", "settled_on", "description", NULL);
    for (int i = 0; i < 30; i++) {
        int k = rng_range(&g->r, 0, N(rules) - 1);
        const struct ip_row *ir = &rows[rng_range(&g->r, 0, nrows - 1)];
        int q = rng_range(&g->r, 1, 12);
        double amt = rules[k].price * q;

        snprintf(id, sizeof(id), "YD%04d%04d", g->y, i + 1);
        snprintf(qty, sizeof(qty), "%d", q);
        money(price, sizeof(price), rules[k].price);
        money(amount, sizeof(amount), amt);
        money(samt, sizeof(samt), amt * rng_range(&g->r, 30, 100) / 100.0);
        day_offset(g, -rng_range(&g->r, 1, 90), day);
        snprintf(setl, sizeof(setl), "ZYJS%s%05d", g->ymd, rng_range(&g->r, 1, 99999));
        csv_row(&g->susp, id, rules[k].code, rules[k].name, g->sum->hospital, g->sum->hospital_name,
                setl, ir->adm, ir->p.name, ir->p.id, rules[k].item_code, rules[k].item, qty, price,
                amount, samt, day, rules[k].desc, NULL);
        g->sum->suspicions++;
    }
}

static void pick_samples(struct gen *g, const struct ip_row *rows, int nrows)
{
    struct demo_summary *s = g->sum;
    int a = -1, b = -1;

    /* two W01 patients on plain beds; the first is the one to scan */
    for (int i = 0; i < nrows && b < 0; i++) {
        if (strcmp(rows[i].ward_code, "W01") || strchr(rows[i].bed, '+') || i == 1)
            continue;
        if (a < 0)
            a = i;
        else if (strcmp(rows[i].bed, rows[a].bed))
            b = i;
    }
    if (a < 0 || b < 0)
        return;
    snprintf(s->bed_label, sizeof(s->bed_label), "W01-%s", rows[a].bed);
    snprintf(s->wristband, sizeof(s->wristband), "%s", rows[a].adm);
    snprintf(s->id_number, sizeof(s->id_number), "%s", rows[a].p.id);
    snprintf(s->patient_bed, sizeof(s->patient_bed), "W01:%s", rows[a].bed);
    snprintf(s->wrong_bed_id, sizeof(s->wrong_bed_id), "%s", rows[b].p.id);
    snprintf(s->wrong_bed, sizeof(s->wrong_bed), "W01:%s", rows[b].bed);
}

int demo_generate(const char *dir, uint64_t seed, int gbk, struct demo_summary *out,
                  struct fc_error *err)
{
    struct gen g;
    /* the mission's files, in the order they are written */
    const struct {
        const char *name;
        struct buf *text;
    } files[] = {{"sites.csv", &g.sites},     {"wards.csv", &g.wards},
                 {"inpatients.csv", &g.inp},  {"leaves.csv", &g.leaves},
                 {"drugs.csv", &g.drugs},     {"settlements.csv", &g.setl},
                 {"suspicions.csv", &g.susp}, {"scan_patterns.csv", &g.pat}};
    const size_t nfiles = sizeof(files) / sizeof(files[0]);
    struct demo_summary local;
    struct ip_row *rows = NULL;
    struct buf mj = BUF_INIT;
    int nrows = 0, rc;
    time_t now = (time_t)(clock_now_ms() / 1000);
    struct tm tm;

    memset(&g, 0, sizeof(g));
    memset(&local, 0, sizeof(local));
    g.sum = out ? out : &local;
    memset(g.sum, 0, sizeof(*g.sum));
    g.r.s = seed;
    localtime_r(&now, &tm);
    g.y = tm.tm_year + 1900;
    g.m = tm.tm_mon + 1;
    g.d = tm.tm_mday;
    snprintf(g.day, sizeof(g.day), "%04d-%02d-%02d", g.y, g.m, g.d);
    snprintf(g.ymd, sizeof(g.ymd), "%04d%02d%02d", g.y % 10000, g.m % 100, g.d % 100);
    for (size_t i = 0; i < nfiles; i++)
        buf_init(files[i].text);

    snprintf(g.sum->mission_id, sizeof(g.sum->mission_id), "demo-%llu", (unsigned long long)seed);
    g.sum->version = (int64_t)g.y * 10000 + g.m * 100 + g.d;
    gen_hospitals(&g, &rows, &nrows);
    gen_leaves(&g, rows, nrows);
    gen_pharmacy(&g);
    gen_suspicions(&g, rows, nrows);
    pick_samples(&g, rows, nrows);
    /* the main hospital's wristbands carry a vendor payload */
    csv_row(&g.pat, "site_code", "kind", "regex", "fields", NULL);
    csv_row(&g.pat, g.sum->hospital, "wristband", "^WB\\|([A-Z0-9]+)\\|[0-9]+\\|[MF]$",
            "admission_no", NULL);
    for (int i = 0; i < nrows; i++) {
        if (!strcmp(rows[i].adm, g.sum->wristband)) {
            snprintf(g.sum->wristband, sizeof(g.sum->wristband), "WB|%s|%d|%c", rows[i].adm,
                     rows[i].p.age, rows[i].p.sex);
            break;
        }
    }
    {
        char until[11];
        day_offset(&g, 30, until);
        buf_addf(&mj,
                 "{\n  \"mission_id\": \"%s\",\n  \"version\": %lld,\n  \"kind\": \"mixed\",\n"
                 "  \"title\": \"演示任务：%s夜查、药店进销存核查与飞行检查\",\n"
                 "  \"issued_at\": \"%sT08:00:00+08:00\",\n"
                 "  \"expires_at\": \"%sT23:59:59+08:00\",\n  \"demo_seed\": %llu\n}\n",
                 g.sum->mission_id, (long long)g.sum->version, g.sum->hospital_name, g.day, until,
                 (unsigned long long)seed);
    }
    rc = fs_mkdir_p(dir, 0700, err);
    if (!rc)
        rc = write_out(dir, "mission.json", &mj, 0, err);
    for (size_t i = 0; !rc && i < nfiles; i++)
        rc = write_out(dir, files[i].name, files[i].text, gbk, err);
    free(rows);
    buf_release(&mj);
    for (size_t i = 0; i < nfiles; i++)
        buf_release(files[i].text);
    return rc;
}
