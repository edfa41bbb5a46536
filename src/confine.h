/*
 * confine: where a file that someone else named may be read or written.
 *
 * A merge plan is data from someone else (a pull request, a downloaded
 * template), yet it names the files apply reads (its variants) and the file
 * it writes (its output).  This module decides whether such a path is one a
 * plan may name: it resolves the path as the kernel would (every symbolic
 * link, a dangling last one included, then "." and ".."), and checks that
 * the result lies inside a root folder, or is one of the paths the user
 * named on the command line, and that a file to be written is not inside a
 * git control folder, whoever named it.
 *
 * The root of a plan is the work tree of the repository that holds it (the
 * nearest folder at or above the plan's folder that has a ".git" folder or
 * file), or the plan's folder when no repository holds it.  It is found on
 * the filesystem alone, without git, so that the rule does not depend on
 * libgit2 or on the environment (GIT_DIR, GIT_CEILING_DIRECTORIES).
 *
 * A path is checked when it is named, so a file swapped for a link between
 * the check and the read or write is not caught: the rule is against what a
 * file says, not against another user racing us on a shared folder.
 *
 * Ownership: the caller owns every buffer; an ad_confine only borrows its
 * strings.  No messages are printed here.
 */
#ifndef AD_CONFINE_H
#define AD_CONFINE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "util.h"

/*
 * The physical absolute form of path (relative to base; NULL: the current
 * folder) into out: each component that exists is resolved as the kernel
 * resolves it (a symbolic link is replaced by what it points to, even when
 * that does not exist yet, and ".." then goes up from where the link led),
 * and the part that does not exist is taken as written, with "." and ".."
 * resolved lexically.  So for a file to be created, out is where it would
 * be created.  Fails with AD_EINVALID on a link loop (more than 40 links),
 * AD_EIO when a folder cannot be examined (err names path).
 */
int ad_confine_resolve(ad_buf *out, const char *path, const char *base, ad_error *err);

/*
 * The root for files named in a plan that lies in folder dir, into out
 * (physical): the nearest folder at or above dir's physical form that
 * holds an entry ".git", else dir's physical form.  *in_repo (may be NULL)
 * says which.
 */
int ad_confine_root(ad_buf *out, bool *in_repo, const char *dir, ad_error *err);

/* Whether the physical path path is root or lies below it (root physical
 * too).  Compares whole components: /a/bc is not inside /a/b. */
bool ad_confine_inside(const char *path, const char *root);

/*
 * Whether writing the physical path path would write inside a git control
 * folder: a component of it is named ".git" (in any case; that covers the
 * .git file of a worktree or a submodule), a folder above it has a git
 * folder's layout (HEAD and objects and refs, or HEAD and commondir, as git
 * tells one), or it lies inside $GIT_DIR or $GIT_COMMON_DIR.  When it
 * would, *what (may be NULL) says why, as a static predicate for a
 * message about the path: "is inside a .git folder".
 */
bool ad_confine_in_git_dir(const char *path, const char **what);

/* What ad_confine_check() found. */
typedef enum {
	AD_CONFINE_OK,         /* inside the root, or one of the allowed paths */
	AD_CONFINE_OUTSIDE,    /* outside the root, and not allowed */
	AD_CONFINE_GIT_DIR,    /* to be written, and inside a git control folder */
	/* To be written, an existing file with other hard links, which may
	 * lie anywhere (a writer that keeps links writes through them), and
	 * not allowed. */
	AD_CONFINE_HARD_LINKS
} ad_confine_verdict;

typedef struct {
	const char *root;            /* physical, from ad_confine_root() */
	/* Physical forms (ad_confine_resolve) of the paths the user allowed
	 * outside the root, each exactly that file; may be NULL. */
	const char *const *allowed;
	size_t nallowed;
} ad_confine;

/*
 * Checks path (relative to base; NULL: the current folder) against c:
 * *out is the verdict, resolved (may be NULL) the path's physical form.
 * A path to be written (write) is refused inside a git control folder even
 * when it is allowed, and when it has other hard links unless it is
 * allowed.  Fails only when the path cannot be resolved.
 */
int ad_confine_check(ad_confine_verdict *out, ad_buf *resolved, const ad_confine *c,
		     const char *path, const char *base, bool write, ad_error *err);

#endif
