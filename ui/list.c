/*
 * list: cursor, scroll, page and search over rows (see list.h).
 */
#include "list.h"

static void clamp(ad_list *l)
{
	if (l->count == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= l->count)
		l->cursor = l->count - 1;
	if (l->top >= l->count)
		l->top = l->count - 1;
}

void ad_list_set_count(ad_list *l, size_t count)
{
	l->count = count;
	clamp(l);
}

bool ad_list_goto(ad_list *l, size_t i)
{
	size_t old = l->cursor;

	l->cursor = i;
	clamp(l);
	return l->cursor != old;
}

bool ad_list_move(ad_list *l, long delta)
{
	size_t to;

	if (delta < 0)
		to = (size_t)-delta > l->cursor ? 0 : l->cursor - (size_t)-delta;
	else
		to = l->cursor + (size_t)delta < l->cursor ? (size_t)-1 : l->cursor + (size_t)delta;
	return ad_list_goto(l, to);
}

size_t ad_list_page_size(const ad_list *l, bool half)
{
	size_t page = l->height > l->overlap ? l->height - l->overlap : 1;

	return half ? (page + 1) / 2 : page;
}

/* The largest top that still fills the screen. */
static size_t max_top(const ad_list *l)
{
	size_t h = l->height ? l->height : 1;

	return l->count > h ? l->count - h : 0;
}

void ad_list_follow(ad_list *l)
{
	clamp(l);
	if (l->cursor < l->top)
		l->top = l->cursor;
	if (l->height && l->cursor >= l->top + l->height)
		l->top = l->cursor - l->height + 1;
	if (l->top > max_top(l))
		l->top = max_top(l);
}

void ad_list_scroll(ad_list *l, long delta, bool drag)
{
	size_t h = l->height ? l->height : 1, top;

	if (delta < 0)
		top = (size_t)-delta > l->top ? 0 : l->top - (size_t)-delta;
	else
		top = l->top + (size_t)delta;
	if (top > max_top(l))
		top = max_top(l);
	if (drag)
		ad_list_move(l, delta);
	l->top = top;
	clamp(l);
	if (l->cursor < l->top)
		l->cursor = l->top;
	if (l->cursor >= l->top + h)
		l->cursor = l->top + h - 1;
	clamp(l);
}

ad_search_result ad_list_find(size_t n, size_t from, int dir, ad_list_match_fn match,
			      void *payload, size_t *at)
{
	size_t k, i;

	if (n == 0)
		return AD_SEARCH_NOT_FOUND;
	if (from >= n)
		from = n - 1;
	for (k = 1; k <= n; k++) {
		i = dir < 0 ? (from + n - k % n) % n : (from + k) % n;
		if (!match(i, payload))
			continue;
		*at = i;
		if (k == n)
			return AD_SEARCH_ONLY;
		if (dir < 0 ? i > from : i < from)
			return AD_SEARCH_WRAPPED;
		return AD_SEARCH_FOUND;
	}
	return AD_SEARCH_NOT_FOUND;
}

ad_search_result ad_list_search(ad_list *l, int dir, ad_list_match_fn match, void *payload)
{
	size_t at = 0;
	ad_search_result res = ad_list_find(l->count, l->cursor, dir, match, payload, &at);

	if (res != AD_SEARCH_NOT_FOUND) {
		l->cursor = at;
		ad_list_follow(l);
	}
	return res;
}
