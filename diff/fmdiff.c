#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmdiff.h"
#include "textdiff.h"

struct ad_fmdiff {
	size_t ndocs;
	ad_fmdiff_row *rows;
	size_t nrows;
	ad_arena arena; /* cells, name arrays */
	size_t *table;  /* open addressing by key: row index + 1; 0 = empty */
	size_t mask;
};

const char *ad_fmdiff_status_name(ad_fmdiff_status status)
{
	switch (status) {
	case AD_FMDIFF_SAME: return "same";
	case AD_FMDIFF_CHANGED: return "changed";
	case AD_FMDIFF_ADDED: return "added";
	case AD_FMDIFF_REMOVED: return "removed";
	case AD_FMDIFF_PARTIAL: return "partial";
	}
	return "unknown";
}

bool ad_fmdiff_is_set_key(const char *key)
{
	char norm[64];
	size_t n = 0;
	const char *p;

	for (p = key; *p; p++) {
		if (*p == '-' || *p == '_')
			continue;
		if (n + 1 >= sizeof(norm))
			return false;
		norm[n++] = (char)tolower((unsigned char)*p);
	}
	norm[n] = '\0';
	if (n >= 5 && !strcmp(norm + n - 5, "tools"))
		return true;
	return !strcmp(norm, "skills") || !strcmp(norm, "mcpservers");
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool sorted_has(const char *const *sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof(*sorted), cmp_str) != NULL;
}

/* A cell's names: deduplicated in file order, plus a sorted copy for lookups. */
typedef struct {
	const char **names;
	size_t n;
	const char **sorted;
} nameset;

static void nameset_build(nameset *ns, ad_arena *arena, const ad_fm_field *f)
{
	const char **items = NULL;
	size_t n = f ? ad_fm_list_items(&items, arena, f) : 0, i, k = 0;
	bool *seen;

	ns->names = NULL;
	ns->sorted = NULL;
	ns->n = 0;
	if (!n)
		return;
	ns->sorted = ad_arena_alloc(arena, n * sizeof(char *));
	memcpy(ns->sorted, items, n * sizeof(char *));
	qsort(ns->sorted, n, sizeof(char *), cmp_str);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(ns->sorted[i], ns->sorted[k - 1]))
			ns->sorted[k++] = ns->sorted[i];
	/* File order without duplicates: the first occurrence of each name. */
	seen = ad_xcalloc(k, sizeof(*seen));
	ns->names = ad_arena_alloc(arena, (k + 1) * sizeof(char *));
	for (i = 0; i < n; i++) {
		const char **hit = bsearch(&items[i], ns->sorted, k, sizeof(char *), cmp_str);
		size_t pos = (size_t)(hit - ns->sorted);

		if (seen[pos])
			continue;
		seen[pos] = true;
		ns->names[ns->n++] = items[i];
	}
	ns->names[ns->n] = NULL;
	free(seen);
}

static bool nameset_equal(const nameset *a, const nameset *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->sorted[i], b->sorted[i]))
			return false;
	return true;
}

/* Names of a that b lacks, in a's order; NULL when none. */
static const char *const *name_minus(size_t *count, ad_arena *arena,
				      const nameset *a, const nameset *b)
{
	const char **out = NULL;
	size_t i, n = 0;

	for (i = 0; i < a->n; i++) {
		if (sorted_has(b->sorted, b->n, a->names[i]))
			continue;
		if (!out)
			out = ad_arena_alloc(arena, (a->n + 1) * sizeof(char *));
		out[n++] = a->names[i];
	}
	if (out)
		out[n] = NULL;
	*count = n;
	return out;
}

static bool is_list(const ad_fm_field *f)
{
	return f->kind == AD_FM_BLOCK_LIST || f->kind == AD_FM_FLOW_LIST;
}

static bool is_text(const ad_fm_field *f)
{
	return f->kind == AD_FM_NULL || f->kind == AD_FM_SCALAR ||
	       f->kind == AD_FM_LITERAL || f->kind == AD_FM_FOLDED;
}

/* Raw source text, for maps and others. */
static bool raw_equal(const ad_fm_field *a, const ad_fm_field *b)
{
	return !strcmp(a->value, b->value);
}

static bool field_equal(const ad_fm_field *a, const ad_fm_field *b)
{
	size_t i;

	if (is_list(a) && is_list(b)) {
		if (a->nitems != b->nitems)
			return false;
		for (i = 0; i < a->nitems; i++)
			if (strcmp(a->items[i], b->items[i]))
				return false;
		return true;
	}
	if (is_text(a) && is_text(b))
		return !strcmp(a->value, b->value);
	if (is_list(a) || is_list(b) || is_text(a) || is_text(b))
		return false;
	return raw_equal(a, b);
}

static bool field_same_words(const ad_fm_field *a, const ad_fm_field *b)
{
	return is_text(a) && is_text(b) &&
	       ad_textdiff_same_words(a->value, strlen(a->value), b->value,
				      strlen(b->value));
}

