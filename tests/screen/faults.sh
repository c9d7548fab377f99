#!/usr/bin/env bash
# The fault matrix: chaindeck's dashboard (80x24) against tests/tools/faultnode playing one
# misbehaving node per fault. For each fault:
#   state      the screen says what is wrong: DOWN with a reason, a condition next to "up", or the
#              thing the fault is about (the changed chain id, the head following a reorg, the client
#              name with its escapes made harmless). A node that answers every call with an error or
#              with garbage must not be shown as plainly "up" with its last good values.
#   escapes    nothing the node sent reaches the terminal as a control sequence: the pane title is
#              unchanged ("\e]0;pwned\a" sets it in a terminal that obeys), and chaindeck's raw output
#              (tmux pipe-pane) holds no OSC, no BEL, no C1 control, no bidi control (U+202E, ...) and
#              no invalid UTF-8; the log no escape either
#   keys       a key changes the screen while the fault is on (tmux), and keylat's key-to-screen
#              latency over 100 presses has p99 < 100 ms and no press unanswered within 1 s. keylat
#              runs chaindeck on a pty of its own, so that is a second run per fault, one at a time
#              after the tmux part, against a fresh faultnode, with nothing else running
#   recovery   with the fault switched off (SIGUSR1 to faultnode), "up" again with nothing after it
#              and a head at most 2 s old, by itself
#   exit       q gives "chaindeck exited with status 0" (under ASan a leak makes that non-zero); the
#              config file is left as it was
# Also: under huge, chaindeck stops reading near the status poll's cap, about 1 MiB (faultnode reports
# what went out, kernel buffers included), and
# each faultnode (but huge's) used next to no CPU (it never spins). At the end, a table: fault, the
# Status line shown, keylat p50/p99 in ms, and how long recovery took.
# The tmux part runs every fault at once, each in its own session against its own faultnode, which
# is healthy for 3 s (so chaindeck has live values first) and then plays the fault.
#
# chaindeck gets a config file with [general] timeout = 1500 (the default is 5000 ms per call) so the
# blackhole, slow and drip cases turn DOWN in 1.5 s and the matrix stays under ~3 minutes; and
# bell = off, so a BEL in the output can only come from the node. It is passed with --config: the
# default $XDG_CONFIG_HOME/chaindeck/config.ini is not read at the moment (tui/main.c takes the length
# config_default_path returns for an error).
#
# FAULTS_ONLY="refuse huge" runs a subset. CHAINDECK_BUILD picks the build (build/asan under make asan).
# Under CHAINDECK_WRAP (valgrind) the latency is reported, not held to 100 ms.
set -u
here=$(dirname "$0")
. "$here/../lib/dashboard.sh"
keylat=$build/tests/tools/keylat

need_built "$build/chaindeck" "$fnode" "$keylat"

root=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-faults.XXXXXX")
[ "${CHAINDECK_KEEP_TMP:-0}" = 1 ] || cleanup_add "rm -rf '$root'"

all=(refuse blackhole slow slow_ok drip http500 http502 html truncated huge rpcerror wrongid wrongtype
	outofrange chainid reorg badtext)
faults=("${all[@]}")
if [ -n "${FAULTS_ONLY:-}" ]; then
	read -r -a faults <<<"$FAULTS_ONLY"
fi

up='(●|\*) up'
# A node that answers, but not usefully: anything but a plain "up" on the Status line.
answered_badly="^ Status +(DOWN since|$up +[A-Z?]+)|^ Status .*([Ee]rror|invalid)"
timed_out='^ Status +DOWN since .*(no answer|timed out|timeout)'

declare -A ARGS WANT WANT2 WHY
for f in "${all[@]}"; do ARGS[$f]="--fault $f"; WANT2[$f]=""; done
ARGS[slow]="--fault slow --slow 3"
ARGS[slow_ok]="--fault slow --slow 1"
ARGS[drip]="--fault drip --drip-ms 100"
WANT[refuse]='^ Status +DOWN since .*(refused|connect)'
WANT[blackhole]=$timed_out
WANT[slow]=$timed_out
WANT[slow_ok]="^ Status +$up *\$"
WANT2[slow_ok]='^ Latency +1\.[0-9]+ s'
WANT[drip]=$timed_out
WANT[http500]=$answered_badly
WANT[http502]='^ Status +DOWN since .*502'
WANT[html]='^ Status +DOWN since .*(JSON|HTML|html)'
WANT[truncated]='^ Status +DOWN since'
WANT[huge]='^ Status +DOWN since .*answer over [0-9]+ [KM]iB refused'
WANT[rpcerror]=$answered_badly
WANT[wrongid]=$answered_badly
WANT[wrongtype]=$answered_badly
WANT[outofrange]=$answered_badly
WANT[chainid]="^ Status +$up +CHAIN"
WANT2[chainid]='^ Chain id .*31337 to 1'
WANT[reorg]="^ Status +$up"   # and the head seen going back or changing hash at one height
WANT[badtext]="^ Status +$up"
WANT2[badtext]='^ Client +Geth/v1\.14\.0-'
WHY[slow_ok]="slow answers within the timeout: up, latency about 1 s"
WHY[http500]="HTTP 500 with a JSON-RPC error body"
WHY[rpcerror]="every call answered with a JSON-RPC error"
WHY[wrongid]="no answer carries the id it was asked with"
WHY[wrongtype]="values of the wrong JSON type, batches of the wrong length"
WHY[outofrange]="quantities of 80 hex digits, 0x-1, 0x"

