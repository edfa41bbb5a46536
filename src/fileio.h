/*
 * fileio: reading a whole file, and writing one the way a careful editor
 * saves it.
 *
 * ad_read_file() reads regular files only, so that nothing blocks on a FIFO
 * or a device.  ad_write_file() replaces a file so that, whatever happens
 * (a full disk, a kill, a power cut after it returned), the name holds the
 * old bytes or the new ones, never a mix, and everything else about the file
 * stays as it was:
 *
 *   - Regular file: the new bytes go to a temporary file ".agentdiff-XXXXXX"
 *     in the same folder (a short name that holds no copy of the target's,
 *     so a name of 255 bytes can be written), which gets the old file's
 *     owner and group (where the writer may set them: as another user than
 *     root a failed chown is not an error), mode, and every extended
 *     attribute, ACLs (system.posix_acl_access) included; then fsync,
 *     rename over the target, fsync of the folder.  A new file gets
 *     0666 & ~umask (and the folder's default ACL), as open() gives it.
 *   - Symbolic link: the link stays; the file it leads to (followed up to 40
 *     links; a dangling link creates its target) is replaced as above, the
 *     temporary file beside it.
 *   - Several hard links (st_nlink > 1): the other names keep seeing the
 *     file, so it cannot be replaced by a rename.  The new bytes are first
 *     made whole and synced in the temporary file, then written in place
 *     over the file (write, truncate, fsync) and the temporary file removed.
 *     The trade-off: during that last step the file is not atomic: a reader
 *     may see part of the new bytes, and a crash there leaves a mix; then
 *     the temporary file, left behind on purpose, holds the whole new
 *     content (a failure says its name).  Refusing instead would make such
 *     files unwritable; breaking the link would silently fork them.
 *   - Device, FIFO, a name through /proc or /dev/fd (/dev/stdout): opened
 *     and written as they are (no temporary file, no rename, nothing
 *     synced), so `-o /dev/null` and `-o /dev/stdout` work and /dev/null
 *     stays a device.  A FIFO blocks until it has a reader.  A socket and a
 *     directory are refused (AD_EINVALID).
 *
 * SIGXFSZ is ignored while writing (and its disposition restored after), so
 * a file size limit (ulimit -f) fails the write with AD_ETOOBIG, "file too
 * large", the temporary file removed, instead of killing the process.
 *
 * On failure the target is untouched (but for the in-place step above) and
 * the temporary file is removed; a process killed mid-write leaves its
 * temporary file behind, nothing else.  A failed fsync of the folder, after
 * the rename, is not reported.  Errors name the path the caller gave.
 *
 * Concurrent writers: every replacement of an existing file takes flock()
 * on it (waiting up to 5 seconds) for the last step, so with the options
 * below a check and the rename are one step for all agentdiff writers:
 *
 *   AD_WRITE_EXCLUSIVE     path must not exist: the file is created with
 *                          link() (rename with RENAME_NOREPLACE where link
 *                          is not supported), so of two writers one wins and
 *                          the other fails with AD_EEXISTS, writing nothing.
 *   AD_WRITE_IF_UNCHANGED  path must still hold exactly expect[0..expect_len)
 *                          (the bytes the caller read and decided on),
 *                          re-read under the lock right before the rename or
 *                          the in-place write; otherwise AD_ECHANGED, nothing
 *                          written (also when it was removed or is no longer
 *                          a regular file).
 *   AD_WRITE_NO_SYNC       no fsync, for a scratch file its reader takes back
 *                          at once (git's %A for a merge driver); the rename
 *                          is still atomic.
 *
 * Tests make any step fail with AD_FAULT_INJECT (see fileio.c).
 */
#ifndef AD_FILEIO_H
#define AD_FILEIO_H

#include <stddef.h>

#include "error.h"

/*
 * Reads a whole regular file.  Files larger than max_size fail with
 * AD_ETOOBIG; directories, devices and FIFOs fail with AD_EINVALID so that
 * nothing blocks on them.  *out is owned by the caller (free()), and is
 * NUL-terminated one byte past *out_len for convenience.
 */
int ad_read_file(char **out, size_t *out_len, const char *path,
		 size_t max_size, ad_error *err);

enum {
	AD_WRITE_NO_SYNC = 1 << 0,
	AD_WRITE_EXCLUSIVE = 1 << 1,
	AD_WRITE_IF_UNCHANGED = 1 << 2
};

typedef struct {
	unsigned flags; /* AD_WRITE_* */
	/* With AD_WRITE_IF_UNCHANGED: what the caller read from path.
	 * Borrowed for the call; may be NULL when expect_len is 0. */
	const char *expect;
	size_t expect_len;
} ad_write_options;

#define AD_WRITE_OPTIONS_INIT { 0, NULL, 0 }

/* Writes len bytes of data to path as described above; opts may be NULL
 * (no flags).  0, or AD_EEXISTS, AD_ECHANGED, AD_ETOOBIG, AD_EINVALID,
 * AD_EIO. */
int ad_write_file(const char *path, const char *data, size_t len,
		  const ad_write_options *opts, ad_error *err);

/* ad_write_file() with no options. */
int ad_write_file_atomic(const char *path, const char *data, size_t len,
			 ad_error *err);

#endif
