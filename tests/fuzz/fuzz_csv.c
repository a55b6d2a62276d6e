/* libFuzzer target for the CSV reader: any bytes through csv_reader_open_mem
 * and csv_next to the end, with small limits so the limit paths are reached,
 * checking the invariants every caller relies on; and the same bytes as a
 * file (an anonymous one), the path that re-reads a UTF-8 file's GBK lines
 * one by one and converts UTF-16. */
#include "core/mission/csv.h"

#include "core/base/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(int cond)
{
    if (!cond)
        abort();
}

/* data as a file: path gets its name, or "" when there is no room for it */
static void fuzz_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
    static int fd = -1;
    size_t off = 0;

    if (fd < 0)
        fd = memfd_create("fuzz-csv", MFD_CLOEXEC);
    fuzz_check(fd >= 0 && ftruncate(fd, 0) == 0);
    while (off < size) {
        ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
        fuzz_check(w > 0);
        off += (size_t)w;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
}

static void fuzz_run(const uint8_t *data, size_t size, const struct csv_limits *lim, int as_file)
{
    struct csv_reader *r = NULL;
    struct csv_record rec;
    struct fc_error err;
    uint64_t prev_end = 0;
    char path[64];
    int rc;

    if (as_file) {
        fuzz_file(data, size, path, sizeof(path));
        rc = csv_reader_open(&r, path, lim, &err);
    } else {
        rc = csv_reader_open_mem(&r, "fuzz.csv", data, size, lim, &err);
    }
    if (rc < 0) {
        fuzz_check(err.code == FC_EENCODING && r == NULL && err.msg[0]);
        return;
    }
    while ((rc = csv_next(r, &rec, &err)) == 1) {
        size_t total = 0;

        fuzz_check(rec.line > prev_end && rec.end_line >= rec.line);
        prev_end = rec.end_line;
        fuzz_check(rec.nfields >= 1 || rec.error);
        if (lim)
            fuzz_check(rec.nfields <= lim->max_fields);
        for (size_t i = 0; i < rec.nfields; i++) {
            fuzz_check(strlen(rec.fields[i]) == rec.lens[i]);
            /* UTF-8 whatever the input encoding, even when cut short */
            fuzz_check(utf8_is_valid(rec.fields[i], rec.lens[i], NULL));
            if (lim)
                fuzz_check(rec.lens[i] <= lim->max_field);
            total += rec.lens[i];
        }
        if (lim)
            fuzz_check(total <= lim->max_record);
    }
    fuzz_check(rc == 0 || err.code == rc);
    fuzz_check(csv_next(r, &rec, NULL) == rc);
    csv_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_limits small = {.max_record = 64, .max_field = 16, .max_fields = 5};

    fuzz_run(data, size, NULL, 0);
    fuzz_run(data, size, &small, 0);
    fuzz_run(data, size, NULL, 1);
    fuzz_run(data, size, &small, 1);
    return 0;
}
