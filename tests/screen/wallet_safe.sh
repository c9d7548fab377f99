#!/usr/bin/env bash
# Safes as accounts in the wallet pane, in a real terminal (tmux) against anvil with the Safe 1.4.1
# contracts at their canonical addresses. A 2-of-3 Safe (owners A, B, C) is created and funded; owner
# A, on "another machine" (its own vault, the CLI), writes a proposal (0.5 ETH out) into the pane's
# proposal directory and signs it. In the pane, whose vault holds A and B:
#   - S, w: the Safe is watched; its owners (C with its address-book label), threshold, nonce and
#     balance equal what `cast call` / `cast balance` read from the contract
#   - the proposal is listed with 1 of 2 signatures; a copy of it with its value changed is listed as
#     refused
#   - E with one signature is refused (too few signatures), nothing sent
#   - g: the signing screen shows the SafeTx decoded, its nonce and the SafeTx hash, which equals the
#     contract's own getTransactionHash (cast call); stray keys sign nothing (the file keeps one
#     signature); y signs with B and the file then carries signatures the contract accepts
#     (checkSignatures via cast call); an ERC-20 transfer and an owner change show decoded
#   - the Safe's balance of a watched token (t) equals balanceOf via cast call
#   - E: the confirmation of the execution shows the SafeTx and its hash; a stray key sends nothing
#     (the Safe's nonce stays 0); y sends: 0.5 ETH reach the recipient (cast balance), the receipt
#     (cast receipt) holds the Safe's ExecutionSuccess for that SafeTx hash, nonce() is 1
#   - refused on the screen with the reason: a proposal for the same Safe address on another chain
#     (made on a second anvil, chain 5), a Safe none of the vault's accounts owns, a used nonce, and
#     an execution the contract would revert (GS013, its own reason)
#   - C creates a 2-of-3 Safe from the pane (salt 0 is taken: salt 1); cast reads its owners and
#     threshold at the address the confirmation showed
#   - quit, restart: the watched Safes are still listed
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/safe.sh"
. "$here/../lib/erc20.sh"
build=${CHAINDECK_BUILD:-build}
bin=$build/chaindeck
cast=$CHAINDECK_NPM_BIN/cast

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-screen.XXXXXX")
cleanup_add "rm -rf '$home'"
chmod 700 "$home"
die() { t_fail "$1" "${2:-}"; t_done; exit 1; }
re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }
cast_cs() { "$cast" to-check-sum-address "$1"; }
ok_if() { if [ "$1" = 0 ]; then t_pass "$2"; else t_fail "$2" "${3:-}"; fi; }
nsigs() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["signatures"]))' "$1"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# A second chain (5) with the same contracts: the same owners and salt give the same Safe address there.
anvil_start --chain-id 5 || die "anvil (chain 5) starts"
U5=$ANVIL_URL
safe_contracts_place "$U5" || die "the Safe contracts are placed on chain 5"
anvil_start || die "anvil starts"
U=$ANVIL_URL
safe_contracts_place "$U" || die "the Safe contracts are placed"

KB=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
A=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
B=$("$cast" wallet address --private-key $KB)
C=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
RECIP=0x000000000000000000000000000000000000bEEF

export XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state XDG_CACHE_HOME=$home/cache
export HOME=$home
PASSWORD=pw-safe-screen
printf '%s\n' "$PASSWORD" >"$home/pw"
chmod 600 "$home/pw"
# Owner A's machine: a vault with A (anvil's account 0, HD account 0 of the test mnemonic).
# The pane's vault: A and B (imported).
for v in va vault; do
	printf 'test test test test test test test test test test test junk\n' |
		"$bin" wallet restore --kdf interactive --vault "$home/$v/vault" --password-file "$home/pw" >/dev/null 2>&1 ||
		die "vault $v is made"
done
printf '%s\n' "${KB#0x}" | "$bin" wallet import-key --vault "$home/vault/vault" --password-file "$home/pw" \
	>/dev/null 2>&1 || die "B is imported into the pane's vault"
