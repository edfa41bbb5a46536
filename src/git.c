/* realpath(); ncurses' flags may already ask for an older X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "config.h"

#include "doc.h"
#include "git.h"
#include "util.h"

/* ---------------------------------------------------------------- library */

/*
 * libgit2 is opened with dlopen() when a command first needs it, not linked:
 * loading it and what it depends on (TLS, Kerberos, SSH) costs a few
 * milliseconds at every start, which `agentdiff merge-driver`, run by git
 * once per file, cannot afford.  The calls go through G, a table filled
 * from the library, whose entries have the types of git2.h's declarations.
 */
#define AD_GIT_SYMBOLS(X) \
	X(git_blob_free) \
	X(git_blob_lookup) \
	X(git_blob_rawcontent) \
	X(git_blob_rawsize) \
	X(git_buf_dispose) \
	X(git_commit_create) \
	X(git_commit_free) \
	X(git_commit_id) \
	X(git_commit_lookup) \
	X(git_commit_parent) \
	X(git_commit_parentcount) \
	X(git_commit_summary) \
	X(git_commit_time) \
	X(git_commit_time_offset) \
	X(git_commit_tree) \
	X(git_diff_find_options_init) \
	X(git_diff_find_similar) \
	X(git_diff_free) \
	X(git_diff_get_delta) \
	X(git_diff_num_deltas) \
	X(git_diff_tree_to_tree) \
	X(git_error_last) \
	X(git_index_add) \
	X(git_index_add_bypath) \
	X(git_index_free) \
	X(git_index_get_bypath) \
	X(git_index_has_conflicts) \
	X(git_index_new) \
	X(git_index_path) \
	X(git_index_read) \
	X(git_index_read_tree) \
	X(git_index_write) \
	X(git_index_write_tree_to) \
	X(git_libgit2_init) \
	X(git_libgit2_shutdown) \
	X(git_message_prettify) \
	X(git_object_free) \
	X(git_object_lookup) \
	X(git_object_peel) \
	X(git_object_short_id) \
	X(git_object_type) \
	X(git_object_type2string) \
	X(git_odb_hash) \
	X(git_oid_cpy) \
	X(git_oid_equal) \
	X(git_oid_fromstr) \
	X(git_oid_tostr) \
	X(git_reference_free) \
	X(git_reference_lookup) \
	X(git_reference_peel) \
	X(git_reference_symbolic_target) \
	X(git_reference_type) \
	X(git_repository_free) \
	X(git_repository_head) \
	X(git_repository_head_detached) \
	X(git_repository_head_unborn) \
	X(git_repository_index) \
	X(git_repository_is_bare) \
	X(git_repository_open_ext) \
	X(git_repository_path) \
	X(git_repository_state) \
	X(git_repository_workdir) \
	X(git_revparse_single) \
	X(git_revwalk_free) \
	X(git_revwalk_new) \
	X(git_revwalk_next) \
	X(git_revwalk_push_head) \
	X(git_revwalk_sorting) \
	X(git_signature_default) \
	X(git_signature_free) \
	X(git_tree_entry_bypath) \
	X(git_tree_entry_filemode) \
	X(git_tree_entry_free) \
	X(git_tree_entry_id) \
	X(git_tree_free) \
	X(git_tree_id) \
	X(git_tree_lookup)

static struct {
#define AD_GIT_POINTER(name) __typeof__(&name) name;
	AD_GIT_SYMBOLS(AD_GIT_POINTER)
#undef AD_GIT_POINTER
} G;

