#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void S_oom(size_t size)
{
	fprintf(stderr, "agentdiff: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *ad_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		S_oom(size);
	return p;
}

void *ad_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		S_oom(count * size);
	return p;
}

void *ad_xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		S_oom(size);
	return p;
}

void ad_xgrow(void **ptr, size_t *cap, size_t need, size_t elem_size)
{
	size_t ncap;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			S_oom(SIZE_MAX);
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem_size)
		S_oom(SIZE_MAX);
	*ptr = ad_xrealloc(*ptr, ncap * elem_size);
	*cap = ncap;
}

char *ad_xstrdup(const char *s)
{
	return ad_xstrndup(s, strlen(s));
}

char *ad_xstrndup(const char *s, size_t n)
{
	char *p = ad_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void ad_buf_grow(ad_buf *buf, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - buf->size - 1)
		S_oom(SIZE_MAX);
	need = buf->size + extra + 1;
	if (need <= buf->asize)
		return;
	ad_xgrow((void **)&buf->ptr, &buf->asize, need, 1);
	/* A buffer that only grew is still a valid string ("" when empty):
	 * ad_buf_cstr() hands out ptr as soon as it is allocated. */
	buf->ptr[buf->size] = '\0';
}

void ad_buf_put(ad_buf *buf, const void *data, size_t len)
{
	ad_buf_grow(buf, len);
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
}

void ad_buf_puts(ad_buf *buf, const char *s)
{
	ad_buf_put(buf, s, strlen(s));
}

void ad_buf_putc(ad_buf *buf, char c)
{
	ad_buf_grow(buf, 1);
	buf->ptr[buf->size++] = c;
	buf->ptr[buf->size] = '\0';
}

void ad_buf_vprintf(ad_buf *buf, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	ad_buf_grow(buf, 64);
	n = vsnprintf(buf->ptr + buf->size, buf->asize - buf->size, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n >= buf->asize - buf->size) {
		ad_buf_grow(buf, (size_t)n);
		vsnprintf(buf->ptr + buf->size, buf->asize - buf->size, fmt, ap);
	}
	buf->size += (size_t)n;
}

void ad_buf_printf(ad_buf *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ad_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}

const char *ad_buf_cstr(ad_buf *buf)
{
	return buf->ptr ? buf->ptr : "";
}

void ad_buf_clear(ad_buf *buf)
{
	buf->size = 0;
	if (buf->ptr)
		buf->ptr[0] = '\0';
}

char *ad_buf_detach(ad_buf *buf)
{
	char *p = buf->ptr ? buf->ptr : ad_xstrdup("");
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
	return p;
}

void ad_buf_free(ad_buf *buf)
{
	if (!buf)
		return;
	free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->asize = 0;
}

/* Arena blocks start small and double up to ARENA_BLOCK_MAX, so that a
 * small document costs little; larger requests get a block of their own. */
#define ARENA_BLOCK_MIN 512
#define ARENA_BLOCK_MAX 65536

struct ad_arena_block {
	ad_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

void *ad_arena_alloc(ad_arena *arena, size_t size)
{
	ad_arena_block *b = arena->head;
	size_t align = _Alignof(max_align_t);
	size_t need = (size + align - 1) / align * align;
	void *p;

	if (need < size)
		S_oom(size);
	if (!b || b->size - b->used < need) {
		size_t bsize = b ? (b->size < ARENA_BLOCK_MAX ? b->size * 2 : ARENA_BLOCK_MAX)
				 : ARENA_BLOCK_MIN;
		bool oneoff = need > bsize;

		if (oneoff)
			bsize = need;
		b = ad_xmalloc(sizeof(*b) + bsize);
		b->used = 0;
		b->size = bsize;
		/* A large one-off block goes behind the current one so the
		 * current block's free space stays usable. */
		if (arena->head && oneoff) {
			b->next = arena->head->next;
			arena->head->next = b;
		} else {
			b->next = arena->head;
			arena->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *ad_arena_strndup(ad_arena *arena, const char *s, size_t len)
{
	char *p = ad_arena_alloc(arena, len + 1);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void ad_arena_free(ad_arena *arena)
{
	ad_arena_block *b, *next;

	if (!arena)
		return;
	for (b = arena->head; b; b = next) {
		next = b->next;
		free(b);
	}
	arena->head = NULL;
}

void ad_path_dir(ad_buf *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	ad_buf_clear(out);
	if (!slash) {
		ad_buf_puts(out, ".");
		return;
	}
	while (slash > path && slash[-1] == '/')
		slash--;
	if (slash == path)
		ad_buf_puts(out, "/");
	else
		ad_buf_put(out, path, (size_t)(slash - path));
}
