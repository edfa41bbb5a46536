/*
 * keymap: key names and bindings (see keymap.h).
 *
 * The bindings are a short array searched linearly: a few dozen entries,
 * looked up once per key press.  A cap keeps a hostile config file from
 * making each `bind` line cost more than a moment.
 *
 * Besides what keymap.h says, binding a single key that starts sequences
 * fails too (it would make them unreachable); unbinding such a key
 * removes its sequences, so that `bind z none` then `bind z ...` works.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confparse.h"
#include "keymap.h"
#include "term.h"
#include "utf8.h"

#define MAX_BINDINGS 1024
#define NO_KEY (-1)

typedef struct {
	int key[2]; /* key[1] is NO_KEY for a single key */
	ad_action action;
} binding;

struct ad_keymap {
	binding *b;
	size_t n, cap;
	int pending; /* the first key of a sequence, or NO_KEY */
};

static const struct {
	const char *name;
	int key;
} key_names[] = {
	{ "Up", AD_KEY_UP },
	{ "Down", AD_KEY_DOWN },
	{ "Left", AD_KEY_LEFT },
	{ "Right", AD_KEY_RIGHT },
	{ "Home", AD_KEY_HOME },
	{ "End", AD_KEY_END },
	{ "PgUp", AD_KEY_PGUP },
	{ "PgDn", AD_KEY_PGDN },
	{ "Enter", AD_KEY_ENTER },
	{ "Tab", AD_KEY_TAB },
	{ "Esc", AD_KEY_ESC },
	{ "Space", ' ' },
	{ "Backspace", AD_KEY_BACKSPACE },
	{ "Delete", AD_KEY_DELETE },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The control characters that have a C-x name, besides C-a..C-z. */
static const char ctrl_punct[] = "@[\\]^_";

static int bad_name(ad_error *err, const char *name, const char *why)
{
	ad_buf msg = AD_BUF_INIT;

	ad_buf_puts(&msg, "unknown key name ");
	ad_confparse_quote(&msg, name, strlen(name));
	ad_buf_puts(&msg, why);
	ad_error_set(err, AD_EPARSE, NULL, 0, 0, "%s", ad_buf_cstr(&msg));
	ad_buf_free(&msg);
	return -1;
}

/* Parses "C-x"; 0 when name is no such name. */
static int parse_ctrl(const char *name, int *key)
{
	char c;

	if (name[0] != 'C' || name[1] != '-' || !name[2] || name[3])
		return 0;
	c = name[2];
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		*key = AD_KEY_CTRL(c);
	else if (c == '?')
		*key = 0x7F;
	else if (c && strchr(ctrl_punct, c))
		*key = AD_KEY_CTRL(c);
	else
		return -1;
	return 1;
}

/* Parses "F1".."F12"; 0 when name is no such name, -1 for "F13". */
static int parse_fkey(const char *name, int *key)
{
	int f;

	if (name[0] != 'F' || name[1] < '1' || name[1] > '9')
		return 0;
	f = name[1] - '0';
	if (name[2]) {
		if (name[2] < '0' || name[2] > '9' || name[3])
			return 0;
		f = f * 10 + (name[2] - '0');
		if (f > 12)
			return -1;
	}
	*key = AD_KEY_F1 + f - 1;
	return 1;
}

int ad_key_parse(const char *name, int keys[2], ad_error *err)
{
	size_t len = strlen(name), off = 0, i;
	int n = 0, r;

	for (i = 0; i < N_ELEMS(key_names); i++) {
		if (!strcmp(name, key_names[i].name)) {
			keys[0] = key_names[i].key;
			return 1;
		}
	}
	if ((r = parse_fkey(name, &keys[0])) != 0) {
		if (r < 0)
			return bad_name(err, name, " (function keys are F1 to F12)");
		return 1;
	}
	if ((r = parse_ctrl(name, &keys[0])) != 0) {
		if (r < 0)
			return bad_name(err, name, " (control keys are C-a to C-z, C-@,"
					" C-[, C-\\, C-], C-^, C-_ and C-?)");
		return 1;
	}
	if (len == 0)
		return bad_name(err, name, " (empty)");
	while (off < len) {
		unsigned cp;
		size_t c = ad_utf8_decode(name + off, len - off, &cp);

		if (c == 0)
			return bad_name(err, name, " (invalid UTF-8)");
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return bad_name(err, name, " (a control character: write"
					" C-x for control-x, or Enter, Tab, Esc)");
		if (n == 2)
			return bad_name(err, name, " (a key is a character, C-x, or one"
					" of Up Down Left Right Home End PgUp PgDn Enter"
					" Tab Esc Space Backspace Delete F1-F12; two"
					" characters make a sequence)");
		keys[n++] = (int)cp;
		off += c;
	}
	return n;
}

void ad_key_name(ad_buf *out, int key)
{
	size_t i;

	for (i = 0; i < N_ELEMS(key_names); i++) {
		if (key_names[i].key == key) {
			ad_buf_puts(out, key_names[i].name);
			return;
		}
	}
	if (key >= AD_KEY_F1 && key <= AD_KEY_F12)
		ad_buf_printf(out, "F%d", key - AD_KEY_F1 + 1);
	else if (key >= 1 && key <= 26)
		ad_buf_printf(out, "C-%c", 'a' + key - 1);
	else if (key >= 0 && key < 0x20)
		ad_buf_printf(out, "C-%c", key + 0x40);
	else if (key == 0x7F)
		ad_buf_puts(out, "C-?");
	else if (key == AD_KEY_RESIZE)
		ad_buf_puts(out, "<resize>");
	else if (key == AD_KEY_MOUSE)
		ad_buf_puts(out, "<mouse>");
	else if (key < 0 || key >= 0x110000)
		ad_buf_printf(out, "<key %d>", key);
	else if ((key >= 0x80 && key < 0xA0) || (key >= 0xD800 && key <= 0xDFFF))
		ad_buf_printf(out, "<U+%04X>", (unsigned)key);
	else
		ad_utf8_put(out, (unsigned)key);
}

static void put_binding_name(ad_buf *out, const binding *b)
{
	ad_key_name(out, b->key[0]);
	if (b->key[1] != NO_KEY)
		ad_key_name(out, b->key[1]);
}

/* The binding of exactly keys[0..n-1], or NULL. */
static binding *find(const ad_keymap *km, const int *keys, int n)
{
	size_t i;

	for (i = 0; i < km->n; i++) {
		binding *b = &km->b[i];

		if (b->key[0] == keys[0] && b->key[1] == (n == 2 ? keys[1] : NO_KEY))
			return b;
	}
	return NULL;
}

/* The first sequence that starts with key, or NULL. */
static binding *find_prefix(const ad_keymap *km, int key)
{
	size_t i;

	for (i = 0; i < km->n; i++)
		if (km->b[i].key[0] == key && km->b[i].key[1] != NO_KEY)
			return &km->b[i];
	return NULL;
}

static void remove_at(ad_keymap *km, size_t i)
{
	memmove(&km->b[i], &km->b[i + 1], (km->n - i - 1) * sizeof(binding));
	km->n--;
}

/* Removes the binding of keys, and for a single key every sequence it
 * starts: `bind z none` leaves z doing nothing at all. */
static void unbind(ad_keymap *km, const int *keys, int n)
{
	size_t i = 0;

	while (i < km->n) {
		binding *b = &km->b[i];

		if (b->key[0] == keys[0] &&
		    (n == 1 || b->key[1] == keys[1]))
			remove_at(km, i);
		else
			i++;
	}
}

int ad_keymap_bind(ad_keymap *km, const char *keyname, ad_action action,
		   ad_error *err)
{
	ad_buf msg = AD_BUF_INIT;
	binding *b;
	int keys[2], n, error = 0;

	if ((int)action < AD_ACTION_NONE || action >= AD_ACTION_COUNT)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0,
				    "no action number %d", (int)action);
	if ((n = ad_key_parse(keyname, keys, err)) < 0)
		return AD_EPARSE;
	km->pending = NO_KEY;
	if (action == AD_ACTION_NONE) {
		unbind(km, keys, n);
		return 0;
	}
	if (n == 2 && (b = find(km, keys, 1)) != NULL) {
		ad_buf_puts(&msg, "cannot bind the sequence ");
		ad_confparse_quote(&msg, keyname, strlen(keyname));
		ad_buf_puts(&msg, ": its first key ");
		ad_key_name(&msg, keys[0]);
		ad_buf_printf(&msg, " is bound to %s (unbind it first with 'bind ",
			      ad_action_name(b->action));
		ad_key_name(&msg, keys[0]);
		ad_buf_puts(&msg, " none')");
		error = ad_error_set(err, AD_ECONFLICT, NULL, 0, 0, "%s", ad_buf_cstr(&msg));
		goto done;
	}
	if (n == 1 && (b = find_prefix(km, keys[0])) != NULL) {
		ad_buf_puts(&msg, "cannot bind ");
		ad_confparse_quote(&msg, keyname, strlen(keyname));
		ad_buf_puts(&msg, ": it starts the sequence ");
		put_binding_name(&msg, b);
		ad_buf_printf(&msg, " (%s); unbind its sequences first with 'bind ",
			      ad_action_name(b->action));
		ad_key_name(&msg, keys[0]);
		ad_buf_puts(&msg, " none'");
		error = ad_error_set(err, AD_ECONFLICT, NULL, 0, 0, "%s", ad_buf_cstr(&msg));
		goto done;
	}
	if ((b = find(km, keys, n)) != NULL) {
		b->action = action;
		goto done;
	}
	if (km->n >= MAX_BINDINGS) {
		error = ad_error_set(err, AD_ETOOBIG, NULL, 0, 0,
				     "too many key bindings (at most %d)", MAX_BINDINGS);
		goto done;
	}
	ad_xgrow((void **)&km->b, &km->cap, km->n + 1, sizeof(binding));
	b = &km->b[km->n++];
	b->key[0] = keys[0];
	b->key[1] = n == 2 ? keys[1] : NO_KEY;
	b->action = action;
done:
	ad_buf_free(&msg);
	return error;
}

