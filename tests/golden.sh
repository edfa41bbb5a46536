#!/bin/sh
# golden.sh: compares what agentdiff prints with the expected output kept in
# tests/golden/.
#
# Cases:
#   - `agentdiff show --json F` for every tests/fixtures/*.md, every file that
#     tests/mkfixtures.sh generates, and every examples/*/*.md;
#     expected output in tests/golden/<name>.json (examples: example-<agent>-<variant>.json);
#   - the text cases listed in text_cases below (show, check, ls, diff),
#     expected output in tests/golden/<name>.txt.
#
# Each command runs from the directory holding its input, with a relative
# path, so that no path in the output depends on the machine.  What is
# compared is stdout, byte for byte; when the command also wrote to stderr
# or exited with a status other than 0, these follow stdout after a marker
# line:
#
#   -- no newline at end of stdout --   (only if there is stdout without one)
#   -- stderr --
#   <stderr>
#   -- exit N --
#
# so a golden file for a clean run holds exactly what the command printed
# (for --json, a JSON document).  Non-empty --json output must also parse as
# JSON when python3 is available.
#
# Environment: AD_SRCDIR, AD_BUILDDIR (set by `make check`); AD_VALGRIND, a
# valgrind command line to run agentdiff through (`make check-valgrind`);
# AD_UPDATE_GOLDEN=1 rewrites the expected files in the source tree instead
# of comparing (the only time this script writes there), except for a run
# that crashed or timed out; AD_KEEP_WORK=1 keeps the work directory.
#
# Exit status: 0 all passed, 1 a failure, 77 skipped (no binary, run by hand).

set -u

srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${AD_BUILDDIR:-$srcdir}
ad=$builddir/agentdiff
golden=$srcdir/tests/golden
update=${AD_UPDATE_GOLDEN:-0}

if [ ! -x "$ad" ]; then
	if [ -n "${AD_BUILDDIR:-}" ]; then
		echo "golden: $ad is missing; it should have been built" >&2
		exit 1
	fi
	echo "golden: no agentdiff binary in $builddir; skipping" >&2
	exit 77
fi

