/*
 * plan: a curated merge, written down so that it can be redone.
 *
 * A plan names its variants (files or REV:PATH, each with the git blob id
 * of the bytes it was made from) and lists, in the order of the result:
 *
 *   - the frontmatter: which variant's fences and layout, and per field
 *     which variant's value, or for list-like keys (tools, ...) the union
 *     or intersection of the variants' names, written in the form of the
 *     first variant that has the key (a block list stays a block list);
 *   - the sections: each taken from a variant (take), taken with its own
 *     text replaced by the user's (edit), left out on purpose (drop), or
 *     text of the user's own (text).  Taking a row from several variants is
 *     several take lines; leaving it out is none.
 *
 * A section is named by the variant it comes from, its title (compared
 * normalised, as ad_align_normalize_title does), its ordinal among that
 * variant's sections of the same title, and a fingerprint of the words
 * below its heading; never by line or row number.  So when a variant has
 * changed since the plan was made (its blob id differs), its sections are
 * found again by title, preferring the one whose words are unchanged, or,
 * when the title is gone, by their words alone (a renamed section).  What
 * cannot be found is reported, with the plan's line.
 *
 * Applying is splicing (see STYLE.md): the result is made of byte spans of
 * the variants, so a plan that takes everything from variant A in A's order
 * reproduces A byte for byte.  A section contributes its own text (its
 * heading and the text before its first subsection); its subsections are
 * items of their own.  An item whose parent section is open in the result
 * nests inside it; a tag's closing line is written when its section is
 * closed, so <instructions> from one variant with <scope> from another
 * still closes properly.  Where spans from different places meet, a line
 * break and a blank line before a heading are added when missing.
 *
 * The text format (one statement a line; the manual page has it all):
 *
 *   agentdiff-plan 1
 *   variant 1 "agents/a.md" blob 3b18e512dba79e4c8300dd08aeb37f8e728b8dad
 *   variant 2 "HEAD~1:agents/a.md" blob 9f2c...
 *   output "agents/merged.md" blob 1d0f...
 *   frontmatter from 1
 *   field "name" from 1
 *   field "tools" union
 *   take preamble from 1
 *   take "Role" from 2 body 5c0d1e2f
 *     take "Examples" #2 from 1
 *   drop "Hotfixes" from 2
 *   edit "Scope" from 1 <<END
 *   ...
 *   END
 *
 * Paths in a plan are relative to the plan file's folder; that is the
 * caller's business, the plan only keeps the strings.  No I/O here.
 *
 * Ownership: the caller owns an ad_plan (ad_plan_free) and an
 * ad_plan_result (ad_plan_result_free).  Strings and arrays reachable from
 * them are borrowed and live as long as they do; items and fields passed to
 * the ad_plan_add_* and ad_plan_insert_* functions are copied.
 */
#ifndef AD_PLAN_H
#define AD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "error.h"
#include "util.h"

#define AD_PLAN_VERSION 1
#define AD_PLAN_MAX_VARIANTS 64 /* = AD_ALIGN_MAX_DOCS */

typedef struct ad_plan ad_plan;

typedef struct {
	const char *spec;  /* a path or REV:PATH, as the plan has it */
	const char *blob;  /* 40 hex digits, or NULL when unknown */
	const char *comment; /* "# ..." lines written above it, or NULL */
	int line;          /* 1-based line in the plan file; 0 when built */
	int column;        /* 1-based column (in characters) of spec there */
} ad_plan_variant;

/* Which section of a variant. */
typedef struct {
	int variant;        /* 0-based */
	bool preamble;      /* the text before the first section */
	const char *title;  /* display title (ignored for the preamble) */
	int ordinal;        /* 1-based among the variant's sections of that title */
	bool has_body;
	uint32_t body;      /* fingerprint of the words below the heading */
} ad_plan_ref;

typedef enum {
	AD_PLAN_TAKE, /* the section, as the variant has it */
	AD_PLAN_EDIT, /* the section with its own text replaced by text */
	AD_PLAN_DROP, /* left out on purpose: only marks the section as decided */
	AD_PLAN_TEXT  /* text of the user's own, written where it stands */
} ad_plan_item_kind;

