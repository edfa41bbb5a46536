/*
 * textdiff: the low-level diff engine: lines, words and bare key sequences.
 *
 * A pipeline in the way git's xdiff is one: prepare (split and hash the
 * units, give equal units one class number) -> match (histogram diff, with
 * Myers' O(ND) algorithm where histogram gives up) -> compact (slide
 * ambiguous changes to blank lines and indentation boundaries; for words,
 * merge tiny equalities between changes) -> edit script.  It never prints and
 * does no I/O.
 *
 * The edit script is an array of runs (ad_textdiff_op) that covers both
 * inputs from start to end in order: EQUAL runs pair units of A with units
 * of B; DELETE runs take units of A only; INSERT runs units of B only.  In a
 * change, the DELETE comes before the INSERT.  Copying the EQUAL and DELETE
 * ranges of A gives A back; the EQUAL ranges of A plus the INSERT ranges of
 * B, in order, give B (byte for byte when no IGNORE flag is set).
 *
 * Inputs are byte buffers of any content: NULs, invalid UTF-8, CRLF.  A line
 * ends at "\n", "\r\n" or a lone "\r" (as in lines.h) and includes its ending.
 * Offsets in the result are relative to the buffers passed in.
 *
 * Ownership: *out results belong to the caller, who frees them with
 * ad_textdiff_free() (which accepts NULL).  Inputs are only borrowed for the
 * duration of the call.
 */
#ifndef AD_TEXTDIFF_H
#define AD_TEXTDIFF_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	/* Runs of blanks compare equal to one space; trailing blanks and line
	 * endings are ignored (git diff -b). */
	AD_TEXTDIFF_IGNORE_WHITESPACE_CHANGE = 1u << 0,
	/* All blanks and line endings are ignored (git diff -w). */
	AD_TEXTDIFF_IGNORE_WHITESPACE = 1u << 1,
	/* "\n", "\r\n", "\r" and a missing final newline compare equal. */
	AD_TEXTDIFF_IGNORE_EOL = 1u << 2,
	/* No cost cap on Myers' search: minimal scripts, possibly quadratic. */
	AD_TEXTDIFF_MINIMAL = 1u << 3,
	/* Leave changes where the matcher put them (no sliding). */
	AD_TEXTDIFF_NO_COMPACT = 1u << 4,
	/* Words only: every whitespace run compares equal to every other (a
	 * blank line, i.e. a paragraph break, only to another one), and changes
	 * made of whitespace alone are reported as part of an EQUAL run, so a
	 * re-wrapped paragraph diffs as one EQUAL run. */
	AD_TEXTDIFF_REFLOW = 1u << 5,
	/* Words only: keep the raw token script (no semantic cleanup). */
	AD_TEXTDIFF_NO_SEMANTIC_CLEANUP = 1u << 6
} ad_textdiff_flag_t;

typedef enum {
	AD_TEXTDIFF_HISTOGRAM = 0, /* default; falls back to Myers */
	AD_TEXTDIFF_MYERS
} ad_textdiff_algorithm_t;

typedef struct {
	unsigned int flags;                /* ad_textdiff_flag_t bits */
	ad_textdiff_algorithm_t algorithm;
	/* Myers: past this many edits in one split, settle for the furthest
	 * point reached (xdiff's heuristic).  0: sqrt(units), at least 256. */
	int max_cost;
	/* Words: above this many tokens on either side, only the common prefix
	 * and suffix are matched and AD_TEXTDIFF_DEGRADED_SIZE is set.
	 * 0: AD_TEXTDIFF_MAX_TOKENS. */
	int max_tokens;
} ad_textdiff_options;

#define AD_TEXTDIFF_OPTIONS_INIT { 0, AD_TEXTDIFF_HISTOGRAM, 0, 0 }
#define AD_TEXTDIFF_MAX_TOKENS 100000

typedef enum {
	AD_TEXTDIFF_EQUAL = 0,
	AD_TEXTDIFF_DELETE, /* a_count units of A; b_count == 0 */
	AD_TEXTDIFF_INSERT  /* b_count units of B; a_count == 0 */
} ad_textdiff_op_t;

typedef enum {
	AD_TEXTDIFF_LINES = 0,
	AD_TEXTDIFF_WORDS, /* words, whitespace runs, punctuation; CJK per char */
	AD_TEXTDIFF_KEYS   /* caller's keys (ad_textdiff_keys); no byte ranges */
} ad_textdiff_unit_t;

/* One run.  Unit ranges are 0-based [start, start + count); byte ranges are
 * [off, off + len).  An empty side still has a position: the unit and byte
 * offset where the run sits.  With IGNORE flags or REFLOW an EQUAL run means
 * "equal under the options": its bytes (and, under REFLOW, its whitespace
 * token counts) may differ. */
typedef struct {
	ad_textdiff_op_t kind;
	int a_start, a_count;
	int b_start, b_count;
	size_t a_off, a_len;
	size_t b_off, b_len;
} ad_textdiff_op;

