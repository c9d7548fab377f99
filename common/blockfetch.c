/*
 * blockfetch — a range of eth_getBlockByNumber calls in JSON-RPC batches.
 *
 * The range is walked in request order (ascending or descending); index i of
 * that order is block from + i (or to - i). A fixed table of slots holds the
 * batches in flight. When a batch answers, its slot is refilled before its
 * blocks are decoded, so the node is already working on the next batch while
 * this one is decoded and delivered.
 *
 * Re-entrancy: the caller may cancel (or free) the fetch from inside any of
 * its callbacks. The fetch is then only marked dead, and released when the
 * rpc callback that is running on its behalf returns (depth drops to 0).
 */
#include "common/blockfetch.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text.h"
#include "common/xalloc.h"

/* Over IPC every request is written at once on one socket: two keep it busy. */
#define IPC_INFLIGHT 2

struct slot {
	struct blockfetch *f;
	uint64_t call_id;      /* 0: free */
	uint64_t first;        /* request-order index of its first block */
	size_t n;
};

struct blockfetch {
	struct rpc_client *c;
	struct blockfetch_opts o;
	uint64_t total;        /* blocks in the range */
	uint64_t next;         /* request-order index of the next block to ask for */
	uint64_t done;         /* blocks delivered */
	size_t batch;
	size_t nslots;         /* most batches in flight */
	bool adaptive;         /* add batches only while the client starts them at once */
	size_t running;        /* slots in use */
	struct slot *slots;
	unsigned depth;        /* > 0 while one of its rpc callbacks runs */
	bool finished;         /* on_done ran */
	bool dead;             /* cancelled or freed: released when depth is 0 */
};

static uint64_t number_at(const struct blockfetch *f, uint64_t i)
{
	return f->o.descending ? f->o.to - i : f->o.from + i;
}

static void release(struct blockfetch *f)
{
	free(f->slots);
	free(f);
}

static void cancel_all(struct blockfetch *f)
{
	for (size_t i = 0; i < f->nslots; i++) {
		if (f->slots[i].call_id) {
			rpc_cancel(f->c, f->slots[i].call_id);
			f->slots[i].call_id = 0;
		}
	}
	f->running = 0;
}

