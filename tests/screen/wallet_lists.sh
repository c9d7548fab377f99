#!/usr/bin/env bash
# The wallet's lists and figures at 80x24, against a real anvil, on a vault of thirty accounts from
# anvil's PUBLIC test mnemonic (test keys, never for real funds):
#   - the account list scrolls: moving down past the rows that fit keeps the selected account on
#     screen (j, Down, End, PgUp, Home), and the header says which accounts are shown
#   - a balance wider than its column at 80 columns ends in an ellipsis, its digits a prefix of
#     the exact amount (cast from-wei); the footer offers u only while locked, L only unlocked
#   - an account that is a block's fee recipient (anvil_setCoinbase) shows the block in its history
#     as a reward of exactly what the node's balances say it received there
#   - the balances anvil reports are shown; when the node dies they are marked stale, as the
#     dashboard marks its figures
#   - without a vault, u, s and r say why they do nothing
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}

wallet_home chaindeck-screen

PASSWORD='Horse-battery-9-staple'
wallet_restore "$PASSWORD" 29
mapfile -t ADDR < <("$build/chaindeck" wallet list --vault "$vault" | awk '{print $2}')
[ "${#ADDR[@]}" = 30 ] || die "the vault holds thirty accounts" "${#ADDR[@]}"
# The addresses are anvil's: cast derives account 25 from the same words (an outside oracle).
if [ -x "$CHAINDECK_NPM_BIN/cast" ]; then
	a25=$("$CHAINDECK_NPM_BIN/cast" wallet address --mnemonic "$WALLET_MNEMONIC" --mnemonic-index 25 2>/dev/null)
	[ "$a25" = "${ADDR[25]}" ] && t_pass "account 25 is cast's m/44'/60'/0'/0/25" ||
		t_fail "account 25 is cast's m/44'/60'/0'/0/25" "$a25 vs ${ADDR[25]}"
fi

anvil_start || die "anvil starts"
# Balances every half second, so that "stale" (two periods without an answer) comes quickly.
mkdir -p "$home/config/chaindeck"
printf '[general]\nrefresh = 500\n' >"$home/config/chaindeck/config.ini"
chmod 600 "$home/config/chaindeck/config.ini"
run_chaindeck w "$ANVIL_URL" 80 24 || die "chaindeck starts"

# row REGEX-of-index ADDRESS: the account's row ("15  -   0x…") is on the screen
row() { printf '^ %-3s %-16s %s' "$1" - "$2"; }
screen_wait_for "1 Wallet" >/dev/null || die "chaindeck shows its tabs"
screen_send 1
screen_wait_for "$(row 0 "${ADDR[0]}")" >/dev/null || die "account 0 is listed"

# ---- the list scrolls ---------------------------------------------------------------------------
for _ in $(seq 15); do screen_send j; done
if screen_wait_for "History of account 15" 5 >/dev/null && screen_wait_for "$(row 15 "${ADDR[15]}")" 3 >/dev/null; then
	t_pass "j past the visible rows: account 15 is selected and its row is on screen"
else
	t_fail "j past the visible rows: account 15 is selected and its row is on screen" "$(screen_capture)"
fi
if has "$(row 0 "${ADDR[0]}")"; then t_fail "the list scrolled: account 0 is off screen now"; else
	t_pass "the list scrolled: account 0 is off screen now"; fi
has "accounts [0-9]+-15 of 30" && t_pass "the header says which accounts are shown" ||
	t_fail "the header says which accounts are shown" "$(screen_capture | sed -n 3,4p)"
screen_send End
screen_wait_for "History of account 29" 5 >/dev/null && screen_wait_for "$(row 29 "${ADDR[29]}")" 3 >/dev/null &&
	t_pass "End selects the last account, on screen" || t_fail "End selects the last account, on screen" "$(screen_capture)"
screen_send PPage
screen_wait_gone "History of account 29" 5 >/dev/null
sel=$(screen_capture | sed -n 's/.*History of account \([0-9]*\).*/\1/p' | head -n 1)
if [ -n "$sel" ] && [ "$sel" -lt 29 ] && has "$(row "$sel" "${ADDR[$sel]}")"; then
	t_pass "PgUp moves a page up (to account $sel), still on screen"
else
	t_fail "PgUp moves a page up, still on screen" "$(screen_capture)"
fi
screen_send Home
screen_wait_for "History of account 0" 5 >/dev/null && screen_wait_for "$(row 0 "${ADDR[0]}")" 3 >/dev/null &&
	t_pass "Home selects account 0, on screen" || t_fail "Home selects account 0, on screen" "$(screen_capture)"

