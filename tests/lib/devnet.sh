# shellcheck shell=bash
# A two-node EthereumJS devnet on loopback, for tests that need real peers and real sync.
# Source it after node.sh:  . tests/lib/node.sh; . tests/lib/devnet.sh
# Recipe: shared/devnet/README.md (clique proof of authority, chain id 1337, one signer: the
# public first test account of the "test test ... junk" mnemonic).
#
#   devnet_start [PREMINE]   node A mines; once A's head reaches PREMINE blocks (default
#                            $DEVNET_PREMINE, 10), node B starts with A as its bootnode, so B has
#                            blocks to sync. Returns once A and B both answer eth_chainId (bounded
#                            by DEVNET_START_TIMEOUT, 90 s, in all). Both nodes are tracked: the
#                            test's cleanup stops them and removes their data dirs. Sets:
#     DEVNET_A_URL DEVNET_B_URL        http://127.0.0.1:PORT
#     DEVNET_A_PID DEVNET_B_PID        node processes
#     DEVNET_A_ENODE                   A's enode as B was given it (127.0.0.1)
#     DEVNET_DIR                       temp dir: genesis.json, key.txt, a/ b/ (data), a.log b.log
#     DEVNET_CHAIN_ID                  1337
#     DEVNET_STARTUP_MS                how long devnet_start took
#   devnet_start_a [PREMINE] / devnet_start_b
#                            the two halves of devnet_start, for a test that wants to watch B from
#                            its very first answer: after devnet_start_a, A has mined PREMINE blocks
#                            and DEVNET_B_URL is already set (B's ports are reserved); devnet_start_b
#                            starts B and waits until it answers. Sets DEVNET_STARTUP_MS too.
#   devnet_head URL          print the node's head block number (decimal); returns 1 if no answer
#   devnet_peers URL         print net_peerCount (decimal); returns 1 if no answer
#
# Knobs: DEVNET_PERIOD (clique block period in s, default 1; the shared genesis says 2),
# DEVNET_PREMINE, DEVNET_START_TIMEOUT, ETHEREUMJS_BIN (default tests/npm/bin/ethereumjs),
# DEVNET_A_ARGS (extra arguments for node A, word-split: e.g. "--prometheus --prometheusPort 9100"),
# DEVNET_GENESIS (a geth genesis file; default: the copy of clique-genesis.json below).
#
# Seen on a 2-core machine: A answers ~1.5 s after it starts; with PREMINE 10 and period 1,
# devnet_start_a returns after 12-13 s and devnet_start after 14-16 s. B answers ~1.5 s after it
# starts, has its peer (A) at once and reports eth_syncing {startingBlock, currentBlock,
# highestBlock} from its first answers. Its first import comes 5-20 s after it starts; after that
# EthereumJS 0.10.5 imports in bursts, with its sync target trailing A's head and pauses of up to
# a minute: B's lag shrinks at each burst but B seldom catches up with a head that moves.
# Stopping a node (SIGTERM) takes it ~3 s, so cleanup takes a few seconds.

# Not loopback-only in one respect: EthereumJS 0.10.5 binds its RLPx (P2P) listener to 0.0.0.0
# whatever the flags say (no option for the listen address). RPC is bound to 127.0.0.1, discovery
# (discv4, DNS) is off, and the peers reach each other through 127.0.0.1 only.

[ -n "${_CHAINDECK_DEVNET_SH:-}" ] && return 0
_CHAINDECK_DEVNET_SH=1

# shellcheck source=tests/lib/node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

