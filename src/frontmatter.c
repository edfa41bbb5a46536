#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "frontmatter.h"
#include "term.h"

/* Collections nested deeper than this inside one field are a YAML error. */
#define MAX_DEPTH 64
/* The opening fence of a misplaced block is looked for in these lines. */
#define MISPLACED_WINDOW 40

typedef struct {
	ad_arena *arena;
	ad_diags *diags;
	const char *data;
	size_t len;
	const ad_lines *lines;
	ad_frontmatter *fm;

	/* The text given to libyaml: data[base, base + ylen). */
	size_t base, ylen;
	/* Where each line starts by libyaml's own rules (it also breaks
	 * lines at U+0085, U+2028 and U+2029), relative to base. */
	size_t *ystarts;
	size_t nylines, ycap;
	/* Last mark converted, so that marks along one long line cost
	 * linear time in all. */
	size_t cur_line, cur_col, cur_off;
	/* Last column computed in the file, for the same reason. */
	size_t col_off, col_line_start, col;

	yaml_parser_t parser;
	bool parser_ready;

	/* Heap scratch, copied into the arena when complete. */
	ad_fm_field *fields;
	size_t nfields, fcap;
	const char **items;
	size_t nitems, icap;
	ad_fm_escape *escapes;
	size_t nescapes, ecap;
	ad_buf buf;

	/* Misplaced block pasted from a web page: lines holding only "|"
	 * are blank, and a prefix such as "| " goes before each line. */
	bool junk;
	size_t junk_len;
	const char *junk_prefix;
} parser;

typedef struct {
	ad_fm_kind kind;
	const char *value; /* decoded, for scalars */
	size_t start, end; /* raw bytes in the file */
} node;

/* ---------------------------------------------------------------- lines */

