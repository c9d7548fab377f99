#!/usr/bin/env bash
# The library example (examples/head.c, docs/library.md) against a real anvil that mines a block a
# second: the chain id, the head with its hash, timestamp and base fee as the node has them (the
# base fee in gwei exactly), new heads one after another with none missed, ETH_RPC_URL and IPC,
# and the exit codes for an unreachable node and bad usage. Everything started here stops on exit.
set -u
. "$(dirname "$0")/../lib/node.sh"
build=${CHAINDECK_BUILD:-build}
bin=$build/examples/head

if [ ! -x "$bin" ]; then
	t_fail "example built" "$bin missing (make test-bins)"
	t_done
	exit 1
fi
ipc_dir=$(mktemp -d "${TMPDIR:-/tmp}/chaindeck-example.XXXXXX")
cleanup_add "rm -rf '$ipc_dir'"
if ! anvil_start --block-time 1 --ipc "$ipc_dir/anvil.ipc"; then
	t_fail "anvil starts"
	t_done
	exit 1
fi
for _ in $(seq 50); do [ -S "$ipc_dir/anvil.ipc" ] && break; sleep 0.1; done

# "head N HASH TIME base fee X gwei" / "new N ..." as the node has block N, else a reason on stdout.
check_block_line() {
	local line=$1 block
	block=$(rpc "$ANVIL_URL" eth_getBlockByNumber "[\"$(printf '0x%x' "$(awk '{print $2}' <<<"$line")")\",false]")
	python3 - "$line" "$block" <<-'EOF'
		import datetime, json, sys
		line, block = sys.argv[1], json.loads(sys.argv[2])["result"]
		f = line.split()
		want_time = datetime.datetime.fromtimestamp(int(block["timestamp"], 16), datetime.timezone.utc)
		gwei, wei = divmod(int(block["baseFeePerGas"], 16), 10**9)
		fee_text = str(gwei) + ("." + ("%09d" % wei).rstrip("0") if wei else "")
		want = [f[0], str(int(block["number"], 16)), block["hash"], want_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
		        "base", "fee", fee_text, "gwei"]
		if f != want:
		    print("got  %s\nwant %s" % (" ".join(f), " ".join(want)))
	EOF
}

# ---- the head, then new heads over HTTP ----
t0=$(now_ms)
out=$(timeout 30 ${CHAINDECK_WRAP:-} "$bin" --rpc-url "$ANVIL_URL" --seconds 5 --interval 200 2>"$ipc_dir/err")
rc=$?
elapsed=$(($(now_ms) - t0))
[ "$rc" -eq 0 ] && t_pass "exit 0 after following" || t_fail "exit 0 after following" "rc $rc: $(cat "$ipc_dir/err")"
[ "$elapsed" -lt 15000 ] && t_pass "follows for about --seconds ($elapsed ms)" ||
	t_fail "follows for about --seconds" "$elapsed ms"
[ "$(sed -n 1p <<<"$out")" = "chain id 31337" ] && t_pass "chain id 31337 first" ||
	t_fail "chain id 31337 first" "$(sed -n 1p <<<"$out")"

head_line=$(grep -m1 '^head ' <<<"$out")
if [ -n "$head_line" ]; then
	why=$(check_block_line "$head_line")
	[ -z "$why" ] && t_pass "head: number, hash, time and exact gwei base fee match the node" ||
		t_fail "head matches the node" "$why"
else
	t_fail "a head line" "$out"
fi

mapfile -t news < <(grep '^new ' <<<"$out")
[ "${#news[@]}" -ge 3 ] && t_pass "at least 3 new heads in 5 s at 1 block/s (${#news[@]})" ||
	t_fail "new heads" "only ${#news[@]}: $out"
prev=$(awk '{print $2}' <<<"$head_line")
gapless=1 bad=""
for l in "${news[@]}"; do
	n=$(awk '{print $2}' <<<"$l")
	[ "$n" -eq $((prev + 1)) ] || gapless=0
	prev=$n
	why=$(check_block_line "$l")
	[ -z "$why" ] || bad+="$why"$'\n'
done
[ "$gapless" -eq 1 ] && t_pass "heads advance one by one, none missed, none twice" ||
	t_fail "heads advance one by one" "$out"
[ -z "$bad" ] && t_pass "every new head matches the node's block" || t_fail "new heads match the node" "$bad"
[ ! -s "$ipc_dir/err" ] && t_pass "nothing on stderr" || t_fail "nothing on stderr" "$(cat "$ipc_dir/err")"

# ---- ETH_RPC_URL, --seconds 0 ----
out=$(ETH_RPC_URL=$ANVIL_URL timeout 15 ${CHAINDECK_WRAP:-} "$bin" --seconds 0 2>&1)
rc=$?
[ "$rc" -eq 0 ] && [ "$(grep -c '^head ' <<<"$out")" -eq 1 ] && ! grep -q '^new ' <<<"$out" &&
	t_pass "ETH_RPC_URL, --seconds 0: the head alone" || t_fail "ETH_RPC_URL" "rc $rc: $out"

# ---- IPC ----
if [ -S "$ipc_dir/anvil.ipc" ]; then
	out=$(timeout 20 ${CHAINDECK_WRAP:-} "$bin" --rpc-url "$ipc_dir/anvil.ipc" --seconds 2 --interval 200 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && grep -q '^chain id 31337$' <<<"$out" && grep -q '^new ' <<<"$out" &&
		t_pass "over IPC: chain id and new heads" || t_fail "over IPC" "rc $rc: $out"
else
	t_fail "anvil's IPC socket appears"
fi

# ---- failures ----
closed=$(free_port)
t0=$(now_ms)
out=$(timeout 20 "$bin" --rpc-url "http://127.0.0.1:$closed" --seconds 5 2>&1)
rc=$?
[ "$rc" -eq 1 ] && grep -qi 'refused' <<<"$out" && [ $(($(now_ms) - t0)) -lt 10000 ] &&
	t_pass "no node: exit 1 at once, with the reason" || t_fail "no node" "rc $rc: $out"
"$bin" --seconds x >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && t_pass "bad --seconds: exit 2" || t_fail "bad --seconds" "rc $rc"
"$bin" --rpc-url ftp://example.org >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && t_pass "unusable URL: exit 2" || t_fail "unusable URL" "rc $rc"

t_done
