#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int ad_read_file(char **out, size_t *out_len, const char *path,
		 size_t max_size, ad_error *err)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0, cap = 0;
	int fd, error = 0;

	*out = NULL;
	*out_len = 0;
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ad_error_set(err, errno == ENOENT ? AD_ENOTFOUND : AD_EIO,
				    path, 0, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		error = ad_error_set(err, AD_EINVALID, path, 0, 0, "is a directory");
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = ad_error_set(err, AD_EINVALID, path, 0, 0, "not a regular file");
		goto done;
	}
	if ((uintmax_t)st.st_size > max_size) {
		error = ad_error_set(err, AD_ETOOBIG, path, 0, 0,
				     "file is too large (%jd bytes; the limit is %zu)",
				     (intmax_t)st.st_size, max_size);
		goto done;
	}
	/* The size is a hint only: the file may grow or shrink while read. */
	cap = (size_t)st.st_size + 1;
	data = ad_xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (len >= max_size) {
				error = ad_error_set(err, AD_ETOOBIG, path, 0, 0,
						     "file is too large (over %zu bytes)", max_size);
				goto done;
			}
			ad_xgrow((void **)&data, &cap, len + 4096, 1);
		}
		n = read(fd, data + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			error = ad_error_set(err, AD_EIO, path, 0, 0, "read failed: %s", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max_size) {
		error = ad_error_set(err, AD_ETOOBIG, path, 0, 0,
				     "file is too large (over %zu bytes)", max_size);
		goto done;
	}
	data[len] = '\0';
	*out = data;
	*out_len = len;
	data = NULL;
done:
	free(data);
	close(fd);
	return error;
}

/*
 * Fault injection, for tests: with AD_FAULT_INJECT=STEP in the environment,
 * that step of ad_write_file_atomic() fails as a full disk or a failing
 * device would make it fail; with AD_FAULT_INJECT=kill:STEP the process
 * kills itself (SIGKILL) at that step instead.  The steps, in order:
 *
 *   open         creating the temporary file fails (EIO)
 *   write        the first write fails, nothing written (ENOSPC)
 *   short-write  the first write stores only half, the next fails (ENOSPC)
 *   fsync        fsync of the temporary file fails (EIO)
 *   close        close fails (EIO; the descriptor is released anyway)
 *   rename       replacing the file fails (EIO)
 *   dirsync      fsync of the folder fails (EIO), after the rename
 *
 * Unset, as it always is outside the tests, it costs one getenv() per step.
 * S_injected() says whether AD_FAULT_INJECT names step (and whether to
 * kill); S_fault() acts on it.
 */
static bool S_injected(const char *step, bool *die)
{
	const char *v = getenv("AD_FAULT_INJECT");

	*die = false;
	if (!v || !*v)
		return false;
	if (!strncmp(v, "kill:", 5)) {
		*die = true;
		v += 5;
	}
	return strcmp(v, step) == 0;
}

/* The errno to fail step with, or 0; kills the process for kill:STEP. */
static int S_fault(const char *step)
{
	bool die;

	if (!S_injected(step, &die))
		return 0;
	if (die)
		raise(SIGKILL);
	return !strcmp(step, "write") || !strcmp(step, "short-write") ? ENOSPC : EIO;
}

/* Whether a step fails (by injection, or because rc < 0); sets errno. */
static bool S_failed(const char *step, int rc)
{
	int e = S_fault(step);

	if (e)
		errno = e;
	return e || rc < 0;
}

int ad_write_file_atomic(const char *path, const char *data, size_t len,
			 ad_error *err)
{
	return ad_write_file_atomic_flags(path, data, len, 0, err);
}

int ad_write_file_atomic_flags(const char *path, const char *data, size_t len,
			       unsigned flags, ad_error *err)
{
	bool sync = !(flags & AD_WRITE_NO_SYNC);
	ad_buf tmp = AD_BUF_INIT, dir = AD_BUF_INIT;
	const char *slash = strrchr(path, '/');
	int fd = -1, dfd = -1, error = 0;
	struct stat st;
	mode_t mode = 0644;
	bool first = true, die;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	if (slash)
		ad_buf_put(&dir, path, (size_t)(slash - path) + 1);
	else
		ad_buf_puts(&dir, "./");
	ad_buf_printf(&tmp, "%s.%s.agentdiff-XXXXXX", ad_buf_cstr(&dir), slash ? slash + 1 : path);
	if (S_failed("open", 0) || (fd = mkstemp(tmp.ptr)) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot create a temporary file: %s",
				     strerror(errno));
		ad_buf_free(&tmp); /* nothing was created */
		goto done;
	}
	while (len > 0) {
		size_t chunk = len;
		ssize_t n;

		if (first && len > 1 && S_injected("short-write", &die))
			chunk = len / 2;
		n = S_failed(first ? "write" : "short-write", 0) ? -1 : write(fd, data, chunk);
		first = false;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = ad_error_set(err, AD_EIO, path, 0, 0, "write failed: %s",
					     n < 0 ? strerror(errno) : "no progress");
			goto done;
		}
		data += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || (sync && S_failed("fsync", fsync(fd)))) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot sync: %s", strerror(errno));
		goto done;
	}
	if (S_failed("close", close(fd))) {
		fd = -1;
		error = ad_error_set(err, AD_EIO, path, 0, 0, "close failed: %s", strerror(errno));
		goto done;
	}
	fd = -1;
	if (S_failed("rename", 0) || rename(tmp.ptr, path) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot replace the file: %s",
				     strerror(errno));
		goto done;
	}
	/* The file is replaced: a folder that cannot be synced only makes the
	 * rename less durable, so it is not reported. */
	dfd = sync ? open(ad_buf_cstr(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd >= 0) {
		(void)S_failed("dirsync", fsync(dfd));
		close(dfd);
	}
done:
	if (fd >= 0)
		close(fd);
	if (error && tmp.ptr)
		unlink(tmp.ptr);
	ad_buf_free(&tmp);
	ad_buf_free(&dir);
	return error;
}
