#!/usr/bin/env bash
# The explorer's block fetcher against the node's own limit and against viem and ethers.
# One anvil (--no-mining) is filled with BENCH_EXPLORER_BLOCKS (200) blocks of BENCH_EXPLORER_TXS
# (300) transfers, then the same range of eth_getBlockByNumber(n, true) is fetched:
#   - by chaindeck: fetchbench (tests/tools/fetchbench.c), the rpc client with its default 4
#     connections and blockfetch with its defaults, every block decoded into an eth_block;
#   - raw: the same batches POSTed by fetchbench --raw, answers counted and dropped, at 1, 2, 4 and
#     8 parallel connections: the best is the node's limit;
#   - by viem and ethers (tests/bench/explorer/peers.js), pinned in tests/npm.
# Runs are interleaved so drift hits everyone alike; figures are the best run of each (the machine
# is shared, and a slow run says more about the neighbours than about the client). Also the client's
# cost per block: JSON parse and eth_decode_block of one 300-tx block (fetchbench --decode).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

blocks=${BENCH_EXPLORER_BLOCKS:-200}
txs=${BENCH_EXPLORER_TXS:-300}
runs=${BENCH_EXPLORER_RUNS:-5}
peer_runs=${BENCH_EXPLORER_PEER_RUNS:-2}
peers=${BENCH_EXPLORER_PEERS:-viem ethers}
sweep=(1 2 4 8)
fetchbench=$BENCH_BUILD/tests/tools/fetchbench
peers_js=tests/bench/explorer/peers.js

if [ ! -x "$fetchbench" ]; then
	echo "explorer: $fetchbench not built (run: make test-bins)" >&2
	exit 1
fi
if ! command -v node >/dev/null 2>&1; then
	echo "explorer: node is required for the viem/ethers peers (run: make deps)" >&2
	exit 1
fi
bench_tmp || exit 1

# Every block holds txs transfers (21000 gas each): the default 30M gas limit leaves room, and the
# blocks stay below half full, so the base fee falls and no transfer is priced out.
if ! anvil_start --no-mining; then
	echo "explorer: anvil did not start" >&2
	exit 1
fi
url=$ANVIL_URL

