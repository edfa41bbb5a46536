/*
 * agentdiff diff [--json] [--stat] [--color=WHEN] A B [C...]: variants
 * compared field by field and section by section.
 *
 * Two files: the frontmatter differences, then a "@@ ... @@" header per
 * aligned section row that differs, with a line diff of the section's own
 * text and word highlights inside changed lines.  Three or more: the
 * alignment table, then each variant against the first the same way.
 * Inputs over LARGE_BYTES (or with more than LARGE_SECTIONS sections) are
 * compared line by line as a plain unified diff.
 *
 * Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "align.h"
#include "cli.h"
#include "doc.h"
#include "fmdiff.h"
#include "json.h"
#include "pair.h"
#include "term.h"
#include "textdiff.h"
#include "vsource.h"

#define CONTEXT 3          /* lines of context around a change */
#define SHORT_SECTION 6    /* added/removed sections up to this many lines print whole */
#define TITLE_WIDTH 60
#define LABEL_WIDTH (TITLE_WIDTH + 8) /* "###### " and a little */
#define VALUE_WIDTH 50
#define LARGE_BYTES ((size_t)1 << 20)
#define LARGE_SECTIONS 5000

/* Our own SGR sequences: the only escapes we ever write. */
#define SGR_RESET "\033[m"
#define SGR_BOLD "\033[1m"
#define SGR_RED "\033[31m"
#define SGR_GREEN "\033[32m"
#define SGR_CYAN "\033[36m"
#define SGR_REV "\033[7m"
#define SGR_NOREV "\033[27m"

typedef enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_when;

typedef struct {
	ad_buf *out;
	bool color;
	const ad_doc *const *docs;
	size_t ndocs;
	char **names; /* short display names, one per variant */
} ctx;

static void diff_usage(FILE *fp)
{
	fputs("usage: agentdiff diff [--json] [--stat] [--color[=WHEN]] A B [C...]\n"
	      "       agentdiff diff [options] --history PATH [-n N]\n"
	      "\n"
	      "Compares variants of an agent: frontmatter field by field, then the\n"
	      "body section by section, with renamed and moved sections paired.\n"
	      "With three or more files, prints the alignment table first and then\n"
	      "each variant against the first.  A variant may be REV:PATH, a file\n"
	      "as a git revision has it (HEAD~1:agents/x.md).\n"
	      "\n"
	      "  --json          machine-readable alignment and frontmatter\n"
	      "  --stat          one line per changed section with counts\n"
	      "  --color=WHEN    auto (default), always or never; NO_COLOR is honoured\n"
	      "  --history PATH  the last revisions of PATH in git, oldest first\n"
	      "  -n N            with --history: how many (default 10)\n"
	      "\n"
	      "Exit status: 0 no differences, 1 differences, 2 trouble.\n",
	      fp);
}

/* ---------------------------------------------------------------- text helpers */

static void sgr(const ctx *c, const char *seq)
{
	if (c->color)
		ad_buf_puts(c->out, seq);
}

static void buf_truncate(ad_buf *buf, size_t size)
{
	if (buf->ptr && size < buf->size) {
		buf->size = size;
		buf->ptr[size] = '\0';
	}
}

static void put_clean(ad_buf *out, const char *s, size_t len)
{
	ad_term_sanitize(out, s, len, true);
}

static size_t count_words(const char *s, size_t len)
{
	size_t i, n = 0;
	bool in = false;

	for (i = 0; i < len; i++) {
		if (ad_pair_is_space(s[i]))
			in = false;
		else if (!in)
			in = true, n++;
	}
	return n;
}

/* Length of the line ending at s[i] (0 if none). */
static size_t eol_len(const char *s, size_t len, size_t i)
{
	if (s[i] == '\n')
		return 1;
	if (s[i] == '\r')
		return i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
	return 0;
}

/* Start offsets of the lines of s, plus len at the end; returns the count. */
static size_t index_lines(size_t **out, const char *s, size_t len)
{
	size_t cap = 16, n = 0, i = 0, e;
	size_t *starts = ad_xmalloc(cap * sizeof(*starts));

	while (i < len) {
		if (n + 2 > cap)
			ad_xgrow((void **)&starts, &cap, n + 2, sizeof(*starts));
		starts[n++] = i;
		while (i < len && !(e = eol_len(s, len, i)))
			i++;
		if (i < len)
			i += e;
	}
	if (n + 1 > cap)
		ad_xgrow((void **)&starts, &cap, n + 1, sizeof(*starts));
	starts[n] = len;
	*out = starts;
	return n;
}

/* ---------------------------------------------------------------- emitter
 *
 * Writes text as prefixed lines, with marked runs: one place that knows
 * about line endings, sanitizing and our SGR sequences.
 */

enum { MARK_NONE, MARK_DEL, MARK_INS };

typedef struct {
	const ctx *c;
	const char *prefix;   /* at the start of every line */
	const char *line_sgr; /* colour of the whole line, or NULL */
	bool inline_marks;    /* colour: red/green words (merged view) rather than reverse */
	bool bol;
} emitter;

static void emit_open(emitter *e, int mark)
{
	if (!mark)
		return;
	if (!e->c->color)
		ad_buf_puts(e->c->out, mark == MARK_DEL ? "[-" : "{+");
	else if (e->inline_marks)
		ad_buf_puts(e->c->out, mark == MARK_DEL ? SGR_RED : SGR_GREEN);
	else
		ad_buf_puts(e->c->out, SGR_REV);
}

static void emit_close(emitter *e, int mark)
{
	if (!mark)
		return;
	if (!e->c->color)
		ad_buf_puts(e->c->out, mark == MARK_DEL ? "-]" : "+}");
	else if (e->inline_marks)
		ad_buf_puts(e->c->out, SGR_RESET);
	else
		ad_buf_puts(e->c->out, SGR_NOREV);
}

static void emit_bol(emitter *e)
{
	if (!e->bol)
		return;
	if (e->line_sgr)
		sgr(e->c, e->line_sgr);
	ad_buf_puts(e->c->out, e->prefix);
	e->bol = false;
}

