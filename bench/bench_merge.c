/*
 * bench_merge: the three-way merge against `git merge-file`, in one run.
 *
 *   bench_merge EXAMPLES_DIR [AGENTDIFF_BINARY]
 *
 * Inputs: a ~12 KB base made of the example agents (the first one whole,
 * the others' bodies appended), and two variants of it, each with a few
 * sections edited (different ones on each side), one tool added, and ours
 * moving a section while theirs adds one.  Written to a temporary folder.
 *
 * 1. In process, no start-up on either side: ad_merge3_buffers() (parsing
 *    the three inputs included) against libgit2's git_merge_file() (git's
 *    xdiff merge, what `git merge-file` runs), median of 200 runs each.
 * 2. With a binary given and git on PATH, as whole processes (fork, exec,
 *    dynamic loading, reading, merging, writing, exit), interleaved,
 *    median of 60 each, every run on a fresh copy of ours (not timed):
 *      agentdiff merge-driver BASE CUR OTHER 7 a.md   (the git driver)
 *      git merge-file CUR BASE OTHER
 *      agentdiff --version  (start-up alone)
 *    Target: agentdiff within 2x of git merge-file.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

#include "benchutil.h"
#include "doc.h"
#include "merge.h"
#include "util.h"

#define TARGET_SIZE 12000
#define INPROC_RUNS 200
#define PROC_RUNS 60

extern char **environ;

/*
 * A variant: the first body line of every section with index % 6 == which
 * edited; a tool added after "tools:"; ours (which 0) moves the third
 * section to the end, theirs (which 1) adds a section after the fifth.
 */
static char *make_variant(const char *base, size_t len, int which)
{
	ad_doc *doc = NULL;
	ad_buf out = AD_BUF_INIT;
	const ad_section *secs;
	size_t i, nsec, at = 0;
	int moved = -1;

	if (ad_doc_parse(&doc, NULL, base, len, NULL, NULL) < 0)
		return NULL;
	secs = ad_doc_sections(doc);
	nsec = ad_doc_section_count(doc);
	if (which == 0 && nsec > 3)
		moved = 2;
	for (i = 0; i < nsec; i++) {
		const ad_section *s = &secs[i];
		size_t e;

		if (s->start < at)
			continue;
		/* What comes before this section (frontmatter). */
		ad_buf_put(&out, base + at, s->start - at);
		at = s->lead_end;
		if ((int)i == moved)
			continue;
		e = s->head_end;
		ad_buf_put(&out, base + s->start, e - s->start);
		if ((int)(i % 6) == which * 3 + 1 && e < s->lead_end) {
			while (e < s->lead_end && base[e] == '\n')
				ad_buf_putc(&out, base[e++]);
			ad_buf_printf(&out, "Edited by %s in section %zu. ", which ? "theirs" : "ours", i);
		}
		ad_buf_put(&out, base + e, s->lead_end - e);
		if (which == 1 && i == 4)
			ad_buf_puts(&out, "\n## Added by theirs\n\nA new section.\n\n");
	}
	ad_buf_put(&out, base + at, len - at);
	if (moved >= 0) {
		if (out.size && out.ptr[out.size - 1] != '\n')
			ad_buf_putc(&out, '\n');
		ad_buf_putc(&out, '\n');
		ad_buf_put(&out, base + secs[moved].start, secs[moved].lead_end - secs[moved].start);
	}
	ad_doc_free(doc);
	/* A tool: after the first "tools:" line or list item. */
	{
		char *text = ad_buf_detach(&out);
		char *t = strstr(text, "\ntools:");
		ad_buf res = AD_BUF_INIT;

		if (t) {
			char *eol = strchr(t + 1, '\n');
			char *item = eol ? eol + 1 : NULL;

			if (item && strncmp(item, "  - ", 4) == 0) {
				ad_buf_put(&res, text, (size_t)(item - text));
				ad_buf_printf(&res, "  - %s\n", which ? "WebFetch" : "Bash");
				ad_buf_puts(&res, item);
			} else if (eol) {
				/* "tools: a, b" or "tools: [a, b]" */
				char *end = eol;

				while (end > t && end[-1] != ']' && end[-1] != '[' && memchr(t + 1, '[', (size_t)(eol - t - 1)))
					end--;
				if (end > t && end[-1] == ']')
					end--;
				ad_buf_put(&res, text, (size_t)(end - text));
				ad_buf_printf(&res, ", %s", which ? "WebFetch" : "Bash");
				ad_buf_puts(&res, end);
			}
		}
		if (!res.size)
			ad_buf_puts(&res, text);
		free(text);
		return ad_buf_detach(&res);
	}
}

