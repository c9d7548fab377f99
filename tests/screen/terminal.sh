#!/usr/bin/env bash
# chaindeck on awkward terminals (tmux):
#   dumb       TERM=dumb (no cursor addressing) is refused at once with a message naming a TERM to
#              use, and a non-zero exit status, instead of one frozen line
#   resize     seven nodes, scrolled to the last at 40x10, then the terminal grows to 300x100: all
#              seven rows show at once, the cursor still on the last
#   help       at 40x10 the help overlay cannot show every key: it says "more", scrolls with the
#              list keys (End shows the dashboard's last key, "r"), Home goes back, and another
#              key closes it
#   alerts     at 40x10 the alert log of nine down nodes says "more" and scrolls: between the
#              first page and the last, all nine alerts are seen
#   bidi       a node whose client version holds a right-to-left override (U+202E) and the other
#              bidi controls (tests/tools/faultnode --fault badtext): none of them reaches the
#              terminal (tmux pipe-pane records chaindeck's raw output), and the text around them
#              is shown in order
#   hangup     the terminal goes away under a running chaindeck (its tmux session killed, as an ssh
#              connection drops): chaindeck exits, rather than running on without a screen
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
need_built "$build/chaindeck" "$fnode"
dash_home chaindeck-terminal
d=$home
closed=$(free_port)

# run_cd NAME COLS ROWS CONFIG [ENV...]: chaindeck on CONFIG in a tmux session, its exit status
# printed after it
run_cd() {
	local name=$1 cols=$2 rows=$3 config=$4
	shift 4
	screen_chaindeck "$name" "$cols" "$rows" "$@" --config "$config" --log "$d/$name.log"
}

# nodes N FILE: N nodes n1..nN on a closed port (down: their names and alerts are what matters)
nodes() {
	{
		printf '[general]\ntimeout = 1000\nbell = off\n'
		for ((i = 1; i <= $1; i++)); do printf '[node "n%d"]\nurl = http://127.0.0.1:%s\n' "$i" "$closed"; done
	} >"$2"
}

# ---- dumb ----
nodes 1 "$d/one.ini"
run_cd dumb 80 24 "$d/one.ini" TERM=dumb
if screen_wait_for 'chaindeck exited with status' 10; then
	out=$(screen_capture -S -)
	if printf '%s\n' "$out" | grep -q 'TERM=dumb cannot move the cursor' &&
		printf '%s\n' "$out" | grep -q 'e\.g\. TERM=xterm-256color'; then
		t_pass "TERM=dumb: refused with a message that suggests a TERM"
	else
		t_fail "TERM=dumb: refused with a message that suggests a TERM" "$out"
	fi
	if printf '%s\n' "$out" | grep -q 'chaindeck exited with status 1'; then
		t_pass "TERM=dumb: exit status 1"
	else
		t_fail "TERM=dumb: exit status 1" "$out"
	fi
else
	t_fail "TERM=dumb: exits instead of drawing a frozen line"
	t_fail "TERM=dumb: exit status 1"
fi
screen_stop

# ---- resize ----
nodes 7 "$d/seven.ini"
run_cd resize 40 10 "$d/seven.ini"
t_ok "seven nodes at 40x10" screen_wait_for '^ n1 ' 10
screen_send End
t_ok "End scrolls to the last node" screen_wait_for '^ n7 .*DOWN' 5
t_ok "the first node is scrolled off" screen_wait_gone '^ n1 ' 5
screen_resize 300 100
if screen_wait_for '^ n1 ' 5; then
	s=$(screen_capture)
	missing=""
	for i in 1 2 3 4 5 6 7; do printf '%s\n' "$s" | grep -q "^ n$i " || missing="$missing n$i"; done
	if [ -z "$missing" ]; then t_pass "grown to 300x100: all seven nodes show"; else
		t_fail "grown to 300x100: all seven nodes show" "missing:$missing"
	fi
else
	t_fail "grown to 300x100: all seven nodes show" "n1 is not on screen"
fi
t_ok "the status line still names the last node" screen_wait_for '^ n7 \| ' 5

# ---- help ----
screen_resize 40 10
t_ok "back at 40x10" screen_wait_gone '^ n1 ' 5
screen_send '?'
t_ok "help at 40x10 says there is more below" screen_wait_for 'Keys .*Dashboard' 5
t_ok "  ... with a mark and how to scroll" screen_wait_for 'j/k scrolls.*more (↓|v)' 5
screen_send End
t_ok "End shows the dashboard's last key (r: poll every node now)" screen_wait_for '^│ r +poll every node now|^\| r +poll every node now' 5
t_ok "  ... and a mark for the lines above" screen_wait_for 'Keys .*more (↑|\^)' 5
screen_send Home
t_ok "Home goes back to the first key" screen_wait_for 'Tab +next pane' 5
screen_send x
t_ok "another key closes the help" screen_wait_gone 'Keys .*Dashboard' 5
screen_send q
t_ok "q exits with status 0" screen_wait_for 'chaindeck exited with status 0' 10
screen_stop

