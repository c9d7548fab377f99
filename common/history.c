/*
 * history — one page of an address's history, as a small state machine on
 * the loop thread:
 *
 *   head ─► ots ──────────────► logs ─┐
 *        └► trace rounds (logs inside) ┼─► assemble ─► enrich ─► deliver
 *        └► scan (blockfetch) ─► logs ─┘
 *
 * Each source yields a window [lo, hi] of blocks for which it has found
 * every matching entry; assemble sorts, cuts the page at a block boundary,
 * and enrich fetches what the source left out (transactions for trace hits,
 * receipts for status, headers for timestamps) in one batch.
 *
 * At most one RPC call or one blockfetch is outstanding at a time. User
 * callbacks run with h->busy raised; a history cancelled from inside one is
 * released when the callback returns, and the code that called it returns
 * at once without touching it (user_leave() says so).
 */
#include "common/history.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/blockfetch.h"
#include "common/xalloc.h"

enum {
	DEFAULT_PAGE = 25,
	MAX_PAGE = 1000,
	DEFAULT_SCAN_LIMIT = 10000,
	TRACE_FIRST_WINDOW = 1024,
	TRACE_MAX_WINDOW = 1 << 20,
	MSG_MAX = 256,
	NEED_TX = 1,      /* only the hash and position are known (trace) */
	NEED_RECEIPT = 2  /* status unknown */
};

static const char TRANSFER_TOPIC[] = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

struct item {
	struct history_entry e;
	unsigned need;
	bool is_token;
};

/* One request of the enrichment batch. */
enum enrich_kind { ENRICH_TX, ENRICH_RECEIPT, ENRICH_HEADER };
struct enrich_req {
	enum enrich_kind kind;
	size_t item;      /* ENRICH_TX, ENRICH_RECEIPT */
	uint64_t block;   /* ENRICH_HEADER */
};

struct history {
	struct rpc_client *c;
	struct history_opts o;
	size_t page_size;
	uint64_t scan_limit;
	char addr_hex[2 * ETH_ADDR_LEN + 3];
	char topic_hex[2 * ETH_HASH_LEN + 3];
	uint8_t topic[ETH_HASH_LEN];

	enum history_method method;   /* the one running now */
	uint64_t head, hi, lo;        /* page window: complete for [lo, hi] */
	uint64_t round_hi, window;    /* trace rounds */
	bool more;                    /* the page's cut, from assemble to deliver */
	uint64_t next_before;

	uint64_t call;                /* outstanding rpc call or batch, 0 = none */
	struct blockfetch *bf;

	struct item *items;
	size_t n, cap;
	struct enrich_req *reqs;
	size_t nreqs;

	int busy;                     /* user callbacks on the stack */
	bool dead;
	bool done;
	char msg[MSG_MAX];
};

/* ---- small helpers ------------------------------------------------------------------------ */

const char *history_method_name(enum history_method m)
{
	switch (m) {
	case HISTORY_OTS:
		return "ots";
	case HISTORY_TRACE:
		return "trace";
	case HISTORY_SCAN:
		return "scan";
	case HISTORY_AUTO:
		break;
	}
	return "auto";
}

/* Copies node text for display: printable ASCII only, bounded. */
static void sanitize(char *out, size_t cap, const char *s)
{
	size_t j = 0;

	if (!cap)
		return;
	for (; s && *s && j + 1 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		out[j++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	out[j] = '\0';
}

/* A block number or position as trace_filter sends it: a JSON number or a hex QUANTITY. */
static bool json_u64(const cJSON *j, uint64_t *out)
{
	if (cJSON_IsString(j) && j->valuestring)
		return hex_parse_u64(out, j->valuestring, strlen(j->valuestring)) == CD_OK;
	if (cJSON_IsNumber(j) && j->valuedouble >= 0 && j->valuedouble <= 9007199254740991.0 &&
	    (double)(uint64_t)j->valuedouble == j->valuedouble) {
		*out = (uint64_t)j->valuedouble;
		return true;
	}
	return false;
}

/* An optional hex QUANTITY member (blockTimestamp, timestamp); false when absent or malformed. */
static bool member_u64(const cJSON *obj, const char *name, uint64_t *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(j) && j->valuestring &&
	       hex_parse_u64(out, j->valuestring, strlen(j->valuestring)) == CD_OK;
}

static cJSON *quantity(uint64_t v)
{
	char buf[24];

	hex_format_u64(buf, sizeof(buf), v);
	return cJSON_CreateString(buf);
}

static struct item *add_item(struct history *h)
{
	struct item *it;

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 32;

		h->items = xrealloc(h->items, cap * sizeof(*h->items));
		h->cap = cap;
	}
	it = &h->items[h->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static struct item *find_tx(struct history *h, const uint8_t hash[ETH_HASH_LEN])
{
	for (size_t i = 0; i < h->n; i++)
		if (!h->items[i].is_token && memcmp(h->items[i].e.tx_hash, hash, ETH_HASH_LEN) == 0)
			return &h->items[i];
	return NULL;
}

static bool has_token(struct history *h, const uint8_t hash[ETH_HASH_LEN], uint64_t log_index)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->items[i].is_token && h->items[i].e.log_index == log_index &&
		    memcmp(h->items[i].e.tx_hash, hash, ETH_HASH_LEN) == 0)
			return true;
	return false;
}

static void hash_hex(char out[2 * ETH_HASH_LEN + 3], const uint8_t hash[ETH_HASH_LEN])
{
	hex_encode(out, 2 * ETH_HASH_LEN + 3, hash, ETH_HASH_LEN, 1);
}

/* Fills a transaction entry's fields from the transaction itself. */
static void set_from_tx(struct history *h, struct item *it, const struct eth_tx *tx)
{
	struct history_entry *e = &it->e;

	memcpy(e->tx_hash, tx->hash, ETH_HASH_LEN);
	e->block_number = tx->block_number;
	e->tx_index = tx->tx_index;
	memcpy(e->from, tx->from, ETH_ADDR_LEN);
	e->has_to = tx->has_to;
	memcpy(e->to, tx->to, ETH_ADDR_LEN);
	e->value = tx->value;
	e->has_selector = tx->input_len >= 4;
	if (e->has_selector)
		memcpy(e->selector, tx->input, 4);
	if (memcmp(tx->from, h->o.address, ETH_ADDR_LEN) == 0)
		e->kind = HISTORY_TX_OUT;
	else if (tx->has_to && memcmp(tx->to, h->o.address, ETH_ADDR_LEN) == 0)
		e->kind = HISTORY_TX_IN;
	else
		e->kind = HISTORY_TX_INTERNAL;
}

/* ---- lifetime and user callbacks -------------------------------------------------------------- */

static void destroy(struct history *h)
{
	if (h->call)
		rpc_cancel(h->c, h->call);
	/* safe from inside the fetch's own callbacks too */
	if (h->bf)
		blockfetch_cancel(h->bf);
	free(h->items);
	free(h->reqs);
	free(h);
}

static void user_enter(struct history *h)
{
	h->busy++;
}

/* After a user callback: false when the history was cancelled in it (then h may be gone). */
static bool user_leave(struct history *h)
{
	h->busy--;
	if (!h->dead)
		return true;
	if (h->busy == 0)
		destroy(h);
	return false;
}

static void page_finish(struct history *h, int status, bool more, uint64_t next_before)
{
	struct history_result r = {
		.status = status, .method = h->method, .more = more,
		.next_before = more ? next_before : 0, .head = h->head, .message = h->msg
	};

	h->done = true;
	if (h->call)
		rpc_cancel(h->c, h->call);
	h->call = 0;
	if (h->bf)
		blockfetch_cancel(h->bf); /* a scan that failed half-way; safe inside its callbacks */
	h->bf = NULL;
	user_enter(h);
	h->o.on_done(h->o.ud, &r);
	user_leave(h);
}

__attribute__((format(printf, 3, 4)))
static void fail(struct history *h, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->msg, sizeof(h->msg), fmt, ap);
	va_end(ap);
	page_finish(h, status, false, 0);
}