static void emit_eol(emitter *e)
{
	emit_bol(e);
	if (e->line_sgr)
		sgr(e->c, SGR_RESET);
	ad_buf_putc(e->c->out, '\n');
	e->bol = true;
}

static void emit(emitter *e, const char *s, size_t len, int mark)
{
	size_t i = 0;

	while (i < len) {
		size_t j = i, el = 0;

		while (j < len && !(el = eol_len(s, len, j)))
			j++;
		if (j > i) {
			int m = ad_pair_all_space(s + i, j - i) ? MARK_NONE : mark;

			emit_bol(e);
			emit_open(e, m);
			put_clean(e->c->out, s + i, j - i);
			emit_close(e, m);
		}
		if (j < len) {
			emit_eol(e);
			j += el;
		}
		i = j;
	}
}

static void emit_end(emitter *e)
{
	if (!e->bol)
		emit_eol(e);
}

/* ---------------------------------------------------------------- word diffs */

/* The merged view: common text once, deleted and inserted runs marked
 * ([-old-]{+new+}, or red and green).  Whitespace-only deletions are
 * dropped and whitespace-only insertions shown plain, so the lines follow
 * B's wrapping. */
static void emit_merged(emitter *e, const ad_textdiff *wd, const char *a, const char *b)
{
	size_t k;

	for (k = 0; k < wd->count; k++) {
		const ad_textdiff_op *op = &wd->ops[k];

		if (op->kind == AD_TEXTDIFF_EQUAL)
			emit(e, a + op->a_off, op->a_len, MARK_NONE);
		else if (op->kind == AD_TEXTDIFF_DELETE) {
			if (!ad_pair_all_space(a + op->a_off, op->a_len))
				emit(e, a + op->a_off, op->a_len, MARK_DEL);
		} else {
			emit(e, b + op->b_off, op->b_len,
			     ad_pair_all_space(b + op->b_off, op->b_len) ? MARK_NONE : MARK_INS);
		}
	}
	emit_end(e);
}

/* One side of a word diff as whole lines, its changed runs highlighted. */
static void emit_side(emitter *e, const ad_textdiff *wd, const char *s, bool side_a)
{
	size_t k;

	for (k = 0; k < wd->count; k++) {
		const ad_textdiff_op *op = &wd->ops[k];
		size_t off = side_a ? op->a_off : op->b_off;
		size_t len = side_a ? op->a_len : op->b_len;
		bool changed = op->kind == (side_a ? AD_TEXTDIFF_DELETE : AD_TEXTDIFF_INSERT);

		if (len)
			emit(e, s + off, len,
			     changed && !ad_pair_all_space(s + off, len) ? (side_a ? MARK_DEL : MARK_INS)
								 : MARK_NONE);
	}
	emit_end(e);
}

static void emit_lines(const ctx *c, const char *prefix, const char *line_sgr,
		       const char *s, size_t len)
{
	emitter e = { .c = c, .prefix = prefix, .line_sgr = line_sgr, .bol = true };

	emit(&e, s, len, MARK_NONE);
	emit_end(&e);
}

/* A changed block: A's lines [a, a + alen) became B's [b, b + blen). */
static void emit_change(const ctx *c, const char *a, size_t alen, const char *b, size_t blen)
{
	ad_textdiff *wd = NULL;

	/* Word highlights only where the lines pair up (see pair.h). */
	if (ad_pair_word_diff(&wd, a, alen, b, blen) == 0 && wd) {
		if (c->color) {
			emitter del = { .c = c, .prefix = "-", .line_sgr = SGR_RED, .bol = true };
			emitter ins = { .c = c, .prefix = "+", .line_sgr = SGR_GREEN, .bol = true };

			emit_side(&del, wd, a, true);
			emit_side(&ins, wd, b, false);
		} else {
			emitter m = { .c = c, .prefix = "~", .bol = true };

			emit_merged(&m, wd, a, b);
		}
	} else {
		if (alen)
			emit_lines(c, "-", SGR_RED, a, alen);
		if (blen)
			emit_lines(c, "+", SGR_GREEN, b, blen);
	}
	ad_textdiff_free(wd);
}

/* ---------------------------------------------------------------- line diffs */

static void emit_range(const ctx *c, const char *prefix, const char *line_sgr,
		       const char *s, const size_t *ls, int from, int to)
{
	if (to > from)
		emit_lines(c, prefix, line_sgr, s + ls[from], ls[to] - ls[from]);
}

/* The changed lines of A -> B with context, hunks separated by "...".
 * unified: git-style "@@ -l,n +l,n @@" hunk headers (line numbers offset by
 * a_line0 / b_line0) instead of "...". */
