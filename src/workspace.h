/*
 * workspace: finding the agent definitions in a set of files and folders and
 * grouping the variants of each agent.
 *
 * ad_ws_scan() walks the paths it is given.  A folder is searched
 * recursively, in name order, skipping ".git", "node_modules" and hidden
 * folders other than ".claude"; a folder reached twice (through a symlink)
 * is entered once, and one that leads back to a folder being searched is
 * reported as a symlink loop.  In a folder, a Markdown file (".md",
 * ".markdown") is an agent definition when its frontmatter has a `name`, or
 * when it lies under a folder named "agents" (".claude/agents/x.md"); every
 * other file is recorded as skipped, with the reason.  A file named
 * explicitly is always taken, whatever its name and content, unless it
 * cannot be read.  The same file reached twice is taken once.
 *
 * Each candidate is read and parsed once (ad_doc_parse()); the variants of
 * one agent are grouped by normalised name: the frontmatter `name`, else
 * the file name without its extension, lowercased and trimmed, with runs of
 * spaces, underscores and hyphens made one '-' ("Backend Architect",
 * "backend_architect" and "backend-architect" are one agent).  A group may
 * hold variants from several folders.
 *
 * Order is deterministic: agents by name, variants by path, skipped files
 * by path.  Paths are the given path joined with the names below it ("."
 * adds no prefix), so they read as the user typed them.
 *
 * Ownership: the caller owns the ad_workspace and frees it with
 * ad_ws_free().  Every pointer reachable from it (agents, variants, their
 * documents, strings, skipped entries) is borrowed and lives as long as the
 * workspace.
 */
#ifndef AD_WORKSPACE_H
#define AD_WORKSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "error.h"
#include "util.h"

typedef struct ad_workspace ad_workspace;

typedef struct {
	unsigned version;
	/* Called for each file met (skipped ones too) before it is read;
	 * files_seen counts it.  path is borrowed for the call.  May be NULL. */
	void (*progress)(size_t files_seen, const char *path, void *payload);
	void *payload;
	/* Larger files are skipped as too large; 0 means the default. */
	size_t max_file_size;
	/* Keep only each variant's summary (path, name, size, section count)
	 * and free its document after reading: `doc` is then NULL.  For
	 * callers that list, not diff, a large tree. */
	bool summary_only;
} ad_ws_options;

#define AD_WS_OPTIONS_VERSION 1
#define AD_WS_MAX_FILE_SIZE ((size_t)4 << 20)
/* Folders nested deeper than this below a given path are skipped. */
#define AD_WS_MAX_DEPTH 256
#define AD_WS_OPTIONS_INIT \
	{ AD_WS_OPTIONS_VERSION, NULL, NULL, AD_WS_MAX_FILE_SIZE, false }

typedef struct {
	const char *path;   /* as found, see above */
	const char *folder; /* path's folder, "." when path has none */
	/* The frontmatter `name` as written, or NULL when the group comes
	 * from the file name. */
	const char *name;
	const ad_doc *doc;  /* NULL with summary_only */
	size_t size;        /* bytes */
	size_t nsections;   /* every section, nested ones included */
	bool explicit_path; /* named in the paths given to ad_ws_scan() */
} ad_ws_variant;

typedef struct {
	const char *name;               /* normalised */
	const ad_ws_variant *variants;  /* nvariants >= 1, sorted by path */
	size_t nvariants;
	size_t nfolders;                /* distinct variant folders */
} ad_ws_agent;

typedef enum {
	AD_WS_SKIP_NOT_MARKDOWN,  /* in a folder, and not .md or .markdown */
	AD_WS_SKIP_NO_NAME,       /* no frontmatter name, not under agents/ */
	AD_WS_SKIP_UNREADABLE,    /* open, stat or read failed; a folder that
	                           * cannot be listed or searched; a path too
	                           * long for the system (ENAMETOOLONG) */
	AD_WS_SKIP_TOO_LARGE,     /* over max_file_size */
	AD_WS_SKIP_NOT_REGULAR,   /* a FIFO, device or socket */
	AD_WS_SKIP_BINARY,        /* NUL bytes, in a folder */
	AD_WS_SKIP_SYMLINK_LOOP,  /* a folder that leads back to its parent */
	AD_WS_SKIP_DUPLICATE,     /* the same file or folder as another path */
	AD_WS_SKIP_TOO_DEEP       /* over AD_WS_MAX_DEPTH folders down */
} ad_ws_skip_reason;

typedef struct {
	const char *path;
	ad_ws_skip_reason reason;
	/* One line for people, e.g. "cannot open: Permission denied" or
	 * "no frontmatter name and not under an agents/ folder". */
	const char *message;
	/* What may hold agents that were not looked for: a folder that
	 * cannot be listed or searched, an entry whose path is too long for
	 * the system or that may not be examined, a folder too deep. */
	bool not_searched;
} ad_ws_skipped;

/*
 * Scans paths (npaths of them; at least one) into *out, owned by the
 * caller.  opts may be NULL for the defaults.  A path that does not exist
 * or cannot be examined fails the scan (AD_ENOTFOUND or AD_EIO, with err's
 * path set to it and its message the system's, e.g. "No such file or
 * directory"); everything found below a given path that cannot be used is
 * recorded as skipped instead.  What could not be examined at all (a
 * folder that cannot be read, whatever its name; a path longer than the
 * system takes; a folder too deep) is skipped as AD_WS_SKIP_UNREADABLE or
 * AD_WS_SKIP_TOO_DEEP with not_searched set: commands that must see every
 * agent (check, ls) report those as failures.
 */
int ad_ws_scan(ad_workspace **out, const char *const *paths, size_t npaths,
	       const ad_ws_options *opts, ad_error *err);
void ad_ws_free(ad_workspace *ws);

size_t ad_ws_agent_count(const ad_workspace *ws);
const ad_ws_agent *ad_ws_agent_at(const ad_workspace *ws, size_t i);
/* The agent whose normalised name is name's, or NULL. */
const ad_ws_agent *ad_ws_find_agent(const ad_workspace *ws, const char *name);

size_t ad_ws_skipped_count(const ad_workspace *ws);
const ad_ws_skipped *ad_ws_skipped_at(const ad_workspace *ws, size_t i);

/* Files met during the scan, as reported to the progress callback. */
size_t ad_ws_files_seen(const ad_workspace *ws);

/* Appends the normalised form of len bytes of name to out. */
void ad_ws_normalize_name(ad_buf *out, const char *name, size_t len);

/* A stable short name: "not-markdown", "no-name", "unreadable", ... */
const char *ad_ws_skip_reason_name(ad_ws_skip_reason reason);

/*
 * Whether a file met in a folder would be taken as an agent definition, by
 * the rules above: path names a Markdown file, its first bytes (data, len)
 * hold no NUL, and doc (its parse; may be NULL) has a frontmatter name, or
 * path lies under a folder named "agents".  For files that someone else
 * names, such as a merge plan's variants, which must be agent definitions,
 * not any file.  *why (may be NULL) gets the reason when it is not, as
 * ad_ws_skipped says it ("not a Markdown file"); static.
 */
bool ad_ws_is_agent(const char *path, const char *data, size_t len, const ad_doc *doc,
		    const char **why);

#endif