/* Fails with the words of a remote error, sanitized. */
static void fail_remote(struct history *h, int status, const char *what, const struct rpc_reply *r)
{
	char text[160];

	if (r->status == RPC_EREMOTE) {
		sanitize(text, sizeof(text), r->message);
		fail(h, status, "%s: %s (code %ld)", what, text, r->code);
	} else {
		fail(h, status, "%s: %s", what, cd_strerror(r->status));
	}
}

static void fail_transport(struct history *h, const char *what, const struct rpc_response *res)
{
	fail(h, HISTORY_ERPC, "%s: %s", what, res->detail ? res->detail : cd_strerror(res->status));
}

static bool progress(struct history *h, uint64_t done, uint64_t total)
{
	if (!h->o.on_progress)
		return true;
	user_enter(h);
	h->o.on_progress(h->o.ud, h->method, done, total);
	return user_leave(h);
}

/* ---- requests ----------------------------------------------------------------------------- */

/* eth_getLogs params: Transfer logs with the address as topic `pos` (1 = from, 2 = to) over [lo, hi]. */
static cJSON *logs_params(struct history *h, int pos, uint64_t lo, uint64_t hi)
{
	cJSON *p = cJSON_CreateArray(), *f = cJSON_CreateObject(), *topics = cJSON_CreateArray();

	cJSON_AddItemToObject(f, "fromBlock", quantity(lo));
	cJSON_AddItemToObject(f, "toBlock", quantity(hi));
	cJSON_AddItemToArray(topics, cJSON_CreateString(TRANSFER_TOPIC));
	if (pos == 2)
		cJSON_AddItemToArray(topics, cJSON_CreateNull());
	cJSON_AddItemToArray(topics, cJSON_CreateString(h->topic_hex));
	cJSON_AddItemToObject(f, "topics", topics);
	cJSON_AddItemToArray(p, f);
	return p;
}

static cJSON *trace_params(struct history *h, const char *field, uint64_t lo, uint64_t hi)
{
	cJSON *p = cJSON_CreateArray(), *f = cJSON_CreateObject(), *a = cJSON_CreateArray();

	cJSON_AddItemToObject(f, "fromBlock", quantity(lo));
	cJSON_AddItemToObject(f, "toBlock", quantity(hi));
	cJSON_AddItemToArray(a, cJSON_CreateString(h->addr_hex));
	cJSON_AddItemToObject(f, field, a);
	cJSON_AddItemToArray(p, f);
	return p;
}

/* Adds the Transfer logs of one eth_getLogs answer; false after failing the page. */
static bool take_logs(struct history *h, const cJSON *result, uint64_t lo, uint64_t hi)
{
	struct eth_log *logs = NULL;
	size_t count = 0;
	char err[ETH_ERR_MAX];
	int rc = eth_decode_logs(result, &logs, &count, err, sizeof(err));

	if (rc != CD_OK) {
		fail(h, CD_EPROTO, "eth_getLogs: %s", err);
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		const struct eth_log *l = &logs[i];
		const cJSON *jl = cJSON_GetArrayItem(result, (int)i);
		bool out, in;
		struct item *it;

		if (l->removed)
			continue;
		if (!l->has_block || !l->has_tx || !l->has_log_index) {
			fail(h, CD_EPROTO, "eth_getLogs: log %zu has no block, transaction or index", i);
			goto bad;
		}
		if (l->block_number < lo || l->block_number > hi) {
			fail(h, CD_EPROTO, "eth_getLogs: log in block %llu, outside the range asked (%llu..%llu)",
			     (unsigned long long)l->block_number, (unsigned long long)lo, (unsigned long long)hi);
			goto bad;
		}
		out = l->topic_count >= 2 && memcmp(l->topics[1], h->topic, ETH_HASH_LEN) == 0;
		in = l->topic_count >= 3 && memcmp(l->topics[2], h->topic, ETH_HASH_LEN) == 0;
		if (l->topic_count < 3 || (!out && !in)) {
			fail(h, CD_EPROTO, "eth_getLogs: log %zu does not match the filter", i);
			goto bad;
		}
		/* ERC-20: amount in data; ERC-721: token id as the fourth topic; anything else is another event */
		if (!((l->topic_count == 3 && l->data_len == 32) || (l->topic_count == 4 && l->data_len == 0)))
			continue;
		if (has_token(h, l->tx_hash, l->log_index))
			continue; /* a transfer to oneself answers both queries */
		it = add_item(h);
		it->is_token = true;
		it->e.kind = out ? HISTORY_TOKEN_OUT : HISTORY_TOKEN_IN;
		memcpy(it->e.tx_hash, l->tx_hash, ETH_HASH_LEN);
		it->e.block_number = l->block_number;
		it->e.tx_index = l->tx_index;
		it->e.log_index = l->log_index;
		memcpy(it->e.token, l->address, ETH_ADDR_LEN);
		memcpy(it->e.from, l->topics[1] + 12, ETH_ADDR_LEN);
		it->e.has_to = true;
		memcpy(it->e.to, l->topics[2] + 12, ETH_ADDR_LEN);
		it->e.nft = l->topic_count == 4;
		if (l->topic_count == 4)
			u256_from_be(&it->e.value, l->topics[3], ETH_HASH_LEN);
		else
			u256_from_be(&it->e.value, l->data, 32);
		/* a log exists only in a successful transaction */
		it->e.has_status = true;
		it->e.status = 1;
		member_u64(jl, "blockTimestamp", &it->e.timestamp);
	}
	eth_logs_free(logs, count);
	return true;
bad:
	eth_logs_free(logs, count);
	return false;
}

/* ---- deliver ------------------------------------------------------------------------------ */

