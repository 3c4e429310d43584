/*
 * backup.h - logical backups of the whole database with pg_dump's custom
 * format, and their restore with pg_restore.
 *
 * The PostgreSQL programs come from the server's bin directory
 * (yh_cluster_pg_tool) and run through fork/execve with an argv, never a
 * shell. The connection string goes to them with -d, its password (if any)
 * through PGPASSWORD in the child's environment only, so it never shows in
 * a process list. The PII data key (HOME/data.key) is not in the database
 * and so not in the dump: it must be kept alongside, or sealed ID and
 * account numbers cannot be read after a restore.
 */
#ifndef YH_BACKUP_H
#define YH_BACKUP_H

#include "yinhui/error.h"

typedef struct yh_backup_stats {
	long long bytes;  /* size of the archive */
	long tables;      /* ordinary tables in the database afterwards */
	long audit_rows;  /* rows of yh.audit_log afterwards, -1 when there is no such table */
} yh_backup_stats;

/*
 * Dumps the database named by conninfo (any libpq string or URI; "" means
 * libpq's PG* environment) into file, created with mode 0600 (the dump
 * holds password hashes and sealed personal data). The archive is written
 * to "file.partial" and renamed into place only when pg_dump succeeded, so
 * file is never a truncated backup. An existing file is YH_ECONFLICT
 * unless overwrite. stats may be NULL. Returns 0; YH_ECONFLICT;
 * YH_EUNAVAILABLE when pg_dump is missing or fails (its error line in the
 * message); YH_EINVAL for an unparsable conninfo; YH_EINTERNAL for system
 * call failures.
 */
int yh_backup_dump(const char *conninfo, const char *file, int overwrite, yh_backup_stats *stats,
	yh_err *err);

/*
 * Restores an archive made by yh_backup_dump into the database named by
 * conninfo, in one transaction (all or nothing), without owners or grants
 * of the source (the objects belong to the connecting user). A database
 * that already holds tables is refused with YH_ECONFLICT unless force, in
 * which case the objects in the archive are dropped and recreated first.
 * Returns 0; YH_ENOTFOUND when file does not exist; YH_EINVAL when it is
 * not a pg_dump custom-format archive; YH_ECONFLICT; YH_EUNAVAILABLE when
 * the database or pg_restore fails (its error line in the message).
 */
int yh_backup_restore(const char *conninfo, const char *file, int force, yh_backup_stats *stats,
	yh_err *err);

#endif
