/*
 * blockfetch against a real anvil. Started by tests/integration/blockfetch.sh, which sets:
 *   ANVIL_URL    an anvil whose blocks 1.. hold FILL transfers each, then FILL_EMPTY empty blocks
 *   FILL         transfers per block from block 1 on ("3 0 25 ...")
 *   FILL_EMPTY   empty blocks mined after those
 *   CLOSED_URL   a loopback port nobody listens on
 *
 * The reference for every block is eth_getBlockByNumber asked one block at a time, kept as the
 * node's own hex strings, so a fetched block is checked against text the decoder never saw.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "common/rpc.h"
#include "common/blockfetch.h"
#include "tests/lib/test.h"
#include "tests/lib/nodeclient.h"

#define MAX_BLOCKS 256
#define WAIT_MS 20000

struct ref_block {
	char hash[67];
	size_t tx_count;
	char (*tx_hashes)[67];
};

static struct loop *L;
static struct rpc_client *C;
static uint64_t head;
static struct ref_block ref[MAX_BLOCKS];

/* ---- plumbing ---- */

static void hex_of(const uint8_t *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	*out++ = '0';
	*out++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*out++ = digits[p[i] >> 4];
		*out++ = digits[p[i] & 15];
	}
	*out = '\0';
}

static struct rpc_client *client(const char *env, int conns)
{
	struct rpc_opts o = { .timeout_ms = 10000, .connections = conns };

	return test_node_client(L, env, o, "tests/integration/blockfetch.sh");
}

struct one {
	int calls;
	int status;
	cJSON *result; /* a detached copy */
};

static void on_one(void *ud, const struct rpc_response *res)
{
	struct one *o = ud;

	o->calls++;
	o->status = res->status;
	if (res->status == RPC_OK && res->reply[0].status == RPC_OK)
		o->result = cJSON_Duplicate(res->reply[0].result, 1);
	else
		o->status = res->status == RPC_OK ? res->reply[0].status : res->status;
}

/* One call, waited for; the result (caller deletes) or NULL. */
static cJSON *call(const char *method, cJSON *params)
{
	struct one o = { 0 };

	if (!rpc_call(C, method, params, on_one, &o))
		return NULL;
	test_run_until(L, &o.calls, 1, WAIT_MS);
	return o.result;
}

static void load_reference(void)
{
	cJSON *r = call("eth_blockNumber", NULL);
	char *end = NULL;

	if (cJSON_IsString(r))
		head = strtoull(r->valuestring, &end, 16);
	if (!end || *end || head + 1 >= MAX_BLOCKS) {
		fprintf(stdout, "eth_blockNumber: no usable answer\n");
		exit(2);
	}
	cJSON_Delete(r);
	for (uint64_t n = 0; n <= head; n++) {
		char hex[24];
		cJSON *params = cJSON_CreateArray(), *b, *txs, *h;

		snprintf(hex, sizeof(hex), "0x%" PRIx64, n);
		cJSON_AddItemToArray(params, cJSON_CreateString(hex));
		cJSON_AddItemToArray(params, cJSON_CreateTrue());
		b = call("eth_getBlockByNumber", params);
		h = cJSON_GetObjectItemCaseSensitive(b, "hash");
		txs = cJSON_GetObjectItemCaseSensitive(b, "transactions");
		if (!cJSON_IsString(h) || !cJSON_IsArray(txs)) {
			fprintf(stdout, "eth_getBlockByNumber(%" PRIu64 "): no usable answer\n", n);
			exit(2);
		}
		snprintf(ref[n].hash, sizeof(ref[n].hash), "%s", h->valuestring);
		ref[n].tx_count = (size_t)cJSON_GetArraySize(txs);
		ref[n].tx_hashes = calloc(ref[n].tx_count ? ref[n].tx_count : 1, sizeof(*ref[n].tx_hashes));
		for (size_t i = 0; i < ref[n].tx_count; i++) {
			cJSON *th = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(txs, (int)i), "hash");

			snprintf(ref[n].tx_hashes[i], sizeof(ref[n].tx_hashes[i]), "%s",
			         cJSON_IsString(th) ? th->valuestring : "?");
		}
		cJSON_Delete(b);
	}
}