static int cmp_items(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->e.block_number != b->e.block_number)
		return a->e.block_number > b->e.block_number ? -1 : 1;
	if (a->e.tx_index != b->e.tx_index)
		return a->e.tx_index > b->e.tx_index ? -1 : 1;
	if (a->is_token != b->is_token)
		return a->is_token ? 1 : -1;
	if (a->e.log_index != b->e.log_index)
		return a->e.log_index < b->e.log_index ? -1 : 1;
	return 0;
}

/*
 * A successful transaction that moved no ETH but moved tokens (a transfer()
 * call): its token entries say what it did, and an "OUT 0 ETH" entry beside
 * them would only repeat the hash. Its token entries are in the same page
 * (pages hold whole blocks).
 */
static bool only_a_token_call(const struct history *h, const struct item *it)
{
	if (it->is_token || !u256_is_zero(it->e.value) || !it->e.has_status || it->e.status != 1)
		return false;
	for (size_t i = 0; i < h->n; i++)
		if (h->items[i].is_token && memcmp(h->items[i].e.tx_hash, it->e.tx_hash, ETH_HASH_LEN) == 0)
			return true;
	return false;
}

static void page_deliver(struct history *h)
{
	if (h->n && h->o.on_entries) {
		struct history_entry *out = xcalloc(h->n, sizeof(*out));
		size_t n = 0;

		for (size_t i = 0; i < h->n; i++)
			if (!only_a_token_call(h, &h->items[i]))
				out[n++] = h->items[i].e;
		user_enter(h);
		h->o.on_entries(h->o.ud, out, n);
		free(out);
		if (!user_leave(h))
			return;
	}
	h->msg[0] = '\0';
	page_finish(h, HISTORY_OK, h->more, h->next_before);
}

/* ---- enrich: what the source left out, in one batch ----------------------------------------- */

/*
 * One answer of the enrichment batch, decoded and checked against what was
 * asked; nothing of the page changes until every answer is taken.
 */
struct enrich_answer {
	struct eth_tx tx;          /* ENRICH_TX: owned until applied */
	bool has_status;           /* ENRICH_RECEIPT */
	uint8_t status;
	uint64_t timestamp;        /* ENRICH_HEADER */
};


/*
 * The takers below decode one answer into *a. HISTORY_OK, or a failure
 * status with its words in msg; they never fail the page themselves, so the
 * caller can release what it took before (a failed page may be freed).
 */

/* eth_getTransactionByHash for a trace hit: the transaction, where the trace put it. */
static int take_enrich_tx(const struct item *it, const cJSON *result, struct enrich_answer *a, char *msg, size_t cap)
{
	char err[ETH_ERR_MAX], hx[2 * ETH_HASH_LEN + 3];
	int rc = eth_decode_tx(result, &a->tx, err, sizeof(err));

	hash_hex(hx, it->e.tx_hash);
	if (rc == CD_ENOTFOUND) {
		snprintf(msg, cap, "the node does not know transaction %s", hx);
		return CD_EPROTO;
	}
	if (rc != CD_OK) {
		snprintf(msg, cap, "transaction %s: %s", hx, err);
		return CD_EPROTO;
	}
	if (memcmp(a->tx.hash, it->e.tx_hash, ETH_HASH_LEN) != 0 || !a->tx.has_block ||
	    a->tx.block_number != it->e.block_number || a->tx.tx_index != it->e.tx_index) {
		eth_tx_free(&a->tx);
		snprintf(msg, cap, "transaction %s is not where the trace put it (block %llu, index %llu)", hx,
		         (unsigned long long)it->e.block_number, (unsigned long long)it->e.tx_index);
		return CD_EPROTO;
	}
	return HISTORY_OK;
}

/* eth_getTransactionReceipt: the status of the entry's transaction, from its own receipt. */
static int take_enrich_receipt(const struct item *it, const cJSON *result, struct enrich_answer *a, char *msg,
                               size_t cap)
{
	char err[ETH_ERR_MAX], hx[2 * ETH_HASH_LEN + 3];
	struct eth_receipt rcpt;
	int rc = eth_decode_receipt(result, &rcpt, err, sizeof(err));
	bool same;

	hash_hex(hx, it->e.tx_hash);
	if (rc == CD_ENOTFOUND) {
		snprintf(msg, cap, "the node has no receipt for transaction %s", hx);
		return CD_EPROTO;
	}
	if (rc != CD_OK) {
		snprintf(msg, cap, "receipt of %s: %s", hx, err);
		return CD_EPROTO;
	}
	same = memcmp(rcpt.tx_hash, it->e.tx_hash, ETH_HASH_LEN) == 0 && rcpt.block_number == it->e.block_number;
	a->has_status = rcpt.has_status;
	a->status = rcpt.status;
	eth_receipt_free(&rcpt);
	if (!same) {
		snprintf(msg, cap, "the receipt of %s belongs to another transaction or block", hx);
		return CD_EPROTO;
	}
	return HISTORY_OK;
}

/* eth_getBlockByNumber: the time of the block asked for. */
static int take_enrich_header(uint64_t block, const cJSON *result, struct enrich_answer *a, char *msg, size_t cap)
{
	char err[ETH_ERR_MAX];
	struct eth_block b;
	int rc = eth_decode_header(result, &b, err, sizeof(err));
	uint64_t number;

	if (rc == CD_ENOTFOUND) {
		snprintf(msg, cap, "the node does not know block %llu", (unsigned long long)block);
		return CD_EPROTO;
	}
	if (rc != CD_OK) {
		snprintf(msg, cap, "block %llu: %s", (unsigned long long)block, err);
		return CD_EPROTO;
	}
	number = b.number;
	a->timestamp = b.timestamp;
	eth_block_free(&b);
	if (number != block) {
		snprintf(msg, cap, "asked for block %llu, got %llu", (unsigned long long)block, (unsigned long long)number);
		return CD_EPROTO;
	}
	return HISTORY_OK;
}

/* Takes every answer of the batch into a[]; false after failing the page (a[] then owns nothing). */
static bool take_enrich(struct history *h, const struct rpc_response *res, struct enrich_answer *a)
{
	char msg[MSG_MAX];
	const struct rpc_reply *bad = NULL;
	int st = HISTORY_OK;
	size_t i;

	for (i = 0; i < h->nreqs; i++) {
		const struct enrich_req *q = &h->reqs[i];
		const struct rpc_reply *r = &res->reply[i];

		if (r->status != RPC_OK) {
			bad = r;
			break;
		}
		if (q->kind == ENRICH_TX)
			st = take_enrich_tx(&h->items[q->item], r->result, &a[i], msg, sizeof(msg));
		else if (q->kind == ENRICH_RECEIPT)
			st = take_enrich_receipt(&h->items[q->item], r->result, &a[i], msg, sizeof(msg));
		else
			st = take_enrich_header(q->block, r->result, &a[i], msg, sizeof(msg));
		if (st != HISTORY_OK)
			break;
	}
	if (i == h->nreqs)
		return true;
	/* release what was taken while h is still ours: failing the page may free it */
	for (size_t k = 0; k < i; k++)
		if (h->reqs[k].kind == ENRICH_TX)
			eth_tx_free(&a[k].tx);
	if (bad)
		fail_remote(h, HISTORY_ERPC, h->reqs[i].kind == ENRICH_TX ? "eth_getTransactionByHash" :
		            h->reqs[i].kind == ENRICH_RECEIPT ? "eth_getTransactionReceipt" : "eth_getBlockByNumber", bad);
	else
		fail(h, st, "%s", msg);
	return false;
}

