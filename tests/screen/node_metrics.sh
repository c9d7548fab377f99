#!/usr/bin/env bash
# A node's own metrics (metrics_url) against a real EthereumJS started with --prometheus: the
# detail view shows how long the process has been running, its CPU share and memory, as the node's
# endpoint says them (read here with curl and python, not with chaindeck's parser): uptime within
# a few seconds of now - process_start_time_seconds, memory within 25 % of
# process_resident_memory_bytes. A second node whose metrics_url is not a metrics endpoint (the
# JSON-RPC port) shows why, and its JSON-RPC figures stay. A metrics_url that is not http(s) is
# refused at load with the line.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
. "$here/../lib/devnet.sh"
dash_home chaindeck-screen
mport=$(free_port)
if ! DEVNET_PREMINE=1 DEVNET_A_ARGS="--prometheus --prometheusPort $mport" devnet_start_a; then
	t_fail "EthereumJS with --prometheus starts"; t_done; exit 1
fi
murl=http://127.0.0.1:$mport/metrics
end=$(($(now_ms) + 15000))
until curl -sf --max-time 2 "$murl" | grep -q '^process_start_time_seconds'; do
	[ "$(now_ms)" -ge "$end" ] && break
	sleep 0.2
done
# metric NAME: its value from the node's own endpoint (python reads the text)
metric() {
	curl -s --max-time 5 "$murl" | python3 -c '
import sys
name = sys.argv[1]
for line in sys.stdin:
    parts = line.split()
    if parts and (parts[0] == name or parts[0].startswith(name + "{")):
        print(int(float(parts[1]))); break' "$1"
}
start=$(metric process_start_time_seconds)
[ -n "$start" ] && t_pass "EthereumJS serves process_start_time_seconds ($start)" ||
	{ t_fail "EthereumJS serves process_start_time_seconds" "$(curl -s "$murl" | head -5)"; t_done; exit 1; }

config=$home/fleet.ini
cat >"$config" <<EOF
[general]
refresh = 200
[node "ejs"]
url = $DEVNET_A_URL
metrics_url = $murl
[node "wrong"]
url = $DEVNET_A_URL
metrics_url = $DEVNET_A_URL
EOF
chmod 600 "$config"
screen_chaindeck own 170 45 --config "$config" --log "$home/chaindeck.log"
screen_wait_for '^ ejs ' 15 >/dev/null
screen_send Enter
t_ok "detail view of ejs" screen_wait_for '^ Node +ejs ' 5
# the CPU share needs two scrapes (2 s apart at refresh 200 ms)
t_ok "Process: running for, CPU and memory" screen_wait_for '^ Process +running for [0-9hmds ]+, CPU [0-9]+\.[0-9] %, memory [0-9]+ MiB' 10
line=$(screen_capture | grep -m1 '^ Process ')
shown=$(printf '%s\n' "$line" | sed -E 's/.*running for ([0-9hmds ]+),.*/\1/' | awk '{ t = 0; for (i = 1; i <= NF; i++) { v = $i + 0; u = substr($i, length($i)); t += v * (u == "d" ? 86400 : u == "h" ? 3600 : u == "m" ? 60 : 1) } print t }')
want=$(($(date +%s) - start))
if [ -n "$shown" ] && [ $((shown - want)) -le 3 ] && [ $((want - shown)) -le 3 ]; then
	t_pass "uptime ${shown} s matches now - process_start_time_seconds (${want} s)"
else
	t_fail "uptime matches now - process_start_time_seconds" "shown '${shown}' from '$line', want $want"
fi
mib=$(printf '%s\n' "$line" | sed -E 's/.*memory ([0-9]+) MiB.*/\1/')
rss=$(( $(metric process_resident_memory_bytes) >> 20 ))
if [ $((mib * 4)) -ge $((rss * 3)) ] && [ $((mib * 4)) -le $((rss * 5)) ]; then
	t_pass "memory ${mib} MiB matches process_resident_memory_bytes (${rss} MiB)"
else
	t_fail "memory matches process_resident_memory_bytes" "shown ${mib} MiB, endpoint ${rss} MiB"
fi
t_ok "Own says: EthereumJS exports no peer or head figure, and it is said so" \
	screen_wait_for '^ Own says +no peer or head figure among its metrics' 3
screen_send j
t_ok "detail view of wrong" screen_wait_for '^ Node +wrong ' 5
t_ok "wrong: the JSON-RPC port is no metrics endpoint, and the view says why" \
	screen_wait_for '^ Process +metrics endpoint: (HTTP status [0-9]+|not the Prometheus text format: line [0-9]+: .*)' 10
t_ok "wrong: its JSON-RPC figures are there" screen_wait_for '^ Client +EthereumJS' 3
screen_send q
t_ok "q quits" screen_wait_for 'chaindeck exited with status 0' 5
grep -q "$mport/metrics" "$home/chaindeck.log" && t_fail "the log never holds the metrics URL" "it does" ||
	t_pass "the log never holds the metrics URL"

# load-time refusal
printf '[node "x"]\nurl = http://127.0.0.1:1\nmetrics_url = ipc:///tmp/x.ipc\n' >"$home/bad.ini"
chmod 600 "$home/bad.ini"
out=$("$build/chaindeck" --config "$home/bad.ini" --log "$home/bad.log" --headless 2>&1) && rc=0 || rc=$?
[ "$rc" -ne 0 ] && [[ $out == *"bad.ini:3: metrics_url must be an http:// or https:// URL"* ]] &&
	t_pass "an ipc metrics_url is refused with its line" || t_fail "an ipc metrics_url is refused" "rc $rc: $out"
t_done