sa() { "$bin" safe "$@" --rpc-url "$U" --vault "$home/va/vault" --password-file "$home/pw" </dev/null 2>>"$home/err"; }
sb() { "$bin" safe "$@" --rpc-url "$U" --vault "$home/vault/vault" --password-file "$home/pw" </dev/null 2>>"$home/err"; }
D=0x90F79bf6EB2c4f870365E785982E1f101E93b906

SAFE=$(sa create --owners "$A,$B,$C" --threshold 2 --from "$A") && [ -n "$SAFE" ] ||
	die "the Safe is created" "$(tail -3 "$home/err")"
"$cast" send --rpc-url "$U" --unlocked --from 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 "$SAFE" --value 2ether \
	>/dev/null 2>&1 || die "the Safe is funded"
# 7.5 CDT (an OpenZeppelin ERC-20) in the Safe
erc20_deploy "$U" >/dev/null 2>&1 || die "the token is deployed"
TOKEN=$ERC20_ADDRESS
erc20_transfer "$U" "$A" "$SAFE" 7500000000000000000 >/dev/null 2>&1 || die "tokens are sent to the Safe"
mkdir -p "$XDG_DATA_HOME/chaindeck"
printf '%s\tCarol phone\n' "$C" >"$XDG_DATA_HOME/chaindeck/addressbook"
chmod 600 "$XDG_DATA_HOME/chaindeck/addressbook"

# The same Safe on chain 5, and a proposal there (same Safe address, nonce 0, chain 5).
SAFE5=$("$bin" safe create --owners "$A,$B,$C" --threshold 2 --from "$A" --rpc-url "$U5" --vault "$home/va/vault" \
	--password-file "$home/pw" </dev/null 2>>"$home/err")
[ "$SAFE5" = "$SAFE" ] || die "the Safe has the same address on chain 5" "'$SAFE5' vs '$SAFE'"
mkdir -p "$XDG_DATA_HOME/chaindeck/safe"
"$bin" safe propose "$SAFE" --to "$RECIP" --value 0.1 --rpc-url "$U5" --out "$XDG_DATA_HOME/chaindeck/safe/other-chain.json" \
	</dev/null >/dev/null 2>>"$home/err" || die "a proposal on chain 5"
# A Safe of C and D only: no account of the pane's vault owns it.
SAFE3=$(sa create --owners "$C,$D" --threshold 1 --from "$A") && [ -n "$SAFE3" ] || die "the C+D Safe is created"
sa propose "$SAFE3" --to "$RECIP" --out "$XDG_DATA_HOME/chaindeck/safe/s3.json" >/dev/null || die "a proposal for the C+D Safe"
# Two more for the first Safe, to be shown decoded: an ERC-20 transfer and an owner change.
sa propose "$SAFE" --to "$RECIP" --erc20 "$TOKEN" --amount 2.5 --out "$XDG_DATA_HOME/chaindeck/safe/x-erc20.json" \
	>/dev/null && sa propose "$SAFE" --add-owner "$D" --threshold 3 --out "$XDG_DATA_HOME/chaindeck/safe/y-owner.json" \
	>/dev/null || die "the ERC-20 and owner-change proposals" "$(tail -3 "$home/err")"

# Owner A proposes (no --out: into the pane's directory) and signs.
HASH=$(sa propose "$SAFE" --to "$RECIP" --value 0.5) || die "A proposes" "$(tail -3 "$home/err")"
dir=$XDG_DATA_HOME/chaindeck/safe
prop=$(ls "$dir"/0x*.json 2>/dev/null | head -1)
[ -n "$prop" ] && [ -f "$prop" ] || die "propose without --out writes into $dir" "$(ls -la "$dir" 2>&1)"
sa sign "$prop" --from "$A" >/dev/null || die "A signs" "$(tail -3 "$home/err")"
# A copy with its value changed (hash and signature left as they were): must be refused.
python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
p["value"] = "1500000000000000000"
json.dump(p, open(sys.argv[2], "w"), indent=1)' "$prop" "$dir/tampered.json"
grep -q 1500000000000000000 "$dir/tampered.json" || die "the tampered copy is made"

