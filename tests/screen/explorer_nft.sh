#!/usr/bin/env bash
# The explorer on an ERC-721 (tests/erc721/Nft.sol: OpenZeppelin's ERC721, symbol CDN, ids 0 and 1
# minted to the deployer) in a real terminal (tmux): the transfer of token id 0 shows its id and
# symbol, ApprovalForAll shows approved (not an amount), and the recipient's address shows its
# balance as a count of CDN tokens (ERC-165 supportsInterface says ERC-721) and the transfer in its
# history by token id. What is expected comes from cast's answers about the contract.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"
. "$here/../lib/erc20.sh"

anvil_start || die "anvil starts"
U=$ANVIL_URL
A0=$ERC20_ACCOUNT0
A1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
A1_SUM=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
send() { rpc_result "$U" eth_sendTransaction "[{\"from\":\"$A0\",\"to\":\"$NFT\",\"gas\":\"0x30000\",\"data\":\"$1\"}]"; }

nft_deploy "$U" "$A0"
transfer=$(send "$("$CAST" calldata 'transferFrom(address,address,uint256)' "$A0" "$A1" 0)") || die "token 0 is sent"
tx_receipt_wait "$U" "$transfer" 15 >/dev/null || die "the transfer is mined"
approve=$(send "$("$CAST" calldata 'setApprovalForAll(address,bool)' "$A1" true)") || die "setApprovalForAll is sent"
tx_receipt_wait "$U" "$approve" 15 >/dev/null || die "setApprovalForAll is mined"

# cast's answers: what the screen must say
sym=$("$CAST" call --rpc-url "$U" "$NFT" 'symbol()(string)' | tr -d '"')
owner=$("$CAST" call --rpc-url "$U" "$NFT" 'ownerOf(uint256)(address)' 0)
bal=$("$CAST" call --rpc-url "$U" "$NFT" 'balanceOf(address)(uint256)' "$A1")
all=$("$CAST" call --rpc-url "$U" "$NFT" 'isApprovedForAll(address,address)(bool)' "$A0" "$A1")
is721=$("$CAST" call --rpc-url "$U" "$NFT" 'supportsInterface(bytes4)(bool)' 0x80ac58cd)
[ "$sym" = CDN ] && [ "${owner,,}" = "$A1" ] && [ "$bal" = 1 ] && [ "$all" = true ] && [ "$is721" = true ] ||
	die "cast sees the NFT as expected" "symbol $sym, owner $owner, balance $bal, approved $all, ERC-721 $is721"

explorer_start nft 120 32 "$U" || die "tmux starts"
screen_send 2
t_ok "the explorer is up" screen_wait_for 'following by' 10

search "$transfer"
t_ok "transfer: opens" screen_wait_for "^ Transaction +$transfer" 5
t_ok "transfer: ERC-721 Transfer of token id 0 $sym" \
	screen_wait_for "ERC-721 Transfer +0xf39Fd6\.\.b92266 -> 0x709979\.\.dc79C8 +token id 0 $sym\$" 5

search "$approve"
t_ok "approval: opens" screen_wait_for "^ Transaction +$approve" 5
t_ok "approval: ApprovalForAll says approved, not an amount" \
	screen_wait_for "ApprovalForAll +0xf39Fd6\.\.b92266 -> 0x709979\.\.dc79C8 +approved \(all $sym tokens\)\$" 5
if screen_capture | grep -q 'units'; then t_fail "approval: no 'units'"; else t_pass "approval: no 'units'"; fi

search "$A1_SUM"
t_ok "address: opens" screen_wait_for "^ Address +$A1_SUM" 5
t_ok "address: the NFT balance is a count of $sym tokens ($bal)" screen_wait_for "^ Tokens +$bal $sym \(ERC-721\)\$" 10
t_ok "address: the transfer in its history by token id" \
	screen_wait_for "TOKEN IN +from 0xf39Fd6\.\.b92266 token id 0 $sym " 10

screen_send q
t_ok "q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 5
t_done
