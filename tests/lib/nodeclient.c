/*
 * Clients on the nodes an integration test's script started, and the loop
 * runs the test cases wait on (see nodeclient.h).
 */
#include "nodeclient.h"

#include <stdio.h>
#include <stdlib.h>

struct rpc_client *test_node_client(struct loop *L, const char *env, struct rpc_opts o, const char *script)
{
	char err[256];
	struct rpc_client *c;

	o.url = getenv(env);
	if (!o.url) {
		printf("%s is not set: run through %s\n", env, script);
		exit(2);
	}
	c = L ? rpc_client_new(L, &o, err, sizeof(err)) : NULL;
	if (!c) {
		printf("rpc_client_new(%s): %s\n", env, L ? err : "no loop");
		exit(2);
	}
	return c;
}

bool test_run_until(struct loop *L, const int *count, int want, uint64_t timeout_ms)
{
	uint64_t end = loop_now_ms() + timeout_ms;

	while (*count < want && loop_now_ms() < end)
		loop_run_once(L, 50);
	return *count >= want;
}

void test_run_for(struct loop *L, uint64_t ms)
{
	uint64_t end = loop_now_ms() + ms;

	while (loop_now_ms() < end)
		loop_run_once(L, 20);
}