static void line_span(const parser *p, int line, size_t *s, size_t *e)
{
	*s = ad_lines_start(p->lines, line);
	*e = ad_lines_content_end(p->lines, p->data, line);
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_fence(const char *s, const char *e, bool closer)
{
	if (e - s < 3)
		return false;
	if (memcmp(s, "---", 3) != 0 && !(closer && memcmp(s, "...", 3) == 0))
		return false;
	for (s += 3; s < e; s++)
		if (!is_blank(*s))
			return false;
	return true;
}

static bool line_is_fence(const parser *p, int line, bool closer)
{
	size_t s, e;

	line_span(p, line, &s, &e);
	return is_fence(p->data + s, p->data + e, closer);
}

/* An ATX heading: up to three spaces, one to six '#', then a blank or the end. */
static bool is_heading(const char *s, const char *e)
{
	int n = 0;

	while (n < 3 && s < e && *s == ' ')
		s++, n++;
	for (n = 0; s < e && *s == '#'; s++)
		n++;
	return n >= 1 && n <= 6 && (s == e || is_blank(*s));
}

static bool is_junk_line(const char *s, const char *e)
{
	bool bar = false;

	for (; s < e; s++) {
		if (*s == '|')
			bar = true;
		else if (!is_blank(*s))
			return false;
	}
	return bar;
}

static bool starts_with_key(const char *s, const char *e, const char *key)
{
	size_t n = strlen(key);

	return (size_t)(e - s) >= n + 1 && memcmp(s, key, n) == 0 && s[n] == ':' &&
	       (s + n + 1 == e || is_blank(s[n + 1]));
}

/*
 * Does a line of a misplaced block hold "name:" or "description:", maybe
 * after junk such as "| "?  *prefix gets the length of the junk.
 */
static bool is_misplaced_key(const char *s, const char *e, size_t *prefix)
{
	const char *k = s;
	bool bar = false;

	while (k < e && k - s < 8 && (is_blank(*k) || *k == '|' || *k == '>')) {
		if (*k == '|' || *k == '>')
			bar = true;
		k++;
	}
	if (!starts_with_key(k, e, "name") && !starts_with_key(k, e, "description"))
		return false;
	*prefix = bar ? (size_t)(k - s) : 0;
	return true;
}

/*
 * Finds the fences.  Returns 1 when found, 0 when there is no block, and -1
 * for an opening fence on line 1 without a closing one.
 */
static int find_block(parser *p, int *open, int *close)
{
	const ad_lines *lines = p->lines;
	int i, j, window;
	size_t s, e;

	if (lines->count < 1)
		return 0;
	line_span(p, 1, &s, &e);
	if (e - s >= 3 && memcmp(p->data + s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	if (is_fence(p->data + s, p->data + e, false)) {
		for (j = 2; j <= lines->count; j++) {
			if (line_is_fence(p, j, true)) {
				*open = 1;
				*close = j;
				return 1;
			}
		}
		return -1;
	}

	/* Below line 1: a "---" before any heading, whose block holds a
	 * name or description key.  Each line is looked at once or twice:
	 * a failed candidate's closer is the next candidate. */
	window = lines->count < MISPLACED_WINDOW ? lines->count : MISPLACED_WINDOW;
	for (i = 1; i <= window; i++) {
		bool key = false;
		size_t prefix = 0, ks = 0;

		line_span(p, i, &s, &e);
		if (is_heading(p->data + s, p->data + e))
			return 0;
		if (!is_fence(p->data + s, p->data + e, false))
			continue;
		for (j = i + 1; j <= lines->count; j++) {
			line_span(p, j, &s, &e);
			if (is_fence(p->data + s, p->data + e, true))
				break;
			if (!key && is_misplaced_key(p->data + s, p->data + e, &prefix)) {
				key = true;
				ks = s;
			}
		}
		if (j > lines->count)
			return 0;
		if (key) {
			*open = i;
			*close = j;
			p->junk = true;
			p->junk_prefix = p->data + ks;
			p->junk_len = prefix;
			return 1;
		}
		i = j - 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- places */

/* Bytes of the character whose first byte is c, counted as libyaml counts
 * them for its marks (by the first byte alone, valid or not): not a decoder,
 * so that offsets follow libyaml's columns exactly. */
static size_t yaml_char_len(unsigned char c)
{
	if (c >= 0xF0 && c <= 0xF7)
		return 4;
	if (c >= 0xE0)
		return c <= 0xEF ? 3 : 1;
	if (c >= 0xC0)
		return 2;
	return 1;
}

/* Line starts by libyaml's rules: "\r\n", "\r", "\n", NEL, LS and PS. */
static void build_ylines(parser *p)
{
	const unsigned char *d = (const unsigned char *)p->data + p->base;
	size_t i = 0, n = p->ylen;

	ad_xgrow((void **)&p->ystarts, &p->ycap, 16, sizeof(size_t));
	p->ystarts[p->nylines++] = 0;
	while (i < n) {
		size_t brk = 0;

		if (d[i] == '\r')
			brk = (i + 1 < n && d[i + 1] == '\n') ? 2 : 1;
		else if (d[i] == '\n')
			brk = 1;
		else if (d[i] == 0xC2 && i + 1 < n && d[i + 1] == 0x85)
			brk = 2;
		else if (d[i] == 0xE2 && i + 2 < n && d[i + 1] == 0x80 &&
			 (d[i + 2] == 0xA8 || d[i + 2] == 0xA9))
			brk = 3;
		if (!brk) {
			i++;
			continue;
		}
		i += brk;
		ad_xgrow((void **)&p->ystarts, &p->ycap, p->nylines + 1, sizeof(size_t));
		p->ystarts[p->nylines++] = i;
	}
}

/*
 * The file offset of a libyaml mark.  mark.index counts characters, not
 * bytes, so the place comes from mark.line and mark.column: the line's start,
 * then column characters of UTF-8 along it.
 */
static size_t mark_offset(parser *p, yaml_mark_t m)
{
	const unsigned char *d = (const unsigned char *)p->data + p->base;
	size_t off, col, end;

	if (m.line >= p->nylines)
		return p->base + p->ylen;
	end = m.line + 1 < p->nylines ? p->ystarts[m.line + 1] : p->ylen;
	if (m.line == p->cur_line && m.column >= p->cur_col) {
		off = p->cur_off;
		col = p->cur_col;
	} else {
		off = p->ystarts[m.line];
		col = 0;
	}
	while (col < m.column && off < end) {
		off += yaml_char_len(d[off]);
		col++;
	}
	if (off > end)
		off = end;
	p->cur_line = m.line;
	p->cur_col = col;
	p->cur_off = off;
	return p->base + off;
}

/* 1-based column, in characters, of a file offset on its line. */
static int file_column(parser *p, size_t off, size_t line_start)
{
	size_t o, col;

	if (line_start == p->col_line_start && off >= p->col_off && p->col_off >= line_start) {
		o = p->col_off;
		col = p->col;
	} else {
		o = line_start;
		col = 0;
	}
	while (o < off) {
		o += yaml_char_len((unsigned char)p->data[o]);
		col++;
	}
	p->col_line_start = line_start;
	p->col_off = o;
	p->col = col;
	return col + 1 > INT32_MAX ? INT32_MAX : (int)(col + 1);
}

static size_t trim_end(const parser *p, size_t start, size_t end)
{
	while (end > start && is_space(p->data[end - 1]))
		end--;
	return end;
}

static void set_error(parser *p, size_t off, const char *msg)
{
	ad_frontmatter *fm = p->fm;
	int line = ad_lines_of(p->lines, off);

	fm->error = msg;
	fm->error_line = line;
	fm->error_column = file_column(p, off, ad_lines_start(p->lines, line));
	ad_diags_add(p->diags, p->arena, AD_DIAG_ERROR, "yaml-error",
		     fm->error_line, fm->error_column, "%s", msg);
}

static int parser_error(parser *p)
{
	yaml_parser_t *yp = &p->parser;
	const char *problem = yp->problem ? yp->problem : "invalid YAML";
	size_t off;

	ad_buf_clear(&p->buf);
	if (yp->error == YAML_READER_ERROR) {
		off = p->base + (yp->problem_offset < p->ylen ? yp->problem_offset : p->ylen);
		if (strstr(problem, "trailing UTF-8") || strstr(problem, "incomplete UTF-8")) {
			/* libyaml points at the byte after the sequence's start;
			 * name the byte that starts the broken sequence. */
			size_t k = off, stop = off > p->base + 3 ? off - 3 : p->base;

			while (k > stop && ((unsigned char)p->data[k] & 0xC0) != 0xC0)
				k--;
			if (((unsigned char)p->data[k] & 0xC0) == 0xC0)
				off = k;
			ad_buf_printf(&p->buf, "invalid UTF-8 sequence starting with byte 0x%02X",
				      (unsigned char)p->data[off]);
		} else if (yp->problem_value >= 0) {
			ad_buf_printf(&p->buf, "%s (byte 0x%02X)", problem,
				      (unsigned)yp->problem_value & 0xFF);
		} else {
			ad_buf_puts(&p->buf, problem);
		}
	} else if (yp->error == YAML_MEMORY_ERROR) {
		off = p->base;
		ad_buf_puts(&p->buf, "out of memory while parsing YAML");
	} else {
		off = mark_offset(p, yp->problem_mark);
		ad_buf_puts(&p->buf, problem);
		if (yp->context) {
			size_t coff = mark_offset(p, yp->context_mark);
			ad_buf_printf(&p->buf, " (%s on line %d)", yp->context,
				      ad_lines_of(p->lines, coff));
		}
	}
	set_error(p, off, ad_arena_strndup(p->arena, p->buf.ptr, p->buf.size));
	return AD_EPARSE;
}

/* ---------------------------------------------------------------- escapes */

bool ad_fm_escape_cp_unsafe(unsigned cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || ad_term_escaped_cp(cp);
}

static int hex_digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* The escape at s[0] == '\\' in a double-quoted scalar (YAML 1.2, 5.7):
 * its length in bytes (at least 2, at most end - s) and in *cp what it
 * stands for, or UINT32_MAX for an escaped line break or a bad escape. */
static size_t escape_at(const char *s, const char *end, unsigned *cp)
{
	static const char from[] = "0abtnvfre \"/\\N_LP\t";
	static const unsigned to[] = { 0, 7, 8, 9, 10, 11, 12, 13, 27, ' ', '"', '/', '\\',
				       0x85, 0xA0, 0x2028, 0x2029, 9 };
	const char *k;
	size_t n = 0;

	*cp = UINT32_MAX;
	if (end - s < 2)
		return (size_t)(end - s);
	if ((k = memchr(from, s[1], sizeof(from) - 1)) != NULL) {
		*cp = to[k - from];
		return 2;
	}
	switch (s[1]) {
	case 'x': n = 2; break;
	case 'u': n = 4; break;
	case 'U': n = 8; break;
	default: return 2; /* a line break, or what libyaml refuses */
	}
	if ((size_t)(end - s) < 2 + n || hex_digits(s + 2, n, cp) < 0) {
		*cp = UINT32_MAX;
		return 2;
	}
	return 2 + n;
}

/*
 * A double-quoted scalar whose decoded value holds a character that shows
 * other than it reads: the escapes in its source that stand for one are
 * recorded.  A raw control in the file is the linter's byte scan's; only
 * escapes are recorded here, so nothing is found twice.
 */
static void note_escapes(parser *p, const yaml_event_t *ev)
{
	const unsigned char *v = ev->data.scalar.value;
	size_t len = ev->data.scalar.length, i = 0, n;
	const char *s, *end;
	unsigned cp;
	bool unsafe = false;
	/* mark_offset() is linear along a line only when asked in order, and
	 * the caller asks for this scalar's marks next. */
	size_t line = p->cur_line, col = p->cur_col, off = p->cur_off;

	while (i < len && !unsafe) {
		n = ad_utf8_decode((const char *)v + i, len - i, &cp);
		unsafe = n && ad_fm_escape_cp_unsafe(cp);
		i += n ? n : 1;
	}
	if (!unsafe)
		return;
	s = p->data + mark_offset(p, ev->start_mark);
	end = p->data + mark_offset(p, ev->end_mark);
	/* The start mark is at any anchor or tag before the quote. */
	while (s < end && *s != '"')
		s++;
	for (s++; s < end && *s != '"'; s += n) {
		if (*s != '\\') {
			n = 1;
			continue;
		}
		n = escape_at(s, end, &cp);
		if (cp != UINT32_MAX && ad_fm_escape_cp_unsafe(cp)) {
			ad_fm_escape *e;

			ad_xgrow((void **)&p->escapes, &p->ecap, p->nescapes + 1, sizeof(*p->escapes));
			e = &p->escapes[p->nescapes++];
			e->offset = (size_t)(s - p->data);
			e->len = n;
			e->cp = cp;
		}
	}
	p->cur_line = line;
	p->cur_col = col;
	p->cur_off = off;
}

/* ---------------------------------------------------------------- YAML */

static int next_event(parser *p, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&p->parser, ev))
		return parser_error(p);
	if (ev->type == YAML_SCALAR_EVENT &&
	    ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		note_escapes(p, ev);
	return 0;
}

static void push_item(parser *p, const char *item)
{
	ad_xgrow((void **)&p->items, &p->icap, p->nitems + 1, sizeof(*p->items));
	p->items[p->nitems++] = item;
}

/* The bytes [start, end); "" when the marks give no text (end <= start). */
static const char *raw_text(parser *p, size_t start, size_t end)
{
	return ad_arena_strndup(p->arena, p->data + start, end > start ? end - start : 0);
}

static bool is_empty_scalar(const yaml_event_t *ev)
{
	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.length == 0 &&
	       ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       ev->start_mark.index == ev->end_mark.index;
}

/*
 * Reads one node whose first event is *ev (deleted here): for a collection,
 * every event up to its end, counting depth instead of recursing.  The
 * direct items of a sequence go to p->items.
 */
static int read_node(parser *p, yaml_event_t *ev, node *out)
{
	bool flow[MAX_DEPTH + 1], is_seq, has_map = false;
	size_t last_end, child_start = 0;
	yaml_event_t e;
	int depth = 1, error = 0;

	memset(&e, 0, sizeof(e));
	p->nitems = 0;
	out->value = "";
	out->start = mark_offset(p, ev->start_mark);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (is_empty_scalar(ev)) {
			out->kind = AD_FM_NULL;
			out->end = out->start;
			goto done;
		}
		out->end = trim_end(p, out->start, mark_offset(p, ev->end_mark));
		out->kind = ev->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ? AD_FM_LITERAL :
			    ev->data.scalar.style == YAML_FOLDED_SCALAR_STYLE ? AD_FM_FOLDED :
			    AD_FM_SCALAR;
		out->value = ad_arena_strndup(p->arena, (const char *)ev->data.scalar.value,
					      ev->data.scalar.length);
		goto done;
	case YAML_ALIAS_EVENT:
		out->kind = AD_FM_OTHER;
		out->end = mark_offset(p, ev->end_mark);
		out->value = raw_text(p, out->start, out->end);
		goto done;
	case YAML_SEQUENCE_START_EVENT:
		flow[0] = ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
		out->kind = flow[0] ? AD_FM_FLOW_LIST : AD_FM_BLOCK_LIST;
		break;
	case YAML_MAPPING_START_EVENT:
		flow[0] = ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
		out->kind = AD_FM_MAP;
		break;
	default:
		out->kind = AD_FM_OTHER;
		out->end = out->start;
		goto done;
	}
	is_seq = ev->type == YAML_SEQUENCE_START_EVENT;
	last_end = out->start;
	while (depth > 0) {
		size_t s;

		yaml_event_delete(&e);
		if ((error = next_event(p, &e)) < 0)
			goto done;
		switch (e.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			s = mark_offset(p, e.start_mark);
			/* An empty scalar sits at the next token: no text. */
			if (!is_empty_scalar(&e))
				last_end = mark_offset(p, e.end_mark);
			if (depth == 1 && is_seq)
				push_item(p, e.type == YAML_SCALAR_EVENT ?
					  ad_arena_strndup(p->arena, (const char *)e.data.scalar.value,
							   e.data.scalar.length) :
					  raw_text(p, s, trim_end(p, s, last_end)));
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			s = mark_offset(p, e.start_mark);
			if (depth >= MAX_DEPTH) {
				set_error(p, s, "collections nested more than 64 levels deep");
				error = AD_EPARSE;
				goto done;
			}
			if (depth == 1 && is_seq) {
				child_start = s;
				if (e.type == YAML_MAPPING_START_EVENT)
					has_map = true;
			}
			flow[depth++] = e.type == YAML_SEQUENCE_START_EVENT ?
				e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE :
				e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			/* A block collection ends where the next token starts,
			 * after any comments: its text ends with its last child. */
			if (flow[--depth])
				last_end = mark_offset(p, e.end_mark);
			/* A nested block collection of empty items ("- -") has no
			 * text of its own: it ends where it starts. */
			if (depth == 1 && is_seq && last_end < child_start)
				last_end = child_start;
			if (depth == 1 && is_seq)
				push_item(p, raw_text(p, child_start, trim_end(p, child_start, last_end)));
			break;
		default:
			break;
		}
	}
	out->end = trim_end(p, out->start, last_end);
	out->value = raw_text(p, out->start, out->end);
	if (is_seq && has_map) {
		out->kind = AD_FM_OTHER;
		p->nitems = 0;
	}
done:
	yaml_event_delete(&e);
	yaml_event_delete(ev);
	return error;
}

static ad_fm_field *add_field(parser *p, const char *key, size_t key_off)
{
	ad_fm_field *f;
	int line = ad_lines_of(p->lines, key_off);

	ad_xgrow((void **)&p->fields, &p->fcap, p->nfields + 1, sizeof(*p->fields));
	f = &p->fields[p->nfields++];
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->value = "";
	f->line = line;
	f->column = file_column(p, key_off, ad_lines_start(p->lines, line));
	return f;
}

static void set_items(parser *p, ad_fm_field *f)
{
	const char **items;

	if (!p->nitems)
		return;
	items = ad_arena_alloc(p->arena, (p->nitems + 1) * sizeof(*items));
	memcpy(items, p->items, p->nitems * sizeof(*items));
	items[p->nitems] = NULL;
	f->items = items;
	f->nitems = p->nitems;
	p->nitems = 0;
}

/* The place right after the ':' that follows a key ending at off. */
static size_t after_colon(const parser *p, size_t off, size_t limit)
{
	size_t o = off;

	while (o < limit && is_blank(p->data[o]))
		o++;
	return o < limit && p->data[o] == ':' ? o + 1 : off;
}

static const char *root_article(yaml_event_type_t type)
{
	switch (type) {
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_ALIAS_EVENT:
		return "an alias";
	default:
		return "a single value";
	}
}

static int parse_yaml(parser *p)
{
	ad_frontmatter *fm = p->fm;
	yaml_event_t ev;
	node key, val;
	size_t root_off = 0;
	yaml_event_type_t root_type = YAML_NO_EVENT;
	int error = 0;

	memset(&ev, 0, sizeof(ev));
	val.kind = AD_FM_OTHER;
	if (!yaml_parser_initialize(&p->parser))
		return parser_error(p);
	p->parser_ready = true;
	yaml_parser_set_input_string(&p->parser, (const unsigned char *)p->data + p->base, p->ylen);

	/* STREAM-START, then DOCUMENT-START or (empty block) STREAM-END. */
	if ((error = next_event(p, &ev)) < 0)
		goto done;
	yaml_event_delete(&ev);
	if ((error = next_event(p, &ev)) < 0 || ev.type == YAML_STREAM_END_EVENT)
		goto done;
	yaml_event_delete(&ev);
	if ((error = next_event(p, &ev)) < 0)
		goto done;

	if (ev.type != YAML_MAPPING_START_EVENT) {
		root_off = mark_offset(p, ev.start_mark);
		root_type = ev.type;
		if ((error = read_node(p, &ev, &val)) < 0)
			goto done;
		fm->not_mapping = true;
	} else {
		yaml_event_delete(&ev);
		for (;;) {
			ad_fm_field *f;

			if ((error = next_event(p, &ev)) < 0)
				goto done;
			if (ev.type == YAML_MAPPING_END_EVENT)
				break;
			/* The key: almost always a scalar, but "? [a, b]" is YAML. */
			if (ev.type == YAML_SCALAR_EVENT) {
				key.start = mark_offset(p, ev.start_mark);
				key.end = mark_offset(p, ev.end_mark);
				key.value = ad_arena_strndup(p->arena, (const char *)ev.data.scalar.value,
							     ev.data.scalar.length);
				yaml_event_delete(&ev);
			} else if ((error = read_node(p, &ev, &key)) < 0) {
				goto done;
			}
			add_field(p, key.value, key.start);
			if ((error = next_event(p, &ev)) < 0 || (error = read_node(p, &ev, &val)) < 0)
				goto done;
			f = &p->fields[p->nfields - 1];
			f->kind = val.kind;
			f->value = val.value;
			if (val.kind == AD_FM_NULL) {
				size_t lim = ad_lines_content_end(p->lines, p->data, f->line);
				val.start = val.end = after_colon(p, key.end, lim);
			}
			f->value_start = val.start;
			f->value_end = val.end;
			if (val.kind == AD_FM_BLOCK_LIST || val.kind == AD_FM_FLOW_LIST)
				set_items(p, f);
		}
	}
	/* The rest of the stream, for any error after the mapping. */
	while (ev.type != YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		if ((error = next_event(p, &ev)) < 0)
			goto done;
	}
	if (fm->not_mapping) {
		int line = ad_lines_of(p->lines, root_off);

		ad_diags_add(p->diags, p->arena, AD_DIAG_ERROR, "yaml-not-mapping", line,
			     file_column(p, root_off, ad_lines_start(p->lines, line)),
			     "the frontmatter is %s, not a mapping of fields",
			     root_article(root_type));
	}
done:
	yaml_event_delete(&ev);
	return error;
}

/* ---------------------------------------------------------------- lenient */

/* A line of the block as the lenient reader sees it, junk removed; false
 * for a junk line, which is skipped as if it were not there. */
static bool lenient_line(const parser *p, int line, const char **s, const char **e)
{
	size_t bs, be;

	line_span(p, line, &bs, &be);
	*s = p->data + bs;
	*e = p->data + be;
	if (!p->junk)
		return true;
	if (is_junk_line(*s, *e)) {
		*s = *e;
		return false;
	}
	if (p->junk_len && (size_t)(*e - *s) >= p->junk_len &&
	    memcmp(*s, p->junk_prefix, p->junk_len) == 0)
		*s += p->junk_len;
	return true;
}

/* "key:" at the start of s, key being a word or a quoted string.  *kend is
 * the end of the key (quotes included), *vs what follows the ':'. */
static bool lenient_key(const char *s, const char *e, const char **kend, const char **vs)
{
	const char *k = s;

	if (k < e && (*k == '"' || *k == '\'')) {
		const char *q = memchr(k + 1, *k, (size_t)(e - k - 1));
		if (!q)
			return false;
		k = q + 1;
	} else {
		if (k >= e || !((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
				(*k >= '0' && *k <= '9') || *k == '_'))
			return false;
		while (k < e && ((*k >= 'A' && *k <= 'Z') || (*k >= 'a' && *k <= 'z') ||
				 (*k >= '0' && *k <= '9') || *k == '_' || *k == '-' || *k == '.'))
			k++;
	}
	*kend = k;
	while (k < e && is_blank(*k))
		k++;
	if (k >= e || *k != ':' || (k + 1 < e && !is_blank(k[1])))
		return false;
	*vs = k + 1;
	return true;
}

static const char *trim(const char **e, const char *s)
{
	while (s < *e && is_space(*s))
		s++;
	while (*e > s && is_space((*e)[-1]))
		(*e)--;
	return s;
}

/* Removes one pair of matching quotes around [*s, *e). */
static void unquote(const char **s, const char **e)
{
	if (*e - *s >= 2 && (**s == '"' || **s == '\'') && (*e)[-1] == **s) {
		(*s)++;
		(*e)--;
	}
}

static void push_lenient_item(parser *p, const char *s, const char *e)
{
	s = trim(&e, s);
	unquote(&s, &e);
	s = trim(&e, s);
	if (s < e)
		push_item(p, ad_arena_strndup(p->arena, s, (size_t)(e - s)));
}

/* Splits a flow list's inside at commas outside quotes and brackets. */
static void split_flow(parser *p, const char *s, const char *e)
{
	const char *item = s;
	int depth = 0;
	char quote = 0;

	for (; s < e; s++) {
		if (quote) {
			if (*s == quote)
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
		} else if (*s == '[' || *s == '{') {
			depth++;
		} else if ((*s == ']' || *s == '}') && depth > 0) {
			depth--;
		} else if (*s == ',' && depth == 0) {
			push_lenient_item(p, item, s);
			item = s + 1;
		}
	}
	push_lenient_item(p, item, e);
}

static size_t indent_of(const char *s, const char *e)
{
	const char *t = s;

	while (t < e && is_blank(*t))
		t++;
	return (size_t)(t - s);
}

/* "|" or ">" with optional indicators, then nothing or a comment. */
static bool is_block_header(const char *s, const char *e, bool *strip)
{
	if (s >= e || (*s != '|' && *s != '>'))
		return false;
	*strip = false;
	for (s++; s < e && (*s == '+' || *s == '-' || (*s >= '0' && *s <= '9')); s++)
		if (*s == '-')
			*strip = true;
	while (s < e && is_blank(*s))
		s++;
	return s == e || *s == '#';
}

static void lenient_block_scalar(parser *p, bool literal, bool strip, int first, int last)
{
	ad_buf *b = &p->buf;
	const char *s, *e;
	size_t ind = SIZE_MAX;
	int line, nblank = 0;
	bool any = false;

	for (line = first; line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		if (trim(&e, s) < e && indent_of(s, e) < ind)
			ind = indent_of(s, e);
	}
	for (line = first; line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		if (trim(&e, s) == e) {
			nblank++;
			continue;
		}
		s += ind;
		if (any) {
			/* Literal: every line break kept.  Folded: a single
			 * break becomes a space, a blank line a break. */
			ad_buf_putc(b, literal || nblank ? '\n' : ' ');
			for (; nblank > (literal ? 0 : 1); nblank--)
				ad_buf_putc(b, '\n');
		}
		nblank = 0;
		ad_buf_put(b, s, (size_t)(e - s));
		any = true;
	}
	if (any && !strip)
		ad_buf_putc(b, '\n');
}

/* Appends [s, e) of a flow list to the buffer up to the ']' that closes
 * it; returns that bracket, or NULL when it is not on this line. */
static const char *flow_chunk(ad_buf *b, const char *s, const char *e, int *depth, char *quote)
{
	const char *t;

	for (t = s; t < e; t++) {
		if (*quote) {
			if (*t == *quote)
				*quote = 0;
		} else if (*t == '"' || *t == '\'') {
			*quote = *t;
		} else if (*t == '[' || *t == '{') {
			++*depth;
		} else if ((*t == ']' || *t == '}') && --*depth == 0) {
			ad_buf_put(b, s, (size_t)(t - s));
			return t;
		}
	}
	ad_buf_put(b, s, (size_t)(e - s));
	ad_buf_putc(b, ' ');
	return NULL;
}

/* A flow list from its '[' to the matching ']', over several lines if need
 * be (anything after it is ignored).  Returns the end of its text. */
static const char *lenient_flow_list(parser *p, const char *rs, const char *re, int first, int last)
{
	const char *s, *e, *close;
	int line, depth = 1;
	char quote = 0;

	close = flow_chunk(&p->buf, rs + 1, re, &depth, &quote);
	for (line = first; !close && line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		close = flow_chunk(&p->buf, s, e, &depth, &quote);
	}
	split_flow(p, ad_buf_cstr(&p->buf), ad_buf_cstr(&p->buf) + p->buf.size);
	return close ? close + 1 : NULL;
}

static void lenient_block_list(parser *p, int first, int last)
{
	ad_buf *b = &p->buf;
	const char *s, *e;
	int line;

	for (line = first; line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		if (s < e && *s == '#')
			continue;
		s = trim(&e, s);
		if (s < e && *s == '-' && (s + 1 == e || is_blank(s[1]))) {
			if (b->size)
				push_lenient_item(p, b->ptr, b->ptr + b->size);
			ad_buf_clear(b);
			ad_buf_put(b, s + 1, (size_t)(e - s - 1));
		} else if (s < e) {
			/* A wrapped item. */
			ad_buf_putc(b, ' ');
			ad_buf_put(b, s, (size_t)(e - s));
		}
	}
	if (b->size)
		push_lenient_item(p, b->ptr, b->ptr + b->size);
}

/* A scalar, quoted or plain, folded over its lines. */
static const char *lenient_scalar(parser *p, const char *rs, const char *re, int first, int last)
{
	ad_buf *b = &p->buf;
	const char *s, *e;
	int line, nblank = 0;

	ad_buf_put(b, rs, (size_t)(re - rs));
	for (line = first; line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		if (s < e && *s == '#')
			continue;
		s = trim(&e, s);
		if (s == e) {
			nblank++;
			continue;
		}
		if (b->size)
			ad_buf_putc(b, nblank ? '\n' : ' ');
		nblank = 0;
		ad_buf_put(b, s, (size_t)(e - s));
	}
	s = ad_buf_cstr(b);
	e = s + b->size;
	unquote(&s, &e);
	return ad_arena_strndup(p->arena, s, (size_t)(e - s));
}

/*
 * The value of a field read leniently: [rs, re) is what follows "key:" on
 * its line, lines [first, last] are the lines below it up to the next key.
 */
static void lenient_value(parser *p, ad_fm_field *f, const char *rs, const char *re,
			  int first, int last)
{
	const char *s, *e, *vstart = NULL, *vend = NULL, *first_end = NULL, *k, *v;
	bool strip;
	int line;

	ad_buf_clear(&p->buf);
	p->nitems = 0;
	rs = trim(&re, rs);
	f->value_start = f->value_end = (size_t)(rs - p->data);
	/* The raw value: the rest of the key line and the lines below up to
	 * the last non-blank one. */
	if (rs < re)
		vstart = rs, vend = re;
	for (line = first; line <= last; line++) {
		if (!lenient_line(p, line, &s, &e))
			continue;
		s = trim(&e, s);
		if (s == e)
			continue;
		if (!vstart)
			vstart = s, first_end = e;
		vend = e;
	}
	if (!vstart) {
		f->kind = AD_FM_NULL;
		return;
	}
	f->value_start = (size_t)(vstart - p->data);
	f->value_end = (size_t)(vend - p->data);

	if (is_block_header(rs, re, &strip)) {
		f->kind = *rs == '|' ? AD_FM_LITERAL : AD_FM_FOLDED;
		lenient_block_scalar(p, *rs == '|', strip, first, last);
		f->value = ad_arena_strndup(p->arena, ad_buf_cstr(&p->buf), p->buf.size);
		return;
	}
	if (rs < re && *rs == '[') {
		f->kind = AD_FM_FLOW_LIST;
		if ((e = lenient_flow_list(p, rs, re, first, last)) != NULL)
			f->value_end = (size_t)(e - p->data);
	} else if (rs < re && *rs == '{') {
		f->kind = AD_FM_MAP;
	} else if (rs == re && *vstart == '-' && (vstart + 1 == vend || is_blank(vstart[1]))) {
		f->kind = AD_FM_BLOCK_LIST;
		lenient_block_list(p, first, last);
	} else if (rs == re && lenient_key(vstart, first_end, &k, &v)) {
		f->kind = AD_FM_MAP;
	} else {
		f->kind = AD_FM_SCALAR;
		f->value = lenient_scalar(p, rs, re, first, last);
		return;
	}
	f->value = raw_text(p, f->value_start, f->value_end);
	set_items(p, f);
}

/*
 * Reads the fields line by line after a YAML error: a field is a "key:" line
 * at the left edge, and every line below it up to the next such line.
 */
static void read_lenient(parser *p)
{
	ad_frontmatter *fm = p->fm;
	int line, first = fm->line + 1, last = fm->end_line - 1, key_line = 0;
	const char *rs = NULL, *re = NULL;

	p->nfields = 0;
	for (line = first; line <= last + 1; line++) {
		const char *s = NULL, *e = NULL, *kend = NULL, *vs = NULL, *ks, *ke;

		if (line <= last &&
		    (!lenient_line(p, line, &s, &e) || !lenient_key(s, e, &kend, &vs)))
			continue;
		if (key_line)
			lenient_value(p, &p->fields[p->nfields - 1], rs, re, key_line + 1, line - 1);
		if (line > last)
			break;
		ks = s;
		ke = kend;
		unquote(&ks, &ke);
		add_field(p, ad_arena_strndup(p->arena, ks, (size_t)(ke - ks)), (size_t)(s - p->data));
		rs = vs;
		re = e;
		key_line = line;
	}
	fm->lenient = true;
}

/* ---------------------------------------------------------------- public */

/* ---------------------------------------------------------------- keys */

/* The fields by key: an open-addressing table of the distinct keys, and
 * for each key its fields' indices, in file order, as one run of by_key. */
struct ad_fm_keys {
	size_t mask;
	const size_t *slot;   /* 1 + key number; 0 for an empty slot */
	const size_t *head;   /* key number -> index of its first field */
	const size_t *run;    /* key number -> start of its run in by_key */
	const size_t *count;  /* key number -> fields with that key */
	const size_t *by_key; /* field indices grouped by key */
};

static size_t key_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 32));
}

/* The slot of key: where it is, or the empty one where it would go. */
static size_t key_slot(const struct ad_fm_keys *k, const ad_fm_field *fields, const char *key)
{
	size_t i = key_hash(key) & k->mask;

	while (k->slot[i] && strcmp(fields[k->head[k->slot[i] - 1]].key, key))
		i = (i + 1) & k->mask;
	return i;
}

/* Numbers each field's key (its occurrence) and indexes the fields by key,
 * in linear time. */
static const struct ad_fm_keys *index_keys(ad_arena *arena, ad_fm_field *fields, size_t n)
{
	struct ad_fm_keys *k = ad_arena_alloc(arena, sizeof(*k));
	size_t cap, i, nkeys = 0, at = 0;
	size_t *slot, *head, *run, *count, *by_key, *id;

	for (cap = 16; cap < 2 * n; cap *= 2)
		;
	k->mask = cap - 1;
	k->slot = slot = ad_arena_alloc(arena, cap * sizeof(*slot));
	memset(slot, 0, cap * sizeof(*slot));
	k->head = head = ad_arena_alloc(arena, (n + 1) * sizeof(*head));
	k->run = run = ad_arena_alloc(arena, (n + 1) * sizeof(*run));
	k->count = count = ad_arena_alloc(arena, (n + 1) * sizeof(*count));
	k->by_key = by_key = ad_arena_alloc(arena, (n + 1) * sizeof(*by_key));
	id = ad_xmalloc((n + 1) * sizeof(*id));
	for (i = 0; i < n; i++) {
		size_t sl = key_slot(k, fields, fields[i].key);

		if (!slot[sl]) {
			head[nkeys] = i;
			count[nkeys] = 0;
			slot[sl] = ++nkeys;
		}
		id[i] = slot[sl] - 1;
		fields[i].occurrence = count[id[i]]++;
	}
	for (i = 0; i < nkeys; i++) {
		run[i] = at;
		at += count[i];
	}
	for (i = 0; i < n; i++)
		by_key[run[id[i]] + fields[i].occurrence] = i;
	free(id);
	return k;
}

const ad_fm_field *ad_fm_get(const ad_frontmatter *fm, const char *key)
{
	return ad_fm_get_nth(fm, key, 1);
}

const ad_fm_field *ad_fm_get_nth(const ad_frontmatter *fm, const char *key, size_t nth)
{
	const struct ad_fm_keys *k;
	size_t sl, key_no;

	if (!fm || !fm->keys || !key || nth < 1)
		return NULL;
	k = fm->keys;
	sl = key_slot(k, fm->fields, key);
	if (!k->slot[sl])
		return NULL;
	key_no = k->slot[sl] - 1;
	if (nth > k->count[key_no])
		return NULL;
	return &fm->fields[k->by_key[k->run[key_no] + nth - 1]];
}

/* ---------------------------------------------------------------- parse */

const ad_frontmatter *ad_fm_parse(ad_arena *arena, ad_diags *diags,
				  const char *data, size_t len,
				  const ad_lines *lines)
{
	parser p;
	ad_frontmatter *fm = NULL;
	ad_fm_field *fields;
	int open = 0, close = 0, found;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.arena = arena;
	p.diags = diags;
	p.data = data;
	p.len = len;
	p.lines = lines;
	p.cur_line = SIZE_MAX;
	p.col_line_start = SIZE_MAX;

	found = find_block(&p, &open, &close);
	if (found < 0) {
		ad_diags_add(diags, arena, AD_DIAG_ERROR, "frontmatter-unterminated", 1, 1,
			     "the frontmatter opened on line 1 is never closed with \"---\": "
			     "the whole file is read as body");
		goto done;
	}
	if (found == 0)
		goto done;

	fm = ad_arena_alloc(arena, sizeof(*fm));
	memset(fm, 0, sizeof(*fm));
	p.fm = fm;
	fm->line = open;
	fm->end_line = close;
	fm->start = ad_lines_start(lines, open);
	if (open == 1 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		fm->start = 3;
	fm->end = ad_lines_start(lines, close + 1);
	fm->yaml_start = ad_lines_start(lines, open + 1);
	fm->yaml_end = ad_lines_start(lines, close);
	fm->misplaced = open != 1;
	if (fm->misplaced)
		ad_diags_add(diags, arena, AD_DIAG_WARNING, "frontmatter-misplaced", open, 1,
			     "frontmatter starts on line %d, not line 1: "
			     "loaders only read it at the very top", open);

	p.base = fm->yaml_start;
	p.ylen = fm->yaml_end - fm->yaml_start;
	/* libyaml skips a BOM at the start of its input without counting it. */
	if (p.ylen >= 3 && memcmp(data + p.base, "\xEF\xBB\xBF", 3) == 0) {
		p.base += 3;
		p.ylen -= 3;
	}
	build_ylines(&p);
	if (parse_yaml(&p) < 0) {
		fm->not_mapping = false;
		read_lenient(&p);
	}

	/* Fields tile [first key's line, yaml_end). */
	fields = ad_arena_alloc(arena, (p.nfields ? p.nfields : 1) * sizeof(*fields));
	if (p.nfields)
		memcpy(fields, p.fields, p.nfields * sizeof(*fields));
	for (i = 0; i < p.nfields; i++) {
		fields[i].start = ad_lines_start(lines, fields[i].line);
		fields[i].end = i + 1 < p.nfields ? ad_lines_start(lines, fields[i + 1].line)
						  : fm->yaml_end;
	}
	fm->fields = fields;
	fm->nfields = p.nfields;
	fm->keys = index_keys(arena, fields, p.nfields);
	if (p.nescapes) {
		ad_fm_escape *esc = ad_arena_alloc(arena, p.nescapes * sizeof(*esc));

		memcpy(esc, p.escapes, p.nescapes * sizeof(*esc));
		fm->escapes = esc;
		fm->nescapes = p.nescapes;
	}
done:
	if (p.parser_ready)
		yaml_parser_delete(&p.parser);
	free(p.ystarts);
	free(p.fields);
	free(p.items);
	free(p.escapes);
	ad_buf_free(&p.buf);
	return fm;
}

static void push_name(const char ***arr, size_t *n, ad_arena *arena,
		      const char *s, const char *e)
{
	s = trim(&e, s);
	if (s < e)
		(*arr)[(*n)++] = ad_arena_strndup(arena, s, (size_t)(e - s));
}

/* The bracket depth after c, from depth: "(", "[" and "{" open, their
 * closers close, and a closer with nothing open is text. */
static int bracket_depth(int depth, char c)
{
	if (c == '(' || c == '[' || c == '{')
		return depth + 1;
	if ((c == ')' || c == ']' || c == '}') && depth > 0)
		return depth - 1;
	return depth;
}

size_t ad_fm_split_names(const char ***out, ad_arena *arena, const char *s, size_t len)
{
	const char *e = s + len, *p, *from;
	const char **arr;
	bool comma = false;
	size_t n = 0, cap = 1;
	int depth = 0;

	for (p = s; p < e; p++) {
		depth = bracket_depth(depth, *p);
		if (depth == 0 && (*p == ',' || is_space(*p)))
			cap++;
		if (depth == 0 && *p == ',')
			comma = true;
	}
	arr = ad_arena_alloc(arena, (cap + 1) * sizeof(*arr));
	depth = 0;
	for (p = from = s; p < e; p++) {
		depth = bracket_depth(depth, *p);
		if (depth == 0 && (comma ? *p == ',' : is_space(*p))) {
			push_name(&arr, &n, arena, from, p);
			from = p + 1;
		}
	}
	push_name(&arr, &n, arena, from, e);
	arr[n] = NULL;
	*out = n ? arr : NULL;
	return n;
}

size_t ad_fm_list_items(const char ***out, ad_arena *arena, const ad_fm_field *field)
{
	const char **arr;
	size_t n = 0, i;
	const char *s;

	*out = NULL;
	if (!field)
		return 0;
	switch (field->kind) {
	case AD_FM_BLOCK_LIST:
	case AD_FM_FLOW_LIST:
		arr = ad_arena_alloc(arena, (field->nitems + 1) * sizeof(*arr));
		for (i = 0; i < field->nitems; i++) {
			s = field->items[i];
			push_name(&arr, &n, arena, s, s + strlen(s));
		}
		arr[n] = NULL;
		*out = n ? arr : NULL; /* as promised: NULL when there are no names */
		return n;
	case AD_FM_SCALAR:
	case AD_FM_LITERAL:
	case AD_FM_FOLDED:
		return ad_fm_split_names(out, arena, field->value, strlen(field->value));
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- writing */

static bool ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20))
			return false;
	return !*a && !*b;
}

/* Whether a plain scalar s is read by a YAML 1.1 or 1.2 loader as
 * something other than a string: a boolean, null, or a number. */
static bool reads_as_other_type(const char *s)
{
	static const char *const words[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
		".inf", "-.inf", "+.inf", ".nan",
	};
	size_t i, digits = 0;
	const char *p = s;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ascii_ieq(s, words[i]))
			return true;
	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b')) {
		p += 2;
		for (; isxdigit((unsigned char)*p) || *p == '_'; p++)
			digits++;
		return digits > 0 && !*p;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != '.' && *p != '_' && *p != ':' && *p != 'e' && *p != 'E' &&
			 *p != '-' && *p != '+')
			return false;
	}
	return digits > 0;
}