static void emit_line_diff(const ctx *c, const char *a, size_t alen, const char *b,
			   size_t blen, bool unified, int *deleted, int *inserted)
{
	ad_textdiff *ld = NULL;
	ad_pair_change *ch = NULL;
	size_t *la = NULL, *lb = NULL, nch, i, j;

	if (ad_textdiff_lines(&ld, a, alen, b, blen, NULL) < 0) {
		ad_buf_puts(c->out, "(too many lines to compare)\n");
		return;
	}
	if (deleted)
		*deleted += ld->deleted;
	if (inserted)
		*inserted += ld->inserted;
	index_lines(&la, a, alen);
	index_lines(&lb, b, blen);
	nch = ad_pair_changes(&ch, ld);
	for (i = 0; i < nch; i = j) {
		int a0, a1, b0, b1, k;

		/* A hunk: changes whose gaps are at most 2 * CONTEXT lines. */
		for (j = i + 1; j < nch; j++)
			if (ch[j].a_start - (ch[j - 1].a_start + ch[j - 1].a_count) > 2 * CONTEXT)
				break;
		a0 = ch[i].a_start > CONTEXT ? ch[i].a_start - CONTEXT : 0;
		b0 = ch[i].b_start - (ch[i].a_start - a0);
		a1 = ch[j - 1].a_start + ch[j - 1].a_count + CONTEXT;
		if (a1 > ld->a_units)
			a1 = ld->a_units;
		b1 = ch[j - 1].b_start + ch[j - 1].b_count +
		     (a1 - (ch[j - 1].a_start + ch[j - 1].a_count));
		if (unified) {
			sgr(c, SGR_CYAN);
			ad_buf_printf(c->out, "@@ -%d,%d +%d,%d @@", a0 + (a1 > a0), a1 - a0,
				      b0 + (b1 > b0), b1 - b0);
			sgr(c, SGR_RESET);
			ad_buf_putc(c->out, '\n');
		} else if (i > 0) {
			ad_buf_puts(c->out, "...\n");
		}
		emit_range(c, " ", NULL, a, la, a0, ch[i].a_start);
		for (k = (int)i; k < (int)j; k++) {
			const ad_pair_change *h = &ch[k];

			if (unified) {
				emit_range(c, "-", SGR_RED, a, la, h->a_start, h->a_start + h->a_count);
				emit_range(c, "+", SGR_GREEN, b, lb, h->b_start, h->b_start + h->b_count);
			} else {
				emit_change(c, a + la[h->a_start],
					    la[h->a_start + h->a_count] - la[h->a_start],
					    b + lb[h->b_start],
					    lb[h->b_start + h->b_count] - lb[h->b_start]);
			}
			emit_range(c, " ", NULL, a, la, h->a_start + h->a_count,
				   k + 1 < (int)j ? ch[k + 1].a_start : a1);
		}
	}
	free(ch);
	free(la);
	free(lb);
	ad_textdiff_free(ld);
}

/* ---------------------------------------------------------------- sections */

/* "## Title", "<tag> Title" or "(preamble)", sanitized and cut. */
static void put_label(ad_buf *out, const ad_section *s)
{
	ad_buf raw = AD_BUF_INIT;

	ad_section_label(&raw, s);
	ad_cli_put_cut(out, raw.ptr, raw.size, LABEL_WIDTH);
	ad_buf_free(&raw);
}

static const ad_section *cell_section(const ctx *c, size_t d, int idx)
{
	return idx >= 0 ? &ad_doc_sections(c->docs[d])[idx] : NULL;
}

/* "renamed+modified" -> "renamed, modified". */
static void put_status(ad_buf *out, unsigned status)
{
	char name[128];
	const char *p;

	ad_align_status_name(status, name, sizeof(name));
	for (p = name; *p; p++) {
		if (*p == '+')
			ad_buf_puts(out, ", ");
		else
			ad_buf_putc(out, *p);
	}
}

/* What a row says about the pair (variant 0, variant d). */
static void pair_of(ad_pair *pr, const ctx *c, const ad_align_row *row, size_t d)
{
	ad_pair_of(pr, c->docs, c->ndocs, row, 0, d);
}

static void section_header(const ctx *c, const ad_pair *pr, bool reflowed)
{
	ad_buf *out = c->out;

	sgr(c, SGR_CYAN);
	ad_buf_puts(out, "@@ ");
	put_label(out, pr->a);
	if (!strcmp(pr->a->title, pr->b->title) && pr->a->kind == pr->b->kind &&
	    pr->a->level == pr->b->level) {
		if (pr->a->line == pr->b->line)
			ad_buf_printf(out, " (line %d)", pr->a->line);
		else
			ad_buf_printf(out, " (line %d -> %d)", pr->a->line, pr->b->line);
	} else {
		ad_buf_printf(out, " (line %d) -> ", pr->a->line);
		put_label(out, pr->b);
		ad_buf_printf(out, " (line %d)", pr->b->line);
	}
	ad_buf_puts(out, " @@");
	sgr(c, SGR_RESET);
	ad_buf_putc(out, ' ');
	if (reflowed) {
		unsigned st = pr->status & ~(unsigned)AD_ROW_MODIFIED;

		if (st) {
			put_status(out, st);
			ad_buf_puts(out, ", ");
		}
		ad_buf_puts(out, "reflowed");
	} else {
		put_status(out, pr->status);
		if (pr->status & AD_ROW_MODIFIED)
			ad_buf_printf(out, " %d%%", (int)(pr->similarity * 100 + 0.5));
	}
	ad_buf_putc(out, '\n');
}

/* An added or removed section: its title and size, or its lines if short. */
static void whole_section(const ctx *c, const ad_doc *doc, const ad_section *s, bool added)
{
	const char *p;
	size_t len;
	int n;

	ad_pair_own_text(doc, s, &p, &len);
	n = ad_pair_count_lines(p, len);
	sgr(c, added ? SGR_GREEN : SGR_RED);
	ad_buf_puts(c->out, added ? "+ " : "- ");
	put_label(c->out, s);
	ad_buf_printf(c->out, " (line %d, %d line%s)", s->line, n, n == 1 ? "" : "s");
	if (s->first_child >= 0)
		ad_buf_puts(c->out, " and its subsections");
	sgr(c, SGR_RESET);
	ad_buf_putc(c->out, '\n');
	if (n > 1 && n <= SHORT_SECTION && !ad_pair_all_space(p, len)) {
		/* The heading line is in the title line above. */
		size_t skip = (size_t)(s->head_end > s->start ? s->head_end - s->start : 0);

		if (s->kind == AD_SECTION_PREAMBLE)
			skip = 0;
		if (skip < len)
			emit_lines(c, added ? "+" : "-", added ? SGR_GREEN : SGR_RED,
				   p + skip, len - skip);
	}
}

