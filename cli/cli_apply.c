/*
 * agentdiff plan [-o PLAN] [--output OUT] [--force] A B [C...]
 *   writes the plan a curated merge starts from: everything from A, with
 *   the other variants' differing versions as commented alternatives.
 *
 * agentdiff apply [-o OUT] [--allow-outside PATH]... [--force] [--commit [-m MSG]] PLAN
 *   re-applies a merge plan (diff/plan.h) to the variants as they are now
 *   and writes the result atomically; with --commit, commits it with
 *   trailers naming where each section came from.  A plan is data from
 *   someone else: the files it names must be agent definitions inside the
 *   repository that holds it, unless the user names them (see confine.h).
 *
 * Exit status: 0 written as planned; 1 some sections or fields of the plan
 * were not found (nothing written unless --force); 2 trouble.
 */
/* realpath(); ncurses' flags may already ask for an older X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "confine.h"
#include "doc.h"
#include "fileio.h"
#include "git.h"
#include "output.h"
#include "plan.h"
#include "term.h"
#include "vsource.h"
#include "workspace.h"

#define PLAN_MAX_SIZE ((size_t)16 << 20)

static void plan_usage(FILE *fp)
{
	fputs("usage: agentdiff plan [-o PLAN] [--output OUT] [--force] A B [C...]\n"
	      "\n"
	      "Writes a merge plan that takes everything from A, with the sections and\n"
	      "fields where B, C... differ listed as commented alternatives.  Edit it,\n"
	      "then 'agentdiff apply PLAN' writes the result.  Variants are files or\n"
	      "REV:PATH (HEAD~1:agents/x.md).\n"
	      "\n"
	      "  -o PLAN         write the plan to PLAN (default: standard output)\n"
	      "  --output OUT    the file apply writes the result to\n"
	      "  --force         overwrite PLAN if it exists\n",
	      fp);
}

static void apply_usage(FILE *fp)
{
	fputs("usage: agentdiff apply [-o OUT] [--allow-outside PATH]... [--force]\n"
	      "                       [--commit [-m MSG]] PLAN\n"
	      "\n"
	      "Applies a merge plan to its variants as they are now and writes the\n"
	      "result to OUT (default: the plan's output, else standard output).\n"
	      "Sections the plan names but a changed variant no longer has are\n"
	      "reported; then nothing is written unless --force.  The plan's variants\n"
	      "and output must lie inside the repository that holds the plan (or the\n"
	      "plan's folder), and its variants must be agent definitions.\n"
	      "\n"
	      "  -o OUT          write the result to OUT ('-' for standard output)\n"
	      "  --allow-outside PATH\n"
	      "                  let the plan name PATH (a variant or the output) although\n"
	      "                  it is outside; repeat it for more paths\n"
	      "  --force         write even when sections are missing, and overwrite OUT\n"
	      "                  even when it is not what the plan last wrote there\n"
	      "  --commit        commit OUT in its git repository, with trailers naming\n"
	      "                  where each section came from\n"
	      "  -m MSG          the commit message (default: \"Apply merge plan PLAN\")\n"
	      "\n"
	      "Exit status: 0 written as planned, 1 parts of the plan not found, 2 trouble.\n",
	      fp);
}

/* "agentdiff: apply: " + a message whose %s arguments may come from files:
 * the whole line is sanitized. */
static void say(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const char *cmd, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT, clean = AD_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ad_term_sanitize(&clean, ad_buf_cstr(&msg), msg.size, false);
	ad_cli_errorf("%s: %s", cmd, ad_buf_cstr(&clean));
	ad_buf_free(&msg);
	ad_buf_free(&clean);
}

/* ---------------------------------------------------------------- plan */

