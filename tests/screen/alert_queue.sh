#!/usr/bin/env bash
# The alert hook in a mass outage: 100 nodes go down at once (tests/tools/faultnode refusing every
# connection) and the hook takes 0.5 s per alert, so at most 8 run at a time. Every alert must still
# reach the hook (the hook's own lines are counted, one per node), the log must not say a run was
# skipped, and the alert log shows the queue. Then a hook that is not executable: said on screen at
# start, and each alert is logged as not run for it.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
need_built "$build/chaindeck" "$fnode"
dash_home chaindeck-queue

fn_start --fault refuse
port=$FN_PORT

cat >"$home/hook" <<HOOK
#!/bin/sh
echo "\$CHAINDECK_STATE \$CHAINDECK_ALERT \$CHAINDECK_NODE" >>"$home/alerts.txt"
sleep 0.5
HOOK
chmod 700 "$home/hook"
{
	printf '[general]\nrefresh = 1000\ntimeout = 1000\n[alerts]\nhook = %s\n' "$home/hook"
	for i in $(seq -w 1 100); do printf '[node "n%s"]\nurl = http://127.0.0.1:%s\n' "$i" "$port"; done
} >"$home/config.ini"
chmod 600 "$home/config.ini"

screen_chaindeck queue 120 30 XDG_CONFIG_HOME="$home" --config "$home/config.ini" --log "$home/chaindeck.log"
t_ok "100 nodes shown" screen_wait_for '100 nodes' 10
t_ok "nodes down" screen_wait_for 'n001 .*DOWN' 10

# 100 alerts, 8 runs at a time of 0.5 s each: about 7 s. Allow 30.
end=$(($(now_ms) + 30000))
count() { sort -u "$home/alerts.txt" 2>/dev/null | grep -c '^raised down n[0-9]*$'; }
until [ "$(count)" -ge 100 ] || [ "$(now_ms)" -ge "$end" ]; do sleep 0.2; done
n=$(count)
if [ "$n" = 100 ]; then t_pass "every one of the 100 down alerts reached the hook"
else t_fail "every one of the 100 down alerts reached the hook" "the hook ran for $n"; fi
if grep -q 'skipped' "$home/chaindeck.log"; then t_fail "no hook run skipped" "$(grep skipped "$home/chaindeck.log" | head -3)"
else t_pass "no hook run skipped"; fi
screen_send l
t_ok "the alert log shows the hook and its queue" screen_wait_for 'Hook: .*ready +100 run, [0-9] running, 0 waiting, 0 dropped' 10
screen_send q
t_ok "quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
screen_stop

# A hook that cannot run is said on screen at once, not found out in the outage.
chmod 600 "$home/hook"
: >"$home/chaindeck.log"
screen_chaindeck badhook 120 30 XDG_CONFIG_HOME="$home" --config "$home/config.ini" --log "$home/chaindeck.log"
t_ok "a hook that is not executable is said on screen" screen_wait_for "alert hook $home/hook: not executable" 10
screen_send j
t_ok "and stays said after a key" screen_wait_for "alert hook $home/hook: not executable" 3
end=$(($(now_ms) + 10000))
until grep -q 'not run for: n100: down' "$home/chaindeck.log" 2>/dev/null || [ "$(now_ms)" -ge "$end" ]; do sleep 0.2; done
if grep -q 'not run for: n100: down' "$home/chaindeck.log"; then t_pass "each alert logged as not run, by name"
else t_fail "each alert logged as not run, by name" "$(tail -3 "$home/chaindeck.log")"; fi
screen_send q
t_ok "quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
t_done
