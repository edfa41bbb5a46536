/*
 * The section parser.
 *
 * 1. Tag lines: every line that holds only "<name ...>" or "</name>" is a
 *    candidate.  Those lines are blanked (spaces, same length) in a copy of
 *    the body, so that cmark parses what is inside a tag as Markdown instead
 *    of swallowing it into one HTML block.
 * 2. cmark parses the body.  Document-level headings become sections;
 *    fenced code blocks and HTML comment blocks (at any depth) give the
 *    line ranges in which no candidate tag counts, as no heading there
 *    does.
 * 3. The remaining candidates are paired with a stack: "</name>" closes the
 *    nearest open "<name>"; opens left unclosed are text.
 * 4. Headings and tag pairs, in line order, are nested with an explicit
 *    stack: a heading's content ends at the next heading of the same or a
 *    higher level in the same tag, a tag's content at its closing line.  A
 *    section runs on to the next section that is not inside it (so text
 *    after a closing tag belongs to the tag), which makes the spans tile.
 *
 * Nothing here recurses on the input's nesting depth.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark.h>

#include "doc.h"
#include "fileio.h"
#include "lines.h"
#include "util.h"

#define TITLE_MAX_CHARS 200
#define TAG_NAME_MAX 64

struct ad_doc {
	char *path;
	char *data;
	size_t size;
	ad_lines lines;
	ad_arena arena;
	ad_diags diags;
	const ad_frontmatter *fm;
	ad_section *sections;
	size_t nsections, sections_cap;
	int first;
	size_t body_start;
};

typedef struct {
	int line;           /* file line */
	bool close;
	const char *name;   /* into the document's bytes */
	size_t name_len;
	const char *attrs;  /* between the name and '>' */
	size_t attrs_len;
	int partner;        /* index of the matching candidate, -1 when unpaired */
	int depth;          /* among tags, 1 for the outermost */
	bool consumed;      /* a <title> pair used as its parent's title */
} tagline;

typedef struct {
	int line;           /* first line */
	int end_line;       /* last line of a heading (setext underline) */
	ad_section_kind kind;
	int level;
	const char *title;
	int tag;            /* candidate index of the opening tag, else -1 */
} event;

typedef struct {
	tagline *tags;
	size_t ntags, tags_cap;
	event *events;
	size_t nevents, events_cap;
	/* Pairs of file lines [first, last] of fenced code and HTML comments,
	 * in line order. */
	int *hidden;
	size_t nhidden, hidden_cap;
} scan;

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
	       c == '.' || c == ':';
}

/* Recognises a line holding only "<name attrs>" or "</name>". */
static bool parse_tag_line(tagline *out, const char *p, const char *end)
{
	const char *name;
	char quote = 0;

	while (p < end && is_space(*p))
		p++;
	while (end > p && is_space(end[-1]))
		end--;
	if (end - p < 3 || *p != '<' || end[-1] != '>')
		return false;
	p++;
	out->close = *p == '/';
	if (out->close)
		p++;
	if (p >= end || !is_name_start(*p))
		return false;
	name = p;
	while (p < end && is_name_char(*p))
		p++;
	if (p - name > TAG_NAME_MAX)
		return false;
	out->name = name;
	out->name_len = (size_t)(p - name);
	if (out->close) {
		while (p < end && is_space(*p))
			p++;
		return p == end - 1;
	}
	if (p < end - 1 && !is_space(*p))
		return false; /* "<https://...>" and the like */
	out->attrs = p;
	for (; p < end - 1; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '<' || *p == '>') {
			return false;
		}
	}
	if (quote)
		return false;
	out->attrs_len = (size_t)(end - 1 - out->attrs);
	/* "<br/>" closes itself: it has no content to be a section of. */
	return !(out->attrs_len > 0 && out->attrs[out->attrs_len - 1] == '/');
}