declare -A PORT FPID STATE RECOVERED TITLE0 REORG_LAST REORG_SEEN
conf() {
	printf '[general]\ntimeout = 1500\nbell = off\n' >"$1"
}

# fn_start DIR ARGS...: a faultnode, its port in PORT_STARTED, pid in FPID_STARTED
fn_start() {
	local dir=$1 end
	shift
	_spawn "$fnode" --lifetime 400 "$@" >"$dir/fn.port" 2>"$dir/fn.err"
	FPID_STARTED=$_spawned_pid
	node_track "$FPID_STARTED"
	end=$(($(now_ms) + 5000))
	until [ -s "$dir/fn.port" ]; do
		if ! _alive "$FPID_STARTED" || [ "$(now_ms)" -ge "$end" ]; then
			cat "$dir/fn.err" >&2
			return 1
		fi
		sleep 0.02
	done
	PORT_STARTED=$(head -n 1 "$dir/fn.port")
}

# the Status line, "DOWN since 12:00:00 — why" shortened to "DOWN: why", "● up" to "up"
status_of() { printf '%s\n' "$1" | sed -n 's/^ Status  *//p' |
	sed 's/DOWN since [0-9:]* [^ ]* /DOWN: /; s/^[^ ]* up/up/' | head -n 1; }

# ---- the tmux part: every fault at once -----------------------------------------------------------
for f in "${faults[@]}"; do
	d=$root/$f
	mkdir -p "$d/config" "$d/state" "$d/kl"
	conf "$d/config.ini"
	cp "$d/config.ini" "$d/config.orig"
	# shellcheck disable=SC2086 # ARGS holds words
	if ! fn_start "$d" ${ARGS[$f]} --delay 3; then
		t_fail "$f: faultnode starts"
		continue
	fi
	PORT[$f]=$PORT_STARTED FPID[$f]=$FPID_STARTED
	# shellcheck disable=SC2086 # CHAINDECK_WRAP is words (valgrind and its options)
	screen_start "f_$f" 80 24 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" ETH_RPC_URL= \
		${CHAINDECK_WRAP:-} "$build/chaindeck" --config "$d/config.ini" \
		--rpc-url "http://127.0.0.1:${PORT[$f]}" --log "$d/chaindeck.log" || { t_fail "$f: tmux session"; continue; }
	_tmux pipe-pane -o -t "f_$f" "cat >>'$d/raw'"
	TITLE0[$f]=$(_tmux display-message -p -t "f_$f" '#{pane_title}')
done
started=()
for f in "${faults[@]}"; do [ -n "${PORT[$f]:-}" ] && started+=("$f"); done

# Live values first, from the healthy node (before any fault is on).
for f in "${started[@]}"; do
	SCREEN_NAME=f_$f
	screen_wait_for 'Chain id +31337' 10 2>/dev/null || t_fail "$f: live values before the fault" "no chain id 31337 on screen"
done

