/*
 * The dashboard's fleet evaluation on plain values: alert conditions,
 * hysteresis, lag and fork detection across nodes, recent heads, sorting.
 */
#include <stdlib.h>
#include <string.h>

#include "dashboard/fleet.h"
#include "tests/lib/test.h"

static struct fleet_node *mk(const char *name, uint64_t chain, uint64_t head, uint8_t hash_byte)
{
	struct fleet_node *n = calloc(1, sizeof(*n));
	struct fleet_head h = { .number = head, .time = 1000 + head * 2 };

	if (!n)
		abort();
	strcpy(n->name, name);
	n->conn = CONN_UP;
	n->has_chain_id = true;
	n->chain_id = chain;
	n->first_chain_id = chain;
	n->has_head = true;
	n->head_number = head;
	n->head_time = h.time;
	memset(n->head_hash, hash_byte, 32);
	memset(h.hash, hash_byte, 32);
	fleet_note_head(n, &h);
	return n;
}

static const struct fleet_rules rules = { .stall_s = 60, .min_peers = 2, .max_lag = 5 };

static void down_node_has_only_the_down_condition(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);

	n->conn = CONN_DOWN;
	n->forked = true;
	CHECK_INT(fleet_conditions(n, &rules, 0), 1u << ALERT_DOWN);
	free(n);
}

static void stall_needs_the_head_unchanged_longer_than_the_rule(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);

	n->head_changed_ms = 1000;
	CHECK_INT(fleet_conditions(n, &rules, 1000 + 60000), 0);
	CHECK_INT(fleet_conditions(n, &rules, 1000 + 60001), 1u << ALERT_STALLED);
	free(n);
}

static void low_peers_only_where_peers_are_offered(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);

	n->peers = 0;
	n->peers_cap = CAP_NO;
	CHECK_INT(fleet_conditions(n, &rules, 0), 0);
	n->peers_cap = CAP_YES;
	CHECK_INT(fleet_conditions(n, &rules, 0), 1u << ALERT_LOW_PEERS);
	n->peers = 2;
	CHECK_INT(fleet_conditions(n, &rules, 0), 0);
	free(n);
}

static void zero_thresholds_disable_their_alerts(void)
{
	struct fleet_rules off = { 0 };
	struct fleet_node *n = mk("a", 1, 10, 1);

	n->peers_cap = CAP_YES;
	n->head_changed_ms = 1;
	n->has_lag = true;
	n->lag_blocks = 1000;
	CHECK_INT(fleet_conditions(n, &off, 10000000), 0);
	free(n);
}

static void chain_condition_for_expected_mismatch_or_change(void)
{
	struct fleet_node *n = mk("a", 5, 10, 1);

	n->has_expected_chain_id = true;
	n->expected_chain_id = 5;
	CHECK_INT(fleet_conditions(n, &rules, 0), 0);
	n->expected_chain_id = 1;
	CHECK_INT(fleet_conditions(n, &rules, 0), 1u << ALERT_CHAIN);
	n->has_expected_chain_id = false;
	n->chain_changed = true;
	CHECK_INT(fleet_conditions(n, &rules, 0), 1u << ALERT_CHAIN);
	free(n);
}

static void hysteresis_raises_after_hold_and_clears_after_hold(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);
	unsigned up, down, lag = 1u << ALERT_LAG;

	fleet_debounce(n, lag, 0, 1000, 2000, &up, &down);
	CHECK_INT(up, 0);
	fleet_debounce(n, lag, 0, 2999, 2000, &up, &down);
	CHECK_INT(up, 0);
	fleet_debounce(n, lag, 0, 3000, 2000, &up, &down);
	CHECK_INT(up, lag);
	CHECK_INT(n->conditions, lag);
	fleet_debounce(n, 0, 0, 4000, 2000, &up, &down);
	CHECK_INT(down, 0);
	CHECK_INT(n->conditions, lag);
	fleet_debounce(n, 0, 0, 6000, 2000, &up, &down);
	CHECK_INT(down, lag);
	CHECK_INT(n->conditions, 0);
	free(n);
}

