#!/bin/sh
# hostile.sh: agentdiff's commands on broken and hostile input.
#
# Each case runs one command on an input made here, at test time, in a work
# directory under the build (nothing is committed: a 100 MB file, 100,000
# headings or nested tags, a 1 MB line, a billion-laughs YAML alias bomb,
# terminal escape sequences in titles, bodies, frontmatter and file names,
# NUL bytes, invalid UTF-8, binary data, an empty file, unterminated
# frontmatter, symlink loops, a FIFO, an unreadable file), and checks:
#
#   - the exit status is the one expected (0, 1 findings or differences,
#     2 trouble), and the command neither crashed nor hung (each run has a
#     timeout);
#   - the message, on stdout or stderr, says what happened (a pattern);
#   - nothing raw reaches the terminal: no C0 control byte other than tab
#     and newline, no DEL and no C1 control in stdout or stderr.  Commands
#     whose stdout is the data itself (merge without -o) are run on a
#     pseudo-terminal as well, through script(1), when it is there.
#
# The golden tests (tests/golden.sh) compare the exact output for the small
# cases of tests/mkfixtures.sh (show of binary, NUL, invalid UTF-8, escape
# and deep-nesting files, check of escapes in frontmatter, ls of escaped
# file names); the cases here cover the other commands and the inputs too
# large or too odd to keep a golden copy of.
#
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`); AD_VALGRIND, a
# valgrind command line, runs every agentdiff through it (longer timeouts,
# and a run with a valgrind error fails); AD_KEEP_WORK=1 keeps the work
# directory.  The unreadable-file case is skipped as root, who reads
# anything.  Exit status: 0 all passed, 1 a failure, 77 no binary.

set -u

srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${AD_BUILDDIR:-$srcdir}
ad=$builddir/agentdiff
valgrind=${AD_VALGRIND:-}

if [ ! -x "$ad" ]; then
	if [ -n "${AD_BUILDDIR:-}" ]; then
		echo "hostile: $ad is missing; it should have been built" >&2
		exit 1
	fi
	echo "hostile: no agentdiff binary in $builddir; skipping" >&2
	exit 77
fi

LC_ALL=C
NO_COLOR=1
TERM=dumb
export LC_ALL NO_COLOR TERM
unset AGENTDIFF_CONFIG 2>/dev/null || :

work=$builddir/tests/hostile-work.$$
rm -rf "$work"
if ! mkdir -p "$work/in" "$work/home"; then
	echo "hostile: cannot create $work" >&2
	exit 1
fi
if [ "${AD_KEEP_WORK:-0}" = 1 ]; then
	echo "hostile: keeping $work"
else
	trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' 0
	trap 'exit 1' HUP INT PIPE TERM
fi
HOME=$work/home
XDG_CONFIG_HOME=$work/home/.config
export HOME XDG_CONFIG_HOME

if command -v timeout >/dev/null 2>&1; then
	if [ -n "$valgrind" ]; then
		run_timeout='timeout 600'
	else
		run_timeout='timeout 60'
	fi
else
	run_timeout=
fi

# ------------------------------------------------------------ inputs
in=$work/in
cd "$in" || exit 1

if ! sh "$srcdir/tests/mkfixtures.sh" "$in/gen" >/dev/null; then
	echo "hostile: tests/mkfixtures.sh failed" >&2
	exit 1
fi
for f in empty binary nul-bytes nul-frontmatter invalid-utf8 invalid-utf8-frontmatter \
	escapes escapes-frontmatter lone-cr bom-only; do
	cp "gen/$f.md" "$f.md"
done
printf -- '---\nname: small\ndescription: A small, ordinary agent.\n---\n\n# Role\n\nText.\n' >small.md

# 100 MB of ordinary text: over AD_DOC_MAX_SIZE (64 MiB).
yes 'A line of an agent definition that goes on and on, 100 MB of it.' |
	head -c 100000000 >big.md

# 100,000 headings cycling through the six levels, and 100,000 nested tags.
awk 'BEGIN {
	print "---"; print "name: many-headings"; print "description: x"; print "---"
	for (i = 1; i <= 100000; i++) {
		h = substr("######", 1, (i - 1) % 6 + 1)
		printf "%s Heading %d\n\ntext %d\n", h, i, i
	}
}' >headings.md
awk 'BEGIN {
	print "---"; print "name: nested-tags"; print "description: x"; print "---"
	for (i = 1; i <= 100000; i++) printf "<t%d>\n", i
	print "innermost"
	for (i = 100000; i >= 1; i--) printf "</t%d>\n", i
}' >tags.md

# A single line of 1 MB, in the body and in the frontmatter.
awk 'BEGIN {
	print "---"; print "name: long-line"; print "description: x"; print "---"; print "# Role"
	for (i = 0; i < 131072; i++) printf "abcdefg "
	print ""
}' >longline.md
awk 'BEGIN {
	print "---"; print "name: long-value"; printf "description: "
	for (i = 0; i < 131072; i++) printf "abcdefg "
	print ""; print "---"; print "# Role"
}' >longvalue.md

# Billion laughs: nine levels of nine aliases each (9^9 if expanded).
awk 'BEGIN {
	print "---"; print "name: bomb"
	print "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
	for (i = 1; i <= 9; i++) {
		printf "a%d: &a%d [", i, i
		for (k = 0; k < 9; k++) printf "%s*a%d", k ? ", " : "", i - 1
		print "]"
	}
	print "description: *a9"; print "tools: *a9"; print "---"; print "# Body"
}' >bomb.md

# Frontmatter that never closes, and one that closes with the file.
printf -- '---\nname: open\ndescription: The closing fence is missing.\n\n# Role\n\nText.\n' >unterminated.md
printf -- '---\nname: open-eof\ndescription: x' >unterminated-eof.md

# Escapes in the frontmatter values (decoded from YAML), the body, the
# title and the file name.
printf -- '---\nname: "esc\\e[31mname"\ndescription: "d\\e]0;pwned\\a"\ntools: ["\\e[2J", Read]\n---\n\n# \033[31mTitle\033[0m\n\nbody \033[2J \302\233 \177\n' >esc-yaml.md
esc_name=$(printf 'esc\033[1m-name.md')
cp esc-yaml.md "$esc_name"

# Folders: agents with a symlink loop, a FIFO, a binary file, a big file,
# escapes in names.
mkdir -p tree/agents/sub tree/other
cp small.md tree/agents/a.md
cp esc-yaml.md tree/agents/
cp binary.md tree/agents/binary.md
cp escapes.md "tree/agents/$esc_name"
ln -s .. tree/agents/sub/up
ln -s ../../agents tree/agents/sub/again
ln -s l2.md tree/agents/l1.md
ln -s l1.md tree/agents/l2.md
ln -s ../tree tree/other/root
ln ../in/big.md tree/agents/big.md 2>/dev/null || cp big.md tree/agents/big.md
if command -v mkfifo >/dev/null 2>&1; then
	mkfifo fifo.md tree/agents/fifo.md
	have_fifo=1
else
	have_fifo=0
fi
ln -s loop-b.md loop-a.md
ln -s loop-a.md loop-b.md

# Unreadable, unless we are root.
if [ "$(id -u)" -ne 0 ]; then
	cp small.md unreadable.md
	chmod 0 unreadable.md
	mkdir -p locked/agents
	cp small.md locked/agents/x.md
	cp small.md locked/agents/secret.md
	chmod 0 locked/agents/secret.md
	have_unreadable=1
else
	have_unreadable=0
fi

if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	have_script=1
else
	have_script=0
fi

# ------------------------------------------------------------ checking

passed=0
failed=0
skipped=0

# Control bytes a terminal would act on: C0 but tab and newline, DEL, C1.
raw_controls() {
	c0=$(tr -d '\011\012\040-\176\200-\377' <"$1" | wc -c)
	c1=$(grep -c "$(printf '\302')[$(printf '\200')-$(printf '\237')]" "$1")
	[ "$c0" -gt 0 ] || [ "$c1" -gt 0 ]
}

# Cases that fail because of a bug already reported to the owner of the
# code: they print XFAIL instead of failing the run, and XPASS once fixed
# (then take them off the list).  None at the moment.
known_failures=' '

# case NAME STATUS PATTERN [raw] -- ARGS...: runs agentdiff ARGS in $in;
# STATUS is the exit status expected; PATTERN an extended regular
# expression that stdout or stderr must match ("" for none); "raw" when
# stdout is the data itself and may hold anything.
case_() {
	name=$1 want=$2 pattern=$3
	shift 3
	raw=0
	if [ "$1" = raw ]; then
		raw=1
		shift
	fi
	[ "$1" = -- ] && shift
	out=$work/out err=$work/err vglog=$work/valgrind.log
	rm -f "$vglog"
	if [ -n "$valgrind" ]; then
		# shellcheck disable=SC2086 # the valgrind command line, split
		$run_timeout $valgrind --log-file="$vglog" "$ad" "$@" >"$out" 2>"$err" </dev/null
	else
		# shellcheck disable=SC2086
		$run_timeout "$ad" "$@" >"$out" 2>"$err" </dev/null
	fi
	status=$?
	problem=
	if [ "$status" -gt 125 ] || { [ -n "$run_timeout" ] && [ "$status" -eq 124 ]; }; then
		problem="crashed or timed out (exit status $status)"
	elif [ "$status" -ne "$want" ]; then
		problem="exit status $status, expected $want"
	elif [ -n "$pattern" ] && ! cat "$out" "$err" | grep -Eq -- "$pattern"; then
		problem="no message matching /$pattern/"
	elif [ "$raw" = 0 ] && raw_controls "$out"; then
		problem="raw control characters on stdout"
	elif raw_controls "$err"; then
		problem="raw control characters on stderr"
	elif [ -s "$vglog" ]; then
		problem="valgrind reported errors: $(head -n 20 "$vglog")"
	fi
	case $known_failures in
	*" $name "*)
		if [ -n "$problem" ]; then
			echo "XFAIL $name: $problem (a known bug)"
		else
			echo "XPASS $name: fixed; take it off known_failures"
		fi
		passed=$((passed + 1))
		return
		;;
	esac
	if [ -n "$problem" ]; then
		echo "FAIL $name: $problem"
		echo "  command: (cd $in && agentdiff $*)" | cat -v
		echo "  stdout: $(head -c 400 "$out" | cat -v)"
		echo "  stderr: $(head -c 400 "$err" | cat -v)"
		failed=$((failed + 1))
	else
		echo "PASS $name"
		passed=$((passed + 1))
	fi
}

# tty NAME ARGS...: runs agentdiff ARGS on a pseudo-terminal; no raw
# control byte (but CR, which the terminal line discipline adds) may reach
# it.
tty_case() {
	name=$1
	shift
	if [ "$have_script" = 0 ]; then
		echo "SKIP $name: no script(1) for a pseudo-terminal"
		skipped=$((skipped + 1))
		return
	fi
	cmd=$(printf ' %s' "$ad" "$@")
	$run_timeout script -qec "$cmd" /dev/null </dev/null >"$work/tty" 2>&1
	status=$?
	tr -d '\015' <"$work/tty" >"$work/tty.nocr"
	case $known_failures in
	*" $name "*)
		if raw_controls "$work/tty.nocr"; then
			echo "XFAIL $name: raw control characters reached the terminal (a known bug)"
		else
			echo "XPASS $name: fixed; take it off known_failures"
		fi
		passed=$((passed + 1))
		return
		;;
	esac
	if [ "$status" -gt 125 ] || [ "$status" -eq 124 ]; then
		echo "FAIL $name: crashed or timed out on a terminal (exit status $status)"
		failed=$((failed + 1))
	elif raw_controls "$work/tty.nocr"; then
		echo "FAIL $name: raw control characters reached the terminal"
		head -c 400 "$work/tty" | cat -v
		failed=$((failed + 1))
	else
		echo "PASS $name"
		passed=$((passed + 1))
	fi
}

# color_case NAME ARGS...: diff --color=always must be diff --color=never
# with colour codes (SGR sequences) in place of the change brackets: text
# from the files stays sanitized, so no escape sequence of theirs gets
# through with the colours.
color_case() {
	name=$1
	shift
	$run_timeout "$ad" diff --color=always "$@" >"$work/color" 2>&1 </dev/null
	s1=$?
	$run_timeout "$ad" diff --color=never "$@" >"$work/plain" 2>&1 </dev/null
	s2=$?
	# Colour replaces the [-deleted-] and {+inserted+} brackets.
	sed "s/$(printf '\033')\[[0-9;]*m//g" "$work/color" >"$work/stripped"
	sed 's/\[-//g; s/-\]//g; s/{+//g; s/+}//g' "$work/plain" >"$work/plain.nobrackets"
	mv "$work/plain.nobrackets" "$work/plain"
	if [ "$s1" -gt 125 ] || [ "$s1" -eq 124 ] || [ "$s1" -ne "$s2" ]; then
		echo "FAIL $name: exit status $s1 in colour, $s2 without"
		failed=$((failed + 1))
	elif ! cmp -s "$work/stripped" "$work/plain" || raw_controls "$work/stripped"; then
		echo "FAIL $name: the coloured output is not the plain one plus colour codes"
		diff "$work/plain" "$work/stripped" | head -n 10 | cat -v
		failed=$((failed + 1))
	else
		echo "PASS $name"
		passed=$((passed + 1))
	fi
}

skip() {
	echo "SKIP $1: $2"
	skipped=$((skipped + 1))
}

too_big='file is too large \(100000000 bytes; the limit is 67108864\)'

# --- empty, blank, binary, NUL, invalid UTF-8
case_ empty-show 0 'empty.md  0 bytes, 0 lines' -- show empty.md
case_ empty-check 1 'empty.md:1:1: error: no frontmatter' -- check empty.md
case_ empty-diff 1 '' -- diff empty.md small.md
case_ empty-merge 0 '' raw -- merge empty.md small.md small.md
case_ bom-only-check 1 'bom-only.md:1:1: error: no frontmatter' -- check bom-only.md
case_ binary-show 0 'binary.md  8201 bytes' -- show binary.md
case_ binary-check 1 'binary.md:[0-9]+:[0-9]+: warning: .*\[(control-char|invalid-utf8)\]' -- check binary.md
case_ binary-diff 1 '' -- diff binary.md small.md
case_ binary-diff-json 1 '"variants"' -- diff --json binary.md small.md
case_ binary-merge 0 '' raw -- merge small.md binary.md small.md
case_ nul-check 1 'nul-bytes.md:6:9: warning: .*\[control-char\]' -- check nul-bytes.md
case_ nul-frontmatter-json 1 '"id": "control-char"' -- check --json nul-frontmatter.md
case_ invalid-utf8-check 1 'invalid-utf8.md:[0-9]+:[0-9]+: warning: .*\[invalid-utf8\]' -- check invalid-utf8.md
case_ invalid-utf8-diff 1 '' -- diff invalid-utf8.md invalid-utf8-frontmatter.md
case_ lone-cr-diff 1 '' -- diff lone-cr.md small.md

# --- 100 MB: refused by what parses it, skipped by a scan, merged as lines
case_ big-show 2 "agentdiff: big.md: $too_big" -- show big.md
case_ big-show-json 2 "agentdiff: big.md: $too_big" -- show --json big.md
case_ big-check 2 "agentdiff: big.md: $too_big" -- check big.md
case_ big-diff 2 "agentdiff: big.md: $too_big" -- diff small.md big.md
case_ big-plan 2 "agentdiff: big.md: $too_big" -- plan small.md big.md
case_ big-ls 0 'big.md: file is too large \(100000000 bytes; the limit is 4194304\)' -- ls tree
case_ big-merge-identity 0 '' -- merge -o merged-big.md small.md big.md small.md
if cmp -s big.md merged-big.md; then
	echo "PASS big-merge-result"
	passed=$((passed + 1))
else
	echo "FAIL big-merge-result: merge(S, BIG, S) is not BIG"
	failed=$((failed + 1))
fi
rm -f merged-big.md

# --- size and depth
case_ headings-show 0 'sections  100000' -- show headings.md
case_ headings-check 0 '1 file checked, 0 errors' -- check headings.md
case_ headings-diff 1 '' -- diff headings.md small.md
case_ headings-diff-self 0 '' -- diff --stat headings.md headings.md
case_ headings-merge 0 '' raw -- merge small.md headings.md small.md
case_ tags-show 0 'sections  64' -- show tags.md
case_ tags-check 1 'tags.md:[0-9]+:[0-9]+: ' -- check tags.md
case_ tags-diff 0 '' -- diff tags.md tags.md
case_ tags-merge 0 '' raw -- merge tags.md tags.md tags.md
case_ longline-show 0 'longline.md  1048[0-9]+ bytes, 6 lines' -- show longline.md
case_ longline-check 0 '1 file checked, 0 errors' -- check longline.md
case_ longline-diff 1 '' -- diff longline.md longvalue.md
case_ longvalue-show 0 'description  abcdefg abcdefg' -- show longvalue.md
case_ longvalue-check 1 'longvalue.md:3:14: info: description is 1048575 characters long' -- check longvalue.md

# --- no quadratic work (issue 10, items 8 and 9).  100,000 frontmatter
# keys (1.6 MB), ours and theirs each changing others: merge, plan, apply,
# diff and the merge view took from 24 s to minutes, counting each key's
# earlier occurrences field by field.  1,999 sections all titled "## S"
# (560 KB) with bodies drawn from the same 30 words, a third (ours) and a
# fifth (theirs) kept and the rest rewritten: diff took 43 s, merge 90 s
# and a 3-way diff 134 s, a word diff for every pair of sections.  Here
# each must finish in 10 s (valgrind keeps its own timeout).
awk 'BEGIN {
	for (v = 0; v < 3; v++) {
		f = v == 0 ? "keys.md" : v == 1 ? "keys-ours.md" : "keys-theirs.md"
		print "---" >f; print "name: many-keys" >f
		print "description: " (v == 1 ? "ours" : "x") >f
		for (i = 1; i <= 100000; i++)
			printf "k%d: value %d%s\n", i, i,
				v == 1 && i % 1000 == 0 ? " ours" : v == 2 && i % 1000 == 500 ? " theirs" : "" >f
		print "---" >f; print "# Role" >f; print "" >f; print "Text." >f
	}
}'
printf 'key j m j m c M\nkey j j 2\nkey j 2\nkey j 2\ndump\n' >keys.script
awk 'BEGIN {
	srand(10)
	for (i = 1; i <= 1999; i++)
		for (v = 0; v < 3; v++) {
			f = v == 0 ? "same.md" : v == 1 ? "same-ours.md" : "same-theirs.md"
			if (i == 1) { print "---" >f; print "name: same-titles" >f; print "description: x" >f; print "---" >f }
			if (v == 0 || (v == 1 && i % 3 != 0) || (v == 2 && i % 5 != 0)) {
				body = ""
				for (w = 0; w < 70; w++) body = body sprintf("w%d ", int(rand() * 30))
			}
			printf "## S\n\n%s\n\n", body >f
		}
}'
if [ -n "$run_timeout" ] && [ -z "$valgrind" ]; then
	saved_timeout=$run_timeout
	run_timeout='timeout 10'
fi
case_ keys-merge 0 '^k99500: value 99500 theirs$' raw -- merge keys.md keys-ours.md keys-theirs.md
case_ keys-plan 0 '^# or: field "k1000" from 2$' -- plan keys.md keys-ours.md
case_ keys-plan-file 0 '' -- plan -o keys.plan keys.md keys-ours.md
case_ keys-apply 0 '^k100000: value 100000$' raw -- apply -o - keys.plan
case_ keys-diff 1 'k1000: ' -- diff keys.md keys-ours.md
case_ keys-merge-view 0 'row 5/100004' -- --script keys.script --size 90x24 keys.md keys-ours.md
case_ same-titles-diff 1 '' -- diff same.md same-ours.md
case_ same-titles-diff3 1 '' -- diff same.md same-ours.md same-theirs.md
case_ same-titles-merge 1 '^<<<<<<< ' raw -- merge same.md same-ours.md same-theirs.md
case_ same-titles-plan 0 '' -- plan -o same.plan same.md same-ours.md
if [ -n "${saved_timeout:-}" ]; then
	run_timeout=$saved_timeout
fi

# --- YAML: alias bomb, unterminated frontmatter
case_ bomb-show 0 'description  \*a9' -- show bomb.md
case_ bomb-show-json 0 '"kind": "other"' -- show --json bomb.md
case_ bomb-check 1 'bomb.md:[0-9]+:[0-9]+: error: .*\[description-form\]' -- check bomb.md
case_ bomb-diff 0 '' -- diff bomb.md bomb.md
case_ bomb-merge 0 '' raw -- merge bomb.md small.md bomb.md
case_ unterminated-check 1 'unterminated.md:1:1: error: .*\[frontmatter-unterminated\]' -- check unterminated.md
case_ unterminated-eof-check 1 'unterminated-eof.md:1:1: error: .*\[frontmatter-unterminated\]' -- check unterminated-eof.md
case_ unterminated-diff 1 '' -- diff unterminated.md small.md

# --- terminal escapes: titles, bodies, frontmatter, file names, labels
case_ esc-show 0 'Title' -- show esc-yaml.md
case_ esc-show-json 0 '"name"' -- show --json esc-yaml.md
case_ esc-check 1 'esc-yaml.md:[0-9]+:[0-9]+: warning: .*\[control-char\]' -- check esc-yaml.md escapes.md
case_ esc-check-json 1 '"control-char"' -- check --json esc-yaml.md escapes-frontmatter.md
case_ esc-diff 1 '' -- diff esc-yaml.md escapes.md escapes-frontmatter.md
case_ esc-diff-json 1 '' -- diff --json esc-yaml.md escapes.md
case_ esc-diff-stat 1 '' -- diff --stat esc-yaml.md escapes.md
color_case esc-diff-color esc-yaml.md escapes.md
color_case esc-diff-color-3 esc-yaml.md escapes.md escapes-frontmatter.md
case_ esc-name-show 0 'esc\^\[\[1m-name.md' -- show "$esc_name"
case_ esc-name-missing 2 'esc\^\[\[1m-missing.md' -- show "$(printf 'esc\033[1m-missing.md')"
case_ esc-name-diff 0 '' -- diff "$esc_name" esc-yaml.md
case_ esc-ls 0 'esc\^\[\[1m-name.md' -- ls tree
case_ esc-ls-json 0 'esc\\u001b\[1m-name.md' -- ls --json tree
case_ esc-outline 0 'Title' -- tree
case_ esc-plan 0 '' -- plan esc-yaml.md escapes.md
case_ esc-merge-conflict 1 '' raw -- merge small.md esc-yaml.md escapes.md
case_ esc-merge-labels 1 '' -- merge -o merged-esc.md -L "$(printf 'b\033[7mLBL')" -L "$(printf 'o\033]0;LBL\007')" -L "$(printf 't\nLBL')" small.md esc-yaml.md escapes.md
# Labels are written with their control characters as '?'.
if grep -q "$(printf '\033')\[7mLBL\|$(printf '\033')\]0;LBL" merged-esc.md ||
	! grep -q '^||||||| b?\[7mLBL$' merged-esc.md ||
	! grep -q '^<<<<<<< o?\]0;LBL?$' merged-esc.md ||
	! grep -q '^>>>>>>> t?LBL$' merged-esc.md; then
	echo "FAIL esc-merge-labels-file: labels not written as documented (controls as '?')"
	grep 'LBL' merged-esc.md | cat -v
	failed=$((failed + 1))
else
	echo "PASS esc-merge-labels-file"
	passed=$((passed + 1))
fi
tty_case esc-merge-tty merge small.md esc-yaml.md escapes.md
tty_case esc-merge-tty-identity merge small.md esc-yaml.md esc-yaml.md
tty_case esc-show-tty show esc-yaml.md
tty_case esc-diff-tty diff esc-yaml.md escapes.md
case_ esc-plan-file 0 '' -- plan -o esc.plan esc-yaml.md escapes.md
tty_case esc-apply-tty apply -o - esc.plan

# --- symlink loops, FIFOs, devices, unreadable files
case_ loop-ls 0 'tree/agents/sub/up: symlink loop' -- ls tree
case_ loop-ls-json 0 '"reason": "symlink-loop"' -- ls --json tree
case_ loop-outline 0 'symlink loop' -- tree
case_ loop-check-dir 2 'tree/agents/l1.md: cannot stat: Too many levels of symbolic links' -- check tree/agents
case_ loop-show 2 'loop-a.md: .*(Too many levels of symbolic links|loop)' -- show loop-a.md
case_ loop-check 2 'loop-a.md: .*(Too many levels of symbolic links|loop)' -- check loop-a.md
case_ loop-diff 2 'loop-a.md: .*(Too many levels of symbolic links|loop)' -- diff small.md loop-a.md
case_ loop-merge 2 'loop-a.md' -- merge small.md loop-a.md small.md
case_ dir-show 2 'tree: is a directory' -- show tree
case_ dev-show 2 '/dev/null: not a regular file' -- show /dev/null
case_ dev-diff 2 '/dev/zero: not a regular file' -- diff small.md /dev/zero
if [ "$have_fifo" = 1 ]; then
	case_ fifo-show 2 'fifo.md: not a regular file' -- show fifo.md
	case_ fifo-check 2 'fifo.md: not a regular file' -- check fifo.md
	case_ fifo-diff 2 'fifo.md: not a regular file' -- diff small.md fifo.md
	case_ fifo-merge 2 'fifo.md' -- merge small.md fifo.md small.md
	case_ fifo-ls 0 'tree/agents/fifo.md' -- ls tree
else
	skip fifo "no mkfifo"
fi
if [ "$have_unreadable" = 1 ]; then
	case_ unreadable-show 2 'unreadable.md: cannot open: Permission denied' -- show unreadable.md
	case_ unreadable-check 2 'unreadable.md: cannot open: Permission denied' -- check unreadable.md
	case_ unreadable-diff 2 'unreadable.md: cannot open: Permission denied' -- diff small.md unreadable.md
	case_ unreadable-merge 2 'unreadable.md' -- merge small.md unreadable.md small.md
	case_ unreadable-ls 0 'secret.md: cannot open: Permission denied' -- ls locked
else
	skip unreadable "running as root, who can read any file"
fi

# --- folders that cannot be read are not silent (issue 10, item 14): check
# and ls say which and exit 2, whatever the folder's name.  An agent below
# a folder chain longer than PATH_MAX (each step a rename of the chain so
# far into a new folder, so that no command needs a long path); unless we
# are root, a folder that can be listed but not searched (its entries
# cannot be examined) and one that cannot be listed at all.
long=dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
long=$long$long
mkdir -p deep-path.tmp/agents && cp small.md deep-path.tmp/agents/deep.md
i=0
while [ "$i" -lt 24 ]; do
	mkdir deep-path.wrap && mv deep-path.tmp "deep-path.wrap/$long" &&
		mv deep-path.wrap deep-path.tmp || break
	i=$((i + 1))
done
mv deep-path.tmp deep-path
case_ deep-path-check 2 'deep-path/(d+/)+d+: path too long \([0-9]+ bytes\)' -- check deep-path
case_ deep-path-ls 2 'agentdiff: deep-path/(d+/)+d+: path too long' -- ls deep-path
case_ deep-path-ls-json 2 '"reason": "unreadable"' -- ls --json deep-path
if [ "$have_unreadable" = 1 ]; then
	mkdir -p unsearchable/agents/team noread/agents
	cp small.md unsearchable/agents/team/x.md
	cp small.md noread/agents/x.md
	chmod 0644 unsearchable/agents
	chmod 0 noread/agents
	case_ unsearchable-check 2 'unsearchable/agents: cannot read folder: Permission denied' \
		-- check unsearchable
	case_ unsearchable-ls 2 'unsearchable/agents: cannot read folder: Permission denied' \
		-- ls unsearchable
	case_ noread-check 2 'noread/agents: cannot read folder: Permission denied' -- check noread
	case_ noread-ls 2 'agentdiff: noread/agents: cannot read folder: Permission denied' \
		-- ls noread
	chmod 0755 unsearchable/agents noread/agents
else
	skip unreadable-folders "running as root, who can read any folder"
fi

# --- hostile plans: a plan is data from someone else (issue 10, item 1).
# A repository hp (git's, or a bare .git folder without git) holds the
# plans, in hp/agents; outside/ is beside it.  Every refusal writes nothing.
hp=$in/hp
mkdir -p "$hp/agents" "$hp/docs" "$hp/sub" "$in/outside" "$in/gitdir-env"
if command -v git >/dev/null 2>&1; then
	(cd "$hp" && GIT_CONFIG_NOSYSTEM=1 git init -q .) || exit 1
else
	mkdir -p "$hp/.git" && printf '[core]\n\tbare = false\n' >"$hp/.git/config"
fi
cp "$hp/.git/config" "$work/git-config.saved"
cp small.md "$hp/agents/a.md"
cp small.md "$hp/agents/b.md"
cp small.md "$in/outside/o.md"
cp nul-bytes.md "$hp/agents/nul.md"
printf '# Notes\n\nNot an agent: no frontmatter, not under agents/.\n' >"$hp/docs/notes.md"
ln -s "$in/outside/o.md" "$hp/agents/link.md"
ln -s "$in/outside" "$hp/agents/out"
ln -s "$in/outside/created.md" "$hp/agents/dangling.md"
ln -s ../.git/config "$hp/agents/config.md"
printf 'gitdir: ../.git\n' >"$hp/sub/.git"
ln "$hp/.git/config" "$hp/agents/hard.md"
mkdir -p "$hp/agents/gd/objects" "$hp/agents/gd/refs"
printf 'ref: refs/heads/main\n' >"$hp/agents/gd/HEAD"

# hplan NAME VARIANT2 [OUTPUT]: hp/agents/NAME.plan, variant 1 a.md.
hplan() {
	{
		echo 'agentdiff-plan 1'
		echo 'variant 1 "a.md"'
		printf 'variant 2 "%s"\n' "$2"
		[ -n "${3:-}" ] && printf 'output "%s"\n' "$3"
		echo 'frontmatter from 1'
		echo 'field "name" from 1'
		echo 'take "Role" from 2'
	} >"$hp/agents/$1.plan"
}

# nothing_at NAME PATH...: no PATH exists; .git/config is as it was.
nothing_at() {
	name=$1
	shift
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then
			echo "FAIL $name: $p was written"
			failed=$((failed + 1))
			return
		fi
	done
	if ! cmp -s "$hp/.git/config" "$work/git-config.saved"; then
		echo "FAIL $name: .git/config changed"
		failed=$((failed + 1))
		return
	fi
	echo "PASS $name"
	passed=$((passed + 1))
}

outside_repo='is outside the repository'
case_ apply-help-allow-outside 0 '--allow-outside PATH' -- apply --help
in_git='agentdiff never writes there'

hplan git-config b.md ../.git/config
case_ plan-output-git-config 2 \
	"hp/agents/git-config.plan:4:8: output \"../.git/config\" is inside a .git folder; $in_git" \
	-- apply hp/agents/git-config.plan
case_ plan-output-git-config-allowed 2 "$in_git" \
	-- apply --allow-outside hp/.git/config --force hp/agents/git-config.plan
case_ plan-output-git-config-o 2 "-o hp/.git/config is inside a .git folder; $in_git" \
	-- apply -o hp/.git/config --force hp/agents/git-config.plan
nothing_at plan-output-git-config-untouched
# -o replaces the plan's output: the result goes where the user says.
case_ plan-output-o-overrides 0 'wrote hp/agents/o-result.md' \
	-- apply -o hp/agents/o-result.md hp/agents/git-config.plan
hplan git-link b.md config.md
case_ plan-output-link-into-git 2 "output \"config.md\" is inside a .git folder" \
	-- apply --force hp/agents/git-link.plan
hplan git-hard-link b.md hard.md
case_ plan-output-hard-link 2 'output "hard.md" has other hard links, which may lie outside the repository' \
	-- apply --force hp/agents/git-hard-link.plan
hplan git-file b.md ../sub/.git
case_ plan-output-dotgit-file 2 'output "../sub/.git" is a .git file or folder' \
	-- apply --force hp/agents/git-file.plan
hplan git-layout b.md gd/x.md
case_ plan-output-git-layout 2 'output "gd/x.md" is inside a git folder' \
	-- apply hp/agents/git-layout.plan
hplan git-dir-env b.md ../../gitdir-env/x.md
GIT_DIR=$in/gitdir-env
export GIT_DIR
case_ plan-output-git-dir-env 2 'is inside \$GIT_DIR' \
	-- apply --allow-outside gitdir-env/x.md hp/agents/git-dir-env.plan
unset GIT_DIR
nothing_at plan-output-git-untouched "$hp/agents/gd/x.md" "$in/gitdir-env/x.md"

hplan absolute b.md "$in/outside/abs.md"
case_ plan-output-absolute 2 \
	"absolute.plan:4:8: output \"$in/outside/abs.md\" $outside_repo \(use -o or --allow-outside PATH\)" \
	-- apply hp/agents/absolute.plan
hplan up b.md ../../outside/up.md
case_ plan-output-up 2 "output \"../../outside/up.md\" $outside_repo" -- apply hp/agents/up.plan
hplan link-out b.md link.md
case_ plan-output-symlink-out 2 "output \"link.md\" $outside_repo" \
	-- apply --force hp/agents/link-out.plan
hplan dangling b.md dangling.md
case_ plan-output-dangling-symlink 2 "output \"dangling.md\" $outside_repo" \
	-- apply hp/agents/dangling.plan
# Through a link to a folder outside, ".." leaves from where the link led:
# "out/../x.md" is outside/../x.md, not agents/x.md.
hplan dotdot-link b.md out/../dotdot.md
case_ plan-output-dotdot-symlink 2 "output \"out/../dotdot.md\" $outside_repo" \
	-- apply hp/agents/dotdot-link.plan
nothing_at plan-output-outside-untouched "$in/outside/abs.md" "$in/outside/up.md" \
	"$in/outside/created.md" "$in/dotdot.md" "$hp/agents/dotdot.md"

hplan passwd /etc/passwd
case_ plan-variant-passwd 2 "passwd.plan:3:11: variant 2 \"/etc/passwd\" $outside_repo \(use --allow-outside PATH\)" \
	-- apply -o - hp/agents/passwd.plan
case_ plan-variant-passwd-allowed 2 'variant 2 "/etc/passwd" is not an agent definition \(not a Markdown file\)' \
	-- apply --allow-outside /etc/passwd -o - hp/agents/passwd.plan
hplan nul nul.md
case_ plan-variant-binary 2 'variant 2 "nul.md" is not an agent definition \(binary file' \
	-- apply -o - hp/agents/nul.plan
hplan notes ../docs/notes.md
case_ plan-variant-not-agent 2 'variant 2 "../docs/notes.md" is not an agent definition \(no frontmatter name' \
	-- apply -o - hp/agents/notes.plan
hplan link-variant link.md
case_ plan-variant-symlink-out 2 "variant 2 \"link.md\" $outside_repo" -- apply -o - hp/agents/link-variant.plan
hplan dotdot-variant out/../outside/o.md
case_ plan-variant-dotdot-symlink 2 "variant 2 \"out/../outside/o.md\" $outside_repo" \
	-- apply -o - hp/agents/dotdot-variant.plan
# Inside, through the same link: out/../hp/agents/b.md is hp/agents/b.md.
hplan dotdot-inside out/../hp/agents/b.md
case_ plan-variant-dotdot-inside 0 '' -- apply -o - hp/agents/dotdot-inside.plan
if command -v git >/dev/null 2>&1; then
	hplan rev-up 'HEAD:../../etc/passwd'
	case_ plan-variant-revpath-up 2 "'../../etc/passwd' leads outside the repository" \
		-- apply -o - hp/agents/rev-up.plan
else
	skip plan-variant-revpath-up "no git"
fi

# --allow-outside lifts exactly the paths it names, compared resolved.
hplan allow ../../outside/o.md "$in/outside/allowed.md"
case_ plan-allow-variant-only 2 "output \"$in/outside/allowed.md\" $outside_repo" \
	-- apply --allow-outside outside/o.md hp/agents/allow.plan
case_ plan-allow-folder 2 "variant 2 \"../../outside/o.md\" $outside_repo" \
	-- apply --allow-outside outside --allow-outside outside/allowed.md hp/agents/allow.plan
nothing_at plan-allow-untouched "$in/outside/allowed.md"
case_ plan-allow-both 0 "wrote $in/outside/allowed.md" \
	-- apply --allow-outside hp/../outside/o.md --allow-outside "$in/outside/allowed.md" hp/agents/allow.plan

# --- writing as an editor saves (src/fileio.h): special files are written,
# never replaced; modes, links and hard links are kept; long names and a
# file size limit; concurrent applies.  /dev/null itself only as root, who
# could replace it, and checked to be a device afterwards.
printf -- '---\nname: small\ndescription: A small, ordinary agent.\n---\n\n# Role\n\nMore text.\n' >small2.md
# check_ NAME WHAT COMMAND...: PASS when COMMAND succeeds, else FAIL saying WHAT.
check_() {
	name=$1 what=$2
	shift 2
	if "$@"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: $what"
		failed=$((failed + 1))
	fi
}
no_temporaries() {
	[ -z "$(find "$in" -name '.agentdiff-*' -o -name '.*.agentdiff-*' | head -n 1)" ]
}
holds_small2() {
	grep -q 'More text' "$1"
}
if [ "$(id -u)" -eq 0 ]; then
	case_ write-dev-null 0 '' -- merge -o /dev/null small.md small.md small2.md
	check_ write-dev-null-device "/dev/null is no longer a character device" test -c /dev/null
	if mknod "$in/null-node" c 1 3 2>/dev/null; then
		case_ write-node 0 '' -- merge -o null-node small.md small.md small2.md
		check_ write-node-device "a device node was replaced" test -c "$in/null-node"
	else
		skip write-node "mknod failed"
	fi
else
	skip write-dev-null "not root: /dev/null cannot be replaced anyway"
fi
case_ write-dev-stdout 0 'More text' raw -- merge -o /dev/stdout small.md small.md small2.md
if [ "$have_fifo" = 1 ]; then
	mkfifo out.fifo
	$run_timeout cat out.fifo >fifo-got &
	reader=$!
	case_ write-fifo 0 '' -- merge -o out.fifo small.md small.md small2.md
	wait "$reader"
	check_ write-fifo-read "the FIFO's reader did not get the result" holds_small2 fifo-got
	check_ write-fifo-kept "the FIFO was replaced" test -p out.fifo
fi
mkdir out-dir.md
case_ write-dir 2 'out-dir.md: is a directory' -- merge -o out-dir.md small.md small.md small2.md
cp small.md kept-0600.md && chmod 0600 kept-0600.md
case_ write-mode 0 '' -- merge -o kept-0600.md small.md small.md small2.md
check_ write-mode-kept "a 0600 file became $(stat -c %a kept-0600.md 2>&1)" \
	test "$(stat -c %a kept-0600.md)" = 600
old_umask=$(umask)
umask 077
case_ write-umask 0 '' -- merge -o new-077.md small.md small.md small2.md
umask "$old_umask"
check_ write-umask-mode "a new file under umask 077 got $(stat -c %a new-077.md 2>&1)" \
	test "$(stat -c %a new-077.md)" = 600
mkdir -p linked && cp small.md linked/real.md && ln -s linked/real.md via-link.md
case_ write-symlink 0 '' -- merge -o via-link.md small.md small.md small2.md
check_ write-symlink-kept "via-link.md is no longer a symbolic link" test -L via-link.md
check_ write-symlink-target "the link's file did not get the result" holds_small2 linked/real.md
cp small.md hard-a.md && ln hard-a.md hard-b.md
case_ write-hardlink 0 '' -- merge -o hard-a.md small.md small.md small2.md
check_ write-hardlink-kept "the other name of the file does not see the result" holds_small2 hard-b.md
long=$(printf '%0252d' 0).md
case_ write-long-name 0 '' -- merge -o "$long" small.md small.md small2.md
check_ write-long-name-file "the file of a 255-byte name was not written" holds_small2 "$long"
# ulimit -f: "file too large", not a SIGXFSZ kill that leaves a temporary
# file behind.
(ulimit -f 64 && exec $run_timeout "$ad" merge -o limited.md small.md headings.md headings.md) \
	>"$work/out" 2>"$work/err" </dev/null
status=$?
check_ write-ulimit "exit status $status ($(head -c 200 "$work/err")), expected 2 and \"file too large\"" \
	grep -q 'file too large' "$work/err"
check_ write-ulimit-clean "a temporary file was left behind" no_temporaries
# Eight applies race to create one output: exactly one writes it, whole.
for k in 1 2 3 4 5 6 7 8; do
	sed "s/More text/Racer $k/" small2.md >"racer-$k.md"
	"$ad" plan -o "race-$k.plan" --output race-out.md "racer-$k.md" 2>/dev/null
done
for k in 1 2 3 4 5 6 7 8; do
	( "$ad" apply "race-$k.plan" >/dev/null 2>"$work/race-$k.err"; echo $? >"$work/race-$k.status" ) &
done
wait
won=$(cat "$work"/race-*.status | grep -c '^0$')
check_ write-race-one-winner "$won of 8 applies wrote the new output" test "$won" -eq 1
winner=$(grep -l '^0$' "$work"/race-*.status | head -n 1 | sed 's/.*race-\([0-9]\).status/\1/')
"$ad" apply -o - "race-${winner:-1}.plan" >"$work/race-want" 2>/dev/null
check_ write-race-whole "the output is not the winner's whole result" \
	cmp -s "$work/race-want" race-out.md
# Another program locks the output and changes it while apply waits: apply
# sees the change and writes nothing.
if command -v flock >/dev/null 2>&1; then
	"$ad" plan -o lock.plan --output lock-out.md small.md small2.md 2>/dev/null
	"$ad" apply lock.plan >/dev/null 2>&1
	sed 's/^take "Role" from 1.*/take "Role" from 2/' lock.plan >lock.tmp && mv lock.tmp lock.plan
	flock lock-out.md sh -c 'sleep 1; echo "changed meanwhile" >>lock-out.md' &
	locker=$!
	sleep 0.3
	case_ write-locked-change 2 'lock-out.md: changed on disk since it was read' -- apply lock.plan
	wait "$locker"
	check_ write-locked-change-kept "the other program's change was overwritten" \
		grep -q 'changed meanwhile' lock-out.md
	# The same for merge -o onto one of its inputs, and for the merge
	# driver's %A: the check before the rename is made under the lock.
	cp small.md lock-ours.md
	flock lock-ours.md sh -c 'sleep 1; echo "changed meanwhile" >>lock-ours.md' &
	locker=$!
	sleep 0.3
	case_ merge-locked-change 2 'lock-ours.md: changed on disk since it was read' -- \
		merge -o lock-ours.md small.md lock-ours.md small2.md
	wait "$locker"
	check_ merge-locked-change-kept "the other program's change was overwritten" \
		grep -q 'changed meanwhile' lock-ours.md
	cp small.md lock-a.md
	flock lock-a.md sh -c 'sleep 1; echo "changed meanwhile" >>lock-a.md' &
	locker=$!
	sleep 0.3
	case_ driver-locked-change 2 'lock-a.md: changed on disk since it was read' -- \
		merge-driver small.md lock-a.md small2.md 7 lock-a.md
	wait "$locker"
	check_ driver-locked-change-kept "the other program's change was overwritten" \
		grep -q 'changed meanwhile' lock-a.md
else
	skip write-locked-change "no flock(1)"
fi
check_ write-no-temporaries "a temporary file was left behind" no_temporaries

# --- the merge driver never loses theirs (issue 10, item 5): any marker
# size git takes, and on a failure inside (AD_FAULT_INJECT=merge makes the
# section merge fail, =merge-lines the line merge after it too; markers over
# their budget make both fail for real) %A holds a line-level merge, or ours
# then theirs whole, between markers, and the exit status is 2.
printf 'a\nb\nc\n' >drv-base.md
printf 'a\nours\nc\n' >drv-ours.md
printf 'a\ntheirs\nc\n' >drv-theirs.md
# has_markers FILE N: FILE has "<<<<<<<", "=======" and ">>>>>>>" lines of
# exactly N characters each.
has_markers() {
	awk -v n="$2" '
	function run(c,  s) { s = c; while (length(s) < n) s = s s; return substr(s, 1, n) }
	NR == 1 { L = run("<"); E = run("="); G = run(">") }
	index($0, L) == 1 && substr($0, n + 1, 1) == " " { lt++ }
	$0 == E { eq++ }
	index($0, G) == 1 && substr($0, n + 1, 1) == " " { gt++ }
	END { exit !(lt >= 1 && eq >= 1 && gt >= 1) }' "$1"
}
cp drv-ours.md drv-a.md
case_ driver-marker-5000 1 'drv.md: 1 conflict left in the merge' -- \
	merge-driver drv-base.md drv-a.md drv-theirs.md 5000 drv.md
check_ driver-marker-5000-file "drv-a.md has no markers of 5000 characters" has_markers drv-a.md 5000
cp drv-ours.md drv-a.md
case_ driver-marker-huge 1 'over 1048576; conflict markers of 1048576 written' -- \
	merge-driver drv-base.md drv-a.md drv-theirs.md 2000000000 drv.md
check_ driver-marker-huge-file "drv-a.md has no markers of 1048576 characters" \
	has_markers drv-a.md 1048576
cp drv-ours.md drv-a.md
AD_FAULT_INJECT=merge
export AD_FAULT_INJECT
case_ driver-fallback-lines 2 'drv.md: left unmerged, merged as lines with 1 conflict' -- \
	merge-driver drv-base.md drv-a.md drv-theirs.md 7 drv.md
if command -v git >/dev/null 2>&1; then
	git merge-file -p --diff3 -L ours:drv.md -L base:drv.md -L theirs:drv.md \
		drv-ours.md drv-base.md drv-theirs.md >drv-git.md
	check_ driver-fallback-lines-file "drv-a.md is not what git merge-file makes" \
		cmp -s drv-git.md drv-a.md
else
	skip driver-fallback-lines-file "no git"
fi
case_ merge-fallback-lines 2 'cannot merge section by section: injected fault' -- \
	merge -o drv-o.md drv-base.md drv-ours.md drv-theirs.md
check_ merge-fallback-lines-file "merge -o did not write the line-level merge" \
	grep -q '^||||||| drv-base.md$' drv-o.md
cp drv-ours.md drv-a.md
AD_FAULT_INJECT=merge-lines
case_ driver-fallback-whole 2 'drv.md: left unmerged, ours and theirs whole with 1 conflict' -- \
	merge-driver drv-base.md drv-a.md drv-theirs.md 7 drv.md
unset AD_FAULT_INJECT
printf '<<<<<<< ours:drv.md\na\nours\nc\n=======\na\ntheirs\nc\n>>>>>>> theirs:drv.md\n' >drv-want.md
check_ driver-fallback-whole-file "drv-a.md is not ours, then theirs, between markers" \
	cmp -s drv-want.md drv-a.md
# 100 conflicts with markers of a million characters: over the markers'
# budget for the section merge and the line merge alike.
awk 'BEGIN { for (i = 1; i <= 200; i++) print "line " i }' >drv-many-base.md
awk 'BEGIN { for (i = 1; i <= 200; i++) print (i % 2 ? "line " i : "ours " i) }' >drv-many-ours.md
awk 'BEGIN { for (i = 1; i <= 200; i++) print (i % 2 ? "line " i : "theirs " i) }' >drv-many-theirs.md
cp drv-many-ours.md drv-a.md
case_ driver-over-budget 2 'cannot merge as lines either: conflict markers of 1000000 characters' -- \
	merge-driver drv-many-base.md drv-a.md drv-many-theirs.md 1000000 drv.md
check_ driver-over-budget-file "drv-a.md lacks ours or theirs" \
	sh -c 'grep -qx "ours 200" drv-a.md && grep -qx "theirs 200" drv-a.md'
check_ driver-over-budget-markers "drv-a.md has no markers of 1000000 characters" \
	has_markers drv-a.md 1000000

# --- many sections with one title (issue 10, item 9): each section is
# "## S" and a line "s<i> <45 words>", rewritten ("s<i> rewritten by ours
# ...") on every section by ours and every second one by theirs.  The merge
# must conflict on every second section and take ours' rewrite once on the
# others, never two versions of one section outside a conflict: once
# scored by the aligner (1,999 sections), once past its section limit.
same_title() {
	awk -v n="$1" -v every="$2" -v who="$3" 'BEGIN {
		srand(7)
		split("the agent reads every file and writes a short report about what it " \
		      "found in the code base then asks the user before making any change " \
		      "to the repository", w, " ")
		print "---"; print "name: same"; print "description: x"; print "---"; print ""
		for (i = 1; i <= n; i++) {
			line = ""
			for (k = 0; k < 45; k++)
				line = line " " w[int(rand() * 27) + 1]
			if (every && i % every == 0)
				line = " rewritten by " who line " extra"
			print "## S"; print ""; print "s" i line; print ""
		}
	}'
}
# no_duplicate_versions N FILE
no_duplicate_versions() {
	awk -v n="$1" '
	/^<<<<<<< / { c = 1; next }
	/^>>>>>>> / { c = 0; next }
	c || !/^s[0-9]+ / { next }
	{ i = substr($1, 2) + 0; cnt[i, $2 == "rewritten" ? $4 : "base"]++ }
	END {
		for (i = 1; i <= n; i++) {
			if (i % 2 == 0)
				bad += cnt[i, "base"] + cnt[i, "ours"] + cnt[i, "theirs"] > 0
			else
				bad += cnt[i, "ours"] != 1 || cnt[i, "base"] || cnt[i, "theirs"]
		}
		exit bad > 0
	}' "$2"
}
# The scored one takes seconds until the aligner degrades by cost: not
# under valgrind.
same_sizes='1999 2100'
[ -n "$valgrind" ] && same_sizes=2100
for n in $same_sizes; do
	same_title $n 0 "" >same-base-$n.md
	same_title $n 1 ours >same-ours-$n.md
	same_title $n 2 theirs >same-theirs-$n.md
	case_ same-title-merge-$n 1 '' -- \
		merge -o same-merged-$n.md same-base-$n.md same-ours-$n.md same-theirs-$n.md
	check_ same-title-no-duplicates-$n "two versions of a section outside a conflict" \
		no_duplicate_versions $n same-merged-$n.md
done

cd "$builddir" || exit 1
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
