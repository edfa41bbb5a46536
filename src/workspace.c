#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "doc.h"
#include "fileio.h"
#include "frontmatter.h"
#include "workspace.h"

/* Like git's buffer_is_binary(): a NUL in the first 8000 bytes. */
#define BINARY_PROBE 8000

struct ad_workspace {
	ad_arena arena;          /* paths, folders, names, messages */
	ad_ws_agent *agents;
	size_t nagents;
	ad_ws_variant *variants; /* grouped: each agent's are contiguous */
	size_t nvariants;
	ad_ws_skipped *skipped;
	size_t nskipped;
	ad_doc **docs;           /* owned; NULL with summary_only */
	size_t ndocs;
	size_t files_seen;
};

/* A file or folder already met, by identity, so that symlinks neither loop
 * nor list one file twice.  `active` while the folder is being searched. */
typedef struct {
	dev_t dev;
	ino_t ino;
	const char *path;
	bool used, active;
} seen_entry;

typedef struct {
	const char *key; /* normalised name */
	ad_ws_variant v;
} found_variant;

typedef struct {
	ad_workspace *ws;
	ad_ws_options opts;
	seen_entry *seen;
	size_t nseen, seen_cap; /* seen_cap is 0 or a power of two */
	found_variant *found;
	size_t nfound, found_cap;
	size_t skipped_cap, docs_cap;
	ad_buf tmp;
} scan_state;

const char *ad_ws_skip_reason_name(ad_ws_skip_reason reason)
{
	switch (reason) {
	case AD_WS_SKIP_NOT_MARKDOWN: return "not-markdown";
	case AD_WS_SKIP_NO_NAME: return "no-name";
	case AD_WS_SKIP_UNREADABLE: return "unreadable";
	case AD_WS_SKIP_TOO_LARGE: return "too-large";
	case AD_WS_SKIP_NOT_REGULAR: return "not-regular";
	case AD_WS_SKIP_BINARY: return "binary";
	case AD_WS_SKIP_SYMLINK_LOOP: return "symlink-loop";
	case AD_WS_SKIP_DUPLICATE: return "duplicate";
	case AD_WS_SKIP_TOO_DEEP: return "too-deep";
	}
	return "unknown";
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_separator(char c)
{
	return is_space(c) || c == '_' || c == '-';
}

void ad_ws_normalize_name(ad_buf *out, const char *name, size_t len)
{
	size_t i = 0;

	while (len > 0 && is_space(name[len - 1]))
		len--;
	while (i < len && is_space(name[i]))
		i++;
	ad_buf_put(out, "", 0); /* "" rather than no string for an empty name */
	ad_buf_grow(out, len - i);
	while (i < len) {
		char c = name[i];

		if (is_separator(c)) {
			ad_buf_putc(out, '-');
			while (i < len && is_separator(name[i]))
				i++;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		ad_buf_putc(out, c);
		i++;
	}
}

/* ---------------------------------------------------------------- paths */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static bool has_suffix_icase(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix), i;

	if (n < m)
		return false;
	for (i = 0; i < m; i++) {
		char c = s[n - m + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != suffix[i])
			return false;
	}
	return true;
}

static bool is_markdown(const char *name)
{
	return has_suffix_icase(name, ".md") || has_suffix_icase(name, ".markdown");
}

/* Folders not searched unless named explicitly. */
static bool is_ignored_dir(const char *name)
{
	if (strcmp(name, "node_modules") == 0)
		return true;
	return name[0] == '.' && strcmp(name, ".claude") != 0;
}

/* Whether a path as given names or lies in a folder called "agents". */
static bool path_has_agents(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 6 && memcmp(p, "agents", 6) == 0)
			return true;
		p += n;
		while (*p == '/')
			p++;
	}
	return false;
}

static const char *join_path(ad_arena *arena, const char *dir, const char *name)
{
	size_t dlen = strlen(dir), nlen = strlen(name);
	char *p;

	if (strcmp(dir, ".") == 0)
		return ad_arena_strndup(arena, name, nlen);
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	p = ad_arena_alloc(arena, dlen + 1 + nlen + 1);
	memcpy(p, dir, dlen);
	if (dir[dlen - 1] != '/')
		p[dlen++] = '/';
	memcpy(p + dlen, name, nlen + 1);
	return p;
}

/* ---------------------------------------------------------------- state */

/* path is in the workspace's arena already.  The entry returned is valid
 * until the next one is added. */
