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
	X(SEARCH_PREV, "search-prev", "N", "Previous search match") \
	/* merging */ \
	X(MERGE, "merge", "M", "Merge the variants compared: choose each row's version") \
	X(TAKE_1, "take-1", "1 <", "Merge: take variant 1's version of the row (the left one)") \
	X(TAKE_2, "take-2", "2 >", "Merge: take variant 2's version of the row (the right one)") \
	X(TAKE_3, "take-3", "3", "Merge: take variant 3's version of the row") \
	X(TAKE_4, "take-4", "4", "Merge: take variant 4's version of the row") \
	X(TAKE_5, "take-5", "5", "Merge: take variant 5's version of the row") \
	X(TAKE_6, "take-6", "6", "Merge: take variant 6's version of the row") \
	X(TAKE_7, "take-7", "7", "Merge: take variant 7's version of the row") \
	X(TAKE_8, "take-8", "8", "Merge: take variant 8's version of the row") \
	X(TAKE_9, "take-9", "9", "Merge: take variant 9's version of the row") \
	X(TAKE_ALSO, "take-also", "+", "Merge: also take the version under the cursor, after the others (or not)") \
	X(DROP, "drop", "d -", "Merge: leave the row out of the result") \
	X(EDIT, "edit", "e", "Merge: edit the row's text in $EDITOR") \
	X(MOVE_ROW_UP, "move-row-up", "K", "Merge: move the section up") \
	X(MOVE_ROW_DOWN, "move-row-down", "J", "Merge: move the section down") \
	X(UNION, "union", "u", "Merge: a list field (tools) as the union of the variants' names") \
	X(INTERSECTION, "intersection", "i", "Merge: a list field as the names all variants share") \
	X(PREVIEW, "preview", "P", "Merge: show the result and check's findings, or the rows again") \
	X(WRITE, "write", "W", "Merge: write the result and its plan to a file") \
	X(COMMIT, "commit", "C", "Merge: commit the written file in its git repository")

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
