/*
 * fleet — the dashboard's model: the nodes being watched, what each one
 * last said, and what that means across the fleet (lag, forks, alerts).
 * No curses: the pane formats what this holds.
 *
 * Every node is polled once per refresh period with one JSON-RPC batch. A
 * poll still in flight when the next is due is not doubled. After the first
 * answer (and after every recovery) a node is probed once for what it
 * offers: rpc_modules where the node has it, then a cheap trial call per
 * namespace. What a node does not offer is marked not offered and no longer
 * asked for — shown as such, never as zero or an error.
 */
#ifndef CHAINDECK_FLEET_H
#define CHAINDECK_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/config.h"
#include "common/loop.h"
#include "common/stats.h"
#include "common/u256.h"
#include "dashboard/nodemetrics.h"
#include "dashboard/propagation.h"

/* Whether a node offers a piece of information. */
enum fleet_cap {
	CAP_UNKNOWN = 0, /* not asked yet, or no answer yet */
	CAP_YES,
	CAP_NO,          /* the node does not offer it */
};

enum fleet_conn {
	CONN_CONNECTING = 0, /* no answer yet */
	CONN_UP,
	CONN_DOWN,
};

/* RPC namespaces the probe looks for. */
enum fleet_ns {
	NS_ETH,
	NS_NET,
	NS_WEB3,
	NS_ADMIN,
	NS_TXPOOL,
	NS_OTS,
	NS_TRACE,
	NS_DEBUG,
	NS_COUNT
};

/* Conditions an alert is raised for, as bits of fleet_node.conditions. */
enum fleet_alert_kind {
	ALERT_DOWN,
	ALERT_STALLED,
	ALERT_LOW_PEERS,
	ALERT_LAG,
	ALERT_FORK,
	ALERT_CHAIN,
	ALERT_KINDS
};

/* Where two chains split: found by bisection on block hashes, at most FLEET_FORK_STEPS steps. */
enum fleet_fork_state {
	FORK_SEARCHING = 0,
	FORK_FOUND,   /* fork_hi is the first block that differs */
	FORK_BOUNDED, /* the search stopped (a node did not answer, or the step bound): somewhere in the range */
};
#define FLEET_FORK_STEPS 64

#define FLEET_RECENT 32
/* Upper bounds of the exported rpc latency histogram's buckets (dashboard/metrics.c). */
#define FLEET_LAT_BUCKETS 11
extern const uint64_t fleet_latency_bounds_us[FLEET_LAT_BUCKETS];
#define FLEET_MAX_PEERS 64

struct fleet_head {
	uint64_t number;
	uint8_t hash[32];
	uint64_t time;      /* block timestamp, unix seconds */
};

struct fleet_peer {
	char name[96];      /* client id, sanitized */
	char remote[64];    /* remote address */
	bool inbound;
	char protocols[48]; /* e.g. "eth/68 snap/1" */
};

struct fleet_node {
	size_t index;             /* position in the configuration, stable while the node exists */
	char name[64];
	char url[256];            /* masked: safe to show */
	bool pinned;
	enum fleet_conn conn;
	time_t down_since;        /* wall clock, when conn == CONN_DOWN */
	char last_error[160];     /* sanitized */
	uint64_t last_ok_ms;      /* loop_now_ms() of the last answered poll, 0 if none */

	char client[128];         /* web3_clientVersion, sanitized; "" if unknown */
	bool has_chain_id;
	uint64_t chain_id;
	bool has_expected_chain_id;
	uint64_t expected_chain_id;
	bool chain_changed;       /* the node reported another chain id than at first */
	uint64_t first_chain_id;

	bool has_head;
	uint64_t head_number;
	uint8_t head_hash[32];
	uint64_t head_time;       /* block timestamp, unix seconds */
	uint64_t head_gas_used, head_gas_limit;
	size_t head_tx_count;
	bool has_base_fee;
	struct u256 base_fee;
	bool pow;                 /* the head has a non-zero difficulty (proof of work or clique) */
	uint64_t head_changed_ms; /* loop_now_ms() when the head number last changed */