DEVNET_GENESIS=${DEVNET_GENESIS:-}
DEVNET_CHAIN_ID=1337
# the public test key of the genesis' signer (README: never for real funds)
_devnet_key=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
_devnet_signer=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
# shared/devnet/clique-genesis.json, copied so that the tests stand on their own
_devnet_genesis() {
	cat <<'EOF'
{
  "config": {"chainId": 1337, "homesteadBlock": 0, "eip150Block": 0, "eip155Block": 0, "eip158Block": 0,
    "byzantiumBlock": 0, "constantinopleBlock": 0, "petersburgBlock": 0, "istanbulBlock": 0, "berlinBlock": 0, "londonBlock": 0,
    "clique": {"period": 2, "epoch": 30000}},
  "nonce": "0x0", "timestamp": "0x0",
  "extraData": "0x0000000000000000000000000000000000000000000000000000000000000000f39Fd6e51aad88F6F4ce6aB8827279cffFb922660000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
  "gasLimit": "0x1c9c380", "difficulty": "0x1", "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
  "coinbase": "0x0000000000000000000000000000000000000000",
  "alloc": {"f39Fd6e51aad88F6F4ce6aB8827279cffFb92266": {"balance": "0x200000000000000000000000000000000000000000000000000000000000000"}},
  "number": "0x0", "gasUsed": "0x0", "parentHash": "0x0000000000000000000000000000000000000000000000000000000000000000", "baseFeePerGas": "0x7"
}
EOF
}

# print a hex-quantity RPC result in decimal
_devnet_num() {
	local v
	v=$(RPC_TIMEOUT=${RPC_TIMEOUT:-3} rpc_result "$1" "$2" 2>/dev/null) || return 1
	case $v in 0x*) echo $((v)) ;; *) return 1 ;; esac
}
devnet_head() { _devnet_num "${1:?devnet_head URL}" eth_blockNumber; }
devnet_peers() { _devnet_num "${1:?devnet_peers URL}" net_peerCount; }

# _devnet_node LOG ARGS...: start one ethereumjs node, tracked for cleanup; sets _devnet_pid
_devnet_node() {
	local log=$1
	shift
	_SPAWN_DIR=$DEVNET_DIR _spawn env HOME="$DEVNET_DIR" "$_devnet_bin" "$@" >"$log" 2>&1
	_devnet_pid=$_spawned_pid
	node_track "$_devnet_pid"
}

# _devnet_port VAR: a free_port for VAR, never one handed out before in this shell (free_port runs
# in $( ), where it cannot remember what it gave)
_devnet_port() {
	local p i
	for ((i = 0; i < 20; i++)); do
		p=$(free_port) || return 1
		case $_ports_given in *" $p "*) continue ;; esac
		_ports_given+="$p "
		printf -v "$1" %s "$p"
		return 0
	done
	return 1
}

# _devnet_fail MSG LOG: say why, show the node's log
_devnet_fail() {
	echo "devnet_start: $1; log ${2##*/}:" >&2
	[ -f "$2" ] && grep -v txsByPrice "$2" | tail -n 20 >&2
	return 1
}

