#!/usr/bin/env bash
# `make dist`: the release tarball chaindeck-X.Y.Z.tar.gz of the committed tree.
#   scripts/dist.sh [OUTDIR]        (default: the repository root)
#   DIST_REF=COMMIT scripts/dist.sh  the tarball of another commit (default HEAD)
#
# The content is the tree of HEAD or DIST_REF (the files `git ls-files` tracks, as committed): a release is
# a commit, so uncommitted edits are left out (with a warning) rather than shipped half-done.
# One generated file is added: .tarball-version, the `git describe --always --tags` of that commit,
# which the Makefile shows in `chaindeck --version` where there is no .git.
#
# The tarball is byte-for-byte reproducible: names sorted, every mtime SOURCE_DATE_EPOCH
# (default: the time of the last commit), owner and group 0, modes 0644/0755, GNU tar format,
# gzip -n (no name or time in the gzip header).
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "dist: $*" >&2; exit 1; }

out=${1:-.}
[ -e .git ] || die "needs a git checkout (this tree has no .git)"
ref=$(git rev-parse --verify "${DIST_REF:-HEAD}^{commit}") || die "no commit '${DIST_REF:-HEAD}'"
version=$(git show "$ref:VERSION" | tr -d '[:space:]')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "VERSION '$version' is not X.Y.Z"
# CHANGELOG.md: the first "## [X.Y.Z]" heading after [Unreleased] is the version being released.
released=$(git show "$ref:CHANGELOG.md" | sed -nE 's/^## \[([0-9][^]]*)\].*/\1/p' | head -n 1)
[ "$released" = "$version" ] ||
	die "VERSION is $version but the top release in CHANGELOG.md is '${released:-none}'"
if ! git diff --quiet "$ref" -- 2>/dev/null; then
	echo "dist: warning: uncommitted changes are not in the tarball (it is ${ref:0:12})" >&2
fi

describe=$(git describe --always --tags "$ref")
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct "$ref")}
name=chaindeck-$version
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir "$stage/$name"
git archive --format=tar "$ref" | tar -x -C "$stage/$name"
printf '%s\n' "$describe" > "$stage/$name/.tarball-version"

tar -C "$stage" --format=gnu --sort=name --mtime="@$epoch" \
	--owner=0 --group=0 --numeric-owner --mode='a+rX,u+w,go-w' \
	-cf - "$name" | gzip -9 -n > "$out/$name.tar.gz.tmp"
mv "$out/$name.tar.gz.tmp" "$out/$name.tar.gz"
echo "dist: $out/$name.tar.gz ($describe, $(git ls-tree -r --name-only "$ref" | wc -l) files + .tarball-version)"
