/*
 * Block propagation delays per node: the first-report table and each
 * node's recent delays and histogram (contract in propagation.h).
 */
#include "dashboard/propagation.h"

#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

const uint32_t prop_bounds_ms[PROP_BUCKETS] = { 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000 };

struct seen {
	bool used;
	uint64_t chain_id;
	uint8_t hash[32];
	uint64_t first_ms;
};

/* Direct-mapped on the hash's first bytes (a block hash is uniformly random): a collision replaces. */
struct prop_table {
	struct seen slot[PROP_SEEN];
};

struct prop_table *prop_table_new(void)
{
	return xcalloc(1, sizeof(struct prop_table));
}

void prop_table_free(struct prop_table *t)
{
	free(t);
}

const char *prop_kind_name(enum prop_kind k)
{
	return k == PROP_TIMESTAMP ? "block timestamp" : "network";
}

static void add_delay(struct fleet_prop *p, enum prop_kind kind, uint64_t ms)
{
	size_t b = 0;
	uint32_t v = ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;

	if (p->has && p->kind != kind)
		p->count = p->head = 0;
	p->has = true;
	p->kind = kind;
	p->last_ms = ms;
	p->recent_ms[p->head] = v;
	p->head = (p->head + 1) % PROP_RECENT;
	if (p->count < PROP_RECENT)
		p->count++;
	while (b < PROP_BUCKETS && ms > prop_bounds_ms[b])
		b++;
	p->bucket[kind][b]++;
	p->sum_ms[kind] += ms;
}

void prop_note(struct prop_table *t, struct fleet_prop *p, uint64_t chain_id, const uint8_t hash[32],
               uint64_t block_ts, size_t others, bool count, uint64_t now_ms, uint64_t wall_ms)
{
	size_t i = ((size_t)hash[0] << 8 | hash[1]) % PROP_SEEN;
	struct seen *s = &t->slot[i];
	uint64_t first;

	if (!s->used || s->chain_id != chain_id || memcmp(s->hash, hash, 32) != 0) {
		s->used = true;
		s->chain_id = chain_id;
		memcpy(s->hash, hash, 32);
		s->first_ms = now_ms;
	}
	first = s->first_ms;
	if (!count)
		return;
	if (others == 0)
		add_delay(p, PROP_TIMESTAMP, wall_ms > block_ts * 1000 ? wall_ms - block_ts * 1000 : 0);
	else
		add_delay(p, PROP_NETWORK, now_ms - first);
}

bool prop_percentile(const struct fleet_prop *p, unsigned pct, uint64_t *ms)
{
	uint32_t v[PROP_RECENT];
	size_t n = p->count, rank;

	if (n == 0)
		return false;
	memcpy(v, p->recent_ms, sizeof(v));
	/* The ring's slots 0..count-1 are the samples until it wraps, then all of them. */
	for (size_t i = 1; i < n; i++) {
		uint32_t x = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
	rank = (pct * n + 99) / 100;
	*ms = v[rank ? rank - 1 : 0];
	return true;
}
