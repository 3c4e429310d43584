/*
 * pii.h - personal data at rest: 身份证 and bank account numbers are sealed
 * with XChaCha20-Poly1305 (libsodium secretbox) under a key from the
 * configuration, and found again through a keyed BLAKE2b "blind index" that
 * supports exact search and duplicate detection without decrypting.
 *
 * Key: $YINHUI_DATA_KEY (64 hex digits, for tests and containers), else the
 * file named by data_key_file, else <home>/data.key, created on first use
 * with mode 0600. A key file readable by others is refused.
 */
#ifndef YH_PII_H
#define YH_PII_H

#include <stddef.h>

#include "yinhui/db.h"
#include "yinhui/error.h"

#define YH_PII_BIDX_HEX 67 /* "\\x" + 64 hex + NUL, a bytea literal */

/* Names the key file to use when YINHUI_DATA_KEY is not set (front ends call this from the configuration). */
void yh_pii_set_key_file(const char *path);
/* Loads (or creates) the data key once per process. Thread-safe after the first call. */
int yh_pii_init(const char *key_file, yh_err *err);
/*
 * Loads the data key for db (as yh_pii_init) and checks that it is the key
 * the database's values were sealed with: one sealed ID or account number
 * must open with it. When the database holds sealed values, a missing key
 * file is not created afresh (a new key would open none of them). Both
 * cases give YH_EUNAVAILABLE (field "data_key") naming the key. A database
 * without sealed values is like yh_pii_init.
 */
int yh_pii_check(yh_db *db, const char *key_file, yh_err *err);
/* Sealed form of plain as a bytea hex literal ("\\x..."); caller frees *out. */
int yh_pii_seal(char **out, const char *plain, yh_err *err);
/* Opens a sealed bytea hex literal into out (n bytes). YH_EINTERNAL if tampered or wrong key. */
int yh_pii_open(char *out, size_t n, const char *sealed_hex, yh_err *err);
/* Blind index of plain, domain-separated by kind ("idno", "account"). */
int yh_pii_bidx(char out[YH_PII_BIDX_HEX], const char *kind, const char *plain, yh_err *err);

#endif
