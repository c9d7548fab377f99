#!/usr/bin/env bash
# Every C file opens with a comment saying what it is for (before any #include or code), and every
# header of the installed library (common/*.h) opens with its SPDX licence line, followed by that
# comment. A new file without them fails here, in make check, not in review.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT" || exit 2
mapfile -t files < <(find common dashboard explorer wallet tui tools examples tests \
	-path tests/npm -prune -o -name '*.c' -type f -print | LC_ALL=C sort)
bare=()
for f in "${files[@]}"; do
	first=$(grep -m 1 -v '^[[:space:]]*$' "$f")
	case $first in '/*'*) ;; *) bare+=("$f") ;; esac
done
if [ ${#bare[@]} -eq 0 ] && [ ${#files[@]} -gt 0 ]; then
	t_pass "all ${#files[@]} .c files open with a comment"
else
	t_fail "every .c file opens with a comment" "without: ${bare[*]}"
fi
unmarked=()
for h in common/*.h; do
	{ head -n 1 "$h" | grep -qx '/\* SPDX-License-Identifier: MIT \*/' && sed -n 2p "$h" | grep -q '^/\*'; } ||
		unmarked+=("$h")
done
if [ ${#unmarked[@]} -eq 0 ]; then
	t_pass "every common/*.h opens with the SPDX line, then its comment"
else
	t_fail "every common/*.h opens with the SPDX line, then its comment" "without: ${unmarked[*]}"
fi
t_done
