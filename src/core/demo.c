/*
 * The sample bureau (yinhui demo load): generated, plausible and clearly
 * marked data (notes and unit names say 示例, setting demo.loaded), written
 * through the modules' own core functions in one transaction, so every row
 * obeys the same rules and leaves the same audit trail as real work.
 * Deterministic: the same year always gives the same bureau.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/eval_internal.h"
#include "yinhui/activity.h"
#include "yinhui/audit.h"
#include "yinhui/budget.h"
#include "yinhui/casework.h"
#include "yinhui/evaluation.h"
#include "yinhui/pay.h"
#include "yinhui/roster.h"
#include "yinhui/staff.h"
#include "yinhui/table.h"
#include "yinhui/validate.h"

#define MARK "示例数据（演示用，非真实人员）"
#define NPERSON 480

static const char Q_REAL[] =
	"SELECT (SELECT count(*) FROM yh.person WHERE coalesce(note, '') NOT LIKE '示例%')"
	" + (SELECT count(*) FROM yh.activity WHERE coalesce(note, '') NOT LIKE '示例%')"
	" + (SELECT count(*) FROM yh.budget_figure WHERE coalesce(note, '') NOT LIKE '示例%') AS real,"
	" (SELECT count(*) FROM yh.setting WHERE key = 'demo.loaded') AS loaded";
static const char Q_ACTOR[] =
	"SELECT id, uid, username, role, unit_id FROM yh.staff WHERE username = $1";
static const char Q_MARK[] =
	"INSERT INTO yh.setting (key, valid_from, value, note) VALUES ('demo.loaded', '1900-01-01', $1, $2)";
static const char Q_UNIT_EXISTS[] = "SELECT 1 FROM yh.unit WHERE code = $1";

typedef struct person {
	char uid[37];
	char name[64];
	int cadre, cat, party, dead_before, dies_on_day, moves_on_day, secretary, female;
	int joins_on_day; /* day of the year (from 0) a cadre retiring this year joins the roster; 0: before it */
	const char *unit;
} person;

typedef struct demo {
	yh_db *db;
	const yh_actor *admin;
	yh_actor clerk, approver, cw;
	int year;
	char root[48]; /* the root unit's code: 局本级 */
	uint64_t rng;
	person p[NPERSON];
	int np;
	long visits, activities;
} demo;

enum { C_LIXIU, C_QIYE, C_QIYE_DEAD, C_JIANGUO, C_TUIXIU };

static const char *const cat_name[] = { "离休", "企业离休", "企业离休", "建国初期参加工作的退休干部", "退休" };

/* splitmix64: a fixed seed gives the same bureau every time. */
static uint64_t next(demo *d)
{
	uint64_t z = (d->rng += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int pick(demo *d, int n)
{
	return (int)(next(d) % (uint64_t)n);
}

/* Calls a core write with fields built from "k","v" pairs (NULL values left out); *out optional. */
typedef int (*write_fn)(yh_db *, const yh_actor *, const yh_fields *, char **, yh_err *);

static int call(demo *d, write_fn fn, const yh_actor *a, char **out, yh_err *err, ...)
{
	yh_fields *f = NULL;
	va_list ap;
	const char *k;
	char *o = NULL;
	int rc = yh_fields_new(&f) == 0 ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");

	va_start(ap, err);
	while (rc == 0 && (k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		/* a NULL value means "not given" */
		if (v != NULL)
			rc = yh_fields_set(f, k, v, (v[0] == '[' || v[0] == '{') ? YH_FV_JSON : YH_FV_STRING, err);
	}
	va_end(ap);
	if (rc == 0)
		rc = fn(d->db, a, f, &o, err);
	yh_fields_free(f);
	if (out)
		*out = o;
	else
		free(o);
	return rc;
}

/* The "id" member of a JSON object text, into out. */
static void json_id(const char *json, char out[37])
{
	json_t *doc = json_loads(json ? json : "{}", 0, NULL);

	snprintf(out, 37, "%s", yh_eval_str(doc, "id"));
	json_decref(doc);
}

static int load_actor(demo *d, const char *username, yh_actor *out, yh_err *err)
{
	yh_rows *r = NULL;
	int rc = yh_db_query(d->db, &r, Q_ACTOR, 1, &username, err);

	if (rc == 0 && yh_rows_count(r) != 1)
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "demo staff %s missing", username);
	if (rc == 0) {
		memset(out, 0, sizeof(*out));
		out->staff_id = atoll(yh_rows_get(r, 0, "id"));
		snprintf(out->staff_uid, sizeof(out->staff_uid), "%s", yh_rows_get(r, 0, "uid"));
		snprintf(out->username, sizeof(out->username), "%s", username);
		out->role = yh_role_parse(yh_rows_get(r, 0, "role"));
		out->unit_id = atoll(yh_rows_get(r, 0, "unit_id"));
		snprintf(out->request_id, sizeof(out->request_id), "%s", d->admin->request_id);
	}
	yh_rows_free(r);
	return rc;
}

/* Staff who do the sample work: their passwords are random and never shown; disabled afterwards. */
static int staff(demo *d, const char *root, yh_err *err)
{
	static const char *const who[][3] = { { "demo-clerk", "clerk", "示例经办人" },
		{ "demo-approver", "approver", "示例审批人" }, { "demo-caseworker", "caseworker", "示例社工" } };
	yh_actor *slots[] = { &d->clerk, &d->approver, &d->cw };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < 3; i++) {
		unsigned char raw[24];
		char pw[49], *out = NULL;
		yh_fields *f = NULL;
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
		yh_fields_new(&f);
		yh_fields_set(f, "username", who[i][0], YH_FV_STRING, NULL);
		yh_fields_set(f, "role", who[i][1], YH_FV_STRING, NULL);
		yh_fields_set(f, "display_name", who[i][2], YH_FV_STRING, NULL);
		yh_fields_set(f, "unit", root, YH_FV_STRING, NULL);
		rc = yh_staff_add(d->db, d->admin, f, pw, &out, err);
		sodium_memzero(pw, sizeof(pw));
		free(out);
		yh_fields_free(f);
		if (rc == 0)
			rc = load_actor(d, who[i][0], slots[i], err);
	}
	return rc;
}

static int units(demo *d, const char *root, yh_err *err)
{
	static const char *const list[][3] = { { "chikan", "湛江市赤坎老干部休养所（示例）", "赤坎区" },
		{ "xiashan", "湛江市霞山老干部休养所（示例）", "霞山区" }, { "suixi", "遂溪县委老干部局（示例）", "遂溪县" },
		{ "wuchuan", "吴川市委老干部局（示例）", "吴川市" } };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < 4; i++) {
		char *one = NULL;
		const char *code = list[i][0];
		if (yh_db_query_text(d->db, &one, Q_UNIT_EXISTS, 1, &code, NULL, NULL) == 0) {
			free(one);
			continue;
		}
		rc = call(d, yh_unit_add, d->admin, NULL, err, "code", code, "name", list[i][1], "parent", root,
			"district", list[i][2], NULL);
	}
	return rc;
}

