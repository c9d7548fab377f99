#!/usr/bin/env bash
# The wallet CLI end to end: the real binary (build/chaindeck wallet ...) on a temporary vault,
# passwords from files, against a real anvil and Foundry's cast for interop. Every run uses its
# own HOME and XDG directories, so nothing touches the user's files.
set -u
. "$(dirname "$0")/../lib/cli.sh"

cli_home chaindeck-wallet
vault=$work/v/vault
err=$work/stderr.log        # every command's stderr, checked for secrets at the end
: >"$err"
printf 'correct horse battery\n' >"$work/pw"
printf 'not it\n' >"$work/badpw"
printf 'keystore pass\n' >"$work/kpw"

MNEMONIC="test test test test test test test test test test test junk"
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
A1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
A2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
K1=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
K9=0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6
A9=0xa0Ee7A142d267C1f36714E4a8F75612F20a79720

# w ARGS...: the wallet on the test vault with the right password; stdout only, stderr to $err.
# The kdf is libsodium's "interactive" level (~0.1 s per unlock) to keep the run short.
w() { "$bin" wallet "$@" 2>>"$err"; }
wv() { w "$@" --vault "$vault" --password-file "$work/pw"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# expect_rc NAME WANT CMD...: the command's exit status is WANT
expect_rc() {
	local name=$1 want=$2 rc; shift 2
	"$@" >/dev/null 2>>"$err" </dev/null; rc=$?
	if [ "$rc" -eq "$want" ]; then t_pass "$name"; else t_fail "$name" "exit $rc, expected $want"; fi
}
eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }

anvil_start || { echo "0 passed, 1 failed"; exit 1; }

# ---- restore, list, derive -----------------------------------------------------------------------
out=$(printf '%s\n' "$MNEMONIC" | wv restore --kdf interactive); rc=$?
eq "restore exits 0" "$rc" 0
eq "restore prints anvil's account 0" "$out" "$A0"
eq "list shows account 0" "$(w list --vault "$vault" </dev/null)" "$(printf '0\t%s\t\tunverified' "$A0")"
out=$(wv derive --count 2 </dev/null)
eq "derive --count 2 prints the new accounts" "$out" "$(printf '1\t%s\t\tverified\n2\t%s\t\tverified' "$A1" "$A2")"
eq "list shows anvil's first three accounts" "$(w list --vault "$vault" | cut -f2 | tr '\n' ' ')" "$A0 $A1 $A2 "
eq "vault file is 0600" "$(stat -c %a "$vault")" 600
eq "vault directory is 0700" "$(stat -c %a "$work/v")" 700
eq "no temporary file beside the vault" "$(ls -A "$work/v")" vault
expect_rc "restore over an existing vault fails" 1 wv restore
out=$(wv label "$A1" "savings" </dev/null)
eq "label sets and prints" "$out" "$(printf '1\t%s\tsavings\tverified' "$A1")"

# ---- import a private key ------------------------------------------------------------------------
out=$(printf '%s\n' "$K9" | wv import-key --label cold)
eq "import-key prints the new account" "$out" "$(printf '3\t%s\tcold\tverified' "$A9")"
expect_rc "importing the same key again fails" 1 sh -c "printf '%s' '$K9' | '$bin' wallet import-key --vault '$vault' --password-file '$work/pw'"
expect_rc "import-key of a non-key fails" 1 sh -c "echo 0x1234 | '$bin' wallet import-key --vault '$vault' --password-file '$work/pw'"
eq "list has four accounts with labels" "$(w list --vault "$vault" | cut -f3 | tr '\n' ,)" ",savings,,cold,"

