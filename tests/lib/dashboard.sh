# shellcheck shell=bash disable=SC2034 # build and fnode are for the test that sources it
# What the dashboard's screen tests share. Source it (it sources node.sh and screen.sh):
#   . "$here/../lib/dashboard.sh"
# On sourcing it sets
#   build   the build directory ($CHAINDECK_BUILD, default build)
#   fnode   tests/tools/faultnode in it (a node that misbehaves as asked)
#
#   dash_home PREFIX     $home: a private directory for this test, removed at exit
#   need_built FILE...   every FILE is an executable, or the test fails ("FILE is built") and ends
#   fn_start ARGS...     a faultnode (--lifetime 120 ARGS) under $home; waits (<= 5 s) for the port
#                        it prints: FN_PORT (empty if none came), FN_PID, FN_ERR (its stderr file)
#   wait_file REGEX TIMEOUT_S   waits until $home/alerts.txt (the test's alert hook writes it) has a
#                        line matching the extended REGEX; 1 on timeout
# Start chaindeck with screen_chaindeck (screen.sh).

[ -n "${_CHAINDECK_DASHBOARD_SH:-}" ] && return 0
_CHAINDECK_DASHBOARD_SH=1

# shellcheck source=tests/lib/screen.sh
. "$(dirname "${BASH_SOURCE[0]}")/screen.sh"

build=${CHAINDECK_BUILD:-build}
fnode=$build/tests/tools/faultnode

dash_home() {
	home=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
	cleanup_add "rm -rf '$home'"
}

need_built() {
	local b
	for b in "$@"; do
		[ -x "$b" ] || die "$b is built" "run: make test-bins"
	done
}

fn_start() {
	local out end
	out=$(mktemp "$home/fn.XXXXXX")
	FN_ERR=$out.err
	_spawn "$fnode" --lifetime 120 "$@" >"$out" 2>"$FN_ERR"
	FN_PID=$_spawned_pid
	node_track "$FN_PID"
	end=$(($(now_ms) + 5000))
	until [ -s "$out" ] || [ "$(now_ms)" -ge "$end" ]; do sleep 0.02; done
	FN_PORT=$(head -n 1 "$out")
}

wait_file() {
	local end=$(($(now_ms) + $2 * 1000))
	until grep -Eq "$1" "$home/alerts.txt" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