static void hysteresis_ignores_a_flapping_condition(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);
	unsigned up, down, lag = 1u << ALERT_LAG, total = 0;

	for (uint64_t t = 0; t < 20000; t += 500) {
		fleet_debounce(n, (t / 500) % 2 ? lag : 0, 0, t, 2000, &up, &down);
		total |= up;
	}
	CHECK_INT(total, 0);
	free(n);
}

static void down_changes_at_once_both_ways(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);
	unsigned up, down, bit = 1u << ALERT_DOWN;

	fleet_debounce(n, bit, 0, 5000, 2000, &up, &down);
	CHECK_INT(up, bit);
	fleet_debounce(n, 0, 0, 5001, 2000, &up, &down);
	CHECK_INT(down, bit);
	free(n);
}

static void lag_is_measured_against_the_best_head_of_the_same_chain(void)
{
	struct fleet_node *a = mk("a", 1, 100, 1), *b = mk("b", 1, 97, 1), *c = mk("c", 2, 5, 9);
	struct fleet_node *all[] = { a, b, c };
	size_t need_leader;
	uint64_t need_height;

	fleet_note_head(a, &(struct fleet_head){ .number = 97, .hash = { 1 } });
	memset(a->recent[a->recent_head - 1].hash, 1, 32);
	fleet_compare(all, 3, &need_leader, &need_height);
	CHECK(a->has_lag && a->lag_blocks == 0);
	CHECK(b->has_lag && b->lag_blocks == 3);
	CHECK_INT(b->lag_s, 6);
	CHECK(c->has_lag && c->lag_blocks == 0); /* alone on its chain */
	CHECK(!b->forked);
	free(a);
	free(b);
	free(c);
}

static void different_hash_at_the_same_height_is_a_fork(void)
{
	struct fleet_node *a = mk("leader", 1, 50, 0xaa), *b = mk("other", 1, 50, 0xbb);
	struct fleet_node *all[] = { a, b };
	size_t need_leader;
	uint64_t need_height;

	fleet_compare(all, 2, &need_leader, &need_height);
	CHECK(!a->forked);
	CHECK(b->forked);
	CHECK_INT(b->fork_height, 50);
	CHECK_STR(b->fork_with, "leader");
	free(a);
	free(b);
}

static void unknown_leader_hash_asks_for_that_height(void)
{
	struct fleet_node *a = mk("a", 1, 60, 1), *b = mk("b", 1, 40, 2);
	struct fleet_node *all[] = { a, b };
	size_t need_leader;
	uint64_t need_height;

	fleet_compare(all, 2, &need_leader, &need_height);
	CHECK_INT(need_leader, 0);
	CHECK_INT(need_height, 40);
	CHECK(!b->forked);
	/* Once the leader's hash at 40 is known and equal, no fork. */
	fleet_note_head(a, &(struct fleet_head){ .number = 40 });
	memset(a->recent[(a->recent_head + FLEET_RECENT - 1) % FLEET_RECENT].hash, 2, 32);
	fleet_compare(all, 2, &need_leader, &need_height);
	CHECK_INT(need_leader, SIZE_MAX);
	CHECK(!b->forked);
	free(a);
	free(b);
}

static void nodes_that_do_not_answer_take_no_part(void)
{
	struct fleet_node *a = mk("a", 1, 100, 1), *b = mk("b", 1, 90, 2);
	struct fleet_node *all[] = { a, b };
	size_t need_leader;
	uint64_t need_height;

	a->conn = CONN_DOWN;
	fleet_compare(all, 2, &need_leader, &need_height);
	CHECK(!a->has_lag);
	CHECK(b->has_lag && b->lag_blocks == 0);
	CHECK(!b->forked);
	free(a);
	free(b);
}

