/*
 * roster_internal.h - what the roster's source files share: the person
 * record being written, its validation, and SQL fragments. Private to
 * src/core/roster*.c.
 */
#ifndef YH_ROSTER_INTERNAL_H
#define YH_ROSTER_INTERNAL_H

#include "yinhui/actor.h"
#include "yinhui/db.h"
#include "yinhui/fields.h"
#include "yinhui/roster.h"

/* Columns of yh.person a write may set, in yh_roster_cols order. */
enum yh_rc {
	RC_NAME,
	RC_GENDER,
	RC_ID_BIDX,
	RC_ID_CIPHER,
	RC_ID_MASKED,
	RC_ID_LEGACY,
	RC_BIRTH_DATE,
	RC_CATEGORY,
	RC_FORMER_EMPLOYER,
	RC_RANK,
	RC_JOINED_ON,
	RC_RETIRED_ON,
	RC_UNIT_ID,
	RC_DISTRICT,
	RC_ADDRESS,
	RC_PHONES,
	RC_EMERGENCY,
	RC_LIVING,
	RC_CARE,
	RC_REMOTE,
	RC_PARTY,
	RC_ADDED_ON,
	RC_NOTE,
	RC_RELATIONSHIP,
	RC_COUNT
};

/* The column names (for yh_sql_assignments; names only). */
extern const yh_field_spec yh_roster_cols[RC_COUNT];
/* The input fields of create and update (API names). */
extern const yh_field_spec yh_roster_input[];
extern const size_t yh_roster_ninput;

/*
 * A person as it will be written: the current values on update (loaded
 * with yh_roster_rec_load), the input applied on top, derived columns
 * filled. set[i] marks the columns this operation changes.
 */
typedef struct yh_person_rec {
	char *val[RC_COUNT];
	unsigned char set[RC_COUNT];
	char kind[16];
	char id18[19];               /* canonical plain ID number */
	char deceased_on[11];        /* "" when alive */
	char transferred_out_on[11]; /* "" when not transferred */
} yh_person_rec;

void yh_roster_rec_init(yh_person_rec *r);
void yh_roster_rec_dispose(yh_person_rec *r);

/*
 * Fills r from row `row` of a query selecting the columns of yh_roster_cols
 * by name (id_cipher as its bytea text form) plus kind, deceased_on and
 * transferred_out_on; opens the sealed ID number. No column is marked set.
 */
int yh_roster_rec_load(yh_person_rec *r, const yh_rows *rows, size_t row, yh_err *err);

/*
 * Copies in, turning the text forms a person may type into the structured
 * ones: phones "138...;0759-..." -> JSON array, emergency_contacts
 * "姓名/关系/电话;..." -> JSON array. Refuses deceased_on and
 * transferred_out_on with a message naming the operation that sets them.
 */
int yh_roster_fields_prepare(const yh_fields *in, yh_fields **out, yh_err *err);

/*
 * Applies validated input v to r and checks the merged person: ID number
 * (sealed, blind index, masked; 15 digits upgraded when raw_idno has 15),
 * gender and birth date against it (filled from it when absent), dates not
 * in the future and in order, category rules (离休 joined by 1949-09-30),
 * phones and contacts normalised. unit_id is the resolved unit (text) when
 * the input named one. today is "YYYY-MM-DD". YH_EINVAL naming the field.
 */
int yh_roster_rec_apply(yh_person_rec *r, const yh_values *v, const char *raw_idno, const char *unit_id,
	int creating, const char *today, yh_err *err);

/* Today in Asia/Shanghai (UTC+8) as "YYYY-MM-DD", the day the database session sees. */
void yh_roster_today(char out[11]);

/* Resolves a unit code within the actor's scope: YH_EINVAL (unknown), YH_EFORBIDDEN (outside). */
int yh_roster_unit(yh_db *db, const yh_actor *a, const char *code, const char *field, char out[24], yh_err *err);

/* Escapes LIKE wildcards: out gets s with \ % _ escaped and a trailing %. Caller frees. */
char *yh_roster_like_prefix(const char *s);

/* A column of the import/export file: the field, its export header, other accepted headers. */
typedef struct yh_roster_column {
	const char *field;
	const char *header;
	const char *aliases[5];
} yh_roster_column;

/* The file's columns in export order (roster_csv.c). */
#define YH_ROSTER_NCOLUMNS 20
extern const yh_roster_column yh_roster_columns[YH_ROSTER_NCOLUMNS];
extern const size_t yh_roster_ncolumns;

/* How a cell of each column is read, parallel to yh_roster_columns. */
enum yh_cell_kind {
	CK_TEXT,    /* as it is; empty clears */
	CK_KEY,     /* the name: required */
	CK_DERIVED, /* gender, birth date: empty means "from the ID number" */
	CK_DATE,
	CK_ADDED,   /* added_on: empty keeps the person's, or today for a new one */
	CK_UNIT,    /* a unit code or name */
	CK_LIST,    /* phones, contacts in their text forms */
	CK_BOOL,    /* 是/否 */
	CK_ID,      /* the ID number */
	CK_ALIAS    /* a category, with its common long forms */
};
extern const enum yh_cell_kind yh_roster_column_kind[YH_ROSTER_NCOLUMNS];

/* Units by code and by name, with the actor's scope, loaded once per import. */
typedef struct yh_roster_units {
	yh_rows *rows;
	size_t n;
	const char **id, **code, **name;
	unsigned char *ok;
} yh_roster_units;

