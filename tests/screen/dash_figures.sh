#!/usr/bin/env bash
# The dashboard's figures where a node's values are extreme, at a narrow (80) and a wide (160)
# terminal: a head with the genesis timestamp 0 (anvil --timestamp 0) reads "genesis", not an age of
# 20000 days, and its lag in seconds is said to be unknown; a head timestamped an hour ahead
# (anvil --timestamp now+3600) reads "+59m..." in the future, not "0s"; every FEE cell is in gwei
# (the old grid mixed "1" and "0.58");
# a node name longer than its column ends in a mark instead of being cut silently.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
dash_home chaindeck-figures
# live and gen0 share a genesis (timestamp 0): the same chain, no fork, gen0 stays at #0 and lags
anvil_start --timestamp 0 --block-time 1 || { t_fail "anvil starts"; t_done; exit 1; }
live=$ANVIL_URL
anvil_start --timestamp 0 || { t_fail "anvil (genesis 0) starts"; t_done; exit 1; }
gen=$ANVIL_URL
anvil_start --timestamp $(($(date +%s) + 3600)) || { t_fail "anvil (future) starts"; t_done; exit 1; }
fut=$ANVIL_URL
long=a-node-name-much-longer-than-its-column
cat >"$home/config.ini" <<INI
[general]
refresh = 500
[alerts]
max_lag = 0
[node "live"]
url = $live
[node "gen0"]
url = $gen
[node "future"]
url = $fut
[node "$long"]
url = $live
INI
chmod 600 "$home/config.ini"

for width in 80 160; do
	screen_chaindeck "fig$width" "$width" 24 XDG_CONFIG_HOME="$home" LANG=C.UTF-8 --config "$home/config.ini" --log "$home/chaindeck.log"
	t_ok "$width: grid up" screen_wait_for '^ *live ' 10
	t_ok "$width: a genesis head reads genesis" screen_wait_for '^ *gen0 .* genesis ' 10
	t_ok "$width: a future head reads +59m" screen_wait_for '^ *future .* \+(59m|1h 00m)' 10
	t_ok "$width: a long name ends in a mark" screen_wait_for "^ *a-node-name-much-longe[a-z-]*(…|~) " 5
	if [ "$width" = 160 ]; then
		t_ok "160: every FEE cell in gwei" screen_wait_for '^ *live .*[0-9](…|~)? gwei' 5
		rows=$(screen_capture | grep -E '^ *(live|gen0|future|a-node)' | grep -v '|' | grep -vc 'gwei')
		if [ "$rows" = 0 ]; then t_pass "160: no fee without its unit"; else t_fail "160: no fee without its unit" "$(screen_capture | grep -E '^ *(live|gen0|future|a-node)')"; fi
	fi
	# sorted by name: a-node..., future, gen0, live
	screen_send Home Down Down Enter
	t_ok "$width: the genesis head's detail says why it has no age" screen_wait_for 'Head .*genesis \(timestamp 0' 5
	t_ok "$width: its lag in seconds is unknown (timestamp 0), not a figure" screen_wait_for 'Lag +[0-9]+ blocks, time unknown' 5
	screen_send q
	t_ok "$width: quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
	screen_stop
done
t_done
