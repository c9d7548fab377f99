#!/usr/bin/env bash
# Checks the compatibility table (docs/compatibility.md) against the code and against real nodes.
#
# 1. Complete: every JSON-RPC method name the code calls (string literals in common/, dashboard/,
#    explorer/, wallet/, tui/) has a row in the table of every pane that calls it, and every row
#    names a method that pane calls. Files are assigned to panes by name: dashboard/ -> dashboard,
#    explorer/ -> explorer, wallet/ -> wallet, and the shared history, blockfetch and tokens
#    modules -> explorer and wallet (the wallet shows an account's history and token balances).
# 2. True: every method is called on anvil and on an EthereumJS node (tests/lib/devnet.sh, node A
#    alone) with the parameters chaindeck sends, over HTTP with curl (eth_subscribe over anvil's
#    IPC socket, the only transport chaindeck subscribes on; EthereumJS has no IPC endpoint, so
#    there it is asked over HTTP). The answer is classified:
#      yes      a result
#      no       not offered: -32601 / -32004, or an error message saying the method is missing
#      refuses  offered, but chaindeck's call gets an error (any other error object)
#    and must equal the first word of the anvil and EthereumJS cells of every row for the method.
#
# COMPAT_REPORT=1 prints what each node answered (method, class, detail), to write the table from.
# Runtime: about 15 s (EthereumJS starts in ~5 s).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/node.sh"
. "$here/../lib/devnet.sh"
root=$CHAINDECK_ROOT
doc=$root/docs/compatibility.md
cast=$CHAINDECK_NPM_BIN/cast

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-compat.XXXXXX")
cleanup_add "rm -rf '$work'"

# ---- the table ------------------------------------------------------------------------------------
# pane <TAB> method <TAB> anvil word <TAB> EthereumJS word, one line per row of every table whose
# header has the columns Method, anvil and EthereumJS, under a "## <Pane>" heading.
parse_doc() {
	python3 - "$doc" <<-'EOF'
		import re, sys
		pane = None
		cols = None
		bad = 0
		for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
		    line = line.rstrip("\n")
		    m = re.match(r"^##\s+(.*)$", line)
		    if m:
		        pane, cols = m.group(1).strip().split()[0].lower(), None
		        continue
		    if not line.startswith("|"):
		        cols = None
		        continue
		    cells = [c.strip() for c in line.strip().strip("|").split("|")]
		    if cols is None:
		        names = [re.sub(r"[`*]", "", c).strip().lower() for c in cells]
		        key = "method" if "method" in names else "case" if "case" in names else None
		        if key and "anvil" in names and "ethereumjs" in names:
		            cols = (names.index(key), names.index("anvil"), names.index("ethereumjs"))
		        else:
		            cols = ()
		        continue
		    if not cols or set("".join(cells)) <= set("-: "):
		        continue
		    def word(c):
		        w = re.sub(r"[`*_]", "", c).strip().split()
		        return w[0].lower().rstrip(",;:") if w else ""
		    method = re.sub(r"[`*]", "", cells[cols[0]]).strip()
		    print("\t".join([pane or "?", method, word(cells[cols[1]]), word(cells[cols[2]]), str(n)]))
	EOF
}

# pane <TAB> method <TAB> file, for every method-name string literal in the code.
source_methods() {
	local f m pane
	(cd "$root" && grep -rHoE '"(eth|net|web3|txpool|admin|debug|trace|ots|rpc|parity|erigon|personal|miner)_[A-Za-z0-9]+"' \
		--include='*.c' common dashboard explorer wallet tui) | tr -d '"' | sort -u |
		while IFS=: read -r f m; do
			[ "$m" = eth_subscription ] && continue # the name of a notification the node pushes, not a call
			[ "$f" = common/rpc.c ] && continue     # its table of answer caps names methods; it calls none
			case $f in
			dashboard/*) pane=dashboard ;;
			explorer/*) pane=explorer ;;
			wallet/*) pane=wallet ;;
			*/history.c | */blockfetch.c | */tokens.c) pane="explorer wallet" ;;
			*) pane=unassigned ;;
			esac
			for p in $pane; do printf '%s\t%s\t%s\n' "$p" "$m" "$f"; done
		done
}

