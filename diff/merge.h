/*
 * merge: three-way merge of agent definitions, section by section.
 *
 * ad_merge3() merges OURS and THEIRS, two descendants of BASE, the way a
 * person would: sections are paired across the three files with
 * ad_align_docs() (so a renamed or moved section is still the same
 * section), and each one is decided on its own:
 *
 *   - changed on one side only: that side's text;
 *   - changed identically on both: taken once;
 *   - changed differently on both: a line-level diff3 of the section's text
 *     (ad_textdiff_lines base->ours and base->theirs); hunks that overlap
 *     or touch are a conflict, written with git's markers:
 *         <<<<<<< OURS-LABEL / ||||||| BASE-LABEL / ======= / >>>>>>> THEIRS-LABEL
 *     (the base part only in the diff3 style);
 *   - moved on one side and edited on the other: the edited text at the
 *     moved position (moved on both: ours' position; sections ours added
 *     or moved right after a section theirs moved go along with it);
 *   - added on one side: added, after its nearest preceding neighbour in
 *     that side that is in the result (ours' additions first where both
 *     sides added at one place); added on both sides under the same
 *     heading: one section, its text merged against an empty base;
 *   - deleted on one side and unchanged on the other: deleted; deleted on
 *     one side and modified on the other: a conflict (one side empty);
 *   - a section added or edited on one side inside a section the other side
 *     deleted (and does not have elsewhere): one conflict over the deleted
 *     section and everything in it, so that the subsection never lands
 *     silently under the section before it.
 *
 * The pairing can be wrong where the alignment has little to go on (many
 * sections with one title, or past the aligner's limits), and a wrong
 * pairing must not turn into a clean result that keeps two versions of one
 * section.  So the pieces between two anchors (sections present in all
 * three and moved by neither side) are merged as lines, as one text per
 * side, when they hold what a wrong pairing looks like: a base section
 * gone from both sides while both added (or moved) something there, one
 * gone from a side that added something there while the other side edited
 * it, or sections added on both sides under the same heading.
 *
 * The frontmatter is merged field by field the same way, list-like keys
 * (tools, skills, ...; ad_fmdiff_is_set_key) as sets: base, plus what
 * either side added, minus what either side removed, written in the form
 * ours used (block list, flow list or comma string).  When the frontmatter
 * cannot be taken apart (missing on a side, not a mapping) everything
 * before the body is merged as lines.
 *
 * Writing is splicing: the result is made of byte ranges of the inputs
 * (plus markers and re-written tools lists), so untouched text keeps its
 * bytes, line endings and byte order mark.  In particular, whatever the
 * inputs: merge(B, X, X) == X, merge(B, B, X) == X, merge(B, X, B) == X.
 *
 * Sections are cut at their closing tag lines, which are merged as pieces
 * of their own, so a section added at the end of a tag leaves the tag's
 * last section unchanged.  The blank lines at the end of a section never
 * conflict, and a section that ended its file without one gets one when it
 * lands before another section.
 *
 * Inputs larger than max_structured bytes (any of the three) are merged
 * as plain lines, like `git merge-file`, and the result says so; larger
 * than max_text, they are not merged at all (AD_ETOOBIG) unless one side
 * is unchanged.  Conflict markers may take at most
 * max(AD_MERGE_MAX_MARKER_BYTES, the three inputs' size) bytes in all;
 * past that the merge fails with AD_ETOOBIG.  ad_merge3_whole() never
 * fails on size: it is the last resort of a caller that must leave both
 * sides in the result (git's merge driver).
 *
 * Any bytes are valid input (NUL, invalid UTF-8, CR-only lines).
 *
 * Ownership: the caller owns the result (ad_merge_result_free, which
 * accepts NULL); everything it hands out is borrowed from it and copied
 * from the inputs, so the documents may be freed first.  No I/O, no
 * printing.
 */
#ifndef AD_MERGE_H
#define AD_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "error.h"

typedef struct ad_merge_result ad_merge_result;

