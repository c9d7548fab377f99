#!/usr/bin/env bash
# Runs the rpc integration test against real anvils, an IPC socket, a silent
# listener and a closed port. Everything started here is stopped on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
build=${CHAINDECK_BUILD:-build}

ipc_dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-ipc.XXXXXX")
cleanup_add "rm -rf '$ipc_dir'"
anvil_start --ipc "$ipc_dir/anvil.ipc" || { echo "0 passed, 1 failed"; exit 1; }
main_url=$ANVIL_URL
for _ in $(seq 50); do [ -S "$ipc_dir/anvil.ipc" ] && break; sleep 0.1; done
anvil_start || { echo "0 passed, 1 failed"; exit 1; }
victim_url=$ANVIL_URL victim_pid=$ANVIL_PID
blackhole_start || { echo "0 passed, 1 failed"; exit 1; }
closed_port=$(free_port)
# a node with one large block (2000 transactions, about 1.6 MB): its first line is the port, its
# second the block's number and transaction count
big_out=$ipc_dir/bigblock.out
_spawn python3 "$(dirname "$0")/../bench/bigblock.py" --txs 2000 >"$big_out" 2>/dev/null
node_track "$_spawned_pid"
for _ in $(seq 100); do [ "$(wc -l <"$big_out")" -ge 2 ] && break; sleep 0.1; done

ANVIL_URL=$main_url ANVIL_IPC="$ipc_dir/anvil.ipc" \
BLACKHOLE_URL="http://127.0.0.1:$BLACKHOLE_PORT" CLOSED_URL="http://127.0.0.1:$closed_port" \
VICTIM_URL=$victim_url VICTIM_PID=$victim_pid \
BIGBLOCK_URL="http://127.0.0.1:$(sed -n 1p "$big_out")" BIGBLOCK_TXS=$(sed -n '2s/^[0-9]* //p' "$big_out") \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_rpc"
