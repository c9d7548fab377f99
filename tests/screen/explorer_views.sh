#!/usr/bin/env bash
# What the explorer's views show beyond the basics, in a real terminal (tmux), checked against cast:
# a mined EIP-1559 transaction's max fee and tip, its access list and raw input; a custom error no
# table knows with its argument data as `cast run` prints it; a block's time as a date, its size,
# roots, extraData, withdrawals and blob gas; a contract's creation in its history as CREATION (not
# INTERNAL) with a Creator line; and, on a node without ots_ and trace_ (a proxy refuses them), the
# history says a block scan cannot see internal transfers.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"
. "$here/../lib/erc20.sh"

anvil_start || die "anvil starts"
U=$ANVIL_URL
A0=$ERC20_ACCOUNT0
A0_SUM=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
nft_deploy "$U" "$A0"
NFT_SUM=$("$CAST" to-check-sum-address "$NFT")
KEY=0x0000000000000000000000000000000000000000000000000000000000000007
data=$("$CAST" calldata 'balanceOf(address)' "$A0")
tx=$(rpc_result "$U" eth_sendTransaction "[{\"from\":\"$A0\",\"to\":\"$NFT\",\"gas\":\"0x30000\",\"data\":\"$data\",
	\"maxFeePerGas\":\"0x77359400\",\"maxPriorityFeePerGas\":\"0x3b9aca01\",
	\"accessList\":[{\"address\":\"$NFT\",\"storageKeys\":[\"$KEY\"]}]}]") || die "a 1559 transaction with an access list is sent"
tx_receipt_wait "$U" "$tx" 15 >/dev/null || die "it is mined"
fail=$(rpc_result "$U" eth_sendTransaction "[{\"from\":\"$A0\",\"to\":\"$NFT\",\"gas\":\"0x30000\",\"data\":\"$("$CAST" sig 'failCustom()')\"}]") ||
	die "the custom error call is sent"
tx_receipt_wait "$U" "$fail" 15 >/dev/null || die "it is mined"
block=$("$CAST" tx --rpc-url "$U" "$tx" blockNumber)

# cast's answers
# field NAME of cast's full listing (cast tx / cast block): some fields cannot be asked one by one
field() { awk -v f="$1" '$1 == f { print $2; exit }'; }
txs=$("$CAST" tx --rpc-url "$U" "$tx")
maxfee=$(field maxFeePerGas <<<"$txs")
tip=$(field maxPriorityFeePerGas <<<"$txs")
input=$(field input <<<"$txs")
custom=$("$CAST" run --rpc-url "$U" "$fail" 2>&1 | grep -o 'custom error 0x[0-9a-f]*: [0-9a-f]*' | head -1)
[ -n "$custom" ] || die "cast run shows the custom error"
gwei() { "$CAST" to-unit "$1" gwei; }
blk=$("$CAST" block --rpc-url "$U" "$block")
bf() { field "$1" <<<"$blk"; }

# joined LABEL: the row LABEL and the lines that go on under its value column, as one line
joined() {
	screen_capture | awk -v l="$1" 'index($0, " " l " ") == 1 {on=1; sub("^ " l " +", ""); printf "%s", $0; next}
		on && /^              [^ ]/ {sub(/^ +/, ""); printf "%s", $0; next} {on=0}'
}

explorer_start views 120 50 "$U" || die "tmux starts"
screen_send 2
t_ok "the explorer is up" screen_wait_for 'following by' 10

search "$tx"
t_ok "1559: opens" screen_wait_for "^ Transaction +$tx" 5
t_ok "1559: mined, max fee and tip as cast reads them" \
	screen_wait_for "^ Fees +max $(re "$(gwei "$maxfee")") gwei, tip $(re "$(gwei "$tip")") gwei\$" 5
t_ok "1559: the access list" screen_wait_for "^ Access list +1 entry\$" 3
t_ok "1559: its address and key count" screen_wait_for "^   $NFT_SUM, 1 storage key\$" 3
t_ok "1559: the storage key" screen_wait_for "^     $KEY\$" 3
t_ok "1559: the raw input is cast's" [ "$(joined Input)" = "$input" ]
t_ok "1559: the block's time as a date" screen_wait_for "^ Block +#$block, index 0 \([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC, " 5

search "$fail"
t_ok "custom error: opens" screen_wait_for "^ Transaction +$fail" 5
screen_wait_for '^ Reverted +custom' 5 >/dev/null
t_ok "custom error: argument data as cast run shows it ('$custom')" [ "$(joined Reverted)" = "$custom" ]

search "$block"
t_ok "block: opens" screen_wait_for "^ Block +#$block( |\$)" 5
ts=$(bf timestamp)
t_ok "block: time as a UTC date ($(date -u -d "@$ts" '+%F %T'))" screen_wait_for "^ Time +$(date -u -d "@$ts" '+%F %T') UTC \(" 3
t_ok "block: size $(bf size)" screen_wait_for "^ Size +$(printf "%'d" "$(bf size)" 2>/dev/null || bf size) bytes\$" 3
t_ok "block: state root" screen_wait_for "^ State root +$(bf stateRoot)\$" 3
t_ok "block: transactions root" screen_wait_for "^ Tx root +$(bf transactionsRoot)\$" 3
t_ok "block: receipts root" screen_wait_for "^ Receipt root +$(bf receiptsRoot)\$" 3
t_ok "block: extraData ($(bf extraData))" screen_wait_for "^ Extra data +$(bf extraData)( |\$)" 3
t_ok "block: withdrawals" screen_wait_for "^ Withdrawals +0, root $(bf withdrawalsRoot)\$" 3
t_ok "block: blob gas" screen_wait_for "^ Blob gas +used $(($(bf blobGasUsed))), excess $(($(bf excessBlobGas)))\$" 3

search "$NFT_SUM"
t_ok "contract: opens" screen_wait_for "^ Address +$NFT_SUM" 5
t_ok "contract: its creation in the history is CREATION by the deployer" \
	screen_wait_for "^ #1 +[0-9]+[smhd] +CREATION +by +0xf39Fd6\.\.b92266 " 10
t_ok "contract: the Creator line" screen_wait_for "^ Creator +$A0_SUM  \(in 0x" 5
screen_send q
t_ok "q quits" screen_wait_for 'chaindeck exited with status 0' 5

# a node without ots_ and trace_: the history scans blocks, and says what that cannot see
echo refuse=ots_,trace_ >"$home/proxy-mode"
rpc_proxy_start "$U" "$home/proxy-mode" || die "the proxy answers"
P=$PROXY_URL
explorer_start scan 120 50 "$P" || die "tmux starts (scan)"
screen_send 2
t_ok "scan: the explorer is up" screen_wait_for 'following by' 10
search "$A0_SUM"
t_ok "scan: the history says a block scan cannot see internal transfers" \
	screen_wait_for '^ History: [0-9]+ entr(y|ies) via [a-z ]*scan[a-z ]* \(a block scan cannot see internal transfers\)' 10
screen_send q
t_ok "scan: q quits" screen_wait_for 'chaindeck exited with status 0' 5
t_done
