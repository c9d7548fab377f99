#!/usr/bin/env bash
# Block propagation delay, in a real terminal (tmux) with --metrics serving alongside the TUI:
#   a, b   two anvils started with the same genesis timestamp: mined with the same block timestamp,
#          they build the very same blocks (checked with cast). Each round mines on a, waits, and
#          mines the same block on b: b reports each hash later than a, by the wait this script
#          measured itself. chaindeck's delay for b must match it (within the poll period and
#          latencies); a's must be about 0.
#   solo   an anvil alone on chain 999: its delay is the head's arrival relative to the block's
#          timestamp, which this script sets 30 s in the past, and is labelled as such.
# Checked in the exporter's text (chaindeck_node_propagation_seconds), in the grid's PROP column
# and in the detail view (last/p50/p95, which figure it is, the histogram).
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
CAST=$CHAINDECK_NPM_BIN/cast
dash_home chaindeck-screen
anvil_start --timestamp 1700000000 || { t_fail "anvil a starts"; t_done; exit 1; }
url_a=$ANVIL_URL
anvil_start --timestamp 1700000000 || { t_fail "anvil b starts"; t_done; exit 1; }
url_b=$ANVIL_URL
# genesis an hour ago: the block stamped 30 s ago comes after it
anvil_start --chain-id 999 --timestamp $(($(date +%s) - 3600)) || { t_fail "anvil solo starts"; t_done; exit 1; }
url_s=$ANVIL_URL
[ "$("$CAST" block 0 -f hash -r "$url_a")" = "$("$CAST" block 0 -f hash -r "$url_b")" ] &&
	t_pass "a and b share their genesis block" || t_fail "a and b share their genesis block" "hashes differ"

config=$home/fleet.ini
cat >"$config" <<EOF
[general]
refresh = 200
[node "a"]
url = $url_a
[node "b"]
url = $url_b
[node "solo"]
url = $url_s
EOF
chmod 600 "$config"
mport=$(free_port)
screen_chaindeck prop 170 45 --config "$config" --log "$home/chaindeck.log" --metrics "127.0.0.1:$mport"

metrics() { curl -s --max-time 5 "http://127.0.0.1:$mport/metrics"; }
all_up() { [ "$(metrics | grep -c '^chaindeck_node_up{.*} 1$')" = 3 ]; }
wait_until() {
	local end=$(($(now_ms) + $1 * 1000)); shift
	until "$@"; do [ "$(now_ms)" -ge "$end" ] && return 1; sleep 0.1; done
}
if wait_until 15 all_up; then t_pass "--metrics with the TUI: three nodes up in /metrics"
else t_fail "--metrics with the TUI" "$(metrics | grep '^chaindeck_node_up'; screen_capture)"; fi
t_ok "the grid shows a PROP column" screen_wait_for '^ NODE.*PROP l/50/95' 5

# Three rounds: a first, b after a wait; the wait is measured here, around the two mining calls.
rounds=3 wait_ms=1500 total_ms=0 same=0
for ((r = 1; r <= rounds; r++)); do
	ts=$(($(date +%s) - 1))
	"$CAST" rpc -r "$url_a" evm_setNextBlockTimestamp "$ts" >/dev/null
	"$CAST" rpc -r "$url_b" evm_setNextBlockTimestamp "$ts" >/dev/null
	t0=$(now_ms)
	"$CAST" rpc -r "$url_a" evm_mine >/dev/null
	t1=$(now_ms)
	sleep "$(awk -v m=$wait_ms 'BEGIN { printf "%.3f", m / 1000 }')"
	t2=$(now_ms)
	"$CAST" rpc -r "$url_b" evm_mine >/dev/null
	t3=$(now_ms)
	# a's block existed from somewhere in [t0,t1], b's from [t2,t3]: the midpoints' distance
	total_ms=$((total_ms + (t2 + t3) / 2 - (t0 + t1) / 2))
	[ "$("$CAST" block latest -f hash -r "$url_a")" = "$("$CAST" block latest -f hash -r "$url_b")" ] && same=$((same + 1))
	sleep 0.5
done
[ "$same" = "$rounds" ] && t_pass "a and b mined the same $rounds blocks (same hashes)" ||
	t_fail "a and b mined the same blocks" "$same of $rounds hashes equal"
# solo: a block whose timestamp is 30 s ago
"$CAST" rpc -r "$url_s" evm_setNextBlockTimestamp $(($(date +%s) - 30)) >/dev/null
"$CAST" rpc -r "$url_s" evm_mine >/dev/null

