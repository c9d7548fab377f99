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

ANVIL_URL=$main_url ANVIL_IPC="$ipc_dir/anvil.ipc" \
BLACKHOLE_URL="http://127.0.0.1:$BLACKHOLE_PORT" CLOSED_URL="http://127.0.0.1:$closed_port" \
VICTIM_URL=$victim_url VICTIM_PID=$victim_pid \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_rpc"
