/*
 * The Prometheus exposition of the fleet (dashboard/metrics.c): label
 * escaping, which series a node has, the histogram and counters. The text is
 * checked by Prometheus's own linter and parser, `promtool check metrics`
 * (Debian package prometheus), besides the exact lines expected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sbuf.h"
#include "dashboard/metrics.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

static struct fleet_node *mk(const char *name, uint64_t chain, uint64_t head)
{
	struct fleet_node *n = calloc(1, sizeof(*n));

	if (!n)
		abort();
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->url, sizeof(n->url), "https://user:SECRETPASS@rpc.example.org/KEY123");
	n->conn = CONN_UP;
	n->has_chain_id = true;
	n->chain_id = chain;
	n->has_head = true;
	n->head_number = head;
	n->head_time = 1000;
	return n;
}

/* promtool's verdict on text: its exit status, and what it said in out. */
static int promtool_check(const char *text, char *out, size_t cap)
{
	const char *dir = test_tmpdir("metrics");
	char path[600], cmd[700];
	FILE *p;
	size_t n = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/metrics.txt", dir);
	test_write_file(path, text);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < '%s' 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		abort();
	out[0] = '\0';
	while (n + 1 < cap && fgets(out + n, (int)(cap - n), p))
		n += strlen(out + n);
	rc = pclose(p);
	test_rmtree(dir);
	return rc;
}

static char *render(struct fleet_node **nodes, size_t n)
{
	struct sbuf b = { 0 };
	struct metrics_now t = { .wall_s = 1010, .mono_ms = 500000 };

	metrics_render((const struct fleet_node *const *)nodes, n, &t, "1.2.3", &b);
	return b.s;
}

static void escaping_matches_the_format(void)
{
	struct sbuf b = { 0 };

	metrics_escape_label(&b, "a\\b\"c\nd");
	CHECK_STR(b.s, "a\\\\b\\\"c\\nd");
	free(b.s);
	b = (struct sbuf){ 0 };
	metrics_escape_label(&b, "plain é");
	CHECK_STR(b.s, "plain é");
	free(b.s);
}

static void hostile_names_pass_promtool(void)
{
	struct fleet_node *nodes[3] = { mk("quote\"back\\slash", 1, 100), mk("new\nline", 1, 99),
	                                 mk("utf8 ñ {x=\"y\"}", 5, 7) };
	char *text, said[4096];
	int rc;

	text = render(nodes, 3);
	rc = promtool_check(text, said, sizeof(said));
	CHECK_MSG(rc == 0, "promtool check metrics failed (%d): %s\n%s", rc, said, text);
	CHECK(strstr(text, "chaindeck_node_head_block{node=\"quote\\\"back\\\\slash\",chain_id=\"1\"} 100\n"));
	CHECK(strstr(text, "chaindeck_node_head_block{node=\"new\\nline\",chain_id=\"1\"} 99\n"));
	/* The URL (and its credentials) never appears. */
	CHECK(!strstr(text, "SECRETPASS") && !strstr(text, "KEY123") && !strstr(text, "example.org"));
	free(text);
	for (int i = 0; i < 3; i++)
		free(nodes[i]);
}

static void raw_newline_is_what_promtool_rejects(void)
{
	/* The oracle can fail: the same line with the newline left raw is refused. */
	char said[4096];

	CHECK(promtool_check("# HELP x y\n# TYPE x gauge\nx{node=\"new\nline\"} 1\n", said, sizeof(said)) != 0);
	CHECK(promtool_check("# HELP x y\n# TYPE x gauge\nx{node=\"new\\nline\"} 1\n", said, sizeof(said)) == 0);
}

