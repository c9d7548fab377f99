#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses of tests/fuzz/ (see tests/fuzz/README.md).
#   scripts/fuzz.sh build                  build every target into build/fuzz/
#   scripts/fuzz.sh run [TARGET...]        fuzz each target for FUZZ_SECONDS (default 60), FUZZ_JOBS
#                                          at a time (default 2), and print its executions
#   scripts/fuzz.sh list                   the target names
# Each run starts from the committed seeds (tests/fuzz/corpus/TARGET) and the corpus earlier runs
# grew (build/fuzz/corpus/TARGET, where new finds go); this run's crashes are written to
# build/fuzz/artifacts/TARGET/. Exits non-zero when a target crashed.
# Environment: FUZZ_SECONDS, FUZZ_JOBS, FUZZ_FLAGS (extra libFuzzer flags), FUZZ_BUILD.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-2}
export FUZZ_BUILD

say() { printf 'fuzz: %s\n' "$*" >&2; }

# clang with libFuzzer, installed through scripts/deps.sh when missing.
have_libfuzzer() {
	local dir rc
	command -v clang >/dev/null 2>&1 || return 1
	dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-fuzzcheck.XXXXXX") || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$dir/t.c"
	clang -fsanitize=fuzzer,address,undefined "$dir/t.c" -o "$dir/t" >/dev/null 2>&1
	rc=$?
	rm -rf "$dir"
	return $rc
}

ensure_clang() {
	have_libfuzzer && return 0
	say "clang with libFuzzer not found; installing the optional tools"
	DEPS_OPTIONAL=1 DEPS_SKIP_NPM=1 scripts/deps.sh >&2 || true
	have_libfuzzer && return 0
	say "clang with libFuzzer is needed (Debian: clang, libclang-rt-dev)"
	return 1
}

targets() {
	make -s -f tests/fuzz/fuzz.mk list
}

build() {
	ensure_clang || return 1
	mkdir -p "$FUZZ_BUILD"
	# One build at a time in a shared checkout (make check may run while someone fuzzes).
	(
		flock 9
		make -s --no-print-directory -f tests/fuzz/fuzz.mk -j"$FUZZ_JOBS" FUZZ_BUILD="$FUZZ_BUILD"
	) 9>"$FUZZ_BUILD/.lock"
}

# fuzz_one TARGET SECONDS: fuzzes one target; prints "TARGET EXECS STATUS" on stdout, its log in
# $FUZZ_BUILD/logs/TARGET.log.
fuzz_one() {
	local t=$1 secs=$2 log execs status
	# Artifacts are this run's only: an earlier run's crashes would read as new ones.
	rm -rf "$FUZZ_BUILD/artifacts/$t"
	mkdir -p "$FUZZ_BUILD/corpus/$t" "$FUZZ_BUILD/artifacts/$t" "$FUZZ_BUILD/logs"
	log=$FUZZ_BUILD/logs/$t.log
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$FUZZ_BUILD/$t" -max_total_time="$secs" -print_final_stats=1 -timeout=25 -rss_limit_mb=2560 \
		-max_len=16384 -artifact_prefix="$FUZZ_BUILD/artifacts/$t/" ${FUZZ_FLAGS:-} \
		"$FUZZ_BUILD/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
	status=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ -z "$execs" ]; then
		execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
	fi
	printf '%s %s %s\n' "$t" "${execs:-0}" "$([ "$status" -eq 0 ] && echo ok || echo CRASH)"
}

run() {
	local list=("$@") out rc=0 n
	[ ${#list[@]} -gt 0 ] || read -r -a list <<<"$(targets)"
	build || return 1
	say "fuzzing ${#list[@]} targets for ${FUZZ_SECONDS} s each, ${FUZZ_JOBS} at a time"
	export -f fuzz_one
	export FUZZ_FLAGS=${FUZZ_FLAGS:-}
	out=$(printf '%s\n' "${list[@]}" | xargs -P "$FUZZ_JOBS" -I{} bash -c 'fuzz_one "$1" "$2"' _ {} "$FUZZ_SECONDS")
	printf '%-20s %14s  %s\n' target executions result
	while read -r t execs status; do
		printf '%-20s %14s  %s\n' "$t" "$execs" "$status"
		if [ "$status" != ok ]; then
			rc=1
			grep -E 'ERROR|SUMMARY|property broken|runtime error' "$FUZZ_BUILD/logs/$t.log" | head -n 5 | sed 's/^/    /'
			n=$(find "$FUZZ_BUILD/artifacts/$t" -type f | wc -l)
			find "$FUZZ_BUILD/artifacts/$t" -type f | head -n 3 | sed 's/^/    input: /'
			[ "$n" -gt 3 ] && echo "    ... $n inputs in $FUZZ_BUILD/artifacts/$t/"
		fi
	done <<<"$(sort <<<"$out")"
	return $rc
}

case ${1:-run} in
build) build ;;
list) targets ;;
run) shift; run "$@" ;;
*) echo "usage: $0 build | run [TARGET...] | list" >&2; exit 2 ;;
esac
