#!/usr/bin/env bash
# `chaindeck wallet sign-tx` against Foundry's `cast mktx` on random transactions: the same fields
# signed by both with anvil's account 0 must give identical raw bytes. Legacy (EIP-155), EIP-2930
# with random access lists and EIP-1559 (with and without access lists); nonces from 0 to 2^64-2,
# values 0, 1 wei and up to 2^256-1, gas limits from the intrinsic gas up to 2^63, fees 0 to 2^128-1,
# calldata of 0..300 random bytes, chain ids 1, 31337, 2^32 and random ones up to 2^64-1, and
# contract creations. Every transaction is valid by the rules sign-tx applies (nonce below 2^64-1,
# gas at least the intrinsic gas, priority fee not above max fee), so both must sign it.
#
# Fully specified transactions need no node: cast is pointed at a closed port. The eth_signTransaction
# JSON varies the way callers do: "input" or "data", "type" given or inferred, "from" checksummed,
# lower case or left out.
#
# MKTX_SEED (default: from the clock) reproduces a run; MKTX_COUNT (default 60) sets its size.
set -u
set -f
. "$(dirname "$0")/../lib/cli.sh"
for b in "$bin" "$cast"; do
	if [ ! -x "$b" ]; then
		echo "mktx_random.sh: $b not found (make all; make deps)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

cli_home chaindeck-mktx
printf 'mktx random pass\n' >"$work/pw"
vault=$work/v/vault

seed=${MKTX_SEED:-$(( $(date +%s) % 1000000 ))}
count=${MKTX_COUNT:-60}
echo "# seed $seed (MKTX_SEED=$seed reproduces this run)"
start_ms=$(now_ms)

MNEMONIC="test test test test test test test test test test test junk"
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
K0=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
NO_NODE=http://127.0.0.1:1

eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }

out=$(printf '%s\n' "$MNEMONIC" | "$bin" wallet restore --kdf interactive --vault "$vault" --password-file "$work/pw" 2>&1)
eq "the vault's account 0 is anvil's account 0" "$out" "$A0"

# One case a line: name <TAB> kind <TAB> JSON <TAB> cast arguments (no spaces inside an argument).
python3 - "$seed" "$count" "$A0" >"$work/cases" <<'EOF' || { echo "case generator failed"; echo "0 passed, 1 failed"; exit 1; }
import json, random, sys

seed, count, frm = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = random.Random(seed)
U64, U128, U256 = 2**64 - 1, 2**128 - 1, 2**256 - 1

def pick(*choices):
    """choices: (weight, fn) pairs"""
    total = sum(w for w, _ in choices)
    x = r.uniform(0, total)
    for w, fn in choices:
        x -= w
        if x <= 0:
            return fn()
    return choices[-1][1]()

def addr():
    return "0x" + r.randbytes(20).hex()

def nonce():
    return pick((2, lambda: 0), (1, lambda: 1), (3, lambda: r.randrange(2, 1000)),
                (2, lambda: r.randrange(2**32)), (1, lambda: r.randrange(2**32, U64 - 1)), (1, lambda: U64 - 1))

def value():
    return pick((2, lambda: 0), (2, lambda: 1), (2, lambda: r.randrange(10**18, 10**21)),
                (1, lambda: r.randrange(2**128)), (1, lambda: 2**255), (1, lambda: r.randrange(2**255, 2**256)),
                (1, lambda: U256))

def fee():
    return pick((1, lambda: 0), (1, lambda: 1), (4, lambda: r.randrange(10**8, 10**12)),
                (1, lambda: r.randrange(2**64)), (1, lambda: U128))

def chain():
    return pick((3, lambda: 1), (3, lambda: 31337), (1, lambda: 11155111), (2, lambda: 2**32),
                (2, lambda: r.randrange(2**32, 2**53)), (1, lambda: r.randrange(2**53, U64)), (1, lambda: U64))

def calldata():
    n = pick((2, lambda: 0), (2, lambda: r.randrange(1, 5)), (4, lambda: r.randrange(5, 301)), (1, lambda: 300))
    # mix zero and non-zero bytes: they cost different gas
    return bytes(0 if r.random() < 0.3 else r.randrange(1, 256) for _ in range(n))

def access_list():
    out = []
    for _ in range(r.randrange(0, 4)):
        out.append({"address": addr(), "storageKeys": ["0x" + r.randbytes(32).hex() for _ in range(r.randrange(0, 4))]})
    return out

def q(n):
    return hex(n)