static void recent_heads_replace_by_height_and_wrap(void)
{
	struct fleet_node *n = calloc(1, sizeof(*n));
	uint8_t h[32];

	for (uint64_t i = 0; i < FLEET_RECENT + 5; i++) {
		struct fleet_head e = { .number = i };

		memset(e.hash, (int)i, 32);
		fleet_note_head(n, &e);
	}
	CHECK_INT(n->nrecent, FLEET_RECENT);
	CHECK(!fleet_hash_at(n, 4, h));
	CHECK(fleet_hash_at(n, 5, h) && h[0] == 5);
	fleet_note_head(n, &(struct fleet_head){ .number = 10, .hash = { 0x77 } });
	CHECK(fleet_hash_at(n, 10, h) && h[0] == 0x77);
	CHECK_INT(n->nrecent, FLEET_RECENT);
	free(n);
}

static void sort_puts_pinned_first_and_unknown_last(void)
{
	struct fleet_node *a = mk("a", 1, 5, 1), *b = mk("b", 1, 9, 1), *c = mk("c", 1, 7, 1), *d = mk("d", 1, 0, 1);
	const struct fleet_node *all[] = { a, b, c, d };
	size_t order[4];

	d->has_head = false;
	fleet_sort(all, 4, COL_HEAD, true, order);
	CHECK(order[0] == 1 && order[1] == 2 && order[2] == 0 && order[3] == 3);
	fleet_sort(all, 4, COL_HEAD, false, order);
	CHECK(order[0] == 0 && order[1] == 2 && order[2] == 1 && order[3] == 3);
	c->pinned = true;
	fleet_sort(all, 4, COL_HEAD, true, order);
	CHECK(order[0] == 2 && order[1] == 1);
	fleet_sort(all, 4, COL_NAME, true, order);
	CHECK(order[0] == 2 && order[1] == 3 && order[2] == 1 && order[3] == 0);
	free(a);
	free(b);
	free(c);
	free(d);
}

static void sort_is_stable_on_ties(void)
{
	struct fleet_node *a = mk("a", 1, 5, 1), *b = mk("b", 1, 5, 1), *c = mk("c", 1, 5, 1);
	const struct fleet_node *all[] = { a, b, c };
	size_t order[3];

	fleet_sort(all, 3, COL_HEAD, true, order);
	CHECK(order[0] == 0 && order[1] == 1 && order[2] == 2);
	free(a);
	free(b);
	free(c);
}

static void alert_texts_name_node_and_figures(void)
{
	struct fleet_node *n = mk("node-7", 1, 42, 1);
	char buf[200];

	n->lag_blocks = 12;
	n->has_lag_s = true;
	n->lag_s = 24;
	fleet_describe(n, ALERT_LAG, false, &rules, buf, sizeof(buf));
	CHECK_STR(buf, "node-7: 12 blocks behind (24s)");
	fleet_describe(n, ALERT_LAG, true, &rules, buf, sizeof(buf));
	CHECK_STR(buf, "node-7: lag cleared");
	n->peers = 1;
	fleet_describe(n, ALERT_LOW_PEERS, false, &rules, buf, sizeof(buf));
	CHECK_STR(buf, "node-7: 1 peers (minimum 2)");
	free(n);
}

/* A node that stops answering keeps its lag and stalled alerts: they cannot be observed to have cleared. */
static void down_does_not_clear_what_it_cannot_measure(void)
{
	struct fleet_node *n = mk("a", 1, 10, 1);
	unsigned up, down, want = (1u << ALERT_STALLED) | (1u << ALERT_LAG);

	n->conditions = want;
	n->conn = CONN_DOWN;
	for (uint64_t t = 1000; t <= 20000; t += 500) {
		fleet_debounce(n, fleet_conditions(n, &rules, t), fleet_unknown(n), t, 2000, &up, &down);
		CHECK_INT(down, 0);
	}
	CHECK_INT(n->conditions, want | (1u << ALERT_DOWN));
	/* Back, and observed fine: now they clear, after the hold. */
	n->conn = CONN_UP;
	n->has_lag = true;
	n->lag_blocks = 0;
	n->head_changed_ms = 20000;
	fleet_debounce(n, fleet_conditions(n, &rules, 20500), fleet_unknown(n), 20500, 2000, &up, &down);
	CHECK_INT(down, 1u << ALERT_DOWN);
	fleet_debounce(n, fleet_conditions(n, &rules, 22500), fleet_unknown(n), 22500, 2000, &up, &down);
	CHECK_INT(down, want);
	free(n);
}

