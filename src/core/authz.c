#include "yinhui/actor.h"

#include <stdio.h>
#include <string.h>

const char *const yh_role_names[] = { "admin", "caseworker", "clerk", "approver", "auditor", NULL };

#define R(x) (1u << (x))
#define ALL (R(YH_ROLE_ADMIN) | R(YH_ROLE_CASEWORKER) | R(YH_ROLE_CLERK) | R(YH_ROLE_APPROVER) | R(YH_ROLE_AUDITOR))

/*
 * The one permission table. Auditors read everything and write nothing;
 * approvers approve what clerks prepare (maker != checker is enforced per
 * record as well, in the database).
 */
static const struct {
	yh_perm perm;
	const char *name;
	unsigned roles;
} perms[YH_P_COUNT] = {
	{ YH_P_ROSTER_READ, "roster.read", ALL },
	{ YH_P_ROSTER_WRITE, "roster.write", R(YH_ROLE_ADMIN) | R(YH_ROLE_CASEWORKER) | R(YH_ROLE_CLERK) },
	{ YH_P_IDNO_READ, "idno.read", R(YH_ROLE_ADMIN) | R(YH_ROLE_CLERK) | R(YH_ROLE_APPROVER) | R(YH_ROLE_AUDITOR) },
	{ YH_P_STAFF_MANAGE, "staff.manage", R(YH_ROLE_ADMIN) },
	{ YH_P_UNIT_MANAGE, "unit.manage", R(YH_ROLE_ADMIN) },
	{ YH_P_CASE_READ, "case.read", ALL },
	{ YH_P_CASE_WRITE, "case.write", R(YH_ROLE_ADMIN) | R(YH_ROLE_CASEWORKER) },
	{ YH_P_PAY_READ, "pay.read", R(YH_ROLE_ADMIN) | R(YH_ROLE_CLERK) | R(YH_ROLE_APPROVER) | R(YH_ROLE_AUDITOR) },
	{ YH_P_PAY_WRITE, "pay.write", R(YH_ROLE_ADMIN) | R(YH_ROLE_CLERK) },
	{ YH_P_PAY_APPROVE, "pay.approve", R(YH_ROLE_APPROVER) },
	{ YH_P_EVAL_READ, "evaluation.read", ALL },
	{ YH_P_EVAL_WRITE, "evaluation.write", R(YH_ROLE_ADMIN) | R(YH_ROLE_CLERK) | R(YH_ROLE_APPROVER) },
	{ YH_P_EVAL_FINALISE, "evaluation.finalise", R(YH_ROLE_ADMIN) | R(YH_ROLE_APPROVER) },
	{ YH_P_AUDIT_READ, "audit.read", R(YH_ROLE_ADMIN) | R(YH_ROLE_AUDITOR) },
	{ YH_P_SETTINGS_MANAGE, "settings.manage", R(YH_ROLE_ADMIN) },
};

const char *yh_role_name(yh_role r)
{
	if (r < YH_ROLE_ADMIN || r > YH_ROLE_AUDITOR)
		return "none";
	return yh_role_names[r - 1];
}

yh_role yh_role_parse(const char *s)
{
	for (int i = 0; s && yh_role_names[i]; i++)
		if (strcmp(s, yh_role_names[i]) == 0)
			return (yh_role)(i + 1);
	return YH_ROLE_NONE;
}

int yh_authz_has(const yh_actor *a, yh_perm p)
{
	if (a == NULL || p < 0 || p >= YH_P_COUNT)
		return 0;
	return (perms[p].roles & R(a->role)) != 0;
}

int yh_authz(const yh_actor *a, yh_perm p, yh_err *err)
{
	if (yh_authz_has(a, p))
		return 0;
	return yh_err_set(err, YH_EFORBIDDEN, NULL, "role %s may not %s",
		a ? yh_role_name(a->role) : "none", p >= 0 && p < YH_P_COUNT ? perms[p].name : "do this");
}

const char *yh_actor_scope(const yh_actor *a, char buf[24])
{
	if (a->role == YH_ROLE_ADMIN || a->role == YH_ROLE_AUDITOR)
		return NULL;
	snprintf(buf, 24, "%lld", (long long)a->unit_id);
	return buf;
}
