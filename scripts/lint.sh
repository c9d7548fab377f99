#!/usr/bin/env bash
# `make lint`: the layering rule, cppcheck and clang-tidy (.clang-tidy; CLANG_TIDY=0 skips it).
# Exits non-zero on any finding; each finding is printed as file:line: message. Not part of
# `make check` (clang-tidy's analysis takes over a minute); run it before committing C changes.
#
# Layering (docs/ARCHITECTURE.md, "Dependency rule"):
#   common/           includes nothing else from the repo, and no curses
#   models            wallet/, explorer/, dashboard/ files that are not *_pane.*: include only common/
#                     and their own directory, and no curses
#   tui/, *_pane.c    the only places that may include curses
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

dirs=(common tui dashboard explorer wallet)
fail=0
finding() { echo "$1"; fail=1; }

# ---- (a) dependency rule ------------------------------------------------------------------------
curses_re='^(n?cursesw?\.h|ncursesw/.*|ncurses/.*|panel\.h|menu\.h|form\.h|term\.h|termcap\.h)$'
files=()
for d in "${dirs[@]}"; do
	[ -d "$d" ] || continue
	while IFS= read -r f; do files+=("$f"); done < <(find "$d" -type f \( -name '*.c' -o -name '*.h' \) | sort)
done

for f in "${files[@]}"; do
	dir=${f%%/*}
	base=${f##*/}
	case $dir in
	common) kind=common ;;
	tui) kind=tui ;;
	*) case $base in *_pane.c | *_pane.h) kind=pane ;; *) kind=model ;; esac ;;
	esac
	# lines like:  #include "x/y.h"   # include <curses.h>
	while IFS=: read -r line text; do
		inc=$(printf '%s' "$text" | sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^">]+)[">].*/\1/p')
		[ -n "$inc" ] || continue
		quoted=0
		[[ $text =~ include[[:space:]]*\" ]] && quoted=1
		if [[ $inc =~ $curses_re ]] && [ "$kind" != tui ] && [ "$kind" != pane ]; then
			finding "$f:$line: curses header <$inc> outside tui/ and *_pane.c ($kind code)"
			continue
		fi
		[ "$quoted" -eq 1 ] || continue
		top=${inc%%/*}
		[ "$top" = "$inc" ] && top=$dir # "x.h" is the file's own directory
		case $kind in
		common)
			[ "$top" = common ] || finding "$f:$line: common/ includes \"$inc\" (common/ includes nothing else from the repo)"
			;;
		model)
			case $top in
			common | "$dir") ;;
			*) finding "$f:$line: model file includes \"$inc\" (models include only common/ and their own directory)" ;;
			esac
			;;
		esac
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$f")
done

# Secrets are wiped one way: explicit_bzero (common/) or sodium_memzero (wallet/, tui/), which the
# compiler may not drop. A wipe loop through a volatile pointer is flagged (volatile sig_atomic_t
# signal flags are not).
for f in "${files[@]}"; do
	while IFS=: read -r line _; do
		finding "$f:$line: volatile pointer: wipe with explicit_bzero or sodium_memzero"
	done < <(grep -nE 'volatile[[:space:]]+[A-Za-z_0-9 ]*\*' "$f" | grep -v sig_atomic_t)
done

# ---- (b) cppcheck ---------------------------------------------------------------------------------
present=()
for d in "${dirs[@]}"; do [ -d "$d" ] && present+=("$d"); done
if ! command -v cppcheck >/dev/null 2>&1; then
	finding "lint: cppcheck not installed (apt-get install -y --no-install-recommends cppcheck)"
elif [ ${#present[@]} -gt 0 ]; then
	# System headers are not parsed; macros from them that shape code need describing.
	cfg=$(mktemp "${TMPDIR:-/tmp}/chaindeck-cppcheck.XXXXXX.cfg")
	trap 'rm -f "$cfg"' EXIT
	cat >"$cfg" <<-'EOF'
		<?xml version="1.0"?>
		<def format="2">
		  <define name="cJSON_ArrayForEach(element, array)" value="for (element = (array != NULL) ? (array)->child : NULL; element != NULL; element = element->next)"/>
		</def>
	EOF
	if ! cppcheck --enable=warning,portability --error-exitcode=1 --inline-suppr -q --library="$cfg" \
		--std=c11 -I . -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DCHAINDECK_VERSION='"lint"' \
		-j "$(nproc 2>/dev/null || echo 2)" --template='{file}:{line}: cppcheck {severity} ({id}): {message}' \
		"${present[@]}"; then
		fail=1
	fi
fi

# ---- (c) clang-tidy ----------------------------------------------------------------------------------
# Checks and their reasons are in .clang-tidy. Every .c file of the five directories is analysed with
# the Makefile's own compiler flags (read from it, so they cannot drift), headers of the same
# directories through the files that include them. Files run in parallel (LINT_JOBS, default: the
# number of CPUs): about 70 s on two idle cores, which is why `make check` does not run lint.
# CLANG_TIDY=0 skips this step (e.g. on a machine without clang-tidy); it is on by default.
if [ "${CLANG_TIDY:-1}" != 0 ]; then
	if ! command -v clang-tidy >/dev/null 2>&1; then
		finding "lint: clang-tidy not installed (apt-get install -y --no-install-recommends clang-tidy), or run with CLANG_TIDY=0"
	elif [ ! -f .clang-tidy ]; then
		finding "lint: .clang-tidy is missing"
	else
		# The flags the build uses, minus what only matters to code generation or to gcc.
		# shellcheck disable=SC2016
		mk_flags=$(printf 'lint-print-cflags:\n\t@echo $(ALL_CFLAGS)\n' |
			make --no-print-directory -s -f Makefile -f - lint-print-cflags 2>/dev/null)
		if [ -z "$mk_flags" ]; then
			mk_flags="-std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wformat=2
				-Wmissing-prototypes -Wstrict-prototypes -I. $(pkg-config --cflags ncursesw libcurl libcjson libsodium libsecp256k1 libcrypto libqrencode 2>/dev/null)
				-DCHAINDECK_VERSION=\"lint\" -DCHAINDECK_DESCRIBE=\"lint\""
		fi
		tidy_flags=()
		# word splitting on purpose: make printed one flag per word (values are quoted, unexpanded)
		for fl in $mk_flags; do
			case $fl in -Werror | -O* | -g | -g[0-9] | -ffile-prefix-map=* | -fdebug-prefix-map=*) continue ;; esac
			tidy_flags+=("$fl")
		done
		tidy_dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-tidy.XXXXXX")
		trap 'rm -rf "${cfg:-}" "$tidy_dir"' EXIT
		tidy_start=$(date +%s)
		cfiles=()
		for f in "${files[@]}"; do case $f in *.c) cfiles+=("$f") ;; esac; done
		# each file's report in its own file, so parallel runs never interleave
		# shellcheck disable=SC2016
		printf '%s\0' "${cfiles[@]}" |
			xargs -0 -r -P "${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}" -I{} bash -c \
				'f=$1 out=$2; shift 2; clang-tidy --quiet "$f" -- "$@" >"$out/${f//\//_}.log" 2>&1 || echo "$f" >>"$out/failed"' \
				lint-tidy {} "$tidy_dir" "${tidy_flags[@]}"
		# One line per finding (a header included by several files is reported once), notes dropped.
		findings=$(cat "$tidy_dir"/*.log 2>/dev/null | sed -nE "s|^$PWD/||; s|^\./||; s|/\./|/|; /: (warning|error): /p" | sort -u)
		if [ -n "$findings" ]; then
			printf '%s\n' "$findings"
			fail=1
		elif [ -s "$tidy_dir/failed" ]; then
			# no diagnostic line, yet a failure: show what clang-tidy said
			while IFS= read -r f; do tail -n 20 "$tidy_dir/${f//\//_}.log"; finding "lint: clang-tidy failed on $f"; done <"$tidy_dir/failed"
		fi
		echo "lint: clang-tidy: $(printf '%s\n' "$findings" | grep -c . ) finding(s) in ${#cfiles[@]} files, $(($(date +%s) - tidy_start)) s"
	fi
fi

if [ "$fail" -ne 0 ]; then
	echo "lint: findings above"
	exit 1
fi
echo "lint: clean"
