#!/usr/bin/env bash
# The Prometheus exporter at scale: a headless chaindeck with --metrics watching 200, then 1,000
# nodes at refresh = 1000 ms, the node URLs spread over a few local anvils (--block-time 1, a chain
# id each), as bench_fleet.sh does. For each size, once every node has answered:
#   - one scrape of /metrics, BENCH_EXPORTER_SCRAPES (20) times with curl: median time and size;
#   - CPU per node per poll over an idle window of BENCH_EXPORTER_SECONDS (10): on-CPU time of the
#     process (utime+stime) / the polls it sent in the window (the sum of chaindeck_node_polls_total).
# Then the screen: key-to-screen latency (keylat, BENCH_EXPORTER_KEYS (200) presses of j/k) with 200
# nodes and --metrics, while a scraper fetches /metrics every second as Prometheus would, against
# the same run without --metrics and without a scraper.
# Reported as ratios against the references measured here: scrape 1,000 / 200 nodes, CPU per node
# per poll 1,000 / 200, key p99 with / without scraping. Nothing is asserted.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

seconds=${BENCH_EXPORTER_SECONDS:-10}
scrapes=${BENCH_EXPORTER_SCRAPES:-20}
keys=${BENCH_EXPORTER_KEYS:-200}
frame_timeout_ms=$((${BENCH_FRAME_TIMEOUT:-20} * 1000))
bin=$BENCH_BUILD/chaindeck
keylat=$BENCH_BUILD/tests/tools/keylat
nanvils=4
tck=$(getconf CLK_TCK)

bench_tmp || exit 1
anvils=()
for ((i = 0; i < nanvils; i++)); do
	if ! anvil_start --block-time 1 --chain-id $((31337 + i)); then
		echo "exporter: anvil $((i + 1)) of $nanvils did not start" >&2
		exit 1
	fi
	anvils+=("$ANVIL_URL")
done

write_config() {
	local file=$1 n=$2 i
	{
		printf '[general]\nrefresh = 1000\n'
		for ((i = 1; i <= n; i++)); do
			printf '\n[node "n%04d"]\nurl = %s\n' "$i" "${anvils[(i - 1) % nanvils]}"
		done
	} >"$file"
}

declare -A R

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
polls_sum() { curl -s --max-time 10 "$1" | awk '/^chaindeck_node_polls_total/ { s += $NF } END { print s + 0 }'; }

# headless_run TAG NODES: scrape times and CPU per node per poll
headless_run() {
	local tag=$1 n=$2 dir=$BENCH_TMP/$1 port url pid end up t0 t1 p0 p1 times=() i size
	mkdir -p "$dir" || return 1
	write_config "$dir/config.ini" "$n"
	port=$(free_port)
	url=http://127.0.0.1:$port/metrics
	_spawn env XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir" "$bin" --headless --metrics "127.0.0.1:$port" \
		--config "$dir/config.ini" --log "$dir/chaindeck.log"
	pid=$_spawned_pid
	node_track "$pid"
	end=$(($(now_ms) + frame_timeout_ms * 3))
	while :; do
		up=$(curl -s --max-time 5 "$url" | grep -c '^chaindeck_node_up{.*} 1$')
		[ "$up" -ge "$n" ] && break
		if [ "$(now_ms)" -ge "$end" ]; then
			echo "exporter: $tag: only $up of $n nodes up" >&2
			tail -n 5 "$dir/chaindeck.log" >&2
			proc_stop "$pid"
			return 1
		fi
		sleep 0.5
	done
	sleep 2 # a few more rounds: every series present, rates settled
	for ((i = 0; i < scrapes; i++)); do
		times+=("$(curl -s -o "$dir/scrape.txt" -w '%{time_total}' "$url" | awk '{ printf "%d", $1 * 1000000 }')")
	done
	read -r R[$tag.scrape_min_us] R[$tag.scrape_med_us] R[$tag.scrape_max_us] < <(stats "${times[@]}")
	size=$(wc -c <"$dir/scrape.txt")
	R[$tag.scrape_bytes]=$size
	t0=$(cpu_ticks "$pid") p0=$(polls_sum "$url")
	sleep "$seconds"
	t1=$(cpu_ticks "$pid") p1=$(polls_sum "$url")
	R[$tag.cpu_ms]=$(((t1 - t0) * 1000 / tck))
	R[$tag.polls]=$((p1 - p0))
	R[$tag.cpu_us_per_node_poll]=$(awk -v c=$(((t1 - t0) * 1000000 / tck)) -v p=$((p1 - p0)) 'BEGIN { if (p > 0) printf "%.1f", c / p; else print "n/a" }')
	proc_stop "$pid"
}