/* ---- people ---- */

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "冯", "邓", "曹", "彭", "曾",
	"肖", "蔡", "潘", "袁", "余", "叶", "苏", "钟", "卢", "莫", "庞", "麦", "陆", "符", "严", "覃", "欧阳", "司徒" };
static const char *const given_m[] = { "国", "建", "华", "明", "志", "文", "德", "光", "荣", "海", "林", "振",
	"永", "平", "春", "福", "清", "树", "成", "胜", "新", "友", "伟", "军", "强", "洪", "亮", "家", "忠", "庆",
	"昌", "祥", "和", "金", "生", "汉", "锦", "培", "耀", "炳" };
static const char *const given_f[] = { "秀", "兰", "桂", "芳", "玉", "珍", "淑", "凤", "英", "惠", "敏", "丽",
	"琴", "云", "霞", "梅", "莲", "娟", "秋", "月", "翠", "爱", "彩", "银", "美", "燕", "群", "婉", "佩", "素" };
static const char *const ranks[] = { "副处级", "副处级", "副处级", "副处级", "正处级", "正处级", "正处级",
	"副厅级", "副厅级", "正厅级" };
static const char *const livings[] = { "与子女同住", "与子女同住", "空巢", "空巢", "独居", "养老机构" };
static const char *const cares[] = { "自理", "自理", "自理", "半失能", "失能" };
static const char *const streets[] = { "人民大道", "海滨大道", "解放路", "中山路", "南桥路", "椹川大道", "跃进路",
	"民主路", "海田路", "观海路" };

static void make_name(demo *d, int female, char *out, size_t n)
{
	const char *const *g = female ? given_f : given_m;
	size_t ng = female ? sizeof(given_f) / sizeof(given_f[0]) : sizeof(given_m) / sizeof(given_m[0]);
	const char *s = surnames[pick(d, (int)(sizeof(surnames) / sizeof(surnames[0])))];

	if (pick(d, 4) == 0)
		snprintf(out, n, "%s%s", s, g[pick(d, (int)ng)]);
	else
		snprintf(out, n, "%s%s%s", s, g[pick(d, (int)ng)], g[pick(d, (int)ng)]);
}

/* A valid 18-digit number: region, birth date, sequence (odd = male) and the MOD 11-2 check digit. */
static void make_idno(const char *region, int y, int m, int day, int seq, char out[19])
{
	char body[64];

	snprintf(body, sizeof(body), "%.6s%04d%02d%02d%03d", region, y % 10000, m % 100, day % 100, seq % 1000);
	body[17] = '\0';
	memcpy(out, body, 17);
	out[17] = yh_idno_check_digit(body);
	out[18] = '\0';
}

static const char *region_of(demo *d, const char *unit)
{
	static const char *const city[] = { "440802", "440803", "440804", "440811" };

	if (strcmp(unit, "chikan") == 0)
		return "440802";
	if (strcmp(unit, "xiashan") == 0)
		return "440803";
	if (strcmp(unit, "suixi") == 0)
		return "440823";
	if (strcmp(unit, "wuchuan") == 0)
		return "440883";
	return city[pick(d, 4)];
}

