#include "yinhui/staff.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yinhui/audit.h"
#include "yinhui/log.h"
#include "yinhui/util.h"
#include "yinhui/validate.h"

#define MAX_FAILS_ACCOUNT 5
#define MAX_FAILS_ADDRESS 30
#define LOCK_MINUTES "15"

static const char Q_STAFF_COUNT[] = "SELECT count(*) FROM yh.staff";
static const char Q_UNIT_INSERT[] =
	"INSERT INTO yh.unit (uid, code, name, parent_id, district) VALUES ($1, $2, $3, $4::bigint, $5)"
	" RETURNING json_build_object('id', uid, 'code', code, 'name', name, 'district', district)::text";
static const char Q_UNIT_RESOLVE[] =
	"SELECT id FROM yh.unit WHERE code = $1 OR uid::text = $1";
static const char Q_UNIT_LIST[] =
	"SELECT coalesce(json_agg(json_build_object('id', u.uid, 'code', u.code, 'name', u.name,"
	" 'parent', p.code, 'district', u.district, 'depth', c.depth) ORDER BY c.path), '[]')::text"
	" FROM (SELECT cl.descendant, cl.depth, (SELECT array_agg(a.ancestor ORDER BY a.depth DESC)"
	"  FROM yh.unit_closure a WHERE a.descendant = cl.descendant) AS path"
	"  FROM yh.unit_closure cl WHERE cl.ancestor = coalesce($1::bigint,"
	"  (SELECT id FROM yh.unit WHERE parent_id IS NULL))) c"
	" JOIN yh.unit u ON u.id = c.descendant LEFT JOIN yh.unit p ON p.id = u.parent_id";
static const char Q_STAFF_INSERT[] =
	"INSERT INTO yh.staff (uid, username, display_name, role, unit_id, password_hash)"
	" VALUES ($1, $2, $3, $4, $5::bigint, $6)"
	" RETURNING json_build_object('id', uid, 'username', username, 'display_name', display_name,"
	" 'role', role, 'unit', (SELECT code FROM yh.unit WHERE id = unit_id), 'disabled', disabled)::text";
static const char Q_STAFF_LIST[] =
	"SELECT coalesce(json_agg(json_build_object('id', s.uid, 'username', s.username,"
	" 'display_name', s.display_name, 'role', s.role, 'unit', u.code, 'disabled', s.disabled,"
	" 'locked_until', s.locked_until) ORDER BY s.username), '[]')::text"
	" FROM yh.staff s JOIN yh.unit u ON u.id = s.unit_id WHERE yh.in_scope(s.unit_id, $1::bigint)";
static const char Q_STAFF_DISABLE[] =
	"UPDATE yh.staff SET disabled = $2::bool, updated_at = now() WHERE lower(username) = lower($1)"
	" RETURNING uid::text";
static const char Q_STAFF_PASSWD[] =
	"UPDATE yh.staff SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now()"
	" WHERE lower(username) = lower($1) RETURNING uid::text";
static const char Q_SESSIONS_REVOKE_USER[] =
	"UPDATE yh.session SET revoked_at = now() WHERE revoked_at IS NULL AND staff_id ="
	" (SELECT id FROM yh.staff WHERE lower(username) = lower($1))";
static const char Q_SESSION_REVOKE_TOKEN[] =
	"UPDATE yh.session SET revoked_at = now() WHERE token_hash = $1::bytea AND revoked_at IS NULL"
	" RETURNING uid::text";
static const char Q_LOGIN_ADDR_FAILS[] =
	"SELECT count(*) FROM yh.login_attempt WHERE address = $1 AND NOT ok"
	" AND at > now() - interval '" LOCK_MINUTES " minutes'";
static const char Q_LOGIN_LOOKUP[] =
	"SELECT id, uid, username, role, unit_id, password_hash, disabled,"
	" (locked_until IS NOT NULL AND locked_until > now()) AS locked,"
	" to_char(locked_until, 'YYYY-MM-DD HH24:MI') AS locked_until"
	" FROM yh.staff WHERE lower(username) = lower($1)";
static const char Q_LOGIN_RECORD[] =
	"INSERT INTO yh.login_attempt (username, address, ok) VALUES ($1, $2, $3::bool)";
static const char Q_LOGIN_FAIL[] =
	"UPDATE yh.staff SET failed_logins = failed_logins + 1,"
	" locked_until = CASE WHEN failed_logins + 1 >= $2::int THEN now() + interval '" LOCK_MINUTES " minutes'"
	" ELSE locked_until END WHERE id = $1::bigint";
