/*
 * fetchbench: how fast a range of full blocks comes off a node, three ways. For bench_explorer.sh.
 *
 *   fetchbench --url URL --from A --to B [OPTIONS] [--blockfetch | --raw | --decode]
 *
 *   --blockfetch (default)  chaindeck's own path: an rpc client with --connections parallel
 *                           transfers and blockfetch over the range (batches, full transactions,
 *                           every block decoded into an eth_block and handed to a callback).
 *   --raw                   the node's limit: the same JSON-RPC batches POSTed on a curl multi
 *                           handle, --connections at once, each answer counted and dropped. No
 *                           JSON parsing, no decoding: the client costs next to nothing.
 *   --decode                the client's cost per block: each block is fetched (untimed), printed
 *                           back to JSON text, then timed with loop_now_us around cJSON parsing
 *                           of that text (parse_us) and around eth_decode_block (decode_us).
 *
 * Options: --batch N (blocks per JSON-RPC batch; blockfetch's default when 0, the default),
 * --connections N (4), --inflight N (blockfetch only; 0 = its default), --runs N (1; timed runs,
 * figures from the median), --timeout-ms N (per request; 0, the default: the rpc client's own
 * default, 5 s, as chaindeck runs it; raw transfers then get 60 s),
 * --json-bytes N (the range's JSON size, as measured by --raw: blockfetch then reports MB/s too).
 *
 * Output: key=value lines on stdout. Exit status 0 when measured, 1 when a fetch failed, 2 usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/eth.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "common/blockfetch.h"

#define MAX_RUNS 32

enum mode { MODE_BLOCKFETCH, MODE_RAW, MODE_DECODE };

struct args {
	const char *url;
	uint64_t from, to;
	size_t batch, inflight;
	int connections, runs;
	long timeout_ms;
	uint64_t json_bytes;
	enum mode mode;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v and returns its median (the lower middle for an even count). */
static uint64_t median(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[(n - 1) / 2];
}

static double per_s(uint64_t count, uint64_t us)
{
	return us ? (double)count * 1e6 / (double)us : 0.0;
}

static size_t batch_of(const struct args *a)
{
	return a->batch ? a->batch : BLOCKFETCH_DEFAULT_BATCH;
}

/* ---- blockfetch ---- */

struct bf_run {
	struct loop *loop;
	uint64_t blocks, txs;
	int done, status;
	char message[320];
};

static void bf_on_block(void *ud, struct eth_block *b, bool *keep)
{
	struct bf_run *r = ud;

	(void)keep;
	r->blocks++;
	r->txs += b->tx_count;
}

static void bf_on_done(void *ud, int status, const char *message)
{
	struct bf_run *r = ud;

	r->done = 1;
	r->status = status;
	snprintf(r->message, sizeof(r->message), "%s", message);
}

static struct rpc_client *new_client(struct loop *loop, const struct args *a)
{
	struct rpc_opts o = { .url = a->url, .connections = a->connections, .timeout_ms = a->timeout_ms };
	char err[256];
	struct rpc_client *c = rpc_client_new(loop, &o, err, sizeof(err));

	if (!c)
		fprintf(stderr, "fetchbench: %s\n", err);
	return c;
}

static int run_blockfetch(struct loop *loop, const struct args *a)
{
	uint64_t us[MAX_RUNS] = { 0 }, blocks = 0, txs = 0, med;
	struct rpc_client *c = new_client(loop, a);

	if (!c)
		return 1;
	for (int i = 0; i < a->runs; i++) {
		struct bf_run r = { .loop = loop };
		struct blockfetch_opts o = {
			.from = a->from, .to = a->to, .full_txs = true, .batch = a->batch, .inflight = a->inflight,
			.on_block = bf_on_block, .on_done = bf_on_done, .ud = &r,
		};
		uint64_t t0 = loop_now_us();
		struct blockfetch *f = blockfetch_start(c, &o);

		if (!f) {
			fprintf(stderr, "fetchbench: blockfetch_start failed\n");
			rpc_client_free(c);
			return 1;
		}
		while (!r.done)
			loop_run_once(loop, 1000);
		us[i] = loop_now_us() - t0;
		blockfetch_free(f);
		if (r.status != RPC_OK) {
			fprintf(stderr, "fetchbench: blockfetch: %s\n", r.message);
			rpc_client_free(c);
			return 1;
		}
		blocks = r.blocks;
		txs = r.txs;
		printf("run_%d_ms=%.1f\n", i + 1, (double)us[i] / 1000.0);
	}
	rpc_client_free(c);
	med = median(us, (size_t)a->runs);
	printf("blocks=%" PRIu64 "\ntxs=%" PRIu64 "\n", blocks, txs);
	printf("ms_min=%.1f\nms_median=%.1f\n", (double)us[0] / 1000.0, (double)med / 1000.0);
	printf("blocks_per_s=%.1f\n", per_s(blocks, med));
	if (a->json_bytes)
		printf("mb_per_s=%.2f\n", per_s(a->json_bytes, med) / 1e6);
	return 0;
}

