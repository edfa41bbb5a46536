/*
 * fuzz_config: the terminal UI's config and theme files (ui/confparse.h,
 * ui/theme.h, ui/userconfig.h) on any bytes.
 *
 * The input is read as a theme file and as a config file, with NO_COLOR
 * on or off as a hash of the input says.  HOME and XDG_CONFIG_HOME point
 * at a folder that does not exist, and the config's own path is in one,
 * so that `theme NAME` lines find only the built-in themes (a `theme`
 * line naming an absolute path still reads that file, as agentdiff
 * would).  Checked on every input:
 *
 *   - the reader's lines and words lie inside the input, in order, with
 *     columns that count characters from 1;
 *   - a theme that parses has every slot's colours default or 0-255 and
 *     known attributes; one that does not leaves the theme as it was and
 *     says where, with no raw control character in the message; the same
 *     text parsed twice gives the same theme;
 *   - a config always has a keymap and a theme of valid styles, at most
 *     AD_CONFIG_MAX_PROBLEMS problems, each "path:line:column: message"
 *     without raw controls, the first one in err; with NO_COLOR no slot
 *     has a colour, and after ad_config_monochrome() none has either;
 *   - the keymap, fed keys made from the input, answers a known result
 *     and action; the help screen's key names for every action are valid
 *     UTF-8 without control characters.
 *
 * Once per process, every built-in theme parses.  A broken promise aborts,
 * so that libFuzzer keeps the input.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "confparse.h"
#include "keymap.h"
#include "slots.h"
#include "term.h"
#include "theme.h"
#include "userconfig.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOWHERE "/nonexistent-agentdiff-fuzz"

static bool ready;

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_config: %s\n%s%s", what, detail ? detail : "", detail ? "\n" : "");
	abort();
}

/* Valid UTF-8 without C0 (but tab), DEL or C1 controls. */
static bool is_clean(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n = ad_utf8_decode(s + i, len - i, &cp);

		if (n == 0 || (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0))
			return false;
		i += n;
	}
	return true;
}

static void setup(void)
{
	ad_error err = AD_ERROR_INIT;
	size_t i;

	if (ready)
		return;
	setenv("HOME", NOWHERE, 1);
	setenv("XDG_CONFIG_HOME", NOWHERE "/config", 1);
	for (i = 0; i < ad_theme_builtin_count; i++) {
		ad_theme t;

		ad_theme_default(&t);
		if (ad_theme_parse(&t, ad_theme_builtins[i].name, ad_theme_builtins[i].text,
				   strlen(ad_theme_builtins[i].text), &err) < 0)
			die("a built-in theme does not parse", err.message);
	}
	ad_error_clear(&err);
	ready = true;
}

static void check_style(const ad_style *st, bool colourless, const char *what)
{
	if (st->fg < AD_COLOR_DEFAULT || st->fg > 255 || st->bg < AD_COLOR_DEFAULT || st->bg > 255)
		die(what, "a colour outside default and 0-255");
	if (st->attrs & ~(unsigned)(AD_STYLE_BOLD | AD_STYLE_DIM | AD_STYLE_UNDERLINE |
				   AD_STYLE_REVERSE | AD_STYLE_ITALIC))
		die(what, "an unknown attribute");
	if (colourless && (st->fg != AD_COLOR_DEFAULT || st->bg != AD_COLOR_DEFAULT))
		die(what, "a colour where there must be none");
}

static void check_theme(const ad_theme *t, bool colourless, const char *what)
{
	int i;

	if (!memchr(t->name, '\0', sizeof(t->name)))
		die(what, "a theme name that is not terminated");
	for (i = 0; i < AD_SLOT_COUNT; i++)
		check_style(&t->slots[i], colourless, what);
}

static void check_error(const ad_error *err, const char *what)
{
	if (!err->message || !is_clean(err->message, strlen(err->message)))
		die(what, err->message ? err->message : "(no message)");
}