static int S_load(ad_error *err)
{
	static void *lib;

	if (!lib && !(lib = dlopen(AD_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL)))
		return ad_error_set(err, AD_EIO, NULL, 0, 0,
				    "cannot load libgit2 (%s): %s; on Debian or Ubuntu: "
				    "apt-get install libgit2-dev", AD_LIBGIT2_SONAME, dlerror());
#define AD_GIT_RESOLVE(name)                                                      \
	if (!(*(void **)&G.name = dlsym(lib, #name)))                             \
		return ad_error_set(err, AD_EIO, NULL, 0, 0,                      \
				    "%s has no %s: a libgit2 older than 1.5?",    \
				    AD_LIBGIT2_SONAME, #name);
	AD_GIT_SYMBOLS(AD_GIT_RESOLVE)
#undef AD_GIT_RESOLVE
	return 0;
}

static void S_shutdown(void)
{
	G.git_libgit2_shutdown();
}

/* libgit2 wants one init before any call; once per process is enough, and
 * the shutdown at exit lets leak checkers see a clean heap. */
static int S_init(ad_error *err)
{
	static bool initialised;
	int rc;

	if (initialised)
		return 0;
	if ((rc = S_load(err)) < 0)
		return rc;
	if (G.git_libgit2_init() < 0)
		return ad_error_set(err, AD_EIO, NULL, 0, 0, "cannot initialise libgit2");
	initialised = true;
	atexit(S_shutdown);
	return 0;
}

static const char *S_giterr(void)
{
	const git_error *e = G.git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static void S_hex(char out[AD_GIT_HEXSIZE + 1], const git_oid *id)
{
	G.git_oid_tostr(out, AD_GIT_HEXSIZE + 1, id);
}

/* ---------------------------------------------------------------- paths */

/* base/path, or path when it is absolute; base NULL is the current folder. */
static int S_absolute(ad_buf *out, const char *path, const char *base)
{
	char cwd[PATH_MAX];

	ad_buf_clear(out);
	if (path[0] == '/') {
		ad_buf_puts(out, path);
		return 0;
	}
	if (base && base[0] == '/') {
		ad_buf_puts(out, base);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -1;
		ad_buf_puts(out, cwd);
		if (base && *base && strcmp(base, ".")) {
			ad_buf_putc(out, '/');
			ad_buf_puts(out, base);
		}
	}
	if (out->size && out->ptr[out->size - 1] != '/')
		ad_buf_putc(out, '/');
	ad_buf_puts(out, path);
	return 0;
}

/*
 * Drops "." and empty components of the path s[0..*len) and resolves ".."
 * lexically, in place, updating *len.  An absolute result starts with '/'
 * and "/.." stays "/"; a relative one has no leading '/', and a ".." that
 * would leave it fails (-1).
 */
static int S_normalize(char *s, size_t *len, bool absolute)
{
	size_t r = 0, w = 0, n = *len;

	while (r < n) {
		size_t e;

		while (r < n && s[r] == '/')
			r++;
		if (r >= n)
			break;
		e = r;
		while (e < n && s[e] != '/')
			e++;
		if (e - r == 1 && s[r] == '.') {
			/* skip */
		} else if (e - r == 2 && s[r] == '.' && s[r + 1] == '.') {
			if (!absolute && w == 0)
				return -1;
			while (w > 0 && s[w - 1] != '/')
				w--;
			if (w > 0)
				w--;
		} else {
			if (absolute || w > 0)
				s[w++] = '/';
			memmove(s + w, s + r, e - r);
			w += e - r;
		}
		r = e;
	}
	if (absolute && w == 0)
		s[w++] = '/';
	*len = w;
	return 0;
}

/*
 * The physical absolute path of path (relative to base): realpath() of the
 * path, or of its folder plus its name when the file does not exist (a
 * file deleted from the working tree still has a history), or else the
 * path normalised lexically.
 */
static void S_physical(ad_buf *out, const char *path, const char *base)
{
	ad_buf abs = AD_BUF_INIT;
	char *real;

	ad_buf_clear(out);
	if (S_absolute(&abs, path, base) < 0) {
		ad_buf_puts(out, path);
		goto done;
	}
	S_normalize(abs.ptr, &abs.size, true);
	abs.ptr[abs.size] = '\0';
	if ((real = realpath(abs.ptr, NULL)) != NULL) {
		ad_buf_puts(out, real);
		free(real);
		goto done;
	}
	{
		char *slash = strrchr(abs.ptr, '/');

		*slash = '\0';
		real = realpath(abs.ptr[0] ? abs.ptr : "/", NULL);
		*slash = '/';
		if (real) {
			ad_buf_puts(out, real);
			if (strcmp(real, "/"))
				ad_buf_putc(out, '/');
			ad_buf_puts(out, slash + 1);
			free(real);
			goto done;
		}
	}
	ad_buf_put(out, abs.ptr, abs.size);
done:
	ad_buf_free(&abs);
}

/* When path (physical, absolute) lies inside dir (a folder, any form), the
 * rest of path after it ("" for dir itself); else NULL. */
static const char *S_inside(const char *path, const char *dir, ad_buf *scratch)
{
	size_t n;

	S_physical(scratch, dir, NULL);
	while (scratch->size > 1 && scratch->ptr[scratch->size - 1] == '/')
		scratch->ptr[--scratch->size] = '\0';
	n = scratch->size;
	if (n == 1 && scratch->ptr[0] == '/')
		return path + 1;
	if (strncmp(path, scratch->ptr, n))
		return NULL;
	if (path[n] == '\0')
		return path + n;
	if (path[n] == '/')
		return path + n + 1;
	return NULL;
}

/* The first ':' of spec that is not inside "@{...}", or NULL. */
static const char *S_rev_colon(const char *spec)
{
	int depth = 0;
	const char *p;

	for (p = spec; *p; p++) {
		if (p[0] == '@' && p[1] == '{') {
			depth++;
			p++;
		} else if (*p == '}' && depth > 0) {
			depth--;
		} else if (*p == ':' && depth == 0) {
			return p;
		}
	}
	return NULL;
}

bool ad_git_is_revpath(const char *arg, const char *base)
{
	const char *colon = S_rev_colon(arg);
	ad_buf abs = AD_BUF_INIT;
	struct stat st;
	bool exists;

	if (!colon || colon == arg)
		return false;
	if (S_absolute(&abs, arg, base) < 0)
		ad_buf_puts(&abs, arg);
	exists = lstat(ad_buf_cstr(&abs), &st) == 0;
	ad_buf_free(&abs);
	return !exists;
}

/*
 * Joins prefix (a folder from the repository's root, "" for the root) and
 * a path inside the repository, resolving "." and ".."; fails when the
 * result would leave the repository.  out is "" for the root itself.
 */
static int S_repo_path(ad_buf *out, const char *prefix, const char *path)
{
	ad_buf all = AD_BUF_INIT;
	int error;

	ad_buf_puts(&all, prefix);
	ad_buf_putc(&all, '/');
	ad_buf_puts(&all, path);
	if ((error = S_normalize(all.ptr, &all.size, false)) < 0)
		goto done;
	ad_buf_clear(out);
	ad_buf_put(out, all.ptr, all.size);
	ad_buf_cstr(out);
done:
	ad_buf_free(&all);
	return error;
}

/* The folder base (NULL: the current one) as a path from the root of
 * repo's work tree; fails when it is outside. */
static int S_cwd_prefix(ad_buf *out, git_repository *repo, const char *base)
{
	ad_buf phys = AD_BUF_INIT, scratch = AD_BUF_INIT;
	const char *workdir = G.git_repository_workdir(repo), *rest;
	int error = -1;

	ad_buf_clear(out);
	if (!workdir)
		goto done;
	S_physical(&phys, base ? base : ".", NULL);
	if ((rest = S_inside(phys.ptr, workdir, &scratch)) == NULL)
		goto done;
	ad_buf_puts(out, rest);
	ad_buf_cstr(out);
	error = 0;
done:
	ad_buf_free(&phys);
	ad_buf_free(&scratch);
	return error;
}

static int S_open(git_repository **out, const char *start, const char *what, ad_error *err)
{
	int rc;

	*out = NULL;
	if ((rc = S_init(err)) < 0)
		return rc;
	/* FROM_ENV: GIT_CEILING_DIRECTORIES, GIT_INDEX_FILE and the like
	 * count as they do for git; the start folder is still ours. */
	rc = G.git_repository_open_ext(out, start && *start ? start : ".",
				     GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc == GIT_ENOTFOUND)
		return ad_error_set(err, AD_ENOTFOUND, what, 0, 0, "not in a git repository");
	if (rc < 0)
		return ad_error_set(err, AD_EIO, what, 0, 0, "cannot open the git repository: %s",
				    S_giterr());
	return 0;
}

/* ---------------------------------------------------------------- reading */

void ad_git_file_clear(ad_git_file *file)
{
	if (!file)
		return;
	free(file->data);
	free(file->label);
	free(file->path);
	free(file->rev);
	free(file->subject);
	memset(file, 0, sizeof(*file));
}

void ad_git_files_free(ad_git_file *files, size_t count)
{
	size_t i;

	for (i = 0; files && i < count; i++)
		ad_git_file_clear(&files[i]);
	free(files);
}

void ad_git_hash_blob(char out[AD_GIT_HEXSIZE + 1], const char *data, size_t len)
{
	git_oid id;

	/* Hashing needs no repository, but libgit2 must be initialised for
	 * its error state; a failure there cannot be told apart from a hash,
	 * so it yields an id that matches nothing. */
	if (S_init(NULL) < 0 || G.git_odb_hash(&id, data ? data : "", len, GIT_OBJECT_BLOB) < 0) {
		memset(out, '0', AD_GIT_HEXSIZE);
		out[AD_GIT_HEXSIZE] = '\0';
		return;
	}
	S_hex(out, &id);
}

/* Fills the commit-derived parts of file from commit (which may be NULL). */
static void S_describe(ad_git_file *file, git_commit *commit)
{
	git_buf shortbuf = GIT_BUF_INIT;
	const char *summary;
	time_t t;
	struct tm tm;

	if (!commit)
		return;
	S_hex(file->commit, G.git_commit_id(commit));
	if (G.git_object_short_id(&shortbuf, (const git_object *)commit) == 0 &&
	    shortbuf.size < sizeof(file->short_id)) {
		memcpy(file->short_id, shortbuf.ptr, shortbuf.size);
		file->short_id[shortbuf.size] = '\0';
	} else {
		memcpy(file->short_id, file->commit, 7);
		file->short_id[7] = '\0';
	}
	G.git_buf_dispose(&shortbuf);
	t = (time_t)(G.git_commit_time(commit) + (git_time_t)G.git_commit_time_offset(commit) * 60);
	if (gmtime_r(&t, &tm))
		strftime(file->date, sizeof(file->date), "%Y-%m-%d", &tm);
	summary = G.git_commit_summary(commit);
	file->subject = ad_xstrdup(summary ? summary : "");
}

/* Copies the blob that entry names into file, after checking that it is a
 * file.  what and rev name things in messages. */
static int S_read_entry(ad_git_file *file, git_repository *repo, const git_tree_entry *entry,
			const char *what, const char *path, const char *rev, ad_error *err)
{
	git_blob *blob = NULL;
	git_object_size_t size;
	int error = 0;

	switch (G.git_tree_entry_filemode(entry)) {
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		break;
	case GIT_FILEMODE_TREE:
		return ad_error_set(err, AD_EINVALID, what, 0, 0, "'%s' is a folder in %s, not a file",
				    path, rev);
	case GIT_FILEMODE_LINK:
		return ad_error_set(err, AD_EINVALID, what, 0, 0,
				    "'%s' is a symbolic link in %s, not a file", path, rev);
	case GIT_FILEMODE_COMMIT:
		return ad_error_set(err, AD_EINVALID, what, 0, 0, "'%s' is a submodule in %s, not a file",
				    path, rev);
	default:
		return ad_error_set(err, AD_EINVALID, what, 0, 0, "'%s' is not a file in %s", path, rev);
	}
	if (G.git_blob_lookup(&blob, repo, G.git_tree_entry_id(entry)) < 0)
		return ad_error_set(err, AD_EIO, what, 0, 0, "cannot read '%s' from %s: %s", path, rev,
				    S_giterr());
	size = G.git_blob_rawsize(blob);
	if (size > (git_object_size_t)AD_DOC_MAX_SIZE) {
		error = ad_error_set(err, AD_ETOOBIG, what, 0, 0,
				     "'%s' in %s is too large (%llu bytes; the limit is %zu)", path, rev,
				     (unsigned long long)size, (size_t)AD_DOC_MAX_SIZE);
		goto done;
	}
	file->size = (size_t)size;
	file->data = ad_xmalloc(file->size + 1);
	if (file->size)
		memcpy(file->data, G.git_blob_rawcontent(blob), file->size);
	file->data[file->size] = '\0';
	S_hex(file->blob, G.git_tree_entry_id(entry));
done:
	G.git_blob_free(blob);
	return error;
}

int ad_git_read(ad_git_file *out, const char *spec, const char *base, ad_error *err)
{
	const char *colon = S_rev_colon(spec), *rawpath;
	git_repository *repo = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	ad_buf prefix = AD_BUF_INIT, path = AD_BUF_INIT;
	char *rev = NULL;
	int error, rc;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == spec)
		return ad_error_set(err, AD_EUSAGE, spec, 0, 0,
				    "not of the form REV:PATH (as in HEAD~1:agents/x.md)");
	rev = ad_xstrndup(spec, (size_t)(colon - spec));
	rawpath = colon + 1;
	if ((error = S_open(&repo, base, spec, err)) < 0) {
		if (error == AD_ENOTFOUND)
			ad_error_set(err, error, spec, 0, 0,
				     "no such file, and no git repository here to read revision '%s' from",
				     rev);
		goto done;
	}

	/* As git: "./x" and "../x" start from the current folder, anything
	 * else from the root. */
	if (!strcmp(rawpath, ".") || !strcmp(rawpath, "..") || !strncmp(rawpath, "./", 2) ||
	    !strncmp(rawpath, "../", 3)) {
		if (S_cwd_prefix(&prefix, repo, base) < 0) {
			error = ad_error_set(err, AD_EINVALID, spec, 0, 0,
					     "a path starting with ./ needs a current folder inside the work tree");
			goto done;
		}
	}
	if (S_repo_path(&path, ad_buf_cstr(&prefix), rawpath) < 0) {
		error = ad_error_set(err, AD_EINVALID, spec, 0, 0, "'%s' leads outside the repository",
				     rawpath);
		goto done;
	}
	if (path.size == 0) {
		error = ad_error_set(err, AD_EINVALID, spec, 0, 0,
				     "names the root folder of %s, not a file", rev);
		goto done;
	}

	rc = G.git_revparse_single(&obj, repo, rev);
	if (rc == GIT_ENOTFOUND && !strncmp(rev, "HEAD", 4) && G.git_repository_head_unborn(repo) == 1) {
		error = ad_error_set(err, AD_ENOTFOUND, spec, 0, 0,
				     "unknown revision '%s': the branch has no commits yet", rev);
		goto done;
	}
	if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) {
		error = ad_error_set(err, AD_ENOTFOUND, spec, 0, 0,
				     "no such file, and '%s' is not a revision of the repository", rev);
		goto done;
	}
	if (rc == GIT_EAMBIGUOUS) {
		error = ad_error_set(err, AD_ENOTFOUND, spec, 0, 0,
				     "revision '%s' is ambiguous; give more digits", rev);
		goto done;
	}
	if (rc < 0) {
		error = ad_error_set(err, AD_EIO, spec, 0, 0, "cannot read revision '%s': %s", rev,
				     S_giterr());
		goto done;
	}
	/* A tag or commit peels to its commit; a tree id has none. */
	if (G.git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
		commit = (git_commit *)peeled;
		peeled = NULL;
		rc = G.git_commit_tree(&tree, commit);
	} else {
		rc = G.git_object_peel(&peeled, obj, GIT_OBJECT_TREE);
		if (rc == 0) {
			tree = (git_tree *)peeled;
			peeled = NULL;
		}
	}
	if (rc < 0 || !tree) {
		error = ad_error_set(err, AD_EINVALID, spec, 0, 0,
				     "'%s' names a %s, not a commit or a tree", rev,
				     G.git_object_type2string(G.git_object_type(obj)));
		goto done;
	}
	rc = G.git_tree_entry_bypath(&entry, tree, path.ptr);
	if (rc == GIT_ENOTFOUND) {
		error = ad_error_set(err, AD_ENOTFOUND, spec, 0, 0,
				     "'%s' is not in %s (paths are from the repository's root; "
				     "./ starts from the current folder)", path.ptr, rev);
		goto done;
	}
	if (rc < 0) {
		error = ad_error_set(err, AD_EIO, spec, 0, 0, "cannot look up '%s' in %s: %s", path.ptr,
				     rev, S_giterr());
		goto done;
	}
	if ((error = S_read_entry(out, repo, entry, spec, path.ptr, rev, err)) < 0)
		goto done;
	out->label = ad_xstrdup(spec);
	out->path = ad_buf_detach(&path);
	out->rev = rev;
	rev = NULL;
	S_describe(out, commit);
done:
	if (error < 0)
		ad_git_file_clear(out);
	G.git_tree_entry_free(entry);
	G.git_tree_free(tree);
	G.git_commit_free(commit);
	G.git_object_free(peeled);
	G.git_object_free(obj);
	G.git_repository_free(repo);
	ad_buf_free(&prefix);
	ad_buf_free(&path);
	free(rev);
	return error;
}

/* ---------------------------------------------------------------- history */

/* The blob id of path in commit's tree: 1 found, 0 absent (or not a
 * file), negative on error. */
static int S_blob_at(git_oid *out, git_commit *commit, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int rc;

	if ((rc = G.git_commit_tree(&tree, commit)) < 0)
		return rc;
	rc = G.git_tree_entry_bypath(&entry, tree, path);
	if (rc == GIT_ENOTFOUND) {
		rc = 0;
	} else if (rc == 0) {
		git_filemode_t mode = G.git_tree_entry_filemode(entry);

		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			G.git_oid_cpy(out, G.git_tree_entry_id(entry));
			rc = 1;
		}
	}
	G.git_tree_entry_free(entry);
	G.git_tree_free(tree);
	return rc;
}

/* When commit renamed some file of parent to path, that file's old name
 * (caller frees); else NULL. */
static char *S_renamed_from(git_repository *repo, git_commit *parent, git_commit *commit,
			    const char *path)
{
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	git_diff_find_options fopts;
	char *old = NULL;
	size_t i;

	G.git_diff_find_options_init(&fopts, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (G.git_commit_tree(&a, parent) < 0 || G.git_commit_tree(&b, commit) < 0 ||
	    G.git_diff_tree_to_tree(&diff, repo, a, b, NULL) < 0)
		goto done;
	fopts.flags = GIT_DIFF_FIND_RENAMES;
	if (G.git_diff_find_similar(diff, &fopts) < 0)
		goto done;
	for (i = 0; i < G.git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = G.git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_RENAMED && d->new_file.path && d->old_file.path &&
		    !strcmp(d->new_file.path, path)) {
			old = ad_xstrdup(d->old_file.path);
			break;
		}
	}
done:
	G.git_diff_free(diff);
	G.git_tree_free(a);
	G.git_tree_free(b);
	return old;
}

int ad_git_history(ad_git_file **out, size_t *count, const char *path, const char *base,
		   size_t max, ad_error *err)
{
	git_repository *repo = NULL;
	git_revwalk *walk = NULL;
	git_commit *commit = NULL, *parent = NULL;
	ad_buf phys = AD_BUF_INIT, scratch = AD_BUF_INIT, dir = AD_BUF_INIT;
	ad_git_file *files = NULL;
	size_t n = 0, cap = 0;
	char *cur = NULL;
	const char *workdir, *rest;
	git_oid oid;
	int error = 0, rc;

	*out = NULL;
	*count = 0;
	if (max == 0)
		return ad_error_set(err, AD_EUSAGE, path, 0, 0, "asked for no revisions");
	/* The repository is the one around the file, wherever we are. */
	S_physical(&phys, path, base);
	ad_buf_puts(&dir, phys.ptr);
	{
		char *slash = strrchr(dir.ptr, '/');

		if (slash)
			dir.size = (size_t)(slash - dir.ptr) + (slash == dir.ptr);
		dir.ptr[dir.size] = '\0';
	}
	if ((error = S_open(&repo, dir.ptr, path, err)) < 0)
		goto done;
	workdir = G.git_repository_workdir(repo);
	if (!workdir || (rest = S_inside(phys.ptr, workdir, &scratch)) == NULL || !*rest) {
		error = ad_error_set(err, AD_EINVALID, path, 0, 0,
				     "not a file in the work tree of a git repository");
		goto done;
	}
	cur = ad_xstrdup(rest);
	if (G.git_repository_head_unborn(repo) == 1) {
		error = ad_error_set(err, AD_ENOTFOUND, path, 0, 0,
				     "no history: the branch has no commits yet");
		goto done;
	}
	if (G.git_revwalk_new(&walk, repo) < 0 ||
	    G.git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    G.git_revwalk_push_head(walk) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot walk the history: %s", S_giterr());
		goto done;
	}
	while (n < max && (rc = G.git_revwalk_next(&oid, walk)) == 0) {
		git_oid mine, theirs;
		unsigned np, i;
		bool changed = true;
		char *renamed = NULL;

		if (G.git_commit_lookup(&commit, repo, &oid) < 0)
			goto walk_error;
		if ((rc = S_blob_at(&mine, commit, cur)) < 0)
			goto walk_error;
		if (rc == 0)
			goto next;
		np = G.git_commit_parentcount(commit);
		for (i = 0; i < np && changed; i++) {
			if (G.git_commit_parent(&parent, commit, i) < 0)
				goto walk_error;
			rc = S_blob_at(&theirs, parent, cur);
			if (rc < 0)
				goto walk_error;
			if (rc == 0 && np == 1) {
				/* Added here: perhaps renamed from another name. */
				renamed = S_renamed_from(repo, parent, commit, cur);
				if (renamed && S_blob_at(&theirs, parent, renamed) == 1)
					rc = 1;
			}
			if (rc == 1 && G.git_oid_equal(&mine, &theirs))
				changed = false;
			G.git_commit_free(parent);
			parent = NULL;
		}
		if (changed) {
			ad_git_file *f;
			git_blob *blob = NULL;

			ad_xgrow((void **)&files, &cap, n + 1, sizeof(*files));
			f = &files[n];
			memset(f, 0, sizeof(*f));
			n++;
			if (G.git_blob_lookup(&blob, repo, &mine) < 0) {
				free(renamed);
				goto walk_error;
			}
			if (G.git_blob_rawsize(blob) > (git_object_size_t)AD_DOC_MAX_SIZE) {
				G.git_blob_free(blob);
				free(renamed);
				error = ad_error_set(err, AD_ETOOBIG, path, 0, 0,
						     "a revision of '%s' is too large", cur);
				goto done;
			}
			f->size = (size_t)G.git_blob_rawsize(blob);
			f->data = ad_xmalloc(f->size + 1);
			if (f->size)
				memcpy(f->data, G.git_blob_rawcontent(blob), f->size);
			f->data[f->size] = '\0';
			G.git_blob_free(blob);
			S_hex(f->blob, &mine);
			f->path = ad_xstrdup(cur);
			S_describe(f, commit);
			{
				ad_buf label = AD_BUF_INIT;

				ad_buf_printf(&label, "%s:%s", f->short_id, cur);
				f->label = ad_buf_detach(&label);
				f->rev = ad_xstrdup(f->short_id);
			}
		}
		if (renamed) {
			free(cur);
			cur = renamed;
		}
next:
		G.git_commit_free(commit);
		commit = NULL;
	}
	if (n < max && rc != GIT_ITEROVER)
		goto walk_error;
	if (n == 0) {
		error = ad_error_set(err, AD_ENOTFOUND, path, 0, 0, "no committed revision of '%s'", cur);
		goto done;
	}
	*out = files;
	*count = n;
	files = NULL;
	goto done;
walk_error:
	error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot read the history: %s", S_giterr());
done:
	ad_git_files_free(files, n);
	G.git_commit_free(parent);
	G.git_commit_free(commit);
	G.git_revwalk_free(walk);
	G.git_repository_free(repo);
	ad_buf_free(&phys);
	ad_buf_free(&scratch);
	ad_buf_free(&dir);
	free(cur);
	return error;
}

/* ---------------------------------------------------------------- commit */

typedef struct {
	git_repository *repo;
	git_index *index;
	git_signature *sig;
	char *rel; /* the file from the root of the work tree */
} commit_state;

static void S_state_free(commit_state *st)
{
	G.git_signature_free(st->sig);
	G.git_index_free(st->index);
	G.git_repository_free(st->repo);
	free(st->rel);
	memset(st, 0, sizeof(*st));
}

static const char *S_state_name(int state, const char **how)
{
	switch (state) {
	case GIT_REPOSITORY_STATE_MERGE:
		*how = "finish it with git commit, or abort it with git merge --abort";
		return "a merge";
	case GIT_REPOSITORY_STATE_REVERT:
	case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
		*how = "finish it with git revert --continue, or abort it with git revert --abort";
		return "a revert";
	case GIT_REPOSITORY_STATE_CHERRYPICK:
	case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
		*how = "finish it with git cherry-pick --continue, or abort it with git cherry-pick --abort";
		return "a cherry-pick";
	case GIT_REPOSITORY_STATE_BISECT:
		*how = "end it with git bisect reset";
		return "a bisect";
	case GIT_REPOSITORY_STATE_REBASE:
	case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
	case GIT_REPOSITORY_STATE_REBASE_MERGE:
		*how = "finish it with git rebase --continue, or abort it with git rebase --abort";
		return "a rebase";
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
	case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
		*how = "finish it with git am --continue, or abort it with git am --abort";
		return "git am";
	default:
		*how = "finish or abort it first";
		return "another operation";
	}
}

/*
 * The file to commit is a regular file in the work tree (its links are
 * followed to it): if the index or HEAD has a symbolic link at its path,
 * committing it would turn the link into a file (a writer that replaced
 * the link, or a link swapped for a file by hand), which is refused.
 */
static int S_no_type_change(commit_state *st, const char *file, ad_error *err)
{
	const git_index_entry *e = G.git_index_get_bypath(st->index, st->rel, 0);
	git_reference *head = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	const char *where = NULL;

	if (e && e->mode == GIT_FILEMODE_LINK) {
		where = "the index";
	} else if (G.git_repository_head(&head, st->repo) == 0 &&
		   G.git_reference_peel((git_object **)&commit, head, GIT_OBJECT_COMMIT) == 0 &&
		   G.git_commit_tree(&tree, commit) == 0 &&
		   G.git_tree_entry_bypath(&te, tree, st->rel) == 0 &&
		   G.git_tree_entry_filemode(te) == GIT_FILEMODE_LINK) {
		where = "HEAD";
	}
	G.git_tree_entry_free(te);
	G.git_tree_free(tree);
	G.git_commit_free(commit);
	G.git_reference_free(head);
	if (!where)
		return 0;
	return ad_error_set(err, AD_EINVALID, file, 0, 0,
			    "cannot commit: %s is a symbolic link in %s but a regular file in the "
			    "work tree; committing it would replace the link by a file", st->rel,
			    where);
}

/* Everything both the check and the commit refuse on. */
static int S_prepare(commit_state *st, const char *file, const char *repo_dir, bool must_exist,
		     ad_error *err)
{
	ad_buf phys = AD_BUF_INIT, scratch = AD_BUF_INIT, dir = AD_BUF_INIT, lock = AD_BUF_INIT;
	const char *workdir, *rest, *how = NULL, *what;
	struct stat st_file;
	int error = 0, state, rc;

	memset(st, 0, sizeof(*st));
	S_physical(&phys, file, NULL);
	if (!repo_dir) {
		/* The repository of the folder the name is in (for a link, the
		 * link's, so that a link out of it is refused as one). */
		ad_path_dir(&scratch, file);
		S_physical(&dir, scratch.ptr, NULL);
		repo_dir = dir.ptr;
	}
	if ((error = S_open(&st->repo, repo_dir, file, err)) < 0)
		goto done;
	if (G.git_repository_is_bare(st->repo)) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the repository is bare (it has no work tree)");
		goto done;
	}
	state = G.git_repository_state(st->repo);
	if (state != GIT_REPOSITORY_STATE_NONE) {
		what = S_state_name(state, &how);
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the repository is in the middle of %s; %s", what,
				     how);
		goto done;
	}
	workdir = G.git_repository_workdir(st->repo);
	if (!workdir || (rest = S_inside(phys.ptr, workdir, &scratch)) == NULL || !*rest) {
		if (lstat(file, &st_file) == 0 && S_ISLNK(st_file.st_mode))
			error = ad_error_set(err, AD_EINVALID, file, 0, 0,
					     "cannot commit: it is a symbolic link to %s, outside the "
					     "repository's work tree", phys.ptr);
		else
			error = ad_error_set(err, AD_EINVALID, file, 0, 0,
					     "cannot commit: the file is outside the repository's "
					     "work tree");
		goto done;
	}
	st->rel = ad_xstrdup(rest);
	if (S_inside(phys.ptr, G.git_repository_path(st->repo), &scratch) ||
	    !strcmp(st->rel, ".git") || !strncmp(st->rel, ".git/", 5) || strstr(st->rel, "/.git/")) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the file is inside the .git folder");
		goto done;
	}
	if (stat(phys.ptr, &st_file) < 0 ? must_exist || errno != ENOENT : !S_ISREG(st_file.st_mode)) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0, "cannot commit: not a regular file");
		goto done;
	}
	if (G.git_repository_index(&st->index, st->repo) < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot open the index: %s", S_giterr());
		goto done;
	}
	if ((error = S_no_type_change(st, file, err)) < 0)
		goto done;
	ad_buf_printf(&lock, "%s.lock", G.git_index_path(st->index));
	if (access(lock.ptr, F_OK) == 0) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the index is locked (%s exists): another git "
				     "command may be running; if none is, remove that file and try again",
				     lock.ptr);
		goto done;
	}
	rc = G.git_signature_default(&st->sig, st->repo);
	if (rc == GIT_ENOTFOUND) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: user.name and user.email are not set in the git "
				     "configuration (git config --global user.name 'Your Name'; "
				     "git config --global user.email you@example.com)");
		goto done;
	}
	if (rc < 0) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: no usable author in the git configuration: %s",
				     S_giterr());
		goto done;
	}
