/*
 * The fleet as Prometheus text exposition (see metrics.h), and the rpc
 * latency histogram's bookkeeping that feeds it.
 */
#include "dashboard/metrics.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/u256.h"

/* Seconds: 5 ms .. 10 s, Prometheus's default buckets. */
const uint64_t fleet_latency_bounds_us[FLEET_LAT_BUCKETS] = {
	5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};

void fleet_note_latency(struct fleet_node *n, uint64_t us)
{
	size_t i = 0;

	while (i < FLEET_LAT_BUCKETS && us > fleet_latency_bounds_us[i])
		i++;
	n->latency_bucket[i]++;
	n->latency_sum_us += us;
}

void metrics_escape_label(struct sbuf *out, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : *s == '\n' ? "\\n" : NULL;

		if (!rep)
			continue;
		sbuf_add(out, run, (size_t)(s - run));
		sbuf_str(out, rep);
		run = s + 1;
	}
	sbuf_add(out, run, (size_t)(s - run));
}

static void addf(struct sbuf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void addf(struct sbuf *out, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (k > 0)
		sbuf_add(out, buf, (size_t)k < sizeof(buf) ? (size_t)k : sizeof(buf) - 1);
}

static void family(struct sbuf *out, const char *name, const char *type, const char *help)
{
	addf(out, "# HELP %s ", name);
	sbuf_str(out, help);
	addf(out, "\n# TYPE %s %s\n", name, type);
}

/* name{node="..",chain_id=".."  — the caller closes the label set. */
static void series_open(struct sbuf *out, const char *name, const struct fleet_node *n)
{
	sbuf_str(out, name);
	sbuf_str(out, "{node=\"");
	metrics_escape_label(out, n->name);
	sbuf_str(out, "\",chain_id=\"");
	if (n->has_chain_id)
		addf(out, "%" PRIu64, n->chain_id);
	sbuf_str(out, "\"");
}

static void sample_u64(struct sbuf *out, const char *name, const struct fleet_node *n, uint64_t v)
{
	series_open(out, name, n);
	addf(out, "} %" PRIu64 "\n", v);
}

/* A fixed-point value num / 10^6 ("1.250000"): seconds from microseconds, ratios in ppm. */
static void micro(struct sbuf *out, uint64_t v)
{
	addf(out, "%" PRIu64 ".%06" PRIu64, v / 1000000, v % 1000000);
}

/* The same in the shortest form ("0.005", "1", "2.5"): bucket bounds are label values, compared as text. */
static void micro_short(struct sbuf *out, uint64_t v)
{
	char frac[8];
	int k;

	addf(out, "%" PRIu64, v / 1000000);
	if (v % 1000000 == 0)
		return;
	k = snprintf(frac, sizeof(frac), "%06" PRIu64, v % 1000000);
	while (k > 0 && frac[k - 1] == '0')
		frac[--k] = '\0';
	addf(out, ".%s", frac);
}

/* Which series a node has for each gauge: false leaves the series out. */
typedef bool (*has_fn)(const struct fleet_node *n);
typedef uint64_t (*val_fn)(const struct fleet_node *n, const struct metrics_now *t);

static bool has_head(const struct fleet_node *n) { return n->has_head; }
static uint64_t v_head(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->head_number; }
static uint64_t v_age(const struct fleet_node *n, const struct metrics_now *t)
{
	return t->wall_s > n->head_time ? t->wall_s - n->head_time : 0;
}
static bool has_seen_change(const struct fleet_node *n) { return n->has_head && n->head_changed_ms; }
static uint64_t v_unchanged(const struct fleet_node *n, const struct metrics_now *t)
{
	return t->mono_ms > n->head_changed_ms ? (t->mono_ms - n->head_changed_ms) / 1000 : 0;
}
static bool has_lag(const struct fleet_node *n) { return n->has_lag; }
static uint64_t v_lag(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->lag_blocks; }
static bool answered(const struct fleet_node *n) { return n->conn == CONN_UP; }
static uint64_t v_fork(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->forked; }
static bool has_sync(const struct fleet_node *n) { return n->syncing_cap == CAP_YES; }
static uint64_t v_syncing(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->syncing; }
static bool has_peers(const struct fleet_node *n) { return n->peers_cap == CAP_YES; }
static uint64_t v_peers(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->peers; }
static bool has_pool(const struct fleet_node *n) { return n->txpool_cap == CAP_YES || n->txpool_from_pending; }
static bool has_queued(const struct fleet_node *n) { return n->txpool_cap == CAP_YES && !n->txpool_from_pending; }
static uint64_t v_pending(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->txpool_pending; }
static uint64_t v_queued(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->txpool_queued; }
static bool always(const struct fleet_node *n) { (void)n; return true; }
static uint64_t v_up(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->conn == CONN_UP; }
static uint64_t v_polls(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->polls_total; }
static uint64_t v_fails(const struct fleet_node *n, const struct metrics_now *t)
{
	(void)t;
	return n->polls_total - n->polls_ok;
}
static bool has_chain(const struct fleet_node *n) { return n->has_chain_id; }
static uint64_t v_chain(const struct fleet_node *n, const struct metrics_now *t) { (void)t; return n->chain_id; }
static bool has_expected(const struct fleet_node *n) { return n->has_expected_chain_id; }
static uint64_t v_expected(const struct fleet_node *n, const struct metrics_now *t)
{
	(void)t;
	return n->expected_chain_id;
}

static const struct gauge {
	const char *name, *type, *help;
	has_fn has;
	val_fn val;
} gauges[] = {
	{ "chaindeck_node_up", "gauge", "1 if the node's last poll gave a usable chain id and head, else 0.", always,
	  v_up },
	{ "chaindeck_node_head_block", "gauge", "Number of the node's latest block.", has_head, v_head },
	{ "chaindeck_node_head_age_seconds", "gauge", "Seconds since the timestamp of the node's latest block.",
	  has_head, v_age },
	{ "chaindeck_node_head_unchanged_seconds", "gauge",
	  "Seconds since chaindeck last saw the node's head number change (the stall alert's measure).",
	  has_seen_change, v_unchanged },
	{ "chaindeck_node_lag_blocks", "gauge", "Blocks behind the highest head among nodes on the same chain.",
	  has_lag, v_lag },
	{ "chaindeck_node_fork", "gauge",
	  "1 if the node's head hash differs from the chain leader's block at that height, else 0.", answered,
	  v_fork },
	{ "chaindeck_node_syncing", "gauge", "1 if the node reports it is syncing, else 0.", has_sync, v_syncing },
	{ "chaindeck_node_peers", "gauge", "Peer count the node reports (net_peerCount).", has_peers, v_peers },
	{ "chaindeck_node_polls_total", "counter", "Polls sent to the node since chaindeck started.", always,
	  v_polls },
	{ "chaindeck_node_poll_failures_total", "counter",
	  "Polls that gave no usable chain id and head since chaindeck started.", always, v_fails },
	{ "chaindeck_node_txpool_pending", "gauge", "Pending transactions in the node's pool.", has_pool,
	  v_pending },
	{ "chaindeck_node_txpool_queued", "gauge", "Queued transactions in the node's pool.", has_queued,
	  v_queued },
	{ "chaindeck_node_chain_id", "gauge", "Chain id the node reports (eth_chainId).", has_chain, v_chain },
	{ "chaindeck_node_expected_chain_id", "gauge", "Chain id the configuration expects of the node.",
	  has_expected, v_expected },
};

static void render_gauge(const struct gauge *g, const struct fleet_node *const *nodes, size_t n,
                         const struct metrics_now *t, struct sbuf *out)
{
	family(out, g->name, g->type, g->help);
	for (size_t i = 0; i < n; i++) {
		if (g->has(nodes[i]))
			sample_u64(out, g->name, nodes[i], g->val(nodes[i], t));
	}
}

static void render_sync_ratio(const struct fleet_node *const *nodes, size_t n, struct sbuf *out)
{
	static const char name[] = "chaindeck_node_sync_progress_ratio";

	family(out, name, "gauge", "Share of the chain the node has (current / highest block; 1 when not syncing).");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_node *v = nodes[i];
		uint64_t ppm = 1000000;

		if (v->syncing_cap != CAP_YES)
			continue;
		if (v->syncing && v->sync_highest > 0 && v->sync_current < v->sync_highest)
			ppm = (uint64_t)((unsigned __int128)v->sync_current * 1000000 / v->sync_highest);
		series_open(out, name, v);
		sbuf_str(out, "} ");
		micro(out, ppm);
		sbuf_str(out, "\n");
	}
}