# The mouse wheel (xterm's X10 mouse report, as the terminal sends it) scrolls by three; a click on a
# tab still reaches the shell.
wheel() { screen_type $'\e[M'"$1"'!!'; } # button byte: a = wheel down, ` = wheel up
for _ in 1 2 3 4 5; do wheel a; done
screen_wait_for "History of account 15" 5 >/dev/null && has "$(row 15 "${ADDR[15]}")" &&
	t_pass "the mouse wheel scrolls the list down, three accounts a notch" ||
	t_fail "the mouse wheel scrolls the list down" "$(screen_capture)"
wheel '`'
screen_wait_for "History of account 12" 5 >/dev/null && t_pass "and up" || t_fail "the mouse wheel scrolls up" "$(screen_capture)"
screen_type $'\e[M .!' # button 1 pressed on column 14, row 1: the Explorer tab
screen_wait_for "BLOCK +AGE +TXS" 5 >/dev/null && t_pass "a click on a tab still selects its pane" ||
	t_fail "a click on a tab still selects its pane" "$(screen_capture)"
# The explorer's block list is the same widget: 40 more blocks, End selects the oldest, on screen.
rpc "$ANVIL_URL" anvil_mine '["0x28"]' >/dev/null
screen_wait_for "^ 40 " 10 >/dev/null || t_fail "the explorer lists block 40" "$(screen_capture)"
screen_send End
if screen_wait_for "^ 0 +[0-9]" 5 >/dev/null; then
	screen_send Enter
	screen_wait_for "^ Block +#0( |$)" 5 >/dev/null && t_pass "explorer: End selects the oldest block, scrolled into view" ||
		t_fail "explorer: End selects the oldest block" "$(screen_capture)"
else
	t_fail "explorer: End scrolls to the oldest block" "$(screen_capture)"
fi
screen_send Escape
screen_send 1
screen_send Home
screen_wait_for "History of account 0" 5 >/dev/null || t_fail "Home again"

# ---- figures that do not fit, and the footer ----------------------------------------------------
# 1234.567890123456789012 ETH: 23 characters where 14 columns are left at 80 columns.
rpc "$ANVIL_URL" anvil_setBalance "[\"${ADDR[1]}\", \"0x42ed123b0bd8203a14\"]" >/dev/null
exact=$("$CHAINDECK_NPM_BIN/cast" from-wei 1234567890123456789012 2>/dev/null)
[ "$exact" = 1234.567890123456789012 ] || t_fail "cast gives the exact amount" "$exact"
screen_wait_for "$(row 1 "${ADDR[1]}")  1234" 5 >/dev/null
shown=$(screen_capture | sed -n "s/^ 1   -  *${ADDR[1]}  //p" | head -n 1)
if [[ $shown == *… ]] && [[ $exact == "${shown%…}"* ]] && [ "${#shown}" -le 14 ]; then
	t_pass "the long balance is shortened to '$shown', marked, a prefix of cast's $exact"
else
	t_fail "the long balance is shortened, marked, a prefix of the exact amount" "shown '$shown', exact $exact"
fi
has 'u unlock' && ! has 'L lock' && t_pass "locked: the footer offers u unlock" ||
	t_fail "locked: the footer offers u unlock" "$(screen_capture | tail -n 2)"
screen_send u
screen_wait_for 'Vault password' 3 >/dev/null || t_fail "u asks for the password"
screen_type "$PASSWORD"
screen_send Enter
if screen_wait_for '^ unlocked \(L locks\)' 15 >/dev/null; then
	has 'u unlock' && t_fail "unlocked: the footer no longer offers u unlock" "$(screen_capture | tail -n 2)" ||
		t_pass "unlocked: the footer no longer offers u unlock"
	has 'r receive  L lock' && t_pass "unlocked: the footer offers L lock" || t_fail "unlocked: the footer offers L lock"
else
	t_fail "the vault unlocks" "$(screen_capture)"
fi

