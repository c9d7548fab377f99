/*
 * loopstall: how long the event loop stops answering while the rpc client receives and parses
 * answers. What a key waits for in chaindeck is the loop: a key is read, and the screen drawn,
 * only between two callbacks, so a stall of the loop is a key's extra latency.
 *
 *   loopstall --url URL --method NAME [--calls N] [--tick-ms MS]
 *
 * Sends N (default 5) calls of NAME (params []) one after another on one rpc client, while a
 * timer due every MS (default 2) milliseconds notes how late it ran. Prints key=value lines:
 * calls, ok (answered with RPC_OK), items (the largest result's array size), wall_ms, ticks, and the lateness: p50_us, p99_us, max_us (nearest rank). Exit status
 * 0 when every call was answered, 1 if not, 2 on bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/loop.h"
#include "common/rpc.h"

struct run {
	struct loop *loop;
	struct rpc_client *c;
	const char *method;
	int want, sent, done, ok;
	int biggest;
	long tick_ms;
	uint64_t due_us;
	uint64_t *late;
	size_t nlate, cap;
};

static void on_answer(void *ud, const struct rpc_response *res);

static void send_one(struct run *r)
{
	if (r->sent < r->want && rpc_call(r->c, r->method, NULL, on_answer, r) > 0)
		r->sent++;
}

static void on_answer(void *ud, const struct rpc_response *res)
{
	struct run *r = ud;

	r->done++;
	if (res->status == RPC_OK && res->n == 1 && res->reply[0].status == RPC_OK) {
		int items = cJSON_GetArraySize(res->reply[0].result);

		r->ok++;
		if (items > r->biggest)
			r->biggest = items;
	} else {
		fprintf(stderr, "loopstall: call %d: %s\n", r->done, res->detail ? res->detail : "?");
	}
	send_one(r);
}

static void on_tick(void *ud)
{
	struct run *r = ud;
	uint64_t now = loop_now_us();

	if (r->nlate == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4096;
		r->late = realloc(r->late, r->cap * sizeof(*r->late));
		if (!r->late)
			exit(2);
	}
	r->late[r->nlate++] = now > r->due_us ? now - r->due_us : 0;
	r->due_us = loop_now_us() + (uint64_t)r->tick_ms * 1000;
	loop_timer_add(r->loop, (uint64_t)r->tick_ms, on_tick, r);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rank(const uint64_t *v, size_t n, unsigned pct)
{
	size_t k = (n * pct + 99) / 100;

	return n ? v[k ? k - 1 : 0] : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },   { "method", required_argument, NULL, 'm' },
		{ "calls", required_argument, NULL, 'n' }, { "tick-ms", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .want = 5, .tick_ms = 2 };
	struct rpc_opts o = { .timeout_ms = 60000, .connections = 1 };
	char err[256];
	uint64_t t0;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			o.url = optarg;
			break;
		case 'm':
			r.method = optarg;
			break;
		case 'n':
			r.want = atoi(optarg);
			break;
		case 't':
			r.tick_ms = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!o.url || !r.method || r.want < 1 || r.tick_ms < 1) {
		fputs("usage: loopstall --url URL --method NAME [--calls N] [--tick-ms MS]\n", stderr);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r.loop = loop_new();
	r.c = r.loop ? rpc_client_new(r.loop, &o, err, sizeof(err)) : NULL;
	if (!r.c) {
		fprintf(stderr, "loopstall: %s\n", r.loop ? err : "no loop");
		return 2;
	}
	t0 = loop_now_us();
	r.due_us = t0 + (uint64_t)r.tick_ms * 1000;
	loop_timer_add(r.loop, (uint64_t)r.tick_ms, on_tick, &r);
	send_one(&r);
	while (r.done < r.want && loop_now_us() - t0 < 600ull * 1000000)
		loop_run_once(r.loop, 100);
	qsort(r.late, r.nlate, sizeof(*r.late), cmp_u64);
	printf("calls=%d\nok=%d\nitems=%d\nwall_ms=%llu\nticks=%zu\n", r.done, r.ok, r.biggest,
	       (unsigned long long)((loop_now_us() - t0) / 1000), r.nlate);
	printf("p50_us=%llu\np99_us=%llu\nmax_us=%llu\n", (unsigned long long)rank(r.late, r.nlate, 50),
	       (unsigned long long)rank(r.late, r.nlate, 99),
	       (unsigned long long)(r.nlate ? r.late[r.nlate - 1] : 0));
	rpc_client_free(r.c);
	loop_free(r.loop);
	free(r.late);
	curl_global_cleanup();
	return r.ok == r.want ? 0 : 1;
}
