/*
 * stats: rings, nearest-rank percentiles, ratios, rates and ETAs, including
 * wraparound and values near 2^64.
 */
#include "common/stats.h"
#include "tests/lib/test.h"

#include <string.h>

/* A ring is large; keep it off the stack and reset it per case. */
static struct stats_ring ring;

static struct stats_ring *fresh_ring(void)
{
	memset(&ring, 0, sizeof(ring));
	return &ring;
}

static void ring_get_returns_newest_first(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v = 99;

	stats_ring_push(r, 10);
	stats_ring_push(r, 20);
	stats_ring_push(r, 30);
	CHECK(stats_ring_get(r, 0, &v));
	CHECK_INT(v, 30);
	CHECK(stats_ring_get(r, 1, &v));
	CHECK_INT(v, 20);
	CHECK(stats_ring_get(r, 2, &v));
	CHECK_INT(v, 10);
}

static void ring_get_past_count_is_false(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v = 7;

	CHECK(!stats_ring_get(r, 0, &v));
	stats_ring_push(r, 1);
	CHECK(!stats_ring_get(r, 1, &v));
	CHECK(!stats_ring_get(r, STATS_RING_CAP, &v));
	CHECK_INT(v, 7);
}

static void ring_wraps_keeping_the_newest_cap_samples(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	for (uint64_t i = 1; i <= STATS_RING_CAP + 250; i++)
		stats_ring_push(r, i);
	CHECK_INT(r->count, STATS_RING_CAP);
	for (size_t i = 0; i < STATS_RING_CAP; i++) {
		CHECK(stats_ring_get(r, i, &v));
		CHECK_MSG(v == STATS_RING_CAP + 250 - i, "get(%zu) == %llu", i, (unsigned long long)v);
	}
	CHECK(!stats_ring_get(r, STATS_RING_CAP, &v));
}

static void ring_wraps_exactly_at_cap(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	for (uint64_t i = 0; i < STATS_RING_CAP; i++)
		stats_ring_push(r, i);
	CHECK(stats_ring_get(r, STATS_RING_CAP - 1, &v));
	CHECK_INT(v, 0);
	stats_ring_push(r, 1000);
	CHECK(stats_ring_get(r, 0, &v));
	CHECK_INT(v, 1000);
	CHECK(stats_ring_get(r, STATS_RING_CAP - 1, &v));
	CHECK_INT(v, 1);
}

static void percentile_of_empty_ring_is_false(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v = 5;

	CHECK(!stats_ring_percentile(r, 50, &v));
	CHECK(!stats_ring_percentile(r, 0, &v));
	CHECK_INT(v, 5);
}

static void percentile_nearest_rank_on_1_to_100(void)
{
	static const struct {
		unsigned pct;
		uint64_t want;
	} c[] = {
		{ 0, 1 }, { 1, 1 }, { 2, 2 }, { 50, 50 }, { 90, 90 }, { 99, 99 }, { 100, 100 }, { 150, 100 },
	};
	struct stats_ring *r = fresh_ring();

	/* Pushed out of order: the percentile sorts. */
	for (uint64_t i = 0; i < 100; i++)
		stats_ring_push(r, (i * 37) % 100 + 1);
	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		uint64_t v = 0;

		CHECK(stats_ring_percentile(r, c[i].pct, &v));
		CHECK_MSG(v == c[i].want, "p%u == %llu, expected %llu", c[i].pct, (unsigned long long)v,
		          (unsigned long long)c[i].want);
	}
}

static void percentile_rounds_the_rank_up(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	/* 3 samples: p50 → rank ceil(1.5) = 2; p34 → ceil(1.02) = 2; p33 → ceil(0.99) = 1. */
	stats_ring_push(r, 30);
	stats_ring_push(r, 10);
	stats_ring_push(r, 20);
	CHECK(stats_ring_percentile(r, 50, &v));
	CHECK_INT(v, 20);
	CHECK(stats_ring_percentile(r, 34, &v));
	CHECK_INT(v, 20);
	CHECK(stats_ring_percentile(r, 33, &v));
	CHECK_INT(v, 10);
	CHECK(stats_ring_percentile(r, 67, &v));
	CHECK_INT(v, 30);
}

static void percentile_of_a_single_sample_is_that_sample(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	stats_ring_push(r, 42);
	for (unsigned p = 0; p <= 100; p += 25) {
		CHECK(stats_ring_percentile(r, p, &v));
		CHECK_INT(v, 42);
	}
}