typedef struct {
	ad_plan_item_kind kind;
	ad_plan_ref ref;      /* TAKE, EDIT, DROP */
	const char *text;     /* EDIT, TEXT: any bytes */
	size_t text_len;
	int depth;            /* indentation when written (presentation only) */
	const char *comment;  /* "# ..." lines written above it, or NULL */
	int line;             /* 1-based line in the plan file; 0 when built */
} ad_plan_item;

typedef enum {
	AD_PLAN_FIELD_FROM,         /* the field as one variant has it */
	AD_PLAN_FIELD_UNION,        /* names of every listed variant having the key */
	AD_PLAN_FIELD_INTERSECTION, /* names all listed variants having the key share */
	AD_PLAN_FIELD_TEXT          /* the field's lines, as the user wrote them */
} ad_plan_field_mode;

typedef struct {
	const char *key;
	int ordinal;              /* 1-based among the fields with this key */
	ad_plan_field_mode mode;
	int variant;              /* FROM: 0-based */
	/* UNION, INTERSECTION: 0-based variants in order; none = all. */
	const int *variants;
	size_t nvariants;
	const char *text;         /* TEXT: whole lines, "key: value\n" */
	size_t text_len;
	const char *comment;      /* "# ..." lines written above it, or NULL */
	int line;
} ad_plan_field;

/* ------------------------------------------------------------ reading, writing */

/*
 * Parses a plan file's text (any bytes) into *out.  Errors are AD_EPARSE
 * with the 1-based line and column (in characters) of the problem and path
 * (may be NULL) in err.  Comment lines ("#" as first non-blank) and blank
 * lines are kept with the statement below them and written back by
 * ad_plan_write.
 */
int ad_plan_parse(ad_plan **out, const char *path, const char *data, size_t len, ad_error *err);

/* The plan as text, in a canonical layout; parsing it gives the same plan. */
void ad_plan_write(ad_buf *out, const ad_plan *plan);

/*
 * text (the plan file's bytes, as parsed into plan) with its output
 * statement set to path and blob (blob may be NULL): the statement's line is
 * replaced, or a new one is added after the variants.  Everything else is
 * kept byte for byte, comments included.  For recording what apply wrote.
 */
void ad_plan_splice_output(ad_buf *out, const ad_plan *plan, const char *text, size_t len,
			   const char *path, const char *blob);

/* ------------------------------------------------------------ building */

int ad_plan_new(ad_plan **out);
void ad_plan_free(ad_plan *plan);

/* Appends a variant; returns its 0-based index, or AD_ETOOBIG past
 * AD_PLAN_MAX_VARIANTS.  blob may be NULL. */
int ad_plan_add_variant(ad_plan *plan, const char *spec, const char *blob);
size_t ad_plan_variant_count(const ad_plan *plan);
const ad_plan_variant *ad_plan_variant_at(const ad_plan *plan, size_t i);

/* The output file and the blob id of what was last written there (either
 * may be NULL). */
void ad_plan_set_output(ad_plan *plan, const char *path, const char *blob);
const char *ad_plan_output(const ad_plan *plan);
const char *ad_plan_output_blob(const ad_plan *plan);
/* Where the output statement's path is in the plan file: 1-based line and
 * column (in characters); 0 and 0 when there is none or it was set. */
void ad_plan_output_at(const ad_plan *plan, int *line, int *column);

/* Whose frontmatter fences and layout the result has: a variant, or -1 for
 * no frontmatter at all (then fields are ignored). */
void ad_plan_set_frontmatter(ad_plan *plan, int variant);
int ad_plan_frontmatter(const ad_plan *plan);
/* Where the frontmatter goes: before item i (i == count: after them all).
 * 0 but for a file with text above a misplaced block.  Inserting, removing
 * and moving items keep it before the same item. */
void ad_plan_set_frontmatter_at(ad_plan *plan, size_t i);
size_t ad_plan_frontmatter_at(const ad_plan *plan);

size_t ad_plan_field_count(const ad_plan *plan);
const ad_plan_field *ad_plan_field_at(const ad_plan *plan, size_t i);
void ad_plan_add_field(ad_plan *plan, const ad_plan_field *field);
void ad_plan_remove_field(ad_plan *plan, size_t i);

size_t ad_plan_item_count(const ad_plan *plan);
const ad_plan_item *ad_plan_item_at(const ad_plan *plan, size_t i);
/* Inserts a copy of item before position i (i == count appends). */
void ad_plan_insert_item(ad_plan *plan, size_t i, const ad_plan_item *item);
void ad_plan_remove_item(ad_plan *plan, size_t i);
/* Moves item from to position to (both < count). */
void ad_plan_move_item(ad_plan *plan, size_t from, size_t to);

