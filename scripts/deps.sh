#!/usr/bin/env bash
# Installs what building and testing chaindeck needs, and nothing when it is all there.
#   scripts/deps.sh            (run by `make deps`, which check, demo, bench and asan run first)
# 1. Debian packages: libraries found through pkg-config and the tools the tests drive.
#    As root, missing ones are installed with apt-get; otherwise the command is printed.
# 2. The pinned npm test parts (anvil, cast, ethereumjs, solc) in tests/npm, from its lockfile,
#    with links to the binaries in tests/npm/bin. Skipped when the installed tree matches the lockfile.
# Environment: DEPS_OPTIONAL=1 also installs the optional tools (clang, cppcheck, clang-tidy);
#              DEPS_SKIP_NPM=1 skips step 2.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'deps: %s\n' "$*" >&2; }

# --- 1. Debian packages ---------------------------------------------------------------------
missing=()
add() { local p; for p; do case " ${missing[*]-} " in *" $p "*) ;; *) missing+=("$p") ;; esac; done; }

# pkg-config module -> Debian package
pc_pkgs=(
	"ncursesw:libncurses-dev"
	"libcurl:libcurl4-openssl-dev"
	"libcjson:libcjson-dev"
	"libsodium:libsodium-dev"
	"libsecp256k1:libsecp256k1-dev"
	"libqrencode:libqrencode-dev"
	"libcrypto:libssl-dev"
	"hidapi-hidraw:libhidapi-dev"
	"libmicrohttpd:libmicrohttpd-dev"
)
# command -> Debian package (npm is handled after nodejs, see below)
cmd_pkgs=(
	"pkg-config:pkg-config"
	"gcc:gcc"
	"make:make"
	"tmux:tmux"
	"curl:curl"
	"gzip:gzip"
	"python3:python3"
	"valgrind:valgrind"
	"node:nodejs"
	"zbarimg:zbar-tools"
	"promtool:prometheus"
)
opt_pkgs=(
	"clang:clang"
	"cppcheck:cppcheck"
	"clang-tidy:clang-tidy"
)

have_pc=0
command -v pkg-config >/dev/null 2>&1 && have_pc=1
for e in "${pc_pkgs[@]}"; do
	if [ "$have_pc" -eq 0 ] || ! pkg-config --exists "${e%%:*}" 2>/dev/null; then add "${e#*:}"; fi
done
for e in "${cmd_pkgs[@]}"; do
	command -v "${e%%:*}" >/dev/null 2>&1 || add "${e#*:}"
done
# gcc without its recommended libc headers cannot compile anything.
[ -e /usr/include/stdio.h ] || add libc6-dev
# libunistring (BIP39 NFKD normalisation) ships no pkg-config file: look for its header.
[ -e /usr/include/uninorm.h ] || add libunistring-dev
opt_missing=()
for e in "${opt_pkgs[@]}"; do
	command -v "${e%%:*}" >/dev/null 2>&1 || opt_missing+=("${e#*:}")
done
if [ "${DEPS_OPTIONAL:-0}" = 1 ] && [ ${#opt_missing[@]} -gt 0 ]; then add "${opt_missing[@]}"; opt_missing=(); fi
need_npm=0
command -v npm >/dev/null 2>&1 || need_npm=1

apt_install_cmd() { echo "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $*"; }
updated=0
apt_install() {
	if [ "$updated" -eq 0 ]; then
		say "apt-get update"
		apt-get update -qq >&2
		updated=1
	fi
	say "installing: $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if [ ${#missing[@]} -gt 0 ] || [ "$need_npm" -eq 1 ]; then
	all=("${missing[@]}")
	[ "$need_npm" -eq 1 ] && all+=(npm)
	if [ "$(id -u)" -ne 0 ]; then
		say "missing Debian packages: ${all[*]}"
		say "run as root:"
		echo "  apt-get update && $(apt_install_cmd "${all[*]}")" >&2
		exit 1
	fi
	[ ${#missing[@]} -gt 0 ] && apt_install "${missing[@]}"
	# Some nodejs builds ship npm themselves; only ask Debian for npm when still absent.
	if ! command -v npm >/dev/null 2>&1; then apt_install npm; fi
	hash -r
	still=()
	for e in "${pc_pkgs[@]}"; do pkg-config --exists "${e%%:*}" 2>/dev/null || still+=("${e%%:*}"); done
	for e in "${cmd_pkgs[@]}" "npm:npm"; do command -v "${e%%:*}" >/dev/null 2>&1 || still+=("${e%%:*}"); done
	if [ ${#still[@]} -gt 0 ]; then say "still missing after install: ${still[*]}"; exit 1; fi
fi
if [ ${#opt_missing[@]} -gt 0 ]; then
	say "optional, not installed: ${opt_missing[*]} (DEPS_OPTIONAL=1 make deps installs them)"
fi

# --- 2. npm test parts ------------------------------------------------------------------------
[ "${DEPS_SKIP_NPM:-0}" = 1 ] && exit 0

npm_dir=tests/npm
mods=$npm_dir/node_modules
stamp=$mods/.chaindeck-stamp
lock_hash() { cat "$npm_dir/package.json" "$npm_dir/package-lock.json" | sha256sum | cut -d' ' -f1; }

# binary name -> path under node_modules
bins=(
	"anvil:@foundry-rs/anvil-linux-amd64/bin/anvil"
	"cast:@foundry-rs/cast-linux-amd64/bin/cast"
	"ethereumjs:@ethereumjs/client/dist/esm/bin/cli.js"
	"solcjs:solc/solc.js"
)

want=$(lock_hash)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || [ ! -x "$mods/@foundry-rs/anvil-linux-amd64/bin/anvil" ]; then
	case "$(uname -m)" in
	x86_64) ;;
	*) say "warning: the pinned anvil/cast binaries are for linux x86_64, this is $(uname -m)" ;;
	esac
	say "installing npm test parts into $npm_dir (npm ci)"
	rm -f "$stamp"
	log=$(mktemp)
	if ! (cd "$npm_dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) >"$log" 2>&1; then
		grep -v -e '^npm error  ' -e 'nodedir' "$log" | head -n 12 >&2
		say "npm ci failed; trying npm install"
		if ! (cd "$npm_dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error) >"$log" 2>&1; then
			cat "$log" >&2; rm -f "$log"
			say "error: npm install failed in $npm_dir"
			exit 1
		fi
	fi
	rm -f "$log"
	# The foundry platform packages are pinned directly (not the @foundry-rs/anvil wrappers, whose
	# other-platform optional packages a registry mirror may lack, which breaks `npm ci`).
	chmod +x "$mods"/@foundry-rs/*-linux-*/bin/* 2>/dev/null || true
	printf '%s\n' "$want" >"$stamp"
fi

mkdir -p "$npm_dir/bin"
for e in "${bins[@]}"; do
	name=${e%%:*} rel=${e#*:}
	if [ -e "$mods/$rel" ]; then
		# relative link, so the checkout can move
		[ "$(readlink "$npm_dir/bin/$name" 2>/dev/null)" = "../node_modules/$rel" ] ||
			ln -sfn "../node_modules/$rel" "$npm_dir/bin/$name"
	else
		rm -f "$npm_dir/bin/$name"
		case $name in anvil | cast) say "error: $mods/$rel is missing after install"; exit 1 ;; esac
	fi
done
