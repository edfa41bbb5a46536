#!/bin/sh
# run.sh SECONDS TARGET...: runs libFuzzer targets one after the other
# (never two at once), each for SECONDS, and says what each found.
#
# `make fuzz` and `make fuzz-quick` call it from a build configured with
# --enable-fuzzing.  Everything it writes goes below $AD_BUILDDIR/fuzz/work/:
#
#   work/<target>/seeds/      rebuilt each run from tests/fixtures, examples/,
#                             the files tests/mkfixtures.sh writes and, when
#                             present, $AD_SHARED/corpus (never copied into
#                             the source tree)
#   work/<target>/corpus/     what the fuzzer learned; kept between runs
#   work/<target>/artifacts/  crash-*, leak-*, timeout-*, oom-* inputs
#   work/<target>/log         libFuzzer's output
#
# fuzz_parse is seeded with single files; fuzz_diff with 2 to 4 variants of
# one agent joined by "\f\f"; fuzz_merge with base, ours and theirs joined
# the same way; fuzz_plan with the plans of fuzz/regress/plan and
# tests/fixtures/plan; fuzz_config with fuzz/regress/config and themes/.
# Each kind has its dictionary: fuzz/<kind>.dict when there is one (plan,
# config), else fuzz/agent.dict.  An input that crashes becomes a regression case: minimize
# it (the target with -minimize_crash=1), copy it to fuzz/regress/<kind>/
# and fix the bug; `make check` replays that folder.
#
# Environment: AD_SRCDIR, AD_BUILDDIR, AD_SHARED (set by make);
# FUZZ_MAX_LEN caps an input's size (default 65536 for fuzz_parse, 16384 for
# the others, whose runs cost more: seeds over it are left out); FUZZ_ARGS
# adds libFuzzer options; AD_FUZZ_IGNORE (see fuzz/invariants.h) defaults to
# the KNOWN_ISSUES of fuzz/replay.c, bugs reported and not fixed yet, so
# that they do not stop the fuzzers (set it empty to look for them too).
# Exit status: 0 when no target found anything, 1 otherwise.

set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
fi
seconds=$1
shift
srcdir=${AD_SRCDIR:?run from make}
builddir=${AD_BUILDDIR:?run from make}
shared=${AD_SHARED:-}
work=$builddir/fuzz/work

mkdir -p "$work"
LC_ALL=C
export LC_ALL
AD_FUZZ_IGNORE=${AD_FUZZ_IGNORE-$(sed -n 's/^#define KNOWN_ISSUES "\(.*\)"$/\1/p' "$srcdir/fuzz/replay.c")}
export AD_FUZZ_IGNORE
[ -n "$AD_FUZZ_IGNORE" ] &&
	echo "fuzz: not checking known issues: $AD_FUZZ_IGNORE (fuzz/pending/)"

# The generated fixtures (CRLF, BOM, NUL, escapes, deep nesting, ...).
rm -rf "$work/gen"
sh "$srcdir/tests/mkfixtures.sh" "$work/gen" >/dev/null

