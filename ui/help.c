/*
 * help: the help screen and the generated key lists (see help.h).
 */
#include <stdlib.h>
#include <string.h>

#include "help.h"
#include "textview.h"

/* The groups of actions.h: each starts at an action and runs to the next. */
static const struct {
	ad_action first;
	const char *title;
} groups[] = {
	{ AD_ACTION_HELP, "Everywhere" },
	{ AD_ACTION_MOVE_UP, "Moving" },
	{ AD_ACTION_FOLD_TOGGLE, "Folding" },
	{ AD_ACTION_MARK, "Comparing" },
	{ AD_ACTION_SEARCH, "Searching" },
	{ AD_ACTION_MERGE, "Merging" },
};

#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

static const char *group_at(ad_action a)
{
	size_t i;

	for (i = 0; i < NGROUPS; i++) {
		if (groups[i].first == a)
			return groups[i].title;
	}
	return NULL;
}

static const struct {
	const char *what, *help;
} mouse_help[] = {
	{ "click", "Select; on a fold marker, fold or unfold" },
	{ "double click", "Fold or unfold" },
	{ "wheel", "Scroll the pane under the pointer" },
};

ad_view *ad_help_view_new(const ad_keymap *km)
{
	ad_view *v = ad_text_view_new("help");
	size_t cap = (size_t)AD_ACTION_COUNT * 2 + NGROUPS * 2 + 8, n = 0, i;
	ad_text_note *notes = ad_xcalloc(cap, sizeof(*notes));
	ad_buf *keys = ad_xcalloc((size_t)AD_ACTION_COUNT, sizeof(*keys));
	int a;

	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		const char *group = group_at((ad_action)a);

		if (group) {
			if (n)
				notes[n++] = (ad_text_note){ .slot = AD_SLOT_DEFAULT, .text = "" };
			notes[n++] = (ad_text_note){ .slot = AD_SLOT_TREE_AGENT, .text = group };
		}
		ad_keymap_describe(km, (ad_action)a, &keys[a]);
		notes[n++] = (ad_text_note){
			.label_slot = AD_SLOT_HELP_KEY,
			.label = keys[a].size ? ad_buf_cstr(&keys[a]) : "(none)",
			.slot = AD_SLOT_DEFAULT,
			.text = ad_action_help((ad_action)a),
		};
	}
	notes[n++] = (ad_text_note){ .slot = AD_SLOT_DEFAULT, .text = "" };
	notes[n++] = (ad_text_note){ .slot = AD_SLOT_TREE_AGENT, .text = "Mouse" };
	for (i = 0; i < sizeof(mouse_help) / sizeof(mouse_help[0]); i++)
		notes[n++] = (ad_text_note){ .label_slot = AD_SLOT_HELP_KEY, .label = mouse_help[i].what,
					     .slot = AD_SLOT_DEFAULT, .text = mouse_help[i].help };
	ad_text_view_set(v, "Keys  (q closes this screen; / searches it)", notes, n, NULL, 0, 0);
	for (a = 0; a < AD_ACTION_COUNT; a++)
		ad_buf_free(&keys[a]);
	free(keys);
	free(notes);
	return v;
}

/* roff: a backslash is \e, a leading dot or quote needs \&, and a minus
 * sign is \-. */
static void put_roff(ad_buf *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		ad_buf_puts(out, "\\&");
	for (; *s; s++) {
		if (*s == '\\')
			ad_buf_puts(out, "\\e");
		else if (*s == '-')
			ad_buf_puts(out, "\\-");
		else
			ad_buf_putc(out, *s);
	}
}

void ad_help_keys_man(ad_buf *out)
{
	int a;

	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		const char *keys = ad_action_default_keys((ad_action)a), *p = keys;
		const char *group = group_at((ad_action)a);
		bool first = true;

		if (group)
			ad_buf_printf(out, ".SS %s\n", group);
		ad_buf_puts(out, ".TP\n");
		while (*p) {
			size_t n = strcspn(p, " ");
			char *k = ad_xstrndup(p, n);

			if (!first)
				ad_buf_puts(out, ", ");
			ad_buf_puts(out, "\\fB");
			put_roff(out, k);
			ad_buf_puts(out, "\\fR");
			free(k);
			first = false;
			p += n;
			p += strspn(p, " ");
		}
		ad_buf_puts(out, "  (");
		put_roff(out, ad_action_name((ad_action)a));
		ad_buf_puts(out, ")\n");
		put_roff(out, ad_action_help((ad_action)a));
		ad_buf_puts(out, ".\n");
	}
}

void ad_help_keys_markdown(ad_buf *out)
{
	int a;

	ad_buf_puts(out, "| keys | action | what it does |\n| --- | --- | --- |\n");
	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		const char *p = ad_action_default_keys((ad_action)a);
		bool first = true;

		ad_buf_puts(out, "| ");
		while (*p) {
			size_t n = strcspn(p, " ");

			if (!first)
				ad_buf_puts(out, " ");
			ad_buf_putc(out, '`');
			ad_buf_put(out, p, n);
			ad_buf_putc(out, '`');
			first = false;
			p += n;
			p += strspn(p, " ");
		}
		ad_buf_printf(out, " | `%s` | %s |\n", ad_action_name((ad_action)a),
			      ad_action_help((ad_action)a));
	}
}
