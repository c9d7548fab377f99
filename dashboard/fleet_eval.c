/*
 * The fleet's pure evaluation: conditions for alerts, lag and fork detection
 * across nodes, sorting. No I/O and no clocks of its own: tested on values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fmt.h"
#include "common/stats.h"
#include "common/hex.h"
#include "common/xalloc.h"
#include "dashboard/fleet.h"

const char *fleet_ns_name(enum fleet_ns ns)
{
	static const char *const names[NS_COUNT] = {
		[NS_ETH] = "eth", [NS_NET] = "net", [NS_WEB3] = "web3", [NS_ADMIN] = "admin",
		[NS_TXPOOL] = "txpool", [NS_OTS] = "ots", [NS_TRACE] = "trace", [NS_DEBUG] = "debug",
	};

	return (unsigned)ns < NS_COUNT ? names[ns] : "?";
}

char *fleet_format_since(time_t when, time_t now, char *buf, size_t cap)
{
	struct tm w, t;

	localtime_r(&when, &w);
	localtime_r(&now, &t);
	if (strftime(buf, cap, w.tm_year == t.tm_year && w.tm_yday == t.tm_yday ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
	             &w) == 0 && cap)
		buf[0] = '\0';
	return buf;
}

const char *fleet_alert_name(enum fleet_alert_kind k)
{
	static const char *const names[ALERT_KINDS] = {
		[ALERT_DOWN] = "down", [ALERT_STALLED] = "stalled", [ALERT_LOW_PEERS] = "low-peers",
		[ALERT_LAG] = "lag", [ALERT_FORK] = "fork", [ALERT_CHAIN] = "chain-id",
	};

	return (unsigned)k < ALERT_KINDS ? names[k] : "?";
}

unsigned fleet_unknown(const struct fleet_node *n)
{
	/* A node that does not answer says nothing about its head, peers, lag or chain. */
	if (n->conn != CONN_UP)
		return ~(1u << ALERT_DOWN) & ((1u << ALERT_KINDS) - 1);
	unsigned u = 0;

	/* A lag within bounds against a leader that is not the best head seen proves nothing. */
	if (!n->has_lag || n->lag_uncertain)
		u |= 1u << ALERT_LAG;
	/* A fork whose split is still being searched for is a fork all the same: not cleared meanwhile. */
	if (n->forked && n->fork_state == FORK_SEARCHING)
		u |= 1u << ALERT_FORK;
	return u;
}

unsigned fleet_conditions(const struct fleet_node *n, const struct fleet_rules *r, uint64_t now_ms)
{
	unsigned c = 0;

	if (n->conn == CONN_DOWN)
		c |= 1u << ALERT_DOWN;
	/* The rest describe what a node says: only while it answers. */
	if (n->conn != CONN_UP)
		return c;
	if (r->stall_s && n->has_head && n->head_changed_ms && now_ms > n->head_changed_ms &&
	    now_ms - n->head_changed_ms > r->stall_s * 1000)
		c |= 1u << ALERT_STALLED;
	if (r->min_peers && n->peers_cap == CAP_YES && n->peers < r->min_peers)
		c |= 1u << ALERT_LOW_PEERS;
	if (r->max_lag && n->has_lag && n->lag_blocks > r->max_lag)
		c |= 1u << ALERT_LAG;
	/* A fork is reported once where the chains split is known (or bounded): the alert names that height. */
	if (n->forked && n->fork_state != FORK_SEARCHING)
		c |= 1u << ALERT_FORK;
	if (n->has_chain_id && ((n->has_expected_chain_id && n->chain_id != n->expected_chain_id) || n->chain_changed))
		c |= 1u << ALERT_CHAIN;
	return c;
}

