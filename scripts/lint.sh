#!/usr/bin/env bash
# `make lint`: the layering rule, cppcheck, and (with CLANG_TIDY=1) clang-tidy.
# Exits non-zero on any finding; each finding is printed as file:line: message.
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

# ---- (c) clang-tidy (opt-in) ------------------------------------------------------------------------
if [ "${CLANG_TIDY:-0}" = 1 ]; then
	if ! command -v clang-tidy >/dev/null 2>&1; then
		finding "lint: CLANG_TIDY=1 but clang-tidy is not installed (apt-get install -y --no-install-recommends clang-tidy)"
	else
		checks=()
		[ -f .clang-tidy ] || checks=(-checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling')
		pc_cflags=$(pkg-config --cflags ncursesw libcurl libcjson libsodium libsecp256k1 2>/dev/null)
		for f in "${files[@]}"; do
			case $f in *.c) ;; *) continue ;; esac
			# shellcheck disable=SC2086
			clang-tidy --quiet "${checks[@]}" --warnings-as-errors='*' "$f" -- \
				-std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DCHAINDECK_VERSION='"lint"' -I. $pc_cflags \
				2>/dev/null || fail=1
		done
	fi
fi

if [ "$fail" -ne 0 ]; then
	echo "lint: findings above"
	exit 1
fi
echo "lint: clean"
