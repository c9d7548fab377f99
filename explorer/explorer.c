/*
 * The explorer's model: following the head, the recent blocks with reorg
 * marking, and the one document on screen. See explorer.h.
 */
#include "explorer/explorer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/rpc.h"
#include "common/safeview.h"
#include "common/text.h"

#define MAX_ROWS 200
#define BACKFILL 40           /* blocks shown at start */
#define MAX_CATCHUP 64        /* blocks fetched at once when the head jumps */
#define MAX_REORG_DEPTH 64
#define WALK_SPAN 9           /* heights refetched by one step of the walk down a reorg */
#define HISTORY_PAGE 25

struct explorer {
	struct loop *loop;
	struct rpc_client *rpc;
	uint64_t refresh_ms;
	void (*changed)(void *ud);
	void *ud;

	enum explorer_follow follow;
	char follow_error[160];
	char sub_id[80];
	char filter_id[80];
	uint64_t follow_call;         /* the subscribe / filter / poll call in flight */
	uint64_t timer;
	bool have_head;
	uint64_t head;
	uint64_t sync_call;           /* the block fetch that brings rows up to the head */
	uint64_t pending_head;        /* a head announced while a fetch ran: fetched when it ends */
	uint64_t sync_lo, sync_hi;    /* the heights the by-number fetch in flight asks for (lo > hi: by hash) */
	uint64_t walk_floor;          /* lowest height the walk down a reorg fetched since the last tick */
	bool in_reorg;                /* rows were replaced and the links do not agree yet: one reorg */
	uint64_t reorgs;

	struct explorer_block_row rows[MAX_ROWS];
	size_t nrows;

	struct explorer_doc doc;
	uint64_t doc_gen;             /* bumps on every open: late answers for an old document are dropped */
	uint64_t doc_call, doc_call2;
	struct history *history;
	uint64_t history_cursor;
	struct history_caps caps;     /* what the node offers for history, learnt once */
	struct tokens *tokens;
	uint64_t balances_call;
};

static void notify(struct explorer *e)
{
	if (e->changed)
		e->changed(e->ud);
}

static void set_follow_error(struct explorer *e, const char *what, const char *detail)
{
	char raw[200];

	snprintf(raw, sizeof(raw), "%s: %s", what, detail);
	text_sanitize(e->follow_error, sizeof(e->follow_error), raw, strlen(raw));
}

static cJSON *params_num(uint64_t n, bool full)
{
	cJSON *p = cJSON_CreateArray();
	char num[24];

	hex_format_u64(num, sizeof(num), n);
	cJSON_AddItemToArray(p, cJSON_CreateString(num));
	cJSON_AddItemToArray(p, cJSON_CreateBool(full));
	return p;
}

/* [hash] for transaction lookups; [hash, full] for eth_getBlockByHash (block = true). */
static cJSON *params_hash_for(const uint8_t h[32], bool block, bool full)
{
	cJSON *p = cJSON_CreateArray();
	char hex[70];

	hex_encode(hex, sizeof(hex), h, 32, 1);
	cJSON_AddItemToArray(p, cJSON_CreateString(hex));
	if (block)
		cJSON_AddItemToArray(p, cJSON_CreateBool(full));
	return p;
}

static cJSON *params_hash(const uint8_t h[32], bool full)
{
	return params_hash_for(h, true, full);
}

static cJSON *params_tx_hash(const uint8_t h[32])
{
	return params_hash_for(h, false, false);
}

static cJSON *params_tag(const char *tag)
{
	cJSON *p = cJSON_CreateArray();

	cJSON_AddItemToArray(p, cJSON_CreateString(tag));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	return p;
}

/* ---- rows ---- */

static const struct explorer_block_row *row_at(const struct explorer *e, uint64_t number)
{
	for (size_t i = 0; i < e->nrows; i++) {
		if (e->rows[i].number == number && !e->rows[i].replaced)
			return &e->rows[i];
	}
	return NULL;
}

static void reload_doc_if_on(struct explorer *e, const uint8_t hash[32], uint64_t number);

/*
 * A reorg took row o off the chain. Replacements that come before the links
 * agree again are one reorg, however many blocks it replaced.
 */
static void mark_replaced(struct explorer *e, struct explorer_block_row *o)
{
	o->replaced = true;
	if (!e->in_reorg) {
		e->in_reorg = true;
		e->reorgs++;
	}
	log_msg(LOG_INFO, "explorer: block %llu replaced (reorg)", (unsigned long long)o->number);
	reload_doc_if_on(e, o->hash, o->number);
}

/* The node has no block at `number` now: every row from there up left the chain. */
static void mark_gone_from(struct explorer *e, uint64_t number)
{
	for (size_t i = 0; i < e->nrows; i++) {
		if (e->rows[i].number >= number && !e->rows[i].replaced)
			mark_replaced(e, &e->rows[i]);
	}
}

/* The head is the newest row still on the chain: it goes down when a reorg shortens the chain. */
static void update_head(struct explorer *e)
{
	for (size_t i = 0; i < e->nrows; i++) {
		if (!e->rows[i].replaced) {
			e->have_head = true;
			e->head = e->rows[i].number;
			return;
		}
	}
}

/*
 * Puts a block into the list (newest first). A different block already at
 * that height is marked replaced (a reorg), and so is any block above it
 * whose parent no longer matches.
 */
