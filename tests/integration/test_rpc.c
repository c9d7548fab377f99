/*
 * rpc against real nodes. Started by tests/integration/rpc.sh, which sets:
 *   ANVIL_URL        an anvil over HTTP
 *   ANVIL_IPC        the same anvil's IPC socket path
 *   BLACKHOLE_URL    a listener that accepts and never answers
 *   CLOSED_URL       a loopback port nobody listens on
 *   VICTIM_URL, VICTIM_PID   a second anvil this test kills mid-run
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/eth.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "tests/lib/test.h"
#include "tests/lib/nodeclient.h"

struct outcome {
	int calls;
	int status;
	int reply_status[8];
	char result[8][128];
	long code[8];
	size_t n;
	uint64_t elapsed_us;
	char detail[160];
};

static struct loop *L;

static void on_done(void *ud, const struct rpc_response *res)
{
	struct outcome *o = ud;

	o->calls++;
	o->status = res->status;
	o->n = res->n;
	o->elapsed_us = res->elapsed_us;
	snprintf(o->detail, sizeof(o->detail), "%s", res->detail ? res->detail : "");
	for (size_t i = 0; i < res->n && i < 8; i++) {
		const struct rpc_reply *r = &res->reply[i];

		o->reply_status[i] = r->status;
		o->code[i] = r->code;
		if (r->status == RPC_OK && cJSON_IsString(r->result))
			snprintf(o->result[i], sizeof(o->result[i]), "%s", r->result->valuestring);
		else if (r->status == RPC_OK)
			snprintf(o->result[i], sizeof(o->result[i]), "(%s)", cJSON_IsObject(r->result) ? "object" : "other");
	}
}

static struct rpc_client *client(const char *env, long timeout_ms, int conns, size_t cap)
{
	struct rpc_opts o = { .timeout_ms = timeout_ms, .connections = conns, .max_response = cap };

	return test_node_client(L, env, o, "tests/integration/rpc.sh");
}

static cJSON *params_block(const char *tag, bool full)
{
	cJSON *p = cJSON_CreateArray();

	cJSON_AddItemToArray(p, cJSON_CreateString(tag));
	cJSON_AddItemToArray(p, cJSON_CreateBool(full));
	return p;
}

static void single_call_returns_chain_id(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 4, 0);
	struct outcome o = { 0 };

	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 5000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.n, 1);
	CHECK_INT(o.reply_status[0], RPC_OK);
	CHECK_STR(o.result[0], "0x7a69");
	CHECK(o.elapsed_us > 0);
	rpc_client_free(c);
}

static void batch_answers_in_request_order(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 4, 0);
	struct rpc_batch *b = rpc_batch_new();
	struct outcome o = { 0 };

	rpc_batch_add(b, "eth_chainId", NULL);
	rpc_batch_add(b, "net_version", NULL);
	rpc_batch_add(b, "web3_clientVersion", NULL);
	CHECK(rpc_batch_send(c, b, on_done, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 5000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.n, 3);
	CHECK_STR(o.result[0], "0x7a69");
	CHECK_STR(o.result[1], "31337");
	CHECK_MSG(strncmp(o.result[2], "anvil", 5) == 0, "client version %s", o.result[2]);
	rpc_client_free(c);
}

static void batch_reports_each_error_separately(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 4, 0);
	struct rpc_batch *b = rpc_batch_new();
	struct outcome o = { 0 };

	rpc_batch_add(b, "eth_chainId", NULL);
	rpc_batch_add(b, "chaindeck_noSuchMethod", NULL);
	CHECK(rpc_batch_send(c, b, on_done, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 5000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.reply_status[0], RPC_OK);
	CHECK_INT(o.reply_status[1], RPC_EREMOTE);
	CHECK_INT(o.code[1], -32601);
	rpc_client_free(c);
}

static void remote_error_carries_code(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 4, 0);
	cJSON *p = cJSON_CreateArray();
	struct outcome o = { 0 };

	cJSON_AddItemToArray(p, cJSON_CreateString("not-an-address"));
	CHECK(rpc_call(c, "eth_getBalance", p, on_done, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 5000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.reply_status[0], RPC_EREMOTE);
	CHECK(o.code[0] != 0);
	rpc_client_free(c);
}

static void ipc_single_and_batch(void)
{
	struct rpc_client *c = client("ANVIL_IPC", 5000, 1, 0);
	struct rpc_batch *b = rpc_batch_new();
	struct outcome one = { 0 }, many = { 0 };

	CHECK(rpc_client_is_ipc(c));
	rpc_batch_add(b, "eth_chainId", NULL);
	rpc_batch_add(b, "eth_getBlockByNumber", params_block("0x0", false));
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &one) > 0);
	CHECK(rpc_batch_send(c, b, on_done, &many) > 0);
	CHECK(test_run_until(L, &one.calls, 1, 5000));
	CHECK(test_run_until(L, &many.calls, 1, 5000));
	CHECK_INT(one.status, RPC_OK);
	CHECK_STR(one.result[0], "0x7a69");
	CHECK_INT(many.status, RPC_OK);
	CHECK_INT(many.n, 2);
	CHECK_STR(many.result[0], "0x7a69");
	CHECK_STR(many.result[1], "(object)");
	rpc_client_free(c);
}

static void ipc_pipelines_many_calls(void)
{
	struct rpc_client *c = client("ANVIL_IPC", 5000, 1, 0);
	struct outcome o[40];

	memset(o, 0, sizeof(o));
	for (int i = 0; i < 40; i++)
		CHECK(rpc_call(c, "eth_blockNumber", NULL, on_done, &o[i]) > 0);
	for (int i = 0; i < 40; i++) {
		CHECK(test_run_until(L, &o[i].calls, 1, 5000));
		CHECK_INT(o[i].status, RPC_OK);
	}
	rpc_client_free(c);
}

struct pushed {
	int count;
	char sub[80];
	char number[24];
};

static void on_push(void *ud, const char *subscription, const cJSON *result)
{
	struct pushed *p = ud;
	const cJSON *num = cJSON_GetObjectItemCaseSensitive(result, "number");

	p->count++;
	snprintf(p->sub, sizeof(p->sub), "%s", subscription);
	if (cJSON_IsString(num))
		snprintf(p->number, sizeof(p->number), "%s", num->valuestring);
}

static void ipc_subscription_pushes_new_heads(void)
{
	struct rpc_client *c = client("ANVIL_IPC", 5000, 1, 0);
	struct outcome sub = { 0 }, mined = { 0 };
	struct pushed p = { 0 };
	cJSON *params = cJSON_CreateArray();

	rpc_client_on_notify(c, on_push, &p);
	cJSON_AddItemToArray(params, cJSON_CreateString("newHeads"));
	CHECK(rpc_call(c, "eth_subscribe", params, on_done, &sub) > 0);
	CHECK(test_run_until(L, &sub.calls, 1, 5000));
	CHECK_INT(sub.status, RPC_OK);
	CHECK_MSG(strncmp(sub.result[0], "0x", 2) == 0, "subscription id %s", sub.result[0]);
	CHECK(rpc_call(c, "evm_mine", NULL, on_done, &mined) > 0);
	CHECK(test_run_until(L, &p.count, 1, 5000));
	CHECK_STR(p.sub, sub.result[0]);
	CHECK_MSG(strncmp(p.number, "0x", 2) == 0, "head number %s", p.number);
	rpc_client_free(c);
}

static void silent_node_times_out_while_loop_runs(void)
{
	struct rpc_client *c = client("BLACKHOLE_URL", 300, 4, 0);
	struct outcome o = { 0 };
	int ticks = 0;
	uint64_t t0 = loop_now_ms();

	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &o) > 0);
	/* The loop keeps turning while the call waits: no blocking anywhere. */
	while (o.calls == 0 && loop_now_ms() - t0 < 3000) {
		loop_run_once(L, 20);
		ticks++;
	}
	CHECK_INT(o.calls, 1);
	CHECK_INT(o.status, RPC_ETIMEOUT);
	CHECK_MSG(loop_now_ms() - t0 >= 290, "timed out after %llu ms", (unsigned long long)(loop_now_ms() - t0));
	CHECK_MSG(ticks >= 5, "loop ran only %d times during the wait", ticks);
	rpc_client_free(c);
}

