# shellcheck shell=sh
# gitlib.sh: the setup the git test scripts share (gitcli.sh, gitmerge.sh),
# sourced, not run.  Set `name` (for messages and the temporary folder's
# name) before sourcing:
#
#   name=gitcli
#   . "$(dirname "$0")/gitlib.sh"
#
# It then:
#   - sets srcdir and builddir (AD_SRCDIR, AD_BUILDDIR, or around the
#     script) and ad, the binary, all absolute;
#   - exits 77 (skipped) without git, or without the binary when run by
#     hand; exits 1 if make check did not build it;
#   - makes $work, a temporary folder removed at exit (kept, and said so,
#     with AD_KEEP_WORK=1);
#   - keeps out the user's and the system's git configuration and any
#     repository around $work: HOME is $work/home, GIT_CONFIG_NOSYSTEM is
#     set, git's variables are unset, GIT_CEILING_DIRECTORIES is $work;
#   - counts cases in passed and failed; fail MESSAGE marks the current
#     case ($case_name) failed;
#   - git_init [BRANCH] makes the current folder a repository.

srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${AD_BUILDDIR:-$srcdir}
ad=$builddir/agentdiff

if ! command -v git >/dev/null 2>&1; then
	echo "$name: git is not installed; skipping" >&2
	exit 77
fi
if [ ! -x "$ad" ]; then
	if [ -n "${AD_BUILDDIR:-}" ]; then
		echo "$name: $ad is missing; it should have been built" >&2
		exit 1
	fi
	echo "$name: no agentdiff binary in $builddir; skipping" >&2
	exit 77
fi
case $ad in
/*) ;;
*) ad=$(pwd)/$ad ;;
esac
case $srcdir in
/*) ;;
*) srcdir=$(pwd)/$srcdir ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/ad-$name.XXXXXX") || exit 1
if [ "${AD_KEEP_WORK:-0}" = 1 ]; then
	echo "$name: keeping $work"
else
	trap 'rm -rf "$work"' 0
	trap 'exit 1' HUP INT PIPE TERM
fi

# Nothing from the user's or the system's git configuration, nor from a
# repository this script might run inside (make check in a checkout, a hook).
HOME=$work/home
XDG_CONFIG_HOME=$work/home/.config
GIT_CONFIG_NOSYSTEM=1
GIT_CEILING_DIRECTORIES=$work
LC_ALL=C
export HOME XDG_CONFIG_HOME GIT_CONFIG_NOSYSTEM GIT_CEILING_DIRECTORIES LC_ALL
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_CONFIG \
	GIT_CONFIG_GLOBAL GIT_CONFIG_PARAMETERS 2>/dev/null || :
mkdir -p "$HOME" || exit 1

passed=0
failed=0

fail() {
	echo "FAIL $case_name: $*"
	case_ok=0
}

# git_init [BRANCH]: the current folder as a new repository on BRANCH (main
# if not given, whatever git's default), with an identity of its own and no
# commit signing.
git_init() {
	git init -q . || exit 1
	git symbolic-ref HEAD "refs/heads/${1:-main}"
	git config user.name "Agent Diff Test"
	git config user.email "test@example.invalid"
	git config commit.gpgsign false
}