/* The leader stops answering: the next-best head is not the chain's best, so lag within bounds proves nothing. */
static void a_silent_leader_leaves_lag_unknown(void)
{
	struct fleet_node *a = mk("a", 1, 100, 1), *b = mk("b", 1, 90, 1), *c = mk("c", 1, 89, 1);
	struct fleet_node *all[] = { a, b, c };
	size_t need_leader;
	uint64_t need_height;
	unsigned up, down;

	c->conditions = 1u << ALERT_LAG;
	a->conn = CONN_DOWN;
	fleet_compare(all, 3, &need_leader, &need_height);
	CHECK(c->has_lag && c->lag_blocks == 1 && c->lag_uncertain);
	CHECK(fleet_unknown(c) & (1u << ALERT_LAG));
	for (uint64_t t = 0; t <= 10000; t += 500) {
		fleet_debounce(c, fleet_conditions(c, &rules, t), fleet_unknown(c), t, 2000, &up, &down);
		CHECK_INT(down, 0);
	}
	/* c passes a's last head: observed caught up with every head known, the alert may clear. */
	c->head_number = 101;
	fleet_compare(all, 3, &need_leader, &need_height);
	CHECK(!c->lag_uncertain);
	CHECK_INT(fleet_unknown(c) & (1u << ALERT_LAG), 0);
	free(a);
	free(b);
	free(c);
}

static void genesis_and_future_timestamps_are_said_so(void)
{
	struct fleet_node *a = mk("a", 1, 100, 1), *b = mk("b", 1, 0, 1);
	struct fleet_node *all[] = { a, b };
	size_t need_leader;
	uint64_t need_height;
	char buf[96];

	a->head_time = 1796289126;
	b->head_time = 0;
	fleet_compare(all, 2, &need_leader, &need_height);
	CHECK(b->has_lag && b->lag_blocks == 100 && !b->has_lag_s);
	fleet_describe(b, ALERT_LAG, false, &rules, buf, sizeof(buf));
	CHECK_STR(buf, "b: 100 blocks behind (time unknown: genesis or out-of-order timestamps)");
	CHECK_STR(fleet_head_age(buf, sizeof(buf), 0, 1796289126, false), "genesis");
	CHECK_STR(fleet_head_age(buf, sizeof(buf), 1000 + 75, 1000, false), "+1m 15s");
	CHECK_STR(fleet_head_age(buf, sizeof(buf), 1000 + 75, 1000, true), "+1m 15s in the future");
	CHECK_STR(fleet_head_age(buf, sizeof(buf), 1000, 1000 + 740, true), "12m 20s ago");
	free(a);
	free(b);
}

/* The split is the first height whose hashes differ, found by bisection, not the height it was noticed at. */
static void fork_split_found_by_bisection(void)
{
	static const uint64_t splits[] = { 1, 37, 500, 998, 999 };

	for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
		struct fleet_node *a = mk("leader", 1, 999, 0xaa), *b = mk("other", 1, 999, 0xbb);
		struct fleet_node *all[] = { a, b };
		size_t need_leader;
		uint64_t need_height;
		unsigned steps = 0;

		fleet_compare(all, 2, &need_leader, &need_height);
		CHECK(b->forked && b->fork_state == FORK_SEARCHING && b->fork_noticed == 999);
		while (b->fork_state == FORK_SEARCHING && steps++ < 100)
			fleet_fork_step(b, fleet_fork_probe(b) >= splits[s]); /* the chains differ from the split on */
		CHECK_INT(b->fork_state, FORK_FOUND);
		CHECK_INT(b->fork_height, splits[s]);
		CHECK(steps <= 10); /* log2(1000) */
		free(a);
		free(b);
	}
}

