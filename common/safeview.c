/*
 * Reading a Safe 1.4.1 without a key (common/safeview.h): the answers of its
 * view calls and its events, decoded for display.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/abi.h"
#include "common/error.h"
#include "common/safeview.h"
#include "common/text.h"

const char *const safeview_call_sigs[SAFEVIEW_CALLS] = { "VERSION()", "getOwners()", "getThreshold()", "nonce()" };

int safeview_decode_owners(const uint8_t *ret, size_t len, struct address *out, size_t max, size_t *n)
{
	struct u256 off, count;
	uint64_t o, c;

	*n = 0;
	if (abi_decode_uint(ret, len, 0, 256, &off) != CD_OK || u256_to_u64(off, &o) != 0 || o % 32 || o > len ||
	    abi_decode_uint(ret, len, o / 32, 256, &count) != CD_OK || u256_to_u64(count, &c) != 0 || c > max)
		return ABI_EDECODE;
	for (uint64_t i = 0; i < c; i++)
		if (abi_decode_address(ret, len, o / 32 + 1 + i, &out[i]) != CD_OK)
			return ABI_EDECODE;
	*n = c;
	return CD_OK;
}

int safeview_decode_version(const uint8_t *ret, size_t len, char *out, size_t cap)
{
	const uint8_t *s;
	size_t slen;

	if (abi_decode_bytes(ret, len, 0, &s, &slen) != CD_OK || slen == 0 || slen > 32)
		return ABI_EDECODE;
	text_sanitize(out, cap, (const char *)s, slen);
	return CD_OK;
}

/* The events with their indexed parameters first, as Safe 1.4.1 declares them. */
static const struct {
	const char *sig;        /* for the topic */
	const char *name;
	const char *params;     /* the parameters, indexed ones first, named */
	size_t indexed;
} events[] = {
	{ "ExecutionSuccess(bytes32,uint256)", "ExecutionSuccess", "(bytes32 txHash,uint256 payment)", 1 },
	{ "ExecutionFailure(bytes32,uint256)", "ExecutionFailure", "(bytes32 txHash,uint256 payment)", 1 },
	{ "AddedOwner(address)", "AddedOwner", "(address owner)", 1 },
	{ "RemovedOwner(address)", "RemovedOwner", "(address owner)", 1 },
	{ "ChangedThreshold(uint256)", "ChangedThreshold", "(uint256 threshold)", 0 },
};

bool safeview_format_log(const struct eth_log *lg, char *out, size_t cap)
{
	uint8_t topic[32], *buf;
	size_t len, k;
	int pre;

	if (!lg->topic_count || cap == 0)
		return false;
	for (k = 0; k < sizeof(events) / sizeof(events[0]); k++)
		if (abi_event_topic(events[k].sig, topic) == CD_OK && memcmp(topic, lg->topics[0], 32) == 0)
			break;
	if (k == sizeof(events) / sizeof(events[0]) || lg->topic_count != 1 + events[k].indexed)
		return false;
	/* the indexed words, then the data: one ABI tuple of static parameters */
	len = 32 * events[k].indexed + lg->data_len;
	buf = malloc(len ? len : 1);
	if (!buf)
		return false;
	for (size_t i = 0; i < events[k].indexed; i++)
		memcpy(buf + 32 * i, lg->topics[1 + i], 32);
	if (lg->data_len)
		memcpy(buf + 32 * events[k].indexed, lg->data, lg->data_len);
	pre = snprintf(out, cap, "%s ", events[k].name);
	if (pre > 0 && (size_t)pre < cap)
		abi_format_params(events[k].params, buf, len, out + pre, cap - (size_t)pre);
	free(buf);
	return true;
}