/* Runs argv with stdout and stderr to /dev/null; returns the exit status
 * (-1 if it did not run) and the wall time in *secs. */
static int run(char *const argv[], double *secs)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status = -1;
	double t0;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = bench_now();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	if (waitpid(pid, &status, 0) < 0)
		status = -1;
	*secs = bench_now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int have_git(void)
{
	char *argv[] = { "git", "--version", NULL };
	double t;

	return run(argv, &t) == 0;
}

/* libgit2's git_merge_file(): git's xdiff merge, diff3 style. */
static double time_libgit2(const char *b, size_t bl, const char *o, size_t ol,
			   const char *t, size_t tl, int *conflicted)
{
	git_merge_file_input ib, io, it;
	git_merge_file_options opts;
	double times[INPROC_RUNS];
	int i;

	git_merge_file_input_init(&ib, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&io, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&it, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);

	ib.ptr = b, ib.size = bl;
	io.ptr = o, io.size = ol;
	it.ptr = t, it.size = tl;
	opts.flags = GIT_MERGE_FILE_STYLE_DIFF3;
	git_libgit2_init();
	for (i = 0; i < INPROC_RUNS; i++) {
		git_merge_file_result r;
		double t0 = bench_now();

		if (git_merge_file(&r, &ib, &io, &it, &opts) < 0)
			return -1.0;
		times[i] = bench_now() - t0;
		*conflicted = !r.automergeable;
		git_merge_file_result_free(&r);
	}
	git_libgit2_shutdown();
	return bench_median(times, INPROC_RUNS);
}