/* Puts the taken answers into the page's entries, and sorts them again. */
static void apply_enrich(struct history *h, struct enrich_answer *a)
{
	for (size_t i = 0; i < h->nreqs; i++) {
		const struct enrich_req *q = &h->reqs[i];

		if (q->kind == ENRICH_TX) {
			set_from_tx(h, &h->items[q->item], &a[i].tx);
			eth_tx_free(&a[i].tx);
		} else if (q->kind == ENRICH_RECEIPT) {
			h->items[q->item].e.has_status = a[i].has_status;
			h->items[q->item].e.status = a[i].status;
		} else {
			for (size_t k = 0; k < h->n; k++)
				if (h->items[k].e.block_number == q->block)
					h->items[k].e.timestamp = a[i].timestamp;
		}
	}
	/* a trace hit may be neither the address's transaction nor in the right order any more */
	qsort(h->items, h->n, sizeof(*h->items), cmp_items);
}

static void on_enrich(void *ud, const struct rpc_response *res)
{
	struct history *h = ud;
	struct enrich_answer *a;

	h->call = 0;
	if (res->status != RPC_OK) {
		fail_transport(h, "fetching transaction details", res);
		return;
	}
	if (res->n != h->nreqs) {
		fail(h, CD_EPROTO, "the node answered %zu of %zu calls", res->n, h->nreqs);
		return;
	}
	a = xcalloc(h->nreqs, sizeof(*a));
	if (take_enrich(h, res, a)) {
		apply_enrich(h, a);
		free(a);
		page_deliver(h);
		return;
	}
	free(a);
}

static void add_req(struct history *h, enum enrich_kind kind, size_t item, uint64_t block)
{
	h->reqs = xrealloc(h->reqs, (h->nreqs + 1) * sizeof(*h->reqs));
	h->reqs[h->nreqs++] = (struct enrich_req){ .kind = kind, .item = item, .block = block };
}

static void enrich(struct history *h)
{
	struct rpc_batch *b;
	char hx[2 * ETH_HASH_LEN + 3];

	/* timestamps known for a block (ots, scan, logs with blockTimestamp) hold for all its entries */
	for (size_t i = 0; i < h->n; i++) {
		if (h->items[i].e.timestamp)
			continue;
		for (size_t k = 0; k < h->n; k++)
			if (h->items[k].e.timestamp && h->items[k].e.block_number == h->items[i].e.block_number) {
				h->items[i].e.timestamp = h->items[k].e.timestamp;
				break;
			}
	}
	h->nreqs = 0;
	for (size_t i = 0; i < h->n; i++) {
		const struct item *it = &h->items[i];
		bool first = true;

		if (it->need & NEED_TX)
			add_req(h, ENRICH_TX, i, 0);
		if (it->need & NEED_RECEIPT)
			add_req(h, ENRICH_RECEIPT, i, 0);
		if (it->e.timestamp)
			continue;
		for (size_t k = 0; k < i; k++)
			if (h->items[k].e.block_number == it->e.block_number)
				first = false;
		if (first)
			add_req(h, ENRICH_HEADER, i, it->e.block_number);
	}
	if (!h->nreqs) {
		page_deliver(h);
		return;
	}
	b = rpc_batch_new();
	for (size_t i = 0; i < h->nreqs; i++) {
		const struct enrich_req *q = &h->reqs[i];
		cJSON *p = cJSON_CreateArray();

		if (q->kind == ENRICH_HEADER) {
			cJSON_AddItemToArray(p, quantity(q->block));
			cJSON_AddItemToArray(p, cJSON_CreateBool(0));
			rpc_batch_add(b, "eth_getBlockByNumber", p);
		} else {
			hash_hex(hx, h->items[q->item].e.tx_hash);
			cJSON_AddItemToArray(p, cJSON_CreateString(hx));
			rpc_batch_add(b, q->kind == ENRICH_TX ? "eth_getTransactionByHash" : "eth_getTransactionReceipt", p);
		}
	}
	if (rpc_batch_size(b) != h->nreqs) {
		rpc_batch_free(b);
		goto nomem;
	}
	h->call = rpc_batch_send(h->c, b, on_enrich, h);
	if (!h->call)
		goto nomem;
	return;
nomem:
	fail(h, CD_ENOMEM, "out of memory");
}

/*
 * Every matching entry of blocks [h->lo, h->hi] is in items: sort, keep
 * whole blocks up to the page size, then fill in the details.
 */
static void assemble(struct history *h)
{
	size_t keep = h->n;

	if (h->n > 1)
		qsort(h->items, h->n, sizeof(*h->items), cmp_items);
	if (h->n > h->page_size) {
		size_t i = h->page_size;

		while (i < h->n && h->items[i].e.block_number == h->items[i - 1].e.block_number)
			i++;
		keep = i;
	}
	if (keep < h->n) {
		h->n = keep;
		h->more = true;
		h->next_before = h->items[keep - 1].e.block_number;
	} else {
		h->more = h->lo > 0;
		h->next_before = h->lo;
	}
	enrich(h);
}

/* ---- the Transfer logs of the window (ots, scan) ---------------------------------------------- */

static void on_logs(void *ud, const struct rpc_response *res)
{
	struct history *h = ud;

	h->call = 0;
	if (res->status != RPC_OK) {
		fail_transport(h, "eth_getLogs", res);
		return;
	}
	if (res->n != 2) {
		fail(h, CD_EPROTO, "eth_getLogs: the node answered %zu of 2 calls", res->n);
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		if (res->reply[i].status != RPC_OK) {
			fail_remote(h, HISTORY_ERPC, "eth_getLogs", &res->reply[i]);
			return;
		}
		if (!take_logs(h, res->reply[i].result, h->lo, h->hi))
			return;
	}
	assemble(h);
}

static void window_logs(struct history *h)
{
	struct rpc_batch *b = rpc_batch_new();

	if (rpc_batch_add(b, "eth_getLogs", logs_params(h, 1, h->lo, h->hi)) != 0 ||
	    rpc_batch_add(b, "eth_getLogs", logs_params(h, 2, h->lo, h->hi)) != 0) {
		rpc_batch_free(b);
		fail(h, CD_ENOMEM, "out of memory");
		return;
	}
	h->call = rpc_batch_send(h->c, b, on_logs, h);
	if (!h->call)
		fail(h, CD_ENOMEM, "out of memory");
}

