#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "util.h"

int ad_lines_build(ad_lines *out, const char *data, size_t len)
{
	size_t cap = 0, n = 0, i = 0;
	size_t *starts = NULL;

	out->starts = NULL;
	out->count = 0;
	/* Guess from the length so most files need one allocation. */
	ad_xgrow((void **)&starts, &cap, len / 40 + 2, sizeof(*starts));
	while (i < len) {
		const char *nl, *cr;
		size_t end;

		if (n + 2 > cap)
			ad_xgrow((void **)&starts, &cap, n + 2, sizeof(*starts));
		if (n >= INT_MAX - 1) {
			free(starts);
			return AD_ETOOBIG;
		}
		starts[n++] = i;
		nl = memchr(data + i, '\n', len - i);
		end = nl ? (size_t)(nl - data) : len;
		cr = memchr(data + i, '\r', end - i);
		if (cr) {
			i = (size_t)(cr - data) + 1;
			if (i < len && data[i] == '\n')
				i++;
		} else {
			i = nl ? end + 1 : len;
		}
	}
	if (n + 1 > cap)
		ad_xgrow((void **)&starts, &cap, n + 1, sizeof(*starts));
	starts[n] = len;
	out->starts = starts;
	out->count = (int)n;
	return 0;
}

void ad_lines_free(ad_lines *lines)
{
	if (!lines)
		return;
	free(lines->starts);
	lines->starts = NULL;
	lines->count = 0;
}

size_t ad_lines_start(const ad_lines *lines, int line)
{
	if (line < 1)
		line = 1;
	if (line > lines->count + 1)
		line = lines->count + 1;
	return lines->starts[line - 1];
}

size_t ad_lines_content_end(const ad_lines *lines, const char *data, int line)
{
	size_t s = ad_lines_start(lines, line), e = ad_lines_start(lines, line + 1);

	if (e > s && data[e - 1] == '\n')
		e--;
	if (e > s && data[e - 1] == '\r')
		e--;
	return e;
}

int ad_lines_of(const ad_lines *lines, size_t offset)
{
	int lo = 0, hi = lines->count; /* answer in [lo, hi) as 0-based index */

	if (lines->count == 0)
		return 1;
	if (offset >= lines->starts[lines->count])
		return lines->count;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		if (lines->starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}
