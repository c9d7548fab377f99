#!/usr/bin/env bash
# The receive screen shows only verified addresses, and its QR code is what it says, in a real
# terminal (tmux, 120x40), on the committed version-1 vault tests/vectors/vault/v1-anvil.vault
# (anvil's PUBLIC test mnemonic; password fixture-password-1):
#   - locked: the pane marks the addresses unverified; r shows no link and no QR code; c copies nothing
#   - unlocked: r shows the EIP-681 link; the QR code, captured from the screen and decoded by
#     zbarimg (zbar-tools), is exactly that link
#   - the same vault with one byte of account 1's address flipped: locked, nothing to receive on;
#     the unlock says TAMPERED and the receive screen still shows no address, link or QR code
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
bin=$PWD/$build/chaindeck
[ "${build#/}" != "$build" ] && bin=$build/chaindeck

wallet_home chaindeck-receive
command -v zbarimg >/dev/null || die "zbarimg is installed (zbar-tools; make deps)"

PASSWORD=fixture-password-1
mkdir -p "$home/good" "$home/bad"
cp "$CHAINDECK_ROOT/tests/vectors/vault/v1-anvil.vault" "$home/good/vault"
cp "$CHAINDECK_ROOT/tests/vectors/vault/v1-anvil.vault" "$home/bad/vault"
chmod 600 "$home/good/vault" "$home/bad/vault"
# account 1's address starts at byte 111 (header 80, account 0's 26 bytes, kind and index 5)
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[111 + 19] ^= 0x5a; open(sys.argv[1], "wb").write(b)' "$home/bad/vault"
A1_BAD=$("$bin" wallet list --vault "$home/bad/vault" 2>/dev/null | sed -n 2p | cut -f2)
[ -n "$A1_BAD" ] && [ "$A1_BAD" != "$A1" ] || die "the flipped byte changes account 1's address" "$A1_BAD"

anvil_start || die "anvil starts"

qr_on_screen() { screen_capture | grep -c '[█▀▄]'; }

# ---- 1. the untouched vault --------------------------------------------------------------------
vault=$home/good/vault
run_chaindeck good "$ANVIL_URL" 120 40
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts"
screen_send 1
t_ok "locked: the addresses are marked unverified" screen_wait_for 'addresses unverified - unlock \(u\) to verify' 5
screen_send r
t_ok "locked: r says the address is unverified" screen_wait_for "Receive to +$A0  \(unverified - unlock to verify\)" 5
t_ok "locked: no EIP-681 link" screen_wait_gone 'ethereum:' 1
if [ "$(qr_on_screen)" = 0 ]; then t_pass "locked: no QR code"; else t_fail "locked: no QR code" "$(screen_capture)"; fi
screen_send c
t_ok "locked: c copies nothing and says why" screen_wait_for 'unlock first \(u\): the address is verified' 3
unlock
t_ok "unlocked: the receive screen shows the EIP-681 link" screen_wait_for "EIP-681 +ethereum:$A0@31337\$" 10
screen_wait_for '█' 3 >/dev/null
screen_capture >"$home/receive.txt"
python3 "$CHAINDECK_ROOT/tests/lib/qr_capture.py" "$home/receive.txt" "$home/qr.pgm" --pad dark
decoded=$(zbarimg --quiet --raw "$home/qr.pgm" 2>"$home/zbar.err")
if [ "$decoded" = "ethereum:$A0@31337" ]; then
	t_pass "zbarimg decodes the QR code captured from the screen (dark surround) to the link shown"
else
	t_fail "zbarimg decodes the QR code captured from the screen to the link shown" "got: $decoded; $(cat "$home/zbar.err")"
fi
screen_send q
screen_wait_for 'chaindeck exited' 5 >/dev/null

# ---- 2. one byte of account 1's address flipped ------------------------------------------------
vault=$home/bad/vault
run_chaindeck bad "$ANVIL_URL" 120 40
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts on the modified vault"
screen_send 1
t_ok "modified, locked: the addresses are marked unverified" screen_wait_for 'addresses unverified' 5
screen_send j
screen_send r
t_ok "modified, locked: r on account 1 says unverified" screen_wait_for "\(unverified - unlock to verify\)" 5
if [ "$(qr_on_screen)" = 0 ] && ! screen_capture | grep -q 'ethereum:'; then
	t_pass "modified, locked: no link and no QR code for the modified address"
else
	t_fail "modified, locked: no link and no QR code for the modified address" "$(screen_capture)"
fi
unlock
t_ok "modified: the unlock says TAMPERED" screen_wait_for 'TAMPERED' 10
if [ "$(qr_on_screen)" = 0 ] && ! screen_capture | grep -q 'ethereum:'; then
	t_pass "modified, after the unlock attempt: still no link and no QR code"
else
	t_fail "modified, after the unlock attempt: still no link and no QR code" "$(screen_capture)"
fi
screen_send q
screen_wait_for 'chaindeck exited' 5 >/dev/null

t_done
