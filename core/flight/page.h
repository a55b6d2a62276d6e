/* Paged reading of a flight visit's suspicion lines for screens that show a
 * window of a list that may hold 100,000 lines: keyset pages ordered by
 * susp_id, counts and positions under a filter, and the distinct rule codes
 * and inspectors to filter by. The visit is resolved and its reference data
 * attached once, at open; the site's line ids and rule codes are indexed in
 * memory on first use, so a keystroke costs a binary search and at most one
 * small indexed query. */
#ifndef FC_CORE_FLIGHT_PAGE_H
#define FC_CORE_FLIGHT_PAGE_H

#include "core/base/error.h"
#include "core/flight/flight.h"

#include <stddef.h>

struct store;
struct flight_pager;

/* Where a page starts relative to its key. */
enum flight_seek {
    FLIGHT_SEEK_FROM = 0,  /* susp_id >= key, ascending (key NULL: from the first line) */
    FLIGHT_SEEK_AFTER = 1, /* susp_id > key, ascending (key NULL: from the first line) */
    FLIGHT_SEEK_BEFORE = 2 /* susp_id < key, DESCENDING (key NULL: from the last line) */
};

/* Opens a pager on the flight visit visit_id (an id or prefix visit_resolve
 * accepts): checks its kind (FC_ESTATE otherwise) and attaches its reference
 * data. The store is borrowed and must outlive the pager. *out is NULL on
 * failure. Other engine calls on the same visit may run in between (they
 * attach the same reference data again). */
int flight_pager_open(struct store *s, const char *visit_id, struct flight_pager **out,
                      struct fc_error *err);
/* NULL allowed. */
void flight_pager_free(struct flight_pager *p);

/* The full visit id and the site code of the pager's visit. */
const char *flight_pager_visit(const struct flight_pager *p);
const char *flight_pager_site(const struct flight_pager *p);

/* Lines of the site matching filter (may be NULL; as for flight_susp_foreach)
 * into *n. FC_EUSAGE for an unknown state name. The first call (or the first
 * position or rule list) reads the site's lines once into the pager. */
int flight_pager_count(struct flight_pager *p, const struct flight_filter *filter, long *n,
                       struct fc_error *err);

/* Calls cb for up to limit lines matching filter from key in the direction of
 * seek. cb returns 0 to continue; non-zero stops and is returned. Pointers in
 * the line are valid only during the call. */
int flight_pager_page(struct flight_pager *p, const struct flight_filter *filter, const char *key,
                      enum flight_seek seek, size_t limit,
                      int (*cb)(const struct flight_line *l, void *ctx), void *ctx,
                      struct fc_error *err);

/* The number of lines matching filter whose susp_id sorts before susp_id:
 * the 0-based position the line has (or would have) in the filtered list. */
int flight_pager_position(struct flight_pager *p, const struct flight_filter *filter,
                          const char *susp_id, long *pos, struct fc_error *err);

/* Finds the line whose susp_id or settlement id (setl_id) equals code at the
 * site and copies its susp_id into out (cap bytes). FC_ENOTFOUND otherwise. */
int flight_pager_lookup(struct flight_pager *p, const char *code, char *out, size_t cap,
                        struct fc_error *err);

/* Calls cb with each distinct value of the site's lines, sorted: what "rule"
 * gives rule codes, "inspector" the inspectors lines are assigned to in the
 * visit. cb returns 0 to continue. FC_EUSAGE for another what. */
int flight_pager_distinct(struct flight_pager *p, const char *what,
                          int (*cb)(const char *value, void *ctx), void *ctx, struct fc_error *err);

#endif