bool ad_fm_scalar_plain(const char *s, bool flow)
{
	size_t len = strlen(s), i;

	if (!len || strchr("-?:,[]{}#&*!|>'\"%@` \t", s[0]) || s[len - 1] == ' ' ||
	    s[len - 1] == '\t' || s[len - 1] == ':')
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
		if (flow && strchr(",[]{}:#\"'", c))
			return false;
		if (c == ':' && (s[i + 1] == ' ' || s[i + 1] == '\t'))
			return false;
		if (c == '#' && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			return false;
	}
	return !reads_as_other_type(s);
}

void ad_fm_put_dquoted(ad_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	ad_buf_putc(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			ad_buf_putc(out, '\\');
			ad_buf_putc(out, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			ad_buf_puts(out, "\\x");
			ad_buf_putc(out, hex[c >> 4]);
			ad_buf_putc(out, hex[c & 15]);
		} else {
			ad_buf_putc(out, (char)c);
		}
	}
	ad_buf_putc(out, '"');
}

void ad_fm_put_scalar(ad_buf *out, const char *s, bool flow)
{
	if (ad_fm_scalar_plain(s, flow))
		ad_buf_puts(out, s);
	else
		ad_fm_put_dquoted(out, s);
}

void ad_fm_put_flow_list(ad_buf *out, const char *const *names, size_t n)
{
	size_t i;

	ad_buf_putc(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			ad_buf_puts(out, ", ");
		ad_fm_put_scalar(out, names[i], true);
	}
	ad_buf_putc(out, ']');
}

