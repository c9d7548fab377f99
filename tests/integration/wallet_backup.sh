#!/usr/bin/env bash
# Creating a vault as a person does, and its backup: `chaindeck wallet new`, `verify-backup`,
# `show-mnemonic` and `change-password` driven on a real pseudo-terminal (tests/lib/pty_run.py:
# the program's /dev/tty is that terminal, keys are typed into it).
#   - new shows the words first (on the alternate screen, which is left and cleared after Enter),
#     asks three chosen words back, and only then writes the vault: while the words are shown no
#     vault exists; cast derives the address new printed from the words the screen showed
#   - words typed back wrong, or words that cannot be printed (stdout /dev/full): exit 1, no vault
#   - no terminal: new refuses unless --skip-backup-check, which writes a vault marked "backup not
#     checked" (format version 2); verify-backup on the terminal clears the mark (version 1 again)
#   - a weak password is warned about (from a file) and must be confirmed with "yes" (typed)
#   - show-mnemonic needs the password and shows the words on the alternate screen only: nothing
#     of them after the screen is left, nothing on stdout
#   - change-password: the new password opens the vault, the old one no longer does
set -u
. "$(dirname "$0")/../lib/cli.sh"
pty="python3 $CHAINDECK_ROOT/tests/lib/pty_run.py"

cli_home chaindeck-backup
printf 'a long enough test password\n' >"$work/pw"
printf 'another long test password\n' >"$work/pw2"
eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
# j JSON KEY: a field of pty_run's report
j() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); v = r; [v := v[k] for k in sys.argv[2].split(".")]; print(" ".join(v) if isinstance(v, list) else " ".join(map(str, v.values())) if isinstance(v, dict) else v)' "$1" "$2"; }
version() { python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); print(b[8] << 8 | b[9])' "$1"; }
# run_pty NAME STEPS-JSON CMD...: plays the steps, report in $work/NAME.json
run_pty() { local name=$1 steps=$2; shift 2; printf '%s' "$steps" >"$work/$name.steps"; $pty "$work/$name.steps" -- "$@" >"$work/$name.json" 2>&1; }

# ---- new: words first, backup check, then the vault ---------------------------------------------
v1=$work/v1/vault
run_pty new "[{\"expect\": \"Press Enter when\"}, {\"check_absent\": \"$v1\"}, {\"mark\": \"shown\"}, {\"send\": \"\\n\"},
	{\"answer_words\": true}]" "$bin" wallet new --vault "$v1" --password-file "$work/pw" --kdf interactive
eq "new exits 0 after the backup check" "$(j "$work/new.json" status)" 0
eq "no vault exists while the words are on the screen" "$(j "$work/new.json" absent)" True
words=$(j "$work/new.json" words)
eq "the screen showed 12 words" "$(printf '%s' "$words" | wc -w)" 12
out=$(j "$work/new.json" out)
case $out in *$'\e[?1049h'*$'\e[?1049l'*) t_pass "the words are shown on the alternate screen, which is left after Enter" ;;
*) t_fail "the words are shown on the alternate screen" ;; esac
after=${out##*$'\e[?1049l'}
case $after in *"$(printf '%s' "$words" | cut -d' ' -f1-3)"*) t_fail "no word is printed after the alternate screen" ;;
*) t_pass "no word is printed after the alternate screen" ;; esac
addr=$(printf '%s\n' "$after" | grep -o '0x[0-9a-fA-F]\{40\}' | tail -n1)
want=$("$cast" wallet address --mnemonic "$words" 2>&1)
eq "cast derives the printed address from the words shown" "$addr" "$want"
eq "the backed-up vault is format version 1" "$(version "$v1")" 1
eq "wallet list (verified) has that address" "$("$bin" wallet list --vault "$v1" --password-file "$work/pw" 2>/dev/null | cut -f2,4)" "$(printf '%s\tverified' "$want")"

v2=$work/v2/vault
run_pty wrong "[{\"expect\": \"Press Enter when\"}, {\"send\": \"\\n\"}, {\"answer_words\": \"wrong\"}]" \
	"$bin" wallet new --vault "$v2" --password-file "$work/pw" --kdf interactive
