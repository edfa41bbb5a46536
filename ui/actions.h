/*
 * actions: everything a key can do, in one table.
 *
 * The key bindings (keymap.c), the help screen and the man page's key list
 * all come from AD_ACTIONS, so they cannot disagree.  Each entry is
 *
 *   X(ID, "name", "default keys", "what it does")
 *
 * where the name is what a `bind` line in the config file uses and the
 * default keys are key names separated by spaces (see keymap.h for the
 * names: "j", "Down", "C-d", "PgDn", "Enter", and two-key sequences such
 * as "]c" or "zM").
 */
#ifndef AD_ACTIONS_H
#define AD_ACTIONS_H

#define AD_ACTIONS(X) \
	/* everywhere */ \
	X(HELP, "help", "? F1", "Show every key and what it does") \
	X(QUIT, "quit", "Q", "Quit agentdiff") \
	X(CLOSE, "close", "q Esc", "Close the current view; quit from the tree") \
	X(SWITCH_PANE, "switch-pane", "Tab", "Move the focus to the other pane") \
	X(REDRAW, "redraw", "C-l", "Redraw the screen") \
	/* moving */ \
	X(MOVE_UP, "move-up", "k Up", "Move up a line") \
	X(MOVE_DOWN, "move-down", "j Down", "Move down a line") \
	X(PAGE_UP, "page-up", "PgUp C-b", "Move up a page") \
	X(PAGE_DOWN, "page-down", "PgDn C-f Space", "Move down a page") \
	X(HALF_PAGE_UP, "half-page-up", "C-u", "Move up half a page") \
	X(HALF_PAGE_DOWN, "half-page-down", "C-d", "Move down half a page") \
	X(FIRST, "first", "g Home", "Go to the first line") \
	X(LAST, "last", "G End", "Go to the last line") \
	X(LEFT, "left", "h Left", "Fold the item, or go to its parent; scroll left") \
	X(RIGHT, "right", "l Right", "Unfold the item; scroll right") \
	X(ENTER, "enter", "Enter", "Open the selected item") \
	/* folding */ \
	X(FOLD_TOGGLE, "fold-toggle", "za", "Fold or unfold the item") \
	X(FOLD_ALL, "fold-all", "zM", "Fold everything") \
	X(UNFOLD_ALL, "unfold-all", "zR", "Unfold everything") \
	/* comparing */ \
	X(MARK, "mark", "m", "Mark or unmark a variant for comparing") \
	X(COMPARE, "compare", "c", "Compare the marked variants (two: side by side; more: matrix)") \
	X(NEXT_CHANGE, "next-change", "]c", "Go to the next change") \
	X(PREV_CHANGE, "prev-change", "[c p", "Go to the previous change") \
	X(FOLD_UNCHANGED, "fold-unchanged", "f", "Fold or unfold unchanged sections") \
	X(WRAP, "wrap", "w", "Wrap long lines or cut them") \
	/* searching */ \
	X(SEARCH, "search", "/", "Search forward in the current pane") \
	X(SEARCH_BACK, "search-back", "\\", "Search backward in the current pane") \
	X(SEARCH_NEXT, "search-next", "n", "Next search match; next change when nothing is searched") \
	X(SEARCH_PREV, "search-prev", "N", "Previous search match")

typedef enum {
	AD_ACTION_NONE = 0,
#define AD_ACTION_ENUM(id, name, keys, help) AD_ACTION_##id,
	AD_ACTIONS(AD_ACTION_ENUM)
#undef AD_ACTION_ENUM
	AD_ACTION_COUNT
} ad_action;

const char *ad_action_name(ad_action action);        /* NULL when out of range */
const char *ad_action_default_keys(ad_action action);
const char *ad_action_help(ad_action action);
/* The action called name, or AD_ACTION_NONE. */
ad_action ad_action_from_name(const char *name);

#endif