static void render_base_fee(const struct fleet_node *const *nodes, size_t n, struct sbuf *out)
{
	static const char name[] = "chaindeck_node_base_fee_wei";
	char dec[80];

	family(out, name, "gauge", "Base fee per gas of the node's latest block, in wei.");
	for (size_t i = 0; i < n; i++) {
		if (!nodes[i]->has_head || !nodes[i]->has_base_fee || u256_format_dec(nodes[i]->base_fee, dec, sizeof(dec)) < 0)
			continue;
		series_open(out, name, nodes[i]);
		sbuf_str(out, "} ");
		sbuf_str(out, dec);
		sbuf_str(out, "\n");
	}
}

static void render_latency(const struct fleet_node *const *nodes, size_t n, struct sbuf *out)
{
	static const char name[] = "chaindeck_node_rpc_latency_seconds";

	family(out, name, "histogram", "Time from sending a poll to the node's complete answer, answered polls only.");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_node *v = nodes[i];
		uint64_t cum = 0;

		for (size_t b = 0; b <= FLEET_LAT_BUCKETS; b++) {
			cum += v->latency_bucket[b];
			series_open(out, "chaindeck_node_rpc_latency_seconds_bucket", v);
			sbuf_str(out, ",le=\"");
			if (b < FLEET_LAT_BUCKETS)
				micro_short(out, fleet_latency_bounds_us[b]);
			else
				sbuf_str(out, "+Inf");
			addf(out, "\"} %" PRIu64 "\n", cum);
		}
		series_open(out, "chaindeck_node_rpc_latency_seconds_sum", v);
		sbuf_str(out, "} ");
		micro(out, v->latency_sum_us);
		sbuf_str(out, "\n");
		sample_u64(out, "chaindeck_node_rpc_latency_seconds_count", v, cum);
	}
}

