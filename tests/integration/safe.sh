#!/usr/bin/env bash
# Safe multisig end to end on anvil with `chaindeck safe`: a 2-of-3 Safe created by chaindeck, a
# proposal written with owner A's vault, co-signed in a second vault by owner B (as two machines
# would), executed by a third account that is not an owner; ETH and ERC-20 transfers out; too few
# signatures, a tampered file, a used nonce, a non-owner and a wrong chain refused; a call that
# reverts inside the Safe recorded as ExecutionFailure; owners added and removed, threshold changed.
#
# Oracles are the contract and cast, never chaindeck itself: the SafeTx hash is the Safe's own
# getTransactionHash(...), signatures are checked by the Safe's checkSignatures (eth_call) and by
# cast's EIP-712 signer (`cast wallet sign --data` on typed data this script writes from the file's
# fields), effects are read with `cast balance`, `cast call balanceOf / getOwners / getThreshold /
# nonce`, and the creation's address is the one the factory's ProxyCreation event names.
set -u
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/erc20.sh"
. "$(dirname "$0")/../lib/safe.sh"

cli_home chaindeck-safe
unset ETH_RPC_URL
err=$work/stderr.log
: >"$err"
printf 'safe test pass\n' >"$work/pw"

# An empty answer never matches: a command that printed nothing must not pass against another that failed.
eq() { if [ -n "$3" ] && [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
has() { if grep -q -- "$3" <<<"$2"; then t_pass "$1"; else t_fail "$1" "'$3' not in: $2"; fi; }
lc() { tr '[:upper:]' '[:lower:]'; }

anvil_start || { t_fail "anvil starts"; t_done; exit 1; }
url=$ANVIL_URL

# anvil's well-known test keys: A, B, C own the Safe; X executes (owner of nothing); D is added later.
KA=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
KB=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
KC=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a
KX=0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6
KD=0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a
A=$("$cast" wallet address --private-key $KA) B=$("$cast" wallet address --private-key $KB)
C=$("$cast" wallet address --private-key $KC) X=$("$cast" wallet address --private-key $KX)
D=$("$cast" wallet address --private-key $KD)
RECIP=0x000000000000000000000000000000000000bEEF

# ---- the Safe 1.4.1 contracts at their canonical addresses (tests/lib/safe.sh) -------------------------
safe_contracts_place "$url" &&
	t_pass "Safe 1.4.1 contracts placed at the canonical addresses" ||
	t_fail "Safe 1.4.1 contracts placed at the canonical addresses"
eq "the singleton answers VERSION() 1.4.1" \
	"$("$cast" call --rpc-url "$url" 0x41675C099F32341bf84BFc5382aF534df5C7461a 'VERSION()(string)')" '"1.4.1"'

# ---- three vaults, as on three machines ------------------------------------------------------------
mkvault() { # DIR KEY...
	local dir=$1 k; shift
	for k in "$@"; do
		printf '%s\n' "${k#0x}" | "$bin" wallet import-key --vault "$dir/vault" --password-file "$work/pw" \
			>/dev/null 2>>"$err" || return 1
	done
}
# import-key needs an existing vault: restore one first (its HD account is not used here).
for v in va vb vx; do
	printf 'test test test test test test test test test test test junk\n' |
		"$bin" wallet restore --kdf interactive --vault "$work/$v/vault" --password-file "$work/pw" >/dev/null 2>>"$err"
done
mkvault "$work/vb" $KB && mkvault "$work/vx" $KX $KD && t_pass "vaults made" || t_fail "vaults made" "$(tail -3 "$err")"
# anvil's account 0 is A: the restored vault A holds it as its HD account 0.
s() { # VAULTDIR ARGS...: chaindeck safe with that vault
	local v=$1; shift
	"$bin" safe "$@" --rpc-url "$url" --vault "$work/$v/vault" --password-file "$work/pw" </dev/null
}
q() { "$bin" safe "$@" --rpc-url "$url" </dev/null; }

# ---- create -----------------------------------------------------------------------------------------
SAFE=$(s va create --owners "$A,$B,$C" --threshold 2 --from "$A" 2>"$work/create.err"); rc=$?
cat "$work/create.err" >>"$err"
eq "create: exit 0" "$rc" 0
[ -n "$SAFE" ] || { t_fail "create printed no address: nothing else can run"; t_done; exit 1; }
code=$("$cast" code --rpc-url "$url" "$SAFE" 2>/dev/null)
eq "create: the printed address has the Safe's code" "$([ -n "$code" ] && [ "$code" != 0x ] && echo yes)" yes
creation_tx=$(sed -n 's/.*sent \(0x[0-9a-f]*\).*/\1/p' "$work/create.err")
ev=$("$cast" receipt --rpc-url "$url" "$creation_tx" --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
# ProxyCreation(address indexed proxy, address singleton): topic 1 is the proxy.
for l in r["logs"]:
    if l["address"].lower() == "0x4e1dcf7ad4e460cfd30791ccc4f9c8a4f820ec67" and len(l["topics"]) == 2:
        print("0x" + l["topics"][1][-40:])
')
eq "create: the factory's ProxyCreation event names the printed address" "$ev" "$(lc <<<"$SAFE")"
eq "create: owners (getOwners via cast)" "$("$cast" call --rpc-url "$url" "$SAFE" 'getOwners()(address[])')" "[$A, $B, $C]"
eq "create: threshold 2 (getThreshold via cast)" "$("$cast" call --rpc-url "$url" "$SAFE" 'getThreshold()(uint256)')" 2
s va create --owners "$A,$B,$C" --threshold 2 --from "$A" >/dev/null 2>"$work/e"; rc=$?
eq "create again with the same salt: refused" "$rc" 1
has "create again: says the Safe exists" "$(cat "$work/e")" "exists already"
SAFE2=$(s va create --owners "$A,$B,$C" --threshold 2 --from "$A" --salt 1 2>>"$err")
eq "create with --salt 1: another Safe, with its code" \
	"$([ -n "$SAFE2" ] && [ "$SAFE2" != "$SAFE" ] && [ "$("$cast" code --rpc-url "$url" "$SAFE2")" != 0x ] && echo yes)" yes
s va create --owners "$A,$B" --threshold 3 --from "$A" >/dev/null 2>"$work/e"
has "create: a threshold above the owners is a usage error" "$(cat "$work/e")" "more than the 2 owners"

# Fund it: 2 ETH from anvil's account 9 (unlocked).
"$cast" send --rpc-url "$url" --unlocked --from 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 "$SAFE" \
	--value 2ether >/dev/null 2>>"$err"

# ---- info ---------------------------------------------------------------------------------------------
mkdir -p "$work/data/chaindeck"
printf '%s\tAlice laptop\n' "$A" >"$work/data/chaindeck/addressbook"
chmod 600 "$work/data/chaindeck/addressbook"
info=$(q info "$SAFE" 2>>"$err")
has "info: version" "$info" $'^version\t1.4.1$'
has "info: threshold" "$info" $'^threshold\t2 of 3$'
has "info: owner A with its address-book label" "$info" "^owner	$A	Alice laptop$"
has "info: owner C" "$info" "^owner	$C$"
has "info: nonce" "$info" $'^nonce\t0$'
has "info: balance" "$info" $'^balance\t2 ETH$'
has "info: no modules, no guard" "$info" $'^modules\tnone$'
has "info: no guard" "$info" $'^guard\tnone$'
has "info: the fallback handler" "$info" "^fallbackHandler	0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99$"

q info "$RECIP" >/dev/null 2>"$work/e"; rc=$?
eq "info on an account without code: refused" "$rc" 1
has "info on an account without code: says it is not a Safe" "$(cat "$work/e")" "no contract code on chain 31337: it is not a Safe"
q propose 0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99 --to "$RECIP" --out "$work/nosafe.json" >/dev/null 2>"$work/e"; rc=$?
eq "propose on a contract that is not a Safe: refused" "$rc" 1
has "propose on a contract that is not a Safe: says so" "$(cat "$work/e")" "does not answer as a Safe 1.4.1"
eq "propose on a contract that is not a Safe: no file" "$([ -e "$work/nosafe.json" ] || echo none)" none

# ---- oracles on a proposal file -----------------------------------------------------------------------
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]])' "$1" "$2"; }
# The Safe's own getTransactionHash of the file's fields.
contract_hash() {
	local f=$1
	"$cast" call --rpc-url "$url" "$(field "$f" safe)" \
		'getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)(bytes32)' \
		"$(field "$f" to)" "$(field "$f" value)" "$(field "$f" data)" "$(field "$f" operation)" \
		"$(field "$f" safeTxGas)" "$(field "$f" baseGas)" "$(field "$f" gasPrice)" "$(field "$f" gasToken)" \
		"$(field "$f" refundReceiver)" "$(field "$f" nonce)"
}
# The EIP-712 document of the file's fields, written here (not by chaindeck), for cast to sign.
typed_doc() {
	python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
t = {"EIP712Domain": [{"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
     "SafeTx": [{"name": n, "type": ty} for n, ty in [("to", "address"), ("value", "uint256"), ("data", "bytes"),
                ("operation", "uint8"), ("safeTxGas", "uint256"), ("baseGas", "uint256"), ("gasPrice", "uint256"),
                ("gasToken", "address"), ("refundReceiver", "address"), ("nonce", "uint256")]]}
msg = {k: d[k] for k in ["to", "value", "data", "operation", "safeTxGas", "baseGas", "gasPrice", "gasToken",
                         "refundReceiver", "nonce"]}
print(json.dumps({"types": t, "primaryType": "SafeTx",
                  "domain": {"chainId": int(d["chainId"]), "verifyingContract": d["safe"]}, "message": msg}))
EOF
}
sig_of() { python3 -c '
import json,sys
for s in json.load(open(sys.argv[1]))["signatures"]:
    if s["owner"].lower() == sys.argv[2].lower(): print(s["signature"])' "$1" "$2"; }
packed() { python3 -c '
import json,sys
s = sorted(json.load(open(sys.argv[1]))["signatures"], key=lambda x: int(x["owner"], 16))
print("0x" + "".join(x["signature"][2:] for x in s))' "$1"; }
check_sigs() { # FILE: the Safe's checkSignatures verdict (eth_call through cast)
	"$cast" call --rpc-url "$url" "$SAFE" 'checkSignatures(bytes32,bytes,bytes)' "$(field "$1" safeTxHash)" 0x \
		"$(packed "$1")" >/dev/null 2>&1 && echo accepted || echo rejected
}
safe_nonce() { "$cast" call --rpc-url "$url" "$SAFE" 'nonce()(uint256)'; }
x_nonce() { "$cast" nonce --rpc-url "$url" "$X"; }

# ---- ETH out: propose (A's machine), sign A, sign B (second machine), exec by X ----------------------
p1=$work/p1.json
h=$(q propose "$SAFE" --to "$RECIP" --value 0.25 --out "$p1" 2>>"$err"); rc=$?
eq "propose ETH: exit 0" "$rc" 0
eq "propose ETH: the printed hash is the file's safeTxHash" "$h" "$(field "$p1" safeTxHash)"
eq "propose ETH: safeTxHash = the Safe's getTransactionHash (cast call)" "$(field "$p1" safeTxHash)" "$(contract_hash "$p1")"
eq "propose ETH: value is 0.25 ETH in wei" "$(field "$p1" value)" 250000000000000000
eq "propose ETH: nonce 0, no signatures" "$(field "$p1" nonce)/$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signatures"]))' "$p1")" "0/0"
q propose "$SAFE" --to "$RECIP" --value 1 --out "$p1" >/dev/null 2>"$work/e"
has "propose: an existing file is never overwritten" "$(cat "$work/e")" "never overwritten"

before=$(x_nonce)
s vx exec "$p1" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "exec with no signature: refused" "$rc" 1
has "exec with no signature: says why" "$(cat "$work/e")" "0 owner signatures of the 2 this Safe needs: not sent"

sigA=$(s va sign "$p1" --from "$A" 2>>"$err"); rc=$?
eq "sign by A: exit 0" "$rc" 0
eq "sign by A: the signature is cast's EIP-712 signature of the same fields" "$sigA" \
	"$("$cast" wallet sign --data "$(typed_doc "$p1")" --private-key $KA)"
eq "sign by A: stored in the file" "$(sig_of "$p1" "$A")" "$sigA"

s vx exec "$p1" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "exec with 1 of 2 signatures: refused" "$rc" 1
has "exec with 1 of 2: clear message" "$(cat "$work/e")" "1 owner signature of the 2 this Safe needs: not sent"
eq "exec with 1 of 2: nothing was sent (executor nonce unchanged)" "$(x_nonce)" "$before"
eq "the Safe rejects 1 of 2 signatures too (checkSignatures)" "$(check_sigs "$p1")" rejected

# Tampering: the value raised after A signed; then also the hash recomputed to match.
cp "$p1" "$work/t1.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["value"]="1500000000000000000"; json.dump(d,open(sys.argv[1],"w"))' "$work/t1.json"
s vb sign "$work/t1.json" --from "$B" >/dev/null 2>"$work/e"; rc=$?
eq "tampered value: sign refused" "$rc" 1
has "tampered value: says the file was altered" "$(cat "$work/e")" "was altered"
th=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["value"]="1500000000000000000"; json.dump(d,open(sys.argv[1],"w"))' "$work/t1.json"; \
	"$cast" call --rpc-url "$url" "$SAFE" \
	'getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)(bytes32)' \
	"$RECIP" 1500000000000000000 0x 0 0 0 0 0x0000000000000000000000000000000000000000 \
	0x0000000000000000000000000000000000000000 0)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["safeTxHash"]=sys.argv[2]; json.dump(d,open(sys.argv[1],"w"))' "$work/t1.json" "$th"