done:
	if (error < 0)
		S_state_free(st);
	ad_buf_free(&phys);
	ad_buf_free(&scratch);
	ad_buf_free(&dir);
	ad_buf_free(&lock);
	return error;
}

int ad_git_commit_check(const char *file, const char *repo, ad_error *err)
{
	commit_state st;
	int error = S_prepare(&st, file, repo, false, err);

	if (error == 0)
		S_state_free(&st);
	return error;
}

int ad_git_commit_workdir(ad_buf *out, const char *file, const char *repo, ad_error *err)
{
	commit_state st;
	ad_buf scratch = AD_BUF_INIT;
	int error;

	ad_buf_clear(out);
	if ((error = S_prepare(&st, file, repo, false, err)) < 0)
		return error;
	/* S_prepare refuses a bare repository: there is a work tree. */
	S_physical(&scratch, G.git_repository_workdir(st.repo), NULL);
	while (scratch.size > 1 && scratch.ptr[scratch.size - 1] == '/')
		scratch.ptr[--scratch.size] = '\0';
	ad_buf_put(out, scratch.ptr, scratch.size);
	ad_buf_cstr(out);
	S_state_free(&st);
	ad_buf_free(&scratch);
	return 0;
}

void ad_git_commit_result_clear(ad_git_commit_result *result)
{
	if (!result)
		return;
	free(result->branch);
	free(result->path);
	memset(result, 0, sizeof(*result));
}

