/*
 * align_score: the section alignment scored against labels people wrote.
 *
 *   align_score [--floor-precision P] [--floor-recall R] LABELS...
 *   align_score            (as `make check` runs it)
 *
 * With no arguments it scores $AD_SRCDIR/tests/align-labels/NAME.labels
 * against the floors in $AD_SRCDIR/tests/align-labels/floors (lines
 * "precision P" and "recall R").
 *
 * Each LABELS file (tests/align-labels/NAME.labels, format and rules in
 * tests/align-labels/RULES.md) names a family of real variants and, for
 * every pair of them, the pairs of sections a careful reader makes: strong
 * (must be found), weak (defensible either way) and none (no partner).
 * Sections are named by the line they start on.  The files are read from
 * $AD_SHARED/seeds for the family "seeds" and from $AD_SHARED/corpus for
 * the others; without $AD_SHARED (or the folder) the scorer skips (77).
 *
 * For each labelled pair of files the aligner is run two ways: on the two
 * files alone (2-way), and on all the files of the family at once (N-way),
 * reading the pair's cells out of the N-way rows.  A section pairs with
 * another when both are cells of one row, or of rows of one split/merge
 * group.  Then
 *
 *   precision = pairs made that are labelled strong or weak / pairs made
 *   recall    = strong pairs made / strong pairs
 *
 * summed over a family's file pairs, and printed per family with the mean
 * over families.  The run fails (1) when a mean is below its floor, or when
 * a label names a line where no section starts (a label that broke its own
 * rule).  The floors are set at what the aligner reaches
 * today less a small margin, so that a change that makes alignment worse
 * fails `make check`; they go up as it improves, never down to let a
 * change pass.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "align.h"
#include "doc.h"
#include "error.h"
#include "util.h"

#define MAX_FILES 16

typedef enum { L_STRONG, L_WEAK } label_kind;

typedef struct {
	int a, b;        /* file letters, 0-based */
	int la, lb;      /* section start lines */
	label_kind kind;
} label;

typedef struct {
	char name[128];
	char *paths[MAX_FILES];
	size_t nfiles;
	label *labels;
	size_t nlabels, cap;
	int pairs[MAX_FILES * MAX_FILES][2]; /* labelled file pairs */
	size_t npairs;
} family;

typedef struct {
	size_t made, right, strong, found;
} tally;

static int S_letter(const char *s)
{
	if (s[0] >= 'A' && s[0] < 'A' + MAX_FILES && (s[1] == '\0' || s[1] == ' '))
		return s[0] - 'A';
	return -1;
}

static int S_fail(const char *path, int line, const char *what)
{
	fprintf(stderr, "%s:%d: %s\n", path, line, what);
	return -1;
}