s vb sign "$work/t1.json" --from "$B" >/dev/null 2>"$work/e"; rc=$?
eq "tampered value and hash: refused (A's signature is not over it)" "$rc" 1
has "tampered value and hash: names the signature" "$(cat "$work/e")" "is not $A's signature"
s vx exec "$work/t1.json" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "tampered file: exec refused" "$rc" 1
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["extra"]=1; json.dump(d,open(sys.argv[1],"w"))' "$work/t1.json"
s vb sign "$work/t1.json" --from "$B" >/dev/null 2>"$work/e"
has "unknown member: refused" "$(cat "$work/e")" 'unknown member "extra"'

s vx sign "$p1" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "sign by a non-owner: refused" "$rc" 1
has "sign by a non-owner: says so" "$(cat "$work/e")" "is not an owner of this Safe"

# Wrong chain: the same file on a node of another chain.
url1=$url
anvil_start --chain-id 4242 || t_fail "second anvil starts"
"$bin" safe sign "$p1" --from "$B" --rpc-url "$ANVIL_URL" --vault "$work/vb/vault" --password-file "$work/pw" \
	</dev/null >/dev/null 2>"$work/e"; rc=$?
eq "wrong chain: refused" "$rc" 1
has "wrong chain: says which" "$(cat "$work/e")" "for chain 31337 but the node is on chain 4242"
url=$url1

