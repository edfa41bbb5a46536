/*
 * bench_tui: the terminal UI's speed and memory targets.
 *
 *   bench/bench_tui AGENTDIFF MKWORKSPACE WORKDIR
 *
 * Makes workspaces of 1,000 and 10,000 agent files in WORKDIR with
 * MKWORKSPACE (bench/mkworkspace.sh, which mutates examples/), then runs
 * the real program in its scripted mode (the same app as on a terminal,
 * without one) and measures:
 *
 *   - start to first full screen on 1,000 files (target: under 300 ms):
 *     the wall time of `agentdiff --script` with a script that only dumps
 *     the first screen, best of RUNS; beside it, in the same go, the time
 *     to read the same files and parse them with bare cmark, the floor any
 *     program showing their structure pays;
 *   - the redraw after a key that moves or scrolls (target: 2 ms at the
 *     99th percentile), as the scripted mode's `stats` reports it, on the
 *     examples, 1,000 and 10,000 files: the figure should not grow with
 *     the workspace;
 *   - peak memory with 10,000 files open (target: twice their total size
 *     plus 20 MB), the child's maximum resident set size; beside it the
 *     same program on the examples.
 *
 * Prints a table and exits 0; a missed target is reported, not fatal
 * (benchmarks are not tests).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* wait4, getloadavg */
#endif

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmark.h>

#include "benchutil.h"

#define RUNS 5
#define START_TARGET_MS 300.0
#define REDRAW_TARGET_US 2000.0

static double now_ms(void)
{
	return bench_now() * 1e3;
}

/* ------------------------------------------------------------ files */

static size_t total_bytes, total_files;
static double cmark_ms;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_F && S_ISREG(st->st_mode)) {
		total_bytes += (size_t)st->st_size;
		total_files++;
	}
	return 0;
}

/* Reads and parses one file with bare cmark (the reference). */
static int parse_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	FILE *fp;
	char *buf;
	size_t n;
	cmark_node *doc;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	fp = fopen(path, "rb");
	if (!fp)
		return 0;
	buf = malloc((size_t)st->st_size + 1);
	n = buf ? fread(buf, 1, (size_t)st->st_size, fp) : 0;
	fclose(fp);
	if (!buf)
		return 0;
	doc = cmark_parse_document(buf, n, CMARK_OPT_DEFAULT);
	cmark_node_free(doc);
	free(buf);
	return 0;
}

static void measure_files(const char *dir)
{
	double best = 0, t;
	int i;

	total_bytes = total_files = 0;
	nftw(dir, add_size, 32, FTW_PHYS);
	for (i = 0; i < RUNS; i++) {
		t = now_ms();
		nftw(dir, parse_one, 32, FTW_PHYS);
		t = now_ms() - t;
		if (i == 0 || t < best)
			best = t;
	}
	cmark_ms = best;
}

/* ------------------------------------------------------------ child runs */

typedef struct {
	double ms;        /* wall time */
	long maxrss_kb;   /* peak resident set */
	char out[4096];   /* the end of its stdout */
	int status;
} run_result;

