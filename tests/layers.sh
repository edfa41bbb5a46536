#!/bin/sh
# layers.sh: tests of tests/check-layers.sh itself, on small trees made
# here: it passes a tree whose includes point down and fails one that
# includes a header of a higher layer, one where two files include curses,
# and one where a header name is in two layers.
#
# Exit status: 0 all passed, 1 a failure.

set -u
srcdir=${AD_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
script=$srcdir/tests/check-layers.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/ad-layers.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

passed=0
failed=0

# A tree whose includes all point down, curses in one ui/ file.
base() {
	rm -rf "$work/t" && mkdir -p "$work/t/src" "$work/t/diff" "$work/t/app" "$work/t/ui" "$work/t/cli"
	printf '#include "util.h"\n' > "$work/t/src/util.c"
	: > "$work/t/src/util.h"
	printf '#include "util.h"\n#include "align.h"\n' > "$work/t/diff/align.c"
	: > "$work/t/diff/align.h"
	printf '#include "align.h"\n' > "$work/t/app/session.c"
	: > "$work/t/app/session.h"
	printf '#include <curses.h>\n#include "session.h"\n#include "view.h"\n' > "$work/t/ui/tui.c"
	: > "$work/t/ui/view.h"
	printf '#include "view.h"\n#include "util.h"\n' > "$work/t/cli/main.c"
}

# expect STATUS NAME PATTERN: the script exits STATUS on the tree and
# prints a line matching PATTERN.
expect() {
	out=$(sh "$script" "$work/t" 2>&1)
	st=$?
	if [ "$st" -eq "$1" ] && printf '%s\n' "$out" | grep -q -- "$3"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $2: exit $st (wanted $1), output:"
		printf '%s\n' "$out" | sed 's/^/  /'
		failed=$((failed + 1))
	fi
}

base
expect 0 "a tree whose includes point down" "point down; curses in ui/tui.c"

base
printf '#include "session.h"\n' >> "$work/t/diff/align.c"
expect 1 "diff/ includes an app/ header" "diff/align.c:3: includes session.h from app/"

base
printf '#include "view.h"\n' > "$work/t/src/lines.c"
expect 1 "src/ includes a ui/ header" "src/lines.c:1: includes view.h from ui/"

base
printf '  #  include "main.h"\n' >> "$work/t/app/session.c"
: > "$work/t/cli/main.h"
expect 1 "an indented include of a cli/ header" "app/session.c:2: includes main.h from cli/"

base
printf '#include <ncursesw/curses.h>\n' > "$work/t/ui/screen.c"
expect 1 "a second file includes curses" "more than one file includes curses"

base
: > "$work/t/app/util.h"
expect 1 "a header name in two layers" "header util.h is in more than one layer"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
