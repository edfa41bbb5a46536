/*
 * doc: the document model of one agent definition.
 *
 * An agent definition is Markdown with YAML frontmatter.  ad_doc_parse()
 * copies the bytes it is given and finds in them:
 *
 *   - the frontmatter block (see frontmatter.h), if any;
 *   - the body's sections: ATX and setext headings (found with cmark, so a
 *     `#` inside a code fence is not a heading), XML-style block tags (a line
 *     holding only `<name ...>` whose `</name>` stands alone on a later line),
 *     and a preamble for any text before the first of those.
 *
 * Every part keeps its byte span [start, end) into the document's bytes and
 * its 1-based first line.  The spans tile the file: the frontmatter and the
 * top-level sections, in file order, cover every byte exactly once; a
 * section's children cover [lead_end, end) of their parent, where
 * [start, lead_end) is the parent's own heading line and lead-in text.  So a
 * document written back from its spans is byte-identical, whatever its line
 * endings, BOM, encoding errors or NUL bytes.
 *
 * Lines end at "\n", "\r\n" or a lone "\r", as in CommonMark.
 *
 * Ownership: the ad_doc owns its bytes and everything reachable from it;
 * every pointer it hands out is borrowed and lives as long as the document.
 * Sections live in one array and refer to each other by index (-1 = none),
 * so freeing never recurses.
 */
#ifndef AD_DOC_H
#define AD_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "error.h"
#include "frontmatter.h"
#include "util.h"

typedef struct ad_doc ad_doc;

typedef enum {
	AD_SECTION_PREAMBLE, /* text before the first heading or tag */
	AD_SECTION_ATX,      /* "# Title" */
	AD_SECTION_SETEXT,   /* "Title\n=====" */
	AD_SECTION_TAG       /* "<name ...>" ... "</name>" */
} ad_section_kind;

typedef struct {
	ad_section_kind kind;
	/* Heading level 1-6; for tags 1 + the number of enclosing tags;
	 * 0 for the preamble. */
	int level;
	/* Display title: the heading's text, or for a tag its <title> child,
	 * its name or id attribute, or else the tag name.  Plain text, never
	 * NULL; may hold any byte the file held (sanitize before printing). */
	const char *title;
	const char *tag;   /* tag name for AD_SECTION_TAG, else NULL */
	int line;          /* 1-based line of the heading or opening tag */
	int end_line;      /* 1-based last line the span touches */
	size_t start, end; /* byte span, end exclusive */
	size_t head_end;   /* end of the heading (incl. setext underline) or opening tag line */
	size_t lead_end;   /* start of the first child, or end */
	size_t close_start; /* tags: start of the closing tag line; others: end */
	int parent, first_child, next_sibling; /* indices; -1 for none */
	int depth;         /* 0 for top level */
	/* A preamble of nothing but white space (or a byte order mark): it
	 * keeps the tiling whole, but outlines and comparisons skip it. */
	bool blank;
} ad_section;

typedef struct {
	unsigned version;
	size_t max_size;     /* larger input fails with AD_ETOOBIG */
	int max_tag_depth;   /* tags nested deeper are plain text */
	size_t max_sections; /* further headings and tags are plain text */
} ad_doc_options;

#define AD_DOC_OPTIONS_VERSION 1
#define AD_DOC_MAX_SIZE ((size_t)64 << 20)
#define AD_DOC_MAX_TAG_DEPTH 64
#define AD_DOC_MAX_SECTIONS 200000
#define AD_DOC_OPTIONS_INIT \
	{ AD_DOC_OPTIONS_VERSION, AD_DOC_MAX_SIZE, AD_DOC_MAX_TAG_DEPTH, AD_DOC_MAX_SECTIONS }

/*
 * Parses len bytes (copied; any bytes at all) into *out, owned by the
 * caller.  path is only remembered for messages and may be NULL.  opts may
 * be NULL for the defaults.  Fails only on AD_ETOOBIG; everything else that
 * is wrong with the input becomes a diagnostic.
 */
int ad_doc_parse(ad_doc **out, const char *path, const char *data, size_t len,
		 const ad_doc_options *opts, ad_error *err);
/* Reads path and parses it. */
int ad_doc_load(ad_doc **out, const char *path, const ad_doc_options *opts,
		ad_error *err);
void ad_doc_free(ad_doc *doc);

const char *ad_doc_path(const ad_doc *doc); /* "" when none was given */
const char *ad_doc_data(const ad_doc *doc);  /* NUL-terminated after size bytes */
size_t ad_doc_size(const ad_doc *doc);

/* NULL when the file has no frontmatter block. */
const ad_frontmatter *ad_doc_frontmatter(const ad_doc *doc);

size_t ad_doc_section_count(const ad_doc *doc);
/* The sections an outline shows: all but blank preambles. */
size_t ad_doc_visible_section_count(const ad_doc *doc);
/* All sections in file order (pre-order of the tree); borrowed array. */
const ad_section *ad_doc_sections(const ad_doc *doc);
/* Index of the first top-level section, -1 when there is none. */
int ad_doc_first_section(const ad_doc *doc);
/* Bytes before the body: the frontmatter, and anything above it. */
size_t ad_doc_body_start(const ad_doc *doc);

size_t ad_doc_diag_count(const ad_doc *doc);
const ad_diag *ad_doc_diags(const ad_doc *doc);

/* Lines: there are ad_doc_line_count() of them (a final line without an
 * ending counts; an empty file has 0). */
int ad_doc_line_count(const ad_doc *doc);
/* Byte offset where 1-based line starts; the size for line count + 1. */
size_t ad_doc_line_start(const ad_doc *doc, int line);
/* 1-based line holding byte offset (the last line for offset == size). */
int ad_doc_line_of(const ad_doc *doc, size_t offset);

const char *ad_section_kind_name(ad_section_kind kind); /* "heading", "tag", ... */
/* Appends how a section is named to people: "## Title", "<tag> Title"
 * (the title only when it is not the tag name) or "(preamble)".  The
 * title's bytes as they are: sanitize before printing. */
void ad_section_label(ad_buf *out, const ad_section *s);

#endif