# The oracles: the contract, through cast.
c_owners=$("$cast" call --rpc-url "$U" "$SAFE" 'getOwners()(address[])')
c_threshold=$("$cast" call --rpc-url "$U" "$SAFE" 'getThreshold()(uint256)')
c_nonce=$("$cast" call --rpc-url "$U" "$SAFE" 'nonce()(uint256)')
c_balance=$("$cast" balance --rpc-url "$U" "$SAFE")
c_hash=$("$cast" call --rpc-url "$U" "$SAFE" \
	'getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256)(bytes32)' \
	"$RECIP" 500000000000000000 0x 0 0 0 0 0x0000000000000000000000000000000000000000 \
	0x0000000000000000000000000000000000000000 0)
[ "$c_hash" = "$HASH" ] || die "propose printed the contract's SafeTx hash" "$HASH vs $c_hash"

start() {
	screen_start "$1" 170 50 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$bin" --rpc-url "$U" --vault "$home/vault/vault" \
		--log "$home/chaindeck.log" || die "tmux starts"
	screen_send 1
	screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null || die "the wallet pane shows the vault"
}
start wsafe1

# ---- watch the Safe ----
screen_send S
t_ok "S opens the Safe screen" screen_wait_for 'no Safe watched on this chain' 5
screen_send w
screen_wait_for 'Safe address to watch' 3 >/dev/null
screen_type "$SAFE"
screen_send Enter
t_ok "w watches the Safe: checked on the node and saved" screen_wait_for "Safe $(re "$SAFE") .* watched: saved" 10
t_ok "the Safe's version (VERSION via cast: 1.4.1)" screen_wait_for "^ Safe +$(re "$SAFE")  \\(Safe 1\\.4\\.1\\)" 5
t_ok "threshold $c_threshold of 3 (getThreshold via cast)" screen_wait_for "^ Threshold +$c_threshold of 3\$" 3
t_ok "nonce $c_nonce (nonce() via cast)" screen_wait_for "^ Nonce +$c_nonce\$" 3
t_ok "balance $c_balance wei (cast balance)" screen_wait_for "^ Balance +2 ETH \\($c_balance wei\\)\$" 3
screen_send t
screen_wait_for 'Token contract to watch' 3 >/dev/null
screen_type "$TOKEN"
screen_send Enter
c_tok=$("$cast" call --rpc-url "$U" "$TOKEN" 'balanceOf(address)(uint256)' "$SAFE" | awk '{print $1}')
t_ok "with the token watched (t), the Safe's token balance: $c_tok base units (cast call balanceOf)" \
	screen_wait_for "^ Token +7\\.5 CDT \\($c_tok base units\\)  " 10
shown=$(screen_capture)
got_owners=$(sed -n 's/^ Owner  *\(0x[0-9a-fA-F]\{40\}\).*/\1/p' <<<"$shown" | paste -sd, | sed 's/,/, /g')
[ "[$got_owners]" = "$c_owners" ]
ok_if $? "the owners in getOwners' order (cast call)" "shown [$got_owners], cast $c_owners"
grep -qE "^ Owner +$C  \\(Carol phone\\)\$" <<<"$shown"
ok_if $? "owner C with its address-book label"
t_ok "the proposal is listed with A's signature (1 of 2)" \
	screen_wait_for "^ > nonce 0  to $(re "$RECIP")  0\\.5 ETH  1/2 signatures  $(re "$(basename "$prop")")" 5
t_ok "the tampered copy is listed as refused" screen_wait_for '^   tampered\.json  refused: .*' 3
t_ok "the chain 5 proposal for this address is listed as for another chain" \
	screen_wait_for '^   nonce 0 \(for chain 5, not this one\)  to .* other-chain\.json$' 3