/* Creates person i: a cadre of category cat, or (cadre_uid set) the cadre's surviving spouse. */
static int add_person(demo *d, int cat, const char *unit, const char *cadre_uid, int cadre_female, yh_err *err)
{
	person *p = &d->p[d->np];
	char idno[19], joined[40], retired[40], added[40], phone[16], address[160], *out = NULL;
	int y = d->year, by, bm = 1 + pick(d, 12), bd = 1 + pick(d, 28), rc;

	memset(p, 0, sizeof(*p));
	p->cadre = cadre_uid == NULL;
	p->cat = cat;
	p->unit = unit;
	p->female = cadre_uid ? !cadre_female : pick(d, 4) == 0;
	if (!p->cadre)
		by = 1926 + pick(d, 14);
	else if (cat == C_LIXIU || cat == C_QIYE || cat == C_QIYE_DEAD)
		by = 1922 + pick(d, 9);
	else if (cat == C_JIANGUO)
		by = 1930 + pick(d, 4);
	else
		by = y - 60 - pick(d, 29);
	make_name(d, p->female, p->name, sizeof(p->name));
	make_idno(region_of(d, unit), by, bm, bd, d->np * 2 + (p->female ? 0 : 1), idno);
	snprintf(joined, sizeof(joined), "%04d-%02d-01", cat == C_JIANGUO ? 1949 + 1 + pick(d, 3) :
		(cat == C_TUIXIU ? by + 20 : by + 18 > 1949 ? 1949 : by + 18), cat == C_JIANGUO || cat == C_TUIXIU ?
		1 + pick(d, 12) : 1 + pick(d, 9));
	snprintf(retired, sizeof(retired), "%04d-%02d-01", by + 60, bm);
	/* a few joined the roster this year (retired in it); everyone else years ago */
	if (p->cadre && cat == C_TUIXIU && by + 60 == y) {
		static const int before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
		snprintf(added, sizeof(added), "%04d-%02d-15", y, bm);
		p->joins_on_day = before[bm - 1] + 14;
	} else
		snprintf(added, sizeof(added), "%04d-01-01", by + 60 < y ? by + 60 : y - 1);
	snprintf(phone, sizeof(phone), "13%09llu", (unsigned long long)(next(d) % 1000000000ULL));
	snprintf(address, sizeof(address), "湛江市%s%d号（示例地址）", streets[pick(d, 10)], 1 + pick(d, 300));
	p->party = p->cadre && (cat != C_TUIXIU || pick(d, 8) != 0);
	if (p->cadre)
		rc = call(d, yh_roster_create, &d->cw, &out, err, "kind", "cadre", "name", p->name, "id_number", idno,
			"category", cat_name[cat], "rank", cat == C_TUIXIU ? ranks[pick(d, 10)] : NULL,
			"joined_on", joined, "retired_on", cat == C_TUIXIU || cat == C_JIANGUO ? retired : NULL,
			"unit", unit, "address", address, "phones", phone, "living_situation", livings[pick(d, 6)],
			"care_level", cares[pick(d, 5)], "party_member", p->party ? "true" : "false", "added_on", added,
			"note", MARK, NULL);
	else
		rc = call(d, yh_roster_create, &d->cw, &out, err, "kind", "survivor", "cadre", cadre_uid,
			"relationship", "配偶", "name", p->name, "id_number", idno, "unit", unit, "address", address,
			"phones", phone, "living_situation", livings[pick(d, 6)], "added_on", added, "note", MARK, NULL);
	json_id(out, p->uid);
	free(out);
	if (rc == 0)
		d->np++;
	return rc;
}

static int event(demo *d, const char *type, const char *person_uid, const char *date, yh_err *err)
{
	return call(d, yh_event_record, &d->cw, NULL, err, "type", type, "person", person_uid, "date", date,
		"note", "示例", NULL);
}

static int visit(demo *d, const char *person_uid, const char *at, const char *occasion, const char *mode,
	const char *obligation, const char *yuan, yh_err *err)
{
	int rc = call(d, yh_visit_create, &d->cw, NULL, err, "person", person_uid, "visited_at", at, "occasion",
		occasion, "mode", mode, "obligation", obligation, "condolence_yuan", yuan, "findings",
		"示例走访记录：身体状况稳定，已转达组织关怀。", NULL);

	if (rc == 0)
		d->visits++;
	return rc;
}

static void day_of(int year, int doy, char out[40])
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int m = 0;

	while (m < 11 && doy >= md[m]) {
		doy -= md[m];
		m++;
	}
	snprintf(out, 40, "%04d-%02d-%02d", year, m + 1, doy + 1);
}

