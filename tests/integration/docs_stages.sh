#!/usr/bin/env bash
# The startup-stage table in docs/architecture.md names the stages of tui/main.c's stages[] table,
# in the same order: a stage added to the program without its row (what it brings up, what takes it
# down) fails here.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT" || exit 2
code=$(awk '/^static const struct stage stages\[\] = \{/{t=1; next} t && /^\};/{exit}
	t { if (match($0, /\{ *"[a-z_]+"/)) { s = substr($0, RSTART, RLENGTH); gsub(/[{ "]/, "", s); print s } }' tui/main.c)
doc=$(awk '/^## Startup stages/{t=1; next} t && /^## /{exit}
	t && /^\| [a-z_]+ \|/ && $2 != "stage" { print $2 }' docs/architecture.md)
if [ -n "$code" ] && [ "$code" = "$doc" ]; then
	t_pass "architecture.md lists the startup stages of tui/main.c: $(echo $code)"
else
	t_fail "architecture.md lists the startup stages of tui/main.c" \
		"main.c: $(echo $code); architecture.md: $(echo $doc)"
fi
t_done