# ---- too few signatures: refused before anything is sent ----
screen_send E
t_ok "E with one signature: refused (too few signatures)" \
	screen_wait_for '1 owner signature of the 2 this Safe needs: not sent' 10
screen_send Escape
screen_wait_for '^ Proposals in ' 3 >/dev/null

# ---- refused: another chain; a Safe the vault does not own ----
screen_send j
screen_send g
t_ok "g on the chain 5 proposal: refused, wrong chain" \
	screen_wait_for 'wrong chain: the proposal is for chain 5 but the node is on chain 31337: not signed' 10
screen_send Escape
screen_send k
screen_send w
screen_wait_for 'Safe address to watch' 3 >/dev/null
screen_type "$SAFE3"
screen_send Enter
screen_wait_for "Safe $(re "$SAFE3") .* watched: saved" 10 >/dev/null || t_fail "the C+D Safe is watched"
screen_send N
screen_wait_for "^ Safe +$(re "$SAFE3")  \\(Safe 1\\.4\\.1\\)" 5 >/dev/null
screen_wait_for '^ > nonce 0  to .* s3\.json$' 5 >/dev/null
screen_send g
t_ok "g on a Safe no account of the vault owns: refused" \
	screen_wait_for 'no account of this vault is an owner of this Safe: not signing' 10
screen_send Escape
screen_send N
t_ok "N goes back to the first Safe" screen_wait_for "^ Safe +$(re "$SAFE")  \\(Safe 1\\.4\\.1\\)" 5
screen_wait_for "^ > nonce 0  to $(re "$RECIP")  0\\.5 ETH" 5 >/dev/null

# ---- the signing screen decodes an ERC-20 transfer and an owner change ----
for _ in 1 2 3; do screen_send j; done
screen_wait_for '^ > nonce 0  to .* transfer\(to=' 3 >/dev/null
screen_send g
screen_wait_for '^ Check +chain, nonce, owner' 10 >/dev/null
shown=$(screen_capture)
grep -qE "^ SafeTx to +$(re "$(cast_cs "$TOKEN")")\$" <<<"$shown" &&
	grep -qE "^ SafeTx call +transfer\(.*$(re "$RECIP").*2500000000000000000\)\$" <<<"$shown"
ok_if $? "an ERC-20 transfer shows decoded: the token as to, transfer(recipient, 2.5 x 10^18)" "$shown"
screen_send Escape
screen_send j
screen_wait_for '^ > nonce 0  to .* addOwnerWithThreshold\(' 3 >/dev/null
screen_send g
screen_wait_for '^ Check +chain, nonce, owner' 10 >/dev/null
shown=$(screen_capture)
grep -qE '^ SafeTx to +.*\(the Safe itself\)$' <<<"$shown" &&
	grep -qE "^ SafeTx call +addOwnerWithThreshold\(.*$(re "$D").*3\)\$" <<<"$shown"
ok_if $? "an owner change shows decoded: the Safe itself as to, addOwnerWithThreshold(D, 3)" "$shown"
screen_send Escape
for _ in 1 2 3 4; do screen_send k; done

# ---- B signs in the pane ----
screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$PASSWORD"
screen_send Enter
screen_wait_for 'unlocked \(L locks\)|Proposals in' 15 >/dev/null
screen_wait_for 'w watch  C create' 15 >/dev/null
screen_send g
t_ok "g: the signing screen, checked on the node" screen_wait_for 'y signs exactly this SafeTx hash' 10
shown=$(screen_capture)
grep -qE "^ Owner +$B( |\$)" <<<"$shown"
ok_if $? "it signs with B, the vault's owner account that has not signed" "$shown"
grep -qE "^ SafeTx hash +$c_hash\$" <<<"$shown"
ok_if $? "the SafeTx hash shown is the contract's getTransactionHash (cast call)"
grep -qE "^ SafeTx to +$(re "$RECIP")\$" <<<"$shown" && grep -qE '^ SafeTx value +0\.5 ETH$' <<<"$shown" &&
	grep -qE '^ SafeTx nonce +0$' <<<"$shown" && grep -qE "^ Safe +$(re "$SAFE")  chain 31337" <<<"$shown"
