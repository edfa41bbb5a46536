#!/bin/sh
# agentdiff's one-step set-up for a Debian or Ubuntu machine.
#
#   ./setup.sh          install what is missing, build, open agentdiff on examples/
#   ./setup.sh check    install what is missing, build, run the test suite
#   ./setup.sh build    install what is missing, build
#   ./setup.sh check-valgrind
#                       the same as check, with valgrind (installed for this
#                       mode only) running every test under memcheck
#
# The build goes to build/ (the source tree stays clean).  Set BUILD_DIR to
# build elsewhere and CONFIGURE_FLAGS to pass options to ./configure (for
# example --enable-sanitizers).
set -eu

cd "$(dirname "$0")"
top=$(pwd)
build=${BUILD_DIR:-$top/build}
mode=${1:-run}

case $mode in
run|check|build|check-valgrind) ;;
-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
*) echo "setup.sh: unknown mode '$mode' (run, check, check-valgrind or build)" >&2; exit 2 ;;
esac

# Debian packages the build and the tests need.
packages="gcc make autoconf automake pkg-config git tmux
libncurses-dev libyaml-dev libcmark-dev libgit2-dev libcmocka-dev"
[ "$mode" = check-valgrind ] && packages="$packages valgrind"

missing=
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $packages; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case $status in
		*" installed") ;;
		*) missing="$missing $p" ;;
		esac
	done
fi
if [ -n "$missing" ]; then
	echo "setup.sh: installing:$missing"
	if [ "$(id -u)" -eq 0 ]; then
		sudo=
	elif command -v sudo >/dev/null 2>&1; then
		sudo=sudo
	else
		echo "setup.sh: need root (or sudo) to run: apt-get install$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x "$top/configure" ] || [ "$top/configure.ac" -nt "$top/configure" ] ||
   [ "$top/Makefile.am" -nt "$top/Makefile.in" ]; then
	(cd "$top" && autoreconf -fi)
fi
mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ] || [ "${CONFIGURE_FLAGS+set}" = set ]; then
	# shellcheck disable=SC2086
	"$top/configure" -q ${CONFIGURE_FLAGS:-}
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs"

case $mode in
build)
	echo "setup.sh: built $build/agentdiff"
	;;
run)
	cd "$top"
	exec "$build/agentdiff" examples
	;;
check|check-valgrind)
	status=0
	make -s -j"$jobs" "$mode" || status=$?
	# One closing line with every cmocka test and golden case counted.
	cat tests/*.log 2>/dev/null | awk '
		/^\[  PASSED  \] [0-9]+ test/ { p += $4 }
		/^\[  FAILED  \] [0-9]+ test/ { f += $4 }
		/^\[  SKIPPED \] [0-9]+ test/ { s += $4 }
		/^[0-9]+ passed, [0-9]+ failed$/ { p += $1; f += $3 }
		END { printf "check: %d passed, %d failed, %d skipped\n", p, f, s }'
	if [ "$status" -ne 0 ]; then
		for log in tests/*.log; do
			case $log in *test-suite.log) continue ;; esac
			grep -q -E '^(FAIL|ERROR)' "${log%.log}.trs" 2>/dev/null && {
				echo "---- $log"
				tail -n 40 "$log"
			}
		done
	fi
	exit "$status"
	;;
esac
