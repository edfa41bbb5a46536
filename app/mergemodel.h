/*
 * mergemodel: the choices of a curated merge, and what they make.
 *
 * The merge view (mergeview.c) shows the variants being compared as rows:
 * one for the frontmatter block (whose fences and layout), one per
 * frontmatter field (by key, in the order keys first appear), and one per
 * aligned section (diff/align.h), in reading order.  For each row the user
 * chooses which variants' versions go into the result, in order (none: the
 * row is left out; several: each in turn), or edits the text; list-like
 * fields (tools, ...) can instead be the union or the intersection of the
 * variants' names.  Section rows can be moved up and down.
 *
 * The choices are turned into a merge plan (diff/plan.h) and the plan is
 * applied, so the result is spliced from the variants' bytes and the same
 * plan, saved next to the result, lets `agentdiff apply` redo the merge.
 * Taking every row from one variant, in its order, reproduces that variant
 * byte for byte.  The result is parsed and linted (src/lint.h, as `agentdiff
 * check` does) whenever it is asked for after a change.
 *
 * Writing and committing go through the model too, on the output policy
 * that `agentdiff apply` uses (app/output.h: never overwrite a file that
 * changed on disk since it was read without being told; commit exactly
 * what was written), so the rules are tested without a terminal.
 * No curses here.
 *
 * Ownership: the caller owns the model (ad_mergemodel_free).  The documents
 * are borrowed and must outlive it; the sources are copied.  Rows, results
 * and findings are borrowed and live until the next call that changes the
 * model (a choice, a write).
 */
#ifndef AD_MERGEMODEL_H
#define AD_MERGEMODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "doc.h"
#include "error.h"
#include "git.h"
#include "plan.h"
#include "util.h"
#include "vsource.h"

typedef struct ad_mergemodel ad_mergemodel;

/* Each choice applies the plan again, which costs the square of the
 * sections: variants with more than this many are not merged here. */
#define AD_MERGE_MAX_SECTIONS 5000

typedef enum {
	AD_MERGE_ROW_FRONTMATTER, /* the block: whose fences, or none */
	AD_MERGE_ROW_FIELD,
	AD_MERGE_ROW_SECTION
} ad_merge_row_kind;

typedef enum {
	AD_MERGE_TAKE,         /* the versions in order[] (none: left out) */
	AD_MERGE_UNION,        /* list fields: every variant's names */
	AD_MERGE_INTERSECTION, /* list fields: the names all variants having it share */
	AD_MERGE_EDITED        /* the user's text in place of base's version */
} ad_merge_choice;

typedef struct {
	ad_merge_row_kind kind;
	size_t id;          /* its index before any move: stable, for caches */
	/* A section's title, a field's key, or "frontmatter"; from a
	 * document, unsanitized. */
	const char *title;
	int depth;          /* sections: nesting depth; fields 1; the block 0 */
	/* Sections: the first variant's section that names the row (for
	 * its kind, level and tag); borrowed from its document. */
	const ad_section *section;
	bool preamble;      /* the text before the first section */
	/* A preamble of nothing but blank lines: kept where it is and taken
	 * like any row, but not worth showing or moving. */
	bool blank;
	bool set;           /* a list field (tools, ...): union and intersection apply */
	bool differs;       /* the variants' versions are not all the same */
	/* Per variant: the section (index into ad_doc_sections), the field
	 * (index into the frontmatter's fields) or 0 for the block; -1 where
	 * the variant has none. */
	const int *cells;
	ad_merge_choice choice;
	const int *order;   /* TAKE: the variants taken, in order */
	size_t norder;
	int base;           /* EDITED: whose version the text replaces */
	const char *text;   /* EDITED: any bytes */
	size_t text_len;
} ad_merge_row;

/*
 * A model over n (1 to AD_PLAN_MAX_VARIANTS) documents.  srcs may be NULL,
 * and so may any srcs[i]: that variant is then the file at its document's
 * path, as read (its bytes are the document's).  Every row starts as the
 * first variant has it: taken from it where it has the row, left out where
 * it does not.  Fails with AD_EINVALID for a bad n, AD_ETOOBIG for a
 * variant of more than AD_MERGE_MAX_SECTIONS sections, AD_EIO when the
 * variants cannot be aligned.
 */
int ad_mergemodel_new(ad_mergemodel **out, const ad_doc *const *docs,
		      const ad_vsource *const *srcs, size_t n, ad_error *err);
void ad_mergemodel_free(ad_mergemodel *m);

size_t ad_mergemodel_variant_count(const ad_mergemodel *m);
const ad_doc *ad_mergemodel_doc(const ad_mergemodel *m, size_t v);
const ad_vsource *ad_mergemodel_source(const ad_mergemodel *m, size_t v);

/* Rows in the order of the result (after moves). */
size_t ad_mergemodel_row_count(const ad_mergemodel *m);
const ad_merge_row *ad_mergemodel_row(const ad_mergemodel *m, size_t i);

/* The bytes that row i's cell for variant v stands for: a section's
 * heading and the text before its first subsection, a field's lines, the
 * whole frontmatter block.  Empty when absent. */
void ad_mergemodel_cell_text(const ad_mergemodel *m, size_t i, size_t v, const char **text,
			     size_t *len);

/* ------------------------------------------------------------ choosing */

