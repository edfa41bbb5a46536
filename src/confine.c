/* lstat(), readlink(); ncurses' flags may already ask for an older X/Open. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"

/* As Linux's MAXSYMLINKS: more links than this in one path is a loop. */
#define MAX_LINKS 40

/* What the link at path points to, into out; -1 with errno on failure. */
static int S_readlink(ad_buf *out, const char *path, size_t hint)
{
	size_t size = hint + 1 > 256 ? hint + 1 : 256;
	ssize_t n;

	for (;;) {
		ad_buf_clear(out);
		ad_buf_grow(out, size);
		n = readlink(path, out->ptr, size);
		if (n < 0)
			return -1;
		if ((size_t)n < size)
			break;
		size *= 2;
	}
	out->size = (size_t)n;
	out->ptr[n] = '\0';
	return 0;
}

/* The absolute form of path (relative to base) without resolving it. */
static int S_absolute(ad_buf *out, const char *path, const char *base)
{
	char cwd[PATH_MAX];

	ad_buf_clear(out);
	if (path[0] != '/') {
		if (!base || base[0] != '/') {
			if (!getcwd(cwd, sizeof(cwd)))
				return -1;
			ad_buf_puts(out, cwd);
			ad_buf_putc(out, '/');
		}
		if (base && *base) {
			ad_buf_puts(out, base);
			ad_buf_putc(out, '/');
		}
	}
	ad_buf_puts(out, path);
	return 0;
}

/*
 * Walks the components of the absolute path, keeping in cur the physical
 * folder reached so far ("" for "/"): "." is skipped, ".." drops cur's last
 * component (cur is physical, so that is where the kernel goes), a link is
 * replaced by its target, which is walked next; once a component does not
 * exist, the rest is appended as it is.
 */
int ad_confine_resolve(ad_buf *out, const char *path, const char *base, ad_error *err)
{
	ad_buf rest = AD_BUF_INIT, cur = AD_BUF_INIT, target = AD_BUF_INIT, next = AD_BUF_INIT;
	bool missing = false;
	int links = 0, error = 0;
	size_t i = 0;

	ad_buf_clear(out);
	if (S_absolute(&rest, path, base) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot find the current folder: %s",
				     strerror(errno));
		goto done;
	}
	ad_buf_grow(&cur, 0); /* allocated: cur.ptr[cur.size] is writable */
	while (i < rest.size) {
		struct stat st;
		size_t start, len, keep;

		while (i < rest.size && rest.ptr[i] == '/')
			i++;
		start = i;
		while (i < rest.size && rest.ptr[i] != '/')
			i++;
		len = i - start;
		if (len == 0 || (len == 1 && rest.ptr[start] == '.'))
			continue;
		if (len == 2 && rest.ptr[start] == '.' && rest.ptr[start + 1] == '.') {
			while (cur.size > 0 && cur.ptr[cur.size - 1] != '/')
				cur.size--;
			if (cur.size > 0)
				cur.size--;
			cur.ptr[cur.size] = '\0';
			continue;
		}
		keep = cur.size;
		ad_buf_putc(&cur, '/');
		ad_buf_put(&cur, rest.ptr + start, len);
		ad_buf_cstr(&cur);
		if (missing)
			continue;
		if (lstat(cur.ptr, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				missing = true;
				continue;
			}
			error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot examine %s: %s", cur.ptr,
					     strerror(errno));
			goto done;
		}
		if (!S_ISLNK(st.st_mode))
			continue;
		if (++links > MAX_LINKS) {
			error = ad_error_set(err, AD_EINVALID, path, 0, 0,
					     "too many levels of symbolic links (a loop?)");
			goto done;
		}
		if (S_readlink(&target, cur.ptr, (size_t)st.st_size) < 0) {
			error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot read the link %s: %s",
					     cur.ptr, strerror(errno));
			goto done;
		}
		/* The target is walked from the link's folder (or from "/"),
		 * and the rest of the path after it. */
		cur.size = target.ptr[0] == '/' ? 0 : keep;
		cur.ptr[cur.size] = '\0';
		ad_buf_clear(&next);
		ad_buf_put(&next, target.ptr, target.size);
		ad_buf_putc(&next, '/');
		ad_buf_put(&next, rest.ptr + i, rest.size - i);
		ad_buf_clear(&rest);
		ad_buf_put(&rest, next.ptr, next.size);
		ad_buf_cstr(&rest);
		i = 0;
	}
	ad_buf_puts(out, cur.size ? cur.ptr : "/");
done:
	ad_buf_cstr(out);
	ad_buf_free(&rest);
	ad_buf_free(&cur);
	ad_buf_free(&target);
	ad_buf_free(&next);
	return error;
}

