# shellcheck shell=bash
# Helpers for bash tests that run real nodes. Source it:  . tests/lib/node.sh
#
# Cleanup
#   cleanup_add CMD...   run CMD (a string, eval'd) when the test exits, last added runs first
#   node_cleanup         stop every node/listener started here and remove their temp dirs
#                        (runs from the EXIT trap; safe to call more than once)
#   An EXIT trap is installed on first source; an EXIT trap the caller set before sourcing is kept
#   and run last. A test that wants its own trap after sourcing should use cleanup_add instead
#   (or call cleanup_run from its trap). INT and TERM exit through the same trap.
#
# Nodes
#   free_port                    print a free loopback TCP port (not handed out before in this shell)
#   anvil_start [ARGS...]        start tests/npm/bin/anvil on 127.0.0.1, fresh state and temp dir, output
#                                to $ANVIL_DIR/anvil.log; waits (<= ANVIL_START_TIMEOUT, 15 s) until it
#                                answers eth_chainId. Sets ANVIL_PORT ANVIL_URL ANVIL_PID ANVIL_DIR.
#                                ARGS go to anvil (e.g. --block-time 1, --no-mining); don't pass --port.
#   anvil_stop [PID]             SIGTERM (then SIGKILL after 5 s) and reap; default $ANVIL_PID
#   anvil_kill [PID]             SIGKILL and reap; default $ANVIL_PID
#   node_track PID [DIR]         have node_cleanup stop PID (and remove DIR): for nodes started by hand
#   proc_stop PID / proc_kill PID   the same stop/kill for any tracked process
#   rpc_wait URL [TIMEOUT_S]     poll eth_chainId every 100 ms until URL answers; 1 on timeout
#   rpc URL METHOD [PARAMS_JSON] print the raw JSON response (curl, RPC_TIMEOUT s, default 10)
#   rpc_result URL METHOD [PARAMS_JSON]  print only "result" (strings bare, else JSON); 1 on error
#   blackhole_start              TCP listener on a loopback port that accepts and never answers;
#                                sets BLACKHOLE_PORT BLACKHOLE_PID
#   now_ms                       milliseconds since the epoch (for bounded polls)
#
# Test counter (last line is what tests/run.sh reads)
#   t_pass NAME | t_fail NAME MSG | t_ok NAME CMD... (pass if CMD succeeds) | t_done
#   die NAME [DETAIL]            t_fail, then t_done and exit 1: for a step the rest depends on
#   t_done prints "N passed, N failed" and returns 1 if anything failed, or if no check ran at all:
#   end a test with `t_done`.
#
# Processes started here get SIGKILL if the test shell dies without running its trap
# (PR_SET_PDEATHSIG through python3), so nothing outlives a test.

[ -n "${_CHAINDECK_NODE_SH:-}" ] && return 0
_CHAINDECK_NODE_SH=1

