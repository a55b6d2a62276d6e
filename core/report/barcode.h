/* Code 128 barcodes (ISO/IEC 15417) for printed sheets a USB scanner can
 * read: bed labels, wristbands, ID numbers, traceability codes and the
 * command words of the laminated card. Code set C (two digits a symbol) for
 * an even run of digits, code set B otherwise; the modulo-103 check symbol;
 * rendered as an inline SVG of bars. */
#ifndef FC_CORE_REPORT_BARCODE_H
#define FC_CORE_REPORT_BARCODE_H

#include "core/base/buf.h"
#include "core/base/error.h"

/* The modules of text as '1' (bar) and '0' (space) characters appended to
 * bits: start, data, check and stop symbols, without quiet zones. FC_EINPUT
 * for an empty text or a character outside printable ASCII. */
int barcode128_modules(const char *text, struct buf *bits, struct fc_error *err);

/* The module pattern of Code 128 symbol value (0..106), 11 characters of
 * '1'/'0' (13 for the stop symbol 106); NULL out of range. For tests. */
const char *barcode128_pattern(int value);

/* Appends an inline <svg> (class "barcode") of bits, module_px wide per
 * module and height_px high, with ten modules of quiet zone each side. */
void barcode_svg(const char *bits, int module_px, int height_px, struct buf *out);

#endif
