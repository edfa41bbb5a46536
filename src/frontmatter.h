/*
 * frontmatter: the YAML block at the top of an agent definition.
 *
 * The block is a line holding only "---" (optionally after a UTF-8 BOM, and
 * with trailing spaces or tabs), YAML lines, and a closing line holding only
 * "---" (or "..."). ad_fm_parse() finds it, parses it with libyaml's event
 * parser (aliases are never expanded, so alias bombs cost nothing), and
 * records every top-level field with its exact place in the file.
 *
 * Found below line 1 (text pasted above it from a web page), the block is
 * still parsed, and `misplaced` says so; it is looked for only in the first
 * lines of the file, before any heading, and only when it holds a `name:` or
 * `description:` key, so a thematic break in the body is never taken for one.
 *
 * Malformed YAML is not fatal: `error` holds libyaml's problem with its
 * 1-based line and column in the file, and the fields come from a lenient
 * line-based reading (`key: value` at column 1, every other line continuing
 * it; "|" and ">" block scalars, "[a, b]" flow lists and "- item" lists are
 * recognised) so that the rest of agentdiff still sees them; `lenient` says
 * so.  Collections nested more than 64 levels inside a field are such an
 * error too.  In a misplaced block, lines holding only "|" (left by a copy
 * from a web page) are skipped by the lenient reader.
 *
 * Columns, here and in the diagnostics, count characters, not bytes.
 *
 * Everything is allocated in the arena passed to ad_fm_parse() and lives
 * as long as it (in practice, as long as the ad_doc that owns the arena).
 */
#ifndef AD_FRONTMATTER_H
#define AD_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "lines.h"
#include "util.h"

typedef enum {
	AD_FM_NULL,       /* "key:" with no value */
	AD_FM_SCALAR,     /* plain or quoted scalar */
	AD_FM_LITERAL,    /* "|" block scalar */
	AD_FM_FOLDED,     /* ">" block scalar */
	AD_FM_BLOCK_LIST, /* "- item" lines */
	AD_FM_FLOW_LIST,  /* "[a, b]" */
	AD_FM_MAP,        /* nested mapping, block or flow */
	AD_FM_OTHER       /* anything else (a list of maps, ...); raw text only */
} ad_fm_kind;

typedef struct {
	const char *key;   /* decoded key, NUL-terminated */
	ad_fm_kind kind;
	/* Decoded text for scalars (AD_FM_NULL: ""); for lists, maps and
	 * others the raw source text of the value.  Never NULL. */
	const char *value;
	/* List items, decoded, for AD_FM_BLOCK_LIST and AD_FM_FLOW_LIST (a
	 * non-scalar item holds its raw text); NULL and 0 otherwise. */
	const char *const *items;
	size_t nitems;
	int line, column;  /* 1-based place of the key in the file */
	/* From the start of the key's line to the start of the next field's
	 * line, or to the closing fence: the fields tile
	 * [yaml_start, yaml_end) from the first field on (comments and blank
	 * lines go with the field above them). */
	size_t start, end;
	size_t value_start, value_end; /* raw bytes of the value */
	/* How many fields before this one have the same key: 0 for the
	 * first, 1 for the second "name:", ... (plans call it #2). */
	size_t occurrence;
} ad_fm_field;

/* A YAML escape in a double-quoted scalar that stands for a character a
 * terminal must not get raw (see ad_fm_escape_cp_unsafe). */
typedef struct {
	size_t offset;     /* of the backslash, in the file */
	size_t len;        /* bytes of the escape: 2 for "\e", 6 for "\u202e" */
	unsigned cp;       /* the code point it stands for */
} ad_fm_escape;

typedef struct {
	/* The whole block: opening fence (after any BOM) through the closing
	 * fence's line ending. */
	size_t start, end;
	size_t yaml_start, yaml_end; /* the lines between the fences */
	int line, end_line;          /* 1-based lines of the two fences */
	bool misplaced;              /* not on line 1 */
	bool lenient;                /* fields read line by line after a YAML error */
	/* The YAML parsed but is not a mapping (a scalar, a list): no fields.
	 * An empty block (or only comments) is a mapping with no fields. */
	bool not_mapping;
	const ad_fm_field *fields;
	size_t nfields;
	const char *error;           /* NULL when the YAML parsed */
	int error_line, error_column; /* 1-based, in the file */
	/* The control characters that double-quoted scalars (keys, values and
	 * items at any depth) hold as escapes: "\e", "\x1b", "\u009b" or
	 * "\u202e" are plain ASCII in the file but a control in the value
	 * loaders read.  In file order; NULL and 0 when there are none.  Found
	 * in what libyaml read before any error. */
	const ad_fm_escape *escapes;
	size_t nescapes;
	/* The fields by key, for ad_fm_get() and ad_fm_get_nth(): private. */
	const struct ad_fm_keys *keys;
} ad_frontmatter;

