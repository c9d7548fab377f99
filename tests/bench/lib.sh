# shellcheck shell=bash
# Helpers shared by the benches in tests/bench/bench_*.sh. Source it after tests/lib/node.sh.
#
#   BENCH_BUILD BENCH_RESULTS BENCH_STOPWATCH   set by tests/bench/run.sh
#   bench_tmp                  a private temp dir for this bench (removed on exit): $BENCH_TMP
#   tmx ARGS...                tmux on this bench's own server (socket chaindeck-bench-PID, no user
#                              tmux.conf); the server is killed on exit
#   tmx_screen SESSION         print SESSION's screen, trailing blank lines dropped (diagnostics)
#   tmx_wait_gone SESSION MS   wait (bounded) until SESSION has ended; 1 if it is still there
#   wait_for_file FILE MS      wait (bounded) until FILE exists and is non-empty
#   wait_for_text FILE TEXT MS wait (bounded) until FILE contains TEXT
#   result KEY VALUE           append KEY=VALUE to $BENCH_RESULTS
#   stats US...                print "min median max" of the integers given
#   ms US                      microseconds as milliseconds with one decimal
#   kib N                      N with thousands separators
#   ratio A B                  A/B with two decimals

[ -n "${_CHAINDECK_BENCH_LIB:-}" ] && return 0
_CHAINDECK_BENCH_LIB=1

: "${BENCH_BUILD:=build}"
: "${BENCH_RESULTS:=$BENCH_BUILD/bench/results.txt}"
: "${BENCH_STOPWATCH:=$BENCH_BUILD/bench/stopwatch}"

BENCH_TMUX_SOCKET=chaindeck-bench-$$
tmx() { tmux -L "$BENCH_TMUX_SOCKET" -f /dev/null "$@"; }
cleanup_add 'tmx kill-server >/dev/null 2>&1'

bench_tmp() {
	BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-bench.XXXXXX") || return 1
	# shellcheck disable=SC2016 # expanded when cleanup runs
	cleanup_add '[ "${CHAINDECK_KEEP_TMP:-0}" = 1 ] || rm -rf -- "$BENCH_TMP"'
	export BENCH_TMP
}

tmx_screen() {
	tmx capture-pane -p -t "=$1:" 2>/dev/null | awk '{ l[NR] = $0; if ($0 ~ /[^ \t]/) last = NR } END { for (i = 1; i <= last; i++) print l[i] }'
}

tmx_wait_gone() {
	local end=$(($(now_ms) + $2))
	while tmx has-session -t "=$1" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
	return 0
}

wait_for_file() {
	local end=$(($(now_ms) + $2))
	until [ -s "$1" ]; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

wait_for_text() {
	local end=$(($(now_ms) + $3))
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

result() {
	mkdir -p "$(dirname "$BENCH_RESULTS")" && printf '%s=%s\n' "$1" "$2" >>"$BENCH_RESULTS"
}

stats() {
	printf '%s\n' "$@" | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) exit 1
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%d %.0f %d\n", v[1], m, v[NR]
		}'
}

ms() { awk -v u="$1" 'BEGIN { printf "%.1f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
kib() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
