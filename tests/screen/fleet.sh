#!/usr/bin/env bash
# The fleet grid against several real anvils and one unreachable node, in a real terminal (tmux):
#   main   anvil, chain 31337, --block-time 1
#   other  anvil --chain-id 999, configured with chain_id = 31337: must be flagged CHAIN?
#   twin   a second, independent anvil on 31337 (own genesis state): same height, other hashes:
#          FORK (main or twin, whichever is not the leader)
#   gone   a loopback port nobody listens on: DOWN, while main's head keeps advancing
# Then the alert log (l), sorting (s / S), pinning (p), adding a node through the UI (a) and
# removing it (d, y) with the config file rewritten each time, the grid at 80x24, and q.
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
build=${CHAINDECK_BUILD:-build}
t_start=$(now_ms)

home=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-screen.XXXXXX")
cleanup_add "rm -rf '$home'"

anvil_start --block-time 1 || { t_fail "anvil main starts"; t_done; exit 1; }
main_url=$ANVIL_URL
anvil_start --block-time 1 --chain-id 999 || { t_fail "anvil other starts"; t_done; exit 1; }
other_url=$ANVIL_URL
# Two anvils started in the same second with the same options build the very same chain (same
# genesis, same block timestamps, same hashes): seen in one run of three. A different dev account
# balance gives twin its own genesis state, so its hashes differ from main's at every height.
anvil_start --block-time 1 --balance 20000 || { t_fail "anvil twin starts"; t_done; exit 1; }
twin_url=$ANVIL_URL
gone_port=$(free_port)
gone_url=http://127.0.0.1:$gone_port

config=$home/fleet.ini
cat >"$config" <<EOF
[node "main"]
url = $main_url
chain_id = 31337

[node "other"]
url = $other_url
chain_id = 31337

[node "twin"]
url = $twin_url
chain_id = 31337

[node "gone"]
url = $gone_url
EOF

screen_start fleet 140 40 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
	env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" \
	ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$build/chaindeck" --config "$config" --log "$home/chaindeck.log"