/* ---- one fetch and what it saw ---- */

struct run {
	struct blockfetch *f;
	int seen[MAX_BLOCKS];
	uint64_t order[MAX_BLOCKS * 2];
	int blocks;              /* on_block calls */
	int done_calls;
	int status;
	char message[320];
	int progress_calls;
	uint64_t progress_last, progress_total;
	bool progress_backwards;
	bool after_done;         /* a callback came after on_done */
	int cancel_at_block;     /* on_block cancels when blocks reaches this; 0 = never */
	int cancel_at_progress;  /* on_progress cancels on this call; 0 = never */
	bool free_in_done;
	bool keep;               /* take over every block, freed by the case */
	struct eth_block kept[MAX_BLOCKS];
	int nkept;
	bool check_queue;        /* watch the client's queue from on_block */
	size_t max_queued, max_outstanding;
};

static void check_block(const struct eth_block *b)
{
	char hex[67];

	if (b->number > head) {
		test_fail(__FILE__, __LINE__, "block %" PRIu64 " is past the head %" PRIu64, b->number, head);
		return;
	}
	hex_of(b->hash, sizeof(b->hash), hex);
	CHECK_MSG(b->has_hash && strcmp(hex, ref[b->number].hash) == 0, "block %" PRIu64 ": hash %s, expected %s",
	          b->number, hex, ref[b->number].hash);
	CHECK_MSG(b->tx_count == ref[b->number].tx_count, "block %" PRIu64 ": %zu txs, expected %zu", b->number,
	          b->tx_count, ref[b->number].tx_count);
	if (b->tx_count != ref[b->number].tx_count)
		return;
	for (size_t i = 0; i < b->tx_count; i++) {
		if (b->tx_kind == ETH_BLOCK_TX_FULL)
			hex_of(b->txs[i].hash, ETH_HASH_LEN, hex);
		else
			hex_of(b->tx_hashes[i], ETH_HASH_LEN, hex);
		CHECK_MSG(strcmp(hex, ref[b->number].tx_hashes[i]) == 0, "block %" PRIu64 " tx %zu: hash %s, expected %s",
		          b->number, i, hex, ref[b->number].tx_hashes[i]);
	}
}

static void on_block(void *ud, struct eth_block *b, bool *keep)
{
	struct run *r = ud;

	r->after_done |= r->done_calls > 0;
	if (r->blocks < (int)TEST_COUNT(r->order))
		r->order[r->blocks] = b->number;
	r->blocks++;
	if (b->number < MAX_BLOCKS)
		r->seen[b->number]++;
	check_block(b);
	if (r->check_queue) {
		struct rpc_health h;

		rpc_client_health(C, &h);
		if (h.queued > r->max_queued)
			r->max_queued = h.queued;
		if (h.queued + h.inflight > r->max_outstanding)
			r->max_outstanding = h.queued + h.inflight;
	}
	if (r->keep && r->nkept < MAX_BLOCKS) {
		r->kept[r->nkept++] = *b;
		*keep = true;
	}
	if (r->cancel_at_block && r->blocks == r->cancel_at_block) {
		blockfetch_cancel(r->f);
		r->f = NULL;
	}
}

static void on_progress(void *ud, uint64_t done, uint64_t total)
{
	struct run *r = ud;

	r->after_done |= r->done_calls > 0;
	r->progress_calls++;
	r->progress_backwards |= done < r->progress_last;
	r->progress_last = done;
	r->progress_total = total;
	if (r->cancel_at_progress && r->progress_calls == r->cancel_at_progress) {
		blockfetch_cancel(r->f);
		r->f = NULL;
	}
}

static void on_done(void *ud, int status, const char *message)
{
	struct run *r = ud;

	r->done_calls++;
	r->status = status;
	snprintf(r->message, sizeof(r->message), "%s", message ? message : "(null)");
	if (r->free_in_done) {
		blockfetch_free(r->f);
		r->f = NULL;
	}
}

