/*
 * align: which section of one variant is the same section in another.
 *
 * ad_align_docs() takes 2 to AD_ALIGN_MAX_DOCS parsed variants of one agent
 * and returns a table: a row per section, a column per variant, each cell
 * the index of that variant's section in ad_doc_sections() or -1.  Every
 * section of every variant is in exactly one row.  Sections are aligned
 * flattened (a "## API Design" under "# Responsibilities" can pair with a
 * top-level "## API Design Standards"), by title and by content, whatever
 * their kind and level (a "# Role" heading pairs with a <role> tag).
 *
 * What a section is compared by is its own text: [start, lead_end), its
 * heading or opening tag line and the text before its first child, so that
 * every byte of a document belongs to exactly one cell.
 *
 * Rows are in a reading order: the order of the first variant, with
 * sections the first variant lacks placed after the row of their nearest
 * preceding aligned sibling in their own variant.
 *
 * Pipeline, as xdiff's: prepare (normalise titles, hash and sketch each
 * section's words) -> match (exact, then title, then content, scored) ->
 * order rows -> classify.  No I/O, no curses; plain data out.
 *
 * Ownership: the caller owns the ad_align (ad_align_free); rows and cells
 * are borrowed from it.  The documents must outlive it.
 */
#ifndef AD_ALIGN_H
#define AD_ALIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

#define AD_ALIGN_MAX_DOCS 64

typedef struct ad_align ad_align;

/* What a row says about its sections, compared with the row's reference
 * cell (the first variant that has the section).  Flags combine:
 * a section can be renamed, moved and modified at once. */
enum {
	AD_ROW_SAME = 0,          /* identical own text everywhere present */
	AD_ROW_MODIFIED = 1 << 0, /* own text differs (a pure rename is RENAMED only) */
	AD_ROW_RENAMED = 1 << 1,  /* titles differ (after normalisation) */
	AD_ROW_MOVED = 1 << 2,    /* in another position relative to its aligned neighbours */
	AD_ROW_ADDED = 1 << 3,    /* 2-way: only in the second variant */
	AD_ROW_REMOVED = 1 << 4,  /* 2-way: only in the first variant */
	AD_ROW_PARTIAL = 1 << 5,  /* N-way: missing from some variants */
	AD_ROW_SPLIT = 1 << 6,    /* one section here became several in a later variant */
	AD_ROW_MERGED = 1 << 7    /* several sections here became one in a later variant */
};

typedef struct {
	unsigned status;    /* AD_ROW_* flags */
	/* 0..1: mean word similarity of present cells' text below the heading
	 * to the reference's; 1.0 when the words are the same.  Exact (word
	 * diff) where matching computed it, else a bag-of-words estimate from
	 * the sketches (never below the exact value). */
	double similarity;
	const int *cells;   /* ndocs section indices, -1 where absent */
	int group;          /* split/merge: rows of one group share this id; else -1 */
} ad_align_row;

typedef struct {
	unsigned version;
	/* Two sections with different titles pair only when their own text
	 * is at least this similar (0..1). */
	double rename_threshold;
	/* Two sections with similar titles pair when their text is at least
	 * this similar. */
	double content_threshold;
	/* Documents with more sections than this are aligned by exact title
	 * and identical content only. */
	size_t max_sections;
} ad_align_options;

#define AD_ALIGN_OPTIONS_VERSION 1
#define AD_ALIGN_OPTIONS_INIT { AD_ALIGN_OPTIONS_VERSION, 0.5, 0.2, 2000 }

int ad_align_docs(ad_align **out, const ad_doc *const *docs, size_t ndocs,
		  const ad_align_options *opts);
void ad_align_free(ad_align *align);

size_t ad_align_doc_count(const ad_align *align);
size_t ad_align_row_count(const ad_align *align);
const ad_align_row *ad_align_row_at(const ad_align *align, size_t i);

/* The normalised title used for matching: lower case, punctuation and
 * numbering ("1.", "Step 2:") dropped, spaces folded; into out. */
void ad_align_normalize_title(ad_buf *out, const char *title);

/* Short stable names for a status: "same", "modified", "renamed",
 * "moved", "added", "removed", "partial", "split", "merged" joined by
 * '+' for combinations ("renamed+modified"). */
const char *ad_align_status_name(unsigned status, char *buf, size_t size);

#endif