/*
 * Row i takes only variant v's version.  For the frontmatter row, v's
 * fences and every field as v has it (fields v lacks are left out).
 * Taking a field while the result has no frontmatter block gives it v's.
 * AD_ENOTFOUND when v has nothing in that row; AD_EINVALID for a bad
 * index.
 */
int ad_mergemodel_take(ad_mergemodel *m, size_t i, size_t v);
/* Adds v's version after those taken (a section row: several versions in
 * turn), or removes it when it is taken; fields and the block hold one
 * version, so there it is ad_mergemodel_take().  AD_ENOTFOUND as above. */
int ad_mergemodel_toggle(ad_mergemodel *m, size_t i, size_t v);
/* Leaves row i out of the result (the block: no frontmatter at all). */
int ad_mergemodel_drop(ad_mergemodel *m, size_t i);
/* A list field as the union or intersection of the variants' names;
 * AD_EINVALID for any other row or choice. */
int ad_mergemodel_set_mode(ad_mergemodel *m, size_t i, ad_merge_choice mode);
/* What editing row i starts from, into out (cleared first): the versions
 * taken, in order (a section's own text, as the result has it), or the
 * first variant's that has the row when none is.  AD_EINVALID for the
 * block row. */
int ad_mergemodel_edit_text(ad_mergemodel *m, size_t i, ad_buf *out);
/* Row i becomes text (a field: whole "key: value" lines).  Its base is
 * the first version taken, else the first variant having the row. */
int ad_mergemodel_set_text(ad_mergemodel *m, size_t i, const char *text, size_t len);
/* Moves section row i past the next (dir > 0) or previous shown section
 * row; returns its new index, or AD_EINVALID when it cannot move. */
int ad_mergemodel_move(ad_mergemodel *m, size_t i, int dir);
/* Whose frontmatter block the result has, or -1 for none. */
int ad_mergemodel_frontmatter(const ad_mergemodel *m);
/* Choices changed since the last write (or since the start). */
bool ad_mergemodel_modified(const ad_mergemodel *m);

/* ------------------------------------------------------------ the result */

/* The plan of the choices as they stand (variants named by their labels,
 * no output), and the result of applying it.  Borrowed. */
const ad_plan *ad_mergemodel_plan(ad_mergemodel *m);
const ad_plan_result *ad_mergemodel_result(ad_mergemodel *m);
/* check's findings on the result (lint and the parser's own). */
const ad_diags *ad_mergemodel_findings(ad_mergemodel *m);
/* How many findings of each severity. */
void ad_mergemodel_finding_counts(ad_mergemodel *m, size_t *errors, size_t *warnings,
				  size_t *infos);

/* The plan as a file at plan_path would hold it for a result written to
 * output: the variants and the output named from the plan's folder, the
 * output's blob recorded. */
void ad_mergemodel_plan_text(ad_mergemodel *m, ad_buf *out, const char *plan_path,
			     const char *output);

typedef struct {
	bool written;     /* false: the file already held exactly the result */
	bool plan_saved;
	char *plan_path;  /* where the plan goes; owned */
	/* Why the plan was not saved, or NULL; owned. */
	char *plan_note;
	char blob[AD_GIT_HEXSIZE + 1]; /* of the result */
	size_t size;
} ad_merge_written;

void ad_merge_written_clear(ad_merge_written *w);

/*
 * Writes the result to path (ad_write_file: a symlink, hard links and the
 * file's metadata are kept), then the plan next to it
 * (ad_output_plan_path).  Refuses with AD_ECONFLICT, writing nothing,
 * when path exists with bytes the model did not see there: a variant read
 * from path whose file has changed on disk since, or what the model last
 * wrote to path, changed since, or any other file of that name; force
 * overwrites what is there now.  What was read is checked again under the
 * file's lock right before it is replaced, and a new file is created
 * exclusively, so a file another program creates or changes meanwhile is
 * AD_ECONFLICT too, even with force.  A plan file is not overwritten
 * unless it is what the model last wrote there or a plan whose output is
 * path; then plan_note says why it was not saved (not an error).  The
 * written file is what ad_mergemodel_commit() commits.
 */
int ad_mergemodel_write(ad_mergemodel *m, const char *path, bool force, ad_merge_written *out,
			ad_error *err);
/* The file last written, or NULL. */
const char *ad_mergemodel_written_path(const ad_mergemodel *m);

/* Whether committing the written file would be refused (nothing written
 * yet, or ad_git_commit_check's refusals); 0 when it would go ahead. */
int ad_mergemodel_commit_check(const ad_mergemodel *m, ad_error *err);
/*
 * The message to start editing from: a summary line, a blank line, the
 * trailers that say where each part of the written result came from
 * (ad_plan_commit_message), and "#" lines of help that
 * ad_mergemodel_commit() removes.
 */
void ad_mergemodel_commit_template(const ad_mergemodel *m, ad_buf *out);
/*
 * Commits the written file with message (lines starting with '#' are
 * removed, as git does with an edited message) through
 * ad_git_commit_file().  Refuses with AD_EINVALID when the message is
 * empty, and with AD_ECONFLICT when the file is no longer what was
 * written.
 */
int ad_mergemodel_commit(ad_mergemodel *m, const char *message, ad_git_commit_result *out,
			 ad_error *err);

#endif