static ad_ws_skipped *add_skipped(scan_state *s, const char *path, ad_ws_skip_reason reason,
				  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static ad_ws_skipped *add_skipped(scan_state *s, const char *path, ad_ws_skip_reason reason,
				  const char *fmt, ...)
{
	ad_workspace *ws = s->ws;
	ad_ws_skipped *sk;
	va_list ap;

	ad_xgrow((void **)&ws->skipped, &s->skipped_cap, ws->nskipped + 1, sizeof(*ws->skipped));
	sk = &ws->skipped[ws->nskipped++];
	sk->path = path;
	sk->reason = reason;
	sk->not_searched = false;
	ad_buf_clear(&s->tmp);
	va_start(ap, fmt);
	ad_buf_vprintf(&s->tmp, fmt, ap);
	va_end(ap);
	sk->message = ad_arena_strndup(&ws->arena, ad_buf_cstr(&s->tmp), s->tmp.size);
	return sk;
}

static size_t seen_slot(const scan_state *s, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15u;
	size_t i;

	h ^= (uint64_t)dev + 0x632BE59BD9B4E019u + (h << 6) + (h >> 2);
	for (i = (size_t)(h ^ (h >> 29)) & (s->seen_cap - 1); s->seen[i].used;
	     i = (i + 1) & (s->seen_cap - 1))
		if (s->seen[i].dev == dev && s->seen[i].ino == ino)
			break;
	return i;
}

static seen_entry *seen_find(scan_state *s, const struct stat *st)
{
	size_t i;

	if (!s->seen_cap)
		return NULL;
	i = seen_slot(s, st->st_dev, st->st_ino);
	return s->seen[i].used ? &s->seen[i] : NULL;
}

/* Adds an identity not yet in the table.  The entry returned is valid
 * until the next insertion, so callers keep the stat to find it again. */
static seen_entry *seen_insert(scan_state *s, const struct stat *st, const char *path)
{
	seen_entry *e;

	if ((s->nseen + 1) * 2 > s->seen_cap) {
		seen_entry *old = s->seen;
		size_t old_cap = s->seen_cap, j;

		s->seen_cap = old_cap ? old_cap * 2 : 64;
		s->seen = ad_xcalloc(s->seen_cap, sizeof(*s->seen));
		for (j = 0; j < old_cap; j++)
			if (old[j].used)
				s->seen[seen_slot(s, old[j].dev, old[j].ino)] = old[j];
		free(old);
	}
	e = &s->seen[seen_slot(s, st->st_dev, st->st_ino)];
	e->used = true;
	e->active = false;
	e->dev = st->st_dev;
	e->ino = st->st_ino;
	e->path = path;
	s->nseen++;
	return e;
}

/* ---------------------------------------------------------------- scanning */

static void note_file(scan_state *s, const char *path)
{
	s->ws->files_seen++;
	if (s->opts.progress)
		s->opts.progress(s->ws->files_seen, path, s->opts.payload);
}

static bool is_scalar_kind(ad_fm_kind kind)
{
	return kind == AD_FM_SCALAR || kind == AD_FM_LITERAL || kind == AD_FM_FOLDED;
}

/* The group of a file without a usable frontmatter name: its name without
 * the extension, normalised, into s->tmp. */
static void file_name_key(scan_state *s, const char *path)
{
	const char *base = base_name(path), *dot = strrchr(base, '.');
	size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);

	ad_buf_clear(&s->tmp);
	ad_ws_normalize_name(&s->tmp, base, len);
	if (!s->tmp.size)
		ad_ws_normalize_name(&s->tmp, base, strlen(base));
	if (!s->tmp.size)
		ad_buf_puts(&s->tmp, "unnamed");
}