eq "words typed back wrong: exit 1" "$(j "$work/wrong.json" status)" 1
[ ! -e "$v2" ] && t_pass "and no vault is written" || t_fail "and no vault is written"
case $(j "$work/wrong.json" out) in *"no vault was written"*) t_pass "and it says so" ;; *) t_fail "and it says so" ;; esac

# ---- no terminal: --skip-backup-check, the mark, verify-backup ----------------------------------
v3=$work/v3/vault
setsid -w "$bin" wallet new --vault "$v3" --password-file "$work/pw" --kdf interactive </dev/null >"$work/v3.out" 2>"$work/v3.err"
eq "no terminal, no --skip-backup-check: usage error" "$?" 2
[ ! -e "$v3" ] && t_pass "and no vault" || t_fail "and no vault"
setsid -w "$bin" wallet new --vault "$v3" --password-file "$work/pw" --kdf interactive --skip-backup-check \
	</dev/null >"$work/v3.out" 2>"$work/v3.err"
eq "--skip-backup-check writes the vault" "$?" 0
eq "marked backup-not-checked: format version 2" "$(version "$v3")" 2
grep -q 'verify-backup' "$work/v3.err" && t_pass "and says to run verify-backup" || t_fail "and says to run verify-backup" "$(cat "$work/v3.err")"
v3words=$(head -n1 "$work/v3.out")
# verify-backup asks on the terminal: answer from the words new printed
python3 - "$work/verify2.steps" "$v3words" <<'PY'
import json, sys
words = sys.argv[2].split()
shown = "".join("%d. %s  " % (i + 1, w) for i, w in enumerate(words))
json.dump([{"expect": "Word \\d+: $"}], open(sys.argv[1], "w"))
open(sys.argv[1] + ".words", "w").write(shown)
PY
cat >"$work/verify2.sh" <<SH
printf '%s\n' "\$(cat "$work/verify2.steps.words")"
exec "$bin" wallet verify-backup --vault "$v3" --password-file "$work/pw"
SH
run_pty verify2 '[{"expect": "Backup check"}, {"answer_words": true}]' sh "$work/verify2.sh"
eq "verify-backup with the right words exits 0" "$(j "$work/verify2.json" status)" 0
eq "and the vault is back to version 1 (no mark)" "$(version "$v3")" 1

# the words cannot be written (stdout is /dev/full): no vault
setsid -w "$bin" wallet new --vault "$work/vfull/vault" --password-file "$work/pw" --kdf interactive --skip-backup-check \
	</dev/null >/dev/full 2>"$work/vfull.err"
eq "new whose words cannot be printed (stdout /dev/full): exit 1" "$?" 1
[ ! -e "$work/vfull/vault" ] && t_pass "and no vault is written" || t_fail "and no vault is written" "$(cat "$work/vfull.err")"

# ---- weak passwords -------------------------------------------------------------------------------
printf 'a\n' >"$work/weak"
setsid -w "$bin" wallet new --vault "$work/v4/vault" --password-file "$work/weak" --kdf interactive --skip-backup-check \
	</dev/null >/dev/null 2>"$work/v4.err"
grep -q 'weak password (shorter than 10 characters)' "$work/v4.err" && t_pass "a one-letter password is warned about" ||
	t_fail "a one-letter password is warned about" "$(cat "$work/v4.err")"
printf 'Password123!\n' >"$work/weak2"
setsid -w "$bin" wallet new --vault "$work/v5/vault" --password-file "$work/weak2" --kdf interactive --skip-backup-check \
	</dev/null >/dev/null 2>"$work/v5.err"
grep -q 'weak password (one of the first passwords anyone tries)' "$work/v5.err" && t_pass "'Password123!' is warned about" ||
	t_fail "'Password123!' is warned about" "$(cat "$work/v5.err")"
run_pty weak '[{"expect": "New vault password: "}, {"send": "qwerty\n"}, {"expect": "Repeat"}, {"send": "qwerty\n"},
	{"expect": "Type yes to keep it: "}, {"send": "no\n"}]' "$bin" wallet new --vault "$work/v6/vault" --kdf interactive --skip-backup-check
