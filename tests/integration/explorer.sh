#!/usr/bin/env bash
# The explorer model against real anvils: one auto-mining anvil with the test ERC-20, a transfer of
# 1.5 CDT, a call that reverts with a reason and one that panics; a second anvil the test reorganises
# (evm_snapshot/evm_revert and anvil_reorg); a third reached over IPC for the subscription.
# Hashes and addresses go to test_explorer through the environment. Everything started here is
# stopped on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../lib/erc20.sh"
build=${CHAINDECK_BUILD:-build}

die() { echo "explorer.sh: $*"; echo "0 passed, 1 failed"; exit 1; }

A0=$ERC20_ACCOUNT0
A1=0x70997970c51812dc3a010c7d01b50e0d17dc79c8   # anvil account 1
AMOUNT=1500000000000000000                      # 1.5 CDT

anvil_start || die "anvil did not start"
U=$ANVIL_URL
erc20_deploy "$U" || die "could not deploy the token"
transfer=$(erc20_transfer "$U" "$A0" "$A1" "$AMOUNT") && [ -n "$transfer" ] || die "the token transfer was not sent"
tx_receipt_wait "$U" "$transfer" >/dev/null || die "no receipt for the transfer"
fail=$(erc20_fail "$U" "$A0" reason) && [ -n "$fail" ] || die "the failing call was not sent"
tx_receipt_wait "$U" "$fail" >/dev/null || die "no receipt for the failing call"
panic=$(erc20_fail "$U" "$A0" panic) && [ -n "$panic" ] || die "the panicking call was not sent"
tx_receipt_wait "$U" "$panic" >/dev/null || die "no receipt for the panicking call"

anvil_start || die "the reorg anvil did not start"
reorg_url=$ANVIL_URL

ipc_dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-explorer-ipc.XXXXXX") || die "no temp dir"
cleanup_add "rm -rf '$ipc_dir'"
anvil_start --ipc "$ipc_dir/anvil.ipc" || die "the IPC anvil did not start"
ipc_http=$ANVIL_URL
for _ in $(seq 100); do [ -S "$ipc_dir/anvil.ipc" ] && break; sleep 0.05; done
[ -S "$ipc_dir/anvil.ipc" ] || die "no IPC socket at $ipc_dir/anvil.ipc"

ANVIL_URL=$U TOKEN=$ERC20_ADDRESS ACCOUNT0=$A0 ACCOUNT1=$A1 \
TRANSFER_TX=$transfer TRANSFER_AMOUNT=$AMOUNT FAIL_TX=$fail PANIC_TX=$panic \
REORG_URL=$reorg_url IPC_PATH=$ipc_dir/anvil.ipc IPC_HTTP_URL=$ipc_http \
	${CHAINDECK_WRAP:-} "$build/tests/integration/test_explorer" "$@"
