#!/usr/bin/env bash
# The wallet pane against real anvils, in a real terminal (tmux, 120x34), on a vault holding anvil's
# PUBLIC test mnemonic (test keys, never for real funds):
#   - locked, it shows the accounts with their balances; a wrong password says so and leaves the
#     vault file as it was; the right one unlocks
#   - 1.5 ETH from account 0 to account 1: the confirmation screen shows chain 31337, the
#     checksummed recipient marked as our own, the amount and a passing pre-send check; y sends
#     exactly that; the main view follows it to "confirmed" and the node shows +1.5 ETH exactly
#   - 2.5 CDT (the test ERC-20) the same way; the recipient's balanceOf is 2.5e18 exactly
#   - a recipient with a broken EIP-55 checksum is refused; nothing is sent
#   - sends that cannot succeed (no tokens, more ETH than the balance) stop before signing
#   - the receive view shows the EIP-681 link and a QR code that encodes it
#   - on a second anvil that does not mine: speed-up (x) and cancel (X) replace a pending
#     transaction with the same nonce and higher fees; after a block the replacement is in and
#     the original is "replaced"
#   - no capture of the screen and no line of the log holds the mnemonic, the password or a
#     private key; the vault file is mode 0600
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/erc20.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
t_start=$(now_ms)

wallet_home chaindeck-screen

# Every capture of the screen is kept, so that all of them can be searched for secrets at the end.
caps=$home/captures.txt
screen_record "$caps"

# ---- the vault: anvil's public test mnemonic, accounts 0..2 -----------------------------------
PASSWORD='Horse-battery-9-staple'
WRONG='Horse-battery-9-stapel'
KEYS=(ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
	59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
	5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a)
A1_BAD=0x70997970c51812dc3A010C7d01b50e0d17dc79C8 # the first C in lower case: checksum broken
TOKEN_SUM=0x5FbDB2315678afecb367f032d93F642f64180aa3 # anvil's first contract from account 0
wallet_restore "$PASSWORD" 2
[ "$("$build/chaindeck" wallet list --vault "$vault" | awk '{print $2}' | tr '\n' ' ')" = "$A0 $A1 $A2 " ] ||
	die "the vault holds anvil's accounts 0..2" "$("$build/chaindeck" wallet list --vault "$vault")"

