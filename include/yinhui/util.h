/* util.h - small helpers shared by the core and the front ends. */
#ifndef YH_UTIL_H
#define YH_UTIL_H

#include <stddef.h>

/* A fresh random UUID in canonical lowercase form. */
void yh_uuid_new(char out[37]);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer the caller frees. */
int yh_file_read(const char *path, size_t max, char **out, size_t *len);

/* Writes data to path atomically with the given mode (0600 for secrets). */
int yh_file_write_private(const char *path, const char *data, size_t len, int mode);

#endif