static void insert_row(struct explorer *e, const struct eth_block *b)
{
	struct explorer_block_row r = { .number = b->number, .timestamp = b->timestamp, .tx_count = b->tx_count,
	                                .gas_used = b->gas_used, .gas_limit = b->gas_limit,
	                                .has_base_fee = b->has_base_fee, .base_fee = b->base_fee,
	                                .has_miner = b->has_miner };
	size_t at = 0;

	memcpy(r.hash, b->hash, 32);
	memcpy(r.parent, b->parent_hash, 32);
	memcpy(r.miner, b->miner, 20);
	for (size_t i = 0; i < e->nrows; i++) {
		struct explorer_block_row *o = &e->rows[i];

		if (o->number == r.number && memcmp(o->hash, r.hash, 32) == 0) {
			if (!o->replaced)
				return; /* already known */
			/* The chain went back to a block it had left: it is canonical again. */
			for (size_t k = 0; k < e->nrows; k++) {
				if (k != i && e->rows[k].number == r.number && !e->rows[k].replaced)
					mark_replaced(e, &e->rows[k]);
			}
			o->replaced = false;
			return;
		}
		if (o->number == r.number && !o->replaced)
			mark_replaced(e, o);
	}
	/* Sorted by number descending; the canonical block goes before replaced ones of its height. */
	while (at < e->nrows && e->rows[at].number > r.number)
		at++;
	if (at == MAX_ROWS)
		return;
	if (e->nrows == MAX_ROWS)
		e->nrows--;
	memmove(&e->rows[at + 1], &e->rows[at], (e->nrows - at) * sizeof(e->rows[0]));
	e->rows[at] = r;
	e->nrows++;
}

/* The lowest height whose parent link disagrees with the row below it, or 0. */
static uint64_t broken_link(const struct explorer *e)
{
	uint64_t worst = 0;

	for (size_t i = 0; i < e->nrows; i++) {
		const struct explorer_block_row *r = &e->rows[i], *below;

		if (r->replaced || r->number == 0)
			continue;
		below = row_at(e, r->number - 1);
		if (below && memcmp(below->hash, r->parent, 32) != 0)
			worst = r->number;
	}
	return worst;
}

static void fetch_rows(struct explorer *e, uint64_t from, uint64_t to);
static void sync_to(struct explorer *e, uint64_t head);
static void open_tx(struct explorer *e);

static void on_rows(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	uint64_t broken;

	e->sync_call = 0;
	if (res->status != RPC_OK) {
		set_follow_error(e, "fetching blocks", res->detail);
		notify(e);
		return;
	}
	e->follow_error[0] = '\0';
	for (size_t i = 0; i < res->n; i++) {
		struct eth_block b;

		if (res->reply[i].status != RPC_OK)
			continue;
		/* By number, highest first: no block at a height means the chain is shorter now. */
		if (cJSON_IsNull(res->reply[i].result) && e->sync_lo <= e->sync_hi && i <= e->sync_hi - e->sync_lo) {
			mark_gone_from(e, e->sync_hi - i);
			continue;
		}
		if (eth_decode_header(res->reply[i].result, &b, NULL, 0) != 0)
			continue;
		if (b.has_hash)
			insert_row(e, &b);
		eth_block_free(&b);
	}
	update_head(e);
	/*
	 * A row whose parent is not the block below it means the chain changed
	 * under us: fetch the heights from there down (canonical now) in one
	 * batch. Each step of this walk must go lower than the last one since the
	 * last tick, and stays within MAX_REORG_DEPTH of the head, so a link that
	 * refetching does not mend waits for the next tick: never a loop that
	 * asks the node again as fast as it answers.
	 */
	broken = broken_link(e);
	if (broken && broken < e->walk_floor && e->head - broken < MAX_REORG_DEPTH) {
		uint64_t lo = broken > WALK_SPAN ? broken - WALK_SPAN : 0;

		e->walk_floor = lo;
		fetch_rows(e, lo, broken);
	} else if (e->pending_head > e->head) {
		sync_to(e, e->pending_head);
	}
	if (!broken && !e->sync_call)
		e->in_reorg = false;
	if (!e->sync_call)
		e->pending_head = 0;
	/* A pending transaction on screen: look again now that there is a new block. */
	if (e->doc.target.kind == DOC_TX && e->doc.state == DOC_READY && !e->doc.has_receipt && !e->doc_call)
		open_tx(e);
	notify(e);
}

static void fetch_rows(struct explorer *e, uint64_t from, uint64_t to)
{
	struct rpc_batch *b;

	if (e->sync_call) {
		/* Busy: remember how far to go; on_rows picks it up. */
		if (to > e->pending_head)
			e->pending_head = to;
		return;
	}
	if (to < from)
		return;
	if (to - from >= MAX_CATCHUP)
		from = to - MAX_CATCHUP + 1;
	b = rpc_batch_new();
	if (!b)
		return;
	for (uint64_t n = to + 1; n-- > from;)
		rpc_batch_add(b, "eth_getBlockByNumber", params_num(n, false));
	e->sync_lo = from;
	e->sync_hi = to;
	e->sync_call = rpc_batch_send(e->rpc, b, on_rows, e);
}

/* Brings the rows up to `head`, and re-checks the newest ones for a reorg. */
static void sync_to(struct explorer *e, uint64_t head)
{
	uint64_t top = e->nrows ? e->rows[0].number : 0;
	uint64_t from = e->nrows ? (top > 1 ? top - 1 : 0) : (head >= BACKFILL ? head - BACKFILL + 1 : 0);
	uint64_t to = head;

	/* Refetching the block below the newest one catches a reorg of depth 1 that kept the height. */
	if (head < top) {
		/* The chain got shorter: the heights above the head answer "no block", which marks their rows. */
		from = head > 1 ? head - 1 : 0;
		to = top;
	}
	fetch_rows(e, from, to);
}

/* ---- following the head ---- */

static void schedule(struct explorer *e, uint64_t ms);
static void follow_step(void *ud);

static void on_notify(void *ud, const char *subscription, const cJSON *result)
{
	struct explorer *e = ud;
	uint64_t n;

	if (strcmp(subscription, e->sub_id) != 0)
		return;
	if (eth_decode_u64(cJSON_GetObjectItemCaseSensitive(result, "number"), &n, NULL, 0) == 0)
		sync_to(e, n);
}