int ad_confine_root(ad_buf *out, bool *in_repo, const char *dir, ad_error *err)
{
	ad_buf phys = AD_BUF_INIT, probe = AD_BUF_INIT;
	size_t n;
	int error;

	if (in_repo)
		*in_repo = false;
	ad_buf_clear(out);
	if ((error = ad_confine_resolve(&phys, dir && *dir ? dir : ".", NULL, err)) < 0)
		goto done;
	/* phys[0..n) is the folder looked at: the whole path, then each
	 * folder above it, down to "/" (n == 0). */
	n = strcmp(phys.ptr, "/") ? phys.size : 0;
	for (;;) {
		struct stat st;

		ad_buf_clear(&probe);
		ad_buf_put(&probe, phys.ptr, n);
		ad_buf_puts(&probe, "/.git");
		if (lstat(probe.ptr, &st) == 0) {
			ad_buf_put(out, phys.ptr, n ? n : 1);
			if (in_repo)
				*in_repo = true;
			goto done;
		}
		if (n == 0)
			break;
		while (n > 0 && phys.ptr[n - 1] != '/')
			n--;
		if (n > 0)
			n--;
	}
	ad_buf_puts(out, phys.ptr);
done:
	ad_buf_cstr(out);
	ad_buf_free(&phys);
	ad_buf_free(&probe);
	return error;
}

bool ad_confine_inside(const char *path, const char *root)
{
	size_t n = strlen(root);

	while (n > 0 && root[n - 1] == '/')
		n--;
	if (path[0] != '/')
		return false;
	if (n == 0)
		return true;
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

/* Whether len bytes at s are ".git", in any case. */
static bool S_is_dotgit(const char *s, size_t len)
{
	static const char dotgit[] = ".git";
	size_t i;

	if (len != 4)
		return false;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != dotgit[i])
			return false;
	}
	return true;
}

/* stat() of dir/name says it is a folder (want_dir) or a file. */
static bool S_has(ad_buf *scratch, const char *dir, size_t dirlen, const char *name, bool want_dir)
{
	struct stat st;

	ad_buf_clear(scratch);
	ad_buf_put(scratch, dir, dirlen);
	ad_buf_putc(scratch, '/');
	ad_buf_puts(scratch, name);
	if (stat(scratch->ptr, &st) < 0)
		return false;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* Whether path lies inside the folder the environment variable var names. */
static bool S_inside_env(const char *path, const char *var)
{
	const char *dir = getenv(var);
	ad_buf phys = AD_BUF_INIT;
	bool inside = false;

	if (dir && *dir && ad_confine_resolve(&phys, dir, NULL, NULL) == 0)
		inside = ad_confine_inside(path, phys.ptr);
	ad_buf_free(&phys);
	return inside;
}

bool ad_confine_in_git_dir(const char *path, const char **what)
{
	ad_buf scratch = AD_BUF_INIT;
	const char *why = NULL, *p = path;
	size_t n;

	while (*p && !why) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (S_is_dotgit(p, len))
			why = p[len] ? "is inside a .git folder" : "is a .git file or folder";
		p += len;
	}
	/* Each folder above path, from its own down to "/" (n == 0), as git
	 * tells a git folder: HEAD with objects and refs, or with commondir
	 * (a linked worktree's). */
	n = strlen(path);
	while (!why && n > 0) {
		while (n > 0 && path[n - 1] != '/')
			n--;
		if (n > 0)
			n--;
		if (S_has(&scratch, path, n, "HEAD", false) &&
		    ((S_has(&scratch, path, n, "objects", true) && S_has(&scratch, path, n, "refs", true)) ||
		     S_has(&scratch, path, n, "commondir", false)))
			why = "is inside a git folder (one holding HEAD, objects and refs)";
	}
	if (!why && S_inside_env(path, "GIT_DIR"))
		why = "is inside $GIT_DIR";
	if (!why && S_inside_env(path, "GIT_COMMON_DIR"))
		why = "is inside $GIT_COMMON_DIR";
	ad_buf_free(&scratch);
	if (what)
		*what = why;
	return why != NULL;
}

int ad_confine_check(ad_confine_verdict *out, ad_buf *resolved, const ad_confine *c,
		     const char *path, const char *base, bool write, ad_error *err)
{
	ad_buf phys = AD_BUF_INIT;
	struct stat st;
	bool allowed = false;
	size_t i;
	int error;

	*out = AD_CONFINE_OUTSIDE;
	if ((error = ad_confine_resolve(&phys, path, base, err)) < 0)
		goto done;
	if (write && ad_confine_in_git_dir(phys.ptr, NULL)) {
		*out = AD_CONFINE_GIT_DIR;
		goto done;
	}
	for (i = 0; i < c->nallowed && !allowed; i++)
		allowed = c->allowed[i] && !strcmp(phys.ptr, c->allowed[i]);
	if (allowed)
		*out = AD_CONFINE_OK;
	else if (write && stat(phys.ptr, &st) == 0 && !S_ISDIR(st.st_mode) && st.st_nlink > 1)
		*out = AD_CONFINE_HARD_LINKS;
	else if (c->root && ad_confine_inside(phys.ptr, c->root))
		*out = AD_CONFINE_OK;
done:
	if (resolved) {
		ad_buf_clear(resolved);
		ad_buf_puts(resolved, ad_buf_cstr(&phys));
	}
	ad_buf_free(&phys);
	return error;
}