static void refused_connection_then_backoff(void)
{
	struct rpc_client *c = client("CLOSED_URL", 2000, 4, 0);
	struct outcome a = { 0 }, b = { 0 };
	struct rpc_health h;

	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &a) > 0);
	CHECK(test_run_until(L, &a.calls, 1, 3000));
	CHECK_INT(a.status, RPC_ECONNECT);
	CHECK_MSG(strstr(a.detail, "refused") != NULL, "detail: %s", a.detail);
	rpc_client_health(c, &h);
	CHECK(!h.up);
	CHECK_INT(h.failures, 1);
	CHECK(h.retry_at_ms > 0);
	/* Straight away: not even tried, the client is backing off. */
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &b) > 0);
	CHECK_INT(b.calls, 0); /* never called back from inside rpc_call */
	CHECK(test_run_until(L, &b.calls, 1, 1000));
	CHECK_INT(b.status, RPC_EBACKOFF);
	rpc_client_free(c);
}

/*
 * After an answer refused for its size, the node is not down but is asked nothing for a second
 * (it would only send as much again): a call at once fails with RPC_EBACKOFF saying why; one
 * after the back-off is sent. Waits out the back-off.
 */
static void expect_size_backoff(struct rpc_client *c)
{
	struct outcome at_once = { 0 };
	struct rpc_health h;
	uint64_t t0 = loop_now_ms();

	rpc_client_health(c, &h);
	CHECK(h.up);
	CHECK_INT(h.oversize, 1);
	CHECK_MSG(h.retry_at_ms >= t0 + 900 && h.retry_at_ms <= t0 + 1100, "retry in %lld ms",
	          (long long)(h.retry_at_ms - t0));
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &at_once) > 0);
	CHECK(test_run_until(L, &at_once.calls, 1, 1000));
	CHECK_INT(at_once.status, RPC_EBACKOFF);
	CHECK_MSG(strstr(at_once.detail, "refused, retry in 1 s") != NULL, "detail: %s", at_once.detail);
	while (loop_now_ms() < h.retry_at_ms)
		loop_run_once(L, 50);
}

