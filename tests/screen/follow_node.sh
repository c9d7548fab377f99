#!/usr/bin/env bash
# The explorer follows the node selected in the dashboard, in a real terminal (tmux):
#   first   anvil --chain-id 1111, at block 0
#   second  anvil --chain-id 2222, 40 blocks mined (anvil_mine)
# At start the explorer shows the first node (chain 1111, head 0). Selecting the second node in the
# dashboard's grid (j) points the explorer at it: its header names the node, chain 2222 and head
# 40, and block 40 opened from the live list has the hash the second anvil gives for it (eth_
# getBlockByNumber, not our code). Selecting the first again (k) brings the explorer back.
#   third   anvil --chain-id 3333, added in the dashboard (a): the explorer follows it at once.
# The wallet follows the selection too, on a vault holding anvil's PUBLIC test mnemonic (account 0,
# 0xf39F…, given a distinct balance on the second anvil with anvil_setBalance):
#   - on the first node it shows chain 1111 and account 0's balance as `cast balance` gives it there;
#     unlocked, it sends 0.5 ETH to itself (tracked under "Sent from here")
#   - a second send is on its confirmation screen when the second node is selected: the wallet says
#     the send was dropped, shows chain 2222 and the second anvil's balance (cast balance), is still
#     unlocked, and does not show the first chain's sent transaction
#   - back on the first node the sent transaction shows again
#   - a send whose broadcast is in flight (a proxy holds eth_sendRawTransaction) keeps the wallet on
#     its node when the second is selected, and says so; released, the payment is mined on the first
#     chain (cast receipt, cast nonce)
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
. "$here/../lib/wallet.sh"
dash_home chaindeck-screen
ok_if() { if [ "$1" = 0 ]; then t_pass "$2"; else t_fail "$2"; fi; }

anvil_start --chain-id 1111 || die "anvil first starts"
first_url=$ANVIL_URL
anvil_start --chain-id 2222 || die "anvil second starts"
second_url=$ANVIL_URL
rpc_result "$second_url" anvil_mine '["0x28"]' >/dev/null || die "the second anvil mines 40 blocks"
[ "$(rpc_result "$second_url" eth_blockNumber)" = 0x28 ] || die "the second anvil is at block 40"
hash40=$(rpc_result "$second_url" eth_getBlockByNumber '["0x28", false]' |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["hash"])') || die "the second anvil gives block 40"

anvil_start --chain-id 3333 || die "anvil third starts"
third_url=$ANVIL_URL

# The vault: anvil's public test mnemonic (test keys, never for real funds); A0 is its account 0.
PASSWORD='Horse-battery-9-staple'
vault=$home/vault
wallet_restore "$PASSWORD"
# 1234.5678 ETH on the second anvil: not anvil's default 10000, so the figure shown tells the nodes apart.
rpc_result "$second_url" anvil_setBalance "[\"$A0\", \"0x42ed11e914577f8000\"]" >/dev/null ||
	die "the second anvil takes anvil_setBalance"
# wei as the pane shows ETH: no trailing zeros, no separators ("10000", "1234.5678")
eth_text() { python3 -c 'import sys; w = int(sys.argv[1]); f = ("%018d" % (w % 10**18)).rstrip("0"); print(str(w // 10**18) + ("." + f if f else ""))' "$1"; }
cast_eth() { eth_text "$(cast balance "$A0" --rpc-url "$1")"; }
re_escape() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g'; }

# The first node is reached through a proxy (tests/lib/rpc_proxy.py) that can hold a broadcast.
mode=$home/proxy-mode
echo honest >"$mode"
rpc_proxy_start "$first_url" "$mode" || die "the proxy in front of the first anvil answers"
config=$home/nodes.ini
cat >"$config" <<EOF2
[node "first"]
url = $PROXY_URL
timeout = 60000

[node "second"]
url = $second_url
EOF2

screen_chaindeck follow 120 32 XDG_DATA_HOME="$home/data" --config "$config" --vault "$vault" --log "$home/chaindeck.log"

# The dashboard's grid, with both nodes answering.
screen_wait_for '^ *first +.*1111' 15 >/dev/null && screen_wait_for '^ *second +.*2222' 15 >/dev/null
ok_if $? "the dashboard's grid shows both nodes and their chains"

screen_send 2
screen_wait_for '^ first \(chain 1111\) +head 0 ' 15 >/dev/null
ok_if $? "at start the explorer follows the first node: chain 1111, head 0"

# ---- the wallet on the first node ----
bal_first=$(cast_eth "$first_url")
screen_send 1
screen_wait_for '^ node first +chain 1111 ' 15 >/dev/null
ok_if $? "at start the wallet follows the first node: chain 1111"
screen_wait_for "^ 0 .* $A0  $(re_escape "$bal_first") *\$" 15 >/dev/null
ok_if $? "the wallet shows account 0's balance on the first node as cast gives it ($bal_first)"
screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$PASSWORD"
screen_send Enter
screen_wait_for 'unlocked \(L locks\)' 15 >/dev/null
ok_if $? "the wallet unlocks"
# send_eth TO AMOUNT: the send form (s) for ETH, up to its confirmation screen
send_eth() {
	screen_send s
	screen_wait_for 'Send to address' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
	screen_wait_for 'Token contract' 3 >/dev/null || return 1
	screen_send Enter
	screen_wait_for 'Amount in ETH' 3 >/dev/null || return 1
	screen_type "$2"
	screen_send Enter
	screen_wait_for 'y signs and sends exactly this' 15 >/dev/null
}
send_eth "$A0" 0.5 && screen_send y && screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null
ok_if $? "on the first node the wallet sends 0.5 ETH to account 0 itself"
screen_send Escape
screen_wait_for '^ nonce 0 +(included|confirmed) .*0\.5 ETH' 15 >/dev/null
ok_if $? "the sent transaction is tracked on the first node"
send_eth "$A0" 0.25
ok_if $? "a second send waits on its confirmation screen"
# 1 2 3 choose fees on a confirmation screen: Tab leaves it for the dashboard.
screen_send Tab
screen_send Tab

screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send j
screen_wait_for 'second \| chain 2222' 10 >/dev/null
ok_if $? "j selects the second node (the status line names it)"
screen_send 2
screen_wait_for '^ second \(chain 2222\) +head 40 ' 15 >/dev/null
ok_if $? "the explorer now follows the second node: chain 2222, head 40"
screen_wait_for '^ +40 ' 10 >/dev/null
ok_if $? "its live list starts at the second node's block 40"

# The top row is selected: Enter opens block 40, whose hash must be the second anvil's.
screen_send Enter
screen_wait_for "Hash +$hash40" 10 >/dev/null
ok_if $? "block 40 opened in the explorer has the hash the second anvil gives ($hash40)"

# ---- the wallet on the second node ----
bal_second=$(cast_eth "$second_url")
[ "$bal_second" = 1234.5678 ] || t_fail "cast sees the balance set on the second anvil" "$bal_second"
screen_send 1
screen_wait_for 'following second: the send being prepared was dropped' 5 >/dev/null
ok_if $? "the wallet says the send being prepared was dropped"
screen_wait_for '^ node second +chain 2222 ' 15 >/dev/null
ok_if $? "the wallet follows the second node: chain 2222"
screen_wait_for "^ 0 .* $A0  $(re_escape "$bal_second") *\$" 15 >/dev/null
ok_if $? "the wallet shows account 0's balance on the second node as cast gives it ($bal_second)"
screen_capture | grep -q 'unlocked (L locks)'
ok_if $? "the vault stays unlocked"
! screen_capture | grep -qE '^ nonce 0 .*0\.5 ETH'
ok_if $? "the first chain's sent transaction is not shown on the second"
screen_capture | grep -q 'y signs and sends'
ok_if $((!$?)) "no confirmation is left to sign"

screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send k
screen_wait_for 'first \| chain 1111' 10 >/dev/null
screen_send 2
# The wallet's send was mined on the first node: its head is what the node says now.
head_first=$(($(rpc_result "$first_url" eth_blockNumber)))
screen_wait_for "^ first \\(chain 1111\\) +head $head_first " 15 >/dev/null
ok_if $? "k selects the first node again and the explorer follows it back (chain 1111, head $head_first)"
screen_send 1
screen_wait_for '^ nonce 0 +(included|confirmed) .*0\.5 ETH' 15 >/dev/null
ok_if $? "back on the first node, the wallet shows its sent transaction again"

# ---- a broadcast in flight keeps the wallet on its node ----
# The proxy holds eth_sendRawTransaction: while it is held, selecting the second node moves the
# explorer but not the wallet, which says why; released, the payment lands on the first chain.
n_first=$(cast nonce "$A0" --rpc-url "$first_url")
echo hold-send >"$mode"
send_eth "$A0" 0.125 && screen_send y && screen_wait_for 'checking the chain id, signing, broadcasting' 10 >/dev/null
ok_if $? "a third send is being broadcast (the proxy holds it)"
screen_send Tab
screen_send Tab
screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send j
screen_wait_for 'second \| chain 2222' 10 >/dev/null
ok_if $? "during the broadcast j selects the second node"
grep -q "the wallet stays on first: a transaction is being sent through first" "$home/chaindeck.log"
ok_if $? "the log says the wallet stays on the first node while its transaction is being sent"
screen_send 1
screen_wait_for 'the wallet stays on first while a transaction is being sent' 5 >/dev/null
ok_if $? "the wallet's screen says it stays on the first node while the transaction is being sent"
rm -f "$mode"
screen_wait_for 'sent 0x[0-9a-f]{64}' 15 >/dev/null
ok_if $? "released, the broadcast completes on the wallet's screen"
h_held=$(screen_capture | grep -o 'sent 0x[0-9a-f]\{64\}' | head -n 1 | cut -c6-)
[ -n "$h_held" ] && [ "$(cast receipt "$h_held" --json --rpc-url "$first_url" 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')" = 0x1 ] &&
	[ "$(cast nonce "$A0" --rpc-url "$first_url")" = $((n_first + 1)) ]
ok_if $? "cast: the held payment was mined on the first chain, nonce $n_first -> $((n_first + 1))"
screen_send Escape
screen_wait_for '^ node first +chain 1111 ' 5 >/dev/null
ok_if $? "the wallet is still on the first node after the broadcast (the next selection moves it)"

# A node added in the dashboard becomes the selection, and the explorer follows it.
screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type third
screen_send Enter
screen_wait_for 'URL .*8545' 3 >/dev/null
screen_send C-u
screen_type "$third_url"
screen_send Enter
screen_wait_for 'third \| chain 3333' 15 >/dev/null
ok_if $? "a node added in the dashboard is selected (the status line names it)"
screen_send 2
screen_wait_for '^ third \(chain 3333\) +head 0 ' 15 >/dev/null
ok_if $? "the explorer follows the node just added: chain 3333"
grep -q "the explorer follows second" "$home/chaindeck.log"
ok_if $? "the log says which node the explorer follows"

screen_send q
st=$(screen_wait_exit 10)
[ "$st" = 0 ] || screen_wait_for 'chaindeck exited with status 0' 5 >/dev/null
ok_if $? "q quits with status 0"
t_done
