#!/usr/bin/env bash
# The vault survives a SIGKILL at any point of a save: afterwards the file on disk is the old
# contents or the new ones, never neither, and it opens and unlocks. A save that cannot write
# (full disk, write limit, read-only directory) fails with a clear message and leaves the old vault
# byte for byte. No node is needed.
#
# Two kill loops:
#   1. The real binary: `chaindeck wallet label` in the background, SIGKILLed after a random delay
#      over 0 .. 1.2 x its measured run time. Argon2id dominates that run, so most kills land
#      before the write; the loop is about the whole command, the next one about the write.
#   2. tests/tools/vault_killer: unlocks once, then forks a child per iteration that sets a label
#      and saves, and SIGKILLs it after a random delay over 0 .. 1.2 x a measured save (temporary
#      file, write, fsync, rename, fsync of the directory), busy-waiting for microsecond timing.
#      After each kill a fresh handle must open and unlock the file and show the old or new label.
# SIGKILL ends the process, not the machine: the page cache survives, so this checks the write
# order (temporary, rename) and not what reaches the platter on a power cut.
#
# vault.c gives the temporary the name "<vault>.tmp-XXXXXX" and removes it on every error it sees;
# a SIGKILL between mkstemp and rename leaves it behind (nothing removes it later). What is checked
# is that such leftovers are 0600, are never read in place of the vault, and do not stop later
# saves; their number is printed.
#
# Environment: VAULT_SEED (default: from the clock) seeds the CLI loop's delays and the helper's;
# VAULT_ITERATIONS (default 200) kills in the helper loop.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT" || exit 2
build=${CHAINDECK_BUILD:-build}
bin="$PWD/$build/chaindeck"
killer="$PWD/$build/tests/tools/vault_killer"
if [ "${build#/}" != "$build" ]; then bin="$build/chaindeck" killer="$build/tests/tools/vault_killer"; fi
for b in "$bin" "$killer"; do
	if [ ! -x "$b" ]; then
		echo "vault_durability.sh: $b not built (run make test-bins)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-vaultdur.XXXXXX") || exit 1
cleanup_add "chmod -R u+rwx '$work' 2>/dev/null; rm -rf '$work'"
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
	XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME"
printf 'durable horse battery\n' >"$work/pw"
err=$work/stderr.log
: >"$err"

seed=${VAULT_SEED:-$(( $(date +%s) % 1000000 ))}
iterations=${VAULT_ITERATIONS:-200}
echo "# seed $seed (VAULT_SEED=$seed reproduces the delays; kill timing itself is not reproducible)"
RANDOM=$seed

MNEMONIC="test test test test test test test test test test test junk"
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
vault=$work/v/vault
start_ms=$(now_ms)

