#!/usr/bin/env bash
# Signing cross-checked against Foundry's cast: the same transactions (EIP-1559, EIP-2930, legacy
# EIP-155, contract creations, u256 max value) and messages signed by both must give identical bytes,
# and each side must verify the other's message signatures. Fully specified transactions need no
# node, so none is started: cast is pointed at a closed port.
set -u
cd "$(dirname "$0")/../.." || exit 2
build=${CHAINDECK_BUILD:-build}
export CAST=${CAST:-$PWD/tests/npm/bin/cast}

if [ ! -x "$CAST" ]; then
	echo "sign.sh: $CAST not found (run make deps)"
	echo "0 passed, 1 failed"
	exit 1
fi
${CHAINDECK_WRAP:-} "$build/tests/integration/test_sign"