/* path is in the workspace's arena; st is what stat() said of it. */
static void scan_file(scan_state *s, const char *path, const struct stat *st,
		      bool explicit_path, bool under_agents)
{
	ad_workspace *ws = s->ws;
	ad_error e = AD_ERROR_INIT;
	ad_doc_options dopts = AD_DOC_OPTIONS_INIT;
	ad_doc *doc = NULL;
	const ad_frontmatter *fm;
	const ad_fm_field *name = NULL;
	const seen_entry *dup;
	found_variant *f;
	char *data = NULL;
	size_t len = 0;
	int error;

	note_file(s, path);
	if (!explicit_path && !is_markdown(base_name(path))) {
		add_skipped(s, path, AD_WS_SKIP_NOT_MARKDOWN, "not a Markdown file");
		goto done;
	}
	if (!S_ISREG(st->st_mode)) {
		add_skipped(s, path, AD_WS_SKIP_NOT_REGULAR, "not a regular file");
		goto done;
	}
	if ((dup = seen_find(s, st)) != NULL) {
		if (strcmp(dup->path, path) != 0)
			add_skipped(s, path, AD_WS_SKIP_DUPLICATE, "same file as %s", dup->path);
		goto done;
	}
	error = ad_read_file(&data, &len, path, s->opts.max_file_size, &e);
	if (error < 0) {
		ad_ws_skip_reason reason = error == AD_ETOOBIG ? AD_WS_SKIP_TOO_LARGE :
			error == AD_EINVALID ? AD_WS_SKIP_NOT_REGULAR : AD_WS_SKIP_UNREADABLE;
		add_skipped(s, path, reason, "%s", e.message ? e.message : "cannot read");
		goto done;
	}
	if (!explicit_path && memchr(data, '\0', len < BINARY_PROBE ? len : BINARY_PROBE)) {
		add_skipped(s, path, AD_WS_SKIP_BINARY, "binary file (holds NUL bytes)");
		goto done;
	}
	dopts.max_size = s->opts.max_file_size;
	if (ad_doc_parse(&doc, path, data, len, &dopts, &e) < 0) {
		add_skipped(s, path, AD_WS_SKIP_TOO_LARGE, "%s", e.message ? e.message : "too large");
		goto done;
	}
	free(data);
	data = NULL;

	if ((fm = ad_doc_frontmatter(doc)) != NULL)
		name = ad_fm_get(fm, "name");
	if (name && !is_scalar_kind(name->kind))
		name = NULL;
	ad_buf_clear(&s->tmp);
	if (name)
		ad_ws_normalize_name(&s->tmp, name->value, strlen(name->value));
	if (!s->tmp.size) {
		name = NULL;
		if (!explicit_path && !under_agents) {
			add_skipped(s, path, AD_WS_SKIP_NO_NAME,
				    "no frontmatter name and not under an agents/ folder");
			goto done;
		}
		file_name_key(s, path);
	}

	seen_insert(s, st, path);
	ad_xgrow((void **)&s->found, &s->found_cap, s->nfound + 1, sizeof(*s->found));
	f = &s->found[s->nfound++];
	memset(f, 0, sizeof(*f));
	f->key = ad_arena_strndup(&ws->arena, s->tmp.ptr, s->tmp.size);
	f->v.path = path;
	ad_path_dir(&s->tmp, path); /* the key is copied: tmp is free */
	f->v.folder = ad_arena_strndup(&ws->arena, s->tmp.ptr, s->tmp.size);
	f->v.name = name ? ad_arena_strndup(&ws->arena, name->value, strlen(name->value)) : NULL;
	f->v.size = ad_doc_size(doc);
	f->v.nsections = ad_doc_visible_section_count(doc);
	f->v.explicit_path = explicit_path;
	if (!s->opts.summary_only) {
		ad_xgrow((void **)&ws->docs, &s->docs_cap, ws->ndocs + 1, sizeof(*ws->docs));
		ws->docs[ws->ndocs++] = doc;
		f->v.doc = doc;
		doc = NULL;
	}
done:
	free(data);
	ad_doc_free(doc);
	ad_error_clear(&e);
}

/* An entry of a folder that stat() refused.  One whose path is too long,
 * or that may not be looked at, may be a folder of agents: it is reported
 * as unreadable whatever its name.  A dangling link or a loop is a file
 * like the others. */
