#!/usr/bin/env bash
# The wallet's confirmation screen against anvil, checked on the node with cast and JSON-RPC:
#   - it signs only when every row and every full address fit: at 80x12 and at 40x24 it says
#     "enlarge the terminal to confirm" and y sends nothing (nonce and balance unchanged); a node on
#     plain HTTP off loopback gets its warning whole at 80x24, and at 80x17 it no longer fits
#   - after y has sent a payment, 1 then y sends nothing more (the nonce advanced by exactly 1)
#   - a transaction with calldata shows the decoded call, in the send and the replacement alike:
#     the speed-up of a token transfer shows the token recipient and amount, not "0 ETH"
#   - a custom nonce of -1 or 12abc, and a gas limit of 0 from the node's estimate, are refused
#     with a clear message before anything is signed
#   - the replace screen: c sets custom fees (refused below the node's replacement minimum), the
#     old fees are shown beside the new ones, the keys it does not take are not offered
#   - the fee level is named; "slow" pays at least what recent blocks paid; a call the node says
#     will revert gets the gas it uses, never a guaranteed out-of-gas 21000
# The vault holds anvil's PUBLIC test mnemonic (test keys, never for real funds).
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/erc20.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
CAST=${CAST:-$here/../npm/bin/cast}
t_start=$(now_ms)

wallet_home chaindeck-confirm

PASSWORD='Horse-battery-9-staple'
A5=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
KEY5=0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba
wallet_restore "$PASSWORD" 2

balance() { "$CAST" balance --rpc-url "$1" "$2"; }
nonce_of() { "$CAST" nonce --rpc-url "$1" --block "${3:-pending}" "$2"; }
head_of() { "$CAST" block-number --rpc-url "$1"; }
# cast_field URL HASH FIELD: one field of `cast tx --json` (quantities in decimal)
cast_field() {
	"$CAST" tx --json --rpc-url "$1" "$2" | py '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
if isinstance(v, str) and v.startswith("0x") and len(v) <= 66 and sys.argv[1] not in ("to", "from", "input", "hash", "blockHash"):
    v = int(v, 16)
print("" if v is None else v)' "$3"
}
# blocks_pass URL N: waits until the node has mined N more blocks (a send would be in by then)
blocks_pass() {
	local want=$(($(head_of "$1") + $2)) end=$(($(now_ms) + 20000))
	while [ "$(head_of "$1")" -lt "$want" ]; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# start_unlocked NAME URL COLS ROWS: chaindeck on the vault, on the wallet pane, unlocked
start_unlocked() {
	run_chaindeck "$@"
	screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts ($1)" "$(screen_capture)"
	screen_send 1
	screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "the wallet pane shows ($1)"
	unlock_ok || die "the vault unlocks ($1)"
}

back_to_main() {
	screen_send Escape
	screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
}

anvil_start --block-time 1 || die "anvil starts"
U=$ANVIL_URL
erc20_deploy "$U" || die "the token deploys"
TOKEN=0x5FbDB2315678afecb367f032d93F642f64180aa3 # anvil's first contract from account 0, checksummed
[ "${ERC20_ADDRESS,,}" = "${TOKEN,,}" ] || die "the token is at the expected address" "$ERC20_ADDRESS"

# ---- 4. a confirmation that does not fit signs nothing -------------------------------------------
start_unlocked small "$U" 80 12
n0=$(nonce_of "$U" "$A0")
b1=$(balance "$U" "$A1")
send_form "$A1" "" 0.25 || t_fail "80x12: the send form opens"
t_ok "80x12: the confirmation says to enlarge the terminal" screen_wait_for 'enlarge the terminal to confirm' 10
t_ok "80x12: no offer to sign" screen_wait_gone 'y signs and sends' 1
screen_send y
t_ok "80x12: y says it does not sign what does not fit" screen_wait_for 'not signed: .*enlarge the terminal' 3
screen_send Y
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ] && [ "$(nonce_of "$U" "$A0" latest)" = "$n0" ] &&
	[ "$(balance "$U" "$A1")" = "$b1" ]; then
	t_pass "80x12: y and Y sent nothing (cast: nonce still $n0, recipient's balance unchanged)"
