#!/usr/bin/env bash
# What the wallet pane says is saved is on disk, in a real terminal (tmux, 120x34), on a vault
# holding anvil's PUBLIC test mnemonic (test keys, never for real funds):
#   - unlock, n (new account), e (label): "... and saved" appears only after the write; after q and
#     a restart, `chaindeck wallet list --password-file` and the pane show both
#   - L (lock) reads the file again: the pane shows what the file holds
#   - a vault directory mounted read-only: n says the save failed and why, the account is not
#     shown, and the file is unchanged
#   - a vault made by `wallet new --skip-backup-check`: the pane reminds that its backup is not
#     checked; the vault of section 1 (restored from words) has no such reminder
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
. "$here/../lib/wallet.sh"
build=${CHAINDECK_BUILD:-build}
bin=$PWD/$build/chaindeck
[ "${build#/}" != "$build" ] && bin=$build/chaindeck

wallet_home chaindeck-persist

PASSWORD='Persist-test-7-password'
vault=$home/v/vault
build=$(dirname "$bin") wallet_restore "$PASSWORD"
list() { "$bin" wallet list --vault "$vault" --password-file "$home/password" 2>&1 | cut -f1-3; }

anvil_start || die "anvil starts"

quit() { screen_send q; screen_wait_for 'chaindeck exited with status 0' 5; }
row_re() { printf '^ %s +%s +%s' "$1" "$2" "$3"; }

# ---- 1. n and e are saved, and survive a restart ----------------------------------------------
run_chaindeck w1 "$ANVIL_URL"
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts"
screen_send 1
t_ok "locked on start" screen_wait_for 'locked \(read-only' 5
unlock_ok || die "the right password unlocks"
screen_send n
t_ok "n: 'account 1 added and saved'" screen_wait_for 'account 1 added and saved' 5
t_ok "n: account 1 is listed with anvil's address 1" screen_wait_for "$A1" 3
screen_send e
screen_wait_for 'Label' 3 >/dev/null
screen_type "cold storage"
screen_send Enter
t_ok "e: 'label of account 0 set and saved'" screen_wait_for 'label of account 0 set and saved' 5
t_ok "chaindeck quits" quit
out=$(list)
eq_list=$(printf '0\t%s\tcold storage\n1\t%s\t' "$A0" "$A1")
if [ "$out" = "$eq_list" ]; then t_pass "after q, wallet list has account 1 and the label"; else t_fail "after q, wallet list has account 1 and the label" "$out"; fi

run_chaindeck w2 "$ANVIL_URL"
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck restarts"
screen_send 1
t_ok "restarted: account 1 is listed" screen_wait_for "$A1" 5
t_ok "restarted: account 0 has its label" screen_wait_for "$(row_re 0 'cold storage' "$A0")" 5

# ---- 2. lock reads the file again -------------------------------------------------------------
unlock_ok || t_fail "unlocks again"
"$bin" wallet label "$A1" "set by the CLI" --vault "$vault" --password-file "$home/password" \
	>/dev/null 2>&1 || t_fail "the CLI sets a label meanwhile"
screen_send L
t_ok "L locks" screen_wait_for 'locked \(read-only' 5
t_ok "after the lock the pane shows the file: the CLI's label" screen_wait_for "$(row_re 1 'set by the CLI' "$A1")" 5
t_ok "chaindeck quits" quit

# ---- 3. a read-only vault directory: the save fails and the screen says so ---------------------
# Root writes through mode bits, so the directory is bind-mounted read-only in a private mount
# namespace (unshare -m); without root, mode 0500 does it.
sum=$(sha256sum <"$vault")
ro=()
if [ "$(id -u)" = 0 ]; then
	if unshare -m sh -c "mount --bind -o ro '$home/v' '$home/v' && ! touch '$home/v/probe'" 2>/dev/null; then
		ro=(unshare -m sh -c 'mount --bind -o ro "$0" "$0" && exec "$@"' "$home/v")
	fi
else
	chmod 500 "$home/v"
	ro=(env)
fi
if [ ${#ro[@]} -eq 0 ]; then
	t_fail "a read-only directory can be made (unshare -m and a bind mount)"
else
	WALLET_WRAP=("${ro[@]}")
	run_chaindeck w3 "$ANVIL_URL"
	WALLET_WRAP=()
	screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts on the read-only directory"
	screen_send 1
	unlock_ok || t_fail "unlocks on a read-only directory"
	screen_send n
	t_ok "n on a read-only directory: the screen says NOT saved" screen_wait_for 'NOT saved, undone \(account 2 added\)' 5
	t_ok "... and why (read-only file system / permission denied)" screen_wait_for 'Read-only file|Permission denied' 1
	screen_wait_gone 'account 2 added and saved' 1 >/dev/null && t_pass "it never says 'saved'" || t_fail "it never says 'saved'"
	t_ok "account 2 is not listed" screen_wait_gone '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' 2
	t_ok "chaindeck quits" quit
	chmod 700 "$home/v"
	if [ "$(sha256sum <"$vault")" = "$sum" ]; then t_pass "the vault file is unchanged"; else t_fail "the vault file is unchanged"; fi
	if [ "$(list | wc -l)" = 2 ]; then t_pass "wallet list still has two accounts"; else t_fail "wallet list still has two accounts" "$(list)"; fi
fi

# ---- 4. the backup reminder ----------------------------------------------------------------------
run_chaindeck w4 "$ANVIL_URL"
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts again"
screen_send 1
screen_wait_for 'locked \(read-only' 5 >/dev/null
screen_wait_gone 'backup is not checked' 1 >/dev/null && t_pass "a restored vault: no backup reminder" || t_fail "a restored vault: no backup reminder"
quit >/dev/null
setsid -w "$bin" wallet new --vault "$home/n/vault" --password-file "$home/password" --kdf interactive --skip-backup-check \
	</dev/null >/dev/null 2>&1 || t_fail "wallet new --skip-backup-check makes a vault"
vault=$home/n/vault
run_chaindeck w5 "$ANVIL_URL"
screen_wait_for 'Wallet' 10 >/dev/null || die "chaindeck starts on the new vault"
screen_send 1
t_ok "a vault whose backup was skipped: the pane reminds" screen_wait_for "backup is not checked: run  chaindeck wallet verify-backup" 5
t_ok "chaindeck quits" quit

t_done
