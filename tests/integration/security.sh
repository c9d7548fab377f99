#!/usr/bin/env bash
# What SECURITY.md claims, tested end to end with the real binary, a real anvil and tmux:
#   a. no secret (mnemonic, passwords, private keys) in the log, on stderr, in any file but the
#      encrypted vault and keystore, or on any screen capture, after a full wallet workflow: the CLI
#      (new, restore, derive, sign-tx, sign-message, export-keystore, import-keystore, book) and the
#      TUI (a wrong password, unlock, send on anvil, lock); `wallet new` prints its mnemonic once, on
#      stdout, and nowhere else; the password is masked while typed; core dumps are off once unlocked
#   b. TLS verification cannot be switched off: a node with a self-signed certificate is DOWN with a
#      certificate error and gets no request; no option or config key turns verification off; with
#      `ca = cert.pem` it is accepted; a certificate for another name is refused even with the CA
#   c. the chain id is checked against the node right before signing: a node that changes its chain
#      id between the confirmation screen and y gets "not signed" and no transaction
#   d. vault, keystore, address book, config and log files are 0600 and new directories 0700, with
#      umask 022, and a log or config that was looser is tightened
#   e. API keys in node URLs (Infura- and Alchemy-style keys in the path, a URL password, an apikey
#      query value) are masked in the dashboard and the log and appear on no screen and in no log
#   f. from startup, before a bearer token is read or a password typed (the screen, and `wallet new`
#      at its prompt), chaindeck has core dumps off and is not dumpable, as the kernel reports it
#   g. a --log that is a symbolic link, or a log owned by another user, is refused and left alone; a
#      group-writable config (which names the hook) and a world-writable address book are not loaded,
#      with the chmod that fixes them; the alert hook gets exactly its five CHAINDECK_* variables and
#      SIGPIPE at its default
#   and: terminal escapes in a node's text (an OSC 52 clipboard write in web3_clientVersion) never
#   reach the terminal or the log as escapes; plain HTTP to a non-loopback address warns before
#   signing (0.0.0.0, which Linux routes to this host, stands in for one: loopback only).
# Every address is 127.0.0.1; every file lives in one temporary directory, removed at the end.
set -u
here=$(dirname "$0")
. "$here/../lib/node.sh"
. "$here/../lib/screen.sh"
cd "$CHAINDECK_ROOT" || exit 2
build=${CHAINDECK_BUILD:-build}
bin="$PWD/$build/chaindeck"
[ "${build#/}" != "$build" ] && bin="$build/chaindeck"
t_start=$(now_ms)
umask 022 # the modes below must come from chaindeck, not from a strict umask

work=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-security.XXXXXX") || exit 1
cleanup_add "rm -rf '$work'"
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config \
	XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
mkdir -p "$HOME" "$work/in"

die() { t_fail "$1" "${2:-}"; t_done; exit 1; }
eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }

# ---- the secrets ----------------------------------------------------------------------------------
# anvil's PUBLIC test mnemonic and keys (test funds only); the passwords are made up here
MNEMONIC="test test test test test test test test test test test junk"
PASSWORD='Vault-pw-7f3a9c'
WRONG='Vault-pw-7f3a9d'
PASSWORD2='Second-vault-pw-41be'
KPASS='Keystore-pw-9d2e55'
KEYS=(ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
	59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
	5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a)
