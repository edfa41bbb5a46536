/*
 * keymap: keys to actions, with two-key sequences ("]c", "zM").
 *
 * Keys are our own codes, not curses': a Unicode code point for a
 * character (control keys are their control codes, C-d = 4; Enter is '\n',
 * Tab '\t', Esc 27), and AD_KEY_* above the Unicode range for the rest.
 * The curses backend and the scripted mode both translate to these.
 *
 * Key names, in config files, AD_ACTIONS and scripts: a character stands
 * for itself ("j", "?", "é"); "C-x" is control-x; "Up", "Down", "Left",
 * "Right", "Home", "End", "PgUp", "PgDn", "Enter", "Tab", "Esc", "Space",
 * "Backspace", "Delete", "F1".."F12".  Two single characters written
 * together are a sequence ("]c", "zM").  In AD_ACTIONS' default keys,
 * spaces separate alternatives.
 */
#ifndef AD_KEYMAP_H
#define AD_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "error.h"
#include "util.h"

enum {
	AD_KEY_UP = 0x110000,
	AD_KEY_DOWN,
	AD_KEY_LEFT,
	AD_KEY_RIGHT,
	AD_KEY_HOME,
	AD_KEY_END,
	AD_KEY_PGUP,
	AD_KEY_PGDN,
	AD_KEY_BACKSPACE,
	AD_KEY_DELETE,
	AD_KEY_F1, /* AD_KEY_F1 + n - 1 for Fn, n <= 12 */
	AD_KEY_F12 = AD_KEY_F1 + 11,
	AD_KEY_RESIZE,
	AD_KEY_MOUSE
};

#define AD_KEY_ENTER '\n'
#define AD_KEY_TAB '\t'
#define AD_KEY_ESC 27
#define AD_KEY_CTRL(c) ((c) & 0x1f)

typedef struct ad_keymap ad_keymap;

/* A keymap holding AD_ACTIONS' default keys. */
ad_keymap *ad_keymap_new(void);
void ad_keymap_free(ad_keymap *km);

/* Parses one key or a two-key sequence ("C-d", "]c", "PgDn") into keys[]
 * (at most 2); returns how many, or -1 with err set (unknown name). */
int ad_key_parse(const char *name, int keys[2], ad_error *err);
/* Appends the name of a key, as ad_key_parse reads it. */
void ad_key_name(ad_buf *out, int key);

/* Binds a key or sequence to an action (replacing what it had);
 * AD_ACTION_NONE unbinds.  Fails on a bad key name, or when the sequence's
 * first key is itself bound to an action. */
int ad_keymap_bind(ad_keymap *km, const char *keyname, ad_action action,
		   ad_error *err);

typedef enum {
	AD_KEYMAP_NONE,    /* not bound (the pending prefix, if any, is dropped) */
	AD_KEYMAP_PENDING, /* the first key of a sequence: feed the next */
	AD_KEYMAP_ACTION   /* *action is set */
} ad_keymap_result;

/* Feeds one key; sequences are tracked inside the keymap. */
ad_keymap_result ad_keymap_feed(ad_keymap *km, int key, ad_action *action);
/* Forgets a pending prefix (after Esc, a resize, a mouse event). */
void ad_keymap_reset(ad_keymap *km);

/* Appends the keys bound to action, as names separated by ", "
 * (for the help screen); nothing when none is. */
void ad_keymap_describe(const ad_keymap *km, ad_action action, ad_buf *out);

#endif
