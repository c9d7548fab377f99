/* SPDX-License-Identifier: MIT */
/*
 * rpc_codec — JSON-RPC 2.0 request building and response parsing. Pure: no I/O,
 * no clocks, no globals, so every function is tested on recorded bytes.
 *
 * Everything a node sends is untrusted: any byte sequence yields a status,
 * never a crash, and never a silent success.
 */
#ifndef CHAINDECK_RPC_CODEC_H
#define CHAINDECK_RPC_CODEC_H

#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Outcome of one call. Transport statuses are set by rpc.c, the rest by this codec. */
enum rpc_status {
	RPC_OK = 0,
	RPC_ECONNECT = -501, /* could not connect / connection lost before an answer */
	RPC_ETIMEOUT = -502, /* no complete answer within the call's timeout */
	RPC_EHTTP = -503,    /* HTTP status other than 200 */
	RPC_EJSON = -504,    /* body is not JSON */
	RPC_EREMOTE = -505,  /* the node answered with a JSON-RPC error object */
	RPC_EID = -506,      /* response id does not match the request (or missing from a batch) */
	RPC_ETOOBIG = -507,  /* response larger than the client's cap */
	RPC_ECANCEL = -508,  /* cancelled by the caller */
	RPC_EBACKOFF = -509  /* not sent: the node failed recently and is in back-off */
	/* and the shared CD_EPROTO (JSON, but not a JSON-RPC 2.0 response),
	 * CD_EINVAL (bad arguments from the caller), CD_ENOMEM (see docs/library.md) */
};

/*
 * One decoded response. Pointers borrow from the cJSON document the parse
 * returned and live exactly as long as it.
 */
struct rpc_reply {
	int status;           /* RPC_OK, RPC_EREMOTE, RPC_EID, CD_EPROTO */
	const cJSON *result;  /* RPC_OK: the "result" member (may be a JSON null) */
	long code;            /* RPC_EREMOTE: error.code */
	const char *message;  /* RPC_EREMOTE: error.message ("" when absent); raw node text — sanitize before display */
	const cJSON *data;    /* RPC_EREMOTE: error.data, or NULL */
};

/*
 * Whether a reply is a JSON-RPC error meaning "this node does not offer the
 * method" (code -32601 or -32004, or words clients use for it: "not found",
 * "not supported", "disabled", ...) rather than a passing failure.
 */
bool rpc_reply_unsupported(const struct rpc_reply *r);

/*
 * Builds {"jsonrpc":"2.0","id":ID,"method":M,"params":P}. Takes ownership of
 * params (NULL means []); params must be an array. Returns a malloc'd string or NULL.
 */
char *rpc_codec_request(uint64_t id, const char *method, cJSON *params);

struct rpc_codec_call {
	uint64_t id;
	const char *method;
	cJSON *params; /* owned by the codec once passed to rpc_codec_batch */
};
/* Builds a JSON array of n requests. Takes ownership of every params. Returns malloc'd or NULL. */
char *rpc_codec_batch(struct rpc_codec_call *calls, size_t n);

/*
 * Parses the answer to a single request with id expect_id.
 * Returns RPC_OK when the body is a well-formed response to that id (then
 * out->status tells success or a JSON-RPC error), else RPC_EJSON / CD_EPROTO /
 * RPC_EID with *doc == NULL. On RPC_OK, *doc owns the document (cJSON_Delete it).
 */
int rpc_codec_parse(const char *body, size_t len, uint64_t expect_id, cJSON **doc, struct rpc_reply *out);

/*
 * Parses the answer to a batch. out[i] answers ids[i], whatever order the
 * node used; an id the node left out gets status RPC_EID. A node that
 * answers a batch with one error object (some do, for a rejected batch)
 * gives that error to every out[i]. Returns RPC_OK when the body could be
 * matched, else RPC_EJSON / CD_EPROTO with *doc == NULL.
 */
int rpc_codec_parse_batch(const char *body, size_t len, const uint64_t *ids, size_t n,
                          cJSON **doc, struct rpc_reply *out);

/*
 * Splits a byte stream of JSON values (IPC: one answer or push after another,
 * white space between) into top-level values, incrementally. The scan state
 * survives between calls, so each byte is examined once however the stream is
 * cut into reads: an answer of n bytes costs O(n) whether it arrives in one
 * read or in n (a reader that rescans from the start would cost O(n^2)).
 *
 * Zero-initialise. The caller owns the buffer: it appends what it reads and
 * passes the whole buffer each time; bytes before pos must not change between
 * calls, except by rpc_codec_frame_drop().
 */
struct rpc_codec_framer {
	size_t pos;      /* bytes of the buffer examined so far */
	size_t start;    /* where the value being read begins (when depth > 0) */
	size_t depth;    /* open objects and arrays; 0 between values */
	bool in_str, esc;
};

/*
 * Scans buf[f->pos, len). Returns the length of the next complete value and
 * sets *start to its offset (f->pos is then just past it, ready for the next
 * one); 0 when no value is complete yet (f->pos == len); -1 when the stream is
 * not a sequence of objects and arrays (the byte at f->pos is the culprit).
 * Only brackets and strings are tracked: the value's insides are for the
 * parser to judge.
 */
long rpc_codec_frame(struct rpc_codec_framer *f, const char *buf, size_t len, size_t *start);

/*
 * How many leading bytes the caller may discard: everything before the value
 * being read (or everything examined, between values).
 */
size_t rpc_codec_frame_done(const struct rpc_codec_framer *f);

/* Tells the framer that the caller removed the first n bytes (n <= rpc_codec_frame_done()). */
void rpc_codec_frame_drop(struct rpc_codec_framer *f, size_t n);

#endif
