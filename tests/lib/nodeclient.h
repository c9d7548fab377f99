/*
 * The integration tests' side of a node their script started: a JSON-RPC
 * client on the URL the script put in an environment variable, and the loop
 * run until the answers a case waits for have come.
 */
#ifndef CHAINDECK_TEST_NODECLIENT_H
#define CHAINDECK_TEST_NODECLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "common/loop.h"
#include "common/rpc.h"

/*
 * A client on the URL in `env` with the options in `o` (its url is set here).
 * No variable, or no client, ends the program with status 2 and a line that
 * names `script`, the test's driver: such a run tested nothing.
 */
struct rpc_client *test_node_client(struct loop *L, const char *env, struct rpc_opts o, const char *script);

/* Runs the loop until *count reaches want or timeout_ms passes; true if reached. */
bool test_run_until(struct loop *L, const int *count, int want, uint64_t timeout_ms);

/* Runs the loop for ms whatever happens (to see that nothing more does). */
void test_run_for(struct loop *L, uint64_t ms);

#endif
