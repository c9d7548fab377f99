#!/usr/bin/env bash
# Verifiable build: the same source, built in two different directories, gives byte-identical
# binaries, and the release tarball builds on its own.
#
# In a git checkout the source is the `make dist` tarball (made twice: the tarballs must match),
# extracted into two directories of different depth and built there without .git; a shared
# clone of the same commit is built as well, so the binary from the tarball is shown to be the
# binary of the commit. In a tree without .git (itself built from a tarball) the tree is copied
# twice instead. Each copy runs a plain `make -j2`; sha256 of chaindeck, libchaindeck.a,
# libchaindeck-models.a and the generated selectors table must agree, no build directory may
# appear in the binary, and --version must show the version and the recorded description.
set -u
. "$(dirname "$0")/../lib/node.sh"
root=$CHAINDECK_ROOT
cd "$root" || exit 2

version=$(tr -d '[:space:]' < VERSION)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-repro.XXXXXX")
cleanup_add "rm -rf '$tmp'"
dir_a=$tmp/a
dir_b=$tmp/second-build/with/a/longer/path
mkdir -p "$dir_a" "$dir_b"

expect() { # NAME FAILURE-MESSAGE TEST...
	local name=$1 msg=$2; shift 2
	if "$@"; then t_pass "$name"; else t_fail "$name" "$msg"; fi
}

# A clean make: nothing from a calling make (jobserver, BUILD=, CFLAGS= on its command line).
build_in() {
	(cd "$1" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u BUILD \
		make -j2 --no-print-directory all > "$tmp/make-$2.log" 2>&1)
}

# ---- the source: the dist tarball (checkout) or a copy of this tree ------------------------------
if [ -e .git ]; then
	# One commit for everything below, though others may commit to this checkout meanwhile.
	commit=$(git rev-parse HEAD)
	describe=$(git describe --always --tags "$commit")
	epoch=$(git log -1 --format=%ct "$commit")
	if DIST_REF=$commit SOURCE_DATE_EPOCH=$epoch make -s --no-print-directory dist DISTDIR="$tmp/dist1" > "$tmp/dist.log" 2>&1 &&
		DIST_REF=$commit SOURCE_DATE_EPOCH=$epoch make -s --no-print-directory dist DISTDIR="$tmp/dist2" >> "$tmp/dist.log" 2>&1; then
		t_pass "make dist"
	else
		t_fail "make dist" "$(tail -n 5 "$tmp/dist.log")"
		t_done; exit 1
	fi
	tarball=$tmp/dist1/chaindeck-$version.tar.gz
	expect "dist is chaindeck-$version.tar.gz" "$(ls "$tmp/dist1")" [ -f "$tarball" ]
	s1=$(sha256sum < "$tarball") s2=$(sha256sum < "$tmp/dist2/chaindeck-$version.tar.gz")
	expect "two make dist runs give the same tarball (${s1%% *})" "$s1 vs $s2" [ "$s1" = "$s2" ]
	listing=$(tar -tvzf "$tarball")
	if printf '%s\n' "$listing" | awk '$2 != "0/0" { bad = 1 } END { exit bad }'; then
		t_pass "tarball entries owned by 0/0"
	else
		t_fail "tarball owners" "$(printf '%s\n' "$listing" | awk '$2 != "0/0"' | head -n 3)"
	fi
	names=$(tar -tzf "$tarball")
	expect "tarball names sorted" "names are not in sorted order" [ "$names" = "$(printf '%s\n' "$names" | LC_ALL=C sort)" ]
	want=$( (git ls-tree -r --name-only "$commit"; echo .tarball-version) | LC_ALL=C sort)
	got=$(printf '%s\n' "$names" | grep -v '/$' | sed "s|^chaindeck-$version/||" | LC_ALL=C sort)
	expect "tarball holds the committed files and .tarball-version" "$(diff <(echo "$want") <(echo "$got") | head -n 5)" [ "$want" = "$got" ]
	expect "tarball carries LICENSE" "no chaindeck-$version/LICENSE" eval 'grep -qx "chaindeck-$version/LICENSE" <<<"$names"'
	mtimes=$(tar --full-time -tvzf "$tarball" | awk '{ print $4, $5 }' | sort -u | wc -l)
	expect "one mtime for every entry" "$mtimes different" [ "$mtimes" -eq 1 ]
	gzip_mtime=$(od -An -tu4 -j4 -N4 "$tarball" | tr -d ' ')
	expect "gzip header without a time (gzip -n)" "mtime $gzip_mtime" [ "$gzip_mtime" = 0 ]
	recorded=$(tar -xzOf "$tarball" "chaindeck-$version/.tarball-version")
	expect "tarball records git describe ($describe)" "'$recorded', want '$describe'" [ "$recorded" = "$describe" ]
	tar -xzf "$tarball" -C "$dir_a" && tar -xzf "$tarball" -C "$dir_b"
	dir_a=$dir_a/chaindeck-$version dir_b=$dir_b/chaindeck-$version