/* The reader: lines in order, words inside their line, in order. */
static void check_reader(const char *data, size_t size)
{
	ad_confparse p;
	ad_confword w;
	int last_line = 0;

	ad_confparse_init(&p, data, size);
	while (ad_confparse_line(&p)) {
		const char *prev = NULL;
		int prev_col = 0;

		if (p.line <= last_line)
			die("confparse: lines out of order", NULL);
		last_line = p.line;
		while (ad_confparse_word(&p, &w)) {
			if (w.len == 0 || w.s < data || w.s + w.len > data + size ||
			    (prev && w.s < prev) || w.column <= prev_col || w.column < 1)
				die("confparse: a word out of place", NULL);
			if (ad_confparse_is(&w, "color") != (w.len == 5 && !memcmp(w.s, "color", 5)))
				die("confparse: ad_confparse_is disagrees with the bytes", NULL);
			prev = w.s + w.len;
			prev_col = w.column;
		}
		if (w.len != 0 || w.column <= prev_col)
			die("confparse: the end of a line is not after its words", NULL);
	}
}

static void check_theme_file(const char *data, size_t size)
{
	ad_theme t, before, again;
	ad_error err = AD_ERROR_INIT;
	int rc, rc2;

	ad_theme_default(&t);
	before = t;
	rc = ad_theme_parse(&t, "fuzz.theme", data, size, &err);
	if (rc < 0) {
		if (memcmp(&t, &before, sizeof(t)))
			die("a theme that does not parse changed the theme", err.message);
		if (err.line < 1 || err.column < 1)
			die("a theme error without a place", err.message);
		check_error(&err, "a raw control character in a theme error");
	} else {
		check_theme(&t, false, "a parsed theme");
	}
	ad_theme_default(&again);
	rc2 = ad_theme_parse(&again, "fuzz.theme", data, size, &err);
	if (rc2 != rc || memcmp(&again, &t, sizeof(t)))
		die("the same theme text parsed twice gives other themes", NULL);
	ad_error_clear(&err);
}

static void check_keymap(ad_keymap *km, const uint8_t *data, size_t size)
{
	ad_buf names = AD_BUF_INIT;
	size_t i;
	int a;

	for (i = 0; i < size && i < 256; i++) {
		ad_action action = AD_ACTION_NONE;
		int key = data[i] >= 0xF0 ? AD_KEY_UP + (data[i] & 15) : data[i];
		ad_keymap_result r = ad_keymap_feed(km, key, &action);

		if (r != AD_KEYMAP_NONE && r != AD_KEYMAP_PENDING && r != AD_KEYMAP_ACTION)
			die("keymap: an unknown result", NULL);
		if (r == AD_KEYMAP_ACTION && ((int)action <= AD_ACTION_NONE || action >= AD_ACTION_COUNT))
			die("keymap: an action out of range", NULL);
	}
	ad_keymap_reset(km);
	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		ad_buf_clear(&names);
		ad_keymap_describe(km, (ad_action)a, &names);
		if (!is_clean(names.ptr ? names.ptr : "", names.size))
			die("keymap: a key name with a control character", ad_buf_cstr(&names));
	}
	ad_buf_free(&names);
}

static void check_config(const uint8_t *data, size_t size, bool no_color)
{
	ad_config cfg;
	ad_error err = AD_ERROR_INIT;
	size_t i;
	int rc;

	rc = ad_config_parse(&cfg, NOWHERE "/agentdiff/config", (const char *)data, size, NULL,
			     no_color, &err);
	if (!cfg.keymap)
		die("a config without a keymap", NULL);
	if (cfg.nproblems > AD_CONFIG_MAX_PROBLEMS || (rc < 0) != (cfg.nproblems > 0) ||
	    (cfg.nmore && cfg.nproblems < AD_CONFIG_MAX_PROBLEMS))
		die("a config's problems do not add up", NULL);
	for (i = 0; i < cfg.nproblems; i++)
		if (!cfg.problems[i] || !is_clean(cfg.problems[i], strlen(cfg.problems[i])))
			die("a config problem with a raw control character", cfg.problems[i]);
	if (rc < 0)
		check_error(&err, "a raw control character in a config error");
	if (cfg.no_color != no_color)
		die("NO_COLOR is not what was asked", NULL);
	check_theme(&cfg.theme, no_color, "a config's theme");
	check_keymap(cfg.keymap, data, size);
	ad_config_monochrome(&cfg);
	check_theme(&cfg.theme, true, "a monochrome config's theme");
	ad_config_free(&cfg);
	ad_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	size_t i;

	setup();
	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	check_reader((const char *)data, size);
	check_theme_file((const char *)data, size);
	check_config(data, size, (h & 1) != 0);
	return 0;
}