/* ---- method choice ---------------------------------------------------------------------------- */

static void ots_begin(struct history *h);
static void trace_begin(struct history *h);
static void scan_begin(struct history *h);

/* The next method after `after` (HISTORY_AUTO = from the top) that the node may offer. */
static void run_from(struct history *h, enum history_method after)
{
	struct history_caps none = { 0 };
	const struct history_caps *caps = h->o.caps ? h->o.caps : &none;

	if (h->o.method != HISTORY_AUTO)
		after = h->o.method; /* a forced method never falls back: see fall_back */
	else if (after == HISTORY_AUTO) {
		after = caps->ots != HISTORY_SUPPORT_NO ? HISTORY_OTS :
		        caps->trace != HISTORY_SUPPORT_NO ? HISTORY_TRACE : HISTORY_SCAN;
	} else if (after == HISTORY_OTS) {
		after = caps->trace != HISTORY_SUPPORT_NO ? HISTORY_TRACE : HISTORY_SCAN;
	} else {
		after = HISTORY_SCAN;
	}
	h->method = after;
	h->n = 0;
	if (after == HISTORY_OTS)
		ots_begin(h);
	else if (after == HISTORY_TRACE)
		trace_begin(h);
	else
		scan_begin(h);
}

/*
 * A method's first call failed with a remote error. In auto mode fall back
 * (and remember the method is missing when the node said so); a forced
 * method fails. True when handled by falling back.
 */
static bool fall_back(struct history *h, const struct rpc_reply *r, enum history_support *cap, const char *what)
{
	bool unsupported = rpc_reply_unsupported(r);

	if (h->o.method == HISTORY_AUTO) {
		if (unsupported && cap)
			*cap = HISTORY_SUPPORT_NO;
		run_from(h, h->method);
		return true;
	}
	fail_remote(h, unsupported ? CD_EUNSUPPORTED : HISTORY_ERPC, what, r);
	return false;
}

/* ---- ots: ots_searchTransactionsBefore ---------------------------------------------------------- */

/*
 * Result: {txs: [tx...], receipts: [receipt...], firstPage, lastPage}, newest
 * first, whole blocks (the page size is a minimum). anvil and Erigon add the
 * block time as txs[i].blockTimestamp or receipts[i].timestamp.
 */
/* One transaction of an ots page, decoded and checked against its receipt. */
struct ots_entry {
	struct eth_tx tx;          /* owned until applied */
	bool has_status;
	uint8_t status;
	uint64_t timestamp;        /* 0 when the node did not say */
};

static void ots_entries_free(struct ots_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		eth_tx_free(&e[i].tx);
	free(e);
}

/* txs[i] with receipts[i]; false after failing the page. */
static bool take_ots_entry(struct history *h, const cJSON *jt, const cJSON *jr, int i, struct ots_entry *e)
{
	char err[ETH_ERR_MAX];
	struct eth_receipt rc;
	int st = eth_decode_tx(jt, &e->tx, err, sizeof(err));
	bool same;

	if (st != CD_OK) {
		fail(h, CD_EPROTO, "ots_searchTransactionsBefore: txs[%d]: %s", i, st == CD_ENOTFOUND ? "null" : err);
		return false;
	}
	st = eth_decode_receipt(jr, &rc, err, sizeof(err));
	if (st != CD_OK) {
		eth_tx_free(&e->tx);
		fail(h, CD_EPROTO, "ots_searchTransactionsBefore: receipts[%d]: %s", i, st == CD_ENOTFOUND ? "null" : err);
		return false;
	}
	same = e->tx.has_block && memcmp(e->tx.hash, rc.tx_hash, ETH_HASH_LEN) == 0 &&
	       e->tx.block_number == rc.block_number;
	e->has_status = rc.has_status;
	e->status = rc.status;
	eth_receipt_free(&rc);
	if (!same) {
		eth_tx_free(&e->tx);
		fail(h, CD_EPROTO, "ots_searchTransactionsBefore: receipts[%d] is not the receipt of txs[%d]", i, i);
		return false;
	}
	if (!member_u64(jt, "blockTimestamp", &e->timestamp))
		member_u64(jr, "timestamp", &e->timestamp);
	return true;
}

/*
 * The answer {txs, receipts, lastPage}: its entries into *out (*n of them,
 * the caller frees with ots_entries_free) and whether it is the last page.
 * False after failing the page.
 */
static bool take_ots(struct history *h, const cJSON *result, struct ots_entry **out, size_t *n, bool *last_page)
{
	const cJSON *txs = cJSON_GetObjectItemCaseSensitive(result, "txs");
	const cJSON *receipts = cJSON_GetObjectItemCaseSensitive(result, "receipts");
	const cJSON *last = cJSON_GetObjectItemCaseSensitive(result, "lastPage");
	struct ots_entry *e;
	int count;

	if (!cJSON_IsObject(result) || !cJSON_IsArray(txs) || !cJSON_IsArray(receipts) || !cJSON_IsBool(last)) {
		fail(h, CD_EPROTO, "ots_searchTransactionsBefore: expected {txs, receipts, lastPage}");
		return false;
	}
	count = cJSON_GetArraySize(txs);
	if (cJSON_GetArraySize(receipts) != count) {
		fail(h, CD_EPROTO, "ots_searchTransactionsBefore: %d transactions but %d receipts",
		     count, cJSON_GetArraySize(receipts));
		return false;
	}
	/* the node answered the method: whatever is wrong below, it has it */
	if (h->o.caps)
		h->o.caps->ots = HISTORY_SUPPORT_YES;
	e = xcalloc(count ? (size_t)count : 1, sizeof(*e));
	for (int i = 0; i < count; i++) {
		if (!take_ots_entry(h, cJSON_GetArrayItem(txs, i), cJSON_GetArrayItem(receipts, i), i, &e[i])) {
			ots_entries_free(e, (size_t)i);
			return false;
		}
	}
	*out = e;
	*n = (size_t)count;
	*last_page = cJSON_IsTrue(last);
	return true;
}

/*
 * Adds the page's entries that belong to the window; they come in whole
 * blocks, so everything from the lowest block returned up is here. False
 * after failing the page.
 */
static bool apply_ots(struct history *h, const struct ots_entry *e, size_t n, bool last_page)
{
	uint64_t lowest = UINT64_MAX;

	for (size_t i = 0; i < n; i++) {
		struct item *it;

		/* newer than the head this page is computed against; or a duplicate */
		if (e[i].tx.block_number > h->hi || find_tx(h, e[i].tx.hash))
			continue;
		it = add_item(h);
		set_from_tx(h, it, &e[i].tx);
		it->e.has_status = e[i].has_status;
		it->e.status = e[i].status;
		it->e.timestamp = e[i].timestamp;
		if (e[i].tx.block_number < lowest)
			lowest = e[i].tx.block_number;
	}
	h->lo = (last_page || lowest == UINT64_MAX) ? 0 : lowest;
	return true;
}

