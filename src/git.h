/*
 * git: the repository around a file, through libgit2.
 *
 * Three uses:
 *
 *   - reading a file as it was in a revision, from a "REV:PATH" argument
 *     (HEAD~3:agents/x.md, origin/main:agents/x.md, v1.2:x.md).  As in git,
 *     PATH is relative to the repository's root, except that "./x" and
 *     "../x" are relative to the folder the argument is read from;
 *   - the history of a file: the last N commits in which its content
 *     changed, found by walking from HEAD (newest first, in topological and
 *     then time order), following the file through renames as
 *     `git log --follow` does;
 *   - committing one file that agentdiff wrote, on the current branch, the
 *     way `git commit --only FILE` does: the file's index entry is updated
 *     and the new commit is HEAD's tree with that one file changed, so any
 *     other change the user had staged stays staged and uncommitted, and the
 *     working tree is not touched.
 *
 * The repository is found as git finds it, from a folder upwards
 * (git_repository_open_ext, honouring GIT_CEILING_DIRECTORIES and
 * GIT_INDEX_FILE).  libgit2 is initialised on first use and shut down at
 * exit; nothing else is kept between calls.
 *
 * Errors: AD_ENOTFOUND for no repository, an unknown revision or a path not
 * in a revision; AD_EINVALID for a refusal (see ad_git_commit_file);
 * AD_ETOOBIG for a blob over AD_DOC_MAX_SIZE; AD_EIO when libgit2 fails.
 * Messages name the argument and say what to do where there is something
 * to do.
 */
#ifndef AD_GIT_H
#define AD_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "util.h"

#define AD_GIT_HEXSIZE 40 /* a SHA-1 object id in hex */

/* A file read from a revision.  Every pointer is owned by the struct and
 * released by ad_git_file_clear(). */
typedef struct {
	char *data;   /* the blob's bytes, NUL-terminated one past size */
	size_t size;
	/* How to name it: the argument as given ("HEAD~3:agents/x.md"), or
	 * for a history entry "<short id>:<path>" (itself a valid REV:PATH). */
	char *label;
	char *path;   /* path from the repository's root ("agents/x.md") */
	char *rev;    /* the revision as given ("HEAD~3"), or the short id */
	char blob[AD_GIT_HEXSIZE + 1];     /* the blob's id */
	/* The commit the revision names, and its shortest unique
	 * abbreviation (at least 7 digits); "" when the revision is a tree. */
	char commit[AD_GIT_HEXSIZE + 1];
	char short_id[AD_GIT_HEXSIZE + 1];
	char date[16];  /* commit date "YYYY-MM-DD" in its own time zone, or "" */
	char *subject;  /* the commit's summary line; NULL without a commit */
} ad_git_file;

/*
 * Whether arg names a file in a revision rather than a file on disk: it
 * holds a ':' after a non-empty revision (a ':' inside "@{...}" does not
 * count) and no file or folder named arg exists (a file "a:b.md" wins).
 * base is the folder relative paths start from (NULL: the current one).
 */
bool ad_git_is_revpath(const char *arg, const char *base);

/*
 * Reads REV:PATH from the repository around base (NULL: the current
 * folder) into *out, which the caller clears.  Fails when there is no
 * repository, REV is unknown or ambiguous, PATH is not in that revision, or
 * is a folder, a symbolic link or a submodule there.
 */
int ad_git_read(ad_git_file *out, const char *spec, const char *base, ad_error *err);

/*
 * The last max (> 0) revisions of path in which its content changed,
 * newest first, into *out (an array of *count files, released with
 * ad_git_files_free).  path names a file in the working tree, relative to
 * base (NULL: the current folder), or absolute; it need not exist there any
 * more.  A commit is taken when the file exists in it with content that
 * none of its parents has (a merge that took one side is skipped); a file
 * renamed in a commit is followed to its old name.  No revision at all is
 * AD_ENOTFOUND.
 */
int ad_git_history(ad_git_file **out, size_t *count, const char *path, const char *base,
		   size_t max, ad_error *err);

void ad_git_file_clear(ad_git_file *file);
void ad_git_files_free(ad_git_file *files, size_t count);

/* The id git gives a blob of these bytes (`git hash-object`), in hex. */
void ad_git_hash_blob(char out[AD_GIT_HEXSIZE + 1], const char *data, size_t len);

typedef struct {
	unsigned version;
	/* The folder to find the repository from; NULL: the file's own
	 * folder.  The file must lie inside that repository's work tree. */
	const char *repo;
	/* The whole commit message, trailers included; not empty.  Cleaned
	 * up as git does (trailing spaces, runs of blank lines); lines
	 * starting with '#' are kept. */
	const char *message;
} ad_git_commit_options;

#define AD_GIT_COMMIT_OPTIONS_VERSION 1
#define AD_GIT_COMMIT_OPTIONS_INIT { AD_GIT_COMMIT_OPTIONS_VERSION, NULL, NULL }

typedef struct {
	/* False when the file was already as HEAD has it: nothing was
	 * committed (the index entry was refreshed). */
	bool committed;
	bool root;        /* the first commit of its branch */
	char id[AD_GIT_HEXSIZE + 1];
	char short_id[AD_GIT_HEXSIZE + 1];
	char *branch;     /* "main"; NULL for a detached HEAD.  Owned. */
	char *path;       /* the file, from the repository's root.  Owned. */
} ad_git_commit_result;

/*
 * Whether ad_git_commit_file() would refuse to commit file, without
 * changing anything, so that a caller can refuse before it writes the file
 * (which need not exist yet).  Same refusals and messages.
 */
int ad_git_commit_check(const char *file, const char *repo, ad_error *err);

/*
 * The work tree a commit of file would go to, as a physical path without a
 * trailing '/' into out, after the same checks as ad_git_commit_check()
 * (which it fails with, changing nothing).  For a caller that must know
 * that what went into the file comes from inside that repository.
 */
int ad_git_commit_workdir(ad_buf *out, const char *file, const char *repo, ad_error *err);

/*
 * Commits file (which must exist) on the current branch: an unborn branch
 * gets its first commit, a detached HEAD moves.  Author and committer come
 * from the git configuration (user.name, user.email).  Refuses, with
 * AD_EINVALID and changing nothing, when: the repository is bare; it is in
 * the middle of a merge, rebase, cherry-pick, revert, bisect or `git am`;
 * the index is locked (index.lock exists: another git is running, or one
 * crashed; we neither wait nor remove it); file lies outside the work tree
 * or inside the .git folder; user.name or user.email is not set.
 *
 * Only file's index entry changes (the index is read afresh from disk and
 * written back with that one entry updated), so other staged and unstaged
 * changes are left exactly as they were, and afterwards `git status` shows
 * file clean.  The index is written before the branch moves: if the branch
 * cannot move (another commit landed meanwhile), the file is left staged.
 * *out is cleared by the caller with ad_git_commit_result_clear().
 */
int ad_git_commit_file(ad_git_commit_result *out, const char *file,
		       const ad_git_commit_options *opts, ad_error *err);
void ad_git_commit_result_clear(ad_git_commit_result *result);

#endif
