/*
 * editor: the user's editor on a temporary file (see editor.h).
 */
/* mkstemps() is a BSD and GNU extension. */
#define _DEFAULT_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "editor.h"

const char *ad_editor_command(bool scripted)
{
	static const char *const vars[] = { "AD_EDITOR", "VISUAL", "EDITOR" };
	size_t i;

	for (i = 0; i < (scripted ? 1 : sizeof(vars) / sizeof(vars[0])); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return scripted ? NULL : "vi";
}

int ad_editor_tempfile(char **path, const char *text, size_t len, const char *suffix,
		       ad_error *err)
{
	const char *dir = getenv("TMPDIR");
	ad_buf name = AD_BUF_INIT;
	size_t off = 0;
	int fd, error = 0;

	*path = NULL;
	if (!dir || !*dir)
		dir = "/tmp";
	if (!suffix)
		suffix = "";
	ad_buf_printf(&name, "%s/agentdiff-XXXXXX%s", dir, suffix);
	fd = mkstemps(name.ptr, (int)strlen(suffix));
	if (fd < 0) {
		error = ad_error_set(err, AD_EIO, dir, 0, 0, "cannot make a temporary file: %s",
				     strerror(errno));
		goto done;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			error = ad_error_set(err, AD_EIO, name.ptr, 0, 0, "%s", strerror(errno));
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 && !error)
		error = ad_error_set(err, AD_EIO, name.ptr, 0, 0, "%s", strerror(errno));
	if (error < 0) {
		unlink(name.ptr);
		goto done;
	}
	*path = ad_buf_detach(&name);
done:
	ad_buf_free(&name);
	return error;
}

int ad_editor_run(const char *cmd, const char *path, bool scripted, ad_error *err)
{
	struct sigaction ign, old_int, old_quit;
	ad_buf script = AD_BUF_INIT;
	pid_t pid;
	int status = 0, rc;

	if (!cmd || !*cmd)
		return ad_error_set(err, AD_ERROR, NULL, 0, 0, "no editor: set AD_EDITOR");
	/* As git runs $EDITOR: the command's own words, then the file. */
	ad_buf_printf(&script, "%s \"$@\"", cmd);
	fflush(stdout);
	fflush(stderr);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		if (scripted) {
			int in = open("/dev/null", O_RDONLY);

			if (in >= 0) {
				dup2(in, STDIN_FILENO);
				close(in);
			}
			dup2(STDERR_FILENO, STDOUT_FILENO);
		}
		execl("/bin/sh", "sh", "-c", script.ptr, cmd, path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0) {
		rc = ad_error_set(err, AD_ERROR, NULL, 0, 0, "cannot start the editor: %s",
				  strerror(errno));
		goto done;
	}
	while ((rc = (int)waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (rc < 0) {
		rc = ad_error_set(err, AD_ERROR, NULL, 0, 0, "lost the editor: %s", strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else if (WIFEXITED(status)) {
		rc = ad_error_set(err, AD_ERROR, NULL, 0, 0, "the editor (%s) exited with status %d",
				  cmd, WEXITSTATUS(status));
	} else {
		rc = ad_error_set(err, AD_ERROR, NULL, 0, 0, "the editor (%s) was killed by signal %d",
				  cmd, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	}
done:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	ad_buf_free(&script);
	return rc;
}