else
	t_fail "80x12: y and Y sent nothing" "nonce $(nonce_of "$U" "$A0"), was $n0"
fi
screen_resize 40 24
t_ok "40x24: the full recipient address does not fit: enlarge the terminal" \
	screen_wait_for 'enlarge the|terminal to|confirm' 5
screen_send y
t_ok "40x24: y says it does not sign" screen_wait_for 'not signed' 3
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ] && [ "$(balance "$U" "$A1")" = "$b1" ]; then
	t_pass "40x24: y sent nothing (cast: nonce still $n0, recipient's balance unchanged)"
else
	t_fail "40x24: y sent nothing" "nonce $(nonce_of "$U" "$A0"), was $n0"
fi
screen_resize 120 34
t_ok "120x34: the same confirmation fits and offers y" screen_wait_for 'y signs and sends exactly this' 5
t_ok "120x34: the whole recipient is shown" has "^ To +$A1  \\(own account\\)\$"
back_to_main
quit_ok

# ---- 14. after a send, no single key signs anything ----------------------------------------------
start_unlocked big "$U" 120 34
n0=$(nonce_of "$U" "$A0")
b1=$(balance "$U" "$A1")
send_form "$A1" "" 0.125 || t_fail "the send form opens"
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || t_fail "the 0.125 ETH send is ready"
screen_send y
t_ok "y sends the 0.125 ETH" screen_wait_for 'sent 0x[0-9a-f]{64}' 10
h14=$(sent_hash)
# The stray key: 1 used to prepare the same payment again with the next nonce. Give it the time a
# new confirmation would take to get ready, then press y as the user did.
screen_send 1
if screen_wait_for 'y signs and sends exactly this' 3 >/dev/null 2>&1; then
	t_fail "1 after the send opens no new confirmation" "$(screen_capture)"
else
	t_pass "1 after the send opens no new confirmation"
fi
screen_send y
for k in 2 3 c o; do screen_send "$k"; done
t_ok "2/3/c/o after the send open nothing either" screen_wait_gone 'y signs and sends|Y signs and sends|Max fee per gas|Nonce \(Enter' 1
screen_send y
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0" latest)" = $((n0 + 1)) ] && [ "$(nonce_of "$U" "$A0")" = $((n0 + 1)) ] &&
	[ "$(py 'import sys; print(int(sys.argv[2]) - int(sys.argv[1]))' "$b1" "$(balance "$U" "$A1")")" = 125000000000000000 ]; then
	t_pass "one payment only: cast says the nonce advanced by exactly 1 and the recipient got 0.125 ETH once"
else
	t_fail "one payment only" "nonce $(nonce_of "$U" "$A0") (was $n0), balance $(balance "$U" "$A1") (was $b1)"
fi
if [ "$(cast_field "$U" "$h14" nonce)" = "$n0" ]; then t_pass "the one transaction is $h14 (nonce $n0)"; else t_fail "the one transaction has nonce $n0"; fi
back_to_main

# ---- 5. the decoded call, in the send and in the replacement of a token transfer ----------------
anvil_start --no-mining || die "the second anvil (no mining) starts"
V=$ANVIL_URL
erc20_deploy "$V" || die "the token deploys on the second anvil"
"$CAST" rpc --rpc-url "$V" evm_mine >/dev/null
start_unlocked nomine "$V" 120 34
tok1_before=$("$CAST" call --rpc-url "$V" "$TOKEN" 'balanceOf(address)(uint256)' "$A1" | awk '{print $1}')
n=$(nonce_of "$V" "$A0")
send_form "$A1" "$TOKEN" 2.5 || t_fail "token: the send form opens"
if draft_wait 'y signs and sends exactly this' 10; then t_pass "token: the 2.5 CDT send is ready"; else t_fail "token: the 2.5 CDT send is ready"; fi
t_ok "token send: the decoded call is shown" \
	has "^ Call +transfer\\(address,uint256\\): $A1, 2500000000000000000\$"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "token: the 2.5 CDT send goes out"
