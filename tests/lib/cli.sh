# shellcheck shell=bash disable=SC2034 # build, bin, cast, work are for the test that sources it
# The opening the command-line integration tests share. Source it (it sources node.sh, so the
# cleanup trap and the test counter come with it):  . "$(dirname "$0")/../lib/cli.sh"
# It changes to the repository root and sets
#   build   the build directory: $CHAINDECK_BUILD (default build), relative to the root or absolute
#   bin     the chaindeck binary in it (an absolute path, so it still works after a cd)
#   cast    Foundry's cast from the npm test parts
#
#   cli_home PREFIX   $work: a private directory (removed at exit, kept when KEEP is set) holding
#                     HOME and every XDG_* base directory, all exported, so a test never reads or
#                     writes the user's files; $HOME is created, the XDG directories are left to
#                     the program (creating them is part of what it does)

[ -n "${_CHAINDECK_CLI_SH:-}" ] && return 0
_CHAINDECK_CLI_SH=1

# shellcheck source=tests/lib/node.sh
. "$(dirname "${BASH_SOURCE[0]}")/node.sh"

cd "$CHAINDECK_ROOT" || exit 2
build=${CHAINDECK_BUILD:-build}
bin="$PWD/$build/chaindeck"
[ "${build#/}" != "$build" ] && bin="$build/chaindeck"
cast=$CHAINDECK_NPM_BIN/cast

cli_home() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX") || exit 1
	[ -n "${KEEP:-}" ] || cleanup_add "rm -rf '$work'"
	export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
		XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
	mkdir -p "$HOME"
}
