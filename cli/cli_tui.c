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

#include "align.h"
#include "cli.h"
#include "fileio.h"
#include "git.h"
#include "tui.h"
#include "userconfig.h"
#include "vsource.h"

/* Largest script read; a script is a few lines. */
#define MAX_SCRIPT_SIZE ((size_t)16 << 20)

static const char tui_usage[] =
	"usage: agentdiff [--theme NAME] [--script FILE [--size COLSxROWS]] [--output FILE]\n"
	"                 [--history PATH [-n N]] [--] [PATH|REV:PATH...]\n"
	"\n"
	"Opens the terminal UI on the agents found in the PATHs (default: the\n"
	"current folder).  With REV:PATH arguments (HEAD~1:agents/x.md) or\n"
	"--history, opens those variants compared: side by side for two, the\n"
	"alignment matrix for more.  When standard output is not a terminal,\n"
	"prints the agents with each variant's outline instead (as 'agentdiff ls\n"
	"--outline'), or for revisions what 'agentdiff diff' prints.\n"
	"\n"
	"  --history PATH     the last revisions of PATH in git, oldest first\n"
	"  -n N               with --history: how many (default 10)\n"
	"  --output FILE      where a merge is written unless you say otherwise\n"
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

/* The variants the command line names itself: --history's revisions
 * (oldest first), then every argument that is a file or REV:PATH, in
 * order; folders are only browsed. */
typedef struct {
	ad_vsource *srcs;
	ad_doc **docs;
	size_t n;
} variants;

static void variants_free(variants *v)
{
	size_t i;

	for (i = 0; v->docs && i < v->n; i++)
		ad_doc_free(v->docs[i]);
	free(v->docs);
	ad_vsources_free(v->srcs, v->n);
	memset(v, 0, sizeof(*v));
}

static int load_variants(variants *out, const char *history, size_t history_n,
			 const char **args, size_t nargs, ad_error *err)
{
	ad_vsource *hist = NULL;
	size_t nhist = 0, i, k;
	struct stat st;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (history && (error = ad_vsource_history(&hist, &nhist, history, NULL, history_n, err)) < 0)
		return error;
	out->srcs = ad_xcalloc(nhist + nargs + 1, sizeof(*out->srcs));
	for (i = 0; i < nhist; i++)
		out->srcs[out->n++] = hist[i];
	free(hist);
	for (i = 0; i < nargs; i++) {
		if (!ad_git_is_revpath(args[i], NULL) && stat(args[i], &st) == 0 && S_ISDIR(st.st_mode))
			continue;
		if ((error = ad_vsource_read(&out->srcs[out->n], args[i], NULL, err)) < 0)
			goto done;
		out->n++;
	}
	if (out->n < 2) {
		error = ad_error_set(err, AD_EUSAGE, NULL, 0, 0,
				     history ? "only one revision of %s changed it; name a file or "
					       "REV:PATH to compare it with"
					     : "%s: one variant; name two or more to compare",
				     history ? history : nargs ? args[0] : "");
		goto done;
	}
	if (out->n > AD_ALIGN_MAX_DOCS) {
		error = ad_error_set(err, AD_EUSAGE, NULL, 0, 0, "at most %d variants at a time",
				     AD_ALIGN_MAX_DOCS);
		goto done;
	}
	out->docs = ad_xcalloc(out->n, sizeof(*out->docs));
	for (k = 0; k < out->n; k++)
		if ((error = ad_vsource_parse(&out->docs[k], &out->srcs[k], err)) < 0)
			goto done;
done:
	if (error < 0)
		variants_free(out);
	return error;
}

/* Off a terminal, what the comparison would show: `agentdiff diff`. */
static int diff_listing(const char *history, const char *history_n, const char **args,
			size_t nargs)
{
	char **dargs = ad_xcalloc(nargs + 8, sizeof(char *));
	struct stat st;
	size_t i;
	int n = 0, status;

	dargs[n++] = "diff";
	if (history) {
		dargs[n++] = "--history";
		dargs[n++] = (char *)history;
		if (history_n) {
			dargs[n++] = "-n";
			dargs[n++] = (char *)history_n;
		}
	}
	dargs[n++] = "--";
	for (i = 0; i < nargs; i++)
		if (ad_git_is_revpath(args[i], NULL) || stat(args[i], &st) != 0 || !S_ISDIR(st.st_mode))
			dargs[n++] = (char *)args[i];
	status = ad_cli_diff(n, dargs);
	free(dargs);
	return status;
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
	const char *history = NULL, *history_arg = NULL, *output = NULL;
	const char **browse = ad_xcalloc((size_t)(argc > 0 ? argc : 1) + 1, sizeof(char *));
	const char *const *scan_paths;
	size_t npaths = 0, nbrowse = 0, history_n = 10, i;
	bool revs = false;
	variants vars = { NULL, NULL, 0 };
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
		} else if ((v = opt_value(argc, argv, &k, "--history", &missing)) != NULL) {
			history = v;
		} else if ((v = opt_value(argc, argv, &k, "--output", &missing)) != NULL) {
			output = v;
		} else if ((v = opt_value(argc, argv, &k, "-n", &missing)) != NULL) {
			char *end;
			long n = strtol(v, &end, 10);

			if (end == v || *end || n < 1 || n > AD_ALIGN_MAX_DOCS) {
				ad_cli_errorf("-n takes a number from 1 to %d", AD_ALIGN_MAX_DOCS);
				status = 2;
				goto done;
			}
			history_n = (size_t)n;
			history_arg = v;
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
	if (history_arg && !history) {
		ad_cli_errorf("-n goes with --history");
		status = 2;
		goto done;
	}
	/* REV:PATH arguments and --history: variants of our own, compared at
	 * once; the browser shows the files and folders among the arguments
	 * (a history's file, when none is named). */
	for (i = 0; i < npaths; i++) {
		if (ad_git_is_revpath(paths[i], NULL))
			revs = true;
		else
			browse[nbrowse++] = paths[i];
	}
	if (history && !nbrowse && access(history, F_OK) == 0)
		browse[nbrowse++] = history;
	if (!history && !revs) {
		scan_paths = npaths ? paths : (const char **)default_paths;
		if (!npaths)
			npaths = 1;
	} else {
		scan_paths = nbrowse ? browse : (const char **)default_paths;
		if (!output && history)
			output = history;
	}
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
		if (history || revs)
			status = diff_listing(history, history_arg, paths, npaths);
		else
			status = listing((const char **)scan_paths, npaths);
		goto done;
	}
	if (history || revs) {
		if (load_variants(&vars, history, history_n, paths, npaths, &err) < 0) {
			ad_cli_error(&err);
			status = 2;
			goto done;
		}
		npaths = nbrowse ? nbrowse : 1;
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
	opts.output = output;
	cfg.keymap = NULL;
	tui = ad_tui_new(&opts);
	if (vars.n && ad_tui_open_variants(tui, (const ad_doc *const *)vars.docs, vars.srcs, vars.n,
					   &err) < 0) {
		ad_cli_error(&err);
		status = 2;
		goto done;
	}
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
	variants_free(&vars);
	free(browse);
	if (config_loaded)
		ad_config_free(&cfg);
	ad_error_clear(&err);
	ad_buf_free(&out);
	free(text);
	free(paths);
	return status;
}
