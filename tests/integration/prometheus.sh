#!/usr/bin/env bash
# The exporter against a real Prometheus (Debian package prometheus): chaindeck --headless --metrics
# watches two anvil nodes; Prometheus, on a free loopback port with a generated config, scrapes it
# every second; its HTTP API must answer chaindeck_node_head_block with the heads `cast block-number`
# reads from the nodes, and the node names exactly as configured (quotes and backslashes included,
# which proves the label escaping against Prometheus's own parser). Then: SIGHUP reloads the config
# (a node added, a broken file refused), the shipped rules (examples/prometheus) loaded into that
# Prometheus fire for a node that is down and for no other, a non-loopback address is warned about, a bad address is
# refused, SIGTERM stops cleanly.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT" || exit 2
BIN=${CHAINDECK_BUILD:-build}/chaindeck
CAST=$CHAINDECK_NPM_BIN/cast

for tool in prometheus promtool; do
	command -v "$tool" >/dev/null || { t_fail "$tool installed" "missing (scripts/deps.sh installs prometheus)"; t_done; exit 1; }
done

dir=$(mktemp -d)
cleanup_add "rm -rf '$dir'"
export HOME=$dir/home XDG_CONFIG_HOME=$dir/home/.config XDG_STATE_HOME=$dir/home/.state XDG_DATA_HOME=$dir/home/.data
mkdir -p "$HOME"

anvil_start; url_a=$ANVIL_URL
anvil_start; url_b=$ANVIL_URL
"$CAST" rpc --rpc-url "$url_a" anvil_mine 7 >/dev/null
"$CAST" rpc --rpc-url "$url_b" anvil_mine 3 >/dev/null

# A name with a quote, a backslash and a space: the label must come back as written.
name_a='site "a" \ one'
cat >"$dir/config.ini" <<INI
[general]
refresh = 200
[node "site \"a\" \\\\ one"]
url = $url_a
[node "b"]
url = $url_b
[node "dead"]
url = http://127.0.0.1:$(free_port)
INI
chmod 600 "$dir/config.ini"

mport=$(free_port)
log=$dir/chaindeck.log
_spawn "$BIN" --headless --metrics "127.0.0.1:$mport" -c "$dir/config.ini" --log "$log"
cd_pid=$_spawned_pid
node_track "$cd_pid"

metrics() { curl -s --max-time 5 "http://127.0.0.1:$mport/metrics"; }
# wait_for DESC TIMEOUT_S CMD...: polls CMD every 100 ms
wait_for() {
	local end=$(($(now_ms) + $2 * 1000)); shift 2
	until "$@"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.1
	done
}
both_up() { [ "$(metrics | grep -c '^chaindeck_node_up{.*} 1$')" = 2 ]; }
if wait_for up 15 both_up; then t_pass "chaindeck serves /metrics headless, both nodes up"; else
	t_fail "chaindeck serves /metrics headless" "$(metrics | head -20; tail -5 "$log")"; fi
t_ok "the log says where the metrics are" grep -q "metrics served at http://127.0.0.1:$mport/metrics" "$log"
t_ok "no warning for a loopback address" bash -c "! grep -q 'not a loopback' '$log'"
metrics >"$dir/scrape.txt"
if promtool check metrics <"$dir/scrape.txt" >"$dir/lint.txt" 2>&1; then t_pass "promtool check metrics accepts a live scrape"
else t_fail "promtool check metrics accepts a live scrape" "$(head -5 "$dir/lint.txt")"; fi
missing=()
for m in $(grep -o 'chaindeck_[a-z_]*' examples/prometheus/chaindeck.rules.yml | sort -u); do
	grep -q "^# TYPE $m " "$dir/scrape.txt" || missing+=("$m")
