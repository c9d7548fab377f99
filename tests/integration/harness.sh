#!/usr/bin/env bash
# The test harness itself: a test that checked nothing fails, at every level.
# - tests/lib/test.c: a case that runs no CHECK fails ("ran no checks"), and so does a run in which
#   no case ran (a filter matching nothing); a case with a passing check passes. Built here with cc
#   from the harness source, as the Makefile builds it.
# - tests/lib/node.sh: t_done with no t_pass or t_fail before it fails.
# - tests/run.sh: a test program whose summary says "0 passed, 0 failed", or that prints no
#   summary, counts as a failure of the suite.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT" || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-harness.XXXXXX")
cleanup_add "rm -rf '$tmp'"

cat >"$tmp/prog.c" <<'C'
#include <string.h>
#include "tests/lib/test.h"
static void checks_something(void) { CHECK_INT(1 + 1, 2); }
static void checks_nothing(void) { }
static const struct test_case with_check[] = { { "checks_something", checks_something } };
static const struct test_case without[] = { { "checks_something", checks_something },
                                            { "checks_nothing", checks_nothing } };
int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "without") == 0)
		return test_main(1, argv, without, TEST_COUNT(without));
	if (argc > 2)
		return test_main(2, argv + 1, with_check, TEST_COUNT(with_check));
	return test_main(1, argv, with_check, TEST_COUNT(with_check));
}
C
if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -I. -o "$tmp/prog" "$tmp/prog.c" tests/lib/test.c \
	2>"$tmp/cc.log"; then
	t_fail "the harness builds" "$(head -n 5 "$tmp/cc.log")"
	t_done
	exit 1
fi
out=$("$tmp/prog" 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$(tail -n 1 <<<"$out")" = "1 passed, 0 failed" ]; then
	t_pass "test.c: a case with a passing check passes"
else
	t_fail "test.c: a case with a passing check passes" "exit $rc: $out"
fi
out=$("$tmp/prog" without 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -qx 'FAIL checks_nothing (ran no checks)' <<<"$out" &&
	[ "$(tail -n 1 <<<"$out")" = "1 passed, 1 failed" ]; then
	t_pass "test.c: a case that runs no check fails"
else
	t_fail "test.c: a case that runs no check fails" "exit $rc: $out"
fi
out=$("$tmp/prog" filter no_such_case 2>&1); rc=$?
if [ "$rc" -ne 0 ] && [ "$(tail -n 1 <<<"$out")" = "0 passed, 1 failed" ]; then
	t_pass "test.c: a filter that matches no case fails"
else
	t_fail "test.c: a filter that matches no case fails" "exit $rc: $out"
fi

out=$(bash -c '. tests/lib/node.sh; t_done' 2>&1); rc=$?
if [ "$rc" -ne 0 ] && [ "$(tail -n 1 <<<"$out")" = "0 passed, 1 failed" ]; then
	t_pass "node.sh: t_done with no check fails"
else
	t_fail "node.sh: t_done with no check fails" "exit $rc: $out"
fi

# run.sh over a build directory of stand-in test programs
mkdir -p "$tmp/build/tests/unit"
printf '#!/bin/sh\necho "3 passed, 0 failed"\n' >"$tmp/build/tests/unit/test_good"
printf '#!/bin/sh\necho "0 passed, 0 failed"\n' >"$tmp/build/tests/unit/test_checks_nothing"
printf '#!/bin/sh\necho "no summary"\n' >"$tmp/build/tests/unit/test_silent"
chmod +x "$tmp/build/tests/unit/"test_*
out=$(env -u CHAINDECK_WRAP bash tests/run.sh unit "$tmp/build" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q '^unit/test_checks_nothing  *0 passed, 1 failed' <<<"$out" &&
	grep -q '^unit/test_silent  *0 passed, 1 failed' <<<"$out" &&
	grep -q '^unit/test_good  *3 passed, 0 failed' <<<"$out" && [ "$(tail -n 1 <<<"$out")" = "total: 3 passed, 2 failed" ]; then
	t_pass "run.sh: a program that checked nothing fails the suite"
else
	t_fail "run.sh: a program that checked nothing fails the suite" "exit $rc: $(tail -n 6 <<<"$out")"
fi
t_done
