#!/usr/bin/env bash
# The dashboard against a real two-node EthereumJS devnet (tests/lib/devnet.sh), in a real
# terminal (tmux): both nodes show one peer; B, started behind A, shows its sync progress
# (grid SYNC column below 100% and the detail view's Sync row with a percentage) and a lag
# that shrinks as it imports; A's network view lists its peer from admin_peers; the grid reads
# at 80x24; q quits with status 0; the nodes write no files outside their data dirs.
#
# Two chaindeck instances watch the devnet at once, both started before B exists so that B is
# watched from its first answer: "grid" stays on the fleet grid, "detail" stays on B's detail
# view. B's sync is short (its first import comes a few seconds to ~20 s after it starts), so
# the two views are watched side by side rather than one after the other.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
. "$here/../lib/devnet.sh"
t_start=$(now_ms)

dash_home chaindeck-screen

if devnet_start_a; then
	t_pass "node A mines its first blocks (${DEVNET_STARTUP_MS} ms)"
else
	t_fail "node A starts and mines"
	t_done
	exit 1
fi

cat >"$home/config.ini" <<EOF
[node "A"]
url = $DEVNET_A_URL
chain_id = $DEVNET_CHAIN_ID

[node "B"]
url = $DEVNET_B_URL
chain_id = $DEVNET_CHAIN_ID
EOF

# chaindeck_start SESSION COLS ROWS: chaindeck on the devnet, its exit status printed after it
chaindeck_start() {
	screen_chaindeck "$1" "$2" "$3" XDG_STATE_HOME="$home/state-$1" --config "$home/config.ini" --log "$home/$1.log"
}

# grid_cell NODE COLUMN: the text in NODE's row under the header COLUMN of the fleet grid (cells
# are left-aligned under their header; a pinned node's name has a ^ prefix)
grid_cell() {
	# awk may count bytes: a shortened cell's "…" (three bytes, one column) becomes one byte first
	screen_capture | sed 's/…/~/g' | awk -v name="$1" -v col="$2" '
		!h && /^ NODE/ { h = index($0, col); if (!h) exit; next }
		h && /^ *$/ { exit }
		h { n = $1; sub(/^\^/, "", n); if (n == name) { s = substr($0, h); sub(/ .*/, "", s); print s; exit } }'
}

# detail_select NAME: from the grid, open NAME's detail view: Enter opens the selected node's,
# then j (down the grid's order) and if need be k (up) until the view's Node row names NAME
detail_select() {
	local key i prev end
	screen_send Enter
	screen_wait_for '^ Node ' 3 || return 1
	for key in j k; do
		for ((i = 0; i < 8; i++)); do
			prev=$(screen_capture | grep -m1 '^ Node ')
			case $prev in " Node "*" $1 "*) return 0 ;; esac
			screen_send "$key"
			end=$(($(now_ms) + 1000))
			while [ "$(screen_capture | grep -m1 '^ Node ')" = "$prev" ]; do
				[ "$(now_ms)" -ge "$end" ] && break 2 # no other node that way
				sleep 0.05
			done
		done
	done
	screen_wait_for "^ Node +$1 " 1
}

SCREEN_NAME=detail chaindeck_start detail 140 40
SCREEN_NAME=grid chaindeck_start grid 140 40
SCREEN_NAME=grid
t_ok "grid lists A and B" screen_wait_for '^ NODE.*PEERS.*STATUS' 10
t_ok "A's row shows chain 1337" screen_wait_for '^ \^?A +EthereumJS[^ ]* +1337 ' 10
SCREEN_NAME=detail
screen_wait_for '^ NODE' 10 >/dev/null
if detail_select B; then t_pass "detail view of B opens"; else t_fail "detail view of B opens"; fi

if devnet_start_b; then
	t_pass "node B answers (devnet up after ${DEVNET_STARTUP_MS} ms)"
else
	t_fail "node B starts"
	t_done
	exit 1
fi
t_b=$(now_ms)
# The nodes write where they are told and nowhere else: their working directory (DEVNET_DIR) holds
# what devnet.sh put there, and no log file of EthereumJS's own (given "--logFile false" it wrote a
# debug log named ".DATEfalse" and a rotation record next to them).
litter=$(cd "$DEVNET_DIR" && ls -A | grep -vxE 'genesis\.json|key\.txt|a|b|a\.log|b\.log')
if [ -z "$litter" ]; then
	t_pass "the nodes leave no files outside their data dirs"
else
	t_fail "the nodes leave no files outside their data dirs" "$(echo $litter)"
fi