# ---- helpers ------------------------------------------------------------------------------------
# "A op B" on integers (op: == > - +), prints the result (True/False or the number)
calc() { py 'import sys; a, op, b = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]); print({"==": a == b, ">": a > b, "-": a - b, "+": a + b}[op])' "$1" "$2" "$3"; }
# wei as the pane shows ETH: no trailing zeros, no separators ("10000", "9999.99883862")
eth_text() { py 'import sys; w = int(sys.argv[1]); f = ("%018d" % (w % 10**18)).rstrip("0"); print(str(w // 10**18) + ("." + f if f else ""))' "$1"; }
balance() { dec "$(rpc_result "$1" eth_getBalance "[\"$2\", \"latest\"]")"; }
nonce_of() { dec "$(rpc_result "$1" eth_getTransactionCount "[\"$2\", \"${3:-pending}\"]")"; }
token_balance() {
	local data
	data=0x70a08231$(_erc20_word_addr "$3")
	dec "$(rpc_result "$1" eth_call "[{\"to\":\"$2\",\"data\":\"$data\"}, \"latest\"]")"
}
# the value of a "Label   value" line of the current screen
field() { screen_capture | sed -n "s/^ $1  *//p" | head -n 1; }
# ---- the node: a block every second, the test token ------------------------------------------
anvil_start --block-time 1 || die "anvil starts"
U=$ANVIL_URL
erc20_deploy "$U" || die "the token deploys"
[ "${ERC20_ADDRESS,,}" = "${TOKEN_SUM,,}" ] || die "the token is at the expected address" "$ERC20_ADDRESS"

vault_sum=$(sha256sum <"$vault")
run_chaindeck w "$U"
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts" "$(screen_capture)"
screen_send 1

# ---- 1. locked: accounts and balances; a wrong password; the right one ------------------------
t_ok "locked on start, read-only" screen_wait_for 'locked \(read-only; u unlocks\)' 5
b0=$(balance "$U" "$A0")
row_re() { printf '^ %s +- +%s  %s$' "$1" "$2" "$(re "$3")"; }
t_ok "locked: account 1 shows its 10000 ETH" screen_wait_for "$(row_re 1 "$A1" 10000)" 10
t_ok "locked: account 2 shows its 10000 ETH" screen_wait_for "$(row_re 2 "$A2" 10000)" 5
t_ok "locked: account 0 shows the node's balance ($(eth_text "$b0") ETH)" \
	screen_wait_for "$(row_re 0 "$A0" "$(eth_text "$b0")")" 5
t_ok "locked: the history of account 0 is shown" screen_wait_for 'History of account 0' 5

unlock "$WRONG" || t_fail "the password prompt opens"
if screen_wait_for 'wrong password' 10; then t_pass "a wrong password says: wrong password"; else t_fail "a wrong password says: wrong password"; fi
t_ok "still locked after the wrong password" has 'locked \(read-only; u unlocks\)'
if [ "$(sha256sum <"$vault")" = "$vault_sum" ]; then t_pass "the vault file is unchanged by the wrong password (sha256)"; else t_fail "the vault file is unchanged by the wrong password"; fi

screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$PASSWORD"
if screen_capture | grep -q "Vault password \*\{${#PASSWORD}\}\$"; then t_pass "the password is masked while typed"; else t_fail "the password is masked while typed" "$(screen_capture | tail -n 2)"; fi
screen_send Enter
t_ok "the right password unlocks" screen_wait_for 'unlocked \(L locks\)' 10

# ---- 2. 1.5 ETH from account 0 to account 1 ---------------------------------------------------
bal1_before=$(balance "$U" "$A1")
n0=$(nonce_of "$U" "$A0")
send_form "$A1" "" 1.5 || t_fail "the send form takes to, token and amount"
if screen_wait_for 'Check +pre-send check on the node( \(eth_simulateV1\))?: ok' 10; then t_pass "ETH: the pre-send check is ok"; else t_fail "ETH: the pre-send check is ok"; fi
t_ok "ETH: confirmation shows chain 31337" has '^ Chain +31337  local devnet \(anvil, hardhat\)$'
t_ok "ETH: confirmation shows the sender" has "^ From +$A0  \(own account\)\$"
t_ok "ETH: confirmation shows the checksummed recipient as our own" has "^ To +$A1  \(own account\)\$"
t_ok "ETH: confirmation shows 1.5 ETH" has '^ Amount +1\.5 ETH$'
t_ok "ETH: confirmation shows the next nonce ($n0)" has "^ Nonce +$n0\$"
t_ok "ETH: confirmation shows the gas limit 21000" has '^ Gas limit +21000$'
t_ok "ETH: confirmation says what y does" has 'y signs and sends exactly this   Esc cancels'
read -r fee_shown tip_shown <<<"$(fees_shown)"
screen_send y
if screen_wait_for 'sent 0x[0-9a-f]{64}' 10; then t_pass "ETH: y says sent 0x…"; else t_fail "ETH: y says sent 0x…"; fi
h_eth=$(sent_hash)
screen_send Escape
if screen_wait_for "^ nonce $n0 +confirmed +[0-9]+ conf  ${h_eth:0:18}\\.\\.  to 0x70997970\\.\\.  1\\.5 ETH" 20; then
	t_pass "ETH: the main view follows it to confirmed"
else
	t_fail "ETH: the main view follows it to confirmed"
fi
receipt=$(rpc_result "$U" eth_getTransactionReceipt "[\"$h_eth\"]")
tx=$(rpc_result "$U" eth_getTransactionByHash "[\"$h_eth\"]")
blk=$(dec "$(jfield "$receipt" blockNumber)")
head=$(dec "$(rpc_result "$U" eth_blockNumber)")
if [ "$(jfield "$receipt" status)" = 0x1 ] && [ $((head - blk + 1)) -ge 3 ]; then
	t_pass "ETH: the node has it in block $blk with $((head - blk + 1)) confirmations, status 1"
else
	t_fail "ETH: the node has it with 3 confirmations" "$receipt head $head"
fi
bal1_after=$(balance "$U" "$A1")
rise=$(calc "$bal1_after" - "$bal1_before")
if [ "$rise" = 1500000000000000000 ]; then t_pass "ETH: account 1's balance on the node rose by exactly 1.5 ETH"; else t_fail "ETH: account 1's balance rose by exactly 1.5 ETH" "by $rise wei"; fi
# what was signed is what the confirmation screen showed
if [ "$(jfield "$tx" from)" = "${A0,,}" ] && [ "$(jfield "$tx" to)" = "${A1,,}" ] &&
	[ "$(dec "$(jfield "$tx" value)")" = 1500000000000000000 ] && [ "$(dec "$(jfield "$tx" nonce)")" = "$n0" ] &&
	[ "$(dec "$(jfield "$tx" gas)")" = 21000 ] && [ "$(dec "$(jfield "$tx" chainId)")" = 31337 ] &&
	[ "$(dec "$(jfield "$tx" maxFeePerGas)")" = "$(gwei_to_wei "$fee_shown")" ] &&
	[ "$(dec "$(jfield "$tx" maxPriorityFeePerGas)")" = "$(gwei_to_wei "$tip_shown")" ]; then
	t_pass "ETH: the signed transaction is exactly the one on the confirmation screen"
else
	t_fail "ETH: the signed transaction is exactly the one on the confirmation screen" "shown fee $fee_shown tip $tip_shown; $tx"
fi
t_ok "ETH: account 1's row shows the new balance" screen_wait_for "$(row_re 1 "$A1" "$(eth_text "$bal1_after")")" 10

# ---- 3. 2.5 CDT from account 0 to account 1 ---------------------------------------------------
tok1_before=$(token_balance "$U" "$ERC20_ADDRESS" "$A1")
n0=$(nonce_of "$U" "$A0")
send_form "$A1" "$TOKEN_SUM" 2.5 || t_fail "CDT: the send form takes to, token and amount"
if draft_wait 'Check +pre-send check on the node( \(eth_simulateV1\))?: ok' 10; then t_pass "CDT: the pre-send check is ok"; else t_fail "CDT: the pre-send check is ok"; fi
t_ok "CDT: confirmation shows chain 31337" has '^ Chain +31337  local devnet \(anvil, hardhat\)$'
t_ok "CDT: confirmation shows the recipient" has "^ To +$A1  \(own account\)\$"
t_ok "CDT: confirmation shows 2.5 CDT" has '^ Amount +2\.5 CDT$'
t_ok "CDT: confirmation shows the token contract" has "^ Token +$TOKEN_SUM\$"
t_ok "CDT: confirmation shows nonce $n0" has "^ Nonce +$n0\$"
screen_send y
if screen_wait_for 'sent 0x[0-9a-f]{64}' 10; then t_pass "CDT: y says sent 0x…"; else t_fail "CDT: y says sent 0x…"; fi
h_tok=$(sent_hash)
screen_send Escape
if screen_wait_for "^ nonce $n0 +confirmed +[0-9]+ conf  ${h_tok:0:18}\\.\\." 20; then
	t_pass "CDT: the main view follows it to confirmed"
else
	t_fail "CDT: the main view follows it to confirmed"
fi
receipt=$(rpc_result "$U" eth_getTransactionReceipt "[\"$h_tok\"]")
if [ "$(jfield "$receipt" status)" = 0x1 ]; then t_pass "CDT: the node has it with status 1"; else t_fail "CDT: the node has it with status 1" "$receipt"; fi
tok1_after=$(token_balance "$U" "$ERC20_ADDRESS" "$A1")
if [ "$tok1_before" = 0 ] && [ "$tok1_after" = 2500000000000000000 ]; then
	t_pass "CDT: the recipient's balanceOf is exactly 2.5e18"
else
	t_fail "CDT: the recipient's balanceOf is exactly 2.5e18" "before $tok1_before, after $tok1_after"
fi

# ---- 4. a broken EIP-55 checksum ----------------------------------------------------------------
n0=$(nonce_of "$U" "$A0")
screen_send s
screen_wait_for 'Send to address' 3 >/dev/null
screen_type "$A1_BAD"
screen_send Enter
if screen_wait_for 'recipient: .*checksum' 3; then t_pass "a broken checksum is refused: $(screen_capture | grep -o 'recipient: .*checksum')"; else t_fail "a broken checksum is refused with a message about the checksum"; fi
t_ok "the form stops there (no token or amount asked)" screen_wait_gone 'Token contract|Amount in ETH|^ Send$' 1
screen_send y
sleep 2
if [ "$(nonce_of "$U" "$A0")" = "$n0" ] && [ "$(nonce_of "$U" "$A0" latest)" = "$n0" ]; then
	t_pass "nothing was sent to the mistyped address (nonce still $n0)"
else
	t_fail "nothing was sent to the mistyped address" "nonce $(nonce_of "$U" "$A0"), was $n0"
fi

# ---- 5. sends that cannot succeed stop before signing --------------------------------------------
screen_send j j
t_ok "account 2 selected" screen_wait_for 'History of account 2' 5
n2=$(nonce_of "$U" "$A2")
send_form "$A1" "$TOKEN_SUM" 1
if draft_wait 'the token balance is smaller than the amount' 10; then
	t_pass "1 CDT from account 2 (none held): the token balance is smaller than the amount"
else
	t_fail "1 CDT from account 2 is stopped: the token balance is smaller than the amount"
fi
t_ok "no tokens: no offer to sign" screen_wait_gone 'y signs and sends' 1
screen_send y
sleep 1
t_ok "no tokens: y does not send" screen_wait_gone 'sent 0x' 1
screen_send Escape
t_ok "Esc goes back to the main view" screen_wait_for 'unlocked \(L locks\)' 3
# A call that would revert is caught by the pre-send check before anything is signed:
# ETH sent to the token contract, which has no payable fallback.
send_form "$TOKEN_SUM" "" 0.01
if draft_wait 'Check +would fail( \(eth_simulateV1\))?: ' 10; then
	t_pass "ETH to a contract that refuses it: the pre-send check says it would fail"
else
	t_fail "ETH to a contract that refuses it: the pre-send check says it would fail"
fi
t_ok "a failing check offers only a deliberate Y" screen_wait_for 'Y signs and sends it anyway' 3
screen_send y
t_ok "y does not sign past a failing check" screen_wait_for 'the pre-send check says it would fail: Y sends it anyway' 3
t_ok "nothing was sent" screen_wait_gone 'sent 0x' 1
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
send_form "$A1" "" 20000
if screen_wait_for 'insufficient funds: up to 20000\.[0-9]+ ETH needed, 10000 ETH available' 10; then
	t_pass "20000 ETH from 10000: insufficient funds, with both figures"
else
	t_fail "20000 ETH from 10000: insufficient funds"
fi
t_ok "insufficient funds: no offer to sign" screen_wait_gone 'y signs and sends' 1
screen_send y
sleep 1
t_ok "insufficient funds: y does not send" screen_wait_gone 'sent 0x' 1
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
if [ "$(nonce_of "$U" "$A2")" = "$n2" ] && [ "$(nonce_of "$U" "$A2" latest)" = "$n2" ] &&
	[ "$(balance "$U" "$A2")" = 10000000000000000000000 ]; then
	t_pass "nothing left account 2 (nonce $n2, 10000 ETH)"
else
	t_fail "nothing left account 2" "nonce $(nonce_of "$U" "$A2"), balance $(balance "$U" "$A2")"
fi

# ---- 6. receive: EIP-681 link and QR code -------------------------------------------------------
screen_send r
t_ok "receive view for account 2" screen_wait_for "^ Receive to +$A2\$" 3
t_ok "receive view shows the EIP-681 link" screen_wait_for "^ EIP-681 +ethereum:$A2@31337\$" 5
screen_capture >"$home/receive.txt"
qr_lines=$(grep -c '[█▀▄]' "$home/receive.txt")
if [ "$qr_lines" -ge 10 ]; then t_pass "receive view shows a QR code ($qr_lines lines of block characters)"; else t_fail "receive view shows a QR code" "$qr_lines lines"; fi
# Read the modules back off the screen (two per cell: █ both light, ▀ light over dark, ▄ dark over
# light, space both dark; a quiet zone of 2) and compare them with libqrencode's encoding of the link.
qr_check=$(python3 - "$home/receive.txt" "ethereum:$A2@31337" <<'EOF'
import ctypes, ctypes.util, sys
lines = [l.strip(" ") for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if any(c in l for c in "█▀▄")]
class QR(ctypes.Structure):
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte))]
name = ctypes.util.find_library("qrencode") or "libqrencode.so.4"
lib = ctypes.CDLL(name)
lib.QRcode_encodeString.restype = ctypes.POINTER(QR)
lib.QRcode_encodeString.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
qr = lib.QRcode_encodeString(sys.argv[2].encode(), 0, 1, 2, 1).contents  # level M, 8-bit, case-sensitive
w, quiet = qr.width, 2
size = w + 2 * quiet
def dark(r, c):
    r, c = r - quiet, c - quiet
    return 0 <= r < w and 0 <= c < w and bool(qr.data[r * w + c] & 1)
want = []
for r in range(0, size, 2):
    row = ""
    for c in range(size):
        top, bot = dark(r, c), (True if r + 1 >= size else dark(r + 1, c))
        row += "█" if not top and not bot else "▀" if not top else "▄" if not bot else " "
    want.append(row)
if lines == want:
    print("match version %d, %dx%d modules" % (qr.version, w, w))
else:
    print("differs: screen %d lines of %s, want %d lines of %d" % (len(lines), sorted(set(map(len, lines))), len(want), size))
EOF
)
case $qr_check in
match*) t_pass "the QR code on screen encodes the EIP-681 link ($qr_check)" ;;
*) t_fail "the QR code on screen encodes the EIP-681 link" "$qr_check" ;;
esac
screen_send Escape
t_ok "Esc leaves the receive view" screen_wait_for 'History of account 2' 3
screen_send k k
screen_wait_for 'History of account 0' 3 >/dev/null

