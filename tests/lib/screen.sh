# shellcheck shell=bash
# tmux helpers for screen tests. Source it:  . tests/lib/screen.sh   (it sources node.sh too, so the
# node helpers, the cleanup trap and the test counter t_pass/t_fail/t_ok/t_done come with it).
#
# Every test gets its own tmux server on a private socket (-L chaindeck-test-$$), no user config,
# no status line (the pane is exactly COLS x ROWS), and panes that stay on screen after their
# command exits, so a crash message or exit status can still be read.
#
#   screen_start NAME COLS ROWS CMD...   start CMD (argv, no shell) in a new detached session NAME;
#                                        makes NAME current (SCREEN_NAME); env: the test's own
#   screen_capture [ARGS]                print the current screen (plain text); ARGS go to
#                                        capture-pane (-e for colours, -S - for history)
#   screen_send KEYS...                  tmux send-keys: "q", "Enter", "C-c", "Down", "Escape", ...
#   screen_type TEXT                     type TEXT literally (send-keys -l)
#   screen_wait_for REGEX [TIMEOUT_S]    poll every 100 ms until the screen matches the extended
#                                        REGEX (default 10 s); on timeout print the screen, return 1
#   screen_wait_gone REGEX [TIMEOUT_S]   the same, until nothing matches
#   screen_resize COLS ROWS              resize the window (the program gets SIGWINCH)
#   screen_exited                        0 if the command has exited; prints its exit status
#                                        (or "signal N")
#   screen_wait_exit [TIMEOUT_S]         wait until the command exits; prints its exit status
#   screen_stop                          kill this test's tmux server (also done by the cleanup trap)
#   screen_chaindeck NAME COLS ROWS [VAR=value...] ARGS...
#                                        chaindeck ARGS in a new session NAME (screen_start): built in
#                                        $build, config and state under $home (both set by the test),
#                                        ETH_RPC_URL empty, then VAR=value (which may override those);
#                                        logs to $home/chaindeck-NAME.log unless ARGS name a --log; a
#                                        shell around it prints "chaindeck exited with status N" when it
#                                        quits; CHAINDECK_WRAP (valgrind ...) goes before chaindeck
# Several sessions can run at once: set SCREEN_NAME to pick the one the functions act on.

[ -n "${_CHAINDECK_SCREEN_SH:-}" ] && return 0
_CHAINDECK_SCREEN_SH=1

# shellcheck source=tests/lib/node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

SCREEN_SOCKET=chaindeck-test-$$
SCREEN_NAME=${SCREEN_NAME:-}
SCREEN_TIMEOUT=${SCREEN_TIMEOUT:-10}
_screen_conf=""
cleanup_add screen_stop

_tmux() { env -u TMUX tmux -L "$SCREEN_SOCKET" "$@"; }

screen_start() {
	if [ $# -lt 4 ]; then
		echo "usage: screen_start NAME COLS ROWS CMD..." >&2
		return 2
	fi
	local name=$1 cols=$2 rows=$3
	shift 3
	if [ -z "$_screen_conf" ]; then
		_screen_conf=$(mktemp "${TMPDIR:-/tmp}/chaindeck-tmux.XXXXXX") || return 1
		cat >"$_screen_conf" <<-'EOF'
			set -g status off
			set -g remain-on-exit on
			set -g history-limit 2000
			set -g escape-time 0
			set -g default-terminal tmux-256color
		EOF
	fi
	# a terminfo entry the program can load: tmux-256color is in ncurses-term, screen is always there
	if ! infocmp tmux-256color >/dev/null 2>&1; then
		sed -i 's/tmux-256color/screen-256color/' "$_screen_conf"
		infocmp screen-256color >/dev/null 2>&1 || sed -i 's/screen-256color/screen/' "$_screen_conf"
	fi
	if ! _tmux -f "$_screen_conf" new-session -d -s "$name" -x "$cols" -y "$rows" -- "$@"; then
		echo "screen_start: tmux could not start session $name" >&2
		return 1
	fi
	SCREEN_NAME=$name
	return 0
}

screen_capture() {
	[ -n "$_screen_record" ] || {
		_tmux capture-pane -p -t "${SCREEN_NAME:?no screen started}" "$@"
		return
	}
	local out sum
	out=$(_tmux capture-pane -p -t "${SCREEN_NAME:?no screen started}" "$@") || return 1
	sum=$(printf '%s' "$out" | cksum)
	if [ "$sum" != "$_screen_record_last" ]; then
		_screen_record_last=$sum
		printf '===== %s %s\n%s\n' "$SCREEN_NAME" "$*" "$out" >>"$_screen_record"
	fi
	printf '%s\n' "$out"
}
# screen_record FILE: from now on every capture (the waits' too; consecutive duplicates once) is
# also appended to FILE, so that a test can search all that was ever on screen, for secrets say
_screen_record=
_screen_record_last=
screen_record() {
	_screen_record=$1
	: >"$1"
}

screen_send() { _tmux send-keys -t "${SCREEN_NAME:?no screen started}" "$@"; }

screen_type() { _tmux send-keys -t "${SCREEN_NAME:?no screen started}" -l "$*"; }

screen_resize() { _tmux resize-window -t "${SCREEN_NAME:?no screen started}" -x "$1" -y "$2"; }

screen_exited() {
	local st pid server i
	st=$(_tmux display-message -p -t "${SCREEN_NAME:?no screen started}" \
		'#{pane_dead} #{pane_dead_status} #{pane_dead_signal}|#{pane_pid}|#{pid}') || return 1
	pid=${st#*|} server=${pid#*|} pid=${pid%|*} st=${st%%|*}
	for ((i = 0; i < 20; i++)); do
		case $st in "1 "[0-9]* | "1  "[0-9]*) break ;; esac
		_alive "$pid" && break
		# The program has exited (a zombie or gone) but tmux has no status for it: tmux 3.3
		# sometimes misses the SIGCHLD of a pane whose program exits right after printing.
		# Nudge it (it then reaps with waitpid) and ask again.
		kill -CHLD "$server" 2>/dev/null
		sleep 0.01
		st=$(_tmux display-message -p -t "$SCREEN_NAME" '#{pane_dead} #{pane_dead_status} #{pane_dead_signal}') || return 1
	done
	case $st in
	"1  ") return 1 ;; # dead, but tmux has not filled in how yet: ask again
	"1  "*) echo "signal ${st#1  }"; return 0 ;; # killed by a signal: no status
	"1 "*) st=${st#1 }; echo "${st%% *}"; return 0 ;;
	*) return 1 ;;
	esac
}

