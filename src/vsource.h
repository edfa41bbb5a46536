/*
 * vsource: where a variant comes from, a file or a revision in git.
 *
 * Commands take their variants as arguments that are either paths or
 * REV:PATH (see git.h; an existing file of that name wins).  This module
 * turns such an argument, or the history of a file, into bytes and a label
 * to show, and parses them into an ad_doc whose path is that label, so the
 * rest of agentdiff never needs to know where a variant came from.
 *
 * Every source carries the git blob id of its bytes (for a file, the id
 * `git hash-object` would give), which plans record to notice later that a
 * variant changed.
 *
 * Ownership: an ad_vsource owns its strings and bytes; release it with
 * ad_vsource_clear(), an array with ad_vsources_free().
 */
#ifndef AD_VSOURCE_H
#define AD_VSOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "git.h"
#include "util.h"

typedef enum {
	AD_VSOURCE_FILE, /* a file on disk */
	AD_VSOURCE_REV   /* a file in a git revision */
} ad_vsource_kind;

typedef struct {
	ad_vsource_kind kind;
	char *spec;    /* the argument as given */
	/* How to name it: the path as given, REV:PATH as given, or for a
	 * history entry "<short id>:<path>". */
	char *label;
	/* The label without folders: "x.md", "HEAD~3:x.md". */
	char *short_label;
	char *data;    /* NUL-terminated one past size */
	size_t size;
	/* The git blob id of the bytes: use ad_vsource_blob(), which computes
	 * it for a file on first use. */
	char blob[AD_GIT_HEXSIZE + 1];
	/* Revisions only ("" or NULL for files): the path from the
	 * repository's root, the revision (as given, or the short id for a
	 * history entry), the commit, its short id, date and subject. */
	char *path;
	char *rev;
	char commit[AD_GIT_HEXSIZE + 1];
	char short_id[AD_GIT_HEXSIZE + 1];
	char date[16];
	char *subject;
} ad_vsource;

/*
 * Reads spec: REV:PATH when ad_git_is_revpath() says so, else a file.
 * Relative paths, and the repository, are looked for from base (NULL: the
 * current folder).  Files over AD_DOC_MAX_SIZE fail with AD_ETOOBIG.  A
 * missing file's message is "PATH: No such file or directory".
 */
int ad_vsource_read(ad_vsource *out, const char *spec, const char *base, ad_error *err);

/* The last max revisions of path in which it changed (see
 * ad_git_history), OLDEST FIRST, as *count sources in *out. */
int ad_vsource_history(ad_vsource **out, size_t *count, const char *path, const char *base,
		       size_t max, ad_error *err);

/* Parses a source's bytes into *out; the document's path is its label. */
int ad_vsource_parse(ad_doc **out, const ad_vsource *src, ad_error *err);

/* Reads and parses spec in one go; *src_out (may be NULL) gets the source,
 * which the caller then clears. */
int ad_vsource_load(ad_doc **out, ad_vsource *src_out, const char *spec, const char *base,
		    ad_error *err);

/*
 * How src is named from a file in folder dir (a plan file's folder): a
 * file as a path relative to dir (absolute when no relative path leads
 * there); a revision as REV:PATH with PATH from the repository's root, so
 * that it reads the same from anywhere in the repository, and a relative
 * REV (HEAD~3, main^, @{2}) replaced by the commit it names now, since it
 * would name another one after the next commit.
 */
void ad_vsource_spec_from(ad_buf *out, const ad_vsource *src, const char *base, const char *dir);

/* path (relative to base; NULL: the current folder) as seen from folder dir. */
void ad_vsource_relative(ad_buf *out, const char *path, const char *base, const char *dir);

/* One line that says where src came from, for commit trailers:
 * "agents/x.md@1a2b3c4" for a revision (its path from the root and its
 * commit), "agents/x.md (blob 9f2c1e0)" for a file.  Sanitized. */
void ad_vsource_provenance(ad_buf *out, ad_vsource *src);

/* The blob id of src's bytes (for a file, what `git hash-object` gives),
 * computed on the first call and kept in src->blob. */
const char *ad_vsource_blob(ad_vsource *src);

void ad_vsource_clear(ad_vsource *src);
void ad_vsources_free(ad_vsource *srcs, size_t count);

#endif
