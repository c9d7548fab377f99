#include "dashboard/fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/eth.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/text.h"

/* What one poll asks, in batch order. */
enum poll_method {
	M_CLIENT,
	M_CHAIN,
	M_BLOCK,
	M_SYNCING,
	M_GAS_PRICE,
	M_PEERS,
	M_TXPOOL,
	M_COUNT
};

static const char *const method_names[M_COUNT] = {
	[M_CLIENT] = "web3_clientVersion",
	[M_CHAIN] = "eth_chainId",
	[M_BLOCK] = "eth_getBlockByNumber",
	[M_SYNCING] = "eth_syncing",
	[M_GAS_PRICE] = "eth_gasPrice",
	[M_PEERS] = "net_peerCount",
	[M_TXPOOL] = "txpool_status",
};

#define SYNC_SAMPLES 16

struct sync_sample {
	uint64_t ms, block;
};

struct node_rt {
	struct fleet_node view;
	struct fleet *fleet;
	struct rpc_client *rpc;
	uint64_t poll_call;           /* call id of the poll in flight, 0 if none */
	int slot[M_COUNT];            /* batch index of each method in the poll in flight, -1 if not asked */
	struct sync_sample sync[SYNC_SAMPLES];
	size_t nsync;
};

struct fleet {
	struct loop *loop;
	struct node_rt *nodes;
	size_t n;
	uint64_t refresh_ms;
	uint64_t timer;
	void (*changed)(void *ud);
	void *ud;
};

static void notify(struct fleet *f)
{
	if (f->changed)
		f->changed(f->ud);
}

/* The optional caps that gate whether a method is asked at all. */
static enum fleet_cap *cap_of(struct fleet_node *v, enum poll_method m)
{
	switch (m) {
	case M_SYNCING:
		return &v->syncing_cap;
	case M_GAS_PRICE:
		return &v->gas_price_cap;
	case M_PEERS:
		return &v->peers_cap;
	case M_TXPOOL:
		return &v->txpool_cap;
	default:
		return NULL;
	}
}

/*
 * Whether a JSON-RPC error means "this node does not offer the method" rather
 * than a passing failure. Clients disagree on codes and words, so both count.
 */
static bool error_means_unsupported(const struct rpc_reply *r)
{
	static const char *const words[] = { "not found", "not supported", "does not exist", "not available",
	                                     "unsupported", "not implemented", "disabled", "unknown method" };

	if (r->code == -32601 || r->code == -32004)
		return true;
	for (size_t i = 0; r->message && i < sizeof(words) / sizeof(words[0]); i++) {
		if (strstr(r->message, words[i]))
			return true;
	}
	return false;
}

static bool json_u64(const cJSON *j, uint64_t *out)
{
	return eth_decode_u64(j, out, NULL, 0) == 0;
}

static bool json_u256(const cJSON *j, struct u256 *out)
{
	return eth_decode_u256(j, out, NULL, 0) == 0;
}

static void take_block(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	struct eth_block b;
	char err[128];

	if (eth_decode_block(result, &b, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "node %s: latest block: %s", v->name, err);
		return;
	}
	v->has_head = true;
	v->head_number = b.number;
	memcpy(v->head_hash, b.hash, sizeof(v->head_hash));
	v->head_time = b.timestamp;
	v->head_gas_used = b.gas_used;
	v->head_gas_limit = b.gas_limit;
	v->head_tx_count = b.tx_count;
	v->has_base_fee = b.has_base_fee;
	if (b.has_base_fee)
		v->base_fee = b.base_fee;
	eth_block_free(&b);
}

static void take_syncing(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	struct eth_syncing s;
	uint64_t now = loop_now_ms(), rate;
	char err[128];

	if (eth_decode_syncing(result, &s, err, sizeof(err)) != 0) {
		log_msg(LOG_WARN, "node %s: eth_syncing: %s", v->name, err);
		return;
	}
	v->syncing_cap = CAP_YES;
	v->syncing = s.syncing;
	if (!s.syncing) {
		n->nsync = 0;
		v->sync_rate_milli = 0;
		v->has_sync_eta = false;
		return;
	}
	v->sync_start = s.starting_block;
	v->sync_current = s.current_block;
	v->sync_highest = s.highest_block;
	/* Rate over a sliding window of recent samples, oldest to newest. */
	if (n->nsync == SYNC_SAMPLES) {
		memmove(n->sync, n->sync + 1, (SYNC_SAMPLES - 1) * sizeof(n->sync[0]));
		n->nsync--;
	}
	n->sync[n->nsync++] = (struct sync_sample){ now, s.current_block };
	v->has_sync_eta = false;
	if (stats_rate(n->sync[0].block, n->sync[0].ms, s.current_block, now, &rate)) {
		v->sync_rate_milli = rate;
		v->has_sync_eta = stats_eta_s(s.current_block, s.highest_block, rate, &v->sync_eta_s);
	}
}

static void take_txpool(struct node_rt *n, const cJSON *result)
{
	struct fleet_node *v = &n->view;
	uint64_t p, q;

	if (json_u64(cJSON_GetObjectItemCaseSensitive(result, "pending"), &p) &&
	    json_u64(cJSON_GetObjectItemCaseSensitive(result, "queued"), &q)) {
		v->txpool_cap = CAP_YES;
		v->txpool_pending = p;
		v->txpool_queued = q;
	}
}