static struct blockfetch_opts opts_for(struct run *r, uint64_t from, uint64_t to)
{
	struct blockfetch_opts o = {
		.from = from, .to = to, .full_txs = true,
		.on_block = on_block, .on_progress = on_progress, .on_done = on_done, .ud = r,
	};
	return o;
}

/* Starts the fetch and runs the loop until on_done (or WAIT_MS). */
static void fetch(struct run *r, const struct blockfetch_opts *o)
{
	r->f = blockfetch_start(C, o);
	CHECK(r->f != NULL);
	if (r->f)
		test_run_until(L, &r->done_calls, 1, WAIT_MS);
}

static void finish_run(struct run *r)
{
	for (int i = 0; i < r->nkept; i++)
		eth_block_free(&r->kept[i]);
	r->nkept = 0;
	blockfetch_free(r->f);
	r->f = NULL;
}

static void check_every_block_once(const struct run *r, uint64_t from, uint64_t to)
{
	for (uint64_t n = 0; n < MAX_BLOCKS; n++) {
		int want = n >= from && n <= to;

		CHECK_MSG(r->seen[n] == want, "block %" PRIu64 " arrived %d times, expected %d", n, r->seen[n], want);
	}
	CHECK_INT(r->blocks, to - from + 1);
}

/* ---- cases ---- */

static void chain_holds_the_filled_transfers(void)
{
	const char *fill = getenv("FILL"), *empty = getenv("FILL_EMPTY");
	uint64_t n = 1;
	char *end;

	CHECK(fill != NULL);
	for (const char *p = fill ? fill : ""; *p; p = end) {
		unsigned long want = strtoul(p, &end, 10);

		if (end == p)
			break;
		CHECK_MSG(ref[n].tx_count == want, "block %" PRIu64 " holds %zu txs, filled with %lu", n, ref[n].tx_count,
		          want);
		n++;
	}
	CHECK(n > 3);
	CHECK(head >= n - 1 + strtoull(empty ? empty : "0", NULL, 10));
}

static void ascending_range_arrives_once_each_with_its_txs(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	o.batch = 3;
	o.inflight = 2;
	r.keep = true;
	fetch(&r, &o);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 0, head);
	/* blocks taken over stay intact after the fetch moved on */
	for (int i = 0; i < r.nkept; i++)
		check_block(&r.kept[i]);
	CHECK_INT(r.nkept, head + 1);
	CHECK(!r.after_done);
	finish_run(&r);
}

static void default_options_fetch_the_whole_range(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	fetch(&r, &o);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 0, head);
	finish_run(&r);
}

static void hashes_only_when_full_txs_is_off(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 1, head);

	o.full_txs = false;
	o.batch = 4;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 1, head);
	finish_run(&r);
}

static void descending_request_walks_newest_first(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 2, head);

	/* one batch at a time: completion order is request order */
	o.descending = true;
	o.batch = 4;
	o.inflight = 1;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 2, head);
	for (int i = 0; i < r.blocks && i < (int)TEST_COUNT(r.order); i++)
		CHECK_MSG(r.order[i] == head - (uint64_t)i, "arrival %d was block %" PRIu64 ", expected %" PRIu64, i,
		          r.order[i], head - (uint64_t)i);
	finish_run(&r);
}

static void descending_with_defaults_arrives_once_each(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	o.descending = true;
	o.batch = 2;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 0, head);
	finish_run(&r);
}

static void single_block_range(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 3, 3);

	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	check_every_block_once(&r, 3, 3);
	CHECK_INT(r.progress_last, 1);
	CHECK_INT(r.progress_total, 1);
	finish_run(&r);
}

static void progress_climbs_to_the_total(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 1, head);

	o.batch = 5;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	CHECK_INT(r.progress_total, head);
	CHECK_INT(r.progress_last, head);
	CHECK_INT(r.progress_calls, (head + 4) / 5);
	CHECK(!r.progress_backwards);
	CHECK(!r.after_done);
	finish_run(&r);
}