void fleet_debounce(struct fleet_node *n, unsigned raw, unsigned unknown, uint64_t now_ms, uint64_t hold_ms,
                    unsigned *raised, unsigned *cleared)
{
	*raised = *cleared = 0;
	for (int k = 0; k < ALERT_KINDS; k++) {
		unsigned bit = 1u << k;
		uint64_t hold = k == ALERT_DOWN ? 0 : hold_ms;

		if ((unknown & bit) && !(raw & bit)) {
			/* Not measurable now: the alert stays as it is, and neither way counts towards a change. */
			n->cond_since[k] = 0;
			n->clear_since[k] = 0;
			continue;
		}
		if (raw & bit) {
			n->clear_since[k] = 0;
			if (!n->cond_since[k])
				n->cond_since[k] = now_ms;
			if (!(n->conditions & bit) && now_ms - n->cond_since[k] >= hold) {
				n->conditions |= bit;
				*raised |= bit;
			}
		} else {
			n->cond_since[k] = 0;
			if (!(n->conditions & bit))
				continue;
			if (!n->clear_since[k])
				n->clear_since[k] = now_ms;
			if (now_ms - n->clear_since[k] >= hold) {
				n->conditions &= ~bit;
				n->clear_since[k] = 0;
				*cleared |= bit;
			}
		}
	}
}

void fleet_note_head(struct fleet_node *n, const struct fleet_head *h)
{
	for (size_t i = 0; i < n->nrecent; i++) {
		size_t k = (n->recent_head + FLEET_RECENT - 1 - i) % FLEET_RECENT;

		if (n->recent[k].number == h->number) {
			n->recent[k] = *h;
			return;
		}
	}
	n->recent[n->recent_head] = *h;
	n->recent_head = (n->recent_head + 1) % FLEET_RECENT;
	if (n->nrecent < FLEET_RECENT)
		n->nrecent++;
}

bool fleet_hash_at(const struct fleet_node *n, uint64_t number, uint8_t out[32])
{
	for (size_t i = 0; i < n->nrecent; i++) {
		size_t k = (n->recent_head + FLEET_RECENT - 1 - i) % FLEET_RECENT;

		if (n->recent[k].number == number) {
			memcpy(out, n->recent[k].hash, 32);
			return true;
		}
	}
	return false;
}

/* A chain's leader (index of its highest answering head, SIZE_MAX for none yet) and highest silent head. */
struct chain_lead {
	uint64_t chain_id;
	size_t leader;
	uint64_t best_silent;
};

/* chain's entry in chains[0..*n), added when new (a fleet has few chains: a short scan). */
static struct chain_lead *chain_lead_of(struct chain_lead *chains, size_t *n, uint64_t chain)
{
	for (size_t c = 0; c < *n; c++) {
		if (chains[c].chain_id == chain)
			return &chains[c];
	}
	chains[*n] = (struct chain_lead){ .chain_id = chain, .leader = SIZE_MAX };
	return &chains[(*n)++];
}