/* Counts the replies of a batch that carry anvil's chain id. */
struct big_outcome {
	int calls, status;
	size_t n, right;
};

static void on_big(void *ud, const struct rpc_response *res)
{
	struct big_outcome *o = ud;

	o->calls++;
	o->status = res->status;
	o->n = res->n;
	for (size_t i = 0; res->status == RPC_OK && i < res->n; i++) {
		const struct rpc_reply *r = &res->reply[i];

		o->right += r->status == RPC_OK && cJSON_IsString(r->result) && strcmp(r->result->valuestring, "0x7a69") == 0;
	}
}

/*
 * An answer of 256 KiB or more is parsed on a thread of its own: anvil's answer to 8000 calls in
 * one batch (about 400 KB) still reaches the callback once, on the loop, every reply matched to
 * its call; and a client freed while such answers are in flight or being parsed calls nobody back
 * (ASan: nothing used after it is freed, nothing leaked).
 */
static void large_answers_are_parsed_off_the_loop(void)
{
	struct rpc_client *c = client("ANVIL_URL", 20000, 4, 0);
	struct big_outcome o = { 0 }, never = { 0 };
	struct rpc_batch *b = rpc_batch_new();

	for (int i = 0; i < 8000; i++)
		rpc_batch_add(b, "eth_chainId", NULL);
	CHECK(rpc_batch_send(c, b, on_big, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 20000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.n, 8000);
	CHECK_INT(o.right, 8000);
	CHECK(!test_run_until(L, &o.calls, 2, 200)); /* once */
	/* freed with big answers under way, at every stage of their way back */
	for (int k = 0; k < 10; k++) {
		b = rpc_batch_new();
		for (int i = 0; i < 8000; i++)
			rpc_batch_add(b, "eth_chainId", NULL);
		CHECK(rpc_batch_send(c, b, on_big, &never) > 0);
	}
	for (int k = 0; k < 20; k++)
		loop_run_once(L, 10);
	rpc_client_free(c);
	for (int k = 0; k < 20; k++) /* the parse threads' posts, now for a freed client */
		loop_run_once(L, 10);
	CHECK_MSG(never.calls == 0 || never.calls <= 10, "%d callbacks", never.calls);
}

/* rpc_call_decoded: where decode ran, what it made, and how often a result was thrown away. */
static pthread_t main_thread;
static atomic_int decodes_on_loop, decodes_off_loop, discards;

static void *count_txs(const struct rpc_reply *reply)
{
	struct eth_block b;
	size_t *n;

	atomic_fetch_add(pthread_equal(pthread_self(), main_thread) ? &decodes_on_loop : &decodes_off_loop, 1);
	if (reply->status != RPC_OK || eth_decode_block(reply->result, &b, NULL, 0) != 0)
		return NULL;
	n = malloc(sizeof(*n));
	if (n)
		*n = b.tx_count;
	eth_block_free(&b);
	return n;
}

static void discard_count(void *decoded)
{
	atomic_fetch_add(&discards, 1);
	free(decoded);
}

static const struct rpc_decoder tx_counter = { .decode = count_txs, .discard = discard_count };

struct decoded_outcome {
	int calls, status;
	long txs;        /* -1: nothing decoded */
};

static void on_decoded(void *ud, const struct rpc_response *res)
{
	struct decoded_outcome *o = ud;

	o->calls++;
	o->status = res->status;
	o->txs = res->decoded ? (long)*(size_t *)res->decoded : -1;
	free(res->decoded);
}

/*
 * A decoded call's decoder runs where the answer is parsed: a full block of BIGBLOCK_TXS
 * transactions from tests/bench/bigblock.py (over 256 KiB) on another thread than the loop's, a
 * small block from anvil on the loop. The callback gets what it made (the node's transaction
 * count); results nobody takes (a client freed with such calls under way) are discarded, one
 * discard per decode.
 */
static void decoded_calls_decode_where_they_are_parsed(void)
{
	struct rpc_client *big = client("BIGBLOCK_URL", 20000, 4, 0), *small = client("ANVIL_URL", 5000, 4, 0);
	const char *want = getenv("BIGBLOCK_TXS");
	struct decoded_outcome o = { 0 }, s = { 0 }, never = { 0 };
	int delivered;

	main_thread = pthread_self();
	CHECK(want != NULL);
	CHECK(rpc_call_decoded(big, "eth_getBlockByNumber", params_block("0x5", true), &tx_counter, on_decoded, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 20000));
	CHECK_INT(o.status, RPC_OK);
	CHECK_INT(o.txs, want ? atol(want) : -2);
	CHECK_INT(atomic_load(&decodes_off_loop), 1);
	CHECK_INT(atomic_load(&decodes_on_loop), 0);

	CHECK(rpc_call_decoded(small, "eth_getBlockByNumber", params_block("0x0", true), &tx_counter, on_decoded, &s) > 0);
	CHECK(test_run_until(L, &s.calls, 1, 5000));
	CHECK_INT(s.status, RPC_OK);
	CHECK_INT(s.txs, 0);
	CHECK_INT(atomic_load(&decodes_on_loop), 1);
	CHECK_INT(atomic_load(&discards), 0);
	rpc_client_free(small);

	/* freed with decoded calls under way: every decode that ran was delivered or discarded */
	for (int k = 0; k < 4; k++)
		CHECK(rpc_call_decoded(big, "eth_getBlockByNumber", params_block("0x5", true), &tx_counter, on_decoded,
		                       &never) > 0);
	for (int k = 0; k < 200 && atomic_load(&decodes_off_loop) < 3; k++)
		loop_run_once(L, 10);
	delivered = never.calls;
	rpc_client_free(big);
	for (int k = 0; k < 20; k++)
		loop_run_once(L, 10);
	CHECK_INT(never.calls, delivered);
	CHECK_INT(atomic_load(&decodes_off_loop) - 1, delivered + atomic_load(&discards));
}

static void oversized_response_is_refused(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 4, 256);
	struct outcome o = { 0 }, small = { 0 };

	CHECK(rpc_call(c, "eth_getBlockByNumber", params_block("0x0", true), on_done, &o) > 0);
	CHECK(test_run_until(L, &o.calls, 1, 5000));
	CHECK_INT(o.status, RPC_ETOOBIG);
	expect_size_backoff(c);
	/* Once the back-off is over, the client is usable for answers under the cap. */
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &small) > 0);
	CHECK(test_run_until(L, &small.calls, 1, 5000));
	CHECK_INT(small.status, RPC_OK);
	rpc_client_free(c);
}

