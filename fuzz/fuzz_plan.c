/*
 * fuzz_plan: merge plans (diff/plan.h) on any bytes: the plan-file parser,
 * the writer and the applier.
 *
 * The input is a plan file.  Its variants are three small agent
 * definitions kept here in memory (frontmatter and none, headings, tags, a
 * BOM, CRLF, a fence, no final newline): the plan's variant i is the fixed
 * variant i % 3, which the input's first byte may rotate.  Checked on
 * every input:
 *
 *   - a plan that does not parse fails with AD_EPARSE, a line and a column
 *     in the input, and a message without raw control characters;
 *   - a plan that parses is written in the canonical layout, which parses
 *     to a plan written the same way again (a fixpoint), with as many
 *     variants, fields and items;
 *   - applying it succeeds (the only failure plan.h allows is a count of
 *     variants that does not match), with pieces in result order inside
 *     the text, indices inside the plan and the variants, and missing
 *     messages that quote no raw control character; the result is a
 *     document that keeps the promises of doc.h (fuzz/invariants.c); a
 *     second run gives the same bytes;
 *   - ad_plan_splice_output() gives a plan that parses, with that output;
 *   - trailers and a commit message are written without raw controls.
 *
 * Once per process, the default plan of each rotation of the fixed
 * variants, written and parsed back, must reproduce the first variant
 * byte for byte.  A broken promise aborts, so that libFuzzer keeps the
 * input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "git.h"
#include "invariants.h"
#include "plan.h"
#include "term.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIXED 3

static const char *const fixed_text[NFIXED] = {
	"---\n"
	"name: reviewer\n"
	"description: Reviews a diff.\n"
	"tools:\n"
	"  - Read\n"
	"  - Grep\n"
	"model: sonnet\n"
	"---\n"
	"\n"
	"Preamble text.\n"
	"\n"
	"# Role\n"
	"\n"
	"You review code.\n"
	"\n"
	"## Scope\n"
	"\n"
	"Only the diff.\n"
	"\n"
	"<instructions>\n"
	"<step name=\"read\">\n"
	"Read it.\n"
	"</step>\n"
	"<step name=\"report\">\n"
	"Report.\n"
	"</step>\n"
	"</instructions>\n"
	"\n"
	"```md\n"
	"# not a heading\n"
	"```\n",

	"---\r\n"
	"name: reviewer\r\n"
	"description: \"Reviews a diff, strictly.\"\r\n"
	"tools: [Read, Bash, Grep]\r\n"
	"color: red\r\n"
	"---\r\n"
	"# Role\r\n"
	"\r\n"
	"You review code strictly.\r\n"
	"\r\n"
	"## Scope\r\n"
	"\r\n"
	"Only the diff, and what it calls.\r\n"
	"\r\n"
	"## Scope\r\n"
	"\r\n"
	"A second scope.\r\n"
	"\r\n"
	"<instructions>\r\n"
	"<step name=\"report\">\r\n"
	"Report first.\r\n"
	"</step>\r\n"
	"</instructions>\r\n",

	"\xEF\xBB\xBF# Role\n"
	"\n"
	"No frontmatter.\n"
	"\n"
	"Examples\n"
	"--------\n"
	"\n"
	"<example>\n"
	"One.\n"
	"</example>\n"
	"## Last",
};

typedef struct {
	bool ready;
	ad_doc *docs[NFIXED];
	char blobs[NFIXED][AD_GIT_HEXSIZE + 1];
} fixed_set;

static fixed_set fixed;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_plan: %s\n%s%s", what, detail ? detail : "", detail ? "\n" : "");
	abort();
}

/* No C0 control but tab and newline, no DEL, no C1 control, valid UTF-8. */
static bool is_clean(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = ad_utf8_decode(s + i, len - i, &cp);

		if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp < 0xA0))
			return false;
		i += n;
	}
	return true;
}

