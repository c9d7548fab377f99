/*
 * Address history against a real anvil holding a known history. Started by
 * tests/integration/history.sh, which sets:
 *   ANVIL_URL          the node
 *   HISTORY_ADDRESS    the address under test
 *   HISTORY_EXPECTED   its history, newest first, one entry a line:
 *                      kind hash block txindex logindex value token status
 *   HISTORY_TOKEN      the ERC-20 contract
 *   HISTORY_HEAD       the head block once the history was built (hex)
 *   LIAR_URL           a fake node: no ots_*, a malformed trace_filter answer; on
 *                      LIAR_URL/liar an ots answer with receipts missing; on
 *                      LIAR_URL/misplaced a trace hit whose receipt is another transaction's
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "common/history.h"
#include "tests/lib/test.h"
#include "tests/lib/nodeclient.h"

enum { MAX_ENTRIES = 64 };

static struct loop *L;
static struct rpc_client *C;
static uint8_t target[ETH_ADDR_LEN];
static uint64_t head;
static struct history_entry expected[MAX_ENTRIES];
static size_t nexpected;

/* What one page (or a walk of pages) produced. */
struct run {
	struct history *h;
	struct history_entry e[MAX_ENTRIES * 2];
	size_t n;
	int entries_calls, progress_calls, done_calls;
	uint64_t last_done, last_total;
	enum history_method progress_method;
	struct history_result r;
	char message[256];
	int cancel_in;              /* 1: cancel in on_entries; 2: cancel in on_progress */
	size_t biggest_page;
	bool split_block;           /* a page boundary fell inside a block */
	uint64_t prev_lowest;       /* lowest block of the previous page */
};

static void on_entries(void *ud, const struct history_entry *e, size_t n)
{
	struct run *r = ud;

	r->entries_calls++;
	if (n > r->biggest_page)
		r->biggest_page = n;
	if (r->n && n && e[0].block_number == r->prev_lowest)
		r->split_block = true;
	for (size_t i = 0; i < n && r->n < TEST_COUNT(r->e); i++)
		r->e[r->n++] = e[i];
	if (n)
		r->prev_lowest = e[n - 1].block_number;
	if (r->cancel_in == 1) {
		history_cancel(r->h);
		r->h = NULL;
	}
}

static void on_progress(void *ud, enum history_method m, uint64_t done, uint64_t total)
{
	struct run *r = ud;

	r->progress_calls++;
	r->progress_method = m;
	r->last_done = done;
	r->last_total = total;
	if (r->cancel_in == 2) {
		history_cancel(r->h);
		r->h = NULL;
	}
}

static void on_done(void *ud, const struct history_result *res)
{
	struct run *r = ud;

	r->done_calls++;
	r->r = *res;
	snprintf(r->message, sizeof(r->message), "%s", res->message);
	r->r.message = r->message;
	history_free(r->h);
	r->h = NULL;
}

static struct history_opts opts(struct run *r, enum history_method m, size_t page, uint64_t before)
{
	struct history_opts o = {
		.before_block = before, .page_size = page, .method = m,
		.on_entries = on_entries, .on_progress = on_progress, .on_done = on_done, .ud = r
	};

	memcpy(o.address, target, ETH_ADDR_LEN);
	return o;
}

/* One page; true when on_done ran. */
static bool page(struct run *r, const struct history_opts *o)
{
	int before = r->done_calls;

	r->h = history_start(C, o);
	if (!r->h)
		return false;
	test_run_until(L, &r->done_calls, before + 1, 20000);
	return r->done_calls == before + 1;
}

/* Walks every page of a method with the given page size. */
static void walk(struct run *r, enum history_method m, size_t page_size, int *pages)
{
	struct history_opts o = opts(r, m, page_size, 0);

	*pages = 0;
	for (;;) {
		if (!page(r, &o)) {
			test_fail(__FILE__, __LINE__, "%s page %d did not finish", history_method_name(m), *pages);
			return;
		}
		++*pages;
		if (r->r.status != HISTORY_OK) {
			test_fail(__FILE__, __LINE__, "%s page %d: status %d: %s", history_method_name(m), *pages,
			          r->r.status, r->message);
			return;
		}
		if (!r->r.more || *pages > 100)
			return;
		o.before_block = r->r.next_before;
	}
}

