/*
 * fuzz_rpc — a node's answer, from raw bytes to typed values.
 *
 * The input is a response body. It goes through rpc_codec_parse (expecting
 * id 1) and rpc_codec_parse_batch with a few id sets, and every result that
 * comes back is handed to each typed eth decoder, as a node's answer to any
 * method may be. When the body is not a response, its JSON (if any) goes to
 * the decoders directly, so they see every shape the fuzzer finds.
 *
 * Properties: nothing crashes or leaks; a decoder that fails leaves its output
 * zeroed and its message NUL-terminated within ETH_ERR_MAX; an error message
 * from the node sanitizes to screen-safe text; decoded logs go on to the token
 * log decoder. The body read as an IPC stream frames into the same values
 * whether it arrives in one read or one byte per read.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/abi.h"
#include "common/eth.h"
#include "common/rpc_codec.h"
#include "common/text.h"

#include <cjson/cJSON.h>

static void check_err(int rc, const void *out, size_t outsize, const char *err)
{
	fuzz_check(fuzz_terminated(err, ETH_ERR_MAX), "eth decoder message not terminated");
	if (rc != CD_OK)
		fuzz_check(fuzz_all_zero(out, outsize), "eth decoder left output set on error");
}

static void token_logs(const struct eth_log *logs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct abi_token_event ev;
		int rc = abi_decode_token_log(&logs[i], &ev);

		if (rc != CD_OK)
			fuzz_check(fuzz_all_zero(&ev, sizeof(ev)), "token event set on error");
	}
}

static void decode_all(const cJSON *j)
{
	char err[ETH_ERR_MAX];
	int rc;

	{
		uint64_t v = 0;

		rc = eth_decode_u64(j, &v, err, sizeof(err));
		check_err(rc, &v, sizeof(v), err);
	}
	{
		struct u256 v = {{0}};

		rc = eth_decode_u256(j, &v, err, sizeof(err));
		check_err(rc, &v, sizeof(v), err);
	}
	{
		struct eth_block b;

		rc = eth_decode_block(j, &b, err, sizeof(err));
		check_err(rc, &b, sizeof(b), err);
		for (size_t i = 0; rc == CD_OK && b.tx_kind == ETH_BLOCK_TX_FULL && i < b.tx_count; i++)
			fuzz_check(b.txs[i].input_len == 0 || b.txs[i].input, "tx input length without bytes");
		eth_block_free(&b);
		fuzz_check(fuzz_all_zero(&b, sizeof(b)), "eth_block_free did not zero");
		rc = eth_decode_header(j, &b, err, sizeof(err));
		check_err(rc, &b, sizeof(b), err);
		eth_block_free(&b);
	}
	{
		struct eth_tx t;

		rc = eth_decode_tx(j, &t, err, sizeof(err));
		check_err(rc, &t, sizeof(t), err);
		eth_tx_free(&t);
	}
	{
		struct eth_receipt r;

		rc = eth_decode_receipt(j, &r, err, sizeof(err));
		check_err(rc, &r, sizeof(r), err);
		if (rc == CD_OK)
			token_logs(r.logs, r.log_count);
		eth_receipt_free(&r);
	}
	{
		struct eth_log l;

		rc = eth_decode_log(j, &l, err, sizeof(err));
		check_err(rc, &l, sizeof(l), err);
		if (rc == CD_OK) {
			fuzz_check(l.topic_count <= ETH_MAX_TOPICS, "too many topics");
			token_logs(&l, 1);
		}
		eth_log_free(&l);
	}
	{
		struct eth_log *logs = NULL;
		size_t n = 0;

		rc = eth_decode_logs(j, &logs, &n, err, sizeof(err));
		fuzz_check(fuzz_terminated(err, sizeof(err)), "eth_decode_logs message not terminated");
		if (rc != CD_OK)
			fuzz_check(!logs && n == 0, "eth_decode_logs left output set on error");
		else
			token_logs(logs, n);
		eth_logs_free(logs, n);
	}
	{
		struct eth_syncing s;

		rc = eth_decode_syncing(j, &s, err, sizeof(err));
		check_err(rc, &s, sizeof(s), err);
	}
	{
		struct eth_fee_history f;

		rc = eth_decode_fee_history(j, &f, err, sizeof(err));
		check_err(rc, &f, sizeof(f), err);
		if (rc == CD_OK) {
			fuzz_check(f.base_fee_count == (f.block_count ? f.block_count + 1 : 0),
				   "fee history base fee count");
			for (size_t i = 0; i < f.block_count; i++)
				fuzz_check(f.gas_used_ratio_ppm[i] <= 1000000, "gas used ratio above 1");
		}
		eth_fee_history_free(&f);
	}
}

static void check_reply(const struct rpc_reply *r)
{
	if (r->status == RPC_OK) {
		decode_all(r->result);
	} else if (r->status == RPC_EREMOTE) {
		char shown[128];
		size_t n;

		fuzz_check(r->message != NULL, "remote error without message");
		n = text_sanitize(shown, sizeof(shown), r->message, strlen(r->message));
		fuzz_check(n < sizeof(shown) && fuzz_screen_safe(shown, n), "sanitized node message unsafe");
	}
}

/* The framer's values and verdict over body as one read, and as one read per byte, agree. */
static void check_framing(const char *body, size_t size)
{
	struct rpc_codec_framer whole = { 0 }, drip = { 0 };
	size_t ws = 0, ds = 0, n = 0;
	long w, d = 0;

	do {
		w = rpc_codec_frame(&whole, body, size, &ws);
		fuzz_check(w <= 0 || (ws + (size_t)w <= size && (body[ws] == '{' || body[ws] == '[')),
			   "framed value outside the body");
		/* the same value (or verdict) must come out of the byte-by-byte reading */
		while (n < size && d == 0)
			d = rpc_codec_frame(&drip, body, ++n, &ds);
		if (d == 0 && n == size)
			d = rpc_codec_frame(&drip, body, n, &ds);
		fuzz_check(w == d && (w <= 0 || ws == ds), "framing depends on how the stream is cut");
		d = 0;
	} while (w > 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t id_sets[][3] = {
		{1, 2, 3},
		{0, UINT64_MAX, 7},
		{42, 42, 1}, /* a duplicate id: both slots must answer sensibly */
	};
	const char *body = (const char *)data;
	struct rpc_reply reply;
	cJSON *doc = NULL;
	int rc;

	check_framing(body, size);
	rc = rpc_codec_parse(body, size, 1, &doc, &reply);
	if (rc == RPC_OK) {
		fuzz_check(doc != NULL, "rpc_codec_parse OK without a document");
		check_reply(&reply);
		cJSON_Delete(doc);
	} else {
		fuzz_check(doc == NULL, "rpc_codec_parse failed but returned a document");
		doc = cJSON_ParseWithLength(body, size);
		if (doc)
			decode_all(doc);
		cJSON_Delete(doc);
	}

	for (size_t s = 0; s < sizeof(id_sets) / sizeof(id_sets[0]); s++) {
		struct rpc_reply out[3];
		size_t n = s + 1;

		doc = NULL;
		rc = rpc_codec_parse_batch(body, size, id_sets[s], n, &doc, out);
		if (rc != RPC_OK) {
			fuzz_check(doc == NULL, "rpc_codec_parse_batch failed but returned a document");
			continue;
		}
		fuzz_check(doc != NULL, "rpc_codec_parse_batch OK without a document");
		for (size_t i = 0; i < n; i++) {
			fuzz_check(out[i].status == RPC_OK || out[i].status == RPC_EREMOTE ||
				   out[i].status == RPC_EID || out[i].status == CD_EPROTO,
				   "batch slot with an unexpected status");
			/* Full decoding once per document is enough; the others check the slot. */
			if (s == 0)
				check_reply(&out[i]);
		}
		cJSON_Delete(doc);
	}
	return 0;
}