/* ---- raw parallel POSTs ---- */

struct raw_conn {
	CURL *easy;
	size_t body;            /* index of the batch it carries */
	uint64_t *bytes;
};

static size_t raw_on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct raw_conn *rc = ud;

	(void)ptr;
	*rc->bytes += size * nmemb;
	return size * nmemb;
}

/* The JSON-RPC batch text for blocks [first, first + n), built by hand (no JSON library). */
static char *raw_body(uint64_t first, size_t n)
{
	size_t cap = 2 + n * 100, len = 0;
	char *s = malloc(cap);

	if (!s)
		return NULL;
	s[len++] = '[';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
		                        "%s{\"jsonrpc\":\"2.0\",\"id\":%zu,\"method\":\"eth_getBlockByNumber\","
		                        "\"params\":[\"0x%" PRIx64 "\",true]}",
		                        i ? "," : "", i + 1, first + i);
	s[len++] = ']';
	s[len] = '\0';
	return s;
}

static void raw_setup(struct raw_conn *rc, const struct args *a, struct curl_slist *headers, char *body)
{
	curl_easy_setopt(rc->easy, CURLOPT_URL, a->url);
	curl_easy_setopt(rc->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(rc->easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(rc->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(rc->easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(rc->easy, CURLOPT_WRITEFUNCTION, raw_on_data);
	curl_easy_setopt(rc->easy, CURLOPT_WRITEDATA, rc);
	curl_easy_setopt(rc->easy, CURLOPT_PRIVATE, (char *)rc);
	curl_easy_setopt(rc->easy, CURLOPT_TIMEOUT_MS, a->timeout_ms ? a->timeout_ms : 60000L);
	curl_easy_setopt(rc->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(rc->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(rc->easy, CURLOPT_TCP_NODELAY, 1L);
}

/* One timed pass; 0 and the time and bytes, or -1. */
static int raw_pass(const struct args *a, char **bodies, size_t nbodies, uint64_t *us, uint64_t *bytes)
{
	struct raw_conn conns[64];
	struct curl_slist *headers = NULL;
	size_t nconn = (size_t)a->connections, next = 0, running = 0;
	CURLM *multi = curl_multi_init();
	uint64_t t0;
	int ok = 0;

	if (nconn > sizeof(conns) / sizeof(conns[0]))
		nconn = sizeof(conns) / sizeof(conns[0]);
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	*bytes = 0;
	t0 = loop_now_us();
	for (size_t i = 0; i < nconn; i++) {
		conns[i].easy = curl_easy_init();
		conns[i].bytes = bytes;
		if (next < nbodies) {
			conns[i].body = next;
			raw_setup(&conns[i], a, headers, bodies[next++]);
			curl_multi_add_handle(multi, conns[i].easy);
			running++;
		}
	}
	while (running > 0 && ok == 0) {
		int still, left, numfds;
		CURLMsg *msg;

		curl_multi_perform(multi, &still);
		while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
			struct raw_conn *rc = NULL;
			long http = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&rc);
			curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &http);
			if (msg->data.result != CURLE_OK || http != 200) {
				fprintf(stderr, "fetchbench: raw batch %zu: %s (HTTP %ld)\n", rc->body,
				        curl_easy_strerror(msg->data.result), http);
				ok = -1;
				break;
			}
			curl_multi_remove_handle(multi, rc->easy);
			running--;
			if (next < nbodies) {
				rc->body = next;
				curl_easy_setopt(rc->easy, CURLOPT_POSTFIELDS, bodies[next]);
				curl_easy_setopt(rc->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(bodies[next]));
				next++;
				curl_multi_add_handle(multi, rc->easy);
				running++;
			}
		}
		if (running > 0 && ok == 0)
			curl_multi_poll(multi, NULL, 0, 1000, &numfds);
	}
	*us = loop_now_us() - t0;
	for (size_t i = 0; i < nconn; i++) {
		curl_multi_remove_handle(multi, conns[i].easy);
		curl_easy_cleanup(conns[i].easy);
	}
	curl_multi_cleanup(multi);
	curl_slist_free_all(headers);
	return ok;
}

static int run_raw(const struct args *a)
{
	uint64_t total = a->to - a->from + 1, us[MAX_RUNS] = { 0 }, bytes = 0, med;
	size_t batch = batch_of(a), nbodies = (size_t)((total + batch - 1) / batch);
	char **bodies = calloc(nbodies, sizeof(*bodies));
	int rc = 0;

	if (!bodies)
		return 1;
	for (size_t i = 0; i < nbodies; i++) {
		uint64_t first = a->from + i * batch;
		size_t n = total - i * batch < batch ? (size_t)(total - i * batch) : batch;

		bodies[i] = raw_body(first, n);
		if (!bodies[i])
			rc = 1;
	}
	for (int i = 0; i < a->runs && rc == 0; i++) {
		if (raw_pass(a, bodies, nbodies, &us[i], &bytes) != 0)
			rc = 1;
		else
			printf("run_%d_ms=%.1f\n", i + 1, (double)us[i] / 1000.0);
	}
	for (size_t i = 0; i < nbodies; i++)
		free(bodies[i]);
	free(bodies);
	if (rc)
		return rc;
	med = median(us, (size_t)a->runs);
	printf("blocks=%" PRIu64 "\njson_bytes=%" PRIu64 "\n", total, bytes);
	printf("ms_min=%.1f\nms_median=%.1f\n", (double)us[0] / 1000.0, (double)med / 1000.0);
	printf("blocks_per_s=%.1f\nmb_per_s=%.2f\n", per_s(total, med), per_s(bytes, med) / 1e6);
	return 0;
}

/* ---- per-block client cost ---- */

struct dec_state {
	uint64_t *parse_us, *decode_us, *bytes, *txs;
	size_t n, cap;
	int pending, failed;
};

static void dec_on_batch(void *ud, const struct rpc_response *res)
{
	struct dec_state *d = ud;

	d->pending--;
	if (res->status != RPC_OK) {
		fprintf(stderr, "fetchbench: decode pass: %s\n", res->detail);
		d->failed = 1;
		return;
	}
	for (size_t i = 0; i < res->n && d->n < d->cap; i++) {
		char *text, err[ETH_ERR_MAX];
		cJSON *j;
		struct eth_block b;
		uint64_t t0, t1, t2;
		size_t len;
		int rc;

		if (res->reply[i].status != RPC_OK || cJSON_IsNull(res->reply[i].result)) {
			fprintf(stderr, "fetchbench: decode pass: block missing or refused\n");
			d->failed = 1;
			return;
		}
		text = cJSON_PrintUnformatted(res->reply[i].result);
		if (!text) {
			d->failed = 1;
			return;
		}
		len = strlen(text);
		t0 = loop_now_us();
		j = cJSON_ParseWithLength(text, len);
		t1 = loop_now_us();
		rc = eth_decode_block(j, &b, err, sizeof(err));
		t2 = loop_now_us();
		if (rc != CD_OK) {
			fprintf(stderr, "fetchbench: decode pass: %s\n", err);
			d->failed = 1;
		} else {
			d->parse_us[d->n] = t1 - t0;
			d->decode_us[d->n] = t2 - t1;
			d->bytes[d->n] = len;
			d->txs[d->n] = b.tx_count;
			d->n++;
		}
		eth_block_free(&b);
		cJSON_Delete(j);
		free(text);
	}
}

static int run_decode(struct loop *loop, const struct args *a)
{
	uint64_t total = a->to - a->from + 1;
	size_t batch = batch_of(a);
	struct dec_state d = { .cap = (size_t)total };
	uint64_t *both;
	struct rpc_client *c = new_client(loop, a);
	int rc = 0;

	d.parse_us = calloc(d.cap, sizeof(uint64_t));
	d.decode_us = calloc(d.cap, sizeof(uint64_t));
	d.bytes = calloc(d.cap, sizeof(uint64_t));
	d.txs = calloc(d.cap, sizeof(uint64_t));
	both = calloc(d.cap, sizeof(uint64_t));
	if (!c || !d.parse_us || !d.decode_us || !d.bytes || !d.txs || !both) {
		rc = 1;
		goto out;
	}
	/* one batch at a time: the timed parts then never share the CPU with another answer */
	for (uint64_t first = a->from; first <= a->to && !d.failed; first += batch) {
		struct rpc_batch *b = rpc_batch_new();

		for (uint64_t n = first; n < first + batch && n <= a->to; n++) {
			char hex[24];
			cJSON *p = cJSON_CreateArray();

			snprintf(hex, sizeof(hex), "0x%" PRIx64, n);
			cJSON_AddItemToArray(p, cJSON_CreateString(hex));
			cJSON_AddItemToArray(p, cJSON_CreateTrue());
			rpc_batch_add(b, "eth_getBlockByNumber", p);
		}
		d.pending = 1;
		if (!rpc_batch_send(c, b, dec_on_batch, &d)) {
			rc = 1;
			goto out;
		}
		while (d.pending)
			loop_run_once(loop, 1000);
	}
	if (d.failed || d.n == 0) {
		rc = 1;
		goto out;
	}
	for (size_t i = 0; i < d.n; i++)
		both[i] = d.parse_us[i] + d.decode_us[i];
	printf("blocks=%zu\n", d.n);
	printf("txs_median=%" PRIu64 "\n", median(d.txs, d.n));
	printf("json_bytes_median=%" PRIu64 "\n", median(d.bytes, d.n));
	printf("parse_us_median=%" PRIu64 "\n", median(d.parse_us, d.n));
	printf("decode_us_median=%" PRIu64 "\n", median(d.decode_us, d.n));
	printf("decode_us_max=%" PRIu64 "\n", d.decode_us[d.n - 1]);
	printf("answer_to_block_us_median=%" PRIu64 "\n", median(both, d.n));
out:
	free(d.parse_us);
	free(d.decode_us);
	free(d.bytes);
	free(d.txs);
	free(both);
	rpc_client_free(c);
	return rc;
}

/* ---- main ---- */

static int usage(void)
{
	fprintf(stderr, "usage: fetchbench --url URL --from A --to B [--batch N] [--connections N] [--inflight N]\n"
	                "                  [--runs N] [--timeout-ms N] [--json-bytes N] [--blockfetch | --raw | --decode]\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	*out = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = { .connections = 4, .runs = 1 };
	struct loop *loop;
	bool have_from = false, have_to = false;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t n = 0;

		if (strcmp(k, "--blockfetch") == 0) {
			a.mode = MODE_BLOCKFETCH;
			continue;
		}
		if (strcmp(k, "--raw") == 0) {
			a.mode = MODE_RAW;
			continue;
		}
		if (strcmp(k, "--decode") == 0) {
			a.mode = MODE_DECODE;
			continue;
		}
		i++;
		if (strcmp(k, "--url") == 0 && v) {
			a.url = v;
			continue;
		}
		if (parse_u64(v, &n) != 0)
			return usage();
		if (strcmp(k, "--from") == 0) {
			a.from = n;
			have_from = true;
		} else if (strcmp(k, "--to") == 0) {
			a.to = n;
			have_to = true;
		} else if (strcmp(k, "--batch") == 0) {
			a.batch = (size_t)n;
		} else if (strcmp(k, "--connections") == 0 && n >= 1 && n <= 32) {
			a.connections = (int)n;
		} else if (strcmp(k, "--inflight") == 0) {
			a.inflight = (size_t)n;
		} else if (strcmp(k, "--runs") == 0 && n >= 1 && n <= MAX_RUNS) {
			a.runs = (int)n;
		} else if (strcmp(k, "--timeout-ms") == 0 && n >= 1) {
			a.timeout_ms = (long)n;
		} else if (strcmp(k, "--json-bytes") == 0) {
			a.json_bytes = n;
		} else {
			return usage();
		}
	}
	if (!a.url || !have_from || !have_to || a.from > a.to || a.to - a.from >= 1000000)
		return usage();

	curl_global_init(CURL_GLOBAL_DEFAULT);
	loop = loop_new();
	if (!loop)
		return 1;
	printf("mode=%s\nconnections=%d\nbatch=%zu\n",
	       a.mode == MODE_RAW ? "raw" : a.mode == MODE_DECODE ? "decode" : "blockfetch", a.connections,
	       batch_of(&a));
	switch (a.mode) {
	case MODE_RAW:
		rc = run_raw(&a);
		break;
	case MODE_DECODE:
		rc = run_decode(loop, &a);
		break;
	default:
		rc = run_blockfetch(loop, &a);
		break;
	}
	loop_free(loop);
	curl_global_cleanup();
	return rc;
}
