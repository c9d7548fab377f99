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

# A demo vault holding the PUBLIC test mnemonic of anvil's funded accounts: test keys, never for real funds.
demo_vault=$ANVIL_DIR/demo-vault
printf 'demo\n' >"$ANVIL_DIR/demo-password"
if ! echo "test test test test test test test test test test test junk" |
	"$bin" wallet restore --vault "$demo_vault" --password-file "$ANVIL_DIR/demo-password" --kdf interactive \
		>/dev/null 2>"$ANVIL_DIR/demo-vault.log" ||
	! "$bin" wallet derive --count 2 --vault "$demo_vault" --password-file "$ANVIL_DIR/demo-password" >/dev/null 2>&1; then
	echo "demo: could not create the demo vault:" >&2
	cat "$ANVIL_DIR/demo-vault.log" >&2
	exit 1
fi
for a in $("$bin" wallet list --vault "$demo_vault" | awk '{print $2}'); do
	"$bin" wallet label "$a" "TEST KEY, public" --vault "$demo_vault" \
		--password-file "$ANVIL_DIR/demo-password" >/dev/null 2>&1
done

echo "demo: node $ANVIL_URL (log $ANVIL_DIR/anvil.log), traffic running"
echo "demo: wallet = anvil's public test accounts in $demo_vault; its password is: demo"
echo "demo: q quits"
"$bin" --rpc-url "$ANVIL_URL" --vault "$demo_vault" "$@"
rc=$?
if [ "$rc" -ne 0 ]; then
	# keep the node's log for a look
	CHAINDECK_KEEP_TMP=1
	echo "demo: chaindeck exited with status $rc; node and traffic logs kept in $ANVIL_DIR" >&2
fi
echo "demo: stopping traffic and anvil"
exit "$rc"
