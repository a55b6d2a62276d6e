/* Benchmark of the CSV reader: writes a synthetic inpatient roster (1M rows,
 * 12 columns, Chinese names and diagnoses, some quoted fields with commas) in
 * UTF-8 and a GB18030 copy made with iconv into a temporary directory, then
 * times opening (encoding detection) and reading both. Prints figures only.
 * Usage: bench_csv [rows] */
#include "core/mission/csv.h"
#include "bench.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static const char *const bench_names[] = {"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊",
                                          "赵敏", "黄丽", "周杰", "吴刚", "徐婷", "孙强"};
static const char *const bench_diag[] = {"2型糖尿病",
                                         "\"高血压,3级(极高危)\"",
                                         "社区获得性肺炎",
                                         "冠状动脉粥样硬化性心脏病",
                                         "\"腰椎间盘突出,伴神经根病\"",
                                         "慢性阻塞性肺疾病急性加重"};
static const char *const bench_wards[] = {"内科一病区", "外科二病区", "骨科", "呼吸内科", "康复科"};

static int bench_write(const char *utf8_path, const char *gb_path, long rows)
{
    FILE *fu = fopen(utf8_path, "wb"), *fg = fopen(gb_path, "wb");
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char line[1024], conv[2048];
    int rc = -1;

    if (!fu || !fg || cd == (iconv_t)-1)
        goto out;
    for (long i = -1; i < rows; i++) {
        int n;
        char *ip = line, *op = conv;
        size_t il, ol = sizeof(conv);

        if (i < 0)
            n = snprintf(line, sizeof(line),
                         "医疗机构编码,病区,床号,住院号,姓名,性别,身份证号,入院日期,诊断,"
                         "主治医生,险种,联系电话\r\n");
        else
            n = snprintf(line, sizeof(line),
                         "H%05ld,%s,%ld,ZY%010ld,%s,%s,1101011980%02ld%02ld%04ld,2024-%02ld-%02ld,"
                         "%s,%s,职工基本医疗保险,138%08ld\r\n",
                         i % 300, bench_wards[i % 5], i % 60 + 1, i, bench_names[i % 12],
                         i % 2 ? "男" : "女", i % 12 + 1, i % 28 + 1, i % 10000, i % 12 + 1,
                         i % 28 + 1, bench_diag[i % 6], bench_names[(i / 7) % 12], i % 100000000);
        fwrite(line, 1, (size_t)n, fu);
        il = (size_t)n;
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
            goto out;
        fwrite(conv, 1, sizeof(conv) - ol, fg);
    }
    rc = 0;
out:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (fu && fclose(fu) != 0)
        rc = -1;
    if (fg && fclose(fg) != 0)
        rc = -1;
    return rc;
}

static int bench_read(const char *label, const char *path)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;
    double t0, t1, t2;
    unsigned long long rows = 0, fields = 0, bad = 0;
    long size;
    FILE *f = fopen(path, "rb");
    int rc;

    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fclose(f);
    t0 = bench_now();
    if (csv_reader_open(&r, path, NULL, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    t1 = bench_now();
    while ((rc = csv_next(r, &rec, &err)) == 1) {
        rows++;
        fields += rec.nfields;
        bad += rec.error != NULL;
    }
    t2 = bench_now();
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.msg);
        csv_reader_free(r);
        return -1;
    }
    printf("%-8s %-12s %7.1f MB  %9llu rows  %2llu fields/row  %llu bad  detect %.3f s  "
           "parse %.3f s  total %.3f s  %.0f rows/s  %.0f MB/s\n",
           label, csv_reader_encoding(r), (double)size / 1e6, rows, rows ? fields / rows : 0, bad,
           t1 - t0, t2 - t1, t2 - t0, (double)rows / (t2 - t0), (double)size / 1e6 / (t2 - t0));
    csv_reader_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    long rows = argc > 1 ? atol(argv[1]) : 1000000;
    char dir[] = "/tmp/fc-bench-csv-XXXXXX";
    char utf8_path[64], gb_path[64];
    struct rusage ru;
    int rc = 1;

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(utf8_path, sizeof(utf8_path), "%s/inpatient-utf8.csv", dir);
    snprintf(gb_path, sizeof(gb_path), "%s/inpatient-gb.csv", dir);
    printf("generating %ld rows in %s\n", rows, dir);
    if (bench_write(utf8_path, gb_path, rows) < 0) {
        fprintf(stderr, "cannot write the benchmark files\n");
        goto out;
    }
    /* the first read warms the page cache for a fair comparison */
    if (bench_read("warm-up", utf8_path) < 0 || bench_read("utf-8", utf8_path) < 0 ||
        bench_read("gb18030", gb_path) < 0)
        goto out;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    rc = 0;
out:
    unlink(utf8_path);
    unlink(gb_path);
    rmdir(dir);
    return rc;
}
