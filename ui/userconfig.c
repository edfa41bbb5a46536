/*
 * userconfig: the config file (see userconfig.h).
 *
 * Lines are read in one pass: `bind` lines go to the keymap at once (their
 * order matters), `theme` and `color` lines are remembered and applied at
 * the end, so that a `color` line overrides the theme wherever it stands.
 * A bad line is recorded and skipped: one typo should not cost the user
 * every other setting.
 */
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "fileio.h"
#include "userconfig.h"
#include "term.h"

#define CONFIG_FILE_MAX (1024 * 1024)

bool ad_config_no_color_env(void)
{
	const char *v = getenv("NO_COLOR");

	return v && v[0];
}

bool ad_config_path(ad_buf *out)
{
	if (!ad_confparse_config_dir(out))
		return false;
	ad_buf_puts(out, "/config");
	return true;
}

/* Records a problem; the first one also goes to err. */
static void add_problem(ad_config *cfg, const ad_error *e, int *first,
			ad_error *err)
{
	ad_buf msg = AD_BUF_INIT;

	if (*first == 0) {
		*first = e->code ? e->code : AD_EPARSE;
		ad_error_set(err, *first, e->path, e->line, e->column, "%s",
			     e->message ? e->message : "error");
	}
	if (cfg->nproblems >= AD_CONFIG_MAX_PROBLEMS) {
		cfg->nmore++;
		return;
	}
	if (e->path) {
		ad_buf_puts(&msg, e->path);
		if (e->line > 0)
			ad_buf_printf(&msg, ":%d", e->line);
		if (e->line > 0 && e->column > 0)
			ad_buf_printf(&msg, ":%d", e->column);
		ad_buf_puts(&msg, ": ");
	}
	ad_buf_puts(&msg, e->message ? e->message : "error");
	if (!cfg->problems)
		cfg->problems = ad_xcalloc(AD_CONFIG_MAX_PROBLEMS, sizeof(char *));
	cfg->problems[cfg->nproblems++] = ad_buf_detach(&msg);
}

/* A NUL-terminated copy of the word, or NULL when it holds a NUL byte
 * (it would read as a shorter word). */
static char *word_dup(const ad_confword *w)
{
	return memchr(w->s, '\0', w->len) ? NULL : ad_xstrndup(w->s, w->len);
}

static int no_more_words(ad_confparse *p, const char *path, const char *after,
			 ad_error *e)
{
	ad_confword w;
	ad_buf msg = AD_BUF_INIT;
	int error = 0;

	if (!ad_confparse_word(p, &w))
		return 0;
	ad_buf_printf(&msg, " after %s", after);
	if (w.s[0] == '#')
		ad_buf_puts(&msg, " (a comment must be on a line of its own)");
	error = ad_confparse_fail(e, AD_EPARSE, path, p->line, &w, "unexpected ",
				  ad_buf_cstr(&msg));
	ad_buf_free(&msg);
	return error;
}

static int parse_bind(ad_config *cfg, ad_confparse *p, const char *path,
		      ad_error *e)
{
	ad_confword kw, aw;
	ad_action action = AD_ACTION_NONE;
	ad_error ke = AD_ERROR_INIT;
	char *key = NULL, *name = NULL;
	int keys[2], error = 0;

	if (!ad_confparse_word(p, &kw)) {
		error = ad_error_set(e, AD_EPARSE, path, p->line, kw.column,
				     "missing key after 'bind'");
		goto done;
	}
	if (!(key = word_dup(&kw))) {
		error = ad_confparse_fail(e, AD_EPARSE, path, p->line, &kw,
					  "unknown key name ", " (a NUL byte)");
		goto done;
	}
	if (ad_key_parse(key, keys, &ke) < 0) {
		error = ad_error_set(e, AD_EPARSE, path, p->line, kw.column, "%s",
				     ke.message);
		goto done;
	}
	if (!ad_confparse_word(p, &aw)) {
		error = ad_error_set(e, AD_EPARSE, path, p->line, aw.column,
				     "missing action after the key");
		goto done;
	}
	name = word_dup(&aw);
	if (!name || (strcmp(name, "none") &&
		      (action = ad_action_from_name(name)) == AD_ACTION_NONE)) {
		error = ad_confparse_fail(e, AD_EPARSE, path, p->line, &aw,
					  "unknown action ",
					  " (the actions are listed in the help"
					  " screen and in agentdiff(1))");
		goto done;
	}
	if ((error = no_more_words(p, path, "the action", e)) < 0)
		goto done;
	if ((error = ad_keymap_bind(cfg->keymap, key, action, &ke)) < 0) {
		error = ad_error_set(e, error, path, p->line, kw.column, "%s", ke.message);
		goto done;
	}
done:
	ad_error_clear(&ke);
	free(key);
	free(name);
	return error;
}

/* The theme a `theme` line names: a relative path is taken from the
 * config file's folder. */
static char *theme_ref(const char *path, const char *name)
{
	const char *slash = strrchr(path, '/');
	ad_buf out = AD_BUF_INIT;

	if (!strchr(name, '/') || name[0] == '/' || !slash)
		return ad_xstrdup(name);
	ad_buf_put(&out, path, (size_t)(slash - path) + 1);
	ad_buf_puts(&out, name);
	return ad_buf_detach(&out);
}