A0=0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266
A1=0x70997970C51812dc3A010C7d01b50e0d17dc79C8
A2=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
# inputs of the test itself: the only files allowed to hold a password in clear
printf '%s\n' "$PASSWORD" >"$work/in/pw"
printf '%s\n' "$PASSWORD2" >"$work/in/pw2"
printf '%s\n' "$KPASS" >"$work/in/kpw"
chmod 600 "$work/in"/*

# Every screen capture is kept, so that all can be searched at the end.
caps=$work/captures.txt
screen_record "$caps"
has() { screen_capture | grep -Eq -- "$1"; }

# run_tui NAME ARGS...: chaindeck in a new 160x40 session; a shell around it prints its exit status
# shellcheck disable=SC2086 # CHAINDECK_WRAP (valgrind ...) is words
run_tui() {
	local name=$1
	shift
	screen_start "$name" 160 40 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
		env LC_ALL=C.UTF-8 ETH_RPC_URL= ${CHAINDECK_WRAP:-} "$bin" "$@"
}
# quit_tui: the whole history captured, q, a clean exit
quit_tui() {
	screen_capture -S - >/dev/null
	screen_send q
	t_ok "q quits chaindeck ($SCREEN_NAME) with status 0" screen_wait_for 'chaindeck exited with status 0' 5
}
# the pid of chaindeck in the current session (the child of the sh the pane runs)
tui_pid() {
	local sh
	sh=$(_tmux display-message -p -t "$SCREEN_NAME" '#{pane_pid}') || return 1
	awk '{print $1}' "/proc/$sh/task/$sh/children" 2>/dev/null
}

# memscan PID: how often the password, the wrong password, the mnemonic, key 0 in hex, key 0 as
# bytes, and the two passwords as UTF-32 (the wide characters curses reads keys into) occur in the
# process's readable-writable memory ("unreadable" without ptrace rights)
memscan() {
	python3 - "$1" "$PASSWORD" "$WRONG" "$MNEMONIC" "${KEYS[0]}" <<'PY'
import sys
pid, texts = sys.argv[1], sys.argv[2:]
needles = [t.encode() for t in texts] + [bytes.fromhex(texts[-1])]
needles += [t.encode("utf-32-le") for t in texts[:2]]
counts = [0] * len(needles)
try:
    maps = open("/proc/%s/maps" % pid).read().splitlines()
    mem = open("/proc/%s/mem" % pid, "rb", 0)
except OSError:
    print("unreadable")
    sys.exit(0)
for line in maps:
    addr, perm = line.split()[:2]
    if not perm.startswith("rw"):
        continue
    lo, hi = (int(x, 16) for x in addr.split("-"))
    try:
        mem.seek(lo)
        data = mem.read(hi - lo)
    except (OSError, OverflowError, ValueError):
        continue
    for i, n in enumerate(needles):
        counts[i] += data.count(n)
print(" ".join(map(str, counts)))
PY
}

# ---- a JSON-RPC proxy in front of anvil: logs the methods it is asked, can serve TLS, can change ----
# its chain id (while the file FLAG exists) and can put terminal escapes in web3_clientVersion
cat >"$work/proxy.py" <<'EOF'
import http.server, json, os, ssl, sys, urllib.request
port_file, upstream, log_path, flag, mode = sys.argv[1:6]
cert, key = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else ("", "")
EVIL = "evil\x1b]52;c;UFdORUQ=\x07\x1b[2J\x1b[31mred\x1b[0m\x9b1m"
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            req = json.loads(body)
        except ValueError:
            req = None
        reqs = [r for r in (req if isinstance(req, list) else [req]) if isinstance(r, dict)]
        with open(log_path, "a") as f:
            f.write(" ".join(str(r.get("method")) for r in reqs) + "\n")
        up = urllib.request.Request(upstream, data=body, headers={"Content-Type": "application/json"})
        out = urllib.request.urlopen(up, timeout=10).read()
        ids = {json.dumps(r.get("id")): r.get("method") for r in reqs}
        resp = json.loads(out)
        for r in (resp if isinstance(resp, list) else [resp]):
            m = ids.get(json.dumps(r.get("id"))) if isinstance(r, dict) else None
            if m == "eth_chainId" and os.path.exists(flag):
                r["result"] = "0x1"
            if m == "web3_clientVersion" and mode == "evil":
                r["result"] = EVIL
        out = json.dumps(resp).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
if cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
EOF
# proxy_start NAME MODE [CERT KEY]: sets PROXY_PORT; methods asked go to $work/NAME.methods
proxy_start() {
	local name=$1 mode=$2 end
	shift 2
	: >"$work/$name.methods"
	_spawn python3 "$work/proxy.py" "$work/$name.port" "$ANVIL_URL" "$work/$name.methods" \
		"$work/$name.flag" "$mode" "$@" >/dev/null 2>"$work/$name.err"
	node_track "$_spawned_pid"
	end=$(($(now_ms) + 5000))
	until [ -s "$work/$name.port" ]; do
		if ! _alive "$_spawned_pid" || [ "$(now_ms)" -ge "$end" ]; then
			cat "$work/$name.err" >&2
			return 1
		fi
		sleep 0.05
	done
	PROXY_PORT=$(cat "$work/$name.port")
}

anvil_start --block-time 1 || die "anvil starts"

# ==== a. the wallet CLI ===========================================================================
err=$work/cli.stderr # every command's stderr
: >"$err"
w() { "$bin" wallet "$@" 2>>"$err"; }
vault=$work/wallet/vault # chaindeck creates the directory

w new --vault "$work/new/vault" --password-file "$work/in/pw2" --kdf interactive --skip-backup-check </dev/null >"$work/new.out"
NEWM=$(head -n 1 "$work/new.out")
eq "wallet new prints a 12-word mnemonic on stdout" "$(printf '%s' "$NEWM" | wc -w)" 12
out=$(printf '%s\n' "$MNEMONIC" | w restore --vault "$vault" --password-file "$work/in/pw" --kdf interactive)
eq "restore gives anvil's account 0" "$out" "$A0"
w derive --count 2 --vault "$vault" --password-file "$work/in/pw" </dev/null >"$work/derive.out"
eq "derive gives anvil's accounts 1 and 2" "$(cut -f2 "$work/derive.out" | tr '\n' ' ')" "$A1 $A2 "
sig=$(w sign-message --vault "$vault" --password-file "$work/in/pw" --from "$A1" "hello" </dev/null)
[[ $sig =~ ^0x[0-9a-f]{130}$ ]] && t_pass "sign-message signs" || t_fail "sign-message signs" "$sig"
nonce=$(rpc_result "$ANVIL_URL" eth_getTransactionCount "[\"$A2\",\"pending\"]")
raw=$(printf '{"from":"%s","chainId":"0x7a69","type":"0x2","nonce":"%s","to":"%s","value":"0x1","gas":"0x5208","maxFeePerGas":"0x2540be400","maxPriorityFeePerGas":"0x3b9aca00"}' \
	"$A2" "$nonce" "$A1" | w sign-tx --vault "$vault" --password-file "$work/in/pw" --from "$A2")
hash=$(rpc_result "$ANVIL_URL" eth_sendRawTransaction "[\"$raw\"]")
[[ $hash =~ ^0x[0-9a-f]{64}$ ]] && t_pass "sign-tx signs a transaction anvil accepts" || t_fail "sign-tx signs a transaction anvil accepts" "$raw / $hash"
mkdir -p "$work/ks"
eq "export-keystore writes account 1" \
	"$(w export-keystore "$A1" --out "$work/ks/a1.json" --vault "$vault" --password-file "$work/in/pw" --keystore-password-file "$work/in/kpw" </dev/null)" "$A1"
out=$(w import-keystore "$work/ks/a1.json" --vault "$work/new/vault" --password-file "$work/in/pw2" --keystore-password-file "$work/in/kpw" </dev/null)
eq "import-keystore brings it into the other vault" "$(printf '%s' "$out" | cut -f2)" "$A1"
w book "$A2" "friend" --book "$work/book/addressbook" </dev/null >/dev/null
eq "the address book has the label" "$(w book "$A2" --book "$work/book/addressbook" </dev/null)" "friend"

# ==== a + c. the TUI: wrong password, unlock, send, a chain id changed before y, lock ==============
proxy_start plain plain || die "the JSON-RPC proxy starts"
PLAIN=http://127.0.0.1:$PROXY_PORT
log=$work/state/tui.log
mkdir -p "$work/state"
: >"$log"
chmod 644 "$log" # a log left looser by an older version: chaindeck tightens it
run_tui main --rpc-url "$PLAIN" --vault "$vault" --log "$log"
screen_wait_for 'chaindeck|Node|Wallet' 10 >/dev/null || die "chaindeck starts" "$(screen_capture)"
screen_send 1
t_ok "the wallet opens locked" screen_wait_for 'locked \(read-only; u unlocks\)' 10
pid=$(tui_pid)

screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$WRONG"
screen_send Enter
t_ok "a wrong password is refused" screen_wait_for 'wrong password' 10
screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$PASSWORD"
if screen_capture | grep -q "Vault password \*\{${#PASSWORD}\}\$"; then t_pass "the password is masked while typed"; else t_fail "the password is masked while typed" "$(screen_capture | tail -n 2)"; fi
screen_send Enter
t_ok "the right password unlocks" screen_wait_for 'unlocked \(L locks\)' 10
core=$(awk '/^Max core file size/ {print $5 " " $6}' "/proc/$pid/limits" 2>/dev/null)
eq "no core dump while unlocked (RLIMIT_CORE 0)" "$core" "0 0"
if tr '\0' '\n' <"/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null | grep -qF -e "$PASSWORD" -e "$WRONG"; then
	t_fail "the password is not on argv or in the environment"
else
	t_pass "the password is not on argv or in the environment"
fi

# send_form TO AMOUNT: s, the recipient, Enter for ETH, the amount
send_form() {
	screen_send s
	screen_wait_for 'Send to address' 3 >/dev/null || return 1
	screen_type "$1"
	screen_send Enter
	screen_wait_for 'Token contract \(Enter for ETH\)' 3 >/dev/null || return 1
	screen_send Enter
	screen_wait_for 'Amount (in ETH|of the token) \(or max\)' 3 >/dev/null || return 1
	screen_type "$2"
	screen_send Enter
}
n0=$(rpc_result "$ANVIL_URL" eth_getTransactionCount "[\"$A0\",\"pending\"]")
send_form "$A1" 1.25 || t_fail "the send form opens"
t_ok "the confirmation screen shows chain 31337" screen_wait_for '^ Chain +31337' 10
t_ok "... and what y signs" screen_wait_for 'y signs and sends exactly this' 10
t_ok "no plain-HTTP warning for a loopback node" screen_wait_gone 'WARNING +the node is reached over plain HTTP' 1
screen_send y
t_ok "y sends it" screen_wait_for 'sent 0x[0-9a-f]{64}' 10
h1=$(screen_capture | grep -o 'sent 0x[0-9a-f]\{64\}' | head -n 1 | cut -c6-)
receipt=""
for _ in $(seq 50); do
	receipt=$(rpc_result "$ANVIL_URL" eth_getTransactionReceipt "[\"$h1\"]" 2>/dev/null)
	[ -n "$receipt" ] && [ "$receipt" != null ] && break
	sleep 0.1
done
[ -n "$receipt" ] && [ "$receipt" != null ] && t_pass "anvil mined it" || t_fail "anvil mined it" "$h1"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
# The scan reads the process's writable memory through /proc/PID/mem: it takes ptrace rights over
# a process that made itself non-dumpable, so only root gets this far; anyone else is refused.
mem_unlocked=$(memscan "$pid")
mem_readable=yes
# A sanitized binary maps terabytes of shadow memory the scan cannot walk: the scan is proven on the
# plain build (make check), and skipped here with its reason.
if nm -D "$bin" 2>/dev/null | grep -q __asan_init || nm "$bin" 2>/dev/null | grep -q __asan_init; then
	mem_unlocked=sanitized
fi
case $mem_unlocked in
unreadable | sanitized)
	mem_readable=no
	;;
*)
	read -r _ _ m _ <<<"$mem_unlocked"
	if [ "${m:-0}" -gt 0 ]; then t_pass "while unlocked the scan sees the mnemonic in memory (the scan works)"; else t_fail "while unlocked the scan sees the mnemonic in memory" "$mem_unlocked"; fi
	;;
esac

# c. the node switches chains between the confirmation screen and y
n0=$(rpc_result "$ANVIL_URL" eth_getTransactionCount "[\"$A0\",\"pending\"]")
send_form "$A1" 0.5 || t_fail "the second send form opens"
t_ok "chain id check: the confirmation screen shows chain 31337" screen_wait_for '^ Chain +31337' 10
t_ok "chain id check: ready to sign" screen_wait_for 'y signs and sends exactly this' 10
raws_before=$(grep -c eth_sendRawTransaction "$work/plain.methods")
: >"$work/plain.flag" # from now on the node says chain 1
sleep 0.3
screen_send y
if screen_wait_for 'the node is now on chain 1, the transaction is for chain 31337: not signed' 10; then
	t_pass "chain id check: y says the node is now on chain 1 and nothing was signed"
else
	t_fail "chain id check: y says the node is now on chain 1 and nothing was signed"
fi
sleep 1
eq "chain id check: no eth_sendRawTransaction reached the node" "$(grep -c eth_sendRawTransaction "$work/plain.methods")" "$raws_before"
eq "chain id check: account 0's nonce on the node is unchanged" \
	"$(rpc_result "$ANVIL_URL" eth_getTransactionCount "[\"$A0\",\"pending\"]")" "$n0"
t_ok "chain id check: the screen does not say sent" screen_wait_gone 'sent 0x[0-9a-f]{64}' 1
rm -f "$work/plain.flag"
screen_send Escape
screen_wait_for 'unlocked \(L locks\)' 3 >/dev/null
screen_send L
t_ok "L locks the wallet" screen_wait_for 'locked \(read-only; u unlocks\)' 5
mem_after=$(memscan "$pid")
if [ "$mem_unlocked" = sanitized ]; then
	t_pass "memory scan skipped: a sanitized binary (it runs on the plain build)"
elif [ "$mem_readable" = no ]; then
	t_pass "the unlocked process's memory is not readable by its own user (not dumpable)"
else
	eq "after L: no password (UTF-8 or UTF-32), mnemonic or key (text or bytes) left in the process's memory" "$mem_after" "0 0 0 0 0 0 0"
fi
quit_tui
eq "the log file is tightened to 0600" "$(mode "$log")" 600
grep -q 'wallet unlocked' "$log" && grep -q "$h1" "$log" && t_pass "the log recorded the unlock and the send" ||
	t_fail "the log recorded the unlock and the send" "$(tail -n 5 "$log")"

# plain HTTP to an address that is not loopback: a warning on the confirmation screen
run_tui warn --rpc-url "http://0.0.0.0:$ANVIL_PORT" --vault "$vault" --log "$work/state/warn.log"
screen_wait_for 'chaindeck|Node|Wallet' 10 >/dev/null
screen_send 1
screen_wait_for 'locked \(read-only; u unlocks\)' 10 >/dev/null
screen_send u
screen_wait_for 'Vault password' 3 >/dev/null
screen_type "$PASSWORD"
screen_send Enter
screen_wait_for 'unlocked \(L locks\)' 10 >/dev/null || t_fail "unlocks on http://0.0.0.0"
send_form "$A1" 0.1
t_ok "plain HTTP to a non-loopback address: a warning before y" \
	screen_wait_for 'WARNING +the node is reached over plain HTTP on the network' 10
screen_send Escape
quit_tui

# ==== b. TLS ======================================================================================
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
	-addext subjectAltName=DNS:localhost -keyout "$work/tls.key" -out "$work/tls.pem" >/dev/null 2>&1 ||
	die "openssl makes a self-signed certificate"
proxy_start tls evil "$work/tls.pem" "$work/tls.key" || die "the TLS proxy starts"
TLS_PORT=$PROXY_PORT

run_tui tls1 --rpc-url "https://localhost:$TLS_PORT" --log "$work/state/tls1.log"
if screen_wait_for 'DOWN since .*certificate' 15; then
	t_pass "a self-signed certificate: DOWN with a certificate error ($(screen_capture | grep -o 'DOWN since.*certificate[^ ]*' | head -n 1 | sed 's/  */ /g'))"
