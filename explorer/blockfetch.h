/*
 * blockfetch — fetch a range of blocks with their full transactions as fast
 * as the node can answer: JSON-RPC batches spread over the client's parallel
 * connections, decoded as they arrive. Used by the explorer (backfill, the
 * address-history scan) and measured by `make bench`.
 *
 * Asynchronous and cancellable; never blocks the loop. Blocks are delivered
 * in completion order (not necessarily ascending); the caller sorts if it
 * cares. Each callback runs on the loop thread.
 */
#ifndef CHAINDECK_BLOCKFETCH_H
#define CHAINDECK_BLOCKFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/eth.h"
#include "common/rpc.h"

struct blockfetch;

struct blockfetch_opts {
	uint64_t from, to;        /* inclusive range; from <= to */
	bool descending;          /* request newest first (history scans walk backwards) */
	bool full_txs;            /* eth_getBlockByNumber(n, true) rather than hashes only */
	size_t batch;             /* blocks per JSON-RPC batch; 0 = a default tuned in the bench */
	size_t inflight;          /* batches in flight at once; 0 = the client's connections */
	/*
	 * One decoded block; the callee may keep it (set *keep = true, then it
	 * owns b and frees it with eth_block_free) or leave it to be freed.
	 */
	void (*on_block)(void *ud, struct eth_block *b, bool *keep);
	/* Progress: blocks done so far out of the range's total. Optional. */
	void (*on_progress)(void *ud, uint64_t done, uint64_t total);
	/*
	 * The end: status RPC_OK when every block arrived, else the first error
	 * (with a displayable message). Runs exactly once unless cancelled.
	 */
	void (*on_done)(void *ud, int status, const char *message);
	void *ud;
};

/* Starts fetching. NULL on bad options or no memory (then no callback runs). */
struct blockfetch *blockfetch_start(struct rpc_client *c, const struct blockfetch_opts *o);
/* Stops: no callback runs after this returns. Safe on a finished fetch, and on NULL. Frees it. */
void blockfetch_cancel(struct blockfetch *f);
/* Frees a fetch whose on_done has run (call it from on_done or later). */
void blockfetch_free(struct blockfetch *f);

#endif
