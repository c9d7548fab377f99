# shellcheck shell=bash
# What the wallet's screen tests share: a test home, a vault on anvil's PUBLIC test mnemonic (test
# keys, never for real funds), chaindeck started on that vault in tmux, the unlock prompt, the send
# form and the figures read back from the screen. Source it after node.sh and screen.sh; the test
# sets `build` (the build directory) before calling anything here.
#
#   wallet_home PREFIX          $home: a private directory removed at exit
#   wallet_restore PW [N]       $vault ($home/vault unless set) restored from the mnemonic with
#                               password PW (also in $home/password), then N more accounts derived
#   run_chaindeck NAME URL [COLS ROWS]   chaindeck on $vault in a new tmux session (120x34 unless
#                               given); a shell around it prints its exit status. WALLET_WRAP (an
#                               array: unshare ..., env) goes before chaindeck, CHAINDECK_WRAP
#                               (valgrind ...) too
#   unlock [PW]                 u, the password ($PASSWORD unless given), Enter
#   unlock_ok [PW]              the same, then waits until the pane says it is unlocked
#   send_form TO TOKEN AMOUNT   fills the send form (s); TOKEN "" for ETH
#   draft_wait REGEX TIMEOUT    waits for REGEX on the confirmation screen (see below)
#   quit_ok                     q quits the current session with status 0 (a check)

WALLET_MNEMONIC="test test test test test test test test test test test junk"
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
A1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
A2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC

wallet_home() {
	home=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	cleanup_add "rm -rf '$home'"
	chmod 700 "$home"
	vault=${vault:-$home/vault}
}

wallet_restore() {
	printf '%s\n' "$1" >"$home/password"
	chmod 600 "$home/password"
	mkdir -p "$(dirname "$vault")"
	printf '%s\n' "$WALLET_MNEMONIC" |
		"$build/chaindeck" wallet restore --vault "$vault" --password-file "$home/password" --kdf interactive \
			>"$home/restore.out" 2>&1 || die "the test vault is restored" "$(cat "$home/restore.out")"
	[ "${2:-0}" -gt 0 ] || return 0
	"$build/chaindeck" wallet derive --count "$2" --vault "$vault" --password-file "$home/password" \
		>>"$home/restore.out" 2>&1 || die "$2 more accounts are derived" "$(cat "$home/restore.out")"
}

py() { python3 -c "$@"; }
# decimal integer of a hex quantity
dec() { py 'import sys; print(int(sys.argv[1], 16))' "$1"; }
# the gwei text shown ("2.000000001") in wei
gwei_to_wei() { py 'import sys; from decimal import Decimal; print(int(Decimal(sys.argv[1].replace(",", "")) * 10**9))' "$1"; }
# jfield JSON KEY: one field of a JSON object ("" for null)
jfield() { printf '%s' "$1" | py 'import json, sys; v = json.load(sys.stdin); v = v.get(sys.argv[1]) if isinstance(v, dict) else None; print("" if v is None else v)' "$2"; }
# shellcheck disable=SC2016
re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }
has() { screen_capture | grep -Eq -- "$1"; }
# max fee and tip (gwei text) of the confirmation screen: "2.000000001 2.000000001"
fees_shown() { screen_capture | sed -n 's/^ Max fee  *\([0-9.,]*\) gwei, tip \([0-9.,]*\) gwei.*/\1 \2/p' | tr -d , | head -n 1; }
# the hash in "sent 0x…" on the confirmation screen
sent_hash() { screen_capture | grep -o 'sent 0x[0-9a-f]\{64\}' | head -n 1 | cut -c6-; }

# shellcheck disable=SC2086 # CHAINDECK_WRAP (valgrind ...) is words
run_chaindeck() {
	screen_start "$1" "${3:-120}" "${4:-34}" sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		"${WALLET_WRAP[@]:-env}" \
		env XDG_CONFIG_HOME="$home/config" XDG_STATE_HOME="$home/state" XDG_DATA_HOME="$home/data" \
		LC_ALL=C.UTF-8 ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$build/chaindeck" --rpc-url "$2" --vault "$vault" \
		--log "$home/chaindeck-$1.log"
}

unlock() {
	screen_send u
	screen_wait_for 'Vault password' 3 >/dev/null || return 1
	screen_type "${1:-$PASSWORD}"
	screen_send Enter
}
unlock_ok() { unlock "$@" && screen_wait_for 'unlocked \(L locks\)' 10 >/dev/null; }

send_form() {
	screen_send s
	screen_wait_for 'Send to address' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
	screen_wait_for 'Token contract \(Enter for ETH\)' 3 >/dev/null || return 1
	[ -n "$2" ] && screen_type "$2"
	screen_send Enter
	screen_wait_for 'Amount (in ETH|of the token) \(or max\)' 3 >/dev/null || return 1
	screen_type "$3"
	screen_send Enter
}

# The pane asks a token for its decimals when its address is entered; if the amount came first it
# says so, and 2 (normal fees) prepares the draft again.
draft_wait() {
	if screen_wait_for "$1|decimals are not known yet" "$2" >/dev/null && has 'decimals are not known yet'; then
		echo "# the token's decimals were not known yet: preparing again"
		screen_wait_for 'Esc back' 2 >/dev/null
		sleep 1
		screen_send 2
	fi
	screen_wait_for "$1" "$2"
}

quit_ok() {
	screen_send q
	t_ok "q quits chaindeck ($SCREEN_NAME) with status 0" screen_wait_for 'chaindeck exited with status 0' 10
}
