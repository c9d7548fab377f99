#!/usr/bin/env bash
# A short fuzzing pass over every target, for `make check`:
#   tests/fuzz/run_brief.sh [SECONDS]      (default FUZZ_BRIEF_SECONDS or 6 per target)
# For each target: replays its regression inputs (tests/fuzz/regress/TARGET/*, each a crash
# found earlier that must stay fixed), then fuzzes from its seed corpus for SECONDS. A target
# passes when both finish without a crash. Targets run FUZZ_JOBS (default 2) at a time.
# Last line: "N passed, N failed" (one per target).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

export FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
secs=${1:-${FUZZ_BRIEF_SECONDS:-6}}
jobs=${FUZZ_JOBS:-2}

if ! scripts/fuzz.sh build; then
	echo "fuzz targets did not build"
	echo "0 passed, 1 failed"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-fuzzbrief.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# brief_one TARGET: writes "pass" or "fail" and the reasons to $work/TARGET.*
brief_one() {
	local t=$1 bin=$FUZZ_BUILD/$1 reg=tests/fuzz/regress/$1 out=$work/$1
	local files=() f
	mkdir -p "$out.corpus" "$out.artifacts"
	if [ -d "$reg" ]; then
		for f in "$reg"/*; do [ -f "$f" ] && files+=("$f"); done
	fi
	if [ ${#files[@]} -gt 0 ]; then
		# libFuzzer runs each file given as an argument once and stops at the first crash.
		if ! "$bin" -artifact_prefix="$out.artifacts/" "${files[@]}" >"$out.replay.log" 2>&1; then
			{ echo "regression input crashes:"; grep -E 'Running: |property broken|ERROR|SUMMARY|runtime error' \
				"$out.replay.log" | tail -n 6; } >"$out.why"
			echo fail >"$out.result"
			return
		fi
	fi
	# The seeds are read-only here: new finds go to a scratch corpus listed first.
	if ! "$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2560 \
		-max_len=16384 -artifact_prefix="$out.artifacts/" "$out.corpus" "tests/fuzz/corpus/$t" \
		>"$out.log" 2>&1; then
		{ echo "crash while fuzzing:"; grep -E 'property broken|ERROR|SUMMARY|runtime error' "$out.log" | head -n 6
		  for f in "$out.artifacts"/*; do [ -f "$f" ] && echo "input (hex): $(head -c 256 "$f" | od -An -tx1 | tr -d ' \n')"; done
		} >"$out.why"
		echo fail >"$out.result"
		return
	fi
	sed -n 's/^stat::number_of_executed_units: *//p' "$out.log" | tail -n 1 >"$out.execs"
	echo pass >"$out.result"
}
export -f brief_one
export work secs

read -r -a targets <<<"$(scripts/fuzz.sh list)"
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'brief_one "$1"' _ {}

pass=0 fail=0
for t in "${targets[@]}"; do
	nreg=$(find "tests/fuzz/regress/$t" -type f 2>/dev/null | wc -l)
	if [ "$(cat "$work/$t.result" 2>/dev/null)" = pass ]; then
		pass=$((pass + 1))
		printf 'ok   %-18s %s executions in %s s, %s regression inputs\n' "$t" "$(cat "$work/$t.execs")" "$secs" "$nreg"
	else
		fail=$((fail + 1))
		printf 'FAIL %-18s\n' "$t"
		sed 's/^/     /' "$work/$t.why" 2>/dev/null
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
