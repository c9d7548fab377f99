/*
 * fleet — the dashboard's model: the nodes being watched and what each one
 * last said. No curses: the pane formats what this holds.
 *
 * Every node is polled once per refresh period with one JSON-RPC batch
 * (client version, chain id, latest block, sync state, gas price, peers,
 * txpool). A poll still in flight when the next one is due is not doubled.
 * Methods a node answers with "method not found" (or similar) are marked not
 * offered and no longer asked for.
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

/* Whether a node offers a piece of information. */
enum fleet_cap {
	CAP_UNKNOWN = 0, /* not asked yet, or no answer yet */
	CAP_YES,
	CAP_NO,          /* the node does not offer it: shown as "not offered", never as zero */
};

enum fleet_conn {
	CONN_CONNECTING = 0, /* no answer yet */
	CONN_UP,
	CONN_DOWN,
};

struct fleet_node {
	char name[64];
	char url[256];            /* masked: safe to show */
	enum fleet_conn conn;
	time_t down_since;        /* wall clock, when conn == CONN_DOWN */
	char last_error[160];     /* sanitized */
	uint64_t last_ok_ms;      /* loop_now_ms() of the last successful poll, 0 if none */

	char client[128];         /* web3_clientVersion, sanitized; "" if unknown */
	bool has_chain_id;
	uint64_t chain_id;

	bool has_head;
	uint64_t head_number;
	uint8_t head_hash[32];
	uint64_t head_time;       /* block timestamp, unix seconds */
	uint64_t head_gas_used, head_gas_limit;
	size_t head_tx_count;
	bool has_base_fee;
	struct u256 base_fee;

	enum fleet_cap gas_price_cap;
	struct u256 gas_price;

	enum fleet_cap syncing_cap;
	bool syncing;
	uint64_t sync_start, sync_current, sync_highest;
	uint64_t sync_rate_milli;  /* blocks per second × 1000, 0 if unknown */
	bool has_sync_eta;
	uint64_t sync_eta_s;

	enum fleet_cap peers_cap;
	uint64_t peers;

	enum fleet_cap txpool_cap;
	uint64_t txpool_pending, txpool_queued;

	uint64_t last_latency_us;
	struct stats_ring latency_us;
	uint64_t polls_ok, polls_total;
};

struct fleet;

/*
 * Creates the fleet with one node per cfg->nodes entry and starts polling at
 * cfg->refresh_ms. changed(ud) runs on the loop thread whenever a node's data
 * changed (mark the screen dirty there; do not draw). NULL with a message on
 * failure (a bad URL names the node).
 */
struct fleet *fleet_new(struct loop *loop, const struct config *cfg, void (*changed)(void *ud), void *ud,
                        char *err, size_t errlen);
void fleet_free(struct fleet *f);

size_t fleet_count(const struct fleet *f);
/* The i-th node, or NULL when i is out of range. Valid until the next loop iteration. */
const struct fleet_node *fleet_node(const struct fleet *f, size_t i);
/* Polls every node now (a poll in flight is left alone). */
void fleet_poll_now(struct fleet *f);

#endif