static int people(demo *d, yh_err *err)
{
	static const char *const unit_cycle[] = { "bureau", "bureau", "bureau", "chikan", "chikan", "xiashan",
		"xiashan", "suixi", "wuchuan", "bureau" };
	int rc = 0;

	for (int i = 0; rc == 0 && i < 416; i++) {
		int cat = i < 12 ? C_LIXIU : i < 20 ? C_QIYE : i < 52 ? C_QIYE_DEAD : i < 62 ? C_JIANGUO : C_TUIXIU;
		const char *unit = cat == C_QIYE_DEAD || cat == C_QIYE ? (i % 2 ? "chikan" : "xiashan") : unit_cycle[i % 10];
		if (strcmp(unit, "bureau") == 0)
			unit = d->root;
		rc = add_person(d, cat, unit, NULL, 0, err);
		if (rc == 0 && cat == C_QIYE_DEAD) {
			/* died before the year: the survivor spouse receives the 定期困难补助 */
			person *c = &d->p[d->np - 1];
			char died[40], at[64];
			snprintf(died, sizeof(died), "%04d-%02d-%02d", d->year - 2 - pick(d, 8), 1 + pick(d, 12), 1 + pick(d, 27));
			rc = event(d, "death", c->uid, died, err);
			snprintf(at, sizeof(at), "%sT10:00:00", died);
			if (rc == 0)
				rc = visit(d, c->uid, at, "临终去世", "上门", NULL, "2000.00", err);
			c->dead_before = 1;
			if (rc == 0)
				rc = add_person(d, C_TUIXIU, c->unit, c->uid, c->female, err);
		}
	}
	/* who leaves during the year, and who keeps a branch */
	for (int i = 0, deaths = 0, moves = 0, secretaries = 0; i < d->np; i++) {
		person *p = &d->p[i];
		if (!p->cadre || p->dead_before)
			continue;
		if (deaths < 6 && i % 67 == 5) {
			p->dies_on_day = 30 + pick(d, 300);
			/* one who joins this year leaves after joining: dead before it, he counted nowhere */
			if (p->joins_on_day && p->dies_on_day <= p->joins_on_day)
				p->dies_on_day = p->joins_on_day + 1 + p->dies_on_day % (364 - p->joins_on_day);
			deaths++;
		} else if (moves < 2 && i % 97 == 50) {
			p->moves_on_day = 340 + pick(d, 10);
			if (p->joins_on_day && p->moves_on_day <= p->joins_on_day)
				p->moves_on_day = p->joins_on_day + 1 + p->moves_on_day % (364 - p->joins_on_day);
			moves++;
		} else if (p->party && secretaries < 167) {
			p->secretary = 1;
			secretaries++;
		}
	}
	return rc;
}

static person *find_person(demo *d, const char *uid)
{
	for (int i = 0; i < d->np; i++)
		if (strcmp(d->p[i].uid, uid) == 0)
			return &d->p[i];
	return NULL;
}

/* Day of year (0-based) of an ISO date in the demo year; -1 otherwise. */
static int doy_of(int year, const char *iso)
{
	static const int before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	int y, m, day;

	if (iso == NULL || sscanf(iso, "%4d-%2d-%2d", &y, &m, &day) != 3 || y != year || m < 1 || m > 12)
		return -1;
	return before[m - 1] + day - 1;
}

/* A year of casework: festival and birthday obligations visited (some late, a few missed), hospital stays, deaths. */
static int cases(demo *d, yh_err *err)
{
	char from[40], to[40], *list = NULL, date[40], at[64], lim[8] = "5000";
	json_t *obs = NULL, *ob;
	size_t k;
	int rc;

	snprintf(from, sizeof(from), "%d-01-01", d->year);
	snprintf(to, sizeof(to), "%d-12-31", d->year);
	rc = call(d, yh_obligation_generate, &d->cw, NULL, err, "from", from, "through", to, NULL);
	/* 55 hospital stays: each opens a 重病住院 obligation, met by a hospital visit the next day */
	for (int n = 0; rc == 0 && n < 55; n++) {
		person *p = &d->p[pick(d, d->np)];
		int doy = 10 + pick(d, 320);
		if (!p->cadre || p->dead_before || (p->dies_on_day && p->dies_on_day <= doy + 3) ||
		    (p->moves_on_day && p->moves_on_day <= doy + 3)) {
			n--;
			continue;
		}
		day_of(d->year, doy, date);
		rc = event(d, "hospitalised", p->uid, date, err);
		day_of(d->year, doy + 1, date);
		snprintf(at, sizeof(at), "%sT15:30:00", date);
		if (rc == 0)
			rc = visit(d, p->uid, at, "重病住院", "医院", NULL, "1000.00", err);
	}
	if (rc == 0) {
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "state", "open", YH_FV_STRING, NULL);
		yh_fields_set(f, "from", from, YH_FV_STRING, NULL);
		yh_fields_set(f, "to", to, YH_FV_STRING, NULL);
		yh_fields_set(f, "limit", lim, YH_FV_STRING, NULL);
		rc = yh_obligation_list(d->db, &d->cw, f, &list, err);
		yh_fields_free(f);
	}
	obs = rc == 0 ? json_loads(list, 0, NULL) : NULL;
	json_array_foreach(obs, k, ob) {
		person *p = find_person(d, yh_eval_str(json_object_get(ob, "person"), "id"));
		int due = doy_of(d->year, yh_eval_str(ob, "due_on")), start = doy_of(d->year, yh_eval_str(ob, "window_start"));
		int end = doy_of(d->year, yh_eval_str(ob, "window_end")), roll = pick(d, 100), day;
		const char *occ = yh_eval_str(ob, "occasion");
		if (rc != 0 || p == NULL || due < 0 || roll < 6)
			continue; /* about 6 % are missed: the figures should show it */
		if (start < 0)
			start = 0;
		if (end < 0)
			end = 364;
		day = roll < 14 && end > due ? due + 1 + pick(d, end - due) : start + pick(d, due - start + 1);
		if ((p->dies_on_day && day >= p->dies_on_day) || (p->moves_on_day && day >= p->moves_on_day))
			continue;
		day_of(d->year, day, date);
		snprintf(at, sizeof(at), "%sT10:00:00", date);
		rc = visit(d, p->uid, at, occ, pick(d, 5) == 0 ? "电话" : "上门", yh_eval_str(ob, "id"),
			strcmp(occ, "重大节日") == 0 || strcmp(occ, "重要生日") == 0 ? (p->cat == C_TUIXIU ? "300.00" : "500.00") :
			NULL, err);
	}
	/* deaths and transfers of the year, each through its own operation */
	for (int i = 0; rc == 0 && i < d->np; i++) {
		person *p = &d->p[i];
		if (p->dies_on_day) {
			day_of(d->year, p->dies_on_day, date);
			rc = event(d, "death", p->uid, date, err);
			day_of(d->year, p->dies_on_day + 1, date);
			snprintf(at, sizeof(at), "%sT09:00:00", date);
			if (rc == 0)
				rc = visit(d, p->uid, at, "临终去世", "上门", NULL, "2000.00", err);
		} else if (p->moves_on_day) {
			yh_fields *f = NULL;
			char *out = NULL;
			day_of(d->year, p->moves_on_day, date);
			yh_fields_new(&f);
			yh_fields_set(f, "date", date, YH_FV_STRING, NULL);
			yh_fields_set(f, "to", "广州市（示例）", YH_FV_STRING, NULL);
			rc = yh_roster_transfer_out(d->db, &d->cw, p->uid, f, &out, err);
			yh_fields_free(f);
			free(out);
		}
	}
	json_decref(obs);
	free(list);
	return rc;
}

