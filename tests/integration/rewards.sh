#!/usr/bin/env bash
# Rewards of a fee recipient against a real anvil: anvil_setCoinbase makes anvil account 3 the
# fee recipient of some blocks holding transactions with various tips (EIP-1559 and legacy), of an
# empty block, and not of others; the node's balances are the oracle: for every block it received,
# the account's balance at the block minus at the block before. test_rewards must find exactly those
# blocks with exactly those amounts. Withdrawals (which anvil never makes) come from the recorded
# Shanghai block of ethereum/execution-apis, served by a small stand-in node: it pays validator 5's
# address 100 gwei. Everything started here is stopped on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
build=${CHAINDECK_BUILD:-build}

die() { echo "rewards.sh: $*"; echo "0 passed, 1 failed"; exit 1; }

anvil_start || die "anvil did not start"
U=$ANVIL_URL
A0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
A1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
A2=0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc
C=0x90f79bf6eb2c4f870365e785982e1f101e93b906     # the fee recipient under test (account 3)
A4=0x15d34aaf54267db7d7c367839aaf71a00a2c6a65
A9=0xa0ee7a142d267c1f36714e4a8f75612f20a79720

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-rewards.XXXXXX")
cleanup_add "rm -rf '$work'"

# send1559 FROM TO TIP_GWEI; sendlegacy FROM TO PRICE_GWEI: a transfer of 1 wei
gwei() { printf '0x%x' $(($1 * 1000000000)); }
send1559() {
	rpc_result "$U" eth_sendTransaction "[{\"from\":\"$1\",\"to\":\"$2\",\"value\":\"0x1\",\"gas\":\"0x5208\",\"maxFeePerGas\":\"$(gwei 50)\",\"maxPriorityFeePerGas\":\"$(gwei "$3")\"}]"
}
sendlegacy() {
	rpc_result "$U" eth_sendTransaction "[{\"from\":\"$1\",\"to\":\"$2\",\"value\":\"0x1\",\"gas\":\"0x5208\",\"gasPrice\":\"$(gwei "$3")\"}]"
}
mine() { rpc "$U" evm_mine >/dev/null || die "evm_mine"; }
coinbase() { rpc "$U" anvil_setCoinbase "[\"$1\"]" >/dev/null || die "anvil_setCoinbase"; }

rpc "$U" evm_setAutomine '[false]' >/dev/null || die "evm_setAutomine"
mine                                                   # block 1: not ours
coinbase "$C"
[ -n "$(send1559 "$A0" "$A9" 1)" ] || die "send"
[ -n "$(send1559 "$A1" "$A9" 2)" ] || die "send"
[ -n "$(send1559 "$A2" "$A9" 3)" ] || die "send"
[ -n "$(sendlegacy "$A4" "$A9" 7)" ] || die "send"
mine                                                   # ours: four tips
mine                                                   # ours: empty
coinbase "$A9"
[ -n "$(send1559 "$A0" "$A1" 5)" ] || die "send"
mine                                                   # someone else's
coinbase "$C"
[ -n "$(send1559 "$A1" "$A2" 4)" ] || die "send"
[ -n "$(send1559 "$A2" "$A0" 1)" ] || die "send"
mine                                                   # ours: two tips
coinbase "$A9"
mine
head=$(rpc_result "$U" eth_blockNumber '[]') || die "eth_blockNumber"

# The oracle: for each block whose miner is C, C's balance there minus at the block before.
python3 - "$U" "$C" "$head" >"$work/expected" <<'PY' || die "could not compute the expected rewards"
import json, sys, urllib.request
url, c, head = sys.argv[1], sys.argv[2].lower(), int(sys.argv[3], 16)
def call(m, p):
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": m, "params": p}).encode(),
                                 {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["result"]
for n in range(head, 0, -1):
    b = call("eth_getBlockByNumber", [hex(n), False])
    if b["miner"].lower() != c:
        continue
    d = int(call("eth_getBalance", [c, hex(n)]), 16) - int(call("eth_getBalance", [c, hex(n - 1)]), 16)
    print(n, d)
PY
echo "# expected (block wei): $(tr '\n' ' ' <"$work/expected")"

# The stand-in: answers eth_getBlockByNumber(0x27) with the recorded block, anything else with null.
vector=tests/vectors/execution-apis/tests/eth_getBlockByNumber/get-block-shanghai-fork.io
_spawn python3 -c '
import json, sys, http.server
block = None
for line in open(sys.argv[1]):
    if line.startswith("<<"):
        block = json.loads(line[3:])["result"]
def answer(q):
    ok = q.get("method") == "eth_getBlockByNumber" and q.get("params", [None])[0] == block["number"]
    return {"jsonrpc": "2.0", "id": q.get("id"), "result": block if ok else None}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        q = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps([answer(x) for x in q] if isinstance(q, list) else answer(q)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
import os; os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
' "$PWD/$vector" "$work/vport" >/dev/null 2>"$work/verr"
node_track "$_spawned_pid"
for _ in $(seq 100); do [ -s "$work/vport" ] && break; sleep 0.05; done
[ -s "$work/vport" ] || die "the stand-in node did not start: $(cat "$work/verr")"

REWARDS_VECTOR_URL=http://127.0.0.1:$(cat "$work/vport") \
ANVIL_URL=$U REWARDS_ADDRESS=$C REWARDS_HEAD=$head REWARDS_EXPECTED=$work/expected \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_rewards"