# key_run TAG SCRAPE(0|1): 200 nodes in the terminal; with SCRAPE, --metrics and a scraper each second
kl_pid='' sc_pid=''
# shellcheck disable=SC2317 # called from the cleanup
kl_stop() {
	[ -n "$sc_pid" ] && kill "$sc_pid" 2>/dev/null && wait "$sc_pid" 2>/dev/null
	sc_pid=''
	[ -n "$kl_pid" ] || return 0
	kill -TERM "$kl_pid" 2>/dev/null
	wait "$kl_pid" 2>/dev/null
	kl_pid=''
}
cleanup_add kl_stop
key_run() {
	local tag=$1 scrape=$2 dir=$BENCH_TMP/$1 port extra=() rc line
	mkdir -p "$dir" || return 1
	write_config "$dir/config.ini" 200
	if [ "$scrape" = 1 ]; then
		port=$(free_port)
		extra=(--metrics "127.0.0.1:$port")
		(while :; do curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$port/metrics"; sleep 1; done) &
		sc_pid=$!
	fi
	"$keylat" --ready-file "$dir/chaindeck.log" --start-timeout-ms "$frame_timeout_ms" \
		--idle-ms 3000 --keys "$keys" --quiet-ms 30 --timeout-ms 2000 --keys-max-ms 60000 --size 100x30 -- \
		env XDG_CONFIG_HOME="$dir" XDG_STATE_HOME="$dir" \
		"$bin" --config "$dir/config.ini" --log "$dir/chaindeck.log" "${extra[@]}" >"$dir/keylat.out" 2>"$dir/keylat.err" &
	kl_pid=$!
	wait "$kl_pid"
	rc=$?
	kl_pid=''
	kl_stop
	while IFS= read -r line; do
		case $line in *=*) R[$tag.${line%%=*}]=${line#*=} ;; esac
	done <"$dir/keylat.out"
	if [ "$rc" -ne 0 ]; then
		echo "exporter: key run $tag not measured (keylat status $rc):" >&2
		cat "$dir/keylat.err" >&2
		return 1
	fi
	return 0
}

headless_run h200 200 || exit 1
headless_run h1000 1000 || exit 1
key_run k_plain 0 || exit 1
key_run k_scraped 1 || exit 1

v() { printf '%s' "${R[$1]:-n/a}"; }
scrape_ratio=$(ratio "$(v h1000.scrape_med_us)" "$(v h200.scrape_med_us)")
cpu_ratio=$(ratio "$(v h1000.cpu_us_per_node_poll)" "$(v h200.cpu_us_per_node_poll)")
p50_ratio=$(ratio "$(v k_scraped.p50_us)" "$(v k_plain.p50_us)")
p99_ratio=$(ratio "$(v k_scraped.p99_us)" "$(v k_plain.p99_us)")

printf 'exporter: refresh 1 s, %d anvils --block-time 1, %d scrapes per size, idle window %d s, %d key presses\n' \
	"$nanvils" "$scrapes" "$seconds" "$keys"
printf '  %6s %12s %12s %12s %10s %8s %10s\n' nodes 'scrape med' 'scrape max' 'bytes' 'cpu ms' polls 'us/node/poll'
for tag in h200 h1000; do
	printf '  %6s %12s %12s %12s %10s %8s %10s\n' "${tag#h}" "$(ms "$(v "$tag.scrape_med_us")") ms" \
		"$(ms "$(v "$tag.scrape_max_us")") ms" "$(kib "$(v "$tag.scrape_bytes")")" "$(v "$tag.cpu_ms")" \
		"$(v "$tag.polls")" "$(v "$tag.cpu_us_per_node_poll")"
done
printf '  key-to-screen, 200 nodes (us): without --metrics p50 %s p99 %s | scraped every second p50 %s p99 %s\n' \
	"$(v k_plain.p50_us)" "$(v k_plain.p99_us)" "$(v k_scraped.p50_us)" "$(v k_scraped.p99_us)"
printf '  scrape 1000 / 200 nodes: %s | cpu per node per poll 1000 / 200: %s | key p50 scraped / not: %s  p99: %s\n' \
	"$scrape_ratio" "$cpu_ratio" "$p50_ratio" "$p99_ratio"

for tag in h200 h1000; do
	for key in scrape_min_us scrape_med_us scrape_max_us scrape_bytes cpu_ms polls cpu_us_per_node_poll; do
		result "exporter_${tag}_$key" "$(v "$tag.$key")"
	done
done
for tag in k_plain k_scraped; do
	for key in keys timeouts p50_us p99_us max_us; do
		result "exporter_${tag}_$key" "$(v "$tag.$key")"
	done
done
result exporter_scrape_ratio_1000_to_200 "$scrape_ratio"
result exporter_cpu_per_node_poll_ratio_1000_to_200 "$cpu_ratio"
result exporter_key_p50_ratio_scraped "$p50_ratio"
result exporter_key_p99_ratio_scraped "$p99_ratio"
exit 0