/* generate -> approve (by another person) -> bank file -> settled, like a real batch. */
static int batch(demo *d, const char *programme, const char *period, const char *paid_on, yh_err *err)
{
	char *out = NULL, id[37], path[] = "/tmp/yinhui-demo-bank-XXXXXX", ref[64];
	yh_bankfile_opts o = { YH_TABLE_CSV, "utf-8-bom", path };
	yh_fields *f = NULL;
	int fd, rc;

	rc = call(d, yh_batch_generate, &d->clerk, &out, err, "programme", programme, "period", period, "note", "示例", NULL);
	json_id(out, id);
	free(out);
	out = NULL;
	if (rc == 0) {
		yh_fields_new(&f);
		yh_fields_set(f, "meeting_ref", "局党组会议纪要（示例）", YH_FV_STRING, NULL);
		rc = yh_batch_approve(d->db, &d->approver, id, f, &out, err);
		yh_fields_free(f);
		free(out);
		out = NULL;
	}
	if (rc != 0)
		return rc;
	fd = mkstemp(path);
	if (fd < 0)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create a temporary file");
	close(fd);
	rc = yh_batch_export(d->db, &d->clerk, id, &o, &out, err);
	unlink(path);
	free(out);
	out = NULL;
	snprintf(ref, sizeof(ref), "DEMO-%s-%s", programme, period);
	if (rc == 0) {
		yh_fields_new(&f);
		yh_fields_set(f, "bank_ref", ref, YH_FV_STRING, NULL);
		yh_fields_set(f, "paid_on", paid_on, YH_FV_STRING, NULL);
		rc = yh_batch_settle(d->db, &d->clerk, id, f, &out, err);
		yh_fields_free(f);
		free(out);
	}
	return rc;
}

static void account(demo *d, char out[40])
{
	snprintf(out, 24, "621700%013llu", (unsigned long long)(next(d) % 10000000000000ULL));
}

