/* renameat2(), RENAME_NOREPLACE, the xattr calls. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/xattr.h>
#endif

#include "fileio.h"
#include "util.h"

/* Links followed to the file a path names, as the kernel's own limit. */
#define MAX_LINKS 40
/* How long a writer waits for another to release the target's lock. */
#define LOCK_WAIT_MS 5000

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
 * that step of ad_write_file() fails as a full disk or a failing device
 * would make it fail; with AD_FAULT_INJECT=kill:STEP the process kills
 * itself (SIGKILL) at that step instead.  The steps, in order:
 *
 *   open         creating the temporary file fails (EIO)
 *   write        the first write fails, nothing written (ENOSPC)
 *   short-write  the first write stores only half, the next fails (ENOSPC)
 *   fsync        fsync of the temporary file fails (EIO)
 *   close        close fails (EIO; the descriptor is released anyway)
 *   rename       replacing the file fails (EIO); for a file with several
 *                links, the write in place fails after half of it (EIO)
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

/* ---------------------------------------------------------------- writing */

/* The error for a failed write(): a file size limit has its own code. */
static int S_write_error(ad_error *err, const char *path, int e)
{
	if (e == EFBIG)
		return ad_error_set(err, AD_ETOOBIG, path, 0, 0,
				    "write failed: file too large (over the file size limit)");
	return ad_error_set(err, AD_EIO, path, 0, 0, "write failed: %s",
			    e ? strerror(e) : "no progress");
}

/* Writes all of data to fd from its offset, through the write and
 * short-write fault steps; 0, or the errno (-1 for no progress). */
static int S_write_all(int fd, const char *data, size_t len)
{
	bool first = true, die;

	while (len > 0) {
		size_t chunk = len;
		ssize_t n;

		if (first && len > 1 && S_injected("short-write", &die))
			chunk = len / 2;
		n = S_failed(first ? "write" : "short-write", 0) ? -1 : write(fd, data, chunk);
		first = false;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Whether path lies in /proc (/dev/stdout leads to /proc/self/fd/1): a
 * name there can be opened but not replaced. */
static bool S_in_proc(const char *path)
{
	ad_buf dir = AD_BUF_INIT;
	char *real;
	bool in;

	ad_path_dir(&dir, path);
	real = realpath(dir.ptr, NULL);
	in = real && (!strcmp(real, "/proc") || !strncmp(real, "/proc/", 6));
	free(real);
	ad_buf_free(&dir);
	return in;
}

/*
 * The file path leads to, following links in its last component (the
 * folders' links do not matter to a rename) into out; *magic when a step
 * is in /proc.  A name that does not exist ends the walk: a dangling link
 * leads to the file it would create.
 */
static int S_resolve(ad_buf *out, bool *magic, const char *path, ad_error *err)
{
	ad_buf target = AD_BUF_INIT, dir = AD_BUF_INIT;
	int hops, error = 0;

	*magic = false;
	ad_buf_clear(out);
	ad_buf_puts(out, path);
	for (hops = 0;; hops++) {
		struct stat st;
		ssize_t n;

		if (S_in_proc(out->ptr))
			*magic = true;
		if (lstat(out->ptr, &st) < 0) {
			if (errno != ENOENT)
				error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot stat: %s",
						     strerror(errno));
			break;
		}
		if (!S_ISLNK(st.st_mode))
			break;
		if (hops == MAX_LINKS) {
			error = ad_error_set(err, AD_EINVALID, path, 0, 0,
					     "cannot write: %s", strerror(ELOOP));
			break;
		}
		ad_buf_clear(&target);
		ad_buf_grow(&target, PATH_MAX);
		n = readlink(out->ptr, target.ptr, target.asize - 1);
		if (n < 0 || (size_t)n >= target.asize - 1) {
			error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot read the link %s: %s",
					     out->ptr, n < 0 ? strerror(errno) : "too long");
			break;
		}
		target.size = (size_t)n;
		target.ptr[n] = '\0';
		if (target.ptr[0] == '/' || !strchr(out->ptr, '/')) {
			ad_buf_clear(out);
		} else {
			ad_path_dir(&dir, out->ptr);
			ad_buf_clear(out);
			ad_buf_printf(out, "%s/", dir.ptr);
		}
		ad_buf_put(out, target.ptr, target.size);
	}
	ad_buf_free(&target);
	ad_buf_free(&dir);
	return error;
}