else
	t_fail "a self-signed certificate: DOWN with a certificate error"
fi
eq "... and the node got no request" "$(grep -c . "$work/tls.methods")" 0
quit_tui

# no option, config key or environment-free switch turns verification off
keys=$(sed -n '/^static const struct key_def keys\[\]/,/^};/p' common/config.c | grep -o '{ "[a-z_]*"' | cut -d'"' -f2 | sort -u | tr '\n' ' ')
[[ " $keys" == *" url "* && " $keys" == *" ca "* ]] || t_fail "the config key table was found" "$keys"
if printf '%s\n' $keys | grep -Eqi 'insecure|verify|tls|ssl|skip|cert|trust'; then
	t_fail "no config key about verification but ca" "$keys"
else
	t_pass "no config key about verification but ca (keys: $keys)"
fi
if { "$bin" --help; cat chaindeck.1; } 2>&1 | grep -Eqi -- 'insecure|no-verify|skip-verify|verify.*off|--ssl'; then
	t_fail "no option in --help or the man page turns verification off"
else
	t_pass "no option in --help or the man page turns verification off"
fi
bad=$(grep -rn 'CURLOPT_SSL_VERIFY\|CURLOPT_PROXY_SSL_VERIFY' common tui dashboard explorer wallet | grep -v 'VERIFYPEER, 1L\|VERIFYHOST, 2L')
eq "libcurl's peer and host verification are only ever set on (1L, 2L)" "$bad" ""
for kv in 'insecure = on' 'verify = off' 'tls_verify = false' 'ssl_verify = 0'; do
	printf '[node "x"]\nurl = https://localhost:%s\n%s\n' "$TLS_PORT" "$kv" >"$work/bad.ini"
	out=$(timeout 10 "$bin" --config "$work/bad.ini" --log "$work/state/bad.log" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -ne 0 ] && printf '%s' "$out" | grep -q 'unknown key'; then
		t_pass "config '$kv' is refused as an unknown key"
	else
		t_fail "config '$kv' is refused as an unknown key" "exit $rc: $out"
	fi