	enum fleet_cap gas_price_cap;
	struct u256 gas_price;

	enum fleet_cap syncing_cap;
	bool syncing;
	uint64_t sync_start, sync_current, sync_highest;
	uint64_t sync_rate_milli; /* blocks per second × 1000, 0 if unknown */
	bool has_sync_eta;
	uint64_t sync_eta_s;

	enum fleet_cap peers_cap;
	uint64_t peers;
	char peers_error[120];         /* the node's error for net_peerCount this poll (sanitized), "" if none */

	enum fleet_cap txpool_cap;     /* txpool_status */
	bool txpool_from_pending;      /* no txpool_status: pending = the pending block's tx count */
	uint64_t txpool_pending, txpool_queued;
	char txpool_error[120];        /* the node's error for txpool_status this poll (sanitized), "" if none */

	enum fleet_cap mining_cap;
	bool mining;
	enum fleet_cap hashrate_cap;
	struct u256 hashrate;
	bool has_coinbase;
	uint8_t coinbase[20];

	/* What the probe found: bits of enum fleet_ns. */
	bool probed;
	unsigned ns_known, ns_offered;

	enum fleet_cap admin_cap;
	char enode[320];               /* admin_nodeInfo, sanitized */
	bool has_peer_list;            /* admin_peers: asked only for the focused node */
	size_t npeer_list;
	struct fleet_peer peer_list[FLEET_MAX_PEERS];

	uint64_t last_latency_us;
	struct stats_ring latency_us;   /* per poll */
	struct stats_ring peers_hist;   /* per poll, where peers are offered */
	struct stats_ring block_time_s; /* per new head: seconds since the previous one */
	struct stats_ring gas_used_ppm; /* per new head */
	uint64_t polls_ok, polls_total;
	/* Since start, for the exported histogram: answered polls per latency bucket (not cumulative;
	 * the last slot counts those above every bound) and the sum of their latencies. */
	uint64_t latency_bucket[FLEET_LAT_BUCKETS + 1];
	uint64_t latency_sum_us;
	struct fleet_prop prop;         /* block propagation delays (dashboard/propagation.h) */
	struct fleet_own own;           /* from the node's own metrics endpoint (dashboard/nodemetrics.h) */
	struct fleet_head recent[FLEET_RECENT]; /* heads seen, newest at recent_head - 1 */
	size_t recent_head, nrecent;

	/* Across the fleet: filled by fleet_evaluate. */
	bool has_lag;
	bool lag_uncertain;             /* a silent node's last head is above the leader's: lag is a lower bound */
	uint64_t lag_blocks;
	bool has_lag_s;                 /* false when a timestamp is 0 (genesis) or behind ours */
	uint64_t lag_s;
	bool forked;
	uint64_t fork_noticed;          /* our head when the difference was seen */
	enum fleet_fork_state fork_state;
	uint64_t fork_lo, fork_hi;      /* the first differing height is in [fork_lo, fork_hi]; fork_hi differs */
	unsigned fork_steps;            /* bisection steps taken */
	uint64_t fork_height;           /* the first differing block as far as known (fork_hi) */
	char fork_with[64];             /* name of the node it disagrees with */
	unsigned conditions;            /* bits of enum fleet_alert_kind in force (after hysteresis) */
	uint64_t cond_since[ALERT_KINDS];  /* loop_now_ms() since a condition holds, 0 if it does not */
	uint64_t clear_since[ALERT_KINDS]; /* since an active condition stopped holding, 0 if it holds */
};

struct fleet_alert {
	time_t when;
	char node[64];
	enum fleet_alert_kind kind;
	bool resolved;                  /* false: raised; true: the condition cleared */
	char text[200];
};

struct fleet_rules {
	uint64_t stall_s;     /* 0 disables */
	uint64_t min_peers;   /* 0 disables */
	uint64_t max_lag;     /* 0 disables */
};

struct fleet;

