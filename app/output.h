/*
 * output: the one policy for what agentdiff writes, shared by `agentdiff
 * apply` (cli/cli_apply.c) and the curated merge's W and C
 * (app/mergemodel.c, driven by ui/mergeview.c).
 *
 *   - Overwrite rules.  A result goes over an existing file only when the
 *     file holds bytes the caller has seen there (ad_output_known: a variant
 *     read from that file, what was last written to it), or when the user
 *     says so (force).  A file that holds the result already is left alone.
 *   - Changed-on-disk checks.  What the decision was made on is checked
 *     again when the file is replaced, under its lock (AD_WRITE_IF_UNCHANGED),
 *     and a new file is created exclusively, so a file another program
 *     creates or changes meanwhile is never lost, even with force.
 *   - Plan records.  The plan that made a result is saved or updated beside
 *     it, by the same guarded write; a plan's output line is read relative
 *     to the plan's folder.
 *   - Commit.  Exactly what was written is committed: nothing when the file
 *     changed since, or when the message is empty.
 *
 * The wording of messages is the caller's: this module says what is the
 * case (ad_output_state, error codes), the command line and the UI say it
 * in their own words.  No curses, no printing.
 */
#ifndef AD_OUTPUT_H
#define AD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "git.h"
#include "plan.h"
#include "util.h"
#include "vsource.h"

/* A file whose bytes the caller has seen: at path, either data[0..len) or,
 * when data is NULL, the bytes whose git blob id is blob. */
typedef struct {
	const char *path;
	const char *data;
	size_t len;
	const char *blob;
} ad_output_known;

typedef enum {
	AD_OUTPUT_NEW,     /* no file there: it is created */
	AD_OUTPUT_SAME,    /* the file holds the result already: nothing written */
	AD_OUTPUT_KNOWN,   /* holds bytes the caller has seen there: may be replaced */
	AD_OUTPUT_CHANGED, /* a file the caller has seen, changed since */
	AD_OUTPUT_FOREIGN  /* a file the caller knows nothing of */
} ad_output_state;

/* Where a result goes and what is there now.  Owns cur. */
typedef struct {
	const char *path; /* borrowed */
	ad_output_state state;
	char *cur;        /* the file's bytes as read (NULL when NEW) */
	size_t curlen;
} ad_output_target;

/*
 * Reads path and says what writing data[0..len) there would do, against
 * the files in known[0..nknown).  AD_OUTPUT_CHANGED wins over KNOWN only
 * when no known entry matches.  A file that cannot be read (other than
 * missing) is an error.  Clear *out with ad_output_target_clear().
 */
int ad_output_check(ad_output_target *out, const char *path, const char *data, size_t len,
		    const ad_output_known *known, size_t nknown, ad_error *err);
void ad_output_target_clear(ad_output_target *t);
/* Whether the rules allow the write: NEW, SAME, KNOWN, or force. */
bool ad_output_allowed(const ad_output_target *t, bool force);

/*
 * Writes data over path when path still holds old[0..oldlen) (old NULL:
 * when path does not exist yet), checked again under the file's lock
 * (ad_write_file); AD_EEXISTS or AD_ECHANGED when another program created
 * or changed the file meanwhile, nothing written.
 */
int ad_output_replace(const char *path, const char *old, size_t oldlen, const char *data,
		      size_t len, ad_error *err);
/* ad_output_replace() over what ad_output_check() read; does nothing when
 * the state is AD_OUTPUT_SAME. */
int ad_output_write(const ad_output_target *t, const char *data, size_t len, ad_error *err);

/* Whether a and b name the same existing file. */
bool ad_output_same_file(const char *a, const char *b);
/* The file a plan's output line names, read from the plan's folder
 * (plan_dir, "." for the current one); false when the plan has none. */
bool ad_output_plan_target(ad_buf *out, const ad_plan *plan, const char *plan_dir);
/* The plan file that goes with an output path: "agents/x.md" gives
 * "agents/x.plan" (and "x" gives "x.plan"). */
void ad_output_plan_path(ad_buf *out, const char *path);

/*
 * A commit message: subject, a blank line, and the trailers that say where
 * each part of res came from (ad_plan_commit_message), each of the n
 * variants named by its provenance (ad_vsource_provenance of srcs[i]).
 */
void ad_output_commit_message(ad_buf *out, const char *subject, const ad_plan *plan,
			      const ad_plan_result *res, const ad_doc *const *docs,
			      ad_vsource *srcs, size_t n, const char *plan_name);
/*
 * Commits path (ad_git_commit_file) with message, when it still holds
 * exactly written[0..wlen): AD_ECONFLICT when it does not, AD_EINVALID for
 * a message of nothing but blanks; nothing committed then.
 */
int ad_output_commit(ad_git_commit_result *out, const char *path, const char *written,
		     size_t wlen, const char *message, ad_error *err);

#endif
