#include "yinhui/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

void yh_uuid_new(char out[37])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

int yh_file_read(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int rc = 0;

	*out = NULL;
	if (len)
		*len = 0;
	if (f == NULL)
		return -errno;
	for (;;) {
		size_t got;
		if (n + 65536 + 1 > cap) {
			char *nb;
			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				rc = -ENOMEM;
				goto done;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
		if (n > max) {
			rc = -EFBIG;
			goto done;
		}
		if (got < 65536) {
			if (ferror(f))
				rc = -EIO;
			break;
		}
	}
done:
	fclose(f);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	if (buf == NULL)
		buf = malloc(1);
	if (buf == NULL)
		return -ENOMEM;
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int yh_file_write_private(const char *path, const char *data, size_t len, int mode)
{
	char tmp[4096];
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, (mode_t)mode) != 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}