done

# with the certificate as the node's CA it is accepted (and the config is written 0600 by `a`)
conf=$work/config/chaindeck/config.ini
mkdir -p "$(dirname "$conf")"
printf '[node "tls"]\nurl = https://localhost:%s\nca = %s\n' "$TLS_PORT" "$work/tls.pem" >"$conf"
chmod 644 "$conf"
_tmux set -g set-clipboard on 2>/dev/null
_tmux delete-buffer 2>/dev/null
run_tui tls2 --config "$conf" --log "$work/state/tls2.log"
_tmux set -g set-clipboard on
t_ok "with ca = the certificate: the node is up" screen_wait_for 'Chain id +31337' 15
t_ok "... its client version is shown, escapes removed" screen_wait_for 'Client +evil' 5
t_ok "... every ESC and C1 control of it shown as ?" has 'Client +evil\?\]52;c;UFdORUQ=\?\?\[2J\?\[31mred\?\[0m\?1m'
if _tmux show-buffer >/dev/null 2>&1; then t_fail "the node's OSC 52 did not set the clipboard" "$(_tmux show-buffer)"; else t_pass "the node's OSC 52 did not set the clipboard"; fi
screen_send a
screen_wait_for 'New node name' 3 >/dev/null
screen_type extra
screen_send Enter
screen_wait_for 'URL' 3 >/dev/null
screen_send C-u
screen_type "http://127.0.0.1:1"
screen_send Enter
t_ok "a node added in the UI is saved to the config file" screen_wait_for 'saved to ' 5
quit_tui
grep -q 'url = http://127.0.0.1:1' "$conf" && t_pass "the config file has the new node" || t_fail "the config file has the new node" "$(cat "$conf")"
eq "the config file is rewritten 0600" "$(mode "$conf")" 600

