/*
 * confparse: lines of words for theme and config files (see confparse.h).
 */
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "slots.h"
#include "term.h"

#define QUOTE_MAX_CHARS 40

void ad_confparse_init(ad_confparse *p, const char *data, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->data = data;
	p->len = len;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		p->next = 3;
	p->cur = p->end = data + p->next;
}

/* Bytes of the character at s (an invalid byte is one character). */
static size_t char_len(const char *s, const char *end)
{
	unsigned cp;
	size_t n = ad_utf8_decode(s, (size_t)(end - s), &cp);

	return n ? n : 1;
}

static void skip_blanks(ad_confparse *p)
{
	while (p->cur < p->end && (*p->cur == ' ' || *p->cur == '\t')) {
		p->cur++;
		p->column++;
	}
}

bool ad_confparse_line(ad_confparse *p)
{
	while (p->next < p->len) {
		const char *start = p->data + p->next;
		const char *nl = memchr(start, '\n', p->len - p->next);
		const char *end = nl ? nl : p->data + p->len;

		p->next = (size_t)(end - p->data) + (nl ? 1 : 0);
		if (nl && end > start && end[-1] == '\r')
			end--;
		p->line++;
		p->cur = start;
		p->end = end;
		p->column = 1;
		skip_blanks(p);
		if (p->cur < p->end && *p->cur != '#')
			return true;
	}
	p->cur = p->end;
	return false;
}

bool ad_confparse_word(ad_confparse *p, ad_confword *w)
{
	skip_blanks(p);
	w->s = p->cur;
	w->column = p->column;
	while (p->cur < p->end && *p->cur != ' ' && *p->cur != '\t') {
		p->cur += char_len(p->cur, p->end);
		p->column++;
	}
	w->len = (size_t)(p->cur - w->s);
	return w->len > 0;
}

bool ad_confparse_is(const ad_confword *w, const char *s)
{
	return strlen(s) == w->len && !memcmp(w->s, s, w->len);
}

void ad_confparse_quote(ad_buf *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	int chars = 0;

	while (p < end && chars < QUOTE_MAX_CHARS) {
		p += char_len(p, end);
		chars++;
	}
	ad_buf_putc(out, '\'');
	ad_term_sanitize(out, s, (size_t)(p - s), false);
	ad_buf_putc(out, '\'');
	if (p < end)
		ad_buf_puts(out, "...");
}

int ad_confparse_fail(ad_error *err, int code, const char *path, int line,
		      const ad_confword *w, const char *before,
		      const char *after)
{
	ad_buf msg = AD_BUF_INIT;

	ad_buf_puts(&msg, before);
	ad_confparse_quote(&msg, w->s, w->len);
	ad_buf_puts(&msg, after);
	ad_error_set(err, code, path, line, w->column, "%s", ad_buf_cstr(&msg));
	ad_buf_free(&msg);
	return code;
}

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"
};

static const struct {
	const char *name;
	unsigned flag;
} attr_names[] = {
	{ "bold", AD_STYLE_BOLD },
	{ "dim", AD_STYLE_DIM },
	{ "underline", AD_STYLE_UNDERLINE },
	{ "reverse", AD_STYLE_REVERSE },
	{ "italic", AD_STYLE_ITALIC },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static int parse_colour(short *out, const ad_confword *w,
			const char *path, int line, ad_error *err)
{
	ad_confword base = *w;
	size_t i;
	int bright = 0;

	if (w->s[0] >= '0' && w->s[0] <= '9') {
		unsigned value = 0;

		for (i = 0; i < w->len; i++) {
			if (w->s[i] < '0' || w->s[i] > '9')
				return ad_confparse_fail(err, AD_EPARSE, path, line, w,
							 "unknown colour ",
							 " (a number is 0-255)");
			if (value <= 255)
				value = value * 10 + (unsigned)(w->s[i] - '0');
		}
		if (value > 255)
			return ad_confparse_fail(err, AD_EPARSE, path, line, w,
						 "colour number ",
						 " is out of range (0-255)");
		*out = (short)value;
		return 0;
	}
	if (ad_confparse_is(w, "default")) {
		*out = AD_COLOR_DEFAULT;
		return 0;
	}
	if (w->len > 7 && !memcmp(w->s, "bright-", 7)) {
		base.s += 7;
		base.len -= 7;
		bright = 8;
	}
	for (i = 0; i < N_ELEMS(colour_names); i++) {
		if (ad_confparse_is(&base, colour_names[i])) {
			*out = (short)(bright + (int)i);
			return 0;
		}
	}
	return ad_confparse_fail(err, AD_EPARSE, path, line, w, "unknown colour ",
				 " (colours: default, black, red, green, yellow, blue,"
				 " magenta, cyan, white, bright-<colour>, 0-255)");
}

int ad_confparse_color(ad_confparse *p, const char *path, int *slot,
		       ad_style *style, ad_error *err)
{
	ad_confword w;
	ad_style st = { AD_COLOR_DEFAULT, AD_COLOR_DEFAULT, 0 };
	int s, error = 0;
	size_t i;
	char *name = NULL;

	if (!ad_confparse_word(p, &w))
		return ad_error_set(err, AD_EPARSE, path, p->line, w.column,
				    "missing slot name after 'color'");
	name = memchr(w.s, '\0', w.len) ? NULL : ad_xstrndup(w.s, w.len);
	if (!name || (s = ad_slot_from_name(name)) < 0) {
		error = ad_confparse_fail(err, AD_EPARSE, path, p->line, &w,
					  "unknown slot ", "");
		goto done;
	}
	if (!ad_confparse_word(p, &w)) {
		error = ad_error_set(err, AD_EPARSE, path, p->line, w.column,
				     "missing foreground colour after the slot");
		goto done;
	}
	if ((error = parse_colour(&st.fg, &w, path, p->line, err)) < 0)
		goto done;
	if (!ad_confparse_word(p, &w)) {
		error = ad_error_set(err, AD_EPARSE, path, p->line, w.column,
				     "missing background colour after the foreground");
		goto done;
	}
	if ((error = parse_colour(&st.bg, &w, path, p->line, err)) < 0)
		goto done;
	while (ad_confparse_word(p, &w)) {
		if (w.s[0] == '#') {
			error = ad_error_set(err, AD_EPARSE, path, p->line, w.column,
					     "a comment must be on a line of its own");
			goto done;
		}
		for (i = 0; i < N_ELEMS(attr_names); i++)
			if (ad_confparse_is(&w, attr_names[i].name))
				break;
		if (i == N_ELEMS(attr_names)) {
			error = ad_confparse_fail(err, AD_EPARSE, path, p->line, &w,
						  "unknown attribute ",
						  " (attributes: bold, dim, underline,"
						  " reverse, italic)");
			goto done;
		}
		st.attrs |= attr_names[i].flag;
	}
	*slot = s;
	*style = st;
done:
	free(name);
	return error;
}

bool ad_confparse_config_dir(ad_buf *out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG base directory spec says to ignore a relative path. */
	if (xdg && xdg[0] == '/') {
		ad_buf_puts(out, xdg);
		ad_buf_puts(out, "/agentdiff");
		return true;
	}
	if (home && home[0]) {
		ad_buf_puts(out, home);
		ad_buf_puts(out, "/.config/agentdiff");
		return true;
	}
	return false;
}