/*
 * The cap is on the answer, over IPC as over HTTP: answers under it arrive however small the cap
 * (the reader's buffer is not the measure), an answer over it is refused, and the client is
 * usable again after a short back-off (asking again at once would only fetch as much again).
 */
static void ipc_cap_is_on_the_answer(void)
{
	struct rpc_client *c = client("ANVIL_IPC", 5000, 1, 256);
	struct outcome small = { 0 }, big = { 0 }, again = { 0 };

	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &small) > 0);
	CHECK(test_run_until(L, &small.calls, 1, 5000));
	CHECK_MSG(small.status == RPC_OK, "a 40-byte answer under a 256-byte cap: %d (%s)", small.status, small.detail);
	CHECK_STR(small.result[0], "0x7a69");
	CHECK(rpc_call(c, "eth_getBlockByNumber", params_block("0x0", true), on_done, &big) > 0);
	CHECK(test_run_until(L, &big.calls, 1, 5000));
	CHECK_INT(big.status, RPC_ETOOBIG);
	CHECK_MSG(strstr(big.detail, "256") != NULL, "detail: %s", big.detail);
	expect_size_backoff(c);
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &again) > 0);
	CHECK(test_run_until(L, &again.calls, 1, 5000));
	CHECK_MSG(again.status == RPC_OK, "after an oversized answer: %d (%s)", again.status, again.detail);
	rpc_client_free(c);
}