printf '[node "tls"]\nurl = https://127.0.0.1:%s\nca = %s\n' "$TLS_PORT" "$work/tls.pem" >"$work/byip.ini"
before=$(grep -c . "$work/tls.methods")
run_tui tls3 --config "$work/byip.ini" --log "$work/state/tls3.log"
t_ok "the CA's certificate for another name (localhost, asked 127.0.0.1): DOWN" screen_wait_for 'DOWN since .*certificate' 15
eq "... and the node got no request" "$(grep -c . "$work/tls.methods")" "$before"
quit_tui

# ==== f. hardened from the start: no core dump, no ptrace, before any secret is read ==============
# chaindeck runs as an ordinary user (nobody, when the test runs as root; else the test's own user)
# with core dumps allowed by its shell, a config whose node has a bearer_file, and no vault unlocked.
# The kernel's view of the running process: its core limit (/proc/PID/limits) and whether it is
# dumpable (a non-dumpable process's /proc/PID files belong to root instead of its user).
hw=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-harden.XXXXXX") || die "a directory for the unprivileged run"
cleanup_add "rm -rf '$hw'"
printf 'bearer-token-0f9e8d\n' >"$hw/token"
printf '[node "t"]\nurl = http://127.0.0.1:1\nbearer_file = %s\n' "$hw/token" >"$hw/config.ini"
chmod 600 "$hw/token" "$hw/config.ini"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	chown -R 65534:65534 "$hw"
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
chmod 700 "$hw"
# harden_check WHAT: the current session's chaindeck has core size 0 and is not dumpable
harden_check() {
	local pid core owner
	pid=$(tui_pid)
	core=$(awk '/^Max core file size/ {print $5 " " $6}' "/proc/$pid/limits" 2>/dev/null)
	owner=$(stat -c %u "/proc/$pid/mem" 2>/dev/null)
	eq "$1: no core dump (RLIMIT_CORE 0)" "$core" "0 0"
	eq "$1: not dumpable, so no ptrace or /proc/PID/mem for its user (/proc/PID owned by root)" "$owner" 0
}
# shellcheck disable=SC2016 # expanded by the inner sh
screen_start harden 160 40 sh -c 'ulimit -c unlimited; "$@"; echo "chaindeck exited with status $?"' sh \
	env LC_ALL=C.UTF-8 ETH_RPC_URL= HOME="$hw" XDG_STATE_HOME="$hw/state" XDG_DATA_HOME="$hw/data" \
	"${as_user[@]}" "$bin" --config "$hw/config.ini" --log "$hw/tui.log"
