/* The suspicion worksheet's list model, curses-free: a total count and a
 * small cached slice of the filtered list around what is on screen, filled
 * through the flight model's keyset page callback. Moving the selection
 * costs nothing while the rows to show are cached and one page query when
 * they are not, however long the list; a filter change costs one count and
 * one page. Unit-tested with a fake model (tests/unit/ui/test_susp_window.c)
 * and timed by tests/bench/bench_flight_nav.c. */
#ifndef FC_UI_SUSP_WINDOW_H
#define FC_UI_SUSP_WINDOW_H

#include "ui/ui.h"

#include <stddef.h>

struct susp_window {
    const struct ui_flight_model *m; /* borrowed */
    char visit[64];
    struct ui_flight_query q;
    struct ui_susp_row *rows; /* the cached slice: list positions off .. off+n-1 */
    size_t n, cap;
    long off;
    long total;            /* lines matching q */
    long sel;              /* selected position, -1 when the list is empty */
    long top;              /* first position on screen */
    long page;             /* rows on screen (at least 1) */
    unsigned long queries; /* model calls so far (tests and benchmarks) */
};

/* Initialises w on visit_id's lines through m (borrowed; count and page
 * required); nothing is read until susp_window_reset. page rows on screen. */
void susp_window_init(struct susp_window *w, const struct ui_flight_model *m, const char *visit_id,
                      long page);
void susp_window_release(struct susp_window *w);

/* Applies query q (copied; NULL: no filter): counts, then shows the first
 * page with the first line selected. */
int susp_window_reset(struct susp_window *w, const struct ui_flight_query *q, struct fc_error *err);

/* Rows on screen from now on (a resize); keeps the selection in view. */
int susp_window_set_page(struct susp_window *w, long page, struct fc_error *err);

/* Moves the selection by delta lines (clamped to the list), scrolling the
 * least needed to keep it on screen. */
int susp_window_move(struct susp_window *w, long delta, struct fc_error *err);
/* Moves a screenful down (dir > 0) or up, the selection keeping its row. */
int susp_window_page_step(struct susp_window *w, int dir, struct fc_error *err);
/* First or last line (end set). */
int susp_window_edge(struct susp_window *w, int end, struct fc_error *err);

/* Selects the line susp_id under the current query. FC_ENOTFOUND (the
 * selection unchanged) when the query does not show that line. */
int susp_window_jump(struct susp_window *w, const char *susp_id, struct fc_error *err);

/* Re-reads after a change to the data (a verdict): recounts and reloads the
 * rows on screen, keeping the selection on the same line when it is still
 * listed, else on the same position. */
int susp_window_refresh(struct susp_window *w, struct fc_error *err);

/* The row at list position pos when it is cached (always so for the
 * positions on screen after a successful call), else NULL. */
const struct ui_susp_row *susp_window_row(const struct susp_window *w, long pos);
/* The selected row, or NULL for an empty list. */
const struct ui_susp_row *susp_window_selected(const struct susp_window *w);

#endif