/* Takes ownership of rows (id, code, name, ok). 0 or YH_EINTERNAL. */
int yh_roster_units_load(yh_roster_units *m, yh_rows *rows);
void yh_roster_units_free(yh_roster_units *m);
/* A unit by code, else by its unique name: 0 found (*id borrowed); 1 unknown; 2 ambiguous; 3 outside scope. */
int yh_roster_units_find(const yh_roster_units *m, const char *s, const char **id);

/* Trims spaces (ASCII and U+3000) in place and drops a spreadsheet's formula guard ('=...) and text form (="..."). */
char *yh_roster_cell_trim(char *s);
/* Full-width ASCII (U+FF01..U+FF5E, what a Chinese input method types) and U+3000 -> ASCII, in place. */
void yh_roster_cell_halfwidth(char *s);
/*
 * Spreadsheet dates (1930/7/1, 1930.07.01, 19300701, 1930年7月1日, 1945.03,
 * 1930/7/1 0:00) -> YYYY-MM-DD in out; anything else is copied as it is for
 * the date validator. Returns 0; 1 when the cell names only a month (1945.03,
 * 1945年3月: out is its first day); or -1 with a message in why when the cell
 * is a date a spreadsheet damaged or one that reads two ways (1949.1 from
 * 1949.10, a serial number, 3/5/1941, 41-3-5).
 */
int yh_roster_cell_date(char *out, size_t n, const char *s, char *why, size_t whylen);
/*
 * Returns -1 with a message in why when a cell of field (id_number, phones,
 * emergency_contacts) is a number a spreadsheet mangled: scientific notation,
 * a trailing .0, an 18-digit ID number cut to 15 digits, a landline that lost
 * its leading 0. Else 0.
 */
int yh_roster_cell_mangled(char *why, size_t whylen, const char *field, const char *s);
/* Common long forms (离休干部, 是/否, 男性) -> the field's value; else s. */
const char *yh_roster_cell_alias(const char *field, const char *s);

/* The person as JSON (alias p): everything, with the masked ID number. */
#define YH_PERSON_JSON \
	"json_build_object('id', p.uid, 'kind', p.kind, 'name', p.name, 'gender', p.gender," \
	" 'id_number', p.id_masked, 'id_legacy', p.id_legacy, 'birth_date', p.birth_date," \
	" 'age', yh.age_on(p.birth_date, coalesce(p.deceased_on, current_date))," \
	" 'category', p.category, 'former_employer', p.former_employer, 'rank', p.rank," \
	" 'joined_on', p.joined_on, 'retired_on', p.retired_on," \
	" 'unit', (SELECT u.code FROM yh.unit u WHERE u.id = p.unit_id)," \
	" 'unit_name', (SELECT u.name FROM yh.unit u WHERE u.id = p.unit_id)," \
	" 'district', p.district, 'address', p.address, 'phones', p.phones," \
	" 'emergency_contacts', p.emergency_contacts, 'living_situation', p.living_situation," \
	" 'care_level', p.care_level, 'remote', p.remote, 'party_member', p.party_member," \
	" 'alive', p.deceased_on IS NULL, 'deceased_on', p.deceased_on," \
	" 'transferred_out_on', p.transferred_out_on, 'transferred_to', p.transferred_to," \
	" 'active', p.deceased_on IS NULL AND p.transferred_out_on IS NULL," \
	" 'added_on', p.added_on, 'note', p.note," \
	" 'cadre', (SELECT json_build_object('id', c.uid, 'name', c.name) FROM yh.person c WHERE c.id = p.cadre_id)," \
	" 'relationship', p.relationship, 'created_at', p.created_at, 'updated_at', p.updated_at)"

/* A list row (alias p): what a table of persons shows, ID masked. */
#define YH_PERSON_ITEM \
	"json_build_object('id', p.uid, 'kind', p.kind, 'name', p.name, 'gender', p.gender," \
	" 'id_number', p.id_masked, 'birth_date', p.birth_date," \
	" 'age', yh.age_on(p.birth_date, coalesce(p.deceased_on, current_date))," \
	" 'category', p.category, 'rank', p.rank," \
	" 'unit', (SELECT u.code FROM yh.unit u WHERE u.id = p.unit_id)," \
	" 'phone', p.phones->0->>'number', 'living_situation', p.living_situation," \
	" 'care_level', p.care_level, 'remote', p.remote, 'party_member', p.party_member," \
	" 'alive', p.deceased_on IS NULL, 'active', p.deceased_on IS NULL AND p.transferred_out_on IS NULL," \
	" 'deceased_on', p.deceased_on, 'transferred_out_on', p.transferred_out_on," \
	" 'cadre', (SELECT c.name FROM yh.person c WHERE c.id = p.cadre_id), 'relationship', p.relationship)"

/* The record columns by name, for yh_roster_rec_load (alias p). */
#define YH_PERSON_COLS \
	"p.name, p.gender, '\\x' || encode(p.id_bidx, 'hex') AS id_bidx, '\\x' || encode(p.id_cipher, 'hex') AS id_cipher," \
	" p.id_masked, p.id_legacy, to_char(p.birth_date, 'YYYY-MM-DD') AS birth_date, p.category, p.former_employer," \
	" p.rank, to_char(p.joined_on, 'YYYY-MM-DD') AS joined_on, to_char(p.retired_on, 'YYYY-MM-DD') AS retired_on," \
	" p.unit_id, p.district, p.address, p.phones, p.emergency_contacts, p.living_situation, p.care_level, p.remote," \
	" p.party_member, to_char(p.added_on, 'YYYY-MM-DD') AS added_on, p.note, p.relationship, p.kind," \
	" to_char(p.deceased_on, 'YYYY-MM-DD') AS deceased_on, to_char(p.transferred_out_on, 'YYYY-MM-DD') AS transferred_out_on"

#endif