/* 定期困难补助 for the survivors (quarterly) and the branch secretaries' yearly allowance. */
static int payments(demo *d, yh_err *err)
{
	char start[40], acct[40], period[16], paid[40], *out = NULL, bid[37];
	int rc, n = 0;

	snprintf(start, sizeof(start), "%d-01-01", d->year - 3);
	rc = call(d, yh_programme_add, &d->clerk, NULL, err, "code", "spouse_hardship", "name",
		"已故企业离休干部配偶定期困难补助（示例）", "kind", "subsidy", "budget_line", "离休干部待遇·困难补助（示例）",
		"period", "quarterly", "beneficiary", "survivor", "relationships", "[\"配偶\"]", "require_alive", "true",
		"amount", "7890.00", "valid_from", "2015-01-01", NULL);
	for (int i = 0; rc == 0 && i < d->np; i++) {
		if (d->p[i].cadre)
			continue;
		account(d, acct);
		rc = call(d, yh_enrol_add, &d->clerk, NULL, err, "programme", "spouse_hardship", "person", d->p[i].uid,
			"start_on", start, "account", acct, "bank_name", "中国建设银行湛江分行（示例）", "note", "示例", NULL);
	}
	for (int q = 1; rc == 0 && q <= 4; q++) {
		snprintf(period, sizeof(period), "%d-Q%d", d->year, q);
		snprintf(paid, sizeof(paid), "%d-%02d-10", d->year, q * 3);
		rc = batch(d, "spouse_hardship", period, paid, err);
	}
	if (rc == 0)
		rc = call(d, yh_programme_add, &d->clerk, NULL, err, "code", "branch_secretary", "name",
			"离退休干部党支部书记工作补贴（示例）", "kind", "branch_allowance", "budget_line",
			"离退休干部党建工作经费（示例）", "period", "yearly", NULL);
	snprintf(start, sizeof(start), "%d-01-01", d->year - 1);
	for (int i = 0; rc == 0 && i < d->np; i++) {
		char name[128];
		person *p = &d->p[i];
		if (!p->secretary)
			continue;
		snprintf(name, sizeof(name), "离退休干部第%d党支部（示例）", ++n);
		rc = call(d, yh_branch_add, &d->clerk, &out, err, "name", name, "type", "支部", "unit", p->unit,
			"member_count", "12", "founded_on", "2015-06-01", "note", "示例", NULL);
		json_id(out, bid);
		free(out);
		out = NULL;
		if (rc == 0) {
			yh_fields *f = NULL;
			yh_fields_new(&f);
			yh_fields_set(f, "person", p->uid, YH_FV_STRING, NULL);
			yh_fields_set(f, "post", "书记", YH_FV_STRING, NULL);
			yh_fields_set(f, "from_on", start, YH_FV_STRING, NULL);
			rc = yh_branch_post_add(d->db, &d->clerk, bid, f, &out, err);
			yh_fields_free(f);
			free(out);
			out = NULL;
		}
		account(d, acct);
		if (rc == 0)
			rc = call(d, yh_enrol_add, &d->clerk, NULL, err, "programme", "branch_secretary", "person", p->uid,
				"start_on", start, "account", acct, "bank_name", "中国工商银行湛江分行（示例）", "note", "示例", NULL);
	}
	snprintf(period, sizeof(period), "%d", d->year);
	snprintf(paid, sizeof(paid), "%d-12-20", d->year);
	if (rc == 0)
		rc = batch(d, "branch_secretary", period, paid, err);
	return rc;
}

/* The seed's 2022 budget figures (局本级 with its two non-independent units). */
static int budget(demo *d, yh_err *err)
{
	static const char bureau[] =
		"{\"budget_general\":\"41139800.00\",\"revenue_general\":\"41173500.00\",\"revenue_govfund\":\"83000.00\","
		"\"expenditure_basic\":\"16828500.00\",\"expenditure_project\":\"24682200.00\",\"carryover_used\":\"254200.00\","
		"\"carryover_end\":\"0.00\",\"carryover_prev_end\":\"254200.00\",\"procurement_budget\":\"410000.00\","
		"\"procurement_actual\":\"166300.00\",\"public_funds_budget\":\"2324000.00\",\"public_funds_actual\":\"673300.00\","
		"\"three_public_vehicle_budget\":\"431600.00\",\"three_public_reception_budget\":\"73000.00\","
		"\"three_public_abroad_budget\":\"50000.00\",\"three_public_vehicle_actual\":\"94600.00\","
		"\"three_public_reception_actual\":\"8500.00\",\"three_public_abroad_actual\":\"0.00\","
		"\"assets_in_use\":\"20435100.00\",\"assets_total\":\"20435100.00\",\"staff_quota_admin\":25,"
		"\"staff_quota_worker\":3,\"staff_in_post\":26,\"retirees_funded_lixiu\":1,\"retirees_funded_tuixiu\":41,"
		"\"projects_provincial\":2,\"projects_city\":13}";
	const char *units[] = { d->root, "chikan", "xiashan" };
	const char *items[] = { bureau, "{\"staff_quota_institution\":13,\"staff_in_post\":22}",
		"{\"staff_quota_institution\":12,\"staff_in_post\":22}" };
	int rc = 0;

	for (int i = 0; rc == 0 && i < 3; i++) {
		yh_fields *f = NULL;
		char *out = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "unit", units[i], YH_FV_STRING, NULL);
		yh_fields_set(f, "items", items[i], YH_FV_JSON, NULL);
		yh_fields_set(f, "note", "示例：部门决算数据（取自2022年度自评报告）", YH_FV_STRING, NULL);
		rc = yh_budget_set(d->db, &d->clerk, d->year, f, &out, err);
		yh_fields_free(f);
		free(out);
	}
	return rc;
}

