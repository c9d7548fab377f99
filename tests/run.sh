#!/usr/bin/env bash
# Runs a test suite from the repository root and sums the results.
#   tests/run.sh unit|integration|screen|all BUILD_DIR
# Every test program prints "N passed, N failed" as its last line; this script adds them up,
# shows the output of any program that failed, and exits non-zero if anything failed. A program
# that prints no summary, or "0 passed, 0 failed" (it checked nothing), counts as one failure.
set -u
kind=${1:-all}
build=${2:-build}
cd "$(dirname "$0")/.." || exit 2
# Files the tests write are their own user's, not group-writable: chaindeck refuses a config file or
# address book that group or others could write (as ssh does), whatever umask the machine sets.
umask 022
export CHAINDECK_BUILD=$build
export PATH="$PWD/tests/npm/bin:$PATH"

total_pass=0 total_fail=0 broken=()

run_one() {
	local name=$1; shift
	local out rc p f
	out=$("$@" 2>&1); rc=$?
	last=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$last" ]; then
		p=0 f=1
	else
		p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1 out+=$'\n'"ran no checks"
	fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ]; then
		broken+=("$name")
		printf '%s\n' "--- $name (exit $rc)" "$out" | tail -n 60
		# the failed checks themselves, which a long output may have pushed out of the tail
		printf '%s\n' "$out" | grep -E '^(FAIL|not ok)' | head -n 20 | sed 's/^/--- failed check: /'
	fi
	printf '%-40s %s passed, %s failed\n' "$name" "$p" "$f"
}

if [ "$kind" = unit ] || [ "$kind" = all ]; then
	for t in "$build"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run_one "unit/$(basename "$t")" ${CHAINDECK_WRAP:-} "$t"
	done
fi
if [ "$kind" = integration ] || [ "$kind" = all ]; then
	# Integration binaries need nodes: each runs through its own script, which starts them.
	for t in tests/integration/*.sh; do
		[ -f "$t" ] || continue
		run_one "integration/$(basename "$t")" bash "$t"
	done
fi
if [ "$kind" = screen ] || [ "$kind" = all ]; then
	for t in tests/screen/*.sh; do
		[ -f "$t" ] || continue
		run_one "screen/$(basename "$t")" bash "$t"
	done
fi

if [ ${#broken[@]} -ne 0 ]; then
	echo "failed: ${broken[*]}"
fi
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