t_ok "hardening: chaindeck starts as nobody with a bearer_file" screen_wait_for 'Node|DOWN|connecting' 10
harden_check "hardening: at startup, before any unlock"
quit_tui
screen_start hardcli 160 40 sh -c 'ulimit -c unlimited; "$@"; echo "chaindeck exited with status $?"' sh \
	env LC_ALL=C.UTF-8 HOME="$hw" "${as_user[@]}" \
	"$bin" wallet new --vault "$hw/data/vault" --kdf interactive
t_ok "hardening: wallet new asks for a password on the terminal" screen_wait_for '[Pp]assword' 10
harden_check "hardening: wallet new, at its password prompt"
screen_send C-c
screen_wait_for 'chaindeck exited with status' 5 >/dev/null

# ==== g. files another user could have planted or changed =========================================
gw=$work/files
mkdir -p "$gw"
printf 'my notes\n' >"$gw/notes.txt"
ln -s "$gw/notes.txt" "$gw/link.log"
out=$(timeout 10 "$bin" --rpc-url http://127.0.0.1:1 --log "$gw/link.log" 2>&1 </dev/null)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"$gw/link.log"*"symbolic link"* ]]; then
	t_pass "files: a --log that is a symbolic link is refused, saying so ($out)"
else
	t_fail "files: a --log that is a symbolic link is refused, saying so" "exit $rc: $out"
fi
eq "files: ... and the file it points to is untouched" "$(cat "$gw/notes.txt")" "my notes"
if [ "$(id -u)" -ne 0 ]; then
	t_pass "files: a log owned by another user: skipped (only root can give a file away)"
else
	printf 'theirs\n' >"$gw/theirs.log"
	chown 65534:65534 "$gw/theirs.log" && chmod 666 "$gw/theirs.log"
	out=$(timeout 10 "$bin" --rpc-url http://127.0.0.1:1 --log "$gw/theirs.log" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" -ne 0 ] && [[ $out == *"another user"* ]] && [ "$(cat "$gw/theirs.log")" = theirs ] &&
		[ "$(mode "$gw/theirs.log")" = 666 ]; then
		t_pass "files: a log file owned by another user is neither appended to nor chmod-ed ($out)"
	else
		t_fail "files: a log file owned by another user is neither appended to nor chmod-ed" \
			"exit $rc: $out; now $(mode "$gw/theirs.log"): $(cat "$gw/theirs.log")"
	fi
fi

# a config file that group or others can write names a hook: not loaded, and the hook never runs
cat >"$gw/hook" <<HOOK
#!/bin/sh
{ tr '\\0' '\\n' </proc/\$\$/environ | grep '^CHAINDECK_' | sort; grep '^SigIgn:' /proc/\$\$/status; } >"$gw/hook.out"
HOOK
chmod 700 "$gw/hook"
printf '[general]\nrefresh = 200\n[alerts]\nhook = %s\n[node "gone"]\nurl = http://127.0.0.1:1\n' "$gw/hook" >"$gw/config.ini"
chmod 664 "$gw/config.ini"
out=$(timeout 10 "$bin" --config "$gw/config.ini" --log "$gw/g.log" 2>&1 </dev/null)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"$gw/config.ini: not loaded: writable by its group (fix: chmod go-w '$gw/config.ini')"* ]]; then
	t_pass "files: a group-writable config is not loaded, with the chmod that fixes it ($out)"