static void unknown_figures_have_no_series(void)
{
	struct fleet_node *n = mk("a", 1, 10);
	char *text;

	n->conn = CONN_DOWN;
	n->has_head = false;
	n->has_chain_id = false;
	n->peers_cap = CAP_NO;
	n->polls_total = 3;
	text = render(&n, 1);
	CHECK(strstr(text, "chaindeck_node_up{node=\"a\",chain_id=\"\"} 0\n"));
	CHECK(!strstr(text, "chaindeck_node_head_block{"));
	CHECK(!strstr(text, "chaindeck_node_peers{"));
	CHECK(!strstr(text, "chaindeck_node_fork{"));
	CHECK(strstr(text, "chaindeck_node_poll_failures_total{node=\"a\",chain_id=\"\"} 3\n"));
	CHECK(strstr(text, "# TYPE chaindeck_node_head_block gauge\n"));
	free(text);
	free(n);
}

static void figures_and_alerts(void)
{
	struct fleet_node *n = mk("a", 1, 10);
	char *text, said[4096];

	n->peers_cap = CAP_YES;
	n->peers = 25;
	n->has_lag = true;
	n->lag_blocks = 7;
	n->forked = true;
	n->syncing_cap = CAP_YES;
	n->syncing = true;
	n->sync_current = 250;
	n->sync_highest = 1000;
	n->has_base_fee = true;
	n->base_fee = u256_from_u64(7000000000ull);
	n->polls_total = 10;
	n->polls_ok = 8;
	n->conditions = (1u << ALERT_LAG) | (1u << ALERT_FORK);
	n->head_changed_ms = 425000;
	text = render(&n, 1);
	CHECK(promtool_check(text, said, sizeof(said)) == 0);
	CHECK(strstr(text, "chaindeck_build_info{version=\"1.2.3\"} 1\n"));
	CHECK(strstr(text, "chaindeck_node_head_age_seconds{node=\"a\",chain_id=\"1\"} 10\n"));
	CHECK(strstr(text, "chaindeck_node_head_unchanged_seconds{node=\"a\",chain_id=\"1\"} 75\n"));
	CHECK(strstr(text, "chaindeck_node_peers{node=\"a\",chain_id=\"1\"} 25\n"));
	CHECK(strstr(text, "chaindeck_node_lag_blocks{node=\"a\",chain_id=\"1\"} 7\n"));
	CHECK(strstr(text, "chaindeck_node_fork{node=\"a\",chain_id=\"1\"} 1\n"));
	CHECK(strstr(text, "chaindeck_node_sync_progress_ratio{node=\"a\",chain_id=\"1\"} 0.250000\n"));
	CHECK(strstr(text, "chaindeck_node_base_fee_wei{node=\"a\",chain_id=\"1\"} 7000000000\n"));
	CHECK(strstr(text, "chaindeck_node_polls_total{node=\"a\",chain_id=\"1\"} 10\n"));
	CHECK(strstr(text, "chaindeck_node_poll_failures_total{node=\"a\",chain_id=\"1\"} 2\n"));
	CHECK(strstr(text, "chaindeck_alert_active{node=\"a\",chain_id=\"1\",alert=\"lag\"} 1\n"));
	CHECK(strstr(text, "chaindeck_alert_active{node=\"a\",chain_id=\"1\",alert=\"fork\"} 1\n"));
	CHECK(strstr(text, "chaindeck_alert_active{node=\"a\",chain_id=\"1\",alert=\"down\"} 0\n"));
	free(text);
	free(n);
}

static void latency_histogram_is_cumulative(void)
{
	struct fleet_node *n = mk("a", 1, 10);
	char *text, said[4096];

	fleet_note_latency(n, 3000);     /* <= 5 ms */
	fleet_note_latency(n, 5000);     /* <= 5 ms: bounds are inclusive */
	fleet_note_latency(n, 70000);    /* <= 100 ms */
	fleet_note_latency(n, 20000000); /* above 10 s */
	text = render(&n, 1);
	CHECK(promtool_check(text, said, sizeof(said)) == 0);
	CHECK(strstr(text, "# TYPE chaindeck_node_rpc_latency_seconds histogram\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_bucket{node=\"a\",chain_id=\"1\",le=\"0.005\"} 2\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_bucket{node=\"a\",chain_id=\"1\",le=\"0.05\"} 2\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_bucket{node=\"a\",chain_id=\"1\",le=\"0.1\"} 3\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_bucket{node=\"a\",chain_id=\"1\",le=\"10\"} 3\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_bucket{node=\"a\",chain_id=\"1\",le=\"+Inf\"} 4\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_sum{node=\"a\",chain_id=\"1\"} 20.078000\n"));
	CHECK(strstr(text, "chaindeck_node_rpc_latency_seconds_count{node=\"a\",chain_id=\"1\"} 4\n"));
	free(text);
	free(n);
}