/* The activity register with the seed's counts (20 场次, 60多支, 9000多人, 200多次 ...). */
static int activities(demo *d, yh_err *err)
{
	static const struct {
		const char *type, *title;
		int records, quantity_total, participants_lo, participants_hi;
		const char *funding;
	} plan[] = {
		{ "study_session", "学习贯彻党的二十大精神专题研讨会", 20, 0, 25, 80, NULL },
		{ "key_task", "离退休干部党建重点工作任务", 10, 33, 0, 0, NULL },
		{ "volunteer_team", "老干部志愿服务队成立", 62, 0, 8, 30, NULL },
		{ "volunteer_registration", "“i志愿”平台老干部志愿者注册", 12, 9126, 0, 0, NULL },
		{ "volunteer_activity", "老干部志愿服务活动", 206, 0, 6, 40, NULL },
		{ "volunteer_project", "“喜迎二十大·银晖耀港城”志愿服务项目", 20, 0, 10, 40, "2600.00" },
		{ "exhibition", "“喜迎党的二十大 奋进新时代”书画美术摄影展", 1, 206, 10350, 10350, NULL },
		{ "interview", "“建言二十大”专题调研上门访谈", 25, 512, 0, 0, NULL },
		{ "symposium", "专题调研座谈会", 20, 0, 12, 30, NULL },
		{ "suggestion", "老同志意见建议梳理", 20, 213, 0, 0, NULL },
		{ "transcript", "老干部访谈稿收集", 10, 53, 0, 0, NULL },
		{ "training", "离退休干部党务工作者培训班", 6, 0, 40, 90, NULL },
		{ "publicity", "“银发人才见行动”系列宣传报道", 15, 0, 0, 0, NULL },
		{ "vanguard", "党员先锋队支援抗疫", 1, 0, 15, 15, NULL },
	};
	const char *where[] = { d->root, d->root, "chikan", "xiashan", "suixi", "wuchuan" };
	int rc = 0;

	for (size_t t = 0; rc == 0 && t < sizeof(plan) / sizeof(plan[0]); t++) {
		int left = plan[t].quantity_total;
		for (int i = 0; rc == 0 && i < plan[t].records; i++) {
			char title[256], date[40], qty[16], part[16];
			int q = 1, span = plan[t].participants_hi - plan[t].participants_lo;
			if (plan[t].quantity_total > 0) {
				q = i == plan[t].records - 1 ? left : plan[t].quantity_total / plan[t].records;
				left -= q;
			}
			snprintf(qty, sizeof(qty), "%d", q);
			snprintf(part, sizeof(part), "%d", plan[t].participants_lo + (span > 0 ? pick(d, span + 1) : 0));
			snprintf(title, sizeof(title), "%s（示例%d）", plan[t].title, i + 1);
			day_of(d->year, 20 + pick(d, 330), date);
			rc = call(d, yh_activity_add, &d->clerk, NULL, err, "type", plan[t].type, "title", title,
				"held_on", date, "unit", strcmp(plan[t].type, "study_session") == 0 ? where[i % 6] :
				(i % 3 ? d->root : where[i % 6]), "participants", part, "quantity", qty,
				"funding_yuan", plan[t].funding, "evidence", "示例：活动通知、签到表及照片存档", "note", "示例数据", NULL);
			if (rc == 0)
				d->activities++;
		}
	}
	return rc;
}

/* The department template, its manual values with evidence, and the report's prose (marked 示例). */
static int evaluation(demo *d, const char *root, yh_err *err)
{
	static const char *const qualitative[] = { "D1.1.1", "D1.1.2", "D1.1.3", "D1.2.1", "D1.2.2", "D2.3.1", "D3.1.1",
		"D3.1.2", "D4.1.1" };
	static const char *const manual[][3] = {
		{ "D2.2.1", "100", "示例：省级下达项目2个、市级申报项目13个，年末均已完成项目计划" },
		{ "D2.2.2", "100", "示例：10项33点重点工作任务年末均已办结" },
		{ "D5.2.1", "93.8", "示例：年末市直机关“四个全面”绩效考核财务部分得分" },
	};
	static const char *const texts[][2] = {
		{ "functions", "【示例】市委老干部局是为市委管理老干部的工作机构，老干部包括离休干部和副处级以上退休干部。"
		  "主要职责是贯彻执行党和国家有关老干部工作的方针、政策，督促落实老干部的政治待遇、生活待遇，"
		  "组织协调老干部参加重大活动，指导老干部活动场所和服务管理工作。" },
		{ "organisation", "【示例】内设办公室、综合调研科、离退休老干部管理科、关工科4个职能科（室）；"
		  "列入预算编制的下属非独立核算单位为赤坎、霞山两个老干部休养所。" },
		{ "goals", "【示例】以学习贯彻党的二十大精神为主线推进离退休干部党的建设；以精准服务管理为重点提高老干部幸福感满意度；"
		  "引导老同志发挥优势作用；加强老干部工作队伍自身建设。" },
		{ "process", "【示例】成立绩效评价工作小组，拟定绩效评价工作方案，收集整理自评材料，对照评价指标体系逐项打分，"
		  "形成部门整体支出绩效自评报告，经自评小组复核后报局领导审批。" },
		{ "problems", "【示例】整体支出绩效目标与产出的数量指标、质量指标缺乏对应性，部分指标的可操作性不强。" },
		{ "measures", "【示例】注重绩效目标与评价指标的关联性，依据业务记录量化指标，按季度跟踪预算执行和政府采购进度。" },
	};
	char y[16], *out = NULL, *one = NULL;
	const char *p[1] = { y };
	int rc = 0;

	snprintf(y, sizeof(y), "%d", d->year);
	if (yh_db_query_text(d->db, &one, "SELECT 1 FROM yh.indicator WHERE year = $1::int LIMIT 1", 1, p, NULL, NULL) != 0)
		rc = yh_indicator_template_load(d->db, &d->clerk, d->year, "department", &out, err);
	free(one);
	free(out);
	for (size_t i = 0; rc == 0 && i < sizeof(qualitative) / sizeof(qualitative[0]); i++) {
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "unit", root, YH_FV_STRING, NULL);
		yh_fields_set(f, "rating", "achieved", YH_FV_STRING, NULL);
		yh_fields_set(f, "evidence", "示例：自评工作底稿及相关制度文件", YH_FV_STRING, NULL);
		out = NULL;
		rc = yh_indicator_assess(d->db, &d->clerk, d->year, qualitative[i], f, &out, err);
		if (rc == YH_ENOTFOUND || rc == YH_EINVAL) /* a year with its own tree keeps it */
			rc = 0;
		yh_fields_free(f);
		free(out);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(manual) / sizeof(manual[0]); i++) {
		yh_fields *f = NULL;
		yh_fields_new(&f);
		yh_fields_set(f, "unit", root, YH_FV_STRING, NULL);
		yh_fields_set(f, "manual_value", manual[i][1], YH_FV_STRING, NULL);
		yh_fields_set(f, "evidence", manual[i][2], YH_FV_STRING, NULL);
		out = NULL;
		rc = yh_indicator_assess(d->db, &d->clerk, d->year, manual[i][0], f, &out, err);
		if (rc == YH_ENOTFOUND || rc == YH_EINVAL)
			rc = 0;
		yh_fields_free(f);
		free(out);
	}
	for (size_t i = 0; rc == 0 && i < sizeof(texts) / sizeof(texts[0]); i++)
		rc = yh_eval_text_set(d->db, &d->clerk, d->year, root, texts[i][0], texts[i][1], err);
	return rc;
}

