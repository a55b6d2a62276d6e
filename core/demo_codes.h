/* Codes worth trying on the demo mission (first contact with fieldcheck):
 * read back from the loaded demo mission rather than remembered from the
 * `fieldcheck demo` run that made it, so the TUI can show them on its home
 * screen and print them as a sheet of barcodes a real scanner can read:
 * a bed label, that patient's wristband and ID card, the ID of a patient
 * listed for another bed, the command words of the laminated card, a box
 * insurance already settled and a GTIN. Only a demo mission (id "demo-N")
 * is read: a real roster's codes are personal data and never shown so. */
#ifndef FC_CORE_DEMO_CODES_H
#define FC_CORE_DEMO_CODES_H

#include "core/base/buf.h"
#include "core/base/error.h"

struct store;

/* Calls cb for every code to try, in the order an inspector would try them,
 * with what it is in English and Chinese. Attaches the demo mission as
 * "ref". No call (and FC_OK) when no demo mission is loaded. cb returns
 * non-zero to stop (returned). */
int demo_try_codes(struct store *s,
                   int (*cb)(const char *what_en, const char *what_zh, const char *code, void *ctx),
                   void *ctx, struct fc_error *err);

/* Appends a printable HTML page of those codes, each as Code 128 and as a
 * QR code with its text and what it is (zh: Chinese captions). FC_ENOTFOUND
 * when no demo mission is loaded. */
int demo_codes_sheet(struct store *s, int zh, struct buf *out, struct fc_error *err);

#endif
