#!/usr/bin/env bash
# Figures a lying or extreme node sends, in the grid at 80 and 160 columns and in the detail views,
# against tests/tools/faultnode: 18446744073709551615 peers read "18.4E" (a unit, not the first five
# digits), the client "EthereumJS/0.10.5" is shown whole (not "EthereumJS/0.1"), a 128-digit enode
# keeps its host and port on an 80-column screen, and the sync rate right after the node restarted
# (a new process on the same port, syncing at 20 blocks a second where it did 5 before) reads about
# 20 blk/s within a few seconds, not a figure averaged over the old run and the restart.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
need_built "$build/chaindeck" "$fnode"
dash_home chaindeck-columns
enode="enode://$(printf '%s' 0123456789abcdef{,,,,,,,})@10.1.2.3:30303"
lies=(--peers 18446744073709551615 --client EthereumJS/0.10.5/linux/node --enode "$enode")
fn_start "${lies[@]}" --sync-rate 5
port=$FN_PORT
printf '[general]\nrefresh = 1000\ntimeout = 1000\n[node "lying"]\nurl = http://127.0.0.1:%s\n[node "other"]\nurl = http://127.0.0.1:%s\n' \
	"$port" "$port" >"$home/config.ini"
chmod 600 "$home/config.ini"

for width in 80 160; do
	screen_chaindeck "col$width" "$width" 24 XDG_CONFIG_HOME="$home" LANG=C.UTF-8 --config "$home/config.ini" --log "$home/chaindeck.log"
	t_ok "$width: peers 2^64-1 read 18.4E" screen_wait_for '^ *lying .* 18\.4E ' 10
	[ "$width" = 160 ] && t_ok "160: the client version is whole" screen_wait_for '^ *lying +EthereumJS/0\.10\.5 ' 3
	if [ "$width" = 80 ]; then
		screen_send Home Enter
		t_ok "80: detail" screen_wait_for 'Node +lying' 5
		screen_send v
		t_ok "80: the enode keeps its host and port" screen_wait_for 'Enode +enode://0123456789abcdef.*(…|~).*@10\.1\.2\.3:30303' 5
		screen_send v
		t_ok "80: syncing at about 5 blk/s" screen_wait_for 'Sync .* [45]\.[0-9] blk/s' 10
		proc_kill "$FN_PID"
		t_ok "80: the node is down" screen_wait_for 'DOWN since' 5
		_spawn "$fnode" --lifetime 120 --port "$port" "${lies[@]}" --sync-rate 20 >"$home/fn2.port" 2>&1
		node_track "$_spawned_pid"
		t_ok "80: right after the restart, about 20 blk/s" screen_wait_for 'Sync .* (19|20|21)\.[0-9] blk/s' 6
	fi
	screen_send q
	t_ok "$width: quits cleanly" screen_wait_for 'chaindeck exited with status 0' 5
	screen_stop
done
t_done
