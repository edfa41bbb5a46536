/*
 * splice: a document written as a list of pieces, and the one renderer
 * that turns the list into text.
 *
 * Writing is splicing (STYLE.md): what agentdiff writes is spans of its
 * inputs, byte for byte, plus the few bytes it makes itself (an edited
 * section, a rewritten field, a conflict marker).  A caller appends pieces
 * in output order and renders once; the renderer alone decides what goes
 * between two pieces:
 *
 *   - continuation: a span that starts exactly where the previous piece
 *     ended in the same input (or where the text it replaced ended, see
 *     ad_splice_replace) is written as it is, with nothing in between, so
 *     that an untouched run of an input comes out byte-identical;
 *   - line endings: any other non-empty piece starts on a line of its own
 *     (a line ending is added when the output so far does not end with
 *     one: an input with no newline at its end, new bytes without one);
 *   - blank lines between sections: a piece flagged AD_SPLICE_SECTION
 *     that does not continue the previous one gets a blank line before it
 *     when the output does not end with one already;
 *   - closing tags: the tail of an XML-style section ("</rules>" and what
 *     follows it) is a span of its own with no flag: by the rule above it
 *     starts on its own line, and it gets no blank line its input did not
 *     have before it (the blank-line rule is for AD_SPLICE_SECTION only);
 *   - lines: a piece flagged AD_SPLICE_LINES (a frontmatter field, one
 *     side of a conflict) ends with a line ending; one is added after it
 *     when it has none.
 *
 * The line ending added is the one set with ad_splice_set_eol(), or else
 * the first one found in the output so far or in the piece being written
 * ("\r\n" for a CRLF input), or "\n" when there has been none yet.
 *
 * How diff/merge.c's emitters will use it (they write to an ad_buf as they
 * go today): a side's piece that merges cleanly is ad_splice_span() of that
 * side's text (its input number: 0 base, 1 ours, 2 theirs); a combined tools
 * field is ad_splice_bytes() with AD_SPLICE_LINES; a conflict is the marker
 * lines and the sides, each ad_splice_bytes()/ad_splice_span() with
 * AD_SPLICE_LINES; "sep && starts_with_heading" becomes AD_SPLICE_SECTION
 * on the piece instead of a test of the output's end; the eol is ours'
 * (ad_splice_set_eol(m->eol)).  The report's items keep piece numbers and
 * take their offsets from ad_splice_piece_out() after the render.
 *
 * The splice does not own the inputs' text: a span points into it, and it
 * must live until ad_splice_render().  New bytes are copied.
 */
#ifndef AD_SPLICE_H
#define AD_SPLICE_H

#include <stddef.h>

#include "util.h"

typedef struct ad_splice ad_splice;

enum {
	AD_SPLICE_SECTION = 1 << 0, /* starts a section: after a blank line */
	AD_SPLICE_LINES = 1 << 1    /* ends with a line ending, added if missing */
};

int ad_splice_new(ad_splice **out);
void ad_splice_free(ad_splice *sp);

/* The line ending to add between pieces (borrowed, e.g. "\r\n"); NULL:
 * found in the text, as above. */
void ad_splice_set_eol(ad_splice *sp, const char *eol);

/* Appends [start, end) of input (a number >= 0 the caller gives each
 * input; equal numbers mean the same text) whose text is data.  start >
 * end is taken as an empty span at end.  Returns the piece's number. */
size_t ad_splice_span(ad_splice *sp, int input, const char *data, size_t start, size_t end,
		      unsigned flags);
/* Appends a copy of s (len bytes), text of no input. */
size_t ad_splice_bytes(ad_splice *sp, const char *s, size_t len, unsigned flags);
/* Appends a copy of s standing for the text of input that ends at end:
 * the bytes are new (nothing before them continues into them), but a span
 * of input from end continues after them, as the rest of a section whose
 * own text was edited does. */
size_t ad_splice_replace(ad_splice *sp, int input, size_t end, const char *s, size_t len,
			 unsigned flags);

size_t ad_splice_count(const ad_splice *sp);

/* Writes the pieces to out (appended; out is NUL-terminated after). */
void ad_splice_render(ad_buf *out, ad_splice *sp);
/* Where piece i's own bytes went in out in the last render: [*start,
 * *end), the line ending AD_SPLICE_LINES added included; what was added
 * before the piece is not. */
void ad_splice_piece_out(const ad_splice *sp, size_t i, size_t *start, size_t *end);

#endif
