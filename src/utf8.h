/*
 * utf8: decoding, encoding and measuring UTF-8 text.
 *
 * The one place that knows the encoding.  Decoding is strict (RFC 3629):
 * overlong forms, surrogates (U+D800-U+DFFF), values above U+10FFFF, stray
 * continuation bytes and sequences cut short are all invalid, and a caller
 * that shows text shows each invalid byte as U+FFFD.
 *
 * Widths are terminal columns from our own tables (Unicode 14.0), not from
 * wcwidth(), so that output is the same on every machine and locale:
 * East Asian wide and fullwidth characters (CJK, most emoji) take two
 * columns; combining marks, format characters (ZWJ, bidi controls, the
 * BOM) and the Hangul medial and final jamo take none; controls have no
 * width of their own (a caller escapes them: term.h).
 *
 * Nothing here allocates but ad_utf8_put(), which appends to the caller's
 * buffer.
 */
#ifndef AD_UTF8_H
#define AD_UTF8_H

#include <stddef.h>

#include "util.h"

#define AD_UTF8_REPLACEMENT 0xFFFDu /* U+FFFD REPLACEMENT CHARACTER */
#define AD_UTF8_MAX 4               /* bytes in the longest sequence */

/* Length in bytes of the valid UTF-8 sequence at s (1-4), or 0 if the bytes
 * at s are not one (or len is 0).  *cp receives the code point; it is left
 * alone on 0. */
size_t ad_utf8_decode(const char *s, size_t len, unsigned *cp);

/* The next character of s for a reader that never stops: like
 * ad_utf8_decode(), but an invalid byte is one character, U+FFFD, so the
 * result is at least 1 when len is not 0 (0 and *cp = U+FFFD when it is). */
size_t ad_utf8_next(const char *s, size_t len, unsigned *cp);

/* Writes the UTF-8 form of cp to out (AD_UTF8_MAX bytes of room) and
 * returns its length, 1 to 4.  A surrogate or a value above U+10FFFF is
 * written as U+FFFD. */
size_t ad_utf8_encode(char *out, unsigned cp);

/* Appends the UTF-8 form of cp to out, as ad_utf8_encode() writes it. */
void ad_utf8_put(ad_buf *out, unsigned cp);

/* Columns cp takes: 0, 1 or 2; -1 for a control, which a terminal must not
 * be given (C0, DEL, C1, and the line and paragraph separators U+2028 and
 * U+2029, which some terminals treat as line breaks). */
int ad_utf8_cp_width(unsigned cp);

/* Columns of len bytes of text: the sum of its characters' widths, each
 * invalid byte one column (drawn as U+FFFD) and each control one column
 * too.  For text already made printable (ad_term_sanitize()), that is
 * what a terminal shows. */
size_t ad_utf8_width(const char *s, size_t len);

#endif