/*
 * Creates the fleet with one node per cfg->nodes entry and starts polling at
 * cfg->refresh_ms. changed(ud) runs on the loop thread whenever data changed
 * (mark the screen dirty there; never draw). The fleet keeps a pointer to
 * cfg for alert settings. NULL with a message on failure (a bad URL names
 * the node).
 */
struct fleet *fleet_new(struct loop *loop, const struct config *cfg, void (*changed)(void *ud), void *ud,
                        char *err, size_t errlen);
void fleet_free(struct fleet *f);

size_t fleet_count(const struct fleet *f);
/* The i-th node (configuration order), or NULL. Valid until nodes are added or removed. */
const struct fleet_node *fleet_node(const struct fleet *f, size_t i);
/* Polls every node now (a poll in flight is left alone). */
void fleet_poll_now(struct fleet *f);
/* The node whose details are on screen: only it is asked for its peer list. SIZE_MAX for none. */
void fleet_set_focus(struct fleet *f, size_t i);
/* Adds a node (copied) and starts polling it. 0, or negative with a message. */
int fleet_add_node(struct fleet *f, const struct config_node *cn, char *err, size_t errlen);
/* Stops watching node i; later nodes move up one index. */
void fleet_remove_node(struct fleet *f, size_t i);
void fleet_set_pinned(struct fleet *f, size_t i, bool pinned);

/* The alert log, newest first (i = 0). seq grows by one per entry ever added. */
size_t fleet_alert_count(const struct fleet *f);
const struct fleet_alert *fleet_alert(const struct fleet *f, size_t i);
uint64_t fleet_alert_seq(const struct fleet *f);

/*
 * The alert hook. Every alert is queued for it (at most 1024 waiting) and
 * runs start oldest first, at most 8 at once; a full queue drops its oldest
 * alert and logs which. NULL, or why the hook cannot run (checked at start:
 * it must be an executable regular file).
 */
struct fleet_hook_stats {
	uint64_t ran, failed, dropped; /* runs started, alerts it could not run for, alerts dropped from a full queue */
	size_t queued, running;
};
const char *fleet_hook_problem(const struct fleet *f);
struct fleet_hook_stats fleet_hook_stats(const struct fleet *f);

/* ---- pure evaluation, used by the fleet and by tests ---- */

/* The conditions (bits of enum fleet_alert_kind) that hold for n at now_ms. */
unsigned fleet_conditions(const struct fleet_node *n, const struct fleet_rules *r, uint64_t now_ms);
/*
 * The conditions that cannot be observed now (bits of enum fleet_alert_kind):
 * everything but down while n does not answer, lag while there is no leader
 * to measure against or the leader is below a silent node's last head, and
 * fork while where the chains split is still being searched for.
 */
unsigned fleet_unknown(const struct fleet_node *n);
/*
 * Hysteresis: folds the raw conditions of this moment into n->conditions.
 * A condition becomes active once it has held for hold_ms, and inactive once
 * it has been observed absent for hold_ms; ALERT_DOWN changes at once both
 * ways (it is already the verdict of a failed poll). A bit in unknown (and
 * not in raw) changes nothing: an alert never clears because its condition
 * can no longer be measured. *raised and *cleared get the bits that changed.
 */
void fleet_debounce(struct fleet_node *n, unsigned raw, unsigned unknown, uint64_t now_ms, uint64_t hold_ms,
                    unsigned *raised, unsigned *cleared);
/* The hash n saw at height number, from its recent heads; false if unknown. */
bool fleet_hash_at(const struct fleet_node *n, uint64_t number, uint8_t out[32]);
/*
 * Lag behind the best head among nodes on the same chain, and forks: a node
 * whose head hash differs from the hash the chain's leader (highest head)
 * has at the same height. Fills has_lag, lag_*, forked, fork_*. A height the
 * leader has no hash for leaves forked as it was; *need_height is set to it
 * (and *need_leader to the leader's index) so the caller can fetch it.
 */