/* Creates "DIR/.agentdiff-XXXXXX" beside real with mode (before the umask);
 * the name into tmp.  The six characters are random enough for O_EXCL to
 * settle any collision in a few tries. */
static int S_mktemp(ad_buf *tmp, const char *real, mode_t mode)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static unsigned counter;
	ad_buf dir = AD_BUF_INIT;
	struct timespec ts;
	uint64_t x;
	int tries, fd = -1;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^
	    ((uint64_t)++counter * 0x9E3779B97F4A7C15ull) ^ (uint64_t)(uintptr_t)tmp;
	ad_path_dir(&dir, real);
	for (tries = 0; tries < 100 && fd < 0; tries++) {
		int i;

		ad_buf_clear(tmp);
		ad_buf_printf(tmp, "%s%s.agentdiff-", dir.ptr, strcmp(dir.ptr, "/") ? "/" : "");
		for (i = 0; i < 6; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			ad_buf_putc(tmp, chars[x % (sizeof(chars) - 1)]);
		}
		fd = open(tmp->ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
			  mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	ad_buf_free(&dir);
	return fd;
}

#ifdef __linux__
/* Every extended attribute of from (ACLs are ones) onto fd.  Read by name
 * (l*xattr), which needs no read permission on the file.  Those the writer
 * may not set or the file system does not keep are skipped, as a chown
 * that is not allowed is; other failures are errors. */
static int S_copy_xattrs(int fd, const char *from, const char *path, ad_error *err)
{
	char *names = NULL, *value = NULL, *name;
	ssize_t n;
	int error = 0;

	n = llistxattr(from, NULL, 0);
	if (n <= 0)
		return 0; /* none, or none we can list (ENOTSUP) */
	names = ad_xmalloc((size_t)n + 1);
	if ((n = llistxattr(from, names, (size_t)n)) < 0)
		goto done; /* changed meanwhile; keep what we have */
	names[n] = '\0';
	for (name = names; name < names + n; name += strlen(name) + 1) {
		ssize_t vlen = lgetxattr(from, name, NULL, 0);

		if (vlen < 0)
			continue;
		free(value);
		value = ad_xmalloc((size_t)vlen + 1);
		if ((vlen = lgetxattr(from, name, value, (size_t)vlen)) < 0)
			continue;
		if (fsetxattr(fd, name, value, (size_t)vlen, 0) < 0 && errno != EPERM &&
		    errno != EACCES && errno != ENOTSUP && errno != EOPNOTSUPP) {
			error = ad_error_set(err, AD_EIO, path, 0, 0,
					     "cannot copy the extended attribute %s: %s", name,
					     strerror(errno));
			goto done;
		}
	}
done:
	free(names);
	free(value);
	return error;
}
#endif

/* The old file's owner, group, mode and extended attributes onto fd. */
static int S_copy_metadata(int fd, const char *real, const struct stat *st, const char *path,
			   ad_error *err)
{
	struct stat now;

	/* Not allowed (another user's file): keep at least the group, which
	 * a member of it may set. */
	if (fstat(fd, &now) < 0)
		return ad_error_set(err, AD_EIO, path, 0, 0, "cannot stat the temporary file: %s",
				    strerror(errno));
	if ((now.st_uid != st->st_uid || now.st_gid != st->st_gid) &&
	    fchown(fd, st->st_uid, st->st_gid) < 0 && fchown(fd, (uid_t)-1, st->st_gid) < 0 &&
	    errno != EPERM)
		return ad_error_set(err, AD_EIO, path, 0, 0, "cannot set the owner: %s",
				    strerror(errno));
	/* After the chown, which clears set-user-ID bits. */
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return ad_error_set(err, AD_EIO, path, 0, 0, "cannot set the mode: %s",
				    strerror(errno));
#ifdef __linux__
	return S_copy_xattrs(fd, real, path, err);
#else
	(void)real;
	return 0;
#endif
}

/* Whether the file open as fd holds exactly want[0..len). */
static bool S_holds(int fd, const char *want, size_t len)
{
	char chunk[65536];
	off_t off = 0;

	for (;;) {
		ssize_t n = pread(fd, chunk, sizeof(chunk), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		if (n == 0)
			return (size_t)off == len;
		if ((size_t)off + (size_t)n > len || memcmp(chunk, want + off, (size_t)n))
			return false;
		off += n;
	}
}

/*
 * Locks the regular file at real (flock, waiting up to LOCK_WAIT_MS) and,
 * with AD_WRITE_IF_UNCHANGED, checks it still holds what the caller read.
 * The lock is on an inode: after getting it, real must still name that
 * inode (another writer may have renamed a new file over it while we
 * waited), else the lock is taken again on the new one.  *fd is the locked
 * descriptor (O_RDWR when for_write, for the in-place write), or -1 when
 * real no longer exists, or when it cannot be opened and nothing is to be
 * checked (the lock is a courtesy then).
 */
static int S_lock(int *fd, const char *real, bool for_write, const ad_write_options *opts,
		  const char *path, ad_error *err)
{
	bool check = opts && (opts->flags & AD_WRITE_IF_UNCHANGED);
	int tries, waited, error = 0;

	*fd = -1;
	for (tries = 0; tries < 10; tries++) {
		struct stat a, b;

		*fd = open(real, (for_write ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
					 O_CLOEXEC);
		if (*fd < 0) {
			if (errno == ENOENT && check)
				return ad_error_set(err, AD_ECHANGED, path, 0, 0,
						    "was removed since it was read; not written");
			if (errno == ENOENT || (!check && !for_write))
				return 0;
			return ad_error_set(err, AD_EIO, path, 0, 0, "cannot open: %s",
					    strerror(errno));
		}
		for (waited = 0; flock(*fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
			struct timespec ts = { 0, 10 * 1000 * 1000 };

			if (errno == EINTR)
				continue;
			if (errno != EWOULDBLOCK)
				break; /* no locks here (some network file systems) */
			if (waited >= LOCK_WAIT_MS) {
				error = ad_error_set(err, AD_EIO, path, 0, 0,
						     "is locked by another program; not written");
				goto fail;
			}
			nanosleep(&ts, NULL);
		}
		if (fstat(*fd, &a) == 0 && lstat(real, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			if (!S_ISREG(a.st_mode)) {
				error = ad_error_set(err, AD_ECHANGED, path, 0, 0,
						     "is no longer a regular file; not written");
				goto fail;
			}
			if (check && !S_holds(*fd, opts->expect ? opts->expect : "", opts->expect_len)) {
				error = ad_error_set(err, AD_ECHANGED, path, 0, 0,
						     "changed on disk since it was read; not written");
				goto fail;
			}
			return 0;
		}
		close(*fd);
		*fd = -1;
	}
	return ad_error_set(err, AD_EIO, path, 0, 0, "keeps being replaced; not written");
fail:
	close(*fd);
	*fd = -1;
	return error;
}

/* A device, a FIFO or a name through /proc: written where it is.  trunc
 * for a regular file reached through /proc (/dev/stdout on a file). */
static int S_write_in_place(const char *path, const char *data, size_t len, bool trunc,
			    ad_error *err)
{
	int fd, e, error = 0;

	fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
	if (fd < 0)
		return ad_error_set(err, AD_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	if ((e = S_write_all(fd, data, len)) != 0)
		error = S_write_error(err, path, e);
	if (close(fd) < 0 && !error)
		error = ad_error_set(err, AD_EIO, path, 0, 0, "close failed: %s", strerror(errno));
	return error;
}

/* The file fd (locked, several names) gets data in place: written over,
 * cut to len, synced.  Its temporary copy tmp is kept if this fails. */
static int S_overwrite(int fd, const char *data, size_t len, bool sync, const char *tmp,
		       const char *path, ad_error *err)
{
	int e;

	if (lseek(fd, 0, SEEK_SET) < 0) {
		e = errno;
		goto fail;
	}
	if (S_fault("rename")) {
		(void)S_write_all(fd, data, len / 2);
		e = EIO;
		goto fail;
	}
	if ((e = S_write_all(fd, data, len)) != 0)
		goto fail;
	if (ftruncate(fd, (off_t)len) < 0 || (sync && fsync(fd) < 0)) {
		e = errno;
		goto fail;
	}
	return 0;
fail:
	return ad_error_set(err, e == EFBIG ? AD_ETOOBIG : AD_EIO, path, 0, 0,
			    "writing over the file (it has several links) failed: %s; the new "
			    "content is in %s",
			    e == EFBIG ? "file too large" : e > 0 ? strerror(e) : "no progress", tmp);
}

/* Puts the finished temporary file at real, which must not exist. */
static int S_link_new(const char *tmp, const char *real, const char *path, ad_error *err)
{
	if (link(tmp, real) == 0)
		return 0;
	if (errno == EEXIST)
		return ad_error_set(err, AD_EEXISTS, path, 0, 0,
				    "was created by something else meanwhile; not overwritten");
#ifdef RENAME_NOREPLACE
	/* File systems without hard links (FAT, some FUSE ones). */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, real, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return ad_error_set(err, AD_EEXISTS, path, 0, 0,
				    "was created by something else meanwhile; not overwritten");
#endif
	return ad_error_set(err, AD_EIO, path, 0, 0, "cannot create the file exclusively: %s",
			    strerror(errno));
}

int ad_write_file_atomic(const char *path, const char *data, size_t len, ad_error *err)
{
	return ad_write_file(path, data, len, NULL, err);
}

int ad_write_file(const char *path, const char *data, size_t len,
		  const ad_write_options *opts, ad_error *err)
{
	unsigned flags = opts ? opts->flags : 0;
	bool sync = !(flags & AD_WRITE_NO_SYNC), exists, magic, keep_tmp = false;
	ad_buf real = AD_BUF_INIT, tmp = AD_BUF_INIT, dir = AD_BUF_INIT;
	struct sigaction ignore, old_xfsz;
	int fd = -1, lockfd = -1, dfd = -1, e, error = 0;
	struct stat st;

	memset(&ignore, 0, sizeof(ignore));
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGXFSZ, &ignore, &old_xfsz);

	/* What path is, following every link. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			error = ad_error_set(err, AD_EINVALID, path, 0, 0, "is a directory; not written");
		else if (S_ISSOCK(st.st_mode))
			error = ad_error_set(err, AD_EINVALID, path, 0, 0, "is a socket; not written");
		else if (flags & AD_WRITE_EXCLUSIVE)
			error = ad_error_set(err, AD_EEXISTS, path, 0, 0, "exists; not overwritten");
		else if (flags & AD_WRITE_IF_UNCHANGED)
			error = ad_error_set(err, AD_ECHANGED, path, 0, 0,
					     "is no longer a regular file; not written");
		else
			error = S_write_in_place(path, data, len, false, err);
		goto done;
	}
	if ((error = S_resolve(&real, &magic, path, err)) < 0)
		goto done;
	exists = lstat(real.ptr, &st) == 0;
	if (!exists && errno != ENOENT) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot stat: %s", strerror(errno));
		goto done;
	}
	if (exists && (flags & AD_WRITE_EXCLUSIVE)) {
		error = ad_error_set(err, AD_EEXISTS, path, 0, 0, "exists; not overwritten");
		goto done;
	}
	if (!exists && (flags & AD_WRITE_IF_UNCHANGED)) {
		error = ad_error_set(err, AD_ECHANGED, path, 0, 0,
				     "was removed since it was read; not written");
		goto done;
	}
	if (exists && !S_ISREG(st.st_mode)) { /* replaced since the stat above */
		error = ad_error_set(err, AD_EINVALID, path, 0, 0, "not a regular file; not written");
		goto done;
	}
	if (magic) {
		/* /dev/stdout or /dev/fd/N on a file: no folder to rename in. */
		if (flags & AD_WRITE_EXCLUSIVE)
			error = ad_error_set(err, AD_EEXISTS, path, 0, 0, "exists; not overwritten");
		else
			error = S_write_in_place(path, data, len, true, err);
		goto done;
	}

	/* The new content, whole, in a temporary file beside the real one. */
	if (S_failed("open", 0) || (fd = S_mktemp(&tmp, real.ptr, exists ? 0600 : 0666)) < 0) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot create a temporary file: %s",
				     strerror(errno));
		ad_buf_free(&tmp); /* nothing was created */
		goto done;
	}
	if ((e = S_write_all(fd, data, len)) != 0) {
		error = S_write_error(err, path, e);
		goto done;
	}
	if (exists && st.st_nlink == 1 &&
	    (error = S_copy_metadata(fd, real.ptr, &st, path, err)) < 0)
		goto done;
	if (sync && S_failed("fsync", fsync(fd))) {
		error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot sync: %s", strerror(errno));
		goto done;
	}
	if (S_failed("close", close(fd))) {
		fd = -1;
		error = ad_error_set(err, AD_EIO, path, 0, 0, "close failed: %s", strerror(errno));
		goto done;
	}
	fd = -1;

	/* Into place: the check and the last step under the target's lock. */
	if (!exists && (flags & AD_WRITE_EXCLUSIVE)) {
		if ((error = S_link_new(tmp.ptr, real.ptr, path, err)) < 0)
			goto done;
		unlink(tmp.ptr);
	} else if (exists && st.st_nlink > 1) {
		if ((error = S_lock(&lockfd, real.ptr, true, opts, path, err)) < 0)
			goto done;
		if (lockfd < 0) {
			error = ad_error_set(err, AD_ECHANGED, path, 0, 0,
					     "was removed while writing; not written");
			goto done;
		}
		if ((error = S_overwrite(lockfd, data, len, sync, tmp.ptr, path, err)) < 0) {
			keep_tmp = true;
			goto done;
		}
		unlink(tmp.ptr);
		goto done; /* the folder did not change */
	} else {
		if (exists && (error = S_lock(&lockfd, real.ptr, false, opts, path, err)) < 0)
			goto done;
		if (S_failed("rename", 0) || rename(tmp.ptr, real.ptr) < 0) {
			error = ad_error_set(err, AD_EIO, path, 0, 0, "cannot replace the file: %s",
					     strerror(errno));
			goto done;
		}
	}
	/* The file is in place: a folder that cannot be synced only makes the
	 * rename less durable, so it is not reported. */
	ad_path_dir(&dir, real.ptr);
	dfd = sync ? open(dir.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd >= 0) {
		(void)S_failed("dirsync", fsync(dfd));
		close(dfd);
	}
done:
	if (fd >= 0)
		close(fd);
	if (lockfd >= 0)
		close(lockfd); /* releases the lock */
	if (error && tmp.ptr && !keep_tmp)
		unlink(tmp.ptr);
	sigaction(SIGXFSZ, &old_xfsz, NULL);
	ad_buf_free(&real);
	ad_buf_free(&tmp);
	ad_buf_free(&dir);
	return error;
}