ad_keymap *ad_keymap_new(void)
{
	ad_keymap *km = ad_xcalloc(1, sizeof(*km));
	int a;

	km->pending = NO_KEY;
	for (a = AD_ACTION_NONE + 1; a < AD_ACTION_COUNT; a++) {
		const char *p = ad_action_default_keys((ad_action)a);

		while (*p) {
			ad_error err = AD_ERROR_INIT;
			size_t n = strcspn(p, " ");
			char *name = ad_xstrndup(p, n);

			/* AD_ACTIONS is ours: a bad default is a bug that
			 * test_keymap catches, not something to recover from. */
			if (n && ad_keymap_bind(km, name, (ad_action)a, &err) < 0) {
				fprintf(stderr, "agentdiff: bad default key '%s' for %s: %s\n",
					name, ad_action_name((ad_action)a), err.message);
				abort();
			}
			free(name);
			p += n;
			p += strspn(p, " ");
		}
	}
	return km;
}

void ad_keymap_free(ad_keymap *km)
{
	if (!km)
		return;
	free(km->b);
	free(km);
}

ad_keymap_result ad_keymap_feed(ad_keymap *km, int key, ad_action *action)
{
	int keys[2];
	binding *b;

	if (km->pending != NO_KEY) {
		/* As in vim, a key that completes no sequence is dropped
		 * along with the prefix rather than acted on. */
		keys[0] = km->pending;
		keys[1] = key;
		km->pending = NO_KEY;
		if ((b = find(km, keys, 2)) == NULL)
			return AD_KEYMAP_NONE;
		*action = b->action;
		return AD_KEYMAP_ACTION;
	}
	keys[0] = key;
	if ((b = find(km, keys, 1)) != NULL) {
		*action = b->action;
		return AD_KEYMAP_ACTION;
	}
	if (key >= 0 && find_prefix(km, key)) {
		km->pending = key;
		return AD_KEYMAP_PENDING;
	}
	return AD_KEYMAP_NONE;
}

void ad_keymap_reset(ad_keymap *km)
{
	km->pending = NO_KEY;
}

void ad_keymap_describe(const ad_keymap *km, ad_action action, ad_buf *out)
{
	size_t i;
	bool first = true;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].action != action)
			continue;
		if (!first)
			ad_buf_puts(out, ", ");
		put_binding_name(out, &km->b[i]);
		first = false;
	}
}