static const char Q_LOGIN_OK[] =
	"UPDATE yh.staff SET failed_logins = 0, locked_until = NULL WHERE id = $1::bigint";
static const char Q_SESSION_INSERT[] =
	"INSERT INTO yh.session (token_hash, uid, staff_id, expires_at, client)"
	" VALUES ($1::bytea, $2, $3::bigint, now() + make_interval(secs => $4::int), $5)"
	" RETURNING json_build_object('expires_at', expires_at, 'staff', (SELECT json_build_object("
	" 'id', s.uid, 'username', s.username, 'display_name', s.display_name, 'role', s.role,"
	" 'unit', (SELECT code FROM yh.unit WHERE id = s.unit_id)) FROM yh.staff s WHERE s.id = staff_id))::text";
static const char Q_SESSION_RESOLVE[] =
	"SELECT st.id, st.uid, st.username, st.role, st.unit_id FROM yh.session s"
	" JOIN yh.staff st ON st.id = s.staff_id WHERE s.token_hash = $1::bytea"
	" AND s.revoked_at IS NULL AND s.expires_at > now() AND NOT st.disabled";

static void hash_params(unsigned long long *ops, size_t *mem)
{
	/* tests may ask for the minimum cost; production keeps libsodium's interactive limits */
	if (getenv("YINHUI_PWHASH_FAST") != NULL) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
}

/*
 * Argon2id with the interactive limits takes a 64 MiB work area and a core
 * for tens of milliseconds. At most one runs per CPU: more at once would not
 * finish sooner, and 32 workers taking logins together would ask for 2 GiB.
 */
static pthread_mutex_t pw_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cv = PTHREAD_COND_INITIALIZER;
static int pw_running, pw_peak, pw_limit;

/* The limit, one per online CPU, the first time it is needed; pw_mu held. */
static void pw_limit_default(void)
{
	if (pw_limit == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		pw_limit = n > 0 ? (int)n : 1;
	}
}

static void pw_enter(void)
{
	pthread_mutex_lock(&pw_mu);
	pw_limit_default();
	while (pw_running >= pw_limit)
		pthread_cond_wait(&pw_cv, &pw_mu);
	if (++pw_running > pw_peak)
		pw_peak = pw_running;
	pthread_mutex_unlock(&pw_mu);
}

static void pw_leave(void)
{
	pthread_mutex_lock(&pw_mu);
	pw_running--;
	pthread_cond_signal(&pw_cv);
	pthread_mutex_unlock(&pw_mu);
}

void yh_pwhash_limit_set(int limit)
{
	pthread_mutex_lock(&pw_mu);
	pw_limit = limit > 0 ? limit : 1;
	pw_peak = pw_running;
	pthread_cond_broadcast(&pw_cv);
	pthread_mutex_unlock(&pw_mu);
}

void yh_pwhash_usage(int *limit, int *peak)
{
	pthread_mutex_lock(&pw_mu);
	pw_limit_default();
	*limit = pw_limit;
	*peak = pw_peak;
	pthread_mutex_unlock(&pw_mu);
}

static int pwhash(char out[crypto_pwhash_STRBYTES], const char *password, size_t len)
{
	unsigned long long ops;
	size_t mem;
	int rc;

	hash_params(&ops, &mem);
	pw_enter();
	rc = crypto_pwhash_str_alg(out, password, len, ops, mem, crypto_pwhash_ALG_ARGON2ID13);
	pw_leave();
	return rc;
}

static int pwverify(const char *hash, const char *password)
{
	int rc;

	pw_enter();
	rc = crypto_pwhash_str_verify(hash, password, strlen(password));
	pw_leave();
	return rc;
}

static int hash_password(char out[crypto_pwhash_STRBYTES], const char *password, yh_err *err)
{
	size_t len = strlen(password);

	if (len < 10)
		return yh_err_set(err, YH_EINVAL, "password", "must be at least 10 characters");
	if (len > 200)
		return yh_err_set(err, YH_EINVAL, "password", "must be at most 200 characters");
	if (pwhash(out, password, len) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory hashing a password");
	return 0;
}

/* "\\x" + hex of BLAKE2b(token): the only form in which tokens are stored. */
static void token_hash_hex(char out[67], const char *token)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 65, h, sizeof(h));
}

