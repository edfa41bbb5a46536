/*
 * sbsmodel: the rows of a side-by-side comparison, built once per pair.
 *
 * ad_sbsmodel_build() compares two documents the way `agentdiff diff` does
 * (frontmatter field by field with fmdiff, sections aligned with
 * ad_align_docs, a line diff inside each pair of modified sections with the
 * changed words marked) and lays the result out as rows of two sides: what
 * the left column and the right column show on one line.  The view
 * (sbs.c) only wraps, folds, scrolls and draws these rows; nothing here
 * knows about screens.
 *
 * The rows come in blocks: the frontmatter, then one block per aligned row
 * of sections, in the alignment's reading order.  A block is a header row
 * (the section's label on each side, "renamed from ..." and "moved" marked
 * on the right) and its line rows (the section's own text below its
 * heading); each block also has one folded row ("## Scope  … 12 unchanged
 * lines") that the view shows instead of the block when it is folded.
 *
 * A side's text is one line without its ending, borrowed from the document
 * (line rows) or from the model (headers, frontmatter values).  It may hold
 * any bytes; drawing sanitizes it.  Marks are byte ranges of a side's text
 * drawn in another slot (changed words, "renamed from ...").
 *
 * Inputs too large to align (see AD_SBSMODEL_LARGE_BYTES) become one block
 * holding a plain line diff of the whole files, as `agentdiff diff` does.
 *
 * Ownership: the caller owns the model (ad_sbsmodel_free, which accepts
 * NULL); rows, blocks and marks are borrowed from it.  The documents must
 * outlive it.
 */
#ifndef AD_SBSMODEL_H
#define AD_SBSMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "slots.h"
#include "util.h"

#define AD_SBSMODEL_LARGE_BYTES ((size_t)1 << 20)
#define AD_SBSMODEL_LARGE_SECTIONS 5000

typedef struct ad_sbsmodel ad_sbsmodel;

typedef enum {
	AD_SBS_ROW_HEAD, /* a block's header */
	AD_SBS_ROW_LINE, /* a line of text on one side or both */
	AD_SBS_ROW_FOLD  /* a folded block, in one line */
} ad_sbs_row_kind;

typedef struct {
	uint32_t off, len; /* bytes of the side's text */
	uint8_t slot;      /* ad_slot */
} ad_sbs_mark;

typedef struct {
	const char *text; /* NULL: this side has nothing here (a gap) */
	uint32_t len;     /* bytes, without the line ending */
	int line;         /* 1-based line in the file; 0 when none */
	uint8_t slot;     /* the line's ad_slot */
	uint32_t mark, nmarks; /* its marks: ad_sbsmodel_marks() + mark */
} ad_sbs_side;

typedef struct {
	uint8_t kind;   /* ad_sbs_row_kind */
	bool differs;   /* part of a change (next/previous change stop here) */
	int block;      /* index of its block */
	ad_sbs_side side[2];
} ad_sbs_row;

typedef struct {
	int first, count;  /* its header and line rows */
	int fold;          /* its folded row */
	bool unchanged;    /* the same on both sides */
	bool frontmatter;  /* the frontmatter block (else sections) */
	int align_row;     /* row of the alignment, -1 for the frontmatter or a large file */
	int sec[2];        /* section index on each side, -1 where absent */
	int lines;         /* lines (fields for the frontmatter) it holds */
} ad_sbs_block;

/* Fails only on AD_ETOOBIG from the line diff of a huge input. */
int ad_sbsmodel_build(ad_sbsmodel **out, const ad_doc *a, const ad_doc *b);
void ad_sbsmodel_free(ad_sbsmodel *m);

size_t ad_sbsmodel_row_count(const ad_sbsmodel *m);
const ad_sbs_row *ad_sbsmodel_row(const ad_sbsmodel *m, size_t i);
size_t ad_sbsmodel_block_count(const ad_sbsmodel *m);
const ad_sbs_block *ad_sbsmodel_block(const ad_sbsmodel *m, size_t i);
const ad_sbs_mark *ad_sbsmodel_marks(const ad_sbsmodel *m);
/* The block holding section sec of side (0 left, 1 right), or -1. */
int ad_sbsmodel_block_of_section(const ad_sbsmodel *m, int side, int sec);
/* Whether the inputs were too large to align (one plain line diff). */
bool ad_sbsmodel_large(const ad_sbsmodel *m);
/* The highest line number any side shows (for the gutter's width). */
int ad_sbsmodel_max_line(const ad_sbsmodel *m);

#endif
