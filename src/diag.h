/*
 * diag: findings about a document that did not stop it from loading.
 *
 * The parser records what it notices (a YAML error, frontmatter below line 1,
 * a nesting limit reached) as diagnostics; `agentdiff check` adds its lint
 * findings to the same kind of list.  Strings live in the arena given to
 * ad_diags_add(); the list's array is owned by the ad_diags.
 */
#ifndef AD_DIAG_H
#define AD_DIAG_H

#include <stddef.h>

#include "util.h"

typedef enum { AD_DIAG_ERROR, AD_DIAG_WARNING, AD_DIAG_INFO } ad_diag_severity;

typedef struct {
	ad_diag_severity severity;
	const char *id;      /* stable short name, e.g. "yaml-error"; static */
	const char *message; /* one line, no trailing period */
	int line, column;    /* 1-based; 0 when not about a place */
} ad_diag;

typedef struct {
	ad_diag *items;
	size_t count, cap;
} ad_diags;

#define AD_DIAGS_INIT { NULL, 0, 0 }

void ad_diags_add(ad_diags *diags, ad_arena *arena, ad_diag_severity severity,
		  const char *id, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void ad_diags_free(ad_diags *diags);
const char *ad_diag_severity_name(ad_diag_severity severity); /* "error", ... */

#endif