devnet_start_a() {
	local premine=${1:-${DEVNET_PREMINE:-10}} period=${DEVNET_PERIOD:-1}
	local rpc_a p2p_a head enode
	_devnet_bin=${ETHEREUMJS_BIN:-$CHAINDECK_NPM_BIN/ethereumjs}
	if [ ! -x "$_devnet_bin" ]; then
		echo "devnet_start: $_devnet_bin not found (run: make deps)" >&2
		return 1
	fi
	if [ -n "$DEVNET_GENESIS" ] && [ ! -f "$DEVNET_GENESIS" ]; then
		echo "devnet_start: genesis $DEVNET_GENESIS not found" >&2
		return 1
	fi
	_devnet_t0=$(now_ms)
	_devnet_end=$((_devnet_t0 + ${DEVNET_START_TIMEOUT:-90} * 1000))
	DEVNET_DIR=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-devnet.XXXXXX") || return 1
	_node_dirs+=("$DEVNET_DIR")
	# The genesis with the clique period set to DEVNET_PERIOD: 1 s by default instead of the
	# shared file's 2 s, so the premine takes half as long.
	{ if [ -n "$DEVNET_GENESIS" ]; then cat "$DEVNET_GENESIS"; else _devnet_genesis; fi; } |
		sed -E "s/(\"period\"[[:space:]]*:[[:space:]]*)[0-9]+/\1$period/" >"$DEVNET_DIR/genesis.json" || return 1
	if ! grep -Eq "\"period\": *${period}[,} ]" "$DEVNET_DIR/genesis.json"; then
		echo "devnet_start: could not set the clique period in $DEVNET_DIR/genesis.json" >&2
		return 1
	fi
	(umask 077 && echo "$_devnet_key" >"$DEVNET_DIR/key.txt") || return 1
	_devnet_port rpc_a && _devnet_port p2p_a && _devnet_port _devnet_rpc_b && _devnet_port _devnet_p2p_b ||
		return 1
	# --no-logFile, not "--logFile false": the option takes a file name, and "false" would be one
	# (a debug log ".DATEfalse" and a rotation record in the working directory). Output goes to LOG.
	_devnet_common=(--gethGenesis "$DEVNET_DIR/genesis.json" --rpc --rpcAddr 127.0.0.1
		--no-logFile --discV4 false --discDns false)

	# node A: the signer, mines on its own (DEVNET_A_ARGS split into words on purpose)
	# shellcheck disable=SC2086
	_devnet_node "$DEVNET_DIR/a.log" "${_devnet_common[@]}" --mine --unlock "$DEVNET_DIR/key.txt" \
		--minerCoinbase "$_devnet_signer" --isSingleNode \
		--rpcPort "$rpc_a" --port "$p2p_a" --dataDir "$DEVNET_DIR/a" ${DEVNET_A_ARGS:-}
	DEVNET_A_PID=$_devnet_pid DEVNET_A_URL=http://127.0.0.1:$rpc_a
	DEVNET_B_URL=http://127.0.0.1:$_devnet_rpc_b DEVNET_B_PID=
	export DEVNET_A_URL DEVNET_B_URL DEVNET_A_PID DEVNET_DIR DEVNET_CHAIN_ID
	if ! rpc_wait "$DEVNET_A_URL" $(((_devnet_end - $(now_ms)) / 1000 + 1)); then
		_devnet_fail "node A does not answer on $DEVNET_A_URL" "$DEVNET_DIR/a.log"
		return 1
	fi

	# let A mine PREMINE blocks: B starts behind, with something to sync
	while :; do
		head=$(devnet_head "$DEVNET_A_URL") || head=-1
		[ "$head" -ge "$premine" ] && break
		if ! kill -0 "$DEVNET_A_PID" 2>/dev/null || [ "$(now_ms)" -ge "$_devnet_end" ]; then
			_devnet_fail "node A did not reach block $premine (head $head)" "$DEVNET_DIR/a.log"
			return 1
		fi
		sleep 0.2
	done

	enode=$(rpc "$DEVNET_A_URL" admin_nodeInfo | python3 -c '
import json, sys
print(json.load(sys.stdin)["result"]["enode"])' 2>/dev/null)
	case $enode in
	enode://*@*:*) ;;
	*) _devnet_fail "no enode in A's admin_nodeInfo" "$DEVNET_DIR/a.log"; return 1 ;;
	esac
	DEVNET_A_ENODE=${enode/@0.0.0.0:/@127.0.0.1:}
	DEVNET_STARTUP_MS=$(($(now_ms) - _devnet_t0))
	export DEVNET_A_ENODE DEVNET_STARTUP_MS
	return 0
}

devnet_start_b() {
	if [ -z "${DEVNET_A_ENODE:-}" ]; then
		echo "devnet_start_b: call devnet_start_a first" >&2
		return 1
	fi
	# node B: peers with A and syncs from it
	_devnet_node "$DEVNET_DIR/b.log" "${_devnet_common[@]}" --bootnodes "$DEVNET_A_ENODE" \
		--rpcPort "$_devnet_rpc_b" --port "$_devnet_p2p_b" --dataDir "$DEVNET_DIR/b"
	DEVNET_B_PID=$_devnet_pid
	export DEVNET_B_PID
	if ! rpc_wait "$DEVNET_B_URL" $(((_devnet_end - $(now_ms)) / 1000 + 1)); then
		_devnet_fail "node B does not answer on $DEVNET_B_URL" "$DEVNET_DIR/b.log"
		return 1
	fi
	DEVNET_STARTUP_MS=$(($(now_ms) - _devnet_t0))
	return 0
}

devnet_start() {
	devnet_start_a "$@" && devnet_start_b
}
