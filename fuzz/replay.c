/*
 * replay: runs a fuzz target's LLVMFuzzerTestOneInput over files, without
 * libFuzzer, so that `make check` replays every input that once crashed a
 * target (fuzz/regress/<kind>/) and every fixture and example, in any build
 * (plain, sanitizers, valgrind).
 *
 *   replay_<kind> [FILE|DIR...]
 *
 * With no argument it reads $AD_SRCDIR/fuzz/regress/<kind> (but its
 * README), tests/fixtures (the plans in tests/fixtures/plan too) and the
 * examples folder, and for the config kind the themes folder.  For the
 * diff and merge
 * targets, each run of three files that follow each other in a folder of
 * the last two is also joined into one input (as variants, or as base,
 * ours and theirs), so that real differences are replayed too.  Each
 * input's name is printed before it runs, so that the log of a crash names
 * it.  Exit status 0 when every input passed (a broken invariant aborts),
 * 77 when there was nothing to replay.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "util.h"

#ifndef AD_REPLAY_KIND
#error define AD_REPLAY_KIND ("parse", "diff", "merge", "plan", "config")
#endif

/*
 * Checks turned off (AD_FUZZ_IGNORE, see invariants.h) while a known bug is
 * being fixed, so that `make check` stays green; its reproducer waits in
 * fuzz/pending/.  An AD_FUZZ_IGNORE in the environment (even empty) wins.
 * None at the moment.
 */
#define KNOWN_ISSUES ""

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the kind's inputs are variants joined by "\f\f". */
static bool joins(void)
{
	return !strcmp(AD_REPLAY_KIND, "diff") || !strcmp(AD_REPLAY_KIND, "merge");
}

static void load(ad_buf *out, const char *path)
{
	char *data = NULL;
	size_t len = 0;
	ad_error err = AD_ERROR_INIT;

	if (ad_read_file(&data, &len, path, (size_t)64 << 20, &err) < 0) {
		char msg[512];
		fprintf(stderr, "replay: %s\n", ad_error_format(&err, msg, sizeof(msg)));
		ad_error_clear(&err);
		exit(1);
	}
	ad_buf_put(out, data, len);
	free(data);
}

static void run(const ad_buf *input, const char *label)
{
	printf("replay %s (%zu bytes)\n", label, input->size);
	fflush(stdout);
	LLVMFuzzerTestOneInput((const uint8_t *)input->ptr, input->size);
}

static size_t run_file(const char *path)
{
	ad_buf input = AD_BUF_INIT;

	load(&input, path);
	run(&input, path);
	ad_buf_free(&input);
	return 1;
}

/* The regular files names[i..i+3) joined by the targets' separator. */
static size_t run_joined(char **names, size_t n, size_t i)
{
	ad_buf input = AD_BUF_INIT, label = AD_BUF_INIT;
	size_t k, m = 0;

	for (k = i; k < n && m < 3; k++) {
		struct stat st;

		if (stat(names[k], &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (m++) {
			ad_buf_puts(&input, "\f\f");
			ad_buf_puts(&label, " + ");
		}
		load(&input, names[k]);
		ad_buf_puts(&label, strrchr(names[k], '/') + 1);
	}
	if (m >= 2)
		run(&input, ad_buf_cstr(&label));
	ad_buf_free(&input);
	ad_buf_free(&label);
	return m >= 2;
}

/* Runs every regular file below path, in name order; returns how many
 * inputs ran.  With join, also runs of files joined (see above). */
static size_t run_path(const char *path, int depth, bool join)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, count = 0;

	if (stat(path, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return run_file(path);
	if (!S_ISDIR(st.st_mode) || depth > 4 || !(dir = opendir(path)))
		return 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README"))
			continue;
		ad_xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n] = ad_xmalloc(strlen(path) + strlen(e->d_name) + 2);
		sprintf(names[n++], "%s/%s", path, e->d_name);
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++)
		count += run_path(names[i], depth + 1, join);
	for (i = 0; join && joins() && i + 1 < n; i++)
		count += run_joined(names, n, i);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	static const char *const defaults[] = {
		("fuzz/regress/" AD_REPLAY_KIND), "tests/fixtures", "examples", "themes"
	};
	const char *srcdir = getenv("AD_SRCDIR");
	size_t count = 0, i;
	int a;

	setenv("AD_FUZZ_IGNORE", KNOWN_ISSUES, 0);
	for (a = 1; a < argc; a++)
		count += run_path(argv[a], 0, false);
	if (argc == 1 && srcdir) {
		for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
			char *p;

			if (!strcmp(defaults[i], "themes") && strcmp(AD_REPLAY_KIND, "config"))
				continue;
			p = ad_xmalloc(strlen(srcdir) + strlen(defaults[i]) + 2);
			sprintf(p, "%s/%s", srcdir, defaults[i]);
			count += run_path(p, 0, i > 0);
			free(p);
		}
	}
	printf("%zu inputs replayed through fuzz_%s\n", count, AD_REPLAY_KIND);
	return count ? 0 : 77;
}
