/*
 * theme: what each colour slot (slots.h) looks like.
 *
 * A theme file is lines of
 *
 *   color <slot> <foreground> <background> [attribute...]
 *
 * with '#' comments and blank lines (see themes/dark.theme).  Colours:
 * default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<colour>, or 0-255; attributes: bold, dim, underline, reverse,
 * italic.  A slot a theme leaves out keeps the default theme's style.
 *
 * The dark theme is compiled in and is the default; "light" and "mono"
 * are found by name (see ad_theme_load) also from a build that is not
 * installed.
 */
#ifndef AD_THEME_H
#define AD_THEME_H

#include <stddef.h>

#include "error.h"
#include "slots.h"

enum {
	AD_STYLE_BOLD = 1 << 0,
	AD_STYLE_DIM = 1 << 1,
	AD_STYLE_UNDERLINE = 1 << 2,
	AD_STYLE_REVERSE = 1 << 3,
	AD_STYLE_ITALIC = 1 << 4
};

#define AD_COLOR_DEFAULT (-1)

typedef struct {
	short fg, bg;   /* AD_COLOR_DEFAULT or 0-255 (8-15: the bright ones) */
	unsigned attrs; /* AD_STYLE_* */
} ad_style;

typedef struct {
	char name[64];
	ad_style slots[AD_SLOT_COUNT];
} ad_theme;

/* The compiled-in dark theme. */
void ad_theme_default(ad_theme *theme);

/* Parses a theme file's text on top of what *theme holds.  path is for
 * messages.  On a bad line fails with err at its line and column
 * ("dark.theme:12:7: unknown colour 'purpel'") and leaves *theme as it
 * was. */
int ad_theme_parse(ad_theme *theme, const char *path, const char *data,
		   size_t len, ad_error *err);

/* Loads a theme by name or path: a name containing '/' is a file; else
 * $XDG_CONFIG_HOME/agentdiff/themes/NAME.theme (~/.config when unset),
 * then the installed NAME.theme, then the themes built into the program. */
int ad_theme_load(ad_theme *theme, const char *name, ad_error *err);

#endif
