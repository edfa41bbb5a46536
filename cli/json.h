/*
 * json: a small streaming JSON writer into an ad_buf.
 *
 * The writer keeps track of commas and nesting so callers only say what comes
 * next.  Strings may hold any bytes: invalid UTF-8 becomes U+FFFD and control
 * characters are escaped, so the output is always valid JSON; so are the
 * other code points ad_term_sanitize() escapes ("\u202e"), so that JSON
 * shown on a terminal cannot reorder itself.  Output is
 * pretty-printed with two-space indentation when `pretty` is set.
 */
#ifndef AD_JSON_H
#define AD_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define AD_JSON_MAX_DEPTH 1024

typedef struct {
	ad_buf *out;
	bool pretty;
	int depth;
	bool need_comma[AD_JSON_MAX_DEPTH + 1];
	bool after_key;
} ad_json;

void ad_json_init(ad_json *j, ad_buf *out, bool pretty);
void ad_json_object_begin(ad_json *j);
void ad_json_object_end(ad_json *j);
void ad_json_array_begin(ad_json *j);
void ad_json_array_end(ad_json *j);
/* An object key; the value written next belongs to it. */
void ad_json_key(ad_json *j, const char *key);
void ad_json_string(ad_json *j, const char *s);
void ad_json_stringn(ad_json *j, const char *s, size_t len);
void ad_json_int(ad_json *j, long long v);
void ad_json_uint(ad_json *j, unsigned long long v);
void ad_json_double(ad_json *j, double v); /* up to 4 decimals */
void ad_json_bool(ad_json *j, bool v);
void ad_json_null(ad_json *j);

/* Appends s (len bytes) to out as a quoted JSON string. */
void ad_json_quote(ad_buf *out, const char *s, size_t len);

#endif
