#!/usr/bin/env bash
# The shipped Prometheus examples (examples/prometheus/): the alerting rules load, their unit tests
# pass under promtool (Debian package prometheus), the tests can fail (a threshold moved by one makes
# them fail), and the example configs are valid. tests/integration/prometheus.sh loads the same rules
# into a real Prometheus scraping chaindeck.
set -u
. "$(dirname "$0")/../lib/node.sh"
cd "$CHAINDECK_ROOT/examples/prometheus" || exit 2
command -v promtool >/dev/null || { t_fail "promtool installed" "missing (scripts/deps.sh installs prometheus)"; t_done; exit 1; }

t_ok "promtool check rules chaindeck.rules.yml" promtool check rules chaindeck.rules.yml
if out=$(promtool test rules chaindeck.rules.test.yml 2>&1); then t_pass "promtool test rules: every rule fires as chaindeck's alert does"
else t_fail "promtool test rules" "$out"; fi
t_ok "promtool check config prometheus.yml (a site, with the rules)" promtool check config prometheus.yml
t_ok "promtool check config federate.yml (the global view)" promtool check config federate.yml

# The tests catch a wrong threshold: each mutant of the rules must fail them.
dir=$(mktemp -d)
cleanup_add "rm -rf '$dir'"
mutants=(
	's/chaindeck_node_lag_blocks > 5/chaindeck_node_lag_blocks > 6/'
	's/chaindeck_node_lag_blocks > 5/chaindeck_node_lag_blocks >= 5/'
	's/chaindeck_node_head_unchanged_seconds > 60/chaindeck_node_head_unchanged_seconds > 90/'
	's/chaindeck_node_peers < 1/chaindeck_node_peers <= 1/'
	's/chaindeck_node_up == 0/chaindeck_node_up == 2/'
	's/chaindeck_node_fork == 1/chaindeck_node_fork == 2/'
	's/count by (node) (max_over_time(chaindeck_node_chain_id\[10m\])) > 1/count by (node) (max_over_time(chaindeck_node_chain_id[10m])) > 2/'
	's/chaindeck_node_chain_id != chaindeck_node_expected_chain_id/chaindeck_node_chain_id == chaindeck_node_expected_chain_id/'
)
for m in "${mutants[@]}"; do
	sed "$m" chaindeck.rules.yml >"$dir/chaindeck.rules.yml"
	cp chaindeck.rules.test.yml "$dir/"
	if cmp -s chaindeck.rules.yml "$dir/chaindeck.rules.yml"; then
		t_fail "mutant applies: $m" "the rules file does not contain the pattern"
	elif (cd "$dir" && promtool test rules chaindeck.rules.test.yml >/dev/null 2>&1); then
		t_fail "the rule tests catch the mutant $m" "they still pass"
	else
		t_pass "the rule tests catch the mutant $m"
	fi
done
t_done
