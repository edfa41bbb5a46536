/*
 * agentdiff: browse, compare and merge variants of AI agent definitions.
 *
 * main.c is the command table only: each subcommand lives in its own
 * cli_*.c, and the helpers they share in cli.c.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli.h"

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