static const char *kind_name(enum history_kind k)
{
	static const char *const names[] = { "tx_out", "tx_in", "tx_internal", "token_out", "token_in" };

	return (unsigned)k < TEST_COUNT(names) ? names[k] : "?";
}

static void check_expected(const struct run *r, const char *what)
{
	CHECK_MSG(r->n == nexpected, "%s: %zu entries, expected %zu", what, r->n, nexpected);
	for (size_t i = 0; i < r->n && i < nexpected; i++) {
		const struct history_entry *a = &r->e[i], *x = &expected[i];
		char ah[80], xh[80];

		hex_encode(ah, sizeof(ah), a->tx_hash, ETH_HASH_LEN, 1);
		hex_encode(xh, sizeof(xh), x->tx_hash, ETH_HASH_LEN, 1);
		CHECK_MSG(strcmp(ah, xh) == 0, "%s: [%zu] tx %s, expected %s", what, i, ah, xh);
		CHECK_MSG(a->kind == x->kind, "%s: [%zu] %s, expected %s", what, i, kind_name(a->kind), kind_name(x->kind));
		CHECK_MSG(a->block_number == x->block_number && a->tx_index == x->tx_index,
		          "%s: [%zu] at %" PRIu64 ".%" PRIu64 ", expected %" PRIu64 ".%" PRIu64, what, i,
		          a->block_number, a->tx_index, x->block_number, x->tx_index);
		CHECK_MSG(u256_cmp(a->value, x->value) == 0, "%s: [%zu] value differs", what, i);
		CHECK_MSG(a->has_status && a->status == x->status, "%s: [%zu] status %d/%d, expected %d", what, i,
		          a->has_status, a->status, x->status);
		CHECK_MSG(a->timestamp > 0, "%s: [%zu] no timestamp", what, i);
		if (x->kind == HISTORY_TOKEN_IN || x->kind == HISTORY_TOKEN_OUT) {
			CHECK_MSG(memcmp(a->token, x->token, ETH_ADDR_LEN) == 0, "%s: [%zu] token contract", what, i);
			CHECK_MSG(a->log_index == x->log_index, "%s: [%zu] log index", what, i);
			CHECK_MSG(memcmp(x->kind == HISTORY_TOKEN_IN ? a->to : a->from, target, ETH_ADDR_LEN) == 0,
			          "%s: [%zu] the address is not the transfer's %s", what, i,
			          x->kind == HISTORY_TOKEN_IN ? "recipient" : "sender");
		} else {
			CHECK_MSG(memcmp(x->kind == HISTORY_TX_IN ? a->to : a->from, target, ETH_ADDR_LEN) == 0,
			          "%s: [%zu] the address is not the transaction's %s", what, i,
			          x->kind == HISTORY_TX_IN ? "recipient" : "sender");
		}
	}
}