static void on_ots(void *ud, const struct rpc_response *res)
{
	struct history *h = ud;
	struct ots_entry *e;
	size_t n;
	bool last_page, ok;

	h->call = 0;
	if (res->status != RPC_OK) {
		fail_transport(h, "ots_searchTransactionsBefore", res);
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		fall_back(h, &res->reply[0], h->o.caps ? &h->o.caps->ots : NULL, "ots_searchTransactionsBefore");
		return;
	}
	if (!take_ots(h, res->reply[0].result, &e, &n, &last_page))
		return;
	ok = apply_ots(h, e, n, last_page);
	ots_entries_free(e, n);
	if (ok)
		window_logs(h);
}

static void ots_begin(struct history *h)
{
	cJSON *p = cJSON_CreateArray();

	cJSON_AddItemToArray(p, cJSON_CreateString(h->addr_hex));
	/* 0 asks from the head; otherwise strictly before the block given */
	cJSON_AddItemToArray(p, cJSON_CreateNumber(h->o.before_block ? (double)(h->hi + 1) : 0));
	cJSON_AddItemToArray(p, cJSON_CreateNumber((double)h->page_size));
	h->call = rpc_call(h->c, "ots_searchTransactionsBefore", p, on_ots, h);
	if (!h->call)
		fail(h, CD_ENOMEM, "out of memory");
}

/* ---- trace: trace_filter over growing windows, newest first -------------------------------------- */

static void trace_round(struct history *h);

/* Adds the transactions of one trace_filter answer over [lo, hi]; false after failing the page. */
static bool take_traces(struct history *h, const cJSON *result, uint64_t lo, uint64_t hi)
{
	const cJSON *t;
	int i = 0;

	if (!cJSON_IsArray(result)) {
		fail(h, CD_EPROTO, "trace_filter: expected an array");
		return false;
	}
	cJSON_ArrayForEach(t, result) {
		const cJSON *jh = cJSON_GetObjectItemCaseSensitive(t, "transactionHash");
		uint8_t hash[ETH_HASH_LEN];
		uint64_t block, pos;
		struct item *it;

		if (cJSON_IsNull(jh) || !jh) {
			i++;
			continue; /* block and uncle rewards carry no transaction */
		}
		if (!cJSON_IsString(jh) || hex_decode_exact(hash, ETH_HASH_LEN, jh->valuestring,
		                                            strlen(jh->valuestring)) != CD_OK ||
		    !json_u64(cJSON_GetObjectItemCaseSensitive(t, "blockNumber"), &block) ||
		    !json_u64(cJSON_GetObjectItemCaseSensitive(t, "transactionPosition"), &pos)) {
			fail(h, CD_EPROTO, "trace_filter: [%d] lacks transactionHash, blockNumber or transactionPosition", i);
			return false;
		}
		if (block < lo || block > hi) {
			fail(h, CD_EPROTO, "trace_filter: a trace in block %llu, outside the range asked (%llu..%llu)",
			     (unsigned long long)block, (unsigned long long)lo, (unsigned long long)hi);
			return false;
		}
		i++;
		if (find_tx(h, hash))
			continue;
		it = add_item(h);
		memcpy(it->e.tx_hash, hash, ETH_HASH_LEN);
		it->e.block_number = block;
		it->e.tx_index = pos;
		it->need = NEED_TX | NEED_RECEIPT;
	}
	return true;
}

static void on_trace_round(void *ud, const struct rpc_response *res)
{
	struct history *h = ud;
	uint64_t hi = h->round_hi;
	uint64_t lo = hi >= h->window - 1 ? hi - (h->window - 1) : 0;
	static const char *const what[4] = { "trace_filter", "trace_filter", "eth_getLogs", "eth_getLogs" };

	h->call = 0;
	if (res->status != RPC_OK) {
		fail_transport(h, "trace_filter", res);
		return;
	}
	if (res->n != 4) {
		fail(h, CD_EPROTO, "trace_filter: the node answered %zu of 4 calls", res->n);
		return;
	}
	for (size_t i = 0; i < 4; i++) {
		if (res->reply[i].status == RPC_OK)
			continue;
		if (i < 2 && hi == h->hi) {
			/* the first round probes the method */
			fall_back(h, &res->reply[i], h->o.caps ? &h->o.caps->trace : NULL, "trace_filter");
			return;
		}
		fail_remote(h, HISTORY_ERPC, what[i], &res->reply[i]);
		return;
	}
	if (h->o.caps)
		h->o.caps->trace = HISTORY_SUPPORT_YES;
	for (size_t i = 0; i < 4; i++) {
		bool ok = i < 2 ? take_traces(h, res->reply[i].result, lo, hi) : take_logs(h, res->reply[i].result, lo, hi);

		if (!ok)
			return;
	}
	if (!progress(h, h->hi - lo + 1, h->hi + 1))
		return;
	if (h->n >= h->page_size || lo == 0) {
		h->lo = lo;
		assemble(h);
		return;
	}
	h->round_hi = lo - 1;
	if (h->window < TRACE_MAX_WINDOW)
		h->window *= 2;
	trace_round(h);
}

static void trace_round(struct history *h)
{
	uint64_t hi = h->round_hi;
	uint64_t lo = hi >= h->window - 1 ? hi - (h->window - 1) : 0;
	struct rpc_batch *b = rpc_batch_new();

	if (rpc_batch_add(b, "trace_filter", trace_params(h, "fromAddress", lo, hi)) != 0 ||
	    rpc_batch_add(b, "trace_filter", trace_params(h, "toAddress", lo, hi)) != 0 ||
	    rpc_batch_add(b, "eth_getLogs", logs_params(h, 1, lo, hi)) != 0 ||
	    rpc_batch_add(b, "eth_getLogs", logs_params(h, 2, lo, hi)) != 0) {
		rpc_batch_free(b);
		fail(h, CD_ENOMEM, "out of memory");
		return;
	}
	h->call = rpc_batch_send(h->c, b, on_trace_round, h);
	if (!h->call)
		fail(h, CD_ENOMEM, "out of memory");
}

static void trace_begin(struct history *h)
{
	h->round_hi = h->hi;
	h->window = TRACE_FIRST_WINDOW;
	trace_round(h);
}

/* ---- scan: full blocks, newest first, at most scan_limit of them ---------------------------------- */