static void on_block_number(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	uint64_t n;

	e->follow_call = 0;
	if (res->status != RPC_OK) {
		set_follow_error(e, "following the head", res->detail);
		notify(e);
		return;
	}
	if (res->reply[0].status == RPC_OK && eth_decode_u64(res->reply[0].result, &n, NULL, 0) == 0) {
		e->follow_error[0] = '\0';
		if (!e->have_head || n != e->head || broken_link(e))
			sync_to(e, n);
	}
}

/*
 * Polling asks for the latest block itself, not only its number: a reorg that
 * keeps the height changes the hash alone.
 */
static void on_latest(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	const struct explorer_block_row *r;
	struct eth_block b;

	e->follow_call = 0;
	if (res->status != RPC_OK) {
		set_follow_error(e, "following the head", res->detail);
		notify(e);
		return;
	}
	if (res->reply[0].status != RPC_OK || eth_decode_header(res->reply[0].result, &b, NULL, 0) != 0)
		return;
	e->follow_error[0] = '\0';
	r = row_at(e, b.number);
	if (!e->have_head || b.number != e->head || !r || !b.has_hash || memcmp(r->hash, b.hash, 32) != 0 ||
	    broken_link(e))
		sync_to(e, b.number);
	eth_block_free(&b);
}

static void on_filter_changes(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	const cJSON *h;
	struct rpc_batch *b;
	size_t n = 0;

	e->follow_call = 0;
	if (res->status != RPC_OK) {
		set_follow_error(e, "following the head", res->detail);
		notify(e);
		return;
	}
	if (res->reply[0].status == RPC_EREMOTE) {
		/* The node forgot the filter (restart, expiry): make a new one. */
		e->filter_id[0] = '\0';
		return;
	}
	if (e->sync_call)
		return;
	if (cJSON_GetArraySize(res->reply[0].result) <= 0) {
		uint64_t head;

		if (res->n > 1 && res->reply[1].status == RPC_OK &&
		    eth_decode_u64(res->reply[1].result, &head, NULL, 0) == 0 && e->have_head && head != e->head)
			sync_to(e, head);
		return;
	}
	/*
	 * The filter names every new block by hash — also blocks of a reorg that
	 * kept the height. Fetch them by hash: insert_row marks what they replace.
	 */
	b = rpc_batch_new();
	if (!b)
		return;
	cJSON_ArrayForEach(h, res->reply[0].result)
	{
		uint8_t hash[32];

		if (n == MAX_CATCHUP || !cJSON_IsString(h) ||
		    hex_decode_exact(hash, 32, h->valuestring, strlen(h->valuestring)) != CD_OK)
			continue;
		rpc_batch_add(b, "eth_getBlockByHash", params_hash(hash, false));
		n++;
	}
	if (!n) {
		rpc_batch_free(b);
		return;
	}
	rpc_batch_add(b, "eth_getBlockByNumber", params_tag("latest"));
	e->sync_lo = 1; /* by hash: a missing answer says nothing about a height */
	e->sync_hi = 0;
	e->sync_call = rpc_batch_send(e->rpc, b, on_rows, e);
}

static void on_new_filter(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	const struct rpc_reply *r = res->status == RPC_OK ? &res->reply[0] : NULL;

	e->follow_call = 0;
	if (r && rpc_reply_unsupported(r)) {
		e->follow = FOLLOW_POLL;
		log_msg(LOG_INFO, "explorer: no block filters on this node, polling");
		return;
	}
	if (r && r->status == RPC_OK && cJSON_IsString(r->result)) {
		text_sanitize(e->filter_id, sizeof(e->filter_id), r->result->valuestring,
		              strlen(r->result->valuestring));
		e->follow = FOLLOW_FILTER;
		/* Blocks mined before the filter existed are never announced by it: read the head now. */
		e->follow_call = rpc_call(e->rpc, "eth_blockNumber", NULL, on_block_number, e);
	}
}

static void on_subscribed(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	const struct rpc_reply *r = res->status == RPC_OK ? &res->reply[0] : NULL;

	e->follow_call = 0;
	if (r && r->status == RPC_OK && cJSON_IsString(r->result)) {
		snprintf(e->sub_id, sizeof(e->sub_id), "%s", r->result->valuestring);
		e->follow = FOLLOW_SUBSCRIPTION;
		log_msg(LOG_INFO, "explorer: following new heads by subscription");
		return;
	}
	if (r)
		e->follow = FOLLOW_FILTER; /* no subscriptions here: try a filter next */
}

/*
 * One step of following, every refresh period. With a subscription the step
 * only polls the head now and then as a safety net (a lost connection loses
 * the subscription; a poll notices and we subscribe again).
 */
static void follow_step(void *ud)
{
	struct explorer *e = ud;
	struct rpc_health h;
	struct rpc_batch *b;
	cJSON *p;

	e->timer = 0;
	schedule(e, e->refresh_ms);
	if (e->follow_call || e->sync_call)
		return;
	e->walk_floor = UINT64_MAX; /* a new tick: the walk down a reorg may take its steps again */
	rpc_client_health(e->rpc, &h);
	switch (e->follow) {
	case FOLLOW_STARTING:
		if (rpc_client_is_ipc(e->rpc)) {
			p = cJSON_CreateArray();
			cJSON_AddItemToArray(p, cJSON_CreateString("newHeads"));
			e->follow_call = rpc_call(e->rpc, "eth_subscribe", p, on_subscribed, e);
		} else {
			e->follow = FOLLOW_FILTER;
		}
		e->follow_call = e->follow_call ? e->follow_call :
		                 rpc_call(e->rpc, "eth_blockNumber", NULL, on_block_number, e);
		break;
	case FOLLOW_SUBSCRIPTION:
		if (!h.up) {
			/* The subscription went with the connection. */
			e->sub_id[0] = '\0';
			e->follow = FOLLOW_STARTING;
		}
		e->follow_call = rpc_call(e->rpc, "eth_blockNumber", NULL, on_block_number, e);
		break;
	case FOLLOW_FILTER:
		if (!e->filter_id[0]) {
			e->follow_call = rpc_call(e->rpc, "eth_newBlockFilter", NULL, on_new_filter, e);
			break;
		}
		/*
		 * The head's number rides along: a filter announces new blocks only,
		 * so a reorg to a shorter chain shows as a lower number (and a block
		 * the filter missed as a higher one).
		 */
		if (!(b = rpc_batch_new()))
			break;
		p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, cJSON_CreateString(e->filter_id));
		rpc_batch_add(b, "eth_getFilterChanges", p);
		rpc_batch_add(b, "eth_blockNumber", NULL);
		e->follow_call = rpc_batch_send(e->rpc, b, on_filter_changes, e);
		break;
	case FOLLOW_POLL:
		e->follow_call = rpc_call(e->rpc, "eth_getBlockByNumber", params_tag("latest"), on_latest, e);
		break;
	}
}