# fill: for each block, txs eth_sendTransaction in one JSON-RPC batch, then evm_mine. The accounts
# (anvil's 10 unlocked ones) send in turn with explicit nonces: anvil answers a batch's calls
# concurrently, so it cannot pick them itself. The next block's batch is built while anvil works on
# the current one. One block at a time keeps anvil's pool small: with thousands of transfers pending
# it takes each new one several times slower.
fill() {
	local acct na blk i a per item body sep out=$BENCH_TMP/send.out pid=
	acct=$(rpc_result "$url" eth_accounts | tr -d '[]" ' | tr ',' ' ')
	read -r -a acct <<<"$acct"
	na=${#acct[@]}
	if [ "$na" -eq 0 ]; then
		echo "explorer: anvil has no unlocked accounts" >&2
		return 1
	fi
	for ((blk = 0; blk < blocks; blk++)); do
		body="[" sep=""
		for ((i = 0; i < txs; i++)); do
			a=$((i % na))
			per=$(((txs - a - 1) / na + 1))  # transfers account a sends per block
			printf -v item '%s{"jsonrpc":"2.0","id":%d,"method":"eth_sendTransaction","params":[{"from":"%s","to":"0x%040x","value":"0x%x","gas":"0x5208","nonce":"0x%x"}]}' \
				"$sep" "$i" "${acct[a]}" $((0x100000 + blk * txs + i)) $((i + 1)) $((blk * per + i / na))
			body+=$item sep=","
		done
		body+="]"
		printf '%s' "$body" >"$BENCH_TMP/block.json"
		if [ -n "$pid" ]; then
			wait "$pid" || return 1
		fi
		mv "$BENCH_TMP/block.json" "$BENCH_TMP/send.json"
		{
			curl -s -m 120 -H 'Content-Type: application/json' --data-binary "@$BENCH_TMP/send.json" "$url" >"$out" &&
				! grep -q '"error"' "$out" &&
				rpc "$url" evm_mine | grep -q '"result"'
		} &
		pid=$!
	done
	wait "$pid"
}

t0=$(now_ms)
if ! fill; then
	echo "explorer: filling the node failed:" >&2
	head -c 400 "$BENCH_TMP/send.out" >&2
	exit 1
fi
fill_ms=$(($(now_ms) - t0))
head_hex=$(rpc_result "$url" eth_blockNumber)
count_hex=$(rpc_result "$url" eth_getBlockTransactionCountByNumber "[\"0x$(printf %x "$blocks")\"]")
if [ "$((head_hex))" -ne "$blocks" ] || [ "$((count_hex))" -ne "$txs" ]; then
	echo "explorer: after filling, head is $head_hex and block $blocks holds $count_hex transfers" >&2
	exit 1
fi
anvil_version=$("$CHAINDECK_NPM_BIN/anvil" --version 2>/dev/null | head -n 1 | awk '{print $NF}')

declare -A best    # best[NAME] = fastest ms
declare -A all     # all[NAME] = "ms ms ..."
declare -A info    # info[KEY] = value from a tool's key=value output
fails=()

# take NAME KEY=VALUE-OUTPUT: record its ms (ms_median for fetchbench, ms for peers.js)
take() {
	local name=$1 out=$2 ms line
	ms=$(printf '%s\n' "$out" | sed -n -e 's/^ms_median=//p' -e 's/^ms=//p' | head -n 1)
	while IFS= read -r line; do
		case $line in *=*) info[$name.${line%%=*}]=${line#*=} ;; esac
	done <<<"$out"
	all[$name]="${all[$name]:-} $ms"
	if [ -z "${best[$name]:-}" ] || awk -v a="$ms" -v b="${best[$name]}" 'BEGIN { exit !(a < b) }'; then
		best[$name]=$ms
	fi
}

# run NAME CMD...: one timed run; a failure is reported once per name
run() {
	local name=$1 out
	shift
	if out=$("$@" 2>"$BENCH_TMP/err"); then
		take "$name" "$out"
	else
		echo "explorer: $name failed: $(head -c 300 "$BENCH_TMP/err")" >&2
		case " ${fails[*]-} " in *" $name "*) ;; *) fails+=("$name") ;; esac
	fi
}

range=(--url "$url" --from 1 --to "$blocks")