/* Prints one row for the pair (0, d); returns whether it differs. */
static bool render_row(const ctx *c, const ad_align_row *row, size_t d)
{
	ad_pair pr;
	const char *pa, *pb;
	size_t la, lb;

	pair_of(&pr, c, row, d);
	if (!pr.a && !pr.b)
		return false;
	if (!pr.b) {
		whole_section(c, c->docs[0], pr.a, false);
		return true;
	}
	if (!pr.a) {
		whole_section(c, c->docs[d], pr.b, true);
		return true;
	}
	ad_pair_own_text(c->docs[0], pr.a, &pa, &la);
	ad_pair_own_text(c->docs[d], pr.b, &pb, &lb);
	if (!(pr.status & ~(unsigned)(AD_ROW_SPLIT | AD_ROW_MERGED)) && la == lb &&
	    !memcmp(pa, pb, la))
		return false;
	if ((la != lb || memcmp(pa, pb, la)) && ad_textdiff_same_words(pa, la, pb, lb)) {
		section_header(c, &pr, true);
		return true;
	}
	section_header(c, &pr, false);
	if (la != lb || memcmp(pa, pb, la))
		emit_line_diff(c, pa, la, pb, lb, false, NULL, NULL);
	return true;
}

/* ---------------------------------------------------------------- frontmatter */

/* A field's value in one line: items joined by ", ", or the text. */
static void field_text(ad_buf *out, const ad_fmdiff_row *r, size_t d)
{
	const ad_fm_field *f = r->cells[d];
	size_t k;

	if (r->set && r->names) {
		for (k = 0; k < r->names[d].nnames; k++) {
			if (k)
				ad_buf_puts(out, ", ");
			ad_buf_puts(out, r->names[d].names[k]);
		}
	} else if (f->items) {
		for (k = 0; k < f->nitems; k++) {
			if (k)
				ad_buf_puts(out, ", ");
			ad_buf_puts(out, f->items[k]);
		}
	} else {
		ad_buf_puts(out, f->value);
	}
}

static bool short_value(const char *s, size_t len)
{
	return len <= VALUE_WIDTH && !memchr(s, '\n', len) && !memchr(s, '\r', len);
}

static void put_names(const ctx *c, const char *sign, const char *color,
		      const char *const *names, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++) {
		ad_buf_putc(c->out, ' ');
		sgr(c, color);
		ad_buf_puts(c->out, sign);
		ad_cli_put_cut(c->out, names[k], strlen(names[k]), TITLE_WIDTH);
		sgr(c, SGR_RESET);
	}
}

/* The frontmatter rows of a 2-document fmdiff; returns whether any differ. */
static bool render_frontmatter(const ctx *c, const ad_fmdiff *fd)
{
	size_t i, n = ad_fmdiff_row_count(fd);
	bool any = false;
	ad_buf va = AD_BUF_INIT, vb = AD_BUF_INIT;

	for (i = 0; i < n; i++) {
		const ad_fmdiff_row *r = ad_fmdiff_row_at(fd, i);

		if (r->status == AD_FMDIFF_SAME)
			continue;
		if (!any) {
			sgr(c, SGR_CYAN);
			ad_buf_puts(c->out, "@@ frontmatter @@");
			sgr(c, SGR_RESET);
			ad_buf_putc(c->out, '\n');
			any = true;
		}
		ad_buf_clear(&va);
		ad_buf_clear(&vb);
		if (r->status == AD_FMDIFF_ADDED || r->status == AD_FMDIFF_REMOVED) {
			bool added = r->status == AD_FMDIFF_ADDED;
			size_t d = added ? 1 : 0;

			field_text(&va, r, d);
			sgr(c, added ? SGR_GREEN : SGR_RED);
			ad_buf_puts(c->out, added ? "+" : "-");
			ad_cli_put_cut(c->out, r->key, strlen(r->key), 40);
			ad_buf_printf(c->out, ": ");
			ad_cli_put_cut(c->out, ad_buf_cstr(&va), va.size, 2 * VALUE_WIDTH);
			ad_buf_printf(c->out, " (line %d)", r->cells[d]->line);
			sgr(c, SGR_RESET);
			ad_buf_putc(c->out, '\n');
			continue;
		}
		ad_buf_puts(c->out, " ");
		ad_cli_put_cut(c->out, r->key, strlen(r->key), 40);
		ad_buf_puts(c->out, ":");
		if (r->set) {
			put_names(c, "+", SGR_GREEN, r->names[1].added, r->names[1].nadded);
			put_names(c, "-", SGR_RED, r->names[1].removed, r->names[1].nremoved);
			ad_buf_putc(c->out, '\n');
			continue;
		}
		if (r->reflowed) {
			ad_buf_puts(c->out, " reflowed (same words)\n");
			continue;
		}
		field_text(&va, r, 0);
		field_text(&vb, r, 1);
		if (short_value(ad_buf_cstr(&va), va.size) && short_value(ad_buf_cstr(&vb), vb.size)) {
			ad_buf_putc(c->out, ' ');
			sgr(c, SGR_RED);
			ad_cli_put_cut(c->out, ad_buf_cstr(&va), va.size, VALUE_WIDTH);
			sgr(c, SGR_RESET);
			ad_buf_puts(c->out, " -> ");
			sgr(c, SGR_GREEN);
			ad_cli_put_cut(c->out, ad_buf_cstr(&vb), vb.size, VALUE_WIDTH);
			sgr(c, SGR_RESET);
			ad_buf_putc(c->out, '\n');
		} else {
			ad_textdiff *wd = NULL;
			emitter m = { .c = c, .prefix = "    ", .inline_marks = true, .bol = true };

			if (r->cells[0]->line == r->cells[1]->line)
				ad_buf_printf(c->out, " (line %d)\n", r->cells[0]->line);
			else
				ad_buf_printf(c->out, " (line %d -> %d)\n", r->cells[0]->line,
					      r->cells[1]->line);
			if (ad_textdiff_words(&wd, ad_buf_cstr(&va), va.size, ad_buf_cstr(&vb),
					      vb.size, NULL) == 0)
				emit_merged(&m, wd, ad_buf_cstr(&va), ad_buf_cstr(&vb));
			ad_textdiff_free(wd);
		}
	}
	ad_buf_free(&va);
	ad_buf_free(&vb);
	return any;
}

/* ---------------------------------------------------------------- stat */

typedef struct {
	size_t rows, added, removed, modified, renamed, moved, reflowed;
	int lines_del, lines_ins;
	size_t words_del, words_ins;
} stat_totals;

