/*
 * script: the scripted mode, the app driven by a script instead of a
 * terminal (see ad_tui_run_script() in tui.h).
 *
 * Each line is a command; words are separated by spaces or tabs:
 *
 *   key NAME...        keys by name (keymap.h): "key j j Enter ]c"
 *   type TEXT          the characters of TEXT, one key each (for the
 *                      search prompt); everything after "type " counts
 *   resize COLS ROWS   a terminal resize
 *   click ROW COL      a left click at a screen position (0-based)
 *   dclick ROW COL     a double click
 *   wheel up|down ROW COL
 *   dump               the screen as text, after a separator line
 *   dump slots         the same with each row's colour slots below it
 *   stats              how long the keys since the last stats took, from
 *                      arrival to redrawn screen
 *   # ...              a comment; blank lines are skipped
 *
 * After every command that is input the app redraws, as it would on a
 * terminal, so the timing that `stats` reports includes the redraw.
 */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"
#include "tui.h"

#define MAX_SIZE 1000

typedef struct {
	const char *path;
	int line;
	ad_error *err;
} ctx;

static int fail(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Words from the script go in the message, which is made printable. */
static int fail(ctx *c, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT, clean = AD_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ad_term_sanitize(&clean, ad_buf_cstr(&msg), msg.size, false);
	rc = ad_error_set(c->err, AD_EUSAGE, c->path, c->line, 0, "%s", ad_buf_cstr(&clean));
	ad_buf_free(&msg);
	ad_buf_free(&clean);
	return rc;
}

/* The next word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
	char *s = *p, *w;

	s += strspn(s, " \t");
	if (!*s) {
		*p = s;
		return NULL;
	}
	w = s;
	s += strcspn(s, " \t");
	if (*s)
		*s++ = '\0';
	*p = s;
	return w;
}

static int number(ctx *c, char **p, const char *what, int min, int max, int *out)
{
	char *w = next_word(p), *end;
	long v;

	if (!w)
		return fail(c, "%s: a number is missing", what);
	errno = 0;
	v = strtol(w, &end, 10);
	if (*end || errno || v < min || v > max)
		return fail(c, "%s: '%s' is not a number from %d to %d", what, w, min, max);
	*out = (int)v;
	return 0;
}

static void redraw(ad_tui *tui)
{
	ad_tui_poll(tui);
	ad_tui_draw(tui);
}

static void dump(ad_tui *tui, ad_buf *out, int line, bool slots)
{
	const ad_screen *scr = ad_tui_screen(tui);

	ad_buf_printf(out, "-- screen at line %d (%dx%d%s) --\n", line, ad_screen_cols(scr),
		      ad_screen_rows(scr), slots ? ", slots" : "");
	ad_screen_dump(scr, out, slots);
}

static void stats(ad_tui *tui, ad_buf *out)
{
	ad_tui_stats st;

	ad_tui_get_stats(tui, &st);
	ad_buf_printf(out, "stats: %zu keys, redraw p50 %.0f us, p99 %.0f us, max %.0f us;"
		      " processor p50 %.0f us, p99 %.0f us\n",
		      st.count, st.p50, st.p99, st.max, st.cpu_p50, st.cpu_p99);
	ad_tui_reset_stats(tui);
}

static int run_line(ad_tui *tui, ctx *c, char *line, ad_buf *out)
{
	/* type's text is everything after "type" and one blank, as written,
	 * so it is found before the words are cut out of the line. */
	const char *start = line + strspn(line, " \t");
	const char *typed = strlen(start) > 4 ? start + 5 : "";
	char *p = line, *cmd = next_word(&p), *w;
	int keys[2], n, k, row, col;

	if (!cmd || cmd[0] == '#')
		return 0;
	if (!strcmp(cmd, "key")) {
		if (!(w = next_word(&p)))
			return fail(c, "key: no key named");
		do {
			ad_error kerr = AD_ERROR_INIT;

			n = ad_key_parse(w, keys, &kerr);
			if (n < 0) {
				int rc = fail(c, "%s", kerr.message ? kerr.message : "bad key");

				ad_error_clear(&kerr);
				return rc;
			}
			for (k = 0; k < n && ad_tui_key(tui, keys[k]); k++)
				redraw(tui);
			if (ad_tui_quit_requested(tui))
				return 0;
		} while ((w = next_word(&p)) != NULL);
		return 0;
	}
	if (!strcmp(cmd, "type")) {
		size_t i = 0, len;
		const char *text = typed;

		len = strlen(text);
		while (i < len) {
			unsigned cp;
			size_t m = ad_utf8_decode(text + i, len - i, &cp);

			if (m == 0)
				return fail(c, "type: invalid UTF-8");
			i += m;
			if (!ad_tui_key(tui, (int)cp))
				return 0;
			redraw(tui);
		}
		return 0;
	}
	if (!strcmp(cmd, "resize")) {
		if (number(c, &p, "resize", 1, MAX_SIZE, &col) < 0 ||
		    number(c, &p, "resize", 1, MAX_SIZE, &row) < 0)
			return AD_EUSAGE;
		ad_tui_resize(tui, row, col);
		redraw(tui);
		return 0;
	}
	if (!strcmp(cmd, "click") || !strcmp(cmd, "dclick") || !strcmp(cmd, "wheel")) {
		ad_mouse_kind kind = !strcmp(cmd, "click") ? AD_MOUSE_CLICK : AD_MOUSE_DOUBLE_CLICK;

		if (!strcmp(cmd, "wheel")) {
			w = next_word(&p);
			if (w && !strcmp(w, "up"))
				kind = AD_MOUSE_WHEEL_UP;
			else if (w && !strcmp(w, "down"))
				kind = AD_MOUSE_WHEEL_DOWN;
			else
				return fail(c, "wheel: '%s' is not up or down", w ? w : "");
		}
		if (number(c, &p, cmd, 0, MAX_SIZE, &row) < 0 ||
		    number(c, &p, cmd, 0, MAX_SIZE, &col) < 0)
			return AD_EUSAGE;
		ad_tui_mouse(tui, kind, row, col);
		redraw(tui);
		return 0;
	}
	if (!strcmp(cmd, "dump")) {
		w = next_word(&p);
		if (w && strcmp(w, "slots"))
			return fail(c, "dump: '%s' is not 'slots'", w);
		dump(tui, out, c->line, w != NULL);
		return 0;
	}
	if (!strcmp(cmd, "stats")) {
		stats(tui, out);
		return 0;
	}
	return fail(c, "unknown command '%s' (key, type, resize, click, dclick, wheel, dump, stats)",
		    cmd);
}

int ad_tui_run_script(ad_tui *tui, const char *path, const char *script, size_t len,
		      ad_buf *out, ad_error *err)
{
	ctx c = { path, 0, err };
	size_t off = 0;
	int rc = 0;

	redraw(tui);
	while (off < len && rc == 0) {
		size_t n = 0;
		char *line;

		while (off + n < len && script[off + n] != '\n')
			n++;
		c.line++;
		if (memchr(script + off, '\0', n)) {
			rc = fail(&c, "a NUL byte in the script");
			break;
		}
		line = ad_xstrndup(script + off, n);
		off += n + (off + n < len);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		rc = run_line(tui, &c, line, out);
		free(line);
		if (rc == 0 && ad_tui_quit_requested(tui)) {
			ad_buf_printf(out, "-- quit at line %d --\n", c.line);
			break;
		}
	}
	return rc < 0 ? rc : 0;
}
