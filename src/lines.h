/*
 * lines: a table of where each line of a byte string starts.
 *
 * A line ends at "\n", "\r\n" or a lone "\r" (CommonMark's rule, so that
 * line numbers agree with cmark's).  starts[i] is the byte offset of 1-based
 * line i + 1; starts[count] is the length, so line i spans
 * [starts[i - 1], starts[i]).  A final line without an ending counts; an
 * empty string has no lines.  The table is owned by the caller.
 */
#ifndef AD_LINES_H
#define AD_LINES_H

#include <stddef.h>

typedef struct {
	size_t *starts; /* count + 1 entries */
	int count;
} ad_lines;

#define AD_LINES_INIT { NULL, 0 }

/* Builds the table; data may hold any bytes, NULs included.  Inputs of more
 * than INT_MAX - 1 lines fail with AD_ETOOBIG. */
int ad_lines_build(ad_lines *out, const char *data, size_t len);
void ad_lines_free(ad_lines *lines);

/* Start of 1-based line (clamped to [1, count + 1]). */
size_t ad_lines_start(const ad_lines *lines, int line);
/* End of the line's content, before its line ending. */
size_t ad_lines_content_end(const ad_lines *lines, const char *data, int line);
/* 1-based line holding offset; count for offset == length (1 if empty). */
int ad_lines_of(const ad_lines *lines, size_t offset);

#endif