static void words_changed(const char *a, size_t la, const char *b, size_t lb,
			  size_t *wdel, size_t *wins)
{
	ad_textdiff *wd = NULL;
	size_t k;

	*wdel = *wins = 0;
	if (ad_textdiff_words(&wd, a, la, b, lb, NULL) < 0)
		return;
	for (k = 0; k < wd->count; k++) {
		const ad_textdiff_op *op = &wd->ops[k];

		if (op->kind == AD_TEXTDIFF_DELETE)
			*wdel += count_words(a + op->a_off, op->a_len);
		else if (op->kind == AD_TEXTDIFF_INSERT)
			*wins += count_words(b + op->b_off, op->b_len);
	}
	ad_textdiff_free(wd);
}

static bool stat_row(const ctx *c, const ad_align_row *row, size_t d, stat_totals *t)
{
	ad_pair pr;
	const ad_section *s;
	const char *pa = "", *pb = "";
	size_t la = 0, lb = 0, wdel, wins;
	ad_textdiff *ld = NULL;
	int del = 0, ins = 0;
	size_t mark;

	pair_of(&pr, c, row, d);
	if (!pr.a && !pr.b)
		return false;
	if (pr.a)
		ad_pair_own_text(c->docs[0], pr.a, &pa, &la);
	if (pr.b)
		ad_pair_own_text(c->docs[d], pr.b, &pb, &lb);
	if (pr.a && pr.b && !(pr.status & ~(unsigned)(AD_ROW_SPLIT | AD_ROW_MERGED)) &&
	    la == lb && !memcmp(pa, pb, la))
		return false;
	if (ad_textdiff_lines(&ld, pa, la, pb, lb, NULL) == 0) {
		del = ld->deleted;
		ins = ld->inserted;
	}
	ad_textdiff_free(ld);
	words_changed(pa, la, pb, lb, &wdel, &wins);
	s = pr.b ? pr.b : pr.a;
	mark = c->out->size;
	ad_buf_putc(c->out, ' ');
	put_label(c->out, s);
	{
		/* Pad to a column (characters, not bytes). */
		size_t i, chars = 0;

		for (i = mark; i < c->out->size; i++)
			chars += ((unsigned char)c->out->ptr[i] & 0xC0) != 0x80;
		ad_buf_printf(c->out, "%*s", chars < 40 ? (int)(40 - chars) : 1, "");
	}
	ad_buf_puts(c->out, "| ");
	if (pr.a && pr.b && (pr.status & AD_ROW_MODIFIED) && ad_textdiff_same_words(pa, la, pb, lb)) {
		ad_buf_puts(c->out, "reflowed\n");
		t->rows++;
		t->reflowed++;
		return true;
	}
	put_status(c->out, pr.status);
	ad_buf_printf(c->out, ", %d line%s", del + ins, del + ins == 1 ? "" : "s");
	ad_buf_printf(c->out, " (-%d +%d), %zu word%s ", del, ins, wdel + wins,
		      wdel + wins == 1 ? "" : "s");
	{
		/* git's bar, capped at 20 characters. */
		size_t total = wdel + wins, nd = wdel, ni = wins;

		if (total > 20) {
			nd = (wdel * 20 + total - 1) / total;
			ni = 20 > nd ? 20 - nd : 0;
			if (!wins)
				ni = 0;
		}
		sgr(c, SGR_GREEN);
		while (ni--)
			ad_buf_putc(c->out, '+');
		sgr(c, SGR_RESET);
		sgr(c, SGR_RED);
		while (nd--)
			ad_buf_putc(c->out, '-');
		sgr(c, SGR_RESET);
	}
	ad_buf_putc(c->out, '\n');
	t->rows++;
	if (pr.status & AD_ROW_ADDED)
		t->added++;
	if (pr.status & AD_ROW_REMOVED)
		t->removed++;
	if (pr.status & AD_ROW_MODIFIED)
		t->modified++;
	if (pr.status & AD_ROW_RENAMED)
		t->renamed++;
	if (pr.status & AD_ROW_MOVED)
		t->moved++;
	t->lines_del += del;
	t->lines_ins += ins;
	t->words_del += wdel;
	t->words_ins += wins;
	return true;
}

static bool stat_pair(const ctx *c, const ad_align *al, const ad_fmdiff *fd, size_t d)
{
	stat_totals t = { 0 };
	size_t i, nfm = 0;

	for (i = 0; i < ad_fmdiff_row_count(fd); i++)
		nfm += ad_fmdiff_row_at(fd, i)->status != AD_FMDIFF_SAME;
	if (nfm)
		ad_buf_printf(c->out, " frontmatter%28s| %zu field%s changed\n", "", nfm,
			      nfm == 1 ? "" : "s");
	for (i = 0; i < ad_align_row_count(al); i++)
		stat_row(c, ad_align_row_at(al, i), d, &t);
	ad_buf_printf(c->out,
		      " %zu section%s changed (%zu added, %zu removed, %zu modified, "
		      "%zu renamed, %zu moved, %zu reflowed), %d line%s (-%d +%d), "
		      "%zu word%s (-%zu +%zu)",
		      t.rows, t.rows == 1 ? "" : "s", t.added, t.removed, t.modified,
		      t.renamed, t.moved, t.reflowed, t.lines_del + t.lines_ins,
		      t.lines_del + t.lines_ins == 1 ? "" : "s", t.lines_del, t.lines_ins,
		      t.words_del + t.words_ins, t.words_del + t.words_ins == 1 ? "" : "s",
		      t.words_del, t.words_ins);
	if (nfm)
		ad_buf_printf(c->out, ", %zu frontmatter field%s", nfm, nfm == 1 ? "" : "s");
	ad_buf_putc(c->out, '\n');
	return t.rows || nfm;
}

/* ---------------------------------------------------------------- N-way table */

static void put_padded(ad_buf *out, const char *s, size_t width)
{
	size_t mark = out->size, i, chars = 0;

	ad_cli_put_cut(out, s, strlen(s), width);
	for (i = mark; i < out->size; i++)
		chars += ((unsigned char)out->ptr[i] & 0xC0) != 0x80;
	while (chars++ < width)
		ad_buf_putc(out, ' ');
}