else
	t_fail "files: a group-writable config is not loaded, with the chmod that fixes it" "exit $rc: $out"
fi
if [ -e "$gw/hook.out" ]; then t_fail "files: ... and its hook never ran"; else t_pass "files: ... and its hook never ran"; fi
book=$gw/addressbook
printf '%s\tmy savings\n' "$A1" >"$book"
chmod 666 "$book"
out=$("$bin" wallet book --book "$book" 2>&1 </dev/null)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"$book: not loaded: writable by every user (fix: chmod go-w '$book')"* ]]; then
	t_pass "files: a world-writable address book is not loaded, with the chmod that fixes it"
else
	t_fail "files: a world-writable address book is not loaded, with the chmod that fixes it" "exit $rc: $out"
fi

# The alert hook: chaindeck's environment holds CHAINDECK_* variables of its own (a stale message, an
# unknown one); the hook is given exactly the five of the alert (the environment the kernel handed
# it, /proc/PID/environ, before any shell tidied it), and SIGPIPE in its default state (the kernel's
# SigIgn mask of the hook's shell, bit 13 - 1).
chmod 600 "$gw/config.ini"
screen_start hook 160 40 sh -c '"$@"; echo "chaindeck exited with status $?"' sh \
	env LC_ALL=C.UTF-8 ETH_RPC_URL= CHAINDECK_MESSAGE='rm -rf ~ spoofed' CHAINDECK_EXTRA=inherited \
	"$bin" --config "$gw/config.ini" --log "$gw/hook.log"
for _ in $(seq 100); do [ -s "$gw/hook.out" ] && break; sleep 0.1; done
quit_tui
hookenv=$(grep '^CHAINDECK_' "$gw/hook.out" 2>/dev/null | cut -d= -f1 | tr '\n' ' ')
eq "alert hook: exactly the alert's CHAINDECK_* variables, none inherited" "$hookenv" \
	"CHAINDECK_ALERT CHAINDECK_MESSAGE CHAINDECK_NODE CHAINDECK_STATE CHAINDECK_TIME "
if grep -q '^CHAINDECK_MESSAGE=gone: down' "$gw/hook.out" 2>/dev/null && ! grep -q spoofed "$gw/hook.out"; then
	t_pass "alert hook: CHAINDECK_MESSAGE is the alert's, not the inherited one"
else
	t_fail "alert hook: CHAINDECK_MESSAGE is the alert's, not the inherited one" "$(cat "$gw/hook.out" 2>/dev/null)"
fi
ign=$(awk '/^SigIgn:/ {print $2}' "$gw/hook.out" 2>/dev/null)
if [ -n "$ign" ] && [ $((0x$ign & (1 << 12))) -eq 0 ]; then
	t_pass "alert hook: SIGPIPE is not ignored in the hook (SigIgn $ign)"
else
	t_fail "alert hook: SIGPIPE is not ignored in the hook" "SigIgn '${ign}'"
fi

# ==== e. API keys in node URLs: masked on every screen and in the log ==============================
# An Infura-style key in the path of a node that is down (so the log has its URL), and an
# Alchemy-style key in the path, a URL password and an apikey query value of a node that is up.
INFURA_KEY=9aa3d95b3bc440fa88ea12eaa4456161
ALCHEMY_KEY=Kx8QpZrTmVnWbYcLdHfJgSaE7u2q
QUERY_KEY=q5ecretQueryKey
URL_PW=hunter2urlpw
proxy_start keys plain || die "the proxy for the key URLs starts"
klog=$work/state/keys.log
run_tui keys --rpc-url "http://127.0.0.1:1/v3/$INFURA_KEY" \
	--rpc-url "http://alice:$URL_PW@127.0.0.1:$PROXY_PORT/v2/$ALCHEMY_KEY?apikey=$QUERY_KEY" --log "$klog"