/* The same entries, field for field (timestamps and selectors included). */
static void check_same(const struct run *a, const struct run *b, const char *what)
{
	CHECK_MSG(a->n == b->n, "%s: %zu entries against %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n && i < b->n; i++)
		CHECK_MSG(memcmp(&a->e[i], &b->e[i], sizeof(a->e[i])) == 0, "%s: entry %zu differs", what, i);
}

static void full_history(struct run *r, enum history_method m)
{
	struct history_opts o = opts(r, m, 1000, 0);

	memset(r, 0, sizeof(*r));
	CHECK(page(r, &o));
	CHECK_MSG(r->r.status == HISTORY_OK, "%s: status %d: %s", history_method_name(m), r->r.status, r->message);
	CHECK_INT(r->r.method, m);
	CHECK(!r->r.more);
	CHECK_INT(r->r.head, head);
}

/* ---- cases -------------------------------------------------------------------------------------- */

static void ots_lists_exactly_the_expected_entries_newest_first(void)
{
	static struct run r;

	full_history(&r, HISTORY_OTS);
	CHECK_INT(r.entries_calls, 1);
	check_expected(&r, "ots");
}

static void scan_agrees_with_ots(void)
{
	static struct run ots, scan;

	full_history(&ots, HISTORY_OTS);
	full_history(&scan, HISTORY_SCAN);
	check_expected(&scan, "scan");
	check_same(&scan, &ots, "scan vs ots");
}

static void trace_agrees_with_ots(void)
{
	static struct run ots, trace;

	full_history(&ots, HISTORY_OTS);
	full_history(&trace, HISTORY_TRACE);
	check_expected(&trace, "trace");
	check_same(&trace, &ots, "trace vs ots");
}

static void auto_picks_ots_and_remembers_it(void)
{
	static struct run r;
	struct history_caps caps = { 0 };
	struct history_opts o = opts(&r, HISTORY_AUTO, 1000, 0);

	o.caps = &caps;
	CHECK(page(&r, &o));
	CHECK_INT(r.r.status, HISTORY_OK);
	CHECK_INT(r.r.method, HISTORY_OTS);
	CHECK_INT(caps.ots, HISTORY_SUPPORT_YES);
	check_expected(&r, "auto");
}

static void auto_falls_back_to_scan_when_told_the_rest_is_missing(void)
{
	static struct run r;
	struct history_caps caps = { .ots = HISTORY_SUPPORT_NO, .trace = HISTORY_SUPPORT_NO };
	struct history_opts o = opts(&r, HISTORY_AUTO, 1000, 0);

	o.caps = &caps;
	CHECK(page(&r, &o));
	CHECK_INT(r.r.status, HISTORY_OK);
	CHECK_INT(r.r.method, HISTORY_SCAN);
	check_expected(&r, "auto without ots and trace");
}

static void token_transfers_carry_contract_and_amount(void)
{
	static struct run r;
	uint8_t token[ETH_ADDR_LEN];
	const char *t = getenv("HISTORY_TOKEN");
	int in = 0, out = 0;

	full_history(&r, HISTORY_OTS);
	CHECK(t && hex_decode_exact(token, ETH_ADDR_LEN, t, strlen(t)) == CD_OK);
	for (size_t i = 0; i < r.n; i++) {
		const struct history_entry *e = &r.e[i];
		uint64_t amount = 0;

		if (e->kind != HISTORY_TOKEN_IN && e->kind != HISTORY_TOKEN_OUT)
			continue;
		CHECK(memcmp(e->token, token, ETH_ADDR_LEN) == 0);
		CHECK(u256_to_u64(e->value, &amount) == CD_OK);
		if (e->kind == HISTORY_TOKEN_IN) {
			in++;
			CHECK_MSG(amount == 1000 || amount == 5, "token in of %" PRIu64, amount);
		} else {
			out++;
			CHECK_MSG(amount == 300 || amount == 11, "token out of %" PRIu64, amount);
		}
	}
	CHECK_INT(in, 2);
	CHECK_INT(out, 2);
}

static void reverted_call_has_status_zero_and_selector(void)
{
	static struct run r;
	int found = 0;

	full_history(&r, HISTORY_SCAN);
	for (size_t i = 0; i < r.n; i++) {
		const struct history_entry *e = &r.e[i];

		if (e->has_selector && memcmp(e->selector, "\xe7\xcb\x52\x32", 4) == 0) {
			found++;
			CHECK(e->has_status && e->status == 0);
			CHECK_INT(e->kind, HISTORY_TX_OUT);
		} else if (e->has_selector) {
			CHECK(memcmp(e->selector, "\xa9\x05\x9c\xbb", 4) == 0); /* transfer(address,uint256) */
		}
	}
	CHECK_INT(found, 1);
}

static void paging_by_two_walks_everything_for_every_method(void)
{
	static const enum history_method methods[] = { HISTORY_OTS, HISTORY_TRACE, HISTORY_SCAN };

	for (size_t k = 0; k < TEST_COUNT(methods); k++) {
		static struct run r;
		int pages = 0;

		memset(&r, 0, sizeof(r));
		walk(&r, methods[k], 2, &pages);
		check_expected(&r, history_method_name(methods[k]));
		CHECK_MSG(pages >= 4, "%s: %d pages", history_method_name(methods[k]), pages);
		CHECK_MSG(!r.split_block, "%s: a page boundary fell inside a block", history_method_name(methods[k]));
		/* a page ends at the first block boundary at or past 2 entries: at most one entry short, then
		 * the busiest block (4 entries) */
		CHECK_MSG(r.biggest_page <= 5, "%s: a page of %zu", history_method_name(methods[k]), r.biggest_page);
	}
}

static void scan_progress_reaches_the_total(void)
{
	static struct run r;

	full_history(&r, HISTORY_SCAN);
	CHECK(r.progress_calls > 1);
	CHECK_INT(r.progress_method, HISTORY_SCAN);
	CHECK_INT(r.last_total, head + 1);
	CHECK_INT(r.last_done, r.last_total);
}

static void scan_limit_bounds_a_page_and_says_more(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_SCAN, 1000, 0);

	o.scan_limit = 50;
	CHECK(page(&r, &o));
	CHECK_INT(r.r.status, HISTORY_OK);
	CHECK_INT(r.last_total, 50);
	CHECK_INT(r.last_done, 50);
	CHECK(r.r.more);
	CHECK_INT(r.r.next_before, head + 1 - 50);
	/* only what lies in the last 50 blocks: the two newest entries */
	CHECK_INT(r.n, 2);
	for (size_t i = 0; i < r.n; i++)
		CHECK(r.e[i].block_number > head - 50);
}