# ---- alerts ----
nodes 9 "$d/nine.ini"
run_cd alerts 40 10 "$d/nine.ini"
t_ok "nine nodes down" screen_wait_for '^ 9 nodes' 10
# every node's down alert raised: each is logged ("alert: n3: down ...")
end=$(($(now_ms) + 10000))
while [ "$(grep -c 'alert: n[0-9]: down' "$d/alerts.log" 2>/dev/null)" -lt 9 ] && [ "$(now_ms)" -lt "$end" ]; do
	sleep 0.1
done
t_ok "nine down alerts raised" test "$(grep -c 'alert: n[0-9]: down' "$d/alerts.log")" -eq 9
screen_send l
t_ok "the alert log opens" screen_wait_for 'Alerts \(newest first\)' 5
t_ok "  ... the mark" screen_wait_for 'more (↓|v)' 5
first=$(screen_capture)
screen_send End
t_ok "End scrolls the log: a mark for more above" screen_wait_for 'Alerts \(newest first\) +more (↑|\^)' 5
last=$(screen_capture)
seen=$(printf '%s\n%s\n' "$first" "$last" | sed -n 's/.*ALERT  *\(n[0-9]\): down.*/\1/p' | sort -u | wc -l)
if [ "$seen" -eq 9 ]; then t_pass "all nine alerts can be read by scrolling"; else
	t_fail "all nine alerts can be read by scrolling" "$seen seen; first page:
$first
last page:
$last"
fi
t_ok "  ... and the last page shows no mark below" screen_wait_gone 'more (↓|v)' 5
screen_send q
t_ok "q exits with status 0" screen_wait_for 'chaindeck exited with status 0' 10
screen_stop

# ---- bidi ----
_spawn "$fnode" --fault badtext --lifetime 60 >"$d/fn.port" 2>"$d/fn.err"
fpid=$_spawned_pid
node_track "$fpid"
end=$(($(now_ms) + 5000))
until [ -s "$d/fn.port" ] || [ "$(now_ms)" -ge "$end" ]; do sleep 0.02; done
printf '[general]\ntimeout = 1500\nbell = off\n[node "rtl"]\nurl = http://127.0.0.1:%s\n' \
	"$(head -n 1 "$d/fn.port")" >"$d/bidi.ini"
run_cd bidi 100 24 "$d/bidi.ini"
_tmux pipe-pane -o -t bidi "cat >>'$d/bidi.raw'"
t_ok "the client version is shown in order, the overrides gone" \
	screen_wait_for '^ Client +Geth/v1\.14\.0-stable-' 10
bad=$(python3 - "$d/bidi.raw" <<-'EOF'
	import sys
	text = open(sys.argv[1], 'rb').read().decode('utf-8', 'replace')
	found = sorted({'U+%04X' % ord(c) for c in text if c in
	                '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069'})
	print(' '.join(found) if text else 'no output recorded')
EOF
)
if [ -z "$bad" ]; then t_pass "no bidi control reaches the terminal"; else
	t_fail "no bidi control reaches the terminal" "in chaindeck's output: $bad"
fi
screen_send q
t_ok "q exits with status 0" screen_wait_for 'chaindeck exited with status 0' 10
screen_stop
proc_stop "$fpid"

# ---- hangup ----
nodes 1 "$d/hup.ini"
screen_start hup 80 24 sh -c 'echo $$ >"$0"; exec env XDG_CONFIG_HOME="$1/config" XDG_STATE_HOME="$1/state" "$2" --config "$3" --log "$1/hup.log"' \
	"$d/hup.pid" "$d" "$build/chaindeck" "$d/hup.ini"
t_ok "hangup: chaindeck runs" screen_wait_for 'n1' 10
hpid=$(cat "$d/hup.pid")
_tmux kill-session -t hup
end=$(($(now_ms) + 10000))
while kill -0 "$hpid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.1; done
if kill -0 "$hpid" 2>/dev/null; then
	t_fail "hangup: chaindeck exits when its terminal goes away" "still running: $(ps -o stat,pcpu -p "$hpid" | tail -n 1)"
	kill "$hpid"
else
	t_pass "hangup: chaindeck exits when its terminal goes away"
fi
t_ok "hangup: the log says the terminal closed" grep -q "terminal closed" "$d/hup.log"
t_done
