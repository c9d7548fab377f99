#!/usr/bin/env bash
# Typed-data (EIP-712) signing in the wallet pane, in a real terminal (tmux, 150x45), on a vault
# holding anvil's PUBLIC test mnemonic and the specification's test key (keccak256("cow")):
#   - T asks for a file; the specification's Mail request shows decoded: the signing account, the
#     domain's fields, the primary type, the message's fields and the digest, which must be the
#     specification's signHash (assets/eip-712/mail.txt, not our code)
#   - a terminal too small for all of it says "enlarge the terminal" and y does not sign; Y and
#     other keys never sign
#   - y signs: the signature shown is byte-identical with `cast wallet sign --data --from-file`
#     for the same key, and cast verifies it against the account
#   - a missing file and a malformed request are refused with a message, nothing signed
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
cast=$CHAINDECK_NPM_BIN/cast

wallet_home chaindeck-screen
ok_if() { if [ "$1" = 0 ]; then t_pass "$2"; else t_fail "$2" "${3:-}"; fi; }

MAIL=$CHAINDECK_ROOT/tests/vectors/ethereum-EIPs/assets/eip-712/mail.txt
sed -n 's/^request //p' "$MAIL" >"$home/mail.json"
sign_hash=$(sed -n 's/^signHash //p' "$MAIL")
COW_KEY=$("$cast" keccak cow)
COW=0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826
PASSWORD='Horse-battery-9-staple'
wallet_restore "$PASSWORD"
printf '%s\n' "${COW_KEY#0x}" | "$build/chaindeck" wallet import-key --vault "$vault" \
	--password-file "$home/password" >>"$home/restore.out" 2>&1 || die "the cow key is imported" "$(cat "$home/restore.out")"
[ "$("$build/chaindeck" wallet list --vault "$vault" | awk 'NR == 2 {print $2}')" = "$COW" ] ||
	die "account 1 is the cow key" "$("$build/chaindeck" wallet list --vault "$vault")"
printf '{"types": {"EIP712Domain": []}, "primaryType": "Mail"' >"$home/bad.json"

# Signing needs no node: the URL is a port nothing listens on.
screen_start typed 150 45 env HOME="$home" XDG_CONFIG_HOME="$home/c" XDG_STATE_HOME="$home/s" \
	XDG_DATA_HOME="$home/d" ETH_RPC_URL= "$build/chaindeck" --rpc-url "http://127.0.0.1:$(free_port)" \
	--vault "$vault" --log "$home/chaindeck.log"
screen_send 1
screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "the wallet pane shows the locked vault"
unlock_ok || die "the vault unlocks"
screen_send j

open_request() {
	screen_send T
	screen_wait_for 'Typed data to sign' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
}

# ---- refused requests ----
open_request "$home/nothing-here.json"
screen_wait_for "cannot open .*nothing-here\\.json" 5 >/dev/null
ok_if $? "a missing file is refused with a message"
screen_send Escape
open_request "$home/bad.json"
screen_wait_for 'typed data refused: ' 5 >/dev/null
ok_if $? "a malformed request is refused with a message"
screen_send y
screen_capture | grep -q 'Signature 0x'
ok_if $((!$?)) "y on a refused request signs nothing"
screen_send Escape

# ---- the Mail example, decoded ----
open_request "$home/mail.json"
screen_wait_for '^ Message: Mail' 5 >/dev/null
ok_if $? "the request shows decoded: primary type Mail"
shown=$(screen_capture)
grep -qE "^ Account  $COW( |\$)" <<<"$shown"
ok_if $? "the signing account is the selected one ($COW)"
grep -qE '^   name \(string\): "Ether Mail"$' <<<"$shown" &&
	grep -qE '^   chainId \(uint256\): 1$' <<<"$shown" &&
	grep -qE '^   verifyingContract \(address\): 0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC$' <<<"$shown"
ok_if $? "the domain's fields show decoded" "$shown"
grep -qE '^   from\.wallet \(address\): 0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826$' <<<"$shown" &&
	grep -qE '^   to\.name \(string\): "Bob"$' <<<"$shown" &&
	grep -qE '^   contents \(string\): "Hello, Bob!"$' <<<"$shown"
ok_if $? "the message's fields show decoded"
grep -qE "^ Digest   $sign_hash\$" <<<"$shown"
ok_if $? "the digest shown is the specification's signHash"
grep -q 'y signs exactly this   Esc cancels' <<<"$shown"
ok_if $? "the screen says what y does"

# ---- too small: nothing signs ----
screen_resize 70 20
screen_wait_for 'enlarge the terminal to sign' 5 >/dev/null
ok_if $? "a terminal too small for the whole request says to enlarge it"
screen_send y
screen_wait_for 'not signed: the request does not fit' 3 >/dev/null
ok_if $? "y there does not sign"
screen_resize 150 45
screen_wait_for '^ Message: Mail' 5 >/dev/null
for k in Y n s; do screen_send "$k"; done
screen_wait_for 'y signs exactly this' 3 >/dev/null && ! screen_capture | grep -q 'Signature 0x'
ok_if $? "Y, n and s do not sign"

# ---- y signs; cast is the oracle ----
screen_send y
screen_wait_for '^ Signature 0x[0-9a-f]{130}$' 5 >/dev/null
ok_if $? "y signs and shows the signature"
sig=$(screen_capture | sed -n 's/^ Signature \(0x[0-9a-f]\{130\}\)$/\1/p')
want=$("$cast" wallet sign --data --from-file "$home/mail.json" --private-key "$COW_KEY")
[ -n "$sig" ] && [ "$sig" = "$want" ]
ok_if $? "the signature is byte-identical with cast wallet sign --data --from-file" "shown '$sig', cast '$want'"
"$cast" wallet verify --address "$COW" --data --from-file "$home/mail.json" "$sig" >/dev/null 2>&1
ok_if $? "cast verifies it against $COW"
screen_capture | grep -q 'c copies the signature   Esc back'
ok_if $? "the signed screen offers c to copy the signature"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
ok_if $? "Esc goes back to the accounts"
screen_send q
t_done