/* The branch HEAD names ("main"), whether or not it has commits; NULL for a
 * detached HEAD. */
static char *S_branch_name(git_repository *repo)
{
	git_reference *head = NULL;
	const char *target;
	char *name = NULL;

	if (G.git_repository_head_detached(repo) == 1)
		return NULL;
	if (G.git_reference_lookup(&head, repo, "HEAD") < 0)
		return NULL;
	if (G.git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    (target = G.git_reference_symbolic_target(head)) != NULL)
		name = ad_xstrdup(!strncmp(target, "refs/heads/", 11) ? target + 11 : target);
	G.git_reference_free(head);
	return name;
}

int ad_git_commit_file(ad_git_commit_result *out, const char *file,
		       const ad_git_commit_options *opts, ad_error *err)
{
	commit_state st;
	git_buf message = GIT_BUF_INIT;
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *parent_tree = NULL, *tree = NULL;
	git_index *mem = NULL;
	git_index_entry entry;
	const git_index_entry *staged;
	git_oid tree_id, commit_id;
	const git_commit *parents[1];
	bool prepared = false;
	int error = 0, rc;

	memset(out, 0, sizeof(*out));
	memset(&entry, 0, sizeof(entry));
	if (!opts || !opts->message)
		return ad_error_set(err, AD_EUSAGE, file, 0, 0, "cannot commit: no message");
	if ((error = S_prepare(&st, file, opts->repo, true, err)) < 0)
		return error;
	prepared = true;
	if (G.git_message_prettify(&message, opts->message, 0, '#') < 0 || message.size == 0) {
		error = ad_error_set(err, AD_EUSAGE, file, 0, 0, "cannot commit: the message is empty");
		goto done;
	}

	/* The index as it is on disk now, not as libgit2 last saw it. */
	if (G.git_index_read(st.index, 1) < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot read the index: %s", S_giterr());
		goto done;
	}
	if (G.git_index_has_conflicts(st.index)) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the index has unresolved conflicts");
		goto done;
	}
	if (G.git_index_add_bypath(st.index, st.rel) < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot stage the file: %s", S_giterr());
		goto done;
	}
	if ((staged = G.git_index_get_bypath(st.index, st.rel, 0)) == NULL) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "the file is not in the index after staging");
		goto done;
	}
	entry = *staged;
	entry.path = ad_xstrdup(staged->path);

	rc = G.git_repository_head(&head, st.repo);
	if (rc == 0) {
		if (G.git_reference_peel((git_object **)&parent, head, GIT_OBJECT_COMMIT) < 0 ||
		    G.git_commit_tree(&parent_tree, parent) < 0) {
			error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot read HEAD: %s", S_giterr());
			goto done;
		}
	} else if (rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot read HEAD: %s", S_giterr());
		goto done;
	}

	/* The new tree is HEAD's with this one file changed, built in an
	 * index of our own, so what else the user staged stays staged. */
	if (G.git_index_new(&mem) < 0 || (parent_tree && G.git_index_read_tree(mem, parent_tree) < 0) ||
	    G.git_index_add(mem, &entry) < 0 || G.git_index_write_tree_to(&tree_id, mem, st.repo) < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot build the tree to commit: %s",
				     S_giterr());
		goto done;
	}

	rc = G.git_index_write(st.index);
	if (rc == GIT_ELOCKED) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: the index was locked by another git command");
		goto done;
	}
	if (rc < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot write the index: %s", S_giterr());
		goto done;
	}
	out->path = ad_xstrdup(st.rel);
	out->branch = S_branch_name(st.repo);
	if (parent_tree && G.git_oid_equal(&tree_id, G.git_tree_id(parent_tree))) {
		/* Already committed as it is: nothing to record. */
		S_hex(out->id, G.git_commit_id(parent));
		goto short_id;
	}
	if (G.git_tree_lookup(&tree, st.repo, &tree_id) < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot read the new tree: %s", S_giterr());
		goto done;
	}
	parents[0] = parent;
	rc = G.git_commit_create(&commit_id, st.repo, "HEAD", st.sig, st.sig, NULL, message.ptr, tree,
			       parent ? 1 : 0, parents);
	if (rc == GIT_EMODIFIED) {
		error = ad_error_set(err, AD_EINVALID, file, 0, 0,
				     "cannot commit: HEAD moved while committing; the file is staged");
		goto done;
	}
	if (rc < 0) {
		error = ad_error_set(err, AD_EIO, file, 0, 0, "cannot commit (the file is staged): %s",
				     S_giterr());
		goto done;
	}
	out->committed = true;
	out->root = parent == NULL;
	S_hex(out->id, &commit_id);
short_id:
	{
		git_object *obj = NULL;
		git_buf shortbuf = GIT_BUF_INIT;
		git_oid id;

		memcpy(out->short_id, out->id, 7);
		out->short_id[7] = '\0';
		if (G.git_oid_fromstr(&id, out->id) == 0 &&
		    G.git_object_lookup(&obj, st.repo, &id, GIT_OBJECT_COMMIT) == 0 &&
		    G.git_object_short_id(&shortbuf, obj) == 0 && shortbuf.size < sizeof(out->short_id)) {
			memcpy(out->short_id, shortbuf.ptr, shortbuf.size);
			out->short_id[shortbuf.size] = '\0';
		}
		G.git_buf_dispose(&shortbuf);
		G.git_object_free(obj);
	}
done:
	if (error < 0)
		ad_git_commit_result_clear(out);
	free((char *)entry.path);
	G.git_index_free(mem);
	G.git_tree_free(tree);
	G.git_tree_free(parent_tree);
	G.git_commit_free(parent);
	G.git_reference_free(head);
	G.git_buf_dispose(&message);
	if (prepared)
		S_state_free(&st);
	return error;
}
