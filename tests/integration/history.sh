#!/usr/bin/env bash
# Address history against a real anvil with a real ERC-20: builds a known history for one address
# (ETH in and out, token in and out, a reverted call, a self-transfer, several of its transactions in
# one block) among unrelated traffic and empty blocks, writes what history must find to a file, and
# runs test_history on it. Everything started here is stopped on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/erc20.sh"
build=${CHAINDECK_BUILD:-build}

die() { echo "history.sh: $*"; echo "0 passed, 1 failed"; exit 1; }

anvil_start || die "anvil did not start"
U=$ANVIL_URL
erc20_deploy "$U" || die "could not deploy the token"

A0=$ERC20_ACCOUNT0                               # deployer, holds the supply
T=0x90f79bf6eb2c4f870365e785982e1f101e93b906     # the address under test (anvil account 3)
X=0x15d34aaf54267db7d7c367839aaf71a00a2c6a65     # account 4
Y=0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc     # account 5

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-history.XXXXXX")
cleanup_add "rm -rf '$work'"
sent=$work/sent   # kind hash value [token]: what T's history must hold, in sending order

# record KIND HASH VALUE [TOKEN]; fails the test on an empty hash (the node refused the tx)
record() {
	[ -n "$2" ] || die "a transaction was not sent ($1)"
	echo "$*" >>"$sent"
}
mine() { rpc "$U" evm_mine >/dev/null; }

h=$(eth_transfer "$U" "$A0" "$T" 1000000000000000000) && record tx_in "$h" 1000000000000000000
h=$(eth_transfer "$U" "$X" "$Y" 5) || die "unrelated transfer"
h=$(erc20_transfer "$U" "$A0" "$T" 1000) && record token_in "$h" 1000 "$ERC20_ADDRESS"
h=$(eth_transfer "$U" "$T" "$X" 2) && record tx_out "$h" 2
h=$(erc20_transfer "$U" "$A0" "$Y" 7) || die "unrelated token transfer"
# a token transfer() is its token entry alone: no "0 ETH" entry for the call
h=$(erc20_transfer "$U" "$T" "$X" 300) && record token_out "$h" 300 "$ERC20_ADDRESS"

# one block with three of T's transactions and an unrelated one
rpc "$U" evm_setAutomine '[false]' >/dev/null
h=$(eth_transfer "$U" "$X" "$T" 3) && record tx_in "$h" 3
h=$(eth_transfer "$U" "$X" "$Y" 9) || die "unrelated transfer"
h=$(eth_transfer "$U" "$T" "$Y" 4) && record tx_out "$h" 4
h=$(erc20_transfer "$U" "$T" "$T" 11) && record token_out "$h" 11 "$ERC20_ADDRESS"
mine
rpc "$U" evm_setAutomine '[true]' >/dev/null

h=$(erc20_fail "$U" "$T" reason) && record tx_out "$h" 0
tx_receipt_wait "$U" "$h" >/dev/null || die "no receipt for the failing call"
# 200 empty blocks: a scan has something to walk through
rpc "$U" anvil_mine '["0xc8"]' >/dev/null
h=$(erc20_transfer "$U" "$Y" "$T" 5) && record token_in "$h" 5 "$ERC20_ADDRESS"
h=$(eth_transfer "$U" "$T" "$T" 1) && record tx_out "$h" 1
h=$(eth_transfer "$U" "$X" "$Y" 6) || die "unrelated transfer"
mine

# Expected entries, newest first: kind hash block txindex logindex value token status
python3 - "$U" "$sent" "$T" >"$work/expected" <<'EOF' || die "could not compute the expected history"
import json, sys, urllib.request
url, sent, target = sys.argv[1], sys.argv[2], sys.argv[3]
TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
def call(method, params):
    req = urllib.request.Request(url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
                                 {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=10))["result"]
rows = []
for line in open(sent):
    f = line.split()
    kind, h, value = f[0], f[1], int(f[2])
    r = call("eth_getTransactionReceipt", [h])
    block, idx, status = int(r["blockNumber"], 16), int(r["transactionIndex"], 16), int(r["status"], 16)
    if kind.startswith("token"):
        token = f[3]
        logs = [l for l in r["logs"] if l["topics"][0] == TOPIC and l["address"].lower() == token]
        assert len(logs) == 1, logs
        rows.append((block, idx, 1, int(logs[0]["logIndex"], 16), kind, h, value, token, status))
    else:
        rows.append((block, idx, 0, 0, kind, h, value, "-", status))
rows.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
for b, i, _, li, kind, h, value, token, status in rows:
    print(kind, h, b, i, li, value, token, status)
EOF

# A node that lies: on /, no ots_* and a trace_filter whose answer is malformed; on /liar an
# ots_searchTransactionsBefore answer with fewer receipts than transactions; on /misplaced a
# trace hit on a recorded transaction (execution-apis), whose receipt is another transaction's.
_spawn python3 -c '
import http.server, json, sys
def recorded(name):
    for line in open(sys.argv[2] + "/" + name):
        if line.startswith("<< "):
            return json.loads(line[3:])["result"]
TX = recorded("eth_getTransactionByHash/get-legacy-input.io")  # with input: owned memory
OTHER_RECEIPT = recorded("eth_getTransactionReceipt/get-dynamic-fee.io")
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass
    def answer(self, q):
        m, r = q.get("method"), {"jsonrpc": "2.0", "id": q.get("id")}
        if m == "eth_blockNumber":
            r["result"] = "0x10"
        elif m.startswith("ots_") and self.path == "/liar":
            r["result"] = {"txs": [{"hash": "0x00"}], "receipts": [], "firstPage": True, "lastPage": True}
        elif m == "trace_filter" and self.path == "/misplaced":
            r["result"] = [{"transactionHash": TX["hash"], "blockNumber": TX["blockNumber"],
                            "transactionPosition": TX["transactionIndex"]}]
        elif m == "eth_getTransactionByHash" and self.path == "/misplaced":
            r["result"] = TX
        elif m == "eth_getTransactionReceipt" and self.path == "/misplaced":
            r["result"] = OTHER_RECEIPT
        elif m == "trace_filter":
            r["result"] = [{"transactionHash": 5, "blockNumber": 3}]
        elif m == "eth_getLogs":
            r["result"] = []
        else:
            r["error"] = {"code": -32601, "message": "the method %s does not exist/is not available" % m}
        return r
    def do_POST(self):
        q = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps([self.answer(x) for x in q] if isinstance(q, list) else self.answer(q)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
s.serve_forever()
' "$work/liar.port" "$(dirname "$0")/../vectors/execution-apis/tests" >/dev/null 2>&1
node_track "$_spawned_pid"
for _ in $(seq 100); do [ -s "$work/liar.port" ] && break; sleep 0.05; done
[ -s "$work/liar.port" ] || die "the lying node did not start"

LIAR_URL=http://127.0.0.1:$(cat "$work/liar.port") \
ANVIL_URL=$U HISTORY_ADDRESS=$T HISTORY_EXPECTED=$work/expected HISTORY_TOKEN=$ERC20_ADDRESS \
HISTORY_HEAD=$(rpc_result "$U" eth_blockNumber) \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_history"
