# shellcheck shell=bash
# A real ERC-20 on anvil for integration tests. Source it after tests/lib/node.sh:
#   . tests/lib/node.sh; . tests/lib/erc20.sh
#
# The token is tests/erc20/Token.sol: OpenZeppelin 5.7.0's ERC20 ("Chaindeck Test Token", CDT,
# 18 decimals) with the whole supply minted to the deployer, plus failWithReason() (reverts with
# "Token: always fails") and failWithPanic(uint256) (1 / d: Panic(0x12) when d is 0).
# Transactions come from anvil's unlocked accounts through eth_sendTransaction, so no key is needed.
#
#   erc20_build                       compile Token.sol with the pinned solcjs (tests/npm/bin/solcjs),
#                                     cached in $CHAINDECK_BUILD/erc20/<sha256 of the source>/;
#                                     sets ERC20_BIN (creation bytecode, hex without 0x) and
#                                     ERC20_ABI_FILE. 1 if the compiler fails.
#   erc20_deploy URL [SUPPLY] [FROM]  deploy (builds first if needed) with SUPPLY base units (default
#                                     10^24) minted to FROM (default anvil's account 0,
#                                     0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266); waits for the
#                                     receipt (mines a block if the node does not automine);
#                                     sets ERC20_ADDRESS (lowercase) and ERC20_DEPLOY_TX.
#   erc20_transfer URL FROM TO AMOUNT [TOKEN]
#                                     FROM calls TOKEN.transfer(TO, AMOUNT) (AMOUNT decimal base units,
#                                     TOKEN defaults to $ERC20_ADDRESS); prints the tx hash.
#   erc20_fail URL FROM reason|panic [TOKEN]
#                                     sends a call to failWithReason() or failWithPanic(0) with an
#                                     explicit gas limit (anvil would otherwise estimate gas, see the
#                                     revert and refuse to send); the tx is mined with status 0.
#                                     Prints the tx hash.
#   eth_transfer URL FROM TO WEI      a plain ETH transfer (WEI decimal); prints the tx hash.
#   tx_receipt_wait URL HASH [TIMEOUT_S]
#                                     waits for a receipt and prints it (JSON); 1 on timeout.
#
# Selectors used: transfer(address,uint256) a9059cbb, failWithReason() e7cb5232,
# failWithPanic(uint256) 000ed623; event Transfer(address,address,uint256) is topic
# 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.

[ -n "${_CHAINDECK_ERC20_SH:-}" ] && return 0
_CHAINDECK_ERC20_SH=1

ERC20_ACCOUNT0=0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266
ERC20_TRANSFER_TOPIC=0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef

# 32-byte ABI words
_erc20_word_dec() { python3 -c 'import sys; print("%064x" % int(sys.argv[1]))' "$1"; }
_erc20_word_addr() {
	local a=${1#0x}
	printf '%064s' "${a,,}" | tr ' ' 0
}

erc20_build() {
	local src=$CHAINDECK_ROOT/tests/erc20/Token.sol key dir tmp
	key=$(sha256sum "$src" | cut -c1-16) || return 1
	dir=$CHAINDECK_ROOT/${CHAINDECK_BUILD:-build}/erc20/$key
	case ${CHAINDECK_BUILD:-build} in /*) dir=$CHAINDECK_BUILD/erc20/$key ;; esac
	if [ ! -s "$dir/Token.bin" ]; then
		mkdir -p "$(dirname "$dir")" || return 1
		tmp=$(mktemp -d "$(dirname "$dir")/.build.XXXXXX") || return 1
		if ! (cd "$CHAINDECK_ROOT" && "$CHAINDECK_NPM_BIN/solcjs" --bin --abi --optimize --base-path . \
			--include-path tests/npm/node_modules -o "$tmp" tests/erc20/Token.sol) >"$tmp/log" 2>&1; then
			echo "erc20_build: solcjs failed:" >&2
			cat "$tmp/log" >&2
			rm -rf "$tmp"
			return 1
		fi
		mv "$tmp/tests_erc20_Token_sol_Token.bin" "$tmp/Token.bin" &&
			mv "$tmp/tests_erc20_Token_sol_Token.abi" "$tmp/Token.abi" || { rm -rf "$tmp"; return 1; }
		# another test may have built it meanwhile: either copy is the same
		rm -rf "$dir" 2>/dev/null
		mv "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	fi
	ERC20_BIN=$(cat "$dir/Token.bin") || return 1
	ERC20_ABI_FILE=$dir/Token.abi
	[ -n "$ERC20_BIN" ]
}

# Prints the tx hash of eth_sendTransaction(TX_JSON), or fails with the node's error on stderr.
_erc20_send() {
	rpc_result "$1" eth_sendTransaction "[$2]"
}

tx_receipt_wait() {
	local url=$1 hash=$2 end=$(($(now_ms) + ${3:-10} * 1000)) r mined=0
	while :; do
		r=$(rpc_result "$url" eth_getTransactionReceipt "[\"$hash\"]" 2>/dev/null)
		if [ -n "$r" ] && [ "$r" != null ]; then
			printf '%s\n' "$r"
			return 0
		fi
		if [ "$mined" = 0 ]; then
			# no automine (--no-mining or evm_setAutomine false): mine it ourselves, once
			rpc "$url" evm_mine >/dev/null
			mined=1
			continue
		fi
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

erc20_deploy() {
	local url=${1:?erc20_deploy URL [SUPPLY] [FROM]} supply=${2:-1000000000000000000000000}
	local from=${3:-$ERC20_ACCOUNT0} hash receipt
	[ -n "${ERC20_BIN:-}" ] || erc20_build || return 1
	hash=$(_erc20_send "$url" "{\"from\":\"$from\",\"gas\":\"0x300000\",\"data\":\"0x$ERC20_BIN$(_erc20_word_dec "$supply")\"}") ||
		{ echo "erc20_deploy: eth_sendTransaction failed" >&2; return 1; }
	receipt=$(tx_receipt_wait "$url" "$hash") || { echo "erc20_deploy: no receipt for $hash" >&2; return 1; }
	ERC20_ADDRESS=$(printf '%s' "$receipt" | python3 -c '
import json, sys
r = json.load(sys.stdin)
if r.get("status") != "0x1" or not r.get("contractAddress"):
    sys.exit(1)
print(r["contractAddress"].lower())
') || { echo "erc20_deploy: deployment failed: $receipt" >&2; return 1; }
	ERC20_DEPLOY_TX=$hash
	export ERC20_ADDRESS ERC20_DEPLOY_TX
}

erc20_transfer() {
	local url=${1:?erc20_transfer URL FROM TO AMOUNT [TOKEN]} from=${2:?} to=${3:?} amount=${4:?}
	local token=${5:-${ERC20_ADDRESS:?erc20_transfer: no token deployed}}
	_erc20_send "$url" "{\"from\":\"$from\",\"to\":\"$token\",\"gas\":\"0x20000\",\"data\":\"0xa9059cbb$(_erc20_word_addr "$to")$(_erc20_word_dec "$amount")\"}"
}

erc20_fail() {
	local url=${1:?erc20_fail URL FROM reason|panic [TOKEN]} from=${2:?} how=${3:?} data
	local token=${4:-${ERC20_ADDRESS:?erc20_fail: no token deployed}}
	case $how in
	reason) data=0xe7cb5232 ;;
	panic) data=0x000ed623$(_erc20_word_dec 0) ;;
	*) echo "erc20_fail: reason or panic, not $how" >&2; return 1 ;;
	esac
	_erc20_send "$url" "{\"from\":\"$from\",\"to\":\"$token\",\"gas\":\"0x20000\",\"data\":\"$data\"}"
}

eth_transfer() {
	local url=${1:?eth_transfer URL FROM TO WEI} from=${2:?} to=${3:?} wei=${4:?}
	_erc20_send "$url" "{\"from\":\"$from\",\"to\":\"$to\",\"gas\":\"0x5208\",\"value\":\"0x$(python3 -c 'import sys; print("%x" % int(sys.argv[1]))' "$wei")\"}"
}