static void classify(ad_fmdiff *fd, ad_fmdiff_row *row)
{
	size_t d, present = 0, ref = (size_t)-1;
	bool differs = false, reflow_only = true;
	nameset *sets = NULL;

	for (d = 0; d < fd->ndocs; d++) {
		if (row->cells[d]) {
			present++;
			if (ref == (size_t)-1)
				ref = d;
		}
	}
	if (row->set) {
		ad_fmdiff_names *names = ad_arena_alloc(&fd->arena,
							fd->ndocs * sizeof(*names));

		sets = ad_xcalloc(fd->ndocs, sizeof(*sets));
		for (d = 0; d < fd->ndocs; d++)
			nameset_build(&sets[d], &fd->arena, row->cells[d]);
		for (d = 0; d < fd->ndocs; d++) {
			memset(&names[d], 0, sizeof(names[d]));
			names[d].names = sets[d].n ? sets[d].names : NULL;
			names[d].nnames = sets[d].n;
			if (d == 0)
				continue;
			names[d].added = name_minus(&names[d].nadded, &fd->arena,
						    &sets[d], &sets[0]);
			names[d].removed = name_minus(&names[d].nremoved, &fd->arena,
						      &sets[0], &sets[d]);
		}
		row->names = names;
	}
	for (d = ref + 1; d < fd->ndocs; d++) {
		const ad_fm_field *a = row->cells[ref], *b = row->cells[d];

		if (!b)
			continue;
		if (row->set ? nameset_equal(&sets[ref], &sets[d]) : field_equal(a, b))
			continue;
		differs = true;
		if (row->set || !field_same_words(a, b))
			reflow_only = false;
	}
	row->differs = differs;
	row->reflowed = differs && reflow_only;
	if (present == fd->ndocs)
		row->status = differs ? AD_FMDIFF_CHANGED : AD_FMDIFF_SAME;
	else if (fd->ndocs == 2)
		row->status = row->cells[0] ? AD_FMDIFF_REMOVED : AD_FMDIFF_ADDED;
	else
		row->status = AD_FMDIFF_PARTIAL;
	free(sets);
}

/* The slot of key in the table: where its row is, or the empty slot where
 * it would go. */
static size_t key_slot(const ad_fmdiff *fd, const char *key)
{
	size_t slot = (size_t)hash_str(key) & fd->mask;

	while (fd->table[slot] && strcmp(fd->rows[fd->table[slot] - 1].key, key))
		slot = (slot + 1) & fd->mask;
	return slot;
}

int ad_fmdiff_docs(ad_fmdiff **out, const ad_doc *const *docs, size_t ndocs)
{
	ad_fmdiff *fd;
	size_t total = 0, cap = 0, d, i;

	*out = NULL;
	if (ndocs == 0)
		return AD_EINVALID;
	for (d = 0; d < ndocs; d++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(docs[d]);

		total += fm ? fm->nfields : 0;
	}
	fd = ad_xcalloc(1, sizeof(*fd));
	fd->ndocs = ndocs;
	fd->rows = total ? ad_xcalloc(total, sizeof(*fd->rows)) : NULL;
	for (cap = 16; cap < total * 2; cap *= 2)
		;
	fd->mask = cap - 1;
	fd->table = ad_xcalloc(cap, sizeof(*fd->table));
	for (d = 0; d < ndocs; d++) {
		const ad_frontmatter *fm = ad_doc_frontmatter(docs[d]);

		for (i = 0; fm && i < fm->nfields; i++) {
			const ad_fm_field *f = &fm->fields[i];
			size_t slot = key_slot(fd, f->key);
			ad_fmdiff_row *row;

			if (!fd->table[slot]) {
				const ad_fm_field **cells;

				row = &fd->rows[fd->nrows];
				fd->table[slot] = ++fd->nrows;
				cells = ad_arena_alloc(&fd->arena, ndocs * sizeof(*cells));
				memset(cells, 0, ndocs * sizeof(*cells));
				row->key = f->key;
				row->cells = cells;
				row->set = ad_fmdiff_is_set_key(f->key);
			}
			row = &fd->rows[fd->table[slot] - 1];
			if (!row->cells[d])
				((const ad_fm_field **)row->cells)[d] = f;
		}
	}
	for (i = 0; i < fd->nrows; i++)
		classify(fd, &fd->rows[i]);
	*out = fd;
	return 0;
}

void ad_fmdiff_free(ad_fmdiff *fd)
{
	if (!fd)
		return;
	free(fd->rows);
	free(fd->table);
	ad_arena_free(&fd->arena);
	free(fd);
}

size_t ad_fmdiff_doc_count(const ad_fmdiff *fd)
{
	return fd->ndocs;
}

size_t ad_fmdiff_row_count(const ad_fmdiff *fd)
{
	return fd->nrows;
}

const ad_fmdiff_row *ad_fmdiff_row_at(const ad_fmdiff *fd, size_t i)
{
	return i < fd->nrows ? &fd->rows[i] : NULL;
}

const ad_fmdiff_row *ad_fmdiff_find(const ad_fmdiff *fd, const char *key)
{
	size_t slot;

	if (!fd || !key)
		return NULL;
	slot = key_slot(fd, key);
	return fd->table[slot] ? &fd->rows[fd->table[slot] - 1] : NULL;
}

bool ad_fmdiff_has_changes(const ad_fmdiff *fd)
{
	size_t i;

	for (i = 0; i < fd->nrows; i++)
		if (fd->rows[i].status != AD_FMDIFF_SAME)
			return true;
	return false;
}
