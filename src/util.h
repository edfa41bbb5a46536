/*
 * util: allocation, growable buffers, an arena, paths.
 *
 * Reading and writing files is fileio.h's.
 *
 * Out-of-memory policy: the ad_x* allocators never return NULL; they print a
 * message and abort, as htop's xMalloc and cmark's default allocator do, so no
 * caller has to check them.
 *
 * ad_buf is a growable byte string that is always NUL-terminated once anything
 * has been put in it.  The caller owns it and releases it with ad_buf_free().
 *
 * ad_arena hands out memory that lives until ad_arena_free(); the document
 * model keeps every string it derives from a file (titles, keys, values) in
 * one, so freeing a document is a handful of free() calls.
 */
#ifndef AD_UTIL_H
#define AD_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

void *ad_xmalloc(size_t size);
void *ad_xcalloc(size_t count, size_t size);
void *ad_xrealloc(void *ptr, size_t size);
/* Grows *ptr (an array of elem_size items with capacity *cap) to hold at least
 * need items.  Overflow aborts like an allocation failure. */
void ad_xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size);
char *ad_xstrdup(const char *s);
char *ad_xstrndup(const char *s, size_t n);

typedef struct {
	char *ptr;
	size_t size;
	size_t asize;
} ad_buf;

#define AD_BUF_INIT { NULL, 0, 0 }

void ad_buf_grow(ad_buf *buf, size_t extra);
void ad_buf_put(ad_buf *buf, const void *data, size_t len);
void ad_buf_puts(ad_buf *buf, const char *s);
void ad_buf_putc(ad_buf *buf, char c);
void ad_buf_printf(ad_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ad_buf_vprintf(ad_buf *buf, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Always a valid C string, "" for an empty buffer; borrowed. */
const char *ad_buf_cstr(ad_buf *buf);
void ad_buf_clear(ad_buf *buf);
/* Hands the string to the caller (never NULL) and resets the buffer. */
char *ad_buf_detach(ad_buf *buf);
void ad_buf_free(ad_buf *buf);

typedef struct ad_arena_block ad_arena_block;
typedef struct {
	ad_arena_block *head;
} ad_arena;

#define AD_ARENA_INIT { NULL }

void *ad_arena_alloc(ad_arena *arena, size_t size);
/* A NUL-terminated copy of len bytes of s. */
char *ad_arena_strndup(ad_arena *arena, const char *s, size_t len);
void ad_arena_free(ad_arena *arena);

/* The folder of path into out (cleared first): "a/b" -> "a", "a//b" ->
 * "a", "b" -> ".", "/b" -> "/". */
void ad_path_dir(ad_buf *out, const char *path);

#endif
