/*
 * roster_export.c - the active cadres as a table in the import's columns,
 * so an exported file imports back without a change. CSV is UTF-8 with a
 * BOM by default (Excel reads it right); GBK and XLSX on request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/roster_internal.h"
#include "yinhui/audit.h"
#include "yinhui/encoding.h"
#include "yinhui/pii.h"
#include "yinhui/table.h"
#include "yinhui/util.h"

/* One row per active cadre, cells already in the file's text forms (phones "label:number;..."). */
static const char Q_EXPORT[] =
	"SELECT p.name, CASE p.gender WHEN 'M' THEN '男' ELSE '女' END AS gender,"
	" '\\x' || encode(p.id_cipher, 'hex') AS id_cipher, p.id_masked,"
	" to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.category, p.former_employer, p.rank,"
	" to_char(p.joined_on, 'YYYY-MM-DD') AS joined_on, to_char(p.retired_on, 'YYYY-MM-DD') AS retired_on,"
	" u.code AS unit, p.district, p.address,"
	" (SELECT string_agg(CASE WHEN e->>'label' IS NULL THEN e->>'number' ELSE (e->>'label') || ':' || (e->>'number') END,"
	"  ';' ORDER BY o) FROM jsonb_array_elements(p.phones) WITH ORDINALITY AS x(e, o)) AS phones,"
	" (SELECT string_agg((e->>'name') || '/' || (e->>'relationship') || '/' || (e->>'phone'), ';' ORDER BY o)"
	"  FROM jsonb_array_elements(p.emergency_contacts) WITH ORDINALITY AS x(e, o)) AS emergency_contacts,"
	" p.living_situation, p.care_level, CASE WHEN p.remote THEN '是' ELSE '否' END AS remote,"
	" CASE WHEN p.party_member THEN '是' ELSE '否' END AS party_member,"
	" to_char(p.added_on, 'YYYY-MM-DD') AS added_on, p.note"
	" FROM yh.person p JOIN yh.unit u ON u.id = p.unit_id"
	" WHERE p.kind = 'cadre' AND p.deceased_on IS NULL AND p.transferred_out_on IS NULL"
	" AND ($1::bigint IS NULL OR p.unit_id = ANY (yh.subtree($1::bigint)))"
	" AND ($2::bigint IS NULL OR p.unit_id = ANY (yh.subtree($2::bigint)))"
	" AND ($3::text IS NULL OR p.category = $3) ORDER BY u.code, p.name, p.id";

static int write_rows(yh_table *t, const yh_rows *rows, int full, yh_err *err)
{
	const char *headers[32], *cells[32];
	char id18[64];
	int rc;

	for (size_t k = 0; k < yh_roster_ncolumns; k++)
		headers[k] = yh_roster_columns[k].header;
	rc = yh_table_header(t, headers, yh_roster_ncolumns, err);
	for (size_t i = 0; rc == 0 && i < yh_rows_count(rows); i++) {
		for (size_t k = 0; k < yh_roster_ncolumns; k++) {
			const char *f = yh_roster_columns[k].field;
			if (strcmp(f, "id_number") == 0) {
				if (!full) {
					cells[k] = yh_rows_get(rows, i, "id_masked");
					continue;
				}
				rc = yh_pii_open(id18, sizeof(id18), yh_rows_get(rows, i, "id_cipher"), err);
				if (rc != 0)
					break;
				cells[k] = id18;
			} else {
				cells[k] = yh_rows_get(rows, i, f);
			}
		}
		if (rc == 0)
			rc = yh_table_row(t, cells, NULL, yh_roster_ncolumns, err);
	}
	memset(id18, 0, sizeof(id18));
	return rc;
}

int yh_roster_export(yh_db *db, const yh_actor *a, const yh_roster_export_opts *opts, const char *path,
	size_t *rows_out, yh_err *err)
{
	yh_roster_export_opts o = { NULL, NULL, YH_TABLE_CSV, YH_ENC_UTF8_BOM, 0 };
	char scope_buf[24], unit[24], after[512];
	const char *p[3];
	yh_rows *rows = NULL;
	yh_table *t = NULL;
	int rc, full, in_tx = 0;

	if (opts != NULL)
		o = *opts;
	if (o.format == 0)
		o.format = YH_TABLE_CSV;
	if (o.encoding == 0)
		o.encoding = YH_ENC_UTF8_BOM;
	*rows_out = 0;
	rc = yh_authz(a, YH_P_ROSTER_READ, err);
	if (rc != 0)
		return rc;
	if (o.category != NULL && strcmp(o.category, "离休") != 0 && strcmp(o.category, "退休") != 0 &&
	    strcmp(o.category, "企业离休") != 0 && strcmp(o.category, "建国初期参加工作的退休干部") != 0)
		return yh_err_set(err, YH_EINVAL, "category", "unknown category \"%.40s\"", o.category);
	full = !o.masked && yh_authz_has(a, YH_P_IDNO_READ);
	p[0] = yh_actor_scope(a, scope_buf);
	p[1] = NULL;
	p[2] = o.category;
	if (o.unit != NULL) {
		rc = yh_roster_unit(db, a, o.unit, "unit", unit, err);
		if (rc != 0)
			return rc;
		p[1] = unit;
	}
	/* the audit row of a full export commits only with a finished file */
	if (full) {
		rc = yh_db_begin(db, err);
		if (rc != 0)
			return rc;
		in_tx = 1;
	}
	rc = yh_db_query(db, &rows, Q_EXPORT, 3, p, err);
	if (rc == 0)
		rc = yh_table_open(&t, path, o.format, o.encoding, "干部名册", err);
	if (rc == 0)
		rc = write_rows(t, rows, full, err);
	if (rc != 0)
		goto done;
	if (full) {
		snprintf(after, sizeof(after), "{\"rows\":%zu,\"unit\":\"%s\",\"format\":\"%s\",\"full_id_numbers\":true}",
			yh_rows_count(rows), o.unit ? o.unit : "", o.format == YH_TABLE_XLSX ? "xlsx" : "csv");
		rc = yh_audit(db, a, "person.export", "person", NULL, NULL, after, err);
	}
	if (rc == 0) {
		rc = yh_table_close(t, err);
		t = NULL;
	}
	if (rc == 0 && in_tx) {
		rc = yh_db_commit(db, err);
		in_tx = 0;
	}
	if (rc == 0)
		*rows_out = yh_rows_count(rows);
done:
	yh_table_discard(t);
	if (in_tx)
		yh_db_rollback(db);
	yh_rows_free(rows);
	return rc;
}

int yh_roster_export_buffer(yh_db *db, const yh_actor *a, const yh_roster_export_opts *opts,
	char **out, size_t *len, yh_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char dir[1024], path[1100];
	size_t rows = 0;
	int rc;

	*out = NULL;
	*len = 0;
	/* the table writer works on files (XLSX needs one); a private directory keeps the data ours */
	snprintf(dir, sizeof(dir), "%s/yinhui-export-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot create a temporary directory: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/export", dir);
	rc = yh_roster_export(db, a, opts, path, &rows, err);
	if (rc == 0 && yh_file_read(path, 1u << 30, out, len) != 0)
		rc = yh_err_set(err, YH_EUNAVAILABLE, NULL, "cannot read back the export");
	unlink(path);
	rmdir(dir);
	return rc;
}
