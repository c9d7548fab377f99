#!/usr/bin/env bash
# shellcheck disable=SC2016 # the eval'd tests expand when they run
# Release metadata and `make install` / `make uninstall`.
#
# - VERSION is X.Y.Z and is CHANGELOG.md's top release; --version shows it with the description.
# - `make install DESTDIR=... PREFIX=/usr` puts exactly the binary, the man page, libchaindeck.a,
#   the common/ headers under include/chaindeck/common/ and chaindeck.pc in place, with their modes.
# - Every installed header compiles on its own with `pkg-config --cflags chaindeck`, and a small
#   program using u256, hex, Keccak-256 and the JSON-RPC codec links against the installed
#   library through pkg-config alone (PKG_CONFIG_PATH + PKG_CONFIG_SYSROOT_DIR) and prints what
#   it should. Each installed header opens with its SPDX licence line; LICENSE is MIT.
# - `make uninstall` with the same variables leaves no file of ours behind.
# - The same with PREFIX alone (no DESTDIR), and with LIBDIR and INCLUDEDIR moved out of PREFIX.
set -u
. "$(dirname "$0")/../lib/node.sh"
root=$CHAINDECK_ROOT
# Install what a user builds: the plain build, whatever build the rest of the suite runs
# (a sanitized library would not link into an ordinary program).
build=build
cd "$root" || exit 2

expect() { # NAME FAILURE-MESSAGE TEST...
	local name=$1 msg=$2; shift 2
	if "$@"; then t_pass "$name"; else t_fail "$name" "$msg"; fi
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-install.XXXXXX")
cleanup_add "rm -rf '$tmp'"
# Our own make, with only the variables given here (not those of a calling make).
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory BUILD="$build" "$@"; }

# ---- the version ---------------------------------------------------------------------------------
version=$(tr -d '[:space:]' < VERSION)
expect "VERSION is a semantic version ($version)" "'$version'" \
	eval '[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]'
released=$(sed -nE 's/^## \[([0-9][^]]*)\].*/\1/p' CHANGELOG.md | head -n 1)
expect "CHANGELOG.md's top release is VERSION" "CHANGELOG.md says '$released', VERSION '$version'" \
	[ "$released" = "$version" ]
unreleased_line=$(grep -n '^## \[Unreleased\]' CHANGELOG.md | head -n 1 | cut -d: -f1)
release_line=$(grep -nE '^## \[[0-9]' CHANGELOG.md | head -n 1 | cut -d: -f1)
expect "CHANGELOG.md: [Unreleased] above the releases" "Unreleased at ${unreleased_line:-none}" \
	[ -n "$unreleased_line" ] && [ -n "$release_line" ] && [ "$unreleased_line" -lt "$release_line" ]
if [ -e .git ]; then
	want_desc=$(git describe --always --dirty --tags 2>/dev/null)
else
	want_desc=$(cat .tarball-version 2>/dev/null || echo release)
fi
# `make asan` builds only build/asan: the plain binary may not exist yet.
if ! mk "$build/chaindeck" >"$tmp/build.log" 2>&1; then
	t_fail "the plain build" "$(tail -n 10 "$tmp/build.log")"
fi
v=$("$build/chaindeck" --version 2>&1)
# The checkout may have changed since the binary was built: compare the form, and the version.
expect "--version: $v" "'$v', want 'chaindeck $version (...)' (describe now: $want_desc)" \
	eval '[[ $v =~ ^chaindeck\ ${version//./\\.}\ \([0-9A-Za-z._+/-]+\)$ ]]'

# ---- the licence ---------------------------------------------------------------------------------
expect "LICENSE is the MIT licence of the chaindeck authors" "LICENSE missing or not MIT" \
	eval 'grep -qx "MIT License" LICENSE && grep -qx "Copyright (c) 2026 the chaindeck authors" LICENSE &&
		grep -q "^Permission is hereby granted, free of charge" LICENSE'

# ---- the consumer program ------------------------------------------------------------------------
cat > "$tmp/consumer.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/hex.h"
#include "common/keccak.h"
#include "common/rpc_codec.h"
#include "common/u256.h"

int main(void)
{
	struct u256 ether, n, wei;
	char dec[80], hx[80], hash[80];
	uint8_t h[32];
	char *req;

	if (u256_parse_dec(&ether, "1000000000000000000", 19) != CD_OK ||
	    u256_parse_hex(&n, "0xff", 4) != CD_OK || u256_mul(&wei, ether, n) != CD_OK)
		return 1;
	if (u256_format_dec(wei, dec, sizeof(dec)) < 0 || u256_format_hex(wei, hx, sizeof(hx)) < 0)
		return 1;
	keccak256(h, (const uint8_t *)"", 0);
	if (hex_encode(hash, sizeof(hash), h, sizeof(h), 1) < 0)
		return 1;
	req = rpc_codec_request(1, "eth_chainId", NULL);
	if (!req)
		return 1;
	printf("%s\n%s\n%s\n%s\n", dec, hx, hash, req);
	free(req);
	return 0;
}
EOF
consumer_want='255000000000000000000
0xdd2d5fcf3bc9c0000
0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}'

