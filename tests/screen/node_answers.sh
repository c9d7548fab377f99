#!/usr/bin/env bash
# How the dashboard's detail view reads a node's answers, against a real anvil, in tmux:
#   - over IPC, anvil answers an unknown method with -32602 "invalid params": Offers must still
#     list admin and debug as not offered (anvil over HTTP says -32601 for them: the oracle), and
#     what anvil does have (ots, trace) as offered;
#   - a -32000 from net_peerCount or txpool_status (a proxy plays a failing backend; cast sees the
#     error) reads "error" with the node's message, never a bare "-";
#   - --rpc-url-file: the URL, password included, comes from a file, so the password is neither in
#     the process list nor on screen, and the node is watched as with --rpc-url.
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
build=${CHAINDECK_BUILD:-build}
CAST=${CAST:-$CHAINDECK_NPM_BIN/cast}

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-screen.XXXXXX")
cleanup_add "rm -rf '$home'"
ipc=$home/anvil.ipc

anvil_start --ipc "$ipc" || { t_fail "anvil starts with --ipc"; t_done; exit 1; }

run() {
	screen_start "$1" 120 30 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
		ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$build/chaindeck" --log "$home/chaindeck.log" "${@:2}"
}
offers_line() { screen_capture | grep -m1 '^ Offers '; }
quit() { screen_send q; screen_wait_for 'chaindeck exited with status 0' 5 >/dev/null; }

# ---- Offers over IPC ------------------------------------------------------------------------------
case $(rpc "$ANVIL_URL" admin_nodeInfo) in
*'"code":-32601'*) t_pass "oracle: anvil over HTTP has no admin_nodeInfo (-32601)" ;;
*) t_fail "oracle: anvil over HTTP has no admin_nodeInfo (-32601)" "$(rpc "$ANVIL_URL" admin_nodeInfo)" ;;
esac
case $(rpc "$ANVIL_URL" debug_getRawHeader '["0x0"]') in
*'"code":-32601'*) t_pass "oracle: anvil over HTTP has no debug_getRawHeader (-32601)" ;;
*) t_fail "oracle: anvil over HTTP has no debug_getRawHeader (-32601)" ;;
esac
run ipc --rpc-url "$ipc"
t_ok "the IPC node is up" screen_wait_for 'Chain id +31337' 10
t_ok "Offers is filled in" screen_wait_for '^ Offers +eth' 10
line=$(offers_line)
offered=${line%%not offered:*} refused=${line#*not offered:}
[ "$refused" = "$line" ] && refused=""
echo "# $line"
for ns in admin debug; do
	if [[ " $offered " != *" $ns "* && " $refused " == *" $ns"* ]]; then
		t_pass "over IPC, $ns is not offered"
	else
		t_fail "over IPC, $ns is not offered" "$line"
	fi
done
for ns in eth ots trace; do
	if [[ " $offered " == *" $ns "* ]]; then t_pass "over IPC, $ns is offered"; else t_fail "over IPC, $ns is offered" "$line"; fi
done
quit

# ---- -32000 from net_peerCount and txpool_status -------------------------------------------------------
echo fail=net_peerCount,txpool_status >"$home/proxy-mode"
rpc_proxy_start "$ANVIL_URL" "$home/proxy-mode" || t_fail "the proxy answers"
P=$PROXY_URL
if out=$("$CAST" rpc --rpc-url "$P" net_peerCount 2>&1); then
	t_fail "oracle: cast sees net_peerCount fail through the proxy" "$out"
else
	case $out in *32000*) t_pass "oracle: cast sees -32000 from net_peerCount" ;; *) t_fail "oracle: cast sees -32000" "$out" ;; esac
fi
run errs --rpc-url "$P"
t_ok "the node is up" screen_wait_for 'Chain id +31337' 10
t_ok "Peers says error, with the node's message" screen_wait_for '^ Peers +error: -32000 net_peerCount: backend unavailable' 5
t_ok "Txpool says error, with the node's message" screen_wait_for '^ Txpool +error: -32000 txpool_status: backend unavailable' 5
screen_send Escape
node=${P#http://} # the grid names a node given by --rpc-url after its host and port
screen_wait_for '^ *NODE' 5 >/dev/null
# cell ROW COLUMN: the text under COLUMN's heading on the grid line of node ROW
cell() {
	screen_capture | python3 -c '
import re, sys
lines = sys.stdin.read().splitlines()
head = next(l for l in lines if re.match(r"^ *NODE", l))
row = next(l for l in lines if re.match(r"^ *" + re.escape(sys.argv[1]) + " ", l))
starts = [m.start() for m in re.finditer(r"\S+", head)]
names = head.split()
i = names.index(sys.argv[2])
end = starts[i + 1] if i + 1 < len(starts) else len(row)
print(row[starts[i]:end].strip())' "$1" "$2"
}
if [ "$(cell "$node" PEERS)" = error ]; then t_pass "the grid's PEERS cell says error, not a bare -"; else t_fail "the grid's PEERS cell says error, not a bare -" "$(cell "$node" PEERS)"; fi
screen_resize 200 30
screen_wait_for '^ *NODE .* POOL ' 5 >/dev/null
if [ "$(cell "$node" POOL)" = error ]; then t_pass "the grid's POOL cell says error, not a bare -"; else t_fail "the grid's POOL cell says error, not a bare -" "$(cell "$node" POOL)"; fi
quit

# ---- --rpc-url-file ------------------------------------------------------------------------------------
printf 'http://operator:SECRETPW@127.0.0.1:%s\n' "$ANVIL_PORT" >"$home/url"
chmod 600 "$home/url"
run urlfile --rpc-url-file "$home/url"
t_ok "the node from the URL file is up" screen_wait_for 'Chain id +31337' 10
pid=$(pgrep -P "$(env -u TMUX tmux -L "$SCREEN_SOCKET" display-message -p -t "$SCREEN_NAME" '#{pane_pid}')")
t_ok "the process list has the file's name" grep -q "$home/url" "/proc/$pid/cmdline"
t_ok "but not the password" bash -c "! ps -o args= -p '$pid' | grep -q SECRETPW"
t_ok "the screen does not show the password" bash -c "! env -u TMUX tmux -L '$SCREEN_SOCKET' capture-pane -p -t '$SCREEN_NAME' | grep -q SECRETPW"
t_ok "the URL is shown masked" screen_wait_for "^ Node .*127\\.0\\.0\\.1:$ANVIL_PORT" 3
quit
t_ok "the log does not have the password" bash -c "! grep -q SECRETPW '$home/chaindeck.log'"
run nofile --rpc-url-file "$home/missing"
t_ok "a missing URL file is refused with a message" screen_wait_for "rpc-url-file $home/missing: cannot read the URL file" 5
t_ok "and a failure status" screen_wait_for 'chaindeck exited with status 1' 5
t_done
