#!/bin/sh
# tui.sh: screen tests of the terminal UI, in its scripted mode.
#
# Each tests/tui/NAME.script is a script for `agentdiff --script` (keys,
# typing, resizes, mouse events, screen dumps; see the man page).  Its first
# line says where and on what it runs:
#
#   #! DIR [--size COLSxROWS] [PATH...]
#
# DIR is relative to the source tree, or @gen for the files that
# tests/mkfixtures.sh writes, or @copy:DIR for a fresh copy of DIR that the
# script may write into (the merge's tests); then a second line
#
#   #= FILE...
#
# names files of the copy to print after the run (what a merge wrote).
# Editing goes to tests/tui/fake-editor.sh ($AD_EDITOR).  What the run
# prints is compared with
# tests/golden/tui/NAME.txt; as in golden.sh, stderr and a non-zero exit
# status follow stdout after marker lines.  Timings printed by `stats` vary
# from run to run and are replaced by N.
#
# A few more cases check the command line around the UI: off a terminal
# `agentdiff PATH` prints what `agentdiff ls --outline PATH` prints, and bad
# options and scripts fail with a message naming the script line.
#
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`);
# AD_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
# Exit status: 0 all passed, 1 a failure, 77 skipped.

set -u

srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${AD_BUILDDIR:-$srcdir}
ad=$builddir/agentdiff
golden=$srcdir/tests/golden/tui
update=${AD_UPDATE_GOLDEN:-0}

if [ ! -x "$ad" ]; then
	echo "tui: no agentdiff binary in $builddir; skipping" >&2
	exit 77
fi

LC_ALL=C
NO_COLOR=
TERM=dumb
export LC_ALL TERM
unset NO_COLOR 2>/dev/null || :

work=$builddir/tests/tui-work.$$
rm -rf "$work"
mkdir -p "$work/gen" "$work/home" || exit 1
trap 'rm -rf "$work"' 0
trap 'exit 1' HUP INT PIPE TERM
HOME=$work/home
XDG_CONFIG_HOME=$work/home/.config
export HOME XDG_CONFIG_HOME
AD_EDITOR="sh '$srcdir/tests/tui/fake-editor.sh'"
TMPDIR=$work
# A merge's commit must never find the repository the build is in.
GIT_CEILING_DIRECTORIES=$work
export AD_EDITOR TMPDIR GIT_CEILING_DIRECTORIES
unset AD_FAKE_EDITOR VISUAL EDITOR 2>/dev/null || :
if ! sh "$srcdir/tests/mkfixtures.sh" "$work/gen"; then
	echo "tui: tests/mkfixtures.sh failed" >&2
	exit 1
fi
mkdir -p "$golden" 2>/dev/null

if command -v timeout >/dev/null 2>&1; then
	run_timeout='timeout 30'
else
	run_timeout=
fi

passed=0
failed=0

# check NAME ACTUAL: compares ACTUAL with the expected file NAME.txt.
check() {
	expected=$golden/$1.txt
	if [ "$update" = 1 ]; then
		if [ ! -f "$expected" ] || ! cmp -s "$2" "$expected"; then
			cp "$2" "$expected" && echo "updated tui/$1.txt"
		fi
		passed=$((passed + 1))
	elif [ ! -f "$expected" ]; then
		echo "FAIL $1: no expected output tests/golden/tui/$1.txt (run with AD_UPDATE_GOLDEN=1, then review it)"
		failed=$((failed + 1))
	elif ! cmp -s "$expected" "$2"; then
		echo "FAIL $1: the screens differ from tests/golden/tui/$1.txt"
		diff -u "$expected" "$2" | cat -v | head -n 80
		failed=$((failed + 1))
	else
		echo "PASS $1"
		passed=$((passed + 1))
	fi
}

# run DIR ARGS...: runs agentdiff in DIR into $work/actual, with stderr and
# the exit status after markers.
run() {
	dir=$1
	shift
	case $dir in
	@gen) dir=$work/gen ;;
	@copy:*)
		rm -rf "$work/copy" && mkdir -p "$work/copy" &&
			cp -R "$srcdir/${dir#@copy:}/." "$work/copy/" || return 1
		dir=$work/copy
		;;
	*) dir=$srcdir/$dir ;;
	esac
	(cd "$dir" && exec $run_timeout "$ad" "$@") >"$work/out" 2>"$work/err" </dev/null
	status=$?
	sed -E 's/(p50|p99|max) [0-9]+ us/\1 N us/g' "$work/out" >"$work/actual"
	if [ -s "$work/err" ] || [ "$status" -ne 0 ]; then
		if [ -s "$work/err" ]; then
			echo "-- stderr --" >>"$work/actual"
			cat "$work/err" >>"$work/actual"
		fi
		echo "-- exit $status --" >>"$work/actual"
	fi
	if [ "$status" -gt 125 ]; then
		echo "  (agentdiff crashed or timed out: exit status $status)" >>"$work/actual"
	fi
}

# --- the scripts
for script in "$srcdir"/tests/tui/*.script; do
	[ -f "$script" ] || continue
	name=${script##*/}
	name=${name%.script}
	head=$(head -n 1 "$script")
	case $head in
	'#! '*) ;;
	*) echo "FAIL $name: the first line must be '#! DIR [ARGS...]'"; failed=$((failed + 1)); continue ;;
	esac
	set -f
	# shellcheck disable=SC2086 # split on blanks on purpose
	set -- ${head#'#! '}
	set +f
	dir=$1
	shift
	run "$dir" --script "$script" "$@"
	shown=$(sed -n '2s/^#= //p' "$script")
	case $dir in
	@copy:*)
		for f in $shown; do
			echo "-- file $f --"
			cat "$work/copy/$f" 2>&1 || :
		done >>"$work/actual"
		;;
	esac
	check "$name" "$work/actual"
done

# --- off a terminal, the outline listing of the same paths
run examples code-reviewer release-manager
cp "$work/actual" "$work/plain"
run examples ls --outline code-reviewer release-manager
if cmp -s "$work/plain" "$work/actual" && [ -s "$work/plain" ]; then
	echo "PASS not-a-terminal"
	passed=$((passed + 1))
else
	echo "FAIL not-a-terminal: 'agentdiff PATH' off a terminal differs from 'ls --outline'"
	diff -u "$work/actual" "$work/plain" | head -n 20
	failed=$((failed + 1))
fi

# --- the command line's errors
printf 'key j\nkey Nope\ndump\n' >"$work/bad-key.script"
printf 'key j\nfly away\n' >"$work/bad-command.script"
printf 'resize 0 10\n' >"$work/bad-size.script"
printf 'type caf\351\n' >"$work/bad-utf8.script"
for c in bad-key bad-command bad-size bad-utf8; do
	(cd "$work" && exec $run_timeout "$ad" --script "$c.script" "$srcdir/examples") \
		>"$work/out" 2>"$work/err" </dev/null
	status=$?
	if [ "$status" -eq 2 ] && grep -q "^agentdiff: $c.script:[0-9]*: " "$work/err"; then
		echo "PASS $c"
		passed=$((passed + 1))
	else
		echo "FAIL $c: expected exit 2 and a message naming $c.script and its line, got $status:"
		cat "$work/err"
		failed=$((failed + 1))
	fi
done
run examples --size 80x24 code-reviewer
check size-without-script "$work/actual"
run examples --script "$work/bad-key.script" --size 80 code-reviewer
check bad-size-option "$work/actual"
run examples --script "$work/bad-key.script" no-such-folder
check missing-path "$work/actual"
# (The message lists where themes are looked for, which depends on the
# install prefix: only its start is checked.)
run examples --theme no-such-theme --script "$work/bad-key.script" code-reviewer
if grep -q "^agentdiff: unknown theme 'no-such-theme'" "$work/actual" &&
	grep -q '^-- exit 2 --$' "$work/actual"; then
	echo "PASS missing-theme"
	passed=$((passed + 1))
else
	echo "FAIL missing-theme: expected exit 2 and \"unknown theme 'no-such-theme'\":"
	cat "$work/actual"
	failed=$((failed + 1))
fi

[ "$update" = 1 ] && echo "expected files updated"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