/* A raised fork alert stays while a new search (another leader) looks for the split: it is still a fork. */
static void a_fork_being_located_is_not_cleared(void)
{
	struct fleet_node *n = mk("b", 1, 50, 0xbb);
	unsigned up, down;

	n->conditions = 1u << ALERT_FORK;
	n->forked = true;
	n->fork_state = FORK_SEARCHING;
	for (uint64_t t = 0; t <= 10000; t += 500) {
		fleet_debounce(n, fleet_conditions(n, &rules, t), fleet_unknown(n), t, 2000, &up, &down);
		CHECK_INT(down, 0);
	}
	free(n);
}

/* 5 blocks a second, then an outage, then 5 a second again: the rate is 5.0, not averaged over the outage. */
static void sync_rate_starts_over_after_a_restart(void)
{
	struct fleet_sync_window w = { 0 };
	uint64_t rate = 0;

	for (uint64_t t = 0; t <= 4; t++)
		fleet_sync_sample(&w, t * 1000, 0, 100 + t * 5, &rate);
	CHECK_INT(rate, 5000);
	/* Down for 60 s; restarted, it resumes from a lower block (unsaved progress) with another start. */
	fleet_sync_reset(&w);
	CHECK(!fleet_sync_sample(&w, 64000, 110, 110, &rate));
	CHECK(fleet_sync_sample(&w, 65000, 110, 115, &rate));
	CHECK_INT(rate, 5000);
	/* Without the reset, a start that changed or a block that went back starts a new window too. */
	fleet_sync_sample(&w, 66000, 110, 120, &rate);
	CHECK(!fleet_sync_sample(&w, 67000, 110, 50, &rate));
	CHECK(fleet_sync_sample(&w, 68000, 110, 55, &rate));
	CHECK_INT(rate, 5000);
}

static const struct test_case cases[] = {
	{ "down_node_has_only_the_down_condition", down_node_has_only_the_down_condition },
	{ "stall_needs_the_head_unchanged_longer_than_the_rule", stall_needs_the_head_unchanged_longer_than_the_rule },
	{ "low_peers_only_where_peers_are_offered", low_peers_only_where_peers_are_offered },
	{ "zero_thresholds_disable_their_alerts", zero_thresholds_disable_their_alerts },
	{ "chain_condition_for_expected_mismatch_or_change", chain_condition_for_expected_mismatch_or_change },
	{ "hysteresis_raises_after_hold_and_clears_after_hold", hysteresis_raises_after_hold_and_clears_after_hold },
	{ "hysteresis_ignores_a_flapping_condition", hysteresis_ignores_a_flapping_condition },
	{ "down_changes_at_once_both_ways", down_changes_at_once_both_ways },
	{ "lag_is_measured_against_the_best_head_of_the_same_chain",
	  lag_is_measured_against_the_best_head_of_the_same_chain },
	{ "different_hash_at_the_same_height_is_a_fork", different_hash_at_the_same_height_is_a_fork },
	{ "unknown_leader_hash_asks_for_that_height", unknown_leader_hash_asks_for_that_height },
	{ "nodes_that_do_not_answer_take_no_part", nodes_that_do_not_answer_take_no_part },
	{ "recent_heads_replace_by_height_and_wrap", recent_heads_replace_by_height_and_wrap },
	{ "sort_puts_pinned_first_and_unknown_last", sort_puts_pinned_first_and_unknown_last },
	{ "sort_is_stable_on_ties", sort_is_stable_on_ties },
	{ "alert_texts_name_node_and_figures", alert_texts_name_node_and_figures },
	{ "down_does_not_clear_what_it_cannot_measure", down_does_not_clear_what_it_cannot_measure },
	{ "a_silent_leader_leaves_lag_unknown", a_silent_leader_leaves_lag_unknown },
	{ "genesis_and_future_timestamps_are_said_so", genesis_and_future_timestamps_are_said_so },
	{ "fork_split_found_by_bisection", fork_split_found_by_bisection },
	{ "a_fork_being_located_is_not_cleared", a_fork_being_located_is_not_cleared },
	{ "sync_rate_starts_over_after_a_restart", sync_rate_starts_over_after_a_restart },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