kinds = ["legacy", "eip2930", "eip1559"]
for i in range(count):
    kind = kinds[i % 3]
    create = r.random() < 0.2
    data = calldata()
    to = None if create else addr()
    al = access_list() if kind == "eip2930" or (kind == "eip1559" and r.random() < 0.5) else None
    gas = 21000 + sum(4 if b == 0 else 16 for b in data)
    if create:
        gas += 32000 + 2 * ((len(data) + 31) // 32)
    if al is not None:
        gas += sum(2400 + 1900 * len(e["storageKeys"]) for e in al)
    gas += pick((2, lambda: 0), (4, lambda: r.randrange(1, 100000)), (2, lambda: r.randrange(10**6, 3 * 10**7)),
                (1, lambda: r.randrange(2**32, 2**63)))
    n, v, c = nonce(), value(), chain()
    tx = {}
    f = r.random()
    if f < 0.4:
        tx["from"] = frm
    elif f < 0.7:
        tx["from"] = frm.lower()
    tx.update({"chainId": q(c), "nonce": q(n), "gas": q(gas), "value": q(v)})
    cast = ["--private-key", "KEY", "--chain", str(c), "--nonce", str(n), "--gas-limit", str(gas), "--value", str(v)]
    if kind == "eip1559":
        mf = fee()
        mp = pick((1, lambda: 0), (1, lambda: mf), (3, lambda: r.randrange(mf + 1)))
        tx.update({"maxFeePerGas": q(mf), "maxPriorityFeePerGas": q(mp)})
        if r.random() < 0.5:
            tx["type"] = "0x2"
        cast += ["--gas-price", str(mf), "--priority-gas-price", str(mp)]
    else:
        gp = fee()
        tx["gasPrice"] = q(gp)
        if kind == "eip2930":
            tx["type"] = "0x1"
        elif r.random() < 0.5:
            tx["type"] = "0x0"
        cast += ["--gas-price", str(gp), "--legacy"]
    if al is not None:
        tx["accessList"] = al
        cast += ["--access-list", json.dumps(al, separators=(",", ":"))]
    if to is not None:
        tx["to"] = to
    if data or r.random() < 0.5:
        tx["input" if r.random() < 0.6 else "data"] = "0x" + data.hex()
    cast += ["--rpc-url", "NO_NODE"]
    if create:
        cast += ["--create", "0x" + data.hex()]
    else:
        cast += [to] + (["0x" + data.hex()] if data else [])
    tags = [kind] + (["create"] if create else []) + (["access_list"] if al else []) + \
           (["chain_over_2^32"] if c > 2**32 else []) + (["empty_data"] if not data else [])
    print("%03d %s\t%s\t%s\t%s" % (i, ",".join(tags), kind, json.dumps(tx, separators=(",", ":")), " ".join(cast)))
EOF

declare -A total=() matched=()
fails=0 shown=0
while IFS=$'\t' read -r name kind json castargs; do
	read -ra args <<<"$castargs"
	for j in "${!args[@]}"; do
		case ${args[j]} in KEY) args[j]=$K0 ;; NO_NODE) args[j]=$NO_NODE ;; esac
	done
	ours=$(printf '%s' "$json" | "$bin" wallet sign-tx --from "$A0" --vault "$vault" --password-file "$work/pw" 2>"$work/sign.err")
	orc=$?
	theirs=$("$cast" mktx "${args[@]}" 2>"$work/cast.err" </dev/null | head -n 1)
	tags=${name#* }
	for tag in ${tags//,/ } all; do total[$tag]=$((${total[$tag]:-0} + 1)); done
	if [ "$orc" -eq 0 ] && [ -n "$theirs" ] && [ "$ours" = "$theirs" ]; then
		for tag in ${tags//,/ } all; do matched[$tag]=$((${matched[$tag]:-0} + 1)); done
	else
		fails=$((fails + 1))
		if [ "$shown" -lt 5 ]; then
			shown=$((shown + 1))
			echo "# case $name differs"
			echo "#   json: $json"
			echo "#   cast: cast mktx ${castargs}"
			echo "#   sign-tx (exit $orc): ${ours:-$(head -c 300 "$work/sign.err")}"
			echo "#   cast mktx: ${theirs:-$(head -c 300 "$work/cast.err")}"
		fi
	fi
done <"$work/cases"

for tag in legacy eip2930 eip1559; do
	eq "$tag: sign-tx gives cast mktx's bytes (${matched[$tag]:-0}/${total[$tag]:-0})" "${matched[$tag]:-0}" "${total[$tag]:-0}"
done
summary=""
for tag in create access_list empty_data chain_over_2^32 all; do
	summary+=" $tag ${matched[$tag]:-0}/${total[$tag]:-0},"
done
echo "# matched by feature:${summary%,}"
[ "${total[all]:-0}" -eq "$count" ] && t_pass "all $count cases ran" || t_fail "all $count cases ran" "${total[all]:-0}"
[ "${total[create]:-0}" -gt 0 ] && [ "${total[access_list]:-0}" -gt 0 ] && t_pass "the run has contract creations and access lists" ||
	t_fail "the run has contract creations and access lists" "create ${total[create]:-0}, access lists ${total[access_list]:-0}"
el=$(($(now_ms) - start_ms))
echo "# elapsed ${el} ms"
[ "$el" -lt 90000 ] && t_pass "finished within 90 s" || t_fail "finished within 90 s" "${el} ms"
t_done