# ---- messages ------------------------------------------------------------------------------------
msg="chaindeck says hello"
sig=$(wv sign-message --from "$A1" "$msg" </dev/null)
[[ $sig =~ ^0x[0-9a-f]{130}$ ]] && t_pass "sign-message prints a 65-byte signature" || t_fail "sign-message prints a 65-byte signature" "$sig"
eq "verify-message accepts it and names the signer" "$(w verify-message --address "$A1" --signature "$sig" "$msg")" "$A1"
expect_rc "verify-message: another address exits 1" 1 "$bin" wallet verify-message --address "$A0" --signature "$sig" "$msg"
expect_rc "verify-message: another message exits 1" 1 "$bin" wallet verify-message --address "$A1" --signature "$sig" "$msg!"
expect_rc "verify-message: a malformed signature is a usage error" 2 "$bin" wallet verify-message --address "$A1" --signature 0x1234 "$msg"
expect_rc "cast wallet verify accepts our signature" 0 "$cast" wallet verify --address "$A1" "$msg" "$sig"
csig=$("$cast" wallet sign --private-key "$K9" "$msg" 2>/dev/null)
expect_rc "verify-message accepts cast's signature" 0 "$bin" wallet verify-message --address "$A9" --signature "$csig" "$msg"
# Hex and text: 0x-hex is bytes by default, as cast wallet sign takes it; --text signs the characters.
# Signatures are deterministic (RFC 6979), so cast's must be byte-identical to ours.
eq "text: the same signature as cast" "$(wv sign-message --from "$A1" "$msg" </dev/null)" \
	"$("$cast" wallet sign --private-key "$K1" "$msg" 2>/dev/null)"
cast_hex=$("$cast" wallet sign --private-key "$K1" 0xdeadbeef 2>/dev/null)
eq "0xdeadbeef: four bytes, the same signature as cast" "$(wv sign-message --from "$A1" 0xdeadbeef </dev/null)" "$cast_hex"
eq "--hex 0xdeadbeef: the same" "$(wv sign-message --from "$A1" --hex 0xdeadbeef </dev/null)" "$cast_hex"
text_hex=0x$(printf '%s' 0xdeadbeef | od -An -tx1 | tr -d ' \n')
eq "--text 0xdeadbeef: the ten characters, as cast signs those bytes" \
	"$(wv sign-message --from "$A1" --text 0xdeadbeef </dev/null)" \
	"$("$cast" wallet sign --private-key "$K1" "$text_hex" 2>/dev/null)"
said=$("$bin" wallet sign-message --vault "$vault" --password-file "$work/pw" --from "$A1" 0xdeadbeef 2>&1 >/dev/null </dev/null)
[[ $said == "signed 4 bytes decoded from 0x-hex"* ]] && t_pass "sign-message says it signed 4 bytes from hex" ||
	t_fail "sign-message says it signed 4 bytes from hex" "$said"
said=$("$bin" wallet sign-message --vault "$vault" --password-file "$work/pw" --from "$A1" --text 0xdeadbeef 2>&1 >/dev/null </dev/null)
[[ $said == "signed 10 bytes of text"* ]] && t_pass "with --text it says 10 bytes of text" ||
	t_fail "with --text it says 10 bytes of text" "$said"
expect_rc "--hex with a message that is not hex is a usage error" 2 "$bin" wallet sign-message --vault "$vault" \
	--password-file "$work/pw" --from "$A1" --hex hello
expect_rc "--hex and --text together are a usage error" 2 "$bin" wallet sign-message --vault "$vault" \
	--password-file "$work/pw" --from "$A1" --hex --text 0xdeadbeef
eq "verify-message takes the same forms" "$(w verify-message --address "$A1" --signature "$cast_hex" 0xdeadbeef)" "$A1"
eq "imported key signs like cast" "$(wv sign-message --from "$A9" "$msg" </dev/null)" "$csig"

# ---- sign a transaction offline, send it to anvil ------------------------------------------------
to=0x000000000000000000000000000000000000dEaD
nonce=$(rpc_result "$ANVIL_URL" eth_getTransactionCount "[\"$A1\",\"pending\"]")
tx="{\"from\":\"$A1\",\"chainId\":\"0x7a69\",\"type\":\"0x2\",\"nonce\":\"$nonce\",\"to\":\"$to\",
 \"value\":\"0xde0b6b3a7640000\",\"gas\":\"0x5208\",\"maxFeePerGas\":\"0x2540be400\",
 \"maxPriorityFeePerGas\":\"0x3b9aca00\",\"data\":\"0x\"}"
raw=$(printf '%s' "$tx" | wv sign-tx --from "$A1"); rc=$?
eq "sign-tx exits 0" "$rc" 0
[[ $raw =~ ^0x02[0-9a-f]+$ ]] && t_pass "sign-tx prints an EIP-1559 raw transaction" || t_fail "sign-tx prints an EIP-1559 raw transaction" "$raw"
craw=$("$cast" mktx --private-key "$K1" --chain 31337 --nonce "$((nonce))" --gas-limit 21000 \
	--gas-price 10gwei --priority-gas-price 1gwei --value 1ether --rpc-url "$ANVIL_URL" "$to" 2>/dev/null)
