#!/bin/sh
# replay.sh: replay the real merges of bench/merges/MANIFEST.tsv with
# agentdiff and with git merge-file, and compare both with what was committed.
#
# usage: bench/merges/replay.sh [-m MIRRORS] [-c CASES] [-a AGENTDIFF]
#                               [-w WRONG] [MANIFEST]
#
#   MANIFEST   cases, one a line: repo, merge commit, path, tab-separated
#              (default: MANIFEST.tsv beside this script; made by mine.sh)
#   MIRRORS    git directories of the repositories, as MIRRORS/OWNER+NAME/repo
#              or MIRRORS/OWNER+NAME (default: $AD_MIRRORS, else .mirror
#              beside the checkout)
#   CASES      folder the cases are rebuilt into, one folder per manifest line
#              (NNN = line number): base, ours, theirs, truth and the outputs
#              (default: ./merge-cases)
#   AGENTDIFF  the agentdiff to run (default: ./agentdiff, else from PATH)
#   WRONG      where to list agentdiff's wrong clean merges with a guessed
#              reason (default: CASES/wrong-clean.txt)
#
# Each case: base = the blob at the parents' merge base, ours = the first
# parent's, theirs = the second parent's, truth = the merge commit's.  Both
# tools merge in diff3 style, as git would run them:
#   cp OURS ad.out; agentdiff merge-driver BASE ad.out THEIRS 7 PATH
#   git merge-file -p --diff3 OURS BASE THEIRS
#
# Counted per merge commit (all of its files together): clean = every file
# merged without conflicts; exact = clean and every file byte for byte the
# committed one; exact (whitespace) = clean and equal after normalising
# whitespace (CR dropped, trailing blanks dropped, runs of blank lines made
# one, blank lines at the start and end dropped); wrong clean = clean but
# some file differs from the committed one even so; conflicts = some file
# has conflicts; conflicted lines = the lines of all conflict blocks,
# markers included.  The same per file follows.
#
# Needs only a POSIX sh, awk, diff, sort, git and the built agentdiff.
# Exits 0 when it ran (whatever the numbers) or found no mirrors (it says
# so), 2 on trouble.
set -u
LC_ALL=C; export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
mirrors=${AD_MIRRORS:-$here/../../../.mirror}
cases=./merge-cases
ad=
wrong=
while [ $# -gt 0 ]; do
	case $1 in
	-m) mirrors=$2; shift 2 ;;
	-c) cases=$2; shift 2 ;;
	-a) ad=$2; shift 2 ;;
	-w) wrong=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "replay.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
manifest=${1:-$here/MANIFEST.tsv}
if [ -z "$ad" ]; then
	if [ -x ./agentdiff ]; then ad=./agentdiff; else ad=$(command -v agentdiff) || ad=; fi