# Watch both screens for up to 90 s: peers of A and B, B's sync below 100 %, B's lag shrinking.
peers_a="" peers_b="" sync_grid="" sync_detail="" lag_max="" lag_shrunk="" lags=""
end=$((t_b + 90000))
while [ "$(now_ms)" -lt "$end" ]; do
	SCREEN_NAME=grid
	pa=$(grid_cell A PEERS) pb=$(grid_cell B PEERS) lag=$(grid_cell B LAG)
	sync=$(grid_cell B SYNC) status=$(grid_cell B STATUS)
	[ "$pa" = 1 ] && peers_a=yes
	[ "$pb" = 1 ] && peers_b=yes
	case $sync in
	100%) ;;
	*%) sync_grid="SYNC $sync, STATUS $status" ;;
	esac
	[ "$status" = syncing ] && [ -z "$sync_grid" ] && sync_grid="STATUS syncing"
	case $lag in
	'' | *[!0-9]*) ;;
	*)
		[ "${lags##* }" = "$lag" ] || lags+=" $lag"
		if [ -z "$lag_max" ]; then
			lag_max=$lag
		elif [ "$lag" -lt "$lag_max" ]; then
			lag_shrunk="$lag_max -> $lag"
		else
			lag_max=$lag
		fi
		;;
	esac
	SCREEN_NAME=detail
	row=$(screen_capture | grep -m1 -E '^ Sync +.*[0-9.]+%  [0-9,]+ / [0-9,]+')
	case $row in *'100.0%'* | '') ;; *) sync_detail=${row# Sync} ;; esac
	[ -n "$peers_a" ] && [ -n "$peers_b" ] && [ -n "$sync_grid" ] && [ -n "$sync_detail" ] &&
		[ -n "$lag_shrunk" ] && break
	sleep 0.2
done
took=$(($(now_ms) - t_b))
SCREEN_NAME=grid
if [ -n "$peers_a" ]; then t_pass "A shows 1 peer"; else t_fail "A shows 1 peer" "PEERS column: '$pa'"; fi
if [ -n "$peers_b" ]; then t_pass "B shows 1 peer"; else t_fail "B shows 1 peer" "PEERS column: '$pb'"; fi
if [ -n "$sync_grid" ]; then
	t_pass "grid shows B syncing ($sync_grid)"
else
	t_fail "grid shows B syncing" "last SYNC '$sync', STATUS '$status'"
fi
if [ -n "$sync_detail" ]; then
	t_pass "B's detail view shows sync progress (${sync_detail#"${sync_detail%%[! ]*}"})"
else
	t_fail "B's detail view shows sync progress" "no Sync row with a percentage below 100%"
	SCREEN_NAME=detail screen_capture >&2
fi
if [ -n "$lag_shrunk" ]; then
	t_pass "B's lag shrinks ($lag_shrunk blocks, $took ms after B started)"
else
	t_fail "B's lag shrinks" "lag seen:$lags (B head $(devnet_head "$DEVNET_B_URL"), A head $(devnet_head "$DEVNET_A_URL"))"
	grep -v txsByPrice "$DEVNET_DIR/b.log" | grep -E 'sync target|Imported|Synchronized' | tail -n 5 >&2
fi
[ -n "$lags" ] && echo "# B's lag over time:$lags"

# A's network view: enode, recent heads, and B as its peer from admin_peers.
if detail_select A; then t_pass "detail view of A opens"; else t_fail "detail view of A opens"; fi
t_ok "A's detail shows 1 peer" screen_wait_for '^ Peers +1$' 5
screen_send v
t_ok "A's network view shows its enode" screen_wait_for '^ Enode +enode://[0-9a-f]{20}' 5
t_ok "A's network view shows recent heads" screen_wait_for '^ +#[0-9,]+ +0x[0-9a-f]{64}' 5
t_ok "A's network view has the admin_peers list" screen_wait_for '^ Peers \(admin_peers\)' 5
t_ok "A's network view lists B as a peer" screen_wait_for '^ +(in|out) +127\.0\.0\.1:[0-9]+ +EthereumJS/' 5
screen_send Escape
t_ok "Esc returns to the grid" screen_wait_for '^ NODE.*STATUS' 3

# The grid at 80x24: names, chain, head and status still show.
screen_resize 80 24
t_ok "grid at 80x24 shows both nodes" screen_wait_for '^ \^?B +1337 +[0-9,]+ ' 5
t_ok "grid at 80x24 keeps the STATUS column" screen_wait_for '^ NODE.*STATUS' 3

for s in grid detail; do
	SCREEN_NAME=$s
	screen_send q
	t_ok "q quits $s with status 0" screen_wait_for 'chaindeck exited with status 0' 3
done
echo "# devnet test took $(($(now_ms) - t_start)) ms before cleanup"
t_done