h1=$(sent_hash)
back_to_main
screen_wait_for "^ nonce $n +pending" 10 >/dev/null
screen_send x
if screen_wait_for 'y signs and sends exactly this' 10; then t_pass "token speed-up: the replacement is ready"; else t_fail "token speed-up: the replacement is ready"; fi
t_ok "token speed-up: To is the token's recipient, not the token contract" has "^ To +$A1  \\(own account\\)\$"
t_ok "token speed-up: the amount is 2.5 CDT, not 0 ETH" has '^ Amount +2\.5 CDT$'
t_ok "token speed-up: the token contract is named" has "^ Token +$TOKEN\$"
t_ok "token speed-up: the decoded call is shown" has "^ Call +transfer\\(address,uint256\\): $A1, 2500000000000000000\$"
t_ok "token speed-up: no '0 ETH' amount" screen_wait_gone '^ Amount +0 ETH' 1
screen_resize 80 24
t_ok "token speed-up: the whole replacement fits the usual 80x24 and can be signed there" \
	screen_wait_for 'y signs and sends exactly this' 5
screen_resize 120 34
screen_wait_for '^ Call +transfer' 5 >/dev/null
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "token speed-up goes out"
h2=$(sent_hash)
back_to_main
"$CAST" rpc --rpc-url "$V" evm_mine >/dev/null
input=$(cast_field "$V" "$h2" input)
decoded=$("$CAST" calldata-decode 'transfer(address,uint256)' "$input" 2>&1 | awk '{print $1}' | tr '\n' ' ')
to2=$(cast_field "$V" "$h2" to)
if [ "${to2,,}" = "${TOKEN,,}" ] && [ "$decoded" = "$A1 2500000000000000000 " ] &&
	[ "$(cast_field "$V" "$h2" nonce)" = "$n" ]; then
	t_pass "token speed-up: cast decodes the mined replacement as transfer($A1, 2.5e18) on the token, nonce $n"
else
	t_fail "token speed-up: cast decodes the replacement as the same transfer" "to $(cast_field "$V" "$h2" to) decoded '$decoded'"
fi
tok1_after=$("$CAST" call --rpc-url "$V" "$TOKEN" 'balanceOf(address)(uint256)' "$A1" | awk '{print $1}')
if [ "$(py 'import sys; print(int(sys.argv[2]) - int(sys.argv[1]))' "$tok1_before" "$tok1_after")" = 2500000000000000000 ]; then
	t_pass "token speed-up: the recipient got 2.5 CDT once (cast balanceOf)"
else
	t_fail "token speed-up: the recipient got 2.5 CDT once" "$tok1_before -> $tok1_after"
fi

# ---- 6. the pane runs tx_check before signing ------------------------------------------------------
SCREEN_NAME=big
n0=$(nonce_of "$U" "$A0")
# custom_nonce TEXT: a send of 0.01 ETH to account 1 with the nonce TEXT set by o
custom_nonce() {
	send_form "$A1" "" 0.01
	screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || return 1
	screen_send o
	screen_wait_for 'Nonce \(Enter for automatic\)' 3 >/dev/null || return 1
	_tmux send-keys -t "$SCREEN_NAME" -l -- "$1" # "-1" is text, not a flag
	screen_send Enter
}
for bad in -1 12abc; do
	custom_nonce "$bad" || t_fail "nonce $bad: the nonce prompt opens"
	t_ok "nonce '$bad' is refused with a clear message" screen_wait_for "nonce: '$bad' is not a whole number" 10
	t_ok "nonce '$bad': no offer to sign" screen_wait_gone 'y signs and sends|Y signs and sends' 1
	screen_send y
	screen_send Y
	back_to_main
done
custom_nonce 18446744073709551615 || t_fail "nonce 2^64-1: the nonce prompt opens"
t_ok "nonce 2^64-1 is refused by tx_check (EIP-2681)" screen_wait_for 'not signed: nonce: 2\^64-1 is not usable' 10
screen_send Y
back_to_main
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ]; then t_pass "bad nonces: nothing was sent (cast: nonce still $n0)"; else t_fail "bad nonces: nothing was sent" "nonce $(nonce_of "$U" "$A0"), was $n0"; fi