static void schedule(struct explorer *e, uint64_t ms)
{
	if (!e->timer)
		e->timer = loop_timer_add(e->loop, ms, follow_step, e);
}

/* ---- documents ---- */

static void doc_clear(struct explorer *e)
{
	struct explorer_doc *d = &e->doc;

	if (e->doc_call)
		rpc_cancel(e->rpc, e->doc_call);
	if (e->doc_call2)
		rpc_cancel(e->rpc, e->doc_call2);
	if (e->balances_call)
		rpc_cancel(e->rpc, e->balances_call);
	e->doc_call = e->doc_call2 = e->balances_call = 0;
	if (e->history) {
		history_cancel(e->history);
		e->history = NULL;
	}
	/* Receipts first: their count is the block's. */
	for (size_t i = 0; d->receipts && i < d->block.tx_count; i++)
		eth_receipt_free(&d->receipts[i]);
	free(d->receipts);
	eth_block_free(&d->block);
	eth_tx_free(&d->tx);
	eth_receipt_free(&d->receipt);
	free(d->history);
	memset(d, 0, sizeof(*d));
}

static void doc_fail(struct explorer *e, enum explorer_doc_state st, const char *what, const char *detail)
{
	char raw[256];

	snprintf(raw, sizeof(raw), "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
	text_sanitize(e->doc.message, sizeof(e->doc.message), raw, strlen(raw));
	e->doc.state = st;
	notify(e);
}

/* -- block -- */

/* The block's receipts, decoded like the block (see block_decoded): all of them, or none. */
struct receipts_decoded {
	size_t n;
	struct eth_receipt *r;
};

static void receipts_discard(void *decoded)
{
	struct receipts_decoded *rd = decoded;

	for (size_t i = 0; i < rd->n; i++)
		eth_receipt_free(&rd->r[i]);
	free(rd->r);
	free(rd);
}

static void *receipts_decode(const struct rpc_reply *reply)
{
	struct receipts_decoded *rd;
	const cJSON *item;
	int n;

	if (reply->status != RPC_OK || !cJSON_IsArray(reply->result) || (n = cJSON_GetArraySize(reply->result)) <= 0)
		return NULL; /* fees are shown as maxima without receipts */
	rd = calloc(1, sizeof(*rd));
	if (!rd || !(rd->r = calloc((size_t)n, sizeof(*rd->r)))) {
		free(rd);
		return NULL;
	}
	cJSON_ArrayForEach(item, reply->result)
	{
		if (eth_decode_receipt(item, &rd->r[rd->n], NULL, 0) != 0) {
			receipts_discard(rd);
			return NULL;
		}
		rd->n++;
	}
	return rd;
}

static const struct rpc_decoder receipts_decoder = { .decode = receipts_decode, .discard = receipts_discard };

static void on_block_receipts(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	struct receipts_decoded *rd = res->decoded;

	e->doc_call2 = 0;
	if (!rd)
		return;
	if (rd->n != d->block.tx_count || d->receipts) {
		receipts_discard(rd);
		return;
	}
	d->receipts = rd->r; /* block.tx_count entries: doc_clear frees them */
	free(rd);
	notify(e);
}

/*
 * A full block is decoded where its answer was parsed: for a large one (tens of MB, tens of
 * thousands of transactions) that is the rpc client's parse thread, so the loop never holds
 * eth_decode_block's hundreds of ms. The worker only fills this struct; on_block_doc, on the loop,
 * moves the block into the document.
 */
struct block_decoded {
	int rc;
	char err[ETH_ERR_MAX];
	struct eth_block block;
};

static void *block_decode(const struct rpc_reply *reply)
{
	struct block_decoded *bd;

	if (reply->status != RPC_OK)
		return NULL; /* on_block_doc says what the node refused */
	bd = calloc(1, sizeof(*bd));
	if (bd)
		bd->rc = eth_decode_block(reply->result, &bd->block, bd->err, sizeof(bd->err));
	return bd;
}

static void block_discard(void *decoded)
{
	struct block_decoded *bd = decoded;

	eth_block_free(&bd->block);
	free(bd);
}

static const struct rpc_decoder block_decoder = { .decode = block_decode, .discard = block_discard };

static void on_block_doc(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	struct block_decoded *bd = res->decoded;
	int rc;

	e->doc_call = 0;
	if (res->status != RPC_OK) {
		doc_fail(e, DOC_ERROR, "the node did not answer", res->detail);
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		if (bd)
			block_discard(bd);
		doc_fail(e, DOC_ERROR, "the node refused", res->reply[0].message);
		return;
	}
	if (!bd) {
		doc_fail(e, DOC_ERROR, "out of memory decoding the block", NULL);
		return;
	}
	rc = bd->rc;
	if (rc == CD_ENOTFOUND) {
		block_discard(bd);
		/* a searched 32-byte hash was tried as a transaction first */
		doc_fail(e, DOC_NOT_FOUND,
		         d->hash_search ? "no such hash on this node: neither a block nor a transaction"
		                        : "no such block on this node",
		         NULL);
		return;
	}
	if (rc != 0) {
		char err[ETH_ERR_MAX];

		snprintf(err, sizeof(err), "%s", bd->err);
		block_discard(bd);
		doc_fail(e, DOC_ERROR, "the node sent a block chaindeck cannot read", err);
		return;
	}
	d->block = bd->block; /* the block's allocations move into the document */
	free(bd);
	log_msg(LOG_INFO, "explorer: block %llu ready, %zu transactions", (unsigned long long)d->block.number,
	        d->block.tx_count);
	d->state = DOC_READY;
	d->target.kind = DOC_BLOCK;
	d->target.number = d->block.number;
	if (d->block.tx_count) {
		cJSON *p = cJSON_CreateArray();
		char num[24];

		hex_format_u64(num, sizeof(num), d->block.number);
		cJSON_AddItemToArray(p, cJSON_CreateString(num));
		e->doc_call2 = rpc_call_decoded(e->rpc, "eth_getBlockReceipts", p, &receipts_decoder, on_block_receipts, e);
	}
	notify(e);
}

static void open_block(struct explorer *e)
{
	const struct explorer_target *t = &e->doc.target;

	if (t->by_hash)
		e->doc_call = rpc_call_decoded(e->rpc, "eth_getBlockByHash", params_hash(t->hash, true), &block_decoder,
		                               on_block_doc, e);
	else
		e->doc_call = rpc_call_decoded(e->rpc, "eth_getBlockByNumber", params_num(t->number, true), &block_decoder,
		                               on_block_doc, e);
}

/* -- transaction -- */

/*
 * A custom error no table knows, with its argument data as `cast run` shows
 * it: "custom error 0x9aef7003: 00..2a00..f39f". Argument data too long for
 * the text ends with a mark and its length, never cut silently.
 */
static void unknown_error_text(char *out, size_t cap, const uint8_t *data, size_t len)
{
	size_t n = snprintf(out, cap, "custom error 0x%02x%02x%02x%02x: ", data[0], data[1], data[2], data[3]);
	size_t room = cap - n, args = len - 4;

	if (args * 2 < room) {
		hex_encode(out + n, room, data + 4, args, 0);
		return;
	}
	/* whole bytes that fit before "... (N bytes of argument data)" */
	args = room > 48 ? (room - 48) / 2 : 0;
	hex_encode(out + n, room, data + 4, args, 0);
	n = strlen(out);
	snprintf(out + n, cap - n, "... (%zu bytes of argument data)", len - 4);
}

static void on_revert(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	const struct rpc_reply *r = res->status == RPC_OK ? &res->reply[0] : NULL;
	uint8_t data[4096];
	size_t len = 0;

	e->doc_call2 = 0;
	d->revert_state = REVERT_READY;
	if (!r) {
		snprintf(d->revert, sizeof(d->revert), "could not replay: %s", res->detail);
	} else if (r->status == RPC_OK) {
		snprintf(d->revert, sizeof(d->revert), "the replay did not revert (state differs from the original run)");
	} else {
		const cJSON *dj = r->data;

		/* Nodes put the revert data in error.data, as a hex string or inside an object. */
		if (cJSON_IsObject(dj))
			dj = cJSON_GetObjectItemCaseSensitive(dj, "data");
		if (cJSON_IsString(dj) &&
		    hex_decode(data, sizeof(data), &len, dj->valuestring, strlen(dj->valuestring)) == CD_OK) {
			char unknown[40];

			abi_decode_revert(data, len, d->revert, sizeof(d->revert));
			snprintf(unknown, sizeof(unknown), "0x%02x%02x%02x%02x (custom error)", data[0], data[1], data[2], data[3]);
			if (len > 4 && strcmp(d->revert, unknown) == 0)
				unknown_error_text(d->revert, sizeof(d->revert), data, len);
		} else
			text_sanitize(d->revert, sizeof(d->revert), r->message, strlen(r->message));
	}
	notify(e);
}

/* Replays a failed transaction with eth_call at its block to learn why it reverted. */
static void replay_for_reason(struct explorer *e)
{
	struct explorer_doc *d = &e->doc;
	cJSON *call = cJSON_CreateObject(), *p = cJSON_CreateArray();
	char buf[70], *input = malloc(d->tx.input_len * 2 + 3);

	if (!call || !p || !input) {
		cJSON_Delete(call);
		cJSON_Delete(p);
		free(input);
		return;
	}
	hex_encode(buf, sizeof(buf), d->tx.from, 20, 1);
	cJSON_AddStringToObject(call, "from", buf);
	if (d->tx.has_to) {
		hex_encode(buf, sizeof(buf), d->tx.to, 20, 1);
		cJSON_AddStringToObject(call, "to", buf);
	}
	hex_format_u64(buf, sizeof(buf), d->tx.gas);
	cJSON_AddStringToObject(call, "gas", buf);
	u256_format_hex(d->tx.value, buf, sizeof(buf));
	cJSON_AddStringToObject(call, "value", buf);
	hex_encode(input, d->tx.input_len * 2 + 3, d->tx.input, d->tx.input_len, 1);
	cJSON_AddStringToObject(call, "data", input);
	free(input);
	cJSON_AddItemToArray(p, call);
	hex_format_u64(buf, sizeof(buf), d->tx.block_number);
	cJSON_AddItemToArray(p, cJSON_CreateString(buf));
	d->revert_state = REVERT_LOADING;
	e->doc_call2 = rpc_call(e->rpc, "eth_call", p, on_revert, e);
}

static void on_tx_block(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct eth_block b;

	e->doc_call2 = 0;
	if (res->status == RPC_OK && res->reply[0].status == RPC_OK &&
	    eth_decode_header(res->reply[0].result, &b, NULL, 0) == 0) {
		e->doc.has_block_time = true;
		e->doc.block_time = b.timestamp;
		eth_block_free(&b);
	}
	if (e->doc.has_receipt && e->doc.receipt.has_status && e->doc.receipt.status == 0)
		replay_for_reason(e);
	notify(e);
}

static void open_block_by_hash_after_miss(struct explorer *e);

static void on_tx_doc(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	char err[ETH_ERR_MAX];
	int rc;

	e->doc_call = 0;
	if (res->status != RPC_OK) {
		doc_fail(e, DOC_ERROR, "the node did not answer", res->detail);
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		doc_fail(e, DOC_ERROR, "the node refused", res->reply[0].message);
		return;
	}
	eth_tx_free(&d->tx);
	rc = eth_decode_tx(res->reply[0].result, &d->tx, err, sizeof(err));
	if (rc == CD_ENOTFOUND) {
		if (d->target.kind == DOC_HASH) {
			open_block_by_hash_after_miss(e);
			return;
		}
		if (d->reorged) {
			char why[120];

			snprintf(why, sizeof(why), "it was in block %llu, which a reorg replaced",
			         (unsigned long long)d->reorged_block);
			doc_fail(e, DOC_NOT_FOUND, "transaction dropped by a reorg", why);
			return;
		}
		doc_fail(e, DOC_NOT_FOUND, "no such transaction on this node", NULL);
		return;
	}
	if (rc != 0) {
		doc_fail(e, DOC_ERROR, "the node sent a transaction chaindeck cannot read", err);
		return;
	}
	d->target.kind = DOC_TX;
	eth_receipt_free(&d->receipt);
	d->has_receipt = res->n > 1 && res->reply[1].status == RPC_OK &&
	                 eth_decode_receipt(res->reply[1].result, &d->receipt, NULL, 0) == 0;
	d->state = DOC_READY;
	if (d->has_receipt && !d->has_block_time && !e->doc_call2)
		e->doc_call2 = rpc_call(e->rpc, "eth_getBlockByNumber", params_num(d->receipt.block_number, false),
		                        on_tx_block, e);
	notify(e);
}

static void open_tx(struct explorer *e)
{
	struct rpc_batch *b = rpc_batch_new();

	if (!b)
		return;
	rpc_batch_add(b, "eth_getTransactionByHash", params_tx_hash(e->doc.target.hash));
	rpc_batch_add(b, "eth_getTransactionReceipt", params_tx_hash(e->doc.target.hash));
	e->doc_call = rpc_batch_send(e->rpc, b, on_tx_doc, e);
}

static void open_block_by_hash_after_miss(struct explorer *e)
{
	e->doc.target.kind = DOC_BLOCK;
	e->doc.target.by_hash = true;
	e->doc.hash_search = true;
	open_block(e);
}

/* -- address -- */

static void start_history(struct explorer *e);
static void fetch_token_balances(struct explorer *e);
static void notify_tokens_changed(void *ud);

/* eth_call's result as bytes; false when the call failed or the answer is not hex. */
static bool call_result(const struct rpc_reply *r, uint8_t *buf, size_t cap, size_t *len)
{
	return r->status == RPC_OK && cJSON_IsString(r->result) &&
	       hex_decode(buf, cap, len, r->result->valuestring, strlen(r->result->valuestring)) == CD_OK;
}

/* The contract is shown as a Safe only when all four answers decode as a Safe's. */
static void on_safe(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	uint8_t buf[32 * (SAFEVIEW_OWNERS_MAX + 2)];
	size_t len;

	e->doc_call2 = 0;
	if (res->status != RPC_OK || res->n != SAFEVIEW_CALLS)
		return;
	d->is_safe = call_result(&res->reply[0], buf, sizeof(buf), &len) &&
	             safeview_decode_version(buf, len, d->safe_version, sizeof(d->safe_version)) == CD_OK &&
	             call_result(&res->reply[1], buf, sizeof(buf), &len) &&
	             safeview_decode_owners(buf, len, d->safe_owners, SAFEVIEW_OWNERS_MAX, &d->safe_nowners) == CD_OK &&
	             d->safe_nowners > 0 &&
	             call_result(&res->reply[2], buf, sizeof(buf), &len) &&
	             abi_decode_uint(buf, len, 0, 256, &d->safe_threshold) == CD_OK &&
	             call_result(&res->reply[3], buf, sizeof(buf), &len) &&
	             abi_decode_uint(buf, len, 0, 256, &d->safe_nonce) == CD_OK;
	if (d->is_safe)
		notify(e);
}

/* Asks a contract the Safe's view calls, in one batch. */
static void fetch_safe(struct explorer *e)
{
	struct rpc_batch *b = rpc_batch_new();
	char to[48], data[2 * 4 + 3];

	if (!b)
		return;
	hex_encode(to, sizeof(to), e->doc.target.address, 20, 1);
	for (size_t i = 0; i < SAFEVIEW_CALLS; i++) {
		uint8_t sel[ABI_SELECTOR_SIZE];
		cJSON *call = cJSON_CreateObject(), *p = cJSON_CreateArray();

		abi_selector(safeview_call_sigs[i], sel);
		hex_encode(data, sizeof(data), sel, sizeof(sel), 1);
		cJSON_AddStringToObject(call, "to", to);
		cJSON_AddStringToObject(call, "data", data);
		cJSON_AddItemToArray(p, call);
		cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
		rpc_batch_add(b, "eth_call", p);
	}
	e->doc_call2 = rpc_batch_send(e->rpc, b, on_safe, e);
}

static void on_addr_doc(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;

	e->doc_call = 0;
	if (res->status != RPC_OK) {
		doc_fail(e, DOC_ERROR, "the node did not answer", res->detail);
		return;
	}
	d->has_balance = res->reply[0].status == RPC_OK && eth_decode_u256(res->reply[0].result, &d->balance, NULL, 0) == 0;
	d->has_nonce = res->reply[1].status == RPC_OK && eth_decode_u64(res->reply[1].result, &d->nonce, NULL, 0) == 0;
	if (res->reply[2].status == RPC_OK && cJSON_IsString(res->reply[2].result)) {
		size_t l = strlen(res->reply[2].result->valuestring);

		d->has_code = true;
		d->code_size = l >= 2 ? (l - 2) / 2 : 0;
	}
	d->state = DOC_READY;
	if (d->has_code && d->code_size)
		fetch_safe(e);
	start_history(e);
	notify(e);
}

static void open_address(struct explorer *e)
{
	struct rpc_batch *b = rpc_batch_new();
	char a[48];
	static const char *const methods[] = { "eth_getBalance", "eth_getTransactionCount", "eth_getCode" };

	if (!b)
		return;
	hex_encode(a, sizeof(a), e->doc.target.address, 20, 1);
	for (size_t i = 0; i < 3; i++) {
		cJSON *p = cJSON_CreateArray();

		cJSON_AddItemToArray(p, cJSON_CreateString(a));
		cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
		rpc_batch_add(b, methods[i], p);
	}
	e->doc_call = rpc_batch_send(e->rpc, b, on_addr_doc, e);
}

static void on_history_entries(void *ud, const struct history_entry *entries, size_t n)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;
	struct history_entry *grown = realloc(d->history, (d->nhistory + n) * sizeof(*grown));

	if (!grown)
		return;
	d->history = grown;
	memcpy(d->history + d->nhistory, entries, n * sizeof(*entries));
	d->nhistory += n;
	/* Tokens seen in the history get a balance line. */
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		if (entries[i].kind != HISTORY_TOKEN_IN && entries[i].kind != HISTORY_TOKEN_OUT)
			continue;
		for (size_t k = 0; k < d->ntokens && !known; k++)
			known = memcmp(d->tokens[k].token, entries[i].token, 20) == 0;
		if (!known && d->ntokens < EXPLORER_MAX_TOKENS)
			memcpy(d->tokens[d->ntokens++].token, entries[i].token, 20);
	}
	notify(e);
}

