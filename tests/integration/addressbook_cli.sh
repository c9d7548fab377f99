#!/usr/bin/env bash
# The address book and keystore discovery through the real binary: `chaindeck wallet book` sets,
# shows, lists and removes labels in the default file under a temporary XDG_DATA_HOME (and in
# --book PATH), refuses a mistyped address and a bad label; `chaindeck wallet keystores` finds a
# keystore Foundry's cast wrote under a temporary HOME and a geth one. Nothing touches the user's files.
set -u
. "$(dirname "$0")/../lib/cli.sh"

if [ ! -x "$bin" ]; then
	echo "missing $bin (make all)"
	echo "0 passed, 1 failed"
	exit 1
fi

cli_home chaindeck-abook
book=$XDG_DATA_HOME/chaindeck/addressbook
err=$work/stderr.log

A1=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
A1_LOWER=0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed
A1_BADSUM=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD
A2=0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359

# w ARGS...: the wallet CLI, stdout only, stderr to $err (overwritten: the last command's)
w() { "$bin" wallet "$@" 2>"$err" </dev/null; }
eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
# expect_rc NAME WANT CMD...: the command's exit status is WANT
expect_rc() {
	local name=$1 want=$2 rc; shift 2
	"$@" >/dev/null; rc=$?
	if [ "$rc" -eq "$want" ]; then t_pass "$name"; else t_fail "$name" "exit $rc, expected $want"; fi
}
stderr_has() { if grep -q -- "$2" "$err"; then t_pass "$1"; else t_fail "$1" "stderr: $(cat "$err")"; fi; }

# ---- book: set, get, list, remove ----------------------------------------------------------------
out=$(w book); rc=$?
eq "an absent book lists nothing" "$rc:$out" "0:"
eq "listing creates no file" "$(test -e "$book" && echo yes || echo no)" no
out=$(w book "$A1" "Treasury multisig"); rc=$?
eq "set exits 0 and echoes the entry" "$rc:$out" "0:$(printf '%s\t%s' "$A1" "Treasury multisig")"
out=$(w book "$A2" "Hot wallet 🔥")
eq "get returns the label" "$(w book "$A1")" "Treasury multisig"
eq "get takes a lowercase address" "$(w book "$A1_LOWER")" "Treasury multisig"
w book "$A1_LOWER" "Treasury (renamed)" >/dev/null
eq "set through lowercase replaces the label" "$(w book "$A1")" "Treasury (renamed)"
eq "list is ADDRESS<TAB>LABEL in EIP-55, address order" "$(w book)" \
	"$(printf '%s\t%s\n%s\t%s' "$A1" "Treasury (renamed)" "$A2" "Hot wallet 🔥")"
eq "the file is 0600" "$(stat -c %a "$book")" 600
eq "its directory is 0700" "$(stat -c %a "$(dirname "$book")")" 700
eq "no temporary file beside the book" "$(ls -A "$(dirname "$book")")" addressbook
eq "the file holds EIP-55 addresses" "$(grep -c "^$A1	" "$book")" 1
out=$(w book "$A1" ""); rc=$?
eq "remove exits 0 and prints nothing" "$rc:$out" "0:"
expect_rc "get after remove is not found (4)" 4 w book "$A1"
stderr_has "not found names the address" "$A1 is not in the address book"
expect_rc "removing an absent entry is not found (4)" 4 w book "$A1" ""
eq "list after remove" "$(w book)" "$(printf '%s\t%s' "$A2" "Hot wallet 🔥")"

