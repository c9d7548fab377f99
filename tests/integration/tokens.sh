#!/usr/bin/env bash
# Runs the token metadata cache test against an anvil with a real OpenZeppelin ERC-20
# (tests/lib/erc20.sh) deployed, plus a loopback port nobody listens on.
# The test installs its hand-made contracts (bytes32 symbol, hostile answers, always revert)
# itself with anvil_setCode. Everything started here is stopped on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/erc20.sh"
build=${CHAINDECK_BUILD:-build}

anvil_start || { echo "0 passed, 1 failed"; exit 1; }
erc20_deploy "$ANVIL_URL" || { echo "0 passed, 1 failed"; exit 1; }

ANVIL_URL=$ANVIL_URL ERC20_ADDRESS=$ERC20_ADDRESS CLOSED_URL="http://127.0.0.1:$(free_port)" \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_tokens"
