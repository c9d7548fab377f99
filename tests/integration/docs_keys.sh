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
# Per pane: every key of every row of a pane heads (.B) an entry of the man page's KEYS section
# that is about that pane ("(dashboard)" or "(wallet, on ..." in its text) or about every list.
entries=$(sed -n '/^\.SH KEYS/,/^\.SH [^K]/p' chaindeck.1 | sed 's/\\-/-/g' | awk '
	/^\.(TP|PP|SH)/ { n++; next }
	{ print n "\t" $0 }')
pane=""
while IFS= read -r line; do
	case $line in
	Everywhere:) pane="" ;;
	*" pane:") pane=$(sed 's/ pane:$//' <<<"$line" | tr 'A-Z' 'a-z') ;;
	"  "*)
		[ -n "$pane" ] || continue
		mine=$(awk -F'\t' -v p="($pane" '
			{ text[$1] = text[$1] " " $2 }
			/\t\.BR? / { b[$1] = b[$1] " " $2 }
			END { for (e in text) if (index(text[e], p) || index(text[e], "every list")) print b[e] }' <<<"$entries" |
			sed -E 's/^\.BR? //; s/ \.BR? / /g; s/"//g')
		miss=""
		for k in $(cut -c3-12 <<<"$line"); do
			grep -qE -- "(^| )$(printf '%s' "$k" | sed 's/[][\.*^$()+?{}|/]/\\&/g')([ ,;]|$)" <<<"$mine" || miss="$miss $k"
		done
		[ -z "$miss" ] && t_pass "man KEYS documents the $pane row:$(cut -c2-12 <<<"$line")" ||
			t_fail "man KEYS documents the $pane row:$(cut -c2-12 <<<"$line")" "no ($pane) entry heads:$miss"
		;;
	esac
done <<<"$keys"
# The other way round: every key that heads a man KEYS entry about the wallet or the explorer is
# bound in that pane, so the man page documents no key the pane does not answer.
for pane in wallet explorer; do
	bound=$(awk -v p="${pane^} pane:" '$0 == p { on = 1; next } /^[A-Z]/ { on = 0 } on' <<<"$keys" | cut -c3-12 | tr ' ' '\n' | grep .)
	heads=$(awk -F'\t' -v p="($pane" '
		{ text[$1] = text[$1] " " $2 }
		/\t\.BR? / && !($1 in h) { h[$1] = $2 }
		END { for (e in text) if (index(text[e], p)) print h[e] }' <<<"$entries" | sed -E 's/^\.BR? //; s/"//g')
	stale=""
	for k in $heads; do
		grep -qxF -- "$k" <<<"$bound" || stale="$stale $k"
	done
	[ -n "$heads" ] && [ -z "$stale" ] && t_pass "every key heading a ($pane) man KEYS entry is bound in the $pane pane" ||
		t_fail "every key heading a ($pane) man KEYS entry is bound in the $pane pane" "not bound:$stale"
done
# The help screen (?) of each pane shows exactly the rows --keys prints for it, and the dashboard's
# help names the keys it answers that it once left out (h, Bksp, PgUp, PgDn); so does the wallet's
# (its rows are bindings now: Esc, Bksp and the list's page keys act, so they are listed).
if command -v tmux >/dev/null; then
	. "$(dirname "$0")/../lib/screen.sh"
	hhome=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-keys.XXXXXX")
	cleanup_add "rm -rf '$hhome'"
	screen_start keys 100 45 env HOME="$hhome" XDG_CONFIG_HOME="$hhome/c" XDG_STATE_HOME="$hhome/s" \
		XDG_DATA_HOME="$hhome/d" ETH_RPC_URL= "$build/chaindeck" --rpc-url "http://127.0.0.1:$(free_port)"
	n=0
	for name in Wallet Explorer Dashboard; do
		n=$((n + 1))
		screen_send "$n"
		screen_send "?"
		rows=$(awk -v p="$name pane:" '$0 == p { on = 1; next } /^[A-Z]/ { on = 0 } on' <<<"$keys")
		last=$(tail -n 1 <<<"$rows" | cut -c14- | cut -c1-40)
		if ! screen_wait_for "Keys .+ $name" >/dev/null || ! screen_wait_for "$(printf '%s' "$last" |
			sed 's/[][\.*^$()+?{}|/]/\\&/g')" >/dev/null; then
			t_fail "the $name pane's help screen opens"
			continue
		fi
		shown=$(screen_capture | sed -E 's/^[^│|]*[│|] ?//; s/ *[│|] *$//')
		miss=""
		while IFS= read -r r; do
			want=$(printf '%-10s %s' "$(cut -c3-12 <<<"$r" | sed 's/ *$//')" "$(cut -c14- <<<"$r" | cut -c1-65)")
			grep -qF -- "$want" <<<"$shown" || miss="$miss | $want"
		done <<<"$rows"
		[ -n "$rows" ] && [ -z "$miss" ] && t_pass "the $name pane's help screen shows each of its --keys rows" ||
			t_fail "the $name pane's help screen shows each of its --keys rows" "missing:$miss"
		if [ "$name" = Dashboard ]; then
			dmiss=""
			for k in h Bksp PgUp PgDn Home End; do
				grep -qE -- "(^| )$k( |$)" <<<"$(cut -c1-12 <<<"$shown")" || dmiss="$dmiss $k"
			done
			[ -z "$dmiss" ] && t_pass "the dashboard's help lists h, Bksp, PgUp, PgDn, Home and End" ||
				t_fail "the dashboard's help lists h, Bksp, PgUp, PgDn, Home and End" "missing:$dmiss"
		fi
		if [ "$name" = Wallet ]; then
			wmiss=""
			for k in Down Up PgUp PgDn Home End wheel Esc Bksp; do
				grep -qE -- "(^| )$k( |$)" <<<"$(cut -c1-12 <<<"$shown")" || wmiss="$wmiss $k"
			done
			[ -z "$wmiss" ] && t_pass "the wallet's help lists the keys it answers: arrows, pages, ends, wheel, Esc, Bksp" ||
				t_fail "the wallet's help lists the keys it answers: arrows, pages, ends, wheel, Esc, Bksp" "missing:$wmiss"
		fi
		screen_send Escape
		screen_wait_gone "Keys .+ $name" >/dev/null || t_fail "any key closes the $name help"
	done
	screen_send q
else
	t_fail "tmux is installed (the help screen check needs it)"
fi
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