/* Parses one labels file into *f. */
static int S_read_family(family *f, const char *path)
{
	FILE *fp = fopen(path, "r");
	char buf[4096];
	int lineno = 0, cur_a = -1, cur_b = -1;

	memset(f, 0, sizeof(*f));
	if (!fp) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), fp)) {
		char *hash = strchr(buf, '#'), *nl;
		char w1[32], w2[32], rest[1024];
		int x, y;

		lineno++;
		if (hash)
			*hash = '\0';
		if ((nl = strpbrk(buf, "\r\n")))
			*nl = '\0';
		if (sscanf(buf, "%31s", w1) != 1)
			continue;
		if (strcmp(w1, "family") == 0) {
			if (sscanf(buf, "family %127s", f->name) != 1)
				goto bad;
		} else if (strcmp(w1, "file") == 0) {
			int k;

			if (sscanf(buf, "file %31s %1023s", w2, rest) != 2 ||
			    (k = S_letter(w2)) < 0 || (size_t)k != f->nfiles)
				goto bad;
			f->paths[f->nfiles++] = ad_xstrdup(rest);
		} else if (strcmp(w1, "pair") == 0) {
			char w3[32];

			if (sscanf(buf, "pair %31s %31s", w2, w3) != 2 ||
			    (cur_a = S_letter(w2)) < 0 || (cur_b = S_letter(w3)) < 0 ||
			    (size_t)cur_a >= f->nfiles || (size_t)cur_b >= f->nfiles ||
			    cur_a == cur_b)
				goto bad;
			f->pairs[f->npairs][0] = cur_a;
			f->pairs[f->npairs][1] = cur_b;
			f->npairs++;
		} else if (strcmp(w1, "strong") == 0 || strcmp(w1, "weak") == 0) {
			label *l;

			if (cur_a < 0 || sscanf(buf, "%*s %d %d", &x, &y) != 2)
				goto bad;
			ad_xgrow((void **)&f->labels, &f->cap, f->nlabels + 1, sizeof(label));
			l = &f->labels[f->nlabels++];
			l->a = cur_a;
			l->b = cur_b;
			l->la = x;
			l->lb = y;
			l->kind = w1[0] == 's' ? L_STRONG : L_WEAK;
		} else if (strcmp(w1, "none") == 0) {
			if (cur_a < 0 || sscanf(buf, "none %31s %d", w2, &x) != 2 ||
			    (S_letter(w2) != cur_a && S_letter(w2) != cur_b))
				goto bad;
		} else {
			goto bad;
		}
	}
	fclose(fp);
	if (!f->name[0] || f->nfiles < 2 || f->npairs == 0)
		return S_fail(path, lineno, "needs a family, two files and a pair");
	return 0;
bad:
	fclose(fp);
	return S_fail(path, lineno, "cannot read this line");
}

static void S_free_family(family *f)
{
	size_t i;

	for (i = 0; i < f->nfiles; i++)
		free(f->paths[i]);
	free(f->labels);
}

/* Section index of the visible section starting on line, or -1. */
static int S_section_at(const ad_doc *doc, int line)
{
	const ad_section *s = ad_doc_sections(doc);
	size_t i;

	for (i = 0; i < ad_doc_section_count(doc); i++)
		if (s[i].kind != AD_SECTION_PREAMBLE && s[i].line == line)
			return (int)i;
	return -1;
}

static const label *S_find(const family *f, int a, int b, int la, int lb)
{
	size_t i;

	for (i = 0; i < f->nlabels; i++) {
		const label *l = &f->labels[i];

		if (l->a == a && l->b == b && l->la == la && l->lb == lb)
			return l;
		if (l->a == b && l->b == a && l->la == lb && l->lb == la)
			return l;
	}
	return NULL;
}

/* The section pairs an alignment makes between its variants da and db, as
 * (line, line) into *out (a flat array of 2 * count ints). */
static size_t S_pairs(int **out, const ad_align *al, const ad_doc *const *docs,
		      size_t da, size_t db)
{
	size_t nrows = ad_align_row_count(al), r, q, n = 0, cap = 0;
	const ad_section *sa = ad_doc_sections(docs[da]);
	const ad_section *sb = ad_doc_sections(docs[db]);
	int *pairs = NULL;

	for (r = 0; r < nrows; r++) {
		const ad_align_row *row = ad_align_row_at(al, r);
		int ca = row->cells[da];

		if (ca < 0 || sa[ca].kind == AD_SECTION_PREAMBLE)
			continue;
		for (q = 0; q < nrows; q++) {
			const ad_align_row *other = ad_align_row_at(al, q);
			int cb = other->cells[db];

			if (cb < 0 || sb[cb].kind == AD_SECTION_PREAMBLE)
				continue;
			if (q != r && (row->group < 0 || other->group != row->group))
				continue;
			ad_xgrow((void **)&pairs, &cap, 2 * (n + 1), sizeof(int));
			pairs[2 * n] = sa[ca].line;
			pairs[2 * n + 1] = sb[cb].line;
			n++;
		}
	}
	*out = pairs;
	return n;
}

/* Scores the alignment al of docs (variant k of al is file map[k] of f) on
 * the labelled pair (a, b). */
