/*
 * bench_parse: how much ad_doc_parse() costs over cmark alone.
 *
 *   bench/bench_parse CORPUS_DIR [EXAMPLES_DIR]
 *
 * Reads every *.md file under the folders into memory once, then times,
 * best of REPS repetitions each parsing the whole set:
 *
 *   - cmark_parse_document() + cmark_node_free(), the floor we build on;
 *   - ad_doc_parse() + ad_doc_free(): frontmatter, sections and spans.
 *
 * The two alternate within each repetition (and swap order every other one)
 * so that a noisy neighbour or a frequency change hits both alike.  The
 * target is ours within 1.5x of bare cmark.  A missing corpus is not an
 * error: the examples are measured alone, or nothing is, and we exit 0.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmark.h>

#include "doc.h"
#include "error.h"
#include "fileio.h"
#include "util.h"

#define REPS 20
#define TARGET_RATIO 1.5

typedef struct {
	char *path;
	char *data;
	size_t len;
} input;

typedef struct {
	input *items;
	size_t count, cap;
	size_t bytes;
} input_set;

static bool is_md(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(((const input *)a)->path, ((const input *)b)->path);
}

/* Adds the *.md files under dir; returns how many, or -1 on a read error. */
static int collect(input_set *set, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;
	int found = 0;

	if (depth > 32 || !(dp = opendir(dir)))
		return 0;
	while ((de = readdir(dp)) && found >= 0) {
		ad_buf path = AD_BUF_INIT;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		ad_buf_printf(&path, "%s/%s", dir, de->d_name);
		if (lstat(path.ptr, &st) == 0 && S_ISDIR(st.st_mode)) {
			int n = collect(set, path.ptr, depth + 1);
			found = n < 0 ? n : found + n;
		} else if (lstat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
			   is_md(de->d_name)) {
			ad_error err = AD_ERROR_INIT;
			input in = { NULL, NULL, 0 };

			if (ad_read_file(&in.data, &in.len, path.ptr, AD_DOC_MAX_SIZE, &err) < 0) {
				char msg[512];
				fprintf(stderr, "bench_parse: %s\n",
					ad_error_format(&err, msg, sizeof(msg)));
				found = -1;
			} else {
				in.path = ad_buf_detach(&path);
				ad_xgrow((void **)&set->items, &set->cap, set->count + 1,
					 sizeof(*set->items));
				set->items[set->count++] = in;
				set->bytes += in.len;
				found++;
			}
			ad_error_clear(&err);
		}
		ad_buf_free(&path);
	}
	closedir(dp);
	return found;
}

static void input_set_free(input_set *set)
{
	size_t i;

	for (i = 0; i < set->count; i++) {
		free(set->items[i].path);
		free(set->items[i].data);
	}
	free(set->items);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One pass of bare cmark over the set; returns seconds. */
static double run_cmark(const input_set *set)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < set->count; i++) {
		cmark_node *root = cmark_parse_document(set->items[i].data,
							set->items[i].len,
							CMARK_OPT_DEFAULT);
		cmark_node_free(root);
	}
	return now() - t0;
}

/* One pass of ours; returns seconds, or a negative number on failure. */
static double run_ours(const input_set *set)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < set->count; i++) {
		ad_error err = AD_ERROR_INIT;
		ad_doc *doc = NULL;

		if (ad_doc_parse(&doc, set->items[i].path, set->items[i].data,
				 set->items[i].len, NULL, &err) < 0) {
			char msg[512];
			fprintf(stderr, "bench_parse: %s\n",
				ad_error_format(&err, msg, sizeof(msg)));
			ad_error_clear(&err);
			return -1.0;
		}
		ad_doc_free(doc);
	}
	return now() - t0;
}

static void print_row(const char *what, double secs, size_t bytes)
{
	printf("%-22s %8.2f ms  %6.0f MB/s\n", what, secs * 1e3,
	       secs > 0 ? (double)bytes / 1e6 / secs : 0.0);
}

int main(int argc, char **argv)
{
	input_set set = { NULL, 0, 0, 0 };
	double best_cmark = 0, best_ours = 0, ratio;
	int rep, i, error = 0;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR [EXAMPLES_DIR]\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		int n;

		if (!is_dir(argv[i])) {
			printf("bench_parse: no folder %s%s\n", argv[i],
			       i == 1 ? " (the shared corpus); skipping it" : "; skipping it");
			continue;
		}
		n = collect(&set, argv[i], 0);
		if (n < 0) {
			error = 1;
			goto done;
		}
		printf("%-12s %4d files  %s\n", i == 1 ? "corpus" : "examples", n, argv[i]);
	}
	if (set.count == 0) {
		printf("bench_parse: no .md files to measure; nothing to do\n");
		goto done;
	}
	qsort(set.items, set.count, sizeof(*set.items), path_cmp);

	/* Warm up caches and the allocator once, unmeasured. */
	run_cmark(&set);
	if (run_ours(&set) < 0) {
		error = 1;
		goto done;
	}
	for (rep = 0; rep < REPS; rep++) {
		double c, o;

		if (rep % 2 == 0) {
			c = run_cmark(&set);
			o = run_ours(&set);
		} else {
			o = run_ours(&set);
			c = run_cmark(&set);
		}
		if (o < 0) {
			error = 1;
			goto done;
		}
		if (rep == 0 || c < best_cmark)
			best_cmark = c;
		if (rep == 0 || o < best_ours)
			best_ours = o;
	}

	ratio = best_cmark > 0 ? best_ours / best_cmark : 0.0;
	if (set.bytes >= 100000)
		printf("files %zu  bytes %.1f MB  repetitions %d (best)\n", set.count,
		       (double)set.bytes / 1e6, REPS);
	else
		printf("files %zu  bytes %.1f KB  repetitions %d (best)\n", set.count,
		       (double)set.bytes / 1e3, REPS);
	print_row("cmark_parse_document", best_cmark, set.bytes);
	print_row("ad_doc_parse", best_ours, set.bytes);
	printf("%-22s %8.2fx   (target <= %.1fx%s)\n", "ratio", ratio, TARGET_RATIO,
	       ratio <= TARGET_RATIO ? "" : ": over the target");

done:
	input_set_free(&set);
	return error;
}
