/* GS1 element strings (the payload of a GS1 DataMatrix, GS1-128 or GS1 QR on
 * a drug box): AI (01) GTIN-14, (17) expiry, (10) lot, (21) serial, with the
 * other common AIs skipped over so that real codes parse. Part of the ident
 * module (identifiers), kept in its own file because it is a parser of hostile
 * input with its own fuzz target. */
#ifndef FC_CORE_GS1_H
#define FC_CORE_GS1_H

#include <stddef.h>

/* Longest input accepted, in bytes; longer input is rejected unread. */
#define IDENT_GS1_MAX_INPUT 512
/* Room for the normalised parenthesised text of an accepted input. */
#define IDENT_GS1_TEXT_MAX (2 * IDENT_GS1_MAX_INPUT)

struct ident_gs1 {
    char gtin[15];   /* (01) GTIN-14, check digit verified; "" if absent */
    char expiry[7];  /* (17) YYMMDD as encoded; "" if absent */
    int exp_year;    /* 2000 + YY (drug expiry dates lie in this century) */
    int exp_month;   /* 1..12 */
    int exp_day;     /* 1..31; an encoded day 00 means the last day of the month */
    char lot[21];    /* (10), up to 20 characters; "" if absent */
    char serial[21]; /* (21), up to 20 characters; "" if absent */
    int n_elements;  /* element strings parsed, including skipped AIs */
    /* Every element as "(AI)data" in input order: one canonical text however
     * the code was scanned (FNC1/GS, parentheses, AIM prefix). */
    char text[IDENT_GS1_TEXT_MAX + 1];
};

/* Parses a GS1 element string of len bytes (need not be NUL-terminated; may
 * contain any bytes). Accepted forms, after an optional AIM symbology
 * identifier of a GS1 symbology (]d2 DataMatrix, ]C1 GS1-128, ]Q3 QR, ]e0
 * DataBar, ]J1 DotCode) and an optional leading GS (0x1D, FNC1 in first
 * position): the raw form with GS separating variable-length fields, or the
 * human-readable form "(01)...(17)...(10)...". Fixed-length data must be
 * complete, variable-length data at most its maximum (20 for lot and serial),
 * numeric AIs digits only, other data from GS1's printable set; GTIN (01),
 * (02) and SSCC (00) check digits and the (17) date are verified; an AI
 * appearing twice is rejected.
 * Returns 0 with *out filled, or FC_EINPUT with a short static English reason
 * in *why (why may be NULL); *out is then zeroed. raw may be NULL only if len is 0. */
int ident_gs1_parse(const char *raw, size_t len, struct ident_gs1 *out, const char **why);

/* 1 if s (len bytes) starts with an AIM symbology identifier of a GS1 symbology. */
int ident_gs1_has_aim(const char *s, size_t len);

/* The GS1 mod-10 check digit ('0'..'9') for the n digits in body (weights 3,1
 * starting from the rightmost body digit), or 0 if body holds a non-digit. */
char ident_gs1_check_digit(const char *body, size_t n);

#endif