# the client's cost per block, measured alone
decode=$("$fetchbench" "${range[@]}" --decode 2>"$BENCH_TMP/err") || {
	echo "explorer: decode pass failed: $(head -c 300 "$BENCH_TMP/err")" >&2
	fails+=(decode)
}
while IFS= read -r line; do
	case $line in *=*) info[decode.${line%%=*}]=${line#*=} ;; esac
done <<<"$decode"

# the node's limit over 1, 2, 4, 8 connections, with chaindeck's runs in between
for c in "${sweep[@]}"; do
	run "raw$c" "$fetchbench" "${range[@]}" --raw --connections "$c"
	[ "$c" = 2 ] && run chaindeck "$fetchbench" "${range[@]}"
done
limit_conns=
for c in "${sweep[@]}"; do
	[ -n "${best[raw$c]:-}" ] || continue
	if [ -z "$limit_conns" ] || awk -v a="${best[raw$c]}" -v b="${best[raw$limit_conns]}" 'BEGIN { exit !(a < b) }'; then
		limit_conns=$c
	fi
done
if [ -z "$limit_conns" ]; then
	echo "explorer: the raw fetch failed at every connection count" >&2
	exit 1
fi
json_bytes=${info[raw$limit_conns.json_bytes]}

# interleaved rounds: chaindeck, the limit's best connection count again, the peers
for ((r = 1; r < runs || r <= peer_runs; r++)); do
	if [ "$r" -lt "$runs" ]; then
		run chaindeck "$fetchbench" "${range[@]}"
		run "raw$limit_conns" "$fetchbench" "${range[@]}" --raw --connections "$limit_conns"
	fi
	if [ "$r" -le "$peer_runs" ]; then
		for p in $peers; do
			run "$p" node "$peers_js" "$p" "$url" 1 "$blocks"
		done
	fi
done
# the limit is the best raw run at any connection count
limit=${best[raw$limit_conns]}

bps() { [ -n "${1:-}" ] && awk -v n="$blocks" -v ms="$1" 'BEGIN { printf "%.1f", n * 1000 / ms }' || printf 'n/a'; }
mbps() { [ -n "${1:-}" ] && awk -v b="$json_bytes" -v ms="$1" 'BEGIN { printf "%.2f", b / 1000 / ms }' || printf 'n/a'; }
sec() { [ -n "${1:-}" ] && awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }' || printf -- '-'; }
# median of a list of ms, in ms; empty when there is none
med_ms() {
	# shellcheck disable=SC2086 # a list of numbers, split on purpose
	[ -n "${1:-}" ] && printf '%s\n' $1 | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.0f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
med() { sec "$(med_ms "${1:-}")"; }
rt() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || printf 'n/a'; }

cd_ms=${best[chaindeck]:-}
cd_bps=$(bps "$cd_ms")
limit_bps=$(bps "$limit")
ratio_limit=$(rt "$limit" "$cd_ms")   # = chaindeck blocks/s / limit blocks/s
# the same ratio run by run: chaindeck's i-th run against the i-th raw run at the limit's connection
# count, which ran next to it; the median of those says less about lucky quiet moments
read -r -a cd_runs <<<"${all[chaindeck]:-}"
read -r -a lim_runs <<<"${all[raw$limit_conns]:-}"
pairs=()
for ((i = 0; i < ${#cd_runs[@]} && i < ${#lim_runs[@]}; i++)); do
	pairs+=("$(awk -v a="${lim_runs[i]}" -v b="${cd_runs[i]}" 'BEGIN { printf "%.4f", a / b }')")
done
ratio_paired=n/a
[ ${#pairs[@]} -gt 0 ] && ratio_paired=$(printf '%s\n' "${pairs[@]}" | sort -g |
	awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
peer_label() {
	case $1 in
	viem) printf 'viem %s (batch: true)' "${info[viem.version]:-?}" ;;
	viem-nobatch) printf 'viem %s (no batching)' "${info[viem-nobatch.version]:-?}" ;;
	viem-batch10) printf 'viem %s (batchSize 10)' "${info[viem-batch10.version]:-?}" ;;
	ethers) printf 'ethers %s' "${info[ethers.version]:-?}" ;;
	*) printf '%s' "$1" ;;
	esac
}

printf 'explorer: %d blocks x %d transfers (%s MB of JSON), anvil %s, filled in %s s; best of %d runs (peers %d)\n' \
	"$blocks" "$txs" "$(awk -v b="$json_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')" "${anvil_version:-?}" \
	"$(sec "$fill_ms")" "$runs" "$peer_runs"
printf '  %-36s %5s %5s %8s %8s %9s %7s\n' client conns batch 'best s' 'median s' blocks/s MB/s
for c in "${sweep[@]}"; do
	tag=""
	[ "$c" = "$limit_conns" ] && tag=" = node limit"
	printf '  %-36s %5s %5s %8s %8s %9s %7s\n' "raw POSTs, no parsing$tag" "$c" "${info[raw$c.batch]:-}" \
		"$(sec "${best[raw$c]:-}")" "$(med "${all[raw$c]:-}")" "$(bps "${best[raw$c]:-}")" "$(mbps "${best[raw$c]:-}")"
done
printf '  %-36s %5s %5s %8s %8s %9s %7s\n' "chaindeck blockfetch (decoded)" "${info[chaindeck.connections]:-4}" \
	"${info[chaindeck.batch]:-}" "$(sec "$cd_ms")" "$(med "${all[chaindeck]:-}")" "$cd_bps" "$(mbps "$cd_ms")"
for p in $peers; do
	printf '  %-36s %5s %5s %8s %8s %9s %7s\n' "$(peer_label "$p")" - - "$(sec "${best[$p]:-}")" \
		"$(med "${all[$p]:-}")" "$(bps "${best[$p]:-}")" "$(mbps "${best[$p]:-}")"
done
printf '  chaindeck / node limit: %s best against best, %s median of %d side-by-side runs (target >= 0.90)\n' \
	"$ratio_limit" "$ratio_paired" "${#pairs[@]}"
for p in $peers; do
	printf '  chaindeck / %s: %s (target > 1)\n' "$(peer_label "$p")" "$(rt "${best[$p]:-}" "$cd_ms")"
done
printf '  one %s-tx block (%s KB of JSON), medians of %s: JSON parse %s us + eth_decode_block %s us = answer to eth_block %s us\n' \
	"${info[decode.txs_median]:-?}" "$(awk -v b="${info[decode.json_bytes_median]:-0}" 'BEGIN { printf "%.0f", b / 1000 }')" \
	"${info[decode.blocks]:-?}" "${info[decode.parse_us_median]:-?}" "${info[decode.decode_us_median]:-?}" \
	"${info[decode.answer_to_block_us_median]:-?}"

result explorer_blocks "$blocks"
result explorer_txs_per_block "$txs"
result explorer_json_bytes "$json_bytes"
result explorer_fill_ms "$fill_ms"
result explorer_runs "$runs"
result explorer_peer_runs "$peer_runs"
result explorer_batch "${info[chaindeck.batch]:-n/a}"
result explorer_connections "${info[chaindeck.connections]:-n/a}"
for c in "${sweep[@]}"; do
	result "explorer_raw_c${c}_ms_best" "${best[raw$c]:-n/a}"
	result "explorer_raw_c${c}_blocks_per_s" "$(bps "${best[raw$c]:-}")"
done
result explorer_limit_connections "$limit_conns"
result explorer_limit_blocks_per_s "$limit_bps"
result explorer_limit_mb_per_s "$(mbps "$limit")"
result explorer_chaindeck_ms_best "${cd_ms:-n/a}"
cd_med=$(med_ms "${all[chaindeck]:-}")
result explorer_chaindeck_ms_median "${cd_med:-n/a}"
result explorer_chaindeck_blocks_per_s "$cd_bps"
result explorer_chaindeck_mb_per_s "$(mbps "$cd_ms")"
result explorer_ratio_to_limit "$ratio_limit"
result explorer_ratio_to_limit_paired_median "$ratio_paired"
for p in $peers; do
	result "explorer_${p//-/_}_version" "${info[$p.version]:-n/a}"
	result "explorer_${p//-/_}_ms_best" "${best[$p]:-n/a}"
	result "explorer_${p//-/_}_blocks_per_s" "$(bps "${best[$p]:-}")"
	result "explorer_ratio_to_${p//-/_}" "$(rt "${best[$p]:-}" "$cd_ms")"
done
result explorer_block_json_bytes_median "${info[decode.json_bytes_median]:-n/a}"
result explorer_parse_us_median "${info[decode.parse_us_median]:-n/a}"
result explorer_decode_us_median "${info[decode.decode_us_median]:-n/a}"
result explorer_answer_to_block_us_median "${info[decode.answer_to_block_us_median]:-n/a}"

if [ ${#fails[@]} -ne 0 ]; then
	echo "explorer: not measured: ${fails[*]}" >&2
	exit 1
fi
exit 0