/*
 * Finds and parses the frontmatter of data (len bytes, any content; lines is
 * its line table).  Returns NULL when there is none.  Problems become
 * diagnostics in diags: "yaml-error", "frontmatter-misplaced",
 * "frontmatter-unterminated" (an opening fence on line 1 with no closing
 * one: then there is no frontmatter and the text is body), and
 * "yaml-not-mapping".
 */
const ad_frontmatter *ad_fm_parse(ad_arena *arena, ad_diags *diags,
				  const char *data, size_t len,
				  const ad_lines *lines);

/* The first field named key, or NULL.  A hash table of the keys, built
 * with the fields, makes this and ad_fm_get_nth() constant time, however
 * many fields there are. */
const ad_fm_field *ad_fm_get(const ad_frontmatter *fm, const char *key);
/* The nth (1-based) field named key, or NULL: the field whose occurrence
 * is nth - 1. */
const ad_fm_field *ad_fm_get_nth(const ad_frontmatter *fm, const char *key, size_t nth);

/*
 * The names in a list-like field however it is spelled: a block list, a
 * flow list, or a scalar of names split as ad_fm_split_names() splits.
 * Names are trimmed; empty ones are dropped.  *out is an array of count
 * strings allocated in arena, with a NULL after them; it is NULL when the
 * field (which may be NULL) is empty, a map or other.  Returns the count.
 */
size_t ad_fm_list_items(const char ***out, ad_arena *arena, const ad_fm_field *field);

/*
 * The names in a comma string, the one splitter: s (len bytes) is cut at
 * its top-level commas, those outside brackets ("(", "[", "{"), so that
 * "Read, Agent(worker, researcher)" is two names; with no top-level comma
 * it is cut at top-level blanks instead ("Read Grep").  Names are trimmed,
 * empty ones dropped; *out as for ad_fm_list_items().  Returns the count.
 */
size_t ad_fm_split_names(const char ***out, ad_arena *arena, const char *s, size_t len);

/*
 * Writing YAML: the one writer every command that changes frontmatter uses
 * (a plan's apply, a merge), so that what one writes another reads back the
 * same.  Each appends to out and writes no line ending of its own unless
 * it says so.
 */

/* Whether s written as it is reads back as the string s: as a plain
 * scalar in a block (flow false) or inside "[...]" (flow true).  Not when
 * it is empty, starts with an indicator ("-", "#", "'", ...), ends in a
 * blank or ':', holds ": " or " #" or a control, in a flow ",[]{}:#" or a
 * quote; nor when a loader would read another type: true, false, yes, no,
 * on, off, y, n, null, ~ (in any case), .inf, .nan, or a number. */
bool ad_fm_scalar_plain(const char *s, bool flow);
/* s double-quoted: \" and \\ escaped, controls as \xNN. */
void ad_fm_put_dquoted(ad_buf *out, const char *s);
/* s plain when ad_fm_scalar_plain() allows it, else double-quoted. */
void ad_fm_put_scalar(ad_buf *out, const char *s, bool flow);
/* "[a, b]", each name as ad_fm_put_scalar() writes it in a flow. */
void ad_fm_put_flow_list(ad_buf *out, const char *const *names, size_t n);
/* One line per name: prefix (the items' indent and "- "), the name as a
 * block scalar, eol.  A name that a comma string would not hold as one
 * ("a, b", "Read Grep") is double-quoted even where YAML needs no quotes,
 * so that no reader takes it for two. */
void ad_fm_put_block_items(ad_buf *out, const char *prefix, const char *const *names,
			   size_t n, const char *eol);

typedef enum {
	AD_FM_QUOTE_ANY,    /* plain when it can be, else "..." */
	AD_FM_QUOTE_DOUBLE, /* "..." */
	AD_FM_QUOTE_SINGLE  /* '...' (with '' for '), "..." when it holds a control */
} ad_fm_quote;

/* The names as one comma string, joined by sep (", " or " "), quoted as
 * quote says: "Read, Grep".  Returns false and writes nothing when
 * ad_fm_split_names() would not give the names back (a name with a
 * top-level comma or open bracket, an empty name, a line break, no names):
 * the caller writes a flow list then. */
bool ad_fm_put_comma_string(ad_buf *out, const char *const *names, size_t n,
			    const char *sep, ad_fm_quote quote);

const char *ad_fm_kind_name(ad_fm_kind kind); /* "scalar", "block-list", ... */

/* Whether a value holding the code point cp shows other than it reads: the
 * C0 controls but tab and line feed, DEL, and what ad_term_sanitize()
 * escapes (C1 controls, bidirectional controls, U+2028 and U+2029).  These
 * are the escapes listed in ad_frontmatter.escapes. */
bool ad_fm_escape_cp_unsafe(unsigned cp);

#endif
