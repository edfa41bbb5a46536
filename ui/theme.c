/*
 * theme: theme files and the themes built in (see theme.h).
 *
 * The built-in themes are the text of the files in themes/, compiled in by
 * Makefile.am, and go through the same parser as a user's file, as tig
 * does with its built-in tigrc: the default theme cannot drift from the
 * file that documents it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "fileio.h"
#include "term.h"
#include "theme.h"

#ifndef AD_PKGDATADIR
#define AD_PKGDATADIR "/usr/local/share/agentdiff"
#endif

#define THEME_FILE_MAX (1024 * 1024)

static const ad_theme_builtin *find_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < ad_theme_builtin_count; i++)
		if (!strcmp(ad_theme_builtins[i].name, name))
			return &ad_theme_builtins[i];
	return NULL;
}

/* Copies name into theme->name, cut on a character boundary. */
static void set_name(ad_theme *theme, const char *name, size_t len)
{
	size_t n = 0;

	while (n < len) {
		unsigned cp;
		size_t c = ad_utf8_decode(name + n, len - n, &cp);

		if (c == 0)
			c = 1;
		if (n + c >= sizeof(theme->name))
			break;
		n += c;
	}
	memcpy(theme->name, name, n);
	theme->name[n] = '\0';
}

void ad_theme_default(ad_theme *theme)
{
	const ad_theme_builtin *b = find_builtin("dark");
	ad_error err = AD_ERROR_INIT;
	char msg[512];
	int i;

	memset(theme, 0, sizeof(*theme));
	for (i = 0; i < AD_SLOT_COUNT; i++) {
		theme->slots[i].fg = AD_COLOR_DEFAULT;
		theme->slots[i].bg = AD_COLOR_DEFAULT;
	}
	set_name(theme, "dark", 4);
	/* A broken built-in theme is a bug in the build, which test_theme
	 * catches; there is nothing sensible to fall back to. */
	if (!b || ad_theme_parse(theme, "dark.theme", b->text, strlen(b->text),
				 &err) < 0) {
		fprintf(stderr, "agentdiff: the built-in dark theme is broken: %s\n",
			b ? ad_error_format(&err, msg, sizeof(msg)) : "missing");
		abort();
	}
}

int ad_theme_parse(ad_theme *theme, const char *path, const char *data,
		   size_t len, ad_error *err)
{
	ad_theme result = *theme;
	ad_confparse p;
	ad_confword w;
	int error = 0;

	ad_confparse_init(&p, data, len);
	while (ad_confparse_line(&p)) {
		ad_style style;
		int slot;

		ad_confparse_word(&p, &w);
		if (!ad_confparse_is(&w, "color"))
			return ad_confparse_fail(err, AD_EPARSE, path, p.line, &w,
						 "unknown command ",
						 " (a theme has only 'color <slot> <foreground>"
						 " <background> [attribute...]' lines)");
		if ((error = ad_confparse_color(&p, path, &slot, &style, err)) < 0)
			return error;
		result.slots[slot] = style;
	}
	*theme = result;
	return 0;
}

/* Loads the file at path on top of the default theme; AD_ENOTFOUND when
 * it does not exist. */
static int load_file(ad_theme *theme, const char *path, const char *name,
		     ad_error *err)
{
	ad_theme t;
	char *data = NULL;
	size_t len;
	int error;

	if ((error = ad_read_file(&data, &len, path, THEME_FILE_MAX, err)) < 0)
		goto done;
	ad_theme_default(&t);
	if ((error = ad_theme_parse(&t, path, data, len, err)) < 0)
		goto done;
	set_name(&t, name, strlen(name));
	*theme = t;
done:
	free(data);
	return error;
}

int ad_theme_load(ad_theme *theme, const char *name, ad_error *err)
{
	const ad_theme_builtin *b;
	ad_buf path = AD_BUF_INIT, msg = AD_BUF_INIT;
	ad_theme t;
	int error = 0;
	size_t i;

	if (!name || !name[0])
		return ad_error_set(err, AD_EUSAGE, NULL, 0, 0, "no theme name given");
	if (strchr(name, '/')) {
		const char *base = strrchr(name, '/') + 1;
		size_t n = strlen(base);

		if (n > 6 && !strcmp(base + n - 6, ".theme"))
			n -= 6;
		ad_buf_put(&msg, base, n);
		error = load_file(theme, name, ad_buf_cstr(&msg), err);
		goto done;
	}
	ad_buf_puts(&msg, "unknown theme ");
	ad_confparse_quote(&msg, name, strlen(name));
	ad_buf_puts(&msg, ": not found as ");
	if (ad_confparse_config_dir(&path)) {
		ad_buf_printf(&path, "/themes/%s.theme", name);
		error = load_file(theme, ad_buf_cstr(&path), name, err);
		if (error != AD_ENOTFOUND)
			goto done;
		ad_term_sanitize(&msg, path.ptr, path.size, false);
		ad_buf_puts(&msg, ", ");
	}
	ad_buf_clear(&path);
	ad_buf_printf(&path, "%s/%s.theme", AD_PKGDATADIR, name);
	error = load_file(theme, ad_buf_cstr(&path), name, err);
	if (error != AD_ENOTFOUND)
		goto done;
	ad_term_sanitize(&msg, path.ptr, path.size, false);
	if ((b = find_builtin(name)) != NULL) {
		ad_theme_default(&t);
		if ((error = ad_theme_parse(&t, b->name, b->text, strlen(b->text),
					    err)) < 0)
			goto done;
		set_name(&t, name, strlen(name));
		*theme = t;
		goto done;
	}
	ad_buf_puts(&msg, ", nor built in (");
	for (i = 0; i < ad_theme_builtin_count; i++)
		ad_buf_printf(&msg, "%s%s", i ? ", " : "", ad_theme_builtins[i].name);
	ad_buf_puts(&msg, ")");
	error = ad_error_set(err, AD_ENOTFOUND, NULL, 0, 0, "%s", ad_buf_cstr(&msg));
done:
	if (error == 0)
		ad_error_clear(err);
	ad_buf_free(&path);
	ad_buf_free(&msg);
	return error;
}