eq "sign-tx gives cast mktx's bytes" "$raw" "$craw"
hash=$(rpc_result "$ANVIL_URL" eth_sendRawTransaction "[\"$raw\"]")
[[ $hash =~ ^0x[0-9a-f]{64}$ ]] && t_pass "anvil accepts the raw transaction" || t_fail "anvil accepts the raw transaction" "$hash"
receipt=""
for _ in $(seq 50); do
	receipt=$(rpc_result "$ANVIL_URL" eth_getTransactionReceipt "[\"$hash\"]" 2>/dev/null)
	[ -n "$receipt" ] && [ "$receipt" != null ] && break
	sleep 0.1
done
field() { printf '%s' "$receipt" | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1'))" 2>/dev/null; }
eq "receipt status is 1" "$(field status)" 0x1
eq "receipt sender is the signing account" "$(field from)" "${A1,,}"
eq "recipient got 1 ether" "$(rpc_result "$ANVIL_URL" eth_getBalance "[\"$to\",\"latest\"]")" 0xde0b6b3a7640000
bad_from=${tx/$A1/$A0}
expect_rc "sign-tx refuses a \"from\" other than --from" 1 sh -c "printf '%s' '$bad_from' | '$bin' wallet sign-tx --vault '$vault' --password-file '$work/pw' --from '$A1'"
expect_rc "sign-tx refuses malformed JSON" 1 sh -c "echo '{\"chainId\":' | '$bin' wallet sign-tx --vault '$vault' --password-file '$work/pw' --from '$A1'"
nofrom=${tx/\"from\":\"$A1\",/}
expect_rc "sign-tx for an address not in the vault exits 4" 4 sh -c "printf '%s' '$nofrom' | '$bin' wallet sign-tx --vault '$vault' --password-file '$work/pw' --from '$to'"

# ---- keystores, both ways ------------------------------------------------------------------------
ks=$work/ks
mkdir -p "$ks"
out=$(wv export-keystore "$A1" --out "$ks/exported.json" --keystore-password-file "$work/kpw" </dev/null)
eq "export-keystore prints the address" "$out" "$A1"
key=$(CAST_UNSAFE_PASSWORD='keystore pass' "$cast" wallet decrypt-keystore --keystore-dir "$ks" exported.json 2>/dev/null)
key=${key##* }
eq "cast decrypts our keystore to the same key" "$key" "$K1"
eq "cast's address of that key" "$("$cast" wallet address --private-key "$key" 2>/dev/null)" "$A1"
expect_rc "export-keystore never overwrites" 1 wv export-keystore "$A1" --out "$ks/exported.json" --keystore-password-file "$work/kpw"
expect_rc "export-keystore needs --out" 2 wv export-keystore "$A1"
cout=$("$cast" wallet new "$ks" castkey --unsafe-password 'cast pass' 2>/dev/null)
caddr=$(printf '%s\n' "$cout" | grep -o '0x[0-9a-fA-F]\{40\}' | head -n1)
printf 'cast pass\n' >"$work/cpw"
expect_rc "import-keystore: wrong keystore password exits 3" 3 wv import-keystore "$ks/castkey" --keystore-password-file "$work/kpw"
out=$(wv import-keystore "$ks/castkey" --keystore-password-file "$work/cpw" --label cast </dev/null)
eq "import-keystore of cast's keystore gives cast's address" "$out" "$(printf '4\t%s\tcast\tverified' "$caddr")"
expect_rc "import-keystore of a missing file exits 4" 4 wv import-keystore "$ks/none" --keystore-password-file "$work/cpw"

# ---- wrong password, missing things, usage ---------------------------------------------------------
before=$(sha "$vault")
expect_rc "derive with a wrong password exits 3" 3 w derive --vault "$vault" --password-file "$work/badpw"
expect_rc "sign-message with a wrong password exits 3" 3 w sign-message --vault "$vault" --password-file "$work/badpw" --from "$A0" hi
expect_rc "import-key with a wrong password exits 3" 3 sh -c "printf '%s' '$K1' | '$bin' wallet import-key --vault '$vault' --password-file '$work/badpw'"
eq "a wrong password leaves the vault file unchanged" "$(sha "$vault")" "$before"
eq "accounts unchanged after wrong passwords" "$(w list --vault "$vault" | wc -l)" 5
expect_rc "no vault exits 4" 4 w list --vault "$work/none/vault"
expect_rc "an address not in the vault exits 4" 4 wv sign-message --from "$to" hi
expect_rc "an unknown command is a usage error" 2 w frobnicate
expect_rc "an unknown option is a usage error" 2 w list --vault "$vault" --bogus
expect_rc "an option of another command is a usage error" 2 w list --vault "$vault" --count 3
expect_rc "a malformed address is a usage error" 2 wv sign-message --from 0x1234 hi
expect_rc "a bad checksum is a usage error" 2 wv sign-message --from 0xf39fd6e51aad88F6F4ce6aB8827279cffFb92266 hi
expect_rc "no password file and no terminal is a usage error" 2 setsid -w "$bin" wallet derive --vault "$vault"
expect_rc "a missing password file exits 4" 4 w derive --vault "$vault" --password-file "$work/nope"

# ---- a modified file is refused at unlock ----------------------------------------------------------
cp "$vault" "$work/tampered"
python3 - "$work/tampered" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[80 + 5] ^= 0x01  # a byte of account 0's address: public, authenticated
open(p, "wb").write(b)
EOF
expect_rc "a modified address is detected at unlock" 1 w derive --vault "$work/tampered" --password-file "$work/pw"
grep -q "does not authenticate" "$err" && t_pass "the message says the file does not authenticate" || t_fail "the message says the file does not authenticate"
head -c 100 "$vault" >"$work/truncated"
expect_rc "a truncated vault is an error, not a crash" 1 w list --vault "$work/truncated"

# ---- passwords never on the command line or in the environment -----------------------------------
mkfifo "$work/pwfifo"
"$bin" wallet derive --vault "$vault" --password-file "$work/pwfifo" >/dev/null 2>>"$err" &
pid=$!
for _ in $(seq 50); do [ -r "/proc/$pid/cmdline" ] && break; sleep 0.05; done
sleep 0.2
args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
envs=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null)
printf 'correct horse battery\n' >"$work/pwfifo"
wait "$pid"; rc=$?
eq "derive through a password fifo works" "$rc" 0
case "$args" in *horse*) t_fail "the password is not on argv" "$args" ;; *) t_pass "the password is not on argv" ;; esac
case "$envs" in *horse*) t_fail "the password is not in the environment" ;; *) t_pass "the password is not in the environment" ;; esac