fi
[ -n "$ad" ] && [ -x "$ad" ] || { echo "replay.sh: no agentdiff to run (-a PATH)" >&2; exit 2; }
case $ad in /*) ;; *) ad=$(pwd)/$ad ;; esac
[ -r "$manifest" ] || { echo "replay.sh: no manifest $manifest" >&2; exit 2; }
if [ ! -d "$mirrors" ]; then
	echo "replay.sh: no mirrors at $mirrors (set AD_MIRRORS or -m); nothing replayed"
	exit 0
fi
[ -n "$wrong" ] || wrong=$cases/wrong-clean.txt
mkdir -p "$cases" || exit 2

gitdir_of() { # OWNER/NAME -> git dir
	d=$mirrors/$(printf '%s' "$1" | sed 's|/|+|')
	for g in "$d/repo" "$d/.git" "$d"; do
		[ -d "$g/objects" ] && { printf '%s\n' "$g"; return 0; }
	done
	return 1
}

# Whitespace normalisation for "exact (whitespace)".
norm() {
	tr -d '\r' < "$1" | awk '
		{ sub(/[ \t]+$/, "") }
		/^$/ { if (n) blank = 1; next }
		{ if (blank) print ""; blank = 0; n = 1; print }'
}

# Lines in conflict blocks, markers included.
conflict_lines() {
	awk 'BEGIN { n = 0 }
		/^<<<<<<< / || $0 == "<<<<<<<" { inb = 1 }
		inb { n++ }
		/^>>>>>>> / || $0 == ">>>>>>>" { inb = 0 }
		END { print n }' "$1"
}

# A one-line guess at why agentdiff's clean result is not the committed one.
guess() { # case dir
	c=$1
	norm "$c/truth" > "$c/n.truth"; norm "$c/ad.out" > "$c/n.ad"
	norm "$c/base" > "$c/n.base"; norm "$c/ours" > "$c/n.ours"; norm "$c/theirs" > "$c/n.theirs"
	why=
	if cmp -s "$c/git.nout" "$c/n.truth" && [ "$(cat "$c/git.rc")" = 0 ]; then
		why="git right;"
	elif [ "$(cat "$c/git.rc")" = 0 ]; then
		why="git also wrong;"
	else
		why="git conflicts;"
	fi
	if cmp -s "$c/n.truth" "$c/n.ours"; then why="$why committed = ours whole (theirs dropped)"
	elif cmp -s "$c/n.truth" "$c/n.theirs"; then why="$why committed = theirs whole (ours dropped)"
	else
		# lines the committer wrote that no input has
		new=$(sort -u "$c/n.base" "$c/n.ours" "$c/n.theirs" > "$c/n.in"; sort -u "$c/n.truth" | comm -23 - "$c/n.in" | grep -c .)
		diff "$c/n.ad" "$c/n.truth" > "$c/n.diff"
		extra=$(grep -c '^< ' "$c/n.diff"); missing=$(grep -c '^> ' "$c/n.diff")
		dup=$(grep '^< ' "$c/n.diff" | sed 's/^< //' | grep -v '^$' | sort | uniq -c |
			awk '$1 > 0' | while read -r k l; do
				a=$(grep -cxF -- "$l" "$c/n.ad"); t=$(grep -cxF -- "$l" "$c/n.truth")
				[ "$a" -gt "$t" ] && [ "$t" -ge 1 ] && echo x; done | grep -c x)
		mixed=$(awk '/\r$/ { cr = 1 } !/\r$/ { lf = 1 } END { print (cr && lf) ? 1 : 0 }' "$c/ad.out")
		inmix=$(cat "$c/base" "$c/ours" "$c/theirs" | awk '/\r$/ { cr = 1 } !/\r$/ { lf = 1 } END { print (cr && lf) ? 1 : 0 }')
		fmd=$(awk 'NR == 1 && $0 != "---" { exit } NR > 1 && $0 == "---" { exit } { print }' "$c/n.ad" |
			cmp -s - "$(awk 'NR == 1 && $0 != "---" { exit } NR > 1 && $0 == "---" { exit } { print }' "$c/n.truth" > "$c/n.fm"; echo "$c/n.fm")" || echo fm)
		sa=$(sort "$c/n.ad" | cksum); st=$(sort "$c/n.truth" | cksum)
		if [ "$new" -gt 0 ]; then why="$why committer wrote $new line(s) no side has;"; fi
		[ "$mixed" = 1 ] && why="$why mixed line endings;"
		[ "$fmd" = fm ] && why="$why frontmatter differs;"
		if [ "$sa" = "$st" ]; then why="$why same lines, other order (placement)"
		elif [ "$dup" -gt 0 ] && [ "$extra" -gt "$missing" ]; then why="$why $dup line(s) kept twice (duplicated content), +$extra -$missing"
		else why="$why +$extra -$missing lines vs committed"
		fi
	fi
	printf '%s\n' "$why"
}

n=0
: > "$cases/results.tsv"
while IFS='	' read -r repo m path; do
	case $repo in ''|'#'*) continue ;; esac
	n=$((n + 1))
	id=$(printf '%03d' "$n")
	c=$cases/$id
	mkdir -p "$c"
	g=$(gitdir_of "$repo") || { echo "$id	$repo	$m	missing" >> "$cases/results.tsv"; continue; }
	p1=$(git --git-dir="$g" rev-parse -q --verify "$m^1" 2>/dev/null) &&
	p2=$(git --git-dir="$g" rev-parse -q --verify "$m^2" 2>/dev/null) &&
	b=$(git --git-dir="$g" merge-base "$p1" "$p2" 2>/dev/null) ||
		{ echo "$id	$repo	$m	missing" >> "$cases/results.tsv"; continue; }
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$repo" "$m" "$p1" "$p2" "$b" "$path" > "$c/case.tsv"
	ok=1
	git --git-dir="$g" cat-file blob "$b:$path" > "$c/base" 2>/dev/null || ok=0
	git --git-dir="$g" cat-file blob "$p1:$path" > "$c/ours" 2>/dev/null || ok=0
	git --git-dir="$g" cat-file blob "$p2:$path" > "$c/theirs" 2>/dev/null || ok=0
	git --git-dir="$g" cat-file blob "$m:$path" > "$c/truth" 2>/dev/null || ok=0
	[ $ok = 1 ] || { echo "$id	$repo	$m	missing" >> "$cases/results.tsv"; continue; }
	cp "$c/ours" "$c/ad.out"
	"$ad" merge-driver "$c/base" "$c/ad.out" "$c/theirs" 7 "$path" > /dev/null 2> "$c/ad.err"
	echo $? > "$c/ad.rc"
	git merge-file -p --diff3 -L ours -L base -L theirs "$c/ours" "$c/base" "$c/theirs" > "$c/git.out" 2> "$c/git.err"
	echo $? > "$c/git.rc"
	norm "$c/truth" > "$c/n.truth"
	line="$id	$repo	$m"
	for t in ad git; do
		rc=$(cat "$c/$t.rc")
		norm "$c/$t.out" > "$c/$t.nout"
		clean=0; exact=0; wexact=0; trouble=0
		case $t$rc in ad0|git0) clean=1 ;; ad1) ;; ad*) trouble=1 ;; git*) [ "$rc" -gt 127 ] && trouble=1 ;; esac
		if [ $clean = 1 ]; then
			cmp -s "$c/$t.out" "$c/truth" && exact=1
			cmp -s "$c/$t.nout" "$c/n.truth" && wexact=1
		fi
		cl=$(conflict_lines "$c/$t.out")
		[ $clean = 1 ] && cl=0
		line="$line	$clean	$exact	$wexact	$cl	$trouble"
	done
	echo "$line" >> "$cases/results.tsv"
	rm -f "$c/n.truth"
done < "$manifest"

# results.tsv: id repo merge | ad: clean exact wexact clines trouble | git: same
awk -F'\t' '
	$4 == "missing" { missing++; next }
	{
		files++; k = $2 " " $3
		if (!(k in seen)) { seen[k] = 1; order[++commits] = k }
		for (t = 0; t < 2; t++) {
			o = 4 + 5 * t
			fc[t] += $o; fe[t] += $(o+1); fw[t] += $(o+2); lines[t] += $(o+3); tr[t] += $(o+4)
			if ($o && !$(o+2)) fwc[t]++
			if (!$o) fconf[t]++
			if (!(k SUBSEP t in allc)) { allc[k, t] = 1; alle[k, t] = 1; allw[k, t] = 1 }
			if (!$o) allc[k, t] = 0
			if (!$(o+1)) alle[k, t] = 0
			if (!$(o+2)) allw[k, t] = 0
		}
	}
	END {
		for (i = 1; i <= commits; i++) {
			k = order[i]
			for (t = 0; t < 2; t++) {
				c[t] += allc[k, t]; e[t] += alle[k, t] && allc[k, t]; w[t] += allw[k, t] && allc[k, t]
				if (allc[k, t] && !allw[k, t]) wc[t]++
				if (!allc[k, t]) conf[t]++
			}
		}
		for (i = 1; i <= commits; i++) {
			k = order[i]
			row = k
			for (t = 0; t < 2; t++) {
				v = "wrong"
				if (!allc[k, t]) v = "conflict"
				else if (alle[k, t]) v = "exact"
				else if (allw[k, t]) v = "whitespace"
				row = row "\t" v
			}
			print row > commitfile
		}
		printf "%d merge commits, %d files (%d cases missing from the mirrors)\n\n", commits, files, missing
		printf "%-28s %10s %15s\n", "per merge commit", "agentdiff", "git merge-file"
		printf "%-28s %10d %15d\n", "clean", c[0], c[1]
		printf "%-28s %10d %15d\n", "exact", e[0], e[1]
		printf "%-28s %10d %15d\n", "exact (whitespace)", w[0], w[1]
		printf "%-28s %10d %15d\n", "wrong clean", wc[0], wc[1]
		printf "%-28s %10d %15d\n", "conflicts", conf[0], conf[1]
		printf "%-28s %10d %15d\n", "conflicted lines", lines[0], lines[1]
		printf "%-28s %10d %15d\n", "trouble (exit 2 / error)", tr[0], tr[1]
		printf "\n%-28s %10s %15s\n", "per file", "agentdiff", "git merge-file"
		printf "%-28s %10d %15d\n", "clean", fc[0], fc[1]
		printf "%-28s %10d %15d\n", "exact", fe[0], fe[1]
		printf "%-28s %10d %15d\n", "exact (whitespace)", fw[0], fw[1]
		printf "%-28s %10d %15d\n", "wrong clean", fwc[0], fwc[1]
		printf "%-28s %10d %15d\n", "conflicts", fconf[0], fconf[1]
	}' commitfile="$cases/commits.tsv" "$cases/results.tsv"

# agentdiff's wrong clean files, with a guess at why.
{
	echo "# agentdiff wrong clean merges: case, repo, merge, path: guess"
	awk -F'\t' '$4 != "missing" && $4 == 1 && $6 == 0 { print $1 }' "$cases/results.tsv" |
	while read -r id; do
		c=$cases/$id
		IFS='	' read -r repo m p1 p2 b path < "$c/case.tsv"
		printf '%s %s %s %s: %s\n' "$id" "$repo" "$(printf '%.10s' "$m")" "$path" "$(guess "$c")"
	done
} > "$wrong"
echo
echo "agentdiff's wrong clean merges, with guesses: $wrong"
echo "per merge commit (agentdiff, git): $cases/commits.tsv"
echo "cases and outputs: $cases/NNN/ (base ours theirs truth ad.out git.out)"
