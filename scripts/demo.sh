#!/usr/bin/env bash
# `make demo`: a live local chain to look at.
#   scripts/demo.sh BUILD_DIR [chaindeck args...]
# Starts anvil (2 s blocks, fresh state, a free loopback port, log in a temp dir) and
# scripts/traffic.sh against it, then runs BUILD_DIR/chaindeck --rpc-url http://127.0.0.1:PORT in the
# foreground. When chaindeck ends, however it ends, traffic and anvil are stopped.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

build=${1:-build}
shift $(($# > 0 ? 1 : 0))
bin=$build/chaindeck

if [ ! -t 0 ] || [ ! -t 1 ]; then
	echo "demo: chaindeck is a full-screen terminal program; run 'make demo' from a terminal (stdin/stdout here are not one)." >&2
	exit 1
fi
if [ ! -x "$bin" ]; then
	echo "demo: $bin not found; build it with: make" >&2
	exit 1
fi

# node helpers: anvil_start, _spawn, and an EXIT trap that stops whatever was started
. tests/lib/node.sh

echo "demo: starting anvil (2 s blocks) ..."
if ! anvil_start --block-time 2; then
	echo "demo: anvil did not start; run 'make deps' and try again" >&2
	exit 1
fi
_spawn env TRAFFIC_PARENT=$$ scripts/traffic.sh "$ANVIL_URL" >"$ANVIL_DIR/traffic.log" 2>&1
node_track "$_spawned_pid"

echo "demo: node $ANVIL_URL (log $ANVIL_DIR/anvil.log), traffic running; q quits"
"$bin" --rpc-url "$ANVIL_URL" "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
	# keep the node's log for a look
	CHAINDECK_KEEP_TMP=1
	echo "demo: chaindeck exited with status $rc; node and traffic logs kept in $ANVIL_DIR" >&2
fi
echo "demo: stopping traffic and anvil"
exit "$rc"