/*
 * A node on this test's own loop that answers one IPC call slowly: a push, then the answer, in
 * pieces of 1 to 13 bytes, one piece per loop iteration, so the client reads the stream in
 * thousands of reads cut anywhere (inside strings, after a backslash, between values).
 */
struct drip_node {
	int lfd, cfd;
	char req[4096];
	size_t reqlen;
	char *out;
	size_t len, off, turn;
};

static void drip_write(void *ud)
{
	struct drip_node *d = ud;
	size_t n = 1 + d->turn++ % 13;
	ssize_t put;

	if (n > d->len - d->off)
		n = d->len - d->off;
	put = write(d->cfd, d->out + d->off, n);
	if (put > 0)
		d->off += (size_t)put;
	else if (put < 0 && errno != EAGAIN && errno != EINTR)
		d->off = d->len; /* the client went away */
	if (d->off < d->len)
		loop_timer_add(L, 0, drip_write, d);
}

/* The payload as JSON string text: brackets, braces, escaped quotes and backslashes. */
static char drip_json_char(size_t i)
{
	static const char text[] = "a{]\\\"}[\\\\b";
	return text[i % (sizeof(text) - 1)];
}

static void drip_request(void *ud, int fd, short revents)
{
	struct drip_node *d = ud;
	ssize_t got = read(fd, d->req + d->reqlen, sizeof(d->req) - 1 - d->reqlen);
	const char *push = "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\","
	                   "\"params\":{\"subscription\":\"0xabc\",\"result\":{\"s\":\"}]\\\"[\"}}}\r\n";
	cJSON *req;
	size_t pl = 300000, at;

	(void)revents;
	if (got <= 0)
		return;
	d->reqlen += (size_t)got;
	d->req[d->reqlen] = '\0';
	if (!strchr(d->req, '\n'))
		return;
	loop_unwatch_fd(L, fd);
	req = cJSON_Parse(d->req);
	d->out = malloc(strlen(push) + pl + 128);
	if (!d->out || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(req, "id"))) {
		cJSON_Delete(req);
		return;
	}
	at = (size_t)sprintf(d->out, "%s  {\"jsonrpc\":\"2.0\",\"id\":%.0f,\"result\":\"", push,
	                     cJSON_GetObjectItemCaseSensitive(req, "id")->valuedouble);
	cJSON_Delete(req);
	for (size_t i = 0; i < pl; i++)
		d->out[at++] = drip_json_char(i);
	memcpy(d->out + at, "\"}\n", 3);
	d->len = at + 3;
	loop_timer_add(L, 0, drip_write, d);
}

static void drip_accept(void *ud, int fd, short revents)
{
	struct drip_node *d = ud;

	(void)revents;
	d->cfd = accept(fd, NULL, NULL);
	if (d->cfd < 0)
		return;
	fcntl(d->cfd, F_SETFL, fcntl(d->cfd, F_GETFL) | O_NONBLOCK);
	loop_unwatch_fd(L, fd);
	loop_watch_fd(L, d->cfd, POLLIN, drip_request, d);
}