static void propagation_histogram_per_reference(void)
{
	struct fleet_node *n[2] = { mk("b", 1, 10), mk("solo", 999, 5) };
	char *text, said[4096];

	n[0]->prop.bucket[PROP_NETWORK][0] = 1;  /* <= 0.1 s */
	n[0]->prop.bucket[PROP_NETWORK][4] = 2;  /* <= 2 s */
	n[0]->prop.sum_ms[PROP_NETWORK] = 3100;
	n[1]->prop.bucket[PROP_TIMESTAMP][7] = 1; /* <= 30 s */
	n[1]->prop.sum_ms[PROP_TIMESTAMP] = 29500;
	text = render(n, 2);
	CHECK_MSG(promtool_check(text, said, sizeof(said)) == 0, "%s", said);
	CHECK(strstr(text, "# TYPE chaindeck_node_propagation_seconds histogram\n"));
	CHECK(strstr(text, "chaindeck_node_propagation_seconds_bucket{node=\"b\",chain_id=\"1\",relative_to=\"first_report\",le=\"0.1\"} 1\n"));
	CHECK(strstr(text, "chaindeck_node_propagation_seconds_bucket{node=\"b\",chain_id=\"1\",relative_to=\"first_report\",le=\"1\"} 1\n"));
	CHECK(strstr(text, "chaindeck_node_propagation_seconds_bucket{node=\"b\",chain_id=\"1\",relative_to=\"first_report\",le=\"2\"} 3\n"));
	CHECK(strstr(text, "chaindeck_node_propagation_seconds_sum{node=\"b\",chain_id=\"1\",relative_to=\"first_report\"} 3.100000\n"));
	CHECK(strstr(text, "chaindeck_node_propagation_seconds_count{node=\"solo\",chain_id=\"999\",relative_to=\"block_timestamp\"} 1\n"));
	CHECK(!strstr(text, "relative_to=\"block_timestamp\",le=\"0.1\"} 0\nchaindeck_node_propagation_seconds_bucket{node=\"b\""));
	CHECK(!strstr(text, "{node=\"solo\",chain_id=\"999\",relative_to=\"first_report\""));
	free(text);
	free(n[0]);
	free(n[1]);
}

static void many_nodes_pass_promtool(void)
{
	enum { N = 300 };
	struct fleet_node *nodes[N];
	char *text, said[4096];

	for (int i = 0; i < N; i++) {
		char name[32];

		snprintf(name, sizeof(name), "node-%03d", i);
		nodes[i] = mk(name, 1 + (uint64_t)(i % 3), 1000 + (uint64_t)i);
		fleet_note_latency(nodes[i], (uint64_t)i * 1000);
	}
	text = render(nodes, N);
	CHECK_MSG(promtool_check(text, said, sizeof(said)) == 0, "%s", said);
	free(text);
	for (int i = 0; i < N; i++)
		free(nodes[i]);
}

static const struct test_case cases[] = {
	{ "escaping_matches_the_format", escaping_matches_the_format },
	{ "hostile_names_pass_promtool", hostile_names_pass_promtool },
	{ "raw_newline_is_what_promtool_rejects", raw_newline_is_what_promtool_rejects },
	{ "unknown_figures_have_no_series", unknown_figures_have_no_series },
	{ "figures_and_alerts", figures_and_alerts },
	{ "latency_histogram_is_cumulative", latency_histogram_is_cumulative },
	{ "propagation_histogram_per_reference", propagation_histogram_per_reference },
	{ "many_nodes_pass_promtool", many_nodes_pass_promtool },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