# grid_cell NODE COLUMN: the text in NODE's row under the header COLUMN (cells are left-aligned
# under their header; a pinned node's name has a ^ prefix)
grid_cell() {
	# awk may count bytes: a shortened cell's "…" (three bytes, one column) becomes one byte first
	screen_capture | sed 's/…/~/g' | awk -v name="$1" -v col="$2" '
		!h && /^ NODE/ { h = index($0, col); if (!h) exit; next }
		h && /^ *$/ { exit }
		h { n = $1; sub(/^\^/, "", n); if (n == name) { s = substr($0, h); sub(/ .*/, "", s); print s; exit } }'
}
# grid_names: the node names of the grid, top to bottom, space-separated
grid_names() {
	screen_capture | awk '
		!h && /^ NODE/ { h = 1; next }
		h && /^ *$/ { exit }
		h { printf "%s%s", sep, $1; sep = " " }'
}
# grid_header: the grid's header line
grid_header() { screen_capture | grep -m1 '^ NODE'; }
# wait_cell NODE COLUMN REGEX [TIMEOUT_S]: until NODE's cell matches REGEX
wait_cell() {
	local end=$(($(now_ms) + ${4:-10} * 1000)) v
	while :; do
		v=$(grid_cell "$1" "$2")
		[[ $v =~ $3 ]] && return 0
		if [ "$(now_ms)" -ge "$end" ]; then
			echo "wait_cell: $1's $2 is '$v', not /$3/" >&2
			screen_capture >&2
			return 1
		fi
		sleep 0.1
	done
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

t_ok "grid shows its header" screen_wait_for '^ NODE.*HEAD.*LAG.*PEERS.*STATUS' 10
for n in main other twin gone; do
	t_ok "grid has a row for $n" screen_wait_for "^ \\^?$n " 5
done

# gone: down, while main stays live and its head advances
t0=$(now_ms)
if wait_cell gone STATUS '^DOWN$' 5; then t_pass "gone shows DOWN after $(($(now_ms) - t0)) ms"; else t_fail "gone shows DOWN"; fi
t_ok "main is ok" wait_cell main STATUS '^ok$' 10
t_ok "main shows chain 31337" wait_cell main CHAIN '^31337$' 5
first=$(grid_cell main HEAD | tr -d ,)
advanced=""
end=$(($(now_ms) + 10000))
while [ "$(now_ms)" -lt "$end" ]; do
	now=$(grid_cell main HEAD | tr -d ,)
	if [[ $first =~ ^[0-9]+$ && $now =~ ^[0-9]+$ ]] && [ "$now" -gt "$first" ]; then advanced=yes; break; fi
	sleep 0.2
done
if [ -n "$advanced" ]; then t_pass "main's head advances while gone is down ($first -> $now)"; else t_fail "main's head advances" "stayed at '$first'"; fi
t_ok "gone is still DOWN" wait_cell gone STATUS '^DOWN$' 1

# other: answers chain id 999 where 31337 is expected
t_ok "other shows chain 999" wait_cell other CHAIN '^999$' 5
t_ok "other is flagged CHAIN?" wait_cell other STATUS '^CHAIN\?$' 10

# main and twin: same chain id, same height, different hashes: the one not leading is FORK
fork=""
end=$(($(now_ms) + 15000))
while [ "$(now_ms)" -lt "$end" ]; do
	for n in twin main; do [ "$(grid_cell $n STATUS)" = FORK ] && fork=$n && break 2; done
	sleep 0.1
done
if [ -n "$fork" ]; then
	t_pass "$fork is flagged FORK"
	leader=main
	[ "$fork" = main ] && leader=twin
	t_ok "$leader (the leader) is not flagged FORK" bash -c "[ '$(grid_cell $leader STATUS)' != FORK ]"
else
	t_fail "twin or main is flagged FORK" "twin '$(grid_cell twin STATUS)', main '$(grid_cell main STATUS)'"
	leader=main fork=twin
fi

# The alert log lists what went wrong.
screen_send l
t_ok "alert log opens" screen_wait_for '^ Alerts' 3
t_ok "alert log: gone is down" screen_wait_for 'ALERT +gone: down \(' 3
t_ok "alert log: other's chain id" screen_wait_for 'ALERT +other: chain id 999, expected 31337' 3
t_ok "alert log: fork" screen_wait_for "ALERT +$fork: fork at #[0-9,]+, hash differs from $leader" 3
screen_send Escape
t_ok "Esc returns to the grid" screen_wait_for '^ NODE' 3

# Sorting: s moves the sort key to the next column; STATUS, the last column, gets ^ (ascending)
# or v (descending). Worst first is descending: DOWN heads the list; S reverses it.
names_before=$(grid_names)
sorted=""
for ((i = 0; i < 20; i++)); do
	case $(grid_header) in *'STATUS^'* | *'STATUSv'*) sorted=yes; break ;; esac
	prev=$(grid_header)
	screen_send s
	end=$(($(now_ms) + 2000))
	while [ "$(grid_header)" = "$prev" ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
done
if [ -n "$sorted" ]; then t_pass "s reaches the STATUS column ($i presses)"; else t_fail "s reaches the STATUS column" "header: $(grid_header)"; fi
# by_status: the leader (ok) before the flagged nodes, DOWN last (ascending), or the reverse
by_status() {
	local names
	names=$(grid_names)
	case $(grid_header) in
	*'STATUS^'*) [[ $names =~ ^\^?$leader\  && $names =~ \ \^?gone$ ]] ;;
	*'STATUSv'*) [[ $names =~ ^\^?gone\  && $names =~ \ \^?$leader$ ]] ;;
	*) return 1 ;;
	esac
}
if by_status; then
	t_pass "rows ordered by status: $(grid_names) ($(grid_header | grep -o 'STATUS.'))"
else
	t_fail "rows ordered by status" "header '$(grid_header)', rows '$(grid_names)'"
fi
dir_before=$(grid_header | grep -o 'STATUS.')
screen_send S
end=$(($(now_ms) + 3000))
while [ "$(grid_header | grep -o 'STATUS.')" = "$dir_before" ] && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
if [ "$(grid_header | grep -o 'STATUS.')" != "$dir_before" ] && by_status; then
	t_pass "S reverses the order: $(grid_names) ($(grid_header | grep -o 'STATUS.'))"