static void cancel_mid_scan_stops_every_callback(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_SCAN, 1000, 0);
	int ticks = 0;

	r.cancel_in = 2;
	r.h = history_start(C, &o);
	CHECK(r.h != NULL);
	test_run_until(L, &r.progress_calls, 1, 10000);
	CHECK_INT(r.progress_calls, 1);
	CHECK(r.last_done < r.last_total);
	while (ticks++ < 20)
		loop_run_once(L, 50);
	CHECK_INT(r.progress_calls, 1);
	CHECK_INT(r.entries_calls, 0);
	CHECK_INT(r.done_calls, 0);
}

static void cancel_inside_on_entries_ends_the_page_quietly(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_TRACE, 1000, 0);
	int ticks = 0;

	r.cancel_in = 1;
	r.h = history_start(C, &o);
	CHECK(r.h != NULL);
	test_run_until(L, &r.entries_calls, 1, 10000);
	while (ticks++ < 10)
		loop_run_once(L, 20);
	CHECK_INT(r.entries_calls, 1);
	CHECK_INT(r.done_calls, 0);
}

static void cancel_right_after_start_runs_nothing(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_AUTO, 10, 0);
	int ticks = 0;

	history_cancel(history_start(C, &o));
	while (ticks++ < 10)
		loop_run_once(L, 20);
	CHECK_INT(r.entries_calls + r.progress_calls + r.done_calls, 0);
}

static void an_address_without_history_is_empty_not_an_error(void)
{
	static const enum history_method methods[] = { HISTORY_AUTO, HISTORY_OTS, HISTORY_TRACE, HISTORY_SCAN };

	for (size_t k = 0; k < TEST_COUNT(methods); k++) {
		static struct run r;
		struct history_opts o = opts(&r, methods[k], 10, 0);

		memset(&r, 0, sizeof(r));
		memset(o.address, 0x11, ETH_ADDR_LEN);
		CHECK(page(&r, &o));
		CHECK_MSG(r.r.status == HISTORY_OK, "%s: status %d: %s", history_method_name(methods[k]), r.r.status,
		          r.message);
		CHECK_INT(r.n, 0);
		CHECK_INT(r.entries_calls, 0);
		CHECK(!r.r.more);
	}
}

static void before_block_one_is_empty(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_SCAN, 10, 1);

	CHECK(page(&r, &o));
	CHECK_INT(r.r.status, HISTORY_OK);
	CHECK_INT(r.n, 0);
	CHECK(!r.r.more);
}