# Text cases: NAME DIR ARGS...  DIR is relative to the source tree, or @gen
# for the generated fixtures.  Arguments are split on blanks and never
# globbed.  A missing expected file is a failure; create it with
# AD_UPDATE_GOLDEN=1 and review it by hand.
text_cases='
show-team                 examples/code-reviewer    show team.md
show-xml                  examples/code-reviewer    show xml.md
show-release-v2           examples/release-manager  show v2.md
show-xml-sections         tests/fixtures            show xml-sections.md
show-html-comment-tags    tests/fixtures            show html-comment-tags.md
show-broken-yaml          tests/fixtures            show broken-yaml.md
show-colon                tests/fixtures            show colon-in-description.md
show-escapes              @gen                      show escapes.md
show-invalid-utf8         @gen                      show invalid-utf8.md
show-empty                @gen                      show empty.md
show-missing              tests/fixtures            show does-not-exist.md
json-missing              tests/fixtures            show --json does-not-exist.md
check-examples            examples                  check code-reviewer/team.md code-reviewer/community.md code-reviewer/strict.md code-reviewer/xml.md release-manager/v1.md release-manager/v2.md release-manager/minimal.md
check-colon               tests/fixtures            check colon-in-description.md
check-broken-yaml         tests/fixtures            check broken-yaml.md
check-misplaced           tests/fixtures            check misplaced-frontmatter.md
check-unterminated        tests/fixtures            check unterminated-frontmatter.md
check-duplicate-keys      tests/fixtures            check duplicate-keys.md
check-tools-star          tests/fixtures            check tools-star.md
check-escapes-frontmatter @gen                      check escapes-frontmatter.md
check-nul-frontmatter     @gen                      check nul-frontmatter.md
check-yaml-escapes        @gen                      check yaml-escapes.md
check-missing             tests/fixtures            check does-not-exist.md
ls-examples               examples                  ls code-reviewer release-manager
ls-code-reviewer          examples/code-reviewer    ls .
ls-names                  @gen                      ls names
ls-wide-names             @gen                      ls wide-names
diff-team-strict          examples/code-reviewer    diff team.md strict.md
diff-stat-team-strict     examples/code-reviewer    diff --stat team.md strict.md
diff-json-team-strict     examples/code-reviewer    diff --json team.md strict.md
diff-3way                 examples/code-reviewer    diff team.md strict.md xml.md
diff-release              examples/release-manager  diff v1.md v2.md
diff-same                 examples/code-reviewer    diff team.md team.md
diff-tools-spellings      tests/fixtures            diff tools-spellings.md tools-star.md
diff-escapes              @gen                      diff escapes.md escapes-frontmatter.md
diff-color-escapes        @gen                      diff --color=always escapes.md escapes-frontmatter.md
show-bidi                 @gen                      show bidi.md
check-bidi                @gen                      check bidi.md
diff-bidi                 @gen                      diff bidi.md bidi-other.md
diff-json-bidi            @gen                      diff --json bidi.md bidi-other.md
plan-bidi                 @gen                      plan bidi.md bidi-other.md
outline-bidi              @gen                      bidi.md bidi-other.md
diff-missing              tests/fixtures            diff headings-only.md does-not-exist.md
diff-one-file             tests/fixtures            diff headings-only.md
diff-bad-option           tests/fixtures            diff --colour headings-only.md setext.md
merge-clean               tests/fixtures/merge      merge base.md ours.md theirs.md
merge-report              tests/fixtures/merge      merge --report base.md ours.md theirs.md
merge-conflict            tests/fixtures/merge      merge --report base.md ours.md conflict.md
merge-json                tests/fixtures/merge      merge --json base.md ours.md conflict.md
merge-labels              tests/fixtures/merge      merge -L B -L O -L T --marker-size 9 --style merge base.md ours.md conflict.md
merge-missing             tests/fixtures/merge      merge base.md ours.md does-not-exist.md
merge-two-files           tests/fixtures/merge      merge base.md ours.md
merge-bad-marker          tests/fixtures/merge      merge --marker-size 0 base.md ours.md theirs.md
merge-driver-usage        tests/fixtures/merge      merge-driver base.md
merge-driver-bad-size     tests/fixtures/merge      merge-driver base.md ours.md theirs.md x a.md
merge-reparent            tests/fixtures/merge-reparent  merge --report base.md ours.md theirs.md
merge-reparent-swapped    tests/fixtures/merge-reparent  merge --report base.md theirs.md ours.md
diff-tools-arguments      tests/fixtures/merge-tools     diff base.md ours.md theirs.md
merge-tools-arguments     tests/fixtures/merge-tools     merge base.md ours.md theirs.md
plan-code-reviewer        examples/code-reviewer    plan team.md strict.md xml.md
plan-one-variant          examples/release-manager  plan v2.md
plan-missing              examples/code-reviewer    plan team.md does-not-exist.md
apply-curated             tests/fixtures/plan       apply --allow-outside ../../../examples/code-reviewer/team.md --allow-outside ../../../examples/code-reviewer/strict.md --allow-outside ../../../examples/code-reviewer/xml.md -o - curated.plan
apply-bad-plan            tests/fixtures/plan       apply bad.plan
apply-missing-section     tests/fixtures/plan       apply --allow-outside ../../../examples/code-reviewer/team.md -o - missing.plan
apply-not-a-plan          examples/code-reviewer    apply team.md
apply-commit-stdout       tests/fixtures/plan       apply --commit -o - curated.plan
'

# Same locale, terminal and configuration everywhere; no user config.
LC_ALL=C
NO_COLOR=1
TERM=dumb
COLUMNS=80
LINES=24
export LC_ALL NO_COLOR TERM COLUMNS LINES
unset AGENTDIFF_CONFIG 2>/dev/null || :

work=$builddir/tests/golden-work.$$
rm -rf "$work"
if ! mkdir -p "$work/gen" "$work/home"; then
	echo "golden: cannot create $work" >&2
	exit 1
fi
if [ "${AD_KEEP_WORK:-0}" = 1 ]; then
	echo "golden: keeping $work"
else
	trap 'rm -rf "$work"' 0
	trap 'exit 1' HUP INT PIPE TERM
fi
HOME=$work/home
XDG_CONFIG_HOME=$work/home/.config
export HOME XDG_CONFIG_HOME

if ! sh "$srcdir/tests/mkfixtures.sh" "$work/gen"; then
	echo "golden: tests/mkfixtures.sh failed" >&2
	exit 1
fi

if command -v timeout >/dev/null 2>&1; then
	run_timeout='timeout 30'
	# Under valgrind (make check-valgrind) everything is ~30 times slower.
	[ -n "${AD_VALGRIND:-}" ] && run_timeout='timeout 900'
else
	run_timeout=
fi
if command -v python3 >/dev/null 2>&1; then
	have_python=1
else
	have_python=0
fi

passed=0
failed=0
updated=0
: >"$work/names"

