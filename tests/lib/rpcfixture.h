/*
 * The recorded node answers in tests/vectors/execution-apis: the result of a
 * fixture's one exchange, decoded by the JSON-RPC codec, for tests that check
 * what we make of a real node's answer.
 */
#ifndef CHAINDECK_TEST_RPCFIXTURE_H
#define CHAINDECK_TEST_RPCFIXTURE_H

#include <cjson/cJSON.h>

#define TEST_RPC_FIXTURES "tests/vectors/execution-apis/tests"

/*
 * The "result" of fixture `name` ("eth_getTransactionByHash/get-legacy-tx.io");
 * *doc owns it (cJSON_Delete). A missing exchange or an error answer records
 * a test failure and returns NULL.
 */
const cJSON *test_rpc_result(const char *name, cJSON **doc);

#endif
