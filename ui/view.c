/*
 * view: what every view shares (see view.h).
 */
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