struct whole {
	int calls, status;
	char *result;
};

static void on_whole(void *ud, const struct rpc_response *res)
{
	struct whole *w = ud;

	w->calls++;
	w->status = res->status;
	if (res->status == RPC_OK && res->reply[0].status == RPC_OK && cJSON_IsString(res->reply[0].result))
		w->result = strdup(res->reply[0].result->valuestring);
}

static void ipc_answer_in_thousands_of_pieces_arrives_whole(void)
{
	char dir[] = "/tmp/chaindeck-drip.XXXXXX", path[64];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct drip_node d = { .cfd = -1 };
	struct rpc_client *c;
	struct rpc_opts o = { .url = path, .timeout_ms = 60000 };
	struct whole w = { 0 };
	struct pushed p = { 0 };
	char err[256], *want;
	size_t pl = 300000;
	cJSON *text;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/node.ipc", dir);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	d.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(d.lfd >= 0 && bind(d.lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(d.lfd, 1) == 0);
	loop_watch_fd(L, d.lfd, POLLIN, drip_accept, &d);
	c = rpc_client_new(L, &o, err, sizeof(err));
	CHECK_MSG(c != NULL, "%s", err);
	rpc_client_on_notify(c, on_push, &p);
	CHECK(rpc_call(c, "eth_getLogs", NULL, on_whole, &w) > 0);
	CHECK(test_run_until(L, &w.calls, 1, 60000));
	CHECK_INT(w.status, RPC_OK);
	CHECK_MSG(d.turn > 40000, "the answer went out in only %zu pieces", d.turn);
	CHECK_INT(p.count, 1);
	CHECK_STR(p.sub, "0xabc");
	/* cJSON reads the payload's JSON text on its own: the client must have delivered the same string */
	want = malloc(pl + 3);
	want[0] = '"';
	for (size_t i = 0; i < pl; i++)
		want[1 + i] = drip_json_char(i);
	memcpy(want + 1 + pl, "\"", 2);
	text = cJSON_Parse(want);
	CHECK(cJSON_IsString(text));
	CHECK_MSG(w.result && cJSON_IsString(text) && strcmp(w.result, text->valuestring) == 0,
	          "the result differs from the string sent");
	cJSON_Delete(text);
	free(want);
	free(w.result);
	rpc_client_free(c);
	if (d.cfd >= 0) {
		loop_unwatch_fd(L, d.cfd);
		close(d.cfd);
	}
	loop_unwatch_fd(L, d.lfd);
	close(d.lfd);
	free(d.out);
	unlink(path);
	rmdir(dir);
}

static void parallel_calls_respect_connection_limit(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 3, 0);
	struct outcome o[30];
	struct rpc_health h;
	size_t peak = 0;
	int done = 0;

	memset(o, 0, sizeof(o));
	for (int i = 0; i < 30; i++)
		CHECK(rpc_call(c, "eth_getBlockByNumber", params_block("latest", true), on_done, &o[i]) > 0);
	rpc_client_health(c, &h);
	CHECK_INT(h.queued + h.inflight, 30);
	while (done < 30) {
		rpc_client_health(c, &h);
		if (h.inflight > peak)
			peak = h.inflight;
		loop_run_once(L, 50);
		done = 0;
		for (int i = 0; i < 30; i++)
			done += o[i].calls;
	}
	CHECK_MSG(peak <= 3, "peak in flight %zu", peak);
	for (int i = 0; i < 30; i++)
		CHECK_INT(o[i].status, RPC_OK);
	rpc_client_free(c);
}

static void cancelled_call_never_calls_back(void)
{
	struct rpc_client *c = client("ANVIL_URL", 5000, 1, 0);
	struct outcome a = { 0 }, b = { 0 }, last = { 0 };
	uint64_t ida = rpc_call(c, "eth_chainId", NULL, on_done, &a);
	uint64_t idb = rpc_call(c, "eth_chainId", NULL, on_done, &b);

	CHECK_INT(rpc_cancel(c, ida), 0); /* running */
	CHECK_INT(rpc_cancel(c, idb), 0); /* queued */
	CHECK_INT(rpc_cancel(c, idb), -1);
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &last) > 0);
	CHECK(test_run_until(L, &last.calls, 1, 5000));
	CHECK_INT(a.calls, 0);
	CHECK_INT(b.calls, 0);
	CHECK_INT(last.status, RPC_OK);
	rpc_client_free(c);
}

