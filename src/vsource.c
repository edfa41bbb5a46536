/* realpath(); ncurses' flags may already ask for an older X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "term.h"
#include "vsource.h"

void ad_vsource_clear(ad_vsource *src)
{
	if (!src)
		return;
	free(src->spec);
	free(src->label);
	free(src->short_label);
	free(src->data);
	free(src->path);
	free(src->rev);
	free(src->subject);
	memset(src, 0, sizeof(*src));
}

void ad_vsources_free(ad_vsource *srcs, size_t count)
{
	size_t i;

	for (i = 0; srcs && i < count; i++)
		ad_vsource_clear(&srcs[i]);
	free(srcs);
}

/* base/path, or path when it is absolute or base is NULL or ".". */
static void S_join(ad_buf *out, const char *path, const char *base)
{
	ad_buf_clear(out);
	if (path[0] != '/' && base && *base && strcmp(base, ".")) {
		ad_buf_puts(out, base);
		if (base[strlen(base) - 1] != '/')
			ad_buf_putc(out, '/');
	}
	ad_buf_puts(out, path);
}

static char *S_short(const char *rev, const char *path)
{
	const char *slash = strrchr(path, '/');
	ad_buf b = AD_BUF_INIT;

	if (rev)
		ad_buf_printf(&b, "%s:", rev);
	ad_buf_puts(&b, slash && slash[1] ? slash + 1 : path);
	return ad_buf_detach(&b);
}

/* Moves a git file's parts into src. */
static void S_from_git(ad_vsource *src, ad_git_file *f, const char *spec)
{
	src->kind = AD_VSOURCE_REV;
	src->spec = ad_xstrdup(spec ? spec : f->label);
	src->label = f->label;
	src->data = f->data;
	src->size = f->size;
	src->path = f->path;
	src->rev = f->rev;
	src->subject = f->subject;
	memcpy(src->blob, f->blob, sizeof(src->blob));
	memcpy(src->commit, f->commit, sizeof(src->commit));
	memcpy(src->short_id, f->short_id, sizeof(src->short_id));
	memcpy(src->date, f->date, sizeof(src->date));
	memset(f, 0, sizeof(*f));
	src->short_label = S_short(src->rev, src->path ? src->path : "");
}

int ad_vsource_read(ad_vsource *out, const char *spec, const char *base, ad_error *err)
{
	ad_buf path = AD_BUF_INIT;
	struct stat st;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (ad_git_is_revpath(spec, base)) {
		ad_git_file f;

		if ((error = ad_git_read(&f, spec, base, err)) < 0)
			return error;
		S_from_git(out, &f, spec);
		return 0;
	}
	S_join(&path, spec, base);
	/* The message diff has always given for a missing file. */
	if (stat(path.ptr, &st) < 0) {
		error = ad_error_set(err, errno == ENOENT ? AD_ENOTFOUND : AD_EIO, path.ptr, 0, 0, "%s",
				     strerror(errno));
		goto done;
	}
	if ((error = ad_read_file(&out->data, &out->size, path.ptr, AD_DOC_MAX_SIZE, err)) < 0)
		goto done;
	out->kind = AD_VSOURCE_FILE;
	out->spec = ad_xstrdup(spec);
	out->label = ad_buf_detach(&path);
	out->short_label = S_short(NULL, spec);
done:
	ad_buf_free(&path);
	if (error < 0)
		ad_vsource_clear(out);
	return error;
}

int ad_vsource_history(ad_vsource **out, size_t *count, const char *path, const char *base,
		       size_t max, ad_error *err)
{
	ad_git_file *files = NULL;
	ad_vsource *srcs;
	size_t n = 0, i;
	int error;

	*out = NULL;
	*count = 0;
	if ((error = ad_git_history(&files, &n, path, base, max, err)) < 0)
		return error;
	srcs = ad_xcalloc(n, sizeof(*srcs));
	/* Oldest first, so that the comparison reads forwards in time. */
	for (i = 0; i < n; i++)
		S_from_git(&srcs[i], &files[n - 1 - i], NULL);
	ad_git_files_free(files, n);
	*out = srcs;
	*count = n;
	return 0;
}

int ad_vsource_parse(ad_doc **out, const ad_vsource *src, ad_error *err)
{
	return ad_doc_parse(out, src->label, src->data, src->size, NULL, err);
}

