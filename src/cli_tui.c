/*
 * cli_tui: agentdiff with no command, the terminal UI.
 *
 * On a terminal it opens the browser on the PATHs.  With --script it runs
 * the same UI from a script at a fixed size and prints screen dumps (for
 * tests and for measuring redraws).  When stdout or stdin is not a terminal
 * and there is no script, it prints what `agentdiff ls --outline` prints,
 * so `agentdiff examples | less` and scripts that ran it before the UI
 * existed keep working.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tui.h"
#include "userconfig.h"

/* Largest script read; a script is a few lines. */
#define MAX_SCRIPT_SIZE ((size_t)16 << 20)

static const char tui_usage[] =
	"usage: agentdiff [--theme NAME] [--script FILE [--size COLSxROWS]] [--] [PATH...]\n"
	"\n"
	"Opens the terminal UI on the agents found in the PATHs (default: the\n"
	"current folder).  When standard output is not a terminal, prints the\n"
	"agents with each variant's outline instead (as 'agentdiff ls --outline').\n"
	"\n"
	"  --theme NAME       colour theme: dark, light, mono, or a theme file's path\n"
	"  --script FILE      run the UI from a script of keys and print screen dumps\n"
	"  --size COLSxROWS   the screen size for --script (default 80x24)\n"
	"  -h, --help         show this help\n"
	"\n"
	"Press ? in the UI for the keys; 'man agentdiff' has them all.\n";

/* The value of --opt VALUE or --opt=VALUE at argv[*i], or NULL when argv[*i]
 * is not opt. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, bool *missing)
{
	size_t n = strlen(opt);
	const char *arg = argv[*i];

	if (strncmp(arg, opt, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static bool parse_size(const char *s, int *cols, int *rows)
{
	char *end;
	long c, r;

	c = strtol(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return false;
	s = end + 1;
	r = strtol(s, &end, 10);
	if (end == s || *end || c < 1 || r < 1 || c > 1000 || r > 1000)
		return false;
	*cols = (int)c;
	*rows = (int)r;
	return true;
}

static int listing(const char **paths, size_t npaths)
{
	char **args = ad_xcalloc(npaths + 4, sizeof(char *));
	size_t i;
	int n = 0, status;

	args[n++] = "ls";
	args[n++] = "--outline";
	args[n++] = "--";
	for (i = 0; i < npaths; i++)
		args[n++] = (char *)paths[i];
	status = ad_cli_ls(n, args);
	free(args);
	return status;
}

int ad_cli_tui(int argc, char **argv)
{
	static const char *const default_paths[] = { "." };
	const char **paths = ad_xcalloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
	const char *theme = NULL, *script = NULL, *size = NULL;
	const char *const *scan_paths;
	size_t npaths = 0, i;
	bool options_done = false, config_loaded = false;
	ad_tui_options opts = AD_TUI_OPTIONS_INIT;
	ad_config cfg;
	ad_error err = AD_ERROR_INIT;
	ad_tui *tui = NULL;
	ad_buf out = AD_BUF_INIT;
	ad_theme mono;
	char *text = NULL;
	size_t text_len = 0;
	int status = 0, k, rc;

	memset(&cfg, 0, sizeof(cfg));
	for (k = 1; k < argc; k++) {
		const char *arg = argv[k], *v;
		bool missing = false;

		if (options_done || arg[0] != '-' || !strcmp(arg, "-")) {
			paths[npaths++] = arg;
		} else if (!strcmp(arg, "--")) {
			options_done = true;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(tui_usage, stdout);
			goto done;
		} else if ((v = opt_value(argc, argv, &k, "--theme", &missing)) != NULL) {
			theme = v;
		} else if ((v = opt_value(argc, argv, &k, "--script", &missing)) != NULL) {
			script = v;
		} else if ((v = opt_value(argc, argv, &k, "--size", &missing)) != NULL) {
			size = v;
		} else if (missing) {
			ad_cli_errorf("%s needs a value (see 'agentdiff --help')", arg);
			status = 2;
			goto done;
		} else {
			ad_cli_errorf("unknown option '%s' (see 'agentdiff --help')", arg);
			status = 2;
			goto done;
		}
	}
	scan_paths = npaths ? paths : (const char **)default_paths;
	if (!npaths)
		npaths = 1;
	if (size && !script) {
		ad_cli_errorf("--size is for --script");
		status = 2;
		goto done;
	}
	if (size && !parse_size(size, &opts.cols, &opts.rows)) {
		ad_cli_errorf("--size '%s' is not COLSxROWS (such as 80x24)", size);
		status = 2;
		goto done;
	}
	if (!script && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		status = listing((const char **)scan_paths, npaths);
		goto done;
	}
	/* A path that is not there is an error before the screen changes. */
	for (i = 0; i < npaths; i++) {
		struct stat st;

		if (stat(scan_paths[i], &st) < 0) {
			ad_error_set(&err, AD_ENOTFOUND, scan_paths[i], 0, 0, "%s", strerror(errno));
			ad_cli_error(&err);
			status = 2;
			goto done;
		}
	}

	rc = ad_config_load(&cfg, theme, &err);
	config_loaded = true;
	if (rc == AD_EUSAGE && theme) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}
	opts.paths = scan_paths;
	opts.npaths = npaths;
	opts.theme = &cfg.theme;
	opts.keymap = cfg.keymap;
	cfg.keymap = NULL;
	tui = ad_tui_new(&opts);
	if (cfg.nproblems)
		ad_tui_message(tui, AD_SLOT_ERROR, "%s%s", cfg.problems[0],
			       cfg.nproblems + cfg.nmore > 1 ? " (and more)" : "");
	ad_error_clear(&err);

	if (script) {
		if (ad_read_file(&text, &text_len, script, MAX_SCRIPT_SIZE, &err) < 0 ||
		    ad_tui_scan(tui, true, &err) < 0) {
			ad_cli_error(&err);
			status = 2;
			goto done;
		}
		if (ad_tui_run_script(tui, script, text, text_len, &out, &err) < 0) {
			/* What ran before the bad line is still worth seeing. */
			ad_cli_write_stdout(&out);
			ad_cli_error(&err);
			status = 2;
			goto done;
		}
		if (ad_cli_write_stdout(&out) < 0) {
			ad_cli_errorf("error writing to standard output");
			status = 2;
		}
		goto done;
	}

	setlocale(LC_ALL, "");
	mono = cfg.theme;
	{
		ad_config m = cfg;

		/* What a terminal without colours gets. */
		m.keymap = NULL;
		m.problems = NULL;
		m.nproblems = 0;
		ad_config_monochrome(&m);
		mono = m.theme;
	}
	if (ad_tui_scan(tui, false, &err) < 0) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}
	if (ad_tui_run_terminal(tui, &mono, cfg.no_color, &err) < 0) {
		/* A terminal curses cannot drive (TERM=dumb): the listing,
		 * as off a terminal, and why. */
		ad_cli_error(&err);
		status = listing((const char **)scan_paths, npaths);
		goto done;
	}
	if (ad_tui_scanning(tui)) {
		/* Quit before the scan ended: nothing is left to wait for. */
		fflush(stdout);
		_exit(0);
	}
done:
	ad_tui_free(tui);
	if (config_loaded)
		ad_config_free(&cfg);
	ad_error_clear(&err);
	ad_buf_free(&out);
	free(text);
	free(paths);
	return status;
}