enum {
	AD_TEXTDIFF_DEGRADED_COST = 1u << 0, /* Myers' cost cap was hit: valid,
						maybe not minimal */
	AD_TEXTDIFF_DEGRADED_SIZE = 1u << 1  /* over max_tokens: prefix and
						suffix only */
};

typedef struct {
	ad_textdiff_op *ops;     /* count runs, owned by this struct */
	size_t count;
	ad_textdiff_unit_t unit;
	int a_units, b_units;    /* lines or tokens in A and B */
	int deleted, inserted;   /* units in DELETE / INSERT runs */
	unsigned int degraded;   /* AD_TEXTDIFF_DEGRADED_* bits */
} ad_textdiff;

/* Line diff of a[0..alen) and b[0..blen).  opts may be NULL for defaults.
 * Returns 0, or AD_ETOOBIG past INT_MAX - 1 lines. */
int ad_textdiff_lines(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen,
		      const ad_textdiff_options *opts);

/* Word diff: the texts are cut into words (letters, digits, '_' and any
 * non-ASCII letter), whitespace runs, single punctuation characters and
 * single CJK characters; the token sequences are diffed with the same
 * engine, then tiny equalities between changes are merged away
 * (diff-match-patch's cleanupSemantic), so a changed phrase is one change.
 * DELETE byte ranges are what to highlight in A, INSERT ranges in B. */
int ad_textdiff_words(ad_textdiff **out, const char *a, size_t alen,
		      const char *b, size_t blen,
		      const ad_textdiff_options *opts);

/* Diff of two key sequences (equal keys are equal units), for callers that
 * hash their own units (sections, paragraphs).  Byte ranges are all 0. */
int ad_textdiff_keys(ad_textdiff **out, const uint64_t *a, int na,
		     const uint64_t *b, int nb,
		     const ad_textdiff_options *opts);

void ad_textdiff_free(ad_textdiff *diff);

/* 1 when the texts have the same words and punctuation in the same order,
 * with whitespace between them in the same places, ignoring how much
 * whitespace and where lines break ("same words, only re-wrapped"); a blank
 * line (paragraph break) only matches a blank line.  Leading and trailing
 * whitespace is ignored.  Linear time, no allocation. */
int ad_textdiff_same_words(const char *a, size_t alen,
			   const char *b, size_t blen);

/* 2 * matched / (units in A + units in B), in [0, 1]: 1.0 for equal texts
 * (and for two texts without units), 0.0 when nothing matches.  Units are
 * non-blank lines (LINES) or non-whitespace tokens (WORDS).  No compaction
 * or cleanup is done, so it costs one diff of the units (about 0.3 ms for
 * two 12 KB texts as WORDS): use the sketch below to pre-filter, and to
 * decide whether a replaced hunk is worth a word diff at all.  KEYS is not
 * a unit here (returns 0.0). */
double ad_textdiff_similarity(const char *a, size_t alen,
			      const char *b, size_t blen,
			      ad_textdiff_unit_t unit,
			      const ad_textdiff_options *opts);

/* A fixed-size bag of words: a pre-filter for ad_textdiff_similarity when
 * many pairs must be compared (build each text's sketch once; comparing two
 * is a few hundred integer operations).  ad_textdiff_sketch_similarity() is
 * never below ad_textdiff_similarity(.., AD_TEXTDIFF_WORDS, ..) of the same
 * texts, so a pair whose sketch score is under a threshold can be rejected
 * without the real diff.  Plain data: copy and compare freely. */
#define AD_TEXTDIFF_SKETCH_BUCKETS 256
typedef struct {
	uint32_t bucket[AD_TEXTDIFF_SKETCH_BUCKETS]; /* token counts by hash */
	uint32_t total;                              /* non-space tokens */
} ad_textdiff_sketch;

void ad_textdiff_sketch_build(ad_textdiff_sketch *out, const char *text,
			      size_t len);
double ad_textdiff_sketch_similarity(const ad_textdiff_sketch *a,
				     const ad_textdiff_sketch *b);

/*
 * For comparing many texts with each other: tokenise each once into keys
 * and compare the keys.  ad_textdiff_word_keys() appends the hashes of
 * text's non-space tokens (the words and punctuation a word diff sees) to
 * *keys, an array of *n keys and *cap capacity grown as needed, and returns
 * how many it appended.  Equal tokens have equal keys.
 *
 * ad_textdiff_sketch_keys() is ad_textdiff_sketch_build() from keys (the
 * same sketch), and ad_textdiff_keys_similarity() is the word similarity
 * of two key sequences: the share of keys, on both sides, that a diff
 * matches (1.0 when both are empty).  It differs from
 * ad_textdiff_similarity(.., AD_TEXTDIFF_WORDS, ..) only in that white
 * space is not diffed, so never exceeds the sketches' similarity either.
 */
size_t ad_textdiff_word_keys(uint64_t **keys, size_t *n, size_t *cap,
			     const char *text, size_t len);
void ad_textdiff_sketch_keys(ad_textdiff_sketch *out, const uint64_t *keys,
			     size_t n);
double ad_textdiff_keys_similarity(const uint64_t *a, int na,
				   const uint64_t *b, int nb,
				   const ad_textdiff_options *opts);

#endif