void ad_fm_put_block_items(ad_buf *out, const char *prefix, const char *const *names,
			   size_t n, const char *eol)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ad_arena arena = AD_ARENA_INIT;
		const char **back = NULL;
		bool one = ad_fm_split_names(&back, &arena, names[i], strlen(names[i])) == 1 &&
			   !strcmp(back[0], names[i]);

		ad_buf_puts(out, prefix);
		if (one)
			ad_fm_put_scalar(out, names[i], false);
		else
			ad_fm_put_dquoted(out, names[i]);
		ad_buf_puts(out, eol);
		ad_arena_free(&arena);
	}
}

bool ad_fm_put_comma_string(ad_buf *out, const char *const *names, size_t n,
			    const char *sep, ad_fm_quote quote)
{
	ad_buf v = AD_BUF_INIT;
	ad_arena arena = AD_ARENA_INIT;
	const char **back = NULL;
	const char *joined;
	size_t i, nback;
	bool ok;

	for (i = 0; i < n; i++) {
		if (i)
			ad_buf_puts(&v, sep);
		ad_buf_puts(&v, names[i]);
	}
	joined = ad_buf_cstr(&v);
	nback = ad_fm_split_names(&back, &arena, joined, v.size);
	ok = n > 0 && nback == n && !strchr(joined, '\n') && !strchr(joined, '\r');
	for (i = 0; ok && i < n; i++)
		ok = !strcmp(back[i], names[i]);
	if (!ok)
		goto done;
	for (i = 0; i < v.size; i++)
		if ((unsigned char)joined[i] < 0x20 || joined[i] == 0x7f)
			quote = AD_FM_QUOTE_DOUBLE; /* '...' has no escapes */
	if (quote == AD_FM_QUOTE_SINGLE) {
		ad_buf_putc(out, '\'');
		for (i = 0; i < v.size; i++) {
			if (joined[i] == '\'')
				ad_buf_putc(out, '\'');
			ad_buf_putc(out, joined[i]);
		}
		ad_buf_putc(out, '\'');
	} else if (quote == AD_FM_QUOTE_DOUBLE) {
		ad_fm_put_dquoted(out, joined);
	} else {
		ad_fm_put_scalar(out, joined, false);
	}
done:
	ad_arena_free(&arena);
	ad_buf_free(&v);
	return ok;
}

const char *ad_fm_kind_name(ad_fm_kind kind)
{
	switch (kind) {
	case AD_FM_NULL:
		return "null";
	case AD_FM_SCALAR:
		return "scalar";
	case AD_FM_LITERAL:
		return "literal";
	case AD_FM_FOLDED:
		return "folded";
	case AD_FM_BLOCK_LIST:
		return "block-list";
	case AD_FM_FLOW_LIST:
		return "flow-list";
	case AD_FM_MAP:
		return "map";
	case AD_FM_OTHER:
		return "other";
	}
	return "?";
}