int ad_cli_plan(int argc, char **argv)
{
	const char *plan_path = NULL, *output = NULL;
	char **specs = NULL;
	size_t nspecs = 0, i;
	bool force = false, opts_done = false;
	ad_vsource *srcs = NULL;
	ad_doc **docs = NULL;
	char **pspecs = NULL;
	const char **blobs = NULL;
	ad_plan *plan = NULL;
	ad_buf text = AD_BUF_INIT, dir = AD_BUF_INIT, rel = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	struct stat st;
	int k, status = 2;

	specs = ad_xcalloc((size_t)argc + 1, sizeof(*specs));
	for (k = 1; k < argc; k++) {
		const char *a = argv[k];

		if (!opts_done && !strcmp(a, "--")) {
			opts_done = true;
		} else if (!opts_done && !strcmp(a, "-o") && k + 1 < argc) {
			plan_path = argv[++k];
		} else if (!opts_done && !strcmp(a, "--output") && k + 1 < argc) {
			output = argv[++k];
		} else if (!opts_done && !strcmp(a, "--force")) {
			force = true;
		} else if (!opts_done && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			plan_usage(stdout);
			status = 0;
			goto done;
		} else if (!opts_done && a[0] == '-' && a[1]) {
			say("plan", "unknown option or missing argument '%s'", a);
			plan_usage(stderr);
			goto done;
		} else {
			specs[nspecs++] = argv[k];
		}
	}
	if (nspecs < 1) {
		say("plan", "needs at least one variant");
		plan_usage(stderr);
		goto done;
	}
	if (nspecs > AD_PLAN_MAX_VARIANTS) {
		say("plan", "at most %d variants", AD_PLAN_MAX_VARIANTS);
		goto done;
	}
	if (plan_path && !force && stat(plan_path, &st) == 0) {
		say("plan", "%s exists; --force overwrites it", plan_path);
		goto done;
	}
	ad_path_dir(&dir, plan_path ? plan_path : "./-");
	srcs = ad_xcalloc(nspecs, sizeof(*srcs));
	docs = ad_xcalloc(nspecs, sizeof(*docs));
	pspecs = ad_xcalloc(nspecs, sizeof(*pspecs));
	blobs = ad_xcalloc(nspecs, sizeof(*blobs));
	for (i = 0; i < nspecs; i++) {
		if (ad_vsource_read(&srcs[i], specs[i], NULL, &err) < 0 ||
		    ad_vsource_parse(&docs[i], &srcs[i], &err) < 0) {
			ad_cli_error(&err);
			goto done;
		}
		ad_vsource_spec_from(&rel, &srcs[i], NULL, dir.ptr);
		pspecs[i] = ad_buf_detach(&rel);
		blobs[i] = ad_vsource_blob(&srcs[i]);
	}
	if (ad_plan_default(&plan, (const ad_doc *const *)docs, (const char *const *)pspecs, blobs,
			    nspecs, &err) < 0) {
		ad_cli_error(&err);
		goto done;
	}
	if (output) {
		ad_vsource_relative(&rel, output, NULL, dir.ptr);
		ad_plan_set_output(plan, rel.ptr, NULL);
	}
	ad_plan_write(&text, plan);
	if (!plan_path) {
		if (ad_cli_write_result(text.ptr ? text.ptr : "", text.size) < 0) {
			ad_cli_errorf("error writing to standard output");
			goto done;
		}
	} else {
		ad_write_options wopts = AD_WRITE_OPTIONS_INIT;

		/* Without --force, not over a plan that appeared since the check
		 * above either. */
		wopts.flags = force ? 0 : AD_WRITE_EXCLUSIVE;
		if (ad_write_file(plan_path, text.ptr, text.size, &wopts, &err) < 0) {
			ad_cli_error(&err);
			goto done;
		}
	}
	status = 0;
done:
	for (i = 0; docs && i < nspecs; i++)
		ad_doc_free(docs[i]);
	for (i = 0; pspecs && i < nspecs; i++)
		free(pspecs[i]);
	ad_vsources_free(srcs, nspecs);
	free(docs);
	free(pspecs);
	free(blobs);
	free(specs);
	ad_plan_free(plan);
	ad_buf_free(&text);
	ad_buf_free(&dir);
	ad_buf_free(&rel);
	ad_error_clear(&err);
	return status;
}

