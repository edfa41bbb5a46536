/*
 * benchutil: what the benchmark programs share.
 *
 * A clock, a median, a plain file writer, and the input every in-process
 * benchmark starts from: the example agents concatenated to a given size
 * (bench_examples_base) and deterministic variants of it (bench_mutate),
 * so that bench_diff, bench_views and bench_merge measure the same
 * documents from one run to the next.
 */
#ifndef AD_BENCHUTIL_H
#define AD_BENCHUTIL_H

#include <stddef.h>

#include "util.h"

/* Seconds on the monotonic clock. */
double bench_now(void);

/* Sorts v in place, ascending. */
void bench_sort(double *v, size_t n);

/* Sorts v in place and returns its middle value (0 when n is 0). */
double bench_median(double *v, size_t n);

/* Writes data to path with stdio: benchmark inputs only, not atomic.
 * 0, or -1 if it could not be written whole. */
int bench_write_file(const char *path, const char *data, size_t len);

/*
 * Appends to out the examples under dir (every dir/<agent>/<name>.md, in
 * sorted order): the first one whole, then the others' bodies, round after
 * round (each later round marked by an appendix heading), until out holds
 * about size bytes.  Returns how many examples there are; 0 leaves out as
 * it was.
 */
size_t bench_examples_base(ad_buf *out, const char *dir, size_t size);

/*
 * Appends to out a variant of s[0..len): line by line, from a generator
 * seeded with seed, some words changed, some lines dropped and some
 * headings renamed.  The same seed gives the same variant.
 */
void bench_mutate(ad_buf *out, const char *s, size_t len, unsigned seed);

#endif
