/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput once over every
 * file of a corpus directory (or over the files named), without libFuzzer.
 *
 * The normal test suite links it with each target under gcc and
 * ASan/UBSan, so the corpora act as regression tests: an input that once
 * crashed stays in the corpus and must keep passing. An empty or missing
 * corpus is a failure, so the test cannot pass by finding nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads all of path into a heap buffer; exact size so ASan sees overreads. */
static int load(const char *path, uint8_t **out, size_t *len)
{
	FILE *fp = NULL;
	uint8_t *buf = NULL;
	struct stat st;
	int rc = -1;

	*out = NULL;
	*len = 0;
	fp = fopen(path, "rb");
	if (fp == NULL || fstat(fileno(fp), &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto done;
	}
	/* malloc(0) may return NULL; one spare byte keeps the pointer real */
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto done;
	}
	if (st.st_size > 0 && fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		goto done;
	}
	*out = buf;
	*len = (size_t)st.st_size;
	buf = NULL;
	rc = 0;
done:
	free(buf);
	if (fp != NULL)
		fclose(fp);
	return rc;
}

/* Feeds one file; returns 1 when it was run, 0 when skipped, -1 on error. */
static int run_file(const char *path)
{
	uint8_t *buf = NULL, *exact = NULL;
	size_t len = 0;
	struct stat st;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if (load(path, &buf, &len) != 0)
		return -1;
	/* hand the target a buffer of exactly len bytes, as libFuzzer does */
	exact = malloc(len ? len : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in dir, in name order; returns files run or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i;
	long ran = 0;
	int rc;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL) {
				ran = -1;
				goto done;
			}
			names = grown;
		}
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (names[n] == NULL) {
			ran = -1;
			goto done;
		}
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		rc = run_file(names[i]);
		if (rc < 0) {
			ran = -1;
			goto done;
		}
		ran += rc;
	}
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ran;
}

int main(int argc, char **argv)
{
	long total = 0, ran;
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		ran = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		if (ran < 0)
			return 1;
		total += ran;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	printf("replay: %ld inputs ran clean\n", total);
	return 0;
}
