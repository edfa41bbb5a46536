/*
 * plan_private: what the four files of the plan module share and no one
 * else sees (plan.h is the module's interface).
 *
 *   plan.c       the plan object (variants, fields, items) and the default
 *                plan made from an alignment
 *   planfile.c   the plan file: its grammar, the parser and the writer
 *   planref.c    naming sections: title keys, ordinals, fingerprints, and
 *                finding the section a reference names
 *   planapply.c  applying a plan to its variants, on diff/splice; the
 *                commit trailers that describe a result
 *
 * Functions named ad_plan__* are internal to these files.
 */
#ifndef AD_PLAN_PRIVATE_H
#define AD_PLAN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "plan.h"
#include "util.h"

struct ad_plan {
	ad_arena arena;
	ad_plan_variant *variants;
	size_t nvariants, cvariants;
	ad_plan_field *fields;
	size_t nfields, cfields;
	ad_plan_item *items;
	size_t nitems, citems;
	const char *output, *output_blob;
	int output_line, output_column; /* where the parsed output's path is */
	int frontmatter;         /* variant, or -1 for none */
	/* The frontmatter goes before item fm_at (after them all when it
	 * equals nitems): after a preamble that sits above a misplaced block. */
	size_t fm_at;
	/* Comments above the header, output and frontmatter statements, and
	 * after the last statement; NULL when none. */
	const char *header_comment, *output_comment, *frontmatter_comment, *tail_comment;
	/* Where the parsed text had its output statement (a line span), or
	 * where one would go: after the last variant line. */
	bool has_output_span;
	size_t output_start, output_end, output_insert;
};

/* Copies of s (NUL-terminated; n bytes) in the plan's arena, living as
 * long as the plan; NULL for NULL. */
const char *ad_plan__dup(ad_plan *p, const char *s);
const char *ad_plan__dupn(ad_plan *p, const char *s, size_t n);

/* ---- planref.c */

/*
 * What the plan needs to know of one variant, computed once: each
 * section's extent within its parent (a tag's closing line is the tag's
 * own tail, not its last child's, so that a subsection taken alone never
 * carries its parent's closing tag), its title key, its ordinal among the
 * sections with that key, and the fingerprint of the words below its
 * heading.
 */
typedef struct {
	const ad_doc *doc;
	size_t n;
	size_t *eff_end;   /* end of the section's extent inside its parent */
	size_t *inner_end; /* where its children's extents end; its tail starts here */
	char **keys;       /* "" for the preamble */
	int *ordinal;
	uint32_t *prints;
} ad_plan_docindex;

/* Fills x for doc (borrowed; it must outlive x); ad_plan__index_free()
 * releases what it holds. */
void ad_plan__index(ad_plan_docindex *x, const ad_doc *doc);
void ad_plan__index_free(ad_plan_docindex *x);
/* [start, end) of the text section i contributes by itself: up to its
 * first child, or for a leaf its whole extent. */
void ad_plan__own_span(const ad_plan_docindex *x, int i, size_t *start, size_t *end);
/* The reference naming section of variant (ad_plan_ref_of, indexed). */
void ad_plan__ref_in(ad_plan_ref *out, const ad_plan_docindex *x, int variant, int section);
/* The section ref names in x, or -1 (ad_plan_find, indexed). */
int ad_plan__find_in(const ad_plan_docindex *x, const ad_plan_ref *ref, bool exact);

/* ---- planfile.c */

/* s as the plan's reader reads a string back: "..." with escapes. */
void ad_plan__quotes(ad_buf *out, const char *s);
/* A reference as a take line writes it: "Title" #2 from 1 body 1a2b3c4d. */
void ad_plan__put_ref(ad_buf *out, const ad_plan_ref *ref);

#endif