static void percentile_after_wraparound_sees_only_the_last_cap(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	/* 1000 huge samples, then 600 samples 1..600 overwrite all of them. */
	for (int i = 0; i < 1000; i++)
		stats_ring_push(r, UINT64_MAX);
	for (uint64_t i = 1; i <= STATS_RING_CAP; i++)
		stats_ring_push(r, i);
	CHECK(stats_ring_percentile(r, 100, &v));
	CHECK_INT(v, 600);
	CHECK(stats_ring_percentile(r, 50, &v));
	CHECK_INT(v, 300);
	CHECK(stats_ring_percentile(r, 99, &v));
	CHECK_INT(v, 594);
	CHECK(stats_ring_percentile(r, 0, &v));
	CHECK_INT(v, 1);
}

static void percentile_handles_extreme_values(void)
{
	struct stats_ring *r = fresh_ring();
	uint64_t v;

	stats_ring_push(r, UINT64_MAX);
	stats_ring_push(r, 0);
	CHECK(stats_ring_percentile(r, 100, &v));
	CHECK(v == UINT64_MAX);
	CHECK(stats_ring_percentile(r, 50, &v));
	CHECK_INT(v, 0);
}

static void ratio_bp_known_values(void)
{
	static const struct {
		uint64_t ok, total;
		unsigned want;
	} c[] = {
		{ 0, 0, 0 },
		{ 5, 0, 0 },
		{ 0, 10, 0 },
		{ 1, 3, 3333 },
		{ 2, 3, 6666 },
		{ 10, 10, 10000 },
		{ 1, 10000, 1 },
		{ 1, 10001, 0 },
		{ 11, 10, 10000 },
		{ UINT64_MAX, 1, 10000 },
		{ UINT64_MAX, UINT64_MAX, 10000 },
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		unsigned got = stats_ratio_bp(c[i].ok, c[i].total);

		CHECK_MSG(got == c[i].want, "ratio(%llu, %llu) == %u, expected %u", (unsigned long long)c[i].ok,
		          (unsigned long long)c[i].total, got, c[i].want);
	}
}

static void ratio_bp_of_huge_counts_stays_within_one_bp(void)
{
	/* Past UINT64_MAX / 10000 the ratio is estimated; it must stay in range and near the truth. */
	unsigned half = stats_ratio_bp(UINT64_MAX / 2, UINT64_MAX);
	unsigned third = stats_ratio_bp(UINT64_MAX / 3, UINT64_MAX);

	CHECK_MSG(half >= 4999 && half <= 5000, "half == %u", half);
	CHECK_MSG(third >= 3333 && third <= 3334, "third == %u", third);
	CHECK(stats_ratio_bp(UINT64_MAX - 1, UINT64_MAX) <= 10000);
}

static void rate_is_milli_units_per_second(void)
{
	static const struct {
		uint64_t a, t0, b, t1, want;
	} c[] = {
		{ 100, 0, 110, 2000, 5000 },           /* 10 blocks in 2 s */
		{ 0, 1000, 1, 2000, 1000 },            /* 1 per second */
		{ 0, 0, 1, 3000, 333 },                /* rounds down */
		{ 0, 5, 1000, 6, 1000000000 },         /* 1000 in 1 ms */
		{ 7, 1000000000000ull, 8, 1000000001000ull, 1000 }, /* late timestamps */
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		uint64_t rate = 0;

		CHECK_MSG(stats_rate(c[i].a, c[i].t0, c[i].b, c[i].t1, &rate), "case %zu: no estimate", i);
		CHECK_MSG(rate == c[i].want, "case %zu: rate %llu, expected %llu", i, (unsigned long long)rate,
		          (unsigned long long)c[i].want);
	}
}

static void rate_without_progress_or_time_is_false(void)
{
	uint64_t rate = 77;

	CHECK(!stats_rate(10, 0, 10, 1000, &rate));   /* no progress */
	CHECK(!stats_rate(10, 0, 9, 1000, &rate));    /* backwards (reorg) */
	CHECK(!stats_rate(10, 1000, 20, 1000, &rate)); /* zero dt */
	CHECK(!stats_rate(10, 2000, 20, 1000, &rate)); /* time went backwards */
	CHECK_INT(rate, 77);
}

static void rate_of_huge_values_does_not_overflow(void)
{
	uint64_t rate = 0;

	/* 1e15 units over 1000 s = 1e12 units/s = 1e15 milli/s: fits, must be exact. */
	CHECK(stats_rate(0, 0, 1000000000000000ull, 1000000, &rate));
	CHECK(rate == 1000000000000000ull);
	/* The whole u64 range in one day. */
	CHECK(stats_rate(0, 0, UINT64_MAX, 86400000, &rate));
	CHECK(rate == UINT64_MAX / 86400000 * 1000000 + (UINT64_MAX % 86400000) * 1000000 / 86400000);
	/* Too fast to express in milli-units per second: no estimate, not a wrapped number. */
	CHECK(!stats_rate(0, 0, UINT64_MAX, 1, &rate));
	/* Huge span of time: still no overflow, and close to the true 499999.99... */
	CHECK(stats_rate(0, 0, UINT64_MAX / 2, UINT64_MAX, &rate));
	CHECK_MSG(rate >= 499999 && rate <= 500000, "rate == %llu", (unsigned long long)rate);
	/* Slower than one milli-unit per second: no usable estimate. */
	CHECK(!stats_rate(0, 0, 1, 1000001, &rate));
}

