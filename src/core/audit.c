#include "yinhui/audit.h"

#include <stdio.h>

static const char Q_AUDIT[] =
	"INSERT INTO yh.audit_log (actor_id, actor_name, request_id, action, entity, entity_id, before, after)"
	" VALUES ($1::bigint, $2, NULLIF($3, ''), $4, $5, $6, $7::jsonb, $8::jsonb)";

static const char Q_AUDIT_LIST[] =
	"SELECT coalesce(json_agg(json_build_object('at', a.at, 'actor', a.actor_name, 'action', a.action,"
	" 'entity', a.entity, 'entity_id', a.entity_id, 'request_id', a.request_id,"
	" 'before', a.before, 'after', a.after) ORDER BY a.id DESC), '[]')::text"
	" FROM (SELECT * FROM yh.audit_log WHERE ($1::text IS NULL OR entity = $1)"
	" AND ($2::text IS NULL OR entity_id = $2) ORDER BY id DESC LIMIT $3::int) a";

int yh_audit(yh_db *db, const yh_actor *a, const char *action, const char *entity,
	const char *entity_id, const char *before, const char *after, yh_err *err)
{
	char actor_id[24];
	const char *params[8];
	int rc;

	snprintf(actor_id, sizeof(actor_id), "%lld", (long long)a->staff_id);
	params[0] = a->staff_id > 0 ? actor_id : NULL;
	params[1] = a->username[0] ? a->username : "system";
	params[2] = a->request_id;
	params[3] = action;
	params[4] = entity;
	params[5] = entity_id;
	params[6] = before;
	params[7] = after;
	rc = yh_db_exec(db, Q_AUDIT, 8, params, err);
	return rc < 0 ? rc : 0;
}

int yh_audit_list(yh_db *db, const yh_actor *a, const char *entity, const char *entity_id,
	int limit, char **out, yh_err *err)
{
	char lim[16];
	const char *params[3];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_AUDIT_READ, err);
	if (rc != 0)
		return rc;
	snprintf(lim, sizeof(lim), "%d", limit > 0 && limit <= 1000 ? limit : 100);
	params[0] = entity;
	params[1] = entity_id;
	params[2] = lim;
	return yh_db_query_text(db, out, Q_AUDIT_LIST, 3, params, NULL, err);
}