static void killed_node_fails_calls_cleanly(void)
{
	struct rpc_client *c = client("VICTIM_URL", 2000, 4, 0);
	const char *pid_s = getenv("VICTIM_PID");
	struct outcome before = { 0 }, after[5];
	struct rpc_health h;

	memset(after, 0, sizeof(after));
	CHECK(pid_s != NULL);
	CHECK(rpc_call(c, "eth_chainId", NULL, on_done, &before) > 0);
	CHECK(test_run_until(L, &before.calls, 1, 5000));
	CHECK_INT(before.status, RPC_OK);
	CHECK_INT(kill((pid_t)atoi(pid_s), SIGKILL), 0);
	for (int i = 0; i < 5; i++) {
		CHECK(rpc_call(c, "eth_blockNumber", NULL, on_done, &after[i]) > 0);
		CHECK(test_run_until(L, &after[i].calls, 1, 5000));
		CHECK_MSG(after[i].status == RPC_ECONNECT || after[i].status == RPC_EBACKOFF,
		          "call %d: %s (%s)", i, cd_strerror(after[i].status), after[i].detail);
	}
	rpc_client_health(c, &h);
	CHECK(!h.up);
	CHECK(h.last_error[0] != '\0');
	rpc_client_free(c);
}

static void credentials_are_masked(void)
{
	struct rpc_opts o = { .url = "https://alice:s3cret@node.invalid:8545/?apikey=abc123" };
	char err[128];
	struct rpc_client *c = rpc_client_new(L, &o, err, sizeof(err));

	CHECK(c != NULL);
	if (!c)
		return;
	CHECK(strstr(rpc_client_url(c), "s3cret") == NULL);
	CHECK(strstr(rpc_client_url(c), "abc123") == NULL);
	CHECK(strstr(rpc_client_url(c), "node.invalid") != NULL);
	rpc_client_free(c);
}

static void bad_scheme_is_refused_with_message(void)
{
	struct rpc_opts o = { .url = "ftp://user:pw@example.org/" };
	char err[256] = "";

	CHECK(rpc_client_new(L, &o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "scheme") != NULL);
	CHECK(strstr(err, "pw@") == NULL);
}

static const struct test_case cases[] = {
	{ "single_call_returns_chain_id", single_call_returns_chain_id },
	{ "batch_answers_in_request_order", batch_answers_in_request_order },
	{ "batch_reports_each_error_separately", batch_reports_each_error_separately },
	{ "remote_error_carries_code", remote_error_carries_code },
	{ "ipc_single_and_batch", ipc_single_and_batch },
	{ "ipc_pipelines_many_calls", ipc_pipelines_many_calls },
	{ "ipc_subscription_pushes_new_heads", ipc_subscription_pushes_new_heads },
	{ "silent_node_times_out_while_loop_runs", silent_node_times_out_while_loop_runs },
	{ "refused_connection_then_backoff", refused_connection_then_backoff },
	{ "oversized_response_is_refused", oversized_response_is_refused },
	{ "large_answers_are_parsed_off_the_loop", large_answers_are_parsed_off_the_loop },
	{ "decoded_calls_decode_where_they_are_parsed", decoded_calls_decode_where_they_are_parsed },
	{ "ipc_cap_is_on_the_answer", ipc_cap_is_on_the_answer },
	{ "ipc_answer_in_thousands_of_pieces_arrives_whole", ipc_answer_in_thousands_of_pieces_arrives_whole },
	{ "parallel_calls_respect_connection_limit", parallel_calls_respect_connection_limit },
	{ "cancelled_call_never_calls_back", cancelled_call_never_calls_back },
	{ "killed_node_fails_calls_cleanly", killed_node_fails_calls_cleanly },
	{ "credentials_are_masked", credentials_are_masked },
	{ "bad_scheme_is_refused_with_message", bad_scheme_is_refused_with_message },
};

int main(int argc, char **argv)
{
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
