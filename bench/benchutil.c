#define _POSIX_C_SOURCE 200809L
#include "benchutil.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "doc.h"
#include "fileio.h"

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void bench_sort(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
}

double bench_median(double *v, size_t n)
{
	bench_sort(v, n);
	return n ? v[n / 2] : 0.0;
}

int bench_write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	int ok;

	if (!fp)
		return -1;
	ok = fwrite(data, 1, len, fp) == len;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every dir/<agent>/<name>.md, sorted. */
static size_t list_examples(char ***out, const char *dir)
{
	DIR *top = opendir(dir), *sub;
	struct dirent *e, *f;
	char **paths = NULL;
	size_t n = 0, cap = 0;
	char path[4096];

	while (top && (e = readdir(top)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(sub = opendir(path)))
			continue;
		while ((f = readdir(sub)) != NULL) {
			size_t len = strlen(f->d_name);

			if (len < 4 || strcmp(f->d_name + len - 3, ".md"))
				continue;
			ad_xgrow((void **)&paths, &cap, n + 1, sizeof(*paths));
			snprintf(path, sizeof(path), "%s/%s/%s", dir, e->d_name, f->d_name);
			paths[n++] = ad_xstrdup(path);
		}
		closedir(sub);
	}
	if (top)
		closedir(top);
	if (n)
		qsort(paths, n, sizeof(*paths), cmp_str);
	*out = paths;
	return n;
}

size_t bench_examples_base(ad_buf *out, const char *dir, size_t size)
{
	char **paths = NULL;
	size_t i, n = list_examples(&paths, dir), round = 0;

	while (out->size < size && n) {
		for (i = 0; i < n && out->size < size; i++) {
			char *data = NULL;
			size_t len = 0, skip = 0;
			ad_doc *doc = NULL;

			if (ad_read_file(&data, &len, paths[i], 1 << 20, NULL) < 0)
				continue;
			if (out->size && ad_doc_parse(&doc, NULL, data, len, NULL, NULL) == 0)
				skip = ad_doc_body_start(doc);
			/* A file without a final newline would glue the next
			 * body's first heading onto its last line. */
			if (out->size && out->ptr[out->size - 1] != '\n')
				ad_buf_putc(out, '\n');
			ad_buf_put(out, data + skip, len - skip);
			if (round)
				ad_buf_printf(out, "\n## Appendix %zu-%zu\n\nMore notes.\n", round, i);
			ad_doc_free(doc);
			free(data);
		}
		round++;
	}
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return n;
}

/* xorshift32: the same sequence on every machine. */
static uint32_t rng(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

void bench_mutate(ad_buf *out, const char *s, size_t len, unsigned seed)
{
	uint32_t state = 2654435761u * (seed + 1);
	size_t i = 0;

	while (i < len) {
		size_t j = i;
		uint32_t r = rng(&state) % 100;

		while (j < len && s[j] != '\n')
			j++;
		if (j < len)
			j++;
		if (i > 0 && s[i] != '#' && s[i] != '-' && r < 3) {
			/* drop the line */
		} else if (s[i] == '#' && r < 15) {
			ad_buf_put(out, s + i, j - i - (s[j - 1] == '\n'));
			ad_buf_printf(out, " (v%u)\n", seed);
		} else if (r < 12) {
			size_t k = i + (j - i) / 2;

			while (k < j && s[k] != ' ')
				k++;
			ad_buf_put(out, s + i, k - i);
			ad_buf_printf(out, " changed%u", seed);
			ad_buf_put(out, s + k, j - k);
		} else {
			ad_buf_put(out, s + i, j - i);
		}
		i = j;
	}
}