# ---- rewards ------------------------------------------------------------------------------------
c=${ADDR[3]}
rpc "$ANVIL_URL" anvil_setCoinbase "[\"$c\"]" >/dev/null
tx=$(rpc_result "$ANVIL_URL" eth_sendTransaction "[{\"from\":\"${ADDR[5]}\",\"to\":\"${ADDR[6]}\",\"value\":\"0x1\",\"gas\":\"0x5208\",\"maxFeePerGas\":\"0xba43b7400\",\"maxPriorityFeePerGas\":\"0x77359400\"}]")
rcpt=$(rpc_result "$ANVIL_URL" eth_getTransactionReceipt "[\"$tx\"]")
bn=$(python3 -c 'import json, sys; print(int(json.loads(sys.argv[1])["blockNumber"], 16))' "$rcpt")
rpc "$ANVIL_URL" anvil_setCoinbase '["0x0000000000000000000000000000000000000000"]' >/dev/null
bal_at() { python3 -c 'import sys; print(int(sys.argv[1], 16))' "$(rpc_result "$ANVIL_URL" eth_getBalance "[\"$c\", \"$(printf '0x%x' "$1")\"]")"; }
got_wei=$(( $(bal_at "$bn") - $(bal_at $((bn - 1))) ))
[ "$got_wei" -gt 0 ] || t_fail "the node credits the fee recipient" "$got_wei"
screen_send Home
for _ in 1 2 3; do screen_send j; done
if screen_wait_for "^ #$bn +REWARD +fee recipient +[0-9.]+ ETH" 15 >/dev/null; then
	shown=$(screen_capture | sed -n "s/^ #$bn  *REWARD  *fee recipient  *\([0-9.]*\) ETH.*/\1/p" | head -n 1)
	shown_wei=$(python3 -c 'import sys; from decimal import Decimal; print(int(Decimal(sys.argv[1]) * 10**18))' "$shown")
	[ "$shown_wei" = "$got_wei" ] &&
		t_pass "account 3's history shows block $bn's reward, $shown ETH, what the node credited" ||
		t_fail "the reward shown is what the node credited" "shown $shown ETH, node $got_wei wei"
	has "rewards in blocks [0-9]+-[0-9]+: $(re "$shown") ETH in 1 block" &&
		t_pass "the total over the range searched is shown" ||
		t_fail "the total over the range searched is shown" "$(screen_capture | grep rewards)"
else
	t_fail "account 3's history shows block $bn's reward" "$(screen_capture)"
fi
screen_send Home

# ---- stale balances -----------------------------------------------------------------------------
# anvil funds its first ten accounts with 10000 ETH each: the node's own figure.
bal=$(rpc_result "$ANVIL_URL" eth_getBalance "[\"${ADDR[0]}\", \"latest\"]")
[ "$bal" = 0x21e19e0c9bab2400000 ] || t_fail "anvil reports 10000 ETH for account 0" "$bal"
screen_wait_for "$(row 0 "${ADDR[0]}")  10000$" 5 >/dev/null && t_pass "account 0 shows the node's 10000 ETH" ||
	t_fail "account 0 shows the node's 10000 ETH" "$(screen_capture)"
has STALE && t_fail "no stale marker while the node answers" "$(screen_capture)" ||
	t_pass "no stale marker while the node answers"
anvil_kill
if screen_wait_for "balances STALE: no answer from the node for" 10 >/dev/null; then
	t_pass "the node is gone: the balances are marked stale"
else
	t_fail "the node is gone: the balances are marked stale" "$(screen_capture)"
fi
has "$(row 0 "${ADDR[0]}")  10000$" && t_pass "the last known balance stays, marked" ||
	t_fail "the last known balance stays, marked" "$(screen_capture)"

screen_send q
screen_wait_exit 5 >/dev/null || t_fail "chaindeck quits"

# ---- no vault ---------------------------------------------------------------------------------------
screen_start nv 100 50 env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
	XDG_DATA_HOME="$home/data" LC_ALL=C.UTF-8 ETH_RPC_URL= "$build/chaindeck" --rpc-url "http://127.0.0.1:9" \
	--vault "$home/none/vault" --log "$home/chaindeck-nv.log" || die "chaindeck starts without a vault"
screen_wait_for "1 Wallet" >/dev/null || die "chaindeck shows its tabs"
screen_send 1
screen_wait_for "^ no vault" 5 >/dev/null || t_fail "the wallet says there is no vault" "$(screen_capture)"
for k in u s r; do
	screen_send "$k"
	if screen_wait_for "(nothing to unlock|nothing to send from|nothing to receive on): no vault yet" 3 >/dev/null; then
		t_pass "no vault: $k says why it does nothing"
	else
		t_fail "no vault: $k says why it does nothing" "$(screen_capture | tail -n 2)"
	fi
	screen_send Escape
done
screen_send '?'
screen_wait_for "Y +send anyway when the pre-send check says it fails" 3 >/dev/null &&
	t_pass "the help lists Y, the deliberate send past a failing check" || t_fail "the help lists Y" "$(screen_capture)"
screen_send Escape
[ -e "$home/none" ] && t_fail "no vault: nothing was created" || t_pass "no vault: nothing was created"
screen_send q
t_done