static void on_history_progress(void *ud, enum history_method m, uint64_t done, uint64_t total)
{
	struct explorer *e = ud;

	e->doc.history_method = m;
	e->doc.history_done = done;
	e->doc.history_total = total;
	notify(e);
}

static void on_history_done(void *ud, const struct history_result *r)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;

	history_free(e->history);
	e->history = NULL;
	d->history_running = false;
	d->history_method = r->method;
	d->history_more = r->more;
	d->history_failed = r->status != HISTORY_OK;
	e->history_cursor = r->next_before;
	text_sanitize(d->history_message, sizeof(d->history_message), r->message, strlen(r->message));
	fetch_token_balances(e);
	notify(e);
}

static void start_history(struct explorer *e)
{
	struct history_opts o = {
		.before_block = e->history_cursor, .page_size = HISTORY_PAGE,
		.method = HISTORY_AUTO, .caps = &e->caps, .on_entries = on_history_entries,
		.on_progress = on_history_progress, .on_done = on_history_done, .ud = e,
	};

	memcpy(o.address, e->doc.target.address, 20);
	e->doc.history_running = true;
	e->doc.history_failed = false;
	e->doc.history_message[0] = '\0';
	e->history = history_start(e->rpc, &o);
	if (!e->history) {
		e->doc.history_running = false;
		e->doc.history_failed = true;
		snprintf(e->doc.history_message, sizeof(e->doc.history_message), "could not start the history search");
	}
}