static void render_table(const ctx *c, const ad_align *al)
{
	size_t i, d, *w = ad_xcalloc(c->ndocs, sizeof(*w));
	char num[32];

	size_t sw = 6;
	char sname[128];

	for (i = 0; i < ad_align_row_count(al); i++) {
		size_t l = strlen(ad_align_status_name(ad_align_row_at(al, i)->status, sname,
							sizeof(sname)));
		if (l > sw)
			sw = l;
	}
	put_padded(c->out, "status", sw);
	ad_buf_putc(c->out, ' ');
	for (d = 0; d < c->ndocs; d++) {
		w[d] = strlen(c->names[d]);
		if (w[d] < 5)
			w[d] = 5;
		if (w[d] > 24)
			w[d] = 24;
		put_padded(c->out, c->names[d], w[d]);
		ad_buf_putc(c->out, ' ');
	}
	ad_buf_puts(c->out, " section\n");
	for (i = 0; i < ad_align_row_count(al); i++) {
		const ad_align_row *row = ad_align_row_at(al, i);
		const ad_section *ref = NULL;
		char name[128];

		ad_align_status_name(row->status, name, sizeof(name));
		put_padded(c->out, name, sw);
		ad_buf_putc(c->out, ' ');
		for (d = 0; d < c->ndocs; d++) {
			const ad_section *s = cell_section(c, d, row->cells[d]);

			if (s && !ref)
				ref = s;
			if (s)
				snprintf(num, sizeof(num), "%d", s->line);
			else
				snprintf(num, sizeof(num), "-");
			ad_buf_printf(c->out, "%*s ", (int)w[d], num);
		}
		ad_buf_puts(c->out, " ");
		if (ref)
			put_label(c->out, ref);
		ad_buf_putc(c->out, '\n');
	}
	free(w);
}

/* ---------------------------------------------------------------- JSON */