sigB=$(s vb sign "$p1" --from "$B" 2>>"$err"); rc=$?
eq "sign by B in a second vault: exit 0" "$rc" 0
eq "sign by B: cast signs the same" "$sigB" "$("$cast" wallet sign --data "$(typed_doc "$p1")" --private-key $KB)"
eq "sign by B: cast recovers B from the typed data" \
	"$("$cast" wallet verify --address "$B" --data "$(typed_doc "$p1")" "$sigB" >/dev/null 2>&1 && echo ok)" ok
eq "2 of 2 signatures: the Safe's checkSignatures accepts them" "$(check_sigs "$p1")" accepted

bal0=$("$cast" balance --rpc-url "$url" "$RECIP")
out=$(s vx exec "$p1" --from "$X" 2>>"$err"); rc=$?
eq "exec by X (not an owner): exit 0" "$rc" 0
has "exec: ExecutionSuccess reported" "$out" "^ExecutionSuccess	0x"
eq "exec: the recipient got 0.25 ETH (cast balance)" \
	"$(python3 -c 'import sys; print(int(sys.argv[2]) - int(sys.argv[1]))' "$bal0" "$("$cast" balance --rpc-url "$url" "$RECIP")")" \
	250000000000000000
eq "exec: the Safe has 1.75 ETH left (cast balance)" "$("$cast" balance --rpc-url "$url" "$SAFE")" 1750000000000000000
eq "exec: the Safe's nonce is 1" "$(safe_nonce)" 1
tx=$(cut -f2 <<<"$out")
eq "exec: the transaction is from X (cast receipt)" "$("$cast" receipt --rpc-url "$url" "$tx" from | lc)" "$(lc <<<"$X")"
# exec sends the one way the wallet sends: its signed bytes are recorded beside the vault as the pane's sends are
raw=$(awk '!/^#/ {print $2}' "$work/vx/pending" 2>/dev/null | tail -1)
eq "exec: the wallet's record of sent transactions holds exactly the executed bytes (cast keccak = the tx hash)" \
	"$([ -n "$raw" ] && "$cast" keccak "$raw")" "$tx"

