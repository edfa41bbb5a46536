/*
 * term: making file text safe to print on a terminal.
 *
 * Text from agent files may hold escape sequences, control characters,
 * invalid UTF-8 and NUL bytes.  ad_term_sanitize() appends a copy that a
 * terminal can show as is: valid UTF-8 is kept (tabs too when keep_tabs),
 * C0 controls become caret escapes ("^[" for ESC, "^@" for NUL), DEL
 * becomes "^?", C1 controls become "<U+0085>"-style escapes, and each byte
 * of invalid UTF-8 becomes U+FFFD.  The line and paragraph separators
 * (U+2028, U+2029) and the bidirectional embedding, override and isolate
 * controls (U+202A-U+202E, U+2066-U+2069) are escaped the same way
 * ("<U+202E>"): they move the cursor or reorder the text shown after them,
 * so a value could show something other than what it holds.
 */
#ifndef AD_TERM_H
#define AD_TERM_H

#include <stdbool.h>
#include <stddef.h>

#include "utf8.h"
#include "util.h"

void ad_term_sanitize(ad_buf *out, const char *s, size_t len, bool keep_tabs);

/* Whether the code point cp (U+0080 or above) is one that ad_term_sanitize()
 * escapes: a C1 control, a line or paragraph separator, or a bidirectional
 * control.  The JSON writer and the plan writer escape the same set. */
bool ad_term_escaped_cp(unsigned cp);

#endif