int yh_unit_resolve(yh_db *db, const char *code_or_uid, const char *field, long long *id, yh_err *err)
{
	char *txt = NULL;
	int rc;

	rc = yh_db_query_text(db, &txt, Q_UNIT_RESOLVE, 1, &code_or_uid, NULL, err);
	if (rc == YH_ENOTFOUND || (rc == 0 && txt == NULL))
		rc = yh_err_set(err, YH_EINVAL, field, "no unit \"%.60s\"", code_or_uid);
	if (rc == 0)
		*id = atoll(txt);
	free(txt);
	return rc;
}

static const char Q_UNIT_SUBTREE[] =
	"SELECT CASE WHEN EXISTS (SELECT 1 FROM yh.unit WHERE id = $1::bigint AND parent_id IS NULL) THEN NULL"
	" ELSE coalesce((SELECT array_agg(descendant ORDER BY descendant) FROM yh.unit_closure"
	"  WHERE ancestor = $1::bigint)::text, '{}') END";

int yh_unit_subtree_ids(yh_db *db, const char *unit_id, char **out, yh_err *err)
{
	*out = NULL;
	if (unit_id == NULL)
		return 0;
	return yh_db_query_text(db, out, Q_UNIT_SUBTREE, 1, &unit_id, NULL, err);
}

static int check_code(const char *s, const char *field, yh_err *err)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40)
		return yh_err_set(err, YH_EINVAL, field, "must be 1 to 40 characters");
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'))))
			return yh_err_set(err, YH_EINVAL, field, "use lowercase letters, digits, '-' and '_'");
	}
	return 0;
}

int yh_staff_bootstrap(yh_db *db, const char *username, const char *password,
	const char *unit_code, const char *unit_name, yh_err *err)
{
	yh_actor sys = { .username = "system" };
	char *count = NULL, *unit = NULL, *staff = NULL;
	char hash[crypto_pwhash_STRBYTES], uid[37], suid[37], unit_id_txt[24];
	long long unit_id = 0;
	const char *p[6];
	int rc;

	rc = check_code(unit_code, "unit", err);
	if (rc == 0)
		rc = hash_password(hash, password, err);
	if (rc != 0)
		return rc;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	/* serialise concurrent inits */
	rc = yh_db_exec(db, "LOCK TABLE yh.staff IN EXCLUSIVE MODE", 0, NULL, err);
	if (rc < 0)
		goto done;
	rc = yh_db_query_text(db, &count, Q_STAFF_COUNT, 0, NULL, NULL, err);
	if (rc != 0)
		goto done;
	if (atoll(count) > 0) {
		rc = yh_err_set(err, YH_ECONFLICT, NULL, "already initialised: staff accounts exist");
		goto done;
	}
	rc = yh_unit_resolve(db, unit_code, "unit", &unit_id, NULL);
	if (rc != 0) {
		yh_uuid_new(uid);
		p[0] = uid;
		p[1] = unit_code;
		p[2] = unit_name;
		p[3] = NULL;
		p[4] = NULL;
		rc = yh_db_query_text(db, &unit, Q_UNIT_INSERT, 5, p, NULL, err);
		if (rc == 0)
			rc = yh_audit(db, &sys, "unit.add", "unit", uid, NULL, unit, err);
		if (rc == 0)
			rc = yh_unit_resolve(db, unit_code, "unit", &unit_id, err);
		if (rc != 0)
			goto done;
	}
	snprintf(unit_id_txt, sizeof(unit_id_txt), "%lld", unit_id);
	yh_uuid_new(suid);
	p[0] = suid;
	p[1] = username;
	p[2] = username;
	p[3] = "admin";
	p[4] = unit_id_txt;
	p[5] = hash;
	rc = yh_db_query_text(db, &staff, Q_STAFF_INSERT, 6, p, NULL, err);
	if (rc == YH_EINVAL && err && strcmp(err->field, "staff_username_check") == 0)
		rc = yh_err_set(err, YH_EINVAL, "username", "use 2-32 lowercase letters, digits, '.', '_' or '-'");
	if (rc == 0)
		rc = yh_audit(db, &sys, "staff.add", "staff", suid, NULL, staff, err);
done:
	rc = yh_db_end(db, rc, err);
	free(count);
	free(unit);
	free(staff);
	return rc;
}