static void json_output(ad_buf *out, const ctx *c, const ad_align *al, const ad_fmdiff *fd,
			bool large)
{
	ad_json j;
	size_t i, d, k;
	char name[128];

	ad_json_init(&j, out, true);
	ad_json_object_begin(&j);
	ad_json_key(&j, "variants");
	ad_json_array_begin(&j);
	for (d = 0; d < c->ndocs; d++) {
		ad_json_object_begin(&j);
		ad_json_key(&j, "path");
		ad_json_string(&j, ad_doc_path(c->docs[d]));
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	if (large) {
		ad_json_key(&j, "large");
		ad_json_bool(&j, true);
	}
	ad_json_key(&j, "frontmatter");
	ad_json_array_begin(&j);
	for (i = 0; fd && i < ad_fmdiff_row_count(fd); i++) {
		const ad_fmdiff_row *r = ad_fmdiff_row_at(fd, i);

		ad_json_object_begin(&j);
		ad_json_key(&j, "key");
		ad_json_string(&j, r->key);
		ad_json_key(&j, "status");
		ad_json_string(&j, ad_fmdiff_status_name(r->status));
		if (r->reflowed) {
			ad_json_key(&j, "reflowed");
			ad_json_bool(&j, true);
		}
		ad_json_key(&j, "cells");
		ad_json_array_begin(&j);
		for (d = 0; d < c->ndocs; d++) {
			const ad_fm_field *f = r->cells[d];

			if (!f) {
				ad_json_null(&j);
				continue;
			}
			ad_json_object_begin(&j);
			ad_json_key(&j, "value");
			ad_json_string(&j, f->value);
			if (r->set) {
				ad_json_key(&j, "items");
				ad_json_array_begin(&j);
				for (k = 0; k < r->names[d].nnames; k++)
					ad_json_string(&j, r->names[d].names[k]);
				ad_json_array_end(&j);
				if (d > 0) {
					ad_json_key(&j, "added");
					ad_json_array_begin(&j);
					for (k = 0; k < r->names[d].nadded; k++)
						ad_json_string(&j, r->names[d].added[k]);
					ad_json_array_end(&j);
					ad_json_key(&j, "removed");
					ad_json_array_begin(&j);
					for (k = 0; k < r->names[d].nremoved; k++)
						ad_json_string(&j, r->names[d].removed[k]);
					ad_json_array_end(&j);
				}
			} else if (f->items) {
				ad_json_key(&j, "items");
				ad_json_array_begin(&j);
				for (k = 0; k < f->nitems; k++)
					ad_json_string(&j, f->items[k]);
				ad_json_array_end(&j);
			}
			ad_json_key(&j, "line");
			ad_json_int(&j, f->line);
			ad_json_object_end(&j);
		}
		ad_json_array_end(&j);
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	ad_json_key(&j, "rows");
	ad_json_array_begin(&j);
	for (i = 0; al && i < ad_align_row_count(al); i++) {
		const ad_align_row *row = ad_align_row_at(al, i);

		ad_json_object_begin(&j);
		ad_json_key(&j, "status");
		ad_json_string(&j, ad_align_status_name(row->status, name, sizeof(name)));
		ad_json_key(&j, "similarity");
		ad_json_double(&j, row->similarity);
		ad_json_key(&j, "cells");
		ad_json_array_begin(&j);
		for (d = 0; d < c->ndocs; d++) {
			const ad_section *s = cell_section(c, d, row->cells[d]);

			if (!s) {
				ad_json_null(&j);
				continue;
			}
			ad_json_object_begin(&j);
			ad_json_key(&j, "title");
			ad_json_string(&j, s->title);
			ad_json_key(&j, "line");
			ad_json_int(&j, s->line);
			ad_json_key(&j, "start");
			ad_json_uint(&j, s->start);
			ad_json_key(&j, "end");
			ad_json_uint(&j, s->end);
			ad_json_object_end(&j);
		}
		ad_json_array_end(&j);
		ad_json_object_end(&j);
	}
	ad_json_array_end(&j);
	ad_json_object_end(&j);
	ad_buf_putc(out, '\n');
}

/* ---------------------------------------------------------------- driver */

/* Whether a row shows any difference: its status, or its bytes. */
static bool row_differs(const ctx *c, const ad_align_row *row)
{
	const char *p0 = NULL, *p;
	size_t l0 = 0, l, d;

	if (row->status != AD_ROW_SAME)
		return true;
	for (d = 0; d < c->ndocs; d++) {
		const ad_section *s = cell_section(c, d, row->cells[d]);

		if (!s)
			return true;
		ad_pair_own_text(c->docs[d], s, &p, &l);
		if (!p0) {
			p0 = p, l0 = l;
			continue;
		}
		if (l != l0 || memcmp(p, p0, l))
			return true;
	}
	return false;
}

static void file_header(const ctx *c, size_t a, size_t b)
{
	sgr(c, SGR_BOLD);
	ad_buf_puts(c->out, "--- ");
	ad_cli_put_cut(c->out, c->names[a], strlen(c->names[a]), 200);
	ad_buf_puts(c->out, "\n+++ ");
	ad_cli_put_cut(c->out, c->names[b], strlen(c->names[b]), 200);
	sgr(c, SGR_RESET);
	ad_buf_putc(c->out, '\n');
}

/* Each variant against the first, section by section; whether any differ. */
static bool render_pair(const ctx *c, const ad_align *al, size_t d, bool stat_mode)
{
	const ad_doc *pair[2] = { c->docs[0], c->docs[d] };
	ad_fmdiff *fd = NULL;
	bool any = false;
	size_t i;

	size_t mark = c->out->size;

	ad_fmdiff_docs(&fd, pair, 2);
	file_header(c, 0, d);
	if (stat_mode) {
		any = stat_pair(c, al, fd, d);
	} else {
		any = render_frontmatter(c, fd);
		for (i = 0; i < ad_align_row_count(al); i++)
			any |= render_row(c, ad_align_row_at(al, i), d);
	}
	if (!any)
		buf_truncate(c->out, mark); /* nothing to show: no header either */
	ad_fmdiff_free(fd);
	return any;
}

/* Whole files line by line: the fallback for very large inputs. */
static bool render_large(const ctx *c, const char *const *data, const size_t *len, bool stat_mode)
{
	bool any = false;
	size_t d;

	ad_buf_puts(c->out, "(large files: compared line by line)\n");
	for (d = 1; d < c->ndocs; d++) {
		if (len[0] == len[d] && !memcmp(data[0], data[d], len[0]))
			continue;
		any = true;
		file_header(c, 0, d);
		if (stat_mode) {
			ad_textdiff *ld = NULL;

			if (ad_textdiff_lines(&ld, data[0], len[0], data[d], len[d], NULL) == 0)
				ad_buf_printf(c->out, " %d lines (-%d +%d)\n",
					      ld->deleted + ld->inserted, ld->deleted, ld->inserted);
			ad_textdiff_free(ld);
		} else {
			emit_line_diff(c, data[0], len[0], data[d], len[d], true, NULL, NULL);
		}
	}
	return any;
}

/* Short names: base names ("HEAD~1:x.md" for a revision, see vsource.h),
 * or the paths when two of them collide. */
static char **short_names(char **paths, const ad_vsource *srcs, size_t n)
{
	char **names = ad_xcalloc(n, sizeof(*names));
	bool collide = false;
	size_t i, k;

	for (i = 0; i < n; i++)
		names[i] = srcs[i].short_label;
	for (i = 0; i < n && !collide; i++)
		for (k = i + 1; k < n; k++)
			if (!strcmp(names[i], names[k]))
				collide = true;
	if (collide)
		for (i = 0; i < n; i++)
			names[i] = paths[i];
	return names;
}

static bool want_color(color_when when)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (when != COLOR_AUTO)
		return when == COLOR_ALWAYS;
	if (nc && *nc)
		return false;
	if (!term || !*term || !strcmp(term, "dumb"))
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

/* With --history: which revision each label names, oldest first. */
static void history_legend(ad_buf *out, const char *path, const ad_vsource *srcs, size_t n)
{
	size_t d;

	ad_buf_puts(out, "history of ");
	ad_cli_put_cut(out, path, strlen(path), 200);
	ad_buf_puts(out, ", oldest first:\n");
	for (d = 0; d < n; d++) {
		ad_buf_printf(out, "  %s  %s  ", srcs[d].short_id, srcs[d].date);
		ad_cli_put_cut(out, srcs[d].subject ? srcs[d].subject : "",
			       strlen(srcs[d].subject ? srcs[d].subject : ""), 60);
		ad_buf_putc(out, '\n');
	}
	ad_buf_putc(out, '\n');
}

int ad_cli_diff(int argc, char **argv)
{
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_doc **docs = NULL;
	char **paths = NULL, **names = NULL, **raw = NULL;
	size_t *rawlen = NULL;
	size_t npaths = 0, d;
	ad_vsource *srcs = NULL; /* the variants' bytes: files, REV:PATH, --history */
	size_t nsrcs = 0, nhist = 0, history_n = 10;
	const char *history = NULL;
	ad_align *al = NULL;
	ad_fmdiff *fd = NULL;
	bool json = false, stat_mode = false, opts_done = false, large = false, any = false;
	color_when when = COLOR_AUTO;
	int i, status = 2;
	ctx c = { .out = &out };

	paths = ad_xcalloc((size_t)argc + 1, sizeof(*paths));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && !strcmp(a, "--")) {
			opts_done = true;
		} else if (!opts_done && !strcmp(a, "--json")) {
			json = true;
		} else if (!opts_done && !strcmp(a, "--stat")) {
			stat_mode = true;
		} else if (!opts_done && (!strcmp(a, "--color") || !strcmp(a, "--color=always"))) {
			when = COLOR_ALWAYS;
		} else if (!opts_done && (!strcmp(a, "--no-color") || !strcmp(a, "--color=never"))) {
			when = COLOR_NEVER;
		} else if (!opts_done && !strcmp(a, "--color=auto")) {
			when = COLOR_AUTO;
		} else if (!opts_done && !strcmp(a, "--history") && i + 1 < argc) {
			history = argv[++i];
		} else if (!opts_done && !strcmp(a, "-n") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);

			if (*end || n < 1 || n > AD_ALIGN_MAX_DOCS) {
				ad_cli_errorf("diff: -n takes a number from 1 to %d", AD_ALIGN_MAX_DOCS);
				goto done;
			}
			history_n = (size_t)n;
		} else if (!opts_done && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			diff_usage(stdout);
			status = 0;
			goto done;
		} else if (!opts_done && a[0] == '-' && a[1]) {
			ad_cli_errorf("diff: unknown option '%s'", a);
			diff_usage(stderr);
			goto done;
		} else {
			paths[npaths++] = argv[i];
		}
	}
	if (history && ad_vsource_history(&srcs, &nhist, history, NULL, history_n, &err) < 0) {
		ad_cli_error(&err);
		goto done;
	}
	if (npaths + nhist < 2) {
		if (history)
			ad_cli_errorf("diff: only one revision of %s changed it; name a file to compare "
				      "it with", srcs[0].path);
		else
			ad_cli_errorf("diff: needs at least two files");
		diff_usage(stderr);
		goto done;
	}
	if (npaths + nhist > AD_ALIGN_MAX_DOCS) {
		ad_cli_errorf("diff: at most %d files at a time", AD_ALIGN_MAX_DOCS);
		goto done;
	}

	/* Read every variant first, then parse: a huge pair is never parsed.
	 * From here on a variant's path is its label (vsource.h). */
	srcs = ad_xrealloc(srcs, (nhist + npaths) * sizeof(*srcs));
	for (nsrcs = nhist, d = 0; d < npaths; d++, nsrcs++) {
		if (ad_vsource_read(&srcs[nsrcs], paths[d], NULL, &err) < 0) {
			ad_cli_error(&err);
			goto done;
		}
	}
	npaths = nsrcs;
	paths = ad_xrealloc(paths, (npaths + 1) * sizeof(*paths));
	for (d = 0; d < npaths; d++) {
		paths[d] = srcs[d].label;
		if (srcs[d].size > LARGE_BYTES)
			large = true;
	}
	docs = ad_xcalloc(npaths, sizeof(*docs));
	raw = ad_xcalloc(npaths, sizeof(*raw));
	rawlen = ad_xcalloc(npaths, sizeof(*rawlen));
	for (d = 0; d < npaths && !large; d++) {
		if (ad_vsource_parse(&docs[d], &srcs[d], &err) < 0) {
			ad_cli_error(&err);
			goto done;
		}
		if (ad_doc_section_count(docs[d]) > LARGE_SECTIONS)
			large = true;
	}
	for (d = 0; d < npaths && large; d++) {
		rawlen[d] = srcs[d].size;
		raw[d] = ad_xmalloc(rawlen[d] + 1);
		memcpy(raw[d], srcs[d].data, rawlen[d] + 1);
	}
	if (nhist && !json)
		history_legend(&out, history, srcs, nhist);

	names = short_names(paths, srcs, npaths);
	c.docs = (const ad_doc *const *)docs;
	c.ndocs = npaths;
	c.names = names;
	c.color = !json && want_color(when);

	if (large) {
		if (json) {
			/* Variants only: paths are all the JSON needs from the docs. */
			ad_json j;

			ad_json_init(&j, &out, true);
			ad_json_object_begin(&j);
			ad_json_key(&j, "variants");
			ad_json_array_begin(&j);
			for (d = 0; d < npaths; d++) {
				ad_json_object_begin(&j);
				ad_json_key(&j, "path");
				ad_json_string(&j, paths[d]);
				ad_json_object_end(&j);
			}
			ad_json_array_end(&j);
			ad_json_key(&j, "large");
			ad_json_bool(&j, true);
			ad_json_key(&j, "frontmatter");
			ad_json_array_begin(&j);
			ad_json_array_end(&j);
			ad_json_key(&j, "rows");
			ad_json_array_begin(&j);
			ad_json_array_end(&j);
			ad_json_object_end(&j);
			ad_buf_putc(&out, '\n');
			for (d = 1; d < npaths; d++)
				any |= rawlen[0] != rawlen[d] || memcmp(raw[0], raw[d], rawlen[0]);
		} else {
			any = render_large(&c, (const char *const *)raw, rawlen, stat_mode);
		}
		goto write;
	}

	if (ad_align_docs(&al, c.docs, npaths, NULL) < 0 ||
	    ad_fmdiff_docs(&fd, c.docs, npaths) < 0) {
		ad_cli_errorf("diff: cannot align the files");
		goto done;
	}
	for (d = 0; d < ad_align_row_count(al); d++)
		any |= row_differs(&c, ad_align_row_at(al, d));
	any |= ad_fmdiff_has_changes(fd);

	if (json) {
		json_output(&out, &c, al, fd, false);
	} else {
		if (npaths > 2) {
			render_table(&c, al);
			ad_buf_putc(&out, '\n');
		}
		for (d = 1; d < npaths; d++) {
			size_t mark = out.size;

			if (d > 1 && out.size)
				ad_buf_putc(&out, '\n');
			if (!render_pair(&c, al, d, stat_mode))
				buf_truncate(&out, mark);
			else
				any = true;
		}
	}
write:
	status = any ? 1 : 0;
	if (ad_cli_write_stdout(&out) < 0) {
		ad_cli_errorf("error writing to standard output");
		status = 2;
	}
done:
	for (d = 0; docs && d < npaths; d++)
		ad_doc_free(docs[d]);
	for (d = 0; raw && d < npaths; d++)
		free(raw[d]);
	free(raw);
	free(rawlen);
	free(docs);
	free(names);
	free(paths);
	ad_vsources_free(srcs, nsrcs > nhist ? nsrcs : nhist);
	ad_align_free(al);
	ad_fmdiff_free(fd);
	ad_buf_free(&out);
	ad_error_clear(&err);
	return status;
}