# A proxy in front of anvil that changes one answer (tests/lib/rpc_proxy.py): estimate-zero makes
# eth_estimateGas answer 0, no-simulate makes eth_simulateV1 a method the node does not offer.
# proxy_start MODE [HOST]: sets PROXY_URL (the proxy listens on HOST, loopback by default)
proxy_start() {
	echo "$1" >"$home/proxy-$1.mode"
	rpc_proxy_start "$U" "$home/proxy-$1.mode" "${2:-}" || die "the $1 proxy answers"
}
proxy_start estimate-zero
P=$PROXY_URL
[ "$(rpc_result "$P" eth_estimateGas "[{\"from\":\"$A0\",\"to\":\"$A1\"}]")" = 0x0 ] || t_fail "the proxy answers eth_estimateGas with 0"
start_unlocked zero "$P" 120 34
n0=$(nonce_of "$U" "$A0")
send_form "$A1" "" 0.01 || t_fail "estimate 0: the send form opens"
t_ok "a gas estimate of 0 is refused: below the intrinsic 21000" \
	screen_wait_for 'not signed: gas: 0 is below the intrinsic gas 21000' 10
t_ok "estimate 0: no offer to sign" screen_wait_gone 'y signs and sends|Y signs and sends' 1
screen_send Y
back_to_main
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ]; then t_pass "estimate 0: nothing was sent (cast: nonce still $n0)"; else t_fail "estimate 0: nothing was sent"; fi
quit_ok
SCREEN_NAME=big

# ---- 16. the replace screen: c, 1/2/3 work, o is not offered, old fees beside new ------------------
SCREEN_NAME=nomine
n=$(nonce_of "$V" "$A0")
b1=$(balance "$V" "$A1")
send_form "$A1" "" 0.1 || t_fail "replace: the send form opens"
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || t_fail "replace: the 0.1 ETH send is ready"
read -r f1 t1 <<<"$(fees_shown)"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "replace: the 0.1 ETH send goes out"
h1=$(sent_hash)
back_to_main
screen_wait_for "^ nonce $n +pending" 10 >/dev/null
screen_send x
if screen_wait_for 'y signs and sends exactly this' 10; then t_pass "replace: the speed-up is ready"; else t_fail "replace: the speed-up is ready"; fi
t_ok "replace: the old fees are shown beside the new ones ($f1 gwei, tip $t1 gwei)" \
	has "^ Old max fee +$f1 gwei, tip $t1 gwei \\(pending\\)\$"
t_ok "replace: the footer offers no custom nonce" screen_wait_gone 'o custom nonce' 1
screen_send o
t_ok "replace: o opens no nonce prompt" screen_wait_gone 'Nonce \(Enter' 1
# c with the old fees: below the +10 % a node requires of a replacement
screen_send c
t_ok "replace: c asks for the max fee" screen_wait_for 'Max fee per gas in gwei' 3
screen_type "$f1"
screen_send Enter
screen_wait_for 'Tip \(priority fee\) in gwei' 3 >/dev/null
screen_type "$t1"
screen_send Enter
t_ok "replace: custom fees below +10 % are refused, with the minimum" \
	screen_wait_for 'a replacement needs at least \+10 %: max fee [0-9.]+ gwei, tip [0-9.]+ gwei' 10
t_ok "replace: refused fees: no offer to sign" screen_wait_gone 'y signs and sends' 1
screen_send 3
t_ok "replace: 3 (fast) prepares it again, at least +10 %" \
	screen_wait_for '^ Fee level +fast \(tip: 90th percentile of recent tips\), at least \+10 %$' 10
t_ok "replace: fast is ready to sign" screen_wait_for 'y signs and sends exactly this' 10
screen_send c
screen_wait_for 'Max fee per gas in gwei' 3 >/dev/null || t_fail "replace: c asks again"
screen_type 50
screen_send Enter
screen_wait_for 'Tip \(priority fee\) in gwei' 3 >/dev/null
screen_type 3
screen_send Enter
t_ok "replace: the custom fees are shown" screen_wait_for '^ Max fee +50 gwei, tip 3 gwei$' 10
t_ok "replace: still the same nonce $n" has "^ Nonce +$n\$"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "replace: the replacement goes out"
h2=$(sent_hash)
back_to_main
"$CAST" rpc --rpc-url "$V" evm_mine >/dev/null
if [ "$(cast_field "$V" "$h2" maxFeePerGas)" = 50000000000 ] && [ "$(cast_field "$V" "$h2" maxPriorityFeePerGas)" = 3000000000 ] &&
	[ "$(cast_field "$V" "$h2" nonce)" = "$n" ] && [ "$(cast_field "$V" "$h2" blockNumber)" != "" ] &&
	[ "$("$CAST" rpc --rpc-url "$V" eth_getTransactionReceipt "$h1")" = null ]; then
	t_pass "replace: cast shows the replacement mined with max fee 50 gwei, tip 3 gwei, nonce $n; the original not"
else
	t_fail "replace: the replacement is mined with the custom fees" "$("$CAST" tx --rpc-url "$V" "$h2" 2>&1 | head -20)"
fi
if [ "$(py 'import sys; print(int(sys.argv[2]) - int(sys.argv[1]))' "$b1" "$(balance "$V" "$A1")")" = 100000000000000000 ]; then
	t_pass "replace: account 1 got the 0.1 ETH once"
else
	t_fail "replace: account 1 got the 0.1 ETH once"
fi

# ---- 20. the fee level is named; slow pays what blocks paid; a revert gets the gas it uses ----------
SCREEN_NAME=big
# A block that paid a 2 gwei tip, then empty ones (a block a second).
"$CAST" send --rpc-url "$U" --private-key "$KEY5" --gas-price 10gwei --priority-gas-price 2gwei "$A2" --value 1 >"$home/cast-send.out" 2>&1 ||
	t_fail "cast sends a transaction with a 2 gwei tip" "$(tail -n 3 "$home/cast-send.out")"
blocks_pass "$U" 3
send_form "$A1" "" 0.01 || t_fail "fees: the send form opens"
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || t_fail "fees: the send is ready"
t_ok "the confirmation names the fee level: normal" has '^ Fee level +normal \(tip: 50th percentile of recent tips\)$'
screen_send 1
t_ok "1 selects slow, and the confirmation says so" screen_wait_for '^ Fee level +slow \(tip: 10th percentile' 10
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null
read -r _ slow_tip <<<"$(fees_shown)"
slow_wei=$(gwei_to_wei "${slow_tip:-0}")
# what the node's recent blocks paid at the 10th percentile (the least non-zero), from anvil
paid=$("$CAST" rpc --rpc-url "$U" eth_feeHistory 0x14 latest '[10,50,90]' | py '
import json, sys
h = json.load(sys.stdin)
paid = [int(r[0], 16) for r in h["reward"] if int(r[0], 16) > 0]
print(min(paid) if paid else 0)')
if [ "$paid" -gt 0 ] && [ "$slow_wei" -ge "$paid" ]; then
	t_pass "slow: the tip ($slow_wei wei) is at least what recent blocks paid ($paid wei, eth_feeHistory), not 0"
else
	t_fail "slow: the tip is at least what recent blocks paid" "tip $slow_wei wei, blocks paid $paid wei"
fi
screen_send 3
t_ok "3 selects fast, and the confirmation says so" screen_wait_for '^ Fee level +fast \(tip: 90th percentile' 10
back_to_main

# ETH to the token contract (no payable fallback): the node says it reverts.
n0=$(nonce_of "$U" "$A0")
send_form "$TOKEN" "" 0.001 || t_fail "revert: the send form opens"
t_ok "revert: the pre-send check says it would fail" screen_wait_for '^ Check +would fail' 10
screen_wait_for 'Y signs and sends it anyway' 5 >/dev/null
gas_shown=$(screen_capture | sed -n 's/^ Gas limit  *\([0-9]*\)$/\1/p' | head -n 1)
used=$("$CAST" rpc --rpc-url "$U" eth_simulateV1 \
	"{\"blockStateCalls\":[{\"calls\":[{\"from\":\"$A0\",\"to\":\"$TOKEN\",\"value\":\"0x38d7ea4c68000\"}]}]}" latest |
	py 'import json, sys; print(int(json.load(sys.stdin)[0]["calls"][0]["gasUsed"], 16))')
if [ -n "$gas_shown" ] && [ "$gas_shown" -gt "$used" ]; then
	t_pass "revert: the gas limit ($gas_shown) covers what the failing call uses ($used, anvil's eth_simulateV1)"
else
	t_fail "revert: the gas limit covers what the failing call uses" "shown '$gas_shown', the call uses $used"
fi
screen_send Y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "revert: Y sends it anyway"
hr=$(sent_hash)
back_to_main
receipt=$("$CAST" receipt --json --rpc-url "$U" "$hr" 2>/dev/null)
r_used=$(printf '%s' "$receipt" | py 'import json, sys; print(int(json.load(sys.stdin)["gasUsed"], 16))')
r_limit=$(cast_field "$U" "$hr" gas)
if [ -n "$r_used" ] && [ -n "$r_limit" ] && [ "$r_used" -lt "$r_limit" ]; then
	t_pass "revert: the forced send reverted without running out of gas (used $r_used of $r_limit)"
else
	t_fail "revert: the forced send did not run out of gas" "used '$r_used' of '$r_limit'"
fi

# A node without eth_simulateV1: the failing call's gas is not known, so it is not offered at all.
proxy_start no-simulate
start_unlocked nosim "$PROXY_URL" 120 34
n0=$(nonce_of "$U" "$A0")
send_form "$TOKEN" "" 0.001 || t_fail "no simulate: the send form opens"
t_ok "no eth_simulateV1: a predicted revert is refused, not sent with a guessed gas limit" \
	screen_wait_for 'would fail: .*the gas of the failing call cannot be estimated on this node: not signed' 10
t_ok "no eth_simulateV1: no offer to sign" screen_wait_gone 'y signs and sends|Y signs and sends' 1
screen_send Y
back_to_main
blocks_pass "$U" 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ]; then t_pass "no eth_simulateV1: nothing was sent (cast: nonce still $n0)"; else t_fail "no eth_simulateV1: nothing was sent"; fi
quit_ok

for SCREEN_NAME in big nomine; do quit_ok; done
# ---- 4 again: the plain-HTTP warning is a row like the others -------------------------------------
# The node reached over plain HTTP on a non-loopback address (this machine's own, through the proxy).
lan=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' | grep -v '^127\.' | head -n 1)
if [ -z "$lan" ]; then
	echo "# skipped: no non-loopback IPv4 address for a plain-HTTP node"
else
	proxy_start none "$lan"
	start_unlocked http "$PROXY_URL" 80 24
	n0=$(nonce_of "$U" "$A0")
	send_form "$A1" "" 0.01 || t_fail "plain HTTP: the send form opens"
	t_ok "plain HTTP at 80x24: the confirmation fits and offers y" screen_wait_for 'y signs and sends exactly this' 10
	warning=$(screen_capture | awk '/^ WARNING/{w=1} w && /^ Check|^ y signs|^$/{if (!/^ WARNING/) exit} w' | sed 's/^ WARNING *//; s/^  *//' | tr '\n' ' ' | sed 's/  */ /g; s/ $//')
	if [ "$warning" = "the node is reached over plain HTTP on the network: what you sign crosses it unencrypted" ]; then
		t_pass "plain HTTP at 80x24: the warning is shown whole (wrapped), not cut at the edge"
	else
		t_fail "plain HTTP at 80x24: the warning is shown whole" "'$warning'"
	fi
	screen_resize 80 17
	t_ok "plain HTTP at 80x17: the warning would not fit: enlarge the terminal" screen_wait_for 'enlarge the terminal to confirm' 5
	screen_send y
	t_ok "plain HTTP at 80x17: y does not sign" screen_wait_for 'not signed' 3
	blocks_pass "$U" 2
	if [ "$(nonce_of "$U" "$A0")" = "$n0" ]; then t_pass "plain HTTP at 80x17: nothing was sent (cast: nonce still $n0)"; else t_fail "plain HTTP at 80x17: nothing was sent"; fi
	back_to_main
	quit_ok
fi

echo "# run time $((($(now_ms) - t_start) / 1000)) s"
t_done
