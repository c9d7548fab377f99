#!/usr/bin/env bash
# A Ledger account in the wallet pane, against anvil (chain id 1), in a real terminal (tmux, 120x34).
# The device is replaced by exchanges recorded from a real one (tests/vectors/ledger/eth-app.txt,
# through CHAINDECK_LEDGER_REPLAY): the recording "clearSignTransaction" is a genuine EIP-1559
# signature of 1 wei to 0xB0b5...F861 (nonce 0, tip 0.4 gwei, max fee 52.925678988 gwei, gas
# 21000) by 0x6cBC...933d, the address the same device showed for m/44'/60'/0'/0/0.
#   - add-ledger records that account; the pane lists it tagged [Ledger]
#   - a send from it whose confirmation is exactly that transaction goes to the device (the APDU
#     must be the recorded one) on a worker; while the device has not answered the screen says
#     "confirm on your Ledger" and Esc stops waiting; the device's refusal (status 0x6985) is
#     reported; either way nothing is sent (cast: nonce unchanged)
#   - confirmed on the device: the signed transaction reaches the node, and cast reads it back:
#     from 0x6cBC...933d, the recorded r and s, every field of the confirmation
#   - the receive screen of the Ledger account does not claim a key check; v has the device show
#     the address (on a node of chain 17000, as recorded): approved, rejected (0x6985), and a
#     device that shows another address (the recorded answer of another key) are each said plainly
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
build=${CHAINDECK_BUILD:-build}
CAST=${CAST:-$here/../npm/bin/cast}
V=tests/vectors/ledger/eth-app.txt

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-ledger-screen.XXXXXX")
cleanup_add "rm -rf '$home'"
chmod 700 "$home"
die() { t_fail "$1" "${2:-}"; t_done; exit 1; }