void fleet_compare(struct fleet_node *const *nodes, size_t n, size_t *need_leader, uint64_t *need_height)
{
	/*
	 * Each chain's leader and highest silent head first, in one pass: this runs
	 * after every answer, so it must not scan the fleet once per node.
	 */
	struct chain_lead *chains = xcalloc(n ? n : 1, sizeof(*chains));
	size_t nchains = 0;

	for (size_t j = 0; j < n; j++) {
		struct fleet_node *b = nodes[j];
		struct chain_lead *c;

		if (!b->has_head || !b->has_chain_id)
			continue;
		c = chain_lead_of(chains, &nchains, b->chain_id);
		if (b->conn != CONN_UP) {
			if (b->head_number > c->best_silent)
				c->best_silent = b->head_number;
		} else if (c->leader == SIZE_MAX || b->head_number > nodes[c->leader]->head_number) {
			c->leader = j;
		}
	}
	*need_leader = SIZE_MAX;
	*need_height = 0;
	for (size_t i = 0; i < n; i++) {
		struct fleet_node *a = nodes[i];
		struct fleet_node *leader = NULL;
		size_t leader_i = SIZE_MAX;
		uint64_t best_silent = 0;
		uint8_t h[32];

		a->has_lag = false;
		a->has_lag_s = false;
		a->lag_uncertain = false;
		/* Not answering: what was known about a fork stays as it was, neither confirmed nor cleared. */
		if (a->conn != CONN_UP || !a->has_head || !a->has_chain_id)
			continue;
		/*
		 * The leader of a's chain: the highest head among answering nodes (first
		 * in order on ties). A silent node's last head still counts as a head
		 * the chain has reached: measured against a lower leader, a's lag is
		 * only a lower bound.
		 */
		{
			const struct chain_lead *c = chain_lead_of(chains, &nchains, a->chain_id);

			leader_i = c->leader;
			leader = nodes[leader_i];
			best_silent = c->best_silent;
		}
		a->has_lag = true;
		a->lag_blocks = leader->head_number - a->head_number;
		a->lag_uncertain = best_silent > leader->head_number;
		/* A timestamp of 0 (a genesis block) or one behind a's says nothing about the time between. */
		a->has_lag_s = leader->head_time && a->head_time && leader->head_time >= a->head_time;
		a->lag_s = a->has_lag_s ? leader->head_time - a->head_time : 0;
		if (leader == a) {
			a->forked = false;
			continue;
		}
		if (!fleet_hash_at(leader, a->head_number, h)) {
			if (*need_leader == SIZE_MAX) {
				*need_leader = leader_i;
				*need_height = a->head_number;
			}
			continue;
		}
		if (memcmp(h, a->head_hash, 32) == 0) {
			a->forked = false;
			continue;
		}
		/* A new fork (or one against another leader): where the chains split is searched for anew. */
		if (!a->forked || strcmp(a->fork_with, leader->name) != 0) {
			a->fork_state = FORK_SEARCHING;
			a->fork_lo = 0;
			a->fork_hi = a->head_number;
			a->fork_steps = 0;
			/* The highest height below where both hold the same hash: the split is above it. */
			for (uint64_t k = 1; k < FLEET_RECENT && k <= a->head_number; k++) {
				uint8_t mine[32];

				if (fleet_hash_at(a, a->head_number - k, mine) && fleet_hash_at(leader, a->head_number - k, h) &&
				    memcmp(mine, h, 32) == 0) {
					a->fork_lo = a->head_number - k + 1;
					break;
				}
			}
			fleet_fork_settle(a);
		}
		a->forked = true;
		a->fork_noticed = a->head_number;
		snprintf(a->fork_with, sizeof(a->fork_with), "%s", leader->name);
	}
	free(chains);
}

void fleet_fork_settle(struct fleet_node *n)
{
	n->fork_height = n->fork_hi;
	if (n->fork_state != FORK_SEARCHING)
		return;
	if (n->fork_lo >= n->fork_hi)
		n->fork_state = FORK_FOUND;
	else if (n->fork_steps >= FLEET_FORK_STEPS)
		n->fork_state = FORK_BOUNDED;
}

uint64_t fleet_fork_probe(const struct fleet_node *n)
{
	return n->fork_lo + (n->fork_hi - n->fork_lo) / 2;
}

void fleet_fork_step(struct fleet_node *n, bool differs)
{
	uint64_t mid = fleet_fork_probe(n);

	if (n->fork_state != FORK_SEARCHING)
		return;
	if (differs)
		n->fork_hi = mid;
	else
		n->fork_lo = mid + 1;
	n->fork_steps++;
	fleet_fork_settle(n);
}

void fleet_fork_give_up(struct fleet_node *n)
{
	if (n->fork_state == FORK_SEARCHING)
		n->fork_state = FORK_BOUNDED;
}

bool fleet_sync_sample(struct fleet_sync_window *w, uint64_t now_ms, uint64_t start, uint64_t current,
                       uint64_t *rate_milli)
{
	if (w->n && (start != w->start || current < w->block[w->n - 1] || now_ms < w->ms[w->n - 1]))
		w->n = 0;
	w->start = start;
	if (w->n == FLEET_SYNC_SAMPLES) {
		memmove(w->ms, w->ms + 1, (FLEET_SYNC_SAMPLES - 1) * sizeof(w->ms[0]));
		memmove(w->block, w->block + 1, (FLEET_SYNC_SAMPLES - 1) * sizeof(w->block[0]));
		w->n--;
	}
	w->ms[w->n] = now_ms;
	w->block[w->n] = current;
	w->n++;
	return stats_rate(w->block[0], w->ms[0], current, now_ms, rate_milli);
}

