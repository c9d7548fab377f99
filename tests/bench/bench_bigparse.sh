#!/usr/bin/env bash
# The loop while a large answer arrives: loopstall (tests/tools/loopstall.c) sends calls one after
# another on one rpc client and notes how late a timer due every 2 ms runs; a key waits for the
# loop the same way. The node is tests/bench/bignode.py: valid answers, bench_big a 60 MB array of
# transaction-like objects (the shape of a full block), bench_small the same with 10 objects.
# Reference: the small answers, in the same run. ratio = p99 lateness with 60 MB answers / p99
# with small ones: about 1 when large answers are parsed off the loop; tens when the loop parses
# them itself (a 60 MB parse takes it hundreds of ms). BENCH_BIGPARSE_RUNS rounds (default 3; each
# 10 small calls then 3 big ones), medians over the rounds; BENCH_BIGPARSE_MB sets the size.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

tool=$BENCH_BUILD/tests/tools/loopstall
runs=${BENCH_BIGPARSE_RUNS:-3}
mb=${BENCH_BIGPARSE_MB:-60}
if [ ! -x "$tool" ]; then
	echo "bigparse: $tool not built (run: make test-bins)" >&2
	exit 1
fi
bench_tmp || exit 1

_spawn python3 tests/bench/bignode.py --mb "$mb" >"$BENCH_TMP/node.port" 2>"$BENCH_TMP/node.err"
node_track "$_spawned_pid"
cleanup_add "proc_stop $_spawned_pid"
# building 60 MB of JSON takes python a few seconds
if ! wait_for_file "$BENCH_TMP/node.port" 60000; then
	echo "bigparse: bignode.py did not start: $(cat "$BENCH_TMP/node.err")" >&2
	exit 1
fi
url=http://127.0.0.1:$(head -n 1 "$BENCH_TMP/node.port")

declare -A P99 MAX
# one METHOD CALLS: loopstall's p99_us and max_us into P99/MAX lists
one() {
	local out
	out=$("$tool" --url "$url" --method "$1" --calls "$2") || { echo "bigparse: loopstall $1 failed: $out" >&2; return 1; }
	P99[$1]="${P99[$1]:-} $(printf '%s\n' "$out" | sed -n 's/^p99_us=//p')"
	MAX[$1]="${MAX[$1]:-} $(printf '%s\n' "$out" | sed -n 's/^max_us=//p')"
}
for ((i = 0; i < runs; i++)); do
	one bench_small 10 || exit 1
	one bench_big 3 || exit 1
done
# shellcheck disable=SC2086 # lists of numbers
read -r _ s99 _ <<<"$(stats ${P99[bench_small]})"
# shellcheck disable=SC2086
read -r _ b99 _ <<<"$(stats ${P99[bench_big]})"
# shellcheck disable=SC2086
read -r _ _ bmax <<<"$(stats ${MAX[bench_big]})"
[ -n "$s99" ] && [ -n "$b99" ] || exit 1
r=$(ratio "$b99" "$s99")
printf 'loop lateness while answers arrive (ms, median of %d rounds)\n' "$runs"
printf '  %-14s p99 %s\n' "small answers" "$(ms "$s99")"
printf '  %-14s p99 %s, worst %s\n' "$mb MB answers" "$(ms "$b99")" "$(ms "$bmax")"
printf '  ratio big/small p99  %s (parsed off the loop: about 1; on it: tens)\n' "$r"
result bigparse_small_p99_ms "$(ms "$s99")"
result bigparse_big_p99_ms "$(ms "$b99")"
result bigparse_big_max_ms "$(ms "$bmax")"
result bigparse_ratio "$r"
