#!/usr/bin/env bash
# chaindeck watching a fleet: 1, 50 and 200 nodes at refresh = 1000 ms, the node URLs spread over a
# few local anvils (--block-time 1, a chain id each; several nodes share one anvil, which is load
# enough for chaindeck). For each size: its CPU share over an idle window of BENCH_FLEET_SECONDS
# (20), and its RSS and open fds at the end of it. For 50 and 200 nodes, then: key-to-screen
# latency of BENCH_FLEET_KEYS (200) presses of j and k in turn, measured by keylat
# (tests/tools/keylat.c) on a pty of its own. A last run has 200 nodes of which 10 % are black
# holes (accept TCP, never answer).
# References from the same run: CPU of 1 node (ratio 200/1), and the latency of 200 nodes without
# black holes (ratio with/without).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

seconds=${BENCH_FLEET_SECONDS:-20}
keys=${BENCH_FLEET_KEYS:-200}
frame_timeout_ms=$((${BENCH_FRAME_TIMEOUT:-20} * 1000))
bin=$BENCH_BUILD/chaindeck
keylat=$BENCH_BUILD/tests/tools/keylat
nanvils=4
nholes=2
bh_pct=10
quiet_ms=30        # output quiet this long before each press
key_timeout_ms=2000  # a press that draws nothing within this is a timeout
keys_max_ms=60000  # no press starts later than this into a run's key phase

if [ ! -x "$keylat" ]; then
	echo "fleet: $keylat not built (run: make test-bins)" >&2
	exit 1
fi
bench_tmp || exit 1

anvils=()
for ((i = 0; i < nanvils; i++)); do
	# a chain id each: the anvils mine independently, and nodes with one chain id but different
	# hashes would be fork alerts (and bells), which is not what this bench is about
	if ! anvil_start --block-time 1 --chain-id $((31337 + i)); then
		echo "fleet: anvil $((i + 1)) of $nanvils did not start" >&2
		exit 1
	fi
	anvils+=("$ANVIL_URL")
done
holes=()
for ((i = 0; i < nholes; i++)); do
	if ! blackhole_start; then
		echo "fleet: black hole listener $((i + 1)) of $nholes did not start" >&2
		exit 1
	fi
	holes+=("http://127.0.0.1:$BLACKHOLE_PORT")
done

# write_config FILE NODES PCT: node i (from 1) is a black hole when floor(i*PCT/100) steps up at i,
# so they are spread evenly and node 1 (the one selected at start, whose data marks the first full
# frame) always answers. The others take the anvils in turn.
write_config() {
	local file=$1 n=$2 pct=$3 i h=0 a=0
	{
		printf '[general]\nrefresh = 1000\n'
		for ((i = 1; i <= n; i++)); do
			printf '\n[node "n%03d"]\n' "$i"
			if [ $((i * pct / 100)) -gt $(((i - 1) * pct / 100)) ]; then
				printf 'url = %s\n' "${holes[h++ % nholes]}"
			else
				printf 'url = %s\n' "${anvils[a++ % nanvils]}"
			fi
		done
	} >"$file"
}

# keylat of the run under way, stopped by the cleanup if the bench is stopped while it runs
kl_pid=
# shellcheck disable=SC2317 # called from the cleanup
kl_stop() {
	[ -n "$kl_pid" ] || return 0
	local end=$(($(now_ms) + 10000))
	kill -TERM "$kl_pid" 2>/dev/null
	# keylat stops chaindeck first ('q', then TERM, then KILL, 2 s each): give it that long
	while kill -0 "$kl_pid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
	kill -KILL "$kl_pid" 2>/dev/null
	wait "$kl_pid" 2>/dev/null
	kl_pid=
}
cleanup_add kl_stop

declare -A R  # R[TAG.KEY] = value, from keylat's output

# fleet_run TAG NODES PCT KEYS: one chaindeck, idle window, then KEYS presses
fleet_run() {
	local tag=$1 n=$2 pct=$3 k=$4 dir=$BENCH_TMP/$1 rc line
	mkdir -p "$dir/config" "$dir/state" || return 1
	write_config "$dir/config.ini" "$n" "$pct"
	"$keylat" --ready-file "$dir/chaindeck.log" --start-timeout-ms "$frame_timeout_ms" \
		--idle-ms $((seconds * 1000)) --keys "$k" --quiet-ms "$quiet_ms" --timeout-ms "$key_timeout_ms" \
		--keys-max-ms "$keys_max_ms" --size 100x30 --raw "$dir/latency.txt" -- \
		env XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" \
		"$bin" --config "$dir/config.ini" --log "$dir/chaindeck.log" >"$dir/keylat.out" 2>"$dir/keylat.err" &
	kl_pid=$!
	wait "$kl_pid"
	rc=$?
	kl_pid=
	while IFS= read -r line; do
		case $line in *=*) R[$tag.${line%%=*}]=${line#*=} ;; esac
	done <"$dir/keylat.out"
	if [ "$rc" -ne 0 ]; then
		echo "fleet: run $tag ($n nodes, $pct % black holes): not measured (keylat status $rc):" >&2
		cat "$dir/keylat.err" >&2
		echo "fleet: last lines of the chaindeck log:" >&2
		tail -n 20 "$dir/chaindeck.log" >&2 2>/dev/null
		return 1
	fi
	# what chaindeck logged about trouble, for the table's notes
	R[$tag.log_error]=$(grep -c ' ERROR ' "$dir/chaindeck.log" 2>/dev/null)
	return 0
}