static void S_score_pair(tally *t, const family *f, const ad_align *al,
			 const ad_doc *const *docs, size_t ka, size_t kb, int a, int b)
{
	int *made = NULL;
	size_t n = S_pairs(&made, al, docs, ka, kb), i, j;

	for (i = 0; i < n; i++) {
		t->made++;
		if (S_find(f, a, b, made[2 * i], made[2 * i + 1]))
			t->right++;
	}
	for (j = 0; j < f->nlabels; j++) {
		const label *l = &f->labels[j];
		int la, lb;

		if (l->kind != L_STRONG)
			continue;
		if (l->a == a && l->b == b) {
			la = l->la;
			lb = l->lb;
		} else if (l->a == b && l->b == a) {
			la = l->lb;
			lb = l->la;
		} else {
			continue;
		}
		t->strong++;
		for (i = 0; i < n; i++)
			if (made[2 * i] == la && made[2 * i + 1] == lb) {
				t->found++;
				break;
			}
	}
	free(made);
}

static double S_ratio(size_t num, size_t den)
{
	return den ? (double)num / (double)den : 1.0;
}

/* The floors file: "precision P" and "recall R" lines, # comments. */
static void S_read_floors(const char *path, double *p, double *r)
{
	FILE *fp = fopen(path, "r");
	char buf[256];
	double v;

	if (!fp)
		return;
	while (fgets(buf, sizeof(buf), fp)) {
		if (sscanf(buf, "precision %lf", &v) == 1)
			*p = v;
		else if (sscanf(buf, "recall %lf", &v) == 1)
			*r = v;
	}
	fclose(fp);
}