int ad_config_parse(ad_config *cfg, const char *path, const char *data,
		    size_t len, const char *theme_override, bool no_color,
		    ad_error *err)
{
	ad_confparse p;
	ad_confword w, theme_word = { NULL, 0, 0 };
	ad_error e = AD_ERROR_INIT;
	char *theme_name = NULL;
	int theme_line = 0, first = 0, error, i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->keymap = ad_keymap_new();
	ad_theme_default(&cfg->theme);
	ad_error_clear(err);

	ad_confparse_init(&p, data, len);
	while (ad_confparse_line(&p)) {
		ad_style style;
		int slot;

		ad_confparse_word(&p, &w);
		error = 0;
		if (ad_confparse_is(&w, "theme")) {
			if (!ad_confparse_word(&p, &theme_word)) {
				error = ad_error_set(&e, AD_EPARSE, path, p.line,
						     theme_word.column,
						     "missing theme name after 'theme'");
			} else if ((error = no_more_words(&p, path, "the theme name",
							  &e)) == 0) {
				free(theme_name);
				theme_name = word_dup(&theme_word);
				theme_line = p.line;
				if (!theme_name)
					error = ad_confparse_fail(&e, AD_EPARSE, path,
								  p.line, &theme_word,
								  "unknown theme ", "");
			}
		} else if (ad_confparse_is(&w, "bind")) {
			error = parse_bind(cfg, &p, path, &e);
		} else if (ad_confparse_is(&w, "color")) {
			error = ad_confparse_color(&p, path, &slot, &style, &e);
			if (error == 0) {
				cfg->colors[slot] = style;
				cfg->has_color[slot] = true;
			}
		} else {
			error = ad_confparse_fail(&e, AD_EPARSE, path, p.line, &w,
						  "unknown command ",
						  " (expected theme, bind or color)");
		}
		if (error < 0)
			add_problem(cfg, &e, &first, err);
	}

	cfg->no_color = no_color && !theme_override;
	if (theme_override) {
		if (ad_theme_load(&cfg->theme, theme_override, &e) < 0) {
			ad_error_set(err, e.code, e.path, e.line, e.column, "%s", e.message);
			first = AD_EUSAGE;
			goto done;
		}
	} else if (cfg->no_color) {
		/* A broken user mono.theme: fall back to the built-in one. */
		if (ad_theme_load(&cfg->theme, "mono", &e) < 0) {
			add_problem(cfg, &e, &first, err);
			ad_config_monochrome(cfg);
		}
	} else if (theme_name) {
		char *ref = theme_ref(path, theme_name);

		if (ad_theme_load(&cfg->theme, ref, &e) < 0) {
			/* An error inside the theme file has its own place;
			 * a missing theme is the config line's problem. */
			if (!e.path || e.line == 0) {
				char *msg = e.message ? ad_xstrdup(e.message) : NULL;

				ad_error_set(&e, e.code, path, theme_line, theme_word.column,
					     "%s", msg ? msg : "cannot load the theme");
				free(msg);
			}
			add_problem(cfg, &e, &first, err);
		}
		free(ref);
	}
	for (i = 0; i < AD_SLOT_COUNT; i++) {
		if (!cfg->has_color[i])
			continue;
		cfg->theme.slots[i] = cfg->colors[i];
		if (cfg->no_color)
			cfg->theme.slots[i].fg = cfg->theme.slots[i].bg = AD_COLOR_DEFAULT;
	}
done:
	free(theme_name);
	ad_error_clear(&e);
	return first;
}

int ad_config_load(ad_config *cfg, const char *theme_override, ad_error *err)
{
	ad_buf path = AD_BUF_INIT;
	ad_error e = AD_ERROR_INIT;
	char *data = NULL;
	size_t len = 0;
	int error, rc;

	if (ad_config_path(&path) &&
	    (error = ad_read_file(&data, &len, ad_buf_cstr(&path), CONFIG_FILE_MAX,
				  &e)) < 0 && error != AD_ENOTFOUND) {
		/* Unreadable: the defaults, and the reason as a problem. */
		rc = ad_config_parse(cfg, ad_buf_cstr(&path), "", 0, theme_override,
				     ad_config_no_color_env(), err);
		if (rc == 0) {
			int first = 0;

			add_problem(cfg, &e, &first, err);
			rc = first;
		}
		goto done;
	}
	rc = ad_config_parse(cfg, ad_buf_cstr(&path), data ? data : "", len,
			     theme_override, ad_config_no_color_env(), err);
done:
	ad_error_clear(&e);
	ad_buf_free(&path);
	free(data);
	return rc;
}

void ad_config_monochrome(ad_config *cfg)
{
	ad_theme mono;
	int i;

	if (ad_theme_load(&mono, "mono", NULL) == 0) {
		cfg->theme = mono;
		for (i = 0; i < AD_SLOT_COUNT; i++)
			if (cfg->has_color[i])
				cfg->theme.slots[i] = cfg->colors[i];
	}
	for (i = 0; i < AD_SLOT_COUNT; i++)
		cfg->theme.slots[i].fg = cfg->theme.slots[i].bg = AD_COLOR_DEFAULT;
	cfg->no_color = true;
}

void ad_config_free(ad_config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	ad_keymap_free(cfg->keymap);
	for (i = 0; i < cfg->nproblems; i++)
		free(cfg->problems[i]);
	free(cfg->problems);
	cfg->keymap = NULL;
	cfg->problems = NULL;
	cfg->nproblems = cfg->nmore = 0;
}
