#include "yinhui/pii.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "yinhui/cluster.h"
#include "yinhui/util.h"

static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static int key_ready;
static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static unsigned char bidx_key[crypto_generichash_KEYBYTES];
static char configured_path[1100];
static char key_source[1100]; /* where the loaded key came from, for messages */

void yh_pii_set_key_file(const char *path)
{
	pthread_mutex_lock(&key_mu);
	snprintf(configured_path, sizeof(configured_path), "%s", path ? path : "");
	pthread_mutex_unlock(&key_mu);
}

/* Root creating the key in a home owned by the server account hands the key to that account. */
static void give_to_dir_owner(const char *path)
{
	char dir[1100];
	char *slash;
	struct stat st;

	if (geteuid() != 0)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return;
	*slash = '\0';
	if (stat(dir[0] ? dir : "/", &st) == 0 && st.st_uid != 0)
		if (chown(path, st.st_uid, st.st_gid) != 0)
			return;
}

static int derive(const unsigned char master[32])
{
	/* separate subkeys: sealing and indexing never share key material */
	crypto_kdf_derive_from_key(seal_key, sizeof(seal_key), 1, "yh-seal_", master);
	crypto_kdf_derive_from_key(bidx_key, sizeof(bidx_key), 2, "yh-bidx_", master);
	key_ready = 1;
	return 0;
}

static int load_hex(unsigned char master[32], const char *hex, const char *what, yh_err *err)
{
	size_t len = 0;

	if (sodium_hex2bin(master, 32, hex, strlen(hex), " \r\n", &len, NULL) != 0 || len != 32)
		return yh_err_set(err, YH_EUSAGE, "data_key", "%s must hold 64 hex digits", what);
	return 0;
}

/* Loads the key once. may_create 0: a missing key file sets *missing and loads nothing. */
static int init_key(const char *key_file, int may_create, int *missing, yh_err *err)
{
	unsigned char master[32];
	char path[1100], home[1024], *text = NULL;
	const char *env = getenv("YINHUI_DATA_KEY");
	struct stat st;
	int rc = 0;

	pthread_mutex_lock(&key_mu);
	if (key_ready)
		goto done;
	if (sodium_init() < 0) {
		rc = yh_err_set(err, YH_EINTERNAL, NULL, "libsodium failed to initialise");
		goto done;
	}
	if (env && *env) {
		rc = load_hex(master, env, "YINHUI_DATA_KEY", err);
		if (rc == 0)
			derive(master);
		snprintf(key_source, sizeof(key_source), "YINHUI_DATA_KEY");
		goto done;
	}
	if (key_file && *key_file) {
		snprintf(path, sizeof(path), "%s", key_file);
	} else if (configured_path[0]) {
		snprintf(path, sizeof(path), "%s", configured_path);
	} else {
		const char *h = getenv("YINHUI_HOME");
		if (h && *h)
			snprintf(home, sizeof(home), "%s", h);
		else if ((rc = yh_cluster_home(home, sizeof(home), err)) != 0)
			goto done;
		snprintf(path, sizeof(path), "%s/data.key", home);
	}
	snprintf(key_source, sizeof(key_source), "%s", path);
	if (stat(path, &st) != 0 && !may_create) {
		*missing = 1;
		goto done;
	}
	if (stat(path, &st) != 0) {
		char hex[65];
		randombytes_buf(master, sizeof(master));
		sodium_bin2hex(hex, sizeof(hex), master, sizeof(master));
		hex[64] = '\n';
		if (yh_file_write_private(path, hex, 65, 0600) != 0) {
			rc = yh_err_set(err, YH_EUNAVAILABLE, "data_key", "cannot create the data key %s", path);
			goto done;
		}
		give_to_dir_owner(path);
		derive(master);
		goto done;
	}
	if (st.st_mode & 0077) {
		rc = yh_err_set(err, YH_EFORBIDDEN, "data_key", "%s is readable by others: chmod 600 it", path);
		goto done;
	}
	if (yh_file_read(path, 4096, &text, NULL) != 0) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, "data_key", "cannot read the data key %s", path);
		goto done;
	}
	rc = load_hex(master, text, path, err);
	if (rc == 0)
		derive(master);
done:
	sodium_memzero(master, sizeof(master));
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	pthread_mutex_unlock(&key_mu);
	return rc;
}

int yh_pii_init(const char *key_file, yh_err *err)
{
	int missing = 0;

	return init_key(key_file, 1, &missing, err);
}

