/*
 * propagation — each node's latency to the rest of the network, measured
 * agentlessly from the heads the fleet polls.
 *
 * For every block hash the fleet sees, the table remembers when a node of
 * that chain first reported it. A node's propagation delay for a block is the
 * time it first reported the hash minus that earliest report: 0 for the first
 * node, more for the ones that got it later (eth-netstats shows the same
 * figure, from agents). The resolution is the poll period: a node is only
 * asked once per refresh.
 *
 * A node alone on its chain (no other answering node with that chain id) has
 * no one to be compared with: its delay is then the head's arrival relative
 * to the block's own timestamp (now - timestamp), and is marked as such.
 *
 * Memory is bounded: the table keeps PROP_SEEN hashes (older ones are
 * overwritten), each node PROP_RECENT delays and cumulative bucket counts.
 */
#ifndef CHAINDECK_PROPAGATION_H
#define CHAINDECK_PROPAGATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROP_SEEN 2048
#define PROP_RECENT 64
#define PROP_BUCKETS 9

/* What a delay is measured against. */
enum prop_kind {
	PROP_NETWORK,   /* the earliest report of the hash among nodes of the same chain */
	PROP_TIMESTAMP, /* the block's timestamp: the node is alone on its chain */
	PROP_KINDS
};

/* Upper bounds of the buckets, in ms (the exported histogram, the detail view's). */
extern const uint32_t prop_bounds_ms[PROP_BUCKETS];

/* One node's figures; zeroed to start. */
struct fleet_prop {
	bool has;                   /* at least one delay measured */
	enum prop_kind kind;        /* of the recent delays (a change of kind starts them afresh) */
	uint64_t last_ms;
	uint32_t recent_ms[PROP_RECENT]; /* newest at head - 1 */
	size_t head, count;
	/* Since start, per kind: delays per bucket (not cumulative; the last slot: above every bound). */
	uint64_t bucket[PROP_KINDS][PROP_BUCKETS + 1];
	uint64_t sum_ms[PROP_KINDS];
};

struct prop_table;

struct prop_table *prop_table_new(void);
void prop_table_free(struct prop_table *t);

/*
 * Node p (on chain chain_id) reported hash as its new head at now_ms
 * (monotonic) and wall_ms (unix ms); block_ts is the block's timestamp
 * (unix s). others: how many other answering nodes are on that chain. The
 * hash's first report is remembered either way; a delay is counted only when
 * count is true (not for a node's first head after start or recovery: that
 * is when chaindeck looked, not when the block came).
 */
void prop_note(struct prop_table *t, struct fleet_prop *p, uint64_t chain_id, const uint8_t hash[32],
               uint64_t block_ts, size_t others, bool count, uint64_t now_ms, uint64_t wall_ms);

/* The pct-th percentile (nearest rank) of p's recent delays, in ms; false without any. */
bool prop_percentile(const struct fleet_prop *p, unsigned pct, uint64_t *ms);
/* "network" or "block timestamp". */
const char *prop_kind_name(enum prop_kind k);

#endif
