#!/usr/bin/env bash
# Per-chain Safe contract addresses and SafeL2, with `chaindeck safe create` on anvil:
#   - with the factory moved away from its canonical address, create says there is none there;
#   - a [safe "31337"] section naming the factory's new address makes create use it: the factory's
#     own ProxyCreation event (cast receipt) comes from that address and names the Safe printed;
#   - --l2 makes a proxy whose singleton is SafeL2: slot 0 of the proxy (cast storage) holds the
#     SafeL2 address, and the Safe answers getThreshold / getOwners as asked (cast call);
#   - a malformed address, an unknown key and a section without a chain id are refused on read
#     with the file, line and key named, before anything is sent.
set -u
. "$(dirname "$0")/../lib/cli.sh"
. "$(dirname "$0")/../lib/safe.sh"

cli_home chaindeck-safecfg
unset ETH_RPC_URL
mkdir -p "$XDG_CONFIG_HOME/chaindeck"
printf 'pw\n' >"$work/pw"
has() { if grep -q -- "$3" <<<"$2"; then t_pass "$1"; else t_fail "$1" "'$3' not in: $2"; fi; }
eq() { if [ -n "$3" ] && [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
lc() { tr '[:upper:]' '[:lower:]'; }

anvil_start || { t_fail "anvil starts"; t_done; exit 1; }
U=$ANVIL_URL
safe_contracts_place "$U" || { t_fail "the Safe contracts are placed"; t_done; exit 1; }
A=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
B=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
FACTORY=0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67
MOVED=0x00000000000000000000000000000000000FAC70
L2=0x29fcB43b46531BcA003ddC8FCB67FFE91900C762
printf 'test test test test test test test test test test test junk\n' |
	"$bin" wallet restore --kdf interactive --vault "$work/vault" --password-file "$work/pw" >/dev/null 2>&1 ||
	{ t_fail "the vault is made"; t_done; exit 1; }
s() { "$bin" safe "$@" --rpc-url "$U" --vault "$work/vault" --password-file "$work/pw" </dev/null; }
cfg=$XDG_CONFIG_HOME/chaindeck/config.ini

# ---- SafeL2 at the canonical addresses ----
SAFE=$(s create --owners "$A,$B" --threshold 2 --from "$A" --l2 2>"$work/e"); rc=$?
eq "create --l2: exit 0" "$rc" 0
slot0=$("$cast" storage --rpc-url "$U" "$SAFE" 0 2>/dev/null)
eq "create --l2: the proxy's singleton (slot 0, cast storage) is SafeL2" "0x${slot0: -40}" "$(lc <<<"$L2")"
eq "create --l2: threshold 2 (cast call getThreshold)" \
	"$("$cast" call --rpc-url "$U" "$SAFE" 'getThreshold()(uint256)' 2>/dev/null)" 2
eq "create --l2: owners (cast call getOwners)" \
	"$("$cast" call --rpc-url "$U" "$SAFE" 'getOwners()(address[])' 2>/dev/null)" "[$A, $B]"
SAFE1=$(s create --owners "$A,$B" --threshold 2 --from "$A" --salt 7 2>/dev/null)
slot0=$("$cast" storage --rpc-url "$U" "$SAFE1" 0 2>/dev/null)
eq "create without --l2: the singleton is Safe" "0x${slot0: -40}" 0x41675c099f32341bf84bfc5382af534df5c7461a

# ---- the factory moved: the canonical address is empty ----
code=$("$cast" code --rpc-url "$U" "$FACTORY")
rpc_result "$U" anvil_setCode "[\"$MOVED\",\"$code\"]" >/dev/null && rpc_result "$U" anvil_setCode "[\"$FACTORY\",\"0x\"]" >/dev/null
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 1 >/dev/null 2>"$work/e"; rc=$?
eq "no factory at the canonical address: refused" "$rc" 1
has "... and says where it looked" "$(cat "$work/e")" "no SafeProxyFactory 1.4.1 at its canonical address ($FACTORY) on chain 31337"

# ---- the configuration names the factory's address on this chain ----
printf '[safe "31337"]\nproxy_factory = %s\n' "$MOVED" >"$cfg"
chmod 600 "$cfg"
SAFE2=$(s create --owners "$A,$B" --threshold 1 --from "$A" --salt 1 2>"$work/e"); rc=$?
eq "with [safe \"31337\"] proxy_factory: create exit 0" "$rc" 0
tx=$(sed -n 's/.*sent \(0x[0-9a-f]*\).*/\1/p' "$work/e")
ev=$("$cast" receipt --rpc-url "$U" "$tx" --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
# ProxyCreation(address indexed proxy, address singleton), emitted by the factory that made the proxy
# (the SafeSetup event of the proxy names the factory as its initiator: only ProxyCreation is taken)
topic = sys.argv[1]
for l in r["logs"]:
    if len(l["topics"]) == 2 and l["topics"][0] == topic:
        print(l["address"].lower() + " 0x" + l["topics"][1][-40:])
' "$("$cast" keccak 'ProxyCreation(address,address)')")
eq "the ProxyCreation event comes from the configured factory and names the printed Safe" \
	"$ev" "$(lc <<<"$MOVED") $(lc <<<"$SAFE2")"
# a configuration for another chain changes nothing here
printf '[safe "1"]\nproxy_factory = %s\n' "$MOVED" >"$cfg"
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 2 >/dev/null 2>"$work/e"
has "a section for another chain is not used on 31337" "$(cat "$work/e")" "at its canonical address"

# ---- malformed sections: refused on read, nothing sent ----
n0=$("$cast" nonce --rpc-url "$U" "$A")
printf '[safe "31337"]\nproxy_factory = 0x00000000000000000000000000000000000FAC7\n' >"$cfg"
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 3 >/dev/null 2>"$work/e"; rc=$?
eq "a short address: exit 1" "$rc" 1
has "... names the file, line and key" "$(cat "$work/e")" "config.ini:2: proxy_factory: not an address"
printf '[safe "31337"]\nsingleton = 0x41675c099F32341bf84BFc5382aF534df5C7461a\n' >"$cfg"
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 3 >/dev/null 2>"$work/e"
has "a bad EIP-55 checksum is refused" "$(cat "$work/e")" "config.ini:2: singleton: not an address"
printf '[safe "31337"]\nfactory = %s\n' "$MOVED" >"$cfg"
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 3 >/dev/null 2>"$work/e"
has "an unknown key is refused with the keys there are" "$(cat "$work/e")" "unknown key 'factory' in \[safe \"31337\"\] (keys: singleton"
printf '[safe "local"]\nproxy_factory = %s\n' "$MOVED" >"$cfg"
s create --owners "$A,$B" --threshold 1 --from "$A" --salt 3 >/dev/null 2>"$work/e"
has "a section named by anything but a chain id is refused" "$(cat "$work/e")" "the name must be a chain id"
eq "nothing was sent by the refused commands (cast nonce)" "$("$cast" nonce --rpc-url "$U" "$A")" "$n0"
t_done
