#!/usr/bin/env bash
# Time from start to the first full frame (chain id and head of a live node on screen), against a
# local anvil, next to the time one curl process takes to fetch the same data in one JSON-RPC batch.
# Both are timed by the same stopwatch (stopwatch.c): from just before fork() of the process to
# the end point, so both include process start. The end point for chaindeck is its log line
# "first full frame after N us"; for curl, its exit. Runs alternate chaindeck, curl, BENCH_RUNS
# times each, after one untimed warm-up of each.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

runs=${BENCH_RUNS:-10}
frame_timeout_ms=$((${BENCH_FRAME_TIMEOUT:-20} * 1000))
bin=$BENCH_BUILD/chaindeck
marker='first full frame after'

bench_tmp || exit 1
if ! anvil_start --block-time 1; then
	echo "first_frame: anvil did not start" >&2
	exit 1
fi

batch=$BENCH_TMP/batch.json
cat >"$batch" <<'JSON'
[{"jsonrpc":"2.0","id":1,"method":"web3_clientVersion","params":[]},
{"jsonrpc":"2.0","id":2,"method":"eth_chainId","params":[]},
{"jsonrpc":"2.0","id":3,"method":"eth_getBlockByNumber","params":["latest",false]},
{"jsonrpc":"2.0","id":4,"method":"eth_syncing","params":[]},
{"jsonrpc":"2.0","id":5,"method":"eth_gasPrice","params":[]},
{"jsonrpc":"2.0","id":6,"method":"net_peerCount","params":[]},
{"jsonrpc":"2.0","id":7,"method":"txpool_status","params":[]}]
JSON

# one chaindeck run in its own tmux session; prints "WALL_US LOG_US"
chaindeck_once() {
	local tag=$1 dir=$BENCH_TMP/$1 sess=ff-$1 sw us n cmd
	mkdir -p "$dir/config" "$dir/state" || return 1
	sw=$dir/stopwatch
	# exec: the pane's shell becomes env, then the stopwatch, which forks chaindeck
	cmd="exec $(printf '%q ' env XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" \
		"$BENCH_STOPWATCH" "$sw" --until "$dir/chaindeck.log" "$marker" -- \
		"$bin" --rpc-url "$ANVIL_URL" --log "$dir/chaindeck.log")"
	if ! tmx new-session -d -s "$sess" -x 100 -y 30 "$cmd"; then
		echo "first_frame: tmux could not start a session" >&2
		return 1
	fi
	if ! wait_for_file "$sw" "$frame_timeout_ms"; then
		echo "first_frame: run $tag: no full frame within ${BENCH_FRAME_TIMEOUT:-20} s; screen:" >&2
		tmx_screen "$sess" >&2
		tail -n 20 "$dir/chaindeck.log" >&2 2>/dev/null
		tmx kill-session -t "=$sess" 2>/dev/null
		return 1
	fi
	us=$(sed -n 's/^us=\(-\{0,1\}[0-9]*\).*/\1/p' "$sw")
	if [ -z "$us" ] || [ "$us" -lt 0 ]; then
		echo "first_frame: run $tag: chaindeck exited before a full frame ($(cat "$sw")); log:" >&2
		tail -n 20 "$dir/chaindeck.log" >&2 2>/dev/null
		tmx kill-session -t "=$sess" 2>/dev/null
		return 1
	fi
	n=$(sed -n "s/.*$marker \([0-9]*\) us.*/\1/p" "$dir/chaindeck.log" | head -n 1)
	tmx send-keys -t "=$sess:" q
	if ! tmx_wait_gone "$sess" 5000; then
		echo "first_frame: run $tag: chaindeck did not quit on q within 5 s" >&2
		tmx kill-session -t "=$sess" 2>/dev/null
	fi
	echo "$us ${n:-0}"
}

# one curl run; prints WALL_US
curl_once() {
	local tag=$1 sw=$BENCH_TMP/curl-$1.stopwatch out=$BENCH_TMP/curl-$1.out us
	# -q: no ~/.curlrc, as chaindeck runs without a user config
	"$BENCH_STOPWATCH" "$sw" -- curl -q -s -X POST -H 'Content-Type: application/json' \
		--data @"$batch" "$ANVIL_URL" >"$out" 2>/dev/null
	us=$(sed -n 's/^us=\([0-9]*\) status=0$/\1/p' "$sw" 2>/dev/null)
	if [ -z "$us" ] || ! grep -q '"id":7' "$out" || ! grep -q '"result":"0x7a69"' "$out"; then
		echo "first_frame: curl run $tag failed: $(cat "$sw" 2>/dev/null) $(head -c 300 "$out")" >&2
		return 1
	fi
	echo "$us"
}

chaindeck_once warmup >/dev/null || exit 1
curl_once warmup >/dev/null || exit 1
cd_wall=() cd_log=() curl_wall=()
for ((i = 1; i <= runs; i++)); do
	r=$(chaindeck_once "run$i") || exit 1
	cd_wall+=("${r% *}") cd_log+=("${r#* }")
	r=$(curl_once "run$i") || exit 1
	curl_wall+=("$r")
done

read -r cw_min cw_med cw_max < <(stats "${cd_wall[@]}")
read -r cl_min cl_med cl_max < <(stats "${cd_log[@]}")
read -r u_min u_med u_max < <(stats "${curl_wall[@]}")
rt=$(ratio "$cw_med" "$u_med")

printf 'first full frame (ms):  min %s  median %s  max %s  | curl same batch (ms): min %s  median %s  max %s | ratio %s\n' \
	"$(ms "$cw_min")" "$(ms "$cw_med")" "$(ms "$cw_max")" "$(ms "$u_min")" "$(ms "$u_med")" "$(ms "$u_max")" "$rt"
printf '  of which after main() (chaindeck log): min %s  median %s  max %s ms; %s runs each, anvil --block-time 1\n' \
	"$(ms "$cl_min")" "$(ms "$cl_med")" "$(ms "$cl_max")" "$runs"

result first_frame_runs "$runs"
result first_frame_ms_min "$(ms "$cw_min")"
result first_frame_ms_median "$(ms "$cw_med")"
result first_frame_ms_max "$(ms "$cw_max")"
result first_frame_from_main_ms_min "$(ms "$cl_min")"
result first_frame_from_main_ms_median "$(ms "$cl_med")"
result first_frame_from_main_ms_max "$(ms "$cl_max")"
result curl_batch_ms_min "$(ms "$u_min")"
result curl_batch_ms_median "$(ms "$u_med")"
result curl_batch_ms_max "$(ms "$u_max")"
result first_frame_ratio_to_curl "$rt"
exit 0
