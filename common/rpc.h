/* SPDX-License-Identifier: MIT */
/*
 * rpc — an asynchronous JSON-RPC client, one handle per node.
 *
 * Calls and batches go out on the loop's curl multi handle (HTTP, HTTPS) or
 * on a unix socket (IPC: geth.ipc, anvil --ipc). Nothing here blocks: every
 * call returns at once and its callback runs later on the loop thread —
 * exactly once, unless the call is cancelled or the client freed first.
 *
 * Per client: up to `connections` transfers run in parallel, the rest wait
 * in FIFO order; every call has a timeout; responses larger than the cap are
 * refused with RPC_ETOOBIG (over IPC the connection is closed too, failing the
 * calls still on it: the stream cannot be followed past the refused answer).
 * Over HTTP the cap is per call: what its method can reasonably need (16 KiB
 * for a number or a short string, 1 MiB for a block without transaction
 * bodies, the client's max_response for a full block, logs, receipts, traces,
 * eth_call and unknown methods; a batch gets the sum), never more than
 * max_response; over IPC it is max_response. A refusal for size is not a
 * transport failure, but the client backs off (1 s, doubling to 30 s while
 * answers keep being refused). After a transport failure the client backs off
 * too (250 ms doubling to 4 s). During a back-off, calls fail at once with
 * RPC_EBACKOFF and a detail saying why; the client retries by itself.
 *
 * Credentials (URL userinfo, bearer token, headers) are never logged and
 * never returned: rpc_client_url() gives the masked form for display.
 */
#ifndef CHAINDECK_RPC_H
#define CHAINDECK_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/loop.h"
#include "common/rpc_codec.h"

struct rpc_client;
struct rpc_batch;

struct rpc_opts {
	const char *url;                /* http://, https://, ipc:///path or /path/to.ipc */
	const char *bearer;             /* optional: Authorization: Bearer <token> */
	const char *const *headers;     /* optional extra "Name: value" headers */
	size_t nheaders;
	const char *ca_file;            /* optional CA bundle; TLS is always verified */
	long timeout_ms;                /* per call; 0 = 5000 */
	int connections;                /* parallel transfers; 0 = 4 (IPC always pipelines on 1) */
	size_t max_response;            /* bytes; 0 = 64 MiB */
};

/*
 * What a callback sees; valid only during the callback.
 * status: RPC_OK when the node's answer was decoded — then reply[i] (n of
 * them: 1 for a call, the batch size for a batch) each carry their own
 * status (RPC_OK or RPC_EREMOTE...). Otherwise a transport/codec error and
 * reply is NULL; detail says what happened in words ("connection refused",
 * "HTTP 502", "timed out after 5000 ms") — safe to display.
 */
struct rpc_response {
	int status;
	const struct rpc_reply *reply;
	size_t n;
	long http_status;
	uint64_t elapsed_us;            /* from the moment the request left */
	const char *detail;
	/* rpc_call_decoded: what the decoder made of the answer (status RPC_OK only), now the callback's. */
	void *decoded;
};

typedef void (*rpc_cb)(void *ud, const struct rpc_response *res);

/* Snapshot of a client's health. */
struct rpc_health {
	bool up;                        /* last transport attempt succeeded (true before any attempt) */
	unsigned failures;              /* consecutive transport failures */
	unsigned oversize;              /* consecutive answers refused for their size (then backing off) */
	uint64_t down_since_ms;         /* loop_now_ms() of the first failure in the current run */
	uint64_t retry_at_ms;           /* back-off end, 0 when not backing off */
	size_t inflight, queued;
	char last_error[160];
};

/*
 * Creates a client; copies everything in opts. NULL on a bad URL or
 * allocation failure, with a message in err (which never contains secrets).
 */
struct rpc_client *rpc_client_new(struct loop *loop, const struct rpc_opts *opts, char *err, size_t errlen);
/* Cancels everything outstanding without calling callbacks, then frees. Not from inside a callback of this client. */
void rpc_client_free(struct rpc_client *c);

/* The URL with credentials masked; owned by the client. */
const char *rpc_client_url(const struct rpc_client *c);
bool rpc_client_is_ipc(const struct rpc_client *c);
void rpc_client_health(const struct rpc_client *c, struct rpc_health *out);

/*
 * Sends one call. Takes ownership of params (NULL = []). Returns a call id
 * (> 0) for rpc_cancel, or 0 when it could not even be queued (no memory,
 * bad arguments) — then cb is not called. timeout_ms 0 = the client's.
 */
uint64_t rpc_call(struct rpc_client *c, const char *method, cJSON *params, rpc_cb cb, void *ud);
uint64_t rpc_call_timeout(struct rpc_client *c, const char *method, cJSON *params, long timeout_ms,
                          rpc_cb cb, void *ud);

/*
 * A call whose answer is turned into the caller's own value on the thread that parsed it. An
 * answer of 256 KiB or more is parsed on a thread of its own, and decode() then runs there too, so
 * a full block of tens of MB becomes a struct eth_block without holding the loop; a smaller answer
 * is parsed and decoded on the loop. decode(reply) runs once, only when the answer parsed (status
 * RPC_OK), whatever the reply's own status; it may touch nothing but the reply and what it
 * returns. Its result reaches cb as res->decoded, which cb then owns. When cb never runs
 * (cancelled, client freed), discard(decoded) frees it.
 */
struct rpc_decoder {
	void *(*decode)(const struct rpc_reply *reply);
	void (*discard)(void *decoded);
};
uint64_t rpc_call_decoded(struct rpc_client *c, const char *method, cJSON *params, const struct rpc_decoder *dec,
                          rpc_cb cb, void *ud);

/* A batch: build with add (takes ownership of params), then send (takes ownership of the batch). */
struct rpc_batch *rpc_batch_new(void);
int rpc_batch_add(struct rpc_batch *b, const char *method, cJSON *params);
size_t rpc_batch_size(const struct rpc_batch *b);
void rpc_batch_free(struct rpc_batch *b);
uint64_t rpc_batch_send(struct rpc_client *c, struct rpc_batch *b, rpc_cb cb, void *ud);

/*
 * Messages the node pushes without being asked (eth_subscription over IPC):
 * cb(ud, subscription id, result) on the loop thread; pointers valid during
 * the call only. Subscriptions die with the connection: a caller that sees a
 * transport error subscribes again once calls succeed.
 */
typedef void (*rpc_notify_cb)(void *ud, const char *subscription, const cJSON *result);
void rpc_client_on_notify(struct rpc_client *c, rpc_notify_cb cb, void *ud);

/* Cancels a call or batch; its callback is not called. 0, or -1 if unknown (already done). */
int rpc_cancel(struct rpc_client *c, uint64_t call_id);

#endif