void explorer_history_more(struct explorer *e)
{
	if (e->doc.target.kind != DOC_ADDRESS || e->doc.history_running || !e->doc.history_more)
		return;
	start_history(e);
	notify(e);
}

void explorer_history_cancel(struct explorer *e)
{
	if (!e->history)
		return;
	history_cancel(e->history);
	e->history = NULL;
	e->doc.history_running = false;
	snprintf(e->doc.history_message, sizeof(e->doc.history_message), "search stopped; m searches further");
	e->doc.history_more = true;
	notify(e);
}

static void on_token_balances(void *ud, const struct rpc_response *res)
{
	struct explorer *e = ud;
	struct explorer_doc *d = &e->doc;

	e->balances_call = 0;
	if (res->status != RPC_OK)
		return;
	/* per token: balanceOf, then supportsInterface(ERC-721) */
	for (size_t i = 0; 2 * i + 1 < res->n && i < d->ntokens; i++) {
		struct u256 yes;

		d->tokens[i].known = res->reply[2 * i].status == RPC_OK &&
		                     tokens_balance_decode(res->reply[2 * i].result, &d->tokens[i].balance);
		d->tokens[i].erc721 = res->reply[2 * i + 1].status == RPC_OK &&
		                      tokens_balance_decode(res->reply[2 * i + 1].result, &yes) &&
		                      u256_cmp(yes, u256_from_u64(1)) == 0;
	}
	notify(e);
}