static void range_past_the_head_reports_the_missing_block(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, head - 2, head + 3);
	char want[64];

	/* one batch at a time, so the first missing block is the one reported */
	o.batch = 2;
	o.inflight = 1;
	fetch(&r, &o);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, CD_ENOTFOUND);
	snprintf(want, sizeof(want), "block %" PRIu64 " is not on the node", head + 1);
	CHECK_MSG(strstr(r.message, want) != NULL, "message \"%s\" lacks \"%s\"", r.message, want);
	/* the blocks before it were delivered, none after */
	CHECK_INT(r.blocks, 3);
	CHECK_INT(r.seen[head], 1);
	CHECK_INT(r.seen[head + 1], 0);
	test_run_for(L, 300);
	CHECK_INT(r.done_calls, 1);
	CHECK(!r.after_done);
	finish_run(&r);
}

static void range_past_the_head_with_many_in_flight_ends_once(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head + 40);

	o.batch = 3;
	o.inflight = 8;
	fetch(&r, &o);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, CD_ENOTFOUND);
	CHECK(strstr(r.message, "is not on the node") != NULL);
	test_run_for(L, 300);
	CHECK_INT(r.done_calls, 1);
	CHECK(!r.after_done);
	for (uint64_t n = head + 1; n < MAX_BLOCKS; n++)
		CHECK_INT(r.seen[n], 0);
	finish_run(&r);
}

static void cancel_from_on_block_stops_every_callback(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	/* cancelled in the middle of a batch of 5, with more batches in flight */
	o.batch = 5;
	o.inflight = 3;
	r.cancel_at_block = 2;
	r.f = blockfetch_start(C, &o);
	CHECK(r.f != NULL);
	test_run_until(L, &r.blocks, 2, WAIT_MS);
	test_run_for(L, 500);
	CHECK_INT(r.blocks, 2);
	CHECK_INT(r.progress_calls, 0);
	CHECK_INT(r.done_calls, 0);
	CHECK(r.f == NULL);
}

static void cancel_from_on_progress_stops_every_callback(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	o.batch = 2;
	o.inflight = 4;
	r.cancel_at_progress = 1;
	r.f = blockfetch_start(C, &o);
	CHECK(r.f != NULL);
	test_run_until(L, &r.progress_calls, 1, WAIT_MS);
	test_run_for(L, 500);
	CHECK_INT(r.progress_calls, 1);
	CHECK_INT(r.blocks, 2);
	CHECK_INT(r.done_calls, 0);
}

static void cancel_from_outside_stops_every_callback(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);
	int blocks;

	o.batch = 1;
	o.inflight = 4;
	r.f = blockfetch_start(C, &o);
	CHECK(r.f != NULL);
	test_run_until(L, &r.blocks, 3, WAIT_MS);
	CHECK(r.blocks >= 3);
	blockfetch_cancel(r.f);
	r.f = NULL;
	blocks = r.blocks;
	test_run_for(L, 500);
	CHECK_INT(r.blocks, blocks);
	CHECK(r.blocks < (int)head + 1);
	CHECK_INT(r.done_calls, 0);
}

static void cancel_right_after_start_calls_nothing(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);
	struct rpc_health h;

	r.f = blockfetch_start(C, &o);
	CHECK(r.f != NULL);
	blockfetch_cancel(r.f);
	r.f = NULL;
	rpc_client_health(C, &h);
	CHECK_INT(h.inflight + h.queued, 0);
	test_run_for(L, 300);
	CHECK_INT(r.blocks + r.progress_calls + r.done_calls, 0);
	/* and the client still works */
	cJSON *n = call("eth_blockNumber", NULL);
	CHECK(cJSON_IsString(n));
	cJSON_Delete(n);
}

static void free_from_on_done_is_safe(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, 4);

	r.free_in_done = true;
	fetch(&r, &o);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, RPC_OK);
	CHECK(r.f == NULL);
	test_run_for(L, 100);
	CHECK_INT(r.done_calls, 1);
}

