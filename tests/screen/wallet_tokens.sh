#!/usr/bin/env bash
# Tokens and sent transactions in the wallet pane, across restarts, on anvil with the test ERC-20
# (tests/erc20/Token.sol, CDT, 18 decimals) and a vault of anvil's PUBLIC test mnemonic:
#   - t refuses an address that does not answer decimals()/symbol()/balanceOf() like an ERC-20,
#     watches the token when it does, and the token list beside the vault survives a restart
#     (0600; a group-writable list is refused with a message)
#   - the decimals remembered the first time are kept: through a proxy that makes the node lie
#     about decimals() the wallet refuses to sign, when preparing and at the moment of signing; the
#     confirmation shows the base-unit integer with the decimals
#   - a transaction sent while the node does not mine survives quit and restart: x finds it and
#     speeds it up; a custom nonce used by a pending transaction is refused
#   - a token send is shown as recipient and token amount in "sent from here", with no extra
#     "OUT 0 ETH" history row, the symbol whole, a fee-only "Max total"; a failed transaction counts
#     its confirmations; each account sees only its own sends
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/erc20.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}

wallet_home chaindeck-tokens

PASSWORD='Horse-battery-9-staple'
TOKEN_SUM=0x5FbDB2315678afecb367f032d93F642f64180aa3
tokens=$home/tokens
pending=$home/pending
wallet_restore "$PASSWORD" 2

