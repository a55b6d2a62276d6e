/* libFuzzer target for the Excel workbook reader: any bytes as an .xlsx
 * through libzip and expat to CSV, with small caps so the cap paths are
 * reached. The output goes to an anonymous file whose size must stay within
 * the output cap; a failure must say why; the row map stays ordered. */
#include "core/mission/xlsx.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    struct xlsx_limits lim;
    struct xlsx_rowmap rows = {0};
    struct fc_error err;
    struct stat st;
    int rc;

    if (fd < 0)
        fd = memfd_create("fuzz-xlsx", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
        abort();
    xlsx_limits_default(&lim);
    lim.max_part = 1 << 20;
    lim.max_rows = 1000;
    lim.max_cols = 64;
    lim.max_strings = 1000;
    lim.max_string_len = 1024;
    lim.max_strings_bytes = 64 << 10;
    lim.max_row_bytes = 16 << 10;
    lim.max_output = 256 << 10;
    rc = xlsx_to_csv_mem(data, size, fd, &lim, &rows, &err);
    if (rc && (rc != FC_EINPUT && rc != FC_EIO))
        abort();
    if (rc && !err.msg[0])
        abort();
    /* the output cap holds, whatever the cells repeat */
    if (fstat(fd, &st) < 0 || (uint64_t)st.st_size > lim.max_output)
        abort();
    /* the row map only ever moves lines ahead of rows, never back */
    for (size_t i = 0; i < rows.n; i++)
        if ((i && (rows.from[i] <= rows.from[i - 1] || rows.shift[i] <= rows.shift[i - 1])) ||
            rows.shift[i] >= rows.from[i] ||
            xlsx_rowmap_row(&rows, rows.from[i]) != rows.from[i] - rows.shift[i])
            abort();
    xlsx_rowmap_release(&rows);
    return 0;
}
