#!/usr/bin/env bash
# Moving around the explorer, in a real terminal (tmux), against anvil with 60 blocks: G and g (End
# and Home) select the oldest and the newest listed block, PgDn moves the selection a screenful; h
# goes back to the live list from a document two links deep, f returns; ] on the head block stays
# (no empty page) and says why; a 32-byte hash that is neither a block nor a transaction is called
# that; the transaction's and the block's own hashes are selectable, so c copies them. Which block
# was selected is read from what c copied, checked against the node's hashes (cast).
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"

anvil_start || die "anvil starts"
U=$ANVIL_URL
rpc "$U" anvil_mine '["0x3c"]' >/dev/null || die "anvil mines 60 blocks"
A0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
tx=$(rpc_result "$U" eth_sendTransaction "[{\"from\":\"$A0\",\"to\":\"$A0\",\"value\":\"0x1\"}]") && [ -n "$tx" ] ||
	die "a transaction is sent"
H=$(rpc_result "$U" eth_blockNumber '[]') && H=$((H))
hash_of() { "$CAST" block --rpc-url "$U" "$1" -f hash; }

explorer_start nav 120 30 "$U" || die "tmux starts"
# copied_is HASH: c copies the selection, and it is HASH
copied_is() { screen_send c; screen_wait_for "copied $1" 3 >/dev/null; }

screen_send 2
t_ok "the live list is at the head ($H)" screen_wait_for "^ $H +[0-9]+[smhd] " 10
screen_send G
t_ok "G selects the oldest listed block ($((H - 39)))" copied_is "$(hash_of $((H - 39)))"
screen_send g
t_ok "g selects the newest ($H)" copied_is "$(hash_of "$H")"
visible=$(screen_capture | grep -cE '^ [0-9,]+ +[0-9]+[smhd] ')
screen_send NPage
t_ok "PgDn moves a screenful ($visible rows) to block $((H - visible))" copied_is "$(hash_of $((H - visible)))"
screen_send Home
t_ok "Home selects the newest again" copied_is "$(hash_of "$H")"

# two links deep, then h: the live list
search "$tx"
t_ok "the transaction opens" screen_wait_for "^ Transaction +$tx" 5
screen_send g
t_ok "the transaction's own hash is selectable: c copies it" copied_is "$tx"
screen_send j
screen_send Enter
t_ok "Enter on Block opens the block" screen_wait_for "^ Block +#$H( |$)" 5
screen_send g
t_ok "the block's own hash is selectable: c copies it" copied_is "$(hash_of "$H")"
screen_send h
t_ok "h goes back to the live list" screen_wait_for '^ [^ ]+( \(chain [0-9]+\))? +head [0-9,]+ +following by' 5
screen_send f
t_ok "f comes back to the block" screen_wait_for "^ Block +#$H( |$)" 5

# ] on the head block
screen_send ']'
t_ok "] on the head says there is no next block yet" screen_wait_for "block $H is the head: there is no next block yet" 3
t_ok "... and the head block stays on screen" screen_wait_for "^ Block +#$H( |$)" 1

# a hash that is nothing on this node
nothing=0x$(printf '11%.0s' $(seq 32))
search "$nothing"
t_ok "an unknown 32-byte hash is neither a block nor a transaction" \
	screen_wait_for 'no such hash on this node: neither a block nor a transaction' 5

screen_send q
t_ok "q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5
t_done