static void take_reply(struct node_rt *n, enum poll_method m, const struct rpc_reply *r)
{
	struct fleet_node *v = &n->view;
	enum fleet_cap *cap = cap_of(v, m);
	uint64_t u;

	if (r->status == RPC_EREMOTE) {
		if (cap && error_means_unsupported(r)) {
			*cap = CAP_NO;
			log_msg(LOG_INFO, "node %s: %s not offered", v->name, method_names[m]);
		}
		return;
	}
	if (r->status != RPC_OK)
		return;
	switch (m) {
	case M_CLIENT:
		if (cJSON_IsString(r->result))
			text_sanitize(v->client, sizeof(v->client), r->result->valuestring,
			              strlen(r->result->valuestring));
		break;
	case M_CHAIN:
		v->has_chain_id = json_u64(r->result, &v->chain_id);
		break;
	case M_BLOCK:
		take_block(n, r->result);
		break;
	case M_SYNCING:
		take_syncing(n, r->result);
		break;
	case M_GAS_PRICE:
		if (json_u256(r->result, &v->gas_price))
			v->gas_price_cap = CAP_YES;
		break;
	case M_PEERS:
		if (json_u64(r->result, &u)) {
			v->peers_cap = CAP_YES;
			v->peers = u;
		}
		break;
	case M_TXPOOL:
		take_txpool(n, r->result);
		break;
	case M_COUNT:
		break;
	}
}

static void on_poll(void *ud, const struct rpc_response *res)
{
	struct node_rt *n = ud;
	struct fleet_node *v = &n->view;

	n->poll_call = 0;
	v->polls_total++;
	if (res->status != RPC_OK) {
		if (v->conn != CONN_DOWN) {
			v->down_since = time(NULL);
			v->conn = CONN_DOWN;
		}
		text_sanitize(v->last_error, sizeof(v->last_error), res->detail, strlen(res->detail));
		notify(n->fleet);
		return;
	}
	v->polls_ok++;
	v->conn = CONN_UP;
	v->last_error[0] = '\0';
	v->last_ok_ms = loop_now_ms();
	v->last_latency_us = res->elapsed_us;
	stats_ring_push(&v->latency_us, res->elapsed_us);
	for (int m = 0; m < M_COUNT; m++) {
		if (n->slot[m] >= 0 && (size_t)n->slot[m] < res->n)
			take_reply(n, (enum poll_method)m, &res->reply[n->slot[m]]);
	}
	notify(n->fleet);
}

static cJSON *params_for(enum poll_method m)
{
	cJSON *p = cJSON_CreateArray();

	if (p && m == M_BLOCK) {
		cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
		cJSON_AddItemToArray(p, cJSON_CreateFalse());
	}
	return p;
}

static void poll_node(struct node_rt *n)
{
	struct rpc_batch *b;
	int k = 0;

	if (n->poll_call)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	for (int m = 0; m < M_COUNT; m++) {
		enum fleet_cap *cap = cap_of(&n->view, (enum poll_method)m);

		n->slot[m] = -1;
		if (cap && *cap == CAP_NO)
			continue;
		if (rpc_batch_add(b, method_names[m], params_for((enum poll_method)m)) != RPC_OK)
			continue;
		n->slot[m] = k++;
	}
	n->poll_call = rpc_batch_send(n->rpc, b, on_poll, n);
}

static void on_tick(void *ud)
{
	struct fleet *f = ud;

	f->timer = loop_timer_add(f->loop, f->refresh_ms, on_tick, f);
	fleet_poll_now(f);
}

void fleet_poll_now(struct fleet *f)
{
	for (size_t i = 0; i < f->n; i++)
		poll_node(&f->nodes[i]);
}

struct fleet *fleet_new(struct loop *loop, const struct config *cfg, void (*changed)(void *ud), void *ud,
                        char *err, size_t errlen)
{
	struct fleet *f = calloc(1, sizeof(*f));

	if (!f || (cfg->nnodes && !(f->nodes = calloc(cfg->nnodes, sizeof(*f->nodes))))) {
		free(f);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->loop = loop;
	f->refresh_ms = cfg->refresh_ms > 0 ? (uint64_t)cfg->refresh_ms : 1000;
	f->changed = changed;
	f->ud = ud;
	for (size_t i = 0; i < cfg->nnodes; i++) {
		const struct config_node *cn = &cfg->nodes[i];
		struct node_rt *n = &f->nodes[i];
		struct rpc_opts o = {
			.url = cn->url, .bearer = cn->bearer, .headers = (const char *const *)cn->headers,
			.nheaders = cn->nheaders, .ca_file = cn->ca_file,
			.timeout_ms = config_node_timeout(cfg, cn), .connections = cn->connections,
		};
		char why[256];

		n->fleet = f;
		n->rpc = rpc_client_new(loop, &o, why, sizeof(why));
		if (!n->rpc) {
			snprintf(err, errlen, "node %s: %s", cn->name, why);
			f->n = i;
			fleet_free(f);
			return NULL;
		}
		snprintf(n->view.name, sizeof(n->view.name), "%s", cn->name);
		snprintf(n->view.url, sizeof(n->view.url), "%s", rpc_client_url(n->rpc));
		f->n = i + 1;
	}
	fleet_poll_now(f);
	f->timer = loop_timer_add(loop, f->refresh_ms, on_tick, f);
	return f;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	if (f->timer)
		loop_timer_cancel(f->loop, f->timer);
	for (size_t i = 0; i < f->n; i++)
		rpc_client_free(f->nodes[i].rpc);
	free(f->nodes);
	free(f);
}

size_t fleet_count(const struct fleet *f)
{
	return f->n;
}

const struct fleet_node *fleet_node(const struct fleet *f, size_t i)
{
	return i < f->n ? &f->nodes[i].view : NULL;
}
