/* The flight inspection's catalogue (DESIGN §5, "Flight"): the states of a
 * suspicion line and the recorded finding. The violation categories a
 * finding names are the taxonomy's (core/flight/taxonomy.h); what a finding
 * means for the record is one row here. */
#include "core/flight/workflow.h"

#define ST VERDICT_STATE
#define F VERDICT_FINDING

const struct verdict flight_catalogue[] = {
    {"CONFIRMED", ST, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("confirmed"), "属实",
     FC_N_("the suspicion is confirmed, with its irregular amount and fund loss"),
     "疑点属实，含违规费用和基金损失", NULL, NULL},
    {"PARTIAL", ST, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("partly confirmed"), "部分属实",
     FC_N_("part of the suspicion is confirmed, with the confirmed amount"),
     "疑点部分属实，含确认的金额", NULL, NULL},
    {"REFUTED", ST, VERDICT_OK, VERDICT_SEV_OK, FC_N_("refuted"), "不属实",
     FC_N_("the suspicion was checked and does not hold"), "经核查疑点不成立", NULL, NULL},
    {"PENDING", ST, VERDICT_COVERAGE, VERDICT_SEV_NONE, FC_N_("not yet checked"), "待查",
     FC_N_("no verdict on this line yet"), "此疑点尚未核查", NULL, NULL},
    {"FINDING", F, VERDICT_ANOMALY, VERDICT_SEV_ANOMALY, FC_N_("finding"), "检查发现",
     FC_N_("a violation recorded against the taxonomy"), "按违规分类记录的问题", NULL, NULL},
    {NULL, 0, VERDICT_OK, VERDICT_SEV_NONE, NULL, NULL, NULL, NULL, NULL, NULL},
};