/*
 * Copies s into the arena as a title: whitespace runs fold to one space,
 * the ends are trimmed, and it is cut (on a character boundary) after
 * TITLE_MAX_CHARS characters.
 */
static const char *make_title(ad_arena *arena, const char *s, size_t len)
{
	ad_buf b = AD_BUF_INIT;
	size_t i, chars = 0;
	bool space = false;
	const char *t;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = b.size > 0;
			continue;
		}
		if ((c & 0xC0) != 0x80) {
			if (chars == TITLE_MAX_CHARS) {
				ad_buf_puts(&b, "\xE2\x80\xA6");
				break;
			}
			chars++;
		}
		if (space) {
			ad_buf_putc(&b, ' ');
			space = false;
		}
		ad_buf_putc(&b, (char)c);
	}
	t = ad_arena_strndup(arena, ad_buf_cstr(&b), b.size);
	ad_buf_free(&b);
	return t;
}

/* The plain text of a heading's inlines, walked without recursion. */
static const char *heading_title(ad_arena *arena, cmark_node *heading)
{
	cmark_iter *it = cmark_iter_new(heading);
	cmark_event_type ev;
	ad_buf b = AD_BUF_INIT;
	const char *t;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			lit = cmark_node_get_literal(n);
			if (lit)
				ad_buf_puts(&b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			ad_buf_putc(&b, ' ');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	t = make_title(arena, ad_buf_cstr(&b), b.size);
	ad_buf_free(&b);
	return t;
}

/*
 * cmark 0.30 does not say whether a code block was fenced.  A fenced block
 * starts at its fence, "```" or "~~~"; an indented one whose text happens
 * to start with a fence keeps that text in its literal.
 */
static bool code_block_is_fenced(const ad_doc *doc, int file_line, cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);
	const char *lit = cmark_node_get_literal(n);
	size_t ls = ad_lines_start(&doc->lines, file_line);
	size_t le = ad_lines_content_end(&doc->lines, doc->data, file_line);
	int col = cmark_node_get_start_column(n);
	const char *p;
	size_t avail;

	if (info && *info)
		return true;
	if (col < 1 || (size_t)(col - 1) >= le - ls)
		return false;
	p = doc->data + ls + (col - 1);
	avail = le - ls - (size_t)(col - 1);
	if (avail < 3 || !((p[0] == '`' && p[1] == '`' && p[2] == '`') ||
			   (p[0] == '~' && p[1] == '~' && p[2] == '~')))
		return false;
	return !(lit && strncmp(lit, p, 3) == 0);
}

/*
 * Whether an HTML block is a comment: CommonMark's kind 2, which starts with
 * "<!--" after at most three spaces.
 */
static bool html_block_is_comment(cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	int i = 0;

	if (!lit)
		return false;
	while (i < 3 && lit[i] == ' ')
		i++;
	return strncmp(lit + i, "<!--", 4) == 0;
}

/*
 * The last line of an HTML comment block from first_line to cmark's
 * last_line: the first line holding "-->" after the "<!--", in the file's
 * bytes.  cmark parsed a copy with the tag lines blanked, so it reads past
 * a tag line that holds "-->" (in an attribute value), which in the file
 * ends the comment.
 */
static int comment_end_line(const ad_doc *doc, int first_line, int last_line)
{
	size_t s = ad_lines_start(&doc->lines, first_line);
	size_t e = ad_lines_content_end(&doc->lines, doc->data, first_line);
	size_t end, i;

	if (last_line > doc->lines.count)
		last_line = doc->lines.count;
	end = ad_lines_content_end(&doc->lines, doc->data, last_line);
	for (i = s; i + 4 <= e && memcmp(doc->data + i, "<!--", 4) != 0; i++)
		;
	for (i += 2; i + 3 <= end; i++)
		if (memcmp(doc->data + i, "-->", 3) == 0)
			return ad_lines_of(&doc->lines, i);
	return last_line;
}

