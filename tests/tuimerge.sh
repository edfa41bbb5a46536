#!/bin/sh
# tuimerge.sh: the terminal UI's curated merge, and git as a source of
# variants in the UI, in real repositories, driven by the scripted mode.
#
#   - a merge written over a tracked file and committed with C: the commit
#     message edited in $AD_EDITOR (tests/tui/fake-editor.sh) and ending
#     with the trailers that say where each part came from; afterwards
#     `git status` shows the file clean, and every other staged, unstaged
#     and untracked change is left as it was;
#   - C refused, with the reason on screen and nothing committed: nothing
#     written yet, the index locked, the repository mid-merge, a file
#     outside any repository, an empty message; an editor that fails;
#   - `agentdiff REV:PATH PATH` opens the two side by side, `--history PATH
#     -n N` the matrix of the revisions; a merge of revisions names them by
#     commit in its trailers; off a terminal they print what `agentdiff
#     diff` prints; bad revisions fail before the screen changes.
#
# No configuration of the user leaks in: HOME is the temporary folder,
# GIT_CONFIG_NOSYSTEM is set, identity is per repository, dates are fixed.
#
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`); AD_KEEP_WORK=1
# keeps the temporary folder; AD_VALGRIND, a valgrind command line the UI
# runs go through (make check-valgrind), whose findings fail the case.  Exit status: 0 all passed, 1 a failure, 77
# skipped (no git, or no binary when run by hand).

set -u

name=tuimerge
# shellcheck source=tests/gitlib.sh
. "$(dirname "$0")/gitlib.sh"

# Beyond gitlib.sh: fixed dates, no terminal, temporary files and the
# editor under $work.
GIT_AUTHOR_DATE='2026-01-02T03:04:05Z'
GIT_COMMITTER_DATE='2026-01-02T03:04:05Z'
TERM=dumb
TMPDIR=$work/tmp
AD_EDITOR="sh '$srcdir/tests/tui/fake-editor.sh'"
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE TERM TMPDIR AD_EDITOR
unset AD_FAKE_EDITOR VISUAL EDITOR NO_COLOR 2>/dev/null || :
mkdir -p "$TMPDIR" || exit 1

fx=$srcdir/tests/fixtures/tuimerge

start() {
	case_name=$1
	case_ok=1
}

finish() {
	if [ "$case_ok" = 1 ]; then
		echo "PASS $case_name"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}

# ui SCRIPT-TEXT ARGS...: runs the UI in the current folder from a script
# (keys and dumps, see the man page) at 100x30; the screens in $out,
# stderr in $err, the exit status in $status.
ui() {
	printf '%s\n' "$1" >"$work/ui.script"
	shift
	rm -f "$work/valgrind.log"
	# shellcheck disable=SC2086 # AD_VALGRIND is split on purpose
	${AD_VALGRIND:+$AD_VALGRIND --log-file="$work/valgrind.log"} \
		"$ad" --script "$work/ui.script" --size 100x30 "$@" >"$work/out" 2>"$work/err" </dev/null
	status=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
	if [ -s "$work/valgrind.log" ]; then
		fail "valgrind: $(cat "$work/valgrind.log")"
	fi
}

has() {
	case $out in
	*"$1"*) ;;
	*) fail "the screens lack '$1'; they are:
$out
(stderr: $err)" ;;
	esac
}

lacks() {
	case $out in
	*"$1"*) fail "the screens show '$1' and should not:
$out" ;;
	*) ;;
	esac
}

expect_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1 (stderr: $err)"
}

# new_repo NAME: agents/deploy.md (the fixture's alpha) committed, then
# rewritten as beta and committed again; other/beta.md beside it; a staged
# change, an unstaged one and an untracked file that a merge's commit must
# leave alone.
new_repo() {
	repo=$work/$1
	mkdir -p "$repo/agents" "$repo/other" "$repo/docs" && cd "$repo" || exit 1
	git_init main
	cp "$fx/alpha.md" agents/deploy.md
	echo "first" >docs/staged.md
	echo "first" >docs/unstaged.md
	git add -A && git commit -q -m "deploy: first"
	cp "$fx/beta.md" agents/deploy.md
	git commit -q -a -m "deploy: second"
	cp "$fx/alpha.md" agents/deploy.md
	git commit -q -a -m "deploy: back to the first"
	cp "$fx/beta.md" other/beta.md
	echo "staged" >docs/staged.md
	git add docs/staged.md
	echo "unstaged" >docs/unstaged.md
	echo "untracked" >docs/untracked.md
}

# The keys that open the two files of the browser side by side and merge:
# description and Announce from the second, tools as a union.
open_merge='key j m j m c M
key j j 2
key j u
key j j j j j 2'

# ---------------------------------------------------------------- write + commit
start merge-commit
new_repo commit
before=$(git rev-parse HEAD)
ui "$open_merge
key W
dump
key Enter
dump
key C
dump" agents/deploy.md other/beta.md
expect_status 0
has "write to: agents/deploy.md"
has "wrote agents/deploy.md"
has "plan: agents/deploy.plan"
has "committed "
has " on main: agents/deploy.md"
[ "$(git rev-parse HEAD^)" = "$before" ] || fail "the new commit is not on top of the old HEAD"
msg=$(git log -1 --format=%B)
case $msg in
"Merge deploy.md from deploy.md and beta.md
Edited in the fake editor.

Frontmatter-Source: agents/deploy.md (blob "*) ;;
*) fail "the message does not start with the summary, the edit and the trailers:
$msg" ;;
esac
case $msg in *"#"*) fail "the help lines (#) were committed:
$msg" ;; esac
trailers=$(git log -1 --format=%B | git interpret-trailers --parse)
for t in "Field-Source: description <- other/beta.md (blob " \
	"Field-Source: tools <- union of 1, 2" \
	"Section-Source: Deploy Helper <- agents/deploy.md (blob " \
	"Section-Source: Announce <- other/beta.md (blob "; do
	case $trailers in
	*"$t"*) ;;
	*) fail "git does not read the trailer '$t'; it reads:
$trailers" ;;
	esac
done
git show HEAD:agents/deploy.md >"$work/committed"
cmp -s "$work/committed" agents/deploy.md || fail "HEAD's agents/deploy.md is not the file written"
grep -q "^description: Ships releases" agents/deploy.md || fail "the description is not beta's"
grep -q "^tools: Read, Bash, Grep$" agents/deploy.md || fail "tools is not the union"
grep -q "^## Announce$" agents/deploy.md || fail "Announce is not in the result"
[ -z "$(git status --porcelain -- agents/deploy.md)" ] || fail "agents/deploy.md is not clean"
st=$(git status --porcelain)
for line in "M  docs/staged.md" " M docs/unstaged.md" "?? docs/untracked.md" \
	"?? agents/deploy.plan" "?? other/"; do
	case $st in
	*"$line"*) ;;
	*) fail "git status lacks '$line': the merge touched something else:
$st" ;;
	esac
done
[ "$(git show HEAD:docs/staged.md)" = "first" ] || fail "the staged change was committed"
[ "$(git diff --cached --name-only)" = "docs/staged.md" ] || fail "the index changed"
# The plan redoes it: apply writes the same bytes.
"$ad" apply -o "$work/redo.md" agents/deploy.plan >/dev/null 2>"$work/err" ||
	fail "apply of the saved plan failed: $(cat "$work/err")"
cmp -s "$work/redo.md" agents/deploy.md || fail "apply of the saved plan gives other bytes"
# It names its files from its own folder, inside the repository, so it
# applies to its own output too, from any folder, under apply's rule that
# a plan's files stay in the repository that holds it.
grep -q '^variant 1 "deploy.md" blob ' agents/deploy.plan &&
	grep -q '^variant 2 "../other/beta.md" blob ' agents/deploy.plan &&
	grep -q '^output "deploy.md" blob ' agents/deploy.plan ||
	fail "the saved plan does not name its files from its folder: $(grep -e '^variant' -e '^output' agents/deploy.plan)"
(cd docs && "$ad" apply ../agents/deploy.plan) >/dev/null 2>"$work/err" ||
	fail "apply of the saved plan to its own output failed: $(cat "$work/err")"
grep -q "unchanged: ../agents/deploy.md" "$work/err" ||
	fail "apply of the saved plan did not find its output unchanged: $(cat "$work/err")"
finish

# ---------------------------------------------------------------- refusals
start commit-before-write
new_repo early
before=$(git rev-parse HEAD)
ui "$open_merge
key C
dump" agents/deploy.md other/beta.md
has "nothing is written yet"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "something was committed"
finish

start commit-index-locked
new_repo locked
before=$(git rev-parse HEAD)
: >.git/index.lock
ui "$open_merge
key W Enter C
dump" agents/deploy.md other/beta.md
grep -q "^## Announce$" agents/deploy.md || fail "the result was not written"
has "not committed:"
has "the index is locked"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "something was committed"
rm -f .git/index.lock
[ "$(git diff --cached --name-only)" = "docs/staged.md" ] || fail "the index changed"
finish

start commit-mid-merge
new_repo midmerge
before=$(git rev-parse HEAD)
git rev-parse HEAD~1 >.git/MERGE_HEAD
ui "$open_merge
key W Enter C
dump" agents/deploy.md other/beta.md
has "not committed:"
has "in the middle of a"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "something was committed"
rm -f .git/MERGE_HEAD
finish

start commit-outside
new_repo outside
mkdir -p "$work/elsewhere"
ui "$open_merge
key W C-u
type $work/elsewhere/deploy.md
key Enter C
dump" agents/deploy.md other/beta.md
has "not committed:"
has "not in a git repository"
[ -f "$work/elsewhere/deploy.md" ] || fail "the result was not written"
finish

start commit-empty-message
new_repo empty
before=$(git rev-parse HEAD)
AD_FAKE_EDITOR=empty ui "$open_merge
key W Enter C
dump" agents/deploy.md other/beta.md
has "the message is empty: nothing committed"
[ "$(git rev-parse HEAD)" = "$before" ] || fail "something was committed"
finish

start editor-fails
new_repo edfail
AD_FAKE_EDITOR=fail ui "$open_merge
key e
dump
key j
dump" agents/deploy.md other/beta.md
has "not edited:"
has "exited"
lacks "edited (2)"
finish

start no-editor
new_repo noed
AD_EDITOR= ui "$open_merge
key e
dump" agents/deploy.md other/beta.md
has "no editor without a terminal: set AD_EDITOR"
finish

# ---------------------------------------------------------------- REV:PATH, --history
start revpath
new_repo revpath
ui "dump
key M W
dump" HEAD~1:agents/deploy.md agents/deploy.md
expect_status 0
has "[sbs]"
has "HEAD~1:agents/deploy.md"
has "Deploy to a canary"
has "[merge]"
# The file is the default place to write, not the revision.
has "write to: agents/deploy.md"
finish

start revpath-commit
new_repo revcommit
ui "key M
key 2 j j 1
key W Enter C
dump" HEAD~1:agents/deploy.md agents/deploy.md
has "committed "
trailers=$(git log -1 --format=%B | git interpret-trailers --parse)
short=$(git rev-parse --short=7 HEAD~2)
case $trailers in
*"Field-Source: description <- agents/deploy.md@$short"*) ;;
*) fail "the description's trailer does not name HEAD~1 as $short:
$trailers" ;;
esac
case $trailers in
*"Frontmatter-Source: agents/deploy.md (blob "*) ;;
*) fail "the frontmatter's trailer does not name the file:
$trailers" ;;
esac
grep -q "^description: Ships releases" agents/deploy.md || fail "HEAD~1's description is not in the result"
finish

start history
new_repo history
ui "dump
key M W
dump" --history agents/deploy.md -n 3
expect_status 0
has "[matrix]"
for id in $(git log --format=%h -n 3 -- agents/deploy.md); do
	has "$id"
done
has "[merge]"
has "write to: agents/deploy.md"
finish

start history-two
new_repo history2
ui "dump" --history agents/deploy.md -n 2
has "[sbs]"
finish

start revpath-errors
new_repo errors
ui "dump" HEAD~9:agents/deploy.md agents/deploy.md
expect_status 2
lacks "-- screen"
case $err in *"HEAD~9"*) ;; *) fail "the message does not name HEAD~9: $err" ;; esac
ui "dump" --history docs/nothing.md
expect_status 2
ui "dump" HEAD:agents/deploy.md
expect_status 2
case $err in *"one variant"*) ;; *) fail "one variant is not refused clearly: $err" ;; esac
ui "dump" -n 2 agents/deploy.md
expect_status 2
finish

start revpath-not-a-terminal
new_repo plain
"$ad" HEAD~1:agents/deploy.md agents/deploy.md >"$work/plain.out" 2>&1 </dev/null
s1=$?
"$ad" diff HEAD~1:agents/deploy.md agents/deploy.md >"$work/diff.out" 2>&1 </dev/null
s2=$?
[ "$s1" = "$s2" ] && cmp -s "$work/plain.out" "$work/diff.out" && [ -s "$work/plain.out" ] ||
	fail "off a terminal, REV:PATH does not print what diff prints"
"$ad" --history agents/deploy.md -n 2 >"$work/plain.out" 2>&1 </dev/null
"$ad" diff --history agents/deploy.md -n 2 >"$work/diff.out" 2>&1 </dev/null
cmp -s "$work/plain.out" "$work/diff.out" || fail "off a terminal, --history does not print what diff prints"
finish

# ---------------------------------------------------------------- a real terminal
# The editor gets the terminal (curses steps aside), and the merge comes
# back whole: in tmux, when it and a UTF-8 locale are there.
utf8=$(locale -a 2>/dev/null | grep -i -m 1 -E '^(C|en_US)\.utf-?8$')
if command -v tmux >/dev/null 2>&1 && [ -n "$utf8" ]; then
	start editor-on-a-terminal
	new_repo tty
	sock=agentdiff-tuimerge-$$
	cat >"$work/tty-editor.sh" <<'EOS'
#!/bin/sh
# Says whether it had the terminal, then edits as the fake editor does.
if [ -t 0 ] && [ -t 1 ]; then had=terminal; else had="no terminal"; fi
echo "$had" >"$MARKER"
printf 'the editor runs\n'
sleep 1
exec sh "$FAKE" "$1"
EOS
	MARKER=$work/tty-marker FAKE=$srcdir/tests/tui/fake-editor.sh
	export MARKER FAKE
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 100 -y 30 \
		"env LC_ALL=$utf8 TERM=screen AD_EDITOR=\"sh '$work/tty-editor.sh'\" '$ad' agents/deploy.md other/beta.md" \
		>/dev/null 2>&1 || fail "tmux did not start"
	# screen_has TEXT: waits up to 5 s for the window to show TEXT.
	screen_has() {
		i=0
		while [ $i -lt 50 ]; do
			tmux -L "$sock" capture-pane -p -t t >"$work/screen" 2>/dev/null
			grep -q -F -- "$1" "$work/screen" && return 0
			sleep 0.1
			i=$((i + 1))
		done
		fail "the terminal never showed '$1'; it shows:
$(cat "$work/screen")"
		return 1
	}
	keys() {
		for k in "$@"; do
			tmux -L "$sock" send-keys -t t "$k"
			sleep 0.05
		done
	}
	if screen_has "deploy-helper"; then
		keys j m j m c
		screen_has "[sbs]" && keys M && screen_has "[merge]" &&
			keys j j j j j j e && screen_has "the editor runs" &&
			screen_has "edited: Checks" && screen_has "check: no findings in the result" &&
			screen_has "row              1 agents/deploy.md"
		[ "$(cat "$work/tty-marker" 2>/dev/null)" = terminal ] ||
			fail "the editor did not have the terminal: $(cat "$work/tty-marker" 2>/dev/null)"
		keys P
		screen_has "Edited in the fake editor."
	fi
	tmux -L "$sock" kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	finish
else
	echo "SKIP editor-on-a-terminal: no tmux or no UTF-8 locale"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
