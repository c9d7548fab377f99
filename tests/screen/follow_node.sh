#!/usr/bin/env bash
# The explorer follows the node selected in the dashboard, in a real terminal (tmux):
#   first   anvil --chain-id 1111, at block 0
#   second  anvil --chain-id 2222, 40 blocks mined (anvil_mine)
# At start the explorer shows the first node (chain 1111, head 0). Selecting the second node in the
# dashboard's grid (j) points the explorer at it: its header names the node, chain 2222 and head
# 40, and block 40 opened from the live list has the hash the second anvil gives for it (eth_
# getBlockByNumber, not our code). Selecting the first again (k) brings the explorer back.
#   third   anvil --chain-id 3333, added in the dashboard (a): the explorer follows it at once.
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
build=${CHAINDECK_BUILD:-build}

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-screen.XXXXXX")
cleanup_add "rm -rf '$home'"
ok_if() { if [ "$1" = 0 ]; then t_pass "$2"; else t_fail "$2"; fi; }
die() { t_fail "$1" "${2:-}"; t_done; exit 1; }

anvil_start --chain-id 1111 || die "anvil first starts"
first_url=$ANVIL_URL
anvil_start --chain-id 2222 || die "anvil second starts"
second_url=$ANVIL_URL
rpc_result "$second_url" anvil_mine '["0x28"]' >/dev/null || die "the second anvil mines 40 blocks"
[ "$(rpc_result "$second_url" eth_blockNumber)" = 0x28 ] || die "the second anvil is at block 40"
hash40=$(rpc_result "$second_url" eth_getBlockByNumber '["0x28", false]' |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["hash"])') || die "the second anvil gives block 40"

anvil_start --chain-id 3333 || die "anvil third starts"
third_url=$ANVIL_URL

config=$home/nodes.ini
cat >"$config" <<EOF2
[node "first"]
url = $first_url

[node "second"]
url = $second_url
EOF2

screen_start follow 120 32 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
	env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" XDG_DATA_HOME="$home/data" \
	ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$build/chaindeck" --config "$config" --log "$home/chaindeck.log"

# The dashboard's grid, with both nodes answering.
screen_wait_for '^ *first +.*1111' 15 >/dev/null && screen_wait_for '^ *second +.*2222' 15 >/dev/null
ok_if $? "the dashboard's grid shows both nodes and their chains"

screen_send 2
screen_wait_for '^ first \(chain 1111\) +head 0 ' 15 >/dev/null
ok_if $? "at start the explorer follows the first node: chain 1111, head 0"

screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send j
screen_wait_for 'second \| chain 2222' 10 >/dev/null
ok_if $? "j selects the second node (the status line names it)"
screen_send 2
screen_wait_for '^ second \(chain 2222\) +head 40 ' 15 >/dev/null
ok_if $? "the explorer now follows the second node: chain 2222, head 40"
screen_wait_for '^ +40 ' 10 >/dev/null
ok_if $? "its live list starts at the second node's block 40"

# The top row is selected: Enter opens block 40, whose hash must be the second anvil's.
screen_send Enter
screen_wait_for "Hash +$hash40" 10 >/dev/null
ok_if $? "block 40 opened in the explorer has the hash the second anvil gives ($hash40)"

screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send k
screen_wait_for 'first \| chain 1111' 10 >/dev/null
screen_send 2
screen_wait_for '^ first \(chain 1111\) +head 0 ' 15 >/dev/null
ok_if $? "k selects the first node again and the explorer follows it back (chain 1111, head 0)"

# A node added in the dashboard becomes the selection, and the explorer follows it.
screen_send 3
screen_wait_for '^ *NODE' 5 >/dev/null
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type third
screen_send Enter
screen_wait_for 'URL .*8545' 3 >/dev/null
screen_send C-u
screen_type "$third_url"
screen_send Enter
screen_wait_for 'third \| chain 3333' 15 >/dev/null
ok_if $? "a node added in the dashboard is selected (the status line names it)"
screen_send 2
screen_wait_for '^ third \(chain 3333\) +head 0 ' 15 >/dev/null
ok_if $? "the explorer follows the node just added: chain 3333"
grep -q "the explorer follows second" "$home/chaindeck.log"
ok_if $? "the log says which node the explorer follows"

screen_send q
st=$(screen_wait_exit 10)
[ "$st" = 0 ] || screen_wait_for 'chaindeck exited with status 0' 5 >/dev/null
ok_if $? "q quits with status 0"
t_done
