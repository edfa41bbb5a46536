/*
 * slots: the meanings the UI gives colour to.
 *
 * Views never name a colour; they draw with a slot, and the theme (see
 * theme.h) maps each slot to a style.  The names are those of the
 * `color <slot> ...` lines of the theme files (themes/NAME.theme).
 */
#ifndef AD_SLOTS_H
#define AD_SLOTS_H

#define AD_SLOTS(X) \
	X(DEFAULT, "default") \
	X(TITLE_BAR, "title-bar") \
	X(STATUS_BAR, "status-bar") \
	X(PANE_BORDER, "pane-border") \
	X(PANE_TITLE, "pane-title") \
	X(CURSOR, "cursor") \
	X(TREE_AGENT, "tree-agent") \
	X(TREE_VARIANT, "tree-variant") \
	X(TREE_SECTION, "tree-section") \
	X(TREE_FIELD, "tree-field") \
	X(COUNTER, "count")  /* counts in the tree */  \
	X(LINE_NUMBER, "line-number") \
	X(ADDED, "added") \
	X(REMOVED, "removed") \
	X(CHANGED, "changed") \
	X(MOVED, "moved") \
	X(RENAMED, "renamed") \
	X(WORD_ADDED, "word-added") \
	X(WORD_REMOVED, "word-removed") \
	X(GAP, "gap") \
	X(CONFLICT, "conflict") \
	X(SEARCH_MATCH, "search-match") \
	X(ERROR, "error") \
	X(WARNING, "warning") \
	X(DIM, "dim") \
	X(HELP_KEY, "help-key")

typedef enum {
#define AD_SLOT_ENUM(id, name) AD_SLOT_##id,
	AD_SLOTS(AD_SLOT_ENUM)
#undef AD_SLOT_ENUM
	AD_SLOT_COUNT
} ad_slot;

/* "title-bar" for AD_SLOT_TITLE_BAR; NULL when out of range. */
const char *ad_slot_name(ad_slot slot);
/* The slot called name, or -1. */
int ad_slot_from_name(const char *name);

#endif
