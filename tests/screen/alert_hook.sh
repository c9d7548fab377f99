#!/usr/bin/env bash
# The alert hook runs, without blocking the screen, with the alert in its
# environment: a node that goes down raises "down", and its return "resolved".
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
dash_home chaindeck-hook
anvil_start --block-time 1 || { t_fail "anvil starts"; t_done; exit 1; }
port=$ANVIL_PORT

# The hook appends what it was told, and sleeps to prove nobody waits for it.
cat >"$home/hook" <<HOOK
#!/bin/sh
echo "\$CHAINDECK_STATE \$CHAINDECK_ALERT \$CHAINDECK_NODE \$CHAINDECK_TIME | \$CHAINDECK_MESSAGE" >>"$home/alerts.txt"
sleep 5
HOOK
chmod +x "$home/hook"
cat >"$home/config.ini" <<INI
[general]
refresh = 500
[alerts]
hook = $home/hook
[node "solo"]
url = $ANVIL_URL
INI

screen_chaindeck hook 100 30 XDG_CONFIG_HOME="$home" --config "$home/config.ini" --log "$home/chaindeck.log"
t_ok "node shown up" screen_wait_for 'Status +. up' 10

anvil_kill
t_ok "down on screen" screen_wait_for 'DOWN since' 5
if wait_file '^raised down solo [0-9]+ \| solo: down' 5; then t_pass "hook told: raised down solo"
else t_fail "hook told: raised down solo" "$(cat "$home/alerts.txt" 2>/dev/null)"; fi

# While the hook sleeps, keys still work.
screen_send 1
t_ok "keys answer while the hook runs" screen_wait_for 'no vault|locked|unlocked' 2
screen_send 3

"$CHAINDECK_NPM_BIN/anvil" --host 127.0.0.1 --port "$port" --block-time 1 >"$home/anvil2.log" 2>&1 &
node_track $!
t_ok "recovers" screen_wait_for 'Status +. up' 15
if wait_file '^resolved down solo' 5; then t_pass "hook told: resolved down"
else t_fail "hook told: resolved down" "$(cat "$home/alerts.txt" 2>/dev/null)"; fi

screen_send l
t_ok "alert log lists the down alert" screen_wait_for 'ALERT +solo: down' 3
t_ok "alert log lists its clearing" screen_wait_for 'cleared +solo: down cleared' 3
screen_send q
t_ok "quits cleanly" screen_wait_for 'chaindeck exited with status 0' 3
t_ok "hook output stayed off the screen" screen_wait_gone 'raised down' 1
t_done