int ad_vsource_load(ad_doc **out, ad_vsource *src_out, const char *spec, const char *base,
		    ad_error *err)
{
	ad_vsource src;
	int error;

	*out = NULL;
	if ((error = ad_vsource_read(&src, spec, base, err)) < 0)
		return error;
	error = ad_vsource_parse(out, &src, err);
	if (src_out && error == 0)
		*src_out = src;
	else
		ad_vsource_clear(&src);
	return error;
}

/* ---------------------------------------------------------------- paths */

/* The physical absolute form of path (relative to base): realpath() of
 * it, or of its folder plus its name, or the path made absolute. */
static void S_physical(ad_buf *out, const char *path, const char *base)
{
	ad_buf joined = AD_BUF_INIT;
	char cwd[PATH_MAX], *real, *slash;

	S_join(&joined, path, base);
	ad_buf_clear(out);
	if (joined.ptr[0] != '/' && getcwd(cwd, sizeof(cwd))) {
		ad_buf_puts(out, cwd);
		ad_buf_putc(out, '/');
	}
	ad_buf_puts(out, joined.ptr);
	ad_buf_clear(&joined);
	ad_buf_puts(&joined, out->ptr);
	if ((real = realpath(joined.ptr, NULL)) != NULL) {
		ad_buf_clear(out);
		ad_buf_puts(out, real);
		free(real);
	} else if ((slash = strrchr(joined.ptr, '/')) != NULL && slash > joined.ptr) {
		*slash = '\0';
		if ((real = realpath(joined.ptr, NULL)) != NULL) {
			ad_buf_clear(out);
			ad_buf_puts(out, real);
			ad_buf_putc(out, '/');
			ad_buf_puts(out, slash + 1);
			free(real);
		}
	}
	ad_buf_free(&joined);
}

void ad_vsource_relative(ad_buf *out, const char *path, const char *base, const char *dir)
{
	ad_buf from = AD_BUF_INIT, to = AD_BUF_INIT;
	size_t common = 0, i;

	S_physical(&to, path, base);
	S_physical(&from, dir && *dir ? dir : ".", NULL);
	ad_buf_clear(out);
	/* The longest common prefix that ends at a '/' (or at the end). */
	for (i = 0; i <= from.size && i <= to.size; i++) {
		bool end_from = i == from.size || from.ptr[i] == '/';
		bool end_to = i == to.size || to.ptr[i] == '/';

		if (end_from && end_to)
			common = i;
		if (i == from.size || i == to.size || from.ptr[i] != to.ptr[i])
			break;
	}
	if (common == 0) {
		ad_buf_puts(out, to.ptr);
		goto done;
	}
	/* One ".." for each component of dir below the common part. */
	for (i = common; i < from.size; i++)
		if (from.ptr[i] == '/' && i + 1 < from.size)
			ad_buf_puts(out, "../");
	if (common < to.size)
		ad_buf_puts(out, to.ptr + common + 1);
	if (out->size == 0)
		ad_buf_puts(out, ".");
done:
	ad_buf_cstr(out);
	ad_buf_free(&from);
	ad_buf_free(&to);
}

void ad_vsource_spec_from(ad_buf *out, const ad_vsource *src, const char *base, const char *dir)
{
	ad_buf_clear(out);
	if (src->kind == AD_VSOURCE_REV) {
		const char *rev = src->rev ? src->rev : src->short_id;

		/* HEAD~3 names another commit after the next one: pinned.  A
		 * branch or tag name is kept, so the plan follows it. */
		if (src->commit[0] && (strpbrk(rev, "~^:") || strstr(rev, "@{")))
			rev = src->commit;
		ad_buf_printf(out, "%s:%s", rev, src->path ? src->path : "");
		return;
	}
	ad_vsource_relative(out, src->spec, base, dir);
}

void ad_vsource_provenance(ad_buf *out, ad_vsource *src)
{
	const char *name = src->kind == AD_VSOURCE_REV && src->path ? src->path : src->label;

	ad_buf_clear(out);
	ad_term_sanitize(out, name, strlen(name), false);
	if (src->kind == AD_VSOURCE_REV)
		ad_buf_printf(out, "@%s", src->short_id[0] ? src->short_id : src->rev);
	else
		ad_buf_printf(out, " (blob %.7s)", ad_vsource_blob(src));
}

const char *ad_vsource_blob(ad_vsource *src)
{
	/* Hashed on first use: only plans need it, and starting libgit2
	 * costs more than a whole diff of two small files. */
	if (!src->blob[0])
		ad_git_hash_blob(src->blob, src->data, src->size);
	return src->blob;
}
