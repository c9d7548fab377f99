/*
 * head — a small front end on the chaindeck library (common/), without curses.
 *
 * It connects to a node, asks for the chain id and the latest block in one
 * JSON-RPC batch, prints them, then follows new heads for a while by polling
 * eth_blockNumber and fetching every block it has not printed yet:
 *
 *     $ head --rpc-url http://127.0.0.1:8545 --seconds 5
 *     chain id 31337
 *     head 12 0x6b1d…e0 2026-05-08T07:50:55Z base fee 0.875 gwei
 *     new  13 0x1f9a…4c 2026-05-08T07:50:56Z base fee 0.765625 gwei
 *
 * Everything runs on one thread: the program owns a struct loop and calls
 * loop_run_once() until it is done; every rpc callback runs inside that call.
 * Nothing blocks: a slow or absent node only delays the callbacks.
 *
 * Exit status: 0 once the first batch was answered, 1 when it could not be
 * (no node, an error answer, a block that does not decode), 2 on bad usage
 * (an unknown option, a value out of range, a URL the client refuses).
 *
 * docs/library.md walks through this file.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "common/eth.h"
#include "common/fmt.h"
#include "common/hex.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "common/u256.h"

/* At most this many blocks are fetched in one catch-up batch; older ones are skipped. */
#define MAX_CATCHUP 32

struct head_app {
	struct loop *loop;
	struct rpc_client *rpc;
	long interval_ms;      /* how often eth_blockNumber is asked */
	uint64_t deadline_ms;  /* loop_now_ms() at which following stops */
	bool done;
	int status;            /* the exit status */
	bool have_head;
	uint64_t printed;      /* the highest block number printed */
	uint64_t call;         /* the call in flight (0: none): never two at once */
	uint64_t timer;
};

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: head [--rpc-url URL] [--seconds N] [--interval MS]\n"
	        "Prints the node's chain id and head block, then follows new heads for N seconds.\n"
	        "\n"
	        "  -r, --rpc-url URL   http://, https://, ipc:///path or /path.ipc\n"
	        "                      (default $ETH_RPC_URL, else http://127.0.0.1:8545)\n"
	        "  -s, --seconds N     how long to follow new heads (default 10; 0: print the head and exit)\n"
	        "  -i, --interval MS   how often to ask for the block number (default 500)\n"
	        "  -h, --help          this help\n");
}

