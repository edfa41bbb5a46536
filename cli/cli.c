/*
 * cli.c: the printing helpers every command shares (cli.h): messages on
 * stderr, text from files sanitized before it reaches a terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "term.h"

void ad_cli_errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("agentdiff: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ad_cli_error(const ad_error *err)
{
	char msg[1024];
	ad_buf clean = AD_BUF_INIT;

	ad_error_format(err, msg, sizeof(msg));
	ad_term_sanitize(&clean, msg, strlen(msg), false);
	ad_cli_errorf("%s", ad_buf_cstr(&clean));
	ad_buf_free(&clean);
}

void ad_cli_put_sanitized(FILE *fp, const char *s, size_t len)
{
	ad_buf clean = AD_BUF_INIT;

	ad_term_sanitize(&clean, s, len, false);
	fwrite(ad_buf_cstr(&clean), 1, clean.size, fp);
	ad_buf_free(&clean);
}

void ad_cli_print(const char *s)
{
	ad_cli_put_sanitized(stdout, s, strlen(s));
}

const char *ad_cli_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void ad_cli_put_cut(ad_buf *out, const char *s, size_t len, size_t width)
{
	ad_buf clean = AD_BUF_INIT;
	size_t i, chars = 0;

	ad_term_sanitize(&clean, s, len, false);
	for (i = 0; i < clean.size; i++) {
		if (((unsigned char)clean.ptr[i] & 0xC0) != 0x80 && ++chars > width) {
			while (i > 0 && clean.ptr[i - 1] == ' ')
				i--;
			break;
		}
	}
	ad_buf_put(out, clean.ptr ? clean.ptr : "", i);
	if (i < clean.size)
		ad_buf_puts(out, "...");
	ad_buf_free(&clean);
}

int ad_cli_write_result(const char *data, size_t len)
{
	ad_buf view = { (char *)data, len, 0 };
	size_t i = 0;

	if (isatty(STDOUT_FILENO) != 1)
		return ad_cli_write_stdout(&view);
	/* On a terminal: each line's controls made visible. */
	while (i < len) {
		size_t e = i, content;

		while (e < len && data[e] != '\n')
			e++;
		content = e;
		if (e < len && content > i && data[content - 1] == '\r')
			content--;
		ad_cli_put_sanitized(stdout, data + i, content - i);
		if (e < len)
			fputc('\n', stdout);
		i = e < len ? e + 1 : e;
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

int ad_cli_write_stdout(const ad_buf *buf)
{
	if (buf->size && fwrite(buf->ptr, 1, buf->size, stdout) != buf->size)
		return -1;
	return fflush(stdout) == 0 ? 0 : -1;
}
