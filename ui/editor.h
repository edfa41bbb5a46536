/*
 * editor: handing a text to the user's editor and reading it back.
 *
 * The merge view edits a section's text and a commit message this way.
 * The text goes to a new temporary file, the editor runs on it, and what
 * it leaves there is read back.  The editor is a shell command, run as git
 * runs its editor (`sh -c 'CMD "$@"' CMD FILE`), so that "code --wait" or
 * "emacsclient -t" work.  Which one: $AD_EDITOR, else $VISUAL, else
 * $EDITOR, else vi; the scripted mode, which has no terminal to hand over,
 * uses $AD_EDITOR only (tests point it at a script).
 *
 * Handing the terminal over (suspending curses) is the app's business:
 * the app's edit_text (ad_view_host, view.h) wraps ad_editor_run().
 */
#ifndef AD_EDITOR_H
#define AD_EDITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "util.h"

/* The editor command, or NULL when there is none (scripted without
 * $AD_EDITOR).  Borrowed from the environment. */
const char *ad_editor_command(bool scripted);

/*
 * Writes len bytes of text to a new file in $TMPDIR (else /tmp) named
 * "agentdiff-XXXXXX" + suffix (".md" lets the editor pick its mode); *path
 * is owned by the caller, who removes the file.
 */
int ad_editor_tempfile(char **path, const char *text, size_t len, const char *suffix,
		       ad_error *err);

/*
 * Runs cmd on path and waits for it.  While it runs, SIGINT and SIGQUIT
 * are ignored here (the editor gets them, as with system()).  scripted:
 * its standard input is /dev/null and its output goes to standard error,
 * so that nothing mixes with the screen dumps.  Fails with AD_ERROR when
 * it cannot be started or exits with a status other than 0.
 */
int ad_editor_run(const char *cmd, const char *path, bool scripted, ad_error *err);

#endif
