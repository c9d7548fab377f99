#!/usr/bin/env bash
# An alert clears only when its condition is observed false, never because it can no longer be
# measured, and the fork alert names the first block where the chains differ.
#   stalled   anvil without block time: its head stalls; then it is killed. "down" is raised, and the
#             stalled alert must not be resolved while the node does not answer.
#   lag       two tests/tools/faultnode nodes on one chain, the second started 6 blocks later (it
#             lags 6, max_lag = 2); then the leader refuses every connection. The lagging node's lag
#             alert must not be resolved: the best head known is still the silent leader's.
#   fork      a healthy faultnode and one that starts reorganising after 2 s; chaindeck starts 7
#             blocks later. The fork alert names a height N where cast finds both nodes' block N-1
#             equal and block N different (the old code named the head where it noticed).
# Each "must not be resolved" is watched for 6 refresh periods (3 hold periods) after the node
# went down: the old code resolved them within 2.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
cast=$CHAINDECK_NPM_BIN/cast
need_built "$build/chaindeck" "$fnode"
dash_home chaindeck-clears
cat >"$home/hook" <<HOOK
#!/bin/sh
echo "\$CHAINDECK_STATE \$CHAINDECK_ALERT \$CHAINDECK_NODE | \$CHAINDECK_MESSAGE" >>"$home/alerts.txt"
HOOK
chmod 700 "$home/hook"

# never_in_file REGEX MS: true when REGEX does not show up in alerts.txt within MS
never_in_file() {
	local end=$(($(now_ms) + $2))
	while [ "$(now_ms)" -lt "$end" ]; do
		grep -Eq "$1" "$home/alerts.txt" 2>/dev/null && return 1
		sleep 0.1
	done
	! grep -Eq "$1" "$home/alerts.txt" 2>/dev/null
}
run_dash() { # run_dash NAME CONFIG
	screen_chaindeck "$1" 120 30 XDG_CONFIG_HOME="$home" --config "$2" --log "$home/$1.log"
}
quit_dash() {
	screen_send q
	t_ok "$1: quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
	screen_stop
}

# ---- stalled, then down ----
anvil_start || { t_fail "anvil starts"; t_done; exit 1; }
printf '[general]\nrefresh = 500\ntimeout = 1000\n[alerts]\nstall = 2\nmax_lag = 0\nhook = %s\n[node "solo"]\nurl = %s\n' \
	"$home/hook" "$ANVIL_URL" >"$home/stall.ini"
chmod 600 "$home/stall.ini"
: >"$home/alerts.txt"
run_dash stall "$home/stall.ini"
if wait_file '^raised stalled solo' 10; then t_pass "stalled: raised"; else t_fail "stalled: raised" "$(cat "$home/alerts.txt")"; fi
anvil_kill
if wait_file '^raised down solo' 5; then t_pass "stalled: down raised"; else t_fail "stalled: down raised" "$(cat "$home/alerts.txt")"; fi
if never_in_file '^resolved stalled' 3000; then t_pass "stalled: not resolved while the node is down"
else t_fail "stalled: not resolved while the node is down" "$(cat "$home/alerts.txt")"; fi
screen_send l
t_ok "stalled: the alert log has no clearing" screen_wait_gone 'stalled cleared' 1
quit_dash stalled

# ---- lag, then the leader goes silent ----
fn_start --fault refuse --delay 10
lead=$FN_PORT
end=$(($(now_ms) + 10000))
until [ "$(("$(rpc_result "http://127.0.0.1:$lead" eth_blockNumber 2>/dev/null || echo 0)"))" -ge 1006 ] ||
	[ "$(now_ms)" -ge "$end" ]; do sleep 0.1; done
fn_start
behind=$FN_PORT
printf '[general]\nrefresh = 500\ntimeout = 1000\n[alerts]\nstall = 0\nmax_lag = 2\nhook = %s\n' "$home/hook" >"$home/lag.ini"
printf '[node "leader"]\nurl = http://127.0.0.1:%s\n[node "behind"]\nurl = http://127.0.0.1:%s\n' "$lead" "$behind" >>"$home/lag.ini"
chmod 600 "$home/lag.ini"
: >"$home/alerts.txt"
run_dash lag "$home/lag.ini"
if wait_file '^raised lag behind' 10; then t_pass "lag: raised"; else t_fail "lag: raised" "$(cat "$home/alerts.txt")"; fi
if wait_file '^raised down leader' 10; then t_pass "lag: leader down"; else t_fail "lag: leader down" "$(cat "$home/alerts.txt")"; fi
if never_in_file '^resolved lag behind' 3000; then t_pass "lag: not resolved when the leader goes silent"
else t_fail "lag: not resolved when the leader goes silent" "$(cat "$home/alerts.txt")"; fi
t_ok "lag: still LAGGING on screen" screen_wait_for 'behind .*LAGGING' 2
quit_dash lag

# ---- fork: where the chains split ----
fn_start
good=$FN_PORT
fn_start --fault reorg --delay 2
bad=$FN_PORT
# chaindeck starts once the chains have split well below the heads: noticed at the head, the split is lower
end=$(($(now_ms) + 15000))
until [ "$(("$(rpc_result "http://127.0.0.1:$good" eth_blockNumber 2>/dev/null || echo 0)"))" -ge 1009 ] ||
	[ "$(now_ms)" -ge "$end" ]; do sleep 0.1; done
printf '[general]\nrefresh = 500\ntimeout = 1000\n[alerts]\nstall = 0\nmax_lag = 0\nhook = %s\n' "$home/hook" >"$home/fork.ini"
printf '[node "good"]\nurl = http://127.0.0.1:%s\n[node "bad"]\nurl = http://127.0.0.1:%s\n' "$good" "$bad" >>"$home/fork.ini"
chmod 600 "$home/fork.ini"
: >"$home/alerts.txt"
run_dash fork "$home/fork.ini"
if wait_file '^raised fork bad' 15; then t_pass "fork: raised"; else t_fail "fork: raised" "$(cat "$home/alerts.txt")"; fi
at=$(sed -n 's/^raised fork bad .*fork at #\([0-9]*\).*/\1/p' "$home/alerts.txt" | head -n 1)
hash_at() { "$cast" block "$2" --field hash -r "http://127.0.0.1:$1" 2>/dev/null; }
if [ -n "$at" ] && [ "$at" -gt 0 ] && [ "$(hash_at "$good" $((at - 1)))" = "$(hash_at "$bad" $((at - 1)))" ] &&
	[ -n "$(hash_at "$good" "$at")" ] && [ "$(hash_at "$good" "$at")" != "$(hash_at "$bad" "$at")" ]; then
	t_pass "fork: the alert names the first differing block (#$at, by cast)"
else
	t_fail "fork: the alert names the first differing block" "alert: $(grep '^raised fork' "$home/alerts.txt" | head -1); cast #$((at - 1)): $(hash_at "$good" $((at - 1))) vs $(hash_at "$bad" $((at - 1)))"
fi
quit_dash fork
t_done