static void setup_fixed(void)
{
	ad_error err = AD_ERROR_INIT;
	size_t i, r;

	if (fixed.ready)
		return;
	for (i = 0; i < NFIXED; i++) {
		if (ad_doc_parse(&fixed.docs[i], "fixed.md", fixed_text[i], strlen(fixed_text[i]), NULL,
				 &err) < 0)
			die("a fixed variant does not parse", err.message);
		ad_git_hash_blob(fixed.blobs[i], fixed_text[i], strlen(fixed_text[i]));
	}
	/* The default plan of each rotation reproduces its first variant. */
	for (r = 0; r < NFIXED; r++) {
		const ad_doc *docs[NFIXED];
		const char *specs[NFIXED], *blobs[NFIXED];
		ad_plan *plan = NULL, *back = NULL;
		ad_plan_result *res = NULL;
		ad_buf text = AD_BUF_INIT;

		for (i = 0; i < NFIXED; i++) {
			docs[i] = fixed.docs[(r + i) % NFIXED];
			blobs[i] = fixed.blobs[(r + i) % NFIXED];
			specs[i] = i == 0 ? "a.md" : i == 1 ? "b.md" : "c.md";
		}
		if (ad_plan_default(&plan, docs, specs, blobs, NFIXED, &err) < 0)
			die("ad_plan_default failed on the fixed variants", err.message);
		ad_plan_write(&text, plan);
		if (ad_plan_parse(&back, "default.plan", text.ptr, text.size, &err) < 0)
			die("a default plan, written, does not parse", err.message);
		if (ad_plan_apply(&res, back, docs, blobs, NFIXED, &err) < 0)
			die("a default plan does not apply", err.message);
		if (res->text.size != ad_doc_size(docs[0]) ||
		    memcmp(res->text.ptr ? res->text.ptr : "", ad_doc_data(docs[0]), res->text.size))
			die("the default plan does not reproduce its first variant", ad_buf_cstr(&text));
		ad_plan_result_free(res);
		ad_plan_free(plan);
		ad_plan_free(back);
		ad_buf_free(&text);
	}
	ad_error_clear(&err);
	fixed.ready = true;
}

static void check_parse_error(const ad_error *err, const uint8_t *data, size_t size)
{
	char msg[1024];
	int lines = 1;
	size_t i;

	/* Lines end at "\n", "\r\n" or a lone "\r", as the parser reads them. */
	for (i = 0; i < size; i++)
		lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 >= size || data[i + 1] != '\n'));
	if (err->code != AD_EPARSE)
		die("a plan that does not parse is not AD_EPARSE", err->message);
	if (err->line < 1 || err->line > lines + 1 || err->column < 1)
		die("a parse error outside the plan", ad_error_format(err, msg, sizeof(msg)));
	if (!err->message || !is_clean(err->message, strlen(err->message)))
		die("a raw control character in a parse error", err->message);
}

/* The plan written, parsed back and written again: the same text and
 * counts. */
static void check_round_trip(const ad_plan *plan)
{
	ad_buf a = AD_BUF_INIT, b = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_plan *back = NULL;

	ad_plan_write(&a, plan);
	if (ad_plan_parse(&back, "written.plan", a.ptr, a.size, &err) < 0)
		die("a written plan does not parse", err.message);
	ad_plan_write(&b, back);
	if (a.size != b.size || memcmp(a.ptr, b.ptr, a.size))
		die("a written plan, parsed and written again, differs", ad_buf_cstr(&a));
	if (ad_plan_variant_count(back) != ad_plan_variant_count(plan) ||
	    ad_plan_field_count(back) != ad_plan_field_count(plan) ||
	    ad_plan_item_count(back) != ad_plan_item_count(plan))
		die("a written plan has other counts", ad_buf_cstr(&a));
	ad_plan_free(back);
	ad_buf_free(&a);
	ad_buf_free(&b);
	ad_error_clear(&err);
}

static void check_result(const ad_plan_result *res, const ad_plan *plan,
			 const ad_doc *const *docs, size_t ndocs)
{
	ad_doc *doc = NULL;
	ad_buf why = AD_BUF_INIT;
	size_t i, prev_end = 0;

	for (i = 0; i < res->npieces; i++) {
		const ad_plan_piece *p = &res->pieces[i];

		if (p->start > p->end || p->end > res->text.size || p->start < prev_end)
			die("a piece out of place in the result", NULL);
		prev_end = p->end;
		if (p->item >= ad_plan_item_count(plan) || p->variant < -1 ||
		    p->variant >= (int)ndocs || (p->variant < 0 && p->section != -1) ||
		    (p->variant >= 0 &&
		     (p->section < -1 || p->section >= (int)ad_doc_section_count(docs[p->variant]))))
			die("a piece names an item, a variant or a section that is not there", NULL);
	}
	for (i = 0; i < res->nmissing; i++) {
		const ad_plan_missing *m = &res->missing[i];

		if (!m->message || !is_clean(m->message, strlen(m->message)))
			die("a missing message with a raw control character", m->message);
		if (m->index >= (m->field ? ad_plan_field_count(plan) : ad_plan_item_count(plan)))
			die("a missing entry names no field or item", m->message);
	}
	for (i = 0; i < res->nunplanned; i++) {
		const ad_plan_unplanned *u = &res->unplanned[i];

		if (u->variant < 0 || u->variant >= (int)ndocs || u->section < 0 ||
		    u->section >= (int)ad_doc_section_count(docs[u->variant]))
			die("an unplanned section that is not there", NULL);
		if (!res->changed[u->variant])
			die("an unplanned section in a variant that did not change", NULL);
	}
	if (ad_doc_parse(&doc, "result.md", res->text.ptr ? res->text.ptr : "", res->text.size,
			 NULL, NULL) < 0)
		die("the result does not parse as a document", NULL);
	if (ad_inv_doc(&why, doc, res->text.ptr ? res->text.ptr : "", res->text.size) > 0)
		die("a document invariant is broken in the result", ad_buf_cstr(&why));
	ad_doc_free(doc);
	ad_buf_free(&why);
}