nonce_of() { dec "$(rpc_result "$1" eth_getTransactionCount "[\"$2\", \"${3:-pending}\"]")"; }
CAST=$CHAINDECK_NPM_BIN/cast
# the amount of the (one) ERC-20 Transfer log in a transaction's receipt, decimal
token_amount_of() {
	rpc_result "$U" eth_getTransactionReceipt "[\"$1\"]" |
		py 'import json, sys; r = json.load(sys.stdin); print(int(r["logs"][0]["data"], 16) if r and r["logs"] else "")'
}

# start_locked NAME URL: chaindeck on the vault, on the wallet pane, locked
start_locked() {
	run_chaindeck "$@"
	screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck $1 starts" "$(screen_capture)"
	screen_send 1
	screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "chaindeck $1 shows the locked wallet" "$(screen_capture)"
}
quit_chaindeck() {
	screen_send q
	screen_wait_for 'chaindeck exited with status 0' 10 >/dev/null || t_fail "$SCREEN_NAME quits with status 0"
	_tmux kill-session -t "$SCREEN_NAME" 2>/dev/null
}
watch_token() {
	screen_send t
	screen_wait_for 'Token contract to watch' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
}
select_account() { # select_account N (from account 0 at the top)
	screen_send k k k
	local i
	for ((i = 0; i < $1; i++)); do screen_send j; done
	screen_wait_for "History of account $1" 5 >/dev/null
}

# ---- the node, the token, and a proxy that can lie about decimals() ----------------------------
anvil_start --block-time 1 || die "anvil starts"
U=$ANVIL_URL
erc20_deploy "$U" || die "the token deploys"
[ "${ERC20_ADDRESS,,}" = "${TOKEN_SUM,,}" ] || die "the token is at the expected address" "$ERC20_ADDRESS"
# A second token that none of the vault's accounts ever held (minted to anvil's account 5): it is
# watched only if the user adds it, never through an account's history.
erc20_deploy "$U" 1000 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc || die "the second token deploys"
T2=$ERC20_ADDRESS
ERC20_ADDRESS=${TOKEN_SUM,,}
mode=$home/proxy-mode
echo honest >"$mode"
rpc_proxy_start "$U" "$mode" || die "the proxy answers"
P=$PROXY_URL
lie_dec=$(echo decimals=12 >"$mode"; "$CAST" call --rpc-url "$P" "$TOKEN_SUM" 'decimals()(uint8)'; echo honest >"$mode")
[ "$lie_dec" = 12 ] || die "the proxy makes decimals() answer 12 (cast call)" "$lie_dec"
[ "$("$CAST" call --rpc-url "$P" "$TOKEN_SUM" 'decimals()(uint8)')" = 18 ] || die "the proxy passes the true 18 through when honest"

# ---- item: t checks the contract, the token list is saved and read back --------------------------
start_locked c1 "$P"
select_account 2
t_ok "account 2 has no token row yet" screen_wait_gone '^ Tokens ' 2
watch_token "$A1"
t_ok "t on an account address: not an ERC-20, says which calls did not answer" \
	screen_wait_for "${A1,,}: not an ERC-20 token, no answer to decimals\(\) symbol\(\) balanceOf\(\)\$" 10
[ -e "$tokens" ] && t_fail "nothing is saved for a refused address" || t_pass "nothing is saved for a refused address"
watch_token "$T2"
t_ok "t on a token no account held: watching CDT with its 18 decimals, saved" \
	screen_wait_for "watching CDT \($T2, 18 decimals\) for every account: saved" 10
t_ok "account 2 shows both CDT balances (the history's token and the added one)" screen_wait_for '^ Tokens +0 CDT   0 CDT$' 10
watch_token "$TOKEN_SUM"
t_ok "t on the first token: watching, saved" \
	screen_wait_for "watching CDT \(${TOKEN_SUM,,}, 18 decimals\) for every account: saved" 10
if grep -qx "31337 ${TOKEN_SUM,,} 18 CDT" "$tokens" 2>/dev/null && grep -qx "31337 $T2 18 CDT" "$tokens"; then
	t_pass "the token list beside the vault holds chain 31337, both tokens, 18 and CDT"
else
	t_fail "the token list holds the tokens" "$(cat "$tokens" 2>&1)"
fi
[ "$(stat -c %a "$tokens" 2>/dev/null)" = 600 ] && t_pass "the token list is mode 0600" || t_fail "the token list is mode 0600" "$(stat -c %a "$tokens" 2>&1)"
[ "$("$CAST" call --rpc-url "$U" "$TOKEN_SUM" 'symbol()(string)')" = '"CDT"' ] &&
	t_pass "cast agrees: the token's symbol is CDT" || t_fail "cast agrees on the symbol"
quit_chaindeck

start_locked c2 "$P"
select_account 2
t_ok "after a restart account 2 still watches the added token (read back from the list)" \
	screen_wait_for '^ Tokens +0 CDT   0 CDT$' 10
quit_chaindeck

chmod 664 "$tokens"
start_locked c3 "$P"
t_ok "a group-writable token list is refused with a message" screen_wait_for 'writable by its group' 10
quit_chaindeck
chmod 600 "$tokens"

# ---- item: decimals remembered; a node that lies about them gets no signature -------------------
echo decimals=12 >"$mode"
start_locked c4 "$P"
unlock_ok || t_fail "c4: unlocked"
n0=$(nonce_of "$U" "$A0")
send_form "$A1" "$TOKEN_SUM" 1 || t_fail "the token send form"
if screen_wait_for "the token's decimals changed: 18 remembered for it on chain 31337, the node now says 12; not signed" 10; then
	t_pass "the node answering decimals() = 12: refused before the confirmation"
else
	t_fail "the node answering decimals() = 12 is refused" "$(screen_capture | head -n 6)"
fi
t_ok "no offer to sign" screen_wait_gone 'y signs and sends' 1
screen_send y
sleep 1
[ "$(nonce_of "$U" "$A0")" = "$n0" ] && t_pass "nothing was signed (nonce still $n0)" || t_fail "nothing was signed" "nonce $(nonce_of "$U" "$A0")"
screen_send Escape
echo honest >"$mode"
send_form "$A1" "$TOKEN_SUM" 2.5 || t_fail "the token send form"
t_ok "honest node: the confirmation is ready" screen_wait_for 'y signs and sends exactly this' 10
t_ok "the confirmation shows 2.5 CDT" has '^ Amount +2\.5 CDT$'
t_ok "the confirmation shows the base units with the decimals" has '^ Base units +2500000000000000000 \(18 decimals\)$'
echo decimals=6 >"$mode"
screen_send y
t_ok "decimals changed between confirmation and y: not signed" \
	screen_wait_for "no longer the 18 the amount was read with: not signed" 10
sleep 1
[ "$(nonce_of "$U" "$A0")" = "$n0" ] && t_pass "nothing was signed (nonce still $n0)" || t_fail "nothing was signed" "nonce $(nonce_of "$U" "$A0")"
echo honest >"$mode"
screen_send Escape
quit_chaindeck

# ---- item: token sends shown as what they are ---------------------------------------------------
start_locked c5 "$P"
unlock_ok || t_fail "c5: unlocked"
n0=$(nonce_of "$U" "$A0")
send_form "$A1" "$TOKEN_SUM" 123.123456789012345678 || t_fail "c5: the token send form"
t_ok "token send: the confirmation is ready" screen_wait_for 'y signs and sends exactly this' 10
t_ok "token send: Max total is the fee only, and says so" \
	has '^ Max total +[0-9.,]+ ETH \(fee only, the tokens come on top\)$'
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "the token send goes out"
h3=$(sent_hash)
screen_send Escape
t_ok "sent from here: the recipient and the token amount (not the contract and 0 ETH)" \
	screen_wait_for "^ nonce $n0 +[a-z]+ +[0-9]+ conf  ${h3:0:18}\\.\\.  to 0x70997970\\.\\.  123\\.123456789012345678 CDT\$" 10
t_ok "it is confirmed" screen_wait_for "^ nonce $n0 +confirmed +[0-9]+ conf  ${h3:0:18}\\.\\." 20
[ "$(token_amount_of "$h3")" = 123123456789012345678 ] && t_pass "the node's Transfer log carries exactly 123.123456789012345678e18" ||
	t_fail "the node's Transfer log carries the amount" "$(token_amount_of "$h3")"
t_ok "history: the token row, its amount shortened with ... and the symbol CDT whole" \
	screen_wait_for "^ #[0-9]+ +TOKEN OUT to +0x70997970C5\\.\\. +123\\.1234567890123\\.\\.\\. CDT ${h3:0:14}\\.\\." 10
if screen_capture | grep -E "^ #[0-9]+ +OUT " | grep -q "${h3:0:14}"; then
	t_fail "history: no extra OUT 0 ETH row for the token send" "$(screen_capture | grep "${h3:0:14}")"
else
	t_pass "history: no extra OUT 0 ETH row for the token send"
fi
# a transaction that fails on chain: 0.01 ETH to the token, which has no payable fallback, forced with Y
n1=$(nonce_of "$U" "$A0")
send_form "$TOKEN_SUM" "" 0.01 || t_fail "c5: the failing send form"
screen_wait_for 'Y signs and sends it anyway' 10 >/dev/null || t_fail "the failing send is offered only with Y"
screen_send Y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "the failing send goes out"
hf=$(sent_hash)
screen_send Escape
t_ok "a failed transaction counts its confirmations like a successful one (FAILED 3 conf)" \
	screen_wait_for "^ nonce $n1 +FAILED +3 conf  ${hf:0:18}\\.\\." 20
[ "$(jfield "$(rpc_result "$U" eth_getTransactionReceipt "[\"$hf\"]")" status)" = 0x0 ] &&
	t_pass "the node's receipt says status 0" || t_fail "the node's receipt says status 0"
screen_send j
screen_wait_for 'History of account 1' 5 >/dev/null
t_ok "account 1 selected: account 0's sends are not listed under it" screen_wait_gone 'Sent from here' 3
screen_send k
t_ok "account 0 again: its sends are back" screen_wait_for 'Sent from here' 5
quit_chaindeck

# ---- item: pending transactions survive a restart -------------------------------------------------
anvil_start --no-mining || die "the second anvil (no mining) starts"
V=$ANVIL_URL
start_locked p1 "$V"
unlock_ok || t_fail "p1: unlocked"
n=$(nonce_of "$V" "$A0")
send_form "$A1" "" 0.1 || t_fail "p1: the send form"
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || t_fail "p1: the 0.1 ETH send is ready"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "p1: the 0.1 ETH send goes out"
h1=$(sent_hash)
screen_send Escape
t_ok "sent while the node does not mine: pending (nonce $n)" screen_wait_for "^ nonce $n +pending +0 conf  ${h1:0:18}\\.\\." 10
for _ in $(seq 50); do grep -q '^[0-9]* 0x' "$pending" 2>/dev/null && break; sleep 0.1; done
raw=$(awk '/^[0-9]+ 0x/{print $2; exit}' "$pending" 2>/dev/null)
if [ -n "$raw" ] && [ "$("$CAST" keccak "$raw")" = "$h1" ]; then
	t_pass "the pending file beside the vault holds the signed bytes (cast keccak of them is $h1)"
else
	t_fail "the pending file holds the signed bytes of $h1" "$(cat "$pending" 2>&1 | cut -c1-120)"
fi
[ "$(stat -c %a "$pending" 2>/dev/null)" = 600 ] && t_pass "the pending file is mode 0600" || t_fail "the pending file is mode 0600"
quit_chaindeck
# the node forgets it meanwhile (as a restarted node would): chaindeck hands it over again from the file
rpc "$V" anvil_dropTransaction "[\"$h1\"]" >/dev/null
[ "$(rpc_result "$V" eth_getTransactionByHash "[\"$h1\"]")" = null ] || t_fail "anvil dropped the pending transaction"

start_locked p2 "$V"
t_ok "after a restart the pending transaction is listed again" screen_wait_for "^ nonce $n +pending +0 conf  ${h1:0:18}\\.\\." 10
for _ in $(seq 100); do [ "$(rpc_result "$V" eth_getTransactionByHash "[\"$h1\"]")" != null ] && break; sleep 0.1; done
[ "$(rpc_result "$V" eth_getTransactionByHash "[\"$h1\"]")" != null ] &&
	t_pass "the node that dropped it has it again: sent once more from the saved signed bytes" ||
	t_fail "the node that dropped it has it again"
unlock_ok || t_fail "p2: unlocked"
send_form "$A1" "" 0.2 || t_fail "p2: the send form"
screen_wait_for 'y signs and sends exactly this' 10 >/dev/null || t_fail "p2: the 0.2 ETH send is ready"
screen_send o
screen_wait_for 'Nonce \(Enter for automatic\)' 3 >/dev/null
screen_type "$n"
screen_send Enter
t_ok "a custom nonce $n used by the pending transaction is refused" \
	screen_wait_for "nonce $n is already used by pending transaction ${h1:0:18}\\.\\.: x speeds it up, X cancels it" 10
screen_send y
sleep 1
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
screen_send x
t_ok "x after the restart opens the replacement" screen_wait_for '^ Replace a pending transaction$' 5
t_ok "x: ready with the same nonce $n" screen_wait_for 'y signs and sends exactly this' 10
t_ok "x: nonce $n" has "^ Nonce +$n\$"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || t_fail "the speed-up goes out"
h2=$(sent_hash)
screen_send Escape
rpc "$V" evm_mine >/dev/null
t_ok "after a block the speed-up is included" screen_wait_for "^ nonce $n +included +1 conf  ${h2:0:18}\\.\\." 10
t_ok "and the original is replaced" screen_wait_for "^ nonce $n +replaced +0 conf  ${h1:0:18}\\.\\." 10
r2=$(rpc_result "$V" eth_getTransactionReceipt "[\"$h2\"]")
if [ "$(jfield "$r2" status)" = 0x1 ] && [ "$(rpc_result "$V" eth_getTransactionReceipt "[\"$h1\"]")" = null ] &&
	[ "$("$CAST" tx --rpc-url "$V" "$h2" nonce)" = "$n" ]; then
	t_pass "the node has the speed-up with nonce $n (cast) and no receipt for the original"
else
	t_fail "the node has the speed-up and not the original" "$r2"
fi
rpc "$V" anvil_mine '["0x3"]' >/dev/null
t_ok "the speed-up reaches confirmed" screen_wait_for "^ nonce $n +confirmed +[0-9]+ conf  ${h2:0:18}\\.\\." 10
for _ in $(seq 50); do [ "$(grep -c '^[0-9]' "$pending")" = 0 ] && break; sleep 0.1; done
[ "$(grep -c '^[0-9]' "$pending")" = 0 ] && t_pass "confirmed and replaced ones leave the pending file" ||
	t_fail "confirmed and replaced ones leave the pending file" "$(cut -c1-80 "$pending")"
quit_chaindeck

t_done
