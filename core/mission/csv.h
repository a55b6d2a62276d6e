/* Streaming CSV reader for mission folders (DESIGN §4): RFC 4180 with the
 * leniency Excel exports need (CRLF, LF or lone CR line ends, quoted fields
 * with "" escapes and embedded newlines, a byte order mark, comma or tab as
 * the separator, decided by the first line), input in UTF-8, GB18030/GBK/
 * CP936 or UTF-16 with a BOM converted to UTF-8, bounded memory whatever the
 * file size. A UTF-8 file with some lines in GBK is read line by line: those
 * lines are re-read as GB18030 (the record carries a note), a line in neither
 * encoding is a malformed record naming its line; never the whole file
 * decoded as GB18030.
 *
 * Call order: csv_reader_open or csv_reader_open_mem, then csv_next until it
 * returns 0 (end) or < 0 (fatal), then csv_reader_free. A record that breaks
 * a rule or a limit comes back with rec->error set and reading can go on, so
 * a loader can report every bad row with its line number. */
#ifndef FC_CORE_CSV_H
#define FC_CORE_CSV_H

#include "core/base/error.h"
#include "core/store/hash.h"

#include <stddef.h>
#include <stdint.h>

struct csv_limits {
    size_t max_record; /* bytes of one record incl. embedded newlines, default 1 MiB */
    size_t max_field;  /* bytes of one field, default 64 KiB */
    size_t max_fields; /* fields per record, default 256 */
};

#define CSV_DEFAULT_MAX_RECORD ((size_t)1 << 20)
#define CSV_DEFAULT_MAX_FIELD ((size_t)64 << 10)
#define CSV_DEFAULT_MAX_FIELDS ((size_t)256)

/* Fills lim with the defaults above. */
void csv_limits_default(struct csv_limits *lim);

struct csv_reader; /* opaque */

/* Opens path and detects its encoding by validating the whole file once
 * (UTF-8 with or without BOM, else GB18030, which covers GBK and GB2312), then
 * rewinds to stream records converted to UTF-8. A file valid in neither fails
 * with FC_EENCODING: "'path': not UTF-8 or GB18030 at byte N" (N counts from
 * 0, and is where the likelier of the two encodings broke). An empty file is
 * fine (0 records). lim NULL means the defaults; a zero member means its
 * default. On success *out is a new reader (csv_reader_free); on failure *out
 * is NULL and err says why (FC_EIO with errno for I/O). path must be a
 * regular file, since it is read twice (a pipe fails with "cannot rewind"). */
int csv_reader_open(struct csv_reader **out, const char *path, const struct csv_limits *lim,
                    struct fc_error *err);

/* Same as csv_reader_open, and writes into digest the SHA-256 of the file's
 * bytes as the encoding pass read them, so a caller that records what it
 * loaded need not read the file again. The records that follow are those
 * bytes: a file that changes after the open fails csv_next with "changed
 * while being read". digest is untouched when the open fails. */
int csv_reader_open_digest(struct csv_reader **out, const char *path, const struct csv_limits *lim,
                           unsigned char digest[HASH_LEN], struct fc_error *err);

/* Same over data[0..len), which is BORROWED: it must stay unchanged until
 * csv_reader_free (no copy, so large buffers cost no extra memory). name is
 * copied and used in messages. */
/* Reads records from fd, a pipe carrying UTF-8 CSV that this program writes
 * as it goes (a workbook's sheet converted on another thread): no encoding
 * pass, no size, no rewind. The reader owns fd and closes it when freed,
 * which tells a writer still writing that nobody reads any more (EPIPE).
 * Always 0. */
int csv_reader_open_stream(struct csv_reader **out, int fd, const char *name,
                           const struct csv_limits *lim);

int csv_reader_open_mem(struct csv_reader **out, const char *name, const void *data, size_t len,
                        const struct csv_limits *lim, struct fc_error *err);

/* "UTF-8", "UTF-8 (BOM)" or "GB18030" (static strings). */
const char *csv_reader_encoding(const struct csv_reader *r);

/* The name given at open (the path for csv_reader_open). */
const char *csv_reader_name(const struct csv_reader *r);

struct csv_record {
    size_t nfields;
    char **fields;     /* UTF-8, NUL-terminated, owned by the reader, valid until next call */
    size_t *lens;      /* byte length of each field */
    uint64_t line;     /* physical line number (1-based) where the record starts */
    uint64_t end_line; /* line where it ends (embedded newlines) */
    /* non-NULL: this record is malformed (field too long, too many fields,
     * record too long, NUL byte, quote inside an unquoted field, text after a
     * closing quote); reason text, owned by the reader, valid until the next
     * call. Reading may continue. The fields of such a record are what was
     * kept before the problem (possibly truncated or cut short) and are meant
     * for diagnostics only. */
    const char *error;
    const char *error_local; /* the same reason in the user's language (fc_tr) */
    /* non-NULL: the record is fine but worth a warning (a line of a UTF-8
     * file that was GB18030 and was re-read as such); English and local. */
    const char *note;
    const char *note_local;
};

/* Reads the next record into rec. Returns 1 for a record (check rec->error),
 * 0 at the end of the input, < 0 on a fatal error with err set: FC_EIO (read
 * failed, or the file changed since it was opened), FC_EINPUT (a quoted field
 * still open at the end of the input; the message gives the line where it
 * started), FC_EENCODING (an invalid sequence met during conversion, with its
 * byte offset). After a fatal error or the end, further calls return the same
 * result again. Completely blank lines are skipped (their line numbers still
 * count) and a final line end does not make an empty record. */
int csv_next(struct csv_reader *r, struct csv_record *rec, struct fc_error *err);

/* Raw input bytes consumed so far (progress reporting). */
uint64_t csv_reader_offset(const struct csv_reader *r);

/* Closes the file and frees everything; NULL ok. */
void csv_reader_free(struct csv_reader *r);

/* The writer's side, for files this reader reads back (team packs' cut
 * mission files): appends the len bytes of field f to b as RFC 4180 CSV,
 * quoted when it holds a separator (comma or tab), a quote or a line end,
 * or begins or ends with a space (which an unquoted field would lose). */
struct buf;
void csv_put_field(struct buf *b, const char *f, size_t len);

#endif