/*
 * One sealed value of the database, if it holds any: an ID number, else a bank
 * account number. Shorter than a nonce and a tag (40 bytes) is no seal at all.
 */
static const char Q_ONE_SEALED[] =
	"SELECT c FROM ((SELECT id_cipher AS c FROM yh.person WHERE octet_length(id_cipher) > 40 ORDER BY id LIMIT 1)"
	" UNION ALL (SELECT account_cipher FROM yh.enrolment WHERE octet_length(account_cipher) > 40 ORDER BY id"
	" LIMIT 1)) s LIMIT 1";

int yh_pii_check(yh_db *db, const char *key_file, yh_err *err)
{
	char *sample = NULL, plain[256];
	yh_err ignored;
	int rc, missing = 0;

	rc = yh_db_query_text(db, &sample, Q_ONE_SEALED, 0, NULL, NULL, err);
	if (rc == YH_ENOTFOUND) {
		yh_err_clear(err);
		rc = 0;
	}
	if (rc != 0)
		goto done;
	if (sample == NULL) {
		rc = yh_pii_init(key_file, err);
		goto done;
	}
	rc = init_key(key_file, 0, &missing, err);
	if (rc != 0)
		goto done;
	if (missing) {
		rc = yh_err_set(err, YH_EUNAVAILABLE, "data_key",
			"the data key %s is missing, and this database holds ID and account numbers sealed with a key:"
			" put back the data.key kept with its backups (a new key would open none of them)", key_source);
		goto done;
	}
	yh_err_clear(&ignored);
	if (yh_pii_open(plain, sizeof(plain), sample, &ignored) != 0)
		rc = yh_err_set(err, YH_EUNAVAILABLE, "data_key",
			"the data key %s is not the key this database's ID and account numbers were sealed with:"
			" use the data.key kept with its backups (data_key_file or YINHUI_DATA_KEY)", key_source);
	sodium_memzero(plain, sizeof(plain));
done:
	free(sample);
	return rc;
}

static int ready(yh_err *err)
{
	if (key_ready)
		return 0;
	return yh_pii_init(NULL, err);
}

int yh_pii_seal(char **out, const char *plain, yh_err *err)
{
	size_t plen = strlen(plain);
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plen;
	unsigned char *box = NULL;
	char *hex = NULL;
	int rc;

	*out = NULL;
	rc = ready(err);
	if (rc != 0)
		return rc;
	box = malloc(blen);
	hex = malloc(2 * blen + 3);
	if (box == NULL || hex == NULL) {
		free(box);
		free(hex);
		return yh_err_set(err, YH_EINTERNAL, NULL, "out of memory");
	}
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, plen, box, seal_key);
	hex[0] = '\\';
	hex[1] = 'x';
	sodium_bin2hex(hex + 2, 2 * blen + 1, box, blen);
	free(box);
	*out = hex;
	return 0;
}

int yh_pii_open(char *out, size_t n, const char *sealed_hex, yh_err *err)
{
	unsigned char box[512];
	size_t blen = 0;
	int rc;

	rc = ready(err);
	if (rc != 0)
		return rc;
	if (sealed_hex == NULL || strncmp(sealed_hex, "\\x", 2) != 0 ||
	    sodium_hex2bin(box, sizeof(box), sealed_hex + 2, strlen(sealed_hex + 2), NULL, &blen, NULL) != 0 ||
	    blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES ||
	    blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES + 1 > n)
		return yh_err_set(err, YH_EINTERNAL, NULL, "sealed value is malformed");
	if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
		    blen - crypto_secretbox_NONCEBYTES, box, seal_key) != 0)
		return yh_err_set(err, YH_EINTERNAL, NULL, "sealed value does not open with this data key");
	out[blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES] = '\0';
	return 0;
}

int yh_pii_bidx(char out[YH_PII_BIDX_HEX], const char *kind, const char *plain, yh_err *err)
{
	unsigned char h[32];
	crypto_generichash_state st;
	int rc;

	rc = ready(err);
	if (rc != 0)
		return rc;
	crypto_generichash_init(&st, bidx_key, sizeof(bidx_key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const unsigned char *)plain, strlen(plain));
	crypto_generichash_final(&st, h, sizeof(h));
	out[0] = '\\';
	out[1] = 'x';
	sodium_bin2hex(out + 2, 65, h, sizeof(h));
	return 0;
}