static void hide_lines(scan *sc, int first, int last)
{
	ad_xgrow((void **)&sc->hidden, &sc->hidden_cap, sc->nhidden + 2, sizeof(int));
	sc->hidden[sc->nhidden++] = first;
	sc->hidden[sc->nhidden++] = last;
}

/*
 * The line of a setext heading's underline, looked for from the heading's
 * first line to cmark's end line (which cmark 0.30 reports one line late);
 * first_line for an ATX heading.
 */
static int setext_underline(const ad_doc *doc, int first_line, int last_line)
{
	int line;

	if (last_line > doc->lines.count)
		last_line = doc->lines.count;
	for (line = first_line + 1; line <= last_line; line++) {
		size_t s = ad_lines_start(&doc->lines, line);
		size_t e = ad_lines_content_end(&doc->lines, doc->data, line);
		const char *p = doc->data + s, *end = doc->data + e;
		char c;

		while (p < end && *p == ' ')
			p++;
		if (p == end || (*p != '=' && *p != '-'))
			continue;
		c = *p;
		while (p < end && *p == c)
			p++;
		while (p < end && is_space(*p))
			p++;
		if (p == end)
			return line;
	}
	return first_line;
}

static void push_event(scan *sc, int line, int end_line, ad_section_kind kind,
		       int level, const char *title, int tag)
{
	event *e;

	ad_xgrow((void **)&sc->events, &sc->events_cap, sc->nevents + 1, sizeof(*e));
	e = &sc->events[sc->nevents++];
	e->line = line;
	e->end_line = end_line;
	e->kind = kind;
	e->level = level;
	e->title = title;
	e->tag = tag;
}

/* Walks the block containers of the cmark tree (not inlines) in order. */
static void collect_blocks(ad_doc *doc, scan *sc, cmark_node *root, int line_base)
{
	cmark_node *n = cmark_node_first_child(root);

	while (n) {
		cmark_node_type type = cmark_node_get_type(n);
		cmark_node *next;

		if (type == CMARK_NODE_HEADING && cmark_node_parent(n) == root) {
			int sl = cmark_node_get_start_line(n) + line_base;
			int el = setext_underline(doc, sl, cmark_node_get_end_line(n) + line_base);
			bool setext = el > sl;

			push_event(sc, sl, el, setext ? AD_SECTION_SETEXT : AD_SECTION_ATX,
				   cmark_node_get_heading_level(n),
				   heading_title(&doc->arena, n), -1);
		} else if (type == CMARK_NODE_CODE_BLOCK) {
			int sl = cmark_node_get_start_line(n) + line_base;

			if (code_block_is_fenced(doc, sl, n))
				hide_lines(sc, sl, cmark_node_get_end_line(n) + line_base);
		} else if (type == CMARK_NODE_HTML_BLOCK && html_block_is_comment(n)) {
			int sl = cmark_node_get_start_line(n) + line_base;

			hide_lines(sc, sl, comment_end_line(doc, sl,
							    cmark_node_get_end_line(n) + line_base));
		}
		/* Descend into containers; leaf blocks hold only inlines. */
		next = NULL;
		if (type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_LIST ||
		    type == CMARK_NODE_ITEM)
			next = cmark_node_first_child(n);
		while (!next && n != root) {
			next = cmark_node_next(n);
			if (!next) {
				n = cmark_node_parent(n);
				if (n == root)
					break;
			}
		}
		n = next;
	}
}

