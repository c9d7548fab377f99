/* SPDX-License-Identifier: MIT */
/*
 * stats — small integer statistics for the dashboard: a ring of samples with
 * percentiles, a success ratio, and rate/ETA estimates. No floating point.
 */
#ifndef CHAINDECK_STATS_H
#define CHAINDECK_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STATS_RING_CAP 600

/* The last STATS_RING_CAP samples (at 1 s polls: ten minutes). Zero-initialise to start. */
struct stats_ring {
	uint64_t v[STATS_RING_CAP];
	size_t head, count;
};

void stats_ring_push(struct stats_ring *r, uint64_t v);
/* The i-th most recent sample (0 = newest); false when i >= count. */
bool stats_ring_get(const struct stats_ring *r, size_t i, uint64_t *out);
/*
 * The pct-th percentile (0..100) by the nearest-rank method over the samples
 * present: the smallest value with at least pct% of samples at or below it.
 * false when there are no samples.
 */
bool stats_ring_percentile(const struct stats_ring *r, unsigned pct, uint64_t *out);

/* Share of ok among total in basis points (10000 = 100 %); 0 when total is 0. */
unsigned stats_ratio_bp(uint64_t ok, uint64_t total);

/*
 * Progress rate and time left from two observations (a at t0_ms, b at t1_ms)
 * towards target. rate is in milli-units per second; false when time did
 * not advance, progress went backwards or did not move, or the rate is below
 * one milli-unit per second or beyond 64 bits (no estimate). The ETA is in
 * whole seconds rounded up, 0 at or past target; false when the rate is 0 or
 * the ETA does not fit in 64 bits. Outputs are written only on success.
 */
bool stats_rate(uint64_t a, uint64_t t0_ms, uint64_t b, uint64_t t1_ms, uint64_t *milli_per_s);
bool stats_eta_s(uint64_t current, uint64_t target, uint64_t milli_per_s, uint64_t *seconds);

#endif
