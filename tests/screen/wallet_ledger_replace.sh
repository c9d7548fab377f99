#!/usr/bin/env bash
# Speed-up, cancel and typed data from a Ledger account in the wallet pane, against anvil (chain id
# 1, no mining until the test mines), in a real terminal (tmux, 150x45).
# Recordings from real devices cannot hold the transactions the pane builds here (its nonces and
# fees), so the test's "device" is built outside chaindeck: the hardware account is anvil's test
# account 9, whose key only the test holds. For each signing the test computes the unsigned
# transaction with ethers (Transaction.unsignedSerialized), the APDU the Ethereum app expects for it
# (CLA e0, INS 04, the BIP-32 path, the payload: the format of the recorded exchanges in
# tests/vectors/ledger/eth-app.txt), and the device's answer (v, r, s) from
# `cast wallet sign --no-hash` over cast's keccak of that payload; the replay fails loudly if the pane
# sends anything else. add-ledger records the account through the recorded getAddress APDU answered
# with that key's public key (cast wallet public-key).
#   - a send from it stays pending; x (speed-up) shows the replacement's confirmation, then "confirm on
#     your Ledger   Esc cancels" while the device waits (Esc: cancelled, nothing sent); the device's
#     refusal (0x6985) and a timeout are said plainly; confirmed on the device, the replacement goes
#     out; once mined, cast reads it back: from the Ledger account (the node recovers it), the same
#     nonce, the higher fees; the original is not mined
#   - X (cancel) likewise: refused, timed out, then signed: 0 ETH to itself at the same nonce, mined;
#     the original not
#   - T signs the EIP-712 Mail example on the device in the hashed mode (the APDU carries the
#     specification's domain separator and struct hash); refused, waiting and cancelled with Esc, signed
#     by another key (refused), then signed: the signature shown is the one `cast wallet sign --data`
#     makes with the key
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
CAST=${CAST:-$here/../npm/bin/cast}
NODE_MODULES=$(cd "$here/../npm/node_modules" && pwd)
V=$here/../vectors/ledger/eth-app.txt
MAIL=$here/../vectors/ethereum-EIPs/assets/eip-712/mail.txt

wallet_home chaindeck-ledger-replace
PASSWORD='Horse-battery-9-staple'
wallet_restore "$PASSWORD"
# anvil's test account 9: the key the test's "device" holds
KEY=0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6
LEDGER=$("$CAST" wallet address --private-key "$KEY")
[ "$LEDGER" = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 ] || die "cast derives anvil's account 9" "$LEDGER"
TO=0xB0b5B0106D69fE64545A60A68C014f7570D3F861
PATH_HEX=058000002c8000003c800000000000000000000000 # m/44'/60'/0'/0/0: 5 levels, as the recordings send it
DEV=$home/device.apdus