w() { "$bin" wallet "$@" --vault "$vault" --password-file "$work/pw"; }
eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
# account 0's label as `list` shows it (public part, no password); "!ERROR rc" when list fails
label0() {
	local out rc
	out=$("$bin" wallet list --vault "${1:-$vault}" 2>>"$err" </dev/null); rc=$?
	if [ "$rc" -ne 0 ]; then echo "!ERROR $rc"; return; fi
	printf '%s\n' "$out" | awk -F'\t' 'NR == 1 { print $3 }'
}
# unlock works: sign-message needs the password and the authenticated secret part
unlocks() { w sign-message --from "$A0" durable </dev/null >/dev/null 2>>"$err"; }
# files beside the vault other than the vault itself, one a line
beside() { ls -A "$(dirname "$1")" | grep -vx "$(basename "$1")"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
usec() { local t=${EPOCHREALTIME//[.,]/}; echo $((10#$t)); }

# ---- a vault ----------------------------------------------------------------------------------------
out=$(printf '%s\n' "$MNEMONIC" | "$bin" wallet restore --kdf interactive --vault "$vault" --password-file "$work/pw" 2>>"$err")
eq "restore prints anvil's account 0" "$out" "$A0"
w label "$A0" start </dev/null >/dev/null 2>>"$err"
eq "a completed save leaves only the vault in its directory" "$(beside "$vault")" ""

# ---- 1. SIGKILL the CLI at random points ------------------------------------------------------------
durs=()
for i in 1 2 3 4 5; do
	t0=$(usec)
	w label "$A0" "measure-$i" </dev/null >/dev/null 2>>"$err"
	durs+=($(($(usec) - t0)))
done
cur=measure-5
cli_us=$(printf '%s\n' "${durs[@]}" | sort -n | sed -n 3p)
echo "# chaindeck wallet label takes ${cli_us} us (median of 5; unlock included)"
cli_n=30 cli_old=0 cli_new=0 cli_bad=0 cli_nounlock=0 cli_done=0
for ((i = 0; i < cli_n; i++)); do
	new="cli-$i"
	d=$(( (RANDOM * 32768 + RANDOM) % (cli_us * 12 / 10 + 1) ))
	"$bin" wallet label "$A0" "$new" --vault "$vault" --password-file "$work/pw" </dev/null >/dev/null 2>/dev/null &
	pid=$!
	sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
	{ kill -KILL "$pid"; wait "$pid"; } 2>/dev/null
	rc=$?
	[ "$rc" -eq 0 ] && cli_done=$((cli_done + 1))
	got=$(label0)
	if [ "$got" = "$cur" ] && [ "$rc" -ne 0 ]; then
		cli_old=$((cli_old + 1))
	elif [ "$got" = "$cur" ]; then
		cli_bad=$((cli_bad + 1))
		echo "# CLI kill $i after ${d} us: the command exited 0 but the old label '$cur' is on disk"
	elif [ "$got" = "$new" ]; then
		cli_new=$((cli_new + 1)) cur=$new
	else
		cli_bad=$((cli_bad + 1))
		echo "# CLI kill $i after ${d} us (exit $rc): label '$got', expected '$cur' or '$new'"
		case $got in '!ERROR'*) ;; *) cur=$got ;; esac
	fi
	unlocks || { cli_nounlock=$((cli_nounlock + 1)); echo "# CLI kill $i after ${d} us: the vault does not unlock"; }
done
echo "# CLI kills: $cli_n, old $cli_old, new $cli_new (finished before the signal: $cli_done), neither $cli_bad"
eq "CLI kills: every vault shows the old or the new label" "$cli_bad" 0
eq "CLI kills: every vault unlocks afterwards" "$cli_nounlock" 0
[ "$cli_old" -gt 0 ] && [ "$cli_new" -gt 0 ] && t_pass "CLI kills: both outcomes seen (old $cli_old, new $cli_new)" ||
	t_fail "CLI kills: both outcomes seen" "old $cli_old, new $cli_new"

# ---- 2. SIGKILL inside vault_save ------------------------------------------------------------------
kout=$("$killer" "$vault" "$work/pw" "$iterations" "$seed" 60 2>>"$err"); krc=$?
kv() { printf '%s\n' "$kout" | sed -n "s/^$1=//p"; }
printf '%s\n' "$kout" | grep '^FAIL' | head -n 20
echo "# save: $(kv save_us_min)/$(kv save_us_median)/$(kv save_us_max) us (min/median/max of $(kv calibrations) unkilled saves)"
echo "# save kills: $(kv iterations) iterations, $(kv killed) killed, $(kv finished) finished first;" \
	"old $(kv old), new $(kv new); new by delay third (0-0.4, 0.4-0.8, 0.8-1.2 of a save): $(kv new_by_delay);" \
	"temporaries left $(kv tmp_left)"
eq "save kills: no check failed (exit status)" "$krc" 0
eq "save kills: every vault opened, unlocked, showed old or new" "$(kv failures)" 0
[ "$(kv iterations)" -ge 100 ] 2>/dev/null && t_pass "save kills: at least 100 iterations ran ($(kv iterations))" ||
	t_fail "save kills: at least 100 iterations ran" "$(kv iterations)"
[ "$(kv old)" -gt 0 ] 2>/dev/null && [ "$(kv new)" -gt 0 ] && t_pass "save kills: both outcomes seen (old $(kv old), new $(kv new))" ||
	t_fail "save kills: both outcomes seen" "old $(kv old), new $(kv new)"
cur=$(kv last_label)
eq "list shows the helper's last label" "$(label0)" "$cur"

# ---- leftovers of killed saves ---------------------------------------------------------------------
left=$(beside "$vault")
nleft=$(printf '%s' "$left" | grep -c . )
echo "# files left beside the vault by killed saves: $nleft"
eq "everything beside the vault is a <vault>.tmp-XXXXXX temporary" \
	"$(printf '%s' "$left" | grep -cvE '^vault\.tmp-[A-Za-z0-9]{6}$')" 0
bad=0
while IFS= read -r f; do
	[ -n "$f" ] || continue
	[ -f "$work/v/$f" ] && [ ! -L "$work/v/$f" ] && [ "$(stat -c %a "$work/v/$f")" = 600 ] || bad=$((bad + 1))
done <<<"$left"
eq "leftover temporaries are regular 0600 files" "$bad" 0
out=$(w label "$A0" after-kills </dev/null 2>>"$err"); rc=$?
eq "a save with leftovers present succeeds" "$rc" 0
eq "list shows the label of that save, not a leftover's" "$(label0)" after-kills
eq "that save adds no file beside the vault" "$(beside "$vault")" "$left"
t_ok "the vault unlocks with leftovers present" unlocks

# ---- saves that cannot write ------------------------------------------------------------------------
# Each on a copy of the vault in its own directory, so nothing beside it but what the save leaves.
# fresh_copy DIR: a copy of the vault in DIR (0700)
fresh_copy() { rm -rf "$1"; mkdir -m 0700 "$1" && cp -p "$vault" "$1/vault"; }
# after_failure NAME VAULT RC MSG WANT_RE BEFORE_SHA: the common checks of a failed save
after_failure() {
	local name=$1 v=$2 rc=$3 msg=$4 re=$5 before=$6
	eq "$name: exit status 1" "$rc" 1
	if [[ $msg =~ $re ]]; then t_pass "$name: clear message ($msg)"; else t_fail "$name: clear message" "got '$msg', expected /$re/"; fi
	eq "$name: the vault is byte for byte the old one" "$(sha "$v")" "$before"
	eq "$name: no temporary left" "$(beside "$v")" ""
	eq "$name: the old vault still lists its label" "$(label0 "$v")" after-kills
}

# write limit: RLIMIT_FSIZE 0 with SIGXFSZ ignored makes write(2) fail (EFBIG), as a full disk fails
# it (ENOSPC). stderr must be a pipe here: the limit applies to every regular file the process writes.
d=$work/fsize
fresh_copy "$d"
before=$(sha "$d/vault")
msg=$( (trap '' XFSZ; ulimit -f 0; exec "$bin" wallet label "$A0" never --vault "$d/vault" --password-file "$work/pw" </dev/null) 2>&1 >/dev/null)
rc=$?
after_failure "write limit (EFBIG)" "$d/vault" "$rc" "$msg" "$d/vault: cannot write: File too large" "$before"
out=$("$bin" wallet label "$A0" once-more --vault "$d/vault" --password-file "$work/pw" </dev/null 2>>"$err"); rc=$?
eq "write limit (EFBIG): without the limit the same save succeeds" "$rc/$(label0 "$d/vault")" 0/once-more

# full disk: a private tmpfs in a user and mount namespace (unshare -rm), filled to the last block.
# Nothing outside sees the mount; it goes when the namespace's last process exits.
d=$work/full
mkdir -m 0700 "$d"
if unshare -rm true 2>/dev/null; then
	fout=$(unshare -rm bash -c '
		set -u
		mnt=$1 bin=$2 src=$3 pw=$4 a0=$5
		mount -t tmpfs -o size=256k,mode=0700 tmpfs "$mnt" || { echo mount=failed; exit 0; }
		mkdir -m 0700 "$mnt/d" && cp -p "$src" "$mnt/d/vault" || { echo copy=failed; exit 0; }
		dd if=/dev/zero of="$mnt/fill" bs=4k 2>/dev/null
		echo "free_kib=$(df -k --output=avail "$mnt" | tail -n 1 | tr -d " ")"
		echo "before=$(sha256sum "$mnt/d/vault" | cut -d" " -f1)"
		msg=$("$bin" wallet label "$a0" never --vault "$mnt/d/vault" --password-file "$pw" </dev/null 2>&1 >/dev/null)
		echo "rc=$?"
		echo "msg=$msg"
		echo "after=$(sha256sum "$mnt/d/vault" | cut -d" " -f1)"
		echo "beside=$(ls -A "$mnt/d" | grep -vx vault | tr "\n" " ")"
		echo "label=$("$bin" wallet list --vault "$mnt/d/vault" 2>&1 | awk -F"\t" "NR == 1 { print \$3 }")"
		rm -f "$mnt/fill"
		"$bin" wallet label "$a0" room-again --vault "$mnt/d/vault" --password-file "$pw" </dev/null >/dev/null 2>&1
		echo "rc_after_room=$?"
		echo "label_after_room=$("$bin" wallet list --vault "$mnt/d/vault" 2>&1 | awk -F"\t" "NR == 1 { print \$3 }")"
	' full "$d" "$bin" "$vault" "$work/pw" "$A0" 2>>"$err")
	fv() { printf '%s\n' "$fout" | sed -n "s/^$1=//p"; }
	if [ -n "$(fv mount)$(fv copy)" ] || [ -z "$(fv rc)" ]; then
		echo "# full disk: skipped, a tmpfs could not be set up in a private namespace ($fout)"
	else
		echo "# full disk: tmpfs with $(fv free_kib) KiB free"
		eq "full disk (ENOSPC): exit status 1" "$(fv rc)" 1
		m=$(fv msg)
		if [[ $m =~ /d/vault:\ cannot\ write:\ No\ space\ left\ on\ device ]]; then t_pass "full disk (ENOSPC): clear message ($m)"; else t_fail "full disk (ENOSPC): clear message" "$m"; fi
		eq "full disk (ENOSPC): the vault is byte for byte the old one" "$(fv after)" "$(fv before)"
		eq "full disk (ENOSPC): no temporary left" "$(fv beside)" ""
		eq "full disk (ENOSPC): the old vault still lists its label" "$(fv label)" after-kills
		eq "full disk (ENOSPC): with room again the save succeeds" "$(fv rc_after_room)/$(fv label_after_room)" 0/room-again
	fi
else
	echo "# full disk: skipped, unshare -rm (user and mount namespace for a private tmpfs) is not available here"
fi

# read-only directory: chmod 0500. Root ignores directory permissions (CAP_DAC_OVERRIDE), so as root
# the save runs under setpriv with CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER dropped from
# its bounding set: still uid 0, the directory's owner, now held to the 0500 mode.
d=$work/ro
fresh_copy "$d"
chmod 0500 "$d"
runner=()
if touch "$d/.probe" 2>/dev/null; then
	rm -f "$d/.probe"
	runner=(setpriv --bounding-set -dac_override,-dac_read_search,-fowner)
	if ! command -v setpriv >/dev/null 2>&1 || ! "${runner[@]}" sh -c "! touch '$d/.probe'" 2>/dev/null; then
		rm -f "$d/.probe"
		runner=(skip)
	fi
fi
if [ "${runner[0]:-}" = skip ]; then
	echo "# read-only directory: skipped, running as uid $(id -u) with CAP_DAC_OVERRIDE and it cannot be dropped (setpriv), so chmod 0500 does not stop writes"
else
	[ ${#runner[@]} -gt 0 ] && echo "# read-only directory: uid $(id -u) ignores chmod 0500; the save runs without CAP_DAC_OVERRIDE (setpriv)"
	before=$(sha "$d/vault")
	msg=$("${runner[@]}" "$bin" wallet label "$A0" never --vault "$d/vault" --password-file "$work/pw" </dev/null 2>&1 >/dev/null)
	rc=$?
	after_failure "read-only directory" "$d/vault" "$rc" "$msg" "$d/vault: cannot create a file beside it: Permission denied" "$before"
	eq "read-only directory: the mode is left at 0500" "$(stat -c %a "$d")" 500
	chmod 0700 "$d"
	out=$("$bin" wallet label "$A0" writable --vault "$d/vault" --password-file "$work/pw" </dev/null 2>>"$err"); rc=$?
	eq "read-only directory: writable again, the save succeeds" "$rc/$(label0 "$d/vault")" 0/writable
fi

# ---- the run ---------------------------------------------------------------------------------------
if grep -qi "$MNEMONIC\|durable horse" "$err"; then t_fail "no mnemonic or password on stderr"; else t_pass "no mnemonic or password on stderr"; fi
el=$(($(now_ms) - start_ms))
echo "# elapsed ${el} ms (a figure, not a check: speed belongs in make bench)"
t_done