# ---- the tty prompt: echo off, and back on whatever happens ----------------------------------------
cat >"$work/prompt_check.py" <<'EOF'
import os, pty, select, sys, termios, time
bin, vault, mode = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.execv(bin, [bin, "wallet", "derive", "--vault", vault])
def read_until(pat, t=10):
    buf, end = b"", time.time() + t
    while pat not in buf and time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                d = os.read(fd, 1024)
            except OSError:
                break
            if not d:
                break
            buf += d
    return buf
out = read_until(b"password: ")
time.sleep(0.1)
if mode == "password":
    os.write(fd, b"correct horse battery\n")
    out += read_until(b"\t0x")
    _, st = os.waitpid(pid, 0)
    print("echoed" if b"horse" in out else "quiet", os.waitstatus_to_exitcode(st))
else:
    os.write(fd, b"\x03")  # ^C at the prompt
    _, st = os.waitpid(pid, 0)
    print("echo" if termios.tcgetattr(fd)[3] & termios.ECHO else "noecho", os.waitstatus_to_exitcode(st))
EOF
eq "the tty prompt reads the password without echo" "$(python3 "$work/prompt_check.py" "$bin" "$vault" password 2>&1)" "quiet 0"
eq "^C at the prompt restores echo and ends by SIGINT" "$(python3 "$work/prompt_check.py" "$bin" "$vault" sigint 2>&1)" "echo -2"