s va sign "$p1" --from "$A" >/dev/null 2>"$work/e"; rc=$?
eq "a used nonce: sign refused" "$rc" 1
has "a used nonce: says so" "$(cat "$work/e")" "nonce 0 is already used"

# ---- ERC-20 out -------------------------------------------------------------------------------------------
erc20_deploy "$url" >/dev/null 2>>"$err" || t_fail "token deployed"
TOKEN=$ERC20_ADDRESS
erc20_transfer "$url" "$ERC20_ACCOUNT0" "$SAFE" 100000000000000000000 >/dev/null 2>>"$err"
p2=$work/p2.json
q propose "$SAFE" --to "$RECIP" --erc20 "$TOKEN" --amount 12.5 --out "$p2" >/dev/null 2>>"$err"
eq "propose ERC-20: the call goes to the token" "$(field "$p2" to | lc)" "$TOKEN"
eq "propose ERC-20: safeTxHash = getTransactionHash" "$(field "$p2" safeTxHash)" "$(contract_hash "$p2")"
eq "propose ERC-20: the data is transfer(RECIP, 12.5e18) as cast encodes it" "$(field "$p2" data)" \
	"$("$cast" calldata 'transfer(address,uint256)' "$RECIP" 12500000000000000000)"
s va sign "$p2" --from "$A" >/dev/null 2>>"$err"
# B signs on an air-gapped machine: no node at all (the only one named does not exist).
sig=$(ETH_RPC_URL=http://127.0.0.1:1 "$bin" safe sign "$p2" --from "$B" --offline --vault "$work/vb/vault" \
	--password-file "$work/pw" </dev/null 2>"$work/e"); rc=$?
