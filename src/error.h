/*
 * error: return codes and the error object that carries their details.
 *
 * Functions that can fail return 0 or one of the negative AD_E* codes below,
 * as libgit2 does.  The details go into an ad_error the caller passes in
 * (it may pass NULL when it only wants the code): a message, and where known
 * the file, 1-based line and 1-based column, like libyaml's problem and
 * problem_mark.  The caller owns the ad_error and releases it with
 * ad_error_clear(), which also makes it ready for reuse.
 */
#ifndef AD_ERROR_H
#define AD_ERROR_H

enum {
	AD_OK = 0,
	AD_ERROR = -1,     /* generic failure */
	AD_ENOTFOUND = -3, /* a file, field or revision does not exist */
	AD_EPARSE = -4,    /* input could not be parsed */
	AD_ECONFLICT = -5, /* a merge left conflicts */
	AD_ETOOBIG = -6,   /* input over a size limit */
	AD_EINVALID = -7,  /* wrong kind of input (a directory, a device, ...) */
	AD_EIO = -8,       /* a read or write failed */
	AD_EUSAGE = -9,    /* bad arguments */
	AD_EEXISTS = -10,  /* a file to create exists (it appeared meanwhile) */
	AD_ECHANGED = -11  /* a file changed on disk since the caller read it */
};

typedef struct {
	int code;
	char *message; /* NULL when no error is recorded */
	char *path;    /* NULL when not about a file */
	int line;      /* 1-based; 0 when unknown */
	int column;    /* 1-based; 0 when unknown */
} ad_error;

#define AD_ERROR_INIT { 0, NULL, NULL, 0, 0 }

/* Records an error (replacing any earlier one) and returns code, so that a
 * caller can write `return ad_error_set(err, AD_EIO, path, 0, 0, "...")`.
 * err may be NULL. */
int ad_error_set(ad_error *err, int code, const char *path, int line,
		 int column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void ad_error_clear(ad_error *err);

/* "path:line:column: message", with the parts that are known; borrowed from
 * a buffer the caller provides. */
const char *ad_error_format(const ad_error *err, char *buf, unsigned size);

#endif