# _screen_poll WANT REGEX TIMEOUT: WANT=1 wait for a match, WANT=0 wait for no match
_screen_poll() {
	local want=$1 re=$2 end=$(($(now_ms) + ${3:-$SCREEN_TIMEOUT} * 1000)) out got dead=""
	while :; do
		# once dead, tmux's "Pane is dead" notice has scrolled the top line into history: include it
		out=$(screen_capture ${dead:+-S -1} 2>&1) || { echo "screen: session ${SCREEN_NAME} is gone" >&2; return 1; }
		if printf '%s\n' "$out" | grep -Eq -- "$re"; then got=1; else got=0; fi
		[ "$got" = "$want" ] && return 0
		# a dead pane will not change any more: one last look was taken above
		[ -n "$dead" ] && break
		screen_exited >/dev/null && dead=1 && continue
		[ "$(now_ms)" -ge "$end" ] && break
		sleep 0.1
	done
	{
		if [ "$want" = 1 ]; then echo "screen: timed out waiting for /$re/"; else echo "screen: /$re/ still on screen"; fi
		[ -n "$dead" ] && echo "screen: the program exited (status $(screen_exited))"
		echo "----- screen ${SCREEN_NAME} -----"
		printf '%s\n' "$out"
		echo "-----"
	} >&2
	return 1
}

screen_wait_for() { _screen_poll 1 "${1:?screen_wait_for REGEX [TIMEOUT_S]}" "${2:-}"; }
screen_wait_gone() { _screen_poll 0 "${1:?screen_wait_gone REGEX [TIMEOUT_S]}" "${2:-}"; }

screen_wait_exit() {
	local end=$(($(now_ms) + ${1:-$SCREEN_TIMEOUT} * 1000))
	until screen_exited; do
		if [ "$(now_ms)" -ge "$end" ]; then
			{ echo "screen: ${SCREEN_NAME} still running; screen:"; screen_capture; } >&2
			return 1
		fi
		sleep 0.1
	done
}

screen_stop() {
	local pids p
	pids=$(_tmux list-panes -a -F '#{pane_pid}' 2>/dev/null)
	_tmux kill-server 2>/dev/null
	# the programs got SIGHUP from the server; make sure none of them lingers
	for p in $pids; do
		_wait_exit "$p" 2000 || { kill -KILL "$p" 2>/dev/null; _wait_exit "$p" 2000; }
	done
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SCREEN_SOCKET"
	[ -n "$_screen_conf" ] && rm -f "$_screen_conf"
	_screen_conf=""
	return 0
}

# shellcheck disable=SC2086 # CHAINDECK_WRAP (valgrind ...) is words
screen_chaindeck() {
	local name=$1 cols=$2 rows=$3 a
	local -a vars=() log=(--log "$home/chaindeck-$1.log")
	shift 3
	while [ $# -gt 0 ] && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do vars+=("$1"); shift; done
	for a in "$@"; do [ "$a" = --log ] && log=(); done
	screen_start "$name" "$cols" "$rows" sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" ETH_RPC_URL= "${vars[@]}" \
		${CHAINDECK_WRAP:-} "$build/chaindeck" "$@" "${log[@]}"
}
