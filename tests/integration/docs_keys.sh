#!/usr/bin/env bash
# The key reference in README.md and the man page come from the binding table:
# every line `chaindeck --keys` prints must stand in README's Keys block, and
# every key the table names must appear in the man page.
set -u
. "$(dirname "$0")/../lib/node.sh"
build=${CHAINDECK_BUILD:-build}
keys=$("$build/chaindeck" --keys) || { t_fail "chaindeck --keys runs"; t_done; exit 1; }
block=$(awk '/^## Keys/{k=1} k && /^```/{n++; next} k && n==1' README.md)
missing=0
while IFS= read -r line; do
	if ! grep -qxF -- "$line" <<<"$block"; then
		t_fail "README Keys block has: $line"
		missing=1
	fi
done <<<"$keys"
[ "$missing" = 0 ] && t_pass "README's Keys block holds every line of chaindeck --keys"
if [ "$(grep -c . <<<"$block")" = "$(grep -c . <<<"$keys")" ]; then
	t_pass "and nothing else"
else
	t_fail "README's Keys block has lines the table does not" "$(diff <(echo "$keys") <(echo "$block") | head)"
fi
man=$(MANWIDTH=200 man -l chaindeck.1 2>/dev/null || cat chaindeck.1)
for k in Tab S-Tab '?' q Ctrl-L j k Enter v Esc s S p a d l r / f c b m x u L y; do
	if grep -qF -- "$k" <<<"$man"; then :; else t_fail "man page mentions key $k"; fi
done
t_pass "the man page mentions the keys"
# Stricter: every key of the binding table heads an entry (.B line) of the man page's KEYS section.
keysec=$(sed -n '/^\.SH KEYS/,/^\.SH /p' chaindeck.1 | grep -E '^\.BR? ' | sed 's/\\-/-/g')
nokey=""
for k in $(grep '^  ' <<<"$keys" | cut -c3-12 | tr ' ' '\n' | grep . | sort -u); do
	kre=$(printf '%s' "$k" | sed 's/[][\.*^$()+?{}|/]/\\&/g')
	grep -qE -- "(^|[ \"])$kre([ \"]|$)" <<<"$keysec" || nokey="$nokey $k"
done
[ -z "$nokey" ] && t_pass "every key of the table has an entry in the man page's KEYS" ||
	t_fail "every key of the table has an entry in the man page's KEYS" "missing:$nokey"
# Every wallet command chaindeck offers has an entry in WALLET COMMANDS; the options and the
# environment the wallet reads are described.
cmds=$("$build/chaindeck" wallet help | sed -n 's/^  chaindeck wallet \([a-z-]*\).*/\1/p')
nocmd=""
for c in $cmds; do
	grep -qE -- "^ +$c( |$)" <<<"$man" || nocmd="$nocmd $c"
done
[ -n "$cmds" ] && [ -z "$nocmd" ] && t_pass "every wallet command has an entry in the man page" ||
	t_fail "every wallet command has an entry in the man page" "missing:$nocmd"
nodoc=""
for w in --kdf --hex --text XDG_DATA_HOME STALE; do
	grep -qF -- "$w" <<<"$man" || nodoc="$nodoc $w"
done
[ -z "$nodoc" ] && t_pass "the man page describes --kdf, --hex/--text, XDG_DATA_HOME and stale balances" ||
	t_fail "the man page describes --kdf, --hex/--text, XDG_DATA_HOME and stale balances" "missing:$nodoc"
t_done
