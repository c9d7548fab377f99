#!/usr/bin/env bash
# What a hostile node costs: chaindeck's dashboard (tmux, 100x24) against tests/tools/faultnode
# --fault huge, a node that answers every request with a 1 GiB body. faultnode, not chaindeck,
# says how many requests it got and how many bytes each took from it ("faultnode: huge: N bytes
# sent", one line per request, kernel buffers included).
#   state     the Status line says the node is refused for size and when it is tried again
#   per poll  no request took more than 16 MiB (the status poll's cap is about 1 MiB; loopback
#             socket buffers let a few MiB more go out). With the old 64 MiB cap every poll
#             cost 64 MiB and more.
#   back-off  over the 10 s after the first 5, at most 10 requests (the dashboard, explorer and
#             wallet each have a client on the node, and each backs off 1, 2, 4, 8 s...); with
#             no back-off they ask several times a second (about 40 in 10 s), and the rate of
#             requests falls over time
#   recovery  with the fault off (SIGUSR1), "up" again by itself once the back-off is over
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
need_built "$build/chaindeck" "$fnode"
dash_home chaindeck-hostile
d=$home
printf '[general]\ntimeout = 5000\nbell = off\n' >"$d/config.ini"

fn_start --fault huge
fpid=$FN_PID port=$FN_PORT
[ -n "$port" ] || die "faultnode starts" "$(cat "$FN_ERR")"

screen_chaindeck hostile 100 24 --config "$d/config.ini" --rpc-url "http://127.0.0.1:$port" --log "$d/chaindeck.log"
t0=$(now_ms)

requests() { grep -c 'bytes sent' "$FN_ERR"; }

t_ok "the node is shown refused for size, with when it is tried again" \
	screen_wait_for '^ Status +DOWN since .* answer over [0-9]+ [KM]iB refused, retry in [0-9]+ s' 10

# Count the requests faultnode saw from 5 s to 15 s after the start, noting when each came.
while [ "$(($(now_ms) - t0))" -lt 5000 ]; do sleep 0.1; done
first=$(requests)
times=()
last=$first
while [ "$(($(now_ms) - t0))" -lt 15000 ]; do
	now=$(requests)
	if [ "$now" != "$last" ]; then times+=("$(($(now_ms) - t0))"); last=$now; fi
	sleep 0.05
done
in_window=$((last - first))
if [ "$in_window" -le 10 ]; then
	t_pass "backs off: $in_window requests from 5 s to 15 s (at ms ${times[*]:-none})"
else
	t_fail "backs off: at most 10 requests from 5 s to 15 s" "$in_window requests (at ms ${times[*]})"
fi
# The back-off grows: the request rate from 5 s to 15 s is at most half of that in the first 5 s
# (without back-off the rate stays the same).
if [ "$in_window" -le "$first" ]; then
	t_pass "the request rate falls: $first in the first 5 s, $in_window in the next 10 s"
else
	t_fail "the request rate falls by half or more" "$first in the first 5 s, $in_window in the next 10 s"
fi
total=$(requests)
most=$(sed -n 's/^faultnode: huge: \([0-9]*\) bytes sent.*/\1/p' "$FN_ERR" | sort -n | tail -n 1)
sum=$(sed -n 's/^faultnode: huge: \([0-9]*\) bytes sent.*/\1/p' "$FN_ERR" | awk '{ s += $1 } END { printf "%.0f\n", s }')
if [ -n "$most" ] && [ "$most" -le $((16 * 1024 * 1024)) ]; then
	t_pass "bytes per request bounded: at most $((most / 1024)) KiB; $total requests, $((sum / 1048576)) MiB in all over 15 s"
else
	t_fail "bytes per request at most 16 MiB" "the largest took ${most:-none} bytes ($total requests, $sum bytes in all)"
fi
t_ok "the refusal is logged once per run, not once per poll" \
	test "$(grep -c 'refused; backing off' "$d/chaindeck.log")" -le 3

# Recovery: the fault off, up again by itself within the longest back-off (30 s) and a poll.
kill -USR1 "$fpid"
t1=$(now_ms)
if screen_wait_for '^ Status +(●|\*) up' 40; then
	t_pass "recovers when the node answers normally again (after $(($(now_ms) - t1)) ms)"
else
	t_fail "recovers when the node answers normally again"
fi

screen_send q
t_ok "q exits with status 0" screen_wait_for 'chaindeck exited with status 0' 10
screen_stop
proc_stop "$fpid"
t_done