if [ ! -f "$doc" ]; then
	t_fail "docs/compatibility.md exists"
	t_done
	exit 1
fi
parse_doc >"$work/doc.tsv"
source_methods >"$work/src.tsv"
[ -s "$work/doc.tsv" ] && t_pass "the table parses ($(wc -l <"$work/doc.tsv") rows)" || t_fail "the table parses" "no rows"
[ -s "$work/src.tsv" ] && t_pass "the code names methods ($(cut -f2 "$work/src.tsv" | sort -u | wc -l) distinct)" ||
	t_fail "method names found in the code"

missing="" extra="" unassigned=""
while IFS=$'\t' read -r pane m f; do
	if [ "$pane" = unassigned ]; then
		unassigned+=" $m ($f)"
	elif ! awk -F'\t' -v p="$pane" -v m="$m" '$1 == p && $2 == m { found = 1 } END { exit !found }' "$work/doc.tsv"; then
		missing+=" $pane:$m ($f)"
	fi
done <"$work/src.tsv"
while IFS=$'\t' read -r pane m _ _ line; do
	[ "$pane" = edge ] && continue # the edge cases name situations, not methods
	awk -F'\t' -v p="$pane" -v m="$m" '$1 == p && $2 == m { found = 1 } END { exit !found }' "$work/src.tsv" ||
		extra+=" $pane:$m (line $line)"
done <"$work/doc.tsv"
[ -z "$unassigned" ] && t_pass "every file that calls methods belongs to a pane" ||
	t_fail "every file that calls methods belongs to a pane (extend source_methods)" "$unassigned"
[ -z "$missing" ] && t_pass "every method the code calls has a row in its pane's table" ||
	t_fail "methods the code calls but the table lacks" "$missing"
[ -z "$extra" ] && t_pass "every row names a method its pane calls" || t_fail "rows for methods not called" "$extra"

# ---- the nodes ------------------------------------------------------------------------------------
ipc=$work/anvil.ipc
if ! anvil_start --ipc "$ipc"; then
	t_fail "anvil starts"
	t_done
	exit 1
fi
if ! devnet_start_a 1; then
	t_fail "EthereumJS node A starts"
	t_done
	exit 1
fi
for _ in $(seq 50); do [ -S "$ipc" ] && break; sleep 0.1; done

# The public first test account (anvil's and the devnet's funded signer) and the second one.
key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
from=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
to=0x70997970c51812dc3a010c7d01b50e0d17dc79c8
transfer_topic=0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef
from_topic=0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266

# classify: reads "method<TAB>raw answer" lines, prints "method<TAB>class<TAB>detail" for each.
classify() {
	python3 -c '
import json, re, sys
def one(text):
    try:
        r = json.loads(text)
    except ValueError:
        return "unreadable", " ".join(text.split())[:120]
    if isinstance(r, list):
        # a batch: yes when every call got a result, else the class of the first that did not
        if not r:
            return "refuses", "an empty array"
        for item in r:
            c, d = one(json.dumps(item))
            if c != "yes":
                return c, "in the batch: " + d
        return "yes", "%d answers" % len(r)
    if isinstance(r, dict) and "result" in r:
        return "yes", json.dumps(r["result"])[:100]
    e = r.get("error") if isinstance(r, dict) else None
    if not isinstance(e, dict):
        return "unreadable", " ".join(text.split())[:120]
    code, msg = e.get("code"), str(e.get("message", ""))
    missing = code in (-32601, -32004) or re.search(
        r"\b(method|api|namespace|module)\b[^.]*\b(not found|does not exist|not available|not supported|"
        r"unsupported|not implemented|disabled|not enabled)|\b(unknown|unsupported) (method|api|namespace)", msg, re.I)
    return ("no" if missing else "refuses"), "%s %s" % (code, " ".join(msg.split())[:100])
for line in sys.stdin:
    method, _, text = line.rstrip("\n").partition("\t")
    print("%s\t%s\t%s" % ((method,) + one(text)))
'
}

