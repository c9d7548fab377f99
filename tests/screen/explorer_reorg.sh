#!/usr/bin/env bash
# The explorer through reorgs, in a real terminal (tmux), against anvil behind a proxy that counts
# the calls chaindeck sends (tests/lib/rpc_proxy.py: the count is taken outside chaindeck). With
# refresh = 100, six anvil_reorg of depth 3 to 8: after each one the list reaches the node's head,
# every replaced height shows a REPLACED row, "reorgs seen" counts reorgs (not replaced blocks), and
# the block calls per second stay bounded; a new block after the reorgs is listed. A block view
# on a replaced block says it was reloaded; a transaction a reorg dropped says so. Then the same
# through a proxy that refuses block filters, so chaindeck follows by polling.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"

anvil_start || die "anvil starts"
U=$ANVIL_URL
rpc "$U" anvil_mine '["0x14"]' >/dev/null || die "anvil mines 20 blocks"

rpc_proxy_start "$U" "$home/proxy-mode" || die "the counting proxy answers"
P=$PROXY_URL

# calls METHOD: how many calls of METHOD went through the proxy ($P) so far
calls() { curl -s "$P/counts" | python3 -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"; }
block_calls() { echo $(($(calls eth_getBlockByNumber) + $(calls eth_getBlockByHash))); }
node_head() { rpc_result "$U" eth_blockNumber '[]' | python3 -c 'import sys; print(int(sys.stdin.read().strip().strip("\""), 16))'; }
head_of() { screen_capture | sed -n 's/^ .* head \([0-9,]*\) .*/\1/p' | tr -d ,; }
# replaced_at N: the screen has a REPLACED row at height N
replaced_at() { screen_capture | grep -Eq "^ $1 .*REPLACED \(reorg\)"; }
# unmarked LO HI: waits up to 3 s for a REPLACED row at every height LO..HI; prints those without one
unmarked() {
	local k missing end=$(($(now_ms) + 3000))
	while :; do
		missing=""
		for ((k = $1; k <= $2; k++)); do replaced_at "$k" || missing="$missing $k"; done
		[ -z "$missing" ] || [ "$(now_ms)" -ge "$end" ] && break
		sleep 0.1
	done
	printf '%s' "$missing"
}
# measure_rate: block calls per second over the next two seconds; the worst one is kept in $worst
worst=0
measure_rate() {
	local c0 t0 rate
	c0=$(block_calls)
	t0=$(now_ms)
	sleep 2
	rate=$((($(block_calls) - c0) * 1000 / ($(now_ms) - t0)))
	echo "# $1: $rate block calls/s"
	[ "$rate" -gt "$worst" ] && worst=$rate
}

mkdir -p "$home/config/chaindeck"
printf '[general]\nrefresh = 100\n' >"$home/config/chaindeck/config.ini"
explorer_start reorg 120 60 "$P" || die "tmux starts"
screen_send 2
h0=$(node_head)
t_ok "the live list reaches the head ($h0)" screen_wait_for "^ [^ ]+( \(chain [0-9]+\))? +head $h0 +following by block filter +reorgs seen 0" 10

n=0
most=0
for depth in 3 8 5 4 7 6; do
	n=$((n + 1))
	cb=$(block_calls)
	rpc "$U" anvil_reorg "[$depth, []]" >/dev/null || die "anvil_reorg $depth"
	h=$(node_head)
	if screen_wait_for "head $h +following by block filter +reorgs seen $n\$" 10 >/dev/null; then
		t_pass "reorg $n (depth $depth): the list is at head $h, reorgs seen $n"
	else
		t_fail "reorg $n (depth $depth): the list is at head $h, reorgs seen $n" "$(screen_capture | sed -n 1p)"
	fi
	missing=$(unmarked $((h - depth + 1)) "$h")
	if [ -z "$missing" ]; then t_pass "reorg $n: every replaced height ($((h - depth + 1))..$h) is marked"
	else t_fail "reorg $n: every replaced height ($((h - depth + 1))..$h) is marked" "unmarked:$missing"; fi
	# what following the reorg cost: a bounded walk, not a loop
	spent=$(($(block_calls) - cb))
	echo "# reorg $n (depth $depth): $spent block calls until it was shown"
	[ "$spent" -gt "$most" ] && most=$spent
	measure_rate "after reorg $n"
done
# a reorg of depth d refetches its d blocks and a walk of at most a few batches of 10
if [ "$most" -le 40 ]; then t_pass "each reorg took a bounded number of block calls (most $most)"
else t_fail "each reorg took a bounded number of block calls (most $most)"; fi

# a reorg to a shorter chain: three blocks mined, then taken back (evm_revert to a snapshot)
snap=$(rpc_result "$U" evm_snapshot '[]') || die "evm_snapshot"
hs=$(node_head)
rpc "$U" anvil_mine '["0x3"]' >/dev/null || die "anvil mines 3 blocks"
t_ok "three more blocks are listed (head $((hs + 3)))" screen_wait_for "head $((hs + 3)) +following by" 5
rpc "$U" evm_revert "[\"$snap\"]" | grep -q '"result":true' || die "evm_revert"
t_ok "the chain got shorter: the list goes back to head $hs" screen_wait_for "head $hs +following by block filter +reorgs seen $((n + 1))\$" 10
measure_rate "after the chain got shorter"
missing=$(unmarked $((hs + 1)) $((hs + 3)))
if [ -z "$missing" ]; then t_pass "the blocks above the new head are marked"; else t_fail "the blocks above the new head are marked" "unmarked:$missing"; fi

# at 80 columns the mark is whole too (it takes the recipient's place)
screen_resize 80 60
t_ok "[80 columns] a replaced row still says REPLACED (reorg) in full" screen_wait_for "^ $((hs + 1)) .*REPLACED \(reorg\)\$" 5
screen_resize 120 60

rpc "$U" evm_mine '[]' >/dev/null || die "anvil mines a block"
h=$(node_head)
t_ok "after the reorgs a new block is followed (head $h)" screen_wait_for "head $h +following by" 5
t_ok "... and listed" screen_wait_for "^ $h +[0-9]+[smhd] " 5
measure_rate "after a new block"
# the blocks fetched by number or hash (the dashboard's polls of "latest" are counted apart): a
# reorg is walked down in a batch or two, then nothing needs fetching until the next block
if [ "$worst" -le 10 ]; then t_pass "block calls stay bounded after reorgs (worst ${worst}/s)"
else t_fail "block calls stay bounded after reorgs (worst ${worst}/s)"; fi

# a block on screen that a reorg replaces is loaded again, and says so
search "$h"
t_ok "block $h opens" screen_wait_for "^ Block +#$h( |\$)" 5
rpc "$U" anvil_reorg '[2, []]' >/dev/null || die "anvil_reorg 2"
t_ok "the block view says it was reloaded after a reorg" \
	screen_wait_for "^ Reorg +reloaded: a reorg replaced block $h, which this view was on" 5
t_ok "... and shows the block now at that height" screen_wait_for "^ Block +#$h( |\$)" 5

# a transaction on screen that a reorg drops says so
A0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
tx=$(rpc_result "$U" eth_sendTransaction "[{\"from\":\"$A0\",\"to\":\"$A0\",\"value\":\"0x1\"}]") && [ -n "$tx" ] ||
	die "a transaction is sent"
tb=$(node_head)
search "$tx"
t_ok "the transaction opens" screen_wait_for '^ Status +success' 5
rpc "$U" anvil_reorg '[2, []]' >/dev/null || die "anvil_reorg 2"
[ "$(rpc_result "$U" eth_getTransactionByHash "[\"$tx\"]")" = null ] || die "the reorg dropped the transaction (node)"
t_ok "the view says a reorg dropped the transaction" \
	screen_wait_for "transaction dropped by a reorg: it was in block $tb, which a reorg replaced" 5

screen_send q
t_ok "q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5

# ---- polling (a node without block filters: the proxy refuses eth_newBlockFilter) ----------------
echo refuse=eth_newBlockFilter >"$home/poll-mode"
rpc_proxy_start "$U" "$home/poll-mode" || die "the polling proxy answers"
P=$PROXY_URL
explorer_start poll 120 60 "$P" || die "tmux starts (poll)"
screen_send 2
h=$(node_head)
t_ok "poll: the list reaches the head ($h) by polling" screen_wait_for "head $h +following by polling +reorgs seen 0\$" 10
rpc "$U" anvil_reorg '[5, []]' >/dev/null || die "anvil_reorg 5 (poll)"
t_ok "poll: a reorg of depth 5 is one reorg" screen_wait_for "head $h +following by polling +reorgs seen 1\$" 10
missing=$(unmarked $((h - 4)) "$h")
[ -z "$missing" ] && t_pass "poll: every replaced height is marked" || t_fail "poll: every replaced height is marked" "unmarked:$missing"
snap=$(rpc_result "$U" evm_snapshot '[]') || die "evm_snapshot (poll)"
rpc "$U" anvil_mine '["0x3"]' >/dev/null || die "anvil mines 3 blocks (poll)"
t_ok "poll: three more blocks" screen_wait_for "head $((h + 3)) +following by polling" 5
rpc "$U" evm_revert "[\"$snap\"]" | grep -q '"result":true' || die "evm_revert (poll)"
t_ok "poll: the shorter chain's head $h" screen_wait_for "head $h +following by polling +reorgs seen 2\$" 10
measure_rate "poll: after the chain got shorter"
rpc "$U" evm_mine '[]' >/dev/null || die "anvil mines a block (poll)"
t_ok "poll: a new block is followed" screen_wait_for "head $((h + 1)) +following by polling" 5
measure_rate "poll: after a new block"
if [ "$worst" -le 10 ]; then t_pass "poll: block calls stay bounded (worst ${worst}/s)"
else t_fail "poll: block calls stay bounded (worst ${worst}/s)"; fi
screen_send q
t_ok "poll: q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5
t_done