/* ---------------------------------------------------------------- apply */

typedef struct {
	const char *plan_path;
	const char *out_arg;
	const char *message;
	bool force, commit;
	const char **allow; /* the --allow-outside paths (owned array) */
	size_t nallow;
} apply_args;

static int parse_apply_args(apply_args *a, int argc, char **argv)
{
	bool opts_done = false;
	int k;

	memset(a, 0, sizeof(*a));
	a->allow = ad_xcalloc((size_t)argc, sizeof(*a->allow));
	for (k = 1; k < argc; k++) {
		const char *s = argv[k];

		if (!opts_done && !strcmp(s, "--")) {
			opts_done = true;
		} else if (!opts_done && !strcmp(s, "-o") && k + 1 < argc) {
			a->out_arg = argv[++k];
		} else if (!opts_done && !strcmp(s, "--allow-outside") && k + 1 < argc) {
			a->allow[a->nallow++] = argv[++k];
		} else if (!opts_done && !strncmp(s, "--allow-outside=", 16) && s[16]) {
			a->allow[a->nallow++] = s + 16;
		} else if (!opts_done && !strcmp(s, "-m") && k + 1 < argc) {
			a->message = argv[++k];
		} else if (!opts_done && !strncmp(s, "--message=", 10)) {
			a->message = s + 10;
		} else if (!opts_done && !strcmp(s, "--force")) {
			a->force = true;
		} else if (!opts_done && !strcmp(s, "--commit")) {
			a->commit = true;
		} else if (!opts_done && (!strcmp(s, "--help") || !strcmp(s, "-h"))) {
			apply_usage(stdout);
			return 0;
		} else if (!opts_done && s[0] == '-' && s[1]) {
			say("apply", "unknown option or missing argument '%s'", s);
			apply_usage(stderr);
			return 2;
		} else if (a->plan_path) {
			say("apply", "one plan at a time");
			apply_usage(stderr);
			return 2;
		} else {
			a->plan_path = s;
		}
	}
	if (!a->plan_path) {
		say("apply", "needs a plan file");
		apply_usage(stderr);
		return 2;
	}
	if (a->message && !a->commit) {
		say("apply", "-m goes with --commit");
		return 2;
	}
	return -1;
}

/*
 * The files the result may go over without --force: the plan's file
 * variants as read a moment ago, and the plan's recorded output with the
 * content the plan last wrote (its blob).  known has room for nv + 1.
 */
static size_t known_files(ad_output_known *known, ad_buf *out_path, const ad_plan *plan,
			  const ad_vsource *srcs, const char *plan_dir)
{
	size_t i, n = 0;

	for (i = 0; i < ad_plan_variant_count(plan); i++) {
		if (srcs[i].kind != AD_VSOURCE_FILE)
			continue;
		known[n].path = srcs[i].label;
		known[n].data = srcs[i].data;
		known[n++].len = srcs[i].size;
	}
	if (ad_plan_output_blob(plan) && ad_output_plan_target(out_path, plan, plan_dir)) {
		known[n].path = out_path->ptr;
		known[n++].blob = ad_plan_output_blob(plan);
	}
	return n;
}

/* Whether target is the file the plan's output line names. */
static bool is_plan_output(const ad_plan *plan, const char *plan_dir, const char *target)
{
	ad_buf path = AD_BUF_INIT, a = AD_BUF_INIT, b = AD_BUF_INIT;
	bool same;

	if (!ad_output_plan_target(&path, plan, plan_dir))
		return false;
	/* The file may not exist yet: compare the paths as seen from ".". */
	ad_vsource_relative(&a, path.ptr, NULL, ".");
	ad_vsource_relative(&b, target, NULL, ".");
	same = ad_output_same_file(path.ptr, target) || !strcmp(a.ptr, b.ptr);
	ad_buf_free(&path);
	ad_buf_free(&a);
	ad_buf_free(&b);
	return same;
}

