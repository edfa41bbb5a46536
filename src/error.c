#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "util.h"

int ad_error_set(ad_error *err, int code, const char *path, int line,
		 int column, const char *fmt, ...)
{
	ad_buf msg = AD_BUF_INIT;
	va_list ap;

	if (!err)
		return code;
	ad_error_clear(err);
	va_start(ap, fmt);
	ad_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	err->code = code;
	err->message = ad_buf_detach(&msg);
	err->path = path ? ad_xstrdup(path) : NULL;
	err->line = line;
	err->column = column;
	return code;
}

void ad_error_clear(ad_error *err)
{
	if (!err)
		return;
	free(err->message);
	free(err->path);
	err->code = 0;
	err->message = NULL;
	err->path = NULL;
	err->line = 0;
	err->column = 0;
}

const char *ad_error_format(const ad_error *err, char *buf, unsigned size)
{
	const char *msg = err && err->message ? err->message : "unknown error";

	if (err && err->path && err->line > 0 && err->column > 0)
		snprintf(buf, size, "%s:%d:%d: %s", err->path, err->line, err->column, msg);
	else if (err && err->path && err->line > 0)
		snprintf(buf, size, "%s:%d: %s", err->path, err->line, msg);
	else if (err && err->path)
		snprintf(buf, size, "%s: %s", err->path, msg);
	else
		snprintf(buf, size, "%s", msg);
	return buf;
}
