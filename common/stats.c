/*
 * stats — sample rings, nearest-rank percentiles, ratios, rates and ETAs in
 * integer arithmetic, for the dashboard's figures. Contract in stats.h.
 */
#include "common/stats.h"

#include <stdlib.h>
#include <string.h>

void stats_ring_push(struct stats_ring *r, uint64_t v)
{
	r->v[r->head] = v;
	r->head = (r->head + 1) % STATS_RING_CAP;
	if (r->count < STATS_RING_CAP)
		r->count++;
}

bool stats_ring_get(const struct stats_ring *r, size_t i, uint64_t *out)
{
	if (i >= r->count)
		return false;
	*out = r->v[(r->head + STATS_RING_CAP - 1 - i) % STATS_RING_CAP];
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

bool stats_ring_percentile(const struct stats_ring *r, unsigned pct, uint64_t *out)
{
	uint64_t tmp[STATS_RING_CAP];
	size_t rank;

	if (r->count == 0)
		return false;
	if (pct > 100)
		pct = 100;
	for (size_t i = 0; i < r->count; i++)
		stats_ring_get(r, i, &tmp[i]);
	qsort(tmp, r->count, sizeof(tmp[0]), cmp_u64);
	/* Nearest rank: ceil(pct/100 * n), at least 1. */
	rank = (pct * r->count + 99) / 100;
	if (rank == 0)
		rank = 1;
	*out = tmp[rank - 1];
	return true;
}

unsigned stats_ratio_bp(uint64_t ok, uint64_t total)
{
	if (total == 0)
		return 0;
	if (ok > total)
		ok = total;
	/* ok * 10000 cannot overflow for any realistic poll count; guard anyway. */
	if (ok > UINT64_MAX / 10000)
		return (unsigned)(ok / (total / 10000));
	return (unsigned)(ok * 10000 / total);
}

/*
 * a * m / d rounded down (or up) without overflowing the product; false when
 * the result does not fit in 64 bits. Exact while d <= UINT64_MAX / m; past
 * that (a time span of centuries, a rate beyond any chain) the fractional part
 * is estimated from d / m.
 */
static bool mul_div(uint64_t a, uint64_t m, uint64_t d, bool round_up, uint64_t *out)
{
	uint64_t q = a / d, r = a % d, frac;

	if (q > UINT64_MAX / m)
		return false;
	q *= m;
	if (r <= UINT64_MAX / m) {
		frac = r * m / d;
		if (round_up && r * m % d != 0)
			frac++;
	} else {
		uint64_t unit = d / m;

		frac = r / unit;
		if (round_up && r % unit != 0)
			frac++;
		if (frac > (round_up ? m : m - 1))
			frac = round_up ? m : m - 1;
	}
	if (frac > UINT64_MAX - q)
		return false;
	*out = q + frac;
	return true;
}

bool stats_rate(uint64_t a, uint64_t t0_ms, uint64_t b, uint64_t t1_ms, uint64_t *milli_per_s)
{
	uint64_t rate;

	if (t1_ms <= t0_ms || b <= a)
		return false;
	/* (b - a) units in (t1 - t0) ms is (b - a) * 1000 * 1000 / dt milli-units per second. */
	if (!mul_div(b - a, 1000000, t1_ms - t0_ms, false, &rate) || rate == 0)
		return false;
	*milli_per_s = rate;
	return true;
}

bool stats_eta_s(uint64_t current, uint64_t target, uint64_t milli_per_s, uint64_t *seconds)
{
	uint64_t left;

	if (milli_per_s == 0)
		return false;
	left = target > current ? target - current : 0;
	return mul_div(left, 1000, milli_per_s, true, seconds);
}
