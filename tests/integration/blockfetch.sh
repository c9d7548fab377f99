#!/usr/bin/env bash
# Runs the blockfetch integration test against a real anvil holding blocks with transactions, and a
# closed port. Everything started here is stopped on exit.
#
# The chain: --no-mining, then for each count in FILL (one block each) that many eth_sendTransaction
# from the 10 unlocked dev accounts in one JSON-RPC batch, then evm_mine; then EMPTY more empty
# blocks. The test reads FILL to know what each block must hold.
set -u
. "$(dirname "$0")/../lib/node.sh"
build=${CHAINDECK_BUILD:-build}

fill="3 0 25 1 40 7 12"
empty=20

anvil_start --no-mining || { echo "0 passed, 1 failed"; exit 1; }
closed_port=$(free_port)

accounts=$(rpc_result "$ANVIL_URL" eth_accounts | tr -d '[]" ' | tr ',' ' ')
read -r -a acct <<<"$accounts"
if [ "${#acct[@]}" -lt 2 ]; then
	echo "no unlocked accounts on anvil: $accounts"
	echo "0 passed, 1 failed"
	exit 1
fi

# send_block N: N transfers from the accounts in turn, in one batch, then mine them into one block.
# Nonces are given: anvil answers a batch's calls concurrently, so it cannot pick them itself.
nonce=()
send_block() {
	local n=$1 i a body="[" out
	for ((i = 0; i < n; i++)); do
		a=$((i % ${#acct[@]}))
		[ "$i" -gt 0 ] && body+=","
		body+=$(printf '{"jsonrpc":"2.0","id":%d,"method":"eth_sendTransaction","params":[{"from":"%s","to":"0x%040x","value":"0x%x","gas":"0x5208","nonce":"0x%x"}]}' \
			"$i" "${acct[a]}" $((0x1000 + i)) $((i + 1)) "${nonce[a]:-0}")
		nonce[a]=$((${nonce[a]:-0} + 1))
	done
	body+="]"
	if [ "$n" -gt 0 ]; then
		out=$(curl -s -m 30 -H 'Content-Type: application/json' --data "$body" "$ANVIL_URL")
		case $out in *'"error"'*) echo "eth_sendTransaction failed: ${out:0:300}"; return 1 ;; esac
	fi
	rpc_result "$ANVIL_URL" evm_mine >/dev/null
}
for n in $fill; do
	send_block "$n" || { echo "0 passed, 1 failed"; exit 1; }
done
rpc_result "$ANVIL_URL" anvil_mine "[\"0x$(printf %x "$empty")\"]" >/dev/null || { echo "anvil_mine failed"; echo "0 passed, 1 failed"; exit 1; }

ANVIL_URL=$ANVIL_URL CLOSED_URL="http://127.0.0.1:$closed_port" FILL="$fill" FILL_EMPTY=$empty \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_blockfetch" "$@"