int yh_demo_load(yh_db *db, const yh_actor *a, int year, char **out, yh_err *err)
{
	demo *d = NULL;
	yh_rows *r = NULL;
	yh_eval_unit root;
	char y[16];
	const char *p[2];
	int rc, tx = 0, cadres = 0;

	*out = NULL;
	if (a->role != YH_ROLE_ADMIN)
		return yh_err_set(err, YH_EFORBIDDEN, NULL, "only an admin may load the sample bureau");
	rc = yh_eval_year_check(year, err);
	if (rc == 0)
		rc = yh_eval_unit_resolve(db, a, NULL, &root, err);
	if (rc == 0)
		rc = yh_db_query(db, &r, Q_REAL, 0, NULL, err);
	if (rc == 0 && atol(yh_rows_get(r, 0, "loaded")) > 0)
		rc = yh_err_set(err, YH_ECONFLICT, NULL, "the sample bureau is already loaded");
	if (rc == 0 && atol(yh_rows_get(r, 0, "real")) > 0)
		rc = yh_err_set(err, YH_ECONFLICT, NULL, "the database holds %s real record(s); the sample bureau loads"
			" only into a database without real data", yh_rows_get(r, 0, "real"));
	yh_rows_free(r);
	if (rc != 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	d->db = db;
	d->admin = a;
	d->year = year;
	snprintf(d->root, sizeof(d->root), "%s", root.code);
	d->rng = 0x59494E4855490000ULL + (uint64_t)year; /* "YINHUI" + year */
	/* all or nothing: one transaction around every module's own */
	rc = yh_db_begin(db, err);
	tx = rc == 0;
	if (rc == 0)
		rc = units(d, root.code, err);
	if (rc == 0)
		rc = staff(d, root.code, err);
	if (rc == 0)
		rc = people(d, err);
	if (rc == 0)
		rc = cases(d, err);
	if (rc == 0)
		rc = payments(d, err);
	if (rc == 0)
		rc = budget(d, err);
	if (rc == 0)
		rc = activities(d, err);
	if (rc == 0)
		rc = evaluation(d, root.code, err);
	for (const char *const *u = (const char *const[]){ "demo-clerk", "demo-approver", "demo-caseworker", NULL };
	     rc == 0 && *u; u++)
		rc = yh_staff_set_disabled(db, a, *u, 1, err);
	snprintf(y, sizeof(y), "%d", year);
	p[0] = y;
	p[1] = "示例数据：yinhui demo load 生成的样例老干部局，非真实数据";
	if (rc == 0)
		rc = yh_db_exec(db, Q_MARK, 2, p, err);
	for (int i = 0; i < d->np; i++)
		cadres += d->p[i].cadre;
	if (rc >= 0) {
		json_t *sum = json_pack("{s:i,s:s,s:i,s:i,s:I,s:I,s:s}", "year", year, "root", root.code, "cadres", cadres,
			"survivors", d->np - cadres, "visits", (json_int_t)d->visits, "activities", (json_int_t)d->activities,
			"note", "示例数据 (sample data): staff demo-clerk, demo-approver, demo-caseworker are disabled");
		*out = sum ? json_dumps(sum, JSON_COMPACT) : NULL;
		json_decref(sum);
		rc = *out ? 0 : yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	if (rc == 0)
		rc = yh_audit(db, a, "demo.load", "demo", y, NULL, *out, err);
	if (tx && rc == 0)
		rc = yh_db_commit(db, err);
	else if (tx)
		yh_db_rollback(db);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	free(d);
	return rc;
}
