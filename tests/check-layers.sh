#!/bin/sh
# check-layers.sh: the layers' arrows point down, and one file talks to curses.
#
#   cli/  ->  ui/  ->  app/  ->  diff/  ->  src/
#
# A source file may include headers of its own layer and of the layers below
# it, never of one above (src/ knows nothing of diff/, diff/ nothing of app/,
# ui/ or cli/, and so on).  Exactly one file includes <curses.h> (or
# <ncurses.h>, <ncursesw/...>).  Headers are found by name, since the
# build puts every layer's folder on the include path; a header name must
# therefore be unique across the layers, which this checks too.
#
# Usage: tests/check-layers.sh [SRCDIR]; make check-layers runs it, and so
# does make check.  Exit status: 0 the layers hold, 1 a file breaks them.

set -u
top=${1:-${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}}
cd "$top" || exit 1

layers="src diff app ui cli"
rank() {
	r=0
	for l in $layers; do
		[ "$l" = "$1" ] && { echo $r; return; }
		r=$((r + 1))
	done
	echo -1
}

status=0
tab=$(printf '\t')

# Every header, with its layer; a name in two layers is an error.
index=$(for l in $layers; do
	[ -d "$l" ] || continue
	for h in "$l"/*.h; do
		[ -f "$h" ] && printf '%s\t%s\n' "${h##*/}" "$l"
	done
done | sort)
dups=$(printf '%s\n' "$index" | cut -f1 | uniq -d)
for d in $dups; do
	echo "check-layers: header $d is in more than one layer:" \
		$(printf '%s\n' "$index" | grep "^$d$tab" | cut -f2)
	status=1
done

files=$(for l in $layers; do [ -d "$l" ] && ls "$l"/*.c "$l"/*.h 2>/dev/null; done)
# One pass: the index first (name -> layer), then every include line.
# shellcheck disable=SC2086
printf '%s\n' "$index" | awk -v layers="$layers" '
	BEGIN { n = split(layers, L, " "); for (i = 1; i <= n; i++) rank[L[i]] = i }
	FILENAME == "-" { owner[$1] = $2; next }
	FNR == 1 { split(FILENAME, part, "/"); mine = part[1] }
	/^[ \t]*#[ \t]*include[ \t]*"/ {
		h = $0; sub(/^[^"]*"/, "", h); sub(/".*/, "", h); sub(/.*\//, "", h)
		if ((h in owner) && rank[owner[h]] > rank[mine]) {
			printf "check-layers: %s:%d: includes %s from %s/, a layer above %s/\n",
				FILENAME, FNR, h, owner[h], mine
			bad = 1
		}
	}
	END { exit bad }' FS="$tab" - $files || status=1

curses=$(grep -l -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(n?curses(w)?/)?n?curses\.h>' \
	$(for l in $layers; do [ -d "$l" ] && echo "$l"/*.c "$l"/*.h; done) 2>/dev/null)
n=$(printf '%s\n' "$curses" | grep -c .)
if [ "$n" -gt 1 ]; then
	echo "check-layers: more than one file includes curses:" $curses
	status=1
fi

if [ "$status" -eq 0 ]; then
	echo "check-layers: the includes of" \
		$(for l in $layers; do [ -d "$l" ] && echo "$l/"; done) "point down; curses in ${curses:-no file}"
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit $status
