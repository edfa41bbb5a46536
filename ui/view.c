/*
 * view: what every view shares (see view.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static int S_fold(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool ad_view_find(const char *hay, size_t hlen, const char *needle, size_t from,
		  size_t *at)
{
	size_t nlen = needle ? strlen(needle) : 0, i, j;

	if (!hay || !nlen || hlen < nlen)
		return false;
	for (i = from; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (S_fold((unsigned char)hay[i + j]) != S_fold((unsigned char)needle[j]))
				break;
		if (j == nlen) {
			*at = i;
			return true;
		}
	}
	return false;
}

void ad_view_free(ad_view *v)
{
	if (!v)
		return;
	free(v->needle);
	v->needle = NULL;
	v->ops->free(v);
}

void ad_host_push(ad_view_host *h, ad_view *view)
{
	if (h && h->ops->push)
		h->ops->push(h, view);
	else
		ad_view_free(view);
}

void ad_host_message(ad_view_host *h, ad_slot slot, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	va_list ap;

	if (!h || !h->ops->message)
		return;
	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	h->ops->message(h, slot, ad_buf_cstr(&msg));
	ad_buf_free(&msg);
}

void ad_host_ask(ad_view_host *h, const char *question, const char *initial,
		 ad_view_answer_fn fn, void *payload)
{
	if (h && h->ops->ask)
		h->ops->ask(h, question, initial, fn, payload);
}

int ad_host_edit_text(ad_view_host *h, const char *text, size_t len, const char *suffix,
		      ad_buf *out, ad_error *err)
{
	if (!h || !h->ops->edit_text)
		return ad_error_set(err, AD_EINVALID, NULL, 0, 0, "no editor here");
	return h->ops->edit_text(h, text, len, suffix, out, err);
}

const ad_vsource *ad_host_source_of(ad_view_host *h, const ad_doc *doc)
{
	return h && h->ops->source_of ? h->ops->source_of(h, doc) : NULL;
}

const char *ad_host_output(ad_view_host *h)
{
	return h && h->ops->output ? h->ops->output(h) : NULL;
}
