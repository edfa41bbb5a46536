/*
 * agentdiff: browse, compare and merge variants of AI agent definitions.
 *
 * main() only dispatches: each subcommand lives in its own cli_*.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "term.h"

typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{ .name = "show", .run = ad_cli_show, .summary = "print the outline of one agent file" },
	{ .name = "ls", .run = ad_cli_ls, .summary = "list the agents and variants found in folders" },
	{ .name = "check", .run = ad_cli_check, .summary = "lint agent files for loading problems" },
	{ .name = "diff", .run = ad_cli_diff, .summary = "compare two or more variants section by section" },
	{ .name = "plan", .run = ad_cli_plan, .summary = "write a merge plan to edit: everything from the first variant" },
	{ .name = "apply", .run = ad_cli_apply, .summary = "apply a merge plan; write the result, optionally commit it" },
	{ .name = "merge", .run = ad_cli_merge, .summary = "three-way merge of an agent, section by section" },
	{ .name = "merge-driver", .run = ad_cli_merge_driver, .summary = "the same, as a git merge driver (%O %A %B %L %P)" },
};

static void usage(FILE *fp)
{
	size_t i;

	fprintf(fp,
		"usage: agentdiff [--theme NAME] [--script FILE [--size COLSxROWS]] [PATH...]\n"
		"       agentdiff <command> [options] [args]\n"
		"       agentdiff --help | --version\n"
		"\n"
		"With no command, agentdiff opens the terminal UI on the agents found under\n"
		"PATH (default: the current folder); when standard output is not a terminal\n"
		"it lists them with each variant's outline instead.  --theme picks the colours\n"
		"(dark, light, mono, or a theme file); --script runs the UI from a script of\n"
		"keys and prints the screens, at --size (default 80x24).  Press ? in the UI.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\nRun 'agentdiff <command> --help' for a command's options; "
		    "'man agentdiff' for everything.\n");
}

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

int main(int argc, char **argv)
{
	size_t i;
	int status;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "--version")) {
		printf("agentdiff %s\n", PACKAGE_VERSION);
		return 0;
	}
	for (i = 0; argc >= 2 && i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			status = commands[i].run(argc - 1, argv + 1);
			goto done;
		}
	}
	/* No command: the terminal UI, or off a terminal the outline. */
	status = ad_cli_tui(argc, argv);
done:
	if (fflush(stdout) != 0 && status == 0) {
		ad_cli_errorf("error writing to standard output");
		status = 2;
	}
	return status;
}