/* Ends the fetch: cancels what is in flight, then on_done. */
static void finish(struct blockfetch *f, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void finish(struct blockfetch *f, int status, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (f->finished || f->dead)
		return;
	f->finished = true;
	cancel_all(f);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->o.on_done(f->o.ud, status, msg);
}

static void on_batch(void *ud, const struct rpc_response *res);

/* Sends the next batch of the range in slot s. 0, or -1 when it could not be queued. */
static int send_batch(struct blockfetch *f, struct slot *s)
{
	uint64_t left = f->total - f->next;
	size_t n = left < f->batch ? (size_t)left : f->batch;
	struct rpc_batch *b = rpc_batch_new();
	char hex[2 + 16 + 1];

	if (!b)
		return -1;
	for (size_t i = 0; i < n; i++) {
		cJSON *params = cJSON_CreateArray();
		bool built;

		snprintf(hex, sizeof(hex), "0x%" PRIx64, number_at(f, f->next + i));
		built = params && cJSON_AddItemToArray(params, cJSON_CreateString(hex)) &&
		        cJSON_AddItemToArray(params, cJSON_CreateBool(f->o.full_txs));
		if (!built)
			cJSON_Delete(params);
		/* rpc_batch_add takes params, and frees them when it fails */
		if (!built || rpc_batch_add(b, "eth_getBlockByNumber", params) != RPC_OK) {
			rpc_batch_free(b);
			return -1;
		}
	}
	s->call_id = rpc_batch_send(f->c, b, on_batch, s);
	if (!s->call_id)
		return -1;
	s->first = f->next;
	s->n = n;
	f->next += n;
	f->running++;
	return 0;
}

/*
 * Puts batches in flight up to the limit. Returns -1 only when nothing is in
 * flight afterwards although blocks are left to ask for (the caller ends the
 * fetch); a batch that cannot be queued while others run is retried when the
 * next one answers.
 */
static int refill(struct blockfetch *f)
{
	while (f->next < f->total && f->running < f->nslots) {
		struct slot *s = NULL;
		struct rpc_health h;

		for (size_t i = 0; i < f->nslots && !s; i++) {
			if (!f->slots[i].call_id)
				s = &f->slots[i];
		}
		if (!s || send_batch(f, s) != 0)
			break;
		if (f->adaptive) {
			/* Every connection busy and one batch ready for the next free one: enough. */
			rpc_client_health(f->c, &h);
			if (h.queued > 0)
				break;
		}
	}
	return f->running == 0 && f->next < f->total ? -1 : 0;
}

/* Decodes and delivers the n blocks of a batch that started at request index first. */
static void deliver(struct blockfetch *f, uint64_t first, size_t n, const struct rpc_response *res)
{
	uint64_t lo = number_at(f, first), hi = number_at(f, first + n - 1);
	char err[ETH_ERR_MAX], text[200];

	if (f->o.descending) {
		uint64_t t = lo;

		lo = hi;
		hi = t;
	}
	if (res->status != RPC_OK) {
		finish(f, res->status, "blocks %" PRIu64 "-%" PRIu64 ": %s", lo, hi,
		       res->detail ? res->detail : cd_strerror(res->status));
		return;
	}
	if (res->n != n) {
		finish(f, CD_EPROTO, "blocks %" PRIu64 "-%" PRIu64 ": %zu answers to %zu calls", lo, hi, res->n, n);
		return;
	}
	/* The node works on the next batch while this one is decoded. */
	if (refill(f) != 0) {
		finish(f, CD_ENOMEM, "blocks from %" PRIu64 ": could not queue the request (out of memory)",
		       number_at(f, f->next));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rpc_reply *r = &res->reply[i];
		uint64_t num = number_at(f, first + i);
		struct eth_block b;
		bool keep = false;
		int rc;

		if (r->status == RPC_EREMOTE) {
			text_sanitize(text, sizeof(text), r->message, strlen(r->message));
			finish(f, RPC_EREMOTE, "block %" PRIu64 ": node error %ld: %s", num, r->code, text);
			return;
		}
		if (r->status != RPC_OK) {
			finish(f, r->status, "block %" PRIu64 ": %s", num, cd_strerror(r->status));
			return;
		}
		if (cJSON_IsNull(r->result)) {
			finish(f, CD_ENOTFOUND, "block %" PRIu64 " is not on the node (past its head, or not kept)", num);
			return;
		}
		rc = eth_decode_block(r->result, &b, err, sizeof(err));
		if (rc != CD_OK) {
			finish(f, rc, "block %" PRIu64 ": %s", num, err);
			return;
		}
		if (b.number != num) {
			uint64_t got = b.number;

			eth_block_free(&b);
			finish(f, CD_EPROTO, "block %" PRIu64 ": the node answered with block %" PRIu64, num, got);
			return;
		}
		f->o.on_block(f->o.ud, &b, &keep);
		if (!keep)
			eth_block_free(&b);
		if (f->dead)
			return;
	}
	f->done += n;
	if (f->o.on_progress) {
		f->o.on_progress(f->o.ud, f->done, f->total);
		if (f->dead)
			return;
	}
	if (f->done == f->total)
		finish(f, RPC_OK, "%" PRIu64 " blocks", f->total);
}

static void on_batch(void *ud, const struct rpc_response *res)
{
	struct slot *s = ud;
	struct blockfetch *f = s->f;
	uint64_t first = s->first;
	size_t n = s->n;

	s->call_id = 0;
	f->running--;
	f->depth++;
	deliver(f, first, n, res);
	f->depth--;
	if (f->depth == 0 && f->dead)
		release(f);
}

struct blockfetch *blockfetch_start(struct rpc_client *c, const struct blockfetch_opts *o)
{
	struct blockfetch *f;

	if (!c || !o || !o->on_block || !o->on_done || o->from > o->to || o->to - o->from == UINT64_MAX)
		return NULL;
	f = xcalloc(1, sizeof(*f));
	f->c = c;
	f->o = *o;
	f->total = o->to - o->from + 1;
	f->batch = o->batch ? o->batch : BLOCKFETCH_DEFAULT_BATCH;
	if (o->inflight) {
		f->nslots = o->inflight < BLOCKFETCH_MAX_INFLIGHT ? o->inflight : BLOCKFETCH_MAX_INFLIGHT;
	} else if (rpc_client_is_ipc(c)) {
		f->nslots = IPC_INFLIGHT;
	} else {
		f->nslots = BLOCKFETCH_MAX_INFLIGHT;
		f->adaptive = true;
	}
	f->slots = xcalloc(f->nslots, sizeof(*f->slots));
	for (size_t i = 0; i < f->nslots; i++)
		f->slots[i].f = f;
	if (refill(f) != 0) {
		cancel_all(f);
		release(f);
		return NULL;
	}
	return f;
}

void blockfetch_cancel(struct blockfetch *f)
{
	if (!f || f->dead)
		return;
	cancel_all(f);
	f->dead = true;
	if (f->depth == 0)
		release(f);
}

void blockfetch_free(struct blockfetch *f)
{
	blockfetch_cancel(f);
}