static void queue_holds_at_most_one_waiting_batch(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, head);

	/* adaptive: the client's 4 connections busy, one batch waiting */
	o.batch = 1;
	r.check_queue = true;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	CHECK_MSG(r.max_queued <= 1, "the client's queue held %zu batches", r.max_queued);
	CHECK_MSG(r.max_outstanding <= 5, "%zu batches were out at once", r.max_outstanding);
	CHECK(r.max_outstanding >= 2);
	finish_run(&r);

	/* an explicit bound is kept */
	memset(&r, 0, sizeof(r));
	o = opts_for(&r, 0, head);
	o.batch = 1;
	o.inflight = 2;
	r.check_queue = true;
	fetch(&r, &o);
	CHECK_INT(r.status, RPC_OK);
	CHECK_MSG(r.max_outstanding <= 2, "%zu batches were out at once", r.max_outstanding);
	finish_run(&r);
}

static void unreachable_node_reports_the_transport_error(void)
{
	struct rpc_client *closed = client("CLOSED_URL", 4);
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 0, 50);

	o.batch = 5;
	r.f = blockfetch_start(closed, &o);
	CHECK(r.f != NULL);
	test_run_until(L, &r.done_calls, 1, WAIT_MS);
	CHECK_INT(r.done_calls, 1);
	CHECK_INT(r.status, RPC_ECONNECT);
	CHECK_MSG(strstr(r.message, "blocks ") == r.message && strlen(r.message) > 12, "message \"%s\"", r.message);
	CHECK_INT(r.blocks, 0);
	test_run_for(L, 300);
	CHECK_INT(r.done_calls, 1);
	blockfetch_free(r.f);
	rpc_client_free(closed);
}

static void bad_options_are_refused(void)
{
	struct run r = { 0 };
	struct blockfetch_opts o = opts_for(&r, 5, 4);

	CHECK(blockfetch_start(C, &o) == NULL);
	o = opts_for(&r, 0, UINT64_MAX);
	CHECK(blockfetch_start(C, &o) == NULL);
	o = opts_for(&r, 0, 1);
	o.on_done = NULL;
	CHECK(blockfetch_start(C, &o) == NULL);
	o = opts_for(&r, 0, 1);
	o.on_block = NULL;
	CHECK(blockfetch_start(C, &o) == NULL);
	CHECK(blockfetch_start(NULL, &o) == NULL);
	blockfetch_cancel(NULL);
	blockfetch_free(NULL);
	test_run_for(L, 100);
	CHECK_INT(r.blocks + r.done_calls, 0);
}

static const struct test_case cases[] = {
	{ "chain_holds_the_filled_transfers", chain_holds_the_filled_transfers },
	{ "ascending_range_arrives_once_each_with_its_txs", ascending_range_arrives_once_each_with_its_txs },
	{ "default_options_fetch_the_whole_range", default_options_fetch_the_whole_range },
	{ "hashes_only_when_full_txs_is_off", hashes_only_when_full_txs_is_off },
	{ "descending_request_walks_newest_first", descending_request_walks_newest_first },
	{ "descending_with_defaults_arrives_once_each", descending_with_defaults_arrives_once_each },
	{ "single_block_range", single_block_range },
	{ "progress_climbs_to_the_total", progress_climbs_to_the_total },
	{ "range_past_the_head_reports_the_missing_block", range_past_the_head_reports_the_missing_block },
	{ "range_past_the_head_with_many_in_flight_ends_once", range_past_the_head_with_many_in_flight_ends_once },
	{ "cancel_from_on_block_stops_every_callback", cancel_from_on_block_stops_every_callback },
	{ "cancel_from_on_progress_stops_every_callback", cancel_from_on_progress_stops_every_callback },
	{ "cancel_from_outside_stops_every_callback", cancel_from_outside_stops_every_callback },
	{ "cancel_right_after_start_calls_nothing", cancel_right_after_start_calls_nothing },
	{ "free_from_on_done_is_safe", free_from_on_done_is_safe },
	{ "queue_holds_at_most_one_waiting_batch", queue_holds_at_most_one_waiting_batch },
	{ "unreachable_node_reports_the_transport_error", unreachable_node_reports_the_transport_error },
	{ "bad_options_are_refused", bad_options_are_refused },
};

int main(int argc, char **argv)
{
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	C = client("ANVIL_URL", 4);
	load_reference();
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	for (uint64_t n = 0; n <= head; n++)
		free(ref[n].tx_hashes);
	rpc_client_free(C);
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