ok_if $? "the SafeTx decoded: Safe and chain, to, value, nonce" "$shown"
for k in n Y s E Enter; do screen_send "$k"; done
screen_wait_for 'y signs exactly this SafeTx hash' 3 >/dev/null
[ "$(nsigs "$prop")" = 1 ]
ok_if $? "stray keys (n Y s E Enter) sign nothing: the file keeps one signature"
screen_send y
t_ok "y signs and saves" screen_wait_for "signed by $(re "$B") and saved to" 10
[ "$(nsigs "$prop")" = 2 ]
ok_if $? "the file now holds two signatures"
sigs=$(python3 -c '
import json, sys
p = json.load(open(sys.argv[1]))
print("0x" + "".join(s["signature"][2:] for s in sorted(p["signatures"], key=lambda s: int(s["owner"], 16))))' "$prop")
"$cast" call --rpc-url "$U" "$SAFE" 'checkSignatures(bytes32,bytes,bytes)' "$c_hash" 0x "$sigs" >/dev/null 2>&1
ok_if $? "the Safe's own checkSignatures accepts them (cast call)"
screen_send Escape
t_ok "the list shows 2 of 2 signatures" screen_wait_for "^ > nonce 0 .* 2/2 signatures" 10

# ---- execute from the pane ----
screen_send E
t_ok "E: the execution's confirmation" screen_wait_for '^ Execute a Safe transaction$' 15
t_ok "it offers y once the checks passed" screen_wait_for 'y signs and sends exactly this' 10
shown=$(screen_capture)
grep -qE "^ SafeTx hash +$c_hash\$" <<<"$shown" && grep -qE '^ SafeTx nonce +0$' <<<"$shown" &&
	grep -qE '^ Call +execTransaction' <<<"$shown"
ok_if $? "the confirmation shows the SafeTx, its nonce and hash, and the execTransaction call" "$shown"
for k in n s Enter; do screen_send "$k"; done
screen_wait_for 'y signs and sends exactly this' 3 >/dev/null
[ "$("$cast" call --rpc-url "$U" "$SAFE" 'nonce()(uint256)')" = 0 ]
ok_if $? "stray keys send nothing (nonce() still 0)"
screen_send y
t_ok "y sends it" screen_wait_for 'sent: tracking it' 15
for _ in $(seq 50); do
	[ "$("$cast" call --rpc-url "$U" "$SAFE" 'nonce()(uint256)')" = 1 ] && break
	sleep 0.2
done
[ "$("$cast" call --rpc-url "$U" "$SAFE" 'nonce()(uint256)')" = 1 ]
ok_if $? "the Safe's nonce advanced to 1 (cast call nonce())"
[ "$("$cast" balance --rpc-url "$U" "$RECIP")" = 500000000000000000 ]
ok_if $? "0.5 ETH reached the recipient (cast balance)"
topic=$("$cast" keccak 'ExecutionSuccess(bytes32,uint256)')
txh=$("$cast" logs --rpc-url "$U" --from-block 0 --address "$SAFE" "$topic" --json 2>/dev/null |
	python3 -c 'import json,sys; l=json.load(sys.stdin); print(l[-1]["transactionHash"] if l else "")')
found=$("$cast" receipt --rpc-url "$U" "$txh" --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
ok = r["status"] in ("0x1", 1) and any(l["address"].lower() == sys.argv[1].lower() and l["topics"][0] == sys.argv[2]
         and l["topics"][1] == sys.argv[3] for l in r["logs"])
print("yes" if ok else "no")' "$SAFE" "$topic" "$c_hash")
[ "$found" = yes ]
ok_if $? "the receipt holds ExecutionSuccess for the SafeTx hash (cast receipt)" "tx '$txh'"
screen_send Escape
t_ok "the pane reads nonce 1 back" screen_wait_for '^ Nonce +1$' 10
t_ok "the executed proposal shows its nonce as used" screen_wait_for '^ > nonce 0 \(used: executed or replaced\)  to ' 10
screen_send g
t_ok "g on the executed proposal: refused, its nonce is used" \
	screen_wait_for 'nonce 0 is already used \(the Safe.s nonce is 1\): this proposal can never execute' 10
screen_send Escape
screen_wait_for '^ Proposals in ' 3 >/dev/null
# ---- an execution the contract would revert: shown with the contract's reason, nothing sent ----
# (a call the factory rejects, no safeTxGas: execTransaction itself reverts with GS013)
sa propose "$SAFE" --to 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67 --data 0xdeadbeef --out "$dir/r-revert.json" \
	>/dev/null && sa sign "$dir/r-revert.json" --from "$A" >/dev/null && sb sign "$dir/r-revert.json" --from "$B" >/dev/null ||
	t_fail "the reverting proposal is made and signed" "$(tail -3 "$home/err")"
screen_wait_for '^   nonce 1  to .* 2/2 signatures  r-revert\.json$' 10 >/dev/null
screen_send j
screen_send j
screen_wait_for '^ > nonce 1  to .* r-revert\.json$' 3 >/dev/null
n_before=$("$cast" nonce --rpc-url "$U" "$A")
screen_send E
t_ok "E on it: refused with the contract's revert reason (GS013)" \
	screen_wait_for 'execTransaction would revert: Error\(string\): "GS013": not sent' 10
[ "$("$cast" nonce --rpc-url "$U" "$A")" = "$n_before" ]
ok_if $? "nothing was sent (cast nonce of the payer unchanged)"
screen_send Escape
screen_wait_for '^ Proposals in ' 3 >/dev/null

# ---- create a Safe from the pane: the same owners and threshold (salt 0 is taken: the next one) ----
screen_send C
screen_wait_for 'Owners of the new Safe' 3 >/dev/null
screen_type "$A, $B,$C"
screen_send Enter
screen_wait_for 'Threshold: how many owners' 3 >/dev/null
screen_type 2
screen_send Enter
t_ok "C: the creation's confirmation" screen_wait_for '^ Create a Safe$' 15
t_ok "it offers y once the node's checks passed" screen_wait_for 'y signs and sends exactly this' 10
shown=$(screen_capture)
NEW=$(sed -n 's/^ New Safe  *\(0x[0-9a-fA-F]\{40\}\)  (CREATE2, salt 1)$/\1/p' <<<"$shown")
[ -n "$NEW" ] && grep -qE '^ Threshold +2 of 3$' <<<"$shown" && grep -qE "^ Owners +$A( |\$)" <<<"$shown"
ok_if $? "the confirmation shows the new Safe's address (salt 1: salt 0 is taken), owners and threshold" "$shown"
screen_send n
[ "$("$cast" code --rpc-url "$U" "${NEW:-0x0}" 2>/dev/null)" = 0x ]
ok_if $? "a stray key creates nothing (cast code is empty there)"
screen_send y
t_ok "y sends it and the new Safe is watched once it answers" \
	screen_wait_for "Safe $(re "$NEW") .* created and watched: saved" 20
[ "$("$cast" call --rpc-url "$U" "$NEW" 'getOwners()(address[])' 2>/dev/null)" = "[$A, $B, $C]" ] &&
	[ "$("$cast" call --rpc-url "$U" "$NEW" 'getThreshold()(uint256)' 2>/dev/null)" = 2 ]
ok_if $? "the Safe at the address shown has owners A, B, C and threshold 2 (cast call)"
screen_send Escape

# ---- quit, restart: still watched ----
screen_send Escape
screen_send q
t_ok "chaindeck quits" screen_wait_for 'chaindeck exited with status 0' 5
screen_stop
start wsafe2
screen_send S
t_ok "after a restart the watched Safe is still listed" screen_wait_for "^ > $(re "$SAFE")  chain 31337" 10
t_ok "... and the one created in the pane" screen_wait_for "^   $(re "$NEW")  chain 31337" 3
screen_send q
t_done