char *fleet_head_age(char *buf, size_t cap, uint64_t head_time, uint64_t now, bool ago)
{
	char d[32];

	if (head_time == 0)
		snprintf(buf, cap, "%s", ago ? "genesis (timestamp 0: age unknown)" : "genesis");
	else if (head_time > now)
		snprintf(buf, cap, "+%s%s", fmt_duration(d, sizeof(d), head_time - now), ago ? " in the future" : "");
	else
		snprintf(buf, cap, "%s%s", fmt_duration(d, sizeof(d), now - head_time), ago ? " ago" : "");
	return buf;
}

char *fleet_lag_text(const struct fleet_node *n, char *buf, size_t cap)
{
	if (n->has_lag_s)
		snprintf(buf, cap, "%llus", (unsigned long long)n->lag_s);
	else
		snprintf(buf, cap, "time unknown: genesis or out-of-order timestamps");
	return buf;
}

char *fleet_fork_text(const struct fleet_node *n, char *buf, size_t cap)
{
	switch (n->fork_state) {
	case FORK_FOUND:
		snprintf(buf, cap, "first differing block; noticed at #%llu", (unsigned long long)n->fork_noticed);
		break;
	case FORK_BOUNDED:
		snprintf(buf, cap, "split between #%llu and #%llu; noticed at #%llu", (unsigned long long)n->fork_lo,
		         (unsigned long long)n->fork_hi, (unsigned long long)n->fork_noticed);
		break;
	case FORK_SEARCHING:
		snprintf(buf, cap, "searching where the chains split; noticed at #%llu", (unsigned long long)n->fork_noticed);
		break;
	}
	return buf;
}

void fleet_describe(const struct fleet_node *n, enum fleet_alert_kind k, bool resolved,
                    const struct fleet_rules *r, char *buf, size_t cap)
{
	char a[64];

	if (resolved) {
		snprintf(buf, cap, "%s: %s cleared", n->name, fleet_alert_name(k));
		return;
	}
	switch (k) {
	case ALERT_DOWN:
		snprintf(buf, cap, "%s: down (%s)", n->name, n->last_error[0] ? n->last_error : "no answer");
		break;
	case ALERT_STALLED:
		snprintf(buf, cap, "%s: head stalled at #%llu for over %s", n->name, (unsigned long long)n->head_number,
		         fmt_duration(a, sizeof(a), r->stall_s));
		break;
	case ALERT_LOW_PEERS:
		snprintf(buf, cap, "%s: %llu peers (minimum %llu)", n->name, (unsigned long long)n->peers,
		         (unsigned long long)r->min_peers);
		break;
	case ALERT_LAG:
		fleet_lag_text(n, a, sizeof(a));
		snprintf(buf, cap, "%s: %llu blocks behind (%s)", n->name, (unsigned long long)n->lag_blocks, a);
		break;
	case ALERT_FORK: {
		char where[96];

		snprintf(buf, cap, "%s: fork at #%llu, hash differs from %s (%s)", n->name,
		         (unsigned long long)n->fork_height, n->fork_with, fleet_fork_text(n, where, sizeof(where)));
		break;
	}
	case ALERT_CHAIN:
		if (n->has_expected_chain_id && n->chain_id != n->expected_chain_id)
			snprintf(buf, cap, "%s: chain id %llu, expected %llu", n->name, (unsigned long long)n->chain_id,
			         (unsigned long long)n->expected_chain_id);
		else
			snprintf(buf, cap, "%s: chain id changed from %llu to %llu", n->name,
			         (unsigned long long)n->first_chain_id, (unsigned long long)n->chain_id);
		break;
	case ALERT_KINDS:
		snprintf(buf, cap, "%s", n->name);
		break;
	}
}

