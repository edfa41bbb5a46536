#!/bin/sh
# mkworkspace.sh N DIR: writes a workspace of N agent files into DIR, made by
# mutating the files in examples/, for the UI benchmarks.
#
# Files are grouped as a collector's folders would be: DIR/coll-V/agent-G.md
# holds variant V (0-3) of agent G, so each agent has up to four variants
# in four folders, all derived from the same example.  Variant 0 is the
# example with its name changed; the others also have words replaced, lines
# dropped and one section left out, chosen by a fixed pseudo-random
# sequence, so that the same N always gives the same files.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 N DIR" >&2
	exit 2
fi
n=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)
examples=${AD_EXAMPLES:-$here/../examples}

case $n in
''|*[!0-9]*) echo "mkworkspace: N must be a number" >&2; exit 2 ;;
esac
mkdir -p "$dir"
set -- "$examples"/*/*.md
if [ ! -f "$1" ]; then
	echo "mkworkspace: no examples in $examples" >&2
	exit 1
fi

LC_ALL=C awk -v n="$n" -v dir="$dir" '
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
FNR == 1 { nex++ }
{ text[nex, FNR] = $0; lines[nex] = FNR }
END {
	split("quickly carefully always never briefly strictly gently plainly", words, " ")
	for (i = 0; i < n; i++) {
		g = int(i / 4); v = i % 4; ex = g % nex + 1
		seed = i * 7919 + 1
		folder = sprintf("%s/coll-%d", dir, v)
		if (!(folder in made)) { system("mkdir -p \"" folder "\""); made[folder] = 1 }
		out = sprintf("%s/agent-%05d.md", folder, g)
		skip_from = v ? rnd() % 6 + 1 : 0   # the how-many-th heading to drop
		heads = 0; skipping = 0; infm = 0
		for (l = 1; l <= lines[ex]; l++) {
			line = text[ex, l]
			if (l == 1 && line == "---") infm = 1
			else if (infm && line == "---") infm = 0
			if (infm && line ~ /^name:/) { print "name: agent-" g > out; continue }
			if (!infm && line ~ /^#+ /) {
				heads++
				skipping = (heads == skip_from)
			}
			if (skipping) continue
			if (v && !infm && line != "" && line !~ /^#/) {
				r = rnd() % 10
				if (r == 0) continue
				if (r < 4) {
					k = split(line, w, " ")
					if (k > 2) {
						w[rnd() % k + 1] = words[rnd() % 8 + 1]
						line = w[1]
						for (j = 2; j <= k; j++) line = line " " w[j]
					}
				}
			}
			print line > out
		}
		close(out)
	}
}' "$@"