# ---- 7. speed-up and cancel on a node that does not mine ----------------------------------------
anvil_start --no-mining || die "the second anvil (no mining) starts"
V=$ANVIL_URL
SCREEN_NAME_FIRST=$SCREEN_NAME
run_chaindeck w2 "$V"
screen_wait_for 'Wallet' 10 >/dev/null || die "the second chaindeck starts"
screen_send 1
screen_wait_for "$(row_re 0 "$A0" 10000)" 10 >/dev/null || t_fail "second node: account 0 shows 10000 ETH"
unlock "$PASSWORD"
t_ok "second node: unlocked" screen_wait_for 'unlocked \(L locks\)' 10

# replace_round KEY WHAT: sends 0.1 ETH to account 1, sees it pending, replaces it with KEY (x or X),
# mines a block, checks both transactions on the screen and on the node
replace_round() {
	local key=$1 what=$2 n h1 h2 f1 t1 f2 t2 r1 r2 tx2
	n=$(nonce_of "$V" "$A0")
	send_form "$A1" "" 0.1
	if ! screen_wait_for 'y signs and sends exactly this' 10; then t_fail "$what: the 0.1 ETH send is ready"; return; fi
	read -r f1 t1 <<<"$(fees_shown)"
	screen_send y
	screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || { t_fail "$what: the 0.1 ETH send goes out"; return; }
	h1=$(sent_hash)
	screen_send Escape
	t_ok "$what: the 0.1 ETH send (nonce $n) is pending" screen_wait_for "^ nonce $n +pending +0 conf  ${h1:0:18}\\.\\." 10
	if [ "$(rpc_result "$V" eth_getTransactionByHash "[\"$h1\"]" | py 'import json, sys; print(json.load(sys.stdin)["blockNumber"])')" = None ]; then
		t_pass "$what: the node holds it unmined"
	else
		t_fail "$what: the node holds it unmined"
	fi
	screen_send "$key"
	if ! screen_wait_for 'y signs and sends exactly this' 10; then t_fail "$what: the replacement is ready"; return; fi
	t_ok "$what: titled Replace a pending transaction" has '^ Replace a pending transaction$'
	t_ok "$what: the same nonce $n" has "^ Nonce +$n\$"
	if [ "$key" = X ]; then
		t_ok "$what: 0 ETH" has '^ Amount +0 ETH$'
		t_ok "$what: to account 0 itself" has "^ To +$A0  \\(own account\\)\$"
		t_ok "$what: the check says cancel of nonce $n" has "^ Check +cancel of nonce $n with higher fees\$"
	else
		t_ok "$what: the same 0.1 ETH" has '^ Amount +0\.1 ETH$'
		t_ok "$what: to the same recipient" has "^ To +$A1  \\(own account\\)\$"
		t_ok "$what: the check says speed-up of nonce $n" has "^ Check +speed-up of nonce $n with higher fees\$"
	fi
	read -r f2 t2 <<<"$(fees_shown)"
	if [ -n "$f1" ] && [ -n "$f2" ] && [ "$(calc "$(gwei_to_wei "$f2")" '>' "$(gwei_to_wei "$f1")")" = True ] &&
		[ "$(calc "$(gwei_to_wei "$t2")" '>' "$(gwei_to_wei "$t1")")" = True ]; then
		t_pass "$what: higher fees (max fee $f1 -> $f2 gwei, tip $t1 -> $t2 gwei)"
	else
		t_fail "$what: higher fees" "max fee '$f1' -> '$f2', tip '$t1' -> '$t2'"
	fi
	screen_send y
	screen_wait_for 'sent 0x[0-9a-f]{64}' 10 >/dev/null || { t_fail "$what: the replacement goes out"; return; }
	h2=$(sent_hash)
	screen_send Escape
	t_ok "$what: the replacement is listed, pending, as replacing nonce $n" \
		screen_wait_for "^ nonce $n +pending +0 conf  ${h2:0:18}\\.\\..*replaces nonce $n\$" 5
	rpc "$V" evm_mine >/dev/null
	if screen_wait_for "^ nonce $n +(included|confirmed) +[0-9]+ conf  ${h2:0:18}\\.\\." 15; then
		t_pass "$what: after a block the replacement is included"
	else
		t_fail "$what: after a block the replacement is included"
	fi
	if screen_wait_for "^ nonce $n +replaced +0 conf  ${h1:0:18}\\.\\." 10; then
		t_pass "$what: the original is shown replaced"
	else
		t_fail "$what: the original is shown replaced"
	fi
	r2=$(rpc_result "$V" eth_getTransactionReceipt "[\"$h2\"]")
	r1=$(rpc_result "$V" eth_getTransactionReceipt "[\"$h1\"]")
	tx2=$(rpc_result "$V" eth_getTransactionByHash "[\"$h2\"]")
	if [ "$(jfield "$r2" status)" = 0x1 ] && [ "$r1" = null ] && [ "$(dec "$(jfield "$tx2" nonce)")" = "$n" ] &&
		[ "$(dec "$(jfield "$tx2" maxFeePerGas)")" = "$(gwei_to_wei "$f2")" ]; then
		t_pass "$what: on the node the replacement (nonce $n, max fee $f2 gwei) is mined and the original is not"
	else
		t_fail "$what: on the node the replacement is mined and the original is not" "r2 $r2 r1 $r1"
	fi
	if [ "$key" = X ]; then
		if [ "$(jfield "$tx2" to)" = "${A0,,}" ] && [ "$(dec "$(jfield "$tx2" value)")" = 0 ]; then
			t_pass "$what: the cancel is 0 ETH to oneself"
		else
			t_fail "$what: the cancel is 0 ETH to oneself" "$tx2"
		fi
	else
		if [ "$(jfield "$tx2" to)" = "${A1,,}" ] && [ "$(dec "$(jfield "$tx2" value)")" = 100000000000000000 ]; then
			t_pass "$what: the speed-up still sends 0.1 ETH to account 1"
		else
			t_fail "$what: the speed-up still sends 0.1 ETH to account 1" "$tx2"
		fi
	fi
}
bal1_before=$(balance "$V" "$A1")
replace_round x "speed-up"
if [ "$(calc "$(balance "$V" "$A1")" - "$bal1_before")" = 100000000000000000 ]; then
	t_pass "speed-up: account 1 got the 0.1 ETH once"
else
	t_fail "speed-up: account 1 got the 0.1 ETH once"
fi
bal1_before=$(balance "$V" "$A1")
replace_round X "cancel"
if [ "$(balance "$V" "$A1")" = "$bal1_before" ]; then t_pass "cancel: account 1 got nothing"; else t_fail "cancel: account 1 got nothing"; fi
screen_send x
t_ok "x with nothing pending says so" screen_wait_for 'no pending transaction from this account' 3

# ---- 8. quit; no secret anywhere; the vault's mode -----------------------------------------------
for s in w2 "$SCREEN_NAME_FIRST"; do
	SCREEN_NAME=$s
	screen_capture -S - >/dev/null # the whole history too
	screen_send q
	t_ok "q quits chaindeck ($s) with status 0" screen_wait_for 'chaindeck exited with status 0' 5
done
nlog=0
for f in "$home"/chaindeck-*.log; do [ -s "$f" ] && nlog=$((nlog + 1)); done
if [ "$nlog" = 2 ] && grep -q 'wallet unlocked' "$home"/chaindeck-w.log && grep -q "wallet: sent $h_eth" "$home"/chaindeck-w.log; then
	t_pass "both logs were written (unlock and sends recorded)"
else
	t_fail "both logs were written" "$(ls -l "$home")"
fi
ncaps=$(grep -c '^===== ' "$caps")
secrets=("$WALLET_MNEMONIC" "test junk" "$PASSWORD" "$WRONG" "${KEYS[@]}")
leaks=""
for sec in "${secrets[@]}"; do
	for f in "$caps" "$home"/chaindeck-*.log; do
		grep -qiF -- "$sec" "$f" && leaks+=" '${sec:0:12}…' in $(basename "$f");"
	done
done
if [ -z "$leaks" ] && [ "$ncaps" -gt 20 ]; then
	t_pass "no mnemonic, password or private key in $ncaps screen captures or the logs"
else
	t_fail "no mnemonic, password or private key in the captures or the logs" "${leaks:-only $ncaps captures}"
fi
mode=$(stat -c %a "$vault")
if [ "$mode" = 600 ]; then t_pass "the vault file is mode 0600"; else t_fail "the vault file is mode 0600" "mode $mode"; fi
echo "# run time $((($(now_ms) - t_start) / 1000)) s"
t_done