/*
 * supportsInterface(0x80ac58cd) (ERC-165): an ERC-721's balanceOf counts its
 * tokens, which have ids, not decimals.
 */
static cJSON *erc721_probe_params(const uint8_t token[20])
{
	cJSON *call = cJSON_CreateObject(), *p = cJSON_CreateArray();
	char to[48];
	static const char data[] = "0x01ffc9a7"
	                           "80ac58cd00000000000000000000000000000000000000000000000000000000";

	hex_encode(to, sizeof(to), token, 20, 1);
	cJSON_AddStringToObject(call, "to", to);
	cJSON_AddStringToObject(call, "data", data);
	cJSON_AddItemToArray(p, call);
	cJSON_AddItemToArray(p, cJSON_CreateString("latest"));
	return p;
}

/* balanceOf(address) on every token seen, in one batch; metadata comes through the token cache. */
static void fetch_token_balances(struct explorer *e)
{
	struct explorer_doc *d = &e->doc;
	struct rpc_batch *b;

	if (!d->ntokens || e->balances_call)
		return;
	b = rpc_batch_new();
	if (!b)
		return;
	for (size_t i = 0; i < d->ntokens; i++) {
		struct token_meta meta;

		tokens_get(e->tokens, d->tokens[i].token, &meta);
		rpc_batch_add(b, "eth_call", tokens_balance_params(d->tokens[i].token, d->target.address));
		rpc_batch_add(b, "eth_call", erc721_probe_params(d->tokens[i].token));
	}
	e->balances_call = rpc_batch_send(e->rpc, b, on_token_balances, e);
}