/*
 * The reference that names section (an index into ad_doc_sections) of doc
 * as the plan's variant `variant`.  title points into doc.
 */
void ad_plan_ref_of(ad_plan_ref *out, const ad_doc *doc, int variant, int section);
/* ad_plan_ref_of() for every section of doc at once, into out (which has
 * ad_doc_section_count(doc) entries): one pass over doc, not one each. */
void ad_plan_refs_of(ad_plan_ref *out, const ad_doc *doc, int variant);

/* The section ref names in doc, or -1.  exact: the variant is unchanged
 * since the ref was made (trust the ordinal); else prefer the fingerprint. */
int ad_plan_find(const ad_doc *doc, const ad_plan_ref *ref, bool exact);

/*
 * The plan a merge starts from: every section and field of docs[0] in its
 * order, rows that docs[0] lacks as drop items at their place in the
 * alignment, and the other variants' differing versions as commented
 * alternatives ("# or: take "Scope" from 2  (modified)").  specs and blobs
 * (blobs may be NULL) name the variants.
 */
int ad_plan_default(ad_plan **out, const ad_doc *const *docs, const char *const *specs,
		    const char *const *blobs, size_t ndocs, ad_error *err);

/* ------------------------------------------------------------ applying */

/* Where a part of the result came from. */
typedef struct {
	size_t item;        /* index of the plan item */
	int variant;        /* -1 for text */
	int section;        /* section index in that variant, -1 for text */
	bool edited;
	size_t start, end;  /* its bytes in the result */
} ad_plan_piece;

/* Something the plan names that the variants no longer have. */
typedef struct {
	bool field;         /* a frontmatter field, else a plan item */
	size_t index;       /* item or field index */
	int line;           /* plan line, 0 if built */
	char *message;      /* "take "Role" from 2: no section "Role" in variant 2" */
} ad_plan_missing;

/* A section that no plan item decides on, in a variant that changed since
 * the plan was made (its recorded blob differs): new upstream. */
typedef struct {
	int variant;
	int section;
} ad_plan_unplanned;

typedef struct {
	ad_buf text;                    /* the result */
	ad_plan_piece *pieces;          /* in result order */
	size_t npieces;
	ad_plan_missing *missing;
	size_t nmissing;
	ad_plan_unplanned *unplanned;   /* one per such alignment row */
	size_t nunplanned;
	bool *changed;                  /* per variant: blob differs from the plan's */
} ad_plan_result;

/*
 * Applies plan to docs (one per plan variant, in order; blobs[i] the
 * current blob id of docs[i] or NULL when unknown, meaning changed) into
 * *out.  Missing sections and fields are left out of the result and listed;
 * that is not an error.  Fails only with AD_EINVALID when ndocs does not
 * match the plan.
 */
int ad_plan_apply(ad_plan_result **out, const ad_plan *plan, const ad_doc *const *docs,
		  const char *const *blobs, size_t ndocs, ad_error *err);
void ad_plan_result_free(ad_plan_result *result);

/*
 * Git trailers that say where each part of res came from, one a line:
 *
 *   Frontmatter-Source: agents/x.md (blob 9f2c1e0)
 *   Field-Source: model <- agents/y.md@1a2b3c4     (fields from elsewhere)
 *   Field-Source: tools <- union of 1, 2
 *   Section-Source: Role <- agents/y.md@1a2b3c4, edited
 *   Section-Source: (text) <- merge.plan
 *
 * names[v] names variant v on one line (ad_vsource_provenance); titles are
 * sanitized and cut.  For commit messages (apply --commit, the UI).
 */
void ad_plan_trailers(ad_buf *out, const ad_plan *plan, const ad_plan_result *res,
		      const ad_doc *const *docs, const char *const *names, const char *plan_name);

/*
 * A commit message: subject (the user's text; trailing blank lines and
 * spaces dropped), a blank line, and ad_plan_trailers().  For apply
 * --commit and the terminal UI's merge, so that both record the same.
 */
void ad_plan_commit_message(ad_buf *out, const char *subject, const ad_plan *plan,
			    const ad_plan_result *res, const ad_doc *const *docs,
			    const char *const *names, const char *plan_name);

#endif
