#!/usr/bin/env bash
# make bench: runs every tests/bench/bench_*.sh in name order and prints their figures.
#   tests/bench/run.sh [BUILD_DIR]
# Benches report figures, each next to a reference measured in the same run; nothing here asserts a
# time. Figures also go to BUILD_DIR/bench/results.txt as key=value lines (this script starts it
# afresh; each bench appends). Exit status is non-zero only if a figure could not be measured.
# Knobs: BENCH_ONLY=SUBSTRING (run only benches whose name contains it), BENCH_RUNS (10),
# BENCH_RSS_SECONDS (60), BENCH_FRAME_TIMEOUT (20 s); see tests/bench/README.md.
set -u
build=${1:-build}
cd "$(dirname "$0")/../.." || exit 2

if [ ! -x "$build/chaindeck" ]; then
	echo "bench: $build/chaindeck not built (run: make bench)" >&2
	exit 2
fi
for tool in tmux curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench: $tool is required" >&2
		exit 2
	fi
done

export BENCH_BUILD=$build
export BENCH_RESULTS=$build/bench/results.txt
export BENCH_STOPWATCH=$build/bench/stopwatch
mkdir -p "$build/bench" || exit 2

# the stopwatch every bench times processes with (see stopwatch.c)
if [ ! -x "$BENCH_STOPWATCH" ] || [ tests/bench/stopwatch.c -nt "$BENCH_STOPWATCH" ]; then
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Wshadow -Werror \
		-o "$BENCH_STOPWATCH" tests/bench/stopwatch.c || exit 2
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "commit=$commit"
	echo "cpus=$(nproc 2>/dev/null || echo unknown)"
} >"$BENCH_RESULTS"

echo "chaindeck bench: commit $commit, $(nproc 2>/dev/null || echo '?') cpus, build $build"
failed=()
child=
# a stop request goes on to the running bench, which then stops its node and tmux server
trap 'echo "bench: stopped" >&2; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null; [ -n "$child" ] && wait "$child"; exit 143' TERM INT HUP
for b in tests/bench/bench_*.sh; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .sh)
	name=${name#bench_}
	case $name in *"${BENCH_ONLY:-}"*) ;; *) continue ;; esac
	bash "$b" </dev/null &
	child=$!
	wait "$child" || failed+=("$name")
	child=
done
echo "figures: $BENCH_RESULTS"
if [ ${#failed[@]} -ne 0 ]; then
	echo "bench: could not measure: ${failed[*]}" >&2
	exit 1
fi
exit 0
