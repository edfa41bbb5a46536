#!/bin/sh
# tmux.sh: the real program on a real terminal.
#
# Runs agentdiff in a tmux window of 120x40 (on a private tmux server),
# sends it keys, and compares what tmux shows (capture-pane) with what the
# scripted mode dumps for the same keys at the same size.  So the curses
# front end is checked to put on the terminal exactly the screen the golden
# tests check, wide characters and escape-laden files included; a control
# byte that reached the terminal would change what tmux shows.
#
# Skips (exit 77) when tmux or a UTF-8 locale is missing.
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`).

set -u

srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${AD_BUILDDIR:-$srcdir}
ad=$builddir/agentdiff

if ! command -v tmux >/dev/null 2>&1; then
	echo "tmux: tmux is not installed; skipping"
	exit 77
fi
if [ ! -x "$ad" ]; then
	echo "tmux: no agentdiff binary in $builddir; skipping"
	exit 77
fi
utf8=$(locale -a 2>/dev/null | grep -i -m 1 -E '^(C|en_US)\.utf-?8$')
if [ -z "$utf8" ]; then
	echo "tmux: no UTF-8 locale; skipping"
	exit 77
fi

work=$builddir/tests/tmux-work.$$
sock=agentdiff-test-$$
rm -rf "$work"
mkdir -p "$work/home" "$work/gen" || exit 1
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	# kill-server leaves the socket file behind.
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	rm -rf "$work"
}
trap cleanup 0
trap 'exit 1' HUP INT PIPE TERM
sh "$srcdir/tests/mkfixtures.sh" "$work/gen" || exit 1

passed=0
failed=0

# The window's text, without the trailing blank lines tmux may add.
capture() {
	tmux -L "$sock" capture-pane -p -t t >"$work/screen" 2>/dev/null
}

# expect NAME FILE: waits up to 5 s for the window to show FILE.
expect() {
	i=0
	while [ $i -lt 50 ]; do
		capture
		if cmp -s "$work/screen" "$2"; then
			echo "PASS $1"
			passed=$((passed + 1))
			return
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $1: the terminal shows something else than the scripted mode's screen"
	diff -u "$2" "$work/screen" | cat -v | head -n 60
	failed=$((failed + 1))
}

# dump DIR COLS ROWS SCRIPT-LINES ARGS...: the scripted mode's last screen,
# without its separator line, into $work/want.
dump() {
	d=$1 cols=$2 rows=$3 lines=$4
	shift 4
	printf '%s\ndump\n' "$lines" >"$work/script"
	(cd "$d" && "$ad" --script "$work/script" --size "${cols}x$rows" "$@") >"$work/out" 2>&1
	sed -n '/^-- screen at line/,$p' "$work/out" | sed -n "2,$((rows + 1))p" >"$work/want"
}

# start DIR ARGS...: agentdiff in a new window.
start() {
	d=$1
	shift
	tmux -L "$sock" kill-server 2>/dev/null
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 \
		"cd '$d' && env HOME='$work/home' XDG_CONFIG_HOME='$work/home/.config' LC_ALL=$utf8 \
		 TERM=tmux-256color '$ad' $*" 2>/dev/null ||
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 40 \
		"cd '$d' && env HOME='$work/home' XDG_CONFIG_HOME='$work/home/.config' LC_ALL=$utf8 \
		 TERM=screen '$ad' $*"
	tmux -L "$sock" set-option -t t status off >/dev/null
}

keys() {
	for k in "$@"; do
		tmux -L "$sock" send-keys -t t "$k"
		sleep 0.05
	done
}

# --- the browser on the examples, a few keys, a resize
start "$srcdir" examples
dump "$srcdir" 120 40 "" examples
expect start "$work/want"
keys j j l j j
dump "$srcdir" 120 40 "key j j l j j" examples
expect tree-keys "$work/want"
keys Enter j j j w
dump "$srcdir" 120 40 "key j j l j j Enter j j j w" examples
expect text-keys "$work/want"
keys q /
tmux -L "$sock" send-keys -t t -l "xml"
keys Enter
dump "$srcdir" 120 40 "key j j l j j Enter j j j w q /
type xml
key Enter" examples
expect search "$work/want"
keys '?'
dump "$srcdir" 120 40 "key j j l j j Enter j j j w q /
type xml
key Enter ?" examples
expect help "$work/want"
keys q
tmux -L "$sock" resize-window -t t -x 90 -y 25 2>/dev/null
dump "$srcdir" 90 25 "key j j l j j Enter j j j w q /
type xml
key Enter ? q" examples
expect resize "$work/want"
tmux -L "$sock" resize-window -t t -x 30 -y 8 2>/dev/null
dump "$srcdir" 30 8 "" examples
expect too-small "$work/want"
tmux -L "$sock" resize-window -t t -x 120 -y 40 2>/dev/null
keys Q
sleep 0.3
if tmux -L "$sock" has-session -t t 2>/dev/null; then
	echo "FAIL quit: agentdiff still runs after Q"
	failed=$((failed + 1))
else
	echo "PASS quit"
	passed=$((passed + 1))
fi

# --- wide characters and files full of escape sequences
start "$work/gen" tui-wide escapes.md invalid-utf8.md names
# Keys sent while the scan runs would be dropped: wait for the tree.
dump "$work/gen" 120 40 "" tui-wide escapes.md invalid-utf8.md names
expect hostile-start "$work/want"
keys zR
dump "$work/gen" 120 40 "key zR" tui-wide escapes.md invalid-utf8.md names
expect hostile-tree "$work/want"
keys j j j j Enter
dump "$work/gen" 120 40 "key zR j j j j Enter" tui-wide escapes.md invalid-utf8.md names
expect hostile-text "$work/want"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
