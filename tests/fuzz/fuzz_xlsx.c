/* libFuzzer target for the Excel workbook reader: any bytes as an .xlsx
 * through libzip and expat to CSV, with small caps so the cap paths are
 * reached. The output goes to an anonymous file whose size must stay within
 * what the caps allow; a failure must say why. */
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
    rc = xlsx_to_csv_mem(data, size, fd, &lim, &err);
    if (rc && (rc != FC_EINPUT && rc != FC_EIO))
        abort();
    if (rc && !err.msg[0])
        abort();
    /* each cell is at most a string (doubled quotes) plus its quotes and comma */
    if (fstat(fd, &st) < 0 ||
        (uint64_t)st.st_size > lim.max_rows * (lim.max_cols * (2 * lim.max_string_len + 40) + 1))
        abort();
    return 0;
}