# Files the seeds come from, one per line, in a stable order.  Agent folders
# first, so that groups of variants stay together.
list_files() {
	for f in "$srcdir"/examples/*/*.md "$srcdir"/tests/fixtures/*.md "$work"/gen/*.md; do
		[ -f "$f" ] && echo "$f"
	done
	if [ -n "$shared" ] && [ -d "$shared/corpus" ]; then
		find "$shared/corpus" -type f -name '*.md' | sort
	fi
}

# Seeds larger than max_len are left out: libFuzzer would cut them.
small() {
	[ "$(wc -c <"$1")" -le "$max_len" ]
}

# join OUT FILE...: the files joined by the variant separator.
join() {
	out=$1
	shift
	: >"$out"
	first=1
	for f in "$@"; do
		[ "$first" = 1 ] || printf '\f\f' >>"$out"
		first=0
		cat "$f" >>"$out"
	done
}

# seed KIND DIR: writes the seeds for a target of KIND (parse, diff, merge).
seed() {
	kind=$1 dir=$2
	rm -rf "$dir"
	mkdir -p "$dir"
	n=0
	list_files >"$work/files"
	case $kind in
	plan | config)
		if [ "$kind" = plan ]; then
			set -- "$srcdir"/fuzz/regress/plan/* "$srcdir"/tests/fixtures/plan/*.plan
		else
			set -- "$srcdir"/fuzz/regress/config/* "$srcdir"/themes/*.theme
		fi
		for f in "$@"; do
			[ -f "$f" ] && small "$f" || continue
			n=$((n + 1))
			cp "$f" "$dir/seed-$n"
		done
		;;
	parse)
		while IFS= read -r f; do
			small "$f" || continue
			n=$((n + 1))
			cp "$f" "$dir/seed-$n"
		done <"$work/files"
		;;
	diff | merge)
		# Variants in one folder (an agent's family) make a group; the
		# fixtures, one folder of unrelated files, are taken in pairs.
		prev_dir= group=
		flush() {
			[ -n "$group" ] || return 0
			# shellcheck disable=SC2086 # paths hold no blanks
			set -- $group
			while [ $# -ge 2 ]; do
				n=$((n + 1))
				if [ "$kind" = merge ]; then
					if [ $# -ge 3 ]; then
						join "$dir/seed-$n" "$1" "$2" "$3"
					else
						join "$dir/seed-$n" "$1" "$2" "$1"
					fi
				else
					case $# in
					2 | 3) join "$dir/seed-$n" "$@" ;;
					*) join "$dir/seed-$n" "$1" "$2" "$3" "$4" ;;
					esac
				fi
				small "$dir/seed-$n" || { rm "$dir/seed-$n"; n=$((n - 1)); }
				shift 2
			done
			group=
		}
		while IFS= read -r f; do
			small "$f" || continue
			case $f in *' '*) continue ;; esac
			d=${f%/*}
			if [ "$d" != "$prev_dir" ]; then
				flush
				prev_dir=$d
			fi
			group="$group $f"
		done <"$work/files"
		flush
		# Each file alone too: compared with itself, merged with itself.
		while IFS= read -r f; do
			small "$f" || continue
			n=$((n + 1))
			cp "$f" "$dir/seed-$n"
		done <"$work/files"
		;;
	esac
	echo "$n"
}

status=0
for target in "$@"; do
	name=${target##*/}
	kind=${name#fuzz_}
	if [ ! -x "$target" ]; then
		echo "fuzz: $target is not built" >&2
		status=1
		continue
	fi
	dir=$work/$name
	case $kind in
	parse) max_len=${FUZZ_MAX_LEN:-65536} ;;
	*) max_len=${FUZZ_MAX_LEN:-16384} ;;
	esac
	dict=$srcdir/fuzz/$kind.dict
	[ -f "$dict" ] || dict=$srcdir/fuzz/agent.dict
	mkdir -p "$dir/corpus" "$dir/artifacts"
	nseeds=$(seed "$kind" "$dir/seeds")
	before=$(find "$dir/artifacts" -type f | wc -l)
	echo "fuzz: $name for ${seconds}s, $nseeds seeds, corpus $(find "$dir/corpus" -type f | wc -l) inputs"
	start=$(date +%s)
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	"$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=30 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-dict="$dict" \
		-artifact_prefix="$dir/artifacts/" ${FUZZ_ARGS:-} \
		"$dir/corpus" "$dir/seeds" >"$dir/log" 2>&1 || :
	end=$(date +%s)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
	after=$(find "$dir/artifacts" -type f | wc -l)
	if [ "$after" -gt "$before" ] || grep -q -E '^==[0-9]+==ERROR|^SUMMARY: ' "$dir/log"; then
		echo "fuzz: $name FOUND A PROBLEM after $((end - start))s (${runs:-?} runs); see $dir/log"
		find "$dir/artifacts" -type f -newer "$dir/seeds" | sed 's/^/  /'
		grep -E '^==[0-9]+==ERROR|^SUMMARY: |^fuzz_[a-z]+: ' "$dir/log" | head -n 5 | sed 's/^/  /'
		status=1
	else
		echo "fuzz: $name ok: ${runs:-?} runs in $((end - start))s, corpus $(find "$dir/corpus" -type f | wc -l) inputs"
	fi
done
exit "$status"