t_ok "keys in URLs: the node behind the Alchemy-style URL is up" screen_wait_for 'Chain id +31337|31337' 15
screen_send Enter
seen=""
for _ in 1 2; do
	screen_wait_for 'Node .*\(([12])/2\)' 5 >/dev/null
	seen+=$(screen_capture)$'\n'
	screen_send j
	sleep 0.2
done
t_ok "keys in URLs: the detail view shows the Infura-style URL masked" \
	grep -qF "http://127.0.0.1:1/v3/***" <<<"$seen"
t_ok "keys in URLs: the detail view shows the Alchemy-style URL masked" \
	grep -qF "http://alice:***@127.0.0.1:$PROXY_PORT/v2/***?apikey=***" <<<"$seen"
for _ in $(seq 50); do grep -qF "rpc http://127.0.0.1:1/" "$klog" && break; sleep 0.1; done
quit_tui
t_ok "keys in URLs: the log names the down node by its masked URL" grep -qF "rpc http://127.0.0.1:1/v3/***:" "$klog"
if grep -qF -e "$INFURA_KEY" -e "$ALCHEMY_KEY" -e "$QUERY_KEY" -e "$URL_PW" "$klog" "$caps"; then
	t_fail "keys in URLs: no key, URL password or apikey value on any screen or in the log" \
		"$(grep -hoF -e "$INFURA_KEY" -e "$ALCHEMY_KEY" -e "$QUERY_KEY" -e "$URL_PW" "$klog" "$caps" | sort -u | tr '\n' ' ')"
else
	t_pass "keys in URLs: no key, URL password or apikey value on any screen or in the log"
fi

# ==== d. modes ====================================================================================
eq "vault file 0600 (restore)" "$(mode "$vault")" 600
eq "vault directory 0700 (created by restore)" "$(mode "$work/wallet")" 700
eq "vault file 0600 (new)" "$(mode "$work/new/vault")" 600
eq "vault directory 0700 (created by new)" "$(mode "$work/new")" 700
eq "exported keystore 0600" "$(mode "$work/ks/a1.json")" 600
eq "address book 0600" "$(mode "$work/book/addressbook")" 600
eq "address book directory 0700" "$(mode "$work/book")" 700
for f in "$work"/state/*.log; do
	eq "log $(basename "$f") 0600" "$(mode "$f")" 600
done
eq "no temporary file left beside a vault, keystore or config" \
	"$(find "$work/wallet" "$work/new" "$work/ks" "$work/book" "$work/config" -name '*tmp*' | wc -l)" 0

# ==== a. no secret anywhere it was not asked for ===================================================
grep -q $'\x1b' "$work"/state/*.log && t_fail "no escape character in any log" || t_pass "no escape character in any log"
ncaps=$(grep -c '^===== ' "$caps")
# every file of the run except the node's own; the vaults and keystore hold secrets only encrypted
files=$(find "$work" -type f ! -name '*.port' ! -name 'proxy.py' | sort)
# secret -> the files allowed to hold it in clear
allowed() {
	case $1 in
	"$PASSWORD") echo "$work/in/pw" ;;
	"$PASSWORD2") echo "$work/in/pw2" ;;
	"$KPASS") echo "$work/in/kpw" ;;
	"$NEWM") echo "$work/new.out" ;;
	esac
}
leaks=""
for sec in "$MNEMONIC" "test junk" "$PASSWORD" "$WRONG" "$PASSWORD2" "$KPASS" "$NEWM" "${KEYS[@]}"; do
	ok=$(allowed "$sec")
	while IFS= read -r f; do
		[ -n "$f" ] && [ "$f" != "$ok" ] && leaks+=" '${sec:0:10}…' in ${f#"$work"/};"
	done < <(printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 grep -liF -- "$sec" 2>/dev/null)
done
if [ -z "$leaks" ] && [ "$ncaps" -gt 20 ]; then
	t_pass "no mnemonic, password or key in $ncaps screen captures, the logs, stderr or any file"
else
	t_fail "no mnemonic, password or key in the captures, logs, stderr or files" "${leaks:-only $ncaps captures}"
fi
eq "wallet new's mnemonic is on its stdout exactly once" "$(grep -cF -- "$NEWM" "$work/new.out")" 1
echo "# the CLI's stderr: $(grep -c . "$err") line(s), searched above"

echo "# run time $((($(now_ms) - t_start) / 1000)) s"
t_done