/* ---- sorting ---- */

struct sort_key {
	bool known;
	uint64_t v;
};

static bool fee_key(struct u256 fee, uint64_t *k)
{
	/* Fees beyond 2^64 wei per gas do not happen; clamp rather than fail. */
	if (u256_to_u64(fee, k) != CD_OK)
		*k = UINT64_MAX;
	return true;
}

/* A node's sort key for a numeric column; false when unknown (sorts last). */
static bool num_key(const struct fleet_node *n, enum fleet_col col, uint64_t *k)
{
	switch (col) {
	case COL_CHAIN:
		*k = n->chain_id;
		return n->has_chain_id;
	case COL_HEAD:
		*k = n->head_number;
		return n->has_head;
	case COL_LAG:
		*k = n->lag_blocks;
		return n->has_lag;
	case COL_AGE:
		/* Older heads have smaller timestamps: age ascending = timestamp descending. */
		*k = UINT64_MAX - n->head_time;
		return n->has_head;
	case COL_SYNC:
		/* Synced nodes count as complete. */
		*k = !n->syncing ? 1000000 : n->sync_highest ? n->sync_current * 1000000 / n->sync_highest : 0;
		return n->syncing_cap == CAP_YES;
	case COL_PEERS:
		*k = n->peers;
		return n->peers_cap == CAP_YES;
	case COL_P50:
		return stats_ring_percentile(&n->latency_us, 50, k);
	case COL_P99:
		return stats_ring_percentile(&n->latency_us, 99, k);
	case COL_UPTIME:
		*k = stats_ratio_bp(n->polls_ok, n->polls_total);
		return n->polls_total > 0;
	case COL_POOL:
		*k = n->txpool_pending;
		return n->txpool_cap == CAP_YES || n->txpool_from_pending;
	case COL_FEE:
		if (n->has_base_fee)
			return fee_key(n->base_fee, k);
		if (n->gas_price_cap == CAP_YES)
			return fee_key(n->gas_price, k);
		return false;
	case COL_PROP:
		return prop_percentile(&n->prop, 50, k);
	case COL_STATUS:
		/* Worst first when descending: down, flagged, connecting, up. */
		*k = n->conn == CONN_DOWN ? 3 : n->conditions ? 2 : n->conn == CONN_CONNECTING ? 1 : 0;
		return true;
	default:
		return false;
	}
}

static int cmp_nodes(const struct fleet_node *const *nodes, const struct sort_key *keys, enum fleet_col col,
                     bool desc, size_t ia, size_t ib)
{
	const struct fleet_node *a = nodes[ia], *b = nodes[ib];
	int r = 0;

	if (a->pinned != b->pinned)
		return a->pinned ? -1 : 1;
	if (col == COL_NAME || col == COL_CLIENT) {
		r = col == COL_NAME ? strcmp(a->name, b->name) : strcmp(a->client, b->client);
		if (desc)
			r = -r;
	} else {
		if (keys[ia].known != keys[ib].known)
			return keys[ia].known ? -1 : 1;
		if (keys[ia].known && keys[ia].v != keys[ib].v)
			r = (keys[ia].v < keys[ib].v ? -1 : 1) * (desc ? -1 : 1);
	}
	if (r == 0)
		r = ia < ib ? -1 : ia > ib ? 1 : 0;
	return r;
}

void fleet_sort(const struct fleet_node *const *nodes, size_t n, enum fleet_col col, bool descending,
                size_t *order)
{
	struct sort_key *keys = xcalloc(n, sizeof(*keys));

	/* Keys once per node: percentiles are not cheap enough to recompute per comparison. */
	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		keys[i].known = num_key(nodes[i], col, &keys[i].v);
	}
	/* Insertion sort: stable, and n is at most a few hundred. */
	for (size_t i = 1; i < n; i++) {
		size_t v = order[i], j = i;

		while (j > 0 && cmp_nodes(nodes, keys, col, descending, order[j - 1], v) > 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	free(keys);
}