/* Records in the plan file what was written where, unless the plan file
 * changed meanwhile.  A failure here is a warning: the result is written. */
static void record_output(const char *plan_path, const char *text, size_t len, const ad_plan *plan,
			  const char *target, const char *plan_dir, const char *blob)
{
	ad_buf rel = AD_BUF_INIT, next = AD_BUF_INIT;
	ad_error err = AD_ERROR_INIT;
	char *now = NULL;
	size_t nowlen = 0;
	int rc;

	ad_vsource_relative(&rel, target, NULL, plan_dir);
	ad_plan_splice_output(&next, plan, text, len, rel.ptr, blob);
	if (next.size == len && !memcmp(next.ptr, text, len))
		goto done;
	if (ad_read_file(&now, &nowlen, plan_path, PLAN_MAX_SIZE, &err) < 0 || nowlen != len ||
	    memcmp(now, text, len)) {
		say("apply", "warning: %s changed while applying; the output was not recorded in it",
		    plan_path);
		goto done;
	}
	/* Checked again under the plan file's lock, right before the rename. */
	rc = ad_output_replace(plan_path, text, len, next.ptr, next.size, &err);
	if (rc == AD_ECHANGED) {
		say("apply", "warning: %s changed while applying; the output was not recorded in it",
		    plan_path);
	} else if (rc < 0) {
		say("apply", "warning: could not record the output in the plan:");
		ad_cli_error(&err);
	}
done:
	free(now);
	ad_buf_free(&rel);
	ad_buf_free(&next);
	ad_error_clear(&err);
}

/*
 * A plan is data from someone else (see confine.h): its variants and its
 * output must lie inside the repository that holds the plan, or the plan's
 * folder outside any, unless the user named the path (-o for the output,
 * --allow-outside for either), and nothing is written inside a git folder,
 * whoever named it.  Refuses, with the plan's line and column, before
 * anything is read or written.  resolved[i] gets file variant i's physical
 * path (NULL for a revision), for the later checks.
 */
