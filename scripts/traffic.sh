#!/usr/bin/env bash
# Steady demo traffic for a dev node with unlocked accounts (anvil):
#   scripts/traffic.sh URL
# About once a second it sends 2-4 small value transfers (one JSON-RPC batch of eth_sendTransaction)
# between anvil's prefunded "test test ... junk" accounts. It stops by itself when the node has not
# answered for ~10 s, or when the process that started it is gone. TRAFFIC_VERBOSE=1 logs each batch.
set -uo pipefail

url=${1:?usage: traffic.sh URL}
case $url in
http://127.* | http://localhost[:/]* | http://\[::1\]*) ;;
*) echo "traffic.sh: only loopback nodes (got $url)" >&2; exit 2 ;;
esac

# anvil's default accounts; the node's own eth_accounts list replaces these when it answers
accounts=(
	0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
	0x70997970C51812dc3A010C7d01b50e0d17dc79C8
	0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
	0x90F79bf6EB2c4f870365E785982E1f101E93b906
	0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65
	0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc
	0x976EA74026E726554dB657fA54763abd0C3a0aa9
	0x14dC79964da2C08b23698B3D3cc7Ca32193d9955
	0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8F
	0xa0Ee7A142d267C1f36714E4a8F75612F20a79720
)
have_node_accounts=0
load_accounts() {
	local out list
	out=$(curl -s -m 3 -H 'Content-Type: application/json' \
		--data '{"jsonrpc":"2.0","id":0,"method":"eth_accounts","params":[]}' "$url" 2>/dev/null) || return 1
	mapfile -t list < <(printf '%s' "$out" | grep -oE '0x[0-9a-fA-F]{40}')
	[ ${#list[@]} -ge 2 ] || return 1
	accounts=("${list[@]}")
	have_node_accounts=1
}

# the parent as it is now; if we get reparented, it has gone
ppid_now() {
	local s
	read -r s </proc/$$/stat || return 1
	s=${s##*) }      # past "pid (comm) "
	set -- $s        # state ppid ...
	echo "$2"
}
parent=${TRAFFIC_PARENT:-$(ppid_now)}
parent_alive() {
	[ "$(ppid_now)" = "$parent" ] && kill -0 "$parent" 2>/dev/null
}

stop=0
trap 'stop=1' INT TERM HUP

last_ok=$SECONDS
sent=0
while [ "$stop" -eq 0 ]; do
	parent_alive || break
	[ "$have_node_accounts" -eq 1 ] || load_accounts || true
	nacc=${#accounts[@]}
	n=$((2 + RANDOM % 3))
	[ "$n" -gt "$nacc" ] && n=$nacc
	# distinct senders in one batch: the node numbers their nonces concurrently
	start=$((RANDOM % nacc))
	batch=""
	for ((i = 0; i < n; i++)); do
		fi=$(((start + i) % nacc))
		ti=$(((fi + 1 + RANDOM % (nacc - 1)) % nacc)) # never to itself
		from=${accounts[fi]} to=${accounts[ti]}
		# 0.0001 .. 0.05 ether, in wei
		value=$(printf '0x%x' $(((RANDOM % 500 + 1) * 100000000000000)))
		batch+="${batch:+,}{\"jsonrpc\":\"2.0\",\"id\":$((sent + i + 1)),\"method\":\"eth_sendTransaction\",\"params\":[{\"from\":\"$from\",\"to\":\"$to\",\"value\":\"$value\"}]}"
	done
	if out=$(curl -s -m 3 -H 'Content-Type: application/json' --data "[$batch]" "$url" 2>/dev/null) &&
		[[ $out == *'"jsonrpc"'* ]]; then
		last_ok=$SECONDS
		sent=$((sent + n))
		[ "${TRAFFIC_VERBOSE:-0}" = 1 ] && echo "traffic: sent $n ($sent in all)"
		[[ $out == *'"error"'* ]] && echo "traffic: node said: ${out:0:300}" >&2
	elif [ $((SECONDS - last_ok)) -ge 10 ]; then
		echo "traffic: $url has not answered for 10 s; stopping after $sent transfers" >&2
		exit 0
	fi
	sleep 1 &
	wait $! 2>/dev/null
done
echo "traffic: stopped after $sent transfers" >&2
exit 0