static void eta_rounds_up_to_whole_seconds(void)
{
	static const struct {
		uint64_t cur, target, rate, want;
	} c[] = {
		{ 100, 110, 5000, 2 },     /* 10 left at 5/s */
		{ 100, 111, 5000, 3 },     /* 2.2 s → 3 */
		{ 0, 1, 1000, 1 },
		{ 0, 1, 3000, 1 },         /* 0.33 s → 1 */
		{ 0, 1, 1, 1000 },         /* 1 milli-unit per second */
		{ 50, 50, 1000, 0 },       /* already there */
		{ 60, 50, 1000, 0 },       /* past the target */
	};

	for (size_t i = 0; i < TEST_COUNT(c); i++) {
		uint64_t s = 99;

		CHECK_MSG(stats_eta_s(c[i].cur, c[i].target, c[i].rate, &s), "case %zu: no estimate", i);
		CHECK_MSG(s == c[i].want, "case %zu: eta %llu, expected %llu", i, (unsigned long long)s,
		          (unsigned long long)c[i].want);
	}
}

static void eta_without_a_rate_is_false(void)
{
	uint64_t s = 5;

	CHECK(!stats_eta_s(0, 100, 0, &s));
	CHECK_INT(s, 5);
}

static void eta_of_huge_values_does_not_overflow(void)
{
	uint64_t s = 0;

	/* 1e18 left at 1e18 milli/s = 1e15 per second: 1000 s. */
	CHECK(stats_eta_s(0, 1000000000000000000ull, 1000000000000000000ull, &s));
	CHECK_INT(s, 1000);
	/* The whole range at the fastest rate: ceil(UINT64_MAX * 1000 / UINT64_MAX) = 1000. */
	CHECK(stats_eta_s(0, UINT64_MAX, UINT64_MAX, &s));
	CHECK_INT(s, 1000);
	/* The whole range at 1000 milli/s: exactly UINT64_MAX seconds. */
	CHECK(stats_eta_s(0, UINT64_MAX, 1000, &s));
	CHECK(s == UINT64_MAX);
	/* More seconds than a u64 holds: no estimate rather than a wrapped one. */
	CHECK(!stats_eta_s(0, UINT64_MAX, 1, &s));
}

static void rate_and_eta_compose(void)
{
	uint64_t rate, s;

	/* Synced 1200 blocks in a minute; 36000 to go → 30 minutes. */
	CHECK(stats_rate(1000, 60000, 2200, 120000, &rate));
	CHECK_INT(rate, 20000);
	CHECK(stats_eta_s(2200, 38200, rate, &s));
	CHECK_INT(s, 1800);
}

static const struct test_case cases[] = {
	{ "ring_get_returns_newest_first", ring_get_returns_newest_first },
	{ "ring_get_past_count_is_false", ring_get_past_count_is_false },
	{ "ring_wraps_keeping_the_newest_cap_samples", ring_wraps_keeping_the_newest_cap_samples },
	{ "ring_wraps_exactly_at_cap", ring_wraps_exactly_at_cap },
	{ "percentile_of_empty_ring_is_false", percentile_of_empty_ring_is_false },
	{ "percentile_nearest_rank_on_1_to_100", percentile_nearest_rank_on_1_to_100 },
	{ "percentile_rounds_the_rank_up", percentile_rounds_the_rank_up },
	{ "percentile_of_a_single_sample_is_that_sample", percentile_of_a_single_sample_is_that_sample },
	{ "percentile_after_wraparound_sees_only_the_last_cap", percentile_after_wraparound_sees_only_the_last_cap },
	{ "percentile_handles_extreme_values", percentile_handles_extreme_values },
	{ "ratio_bp_known_values", ratio_bp_known_values },
	{ "ratio_bp_of_huge_counts_stays_within_one_bp", ratio_bp_of_huge_counts_stays_within_one_bp },
	{ "rate_is_milli_units_per_second", rate_is_milli_units_per_second },
	{ "rate_without_progress_or_time_is_false", rate_without_progress_or_time_is_false },
	{ "rate_of_huge_values_does_not_overflow", rate_of_huge_values_does_not_overflow },
	{ "eta_rounds_up_to_whole_seconds", eta_rounds_up_to_whole_seconds },
	{ "eta_without_a_rate_is_false", eta_without_a_rate_is_false },
	{ "eta_of_huge_values_does_not_overflow", eta_of_huge_values_does_not_overflow },
	{ "rate_and_eta_compose", rate_and_eta_compose },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