static int confine_plan(char **resolved, const apply_args *a, const ad_plan *plan, const char *dir,
			const char *target)
{
	ad_buf root = AD_BUF_INIT, phys = AD_BUF_INIT;
	char **allowed = ad_xcalloc(a->nallow + 1, sizeof(*allowed));
	ad_confine c = { 0 };
	ad_confine_verdict verdict;
	ad_error err = AD_ERROR_INIT;
	const char *where, *what;
	bool in_repo = false;
	size_t i;
	int error = 0, line, col;

	if ((error = ad_confine_root(&root, &in_repo, dir, &err)) < 0) {
		ad_cli_error(&err);
		goto done;
	}
	where = in_repo ? "the repository" : "the plan's folder";
	for (i = 0; i < a->nallow; i++) {
		if ((error = ad_confine_resolve(&phys, a->allow[i], NULL, &err)) < 0) {
			say("apply", "--allow-outside %s: %s", a->allow[i], err.message);
			goto done;
		}
		allowed[i] = ad_buf_detach(&phys);
	}
	c.root = root.ptr;
	c.allowed = (const char *const *)allowed;
	c.nallowed = a->nallow;

	/* The output the user named (-o) may be anywhere but in a git
	 * folder; the plan's, only inside or where the user allowed. */
	if (*target && a->out_arg) {
		if ((error = ad_confine_resolve(&phys, target, NULL, &err)) < 0) {
			ad_cli_error(&err);
			goto done;
		}
		if (ad_confine_in_git_dir(phys.ptr, &what)) {
			say("apply", "-o %s %s; agentdiff never writes there", target, what);
			error = AD_EINVALID;
			goto done;
		}
	} else if (*target) {
		ad_plan_output_at(plan, &line, &col);
		if ((error = ad_confine_check(&verdict, &phys, &c, target, NULL, true, &err)) < 0) {
			say("apply", "%s:%d:%d: output \"%s\": %s", a->plan_path, line, col,
			    ad_plan_output(plan), err.message);
			goto done;
		}
		error = verdict == AD_CONFINE_OK ? 0 : AD_EINVALID;
		if (verdict == AD_CONFINE_GIT_DIR) {
			ad_confine_in_git_dir(phys.ptr, &what);
			say("apply", "%s:%d:%d: output \"%s\" %s; agentdiff never writes there",
			    a->plan_path, line, col, ad_plan_output(plan), what);
		} else if (verdict == AD_CONFINE_OUTSIDE) {
			say("apply", "%s:%d:%d: output \"%s\" is outside %s (use -o or --allow-outside "
				     "PATH)", a->plan_path, line, col, ad_plan_output(plan), where);
		} else if (verdict == AD_CONFINE_HARD_LINKS) {
			say("apply", "%s:%d:%d: output \"%s\" has other hard links, which may lie "
				     "outside %s (use -o or --allow-outside PATH)",
			    a->plan_path, line, col, ad_plan_output(plan), where);
		}
		if (error < 0)
			goto done;
	}

	/* The variants read from files; a revision's PATH is inside its
	 * repository by construction (git.c refuses a ".." that leaves it). */
	for (i = 0; i < ad_plan_variant_count(plan); i++) {
		const ad_plan_variant *v = ad_plan_variant_at(plan, i);

		if (ad_git_is_revpath(v->spec, dir))
			continue;
		if ((error = ad_confine_check(&verdict, &phys, &c, v->spec, dir, false, &err)) < 0) {
			say("apply", "%s:%d:%d: variant %zu: %s", a->plan_path, v->line, v->column, i + 1,
			    err.message);
			goto done;
		}
		if (verdict != AD_CONFINE_OK) {
			say("apply", "%s:%d:%d: variant %zu \"%s\" is outside %s (use --allow-outside "
				     "PATH)", a->plan_path, v->line, v->column, i + 1, v->spec, where);
			error = AD_EINVALID;
			goto done;
		}
		resolved[i] = ad_buf_detach(&phys);
	}
done:
	for (i = 0; i < a->nallow; i++)
		free(allowed[i]);
	free(allowed);
	ad_buf_free(&root);
	ad_buf_free(&phys);
	ad_error_clear(&err);
	return error;
}

/* Whether every file variant lies in the work tree that receives the
 * commit, so that nothing from outside the repository goes into its
 * history; says which does not. */
static bool sources_inside(const char *workdir, const ad_plan *plan, char *const *resolved)
{
	size_t i;

	for (i = 0; i < ad_plan_variant_count(plan); i++)
		if (resolved[i] && !ad_confine_inside(resolved[i], workdir)) {
			say("apply", "cannot commit: variant %zu (%s) is outside the repository that "
				     "receives the commit; nothing written",
			    i + 1, ad_plan_variant_at(plan, i)->spec);
			return false;
		}
	return true;
}

