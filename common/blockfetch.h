/* SPDX-License-Identifier: MIT */
/*
 * blockfetch — fetch a range of blocks with their full transactions as fast
 * as the node can answer: JSON-RPC batches spread over the client's parallel
 * connections, decoded as they arrive. Used by the explorer (backfill, the
 * address-history scan) and measured by `make bench` (bench_explorer.sh).
 *
 * Asynchronous and cancellable; never blocks the loop. Blocks are delivered
 * in completion order (not necessarily ascending); the caller sorts if it
 * cares. Each callback runs on the loop thread, never inside
 * blockfetch_start(). Only a bounded number of batches is ever handed to the
 * rpc client, so a long range never fills its queue and other calls on the
 * same client (the dashboard's polling) keep getting through.
 *
 * Sizes: a full block of 300 transfers is about 210 KB of JSON, so a batch
 * of BLOCKFETCH_DEFAULT_BATCH such blocks stays far below the rpc client's
 * 64 MiB response cap. A batch is one HTTP request and gets the client's
 * timeout (rpc_opts.timeout_ms, 5 s by default) as a whole; against a slow
 * remote node with large blocks, give the client a longer timeout or a
 * smaller batch.
 */
#ifndef CHAINDECK_BLOCKFETCH_H
#define CHAINDECK_BLOCKFETCH_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/eth.h"
#include "common/rpc.h"

enum {
	/* Blocks per batch when opts.batch is 0; chosen in the bench (tests/bench/README.md). */
	BLOCKFETCH_DEFAULT_BATCH = 4,
	/* Upper bound on batches in flight, whatever opts.inflight asks. */
	BLOCKFETCH_MAX_INFLIGHT = 32
};

/*
 * on_done's status when a block of the range is not on the node (the result
 * was JSON null): past its head, or not kept. It is CD_ENOTFOUND, which no
 * rpc_status is.
 */

struct blockfetch;

struct blockfetch_opts {
	uint64_t from, to;        /* inclusive range; from <= to */
	bool descending;          /* request newest first (history scans walk backwards) */
	bool full_txs;            /* eth_getBlockByNumber(n, true) rather than hashes only */
	size_t batch;             /* blocks per JSON-RPC batch; 0 = BLOCKFETCH_DEFAULT_BATCH */
	/*
	 * Batches in flight at once; 0 = as many as keep the client's connections
	 * busy: batches are added while the client starts them at once, plus one
	 * waiting in its queue to take the next free connection (over IPC, which
	 * pipelines on one socket: 2).
	 */
	size_t inflight;
	/*
	 * One decoded block, valid during the call. The callee may take over
	 * what it owns: copy the struct (*b, by value), set *keep = true, and
	 * later free the copy with eth_block_free. Otherwise it is freed on return.
	 * May call blockfetch_cancel.
	 */
	void (*on_block)(void *ud, struct eth_block *b, bool *keep);
	/* Progress: blocks done so far out of the range's total, after each batch. Optional. */
	void (*on_progress)(void *ud, uint64_t done, uint64_t total);
	/*
	 * The end: status RPC_OK when every block arrived, else the first error
	 * with a displayable message naming the block or range: an rpc_status
	 * (transport errors, RPC_EREMOTE for a node's error object, CD_EPROTO for
	 * a block that does not decode or is not the block asked for), or
	 * CD_ENOTFOUND. Nothing is in flight any more when it runs. Runs
	 * exactly once unless cancelled. Required.
	 */
	void (*on_done)(void *ud, int status, const char *message);
	void *ud;
};

/*
 * Starts fetching. NULL on bad options (no on_block or on_done, from > to,
 * a range of 2^64 blocks) or when not even the first batch could be queued
 * (then no callback runs). The client must outlive the fetch.
 */
struct blockfetch *blockfetch_start(struct rpc_client *c, const struct blockfetch_opts *o);
/*
 * Stops: cancels every batch in flight; no callback runs after this returns.
 * Safe on a finished fetch, on NULL, and from inside any of the fetch's own
 * callbacks (the memory is released when that callback returns). Frees it.
 */
void blockfetch_cancel(struct blockfetch *f);
/* Frees a fetch whose on_done has run (call it from on_done or later). Same as cancel otherwise. */
void blockfetch_free(struct blockfetch *f);

#endif
