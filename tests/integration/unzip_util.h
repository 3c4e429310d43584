/*
 * unzip_util.h - one entry of a zip archive (an XLSX workbook) for the report
 * tests, without an unzip tool: header-only, link with zlib.
 */
#ifndef YH_TEST_UNZIP_UTIL_H
#define YH_TEST_UNZIP_UTIL_H

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The uncompressed content of name in a zip archive (via its central directory). */
static inline char *unzip_entry(const unsigned char *zip, size_t len, const char *name)
{
	size_t eocd = len >= 22 ? len - 22 : 0, cd, n, off;
	char *res = NULL;

	while (eocd > 0 && !(zip[eocd] == 'P' && zip[eocd + 1] == 'K' && zip[eocd + 2] == 5 && zip[eocd + 3] == 6))
		eocd--;
	n = zip[eocd + 10] | zip[eocd + 11] << 8;
	cd = zip[eocd + 16] | zip[eocd + 17] << 8 | (size_t)zip[eocd + 18] << 16 | (size_t)zip[eocd + 19] << 24;
	for (off = cd; n-- > 0 && off + 46 <= len;) {
		size_t nlen = zip[off + 28] | zip[off + 29] << 8, xlen = zip[off + 30] | zip[off + 31] << 8;
		size_t clen = zip[off + 32] | zip[off + 33] << 8, method = zip[off + 10] | zip[off + 11] << 8;
		size_t csize = zip[off + 20] | zip[off + 21] << 8 | (size_t)zip[off + 22] << 16 | (size_t)zip[off + 23] << 24;
		size_t usize = zip[off + 24] | zip[off + 25] << 8 | (size_t)zip[off + 26] << 16 | (size_t)zip[off + 27] << 24;
		size_t lho = zip[off + 42] | zip[off + 43] << 8 | (size_t)zip[off + 44] << 16 | (size_t)zip[off + 45] << 24;
		if (nlen == strlen(name) && memcmp(zip + off + 46, name, nlen) == 0) {
			size_t data = lho + 30 + (zip[lho + 26] | zip[lho + 27] << 8) + (zip[lho + 28] | zip[lho + 29] << 8);
			z_stream s;
			res = calloc(1, usize + 1);
			if (method == 0) {
				memcpy(res, zip + data, usize);
			} else {
				memset(&s, 0, sizeof(s));
				inflateInit2(&s, -15);
				s.next_in = (unsigned char *)zip + data;
				s.avail_in = (unsigned)csize;
				s.next_out = (unsigned char *)res;
				s.avail_out = (unsigned)usize;
				inflate(&s, Z_FINISH);
				inflateEnd(&s);
			}
			return res;
		}
		off += 46 + nlen + xlen + clen;
	}
	return NULL;
}

#endif
