#!/usr/bin/env bash
# The explorer on a Safe, in a real terminal (tmux) against anvil with the Safe 1.4.1 contracts: a
# 2-of-3 Safe created with `chaindeck safe create`, then executed with the CLI: an ETH transfer, an
# add-owner with a new threshold, a call that reverts inside the Safe, a remove-owner. The Safe's
# address view shows "Safe 1.4.1", its owners (with address-book labels), threshold and nonce, each
# equal to what `cast call` reads from the contract; each execution's transaction view shows
# ExecutionSuccess / ExecutionFailure with the SafeTx hash the CLI printed, and the owner changes
# show AddedOwner / RemovedOwner with the owner and ChangedThreshold with the new threshold.
set -u
here=$(dirname "$0")
. "$here/../lib/explorer.sh"
. "$here/../lib/safe.sh"
bin=$build/chaindeck

anvil_start || die "anvil starts"
U=$ANVIL_URL
safe_contracts_place "$U" || die "the Safe contracts are placed"

KA=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
KB=0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
KD=0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a
A=$("$CAST" wallet address --private-key $KA) B=$("$CAST" wallet address --private-key $KB)
C=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
D=$("$CAST" wallet address --private-key $KD)
RECIP=0x000000000000000000000000000000000000bEEF

# One vault holding A (restored HD account 0), B and D (imported): the co-owners sign here.
export XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config XDG_STATE_HOME=$home/state XDG_CACHE_HOME=$home/cache
printf 'pw\n' >"$home/pw"
printf 'test test test test test test test test test test test junk\n' |
	"$bin" wallet restore --kdf interactive --vault "$home/vault" --password-file "$home/pw" >/dev/null 2>&1 &&
	printf '%s\n' "${KB#0x}" | "$bin" wallet import-key --vault "$home/vault" --password-file "$home/pw" >/dev/null 2>&1 &&
	printf '%s\n' "${KD#0x}" | "$bin" wallet import-key --vault "$home/vault" --password-file "$home/pw" >/dev/null 2>&1 ||
	die "the vault is made"
s() { "$bin" safe "$@" --rpc-url "$U" --vault "$home/vault" --password-file "$home/pw" </dev/null 2>>"$home/err"; }

SAFE=$(s create --owners "$A,$B,$C" --threshold 2 --from "$A") && [ -n "$SAFE" ] || die "the Safe is created" "$(tail -3 "$home/err")"
"$CAST" send --rpc-url "$U" --unlocked --from 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 "$SAFE" --value 1ether >/dev/null 2>&1