void fleet_compare(struct fleet_node *const *nodes, size_t n, size_t *need_leader, uint64_t *need_height);
/*
 * The fork bisection, on plain values: fleet_fork_probe is the height to
 * compare next, fleet_fork_step takes whether the two hashes there differ,
 * fleet_fork_give_up ends the search with the range found so far (a node did
 * not answer). fleet_fork_settle marks the search done once the range is one
 * height or the step bound is reached.
 */
uint64_t fleet_fork_probe(const struct fleet_node *n);
void fleet_fork_step(struct fleet_node *n, bool differs);
void fleet_fork_give_up(struct fleet_node *n);
void fleet_fork_settle(struct fleet_node *n);
/*
 * A head's age at now (unix seconds): "genesis" for a timestamp of 0 (a
 * genesis block says nothing about time), "+12s" for one in the future
 * (clock skew or a lying node), else the age ("3m 05s"). ago: the long
 * form ("3m 05s ago", "+12s in the future", "genesis (timestamp 0: ...)").
 */
char *fleet_head_age(char *buf, size_t cap, uint64_t head_time, uint64_t now, bool ago);
/* "12s", or why the lag in seconds is unknown. */
char *fleet_lag_text(const struct fleet_node *n, char *buf, size_t cap);
/* Where the fork is, as far as known: "first differing block; noticed at #N", a range, or "searching". */
char *fleet_fork_text(const struct fleet_node *n, char *buf, size_t cap);
/* Remembers a head in n's recent list (replacing an entry of the same height). */
void fleet_note_head(struct fleet_node *n, const struct fleet_head *h);
/* Counts one answered poll of that latency in n's histogram (dashboard/metrics.c). */
void fleet_note_latency(struct fleet_node *n, uint64_t us);
/*
 * The sync rate over the window this run has observed: up to
 * FLEET_SYNC_SAMPLES (time, current block) samples, oldest dropped. A restart
 * of the node (it was down, its current block went back, or its starting
 * block changed) starts a new window: a window spanning the outage would
 * average the downtime in. *rate_milli (blocks per second × 1000) is set when
 * the window gives one (two samples, time and blocks moved forward).
 */
#define FLEET_SYNC_SAMPLES 16
struct fleet_sync_window {
	uint64_t ms[FLEET_SYNC_SAMPLES], block[FLEET_SYNC_SAMPLES];
	size_t n;
	uint64_t start;
};
bool fleet_sync_sample(struct fleet_sync_window *w, uint64_t now_ms, uint64_t start, uint64_t current,
                       uint64_t *rate_milli);
static inline void fleet_sync_reset(struct fleet_sync_window *w) { w->n = 0; }
/* A one-line description of a condition for the alert log. */
void fleet_describe(const struct fleet_node *n, enum fleet_alert_kind k, bool resolved,
                    const struct fleet_rules *r, char *buf, size_t cap);
const char *fleet_ns_name(enum fleet_ns ns);
/*
 * A moment for "DOWN since ...", in local time: "HH:MM:SS" when it is on
 * now's day, else "YYYY-MM-DD HH:MM:SS" (a time alone would read as today).
 * Returns buf.
 */
char *fleet_format_since(time_t when, time_t now, char *buf, size_t cap);
const char *fleet_alert_name(enum fleet_alert_kind k);

/* Columns of the fleet grid, for sorting. */
enum fleet_col {
	COL_NAME,
	COL_CLIENT,
	COL_CHAIN,
	COL_HEAD,
	COL_LAG,
	COL_AGE,
	COL_SYNC,
	COL_PEERS,
	COL_P50,
	COL_P99,
	COL_UPTIME,
	COL_POOL,
	COL_FEE,
	COL_STATUS,
	COL_PROP,      /* propagation delay: last/p50/p95 */
	COL_COUNT
};
/*
 * Fills order[0..n) with node indices sorted by col (pinned nodes first,
 * ties in configuration order). Unknown values sort last either way.
 */
void fleet_sort(const struct fleet_node *const *nodes, size_t n, enum fleet_col col, bool descending,
                size_t *order);
/* The same over a live fleet. */
void fleet_order(const struct fleet *f, enum fleet_col col, bool descending, size_t *order);

#endif
