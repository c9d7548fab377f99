#!/usr/bin/env bash
# A block of 20000 transactions (about 16 MB of JSON, with its 20000 receipts) opens in the
# explorer (tmux, 120x32) as it should: that large an answer is parsed and decoded into the
# explorer's model on the rpc client's parse thread, not on the loop, and only the rows in the
# window are formatted. The node is tests/bench/bigblock.py; its own answer, read with curl and
# python, is the oracle: the transaction count, the first and the 20th transaction's hash (the
# 20th only after moving the selection down to it), and the fee the receipt gives (gas used x
# effective gas price). Then ] and [ step to block 6 and back, so the huge document is freed
# and decoded again.
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
build=${CHAINDECK_BUILD:-build}

die() { t_fail "$1" "${2:-}"; t_done; exit 1; }
[ -x "$build/chaindeck" ] || die "$build/chaindeck is built" "run: make test-bins"

d=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-bigblock.XXXXXX")
cleanup_add "rm -rf '$d'"
_spawn python3 "$here/../bench/bigblock.py" --txs 20000 --receipts >"$d/node.out" 2>"$d/node.err"
node_track "$_spawned_pid"
end=$(($(now_ms) + 30000))
while [ "$(wc -l <"$d/node.out")" -lt 2 ]; do
	[ "$(now_ms)" -lt "$end" ] || die "bigblock.py starts" "$(cat "$d/node.err")"
	sleep 0.1
done
U=http://127.0.0.1:$(head -n 1 "$d/node.out")

# the oracle: the node's own answers
curl -q -s -X POST -H 'Content-Type: application/json' -o "$d/block.json" \
	--data '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["0x5",true]}' "$U" || die "curl gets block 5"
curl -q -s -X POST -H 'Content-Type: application/json' -o "$d/receipts.json" \
	--data '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockReceipts","params":["0x5"]}' "$U" || die "curl gets its receipts"
read -r count first twentieth fee <<<"$(python3 - "$d/block.json" "$d/receipts.json" <<'PY'
import json, sys
from decimal import Decimal
b = json.load(open(sys.argv[1]))['result']
r = json.load(open(sys.argv[2]))['result']
txs = b['transactions']
wei = int(r[0]['gasUsed'], 16) * int(r[0]['effectiveGasPrice'], 16)
fee = format((Decimal(wei) / Decimal(10) ** 18).normalize(), 'f')
print(len(txs), txs[0]['hash'], txs[19]['hash'], fee)
PY
)"
[ "$count" = 20000 ] || die "the node's block 5 has 20000 transactions" "$count"
short() { printf '%s\.\.%s' "${1:0:10}" "${1: -6}"; }

screen_start big 120 32 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
	env XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" ETH_RPC_URL= \
	"$build/chaindeck" --rpc-url "$U" --log "$d/chaindeck.log" || die "tmux starts"
screen_send 2
screen_wait_for 'following by polling|head 8' 10 >/dev/null
screen_send /
screen_wait_for 'Search' 3 >/dev/null || true
screen_type 5
screen_send Enter
t_ok "the block opens" screen_wait_for '^ Block +#5 ' 30
t_ok "its transaction count is the node's ($count)" screen_wait_for "^ Transactions +$count " 5

t_ok "the first row is the node's first transaction, with the receipt's fee ($fee ETH)" \
	screen_wait_for "^ +$(short "$first") .* $fee ETH +transfer" 10
# j down through the block's own links (its hashes) and the first rows until the 20th shows
row20="^ +$(short "$twentieth") "
for _ in $(seq 30); do
	screen_capture | grep -Eq -- "$row20" && break
	screen_send j
done
t_ok "the 20th row is the node's 20th transaction" screen_wait_for "$row20" 5
t_ok "the log says the block was ready with $count transactions" \
	grep -q "explorer: block 5 ready, $count transactions" "$d/chaindeck.log"
screen_send ]
t_ok "] opens block 6" screen_wait_for '^ Block +#6 ' 10
screen_send [
t_ok "[ opens the huge block again" screen_wait_for "^ Transactions +$count " 30
t_ok "chaindeck still runs" screen_wait_gone 'exited with status' 1
t_done