/* Runs agentdiff --script SCRIPT --size 120x40 DIR, from DIR's parent. */
static int run(run_result *res, const char *ad, const char *script, const char *dir)
{
	int fds[2];
	pid_t pid;
	struct rusage ru;
	double t;
	size_t used = 0;
	char buf[4096];
	ssize_t n;
	int status;

	memset(res, 0, sizeof(*res));
	if (pipe(fds) < 0)
		return -1;
	t = now_ms();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(ad, ad, "--script", script, "--size", "120x40", dir, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* Keep the end, where stats print. */
		if (used + (size_t)n > sizeof(res->out) - 1) {
			size_t keep = (size_t)n >= sizeof(res->out) - 1 ? 0 : sizeof(res->out) - 1 - (size_t)n;

			memmove(res->out, res->out + used - (keep < used ? keep : used), keep < used ? keep : used);
			used = keep < used ? keep : used;
			if ((size_t)n > sizeof(res->out) - 1) {
				memcpy(res->out, buf + (size_t)n - (sizeof(res->out) - 1), sizeof(res->out) - 1);
				used = sizeof(res->out) - 1;
				res->out[used] = '\0';
				continue;
			}
		}
		memcpy(res->out + used, buf, (size_t)n);
		used += (size_t)n;
		res->out[used] = '\0';
	}
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	res->ms = now_ms() - t;
	res->maxrss_kb = ru.ru_maxrss;
	res->status = status;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int write_file(const char *path, const char *text)
{
	return bench_write_file(path, text, strlen(text));
}

static double best_start(const char *ad, const char *script, const char *dir, long *rss)
{
	run_result r;
	double best = -1;
	int i;

	for (i = 0; i < RUNS; i++) {
		if (run(&r, ad, script, dir) < 0) {
			fprintf(stderr, "bench_tui: %s --script %s %s failed\n", ad, script, dir);
			return -1;
		}
		if (best < 0 || r.ms < best)
			best = r.ms;
		if (rss && r.maxrss_kb > *rss)
			*rss = r.maxrss_kb;
	}
	return best;
}

/* The stats lines of a run's output, in order: wall-clock p50 and p99,
 * processor-time p99, key count. */
static int parse_stats(const char *out, double p50[], double p99[], double cpu99[],
		       long count[], int n)
{
	const char *s = out;
	double max, cpu50;
	int i;

	for (i = 0; i < n; i++) {
		if (!(s = strstr(s, "stats: ")) ||
		    sscanf(s, "stats: %ld keys, redraw p50 %lf us, p99 %lf us, max %lf us;"
			   " processor p50 %lf us, p99 %lf us", &count[i], &p50[i], &p99[i], &max,
			   &cpu50, &cpu99[i]) != 6)
			return -1;
		s++;
	}
	return 0;
}

typedef struct {
	double p50, p99, cpu99, unfold_us;
	long count;
} redraw_result;

/* Moving keys before and after unfolding everything (the first and
 * third stats), and the unfolding itself (the second); best of RUNS, as
 * on a shared machine a run can lose the processor for a scheduler tick
 * (some ms) in the middle of a key: the processor time shows what the
 * key itself cost. */
static int redraw(const char *ad, const char *script, const char *dir, redraw_result *res)
{
	run_result r;
	double a50[3], a99[3], c99[3], m99, mc99;
	long ac[3];
	int i;

	for (i = 0; i < RUNS; i++) {
		if (run(&r, ad, script, dir) < 0 || parse_stats(r.out, a50, a99, c99, ac, 3) < 0)
			return -1;
		m99 = a99[0] > a99[2] ? a99[0] : a99[2];
		mc99 = c99[0] > c99[2] ? c99[0] : c99[2];
		if (i == 0 || m99 < res->p99) {
			res->p99 = m99;
			res->p50 = a50[0] > a50[2] ? a50[0] : a50[2];
		}
		if (i == 0 || mc99 < res->cpu99)
			res->cpu99 = mc99;
		if (i == 0 || a99[1] < res->unfold_us)
			res->unfold_us = a99[1];
		res->count = ac[0] + ac[2];
	}
	return 0;
}

static int make_workspace(const char *mk, const char *dir, int n)
{
	char cmd[4096];
	struct stat st;

	if (stat(dir, &st) == 0)
		return 0;
	snprintf(cmd, sizeof(cmd), "sh '%s' %d '%s'", mk, n, dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *ad, *mk, *work;
	char ws1k[4096], ws10k[4096], examples[4096], dump[4096], keys[4096];
	double start1k, load[1] = { 0 };
	redraw_result rd[3];
	long rss10k = 0, rss_ex = 0;
	size_t bytes1k, files1k, bytes10k, files10k;
	double cmark1k, limit_mb;
	int i;
	const char *names[3] = { "examples", "1,000 files", "10,000 files" };
	const char *dirs[3];
	char *slash;

	ad = argc > 1 ? argv[1] : NULL;
	mk = argc > 2 ? argv[2] : NULL;
	work = argc > 3 ? argv[3] : NULL;
	if (!ad || !mk || !work) {
		fprintf(stderr, "usage: bench_tui AGENTDIFF MKWORKSPACE WORKDIR\n");
		return 2;
	}
	snprintf(ws1k, sizeof(ws1k), "%s/ws-1000", work);
	snprintf(ws10k, sizeof(ws10k), "%s/ws-10000", work);
	/* mk is .../bench/mkworkspace.sh: the examples are beside bench/. */
	snprintf(examples, sizeof(examples), "%s", mk);
	slash = strrchr(examples, '/');
	if (slash)
		*slash = '\0';
	strncat(examples, "/../examples", sizeof(examples) - strlen(examples) - 1);
	snprintf(dump, sizeof(dump), "%s/first.script", work);
	snprintf(keys, sizeof(keys), "%s/keys.script", work);
	mkdir(work, 0777);
	if (make_workspace(mk, ws1k, 1000) < 0 || make_workspace(mk, ws10k, 10000) < 0) {
		fprintf(stderr, "bench_tui: cannot make the workspaces with %s\n", mk);
		return 1;
	}
	/* A first screen; then keys that move and scroll in both panes. */
	/* The keys that move and scroll, in both panes, first on the tree
	 * as it opens, then with everything unfolded (zR, not counted: it
	 * is not a key that moves, and its cost grows with the tree). */
	if (write_file(dump, "dump\n") < 0 ||
	    write_file(keys,
		       "key j j j j j j j j j j j j j j j j j j j j l j j j j j j j j j j\n"
		       "key k k k k k k k k k k PgDn PgDn PgDn PgUp PgUp C-d C-u G g\n"
		       "key j j l j Tab j j j j j j j j j j PgDn PgDn PgUp k k k k Tab\n"
		       "stats\n"
		       "key zR\n"
		       "stats\n"
		       "key g j j j j j j j j j j j j j j j j j j j j PgDn PgDn PgDn\n"
		       "key Tab j j j j j j j j j j PgDn PgDn PgUp k k k k Tab\n"
		       "key j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j\n"
		       "key k k k k k k k k k k k k k k k k k k k k G g\n"
		       "stats\n") < 0) {
		fprintf(stderr, "bench_tui: cannot write scripts in %s\n", work);
		return 1;
	}

	measure_files(ws1k);
	bytes1k = total_bytes;
	files1k = total_files;
	cmark1k = cmark_ms;
	start1k = best_start(ad, dump, ws1k, NULL);
	total_bytes = total_files = 0;
	nftw(ws10k, add_size, 32, FTW_PHYS);
	bytes10k = total_bytes;
	files10k = total_files;
	best_start(ad, dump, ws10k, &rss10k);
	best_start(ad, dump, examples, &rss_ex);

	dirs[0] = examples;
	dirs[1] = ws1k;
	dirs[2] = ws10k;
	for (i = 0; i < 3; i++) {
		if (redraw(ad, keys, dirs[i], &rd[i]) < 0) {
			fprintf(stderr, "bench_tui: no stats from %s\n", dirs[i]);
			return 1;
		}
	}
	limit_mb = 2.0 * (double)bytes10k / 1048576.0 + 20.0;

	printf("bench_tui: the terminal UI, run in its scripted mode at 120x40\n\n");
	printf("start to first full screen, %zu files (%.1f MB), best of %d:\n", files1k,
	       (double)bytes1k / 1048576.0, RUNS);
	printf("  agentdiff          %8.1f ms   (target < %.0f ms: %s)\n", start1k, START_TARGET_MS,
	       start1k < START_TARGET_MS ? "met" : "MISSED");
	printf("  reference: read + bare cmark parse of the same files  %8.1f ms\n\n", cmark1k);
	printf("redraw after a key that moves or scrolls, in both panes, before and after\n"
	       "unfolding everything (zR), from the scripted mode's stats, best of %d runs\n"
	       "(wall clock; processor time beside it):\n", RUNS);
	for (i = 0; i < 3; i++)
		printf("  %-14s %4ld keys   p50 %6.0f us   p99 %6.0f us (processor %5.0f us)"
		       "   target p99 < %.0f us: %s\n",
		       names[i], rd[i].count, rd[i].p50, rd[i].p99, rd[i].cpu99, REDRAW_TARGET_US,
		       rd[i].p99 < REDRAW_TARGET_US ? "met" :
		       rd[i].cpu99 < REDRAW_TARGET_US ? "MISSED on the wall clock only" : "MISSED");
	printf("  for reference, unfolding everything (zR) took %.0f, %.0f and %.0f us\n",
	       rd[0].unfold_us, rd[1].unfold_us, rd[2].unfold_us);
	if (getloadavg(load, 1) == 1)
		printf("  (load average during the run: %.1f)\n", load[0]);
	printf("\npeak memory with %zu files (%.1f MB) open:\n", files10k, (double)bytes10k / 1048576.0);
	printf("  agentdiff          %8.1f MB   (target < 2 x %.1f + 20 = %.1f MB: %s)\n",
	       (double)rss10k / 1024.0, (double)bytes10k / 1048576.0, limit_mb,
	       (double)rss10k / 1024.0 < limit_mb ? "met" : "MISSED");
	printf("  reference: the same program on examples/  %8.1f MB\n", (double)rss_ex / 1024.0);
	return 0;
}
