/*
 * output.c: the overwrite rules, the guarded write, plan paths and the
 * commit of what was written (output.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "output.h"

static bool S_same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || !memcmp(a, b, alen));
}

bool ad_output_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int ad_output_check(ad_output_target *out, const char *path, const char *data, size_t len,
		    const ad_output_known *known, size_t nknown, ad_error *err)
{
	ad_error rerr = AD_ERROR_INIT;
	char blob[AD_GIT_HEXSIZE + 1];
	bool seen = false, changed = false, hashed = false;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	out->path = path;
	if ((error = ad_read_file(&out->cur, &out->curlen, path, AD_DOC_MAX_SIZE, &rerr)) < 0) {
		if (rerr.code == AD_ENOTFOUND) {
			out->state = AD_OUTPUT_NEW;
			error = 0;
		} else {
			error = ad_error_set(err, rerr.code, rerr.path, 0, 0, "%s",
					     rerr.message ? rerr.message : "cannot read");
		}
		ad_error_clear(&rerr);
		return error;
	}
	if (S_same_bytes(out->cur, out->curlen, data, len)) {
		out->state = AD_OUTPUT_SAME;
		return 0;
	}
	for (i = 0; i < nknown && !seen; i++) {
		bool same;

		if (!ad_output_same_file(known[i].path, path))
			continue;
		if (known[i].data) {
			same = S_same_bytes(known[i].data, known[i].len, out->cur, out->curlen);
		} else if (known[i].blob) {
			if (!hashed)
				ad_git_hash_blob(blob, out->cur, out->curlen);
			hashed = true;
			same = !strcmp(blob, known[i].blob);
		} else {
			continue;
		}
		if (same)
			seen = true;
		else
			changed = true;
	}
	out->state = seen ? AD_OUTPUT_KNOWN : changed ? AD_OUTPUT_CHANGED : AD_OUTPUT_FOREIGN;
	return 0;
}

void ad_output_target_clear(ad_output_target *t)
{
	if (!t)
		return;
	free(t->cur);
	memset(t, 0, sizeof(*t));
}

bool ad_output_allowed(const ad_output_target *t, bool force)
{
	return force || t->state == AD_OUTPUT_NEW || t->state == AD_OUTPUT_SAME ||
	       t->state == AD_OUTPUT_KNOWN;
}

int ad_output_replace(const char *path, const char *old, size_t oldlen, const char *data,
		      size_t len, ad_error *err)
{
	ad_write_options wopts = AD_WRITE_OPTIONS_INIT;

	/* What was decided on holds when the file is written: a new file is
	 * created exclusively (of two writers, one wins), an existing one
	 * replaced only if it still holds what was read. */
	wopts.flags = old ? AD_WRITE_IF_UNCHANGED : AD_WRITE_EXCLUSIVE;
	wopts.expect = old;
	wopts.expect_len = oldlen;
	return ad_write_file(path, data ? data : "", len, &wopts, err);
}

int ad_output_write(const ad_output_target *t, const char *data, size_t len, ad_error *err)
{
	if (t->state == AD_OUTPUT_SAME)
		return 0;
	return ad_output_replace(t->path, t->state == AD_OUTPUT_NEW ? NULL : t->cur, t->curlen,
				 data, len, err);
}

bool ad_output_plan_target(ad_buf *out, const ad_plan *plan, const char *plan_dir)
{
	const char *o = ad_plan_output(plan);

	ad_buf_clear(out);
	if (!o)
		return false;
	if (o[0] != '/' && plan_dir && strcmp(plan_dir, "."))
		ad_buf_printf(out, "%s/", plan_dir);
	ad_buf_puts(out, o);
	return true;
}

void ad_output_plan_path(ad_buf *out, const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	const char *dot = strrchr(name, '.');
	size_t keep = dot && dot > name ? (size_t)(dot - path) : strlen(path);

	ad_buf_clear(out);
	ad_buf_put(out, path, keep);
	ad_buf_puts(out, ".plan");
}

void ad_output_commit_message(ad_buf *out, const char *subject, const ad_plan *plan,
			      const ad_plan_result *res, const ad_doc *const *docs,
			      ad_vsource *srcs, size_t n, const char *plan_name)
{
	char **names = ad_xcalloc(n ? n : 1, sizeof(*names));
	ad_buf b = AD_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		ad_vsource_provenance(&b, &srcs[i]);
		names[i] = ad_buf_detach(&b);
	}
	ad_plan_commit_message(out, subject, plan, res, docs, (const char *const *)names,
			       plan_name);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	ad_buf_free(&b);
}

int ad_output_commit(ad_git_commit_result *out, const char *path, const char *written,
		     size_t wlen, const char *message, ad_error *err)
{
	ad_git_commit_options opts = AD_GIT_COMMIT_OPTIONS_INIT;
	char *cur = NULL;
	size_t curlen = 0;
	const char *p;
	int error;

	memset(out, 0, sizeof(*out));
	for (p = message ? message : ""; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	if (!*p)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "the message is empty: nothing committed");
	if (ad_read_file(&cur, &curlen, path, AD_DOC_MAX_SIZE, NULL) < 0 ||
	    !S_same_bytes(cur, curlen, written, wlen)) {
		free(cur);
		return ad_error_set(err, AD_ECONFLICT, path, 0, 0,
				    "changed since it was written: nothing committed");
	}
	free(cur);
	opts.message = message;
	error = ad_git_commit_file(out, path, &opts, err);
	return error;
}