static void render_propagation(const struct fleet_node *const *nodes, size_t n, struct sbuf *out)
{
	static const char *const rel[PROP_KINDS] = { [PROP_NETWORK] = "first_report",
		                                     [PROP_TIMESTAMP] = "block_timestamp" };

	family(out, "chaindeck_node_propagation_seconds", "histogram",
	       "Delay from the first report of a block by a node of the chain to this node's report "
	       "(relative_to=\"first_report\"), or, for a node alone on its chain, from the block's timestamp "
	       "(relative_to=\"block_timestamp\"). Resolution: the poll period.");
	for (size_t i = 0; i < n; i++) {
		const struct fleet_prop *p = &nodes[i]->prop;

		for (int k = 0; k < PROP_KINDS; k++) {
			uint64_t cum = 0, total = 0;

			for (size_t b = 0; b <= PROP_BUCKETS; b++)
				total += p->bucket[k][b];
			if (!total)
				continue;
			for (size_t b = 0; b <= PROP_BUCKETS; b++) {
				cum += p->bucket[k][b];
				series_open(out, "chaindeck_node_propagation_seconds_bucket", nodes[i]);
				addf(out, ",relative_to=\"%s\",le=\"", rel[k]);
				if (b < PROP_BUCKETS)
					micro_short(out, (uint64_t)prop_bounds_ms[b] * 1000);
				else
					sbuf_str(out, "+Inf");
				addf(out, "\"} %" PRIu64 "\n", cum);
			}
			series_open(out, "chaindeck_node_propagation_seconds_sum", nodes[i]);
			addf(out, ",relative_to=\"%s\"} ", rel[k]);
			micro(out, p->sum_ms[k] * 1000);
			sbuf_str(out, "\n");
			series_open(out, "chaindeck_node_propagation_seconds_count", nodes[i]);
			addf(out, ",relative_to=\"%s\"} %" PRIu64 "\n", rel[k], cum);
		}
	}
}

static void render_alerts(const struct fleet_node *const *nodes, size_t n, struct sbuf *out)
{
	static const char name[] = "chaindeck_alert_active";

	family(out, name, "gauge", "1 while chaindeck's own alert of that kind is raised for the node, else 0.");
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < ALERT_KINDS; k++) {
			series_open(out, name, nodes[i]);
			addf(out, ",alert=\"%s\"} %u\n", fleet_alert_name((enum fleet_alert_kind)k),
			     (nodes[i]->conditions >> k) & 1u);
		}
	}
}

void metrics_render(const struct fleet_node *const *nodes, size_t n, const struct metrics_now *t,
                    const char *version, struct sbuf *out)
{
	family(out, "chaindeck_build_info", "gauge", "Always 1; the version of chaindeck serving these metrics.");
	sbuf_str(out, "chaindeck_build_info{version=\"");
	metrics_escape_label(out, version);
	sbuf_str(out, "\"} 1\n");
	for (size_t g = 0; g < sizeof(gauges) / sizeof(gauges[0]); g++) {
		render_gauge(&gauges[g], nodes, n, t, out);
		if (strcmp(gauges[g].name, "chaindeck_node_syncing") == 0)
			render_sync_ratio(nodes, n, out);
	}
	render_base_fee(nodes, n, out);
	render_latency(nodes, n, out);
	render_propagation(nodes, n, out);
	render_alerts(nodes, n, out);
}

void metrics_render_fleet(const struct fleet *f, const struct metrics_now *t, const char *version,
                          struct sbuf *out)
{
	size_t n = fleet_count(f);
	const struct fleet_node *views[n ? n : 1];

	for (size_t i = 0; i < n; i++)
		views[i] = fleet_node(f, i);
	metrics_render(views, n, t, version, out);
}