static void a_dead_node_is_an_error_with_words(void)
{
	static struct run r;
	struct rpc_opts ro = { .url = "http://127.0.0.1:1", .timeout_ms = 2000 };
	char err[160];
	struct rpc_client *dead = rpc_client_new(L, &ro, err, sizeof(err));
	struct history_opts o = opts(&r, HISTORY_AUTO, 10, 0);
	int before = r.done_calls;

	CHECK(dead != NULL);
	r.h = history_start(dead, &o);
	test_run_until(L, &r.done_calls, before + 1, 10000);
	CHECK_INT(r.done_calls, before + 1);
	CHECK_INT(r.r.status, HISTORY_ERPC);
	CHECK_MSG(strstr(r.message, "eth_blockNumber") != NULL, "message: %s", r.message);
	rpc_client_free(dead);
}

/* One page against the fake node at LIAR_URL + path. */
static void liar_page(struct run *r, const char *path, struct history_opts *o)
{
	char url[256], err[160];
	struct rpc_opts ro = { .url = url, .timeout_ms = 5000 };
	struct rpc_client *c;
	int before = r->done_calls;

	snprintf(url, sizeof(url), "%s%s", getenv("LIAR_URL") ? getenv("LIAR_URL") : "http://127.0.0.1:1", path);
	c = rpc_client_new(L, &ro, err, sizeof(err));
	CHECK(c != NULL);
	if (!c)
		return;
	r->h = history_start(c, o);
	CHECK(r->h != NULL);
	test_run_until(L, &r->done_calls, before + 1, 10000);
	CHECK_INT(r->done_calls, before + 1);
	rpc_client_free(c);
}

static void auto_skips_a_missing_ots_and_remembers(void)
{
	static struct run r;
	struct history_caps caps = { 0 };
	struct history_opts o = opts(&r, HISTORY_AUTO, 10, 0);

	o.caps = &caps;
	liar_page(&r, "/", &o);
	CHECK_INT(caps.ots, HISTORY_SUPPORT_NO);
	/* trace_filter answers, with garbage: an error naming it, not a crash */
	CHECK_INT(r.r.method, HISTORY_TRACE);
	CHECK_INT(r.r.status, CD_EPROTO);
	CHECK_MSG(strstr(r.message, "trace_filter") != NULL, "message: %s", r.message);
}

static void forced_ots_on_a_node_without_it_is_unsupported(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_OTS, 10, 0);

	liar_page(&r, "/", &o);
	CHECK_INT(r.r.status, CD_EUNSUPPORTED);
	CHECK_MSG(strstr(r.message, "does not exist") != NULL, "message: %s", r.message);
}

static void malformed_ots_answer_is_a_data_error(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_OTS, 10, 0);

	liar_page(&r, "/liar", &o);
	CHECK_INT(r.r.status, CD_EPROTO);
	CHECK_INT(r.entries_calls, 0);
	CHECK_MSG(strstr(r.message, "receipts") != NULL, "message: %s", r.message);
}

/*
 * The details of a trace hit come in one batch: its transaction (a recorded
 * one, where the trace put it) is taken, then the receipt is another
 * transaction's. The page fails naming it, delivers nothing, and what was
 * taken before the bad answer is released (valgrind: make valgrind).
 */
static void a_receipt_of_another_transaction_fails_the_page(void)
{
	static struct run r;
	struct history_opts o = opts(&r, HISTORY_TRACE, 10, 0);

	liar_page(&r, "/misplaced", &o);
	CHECK_INT(r.r.status, CD_EPROTO);
	CHECK_INT(r.entries_calls, 0);
	CHECK_MSG(strstr(r.message, "belongs to another transaction") != NULL, "message: %s", r.message);
}