# execute EVENT SIGNERS PROPOSE-ARGS...: propose, sign by each of SIGNERS (comma-separated), execute by A,
# expecting EVENT (ExecutionSuccess / ExecutionFailure); sets SAFETX (from propose) and ETHTX (from exec)
execute() {
	local want=$1 signers=$2 f=$home/p$RANDOM.json out o
	shift 2
	SAFETX=$(s propose "$SAFE" "$@" --out "$f") || return 1
	for o in ${signers//,/ }; do s sign "$f" --from "$o" >/dev/null || return 1; done
	out=$(s exec "$f" --from "$A" --allow-failure)
	ETHTX=$(printf '%s\n' "$out" | sed -n "s/^$want\t\(0x[0-9a-f]*\)\$/\1/p")
	[ -n "$SAFETX" ] && [ -n "$ETHTX" ]
}
execute ExecutionSuccess "$A,$B" --to "$RECIP" --value 0.25 || die "the ETH transfer is executed" "$(tail -3 "$home/err")"
SAFETX1=$SAFETX ETHTX1=$ETHTX
execute ExecutionSuccess "$A,$B" --add-owner "$D" --threshold 3 || die "the add-owner is executed" "$(tail -3 "$home/err")"
SAFETX2=$SAFETX ETHTX2=$ETHTX
# the factory has no fallback: a call with an unknown selector reverts inside the Safe
execute ExecutionFailure "$A,$B,$D" --to 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67 --data 0xdeadbeef --safe-tx-gas 100000 ||
	die "the failing call is executed" "$(tail -3 "$home/err")"
SAFETX3=$SAFETX ETHTX3=$ETHTX
execute ExecutionSuccess "$A,$B,$D" --remove-owner "$C" --threshold 2 || die "the remove-owner is executed" "$(tail -3 "$home/err")"
SAFETX4=$SAFETX ETHTX4=$ETHTX

# The oracle: the contract, through cast.
owners=$("$CAST" call --rpc-url "$U" "$SAFE" 'getOwners()(address[])')
threshold=$("$CAST" call --rpc-url "$U" "$SAFE" 'getThreshold()(uint256)')
nonce=$("$CAST" call --rpc-url "$U" "$SAFE" 'nonce()(uint256)')
version=$("$CAST" call --rpc-url "$U" "$SAFE" 'VERSION()(string)' | tr -d '"')
[ "$owners" = "[$D, $A, $B]" ] && [ "$threshold" = 2 ] && [ "$nonce" = 4 ] && [ "$version" = 1.4.1 ] ||
	die "cast reads the Safe after the two executions" "$owners / $threshold / $nonce / $version"
mkdir -p "$XDG_DATA_HOME/chaindeck"
printf '%s\tAlice laptop\n' "$A" >"$XDG_DATA_HOME/chaindeck/addressbook"
chmod 600 "$XDG_DATA_HOME/chaindeck/addressbook"

explorer_start xsafe 160 40 "$U" || die "tmux starts"
screen_send 2
t_ok "the explorer is up" screen_wait_for 'head [0-9,]+' 10

search "$SAFE"
t_ok "Safe: the address" screen_wait_for "^ Address +$(re "$SAFE")" 5
t_ok "Safe: shown as Safe $version with its 3 owners (VERSION, getOwners via cast)" \
	screen_wait_for "^ Multisig +Safe $(re "$version"), 3 owners" 5
i=0
for o in $(printf '%s' "$owners" | tr -d '[],'); do
	label=""; [ "$o" = "$A" ] && label="  \\(Alice laptop\\)"
	if [ $i = 0 ]; then lab="Owners"; else lab=""; fi
	t_ok "Safe: owner $((i + 1)) is $o in getOwners' order${label:+, with its address-book label}" \
		screen_wait_for "^ ${lab:+$lab }+$o$label\$" 3
	i=$((i + 1))
done
t_ok "Safe: threshold $threshold of 3 (getThreshold via cast)" screen_wait_for "^ Threshold +$threshold of 3\$" 3
t_ok "Safe: nonce $nonce (nonce() via cast)" screen_wait_for "^ Safe nonce +$nonce\$" 3
t_ok "Safe: the Nonce row stays the account's own (a contract's is 1)" screen_wait_for '^ Nonce +1$' 3

search "$ETHTX1"
t_ok "transfer: the execution transaction" screen_wait_for "^ Transaction +$ETHTX1" 5
t_ok "transfer: ExecutionSuccess with the SafeTx hash the CLI printed" \
	screen_wait_for "ExecutionSuccess txHash=$SAFETX1, payment=0 " 5

search "$ETHTX2"
t_ok "add owner: the execution transaction" screen_wait_for "^ Transaction +$ETHTX2" 5
t_ok "add owner: AddedOwner with the new owner" screen_wait_for "AddedOwner owner=$D " 5
t_ok "add owner: ChangedThreshold to 3" screen_wait_for "ChangedThreshold threshold=3 " 5
t_ok "add owner: ExecutionSuccess with its SafeTx hash" screen_wait_for "ExecutionSuccess txHash=$SAFETX2, payment=0 " 5

search "$ETHTX3"
t_ok "failing call: the execution transaction" screen_wait_for "^ Transaction +$ETHTX3" 5
t_ok "failing call: ExecutionFailure with the SafeTx hash the CLI printed" \
	screen_wait_for "ExecutionFailure txHash=$SAFETX3, payment=0 " 5

search "$ETHTX4"
t_ok "remove owner: the execution transaction" screen_wait_for "^ Transaction +$ETHTX4" 5
t_ok "remove owner: RemovedOwner with the removed owner" screen_wait_for "RemovedOwner owner=$C " 5
t_ok "remove owner: ChangedThreshold to 2" screen_wait_for "ChangedThreshold threshold=2 " 5
t_ok "remove owner: ExecutionSuccess with its SafeTx hash" screen_wait_for "ExecutionSuccess txHash=$SAFETX4, payment=0 " 5

# A contract that is not a Safe (the factory) is not shown as one.
search 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67
t_ok "factory: a contract" screen_wait_for '^ Kind +contract, ' 5
# the Safe calls are sent before the history search, on the same client: once the history is in, they answered
t_ok "factory: its history is in" screen_wait_for '^ History: ' 10
if screen_capture | grep -q '^ Multisig'; then t_fail "factory: not shown as a Safe"; else t_pass "factory: not shown as a Safe"; fi

# At 120 columns the ExecutionSuccess line is longer than the screen: it goes on on the next line,
# so its end (who logged it) is on screen too, not cut off at the edge.
screen_resize 120 40
search "$ETHTX1"
t_ok "[120 columns] transfer: the execution transaction" screen_wait_for "^ Transaction +$ETHTX1" 5
safe_short=$(printf '%s' "$SAFE" | sed 's/^\(.\{8\}\).*\(.\{6\}\)$/\1..\2/')
joined=$(screen_capture | awk '/ExecutionSuccess/{on=1; printf "%s", $0; next} on && /^     /{sub(/^ +/, " "); printf "%s", $0; next} {on=0}')
t_ok "[120 columns] ExecutionSuccess is whole, to 'by $safe_short': '$joined'" \
	grep -Eq "ExecutionSuccess txHash=$SAFETX1, payment=0 +by $(re "$safe_short")\$" <<<"$joined"
if screen_capture | awk 'length > 120 {exit 1}'; then t_pass "[120 columns] no line is wider than the screen"
else t_fail "[120 columns] no line is wider than the screen"; fi

screen_send q
t_ok "chaindeck quits" screen_wait_for 'chaindeck exited with status 0' 5
t_done