# One call over a unix socket (JSON-RPC without HTTP, as geth.ipc and anvil --ipc speak it).
ipc_call() {
	python3 - "$1" "$2" "$3" <<-'EOF'
		import json, socket, sys, time
		path, method, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
		s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
		s.settimeout(5)
		s.connect(path)
		s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode())
		buf, dec, end = "", json.JSONDecoder(), time.time() + 5
		while time.time() < end:
		    chunk = s.recv(65536)
		    if not chunk:
		        break
		    buf += chunk.decode()
		    try:
		        obj, _ = dec.raw_decode(buf.strip())
		    except ValueError:
		        continue
		    if obj.get("id") == 1:
		        print(json.dumps(obj))
		        break
	EOF
}

# result_of: the "result" string of a JSON-RPC answer on stdin ("" when there is none)
result_of() { sed -nE 's/.*"result" *: *"(0x[0-9a-fA-F]*)".*/\1/p'; }

# probe NAME URL IPC_PATH CHAIN_ID: classifies every method on one node into $work/NAME.tsv
probe() {
	local name=$1 url=$2 ipcpath=$3 chain=$4 raw txhash block=0x1 filter end answer spec method params
	local head count long
	local answers=$work/$1.answers
	: >"$answers"
	keep() { printf '%s\t%s\n' "$1" "$(tr -d '\n' <<<"$2")" >>"$answers"; }

	# A real EIP-1559 transfer, signed offline, so that the lookups below have something to find.
	# anvil mines it at once; EthereumJS 0.10.5 keeps it pending (its clique miner seals empty blocks).
	raw=$("$cast" mktx --private-key "$key" --chain "$chain" --nonce 0 --gas-limit 21000 \
		--gas-price 5000000000 --priority-gas-price 1000000000 "$to" --value 1 2>/dev/null)
	answer=$(rpc "$url" eth_sendRawTransaction "[\"$raw\"]")
	keep eth_sendRawTransaction "$answer"
	txhash=$(result_of <<<"$answer")
	if [ -n "$txhash" ]; then
		end=$(($(now_ms) + 2000))
		while [ "$(now_ms)" -lt "$end" ]; do
			answer=$(RPC_TIMEOUT=2 rpc "$url" eth_getTransactionReceipt "[\"$txhash\"]")
			block=$(sed -nE 's/.*"blockNumber" *: *"(0x[0-9a-fA-F]+)".*/\1/p' <<<"$answer")
			[ -n "$block" ] && break
			block=0x1
			sleep 0.2
		done
	fi
	[ -n "$txhash" ] || txhash=0x$(printf '%064x' 1)
	answer=$(rpc "$url" eth_newBlockFilter)
	keep eth_newBlockFilter "$answer"
	filter=$(result_of <<<"$answer")
	[ -n "$filter" ] || filter=0x1

	# eth_feeHistory: chaindeck asks 20 blocks; a young devnet has fewer (see the edge cases)
	head=$(( $(result_of < <(rpc "$url" eth_blockNumber)) ))
	count=$(printf '0x%x' $((head < 20 ? (head > 0 ? head : 1) : 20)))
	long=$(printf '0x%x' $((head + 5)))

	# SPEC|PARAMS: SPEC is the method, or CASE=METHOD for the row CASE of the edge-case table
	while IFS='|' read -r spec params; do
		[ -n "$spec" ] || continue
		method=${spec#*=}
		params=${params//@FROM@/$from}
		params=${params//@TO@/$to}
		params=${params//@TX@/$txhash}
		params=${params//@BLOCK@/$block}
		params=${params//@FILTER@/$filter}
		params=${params//@TRANSFER@/$transfer_topic}
		params=${params//@FROMTOPIC@/$from_topic}
		params=${params//@COUNT@/$count}
		params=${params//@LONG@/$long}
		if [ "$spec" = eth_subscribe ] && [ -n "$ipcpath" ]; then
			answer=$(ipc_call "$ipcpath" "$method" "$params" 2>&1)
		elif [ "$method" = batch ]; then
			# params is the whole body: a JSON-RPC batch, as the dashboard polls
			answer=$(curl -s -m "${RPC_TIMEOUT:-10}" -H 'Content-Type: application/json' --data "$params" "$url")
		else
			answer=$(rpc "$url" "$method" "$params")
		fi
		keep "${spec%%=*}" "$answer"
	done <<-'EOF'
		web3_clientVersion|[]
		eth_chainId|[]
		eth_getBlockByNumber|["latest",false]
		eth_syncing|[]
		eth_gasPrice|[]
		net_peerCount|[]
		txpool_status|[]
		eth_getBlockTransactionCountByNumber|["pending"]
		eth_mining|[]
		eth_hashrate|[]
		admin_peers|[]
		rpc_modules|[]
		net_version|[]
		admin_nodeInfo|[]
		ots_getApiLevel|[]
		trace_block|["0x0"]
		debug_getRawHeader|["0x0"]
		eth_coinbase|[]
		eth_subscribe|["newHeads"]
		eth_getFilterChanges|["@FILTER@"]
		eth_blockNumber|[]
		eth_getBlockByHash|["0x0000000000000000000000000000000000000000000000000000000000000000",false]
		eth_getBlockReceipts|["@BLOCK@"]
		eth_getTransactionByHash|["@TX@"]
		eth_getTransactionReceipt|["@TX@"]
		eth_call|[{"from":"@FROM@","to":"@TO@","gas":"0x5208","value":"0x1","data":"0x"},"@BLOCK@"]
		eth_getBalance|["@FROM@","latest"]
		eth_getTransactionCount|["@FROM@","pending"]
		eth_getCode|["@FROM@","latest"]
		eth_getStorageAt|["@FROM@","0x0","latest"]
		ots_searchTransactionsBefore|["@FROM@",0,25]
		trace_filter|[{"fromBlock":"0x0","toBlock":"@BLOCK@","fromAddress":["@FROM@"]}]
		eth_getLogs|[{"fromBlock":"0x0","toBlock":"@BLOCK@","topics":["@TRANSFER@","@FROMTOPIC@"]}]
		eth_feeHistory|["@COUNT@","latest",[10,50,90]]
		eth_estimateGas|[{"from":"@FROM@","to":"@TO@","value":"0x1"}]
		eth_simulateV1|[{"blockStateCalls":[{"calls":[{"from":"@FROM@","to":"@TO@","value":"0x1"}]}]},"latest"]
		batch=batch|[{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},{"jsonrpc":"2.0","id":2,"method":"eth_getBlockByNumber","params":["latest",false]}]
		fee-history-longer-than-chain=eth_feeHistory|["@LONG@","latest",[10,50,90]]
		pending-count-by-number=eth_getBlockTransactionCountByNumber|["@BLOCK@"]
		subscribe-over-http=eth_subscribe|["newHeads"]
		filter-changes-unknown-id=eth_getFilterChanges|["0x0123456789abcdef0123456789abcdef"]
	EOF
	classify <"$answers" >"$work/$name.tsv"
}

t0=$(now_ms)
probe anvil "$ANVIL_URL" "$ipc" 31337
probe ethereumjs "$DEVNET_A_URL" "" "$DEVNET_CHAIN_ID"
t_pass "both nodes probed ($(($(now_ms) - t0)) ms)"
if [ "${COMPAT_REPORT:-0}" = 1 ]; then
	for n in anvil ethereumjs; do
		echo "--- $n"
		cat "$work/$n.tsv"
	done
fi

# ---- compare ----------------------------------------------------------------------------------------
for n in anvil ethereumjs; do
	unread=$(awk -F'\t' '$2 == "unreadable" { printf " %s: %s;", $1, $3 }' "$work/$n.tsv")
	[ -z "$unread" ] && t_pass "$n: every answer is JSON-RPC" || t_fail "$n: answers that are not JSON-RPC" "$unread"
done
for n in anvil ethereumjs; do
	while IFS=$'\t' read -r pane m want_a want_e line; do
		want=$want_a
		[ "$n" = ethereumjs ] && want=$want_e
		case $want in yes | no | refuses) ;; *)
			t_fail "$pane $m on $n" "line $line: cell starts with '$want', not yes / no / refuses"
			continue ;;
		esac
		got=$(awk -F'\t' -v m="$m" '$1 == m { print $2 "\t" $3; exit }' "$work/$n.tsv")
		if [ -z "$got" ]; then
			t_fail "$pane $m on $n" "this test does not call $m: add it to probe()"
		elif [ "${got%%$'\t'*}" = "$want" ]; then
			t_pass "$pane $m on $n: $want"
		else
			t_fail "$pane $m on $n" "table says '$want' (line $line), the node: ${got//$'\t'/ — }"
		fi
	done <"$work/doc.tsv"
done

t_done