# value NAME NODE REL: a sample of the propagation histogram
value() {
	metrics | sed -n "s/^chaindeck_node_propagation_seconds_$1{node=\"$2\",chain_id=\"[0-9]*\",relative_to=\"$3\"} //p"
}
counted() { [ "$(value count b first_report)" = "$rounds" ] && [ "$(value count solo block_timestamp)" = 1 ]; }
if wait_until 10 counted; then t_pass "every round counted once for b, the solo block once"
else t_fail "rounds counted" "$(metrics | grep propagation_seconds_count)"; fi
want=$((total_ms / rounds))
got=$(awk -v s="$(value sum b first_report)" -v n=$rounds 'BEGIN { printf "%d", s * 1000 / n }')
# the poll period (200 ms) on each side, plus the answer latencies
if [ $((got - want)) -le 450 ] && [ $((want - got)) -le 450 ]; then
	t_pass "b's mean delay ${got} ms matches the measured ${want} ms (within 450 ms)"
else
	t_fail "b's mean delay matches the measured wait" "chaindeck ${got} ms, measured ${want} ms"
fi
a_sum=$(value sum a first_report)
a_ms=$(awk -v s="${a_sum:-0}" 'BEGIN { printf "%d", s * 1000 }')
[ -n "$a_sum" ] && [ "$a_ms" -le $((rounds * 100)) ] && t_pass "a, first to report, has delays of about 0 (${a_ms} ms in all)" ||
	t_fail "a's delays are about 0" "sum '${a_sum}'"
solo_ms=$(awk -v s="$(value sum solo block_timestamp)" 'BEGIN { printf "%d", s * 1000 }')
[ "$solo_ms" -ge 29000 ] && [ "$solo_ms" -le 33000 ] &&
	t_pass "solo's arrival relative to the block timestamp: ${solo_ms} ms (block stamped 30 s ago)" ||
	t_fail "solo's arrival relative to the block timestamp" "${solo_ms} ms"
metrics | grep -q 'propagation_seconds_count{node="solo",chain_id="999",relative_to="first_report"}' &&
	t_fail "solo has no network delay" "it has" || t_pass "solo has no network delay (nothing to compare with)"

# The grid: b's PROP cell is last/p50/p95 in seconds, about the wait; solo's says "ts".
t_ok "grid: b's propagation about ${want} ms" screen_wait_for '^ b .* (1\.[0-9]|2\.[0-9])/(1\.[0-9]|2\.[0-9])/(1\.[0-9]|2\.[0-9])( |$)' 5
t_ok "grid: solo's figure is marked as against the block timestamp" screen_wait_for '^ solo .* 3[0-9]\.[0-9]/3[0-9]\.[0-9]/3[0-9]\.[0-9] ts' 5

# detail_select NAME: from the grid, Enter opens the selected node's details; j until NAME's
detail_select() {
	local i
	screen_send Enter
	screen_wait_for '^ Node ' 3 >/dev/null || return 1
	for ((i = 0; i < 4; i++)); do
		screen_capture | grep -qE "^ Node +$1 " && return 0
		screen_send j
		sleep 0.3
	done
	screen_wait_for "^ Node +$1 " 2
}
detail_select b >/dev/null
t_ok "detail: b's delay with p50, p95 and what it is measured against" \
	screen_wait_for 'Prop delay +[0-9.]+ (ms|s) +\(p50 [0-9.]+ (ms|s), p95 [0-9.]+ (ms|s) over 3 blocks; after the first node of this chain' 5
t_ok "detail: b's propagation histogram starts at the first bucket" screen_wait_for 'Prop\. hist +<= 100\.0 ms' 5
if screen_capture | grep -qE '<= 2\.00 s +[#█]+ 3$'; then t_pass "detail: the histogram has the 3 blocks in the 1-2 s bucket"
else t_fail "detail: the histogram has the 3 blocks in the 1-2 s bucket" "$(screen_capture | grep -A9 'Prop. hist')"; fi
screen_send Escape
screen_wait_for '^ NODE' 3 >/dev/null
detail_select solo >/dev/null
t_ok "detail: solo's figure is the arrival after the block timestamp" \
	screen_wait_for 'Prop delay +3[0-9]\.[0-9]+ s .*arrival after the block timestamp: no other node on this chain' 5
screen_send q
t_ok "q quits" screen_wait_for 'chaindeck exited with status 0' 5
t_done