int yh_unit_add(yh_db *db, const yh_actor *a, const yh_fields *in, char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "code", YH_FT_TEXT, YH_F_REQUIRED, 40, NULL },
		{ "name", YH_FT_TEXT, YH_F_REQUIRED, 100, NULL },
		{ "parent", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
		{ "district", YH_FT_TEXT, 0, 60, NULL },
	};
	yh_values *v = NULL;
	long long parent = 0;
	char uid[37], parent_txt[24];
	const char *p[5];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_UNIT_MANAGE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, 4, in, 1, err);
	if (rc == 0)
		rc = check_code(yh_values_get(v, "code"), "code", err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_unit_resolve(db, yh_values_get(v, "parent"), "parent", &parent, err);
	if (rc == 0) {
		yh_uuid_new(uid);
		snprintf(parent_txt, sizeof(parent_txt), "%lld", parent);
		p[0] = uid;
		p[1] = yh_values_get(v, "code");
		p[2] = yh_values_get(v, "name");
		p[3] = parent_txt;
		p[4] = yh_values_get(v, "district");
		rc = yh_db_query_text(db, out, Q_UNIT_INSERT, 5, p, NULL, err);
		if (rc == YH_ECONFLICT && err)
			snprintf(err->field, sizeof(err->field), "code");
	}
	if (rc == 0)
		rc = yh_audit(db, a, "unit.add", "unit", uid, NULL, *out, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_values_free(v);
	return rc;
}

int yh_unit_list(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	char buf[24];
	const char *scope;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc != 0)
		return rc;
	scope = yh_actor_scope(a, buf);
	return yh_db_query_text(db, out, Q_UNIT_LIST, 1, &scope, NULL, err);
}

int yh_staff_add(yh_db *db, const yh_actor *a, const yh_fields *in, const char *password,
	char **out, yh_err *err)
{
	static const yh_field_spec spec[] = {
		{ "username", YH_FT_TEXT, YH_F_REQUIRED, 32, NULL },
		{ "display_name", YH_FT_TEXT, 0, 60, NULL },
		{ "role", YH_FT_ENUM, YH_F_REQUIRED, 0, yh_role_names },
		{ "unit", YH_FT_TEXT, YH_F_REQUIRED, 60, NULL },
	};
	yh_values *v = NULL;
	char hash[crypto_pwhash_STRBYTES], uid[37], unit_txt[24];
	long long unit_id = 0;
	const char *p[6];
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_STAFF_MANAGE, err);
	if (rc == 0)
		rc = yh_values_validate(&v, spec, 4, in, 1, err);
	if (rc == 0)
		rc = hash_password(hash, password ? password : "", err);
	if (rc != 0)
		goto done;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	rc = yh_unit_resolve(db, yh_values_get(v, "unit"), "unit", &unit_id, err);
	if (rc == 0) {
		yh_uuid_new(uid);
		snprintf(unit_txt, sizeof(unit_txt), "%lld", unit_id);
		p[0] = uid;
		p[1] = yh_values_get(v, "username");
		p[2] = yh_values_get(v, "display_name") ? yh_values_get(v, "display_name") : p[1];
		p[3] = yh_values_get(v, "role");
		p[4] = unit_txt;
		p[5] = hash;
		rc = yh_db_query_text(db, out, Q_STAFF_INSERT, 6, p, NULL, err);
		if (rc == YH_EINVAL && err && strcmp(err->field, "staff_username_check") == 0)
			rc = yh_err_set(err, YH_EINVAL, "username", "use 2-32 lowercase letters, digits, '.', '_' or '-'");
		else if (rc == YH_ECONFLICT)
			rc = yh_err_set(err, YH_ECONFLICT, "username", "username %s is taken", p[1]);
	}
	if (rc == 0)
		rc = yh_audit(db, a, "staff.add", "staff", uid, NULL, *out, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	yh_values_free(v);
	return rc;
}

int yh_staff_list(yh_db *db, const yh_actor *a, char **out, yh_err *err)
{
	char buf[24];
	const char *scope;
	int rc;

	*out = NULL;
	rc = yh_authz(a, YH_P_STAFF_MANAGE, err);
	if (rc != 0 && a->role == YH_ROLE_AUDITOR)
		rc = 0; /* auditors read everything */
	if (rc != 0)
		return rc;
	scope = yh_actor_scope(a, buf);
	return yh_db_query_text(db, out, Q_STAFF_LIST, 1, &scope, NULL, err);
}