static void scan_block(void *ud, struct eth_block *b, bool *keep)
{
	struct history *h = ud;

	*keep = false;
	if (h->done)
		return; /* failed earlier in this scan: the rest is left to history_free */
	if (b->number < h->lo || b->number > h->hi) {
		fail(h, CD_EPROTO, "asked for blocks %llu..%llu, got block %llu", (unsigned long long)h->lo,
		     (unsigned long long)h->hi, (unsigned long long)b->number);
		return;
	}
	if (b->tx_kind != ETH_BLOCK_TX_FULL)
		return; /* no transactions */
	for (size_t i = 0; i < b->tx_count; i++) {
		const struct eth_tx *tx = &b->txs[i];
		struct item *it;

		if (memcmp(tx->from, h->o.address, ETH_ADDR_LEN) != 0 &&
		    !(tx->has_to && memcmp(tx->to, h->o.address, ETH_ADDR_LEN) == 0))
			continue;
		it = add_item(h);
		set_from_tx(h, it, tx);
		/* the block's own number and position: a full block's entries carry them too */
		it->e.block_number = b->number;
		it->e.tx_index = tx->has_block ? tx->tx_index : i;
		it->e.timestamp = b->timestamp;
		it->need = NEED_RECEIPT;
	}
}

static void scan_progress(void *ud, uint64_t done, uint64_t total)
{
	struct history *h = ud;

	if (!h->done)
		progress(h, done, total);
}

static void scan_done(void *ud, int status, const char *message)
{
	struct history *h = ud;

	if (h->done)
		return;
	blockfetch_free(h->bf);
	h->bf = NULL;
	if (status != RPC_OK) {
		char text[160];

		sanitize(text, sizeof(text), message ? message : cd_strerror(status));
		fail(h, HISTORY_ERPC, "block scan: %s", text);
		return;
	}
	window_logs(h);
}

static void scan_begin(struct history *h)
{
	struct blockfetch_opts bo = {
		.from = h->hi >= h->scan_limit ? h->hi - h->scan_limit + 1 : 0,
		.to = h->hi,
		.descending = true,
		.full_txs = true,
		.on_block = scan_block,
		.on_progress = scan_progress,
		.on_done = scan_done,
		.ud = h
	};

	h->lo = bo.from;
	h->bf = blockfetch_start(h->c, &bo);
	if (!h->bf)
		fail(h, CD_ENOMEM, "could not start the block scan");
}

/* ---- start ------------------------------------------------------------------------------------ */

static void on_head(void *ud, const struct rpc_response *res)
{
	struct history *h = ud;
	char err[ETH_ERR_MAX];

	h->call = 0;
	if (res->status != RPC_OK) {
		fail_transport(h, "eth_blockNumber", res);
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		fail_remote(h, HISTORY_ERPC, "eth_blockNumber", &res->reply[0]);
		return;
	}
	if (eth_decode_u64(res->reply[0].result, &h->head, err, sizeof(err)) != CD_OK) {
		fail(h, CD_EPROTO, "eth_blockNumber: %s", err);
		return;
	}
	h->hi = h->head;
	if (h->o.before_block && h->o.before_block - 1 < h->hi)
		h->hi = h->o.before_block - 1;
	if (h->hi == 0) {
		/* nothing before block 1: the genesis block holds no transactions */
		h->method = h->o.method;
		h->lo = 0;
		assemble(h);
		return;
	}
	run_from(h, HISTORY_AUTO);
}

struct history *history_start(struct rpc_client *c, const struct history_opts *o)
{
	struct history *h;

	if (!c || !o || !o->on_done || o->method > HISTORY_SCAN)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	h->c = c;
	h->o = *o;
	h->page_size = o->page_size ? o->page_size : DEFAULT_PAGE;
	if (h->page_size > MAX_PAGE)
		h->page_size = MAX_PAGE;
	h->scan_limit = o->scan_limit ? o->scan_limit : DEFAULT_SCAN_LIMIT;
	h->method = o->method;
	hex_encode(h->addr_hex, sizeof(h->addr_hex), o->address, ETH_ADDR_LEN, 1);
	memcpy(h->topic + (ETH_HASH_LEN - ETH_ADDR_LEN), o->address, ETH_ADDR_LEN);
	hex_encode(h->topic_hex, sizeof(h->topic_hex), h->topic, ETH_HASH_LEN, 1);
	h->call = rpc_call(c, "eth_blockNumber", NULL, on_head, h);
	if (!h->call) {
		free(h);
		return NULL;
	}
	return h;
}

void history_cancel(struct history *h)
{
	if (!h || h->dead)
		return;
	h->dead = true;
	if (h->call)
		rpc_cancel(h->c, h->call);
	h->call = 0;
	if (h->busy == 0)
		destroy(h);
}

void history_free(struct history *h)
{
	history_cancel(h);
}

/* ---- rewards ------------------------------------------------------------------------------ */

/* A block that paid the address, while its fees are still being summed. */
struct reward_item {
	struct history_reward r;
	bool has_base_fee;
	struct u256 base_fee;
	size_t tx_count;
};

struct history_rewards {
	struct rpc_client *c;
	struct history_rewards_opts o;
	struct blockfetch *bf;
	uint64_t call;
	struct reward_item *items;
	size_t n, cap;
	size_t *asked;       /* the items whose receipts the batch asked for, in order */
	size_t nasked;
	char msg[MSG_MAX];
};

/* Ethereum mainnet's proof-of-work schedule: 5 ETH, 3 from Byzantium, 2 from Constantinople, none after the merge. */
enum { BYZANTIUM = 4370000, CONSTANTINOPLE = 7280000, MERGE = 15537394 };

struct u256 history_pow_reward(uint64_t number, size_t uncles)
{
	uint64_t eth = number >= MERGE ? 0 : number >= CONSTANTINOPLE ? 2 : number >= BYZANTIUM ? 3 : 5;
	struct u256 base, per_uncle, out;

	u256_mul(&base, u256_from_u64(eth), u256_from_u64(1000000000000000000ull));
	/* The miner gets 1/32 of the block reward for each uncle it includes. */
	u256_mul(&per_uncle, u256_from_u64(eth * (1000000000000000000ull / 32)), u256_from_u64(uncles));
	u256_add(&out, base, per_uncle);
	return out;
}

static void rewards_finish(struct history_rewards *r, int status, const char *message)
{
	struct history_reward *out = NULL;
	size_t n = 0;
	void (*done)(void *, int, const char *, const struct history_reward *, size_t) = r->o.on_done;
	void *ud = r->o.ud;
	char msg[MSG_MAX];

	snprintf(msg, sizeof(msg), "%s", message);
	if (status == HISTORY_OK && r->n) {
		out = xcalloc(r->n, sizeof(*out));
	}
	if (out) {
		/* Newest first: blockfetch delivers in completion order. */
		for (size_t i = 0; i < r->n; i++) {
			size_t k = n;

			while (k > 0 && out[k - 1].block_number < r->items[i].r.block_number) {
				out[k] = out[k - 1];
				k--;
			}
			out[k] = r->items[i].r;
			n++;
		}
	}
	r->o.on_done = NULL; /* exactly once */
	if (done)
		done(ud, status, msg, out, n);
	free(out);
	/* r may be freed by now (the callback may cancel it): nothing touches it after. */
}