done
[ ${#missing[@]} -eq 0 ] && t_pass "every metric the shipped rules use is exported" ||
	t_fail "every metric the shipped rules use is exported" "missing: ${missing[*]}"
t_ok "no URL in the exposition" bash -c "! grep -q '127.0.0.1:$ANVIL_PORT\|http://' '$dir/scrape.txt'"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mport/nope")
[ "$code" = 404 ] && t_pass "other paths answer 404" || t_fail "other paths answer 404" "got $code"

# ---- Prometheus ----
pport=$(free_port)
cat >"$dir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $CHAINDECK_ROOT/examples/prometheus/chaindeck.rules.yml
scrape_configs:
  - job_name: chaindeck
    static_configs:
      - targets: ['127.0.0.1:$mport']
YML
_spawn prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
	--web.listen-address="127.0.0.1:$pport" --log.level=warn 2>"$dir/prometheus.log"
prom_pid=$_spawned_pid
node_track "$prom_pid"

# query EXPR: prints "NODE<TAB>VALUE" per series, sorted
query() {
	curl -s --max-time 5 -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for r in sorted(d.get("data", {}).get("result", []), key=lambda r: r["metric"].get("node", "")):
    print(r["metric"].get("node", "") + "\t" + r["value"][1])
'
}
heads_match() {
	local want got
	want=$(printf '%s\t%s\n' "b" "$("$CAST" block-number --rpc-url "$url_b")" "$name_a" "$("$CAST" block-number --rpc-url "$url_a")" | LC_ALL=C sort)
	got=$(query chaindeck_node_head_block | LC_ALL=C sort)
	[ "$want" = "$got" ] || { last_got=$got; last_want=$want; return 1; }
}
last_got='' last_want=''
if wait_for scrape 30 heads_match; then
	t_pass "Prometheus's chaindeck_node_head_block matches cast block-number on both nodes"
else
	t_fail "Prometheus's chaindeck_node_head_block matches cast block-number" "want [$last_want] got [$last_got]"
fi
"$CAST" rpc --rpc-url "$url_b" anvil_mine 5 >/dev/null
if wait_for scrape 15 heads_match; then t_pass "after mining 5 blocks Prometheus follows the node's head"
else t_fail "Prometheus follows the node's head" "want [$last_want] got [$last_got]"; fi
# a at 7 + 4 = 11, b at 8: b lags 3 blocks
"$CAST" rpc --rpc-url "$url_a" anvil_mine 4 >/dev/null
ha=$("$CAST" block-number --rpc-url "$url_a") hb=$("$CAST" block-number --rpc-url "$url_b")
lags_match() {
	last_got=$(query chaindeck_node_lag_blocks | LC_ALL=C sort)
	last_want=$(printf '%s\t%s\n' b $((ha - hb)) "$name_a" 0 | LC_ALL=C sort)
	[ "$last_got" = "$last_want" ]
}
if wait_for lag 15 lags_match; then t_pass "chaindeck_node_lag_blocks through PromQL matches the nodes' heads ($((ha - hb)) blocks)"
else t_fail "lag through PromQL matches the nodes" "want [$last_want] got [$last_got]"; fi
cnt=$(query 'sum(chaindeck_node_rpc_latency_seconds_count) > 0' | cut -f2)
[ -n "$cnt" ] && t_pass "the rpc latency histogram counts polls ($cnt)" || t_fail "the rpc latency histogram counts polls" "no answer"
bi=$(query 'chaindeck_build_info' | wc -l)
[ "$bi" = 1 ] && t_pass "chaindeck_build_info is scraped" || t_fail "chaindeck_build_info is scraped" "$bi series"

# firing alerts as "ALERTNAME<TAB>NODE", sorted
firing() {
	curl -s --max-time 5 "http://127.0.0.1:$pport/api/v1/alerts" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for a in d.get("data", {}).get("alerts", []):
    if a.get("state") == "firing":
        print(a["labels"].get("alertname", "") + "\t" + a["labels"].get("node", ""))
' | LC_ALL=C sort
}
down_fires() { last_got=$(firing); [ "$last_got" = "$(printf 'ChaindeckNodeDown\tdead')" ]; }
if wait_for alert 20 down_fires; then t_pass "the shipped rules in Prometheus: ChaindeckNodeDown fires for the dead node, nothing else fires"
else t_fail "the shipped rules fire ChaindeckNodeDown for the dead node only" "firing: [$last_got]"; fi

# ---- SIGHUP: reload ----
anvil_start; url_c=$ANVIL_URL
printf '[node "c"]\nurl = %s\n' "$url_c" >>"$dir/config.ini"
kill -HUP "$cd_pid"
three_up() { [ "$(metrics | grep -c '^chaindeck_node_up{.*} 1$')" = 3 ]; }
if wait_for reload 15 three_up; then t_pass "SIGHUP reloads the config: the new node is exported"
else t_fail "SIGHUP reloads the config" "$(metrics | grep '^chaindeck_node_up'; tail -3 "$log")"; fi
polls_b=$(metrics | sed -n 's/^chaindeck_node_polls_total{node="b",.*} //p')
[ "${polls_b:-0}" -gt 5 ] && t_pass "an unchanged node keeps its counters across a reload ($polls_b polls)" ||
	t_fail "an unchanged node keeps its counters across a reload" "polls_total $polls_b"
echo 'this is not ini' >>"$dir/config.ini"
kill -HUP "$cd_pid"
wait_for refused 10 grep -q 'config not reloaded' "$log" &&
	t_pass "a broken config on SIGHUP is refused and logged" || t_fail "a broken config on SIGHUP is refused" "$(tail -3 "$log")"
three_up && t_pass "the running nodes stay after a refused reload" || t_fail "the running nodes stay" "$(metrics | grep '^chaindeck_node_up')"

# ---- SIGTERM ----
kill -TERM "$cd_pid"
if _wait_exit "$cd_pid" 5000; then
	wait "$cd_pid" 2>/dev/null; rc=$?
	_untrack "$cd_pid"
	t_pass "SIGTERM stops chaindeck within 5 s"
	t_ok "the log says chaindeck exited" grep -q "chaindeck exiting" "$log"
else
	t_fail "SIGTERM stops chaindeck" "still running"
fi
curl -s --max-time 2 "http://127.0.0.1:$mport/metrics" >/dev/null && t_fail "the port is closed after exit" "still answers" ||
	t_pass "the port is closed after exit"

# ---- addresses ----
out=$("$BIN" --headless --metrics "example.org:80" -r "$url_a" --log "$dir/bad.log" 2>&1) && rc=0 || rc=$?
[ "$rc" -ne 0 ] && [[ $out == *"numeric address"* ]] && t_pass "a host name for --metrics is refused with a message" ||
	t_fail "a host name for --metrics is refused" "rc $rc: $out"
out=$("$BIN" --headless --metrics "127.0.0.1:99999" -r "$url_a" --log "$dir/bad.log" 2>&1) && rc=0 || rc=$?
[ "$rc" -ne 0 ] && [[ $out == *"port must be"* ]] && t_pass "a bad port is refused with a message" ||
	t_fail "a bad port is refused" "rc $rc: $out"
wport=$(free_port)
_spawn "$BIN" --headless --metrics "0.0.0.0:$wport" -r "$url_a" --log "$dir/wide.log"
wide_pid=$_spawned_pid
node_track "$wide_pid"
if wait_for wide 10 grep -qs "0.0.0.0:$wport/metrics, which is not a loopback address" "$dir/wide.log"; then
	t_pass "a non-loopback address is served with a warning in the log"
else
	t_fail "a non-loopback address is warned about" "$(cat "$dir/wide.log")"
fi
proc_stop "$wide_pid"
t_done