int yh_staff_set_disabled(yh_db *db, const yh_actor *a, const char *username, int disabled, yh_err *err)
{
	const char *p[2] = { username, disabled ? "t" : "f" };
	char *uid = NULL;
	int rc;

	rc = yh_authz(a, YH_P_STAFF_MANAGE, err);
	if (rc != 0)
		return rc;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_db_query_text(db, &uid, Q_STAFF_DISABLE, 2, p, "no such user", err);
	if (rc == 0 && disabled)
		rc = yh_db_exec(db, Q_SESSIONS_REVOKE_USER, 1, p, err);
	if (rc >= 0)
		rc = yh_audit(db, a, disabled ? "staff.disable" : "staff.enable", "staff", uid, NULL,
			disabled ? "{\"disabled\":true}" : "{\"disabled\":false}", err);
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		yh_session_changed();
	free(uid);
	return rc;
}

int yh_staff_passwd(yh_db *db, const yh_actor *a, const char *username, const char *password, yh_err *err)
{
	char hash[crypto_pwhash_STRBYTES];
	const char *p[2];
	char *uid = NULL;
	int rc;

	if (strcmp(a->username, username) != 0) {
		rc = yh_authz(a, YH_P_STAFF_MANAGE, err);
		if (rc != 0)
			return rc;
	}
	rc = hash_password(hash, password ? password : "", err);
	if (rc != 0)
		return rc;
	p[0] = username;
	p[1] = hash;
	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	rc = yh_db_query_text(db, &uid, Q_STAFF_PASSWD, 2, p, "no such user", err);
	if (rc == 0)
		rc = yh_db_exec(db, Q_SESSIONS_REVOKE_USER, 1, p, err);
	if (rc >= 0)
		rc = yh_audit(db, a, "staff.passwd", "staff", uid, NULL, NULL, err);
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		yh_session_changed();
	free(uid);
	return rc;
}

/* Records a failed attempt outside any caller transaction, so it survives. */
static void record_attempt(yh_db *db, const char *username, const char *address, int ok, const char *staff_id)
{
	const char *p[3] = { username, address, ok ? "t" : "f" };
	const char *q[2] = { staff_id, "5" };
	char n[4];

	snprintf(n, sizeof(n), "%d", MAX_FAILS_ACCOUNT);
	q[1] = n;
	yh_db_exec(db, Q_LOGIN_RECORD, 3, p, NULL);
	if (!ok && staff_id != NULL)
		yh_db_exec(db, Q_LOGIN_FAIL, 2, q, NULL);
}

/* a valid hash to verify against when the user is unknown, so timing says nothing */
static char dummy[crypto_pwhash_STRBYTES];
static int dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	dummy_ok = pwhash(dummy, "not a password", 14) == 0;
}

int yh_session_login(yh_db *db, const char *username, const char *password, const char *address,
	char *token, size_t tokensz, char **out, yh_err *err)
{
	yh_rows *rows = NULL;
	char *fails = NULL;
	unsigned char raw[32];
	char hash_hex[67], suid[37], secs[16];
	yh_actor who = { 0 };
	const char *p[5];
	int rc, found;

	*out = NULL;
	if (tokensz < 64)
		return yh_err_set(err, YH_EINTERNAL, NULL, "token buffer too small");
	if (username == NULL || *username == '\0' || strlen(username) > 64)
		return yh_err_set(err, YH_EINVAL, "username", "is required");
	if (password == NULL || strlen(password) > 200)
		return yh_err_set(err, YH_EINVAL, "password", "is required");
	pthread_once(&dummy_once, dummy_init);
	if (!dummy_ok)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	p[0] = address ? address : "local";
	rc = yh_db_query_text(db, &fails, Q_LOGIN_ADDR_FAILS, 1, p, NULL, err);
	if (rc != 0)
		goto done;
	if (atoi(fails) >= MAX_FAILS_ADDRESS) {
		rc = yh_err_set(err, YH_ELIMIT, NULL, "too many failed logins from this address; try again later");
		goto done;
	}
	rc = yh_db_query(db, &rows, Q_LOGIN_LOOKUP, 1, &username, err);
	if (rc != 0)
		goto done;
	found = yh_rows_count(rows) == 1;
	if (found && strcmp(yh_rows_get(rows, 0, "locked"), "t") == 0) {
		record_attempt(db, username, address, 0, NULL);
		rc = yh_err_set(err, YH_ELIMIT, NULL, "account locked after repeated failed logins until %s",
			yh_rows_get(rows, 0, "locked_until"));
		goto done;
	}
	if (pwverify(found ? yh_rows_get(rows, 0, "password_hash") : dummy, password) != 0 || !found ||
	    strcmp(yh_rows_get(rows, 0, "disabled"), "t") == 0) {
		record_attempt(db, username, address, 0, found ? yh_rows_get(rows, 0, "id") : NULL);
		rc = yh_err_set(err, YH_EUNAUTH, NULL, "wrong username or password");
		goto done;
	}
	/* token: 32 random bytes, URL-safe; only its hash is stored */
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "yh_", 3);
	sodium_bin2base64(token + 3, tokensz - 3, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash_hex(hash_hex, token);
	yh_uuid_new(suid);
	snprintf(secs, sizeof(secs), "%d", YH_SESSION_SECONDS);
	rc = yh_db_begin(db, err);
	if (rc != 0)
		goto done;
	p[0] = yh_rows_get(rows, 0, "id");
	rc = yh_db_exec(db, Q_LOGIN_OK, 1, p, err);
	if (rc >= 0) {
		p[0] = hash_hex;
		p[1] = suid;
		p[2] = yh_rows_get(rows, 0, "id");
		p[3] = secs;
		p[4] = address;
		rc = yh_db_query_text(db, out, Q_SESSION_INSERT, 5, p, NULL, err);
	}
	if (rc == 0) {
		who.staff_id = atoll(yh_rows_get(rows, 0, "id"));
		snprintf(who.username, sizeof(who.username), "%s", yh_rows_get(rows, 0, "username"));
		p[0] = username;
		p[1] = address;
		p[2] = "t";
		rc = yh_db_exec(db, Q_LOGIN_RECORD, 3, p, err);
	}
	if (rc >= 0)
		rc = yh_audit(db, &who, "session.login", "session", suid, NULL, NULL, err);
	rc = yh_db_end(db, rc, err);
done:
	if (rc != 0) {
		sodium_memzero(token, tokensz);
		free(*out);
		*out = NULL;
	}
	sodium_memzero(raw, sizeof(raw));
	yh_rows_free(rows);
	free(fails);
	return rc;
}