/* Finds the tag candidates in the body and blanks them in *out_copy. */
static void find_tag_lines(ad_doc *doc, scan *sc, int first_line, char **out_copy)
{
	int line;
	char *copy = NULL;

	for (line = first_line; line <= doc->lines.count; line++) {
		size_t s = ad_lines_start(&doc->lines, line);
		size_t e = ad_lines_content_end(&doc->lines, doc->data, line);
		tagline t;
		const char *p = doc->data + s;

		/* Cheap test first: a tag line has '<' as its first non-blank. */
		while (p < doc->data + e && is_space(*p))
			p++;
		if (p >= doc->data + e || *p != '<')
			continue;
		memset(&t, 0, sizeof(t));
		if (!parse_tag_line(&t, doc->data + s, doc->data + e))
			continue;
		t.line = line;
		t.partner = -1;
		ad_xgrow((void **)&sc->tags, &sc->tags_cap, sc->ntags + 1, sizeof(t));
		sc->tags[sc->ntags++] = t;
		if (!copy) {
			copy = ad_xmalloc(doc->size - doc->body_start + 1);
			memcpy(copy, doc->data + doc->body_start, doc->size - doc->body_start);
		}
		memset(copy + (s - doc->body_start), ' ', e - s);
	}
	*out_copy = copy;
}

/* Drops candidates inside fenced code and HTML comments; both lists are in
 * line order. */
static void drop_hidden_tags(scan *sc)
{
	size_t i, j = 0, k = 0;

	for (i = 0; i < sc->ntags; i++) {
		int line = sc->tags[i].line;

		while (k < sc->nhidden && sc->hidden[k + 1] < line)
			k += 2;
		if (k < sc->nhidden && sc->hidden[k] <= line && line <= sc->hidden[k + 1])
			continue;
		sc->tags[j++] = sc->tags[i];
	}
	sc->ntags = j;
}

static bool same_name(const tagline *a, const tagline *b)
{
	return a->name_len == b->name_len && memcmp(a->name, b->name, a->name_len) == 0;
}

/*
 * Pairs "</name>" with the nearest open "<name>" on the stack.  Opens above
 * it are left unclosed.  Opens deeper than max_depth stay text, so a close
 * searches at most max_depth entries.
 */
static void pair_tags(ad_doc *doc, scan *sc, int max_depth)
{
	int *stack = ad_xmalloc(sizeof(int) * (size_t)(max_depth + 1));
	int top = 0;
	bool warned_depth = false;
	size_t i;

	for (i = 0; i < sc->ntags; i++) {
		tagline *t = &sc->tags[i];
		int k;

		if (!t->close) {
			if (top >= max_depth) {
				if (!warned_depth) {
					ad_diags_add(&doc->diags, &doc->arena, AD_DIAG_WARNING,
						     "nesting-limit", t->line, 1,
						     "tags nested deeper than %d levels are read as text",
						     max_depth);
					warned_depth = true;
				}
				continue;
			}
			t->depth = top + 1;
			stack[top++] = (int)i;
			continue;
		}
		for (k = top - 1; k >= 0; k--)
			if (same_name(&sc->tags[stack[k]], t))
				break;
		if (k < 0)
			continue;
		sc->tags[stack[k]].partner = (int)i;
		t->partner = stack[k];
		top = k;
	}
	free(stack);
}

/* Value of attribute `want` in a tag's attribute text, or NULL. */
static const char *find_attr(ad_arena *arena, const char *p, size_t len, const char *want)
{
	const char *end = p + len;
	size_t wlen = strlen(want);

	while (p < end) {
		const char *name, *val;
		size_t nlen, vlen;

		while (p < end && (is_space(*p) || *p == '/'))
			p++;
		name = p;
		while (p < end && !is_space(*p) && *p != '=')
			p++;
		nlen = (size_t)(p - name);
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && is_space(*p))
			p++;
		if (p < end && (*p == '"' || *p == '\'')) {
			char q = *p++;
			val = p;
			while (p < end && *p != q)
				p++;
			vlen = (size_t)(p - val);
			if (p < end)
				p++;
		} else {
			val = p;
			while (p < end && !is_space(*p))
				p++;
			vlen = (size_t)(p - val);
		}
		if (nlen == wlen && strncasecmp(name, want, wlen) == 0 && vlen > 0)
			return make_title(arena, val, vlen);
	}
	return NULL;
}