# reorg_note F SCREEN: 0 once the head was seen going back, or changing hash at one height
reorg_note() {
	local line num hash
	line=$(printf '%s\n' "$2" | sed -n 's/^ Head  *#\([0-9,]*\)  *\(0x[0-9a-f.]*\).*/\1 \2/p' | head -n 1)
	[ -n "$line" ] || return 1
	num=${line%% *} num=${num//,/} hash=${line#* }
	if [ -n "${REORG_LAST[$1]:-}" ]; then
		local pnum=${REORG_LAST[$1]%% *} phash=${REORG_LAST[$1]#* }
		if [ "$num" -lt "$pnum" ]; then REORG_SEEN[$1]="#$pnum -> #$num"; fi
		if [ "$num" -eq "$pnum" ] && [ "$hash" != "$phash" ]; then REORG_SEEN[$1]="#$num: new hash"; fi
	fi
	REORG_LAST[$1]="$num $hash"
	[ -n "${REORG_SEEN[$1]:-}" ]
}

# State: poll every session until it shows its fault; each has until 10 s after its fault went on.
pending=("${started[@]}")
end=$(($(now_ms) + 16000))
while [ ${#pending[@]} -gt 0 ] && [ "$(now_ms)" -lt "$end" ]; do
	left=()
	for f in "${pending[@]}"; do
		s=$(SCREEN_NAME=f_$f screen_capture 2>/dev/null)
		ok=1
		grep -q 'fault .* on' "$root/$f/fn.err" 2>/dev/null || ok=0
		printf '%s\n' "$s" | grep -Eq -- "${WANT[$f]}" || ok=0
		if [ -n "${WANT2[$f]}" ]; then printf '%s\n' "$s" | grep -Eq -- "${WANT2[$f]}" || ok=0; fi
		if [ "$f" = reorg ]; then reorg_note "$f" "$s" || ok=0; fi
		if [ "$ok" = 1 ]; then
			STATE[$f]=$(status_of "$s")
			[ "$f" = reorg ] && STATE[$f]="${STATE[$f]}, head ${REORG_SEEN[$f]}"
			[ "$f" = chainid ] && STATE[$f]="${STATE[$f]}, chain id 31337 -> 1"
			[ "$f" = badtext ] && STATE[$f]="${STATE[$f]}, client text sanitized"
			[ "$f" = slow_ok ] && STATE[$f]="${STATE[$f]}, $(printf '%s\n' "$s" | sed -n 's/^ Latency  *\([0-9.]* [a-zµ]*\).*/latency \1/p' | head -n 1)"
			t_pass "$f: shows '${STATE[$f]}'"
			printf '%s\n' "$s" >"$root/$f/state.txt"
		else
			left+=("$f")
		fi
	done
	pending=("${left[@]}")
	[ ${#pending[@]} -gt 0 ] && sleep 0.2
done
for f in "${pending[@]}"; do
	s=$(SCREEN_NAME=f_$f screen_capture 2>/dev/null)
	STATE[$f]="NOT CLEAR: $(status_of "$s")"
	t_fail "$f: shows a clear state" "${WHY[$f]:-$f}: wanted /${WANT[$f]}/${WANT2[$f]:+ and /${WANT2[$f]}/}; screen:
$s"
done

# Keys still reach the screen while the fault is on ('v' flips details and network).
for f in "${started[@]}"; do
	SCREEN_NAME=f_$f
	screen_send v
	screen_wait_for 'Recent heads' 2 2>/dev/null || { t_fail "$f: a key reaches the screen during the fault"; continue; }
	screen_send v
	if screen_wait_for '^ Status' 2 2>/dev/null; then t_pass "$f: keys work during the fault"; else t_fail "$f: back to the details"; fi
done

# Nothing from the node reaches the terminal as a control sequence.
# bytes_check term|log FILE: what is wrong with it, nothing if all is well. In the terminal stream
# ESC is chaindeck's own (ncurses); an OSC (a title change, colours) or a BEL is not (bell = off).
bytes_check() {
	python3 - "$1" "$2" <<-'EOF'
		import sys
		kind, path = sys.argv[1], sys.argv[2]
		try:
		    data = open(path, 'rb').read()
		except OSError as e:
		    print('cannot read %s: %s' % (path, e))
		    sys.exit(0)
		bad = []
		if kind == 'log' and b'\x1b' in data:
		    bad.append('an ESC')
		if b'\x1b]' in data:
		    bad.append('an OSC sequence')
		if b'\x07' in data:
		    bad.append('a BEL')
		text = data.decode('utf-8', 'replace')
		if '\ufffd' in text:
		    bad.append('invalid UTF-8 (a raw C1 byte?)')
		if any('\x80' <= ch <= '\x9f' for ch in text):
		    bad.append('a C1 control')
		if any(ch in '\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069' for ch in text):
		    bad.append('a bidi control (U+202E and the like)')
		if kind == 'term' and not data:
		    bad.append('no output recorded')
		print(', '.join(bad))
	EOF
}
for f in "${started[@]}"; do
	d=$root/$f
	title=$(_tmux display-message -p -t "f_$f" '#{pane_title}')
	if [ "$title" = "${TITLE0[$f]:-}" ] && [[ $title != *pwned* ]]; then
		t_pass "$f: pane title unchanged"
	else
		t_fail "$f: pane title unchanged" "was '${TITLE0[$f]:-}', now '$title'"
	fi
	bad=$(bytes_check term "$d/raw")
	if [ -z "$bad" ]; then t_pass "$f: no control sequence from the node in the output"; else t_fail "$f: output clean" "$bad"; fi
	bad=$(bytes_check log "$d/chaindeck.log")
	if [ -z "$bad" ]; then t_pass "$f: no control character in the log"; else t_fail "$f: log clean" "$bad"; fi
done

# huge: chaindeck stops reading at the poll's cap (about 1 MiB; kernel buffers let a few MiB more go out).
if [ -n "${FPID[huge]:-}" ]; then
	most=$(sed -n 's/^faultnode: huge: \([0-9]*\) bytes sent.*/\1/p' "$root/huge/fn.err" | sort -n | tail -n 1)
	if [ -n "$most" ] && [ "$most" -le $((16 * 1024 * 1024)) ]; then
		t_pass "huge: reading stopped at the cap (at most $((most / 1048576)) MiB of 1 GiB went out)"
	else
		t_fail "huge: reading stops at the cap" "bytes sent: '${most:-none}'"
	fi
fi

# Recovery: the fault off, chaindeck back to a plain "up" with a fresh head, by itself.
for f in "${started[@]}"; do kill -USR1 "${FPID[$f]}"; RECOVERED[$f]=no; done
pending=("${started[@]}")
t0=$(now_ms)
# huge has been backing off (answers refused for size: 1 s doubling to 30 s): up to 30 s more
end=$((t0 + 15000))
[ -n "${FPID[huge]:-}" ] && end=$((t0 + 35000))
while [ ${#pending[@]} -gt 0 ] && [ "$(now_ms)" -lt "$end" ]; do
	left=()
	for f in "${pending[@]}"; do
		s=$(SCREEN_NAME=f_$f screen_capture 2>/dev/null)
		if printf '%s\n' "$s" | grep -Eq "^ Status +$up *\$" &&
			printf '%s\n' "$s" | grep -Eq '^ Head +#[0-9,]+ +0x[0-9a-f.]+ +[0-2]s ago'; then
			RECOVERED[$f]="yes, $(($(now_ms) - t0)) ms"
			t_pass "$f: recovers when the fault clears (after ${RECOVERED[$f]#yes, })"
		else
			left+=("$f")
		fi
	done
	pending=("${left[@]}")
	[ ${#pending[@]} -gt 0 ] && sleep 0.2
done
for f in "${pending[@]}"; do
	t_fail "$f: recovers when the fault clears" "screen after $(($(now_ms) - t0)) ms:
$(SCREEN_NAME=f_$f screen_capture 2>/dev/null)"
done

# q: exit status 0 (ASan/LSan make it non-zero), config untouched. All quit at once; a sanitized
# build runs LeakSanitizer's scan in each as it exits, so there they quit one at a time with a
# longer (still bounded) window. Alone, each exits in about 0.1 s.
exit_wait=20 one_by_one=no
if nm "$build/chaindeck" 2>/dev/null | grep -q __asan_init; then exit_wait=90 one_by_one=yes; fi
[ "$one_by_one" = no ] && for f in "${started[@]}"; do SCREEN_NAME=f_$f screen_send q; done
for f in "${started[@]}"; do
	SCREEN_NAME=f_$f
	# Sanitized: one at a time, so seventeen exit-time leak scans do not fight over two cores.
	[ "$one_by_one" = yes ] && screen_send q
	if screen_wait_for 'chaindeck exited with status' "$exit_wait" 2>/dev/null; then
		st=$(screen_capture -S - | sed -n 's/.*chaindeck exited with status \([0-9]*\).*/\1/p' | tail -n 1)
		if [ "$st" = 0 ]; then t_pass "$f: q exits with status 0"; else
			t_fail "$f: q exits with status 0" "status $st; $(screen_capture -S - | tail -n 30)"
		fi
	else
		t_fail "$f: q exits" "still running after $exit_wait s"
	fi
	t_ok "$f: config file unchanged" cmp -s "$root/$f/config.ini" "$root/$f/config.orig"
done
screen_stop
# faultnode sleeps between events: a few ms of CPU over the run (huge streams, so it is left out)
for f in "${started[@]}"; do
	if [ "$f" != huge ] && read -r -a pst <"/proc/${FPID[$f]}/stat"; then
		ticks=$((pst[13] + pst[14]))
		if [ "$ticks" -lt 100 ]; then t_pass "$f: faultnode idles ($ticks ticks of CPU)"; else
			t_fail "$f: faultnode idles" "$ticks ticks of CPU"
		fi
	fi
	proc_stop "${FPID[$f]}"
done

# ---- keylat: one fault at a time, nothing else running ------------------------------------------
declare -A P50 P99
kl_pid=
# shellcheck disable=SC2317 # called from the cleanup
kl_stop() {
	[ -n "$kl_pid" ] || return 0
	local e=$(($(now_ms) + 10000))
	kill -TERM "$kl_pid" 2>/dev/null
	while kill -0 "$kl_pid" 2>/dev/null && [ "$(now_ms)" -lt "$e" ]; do sleep 0.05; done
	kill -KILL "$kl_pid" 2>/dev/null
	wait "$kl_pid" 2>/dev/null
	kl_pid=
}
cleanup_add kl_stop
for f in "${faults[@]}"; do
	d=$root/$f/kl
	P50[$f]=- P99[$f]=-
	mkdir -p "$d/config" "$d/state"
	conf "$d/config.ini"
	# shellcheck disable=SC2086 # ARGS holds words
	if ! fn_start "$d" ${ARGS[$f]} --delay 1; then
		t_fail "$f: faultnode for keylat starts"
		continue
	fi
	# 3 s idle: the fault is on after 1 s and shows within 1.5 s more; then 100 presses of 'v'
	# shellcheck disable=SC2086 # CHAINDECK_WRAP is words
	"$keylat" --ready-file "$d/chaindeck.log" --ready-text "starting with" --start-timeout-ms 15000 \
		--idle-ms 3000 --keys 100 --key-chars v --quiet-ms 30 --quiet-max-ms 1000 --timeout-ms 1000 \
		--size 80x24 --raw "$d/latency.txt" -- \
		env XDG_CONFIG_HOME="$d/config" XDG_STATE_HOME="$d/state" ETH_RPC_URL= \
		${CHAINDECK_WRAP:-} "$build/chaindeck" --config "$d/config.ini" \
		--rpc-url "http://127.0.0.1:$PORT_STARTED" --log "$d/chaindeck.log" >"$d/keylat.out" 2>"$d/keylat.err" &
	kl_pid=$!
	wait "$kl_pid"
	rc=$?
	kl_pid=
	proc_stop "$FPID_STARTED"
	declare -A R=()
	while IFS= read -r line; do
		case $line in *=*) R[${line%%=*}]=${line#*=} ;; esac
	done <"$d/keylat.out"
	if [ "$rc" -ne 0 ] || [ -z "${R[p99_us]:-}" ] || [ "${R[p99_us]}" = n/a ]; then
		t_fail "$f: keylat measured" "keylat status $rc: $(tail -n 5 "$d/keylat.err")"
		continue
	fi
	P50[$f]=$(awk -v u="${R[p50_us]}" 'BEGIN { printf "%.1f", u / 1000 }')
	P99[$f]=$(awk -v u="${R[p99_us]}" 'BEGIN { printf "%.1f", u / 1000 }')
	if [ -n "${CHAINDECK_WRAP:-}" ]; then
		# valgrind and the like slow chaindeck tens of times: figures only, the bound is for the binary
		t_pass "$f: key to screen under ${CHAINDECK_WRAP%% *}: p50 ${P50[$f]} ms, p99 ${P99[$f]} ms, ${R[timeouts]} unanswered (not checked)"
	elif awk -v u="${R[p99_us]}" 'BEGIN { exit !(u < 100000) }' && [ "${R[timeouts]}" = 0 ]; then
		t_pass "$f: key to screen p50 ${P50[$f]} ms, p99 ${P99[$f]} ms (max $((${R[max_us]%.*} / 1000)) ms, ${R[count]} presses)"
	else
		t_fail "$f: key to screen p99 < 100 ms, every press answered" \
			"p50 ${P50[$f]} ms, p99 ${P99[$f]} ms, max ${R[max_us]} us, ${R[timeouts]} of ${R[keys]} unanswered within 1 s"
	fi
done

# ---- the table ------------------------------------------------------------------------------------
echo
printf '%-11s %-50s %15s  %s\n' fault 'state shown' 'keys p50/p99 ms' recovered
for f in "${faults[@]}"; do
	st=${STATE[$f]:-not started}
	[ ${#st} -gt 50 ] && st="${st:0:47}..."
	printf '%-11s %-50s %15s  %s\n' "$f" "$st" "${P50[$f]:--}/${P99[$f]:--}" "${RECOVERED[$f]:-no}"
done
echo
t_done
