#!/bin/sh
# valgrind.sh TEST: how `make check-valgrind` runs each test (its
# LOG_COMPILER).  A test program runs under valgrind memcheck; a test
# script (golden.sh, hostile.sh) runs as it is, with AD_VALGRIND set so that
# it runs each agentdiff through valgrind.  Any memcheck error, or a
# definite leak, fails the test.
#
# VALGRIND (default: valgrind) and VALGRIND_OPTS add to the command.
vg="${VALGRIND:-valgrind} -q --error-exitcode=99 --leak-check=full
--errors-for-leak-kinds=definite --show-leak-kinds=definite
--num-callers=30 ${VALGRIND_OPTS:-}"
vg=$(echo $vg)

case $1 in
*.sh)
	AD_VALGRIND=$vg
	export AD_VALGRIND
	exec sh "$@"
	;;
*)
	# A smaller share of the generated cases: memcheck is ~30x slower.
	AD_PROPS_CASES=${AD_PROPS_CASES:-800}
	export AD_PROPS_CASES
	# shellcheck disable=SC2086 # the command line, split on purpose
	exec $vg "$@"
	;;
esac