/*
 * A tag's title: a <title> child first in its content (on one line, or as
 * its own block, which is then consumed), its name or id attribute, or the
 * tag name.
 */
static const char *tag_title(ad_doc *doc, scan *sc, size_t ti)
{
	tagline *t = &sc->tags[ti];
	const char *title;
	int line;

	for (line = t->line + 1; line < sc->tags[t->partner].line; line++) {
		size_t s = ad_lines_start(&doc->lines, line);
		size_t e = ad_lines_content_end(&doc->lines, doc->data, line);
		const char *p = doc->data + s, *end = doc->data + e;

		while (p < end && is_space(*p))
			p++;
		while (end > p && is_space(end[-1]))
			end--;
		if (p == end)
			continue;
		if (end - p > 15 && strncmp(p, "<title>", 7) == 0 &&
		    strncmp(end - 8, "</title>", 8) == 0) {
			title = make_title(&doc->arena, p + 7, (size_t)(end - p - 15));
			if (*title)
				return title;
		} else if (ti + 1 < sc->ntags && sc->tags[ti + 1].line == line &&
			   !sc->tags[ti + 1].close && sc->tags[ti + 1].partner >= 0 &&
			   sc->tags[ti + 1].name_len == 5 &&
			   strncmp(sc->tags[ti + 1].name, "title", 5) == 0) {
			tagline *open = &sc->tags[ti + 1];
			size_t ts = ad_lines_start(&doc->lines, open->line + 1);
			size_t te = ad_lines_start(&doc->lines, sc->tags[open->partner].line);

			title = make_title(&doc->arena, doc->data + ts, te - ts);
			if (*title) {
				open->consumed = true;
				return title;
			}
		}
		break;
	}
	if ((title = find_attr(&doc->arena, t->attrs, t->attrs_len, "name")) ||
	    (title = find_attr(&doc->arena, t->attrs, t->attrs_len, "id")))
		return title;
	return ad_arena_strndup(&doc->arena, t->name, t->name_len);
}

/* Merges the paired tags into the heading events, keeping line order. */
static void add_tag_events(ad_doc *doc, scan *sc)
{
	event *headings = sc->events;
	size_t nheadings = sc->nevents, h = 0, i;

	sc->events = NULL;
	sc->nevents = sc->events_cap = 0;
	for (i = 0; i <= sc->ntags; i++) {
		const tagline *t = i < sc->ntags ? &sc->tags[i] : NULL;
		const char *title;

		if (t && (t->close || t->partner < 0 || t->consumed))
			continue;
		/* The title first: it may mark a following <title> consumed. */
		title = t ? tag_title(doc, sc, i) : NULL;
		for (; h < nheadings && (!t || headings[h].line < t->line); h++)
			push_event(sc, headings[h].line, headings[h].end_line, headings[h].kind,
				   headings[h].level, headings[h].title, -1);
		if (t)
			push_event(sc, t->line, t->line, AD_SECTION_TAG, t->depth, title, (int)i);
	}
	free(headings);
}

static int new_section(ad_doc *doc, ad_section_kind kind, int level, const char *title,
		       int line, size_t start, size_t head_end)
{
	ad_section *s;

	ad_xgrow((void **)&doc->sections, &doc->sections_cap, doc->nsections + 1, sizeof(*s));
	s = &doc->sections[doc->nsections];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->level = level;
	s->title = title;
	s->line = line;
	s->start = start;
	s->head_end = head_end;
	s->parent = s->first_child = s->next_sibling = -1;
	return (int)doc->nsections++;
}

/*
 * A section being built.  cend is where its children must end at the
 * latest: a tag's closing line, or for a heading its parent's cend.  A
 * section itself runs on to the next section that is not its descendant,
 * or to its parent's cend, so text after a closing tag goes with the tag.
 */