# ---- book: refusals --------------------------------------------------------------------------------
sum_before=$(sha256sum "$book")
expect_rc "a wrong-checksum address is a usage error (2)" 2 w book "$A1_BADSUM" "x"
stderr_has "the message names the checksum" "checksum"
expect_rc "a wrong-checksum lookup is a usage error (2)" 2 w book "$A1_BADSUM"
expect_rc "a non-address is a usage error (2)" 2 w book 0x1234 "x"
expect_rc "a label with an escape is a usage error (2)" 2 w book "$A1" $'red \e[31m'
stderr_has "the message says control character" "control character"
expect_rc "a 65-byte label is a usage error (2)" 2 w book "$A1" "$(printf 'x%.0s' {1..65})"
expect_rc "a 64-byte label is fine" 0 w book "$A1" "$(printf 'y%.0s' {1..64})"
w book "$A1" "" >/dev/null
eq "refusals left the file as it was" "$(sha256sum "$book")" "$sum_before"
expect_rc "three arguments are a usage error (2)" 2 w book "$A1" a b
expect_rc "--vault does not apply to book (2)" 2 w book --vault "$work/v"

# ---- book: --book PATH and a broken file -----------------------------------------------------------
other=$work/elsewhere/my.book
expect_rc "--book PATH sets in another file" 0 w book --book "$other" "$A1" "Elsewhere"
eq "--book PATH reads it back" "$(w book --book "$other" "$A1")" "Elsewhere"
expect_rc "the default book was not touched" 4 w book "$A1"
printf '# hand edited\n%s\tok\n%s\tbad checksum\n' "$A2" "$A1_BADSUM" >"$work/broken.book"
expect_rc "a malformed file is an error (1)" 1 w book --book "$work/broken.book"
stderr_has "the error names the file and line" "$work/broken.book:3: .*checksum"
expect_rc "a malformed file is not overwritten by set" 1 w book --book "$work/broken.book" "$A2" x
eq "the malformed file is unchanged" "$(sed -n 2p "$work/broken.book")" "$(printf '%s\tok' "$A2")"

# ---- keystores -------------------------------------------------------------------------------------
out=$(w keystores); rc=$?
eq "no keystores: exit 0, nothing on stdout" "$rc:$out" "0:"
mkdir -p "$HOME/.foundry/keystores"
if "$cast" wallet new "$HOME/.foundry/keystores" alice --unsafe-password pw >"$work/cast.out" 2>&1; then
	t_pass "cast wrote a keystore"
else
	t_fail "cast wrote a keystore" "$(cat "$work/cast.out")"
fi
out=$(w keystores); rc=$?
eq "keystores lists cast's file (no address in it: ?)" "$rc:$out" \
	"0:$(printf '%s\t?' "$HOME/.foundry/keystores/alice")"
geth=tests/vectors/keystore/go-ethereum/accounts/keystore/testdata/keystore
gname=UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8
mkdir -p "$HOME/.ethereum/keystore" "$work/extra"
cp "$geth/$gname" "$HOME/.ethereum/keystore/"
cp "$geth/garbage" "$geth/empty" "$HOME/.ethereum/keystore/"
cp "$geth/$gname" "$work/extra/copy.json"
out=$(w keystores | tail -n 1)
eq "a geth keystore is listed with its address" "$(printf '%s' "$out" | tr '[:upper:]' '[:lower:]')" \
	"$(printf '%s\t0x7ef5a6135f1fd6a02593eedc869c6d41d934aef8' "$HOME/.ethereum/keystore/$gname" | tr '[:upper:]' '[:lower:]')"
eq "the geth address is in EIP-55 form" "$(printf '%s' "$out" | cut -f2)" \
	"$("$cast" to-check-sum-address 0x7ef5a6135f1fd6a02593eedc869c6d41d934aef8)"
eq "files that are not keystores are skipped" "$(w keystores | wc -l)" 2
eq "--dir adds a directory" "$(w keystores --dir "$work/extra" | tail -n 1 | cut -f1)" "$work/extra/copy.json"
expect_rc "--dir that does not exist is not found (4)" 4 w keystores --dir "$work/none"
expect_rc "--dir on a file is a usage error (2)" 2 w keystores --dir "$work/broken.book"
# the listed path is what import-keystore takes: it gets as far as wanting a vault
expect_rc "import-keystore accepts the listed path (no vault: 4)" 4 \
	w import-keystore "$(w keystores | head -n 1 | cut -f1)" --vault "$work/novault"
eq "usage lists both commands" "$("$bin" wallet --help | grep -cE 'wallet (book|keystores) ')" 2

t_done
