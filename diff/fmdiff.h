/*
 * fmdiff: the frontmatter of several variants compared field by field.
 *
 * ad_fmdiff_docs() returns a row per top-level key, in the order keys first
 * appear (the first variant's keys, then keys only later variants have), and
 * a cell per variant: the field, or NULL where that variant lacks the key (a
 * duplicated key counts by its first occurrence, as ad_fm_get() does).
 *
 * How two fields compare:
 *   - list-like keys (tools, disallowedTools, allowed-tools, skills, ...;
 *     see ad_fmdiff_is_set_key) as a SET of names, however they are
 *     spelled: "- Read" lines, "[Read, Grep]" and "Read, Grep" are equal
 *     when the names are, in any order.  Each cell then also gets the names
 *     added and removed relative to the first variant (an absent field is
 *     the empty set);
 *   - other lists by their decoded items, in order (block and flow lists
 *     with the same items are equal);
 *   - scalars and block scalars by their exact decoded text; a change that
 *     keeps the same words in the same order (re-wrapped text, a "|" block
 *     turned into a ">" one) is flagged `reflowed`;
 *   - maps and anything else by their raw source text.
 *
 * Ownership: the caller owns the ad_fmdiff (ad_fmdiff_free, which accepts
 * NULL); rows, cells and name arrays are borrowed from it.  Fields and their
 * strings are borrowed from the documents, which must outlive it.  No I/O.
 */
#ifndef AD_FMDIFF_H
#define AD_FMDIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

typedef struct ad_fmdiff ad_fmdiff;

typedef enum {
	AD_FMDIFF_SAME = 0, /* present everywhere, equal everywhere */
	AD_FMDIFF_CHANGED,  /* present everywhere, some value differs */
	AD_FMDIFF_ADDED,    /* 2-way: only in the second variant */
	AD_FMDIFF_REMOVED,  /* 2-way: only in the first variant */
	AD_FMDIFF_PARTIAL   /* 3+ variants: missing from some of them */
} ad_fmdiff_status;

/* The names of a set-compared cell.  All arrays are NULL when empty. */
typedef struct {
	const char *const *names;   /* the variant's names, file order, no duplicates */
	size_t nnames;
	const char *const *added;   /* names the first variant lacks, file order */
	size_t nadded;
	const char *const *removed; /* first variant's names this one lacks */
	size_t nremoved;
} ad_fmdiff_names;

typedef struct {
	const char *key;   /* as in the first variant holding it */
	ad_fmdiff_status status;
	bool set;          /* compared as a set of names (names below) */
	/* Some values differ, but all only in whitespace and line breaks. */
	bool reflowed;
	/* For PARTIAL rows: whether the present values differ among
	 * themselves (always false for SAME, true for CHANGED). */
	bool differs;
	const ad_fm_field *const *cells; /* ndocs; NULL where absent */
	const ad_fmdiff_names *names;    /* ndocs for set rows, else NULL */
} ad_fmdiff_row;

/* Compares the frontmatter of ndocs (>= 1) documents into *out.  A document
 * without frontmatter has no keys.  Returns 0, or AD_EINVALID for ndocs 0. */
int ad_fmdiff_docs(ad_fmdiff **out, const ad_doc *const *docs, size_t ndocs);
void ad_fmdiff_free(ad_fmdiff *fd);

size_t ad_fmdiff_doc_count(const ad_fmdiff *fd);
size_t ad_fmdiff_row_count(const ad_fmdiff *fd);
const ad_fmdiff_row *ad_fmdiff_row_at(const ad_fmdiff *fd, size_t i);
/* The row of key, or NULL when no variant has it: a hash table lookup,
 * constant time. */
const ad_fmdiff_row *ad_fmdiff_find(const ad_fmdiff *fd, const char *key);
/* Whether any row is not AD_FMDIFF_SAME. */
bool ad_fmdiff_has_changes(const ad_fmdiff *fd);

/* Whether key names a list of names compared as a set: after dropping case,
 * '-' and '_', it is "tools" or ends with "tools" (allowed-tools,
 * disallowedTools), or is "skills" or "mcpservers". */
bool ad_fmdiff_is_set_key(const char *key);

/* "same", "changed", "added", "removed", "partial". */
const char *ad_fmdiff_status_name(ad_fmdiff_status status);

#endif
