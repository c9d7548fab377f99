#!/usr/bin/env bash
# The address book is shared: a label set from the command line shows in the
# explorer and on the wallet's confirmation screen, and one set in the
# explorer with b lands in the same file.
set -u
here=$(dirname "$0")
. "$here/../lib/screen.sh"
. "$here/../lib/erc20.sh"
build=${CHAINDECK_BUILD:-build}
bin=$build/chaindeck

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-book.XXXXXX")
cleanup_add "rm -rf '$home'"
export XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
A1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
A2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC

anvil_start --block-time 1 || { t_fail "anvil starts"; t_done; exit 1; }
t_ok "book: label Alice set from the command line" eval "\"$bin\" wallet book $A1 Alice >/dev/null"
tx=$(eth_transfer "$ANVIL_URL" "$A0" "$A1" 1000)
tx_receipt_wait "$ANVIL_URL" "$tx" 20 >/dev/null || t_fail "the transfer is mined"
printf 'book\n' >"$home/pw"
echo "test test test test test test test test test test test junk" |
	"$bin" wallet restore --vault "$home/vault" --password-file "$home/pw" --kdf interactive >/dev/null 2>&1 ||
	t_fail "vault restored"

screen_start book 120 32 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
	env ETH_RPC_URL= LC_ALL=C.UTF-8 "$bin" --rpc-url "$ANVIL_URL" --vault "$home/vault" --log "$home/log"
screen_send 2
t_ok "explorer up" screen_wait_for 'following by' 10
screen_send /
screen_type "$tx"
screen_send Enter
t_ok "explorer: the recipient shows its label from the book" screen_wait_for "To +$A1  \\(Alice\\)" 10

# b on the address view labels it in the same file.
screen_send /
screen_type "$A2"
screen_send Enter
t_ok "address view" screen_wait_for "Address +$A2" 10
screen_send b
t_ok "b asks for a label" screen_wait_for 'Label \(empty removes\)' 3
screen_type Carol
screen_send Enter
t_ok "saved" screen_wait_for 'label saved in the address book' 3
t_ok "the view shows it" screen_wait_for "Address +$A2  \\(Carol\\)" 3
if [ "$("$bin" wallet book "$A2")" = Carol ]; then t_pass "the CLI reads Carol from the same book"
else t_fail "the CLI reads Carol from the same book"; fi

# The wallet's confirmation screen names the recipient from the book.
screen_send 1
t_ok "wallet pane" screen_wait_for 'locked \(read-only' 5
screen_send s
screen_type "$A2"
screen_send Enter
screen_send Enter
screen_type 0.5
screen_send Enter
t_ok "confirmation: the recipient carries its book label" screen_wait_for "To +$A2  \\(Carol\\)" 10
screen_send Escape
screen_send q
t_ok "quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
mode=$(stat -c %a "$XDG_DATA_HOME/chaindeck/addressbook")
if [ "$mode" = 600 ]; then t_pass "the book is 0600"; else t_fail "the book is 0600" "$mode"; fi
t_done