static void check_apply(const ad_plan *plan, unsigned rot, unsigned mask)
{
	size_t n = ad_plan_variant_count(plan), i;
	const ad_doc **docs = ad_xcalloc(n ? n : 1, sizeof(*docs));
	const char **blobs = ad_xcalloc(n ? n : 1, sizeof(*blobs));
	ad_buf *names = ad_xcalloc(n ? n : 1, sizeof(*names));
	const char **vnames = ad_xcalloc(n ? n : 1, sizeof(*vnames));
	ad_plan_result *res = NULL, *again = NULL;
	ad_error err = AD_ERROR_INIT;
	ad_buf msg = AD_BUF_INIT;

	/* Each variant is a fixed one; its blob is the plan's (unchanged),
	 * the true one, or unknown, as the mask says. */
	for (i = 0; i < n; i++) {
		const ad_plan_variant *v = ad_plan_variant_at(plan, i);
		unsigned how = (mask >> (2 * (i % 4))) & 3;

		docs[i] = fixed.docs[(i + rot) % NFIXED];
		blobs[i] = how == 0 && v->blob ? v->blob : how == 3 ? NULL : fixed.blobs[(i + rot) % NFIXED];
		/* Names come sanitized, as ad_vsource_provenance() makes them. */
		ad_term_sanitize(&names[i], v->spec, strlen(v->spec), false);
		vnames[i] = ad_buf_cstr(&names[i]);
	}
	if (ad_plan_apply(&res, plan, docs, blobs, n, &err) < 0)
		die("a plan that parses does not apply", err.message);
	check_result(res, plan, docs, n);
	if (ad_plan_apply(&again, plan, docs, blobs, n, &err) < 0 || again->text.size != res->text.size ||
	    memcmp(again->text.ptr ? again->text.ptr : "", res->text.ptr ? res->text.ptr : "",
		   res->text.size))
		die("applying the same plan twice gives other bytes", NULL);
	ad_plan_commit_message(&msg, "Merge reviewer\n\n", plan, res, docs, vnames, "fuzz.plan");
	if (!is_clean(msg.ptr ? msg.ptr : "", msg.size))
		die("a raw control character in a commit message", ad_buf_cstr(&msg));
	ad_plan_result_free(res);
	ad_plan_result_free(again);
	ad_buf_free(&msg);
	ad_error_clear(&err);
	for (i = 0; i < n; i++)
		ad_buf_free(&names[i]);
	free(names);
	free(docs);
	free(blobs);
	free(vnames);
}

static void check_splice(const ad_plan *plan, const uint8_t *data, size_t size)
{
	static const char blob[] = "0123456789abcdef0123456789abcdef01234567";
	ad_buf out = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	ad_plan *back = NULL;

	ad_plan_splice_output(&out, plan, (const char *)data, size, "out/merged.md", blob);
	if (ad_plan_parse(&back, "spliced.plan", out.ptr ? out.ptr : "", out.size, &err) < 0)
		die("a plan with its output spliced does not parse", err.message);
	if (!ad_plan_output(back) || strcmp(ad_plan_output(back), "out/merged.md") ||
	    !ad_plan_output_blob(back) || strcmp(ad_plan_output_blob(back), blob))
		die("a spliced output statement is not read back", ad_buf_cstr(&out));
	if (ad_plan_item_count(back) != ad_plan_item_count(plan) ||
	    ad_plan_variant_count(back) != ad_plan_variant_count(plan))
		die("splicing the output changed the plan's items or variants", ad_buf_cstr(&out));
	ad_plan_free(back);
	ad_buf_free(&out);
	ad_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ad_error err = AD_ERROR_INIT;
	ad_plan *plan = NULL;
	uint32_t h = 2166136261u;
	size_t i;

	setup_fixed();
	for (i = 0; i < size && i < 64; i++)
		h = (h ^ data[i]) * 16777619u;
	if (ad_plan_parse(&plan, "fuzz.plan", (const char *)data, size, &err) < 0) {
		check_parse_error(&err, data, size);
		ad_error_clear(&err);
		return 0;
	}
	check_round_trip(plan);
	check_apply(plan, size ? data[0] % NFIXED : 0, h);
	check_splice(plan, data, size);
	ad_plan_free(plan);
	ad_error_clear(&err);
	return 0;
}