static void rewards_fail(struct history_rewards *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void rewards_fail(struct history_rewards *r, int status, const char *fmt, ...)
{
	char text[MSG_MAX], clean[MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sanitize(clean, sizeof(clean), text);
	rewards_finish(r, status, clean);
}

static void rewards_total(struct reward_item *it)
{
	struct u256 t;

	it->r.total = it->r.tips;
	if (u256_add(&t, it->r.total, it->r.block_reward) == CD_OK)
		it->r.total = t;
	if (u256_add(&t, it->r.total, it->r.withdrawals) == CD_OK)
		it->r.total = t;
}

static void on_rewards_receipts(void *ud, const struct rpc_response *res)
{
	struct history_rewards *r = ud;

	r->call = 0;
	if (res->status != RPC_OK) {
		rewards_fail(r, HISTORY_ERPC, "rewards: block receipts: %s", res->detail ? res->detail : "no answer");
		return;
	}
	for (size_t k = 0; k < r->nasked && k < res->n; k++) {
		struct reward_item *it = &r->items[r->asked[k]];
		const struct rpc_reply *rep = &res->reply[k];
		const cJSON *e;
		size_t count = 0;

		if (rep->status != RPC_OK || !cJSON_IsArray(rep->result)) {
			rewards_fail(r, rep->status != RPC_OK ? HISTORY_ERPC : CD_EPROTO,
			             "rewards: the node gave no receipts of block %llu (eth_getBlockReceipts)",
			             (unsigned long long)it->r.block_number);
			return;
		}
		cJSON_ArrayForEach(e, rep->result) {
			struct eth_receipt rc;
			struct u256 tip, fee, sum;
			char err[128];

			if (eth_decode_receipt(e, &rc, err, sizeof(err)) != CD_OK) {
				rewards_fail(r, CD_EPROTO, "rewards: block %llu: %s", (unsigned long long)it->r.block_number,
				             err);
				return;
			}
			count++;
			if (!rc.has_effective_gas_price) {
				eth_receipt_free(&rc);
				rewards_fail(r, CD_EPROTO, "rewards: block %llu: receipts without effectiveGasPrice",
				             (unsigned long long)it->r.block_number);
				return;
			}
			tip = rc.effective_gas_price;
			if (it->has_base_fee && u256_sub(&tip, rc.effective_gas_price, it->base_fee) != CD_OK) {
				eth_receipt_free(&rc);
				rewards_fail(r, CD_EPROTO, "rewards: block %llu: a gas price below the base fee",
				             (unsigned long long)it->r.block_number);
				return;
			}
			if (u256_mul(&fee, tip, u256_from_u64(rc.gas_used)) == CD_OK &&
			    u256_add(&sum, it->r.tips, fee) == CD_OK)
				it->r.tips = sum;
			eth_receipt_free(&rc);
		}
		if (count != it->tx_count) {
			rewards_fail(r, CD_EPROTO, "rewards: block %llu has %zu transactions but %zu receipts",
			             (unsigned long long)it->r.block_number, it->tx_count, count);
			return;
		}
		rewards_total(it);
	}
	rewards_finish(r, HISTORY_OK, "");
}

static void on_rewards_block(void *ud, struct eth_block *b, bool *keep)
{
	struct history_rewards *r = ud;
	struct reward_item it;
	bool paid = false;

	(void)keep;
	memset(&it, 0, sizeof(it));
	it.r.block_number = b->number;
	it.r.timestamp = b->timestamp;
	it.r.block_reward_known = true;
	it.r.fee_recipient = b->has_miner && memcmp(b->miner, r->o.address, ETH_ADDR_LEN) == 0;
	for (size_t i = 0; i < b->withdrawal_count; i++) {
		struct u256 wei, sum;

		if (memcmp(b->withdrawals[i].address, r->o.address, ETH_ADDR_LEN) != 0)
			continue;
		paid = true;
		if (u256_mul(&wei, u256_from_u64(b->withdrawals[i].amount_gwei), u256_from_u64(1000000000)) == CD_OK &&
		    u256_add(&sum, it.r.withdrawals, wei) == CD_OK)
			it.r.withdrawals = sum;
	}
	if (!it.r.fee_recipient && !paid)
		return;
	if (it.r.fee_recipient && b->has_difficulty && !u256_is_zero(b->difficulty)) {
		/* Proof of work: the issuance is known for mainnet's schedule only. */
		if (r->o.chain_id == 1)
			it.r.block_reward = history_pow_reward(b->number, b->uncle_count);
		else
			it.r.block_reward_known = false;
	}
	it.has_base_fee = b->has_base_fee;
	it.base_fee = b->base_fee;
	it.tx_count = it.r.fee_recipient ? b->tx_count : 0;
	rewards_total(&it);
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;

		r->items = xrealloc(r->items, cap * sizeof(*r->items));
		r->cap = cap;
	}
	r->items[r->n++] = it;
}

static void on_rewards_blocks_done(void *ud, int status, const char *message)
{
	struct history_rewards *r = ud;
	struct rpc_batch *b;

	blockfetch_free(r->bf);
	r->bf = NULL;
	if (status != RPC_OK) {
		rewards_fail(r, HISTORY_ERPC, "rewards: %s", message ? message : "the blocks could not be read");
		return;
	}
	/* The fees of the blocks the address was fee recipient of, from their receipts in one batch. */
	r->asked = r->n ? xcalloc(r->n, sizeof(*r->asked)) : NULL;
	b = rpc_batch_new();
	for (size_t i = 0; i < r->n; i++) {
		cJSON *p;

		if (!r->items[i].tx_count)
			continue;
		p = cJSON_CreateArray();
		cJSON_AddItemToArray(p, quantity(r->items[i].r.block_number));
		rpc_batch_add(b, "eth_getBlockReceipts", p);
		r->asked[r->nasked++] = i;
	}
	if (!r->nasked) {
		rpc_batch_free(b);
		rewards_finish(r, HISTORY_OK, "");
		return;
	}
	r->call = rpc_batch_send(r->c, b, on_rewards_receipts, r);
	if (!r->call)
		rewards_finish(r, HISTORY_ERPC, "rewards: the receipts could not be asked for");
}

struct history_rewards *history_rewards_start(struct rpc_client *c, const struct history_rewards_opts *o)
{
	struct history_rewards *r;
	struct blockfetch_opts bo = { .descending = true, .full_txs = false, .on_block = on_rewards_block,
	                              .on_done = on_rewards_blocks_done };

	if (!c || !o || !o->on_done || o->from > o->to)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->c = c;
	r->o = *o;
	bo.from = o->from;
	bo.to = o->to;
	bo.ud = r;
	r->bf = blockfetch_start(c, &bo);
	if (!r->bf) {
		free(r);
		return NULL;
	}
	return r;
}

void history_rewards_cancel(struct history_rewards *r)
{
	if (!r)
		return;
	blockfetch_cancel(r->bf);
	if (r->call)
		rpc_cancel(r->c, r->call);
	free(r->items);
	free(r->asked);
	free(r);
}