fleet_run n1 1 0 0 || exit 1
fleet_run n50 50 0 "$keys" || exit 1
fleet_run n200 200 0 "$keys" || exit 1
fleet_run n200_bh 200 "$bh_pct" "$keys" || exit 1

v() { printf '%s' "${R[$1]:-n/a}"; }
us() { [ "$1" = n/a ] && printf -- '-' || printf '%s' "$1"; }

# CPU ratio from the scheduler's count where there is one: at 1 node the tick count is often 0
if [ "$(v n1.idle_sched_ms)" != n/a ] && [ "$(v n200.idle_sched_ms)" != n/a ]; then
	cpu_ratio=$(ratio "$(v n200.idle_sched_ms)" "$(v n1.idle_sched_ms)")
else
	cpu_ratio=$(ratio "$(v n200.idle_cpu_ms)" "$(v n1.idle_cpu_ms)")
fi
p50_ratio=$(ratio "$(v n200_bh.p50_us)" "$(v n200.p50_us)")
p99_ratio=$(ratio "$(v n200_bh.p99_us)" "$(v n200.p99_us)")

printf 'fleet: refresh 1 s, %d anvils --block-time 1 (a chain id each), idle window %d s, %d key presses (j/k), pty 100x30\n' \
	"$nanvils" "$seconds" "$keys"
printf '  %5s %6s %8s %10s %10s %5s %9s %9s %9s %8s\n' \
	nodes holes 'cpu %' 'cpu ms' 'rss KiB' fds 'key p50' 'key p99' 'key max' timeouts
for tag in n1 n50 n200 n200_bh; do
	case $tag in
	n1) n=1 h=0 ;;
	n50) n=50 h=0 ;;
	n200) n=200 h=0 ;;
	n200_bh) n=200 h=$((200 * bh_pct / 100)) ;;
	esac
	printf '  %5s %6s %8s %10s %10s %5s %9s %9s %9s %8s\n' "$n" "$h" "$(v "$tag.idle_cpu_pct")" \
		"$(v "$tag.idle_sched_ms")" "$(kib "$(v "$tag.rss_kib")")" "$(v "$tag.fds")" \
		"$(us "$(v "$tag.p50_us")")" "$(us "$(v "$tag.p99_us")")" "$(us "$(v "$tag.max_us")")" \
		"$(us "$(v "$tag.timeouts")")"
done
printf '  cpu %% = utime+stime (clock ticks) / wall; cpu ms = on-CPU time in the window (scheduler, ns); key in us\n'
printf '  cpu 200 nodes / 1 node: %s | key latency with %d %% black holes / without: p50 %s  p99 %s\n' \
	"$cpu_ratio" "$bh_pct" "$p50_ratio" "$p99_ratio"
for tag in n1 n50 n200 n200_bh; do
	if [ "$(v "$tag.noisy")" != n/a ] && [ "$(v "$tag.noisy")" -gt 0 ]; then
		printf '  note: %s: %s presses were sent without %s ms of quiet before them\n' "$tag" "$(v "$tag.noisy")" "$quiet_ms"
	fi
	if [ "$(v "$tag.timeouts")" != n/a ] && [ "$(v "$tag.timeouts")" -gt 0 ]; then
		printf '  note: %s: %s presses drew nothing within %s ms\n' "$tag" "$(v "$tag.timeouts")" "$key_timeout_ms"
	fi
	if [ "$(v "$tag.log_error")" != n/a ] && [ "$(v "$tag.log_error")" -gt 0 ]; then
		printf '  note: %s: chaindeck logged %s ERROR lines\n' "$tag" "$(v "$tag.log_error")"
	fi
done

result fleet_seconds "$seconds"
result fleet_refresh_ms 1000
result fleet_anvils "$nanvils"
result fleet_blackhole_pct "$bh_pct"
for tag in n1 n50 n200 n200_bh; do
	for key in idle_cpu_pct idle_cpu_ms idle_sched_pct idle_sched_ms rss_kib hwm_kib fds; do
		result "fleet_${tag}_$key" "$(v "$tag.$key")"
	done
	[ "$tag" = n1 ] && continue
	for key in keys timeouts noisy count min_us p50_us p99_us max_us mean_us; do
		result "fleet_${tag}_key_$key" "$(v "$tag.$key")"
	done
done
result fleet_cpu_ratio_200_to_1 "$cpu_ratio"
result fleet_key_p50_ratio_blackholes "$p50_ratio"
result fleet_key_p99_ratio_blackholes "$p99_ratio"
exit 0