eq "offline sign by B: exit 0 without a node" "$rc" 0
has "offline sign: says what it did not check" "$(cat "$work/e")" "NOT checked against a node"
eq "offline sign: cast signs the same" "$sig" "$("$cast" wallet sign --data "$(typed_doc "$p2")" --private-key $KB)"
eq "ERC-20: checkSignatures accepts A and B" "$(check_sigs "$p2")" accepted
out=$(s vx exec "$p2" --from "$X" 2>>"$err"); rc=$?
eq "exec ERC-20: exit 0" "$rc" 0
has "exec ERC-20: ExecutionSuccess" "$out" "^ExecutionSuccess"
eq "exec ERC-20: balanceOf(RECIP) is 12.5 tokens (cast call)" \
	"$("$cast" call --rpc-url "$url" "$TOKEN" 'balanceOf(address)(uint256)' "$RECIP" | cut -d' ' -f1)" 12500000000000000000
eq "exec ERC-20: balanceOf(SAFE) is 87.5 tokens" \
	"$("$cast" call --rpc-url "$url" "$TOKEN" 'balanceOf(address)(uint256)' "$SAFE" | cut -d' ' -f1)" 87500000000000000000

# ---- a call that reverts inside the Safe: ExecutionFailure --------------------------------------------
# With safeTxGas 0 the Safe reverts the whole transaction when its call fails; with a safeTxGas it
# records ExecutionFailure and uses the nonce.
p3=$work/p3.json
q propose "$SAFE" --to "$TOKEN" --data 0xe7cb5232 --safe-tx-gas 100000 --out "$p3" >/dev/null 2>>"$err"
s va sign "$p3" --from "$A" >/dev/null 2>>"$err"
s vb sign "$p3" --from "$B" >/dev/null 2>>"$err"
before=$(x_nonce)
s vx exec "$p3" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "failing call: exec without --allow-failure refused" "$rc" 1
has "failing call: the revert reason is shown" "$(cat "$work/e")" "Token: always fails"
eq "failing call: nothing sent" "$(x_nonce)" "$before"
out=$(s vx exec "$p3" --from "$X" --allow-failure 2>>"$err"); rc=$?
eq "failing call with --allow-failure: exit 1" "$rc" 1
has "failing call: ExecutionFailure reported" "$out" "^ExecutionFailure	0x"
tx=$(cut -f2 <<<"$out")
topic=$("$cast" keccak 'ExecutionFailure(bytes32,uint256)')
eq "failing call: the receipt has the Safe's ExecutionFailure log (cast receipt)" \
	"$("$cast" receipt --rpc-url "$url" "$tx" --json | python3 -c '
import json,sys
r=json.load(sys.stdin)
print(any(l["address"].lower()==sys.argv[1].lower() and l["topics"][0]==sys.argv[2] for l in r["logs"]))' "$SAFE" "$topic")" True
eq "failing call: the nonce is used (3)" "$(safe_nonce)" 3