static void add_unstatable(scan_state *s, const char *child, const char *name, int errnum)
{
	if (errnum == ENAMETOOLONG)
		add_skipped(s, child, AD_WS_SKIP_UNREADABLE, "path too long (%zu bytes)",
			    strlen(child))->not_searched = true;
	else if (errnum == EACCES)
		add_skipped(s, child, AD_WS_SKIP_UNREADABLE, "cannot stat: %s",
			    strerror(errnum))->not_searched = true;
	else if (!is_markdown(name))
		add_skipped(s, child, AD_WS_SKIP_NOT_MARKDOWN, "not a Markdown file");
	else
		add_skipped(s, child, AD_WS_SKIP_UNREADABLE, "cannot stat: %s", strerror(errnum));
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* path is in the workspace's arena; st is what stat() said of it. */
static void scan_dir(scan_state *s, const char *path, const struct stat *st,
		     int depth, bool under_agents)
{
	ad_workspace *ws = s->ws;
	seen_entry *e = seen_find(s, st);
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *dir;

	if (e) {
		if (e->active)
			add_skipped(s, path, AD_WS_SKIP_SYMLINK_LOOP,
				    "symlink loop (leads back to %s)", e->path);
		else if (strcmp(e->path, path) != 0)
			add_skipped(s, path, AD_WS_SKIP_DUPLICATE, "same folder as %s", e->path);
		return;
	}
	if (depth > AD_WS_MAX_DEPTH) {
		add_skipped(s, path, AD_WS_SKIP_TOO_DEEP, "more than %d folders deep",
			    AD_WS_MAX_DEPTH)->not_searched = true;
		return;
	}
	seen_insert(s, st, path)->active = true;

	if (!(dir = opendir(path))) {
		add_skipped(s, path, AD_WS_SKIP_UNREADABLE, "cannot read folder: %s",
			    strerror(errno))->not_searched = true;
		goto done;
	}
	for (;;) {
		errno = 0;
		if (!(de = readdir(dir))) {
			if (errno)
				add_skipped(s, path, AD_WS_SKIP_UNREADABLE, "cannot read folder: %s",
					    strerror(errno))->not_searched = true;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ad_xgrow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = ad_xstrdup(de->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_strp);

	/* One folder open at a time: the entries are read before descending. */
	for (i = 0; i < n; i++) {
		const char *child = join_path(&ws->arena, path, names[i]);
		struct stat cst;

		if (lstat(child, &cst) < 0) {
			int errnum = errno;

			note_file(s, child);
			if (errnum == EACCES) {
				/* Listed but not searchable: no entry can be examined. */
				add_skipped(s, path, AD_WS_SKIP_UNREADABLE, "cannot read folder: %s",
					    strerror(errnum))->not_searched = true;
				break;
			}
			add_unstatable(s, child, names[i], errnum);
			continue;
		}
		if (S_ISLNK(cst.st_mode) && stat(child, &cst) < 0) {
			int errnum = errno;

			note_file(s, child);
			add_unstatable(s, child, names[i], errnum);
			continue;
		}
		if (S_ISDIR(cst.st_mode)) {
			if (!is_ignored_dir(names[i]))
				scan_dir(s, child, &cst, depth + 1,
					 under_agents || strcmp(names[i], "agents") == 0);
		} else {
			scan_file(s, child, &cst, false, under_agents);
		}
	}
done:
	/* Looked up again: the table may have grown below. */
	if ((e = seen_find(s, st)) != NULL)
		e->active = false;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* ---------------------------------------------------------------- results */

static int cmp_found(const void *a, const void *b)
{
	const found_variant *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->v.path, y->v.path);
}

static int cmp_skipped(const void *a, const void *b)
{
	const ad_ws_skipped *x = a, *y = b;
	int c = strcmp(x->path, y->path);
	return c ? c : (int)x->reason - (int)y->reason;
}

static size_t count_folders(const ad_ws_variant *v, size_t n)
{
	const char **folders = ad_xmalloc(n * sizeof(*folders));
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		folders[i] = v[i].folder;
	if (n > 1)
		qsort(folders, n, sizeof(*folders), cmp_strp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(folders[i], folders[i - 1]) != 0)
			count++;
	free(folders);
	return count;
}

static void build_groups(scan_state *s)
{
	ad_workspace *ws = s->ws;
	size_t i, start;

	if (s->nfound > 1)
		qsort(s->found, s->nfound, sizeof(*s->found), cmp_found);
	if (ws->nskipped > 1)
		qsort(ws->skipped, ws->nskipped, sizeof(*ws->skipped), cmp_skipped);
	ws->variants = ad_xcalloc(s->nfound, sizeof(*ws->variants));
	ws->nvariants = s->nfound;
	for (i = 0; i < s->nfound; i++) {
		ws->variants[i] = s->found[i].v;
		if (i == 0 || strcmp(s->found[i].key, s->found[i - 1].key) != 0)
			ws->nagents++;
	}
	ws->agents = ad_xcalloc(ws->nagents, sizeof(*ws->agents));
	ws->nagents = 0;
	for (start = 0; start < s->nfound; start = i) {
		ad_ws_agent *a = &ws->agents[ws->nagents++];

		for (i = start + 1; i < s->nfound && strcmp(s->found[i].key, s->found[start].key) == 0; i++)
			;
		a->name = s->found[start].key;
		a->variants = &ws->variants[start];
		a->nvariants = i - start;
		a->nfolders = count_folders(a->variants, a->nvariants);
	}
}

int ad_ws_scan(ad_workspace **out, const char *const *paths, size_t npaths,
	       const ad_ws_options *opts, ad_error *err)
{
	static const ad_ws_options defaults = AD_WS_OPTIONS_INIT;
	scan_state s;
	struct stat *st = NULL;
	size_t i;
	int error = 0, pass;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	s.opts = opts ? *opts : defaults;
	if (s.opts.version != AD_WS_OPTIONS_VERSION)
		return ad_error_set(err, AD_EUSAGE, NULL, 0, 0,
				    "unsupported ad_ws_options version %u", s.opts.version);
	if (!s.opts.max_file_size)
		s.opts.max_file_size = AD_WS_MAX_FILE_SIZE;
	if (npaths == 0)
		return ad_error_set(err, AD_EUSAGE, NULL, 0, 0, "no paths to scan");

	/* Every path is checked before anything is read, so that a typo
	 * fails at once, not after a long scan. */
	st = ad_xcalloc(npaths, sizeof(*st));
	for (i = 0; i < npaths; i++) {
		if (stat(paths[i], &st[i]) < 0) {
			int errnum = errno;
			error = ad_error_set(err, errnum == ENOENT || errnum == ENOTDIR ?
					     AD_ENOTFOUND : AD_EIO,
					     paths[i], 0, 0, "%s", strerror(errnum));
			goto done;
		}
	}

	s.ws = ad_xcalloc(1, sizeof(*s.ws));
	/* Files named explicitly go first, so that they are taken as named
	 * even when a folder also given holds them. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < npaths; i++) {
			bool is_dir = S_ISDIR(st[i].st_mode);
			const char *path;

			if (is_dir != (pass == 1))
				continue;
			path = ad_arena_strndup(&s.ws->arena, paths[i], strlen(paths[i]));
			if (is_dir)
				scan_dir(&s, path, &st[i], 0, path_has_agents(path));
			else
				scan_file(&s, path, &st[i], true, false);
		}
	}
	build_groups(&s);
	*out = s.ws;
	s.ws = NULL;
done:
	ad_ws_free(s.ws);
	free(st);
	free(s.seen);
	free(s.found);
	ad_buf_free(&s.tmp);
	return error;
}

void ad_ws_free(ad_workspace *ws)
{
	size_t i;

	if (!ws)
		return;
	for (i = 0; i < ws->ndocs; i++)
		ad_doc_free(ws->docs[i]);
	free(ws->docs);
	free(ws->agents);
	free(ws->variants);
	free(ws->skipped);
	ad_arena_free(&ws->arena);
	free(ws);
}

size_t ad_ws_agent_count(const ad_workspace *ws)
{
	return ws->nagents;
}

const ad_ws_agent *ad_ws_agent_at(const ad_workspace *ws, size_t i)
{
	return i < ws->nagents ? &ws->agents[i] : NULL;
}

static int cmp_agent_name(const void *key, const void *elem)
{
	return strcmp(key, ((const ad_ws_agent *)elem)->name);
}

const ad_ws_agent *ad_ws_find_agent(const ad_workspace *ws, const char *name)
{
	ad_buf key = AD_BUF_INIT;
	const ad_ws_agent *a = NULL;

	ad_ws_normalize_name(&key, name, strlen(name));
	if (ws->nagents)
		a = bsearch(ad_buf_cstr(&key), ws->agents, ws->nagents, sizeof(*ws->agents),
			    cmp_agent_name);
	ad_buf_free(&key);
	return a;
}

size_t ad_ws_skipped_count(const ad_workspace *ws)
{
	return ws->nskipped;
}

const ad_ws_skipped *ad_ws_skipped_at(const ad_workspace *ws, size_t i)
{
	return i < ws->nskipped ? &ws->skipped[i] : NULL;
}

size_t ad_ws_files_seen(const ad_workspace *ws)
{
	return ws->files_seen;
}

bool ad_ws_is_agent(const char *path, const char *data, size_t len, const ad_doc *doc,
		    const char **why)
{
	const ad_frontmatter *fm = doc ? ad_doc_frontmatter(doc) : NULL;
	const ad_fm_field *name = fm ? ad_fm_get(fm, "name") : NULL;
	ad_buf key = AD_BUF_INIT;
	const char *reason = NULL;

	/* The checks scan_file() makes of a file it meets in a folder. */
	if (!is_markdown(base_name(path)))
		reason = "not a Markdown file";
	else if (memchr(data ? data : "", '\0', len < BINARY_PROBE ? len : BINARY_PROBE))
		reason = "binary file (holds NUL bytes)";
	if (!reason) {
		if (name && is_scalar_kind(name->kind))
			ad_ws_normalize_name(&key, name->value, strlen(name->value));
		if (!key.size && !path_has_agents(path))
			reason = "no frontmatter name and not under an agents/ folder";
	}
	ad_buf_free(&key);
	if (why)
		*why = reason;
	return reason == NULL;
}