# ---- new -------------------------------------------------------------------------------------------
out=$(w new --password-file "$work/pw" --kdf interactive --skip-backup-check </dev/null); rc=$?
eq "new exits 0" "$rc" 0
newm=$(printf '%s\n' "$out" | head -n1)
newa=$(printf '%s\n' "$out" | sed -n 2p)
eq "new prints 12 words" "$(printf '%s' "$newm" | wc -w)" 12
[[ $newa =~ ^0x[0-9a-fA-F]{40}$ ]] && t_pass "new prints the first address" || t_fail "new prints the first address" "$newa"
eq "new writes to the XDG data directory" "$(stat -c %a "$XDG_DATA_HOME/chaindeck/vault" 2>/dev/null)" 600
eq "the default vault lists the new address" "$(w list | cut -f2)" "$newa"
before=$(sha "$XDG_DATA_HOME/chaindeck/vault")
expect_rc "new over an existing vault fails" 1 w new --password-file "$work/pw"
eq "and leaves it unchanged" "$(sha "$XDG_DATA_HOME/chaindeck/vault")" "$before"
out=$(printf '%s\n' "$newm" | w restore --vault "$work/again/vault" --password-file "$work/pw" --kdf interactive)
eq "restoring new's mnemonic gives the same address" "$out" "$newa"
out=$(w new --vault "$work/w24/vault" --password-file "$work/pw" --words 24 --kdf interactive --skip-backup-check </dev/null)
eq "new --words 24 prints 24 words" "$(printf '%s\n' "$out" | head -n1 | wc -w)" 24
expect_rc "new --words 13 is a usage error" 2 w new --vault "$work/w13/vault" --password-file "$work/pw" --words 13
printf 'my passphrase\n' >"$work/passphrase"
out=$(printf '%s\n' "$MNEMONIC" | w restore --vault "$work/pp/vault" --password-file "$work/pw" --passphrase-file "$work/passphrase" --kdf interactive)
[[ $out =~ ^0x[0-9a-fA-F]{40}$ ]] && [ "$out" != "$A0" ] && t_pass "a passphrase gives other accounts" || t_fail "a passphrase gives other accounts" "$out"
# BIP-39 passphrases are NFKD-normalised. Oracle: cast given the NFKD bytes (Python's unicodedata);
# the passphrase file holds the NFC form ("café" as U+00E9) or text NFKD rewrites (㍍, half-width kana).
nfkd() { python3 -c 'import sys, unicodedata; print(unicodedata.normalize("NFKD", sys.argv[1]), end="")' "$1"; }
for pp in "$(printf 'caf\xc3\xa9')" "$(printf '\xe3\x8d\x8d\xef\xbd\xb6\xef\xbe\x9e\xef\xbe\x8a\xef\xbe\x9e\xe5\x8d\x81\xe4\xba\xba')"; do
	printf '%s\n' "$pp" >"$work/passphrase-u"
	rm -rf "$work/ppu"
	out=$(printf '%s\n' "$MNEMONIC" | w restore --vault "$work/ppu/vault" --password-file "$work/pw" --passphrase-file "$work/passphrase-u" --kdf interactive)
	want=$("$cast" wallet address --mnemonic "$MNEMONIC" --mnemonic-passphrase "$(nfkd "$pp")" 2>&1)
	eq "passphrase '$pp' is NFKD-normalised: the address cast derives from its NFKD form" "$out" "$want"
	raw=$("$cast" wallet address --mnemonic "$MNEMONIC" --mnemonic-passphrase "$pp" 2>&1)
	[ "$raw" != "$want" ] && t_pass "('$pp' is changed by NFKD: the check can fail)" || t_fail "('$pp' is changed by NFKD)" "$raw"
done
expect_rc "restore of a bad mnemonic fails" 1 sh -c "echo 'test test test' | '$bin' wallet restore --vault '$work/bad/vault' --password-file '$work/pw'"
[ ! -e "$work/bad/vault" ] && t_pass "and writes no vault" || t_fail "and writes no vault"
w restore --vault "$work/slow/vault" --password-file "$work/pw" <<<"$MNEMONIC" >/dev/null
sig=$(w sign-message --vault "$work/slow/vault" --password-file "$work/pw" --from "$A0" hi </dev/null)
expect_rc "a vault with the default Argon2id level unlocks" 0 "$bin" wallet verify-message --address "$A0" --signature "$sig" hi

