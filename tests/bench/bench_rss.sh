#!/usr/bin/env bash
# Resident memory of chaindeck watching a local anvil (--block-time 1): VmRSS right after the first
# full frame and again BENCH_RSS_SECONDS (60) later. The figure is the growth ratio after/first
# (about 1.00: no growth while it polls and redraws) next to the two absolute values.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

seconds=${BENCH_RSS_SECONDS:-60}
frame_timeout_ms=$((${BENCH_FRAME_TIMEOUT:-20} * 1000))
bin=$BENCH_BUILD/chaindeck
marker='first full frame after'
sess=rss

bench_tmp || exit 1
if ! anvil_start --block-time 1; then
	echo "rss: anvil did not start" >&2
	exit 1
fi

vm() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB$/\1/p" "/proc/$1/status" 2>/dev/null; }
head_on_screen() { tmx capture-pane -p -t "=$sess:" 2>/dev/null | sed -n 's/^ *Head *#\([0-9]*\).*/\1/p' | head -n 1; }
fail() {
	echo "rss: $*" >&2
	tmx_screen "$sess" >&2
	tail -n 20 "$log" >&2 2>/dev/null
	tmx kill-session -t "=$sess" 2>/dev/null
	exit 1
}

mkdir -p "$BENCH_TMP/config" "$BENCH_TMP/state" || exit 1
log=$BENCH_TMP/chaindeck.log
# exec all the way down: the pane's process is chaindeck itself, so pane_pid is its pid
cmd="exec $(printf '%q ' env XDG_CONFIG_HOME="$BENCH_TMP/config" XDG_STATE_HOME="$BENCH_TMP/state" \
	"$bin" --rpc-url "$ANVIL_URL" --log "$log")"
tmx new-session -d -s "$sess" -x 100 -y 30 "$cmd" || fail "tmux could not start a session"
pid=$(tmx display -p -t "=$sess:" '#{pane_pid}') || fail "no pane pid"
if [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" != "$(readlink -f "$bin")" ]; then
	# the shell may not have exec'd yet: wait for it (bounded)
	end=$(($(now_ms) + 5000))
	until [ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ]; do
		[ "$(now_ms)" -ge "$end" ] && fail "pane pid $pid is not $bin"
		sleep 0.01
	done
fi

wait_for_text "$log" "$marker" "$frame_timeout_ms" || fail "no full frame within ${BENCH_FRAME_TIMEOUT:-20} s"
rss_first=$(vm "$pid" VmRSS)
[ -n "$rss_first" ] || fail "cannot read /proc/$pid/status"
head_first=$(head_on_screen)

# the observation window itself: check every second that chaindeck is still there
end=$(($(now_ms) + seconds * 1000))
while [ "$(now_ms)" -lt "$end" ]; do
	kill -0 "$pid" 2>/dev/null || fail "chaindeck exited during the ${seconds} s window"
	left=$((end - $(now_ms)))
	if [ "$left" -ge 1000 ]; then sleep 1; elif [ "$left" -gt 0 ]; then sleep "0.$(printf '%03d' "$left")"; fi
done
rss_after=$(vm "$pid" VmRSS)
hwm=$(vm "$pid" VmHWM)
[ -n "$rss_after" ] || fail "chaindeck gone at the end of the window"
head_after=$(head_on_screen)

tmx send-keys -t "=$sess:" q
if ! tmx_wait_gone "$sess" 5000; then
	echo "rss: chaindeck did not quit on q within 5 s" >&2
	tmx kill-session -t "=$sess" 2>/dev/null
fi

growth=$(ratio "$rss_after" "$rss_first")
delta=$((rss_after - rss_first))
[ "$delta" -ge 0 ] && delta=+$delta
printf 'rss after first frame: %s KiB  after %s s: %s KiB  growth %s (%s KiB)  peak %s KiB\n' \
	"$(kib "$rss_first")" "$seconds" "$(kib "$rss_after")" "$growth" "$delta" "$(kib "${hwm:-0}")"
if [ -n "$head_first" ] && [ -n "$head_after" ]; then
	printf '  head on screen went from #%s to #%s during the window\n' "$head_first" "$head_after"
	if [ "$head_after" -le "$head_first" ] && [ "$seconds" -ge 3 ]; then
		echo "  note: the head did not advance: chaindeck was not polling, so the growth figure says little"
	fi
fi

result rss_seconds "$seconds"
result rss_first_frame_kib "$rss_first"
result rss_after_kib "$rss_after"
result rss_peak_kib "${hwm:-0}"
result rss_growth "$growth"
result rss_growth_kib "$delta"
[ -n "$head_first" ] && result rss_head_first "$head_first"
[ -n "$head_after" ] && result rss_head_after "$head_after"
exit 0
