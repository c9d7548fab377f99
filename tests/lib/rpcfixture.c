/*
 * Reads the recorded execution-apis exchanges (tests/lib/rpcfixture.h): the
 * request's id, then the response parsed by our codec, as a node's answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rpc_codec.h"
#include "tests/lib/rpcfixture.h"
#include "tests/lib/test.h"

const cJSON *test_rpc_result(const char *name, cJSON **doc)
{
	char path[512], *text, *line, *resp = NULL, *req = NULL;
	struct rpc_reply r;
	cJSON *rq;
	uint64_t id = 0;
	int rc;

	*doc = NULL;
	snprintf(path, sizeof(path), "%s/%s", TEST_RPC_FIXTURES, name);
	text = test_read_file(path, NULL);
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, ">> ", 3) == 0 && !req)
			req = line + 3;
		else if (strncmp(line, "<< ", 3) == 0 && !resp)
			resp = line + 3;
	}
	if (!req || !resp) {
		test_fail(__FILE__, __LINE__, "%s: no exchange", name);
		free(text);
		return NULL;
	}
	rq = cJSON_Parse(req);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(rq, "id")))
		id = (uint64_t)cJSON_GetObjectItemCaseSensitive(rq, "id")->valuedouble;
	cJSON_Delete(rq);
	rc = rpc_codec_parse(resp, strlen(resp), id, doc, &r);
	free(text);
	if (rc != RPC_OK || r.status != RPC_OK) {
		test_fail(__FILE__, __LINE__, "%s: reply %d/%d", name, rc, r.status);
		cJSON_Delete(*doc);
		*doc = NULL;
		return NULL;
	}
	return r.result;
}
