#!/usr/bin/env bash
# The IPC reader on a large answer in small pieces: ipc_drip (tests/tools/ipc_drip.c) times one
# call whose answer of 2 MiB, then 8 MiB, arrives 4 KiB per read, against a fake node in the same
# process (no anvil: the node's own speed stays out of the figure). Reference: the 2 MiB run.
# ratio = time(8 MiB) / time(2 MiB): about 4 for a reader whose work grows linearly with the
# answer, about 16 for one that rescans the buffer from byte 0 on every read. Median of BENCH_RUNS.
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/lib/node.sh
. tests/bench/lib.sh

drip=$BENCH_BUILD/tests/tools/ipc_drip
runs=${BENCH_RUNS:-10}
piece=4096
if [ ! -x "$drip" ]; then
	echo "ipc: $drip not built (run: make test-bins)" >&2
	exit 1
fi

measure() {
	local size=$1 i out us=()
	for ((i = 0; i < runs; i++)); do
		out=$("$drip" "$size" "$piece") || { echo "ipc: ipc_drip $size $piece failed" >&2; return 1; }
		us+=("${out##*us=}")
	done
	stats "${us[@]}"
}

small=$((2 << 20)) large=$((8 << 20))
read -r s_min s_med s_max <<<"$(measure $small)" || exit 1
read -r l_min l_med l_max <<<"$(measure $large)" || exit 1
[ -n "$s_med" ] && [ -n "$l_med" ] || exit 1
r=$(ratio "$l_med" "$s_med")
printf 'ipc answer in %d-byte reads (ms, min/median/max of %d)\n' "$piece" "$runs"
printf '  %-10s %s / %s / %s\n' "2 MiB" "$(ms "$s_min")" "$(ms "$s_med")" "$(ms "$s_max")"
printf '  %-10s %s / %s / %s\n' "8 MiB" "$(ms "$l_min")" "$(ms "$l_med")" "$(ms "$l_max")"
printf '  ratio 8/2  %s (linear: about 4; quadratic: about 16)\n' "$r"
result ipc_drip_2mib_ms_median "$(ms "$s_med")"
result ipc_drip_8mib_ms_median "$(ms "$l_med")"
result ipc_drip_ratio "$r"