# add-ledger: the recorded getAddress APDU (m/44'/60'/0'/0/0, chain 17000) answered with this key:
# 65, the public key, 40, the address's 40 hex digits as text
apdu=$(awk 'index($0, "case ") == 1 { on = (index($0, "case getAddress with chain ID") == 1) }
	on && /^=> / { print; exit }' "$V")
pub=$("$CAST" wallet public-key --private-key "$KEY")
pub=04${pub#0x}
[ ${#pub} = 130 ] || die "cast gives the public key" "$pub"
text=$(printf '%s' "${LEDGER#0x}" | od -An -tx1 | tr -d ' \n')
printf '%s\n<= 41%s28%s9000\n' "$apdu" "$pub" "$text" >"$DEV"
CHAINDECK_LEDGER_REPLAY=$DEV "$build/chaindeck" wallet add-ledger "m/44'/60'/0'/0/0" --chain-id 17000 \
	--label cold --vault "$vault" --password-file "$home/password" >>"$home/restore.out" 2>&1 ||
	die "add-ledger records the device's account" "$(cat "$home/restore.out")"

# unsigned_tx NONCE TIP MAXFEE TO VALUE (wei): the EIP-1559 payload (chain 1, gas 21000), by ethers
unsigned_tx() {
	NODE_PATH=$NODE_MODULES node -e '
		const { Transaction } = require("ethers");
		const [n, tip, max, to, value] = process.argv.slice(1);
		console.log(Transaction.from({ type: 2, chainId: 1, nonce: Number(n), maxPriorityFeePerGas: BigInt(tip),
			maxFeePerGas: BigInt(max), gasLimit: 21000, to, value: BigInt(value), data: "0x" }).unsignedSerialized);
	' "$@"
}
# device ANSWER NONCE TIP MAXFEE TO VALUE: $DEV expects the signing APDU of that transaction and
# answers it with ANSWER: "sign" (the key's v, r, s), "6985", "(timeout)" or "" (never answers)
device() {
	local how=$1 payload p len sig
	shift
	payload=$(unsigned_tx "$@") || return 1
	p=${payload#0x}
	len=$((${#p} / 2 + ${#PATH_HEX} / 2))
	[ "$len" -le 150 ] || return 1 # one APDU (hw-app-eth's first chunk)
	printf '=> e0040000%02x%s%s\n' "$len" "$PATH_HEX" "$p" >"$DEV"
	case $how in
	sign)
		sig=$("$CAST" wallet sign --no-hash --private-key "$KEY" "$("$CAST" keccak "$payload")") || return 1
		sig=${sig#0x}
		# the app's answer: v (the y parity, for a typed transaction), r, s, then 9000
		printf '<= %02x%s9000\n' $((0x${sig:128:2} - 27)) "${sig:0:128}" >>"$DEV" ;;
	"") ;;
	*) printf '<= %s\n' "$how" >>"$DEV" ;;
	esac
}
gwei() { echo "$1"000000000; }

anvil_start --chain-id 1 --no-mining || die "anvil starts"
U=$ANVIL_URL
WALLET_WRAP=(env CHAINDECK_LEDGER_REPLAY="$DEV")
run_chaindeck ledger "$U" 150 45
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts" "$(screen_capture)"
screen_send 1
screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "the wallet pane shows"
unlock_ok || die "the vault unlocks"
t_ok "the Ledger account is listed, tagged" screen_wait_for "1 +cold +$LEDGER .*\[Ledger\]" 10
screen_send j

# custom_fees MAXFEE TIP (gwei): c on the confirmation, then waits until it is ready with them
custom_fees() {
	screen_send c
	screen_wait_for 'Max fee per gas in gwei' 5 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
	screen_wait_for 'Tip \(priority fee\) in gwei' 3 >/dev/null || return 1
	screen_type "$2"
	screen_send Enter
	screen_wait_for "Max fee +$1 gwei, tip $2 gwei" 15 >/dev/null &&
		screen_wait_for 'y signs and sends exactly this' 15 >/dev/null
}
back_to_main() {
	screen_send Escape
	screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
}
# pending_send NONCE: 1 wei to TO at max fee 30, tip 1 gwei, signed on the "device"; prints the hash
pending_send() {
	device sign "$1" "$(gwei 1)" "$(gwei 30)" "$TO" 1 || return 1
	send_form "$TO" "" 0.000000000000000001 || return 1
	screen_wait_for 'y signs and sends exactly this' 15 >/dev/null || return 1
	custom_fees 30 1 || return 1
	screen_send y
	screen_wait_for 'sent 0x[0-9a-f]{64}' 15 >/dev/null || return 1
	sent_hash
	back_to_main
}
# replace KEY: x or X, then the fees 40 / 2 gwei: the replacement's confirmation, ready
replace() {
	screen_send "$1"
	screen_wait_for 'y signs and sends exactly this' 15 >/dev/null || return 1
	custom_fees 40 2
}
mine() { "$CAST" rpc --rpc-url "$U" evm_mine >/dev/null; }
mined() { [ "$("$CAST" receipt --async --json --rpc-url "$U" "$1" 2>/dev/null | jq -r .status)" = 0x1 ]; }

# replacement_round KEY WHAT NONCE TO VALUE: refused, waiting (Esc), timed out, signed and mined
replacement_round() {
	local key=$1 what=$2 n=$3 to=$4 value=$5 h1 h2 json got
	h1=$(pending_send "$n") || { t_fail "$what: a send from the Ledger (nonce $n) goes out" "$(screen_capture)"; return; }
	t_ok "$what: the send (nonce $n) is pending" screen_wait_for "nonce $n +pending .*${h1:0:18}" 10
	mined "$h1" && t_fail "$what: the node holds it unmined"

	device 6985 "$n" "$(gwei 2)" "$(gwei 40)" "$to" "$value"
	replace "$key" || { t_fail "$what: the replacement's confirmation is ready" "$(screen_capture)"; return; }
	t_ok "$what: titled Replace a pending transaction" has '^ Replace a pending transaction$'
	t_ok "$what: the same nonce $n" has "^ Nonce +$n\$"
	screen_send y
	t_ok "$what: refused on the device: said plainly, not signed" \
		screen_wait_for 'refused on the Ledger \(status 0x6985\).*not signed' 10
	back_to_main

	device "" "$n" "$(gwei 2)" "$(gwei 40)" "$to" "$value"
	replace "$key" || { t_fail "$what: the replacement's confirmation is ready (2)" "$(screen_capture)"; return; }
	screen_send y
	t_ok "$what: y: confirm on your Ledger, Esc cancels" screen_wait_for 'confirm on your Ledger +Esc cancels' 10
	screen_send Escape
	t_ok "$what: Esc: cancelled, not signed" screen_wait_for 'cancelled: not signed' 10
	back_to_main

	device "(timeout)" "$n" "$(gwei 2)" "$(gwei 40)" "$to" "$value"
	replace "$key" || { t_fail "$what: the replacement's confirmation is ready (3)" "$(screen_capture)"; return; }
	screen_send y
	t_ok "$what: a timeout is said plainly, not signed" \
		screen_wait_for 'the Ledger did not answer within 120 s: not signed' 10
	back_to_main
	[ "$("$CAST" nonce --rpc-url "$U" --block pending "$LEDGER")" = "$((n + 1))" ] &&
		t_pass "$what: refused, cancelled, timed out: nothing else reached the node" ||
		t_fail "$what: nothing else reached the node" "$("$CAST" rpc --rpc-url "$U" txpool_content)"

	device sign "$n" "$(gwei 2)" "$(gwei 40)" "$to" "$value"
	replace "$key" || { t_fail "$what: the replacement's confirmation is ready (4)" "$(screen_capture)"; return; }
	screen_send y
	screen_wait_for 'sent 0x[0-9a-f]{64}' 15 >/dev/null
	h2=$(sent_hash)
	[ -n "$h2" ] && [ "$h2" != "$h1" ] && t_pass "$what: confirmed on the Ledger: the replacement is sent" ||
		{ t_fail "$what: confirmed on the Ledger: the replacement is sent" "$(screen_capture)"; return; }
	back_to_main
	mine
	if mined "$h2"; then t_pass "$what: the node mined the replacement"; else t_fail "$what: the node mined the replacement"; fi
	if mined "$h1"; then t_fail "$what: the original is not mined"; else t_pass "$what: the original is not mined"; fi
	json=$("$CAST" tx --json --rpc-url "$U" "$h2")
	got=$(printf '%s' "$json" | jq -r '[.from, .nonce, .maxFeePerGas, .maxPriorityFeePerGas, .to, .value, .gas] | join(" ")' |
		tr A-F a-f)
	[ "$got" = "$(printf '%s 0x%x 0x%x 0x%x %s 0x%x 0x5208' "$LEDGER" "$n" "$(gwei 40)" "$(gwei 2)" "$to" "$value" | tr A-F a-f)" ] &&
		t_pass "$what: cast: from the Ledger account, nonce $n, the higher fees, to and value" ||
		t_fail "$what: cast: from, nonce, fees, to, value" "$got"
	[ "$("$CAST" nonce --rpc-url "$U" "$LEDGER")" = "$((n + 1))" ] && t_pass "$what: cast: nonce $n is taken" ||
		t_fail "$what: cast: nonce $n is taken" "$("$CAST" nonce --rpc-url "$U" "$LEDGER")"
}

replacement_round x speed-up 0 "$TO" 1
replacement_round X cancel 1 "$LEDGER" 0

# ---- typed data (EIP-712) on the device -----------------------------------------------------------
sed -n 's/^request //p' "$MAIL" >"$home/mail.json"
ds=$(sed -n 's/^domainSeparator 0x//p' "$MAIL")
sh_=$(sed -n 's/^structHash 0x//p' "$MAIL")
digest=$(sed -n 's/^signHash //p' "$MAIL")
typed_apdu="=> e00c000055$PATH_HEX$ds$sh_"
open_request() {
	screen_send T
	screen_wait_for 'Typed data to sign' 3 >/dev/null || return 1
	screen_type "$home/mail.json"
	screen_send Enter
	screen_wait_for 'y signs exactly this +Esc cancels' 10 >/dev/null
}
open_request || die "the Mail request shows, ready to sign" "$(screen_capture)"
t_ok "typed: the signing account is the Ledger's" has "^ Account  $LEDGER"
t_ok "typed: the domain hash the device will show is the specification's" has "^ Domain hash   0x$ds  \(the Ledger shows it\)"
t_ok "typed: the message hash the device will show is the specification's" has "^ Message hash  0x$sh_  \(the Ledger shows it\)"
printf '%s\n<= 6985\n' "$typed_apdu" >"$DEV"
screen_send y
t_ok "typed: refused on the device: said plainly, not signed" \
	screen_wait_for 'refused on the Ledger \(status 0x6985\).*not signed' 10
printf '%s\n' "$typed_apdu" >"$DEV"
screen_send y
t_ok "typed: y: confirm on your Ledger, Esc cancels" screen_wait_for 'confirm on your Ledger +Esc cancels' 10
screen_send Escape
t_ok "typed: Esc: cancelled, not signed, the request still shown" screen_wait_for 'cancelled: not signed' 10
has '^ Message: Mail' && t_pass "typed: Esc while waiting stays on the request" ||
	t_fail "typed: Esc while waiting stays on the request" "$(screen_capture)"
# another key's signature (anvil's account 0: another device, or a passphrase): refused, not shown
sig=$("$CAST" wallet sign --no-hash --private-key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 "$digest")
sig=${sig#0x}
printf '%s\n<= %s%s9000\n' "$typed_apdu" "${sig:128:2}" "${sig:0:128}" >"$DEV"
screen_send y
t_ok "typed: a signature by another account is refused, not shown" \
	screen_wait_for "the Ledger signed as $A0, not as $LEDGER" 10
has 'Signature 0x' && t_fail "typed: no signature shown after another account's"
sig=$("$CAST" wallet sign --no-hash --private-key "$KEY" "$digest")
sig=${sig#0x}
printf '%s\n<= %s%s9000\n' "$typed_apdu" "${sig:128:2}" "${sig:0:128}" >"$DEV"
screen_send y
screen_wait_for 'Signature 0x[0-9a-f]{130}' 10 >/dev/null
shown=$(screen_capture | grep -o 'Signature 0x[0-9a-f]\{130\}' | cut -c11-)
want=$("$CAST" wallet sign --data --from-file "$home/mail.json" --private-key "$KEY")
[ -n "$shown" ] && [ "$shown" = "$want" ] && t_pass "typed: signed on the Ledger: the signature cast makes with the key" ||
	t_fail "typed: signed on the Ledger: the signature cast makes with the key" "shown '$shown' cast '$want'"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 5 >/dev/null
quit_ok

if grep -q 'Horse-battery' "$home"/chaindeck-*.log; then t_fail "the log holds no password"; else t_pass "the log holds no password"; fi
t_done
