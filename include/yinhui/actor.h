/*
 * actor.h - who is acting, and what they may do. One authorisation check
 * (yh_authz) for both front ends; unit scoping by the unit tree.
 */
#ifndef YH_ACTOR_H
#define YH_ACTOR_H

#include <stdint.h>

#include "yinhui/error.h"

typedef enum yh_role {
	YH_ROLE_NONE = 0,
	YH_ROLE_ADMIN,
	YH_ROLE_CASEWORKER,
	YH_ROLE_CLERK,
	YH_ROLE_APPROVER,
	YH_ROLE_AUDITOR
} yh_role;

typedef struct yh_actor {
	int64_t staff_id;
	char staff_uid[37];
	char username[64];
	yh_role role;
	int64_t unit_id;
	char request_id[37];
} yh_actor;

/* Permissions: what an operation needs. Table in src/core/authz.c. */
typedef enum yh_perm {
	YH_P_ROSTER_READ,
	YH_P_ROSTER_WRITE,
	YH_P_IDNO_READ,     /* see full ID and account numbers */
	YH_P_STAFF_MANAGE,
	YH_P_UNIT_MANAGE,
	YH_P_CASE_READ,
	YH_P_CASE_WRITE,    /* care plans, visits, events, obligations */
	YH_P_PAY_READ,
	YH_P_PAY_WRITE,     /* programmes, enrolments, batches: generate/export/settle */
	YH_P_PAY_APPROVE,
	YH_P_EVAL_READ,
	YH_P_EVAL_WRITE,    /* budget figures, activities, indicators */
	YH_P_EVAL_FINALISE,
	YH_P_AUDIT_READ,
	YH_P_SETTINGS_MANAGE, /* change what tunes the rules: the dated settings, the festival rules */
	YH_P_COUNT
} yh_perm;

const char *yh_role_name(yh_role r);
/* Parses "admin", "caseworker", ... ; YH_ROLE_NONE when unknown. */
yh_role yh_role_parse(const char *s);
/* NULL-terminated list of role names, for validation specs. */
extern const char *const yh_role_names[];

/* 0 when the actor's role holds p, else YH_EFORBIDDEN with a message. */
int yh_authz(const yh_actor *a, yh_perm p, yh_err *err);
int yh_authz_has(const yh_actor *a, yh_perm p);

/*
 * The unit whose subtree bounds what the actor sees, as a SQL parameter:
 * NULL (everything) for admin and auditor, else the unit id in buf.
 */
const char *yh_actor_scope(const yh_actor *a, char buf[24]);

#endif
