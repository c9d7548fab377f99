#!/usr/bin/env bash
# Key latency while the explorer opens a huge block: chaindeck runs under keylat
# (tests/tools/keylat.c) against tests/bench/bigblock.py, a node whose block 5 holds about 60 MB of
# transfers (BENCH_BIGBLOCK_MB). keylat types "2/5" Enter (explorer, search block 5) and at once
# starts pressing 1 and 2 in turn (dashboard, explorer: each press redraws the whole screen, the
# block's view included once it is there), BENCH_BIGBLOCK_KEYS presses (100). The presses span the
# download, parse, decode and the drawing of the block: keylat's mark_press counts the presses sent
# before the log said "explorer: block 5 ready", so a run where the block never showed (or showed
# before the first press) is seen. Reference: the same run against a node whose block 5 holds 10
# transfers, in the same bench. ratio = p99 with the huge block / p99 with the small one.
# BENCH_BIGBLOCK_RUNS rounds (2), alternating small and big; medians over the rounds.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

tool=$BENCH_BUILD/tests/tools/keylat
runs=${BENCH_BIGBLOCK_RUNS:-2}
keys=${BENCH_BIGBLOCK_KEYS:-100}
mb=${BENCH_BIGBLOCK_MB:-60}
if [ ! -x "$tool" ]; then
	echo "bigblock: $tool not built (run: make test-bins)" >&2
	exit 1
fi
bench_tmp || exit 1

# node NAME ARGS...: starts bigblock.py; its URL in URL_NAME, its transaction count in TXS_NAME
node() {
	local name=$1
	shift
	_spawn python3 tests/bench/bigblock.py "$@" >"$BENCH_TMP/$name.out" 2>"$BENCH_TMP/$name.err"
	node_track "$_spawned_pid"
	cleanup_add "proc_stop $_spawned_pid"
	# building 60 MB of JSON takes python a few seconds; the second line comes with the port
	local end=$(($(date +%s) + 60))
	while [ "$(wc -l <"$BENCH_TMP/$name.out")" -lt 2 ]; do
		if [ "$(date +%s)" -ge "$end" ]; then
			echo "bigblock: bigblock.py $* did not start: $(cat "$BENCH_TMP/$name.err")" >&2
			return 1
		fi
		sleep 0.2
	done
	printf -v "URL_$name" 'http://127.0.0.1:%s' "$(head -n 1 "$BENCH_TMP/$name.out")"
	printf -v "TXS_$name" '%s' "$(sed -n '2s/^[0-9]* //p' "$BENCH_TMP/$name.out")"
}
node small --txs 10 || exit 1
node big --mb "$mb" || exit 1

declare -A P99 MAX MARK
# one NAME ROUND: a fresh chaindeck, keylat's p99_us / max_us / mark_press into the lists
one() {
	local dir=$BENCH_TMP/$1-$2 url out mark
	url=URL_$1
	mkdir -p "$dir"
	out=$(XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" ETH_RPC_URL= \
		"$tool" --ready-file "$dir/cd.log" --send $'2/5\r' --key-chars 12 --keys "$keys" --timeout-ms 10000 \
		--mark-text "explorer: block 5 ready" --raw "$dir/lat.txt" -- \
		"$BENCH_BUILD/chaindeck" --rpc-url "${!url}" --log "$dir/cd.log") ||
		{ echo "bigblock: keylat ($1) failed: $out" >&2; return 1; }
	mark=$(printf '%s\n' "$out" | sed -n 's/^mark_press=//p')
	if [ "$mark" = -1 ]; then
		echo "bigblock: the block never showed ($1, round $2); log: $(tail -n 3 "$dir/cd.log")" >&2
		return 1
	fi
	P99[$1]="${P99[$1]:-} $(printf '%s\n' "$out" | sed -n 's/^p99_us=//p')"
	MAX[$1]="${MAX[$1]:-} $(printf '%s\n' "$out" | sed -n 's/^max_us=//p')"
	MARK[$1]="${MARK[$1]:-} $mark"
}
for ((i = 0; i < runs; i++)); do
	one small "$i" || exit 1
	one big "$i" || exit 1
done
# shellcheck disable=SC2086 # lists of numbers
read -r _ s99 _ <<<"$(stats ${P99[small]})"
# shellcheck disable=SC2086
read -r _ _ smax <<<"$(stats ${MAX[small]})"
# shellcheck disable=SC2086
read -r _ b99 _ <<<"$(stats ${P99[big]})"
# shellcheck disable=SC2086
read -r _ _ bmax <<<"$(stats ${MAX[big]})"
[ -n "$s99" ] && [ -n "$b99" ] || exit 1
r=$(ratio "$b99" "$s99")
printf 'key latency while the explorer opens a block (ms, %d presses, median of %d rounds)\n' "$keys" "$runs"
printf '  %-26s p99 %s, worst %s\n' "block of $TXS_small txs" "$(ms "$s99")" "$(ms "$smax")"
printf '  %-26s p99 %s, worst %s (presses before it showed:%s)\n' "block of $TXS_big txs ($mb MB)" \
	"$(ms "$b99")" "$(ms "$bmax")" "${MARK[big]}"
printf '  ratio big/small p99  %s (view built off the loop and drawn by the window: about 1)\n' "$r"
result bigblock_txs "$TXS_big"
result bigblock_small_p99_ms "$(ms "$s99")"
result bigblock_small_max_ms "$(ms "$smax")"
result bigblock_big_p99_ms "$(ms "$b99")"
result bigblock_big_max_ms "$(ms "$bmax")"
result bigblock_big_mark_press "$(echo ${MARK[big]} | tr " " ",")"
result bigblock_ratio "$r"
