# shellcheck shell=bash disable=SC2034 # build, CAST, home are for the test that sources it
# What the explorer's screen tests share. Source it (it sources node.sh and screen.sh):
#   . "$here/../lib/explorer.sh"
# On sourcing it sets
#   build   the build directory ($CHAINDECK_BUILD, default build)
#   CAST    Foundry's cast from the npm test parts
#   home    a private directory for this test, removed at exit
#
#   explorer_start NAME COLS ROWS URL [ENV...]   chaindeck without a vault on URL in a new tmux
#                        session NAME (COLS x ROWS), its config and state under $home, log in
#                        $home/chaindeck-NAME.log, ENV (VAR=value ...) added to its environment
#                        (screen_chaindeck in screen.sh)
#   search TEXT          / TEXT Enter: the explorer's search
#   re TEXT              TEXT with the extended-regex metacharacters escaped
#   nft_deploy URL FROM  tests/erc721/Nft.sol compiled with the pinned solcjs and deployed by FROM
#                        (an unlocked account of the node at URL); sets NFT (its address). Needs
#                        tx_receipt_wait (erc20.sh)

[ -n "${_CHAINDECK_EXPLORER_SH:-}" ] && return 0
_CHAINDECK_EXPLORER_SH=1

# shellcheck source=tests/lib/screen.sh
. "$(dirname "${BASH_SOURCE[0]}")/screen.sh"

build=${CHAINDECK_BUILD:-build}
CAST=$CHAINDECK_NPM_BIN/cast
home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-screen.XXXXXX") || exit 1
cleanup_add "rm -rf '$home'"

explorer_start() {
	local name=$1 cols=$2 rows=$3 url=$4
	shift 4
	screen_chaindeck "$name" "$cols" "$rows" "$@" --rpc-url "$url"
}

search() {
	screen_send /
	screen_wait_for 'Search' 3 >/dev/null || true
	screen_type "$1"
	screen_send Enter
}

re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }

nft_deploy() {
	local bin dep
	(cd "$CHAINDECK_ROOT" && "$CHAINDECK_NPM_BIN/solcjs" --bin --abi --optimize --base-path . \
		--include-path tests/npm/node_modules -o "$home/sol" tests/erc721/Nft.sol) >"$home/solc.log" 2>&1 ||
		die "solcjs compiles Nft.sol" "$(tail -3 "$home/solc.log")"
	bin=$(cat "$home/sol/tests_erc721_Nft_sol_Nft.bin")
	dep=$(rpc_result "$1" eth_sendTransaction "[{\"from\":\"$2\",\"gas\":\"0x300000\",\"data\":\"0x$bin\"}]") ||
		die "the NFT contract deploys"
	NFT=$(tx_receipt_wait "$1" "$dep" 15 | python3 -c 'import json, sys; print(json.load(sys.stdin)["contractAddress"])') ||
		die "the NFT contract is mined"
}