else
	describe=$(cat .tarball-version 2>/dev/null || echo release)
	for d in "$dir_a" "$dir_b"; do
		tar -C "$root" --exclude=./build --exclude=./chaindeck --exclude=./tests/npm/node_modules \
			--exclude=./tests/npm/bin -cf - . | tar -x -C "$d"
	done
fi
expect "the copies have no .git" "a copy has .git" [ ! -e "$dir_a/.git" ]
expect "the second copy has no .git" "a copy has .git" [ ! -e "$dir_b/.git" ]

# ---- sources: nothing that records when or where they were compiled ------------------------------
stamps=$(cd "$dir_a" && { grep -rnE '__(DATE|TIME|TIMESTAMP)__' --include='*.c' --include='*.h' . || true; })
expect "no __DATE__, __TIME__ or __TIMESTAMP__ in the sources" "$stamps" [ -z "$stamps" ]

# ---- two builds ----------------------------------------------------------------------------------
start=$(now_ms)
if build_in "$dir_a" a; then t_pass "build in $dir_a"; else t_fail "build a" "$(tail -n 20 "$tmp/make-a.log")"; fi
if build_in "$dir_b" b; then t_pass "build in $dir_b"; else t_fail "build b" "$(tail -n 20 "$tmp/make-b.log")"; fi
echo "# two builds: $(($(now_ms) - start)) ms"

outputs=(build/chaindeck build/libchaindeck.a build/libchaindeck-models.a build/gen/selectors_table.c)
for f in "${outputs[@]}"; do
	ha=$(sha256sum < "$dir_a/$f" 2>/dev/null) hb=$(sha256sum < "$dir_b/$f" 2>/dev/null)
	if [ -n "$ha" ] && [ "$ha" = "$hb" ]; then
		t_pass "$f identical: ${ha%% *}"
	else
		t_fail "$f identical" "a ${ha%% *} b ${hb%% *}"
	fi
done
for d in "$dir_a" "$dir_b"; do
	if grep -qaF "$tmp" "$d/build/chaindeck" "$d/build/libchaindeck.a"; then
		t_fail "no build path in $d" "the temporary directory appears in the binary or library"
	else
		t_pass "no build directory recorded in the binary or library ($d)"
	fi
	v=$("$d/build/chaindeck" --version 2>&1)
	expect "--version: $v" "'$v', want 'chaindeck $version ($describe)'" [ "$v" = "chaindeck $version ($describe)" ]
done

# The binary from the tarball is the binary of the commit: a clean clone of HEAD builds the same.
if [ -e .git ]; then
	clone=$tmp/clone/chaindeck
	if git clone -q --shared --no-checkout "$root" "$clone" 2>"$tmp/clone.log" &&
		git -C "$clone" checkout -q "$commit" 2>>"$tmp/clone.log" && build_in "$clone" clone; then
		v=$("$clone/build/chaindeck" --version 2>&1)
		expect "clean clone --version: $v" "'$v', want 'chaindeck $version ($describe)'" [ "$v" = "chaindeck $version ($describe)" ]
		hc=$(sha256sum < "$clone/build/chaindeck") ha=$(sha256sum < "$dir_a/build/chaindeck")
		expect "a clean clone of the commit builds the tarball's binary" "clone ${hc%% *} tarball ${ha%% *}" [ "$hc" = "$ha" ]
	else
		t_fail "clone build" "$(tail -n 20 "$tmp/clone.log" "$tmp/make-clone.log" 2>/dev/null)"
	fi
fi

# The check can fail: the same file compiled with -g but without -ffile-prefix-map in the two
# directories differs (the directory is in the debug information), so the builds above were not
# equal by accident.
cc_plain() { (cd "$1" && cc -std=c11 -O2 -g -I. -c common/hex.c -o "$tmp/$2.o"); }
if cc_plain "$dir_a" plain-a && cc_plain "$dir_b" plain-b; then
	if cmp -s "$tmp/plain-a.o" "$tmp/plain-b.o"; then
		t_fail "control" "objects built without -ffile-prefix-map are equal: the comparison proves nothing"
	else
		t_pass "control: without -ffile-prefix-map the two directories give different objects"
	fi
else
	t_fail "control" "cc common/hex.c failed"
fi
t_done