typedef struct {
	int index;
	size_t cend;
	int last_child;
} open_section;

static void set_end(ad_doc *doc, ad_section *s, size_t end)
{
	s->end = end;
	s->end_line = end > s->start ? ad_lines_of(&doc->lines, end - 1) : s->line;
	if (s->first_child < 0)
		s->lead_end = end;
	if (s->kind != AD_SECTION_TAG)
		s->close_start = end;
}

/* Only spaces, tabs, line endings and a byte order mark. */
static bool is_blank_text(const char *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	return true;
}

static void close_section(ad_doc *doc, open_section *o, size_t end)
{
	ad_section *s = &doc->sections[o->index];
	int c = o->last_child;

	set_end(doc, s, end);
	s->blank = s->kind == AD_SECTION_PREAMBLE && is_blank_text(doc->data + s->start, end - s->start);
	s->lead_end = s->first_child >= 0 ? doc->sections[s->first_child].start : end;
	if (s->head_end > end)
		s->head_end = end;
	/* Text after a closing tag, up to here, goes to the last child (and
	 * its last child...), so that the children tile the rest of s. */
	while (c >= 0 && doc->sections[c].end < end) {
		int last = -1, k;

		set_end(doc, &doc->sections[c], end);
		for (k = doc->sections[c].first_child; k >= 0; k = doc->sections[k].next_sibling)
			last = k;
		c = last;
	}
}

static void link_child(ad_doc *doc, open_section *stack, int depth, int *last_top, int idx)
{
	ad_section *s = &doc->sections[idx];

	s->depth = depth;
	if (depth == 0) {
		if (*last_top >= 0)
			doc->sections[*last_top].next_sibling = idx;
		else
			doc->first = idx;
		*last_top = idx;
		return;
	}
	s->parent = stack[depth - 1].index;
	if (stack[depth - 1].last_child >= 0)
		doc->sections[stack[depth - 1].last_child].next_sibling = idx;
	else
		doc->sections[s->parent].first_child = idx;
	stack[depth - 1].last_child = idx;
}

static void build_tree(ad_doc *doc, scan *sc, size_t max_sections)
{
	open_section *stack = NULL;
	size_t stack_cap = 0, top = 0, i;
	size_t body_end = doc->size;
	int last_top = -1;

	/* Text between the frontmatter (or the file start) and the first
	 * section is a preamble; so is text above a misplaced frontmatter. */
	if (doc->fm && doc->fm->start > 0) {
		int idx = new_section(doc, AD_SECTION_PREAMBLE, 0, "", 1, 0, 0);
		open_section o = { idx, doc->fm->start, -1 };

		link_child(doc, stack, 0, &last_top, idx);
		close_section(doc, &o, doc->fm->start);
	}
	{
		size_t first = sc->nevents ? ad_lines_start(&doc->lines, sc->events[0].line) : body_end;

		if (first > doc->body_start) {
			int idx = new_section(doc, AD_SECTION_PREAMBLE, 0, "",
					      ad_lines_of(&doc->lines, doc->body_start),
					      doc->body_start, doc->body_start);
			open_section o = { idx, first, -1 };

			link_child(doc, stack, 0, &last_top, idx);
			close_section(doc, &o, first);
		}
	}

	for (i = 0; i < sc->nevents; i++) {
		event *e = &sc->events[i];
		size_t start = ad_lines_start(&doc->lines, e->line);
		size_t cend;
		int idx;

		if (doc->nsections >= max_sections) {
			ad_diags_add(&doc->diags, &doc->arena, AD_DIAG_WARNING, "section-limit",
				     e->line, 1, "more than %zu sections: the rest are read as text",
				     max_sections);
			break;
		}
		while (top > 0) {
			open_section *o = &stack[top - 1];
			ad_section *s = &doc->sections[o->index];
			size_t limit = top > 1 ? stack[top - 2].cend : body_end;

			if (o->cend <= start ||
			    (e->kind != AD_SECTION_TAG && s->kind != AD_SECTION_TAG &&
			     s->level >= e->level)) {
				close_section(doc, o, start < limit ? start : limit);
				top--;
			} else {
				break;
			}
		}
		if (e->kind == AD_SECTION_TAG) {
			const tagline *t = &sc->tags[e->tag];
			const tagline *c = &sc->tags[t->partner];

			cend = ad_lines_start(&doc->lines, c->line + 1);
			int level = 1;
			size_t k;

			/* 1 + the tags around it; unclosed tags, which are text,
			 * do not count. */
			for (k = 0; k < top; k++)
				level += doc->sections[stack[k].index].kind == AD_SECTION_TAG;
			idx = new_section(doc, AD_SECTION_TAG, level, e->title, e->line, start,
					  ad_lines_start(&doc->lines, e->line + 1));
			doc->sections[idx].tag = ad_arena_strndup(&doc->arena, t->name, t->name_len);
			doc->sections[idx].close_start = ad_lines_start(&doc->lines, c->line);
		} else {
			cend = top > 0 ? stack[top - 1].cend : body_end;
			idx = new_section(doc, e->kind, e->level, e->title, e->line, start,
					  ad_lines_start(&doc->lines, e->end_line + 1));
		}
		link_child(doc, stack, (int)top, &last_top, idx);
		ad_xgrow((void **)&stack, &stack_cap, top + 1, sizeof(*stack));
		stack[top].index = idx;
		stack[top].cend = cend;
		stack[top].last_child = -1;
		top++;
	}
	while (top > 0) {
		close_section(doc, &stack[top - 1], top > 1 ? stack[top - 2].cend : body_end);
		top--;
	}
	free(stack);
}

