#!/usr/bin/env bash
# Ledger hardware wallets through the command line, on exchanges recorded from real devices
# (tests/vectors/ledger/eth-app.txt, from Ledger's own library) played back by
# CHAINDECK_LEDGER_REPLAY: every APDU chaindeck sends must be the recorded one, and the signed
# transactions it assembles from the device's answers are decoded by cast (fields, r, s, full v;
# the signer where the recording is a genuine signature). Then the device's refusals and errors,
# the replay's mismatch report, ledger-accounts, and add-ledger into a vault (saved, re-read).
set -u
. "$(dirname "$0")/../lib/cli.sh"
V=tests/vectors/ledger/eth-app.txt
MAIL=tests/vectors/ethereum-EIPs/assets/eip-712/mail.txt

cli_home chaindeck-ledger
unset CHAINDECK_LEDGER_REPLAY

eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
has() { if grep -q -- "$2" "$3"; then t_pass "$1"; else t_fail "$1" "no '$2' in: $(cat "$3")"; fi; }
# replay NAME: the "=>"/"<=" lines of the case whose name starts with NAME, as a replay file
replay() {
	awk -v n="$1" 'index($0, "case ") == 1 { on = (index($0, "case " n) == 1) } on && /^(=>|<=) /' "$V" \
		>"$work/replay"
	echo "$work/replay"
}
# field NAME KEY: a line "KEY VALUE" of that case; expect NAME K: K=VALUE of its expect line
field() { awk -v n="$1" -v k="$2" 'index($0, "case ") == 1 { on = (index($0, "case " n) == 1) }
	on && index($0, k " ") == 1 { print substr($0, length(k) + 2); exit }' "$V"; }
expect() { field "$1" expect | tr ' ' '\n' | sed -n "s/^$2=//p"; }
# dt RAW FIELD: one field of cast decode-transaction's answer
dt() { "$cast" decode-transaction "$1" | jq -r . | jq -r ".$2"; }
# signtx NAME PATH JSON [ARGS...]: sign-tx through the replay of NAME; raw tx in $out, stderr in $work/err
signtx() {
	local name=$1 path=$2 json=$3
	shift 3
	out=$(printf '%s' "$json" | CHAINDECK_LEDGER_REPLAY=$(replay "$name") \
		"$bin" wallet sign-tx --ledger "$path" "$@" 2>"$work/err")
	rc=$?
}
# check_tx LABEL NAME: the raw transaction in $out carries the recorded r, s and full v
check_tx() {
	local label=$1 name=$2 v
	eq "$label: exit 0" "$rc" 0
	eq "$label: r" "$(dt "$out" r)" "0x$(expect "$name" r | sed 's/^0*//')"
	eq "$label: s" "$(dt "$out" s)" "0x$(expect "$name" s | sed 's/^0*//')"
	v=$(expect "$name" v | sed 's/^0*//')
	eq "$label: v" "$(dt "$out" v)" "0x${v:-0}"
}

# ---- transactions -----------------------------------------------------------------------------
# EIP-1559 on chain 1: a genuine signature (its signer is the address the same device reported)
N="clearSignTransaction"
signtx "$N" "44'/60'/0'/0/0" '{"chainId":"0x1","nonce":"0x0","maxPriorityFeePerGas":"0x17d78400","maxFeePerGas":"0xc529dc58c","gas":"0x5208","to":"0xb0b5b0106d69fe64545a60a68c014f7570d3f861","value":"0x1"}'
check_tx "EIP-1559" "$N"
eq "EIP-1559: the fields cast decodes" \
	"$(dt "$out" type) $(dt "$out" chainId) $(dt "$out" nonce) $(dt "$out" maxPriorityFeePerGas) $(dt "$out" maxFeePerGas) $(dt "$out" gas) $(dt "$out" to) $(dt "$out" value)" \
	"0x2 0x1 0x0 0x17d78400 0xc529dc58c 0x5208 0xb0b5b0106d69fe64545a60a68c014f7570d3f861 0x1"
HOLESKY_ADDR=$(expect "getAddress with chain ID" address)
eq "EIP-1559: cast recovers the device's own address" "$(dt "$out" signer)" "$(echo "$HOLESKY_ADDR" | tr A-F a-f)"
has "EIP-1559: the user is told to confirm on the device" "confirm it there" "$work/err"

N="signTransaction (EIP-1559)"
signtx "$N" "44'/60'/0'/0/0" '{"chainId":"0x3","nonce":"0x6","maxPriorityFeePerGas":"0x3b9aca00","maxFeePerGas":"0x4a817c800","gas":"0x5208","to":"0xb2bb2b958afa2e96dab3f3ce7162b87daea39017","value":"0x2386f26fc10000"}'
check_tx "EIP-1559 chain 3" "$N"

# EIP-2930: the recorded transaction has 21000 gas, below what its access list costs (27200): it
# is refused before the device is asked (its APDUs are held to the recording in test_ledger.c)
N="signTransaction (EIP-2930"
signtx "$N" "44'/60'/0'/0/0" '{"chainId":"0x3","nonce":"0x6","gasPrice":"0x12a05f200","gas":"0x5208","to":"0xb2bb2b958afa2e96dab3f3ce7162b87daea39017","value":"0x2386f26fc10000","accessList":[{"address":"0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae","storageKeys":["0x0000000000000000000000000000000000000000000000000000000000000003","0x0000000000000000000000000000000000000000000000000000000000000007"]}]}'
eq "EIP-2930 below its intrinsic gas: refused (exit 1)" "$rc:$out" "1:"
has "EIP-2930 below its intrinsic gas: says why" "intrinsic gas 27200" "$work/err"
if grep -q "confirm it there" "$work/err"; then t_fail "EIP-2930 refused: the device was not asked" "$(cat "$work/err")"
else t_pass "EIP-2930 refused: the device was not asked"; fi

# Chain ids whose v does not fit a byte. The two recordings' transactions are not canonical RLP
# (chain id 250: a stray 00 item after the chain id; 5 bytes: a 53-byte list in the long form
# f8 35), which chaindeck never sends: their APDUs are the recorded ones with the canonical
# encoding of the same transaction, and the answers are the recorded ones.
# legacy EIP-155, chain id 250: the device returns v's low byte (0x17); the full v is 0x217
N="signTransactionLargeChainID2"
replay "$N" >/dev/null
sed -i -e 's/^=> e004000043\(.*\)ed01\(.*\)81fa008080$/=> e004000042\1ec01\281fa8080/' "$work/replay"
out=$(printf '%s' '{"chainId":"0xfa","nonce":"0x1","gasPrice":"0x4e3b29200","gas":"0x5208","to":"0x28ee52a8f3d6e5d15f8b131996950d7f296c7952","value":"0x2bd72a24874000"}' |
	CHAINDECK_LEDGER_REPLAY=$work/replay "$bin" wallet sign-tx --ledger "44'/60'/0'/0'/0" 2>"$work/err")
rc=$?
check_tx "legacy, chain id 250" "$N"
eq "legacy, chain id 250: cast reads the chain id from v" "$(dt "$out" chainId)" "0xfa"

# legacy, chain id 0x02a15c308d: the app works from its first four bytes, v = 0x0542b8613e
N="signTransaction5BytesChainID"
replay "$N" >/dev/null
sed -i -e 's/^=> e00400004c\(.*\)f8358332d79f/=> e00400004b\1f58332d79f/' "$work/replay"
out=$(printf '%s' '{"chainId":"0x2a15c308d","nonce":"0x32d79f","gasPrice":"0x72e9ad0f0","gas":"0x186a0","to":"0x810a9082d51802b2281d23e43e77dd846e51b8ee","value":"0x194be7d2ebf07b3"}' |
	CHAINDECK_LEDGER_REPLAY=$work/replay "$bin" wallet sign-tx --ledger "44'/60'/0'/0'/0" 2>"$work/err")
rc=$?
check_tx "legacy, 5-byte chain id" "$N"
eq "legacy, 5-byte chain id: cast reads the chain id from v" "$(dt "$out" chainId)" "0x2a15c308d"

# three APDUs, the last one longer than 150 bytes so as not to split the chain id; the recording
# answers with another transaction's v (0x1b for chain id 1): refused, nothing printed
N="signTransactionChunkedLimit "
tx=$(field "$N" tx)
data=${tx:82:776}
signtx "$N" "44'/60'/0'/0/0" "{\"chainId\":\"0x1\",\"nonce\":\"0x544\",\"gasPrice\":\"0x5c205da80\",\"gas\":\"0x10c8e1\",\"to\":\"0x02b3f51ac9202aa19be63d61a8c681579d6e3a51\",\"value\":\"0x0\",\"data\":\"0x$data\"}"
eq "chunked legacy: all three recorded APDUs were sent, then the answer refused (exit 1)" "$rc" 1
has "chunked legacy: why" "fits no signature for chain id 1" "$work/err"
eq "chunked legacy: nothing on stdout" "$out" ""

# ---- messages ---------------------------------------------------------------------------------
N="signPersonalMessage"
out=$(CHAINDECK_LEDGER_REPLAY=$(replay "$N") "$bin" wallet sign-message --ledger "44'/60'/0'/0'/0" test 2>"$work/err")
eq "personal message: exit 0" "$?" 0
eq "personal message: r s v as recorded" "$out" "0x$(expect "$N" r)$(expect "$N" s)$(expect "$N" v)"

# EIP-712 hashed mode on the specification's Mail example: the APDU must carry the specification's
# domain separator and struct hash; the answer is the recorded one (another document's signature)
sed -n 's/^request //p' "$MAIL" >"$work/mail.json"
ds=$(sed -n 's/^domainSeparator 0x//p' "$MAIL")
sh=$(sed -n 's/^structHash 0x//p' "$MAIL")
ans=$(replay "signEIP712HashedMessage" >/dev/null; sed -n 's/^<= //p' "$work/replay")
printf '=> e00c000055058000002c8000003c800000008000000000000000%s%s\n<= %s\n' "$ds" "$sh" "$ans" >"$work/712.apdus"
out=$(CHAINDECK_LEDGER_REPLAY=$work/712.apdus "$bin" wallet sign-typed-data --ledger "44'/60'/0'/0'/0" \
	"$work/mail.json" 2>"$work/err")
eq "EIP-712 hashed: exit 0 (the APDU holds the specification's two hashes)" "$?" 0
N="signEIP712HashedMessage"
eq "EIP-712 hashed: r s v as answered" "$out" "0x$(expect "$N" r)$(expect "$N" s)$(expect "$N" v)"
has "EIP-712 hashed: the hashes the device shows are printed" "message hash: 0x$sh" "$work/err"

# ---- errors -----------------------------------------------------------------------------------
for sw in 5515:locked 6e00:"Ethereum app is not open" 6d00:"Ethereum app is not open" \
	6511:"Ethereum app is not open" 6985:"refused on the Ledger" 6a80:"Blind signing" 6f42:"status 0x6f42"; do
	code=${sw%%:*} why=${sw#*:}
	printf '=> e00800001d058000002c8000003c8000000080000000000000000000000474657374\n<= %s\n' "$code" \
		>"$work/sw.apdus"
	out=$(CHAINDECK_LEDGER_REPLAY=$work/sw.apdus "$bin" wallet sign-message --ledger "44'/60'/0'/0'/0" test \
		2>"$work/err")
	rc=$?
	eq "status $code: exit 1, nothing printed" "$rc:$out" "1:"
	has "status $code: says so" "$why" "$work/err"
done

# a different APDU than the recording: the line and both byte strings
out=$(CHAINDECK_LEDGER_REPLAY=$(replay "signPersonalMessage") "$bin" wallet sign-message \
	--ledger "44'/60'/0'/0'/0" tesT 2>"$work/err")
eq "replay mismatch: exit 1" "$?" 1
has "replay mismatch: the line" "line 1" "$work/err"
has "replay mismatch: what was sent" "sent  e00800001d058000002c8000003c8000000080000000000000000000000474657354" "$work/err"
has "replay mismatch: what was recorded" "recording has  e00800001d058000002c8000003c8000000080000000000000000000000474657374" "$work/err"

"$bin" wallet sign-message --ledger "44'/60'/0'/0'/0" test >/dev/null 2>"$work/err"
eq "no device attached: exit 4" "$?" 4
has "no device attached: says so, and where the udev rule is" "README" "$work/err"
printf 'garbage\n=> zz\n' >"$work/bad.apdus"
CHAINDECK_LEDGER_REPLAY=$work/bad.apdus "$bin" wallet sign-message --ledger "44'/60'/0'/0'/0" test \
	>/dev/null 2>"$work/err"
eq "malformed replay file: exit 1" "$?" 1
has "malformed replay file: the line" "line 2" "$work/err"
"$bin" wallet sign-message --ledger "44'/60'/x" test >/dev/null 2>"$work/err"
eq "bad path: usage error" "$?" 2

# ---- accounts ---------------------------------------------------------------------------------
out=$(CHAINDECK_LEDGER_REPLAY=$(replay "getAddress") "$bin" wallet ledger-accounts --count 1 \
	--path-style "m/44'/60'/0'/0'/{i}" 2>"$work/err")
eq "ledger-accounts: the recorded address at the template's path" "$out" \
	"$(printf "0\t%s\tm/44'/60'/0'/0'/0" "$(expect "getAddress" address)")"
CHAINDECK_LEDGER_REPLAY=$(replay "getAddress") "$bin" wallet ledger-accounts --count 2 \
	--path-style live >/dev/null 2>"$work/err"
eq "ledger-accounts live: not the recorded path (exit 1)" "$?" 1
has "ledger-accounts live: account 0 is m/44'/60'/0'/0/0" "sent  e002000015058000002c8000003c800000000000000000000000" "$work/err"
"$bin" wallet ledger-accounts --path-style nonsense >/dev/null 2>"$work/err"
eq "ledger-accounts: unknown style is a usage error" "$?" 2

# add-ledger: approve on the device (Holesky), record, re-read from disk after the process ended
vault=$work/v/vault
printf 'ledger test pass\n' >"$work/pw"
printf 'test test test test test test test test test test test junk\n' |
	"$bin" wallet restore --kdf interactive --vault "$vault" --password-file "$work/pw" >/dev/null 2>&1
out=$(CHAINDECK_LEDGER_REPLAY=$(replay "getAddress with chain ID") "$bin" wallet add-ledger "44'/60'/0'/0/0" \
	--chain-id 17000 --label cold --vault "$vault" --password-file "$work/pw" 2>"$work/err")
eq "add-ledger: exit 0" "$?" 0
eq "add-ledger: prints the new account" "$(echo "$out" | cut -f1,2,3)" "$(printf '1\t%s\tcold' "$HOLESKY_ADDR")"
out=$("$bin" wallet list --vault "$vault" 2>/dev/null | sed -n 2p)
eq "add-ledger: listed after a restart, with its path and device" "$(echo "$out" | cut -f2,3,5)" \
	"$(printf "%s\tcold\tledger m/44'/60'/0'/0/0 replay of replay" "$HOLESKY_ADDR")"
out=$("$bin" wallet list --vault "$vault" --password-file "$work/pw" 2>/dev/null | sed -n 2p)
eq "add-ledger: the vault authenticates with it" "$(echo "$out" | cut -f4)" "verified"
CHAINDECK_LEDGER_REPLAY=$(replay "getAddress with chain ID") "$bin" wallet add-ledger "44'/60'/0'/0/0" \
	--chain-id 17000 --vault "$vault" --password-file "$work/pw" >/dev/null 2>"$work/err"
eq "add-ledger: the same address twice is refused" "$?" 1

# --from a hardware account signs on the device with its recorded path, and the signer must match
N="clearSignTransaction"
out=$(printf '%s' '{"chainId":"0x1","nonce":"0x0","maxPriorityFeePerGas":"0x17d78400","maxFeePerGas":"0xc529dc58c","gas":"0x5208","to":"0xb0b5b0106d69fe64545a60a68c014f7570d3f861","value":"0x1"}' |
	CHAINDECK_LEDGER_REPLAY=$(replay "$N") "$bin" wallet sign-tx --from "$HOLESKY_ADDR" --vault "$vault" 2>"$work/err")
rc=$?
eq "--from hardware account: exit 0 without a password" "$rc" 0
eq "--from hardware account: cast recovers it" "$(dt "$out" signer)" "$(echo "$HOLESKY_ADDR" | tr A-F a-f)"
N="signTransaction (EIP-1559)"
out=$(printf '%s' '{"chainId":"0x3","nonce":"0x6","maxPriorityFeePerGas":"0x3b9aca00","maxFeePerGas":"0x4a817c800","gas":"0x5208","to":"0xb2bb2b958afa2e96dab3f3ce7162b87daea39017","value":"0x2386f26fc10000"}' |
	CHAINDECK_LEDGER_REPLAY=$(replay "$N") "$bin" wallet sign-tx --from "$HOLESKY_ADDR" --vault "$vault" 2>"$work/err")
rc=$?
eq "--from hardware account, another signer: exit 1, nothing printed" "$rc:$out" "1:"
has "--from hardware account, another signer: says who signed" "not as $HOLESKY_ADDR" "$work/err"
"$bin" wallet export-keystore "$HOLESKY_ADDR" --out "$work/ks.json" --vault "$vault" --password-file "$work/pw" \
	--keystore-password-file "$work/pw" >/dev/null 2>"$work/err"
eq "a hardware account has no key to export" "$?" 1
has "a hardware account has no key to export: says so" "hardware wallet" "$work/err"

t_done