static const struct test_case cases[] = {
	{ "ots_lists_exactly_the_expected_entries_newest_first", ots_lists_exactly_the_expected_entries_newest_first },
	{ "scan_agrees_with_ots", scan_agrees_with_ots },
	{ "trace_agrees_with_ots", trace_agrees_with_ots },
	{ "auto_picks_ots_and_remembers_it", auto_picks_ots_and_remembers_it },
	{ "auto_falls_back_to_scan_when_told_the_rest_is_missing", auto_falls_back_to_scan_when_told_the_rest_is_missing },
	{ "token_transfers_carry_contract_and_amount", token_transfers_carry_contract_and_amount },
	{ "reverted_call_has_status_zero_and_selector", reverted_call_has_status_zero_and_selector },
	{ "paging_by_two_walks_everything_for_every_method", paging_by_two_walks_everything_for_every_method },
	{ "scan_progress_reaches_the_total", scan_progress_reaches_the_total },
	{ "scan_limit_bounds_a_page_and_says_more", scan_limit_bounds_a_page_and_says_more },
	{ "cancel_mid_scan_stops_every_callback", cancel_mid_scan_stops_every_callback },
	{ "cancel_inside_on_entries_ends_the_page_quietly", cancel_inside_on_entries_ends_the_page_quietly },
	{ "cancel_right_after_start_runs_nothing", cancel_right_after_start_runs_nothing },
	{ "an_address_without_history_is_empty_not_an_error", an_address_without_history_is_empty_not_an_error },
	{ "before_block_one_is_empty", before_block_one_is_empty },
	{ "a_dead_node_is_an_error_with_words", a_dead_node_is_an_error_with_words },
	{ "auto_skips_a_missing_ots_and_remembers", auto_skips_a_missing_ots_and_remembers },
	{ "forced_ots_on_a_node_without_it_is_unsupported", forced_ots_on_a_node_without_it_is_unsupported },
	{ "malformed_ots_answer_is_a_data_error", malformed_ots_answer_is_a_data_error },
	{ "a_receipt_of_another_transaction_fails_the_page", a_receipt_of_another_transaction_fails_the_page },
};

static int parse_kind(const char *s)
{
	static const char *const names[] = { "tx_out", "tx_in", "tx_internal", "token_out", "token_in" };

	for (size_t i = 0; i < TEST_COUNT(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static void load_expected(const char *path)
{
	FILE *f = fopen(path, "r");
	char kind[32], hash[80], value[80], token[64];
	uint64_t block, idx, logi;
	unsigned status;

	if (!f) {
		printf("cannot open %s\n", path);
		exit(2);
	}
	while (nexpected < MAX_ENTRIES &&
	       fscanf(f, "%31s %79s %" SCNu64 " %" SCNu64 " %" SCNu64 " %79s %63s %u", kind, hash, &block, &idx, &logi,
	              value, token, &status) == 8) {
		struct history_entry *e = &expected[nexpected++];

		if (parse_kind(kind) < 0 || hex_decode_exact(e->tx_hash, ETH_HASH_LEN, hash, strlen(hash)) != CD_OK ||
		    u256_parse_dec(&e->value, value, strlen(value)) != CD_OK) {
			printf("bad line in %s\n", path);
			exit(2);
		}
		e->kind = (enum history_kind)parse_kind(kind);
		e->block_number = block;
		e->tx_index = idx;
		e->log_index = logi;
		e->status = (uint8_t)status;
		if (strcmp(token, "-") != 0)
			hex_decode_exact(e->token, ETH_ADDR_LEN, token, strlen(token));
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *url = getenv("ANVIL_URL"), *addr = getenv("HISTORY_ADDRESS");
	const char *exp = getenv("HISTORY_EXPECTED"), *hd = getenv("HISTORY_HEAD");
	int rc;

	if (!url || !addr || !exp || !hd) {
		printf("run through tests/integration/history.sh\n");
		return 2;
	}
	if (hex_decode_exact(target, ETH_ADDR_LEN, addr, strlen(addr)) != CD_OK ||
	    hex_parse_u64(&head, hd, strlen(hd)) != CD_OK) {
		printf("bad HISTORY_ADDRESS or HISTORY_HEAD\n");
		return 2;
	}
	load_expected(exp);
	if (nexpected < 10) {
		printf("only %zu expected entries in %s\n", nexpected, exp);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	C = test_node_client(L, "ANVIL_URL", (struct rpc_opts){ .timeout_ms = 10000 }, "tests/integration/history.sh");
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	rpc_client_free(C);
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
