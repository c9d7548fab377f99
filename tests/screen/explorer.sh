#!/usr/bin/env bash
# The explorer pane against a real anvil (a block every second) holding the test ERC-20, in a real
# terminal (tmux), at 120x32 and again at 80x24: the live block list follows the head; a search for
# the token transfer shows its fields and the decoded ERC-20 Transfer; the failed call shows its
# revert reason; the recipient's address shows its balance, tokens and history; Enter on a history
# row opens that transaction, Esc goes back, f forward; c copies with OSC 52; a wrong EIP-55
# checksum is refused with words; a block number opens the block with its transaction rows, and
# ] / [ go to the next / previous block.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"
. "$here/../lib/erc20.sh"

anvil_start --block-time 1 || die "anvil starts"
U=$ANVIL_URL
erc20_deploy "$U" || die "the token deploys"

A0=$ERC20_ACCOUNT0
A1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
A1_SUM=0x70997970C51812dc3A010C7d01b50e0d17dc79C8      # EIP-55
A1_BAD=0x70997970c51812dc3A010C7d01b50e0d17dc79C8      # the first C in lower case: checksum broken
A0_SUM=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
TOKEN_SUM=0x5FbDB2315678afecb367f032d93F642f64180aa3   # anvil's first contract from account 0

transfer=$(erc20_transfer "$U" "$A0" "$A1" 1500000000000000000) && [ -n "$transfer" ] || die "the token transfer is sent"
receipt=$(tx_receipt_wait "$U" "$transfer" 15) || die "the token transfer is mined"
fail=$(erc20_fail "$U" "$A0" reason) && [ -n "$fail" ] || die "the failing call is sent"
tx_receipt_wait "$U" "$fail" 15 >/dev/null || die "the failing call is mined"
tb=$(printf '%s' "$receipt" | python3 -c 'import json, sys; print(int(json.load(sys.stdin)["blockNumber"], 16))')
[ "$(rpc_result "$U" eth_getCode "[\"$ERC20_ADDRESS\", \"latest\"]" | wc -c)" -gt 100 ] || die "the token has code"
[ "${ERC20_ADDRESS,,}" = "${TOKEN_SUM,,}" ] || die "the token is at the expected address" "$ERC20_ADDRESS"
short() { printf '%s..%s' "${1:0:10}" "${1: -6}"; }


# search TEXT: opens the search prompt and types TEXT, then Enter

head_of() { screen_capture | sed -n 's/^ .* head \([0-9,]*\) .*/\1/p' | tr -d ,; }

# ---------------------------------------------------------------------------------------------
# 120x32: the whole walk
explorer_start wide 120 32 "$U" || die "tmux starts"
screen_send 2
t_ok "[120x32] the explorer follows by block filter" screen_wait_for '^ [^ ]+( \(chain [0-9]+\))? +head [0-9,]+ +following by block filter +reorgs seen 0' 10
t_ok "[120x32] the column header" screen_wait_for 'BLOCK +AGE +TXS +GAS% +BASE FEE +FEE RECIPIENT' 3
t_ok "[120x32] block rows are listed" screen_wait_for "^ $tb +[0-9]+[smhd] +1 +~?[0-9.]+% " 5

first=$(head_of)
advanced=no
end=$(($(now_ms) + 10000))
while [ "$(now_ms)" -lt "$end" ]; do
	now=$(head_of)
	if [ -n "$first" ] && [ -n "$now" ] && [ "$now" -gt "$first" ]; then advanced=yes; break; fi
	sleep 0.2
done
if [ "$advanced" = yes ]; then t_pass "[120x32] head advances ($first -> $now)"; else t_fail "[120x32] head advances" "stayed at '$first'"; fi
# the newest row is the head, on one and the same frame
newest_is_head() {
	local shot h r
	shot=$(screen_capture)
	h=$(printf '%s\n' "$shot" | sed -n 's/^ .* head \([0-9,]*\) .*/\1/p' | tr -d ,)
	r=$(printf '%s\n' "$shot" | sed -n '4s/^ \([0-9,]*\) .*/\1/p' | tr -d ,)
	[ -n "$h" ] && [ "$h" = "$r" ]
}
ok=no
for _ in 1 2 3 4 5; do newest_is_head && ok=yes && break; sleep 0.1; done
if [ "$ok" = yes ]; then t_pass "[120x32] the newest row is the head"; else t_fail "[120x32] the newest row is the head" "$(screen_capture | sed -n 2,4p)"; fi

# the token transfer
search "$transfer"
t_ok "[120x32] transfer: hash" screen_wait_for "^ Transaction +$transfer" 5
t_ok "[120x32] transfer: status" screen_wait_for '^ Status +success, [0-9]+ confirmations' 5
t_ok "[120x32] transfer: block" screen_wait_for "^ Block +#$tb, index 0" 5
t_ok "[120x32] transfer: from" screen_wait_for "^ From +$A0_SUM" 3
t_ok "[120x32] transfer: to the token" screen_wait_for "^ To +$TOKEN_SUM" 3
t_ok "[120x32] transfer: value" screen_wait_for '^ Value +0 ETH' 3
t_ok "[120x32] transfer: method" screen_wait_for '^ Method +transfer\(address,uint256\)' 3
t_ok "[120x32] transfer: arguments" screen_wait_for "^ Arguments +$A1_SUM, 1500000000000000000" 3
t_ok "[120x32] transfer: one log" screen_wait_for '^ Logs +1$' 3
t_ok "[120x32] transfer: the decoded ERC-20 Transfer" \
	screen_wait_for 'ERC-20 Transfer +0xf39Fd6\.\.b92266 -> 0x709979\.\.dc79C8 +1\.5 CDT' 5

# the failed call
search "$fail"
t_ok "[120x32] failed call: hash" screen_wait_for "^ Transaction +$fail" 5
t_ok "[120x32] failed call: status" screen_wait_for '^ Status +FAILED, [0-9]+ confirmations' 5
t_ok "[120x32] failed call: revert reason" screen_wait_for '^ Reverted +Error\(string\): "Token: always fails"' 5

# the recipient's address (typed in its EIP-55 form)
search "$A1_SUM"
t_ok "[120x32] address: shown checksummed" screen_wait_for "^ Address +$A1_SUM" 5
t_ok "[120x32] address: balance" screen_wait_for '^ Balance +10000 ETH' 5
t_ok "[120x32] address: nonce" screen_wait_for '^ Nonce +0$' 3
t_ok "[120x32] address: kind" screen_wait_for '^ Kind +account \(no code\)' 3
t_ok "[120x32] address: token balance" screen_wait_for '^ Tokens +1\.5 CDT' 10
t_ok "[120x32] address: history count" screen_wait_for '^ History: 1 entry via ' 10
t_ok "[120x32] address: the transfer as TOKEN IN" \
	screen_wait_for "^ #$tb +[0-9]+[smhd] +TOKEN IN +from 0xf39Fd6\.\.b92266 1\.5 CDT +$(re "$(short "$transfer")")" 5

# c copies the selected link (the history row's transaction) with OSC 52; tmux keeps it as a buffer
_tmux set -g set-clipboard on
_tmux delete-buffer 2>/dev/null
screen_send c
t_ok "[120x32] c says what it copied" screen_wait_for "copied $transfer" 3
got=""
end=$(($(now_ms) + 3000))
while [ "$(now_ms)" -lt "$end" ]; do
	got=$(_tmux show-buffer 2>/dev/null) && [ -n "$got" ] && break
	sleep 0.1
done
if [ "$got" = "$transfer" ]; then t_pass "[120x32] OSC 52 carried the hash to the clipboard"; else t_fail "[120x32] OSC 52 carried the hash to the clipboard" "buffer '$got'"; fi

# Enter follows the history row; Esc back; f forward
screen_send k
screen_send Enter
t_ok "[120x32] Enter on the history row opens the transaction" screen_wait_for "^ Transaction +$transfer" 5
t_ok "[120x32] ... with its fields" screen_wait_for '^ Method +transfer\(address,uint256\)' 5
screen_send Escape
t_ok "[120x32] Esc goes back to the address" screen_wait_for "^ Address +$A1_SUM" 5
t_ok "[120x32] ... with its history again" screen_wait_for '^ History: 1 entry' 10
screen_send f
t_ok "[120x32] f goes forward to the transaction" screen_wait_for "^ Transaction +$transfer" 5

# a wrong checksum: refused with words, the view stays
search "$A1_BAD"
t_ok "[120x32] a wrong checksum is refused" screen_wait_for 'wrong EIP-55 checksum' 3
t_ok "[120x32] ... and nothing else opens" screen_wait_for "^ Transaction +$transfer" 1

# a block by number, its transaction rows, then the next and the previous block
search "$tb"
t_ok "[120x32] block: number" screen_wait_for "^ Block +#$tb( |$)" 5
t_ok "[120x32] block: one transaction" screen_wait_for '^ Transactions +1 ' 3
t_ok "[120x32] block: the columns" screen_wait_for 'HASH +FROM +TO +VALUE +FEE +METHOD' 3
t_ok "[120x32] block: the transfer's row" \
	screen_wait_for "^ $(re "$(short "$transfer")") +0xf39Fd6\.\.b92266 +0x5FbDB2\.\.180aa3 +0 ETH +[0-9.]+ (ETH|gwei|wei) +transfer$" 5
screen_send ']'
t_ok "[120x32] ] opens the next block" screen_wait_for "^ Block +#$((tb + 1))( |$)" 5
screen_send '['
t_ok "[120x32] [ opens the previous block" screen_wait_for "^ Block +#$tb( |$)" 5
screen_send j       # the first link of a block is its own hash, the second its parent
screen_send Enter
t_ok "[120x32] Enter on Parent opens the parent block" screen_wait_for "^ Block +#$((tb - 1))( |$)" 5
screen_send Escape
t_ok "[120x32] Esc goes back from the parent" screen_wait_for "^ Block +#$tb( |$)" 5
for _ in 1 2 3 4 5 6 7; do screen_send Escape; done
t_ok "[120x32] Esc all the way back reaches the live list" screen_wait_for '^ [^ ]+( \(chain [0-9]+\))? +head [0-9,]+ +following by' 5

screen_send q
t_ok "[120x32] q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5

# ---------------------------------------------------------------------------------------------
# 80x24: the same views fit
explorer_start narrow 80 24 "$U" || die "tmux starts (80x24)"
screen_send 2
t_ok "[80x24] the live list" screen_wait_for '^ [^ ]+( \(chain [0-9]+\))? +head [0-9,]+ +following by block filter' 10
t_ok "[80x24] block rows are listed" screen_wait_for "^ [0-9,]+ +[0-9]+[smhd] +[0-9]+ +~?[0-9.]+% " 5
search "$transfer"
t_ok "[80x24] transfer: hash (at least its start)" screen_wait_for "^ Transaction +${transfer:0:60}" 5
# 1 + 14 (label) + 66 = 81 columns: the last digit falls off an 80-column screen without a mark
t_ok "[80x24] transfer: the whole hash is on screen" screen_wait_for "^ Transaction +$transfer\$" 2
t_ok "[80x24] transfer: status" screen_wait_for '^ Status +success, [0-9]+ confirmations' 5
t_ok "[80x24] transfer: method" screen_wait_for '^ Method +transfer\(address,uint256\)' 3
t_ok "[80x24] transfer: from" screen_wait_for "^ From +$A0_SUM" 3
t_ok "[80x24] transfer: the decoded ERC-20 Transfer" \
	screen_wait_for 'ERC-20 Transfer +0xf39Fd6\.\.b92266 -> 0x709979\.\.dc79C8 +1\.5 CDT' 5
search "$fail"
t_ok "[80x24] failed call: revert reason" screen_wait_for 'Reverted +Error\(string\): "Token: always fails"' 5
search "$A1"
t_ok "[80x24] address: balance" screen_wait_for '^ Balance +10000 ETH' 5
t_ok "[80x24] address: token balance" screen_wait_for '^ Tokens +1\.5 CDT' 10
t_ok "[80x24] address: the transfer as TOKEN IN" screen_wait_for "^ #$tb +[0-9]+[smhd] +TOKEN IN +from 0xf39Fd6\.\.b92266 1\.5 CDT" 10
screen_send Enter
t_ok "[80x24] Enter on the history row opens the transaction" screen_wait_for "^ Transaction +${transfer:0:60}" 5
t_ok "[80x24] ... with its fields" screen_wait_for '^ Method +transfer\(address,uint256\)' 5
screen_send Escape
t_ok "[80x24] Esc goes back to the address" screen_wait_for "^ Address +$A1_SUM" 5
search "$A1_BAD"
t_ok "[80x24] a wrong checksum is refused" screen_wait_for 'wrong EIP-55 checksum' 3
search "$tb"
t_ok "[80x24] block by number" screen_wait_for "^ Block +#$tb( |$)" 5
# narrower than 100 columns the FROM column makes way for the amounts
t_ok "[80x24] block: the transfer's row" screen_wait_for "^ $(re "$(short "$transfer")") +0x5FbDB2\.\.180aa3 +0 ETH " 5
screen_send ']'
t_ok "[80x24] ] opens the next block" screen_wait_for "^ Block +#$((tb + 1))( |$)" 5
screen_send q
t_ok "[80x24] q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5
t_ok "no escapes in the logs" bash -c "! grep -q \$'\\x1b' '$home'/chaindeck-*.log"
t_done
