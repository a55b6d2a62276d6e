/* Functions the flight workflow's files share among themselves (registry
 * entry, reports); nothing outside core/flight/ includes this. */
#ifndef FC_CORE_FLIGHT_INTERNAL_H
#define FC_CORE_FLIGHT_INTERNAL_H

struct report_ctx;
struct flight_line;
struct sqlite3_stmt;

/* The columns of a suspicion line and where they come from (?1 the visit):
 * what flight_line_read reads. */
#define FLIGHT_LINE_COLS                                                                     \
    "s.susp_id, s.rule_code, s.rule_name, s.setl_id, s.admission_no, s.name, s.id_number,"   \
    " s.item_code, s.item_name, s.settled_on, s.description, s.qty, s.unit_price, s.amount," \
    " s.susp_amount, st.state, st.irregular_fen, st.fund_loss_fen, st.note, st.over_reason," \
    " st.response, st.inspector, st.verified_at"
#define FLIGHT_LINE_FROM                                 \
    " FROM ref.suspicion s LEFT JOIN suspicion_state st" \
    " ON st.visit = ?1 AND st.susp_id = s.susp_id"

/* A row of FLIGHT_LINE_COLS as a line; its strings live as long as the row. */
void flight_line_read(struct sqlite3_stmt *st, struct flight_line *l);

/* Printable pages (core/flight/report_html.c): the report, and the findings
 * and totals of the site record. */
int flight_report_html(struct report_ctx *c);
int flight_site_record_html(struct report_ctx *c);

#endif