int main(int argc, char **argv)
{
	const char *srcdir = getenv("AD_SRCDIR");
	glob_t found;
	bool globbed = false;
	const char *shared = getenv("AD_SHARED");
	double floor_p = 0, floor_r = 0;
	double sum[4] = { 0, 0, 0, 0 };
	size_t nfam = 0;
	int argi = 1, status = 0;

	while (argi + 1 < argc && strncmp(argv[argi], "--floor-", 8) == 0) {
		if (strcmp(argv[argi], "--floor-precision") == 0)
			floor_p = atof(argv[argi + 1]);
		else if (strcmp(argv[argi], "--floor-recall") == 0)
			floor_r = atof(argv[argi + 1]);
		else
			break;
		argi += 2;
	}
	if (!shared || !shared[0]) {
		printf("align_score: AD_SHARED is not set; skipping\n");
		return 77;
	}
	if (argc == 1 && srcdir && srcdir[0]) {
		ad_buf pat = AD_BUF_INIT;

		ad_buf_printf(&pat, "%s/tests/align-labels/floors", srcdir);
		S_read_floors(ad_buf_cstr(&pat), &floor_p, &floor_r);
		ad_buf_clear(&pat);
		ad_buf_printf(&pat, "%s/tests/align-labels/*.labels", srcdir);
		if (glob(ad_buf_cstr(&pat), 0, NULL, &found) == 0 && found.gl_pathc > 0) {
			argv = found.gl_pathv;
			argc = (int)found.gl_pathc;
			argi = 0;
			globbed = true;
		}
		ad_buf_free(&pat);
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: align_score [--floor-precision P] "
				"[--floor-recall R] LABELS...\n");
		return 2;
	}

	printf("%-26s %5s %5s  %-13s  %-13s\n", "family", "files", "pairs",
	       "2-way P / R", "N-way P / R");
	for (; argi < argc; argi++) {
		family f;
		ad_doc *docs[MAX_FILES] = { 0 };
		ad_align *all = NULL;
		tally two = { 0 }, many = { 0 };
		ad_buf path = AD_BUF_INIT;
		struct stat st;
		size_t i, p;
		bool ok = true;

		if (S_read_family(&f, argv[argi]) < 0) {
			status = 1;
			continue;
		}
		for (i = 0; i < f.nfiles && ok; i++) {
			ad_error err = AD_ERROR_INIT;

			ad_buf_clear(&path);
			ad_buf_printf(&path, "%s/%s/%s", shared,
				      strcmp(f.name, "seeds") == 0 ? "seeds" : "corpus",
				      f.paths[i]);
			if (stat(ad_buf_cstr(&path), &st) != 0) {
				printf("%-26s skipped: no %s\n", f.name, f.paths[i]);
				ok = false;
			} else if (ad_doc_load(&docs[i], ad_buf_cstr(&path), NULL, &err) < 0) {
				fprintf(stderr, "%s: cannot parse %s: %s\n", argv[argi],
					ad_buf_cstr(&path), err.message ? err.message : "?");
				ok = false;
				status = 1;
			}
			ad_error_clear(&err);
		}
		ad_buf_free(&path);
		/* Every labelled line is a section's first line. */
		for (i = 0; ok && i < f.nlabels; i++) {
			const label *l = &f.labels[i];

			if (S_section_at(docs[l->a], l->la) < 0 ||
			    S_section_at(docs[l->b], l->lb) < 0) {
				fprintf(stderr, "%s: %c%d-%c%d: no section starts there\n",
					argv[argi], 'A' + l->a, l->la, 'A' + l->b, l->lb);
				status = 1;
				ok = false;
			}
		}
		if (ok && ad_align_docs(&all, (const ad_doc *const *)docs, f.nfiles,
					NULL) < 0) {
			fprintf(stderr, "%s: N-way alignment failed\n", argv[argi]);
			ok = false;
			status = 1;
		}
		for (p = 0; ok && p < f.npairs; p++) {
			int a = f.pairs[p][0], b = f.pairs[p][1];
			const ad_doc *two_docs[2] = { docs[a], docs[b] };
			ad_align *al = NULL;

			if (ad_align_docs(&al, two_docs, 2, NULL) < 0) {
				fprintf(stderr, "%s: 2-way alignment failed\n", argv[argi]);
				ok = false;
				status = 1;
				break;
			}
			S_score_pair(&two, &f, al, two_docs, 0, 1, a, b);
			S_score_pair(&many, &f, all, (const ad_doc *const *)docs,
				     (size_t)a, (size_t)b, a, b);
			ad_align_free(al);
		}
		if (ok) {
			double v[4] = { S_ratio(two.right, two.made),
					S_ratio(two.found, two.strong),
					S_ratio(many.right, many.made),
					S_ratio(many.found, many.strong) };

			printf("%-26s %5zu %5zu  %.2f / %.2f    %.2f / %.2f   "
			       "(%zu strong; made %zu, %zu wrong)\n",
			       f.name, f.nfiles, f.npairs, v[0], v[1], v[2], v[3],
			       two.strong, two.made, two.made - two.right);
			for (i = 0; i < 4; i++)
				sum[i] += v[i];
			nfam++;
		}
		ad_align_free(all);
		for (i = 0; i < f.nfiles; i++)
			ad_doc_free(docs[i]);
		S_free_family(&f);
	}
	if (globbed)
		globfree(&found);
	if (nfam == 0) {
		printf("align_score: no family could be scored; skipping\n");
		return status ? status : 77;
	}
	printf("%-26s %5s %5zu  %.2f / %.2f    %.2f / %.2f\n", "mean", "", nfam,
	       sum[0] / nfam, sum[1] / nfam, sum[2] / nfam, sum[3] / nfam);
	for (int k = 0; k < 4; k += 2) {
		const char *way = k == 0 ? "2-way" : "N-way";

		if (sum[k] / nfam < floor_p) {
			printf("align_score: %s mean precision %.3f is below the floor %.3f\n",
			       way, sum[k] / nfam, floor_p);
			status = 1;
		}
		if (sum[k + 1] / nfam < floor_r) {
			printf("align_score: %s mean recall %.3f is below the floor %.3f\n",
			       way, sum[k + 1] / nfam, floor_r);
			status = 1;
		}
	}
	return status;
}