static void scan_free(scan *sc)
{
	free(sc->tags);
	free(sc->events);
	free(sc->hidden);
}

static void parse_body(ad_doc *doc, const ad_doc_options *opts)
{
	scan sc;
	char *copy = NULL;
	const char *body = doc->data + doc->body_start;
	size_t body_len = doc->size - doc->body_start;
	int first_line;
	size_t i;

	memset(&sc, 0, sizeof(sc));
	if (body_len > 0) {
		cmark_node *root;

		first_line = ad_lines_of(&doc->lines, doc->body_start);
		find_tag_lines(doc, &sc, first_line, &copy);
		root = cmark_parse_document(copy ? copy : body, body_len, CMARK_OPT_DEFAULT);
		collect_blocks(doc, &sc, root, first_line - 1);
		cmark_node_free(root);
		free(copy);
		drop_hidden_tags(&sc);
		pair_tags(doc, &sc, opts->max_tag_depth);
		for (i = 0; i < sc.ntags; i++) {
			tagline *t = &sc.tags[i];

			if (!t->close && t->partner < 0 && t->depth > 0)
				ad_diags_add(&doc->diags, &doc->arena, AD_DIAG_WARNING,
					     "unclosed-tag", t->line, 1,
					     "<%.*s> is never closed, so it is not a section",
					     (int)t->name_len, t->name);
		}
		add_tag_events(doc, &sc);
	}
	build_tree(doc, &sc, opts->max_sections);
	scan_free(&sc);
}

int ad_doc_parse(ad_doc **out, const char *path, const char *data, size_t len,
		 const ad_doc_options *opts, ad_error *err)
{
	ad_doc_options defaults = AD_DOC_OPTIONS_INIT;
	ad_doc *doc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (len > opts->max_size)
		return ad_error_set(err, AD_ETOOBIG, path, 0, 0,
				    "file is too large (%zu bytes; the limit is %zu)", len,
				    opts->max_size);
	doc = ad_xcalloc(1, sizeof(*doc));
	doc->path = ad_xstrdup(path ? path : "");
	doc->data = ad_xmalloc(len + 1);
	if (len)
		memcpy(doc->data, data, len);
	doc->data[len] = '\0';
	doc->size = len;
	doc->first = -1;
	if (ad_lines_build(&doc->lines, doc->data, len) < 0) {
		ad_doc_free(doc);
		return ad_error_set(err, AD_ETOOBIG, path, 0, 0, "too many lines");
	}
	doc->fm = ad_fm_parse(&doc->arena, &doc->diags, doc->data, len, &doc->lines);
	doc->body_start = doc->fm ? doc->fm->end : 0;
	parse_body(doc, opts);
	*out = doc;
	return 0;
}

