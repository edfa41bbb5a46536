/*
 * pair: one aligned row seen from two variants, and the pieces of a
 * section diff that every front end shares.
 *
 * The command line (`agentdiff diff`) and the side-by-side view of the TUI
 * show the same comparison.  This is where they agree on which bytes a
 * section is compared by (its own text), what a row says about a pair of
 * its cells, how a line diff groups into changes, and when a changed block
 * is worth showing word by word.
 *
 * No I/O, no curses.  Sections are borrowed from their documents;
 * ad_pair_changes() and ad_pair_word_diff() hand their results to the
 * caller.
 */
#ifndef AD_PAIR_H
#define AD_PAIR_H

#include <stdbool.h>
#include <stddef.h>

#include "align.h"
#include "doc.h"
#include "textdiff.h"

/* A section's own text: [start, lead_end), its heading or opening tag
 * line and the text before its first child (what align.h compares). */
void ad_pair_own_text(const ad_doc *doc, const ad_section *s, const char **p,
		      size_t *len);

/* Whether two titles differ once normalised (ad_align_normalize_title). */
bool ad_pair_titles_differ(const ad_section *a, const ad_section *b);

/* What an aligned row says about the pair of variants (da, db). */
typedef struct {
	const ad_section *a, *b; /* NULL where that variant lacks the section */
	unsigned status;         /* AD_ROW_* for this pair */
	double similarity;       /* as ad_align_row's, for this pair */
} ad_pair;

/*
 * For a 2-way alignment and the pair (0, 1): the row's own status, with
 * AD_ROW_MODIFIED decided by the bytes of the own texts, whatever the
 * aligner normalised.  For any other pair: recomputed from the two cells
 * (added, removed, modified with its word similarity, renamed; split and
 * merged kept from the row; moved is not known for a pair and is left
 * out).
 */
void ad_pair_of(ad_pair *out, const ad_doc *const *docs, size_t ndocs,
		const ad_align_row *row, size_t da, size_t db);

/* Whether the own texts of a pair are byte for byte the same (false when
 * either is absent). */
bool ad_pair_same_text(const ad_doc *da, const ad_section *a, const ad_doc *db,
		       const ad_section *b);

/* A change of a line diff: A's lines [a_start, a_start + a_count) became
 * B's [b_start, b_start + b_count) (0-based; one count may be 0). */
typedef struct {
	int a_start, a_count;
	int b_start, b_count;
} ad_pair_change;

/* The changes of a line diff, each adjacent DELETE/INSERT pair as one, in
 * order; *out (owned by the caller, free()) holds the returned count. */
size_t ad_pair_changes(ad_pair_change **out, const ad_textdiff *ld);

/* Whether a word diff pairs its two sides well enough to show it word by
 * word: at least a third of the non-blank bytes are common. */
bool ad_pair_words_paired(const ad_textdiff *wd, const char *a, const char *b);

/*
 * The word diff of a changed block (A's text became B's), when it is worth
 * showing word by word: both sides present, line counts that differ by at
 * most one (diff-highlight's rule, loosened by one line for a re-wrapped
 * sentence), and ad_pair_words_paired().  Else *out is NULL and the block
 * reads best as lines removed and lines added.  Returns 0 or a negative
 * AD_E* code from the word diff.
 */
int ad_pair_word_diff(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen);

/* Lines in s (a final line without an ending counts). */
int ad_pair_count_lines(const char *s, size_t len);

/* Whether a byte is ASCII white space (' ', '\t', '\r', '\n', '\f', '\v'),
 * and whether a whole range is. */
bool ad_pair_is_space(char ch);
bool ad_pair_all_space(const char *s, size_t len);

#endif
