/* Read-only views of a mission's reference roster for screens and reports:
 * the sites a mission lists and the wards of a site with their bed counts.
 * Queries run against the reference database ATTACHed as "ref"
 * (mission_attach); each is one indexed statement, so they stay fast with a
 * province-sized roster. */
#ifndef FC_CORE_ROSTER_H
#define FC_CORE_ROSTER_H

#include "core/base/error.h"

#include <stdint.h>

struct store;

/* One site of the attached mission. Strings are borrowed for the call. */
struct roster_site {
    const char *site_code, *site_name;
    const char *site_kind; /* "hospital" or "pharmacy" */
};

/* Calls cb for every site of the attached mission, by site_code. cb returns
 * non-zero to stop (that value is returned). FC_EDB when "ref" is missing. */
int roster_foreach_site(struct store *s, int (*cb)(const struct roster_site *site, void *ctx),
                        void *ctx, struct fc_error *err);

/* One ward of a site. Strings are borrowed for the call. */
struct roster_ward {
    const char *ward_code, *ward; /* ward is the name ("" when only the roster names it) */
    int64_t bed_count;            /* approved beds 1..bed_count (0 when unknown) */
    int64_t listed;               /* inpatients listed in the ward */
};

/* Calls cb for every ward of site_code, by ward_code: the wards of wards.csv
 * plus any ward the roster names that wards.csv lacks. cb returns non-zero to
 * stop (that value is returned). */
int roster_foreach_ward(struct store *s, const char *site_code,
                        int (*cb)(const struct roster_ward *w, void *ctx), void *ctx,
                        struct fc_error *err);

#endif