# ---- owners and threshold -----------------------------------------------------------------------------
p4=$work/p4.json
q propose "$SAFE" --add-owner "$D" --threshold 3 --out "$p4" >/dev/null 2>>"$err"
eq "add owner: data is addOwnerWithThreshold(D, 3) as cast encodes it" "$(field "$p4" data)" \
	"$("$cast" calldata 'addOwnerWithThreshold(address,uint256)' "$D" 3)"
eq "add owner: safeTxHash = getTransactionHash" "$(field "$p4" safeTxHash)" "$(contract_hash "$p4")"
s va sign "$p4" --from "$A" >/dev/null 2>>"$err"
s vb sign "$p4" --from "$B" >/dev/null 2>>"$err"
out=$(s vx exec "$p4" --from "$X" 2>>"$err")
has "add owner: ExecutionSuccess" "$out" "^ExecutionSuccess"
eq "add owner: D is an owner (getOwners)" "$("$cast" call --rpc-url "$url" "$SAFE" 'isOwner(address)(bool)' "$D")" true
eq "add owner: threshold 3" "$("$cast" call --rpc-url "$url" "$SAFE" 'getThreshold()(uint256)')" 3

p5=$work/p5.json
q propose "$SAFE" --change-threshold 2 --out "$p5" >/dev/null 2>>"$err"
s va sign "$p5" --from "$A" >/dev/null 2>>"$err"
s vb sign "$p5" --from "$B" >/dev/null 2>>"$err"
s vx exec "$p5" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "threshold 3: two signatures refused" "$rc" 1
has "threshold 3: clear message" "$(cat "$work/e")" "2 owner signatures of the 3"
s vx sign "$p5" --from "$D" >/dev/null 2>>"$err"   # D's key is in X's vault
eq "threshold 3: checkSignatures accepts A, B, D" "$(check_sigs "$p5")" accepted
out=$(s vx exec "$p5" --from "$X" 2>>"$err")
has "change threshold: ExecutionSuccess" "$out" "^ExecutionSuccess"
eq "change threshold: threshold 2 (getThreshold)" "$("$cast" call --rpc-url "$url" "$SAFE" 'getThreshold()(uint256)')" 2

p6=$work/p6.json
q propose "$SAFE" --remove-owner "$C" --out "$p6" >/dev/null 2>>"$err"
eq "remove owner: safeTxHash = getTransactionHash" "$(field "$p6" safeTxHash)" "$(contract_hash "$p6")"
s va sign "$p6" --from "$A" >/dev/null 2>>"$err"
s vx sign "$p6" --from "$D" >/dev/null 2>>"$err"
out=$(s vx exec "$p6" --from "$X" 2>>"$err")
has "remove owner: ExecutionSuccess" "$out" "^ExecutionSuccess"
eq "remove owner: owners are D, A, B (getOwners)" "$("$cast" call --rpc-url "$url" "$SAFE" 'getOwners()(address[])')" \
	"[$D, $A, $B]"

# ---- nonces: a queued proposal waits its turn; a used one is refused at once -------------------------
p7=$work/p7.json
q propose "$SAFE" --to "$RECIP" --value 0.01 --nonce 7 --out "$p7" >/dev/null 2>>"$err"
eq "queued proposal: nonce 7 while the Safe is at $(safe_nonce)" "$(field "$p7" nonce)" 7
eq "queued proposal: safeTxHash = getTransactionHash" "$(field "$p7" safeTxHash)" "$(contract_hash "$p7")"
s va sign "$p7" --from "$A" >/dev/null 2>>"$err"
s vx sign "$p7" --from "$D" >/dev/null 2>>"$err"
s vx exec "$p7" --from "$X" >/dev/null 2>"$work/e"; rc=$?
eq "queued proposal: exec refused before its turn" "$rc" 1
has "queued proposal: says which nonce is next" "$(cat "$work/e")" "has nonce 7 but the Safe executes nonce 6 next"
q propose "$SAFE" --to "$RECIP" --value 0.01 --nonce 2 --out "$work/p8.json" >/dev/null 2>"$work/e"; rc=$?
eq "propose with a used nonce: usage error" "$rc" 2
has "propose with a used nonce: says so" "$(cat "$work/e")" "already used"

grep -qi "$(printf '%s' "${KA#0x}")" "$err" "$work"/*.json 2>/dev/null && t_fail "no key in any output or file" ||
	t_pass "no key in any output or file"
[ "$_t_fail" -eq 0 ] || { echo "--- stderr of chaindeck:"; tail -n 30 "$err"; }
t_done
