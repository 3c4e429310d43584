/*
 * seal - the bench's bulk sealer: reads "kind<TAB>key<TAB>plain" lines
 * (kind "idno" or "account") and writes CSV "kind,key,bidx,cipher,masked"
 * for COPY, sealing and indexing each number exactly as the application
 * does (yh_pii_seal, yh_pii_bidx, the same masked forms) under the data key
 * of the environment (YINHUI_DATA_KEY). Built and run by scripts/bench only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yinhui/error.h"
#include "yinhui/pii.h"
#include "yinhui/validate.h"

static int seal_line(char *line, yh_err *err)
{
	char bidx[YH_PII_BIDX_HEX], masked[32];
	char *kind = line, *key, *plain, *cipher = NULL;
	int rc;

	key = strchr(kind, '\t');
	if (key == NULL)
		return yh_err_set(err, YH_EINVAL, NULL, "expected kind<TAB>key<TAB>plain");
	*key++ = '\0';
	plain = strchr(key, '\t');
	if (plain == NULL)
		return yh_err_set(err, YH_EINVAL, NULL, "expected kind<TAB>key<TAB>plain");
	*plain++ = '\0';
	if (strcmp(kind, "idno") == 0) {
		char m[19];
		if (strlen(plain) != 18)
			return yh_err_set(err, YH_EINVAL, NULL, "ID number of %s is not 18 characters", key);
		yh_idno_mask(m, plain);
		snprintf(masked, sizeof(masked), "%s", m);
	} else if (strcmp(kind, "account") == 0) {
		if (strlen(plain) < 4)
			return yh_err_set(err, YH_EINVAL, NULL, "account of %s is too short", key);
		snprintf(masked, sizeof(masked), "****%s", plain + strlen(plain) - 4);
	} else {
		return yh_err_set(err, YH_EINVAL, NULL, "unknown kind %s", kind);
	}
	rc = yh_pii_bidx(bidx, kind, plain, err);
	if (rc == 0)
		rc = yh_pii_seal(&cipher, plain, err);
	if (rc == 0)
		printf("%s,%s,%s,%s,%s\n", kind, key, bidx, cipher, masked);
	free(cipher);
	return rc;
}

int main(void)
{
	char line[512];
	yh_err err;
	long n = 0;

	yh_err_clear(&err);
	if (yh_pii_init(NULL, &err) != 0) {
		fprintf(stderr, "seal: %s\n", err.msg);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (seal_line(line, &err) != 0) {
			fprintf(stderr, "seal: line %ld: %s\n", n + 1, err.msg);
			return 1;
		}
		n++;
	}
	fprintf(stderr, "seal: %ld numbers sealed\n", n);
	return 0;
}