# run_case NAME EXT DIR ARGS...: runs agentdiff ARGS in DIR, compares with
# (or in update mode writes) $golden/NAME.EXT.
run_case() {
	name=$1 ext=$2 dir=$3
	shift 3
	case $dir in
	@gen) dir=$work/gen ;;
	*) dir=$srcdir/$dir ;;
	esac

	if grep -Fqx "$name.$ext" "$work/names"; then
		echo "FAIL $name: two cases share the expected file $name.$ext"
		failed=$((failed + 1))
		return
	fi
	echo "$name.$ext" >>"$work/names"

	out=$work/out err=$work/err actual=$work/actual
	# AD_VALGRIND: a valgrind command line each run goes through; what it
	# reports goes to its own log, and a run that has one fails.
	rm -f "$work/valgrind.log"
	# shellcheck disable=SC2086 # AD_VALGRIND is split on purpose
	(cd "$dir" && exec $run_timeout ${AD_VALGRIND:+$AD_VALGRIND --log-file="$work/valgrind.log"} \
		"$ad" "$@") >"$out" 2>"$err" </dev/null
	status=$?

	cp "$out" "$actual"
	if [ -s "$err" ] || [ "$status" -ne 0 ]; then
		if [ -s "$out" ] && [ "$(tail -c 1 "$out" | wc -l)" -eq 0 ]; then
			printf '\n-- no newline at end of stdout --\n' >>"$actual"
		fi
		if [ -s "$err" ]; then
			echo "-- stderr --" >>"$actual"
			cat "$err" >>"$actual"
			[ "$(tail -c 1 "$err" | wc -l)" -eq 0 ] && echo >>"$actual"
		fi
		echo "-- exit $status --" >>"$actual"
	fi

	problem=
	if [ -s "$work/valgrind.log" ]; then
		problem="valgrind: $(head -n 30 "$work/valgrind.log")"
	elif [ "$status" -gt 125 ] ||
		{ [ -n "$run_timeout" ] && [ "$status" -eq 124 ]; }; then
		problem="crashed, timed out or did not run (exit status $status)"
	elif [ "$ext" = json ] && [ "$have_python" = 1 ] && [ -s "$out" ] &&
		! python3 -c 'import json, sys; json.load(sys.stdin)' <"$out" 2>"$work/jsonerr"; then
		problem="stdout is not valid JSON: $(tail -n 1 "$work/jsonerr")"
	fi

	expected=$golden/$name.$ext
	if [ "$update" = 1 ]; then
		if [ -n "$problem" ]; then
			echo "FAIL $name: $problem; $name.$ext left as it was"
			failed=$((failed + 1))
			return
		fi
		if [ ! -f "$expected" ] || ! cmp -s "$actual" "$expected"; then
			cp "$actual" "$expected" && echo "updated $name.$ext"
			updated=$((updated + 1))
		fi
		passed=$((passed + 1))
		return
	fi

	if [ ! -f "$expected" ]; then
		echo "FAIL $name: no expected output tests/golden/$name.$ext" \
			"(run with AD_UPDATE_GOLDEN=1, then review it)"
		[ -n "$problem" ] && echo "  and $problem"
		echo "  command: (cd $dir && agentdiff $*)"
		failed=$((failed + 1))
	elif ! cmp -s "$expected" "$actual"; then
		echo "FAIL $name: output differs from tests/golden/$name.$ext"
		[ -n "$problem" ] && echo "  and $problem"
		echo "  command: (cd $dir && agentdiff $*)"
		# cat -v: a broken sanitizer must not send escapes to the terminal.
		diff -u "$expected" "$actual" | cat -v
		failed=$((failed + 1))
	elif [ -n "$problem" ]; then
		echo "FAIL $name: $problem"
		failed=$((failed + 1))
	else
		echo "PASS $name"
		passed=$((passed + 1))
	fi
}

# --- show --json over every fixture and example
for f in "$srcdir"/tests/fixtures/*.md; do
	[ -f "$f" ] || continue
	b=${f##*/}
	run_case "${b%.md}" json tests/fixtures show --json "$b"
done
for f in "$work"/gen/*.md; do
	[ -f "$f" ] || continue
	b=${f##*/}
	run_case "${b%.md}" json @gen show --json "$b"
done
for f in "$srcdir"/examples/*/*.md; do
	[ -f "$f" ] || continue
	b=${f##*/}
	d=${f%/*}
	agent=${d##*/}
	run_case "example-$agent-${b%.md}" json "examples/$agent" show --json "$b"
done

# --- text cases
set -f
while read -r name dir args; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086 # split on blanks on purpose
	run_case "$name" txt "$dir" $args
done <<EOF
$text_cases
EOF
set +f

# Expected files that no case produced: harmless, but worth knowing about.
for g in "$golden"/*.json "$golden"/*.txt; do
	[ -f "$g" ] || continue
	grep -Fqx "${g##*/}" "$work/names" ||
		echo "note: tests/golden/${g##*/} belongs to no case; delete it?"
done

[ "$update" = 1 ] && echo "$updated expected files written"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
