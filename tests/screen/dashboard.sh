#!/usr/bin/env bash
# The dashboard against a real anvil, in a real terminal (tmux): it shows
# chain id 31337 and a head that advances; when the node is killed it says
# "DOWN since" within a poll interval while keys keep working; when the node
# returns it recovers by itself; it survives resizes; q restores the terminal.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
dash_home chaindeck-screen

anvil_start --block-time 1 || die "anvil starts"
port=$ANVIL_PORT

# A shell around chaindeck prints its exit status on the terminal it gets back.
screen_chaindeck dash 80 24 --rpc-url "$ANVIL_URL" --log "$home/chaindeck.log"

if screen_wait_for 'Chain id +31337' 10; then t_pass "shows chain id 31337"; else t_fail "shows chain id 31337"; fi
t_ok "status line names the chain" screen_wait_for 'chain 31337 \| head #' 5

head_of() { screen_capture | sed -n 's/^ Head  *#\([0-9,]*\).*/\1/p' | tr -d ,; }
first=$(head_of)
advanced=no
end=$(($(now_ms) + 10000))
while [ "$(now_ms)" -lt "$end" ]; do
	now=$(head_of)
	if [ -n "$first" ] && [ -n "$now" ] && [ "$now" -gt "$first" ]; then advanced=yes; break; fi
	sleep 0.2
done
if [ "$advanced" = yes ]; then t_pass "head advances ($first -> $now)"; else t_fail "head advances" "stayed at '$first'"; fi
t_ok "peers say not offered (anvil has no net_peerCount)" screen_wait_for 'Peers +n/a' 5
t_ok "txpool figures shown" screen_wait_for 'Txpool +[0-9]+ pending, [0-9]+ queued' 5

# The node dies: down within a poll interval (1 s) plus slack.
anvil_kill
t0=$(now_ms)
if screen_wait_for 'DOWN since' 3; then
	t_pass "down shown after $(($(now_ms) - t0)) ms"
else
	t_fail "down shown within 3 s"
fi
t_ok "status line says down" screen_wait_for '\| DOWN since' 3

# Keys keep working while the node is down.
screen_send 1
t_ok "switches to the wallet pane while down" screen_wait_for 'no vault|locked|unlocked' 2
screen_send 2
t_ok "switches to the explorer pane while down" screen_wait_for 'following by|waiting for the node' 2
screen_send 3
t_ok "back on the dashboard" screen_wait_for 'Status +DOWN' 2
screen_send '?'
t_ok "help opens" screen_wait_for 'Keys .*Dashboard' 2
screen_send x
t_ok "any key closes help" screen_wait_gone 'any key closes' 2

# The node returns on the same port: recovery without any key press.
"$CHAINDECK_NPM_BIN/anvil" --host 127.0.0.1 --port "$port" --block-time 1 >"$home/anvil2.log" 2>&1 &
node_track $!
if screen_wait_for 'Status +. up' 15; then t_pass "recovers by itself"; else t_fail "recovers by itself"; fi
t_ok "head shown again after recovery" screen_wait_for 'Head +#[0-9]' 5

# Resizes: larger, then back to 80x24; the view redraws and stays whole.
screen_resize 120 40
t_ok "redraws at 120x40" screen_wait_for 'Chain id +31337' 3
screen_resize 80 24
t_ok "redraws at 80x24" screen_wait_for 'chain 31337 \| head' 3

screen_send q
t_ok "q quits with status 0 and gives the terminal back" screen_wait_for 'chaindeck exited with status 0' 3
t_ok "the screen is restored (no pane content left)" screen_wait_gone 'Chain id' 1
t_ok "no secrets or escapes in the log" bash -c "! grep -q \$'\\x1b' '$home/chaindeck.log'"
t_done