static atomic_uint_fast64_t session_gen;

uint64_t yh_session_generation(void)
{
	return (uint64_t)atomic_load(&session_gen);
}

void yh_session_changed(void)
{
	atomic_fetch_add(&session_gen, 1);
}

int yh_session_resolve(yh_db *db, const char *token, yh_actor *out, yh_err *err)
{
	char hash_hex[67];
	const char *p[1] = { hash_hex };
	yh_rows *rows = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (token == NULL || strncmp(token, "yh_", 3) != 0 || strlen(token) > 100)
		return yh_err_set(err, YH_EUNAUTH, NULL, "missing or malformed bearer token");
	token_hash_hex(hash_hex, token);
	rc = yh_db_query(db, &rows, Q_SESSION_RESOLVE, 1, p, err);
	if (rc != 0)
		return rc;
	if (yh_rows_count(rows) != 1) {
		rc = yh_err_set(err, YH_EUNAUTH, NULL, "session expired or revoked; log in again");
		goto done;
	}
	out->staff_id = atoll(yh_rows_value(rows, 0, 0));
	snprintf(out->staff_uid, sizeof(out->staff_uid), "%s", yh_rows_value(rows, 0, 1));
	snprintf(out->username, sizeof(out->username), "%s", yh_rows_value(rows, 0, 2));
	out->role = yh_role_parse(yh_rows_value(rows, 0, 3));
	out->unit_id = atoll(yh_rows_value(rows, 0, 4));
done:
	yh_rows_free(rows);
	return rc;
}

int yh_session_revoke(yh_db *db, const yh_actor *a, const char *token, const char *username, yh_err *err)
{
	char hash_hex[67];
	const char *p[1];
	char *uid = NULL;
	int rc;

	rc = yh_db_begin(db, err);
	if (rc != 0)
		return rc;
	if (username != NULL) {
		if (strcmp(username, a->username) != 0)
			rc = yh_authz(a, YH_P_STAFF_MANAGE, err);
		p[0] = username;
		if (rc == 0)
			rc = yh_db_exec(db, Q_SESSIONS_REVOKE_USER, 1, p, err);
		if (rc >= 0)
			rc = yh_audit(db, a, "session.revoke_all", "staff", username, NULL, NULL, err);
	} else {
		token_hash_hex(hash_hex, token ? token : "");
		p[0] = hash_hex;
		rc = yh_db_query_text(db, &uid, Q_SESSION_REVOKE_TOKEN, 1, p, "no such session", err);
		if (rc == 0)
			rc = yh_audit(db, a, "session.revoke", "session", uid, NULL, NULL, err);
	}
	rc = yh_db_end(db, rc, err);
	if (rc == 0)
		yh_session_changed();
	free(uid);
	return rc;
}