int ad_cli_apply(int argc, char **argv)
{
	apply_args args;
	ad_error err = AD_ERROR_INIT;
	char *text = NULL;
	size_t len = 0, nv = 0, nknown, i;
	ad_plan *plan = NULL;
	ad_plan_result *res = NULL;
	ad_vsource *srcs = NULL;
	ad_doc **docs = NULL;
	const char **blobs = NULL;
	ad_buf dir = AD_BUF_INIT, target = AD_BUF_INIT, msg = AD_BUF_INIT, workdir = AD_BUF_INIT;
	char **resolved = NULL;
	ad_git_commit_result cres;
	ad_output_known *known = NULL;
	ad_output_target out = { 0 };
	ad_buf outpath = AD_BUF_INIT;
	char blob[AD_GIT_HEXSIZE + 1];
	bool to_stdout, unchanged = false;
	int status;

	memset(&cres, 0, sizeof(cres));
	if ((status = parse_apply_args(&args, argc, argv)) >= 0) {
		free(args.allow);
		return status;
	}
	status = 2;

	if (ad_read_file(&text, &len, args.plan_path, PLAN_MAX_SIZE, &err) < 0 ||
	    ad_plan_parse(&plan, args.plan_path, text, len, &err) < 0) {
		ad_cli_error(&err);
		goto done;
	}
	ad_path_dir(&dir, args.plan_path);

	/* Where the result goes. */
	if (args.out_arg && strcmp(args.out_arg, "-")) {
		ad_buf_puts(&target, args.out_arg);
	} else if (!args.out_arg) {
		ad_output_plan_target(&target, plan, dir.ptr);
	}
	to_stdout = target.size == 0;
	if (args.commit && to_stdout) {
		say("apply", "--commit needs a file to write: -o OUT, or an output line in the plan");
		goto done;
	}
	nv = ad_plan_variant_count(plan);
	resolved = ad_xcalloc(nv + 1, sizeof(*resolved));
	if (confine_plan(resolved, &args, plan, dir.ptr, ad_buf_cstr(&target)) < 0) {
		say("apply", "nothing written");
		goto done;
	}

	/* The variants as they are now; each read from a file must be an
	 * agent definition, not any file. */
	srcs = ad_xcalloc(nv, sizeof(*srcs));
	docs = ad_xcalloc(nv, sizeof(*docs));
	blobs = ad_xcalloc(nv, sizeof(*blobs));
	for (i = 0; i < nv; i++) {
		const ad_plan_variant *v = ad_plan_variant_at(plan, i);

		if (ad_vsource_read(&srcs[i], v->spec, dir.ptr, &err) < 0 ||
		    ad_vsource_parse(&docs[i], &srcs[i], &err) < 0) {
			char where[64];

			snprintf(where, sizeof(where), "%d", v->line);
			say("apply", "%s:%s: variant %zu:", args.plan_path, where, i + 1);
			ad_cli_error(&err);
			goto done;
		}
		if (srcs[i].kind == AD_VSOURCE_FILE) {
			const char *why = "it was not a file when apply looked";

			if (!resolved[i] ||
			    !ad_ws_is_agent(resolved[i], srcs[i].data, srcs[i].size, docs[i], &why)) {
				say("apply", "%s:%d:%d: variant %zu \"%s\" is not an agent definition "
					     "(%s); nothing written",
				    args.plan_path, v->line, v->column, i + 1, v->spec, why);
				goto done;
			}
		}
		blobs[i] = ad_vsource_blob(&srcs[i]);
	}
	if (ad_plan_apply(&res, plan, (const ad_doc *const *)docs, blobs, nv, &err) < 0) {
		ad_cli_error(&err);
		goto done;
	}

	/* What changed upstream, and what the plan no longer finds. */
	for (i = 0; i < nv; i++)
		if (res->changed[i] && ad_plan_variant_at(plan, i)->blob)
			say("apply", "note: variant %zu (%s) changed since the plan was made; its "
				     "sections were found again by title and content",
			    i + 1, srcs[i].label);
	for (i = 0; i < res->nunplanned; i++) {
		const ad_plan_unplanned *u = &res->unplanned[i];
		const ad_section *s = &ad_doc_sections(docs[u->variant])[u->section];

		say("apply", "note: \"%s\" (variant %d, line %d) is in no line of the plan; left out",
		    s->kind == AD_SECTION_PREAMBLE ? "(preamble)" : s->title, u->variant + 1, s->line);
	}
	for (i = 0; i < res->nmissing; i++)
		say("apply", "%s:%d: %s", args.plan_path, res->missing[i].line, res->missing[i].message);
	if (res->nmissing && !args.force) {
		say("apply", "nothing written: %zu part%s of the plan not found (--force writes "
			     "the result without them)",
		    res->nmissing, res->nmissing == 1 ? "" : "s");
		status = 1;
		goto done;
	}

	if (to_stdout) {
		if (ad_cli_write_result(res->text.ptr ? res->text.ptr : "", res->text.size) < 0) {
			ad_cli_errorf("error writing to standard output");
			goto done;
		}
		status = res->nmissing ? 1 : 0;
		goto done;
	}

	/* Refuse before writing anything when the commit would be refused,
	 * or would put into history a file from outside the repository. */
	if (args.commit && ad_git_commit_workdir(&workdir, target.ptr, NULL, &err) < 0) {
		ad_cli_error(&err);
		say("apply", "nothing written");
		goto done;
	}
	if (args.commit && !sources_inside(workdir.ptr, plan, resolved))
		goto done;
	ad_git_hash_blob(blob, res->text.ptr, res->text.size);
	known = ad_xcalloc(nv + 1, sizeof(*known));
	nknown = known_files(known, &outpath, plan, srcs, dir.ptr);
	if (ad_output_check(&out, target.ptr, res->text.ptr, res->text.size, known, nknown,
			    &err) < 0) {
		ad_cli_error(&err);
		goto done;
	}
	if (!ad_output_allowed(&out, args.force)) {
		say("apply", "%s exists and is not what this plan last wrote there (it was "
			     "changed, or written by something else); --force overwrites it",
		    target.ptr);
		goto done;
	}
	unchanged = out.state == AD_OUTPUT_SAME;
	if (ad_output_write(&out, res->text.ptr, res->text.size, &err) < 0) {
		ad_cli_error(&err);
		if (err.code == AD_EEXISTS || err.code == AD_ECHANGED)
			say("apply", "nothing written; run it again to decide on what is there now");
		goto done;
	}
	say("apply", "%s %s (%zu bytes)", unchanged ? "unchanged:" : "wrote", target.ptr,
	    res->text.size);
	/* The plan remembers what it wrote to its own output (or, having none,
	 * to the first file it writes); a one-off -o elsewhere is not recorded. */
	if (!ad_plan_output(plan) || !args.out_arg || is_plan_output(plan, dir.ptr, target.ptr))
		record_output(args.plan_path, text, len, plan, target.ptr, dir.ptr, blob);

	if (args.commit) {
		ad_buf subject = AD_BUF_INIT;
		const char *base = strrchr(args.plan_path, '/');

		if (!args.message)
			ad_buf_printf(&subject, "Apply merge plan %s", base ? base + 1 : args.plan_path);
		ad_output_commit_message(&msg, args.message ? args.message : subject.ptr, plan, res,
					 (const ad_doc *const *)docs, srcs, nv, args.plan_path);
		ad_buf_free(&subject);
		if (ad_output_commit(&cres, target.ptr, res->text.ptr, res->text.size,
				     ad_buf_cstr(&msg), &err) < 0) {
			ad_cli_error(&err);
			say("apply", "%s is written but not committed", target.ptr);
			goto done;
		}
		if (cres.committed)
			say("apply", "committed %s on %s%s", cres.short_id,
			    cres.branch ? cres.branch : "a detached HEAD",
			    cres.root ? " (its first commit)" : "");
		else
			say("apply", "nothing to commit: %s is as HEAD has it", cres.path);
	}
	status = res->nmissing ? 1 : 0;
done:
	for (i = 0; docs && i < nv; i++)
		ad_doc_free(docs[i]);
	for (i = 0; resolved && i < nv; i++)
		free(resolved[i]);
	free(resolved);
	free(args.allow);
	ad_vsources_free(srcs, nv);
	free(docs);
	free(blobs);
	free(text);
	free(known);
	ad_output_target_clear(&out);
	ad_buf_free(&outpath);
	ad_plan_free(plan);
	ad_plan_result_free(res);
	ad_git_commit_result_clear(&cres);
	ad_buf_free(&dir);
	ad_buf_free(&target);
	ad_buf_free(&msg);
	ad_buf_free(&workdir);
	ad_error_clear(&err);
	return status;
}