int ad_doc_load(ad_doc **out, const char *path, const ad_doc_options *opts, ad_error *err)
{
	ad_doc_options defaults = AD_DOC_OPTIONS_INIT;
	char *data;
	size_t len;
	int error;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((error = ad_read_file(&data, &len, path, opts->max_size, err)) < 0)
		return error;
	error = ad_doc_parse(out, path, data, len, opts, err);
	free(data);
	return error;
}

void ad_doc_free(ad_doc *doc)
{
	if (!doc)
		return;
	free(doc->path);
	free(doc->data);
	ad_lines_free(&doc->lines);
	ad_arena_free(&doc->arena);
	ad_diags_free(&doc->diags);
	free(doc->sections);
	free(doc);
}

const char *ad_doc_path(const ad_doc *doc)
{
	return doc->path;
}

const char *ad_doc_data(const ad_doc *doc)
{
	return doc->data;
}

size_t ad_doc_size(const ad_doc *doc)
{
	return doc->size;
}

const ad_frontmatter *ad_doc_frontmatter(const ad_doc *doc)
{
	return doc->fm;
}

size_t ad_doc_section_count(const ad_doc *doc)
{
	return doc->nsections;
}

size_t ad_doc_visible_section_count(const ad_doc *doc)
{
	size_t i, n = 0;

	for (i = 0; i < doc->nsections; i++)
		n += !doc->sections[i].blank;
	return n;
}

const ad_section *ad_doc_sections(const ad_doc *doc)
{
	return doc->sections;
}

int ad_doc_first_section(const ad_doc *doc)
{
	return doc->first;
}

size_t ad_doc_body_start(const ad_doc *doc)
{
	return doc->body_start;
}

size_t ad_doc_diag_count(const ad_doc *doc)
{
	return doc->diags.count;
}

const ad_diag *ad_doc_diags(const ad_doc *doc)
{
	return doc->diags.items;
}

int ad_doc_line_count(const ad_doc *doc)
{
	return doc->lines.count;
}

size_t ad_doc_line_start(const ad_doc *doc, int line)
{
	return ad_lines_start(&doc->lines, line);
}

int ad_doc_line_of(const ad_doc *doc, size_t offset)
{
	return ad_lines_of(&doc->lines, offset);
}

const char *ad_section_kind_name(ad_section_kind kind)
{
	switch (kind) {
	case AD_SECTION_PREAMBLE:
		return "preamble";
	case AD_SECTION_ATX:
		return "atx";
	case AD_SECTION_SETEXT:
		return "setext";
	case AD_SECTION_TAG:
		return "tag";
	}
	return "?";
}

void ad_section_label(ad_buf *out, const ad_section *s)
{
	switch (s->kind) {
	case AD_SECTION_PREAMBLE:
		ad_buf_puts(out, "(preamble)");
		return;
	case AD_SECTION_TAG:
		ad_buf_printf(out, "<%s>", s->tag ? s->tag : "");
		if (s->tag && strcmp(s->title, s->tag)) {
			ad_buf_putc(out, ' ');
			ad_buf_puts(out, s->title);
		}
		return;
	default:
		ad_buf_printf(out, "%.*s %s", s->level > 0 && s->level <= 6 ? s->level : 1,
			      "######", s->title);
	}
}