eq "typed weak password, not confirmed: exit 1" "$(j "$work/weak.json" status)" 1
[ ! -e "$work/v6/vault" ] && t_pass "and no vault" || t_fail "and no vault"

# ---- show-mnemonic ----------------------------------------------------------------------------------
MNEMONIC="test test test test test test test test test test test junk"
printf '%s\n' "$MNEMONIC" | "$bin" wallet restore --vault "$work/v7/vault" --password-file "$work/pw" --kdf interactive >/dev/null 2>&1
run_pty show '[{"expect": "Press Enter when"}, {"mark": "shown"}, {"send": "\n"}]' \
	"$bin" wallet show-mnemonic --vault "$work/v7/vault" --password-file "$work/pw"
eq "show-mnemonic exits 0" "$(j "$work/show.json" status)" 0
out=$(j "$work/show.json" out)
shown=$(printf '%s' "$out" | grep -o '[0-9][0-9]*\. [a-z][a-z]*' | cut -d' ' -f2 | tr '\n' ' ')
eq "it shows the vault's words" "$shown" "$MNEMONIC "
case ${out%%$'\e[?1049h'*} in *junk*) t_fail "nothing of them before the alternate screen" ;; *) t_pass "nothing of them before the alternate screen" ;; esac
case ${out##*$'\e[?1049l'} in *junk*) t_fail "nothing of them after it" ;; *) t_pass "nothing of them after it" ;; esac
case $out in *$'\e[2J\e[3J\e[?1049l'*) t_pass "the screen is cleared before it is left" ;; *) t_fail "the screen is cleared before it is left" ;; esac
run_pty showint '[{"expect": "Press Enter when"}, {"send": "\u0003"}]' \
	"$bin" wallet show-mnemonic --vault "$work/v7/vault" --password-file "$work/pw"
out=$(j "$work/showint.json" out)
eq "Ctrl-C while the words are shown ends it by SIGINT" "$(j "$work/showint.json" status)" -2
case ${out##*junk} in *$'\e[2J\e[3J\e[?1049l'*) t_pass "and the screen is cleared and left first" ;;
*) t_fail "and the screen is cleared and left first" ;; esac
stdout=$(setsid -w "$bin" wallet show-mnemonic --vault "$work/v7/vault" --password-file "$work/pw" </dev/null 2>/dev/null); rc=$?
eq "show-mnemonic without a terminal: usage error, nothing on stdout" "$rc:$stdout" "2:"
printf 'wrong password here\n' >"$work/badpw"
run_pty showbad '[]' "$bin" wallet show-mnemonic --vault "$work/v7/vault" --password-file "$work/badpw"
eq "show-mnemonic with a wrong password: exit 3" "$(j "$work/showbad.json" status)" 3
case $(j "$work/showbad.json" out) in *junk*) t_fail "and no word" ;; *) t_pass "and no word" ;; esac

# ---- change-password -----------------------------------------------------------------------------
"$bin" wallet change-password --vault "$work/v7/vault" --password-file "$work/pw" --new-password-file "$work/pw2" </dev/null 2>"$work/cp.err"
eq "change-password exits 0" "$?" 0
"$bin" wallet list --vault "$work/v7/vault" --password-file "$work/pw2" >/dev/null 2>&1
eq "the new password opens the vault" "$?" 0
"$bin" wallet list --vault "$work/v7/vault" --password-file "$work/pw" >/dev/null 2>&1
eq "the old one is a wrong password (exit 3)" "$?" 3
run_pty cp '[{"expect": "Vault password: "}, {"send": "another long test password\n"}, {"expect": "New vault password: "},
	{"send": "a third long test password\n"}, {"expect": "Repeat"}, {"send": "a third long test password\n"}]' \
	"$bin" wallet change-password --vault "$work/v7/vault"
eq "change-password typed on the terminal exits 0" "$(j "$work/cp.json" status)" 0
printf 'a third long test password\n' >"$work/pw3"
"$bin" wallet list --vault "$work/v7/vault" --password-file "$work/pw3" >/dev/null 2>&1
eq "and the typed password opens the vault" "$?" 0

t_done