typedef enum {
	AD_MERGE_STYLE_DIFF3 = 0, /* conflicts show ours, base and theirs */
	AD_MERGE_STYLE_MERGE      /* conflicts show ours and theirs only */
} ad_merge_style;

typedef struct {
	unsigned version;
	/* Length of the marker runs ("<<<<<<<"): 1 to AD_MERGE_MAX_MARKER_SIZE;
	 * 0 means AD_MERGE_MARKER_SIZE.  Git accepts any positive size; a
	 * caller passes larger ones as AD_MERGE_MAX_MARKER_SIZE. */
	int marker_size;
	ad_merge_style style;
	/* Written after the markers; NULL for "base", "ours", "theirs".  Line
	 * breaks and control characters in them are written as '?'. */
	const char *label_base;
	const char *label_ours;
	const char *label_theirs;
	/* Inputs over this many bytes are merged as plain lines; 0 means
	 * AD_MERGE_MAX_STRUCTURED. */
	size_t max_structured;
	/* Inputs over this many bytes are not merged, even as lines
	 * (AD_ETOOBIG); 0 means AD_MERGE_MAX_TEXT. */
	size_t max_text;
} ad_merge_options;

#define AD_MERGE_OPTIONS_VERSION 1
#define AD_MERGE_MARKER_SIZE 7
#define AD_MERGE_MAX_MARKER_SIZE (1 << 20)
#define AD_MERGE_MAX_STRUCTURED ((size_t)4 << 20)
#define AD_MERGE_MAX_TEXT ((size_t)128 << 20)
#define AD_MERGE_MAX_MARKER_BYTES ((size_t)64 << 20)
#define AD_MERGE_OPTIONS_INIT \
	{ AD_MERGE_OPTIONS_VERSION, AD_MERGE_MARKER_SIZE, AD_MERGE_STYLE_DIFF3, \
	  NULL, NULL, NULL, 0, 0 }

/* What a report line is about. */
typedef enum {
	AD_MERGE_ITEM_FILE = 0, /* the whole file, merged as plain lines */
	AD_MERGE_ITEM_HEAD,     /* frontmatter and what is above it, merged as lines */
	AD_MERGE_ITEM_FIELD,    /* one top-level frontmatter field */
	AD_MERGE_ITEM_SECTION,  /* a section's own text (heading and lead-in) */
	AD_MERGE_ITEM_CLOSE     /* a closing tag line (and the text after it) */
} ad_merge_item_kind;

typedef enum {
	AD_MERGE_KEPT = 0,       /* the same in all three */
	AD_MERGE_OURS,           /* changed on ours only: ours taken */
	AD_MERGE_THEIRS,         /* changed on theirs only: theirs taken */
	AD_MERGE_BOTH,           /* the same change on both sides, taken once */
	AD_MERGE_COMBINED,       /* different changes merged without conflict */
	AD_MERGE_ADDED_OURS,     /* only in ours */
	AD_MERGE_ADDED_THEIRS,   /* only in theirs */
	AD_MERGE_ADDED_BOTH,     /* added on both sides with the same text */
	AD_MERGE_DELETED_OURS,   /* deleted on ours, unchanged on theirs */
	AD_MERGE_DELETED_THEIRS, /* deleted on theirs, unchanged on ours */
	AD_MERGE_DELETED_BOTH,
	AD_MERGE_CONFLICT,       /* edited (or added) differently on both sides */
	AD_MERGE_CONFLICT_DELETED_OURS,  /* deleted on ours, modified on theirs */
	AD_MERGE_CONFLICT_DELETED_THEIRS /* deleted on theirs, modified on ours */
} ad_merge_action;

/* Which sides moved a section (relative to its neighbours in base). */
enum {
	AD_MERGE_MOVED_OURS = 1u << 0,
	AD_MERGE_MOVED_THEIRS = 1u << 1
};

/* One line of the report: what happened to a field or a section.  Items
 * are in output order; a deleted item sits where it was in base and has
 * an empty output range. */
