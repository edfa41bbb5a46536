/*
 * confparse: the reader that theme files and the config file share.
 *
 * Both are lines of words separated by spaces or tabs.  A line whose first
 * word starts with '#' is a comment; blank lines are skipped; a UTF-8 BOM
 * at the start and a '\r' before each '\n' are ignored.  Anything else is
 * a word, NUL bytes and invalid UTF-8 included: the callers reject what
 * they do not know, and every word they quote in a message goes through
 * ad_confparse_quote(), which makes it printable and short.
 *
 * Places are 1-based lines and columns counted in characters (an invalid
 * byte counts as one), as in the rest of agentdiff's messages.
 *
 * This header is private to ui/theme.c, ui/keymap.c and ui/config.c.
 */
#ifndef AD_CONFPARSE_H
#define AD_CONFPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "theme.h"
#include "util.h"

typedef struct {
	const char *s; /* borrowed from the text; not NUL-terminated */
	size_t len;
	int column;
} ad_confword;

typedef struct {
	const char *data;
	size_t len;
	size_t next;     /* offset of the line after the current one */
	const char *cur; /* the current line's unread part */
	const char *end; /* the current line's end ('\r\n' excluded) */
	int line;        /* the current line */
	int column;      /* column of *cur */
} ad_confparse;

void ad_confparse_init(ad_confparse *p, const char *data, size_t len);
/* Moves to the next line that is neither blank nor a comment; false at
 * the end of the text. */
bool ad_confparse_line(ad_confparse *p);
/* Reads the current line's next word.  At the end of the line returns
 * false with w->column just past the line's last character (where a
 * missing word would have been) and w->len 0. */
bool ad_confparse_word(ad_confparse *p, ad_confword *w);
/* The word equals s exactly. */
bool ad_confparse_is(const ad_confword *w, const char *s);

/* Appends s quoted for a message: 'text', made printable by
 * ad_term_sanitize(), cut after 40 characters with "...". */
void ad_confparse_quote(ad_buf *out, const char *s, size_t len);
/* Sets err to "<before>'<word>'<after>" at (path, line, w->column) and
 * returns code. */
int ad_confparse_fail(ad_error *err, int code, const char *path, int line,
		      const ad_confword *w, const char *before,
		      const char *after);

/* Parses the rest of a `color <slot> <fg> <bg> [attr...]` line (the
 * word `color` already read) into *slot and *style. */
int ad_confparse_color(ad_confparse *p, const char *path, int *slot,
		       ad_style *style, ad_error *err);

/* Appends agentdiff's folder of user configuration: $XDG_CONFIG_HOME/agentdiff
 * when XDG_CONFIG_HOME is an absolute path, else $HOME/.config/agentdiff;
 * false (nothing appended) when neither is set. */
bool ad_confparse_config_dir(ad_buf *out);

/* The themes compiled into the program, generated from themes/NAME.theme by
 * Makefile.am (ui/theme_builtin.c in the build tree). */
typedef struct {
	const char *name; /* "dark" for themes/dark.theme */
	const char *text;
} ad_theme_builtin;

extern const ad_theme_builtin ad_theme_builtins[];
extern const size_t ad_theme_builtin_count;

#endif