# ---- the public part is unverified without the password; a modified address is never "verified" --
# tests/vectors/vault/v1-anvil.vault (chaindeck 9b11fb0, password fixture-password-1), account 1's
# address at byte 111 (header 80 + account 0's 26 bytes + kind and index 5), last byte flipped.
mkdir -p "$work/fx"
cp "$CHAINDECK_ROOT/tests/vectors/vault/v1-anvil.vault" "$work/fx/vault"
printf 'fixture-password-1\n' >"$work/fx/pw"
out=$(w list --vault "$work/fx/vault" --password-file "$work/fx/pw" </dev/null); rc=$?
eq "the committed v1 vault lists verified with its password" "$rc $(printf '%s' "$out" | cut -f2,4 | tr '\t\n' '  ')" \
	"0 $A0 verified $A1 verified $A2 verified 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc verified "
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[111 + 19] ^= 0x5a; open(sys.argv[1], "wb").write(b)' "$work/fx/vault"
bad=$(w list --vault "$work/fx/vault" </dev/null | sed -n 2p)
[ "$(printf '%s' "$bad" | cut -f2)" != "$A1" ] && t_pass "(the flipped byte changed account 1's address)" || t_fail "(the flipped byte changed account 1's address)" "$bad"
eq "without the password the modified address is marked unverified" "$(printf '%s' "$bad" | cut -f4)" unverified
"$bin" wallet list --vault "$work/fx/vault" </dev/null 2>&1 >/dev/null | grep -q 'unverified' &&
	t_pass "and stderr says the list is unverified" || t_fail "and stderr says the list is unverified"
out=$("$bin" wallet list --vault "$work/fx/vault" --password-file "$work/fx/pw" </dev/null 2>"$work/fx/err"); rc=$?
eq "with the password, a modified vault: exit 1 and no address printed" "$rc:$out" "1:"
grep -q 'does not authenticate' "$work/fx/err" && t_pass "and it says the file does not authenticate" ||
	t_fail "and it says the file does not authenticate" "$(cat "$work/fx/err")"

# a vault made by 9b11fb0 with the NFC passphrase "café" still opens with its accounts, and says so
cp "$CHAINDECK_ROOT/tests/vectors/vault/v1-nfc-passphrase.vault" "$work/fx/nfc"
out=$("$bin" wallet list --vault "$work/fx/nfc" --password-file "$work/fx/pw" </dev/null 2>"$work/fx/nfc.err" | cut -f2,4)
eq "a pre-NFKD passphrase vault lists its account 0 (cast, raw bytes), verified" "$out" "$(printf '0x048c59F718f95dC11722b246230a2fA29D817a17\tverified')"
grep -q 'NFKD' "$work/fx/nfc.err" && t_pass "and says that other wallets restore other addresses" || t_fail "and says so" "$(cat "$work/fx/nfc.err")"

# ---- keystores made by other tools, committed (tests/vectors/keystore): geth's and cast's ------------
kv=$work/kv/vault
printf '%s\n' "$MNEMONIC" | w restore --vault "$kv" --password-file "$work/pw" --kdf interactive >/dev/null
printf 'foobar\n' >"$work/geth-pw"
printf 'cast keystore pass\n' >"$work/cast-pw"
ksdir=$CHAINDECK_ROOT/tests/vectors/keystore
out=$(w import-keystore "$ksdir/go-ethereum/accounts/keystore/testdata/keystore/aaa" --vault "$kv" --password-file "$work/pw" \
	--keystore-password-file "$work/geth-pw" </dev/null | cut -f2)
eq "geth's keystore (testdata/keystore/aaa, password foobar) imports as the address in the file" "${out,,}" "0xf466859ead1932d743d622cb74fc058882e8648a"
out=$(w import-keystore "$ksdir/cast/anvil7" --vault "$kv" --password-file "$work/pw" --keystore-password-file "$work/cast-pw" </dev/null | cut -f2)
eq "cast's keystore of anvil's key 7 imports as anvil's account 7" "$out" "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"
out=$(w import-keystore "$ksdir/cast/d09704ab-514f-4951-b349-479de7c3011b" --vault "$kv" --password-file "$work/pw" \
	--keystore-password-file "$work/cast-pw" </dev/null | cut -f2)
eq "a keystore from cast wallet new imports as the address cast printed" "$out" "0xcC3c1cD84d1Fab9139C6e6502588B77ce91262fC"

# ---- no secret in stderr or any file but the vaults ----------------------------------------------
grep -q "junk" "$err" && t_fail "the test mnemonic never reaches stderr" || t_pass "the test mnemonic never reaches stderr"
grep -qF "$newm" "$err" && t_fail "new's mnemonic never reaches stderr" || t_pass "new's mnemonic never reaches stderr"
grep -q -e "${K1#0x}" -e "${K9#0x}" -e "horse" "$err" && t_fail "no key or password on stderr" || t_pass "no key or password on stderr"
leaks=$(grep -rlF -e "junk" -e "${K1#0x}" -e "${K9#0x}" -e "$newm" "$work" --exclude=stderr.log 2>/dev/null)
eq "no file holds the mnemonic or a key in clear" "$leaks" ""

t_done