static void notify_tokens_changed(void *ud)
{
	notify(ud);
}

static void open_doc(struct explorer *e)
{
	switch (e->doc.target.kind) {
	case DOC_BLOCK:
		open_block(e);
		break;
	case DOC_TX:
	case DOC_HASH:
		open_tx(e);
		break;
	case DOC_ADDRESS:
		open_address(e);
		break;
	case DOC_NONE:
		break;
	}
}

void explorer_open(struct explorer *e, const struct explorer_target *t)
{
	doc_clear(e);
	e->history_cursor = 0;
	e->doc.target = *t;
	e->doc.state = DOC_LOADING;
	open_doc(e);
	notify(e);
}

/* A document that sits on a block a reorg replaced is fetched again. */
static void reload_doc_if_on(struct explorer *e, const uint8_t hash[32], uint64_t number)
{
	struct explorer_doc *d = &e->doc;
	bool on = (d->target.kind == DOC_BLOCK && d->state == DOC_READY && d->block.has_hash &&
	           memcmp(d->block.hash, hash, 32) == 0) ||
	          (d->target.kind == DOC_TX && d->has_receipt && memcmp(d->receipt.block_hash, hash, 32) == 0);
	struct explorer_target t = d->target;

	if (!on)
		return;
	if (t.kind == DOC_BLOCK)
		t.by_hash = false; /* the height stays; the block there is another one now */
	explorer_open(e, &t);
	e->doc.reorged = true; /* the view says why it changed */
	e->doc.reorged_block = number;
}

const struct explorer_doc *explorer_doc(const struct explorer *e)
{
	return &e->doc;
}

/* ---- search ---- */

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (hex_digit_value(s[i]) < 0)
			return false;
	}
	return true;
}

int explorer_parse_query(const char *text, struct explorer_target *out, char *err, size_t errlen)
{
	size_t len;
	const char *s = text;
	int rc;

	memset(out, 0, sizeof(*out));
	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0) {
		snprintf(err, errlen, "type a block number, a block or transaction hash, or an address");
		return -1;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!all_hex(s + 2, len - 2)) {
			snprintf(err, errlen, "not hexadecimal");
			return -1;
		}
		if (len == 66) {
			out->kind = DOC_HASH;
			return hex_decode_exact(out->hash, 32, s, len) == CD_OK ? 0 : -1;
		}
		if (len == 42) {
			struct address a;

			rc = address_parse(&a, s, len);
			if (rc != CD_OK) {
				snprintf(err, errlen, "%s", cd_strerror(rc));
				return -1;
			}
			out->kind = DOC_ADDRESS;
			memcpy(out->address, a.b, 20);
			return 0;
		}
		if (len <= 18 && hex_parse_u64(&out->number, s, len) == CD_OK) {
			out->kind = DOC_BLOCK;
			return 0;
		}
		snprintf(err, errlen, "0x-hex of %zu digits is neither a block number, a hash (64) nor an address (40)",
		         len - 2);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			snprintf(err, errlen, "not a block number, hash or address");
			return -1;
		}
	}
	if (len > 19) {
		snprintf(err, errlen, "block number too large");
		return -1;
	}
	out->number = strtoull(s, NULL, 10);
	out->kind = DOC_BLOCK;
	return 0;
}

/* ---- life ---- */

struct explorer *explorer_new(struct loop *loop, const struct config *cfg, const struct config_node *node,
                              void (*changed)(void *ud), void *ud, char *err, size_t errlen)
{
	struct explorer *e = calloc(1, sizeof(*e));
	struct rpc_opts o = {
		.url = node->url, .bearer = node->bearer, .headers = (const char *const *)node->headers,
		.nheaders = node->nheaders, .ca_file = node->ca_file,
		.timeout_ms = config_node_timeout(cfg, node) < 15000 ? 15000 : config_node_timeout(cfg, node),
		.connections = node->connections > 4 ? node->connections : 4,
	};
	char why[256];

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	e->loop = loop;
	e->refresh_ms = cfg->refresh_ms > 0 ? (uint64_t)cfg->refresh_ms : 1000;
	e->changed = changed;
	e->ud = ud;
	e->rpc = rpc_client_new(loop, &o, why, sizeof(why));
	if (!e->rpc) {
		snprintf(err, errlen, "node %s: %s", node->name, why);
		free(e);
		return NULL;
	}
	rpc_client_on_notify(e->rpc, on_notify, e);
	e->tokens = tokens_new(e->rpc, notify_tokens_changed, e);
	follow_step(e);
	return e;
}

void explorer_free(struct explorer *e)
{
	if (!e)
		return;
	if (e->timer)
		loop_timer_cancel(e->loop, e->timer);
	doc_clear(e);
	tokens_free(e->tokens);
	rpc_client_free(e->rpc);
	free(e);
}

enum explorer_follow explorer_follow_mode(const struct explorer *e)
{
	return e->follow;
}

bool explorer_head(const struct explorer *e, uint64_t *number)
{
	*number = e->head;
	return e->have_head;
}

size_t explorer_block_count(const struct explorer *e)
{
	return e->nrows;
}

const struct explorer_block_row *explorer_block(const struct explorer *e, size_t i)
{
	return i < e->nrows ? &e->rows[i] : NULL;
}

uint64_t explorer_reorgs(const struct explorer *e)
{
	return e->reorgs;
}

const char *explorer_follow_error(const struct explorer *e)
{
	return e->follow_error;
}

struct tokens *explorer_tokens(struct explorer *e)
{
	return e->tokens;
}
