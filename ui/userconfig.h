/*
 * userconfig: the user's settings for the terminal UI (ad_config_*).
 *
 * (Not config.h: that name is autoconf's, found first on the include path.)
 *
 * The file is $XDG_CONFIG_HOME/agentdiff/config, or
 * ~/.config/agentdiff/config when XDG_CONFIG_HOME is unset (or not an
 * absolute path); it need not exist.  Lines, with '#' comment lines and
 * blank lines between:
 *
 *   theme NAME                 the theme: a name or a path (see theme.h);
 *                              a relative path is from the config's folder
 *   bind KEY ACTION            KEY (keymap.h) does ACTION (actions.h);
 *                              ACTION "none" unbinds KEY
 *   color SLOT FG BG [ATTR...] one slot's style, on top of the theme
 *
 * Which theme: --theme NAME from the command line when given, else the
 * config's last `theme` line, else the built-in dark theme; the config's
 * `color` lines then apply on top, in order, whatever the theme.
 *
 * NO_COLOR (set and not empty, as https://no-color.org says) means no
 * colour at all: the theme is "mono" (attributes only) and `color` lines
 * keep only their attributes.  --theme on the command line overrides
 * NO_COLOR, as no-color.org asks of per-run options; the config's `theme`
 * line does not.  A terminal without colours gets the same treatment
 * through ad_config_monochrome().
 *
 * Ownership: the caller owns the ad_config and releases it with
 * ad_config_free(), after ad_config_load() or ad_config_parse() whatever
 * they returned.
 */
#ifndef AD_USERCONFIG_H
#define AD_USERCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "keymap.h"
#include "theme.h"
#include "util.h"

/* At most this many problems are kept; the rest are counted. */
#define AD_CONFIG_MAX_PROBLEMS 20

typedef struct {
	ad_theme theme;     /* what to draw with */
	ad_keymap *keymap;  /* owned; never NULL after load or parse */
	bool no_color;      /* draw with attributes only */
	/* "path:line:column: message" for each bad line, in order (the
	 * first is also in err); nmore counts those past the limit. */
	char **problems;
	size_t nproblems, nmore;
	/* The config's `color` lines (for ad_config_monochrome). */
	ad_style colors[AD_SLOT_COUNT];
	bool has_color[AD_SLOT_COUNT];
} ad_config;

/* NO_COLOR is set and not empty. */
bool ad_config_no_color_env(void);

/* Appends the config file's path; false (nothing appended) when neither
 * XDG_CONFIG_HOME nor HOME is set. */
bool ad_config_path(ad_buf *out);

/*
 * Reads the config file (see above) into *cfg.  theme_override is the
 * --theme argument, or NULL.
 *
 * Returns 0; or, when the file has bad lines or cannot be read, the first
 * problem's code with err set to it and cfg->problems listing them all:
 * cfg is complete anyway (bad lines are skipped), and the app shows the
 * problems and goes on.  A theme_override that cannot be loaded fails with
 * AD_EUSAGE, err saying why: the app should stop, as for any bad argument.
 */
int ad_config_load(ad_config *cfg, const char *theme_override, ad_error *err);

/* The same for the text of a config file (path for messages and for
 * relative theme paths), with NO_COLOR given rather than read. */
int ad_config_parse(ad_config *cfg, const char *path, const char *data,
		    size_t len, const char *theme_override, bool no_color,
		    ad_error *err);

/* For a terminal without colours: the "mono" theme with the `color`
 * lines' attributes, and no_color set. */
void ad_config_monochrome(ad_config *cfg);

void ad_config_free(ad_config *cfg);

#endif