/* A decimal in [lo, hi], the whole string. */
static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (!*s)
		return false;
	v = strtol(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* ["0x1a", false]: a block by number, transaction hashes only. */
static cJSON *block_params(uint64_t number)
{
	cJSON *p = cJSON_CreateArray();
	char num[24];

	hex_format_u64(num, sizeof(num), number);
	cJSON_AddItemToArray(p, cJSON_CreateString(num));
	cJSON_AddItemToArray(p, cJSON_CreateFalse());
	return p;
}

/* A block timestamp as ISO 8601 UTC; the raw number when it is not a date this system can show. */
static void format_time(char *buf, size_t cap, uint64_t unix_s)
{
	struct tm tm;
	time_t t = (time_t)unix_s;

	if ((uint64_t)t != unix_s || !gmtime_r(&t, &tm) || strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, cap, "%llu", (unsigned long long)unix_s);
}

/*
 * Decodes one block reply and prints it. false when the reply is an error or
 * not a block (the message goes to stderr).
 */
static bool print_block(struct head_app *a, const char *tag, const struct rpc_reply *r)
{
	struct eth_block b;
	char err[ETH_ERR_MAX], hash[2 * ETH_HASH_LEN + 3], when[48], fee[96];
	int rc;

	if (r->status != RPC_OK) {
		fprintf(stderr, "head: eth_getBlockByNumber: %s%s%s\n", cd_strerror(r->status),
		        r->status == RPC_EREMOTE ? ": " : "", r->status == RPC_EREMOTE ? r->message : "");
		return false;
	}
	rc = eth_decode_header(r->result, &b, err, sizeof(err));
	if (rc != CD_OK) {
		fprintf(stderr, "head: block: %s\n", rc == CD_ENOTFOUND ? "the node has no such block" : err);
		return false;
	}
	if (b.has_hash)
		hex_encode(hash, sizeof(hash), b.hash, ETH_HASH_LEN, 1);
	else
		snprintf(hash, sizeof(hash), "(pending)");
	format_time(when, sizeof(when), b.timestamp);
	if (b.has_base_fee) {
		char gwei[80];

		/* Exact: u256 arithmetic, 9 decimals, trailing zeros trimmed, never rounded. */
		snprintf(fee, sizeof(fee), "base fee %s", fmt_units(gwei, sizeof(gwei), b.base_fee, 9, "gwei"));
	} else {
		snprintf(fee, sizeof(fee), "no base fee");
	}
	printf("%-4s %llu %s %s %s\n", tag, (unsigned long long)b.number, hash, when, fee);
	fflush(stdout);
	a->printed = b.number; /* blocks are asked in ascending order */
	a->have_head = true;
	eth_block_free(&b);
	return true;
}

static void poll_head(void *ud);

static void schedule(struct head_app *a)
{
	if (!a->done)
		a->timer = loop_timer_add(a->loop, (uint64_t)a->interval_ms, poll_head, a);
}

/* Blocks printed + 1 .. the new head arrive as one batch, in the order asked. */
static void on_blocks(void *ud, const struct rpc_response *res)
{
	struct head_app *a = ud;

	a->call = 0;
	if (res->status != RPC_OK) {
		fprintf(stderr, "head: %s\n", res->detail);
		return;
	}
	for (size_t i = 0; i < res->n; i++) {
		if (!print_block(a, "new", &res->reply[i]))
			break; /* asked again at the next poll */
	}
}

static void on_block_number(void *ud, const struct rpc_response *res)
{
	struct head_app *a = ud;
	struct rpc_batch *b;
	uint64_t n, from;

	a->call = 0;
	if (res->status != RPC_OK) {
		/* Transport trouble: the client backs off by itself; we just try again later. */
		fprintf(stderr, "head: %s\n", res->detail);
		return;
	}
	if (res->reply[0].status != RPC_OK || eth_decode_u64(res->reply[0].result, &n, NULL, 0) != CD_OK) {
		fprintf(stderr, "head: eth_blockNumber: %s\n",
		        res->reply[0].status == RPC_EREMOTE ? res->reply[0].message : "not a quantity");
		return;
	}
	if (n == a->printed)
		return;
	if (n < a->printed) {
		/* A rewind (a dev node reset, a deep reorg): follow from the new head. */
		printf("head went back from %llu to %llu\n", (unsigned long long)a->printed, (unsigned long long)n);
		from = n;
	} else {
		from = n - a->printed > MAX_CATCHUP ? n - MAX_CATCHUP + 1 : a->printed + 1;
	}
	b = rpc_batch_new();
	if (!b)
		return;
	for (uint64_t k = from;; k++) {
		rpc_batch_add(b, "eth_getBlockByNumber", block_params(k));
		if (k == n)
			break; /* not k <= n: n may be UINT64_MAX */
	}
	a->call = rpc_batch_send(a->rpc, b, on_blocks, a);
}

static void poll_head(void *ud)
{
	struct head_app *a = ud;

	a->timer = 0;
	schedule(a);
	if (a->call)
		return; /* the previous answer is not in yet */
	a->call = rpc_call(a->rpc, "eth_blockNumber", NULL, on_block_number, a);
}

static void on_deadline(void *ud)
{
	struct head_app *a = ud;

	a->done = true;
}

/* The first answer: [eth_chainId, eth_getBlockByNumber("latest", false)]. */
static void on_first(void *ud, const struct rpc_response *res)
{
	struct head_app *a = ud;
	uint64_t chain_id;
	char err[ETH_ERR_MAX];

	a->call = 0;
	a->status = 1;
	if (res->status != RPC_OK) {
		/* Not even a JSON-RPC answer: detail says why in words ("connection refused"). */
		fprintf(stderr, "head: %s: %s\n", rpc_client_url(a->rpc), res->detail);
		a->done = true;
		return;
	}
	if (res->reply[0].status != RPC_OK) {
		fprintf(stderr, "head: eth_chainId: %s\n", res->reply[0].status == RPC_EREMOTE ?
		        res->reply[0].message : cd_strerror(res->reply[0].status));
		a->done = true;
		return;
	}
	if (eth_decode_u64(res->reply[0].result, &chain_id, err, sizeof(err)) != CD_OK) {
		fprintf(stderr, "head: eth_chainId: %s\n", err);
		a->done = true;
		return;
	}
	printf("chain id %llu\n", (unsigned long long)chain_id);
	if (!print_block(a, "head", &res->reply[1])) {
		a->done = true;
		return;
	}
	a->status = 0;
	if (a->deadline_ms <= loop_now_ms()) {
		a->done = true;
		return;
	}
	loop_timer_add(a->loop, a->deadline_ms - loop_now_ms(), on_deadline, a);
	schedule(a);
}

/*
 * The command line into *url, *seconds and a->interval_ms. -1 to go on,
 * else the exit status (0 after --help, 2 on bad usage).
 */
static int parse_args(int argc, char **argv, struct head_app *a, const char **url, long *seconds)
{
	static const struct option longopts[] = {
		{ "rpc-url", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("ETH_RPC_URL");
	int ch;

	*url = NULL;
	while ((ch = getopt_long(argc, argv, "r:s:i:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			*url = optarg;
			break;
		case 's':
			if (!parse_long(optarg, 0, 86400, seconds)) {
				fprintf(stderr, "head: --seconds wants 0..86400\n");
				return 2;
			}
			break;
		case 'i':
			if (!parse_long(optarg, 10, 60000, &a->interval_ms)) {
				fprintf(stderr, "head: --interval wants 10..60000 (ms)\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "head: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (!*url)
		*url = env && *env ? env : "http://127.0.0.1:8545";
	return -1;
}

/* libcurl, the loop and one client on url. 0, else the exit status (with the message printed). */
static int setup(struct head_app *a, const char *url)
{
	struct rpc_opts opts = { 0 };
	char err[256];

	/* libcurl's global state is the program's to set up, once, before any loop or client. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "head: cannot initialise libcurl\n");
		return 1;
	}
	a->loop = loop_new();
	if (!a->loop) {
		fprintf(stderr, "head: out of memory\n");
		curl_global_cleanup();
		return 1;
	}
	loop_catch_signals(); /* Ctrl-C only sets a flag; the loop below sees it */

	opts.url = url;
	opts.timeout_ms = 5000;
	a->rpc = rpc_client_new(a->loop, &opts, err, sizeof(err));
	if (!a->rpc) {
		fprintf(stderr, "head: %s\n", err);
		loop_free(a->loop);
		curl_global_cleanup();
		return 2;
	}
	return 0;
}

/*
 * One batch, one round trip: reply[i] answers the i-th call added. The
 * batch takes the params (NULL means []); send takes the batch. false when
 * out of memory.
 */
static bool send_first(struct head_app *a)
{
	struct rpc_batch *batch = rpc_batch_new();

	if (batch) {
		cJSON *latest = cJSON_CreateArray();

		cJSON_AddItemToArray(latest, cJSON_CreateString("latest"));
		cJSON_AddItemToArray(latest, cJSON_CreateFalse());
		if (rpc_batch_add(batch, "eth_chainId", NULL) != RPC_OK) {
			cJSON_Delete(latest);
		} else if (rpc_batch_add(batch, "eth_getBlockByNumber", latest) == RPC_OK) {
			a->call = rpc_batch_send(a->rpc, batch, on_first, a);
			batch = NULL;
		}
	}
	rpc_batch_free(batch);
	return a->call != 0;
}

/* The loop: wait for sockets and timers, run what is ready, repeat until done or a signal. */
static void run(struct head_app *a)
{
	while (!a->done) {
		if (loop_run_once(a->loop, 1000) != 0) {
			fprintf(stderr, "head: the event loop failed\n");
			a->status = 1;
			break;
		}
		if (loop_take_signal(SIGINT) || loop_take_signal(SIGTERM))
			a->done = true;
	}
}

/* Outstanding calls are cancelled without their callbacks; then the loop can go. */
static void teardown(struct head_app *a)
{
	rpc_client_free(a->rpc);
	loop_free(a->loop);
	curl_global_cleanup();
}

int main(int argc, char **argv)
{
	struct head_app a = { .interval_ms = 500, .status = 1 };
	const char *url;
	long seconds = 10;
	int rc = parse_args(argc, argv, &a, &url, &seconds);

	if (rc >= 0)
		return rc;
	rc = setup(&a, url);
	if (rc != 0)
		return rc;
	a.deadline_ms = loop_now_ms() + (uint64_t)seconds * 1000u;
	if (!send_first(&a)) {
		fprintf(stderr, "head: out of memory\n");
		a.done = true;
	}
	run(&a);
	teardown(&a);
	return a.status;
}