# replay NAME: the "=>"/"<=" lines of the recorded case NAME, as a replay file
replay() {
	awk -v n="$1" 'index($0, "case ") == 1 { on = (index($0, "case " n) == 1) } on && /^(=>|<=) /' "$V" \
		>"$home/$2"
}
expect_of() { awk -v n="$1" 'index($0, "case ") == 1 { on = (index($0, "case " n) == 1) }
	on && index($0, "expect ") == 1 { print; exit }' "$V" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

PASSWORD='Horse-battery-9-staple'
LEDGER=0x6cBCD73CD8e8a42844662f0A0e76D7F79Afd933d
TO=0xB0b5B0106D69fE64545A60A68C014f7570D3F861
vault=$home/vault
printf '%s\n' "$PASSWORD" >"$home/password"
printf 'test test test test test test test test test test test junk\n' |
	"$build/chaindeck" wallet restore --vault "$vault" --password-file "$home/password" --kdf interactive \
		>"$home/setup.out" 2>&1 || die "the test vault is restored" "$(cat "$home/setup.out")"
replay "getAddress with chain ID" address.apdus
CHAINDECK_LEDGER_REPLAY=$home/address.apdus "$build/chaindeck" wallet add-ledger "m/44'/60'/0'/0/0" \
	--chain-id 17000 --label cold --vault "$vault" --password-file "$home/password" >>"$home/setup.out" 2>&1 ||
	die "add-ledger records the device's account" "$(cat "$home/setup.out")"

replay "clearSignTransaction" sign.apdus
# the same APDU, never answered (the user has not decided), and refused on the device
sed -n 1p "$home/sign.apdus" >"$home/wait.apdus"
sed -n 1p "$home/sign.apdus" >"$home/refuse.apdus"
printf '<= 6985\n' >>"$home/refuse.apdus"

anvil_start --chain-id 1 --block-time 1 || die "anvil starts"
U=$ANVIL_URL
rpc_result "$U" anvil_setBalance "[\"$LEDGER\",\"0xde0b6b3a7640000\"]" >/dev/null || die "the Ledger account is funded"

has() { screen_capture | grep -Eq -- "$1"; }
# shellcheck disable=SC2086 # CHAINDECK_WRAP (valgrind ...) is words
run_chaindeck() {
	screen_start "$1" 120 34 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" XDG_DATA_HOME="$home/data" \
		LC_ALL=C.UTF-8 ETH_RPC_URL= CHAINDECK_LEDGER_REPLAY="$2" ${CHAINDECK_WRAP:-} "$build/chaindeck" \
		--rpc-url "$U" --vault "$vault" --log "$home/chaindeck-$1.log"
	screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts ($1)" "$(screen_capture)"
	screen_send 1
	screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "the wallet pane shows ($1)"
	screen_send u
	screen_wait_for 'Vault password' 3 >/dev/null || die "the password prompt opens ($1)"
	screen_type "$PASSWORD"
	screen_send Enter
	screen_wait_for 'unlocked \(L locks\)' 10 >/dev/null || die "the vault unlocks ($1)"
}
# confirm_send: from account 1 (the Ledger), 1 wei to TO with the recording's fees
confirm_send() {
	screen_send j
	screen_send s
	screen_wait_for 'Send to address' 3 >/dev/null || return 1
	screen_type "$TO"
	screen_send Enter
	screen_wait_for 'Token contract \(Enter for ETH\)' 3 >/dev/null || return 1
	screen_send Enter
	screen_wait_for 'Amount (in ETH|of the token) \(or max\)' 3 >/dev/null || return 1
	screen_type 0.000000000000000001
	screen_send Enter
	screen_wait_for 'y signs and sends|Y signs and sends' 15 >/dev/null || return 1
	screen_send c
	screen_wait_for 'Max fee per gas in gwei' 3 >/dev/null || return 1
	screen_type 52.925678988
	screen_send Enter
	screen_wait_for 'Tip \(priority fee\) in gwei' 3 >/dev/null || return 1
	screen_type 0.4
	screen_send Enter
	screen_wait_for 'Max fee +52.925678988 gwei, tip 0.4 gwei' 15 >/dev/null || return 1
	screen_wait_for 'y signs and sends|Y signs and sends' 15 >/dev/null
}

# ---- waiting for the device, cancelled ---------------------------------------------------------
run_chaindeck cancel "$home/wait.apdus"
t_ok "the Ledger account is listed, tagged" screen_wait_for "1 +cold +$LEDGER .*\[Ledger\]" 10
confirm_send || die "the confirmation shows the recorded transaction" "$(screen_capture)"
t_ok "the confirmation names the Ledger account" has "$LEDGER"
screen_send y
t_ok "y: confirm on your Ledger, Esc cancels" screen_wait_for 'confirm on your Ledger +Esc cancels' 10
t_ok "the screen says what to do on the device" screen_wait_for 'confirm on your Ledger: check the transaction' 2
screen_send Escape
t_ok "Esc: cancelled, nothing signed" screen_wait_for 'cancelled: not signed' 10
n_after=$("$CAST" nonce --rpc-url "$U" --block pending "$LEDGER")
[ "$n_after" = 0 ] && t_pass "cancelled: nothing sent (cast: nonce still 0)" ||
	t_fail "cancelled: nothing sent" "nonce $n_after"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
screen_send q
t_ok "q quits (cancel) with status 0" screen_wait_for 'chaindeck exited with status 0' 10

# ---- the device refuses -------------------------------------------------------------------------
run_chaindeck refuse "$home/refuse.apdus"
confirm_send || die "the confirmation shows the recorded transaction (refuse)" "$(screen_capture)"
screen_send y
t_ok "refused on the device: said plainly, nothing signed" \
	screen_wait_for 'refused on the Ledger \(status 0x6985\).*not signed' 10
n_after=$("$CAST" nonce --rpc-url "$U" --block pending "$LEDGER")
[ "$n_after" = 0 ] && t_pass "refused: nothing sent (cast: nonce still 0)" ||
	t_fail "refused: nothing sent" "nonce $n_after"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
screen_send q
t_ok "q quits (refuse) with status 0" screen_wait_for 'chaindeck exited with status 0' 10

# ---- confirmed on the device ---------------------------------------------------------------------
run_chaindeck sign "$home/sign.apdus"
confirm_send || die "the confirmation shows the recorded transaction (2)" "$(screen_capture)"
screen_send y
screen_wait_for 'sent 0x[0-9a-f]{64}' 15 >/dev/null
hash=$(screen_capture | grep -o 'sent 0x[0-9a-f]\{64\}' | head -n 1 | cut -c6-)
[ -n "$hash" ] && t_pass "confirmed on the Ledger: sent ($hash)" || die "confirmed on the Ledger: sent" "$(screen_capture)"
end=$(($(now_ms) + 15000))
while [ -z "$("$CAST" receipt --rpc-url "$U" "$hash" blockNumber 2>/dev/null)" ] && [ "$(now_ms)" -lt "$end" ]; do
	sleep 0.2
done
json=$("$CAST" tx --json --rpc-url "$U" "$hash")
field() { printf '%s' "$json" | jq -r ".$1"; }
[ "$(field from | tr A-F a-f)" = "$(echo "$LEDGER" | tr A-F a-f)" ] && t_pass "cast: from the Ledger account" ||
	t_fail "cast: from the Ledger account" "$json"
# cast prints quantities without leading zeros
[ "$(field r)" = "0x$(expect_of clearSignTransaction r | sed 's/^0*//')" ] &&
	[ "$(field s)" = "0x$(expect_of clearSignTransaction s | sed 's/^0*//')" ] &&
	t_pass "cast: the recorded signature (r, s)" || t_fail "cast: the recorded signature" "$json"
got=$(printf '%s %s %s %s %s %s %s' "$(field chainId)" "$(field nonce)" "$(field maxPriorityFeePerGas)" \
	"$(field maxFeePerGas)" "$(field gas)" "$(field to | tr A-F a-f)" "$(field value)")
[ "$got" = "0x1 0x0 0x17d78400 0xc529dc58c 0x5208 $(echo "$TO" | tr A-F a-f) 0x1" ] &&
	t_pass "cast: every field of the confirmation" || t_fail "cast: every field of the confirmation" "$got"
[ "$("$CAST" receipt --json --rpc-url "$U" "$hash" | jq -r .status)" = "0x1" ] && t_pass "the node mined it" ||
	t_fail "the node mined it" "$("$CAST" receipt --json --rpc-url "$U" "$hash" 2>&1 | head -c 400)"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
screen_send q
t_ok "q quits (sign) with status 0" screen_wait_for 'chaindeck exited with status 0' 10
# ---- the receive screen: the address shown on the device -----------------------------------------
anvil_stop
anvil_start --chain-id 17000 || die "anvil (chain 17000) starts"
U=$ANVIL_URL
sed -n 1p "$home/address.apdus" >"$home/reject.apdus"
printf '<= 6985\n' >>"$home/reject.apdus"
sed -n 1p "$home/address.apdus" >"$home/other.apdus"
replay "getAddress" other-answer.apdus
sed -n 2p "$home/other-answer.apdus" >>"$home/other.apdus"
for what in approve:address.apdus reject:reject.apdus other:other.apdus; do
	name=${what%%:*}
	run_chaindeck "receive-$name" "$home/${what#*:}"
	screen_send j
	screen_send r
	screen_wait_for "Receive to +$LEDGER" 5 >/dev/null || t_fail "$name: the receive screen opens" "$(screen_capture)"
	if [ "$name" = approve ]; then
		t_ok "receive: no key check is claimed for a Ledger account" screen_wait_gone 'derived from its key' 1
		t_ok "receive: the path it was approved at" has "Recorded +approved on the Ledger when added \(m/44'/60'/0'/0/0\)"
		t_ok "receive: v is offered" has 'v shows it on the Ledger to compare'
	fi
	screen_send v
	case $name in
	approve) t_ok "v: approved on the device, the same address" \
		screen_wait_for 'approved on the Ledger: it showed this address' 10 ;;
	reject) t_ok "v: rejected on the device, said plainly" \
		screen_wait_for 'rejected on the Ledger: do not use this address' 10 ;;
	other) t_ok "v: another address on the device is flagged" \
		screen_wait_for "the Ledger's address is 0xcba98362e199c41e1864d0923af9646d3a648451, NOT the vault's" 10 ;;
	esac
	screen_send Escape
	screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
	screen_send q
	t_ok "q quits (receive-$name) with status 0" screen_wait_for 'chaindeck exited with status 0' 10
done

if grep -q 'Horse-battery' "$home"/chaindeck-*.log; then t_fail "the log holds no password"; else t_pass "the log holds no password"; fi

t_done
