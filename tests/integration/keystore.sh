#!/usr/bin/env bash
# Keystore interop with the pinned Foundry cast (tests/npm/bin/cast): keystores cast writes open in
# chaindeck's wallet/keystore with the key and address cast reports, and keystores chaindeck
# exports open in cast with the same key. chaindeck's side runs through tests/tools/keystore_tool.
# Passwords go to cast on argv (--unsafe-password) and to the tool in a file: fine for a test.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$(dirname "$0")/../.." || exit 2
build=${CHAINDECK_BUILD:-build}
tool=$build/tests/tools/keystore_tool
cast=tests/npm/bin/cast

if [ ! -x "$tool" ] || [ ! -x "$cast" ]; then
	echo "missing $tool or $cast (make test-bins; npm ci in tests/npm)"
	echo "0 passed, 1 failed"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-keystore.XXXXXX")
cleanup_add "rm -rf '$tmp'"

ks() { ${CHAINDECK_WRAP:-} "$tool" "$@"; }
lower() { tr '[:upper:]' '[:lower:]'; }
# The key cast decrypts from a keystore file, lowercase 0x-hex.
cast_key() { "$cast" wallet decrypt-keystore "$1" --unsafe-password "$2" 2>&1 | awk '{print $NF}' | lower; }
# The address of a private key, as cast derives it (EIP-55).
cast_addr() { "$cast" wallet address "$1" 2>/dev/null; }
expect_eq() { # NAME GOT WANT
	if [ -n "$3" ] && [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', want '$3'"; fi
}

pw='interop pw'
pw_utf8='pässwörd ünicode 🔑'
printf '%s' "$pw" >"$tmp/pw"
printf '%s\n' "$pw_utf8" >"$tmp/pw_utf8" # the tool drops one trailing newline
printf 'wrong' >"$tmp/pw_wrong"
anvil_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
anvil_addr=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266

# ---- cast writes, chaindeck reads -------------------------------------------------------------
mkdir -p "$tmp/cast"
out=$("$cast" wallet new "$tmp/cast" --unsafe-password "$pw" 2>&1)
file=$(printf '%s\n' "$out" | sed -n 's/^Created new encrypted keystore file: //p')
addr=$(printf '%s\n' "$out" | sed -n 's/^Address: *//p')
if [ -f "$file" ] && [ -n "$addr" ]; then
	t_pass "cast wallet new wrote a keystore"
	got=$(ks decrypt "$file" "$tmp/pw" --print-key)
	expect_eq "cast's new keystore opens in chaindeck with cast's address" "$(sed -n 1p <<<"$got")" "$addr"
	expect_eq "chaindeck decrypts the same key cast does" "$(sed -n 2p <<<"$got")" "$(cast_key "$file" "$pw")"
	err=$(ks decrypt "$file" "$tmp/pw_wrong" 2>&1 >/dev/null); rc=$?
	expect_eq "a wrong password on cast's keystore is exit 3" "$rc" 3
	expect_eq "a wrong password on cast's keystore says so" "$err" "keystore_tool: wrong password"
	listed=$(ks list "$tmp/cast")
	expect_eq "discovery lists cast's keystore (cast writes no address)" "$listed" \
		"$(basename "$file") - $tmp/cast/$(basename "$file")"
else
	t_fail "cast wallet new wrote a keystore" "$out"
fi

mkdir -p "$tmp/cast-import"
if "$cast" wallet import deployer --private-key "$anvil_key" -k "$tmp/cast-import" \
	--unsafe-password "$pw_utf8" >/dev/null 2>&1 && [ -f "$tmp/cast-import/deployer" ]; then
	got=$(ks decrypt "$tmp/cast-import/deployer" "$tmp/pw_utf8" --print-key)
	expect_eq "cast import (UTF-8 password) opens in chaindeck: address" "$(sed -n 1p <<<"$got")" "$anvil_addr"
	expect_eq "cast import (UTF-8 password) opens in chaindeck: key" "$(sed -n 2p <<<"$got")" "$anvil_key"
else
	t_fail "cast wallet import" "cast could not import the anvil key"
fi

# ---- chaindeck writes, cast reads -------------------------------------------------------------
mkdir -p "$tmp/ours"
# geth's standard scrypt (n=262144 r=8 p=1), the product default.
addr=$(ks encrypt "${anvil_key#0x}" "$tmp/pw" "$tmp/ours/anvil.json")
expect_eq "chaindeck export reports the key's address" "$addr" "$anvil_addr"
expect_eq "cast opens chaindeck's standard keystore with the same key" \
	"$(cast_key "$tmp/ours/anvil.json" "$pw")" "$anvil_key"
expect_eq "chaindeck's keystore is mode 0600" "$(stat -c %a "$tmp/ours/anvil.json")" 600
expect_eq "chaindeck's address field is geth's: lowercase, no 0x" \
	"$(sed -n 's/.*"address":"\([^"]*\)".*/\1/p' "$tmp/ours/anvil.json")" "$(lower <<<"${anvil_addr#0x}")"
if "$cast" wallet decrypt-keystore "$tmp/ours/anvil.json" --unsafe-password wrong >/dev/null 2>&1; then
	t_fail "cast refuses chaindeck's keystore with a wrong password" "cast accepted it"
else
	t_pass "cast refuses chaindeck's keystore with a wrong password"
fi

key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
addr=$(ks encrypt "$key" "$tmp/pw_utf8" "$tmp/ours/random.json" --light)
expect_eq "cast opens chaindeck's light keystore (random key, UTF-8 password)" \
	"$(cast_key "$tmp/ours/random.json" "$pw_utf8")" "0x$key"
expect_eq "cast derives the address chaindeck reported" "$(cast_addr "0x$key")" "$addr"
expect_eq "chaindeck reads back its own export" "$(ks decrypt "$tmp/ours/random.json" "$tmp/pw_utf8")" "$addr"

before=$(cat "$tmp/ours/random.json")
err=$(ks encrypt "${anvil_key#0x}" "$tmp/pw" "$tmp/ours/random.json" --light 2>&1 >/dev/null); rc=$?
expect_eq "export refuses to overwrite an existing keystore" "$rc" 1
expect_eq "the refused file is unchanged" "$(cat "$tmp/ours/random.json")" "$before"
case $err in *"already exists"*) t_pass "the refusal says the file exists" ;;
*) t_fail "the refusal says the file exists" "$err" ;; esac
expect_eq "no temporary file is left behind" "$(ls -A "$tmp/ours" | tr '\n' ' ')" "anvil.json random.json "
expect_eq "discovery lists chaindeck's keystores with their addresses" \
	"$(ks list "$tmp/ours" | awk '{print $1, $2}' | tr '\n' ' ')" "anvil.json $anvil_addr random.json $addr "

t_done