else
	t_fail "S reverses the order" "header '$(grid_header)', rows '$(grid_names)'"
fi
echo "# rows sorted by name: $names_before"

# Pinning: select twin (through its detail view), p pins it to the top with a ^ prefix.
if detail_select twin; then t_pass "cursor on twin"; else t_fail "cursor on twin"; fi
screen_send Escape
screen_wait_for '^ NODE' 3 >/dev/null
screen_send p
if screen_wait_for '^ \^twin ' 3 && [ "$(grid_names | cut -d' ' -f1)" = '^twin' ]; then
	t_pass "pinned twin is the first row: $(grid_names)"
else
	t_fail "pinned twin is the first row" "rows '$(grid_names)'"
fi
# The pin is saved to the config file (twin's section gets pinned = yes) ...
pin_saved() { awk '/^\[node "twin"\]/{t=1;next} /^\[/{t=0} t && /^pinned *= *yes/{f=1} END{exit !f}' "$config"; }
wait_until() { local end=$(($(now_ms) + $1 * 1000)); shift; until "$@"; do [ "$(now_ms)" -ge "$end" ] && return 1; sleep 0.1; done; }
if wait_until 3 pin_saved; then t_pass "the pin is saved to the config file"; else t_fail "the pin is saved to the config file" "$(cat "$config")"; fi
screen_send p
if screen_wait_gone '^ \^twin ' 3; then t_pass "p again unpins twin"; else t_fail "p again unpins twin"; fi
# ... and so is the unpin.
if wait_until 3 eval '! pin_saved'; then t_pass "the unpin is saved too"; else t_fail "the unpin is saved too" "$(cat "$config")"; fi

# Adding a node through the UI: a, name, Enter, URL (the field starts empty, the default a hint), Enter.
screen_send a
t_ok "a asks for a name" screen_wait_for 'New node name' 3
screen_type extra
screen_send Enter
t_ok "the URL prompt names http://127.0.0.1:8545" screen_wait_for 'URL .*http://127\.0\.0\.1:8545' 3
screen_type "$main_url"
screen_send Enter
t_ok "the new node gets a row" screen_wait_for '^ \^?extra +anvil' 10
t_ok "the new node is live" wait_cell extra STATUS '^ok$' 10
t_ok "the config file has the new node" grep -q '^\[node "extra"\]' "$config"
t_ok "with the URL typed" grep -qxF "url = $main_url" <(sed -n '/^\[node "extra"\]/,/^\[/p' "$config")
t_ok "the other nodes are still in the config file" \
	bash -c "grep -c '^\[node \"\(main\|other\|twin\|gone\)\"\]' '$config' | grep -qx 4"

# Removing it: d asks, y confirms (the cursor is on the node just added).
screen_send d
t_ok "d asks before removing extra" screen_wait_for 'Remove extra\? \(y/n\)' 3
screen_send y
t_ok "extra's row is gone" screen_wait_gone '^ \^?extra ' 5
t_ok "the config file no longer has extra" bash -c "! grep -q '^\[node \"extra\"\]' '$config'"
t_ok "the four nodes remain" bash -c "grep -c '^\[node ' '$config' | grep -qx 4"
t_ok "gone is still DOWN, keys still work" wait_cell gone STATUS '^DOWN$' 1

# The grid at 80x24 keeps name, head and status.
screen_resize 80 24
t_ok "grid at 80x24 has the STATUS column" screen_wait_for '^ NODE.*HEAD.*STATUS' 5
t_ok "grid at 80x24: gone DOWN" wait_cell gone STATUS '^DOWN$' 3
t_ok "grid at 80x24: other CHAIN?" wait_cell other STATUS '^CHAIN\?$' 3
t_ok "grid at 80x24: main's head" wait_cell main HEAD '^[0-9,]+$' 3

screen_send q
t_ok "q quits with status 0" screen_wait_for 'chaindeck exited with status 0' 3
echo "# fleet test took $(($(now_ms) - t_start)) ms before cleanup"
t_done
