#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "term.h"

void ad_json_init(ad_json *j, ad_buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void newline(ad_json *j)
{
	int i;

	if (!j->pretty)
		return;
	ad_buf_putc(j->out, '\n');
	for (i = 0; i < j->depth; i++)
		ad_buf_puts(j->out, "  ");
}

/* Everything that starts a value or a key goes through here. */
static void before_value(ad_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		ad_buf_putc(j->out, ',');
	if (j->depth > 0)
		newline(j);
	j->need_comma[j->depth] = true;
}

static void open_container(ad_json *j, char c)
{
	before_value(j);
	ad_buf_putc(j->out, c);
	/* Deeper nesting than the writer tracks is a programming error; keep
	 * the output valid by not tracking commas beyond it. */
	if (j->depth < AD_JSON_MAX_DEPTH)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_container(ad_json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		newline(j);
	ad_buf_putc(j->out, c);
	if (j->depth == 0 && j->pretty)
		ad_buf_putc(j->out, '\n');
}

void ad_json_object_begin(ad_json *j)
{
	open_container(j, '{');
}

void ad_json_object_end(ad_json *j)
{
	close_container(j, '}');
}

void ad_json_array_begin(ad_json *j)
{
	open_container(j, '[');
}

void ad_json_array_end(ad_json *j)
{
	close_container(j, ']');
}

void ad_json_key(ad_json *j, const char *key)
{
	before_value(j);
	ad_json_quote(j->out, key, strlen(key));
	ad_buf_puts(j->out, j->pretty ? ": " : ":");
	j->after_key = true;
}

void ad_json_quote(ad_buf *out, const char *s, size_t len)
{
	size_t i = 0;

	ad_buf_putc(out, '"');
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t n;

		if (c == '"' || c == '\\') {
			ad_buf_putc(out, '\\');
			ad_buf_putc(out, (char)c);
			i++;
		} else if (c == '\n') {
			ad_buf_puts(out, "\\n"), i++;
		} else if (c == '\t') {
			ad_buf_puts(out, "\\t"), i++;
		} else if (c == '\r') {
			ad_buf_puts(out, "\\r"), i++;
		} else if (c < 0x20 || c == 0x7F) {
			ad_buf_printf(out, "\\u%04x", c), i++;
		} else if (c < 0x80) {
			ad_buf_putc(out, (char)c), i++;
		} else if ((n = ad_utf8_decode(s + i, len - i, &cp)) == 0) {
			ad_buf_puts(out, "\\ufffd"), i++;
		} else if (cp < 0xA0 || ad_term_escaped_cp(cp)) {
			ad_buf_printf(out, "\\u%04x", cp), i += n;
		} else {
			ad_buf_put(out, s + i, n), i += n;
		}
	}
	ad_buf_putc(out, '"');
}

void ad_json_string(ad_json *j, const char *s)
{
	if (!s) {
		ad_json_null(j);
		return;
	}
	ad_json_stringn(j, s, strlen(s));
}

void ad_json_stringn(ad_json *j, const char *s, size_t len)
{
	before_value(j);
	ad_json_quote(j->out, s, len);
}

void ad_json_int(ad_json *j, long long v)
{
	before_value(j);
	ad_buf_printf(j->out, "%lld", v);
}

void ad_json_uint(ad_json *j, unsigned long long v)
{
	before_value(j);
	ad_buf_printf(j->out, "%llu", v);
}

void ad_json_double(ad_json *j, double v)
{
	char tmp[64];
	size_t n;

	before_value(j);
	if (!isfinite(v)) {
		ad_buf_puts(j->out, "null");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.4f", v);
	/* Trim trailing zeros: 0.5000 -> 0.5, 1.0000 -> 1 */
	n = strlen(tmp);
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	if (n > 0 && tmp[n - 1] == '.')
		n--;
	if (n == 2 && tmp[0] == '-' && tmp[1] == '0')
		tmp[0] = '0', n = 1;
	ad_buf_put(j->out, tmp, n);
}

void ad_json_bool(ad_json *j, bool v)
{
	before_value(j);
	ad_buf_puts(j->out, v ? "true" : "false");
}

void ad_json_null(ad_json *j)
{
	before_value(j);
	ad_buf_puts(j->out, "null");
}