CHAINDECK_ROOT=${CHAINDECK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
CHAINDECK_NPM_BIN=${CHAINDECK_NPM_BIN:-$CHAINDECK_ROOT/tests/npm/bin}

# ---- cleanup -----------------------------------------------------------------------------------
_cleanup_cmds=()
cleanup_add() { _cleanup_cmds+=("$*"); }
cleanup_run() {
	local i
	for ((i = ${#_cleanup_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_cleanup_cmds[i]}" || true
	done
	_cleanup_cmds=()
}
_cleanup_on_exit() {
	local rc=$?
	trap - EXIT
	cleanup_run
	exit "$rc"
}
# keep a trap the caller set before sourcing us, run after ours
_prev_exit_trap=$(trap -p EXIT)
if [ -n "$_prev_exit_trap" ]; then
	_prev_exit_trap=${_prev_exit_trap#trap -- }
	eval "_prev_exit_trap=${_prev_exit_trap% EXIT}"
	cleanup_add "$_prev_exit_trap"
fi
trap _cleanup_on_exit EXIT
[ -z "$(trap -p INT)" ] && trap 'exit 130' INT
[ -z "$(trap -p TERM)" ] && trap 'exit 143' TERM
[ -z "$(trap -p HUP)" ] && trap 'exit 129' HUP

_node_pids=()
_node_dirs=()
_ports_given=" "
cleanup_add node_cleanup

now_ms() {
	local t=${EPOCHREALTIME//[.,]/}
	echo $((10#$t / 1000))
}

# Run "$@" in the background in its own session, killed with SIGKILL when this shell dies.
# Sets _spawned_pid.
# _SPAWN_DIR (optional): working directory. stdin is /dev/null; redirect stdout/stderr at the call
# (tests/run.sh reads the test's output until every holder of that pipe is gone).
# Call it in the test's own shell, not in ( ) or $( ): it is the parent whose death ends the process.
_spawn() {
	local parent=$BASHPID
	if command -v python3 >/dev/null 2>&1; then
		python3 -c '
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)
os.setsid()  # no terminal signals: a Ctrl-C meant for the program under test is not for us
if sys.argv[2]:
    os.chdir(sys.argv[2])
os.execvp(sys.argv[3], sys.argv[3:])
' "$parent" "${_SPAWN_DIR:-}" "$@" </dev/null &
	else
		(if [ -n "${_SPAWN_DIR:-}" ]; then cd "$_SPAWN_DIR" || exit 1; fi; exec "$@") </dev/null &
	fi
	_spawned_pid=$!
}

node_track() {
	_node_pids+=("$1")
	[ -n "${2:-}" ] && _node_dirs+=("$2")
	return 0
}
_untrack() {
	local p keep=()
	for p in "${_node_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	_node_pids=("${keep[@]}")
}

# 0 if PID is running (a zombie, exited but not yet reaped, is not)
_alive() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# wait for PID to exit, at most $2 ms; 0 if it did (stderr off: bash's "Killed" job notices)
_wait_exit() {
	local pid=$1 end=$(($(now_ms) + $2))
	while _alive "$pid"; do
		if [ "$(now_ms)" -ge "$end" ]; then return 1; fi
		sleep 0.05
	done
	wait "$pid" 2>/dev/null
	return 0
} 2>/dev/null

proc_stop() {
	local pid=${1:?proc_stop PID}
	kill -TERM "$pid" 2>/dev/null
	if ! _wait_exit "$pid" 5000; then
		kill -KILL "$pid" 2>/dev/null
		_wait_exit "$pid" 5000
	fi
	wait "$pid" 2>/dev/null
	_untrack "$pid"
	return 0
} 2>/dev/null
proc_kill() {
	local pid=${1:?proc_kill PID}
	kill -KILL "$pid" 2>/dev/null
	_wait_exit "$pid" 5000
	wait "$pid" 2>/dev/null
	_untrack "$pid"
	return 0
} 2>/dev/null

node_cleanup() {
	local p d
	for p in "${_node_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${_node_pids[@]}"; do
		if ! _wait_exit "$p" 3000; then kill -KILL "$p" 2>/dev/null; _wait_exit "$p" 2000; fi
	done
	_node_pids=()
	if [ "${CHAINDECK_KEEP_TMP:-0}" != 1 ]; then
		for d in "${_node_dirs[@]}"; do
			case $d in /tmp/* | "${TMPDIR:-/tmp}"/*) rm -rf -- "$d" ;; esac
		done
	fi
	_node_dirs=()
	return 0
} 2>/dev/null

# ---- ports and RPC -----------------------------------------------------------------------------
free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + RANDOM % 12000))
		case $_ports_given in *" $p "*) continue ;; esac
		if command -v python3 >/dev/null 2>&1; then
			python3 -c '
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$p" || continue
		else
			# something answers there: taken
			(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
		fi
		_ports_given+="$p "
		echo "$p"
		return 0
	done
	echo "free_port: no free port found" >&2
	return 1
}

rpc() {
	local url=${1:?rpc URL METHOD [PARAMS]} method=${2:?rpc URL METHOD [PARAMS]} params=${3:-[]}
	curl -s -m "${RPC_TIMEOUT:-10}" -H 'Content-Type: application/json' \
		--data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$method\",\"params\":$params}" "$url"
}

rpc_result() {
	local out
	out=$(rpc "$@") || return 1
	printf '%s' "$out" | python3 -c '
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
try:
    r = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
if not isinstance(r, dict) or "result" not in r:
    print(json.dumps(r.get("error") if isinstance(r, dict) else r), file=sys.stderr)
    sys.exit(1)
v = r["result"]
print(v if isinstance(v, str) else json.dumps(v))
'
}

rpc_wait() {
	local url=${1:?rpc_wait URL [TIMEOUT_S]} end=$(($(now_ms) + ${2:-15} * 1000))
	while :; do
		case $(RPC_TIMEOUT=1 rpc "$url" eth_chainId 2>/dev/null) in *'"result"'*) return 0 ;; esac
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# ---- anvil -------------------------------------------------------------------------------------
anvil_start() {
	local bin=${ANVIL_BIN:-$CHAINDECK_NPM_BIN/anvil}
	if [ ! -x "$bin" ]; then
		echo "anvil_start: $bin not found (run: make deps)" >&2
		return 1
	fi
	local dir pid port="" line end timeout=${ANVIL_START_TIMEOUT:-15}
	dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-anvil.XXXXXX") || return 1
	_node_dirs+=("$dir")
	# --port 0: the kernel picks a free port, anvil prints it; HOME and cwd keep it off user files
	_SPAWN_DIR=$dir _spawn env HOME="$dir" "$bin" --host 127.0.0.1 --port 0 "$@" >"$dir/anvil.log" 2>&1
	pid=$_spawned_pid
	node_track "$pid"
	end=$(($(now_ms) + timeout * 1000))
	while [ -z "$port" ]; do
		line=$(grep -m1 -o 'Listening on 127\.0\.0\.1:[0-9]*' "$dir/anvil.log" 2>/dev/null) && port=${line##*:}
		[ -n "$port" ] && break
		if ! _alive "$pid" || [ "$(now_ms)" -ge "$end" ]; then
			echo "anvil_start: anvil did not start (args: $*); log:" >&2
			tail -n 20 "$dir/anvil.log" >&2
			proc_kill "$pid"
			return 1
		fi
		sleep 0.05
	done
	ANVIL_PORT=$port ANVIL_URL="http://127.0.0.1:$port" ANVIL_PID=$pid ANVIL_DIR=$dir
	if ! rpc_wait "$ANVIL_URL" $(((end - $(now_ms)) / 1000 + 1)); then
		echo "anvil_start: anvil on $ANVIL_URL does not answer eth_chainId; log:" >&2
		tail -n 20 "$dir/anvil.log" >&2
		proc_kill "$pid"
		return 1
	fi
	export ANVIL_PORT ANVIL_URL ANVIL_PID ANVIL_DIR
	return 0
}

anvil_stop() { proc_stop "${1:-${ANVIL_PID:?anvil_stop: no anvil started}}"; }
anvil_kill() { proc_kill "${1:-${ANVIL_PID:?anvil_kill: no anvil started}}"; }

# rpc_proxy_start UPSTREAM MODE_FILE [HOST]: tests/lib/rpc_proxy.py in front of UPSTREAM, lying as
# MODE_FILE says (read again for every request), counting the calls (GET $PROXY_URL/counts);
# sets PROXY_URL. The proxy stops with the test.
rpc_proxy_start() {
	local port_file
	port_file=$(mktemp "${TMPDIR:-/tmp}/chaindeck-proxy.XXXXXX") || return 1
	rm -f "$port_file"
	cleanup_add "rm -f '$port_file'"
	_spawn python3 "$CHAINDECK_ROOT/tests/lib/rpc_proxy.py" "$1" "$2" "$port_file" "${3:-127.0.0.1}"
	node_track "$_spawned_pid"
	for _ in $(seq 100); do [ -s "$port_file" ] && break; sleep 0.05; done
	[ -s "$port_file" ] || return 1
	PROXY_URL="http://${3:-127.0.0.1}:$(cat "$port_file")"
	rpc_wait "$PROXY_URL" 5
}

# ---- a listener that never answers ---------------------------------------------------------------
blackhole_start() {
	local dir pid end
	dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-blackhole.XXXXXX") || return 1
	_node_dirs+=("$dir")
	_spawn python3 -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(128)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing, close nothing
' "$dir/port" >/dev/null 2>"$dir/err"
	pid=$_spawned_pid
	node_track "$pid"
	end=$(($(now_ms) + 5000))
	until [ -s "$dir/port" ]; do
		if ! _alive "$pid" || [ "$(now_ms)" -ge "$end" ]; then
			echo "blackhole_start: listener did not start:" >&2
			cat "$dir/err" >&2
			proc_kill "$pid"
			return 1
		fi
		sleep 0.02
	done
	BLACKHOLE_PORT=$(cat "$dir/port") BLACKHOLE_PID=$pid
	export BLACKHOLE_PORT BLACKHOLE_PID
	return 0
}

# ---- test counter --------------------------------------------------------------------------------
_t_pass=0 _t_fail=0
t_pass() { _t_pass=$((_t_pass + 1)); echo "ok - $1"; }
t_fail() { _t_fail=$((_t_fail + 1)); echo "FAIL - $1${2:+: $2}"; }
t_ok() {
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name" "command failed: $*"; fi
}
# t_done: the summary line; a script that ran no check at all fails (it proved nothing)
t_done() {
	if [ $((_t_pass + _t_fail)) -eq 0 ]; then
		echo "FAIL - no check ran"
		_t_fail=1
	fi
	echo "$_t_pass passed, $_t_fail failed"
	[ "$_t_fail" -eq 0 ]
}
# die NAME [DETAIL]: a setup step the rest of the test needs failed: count it, end the test
die() { t_fail "$1" "${2:-}"; t_done; exit 1; }
