/*
 * help: every key and what it does, from AD_ACTIONS.
 *
 * The help screen lists each action with the keys the key map binds to it
 * (so rebound keys show as bound) and its description, in the groups of
 * actions.h.  The same table gives the key lists of the manual page and the
 * README (ad_help_keys_man(), ad_help_keys_markdown()); tests/test_help.c
 * checks that those documents hold exactly what these functions make, so
 * keys and documentation cannot drift apart.
 */
#ifndef AD_HELP_H
#define AD_HELP_H

#include "keymap.h"
#include "util.h"
#include "view.h"

/* A view of the help text; km is only read while it is made. */
ad_view *ad_help_view_new(const ad_keymap *km);

/* The default keys, as roff (.TP paragraphs) for the manual page. */
void ad_help_keys_man(ad_buf *out);
/* The default keys, as a Markdown table for the README. */
void ad_help_keys_markdown(ad_buf *out);

#endif