# install_round LABEL PC_SYSROOT MAKE-VARIABLES...: install, check, build against it, uninstall.
install_round() {
	local label=$1 sysroot=$2; shift 2
	local destdir="" prefix=/usr/local libdir="" includedir="" mandir="" bindir="" a
	for a; do
		case $a in
		DESTDIR=*) destdir=${a#DESTDIR=} ;;
		PREFIX=*) prefix=${a#PREFIX=} ;;
		LIBDIR=*) libdir=${a#LIBDIR=} ;;
		INCLUDEDIR=*) includedir=${a#INCLUDEDIR=} ;;
		esac
	done
	libdir=${libdir:-$prefix/lib} includedir=${includedir:-$prefix/include}
	bindir=$prefix/bin mandir=$prefix/share/man
	local top=$tmp/$label
	local log=$top.log

	if mk install "$@" > "$log" 2>&1; then
		t_pass "$label: make install"
	else
		t_fail "$label: make install" "$(tail -n 10 "$log")"
		return
	fi
	local want got h
	want=$(
		echo "$destdir$bindir/chaindeck"
		echo "$destdir$mandir/man1/chaindeck.1"
		echo "$destdir$libdir/libchaindeck.a"
		echo "$destdir$libdir/pkgconfig/chaindeck.pc"
		for h in common/*.h; do echo "$destdir$includedir/chaindeck/$h"; done
	)
	want=$(printf '%s\n' "$want" | LC_ALL=C sort)
	got=$(find "$top" \( -type f -o -type l \) | LC_ALL=C sort)
	expect "$label: installed files are exactly ours ($(printf '%s\n' "$got" | wc -l))" \
		"$(diff <(echo "$want") <(echo "$got") | head -n 10)" [ "$want" = "$got" ]
	echo "# $label installed:"
	printf '%s\n' "$got" | sed "s|^$top|#   |"
	expect "$label: binary mode 0755" "$(stat -c %a "$destdir$bindir/chaindeck" 2>&1)" \
		[ "$(stat -c %a "$destdir$bindir/chaindeck" 2>/dev/null)" = 755 ]
	expect "$label: man page, library, headers and .pc mode 0644" "modes differ" \
		[ "$(stat -c %a "$destdir$mandir/man1/chaindeck.1" "$destdir$libdir/libchaindeck.a" \
			"$destdir$libdir/pkgconfig/chaindeck.pc" "$destdir$includedir"/chaindeck/common/*.h 2>/dev/null |
			sort -u)" = 644 ]
	v=$("$destdir$bindir/chaindeck" --version 2>&1)
	expect "$label: installed binary runs ($v)" "$v" eval '[[ $v == "chaindeck $version ("*")" ]]'
	expect "$label: man page is the tree's" "differs" cmp -s chaindeck.1 "$destdir$mandir/man1/chaindeck.1"

	# pkg-config, as a consumer would use it.
	local pcenv=(env "PKG_CONFIG_PATH=$destdir$libdir/pkgconfig")
	[ -n "$sysroot" ] && pcenv+=("PKG_CONFIG_SYSROOT_DIR=$sysroot")
	local mv cflags libs
	mv=$("${pcenv[@]}" pkg-config --modversion chaindeck 2>&1)
	expect "$label: pkg-config --modversion chaindeck = $version" "'$mv'" [ "$mv" = "$version" ]
	cflags=$("${pcenv[@]}" pkg-config --cflags chaindeck 2>&1)
	libs=$("${pcenv[@]}" pkg-config --libs chaindeck 2>&1)
	echo "# $label: cflags: $cflags"
	echo "# $label: libs:   $libs"
	expect "$label: Cflags point at include/chaindeck" "$cflags" \
		eval '[[ " $cflags " == *" -I$destdir$includedir/chaindeck "* ]]'
	local bad=""
	for h in "$destdir$includedir"/chaindeck/common/*.h; do
		# shellcheck disable=SC2086 # pkg-config output is a list of words
		printf '#include "common/%s"\nint chaindeck_header_ok;\n' "${h##*/}" |
			cc -std=c11 -D_DEFAULT_SOURCE -Wall -Werror $cflags -x c -c - -o /dev/null 2>>"$log" ||
			bad+=" ${h##*/}"
	done
	expect "$label: every installed header compiles on its own" "failed:$bad" [ -z "$bad" ]
	local unmarked=""
	for h in "$destdir$includedir"/chaindeck/common/*.h; do
		head -n 1 "$h" | grep -qx '/\* SPDX-License-Identifier: MIT \*/' || unmarked+=" ${h##*/}"
	done
	expect "$label: every installed header opens with its SPDX licence line" "without:$unmarked" [ -z "$unmarked" ]
	# shellcheck disable=SC2086
	if cc -std=c11 -Wall -Werror $cflags -o "$tmp/consumer-$label" "$tmp/consumer.c" $libs 2>>"$log"; then
		t_pass "$label: a program links against the installed libchaindeck.a via pkg-config"
		local out
		out=$("$tmp/consumer-$label" 2>&1)
		expect "$label: it runs and prints u256, hex, Keccak-256 and codec results" \
			"got: $out" [ "$out" = "$consumer_want" ]
	else
		t_fail "$label: link against the installed library" "$(tail -n 10 "$log")"
	fi

	if mk uninstall "$@" >> "$log" 2>&1; then
		t_pass "$label: make uninstall"
	else
		t_fail "$label: make uninstall" "$(tail -n 10 "$log")"
	fi
	local left
	left=$(find "$top" \( -type f -o -type l -o -name '*chaindeck*' \) 2>/dev/null)
	expect "$label: nothing of ours left after uninstall" "$left" [ -z "$left" ]
}

install_round destdir "$tmp/destdir" DESTDIR="$tmp/destdir" PREFIX=/usr
install_round prefix "" PREFIX="$tmp/prefix/opt/deck"
install_round split "" PREFIX="$tmp/split/usr" LIBDIR="$tmp/split/usr/lib64" INCLUDEDIR="$tmp/split/inc"
t_done