typedef struct {
	ad_merge_item_kind kind;
	ad_merge_action action;
	unsigned moved;      /* AD_MERGE_MOVED_* */
	/* Field key, section title, or tag name for CLOSE; "" for FILE and
	 * HEAD.  Copied from the inputs: any bytes (sanitize to print). */
	const char *name;
	/* Section index (ad_doc_sections) in base, ours and theirs; -1 where
	 * absent and for items that are not sections. */
	int section[3];
	size_t conflicts;    /* conflict regions written inside it */
	size_t start, end;   /* its bytes in the merged output */
	int line;            /* 1-based output line of start (0 if empty) */
	/* Sections whose pairing was in doubt, merged as lines as one text
	 * (section[] then names the first section of each side there). */
	bool as_lines;
	/* CONFLICT_DELETED_*: the other side did not edit the section itself
	 * but added or edited a section inside it. */
	bool changed_inside;
} ad_merge_item;

/*
 * Merges ours and theirs, descendants of base, into *out (owned by the
 * caller).  opts may be NULL for the defaults.  Returns 0 whether or not
 * conflicts were left (see ad_merge_result_conflicts), AD_EINVALID for bad
 * options, AD_ETOOBIG past the size limits above, AD_ERROR for a failure
 * inside (a bug; a caller that must have a result merges as lines then);
 * *out is NULL on failure, and err says what went wrong.
 */
int ad_merge3(ad_merge_result **out, const ad_doc *base, const ad_doc *ours,
	      const ad_doc *theirs, const ad_merge_options *opts,
	      ad_error *err);

/* The same from bytes: parses the three (default ad_doc options) and calls
 * ad_merge3(), or merges as plain lines when any is over max_structured.
 * An input the parser refuses fails (AD_ETOOBIG): the caller decides
 * whether to merge it as lines instead. */
int ad_merge3_buffers(ad_merge_result **out,
		      const char *base, size_t base_len,
		      const char *ours, size_t ours_len,
		      const char *theirs, size_t theirs_len,
		      const ad_merge_options *opts, ad_error *err);

/* A plain line-level diff3 of the three texts (no structure), as
 * `git merge-file --diff3` would do it.  AD_ETOOBIG when an input is over
 * max_text (and neither side is unchanged) or the markers over their
 * budget. */
int ad_merge3_text(ad_merge_result **out,
		   const char *base, size_t base_len,
		   const char *ours, size_t ours_len,
		   const char *theirs, size_t theirs_len,
		   const ad_merge_options *opts, ad_error *err);

/* The last resort: all of ours, then all of theirs, as one conflict (no
 * base part, whatever the style), with the result's item a FILE conflict;
 * no diff and no size limit.  Fails only on bad options (AD_EINVALID). */
int ad_merge3_whole(ad_merge_result **out,
		    const char *ours, size_t ours_len,
		    const char *theirs, size_t theirs_len,
		    const ad_merge_options *opts, ad_error *err);

void ad_merge_result_free(ad_merge_result *res);

/* The merged bytes; NUL-terminated after size bytes; borrowed. */
const char *ad_merge_result_data(const ad_merge_result *res);
size_t ad_merge_result_size(const ad_merge_result *res);
/* Number of conflict regions (marker blocks) in the output. */
size_t ad_merge_result_conflicts(const ad_merge_result *res);
/* Whether the merge was done as plain lines (large input, or
 * ad_merge3_text). */
bool ad_merge_result_plain(const ad_merge_result *res);

size_t ad_merge_result_item_count(const ad_merge_result *res);
const ad_merge_item *ad_merge_result_item(const ad_merge_result *res, size_t i);

/* Stable short names: "kept", "ours", "theirs", "both", "combined",
 * "added-ours", ..., "conflict", "conflict-deleted-ours", ... */
const char *ad_merge_action_name(ad_merge_action action);
/* "file", "head", "field", "section", "close". */
const char *ad_merge_item_kind_name(ad_merge_item_kind kind);
/* Whether the action left a conflict. */
bool ad_merge_action_is_conflict(ad_merge_action action);

#endif