int main(int argc, char **argv)
{
	char *ours = NULL, *theirs = NULL;
	char dir[4096];
	char fbase[4200], fours[4200], ftheirs[4200], fcur[4200];
	const char *tmp = getenv("TMPDIR");
	ad_buf base = AD_BUF_INIT;
	size_t i, conflicts = 0;
	double t[INPROC_RUNS], ta[PROC_RUNS], tg[PROC_RUNS], tv[PROC_RUNS];
	int status = 1, ad_exit = -1, git_exit = -1;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_merge EXAMPLES_DIR [AGENTDIFF_BINARY]\n");
		return 2;
	}
	if (!bench_examples_base(&base, argv[1], TARGET_SIZE)) {
		fprintf(stderr, "bench_merge: no examples in %s\n", argv[1]);
		return 1;
	}
	ours = make_variant(base.ptr, base.size, 0);
	theirs = make_variant(base.ptr, base.size, 1);
	if (!ours || !theirs) {
		fprintf(stderr, "bench_merge: cannot build the variants\n");
		goto done;
	}
	printf("bench_merge: base %zu bytes, ours %zu, theirs %zu\n", base.size, strlen(ours),
	       strlen(theirs));

	for (i = 0; i < INPROC_RUNS; i++) {
		ad_merge_result *res = NULL;
		double t0 = bench_now();

		if (ad_merge3_buffers(&res, base.ptr, base.size, ours, strlen(ours), theirs,
				      strlen(theirs), NULL, NULL) < 0) {
			fprintf(stderr, "bench_merge: merge failed\n");
			goto done;
		}
		t[i] = bench_now() - t0;
		conflicts = ad_merge_result_conflicts(res);
		ad_merge_result_free(res);
	}
	{
		int conflicted = 0;
		double ours_ms = bench_median(t, INPROC_RUNS) * 1e3;
		double git_ms = time_libgit2(base.ptr, base.size, ours, strlen(ours), theirs,
					     strlen(theirs), &conflicted) * 1e3;

		printf("In process (no start-up on either side), median of %d:\n", INPROC_RUNS);
		printf("  agentdiff parse 3 + merge       %8.3f ms  (%zu conflicts)\n", ours_ms,
		       conflicts);
		printf("  libgit2 git_merge_file (xdiff)  %8.3f ms  (%s)\n", git_ms,
		       conflicted ? "conflicts" : "clean");
		printf("  ratio                           %8.2f\n", git_ms > 0 ? ours_ms / git_ms : 0.0);
	}

	if (argc < 3 || !have_git()) {
		printf("  (no binary given or no git: process comparison skipped)\n");
		status = 0;
		goto done;
	}
	snprintf(dir, sizeof(dir), "%s/bench_merge.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror("bench_merge: mkdtemp");
		goto done;
	}
	snprintf(fbase, sizeof(fbase), "%s/base.md", dir);
	snprintf(fours, sizeof(fours), "%s/ours.md", dir);
	snprintf(ftheirs, sizeof(ftheirs), "%s/theirs.md", dir);
	snprintf(fcur, sizeof(fcur), "%s/cur.md", dir);
	if (bench_write_file(fbase, base.ptr, base.size) < 0 ||
	    bench_write_file(fours, ours, strlen(ours)) < 0 ||
	    bench_write_file(ftheirs, theirs, strlen(theirs)) < 0) {
		perror("bench_merge: writing the inputs");
		goto cleanup;
	}
	for (i = 0; i < PROC_RUNS; i++) {
		char *adv[] = { argv[2], "merge-driver", fbase, fcur, ftheirs, "7", "a.md", NULL };
		char *gitv[] = { "git", "merge-file", fcur, fbase, ftheirs, NULL };
		char *verv[] = { argv[2], "--version", NULL };

		/* Interleaved, so that a busy moment hurts all alike. */
		if (bench_write_file(fcur, ours, strlen(ours)) < 0)
			goto cleanup;
		ad_exit = run(adv, &ta[i]);
		if (bench_write_file(fcur, ours, strlen(ours)) < 0)
			goto cleanup;
		git_exit = run(gitv, &tg[i]);
		if (run(verv, &tv[i]) != 0)
			goto cleanup;
		if (ad_exit < 0 || ad_exit > 1 || git_exit < 0) {
			fprintf(stderr, "bench_merge: a run failed (agentdiff %d, git %d)\n",
				ad_exit, git_exit);
			goto cleanup;
		}
	}
	{
		double ma = bench_median(ta, PROC_RUNS), mg = bench_median(tg, PROC_RUNS),
		       mv = bench_median(tv, PROC_RUNS);

		printf("Whole processes (start-up, reading and writing included), median of %d:\n",
		       PROC_RUNS);
		printf("  agentdiff merge-driver          %8.3f ms  (exit %d)\n", ma * 1e3, ad_exit);
		printf("  git merge-file                  %8.3f ms  (exit %d)\n", mg * 1e3, git_exit);
		printf("  agentdiff --version             %8.3f ms  (start-up alone)\n", mv * 1e3);
		printf("  ratio agentdiff / git           %8.2f  (target <= 2.00)\n",
		       mg > 0 ? ma / mg : 0.0);
	}
	status = 0;
cleanup:
	unlink(fbase);
	unlink(fours);
	unlink(ftheirs);
	unlink(fcur);
	rmdir(dir);
done:
	free(ours);
	free(theirs);
	ad_buf_free(&base);
	return status;
}
