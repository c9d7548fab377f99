/*
 * Signing cross-checked against Foundry's cast, offline. Started by
 * tests/integration/sign.sh, which sets:
 *   CAST    the cast binary (tests/npm/bin/cast)
 * Each transaction is described once; the same fields go to tx_from_json and
 * to `cast mktx`, and the raw bytes must be identical. Messages go to
 * `cast wallet sign`; each side verifies the other's signature.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/address.h"
#include "common/hex.h"
#include "wallet/sign.h"
#include "wallet/tx.h"
#include "tests/lib/test.h"

/* Anvil's development account 0 (a published test key, never a real one). */
static const char DEV_KEY[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char DEV_ADDR[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char TO[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
/* A closed port: cast must not need a node for fully specified transactions. */
static const char NO_NODE[] = "http://127.0.0.1:1";

static uint8_t *key; /* sodium_malloc'd, as the wallet holds keys */

static const char *cast_bin(void)
{
	const char *c = getenv("CAST");

	return c && *c ? c : "tests/npm/bin/cast";
}

/* Runs a shell command and returns its first output line, trimmed (malloc'd; NULL on failure). */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status;

	if (!p)
		return NULL;
	n = getline(&line, &cap, p);
	status = pclose(p);
	if (n <= 0 || status != 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
	return line;
}

enum kind { LEGACY, ACCESS_LIST, DYNAMIC };

struct txcase {
	const char *name;
	enum kind kind;
	const char *chain, *nonce, *gas, *price, *priority; /* decimal; price is maxFeePerGas for DYNAMIC */
	const char *to;       /* NULL: contract creation */
	const char *value;    /* decimal or NULL */
	const char *data;     /* 0x hex or NULL */
	const char *access;   /* JSON access list or NULL */
};

static const struct txcase txcases[] = {
	{ "eip1559_transfer_on_anvil_chain", DYNAMIC, "31337", "0", "21000", "2000000000", "1000000000", TO, "1", NULL, NULL },
	{ "eip1559_mainnet_with_calldata", DYNAMIC, "1", "42", "90000", "30000000000", "1500000000", TO, "0",
	  "0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8"
	  "0000000000000000000000000000000000000000000000000de0b6b3a7640000", NULL },
	{ "eip1559_u256_max_value", DYNAMIC, "1", "0", "100000", "2000000000", "1",
	  TO, "115792089237316195423570985008687907853269984665640564039457584007913129639935", NULL, NULL },
	{ "eip1559_contract_creation", DYNAMIC, "1", "7", "100000", "2000000000", "1000000000", NULL, NULL, "0x6001600055", NULL },
	{ "eip1559_access_list", DYNAMIC, "1", "7", "100000", "2000000000", "1000000000", TO, "1", NULL,
	  "[{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"storageKeys\":"
	  "[\"0x0000000000000000000000000000000000000000000000000000000000000001\"]}]" },
	{ "legacy_eip155_mainnet", LEGACY, "1", "5", "21000", "2000000000", NULL, TO, "1", NULL, NULL },
	{ "legacy_eip155_big_chain_id", LEGACY, "4294967295", "18446744073709551614", "21000", "1", NULL, TO,
	  "1000000000000000000", NULL, NULL },
	{ "legacy_contract_creation", LEGACY, "31337", "1", "100000", "1000000000", NULL, NULL, NULL, "0x6001600055", NULL },
	{ "eip2930_access_list", ACCESS_LIST, "1", "7", "100000", "2000000000", NULL, TO, "1", NULL,
	  "[{\"address\":\"0x70997970c51812dc3a010c7d01b50e0d17dc79c8\",\"storageKeys\":[]}]" },
};

static void hexq(char *out, size_t cap, const char *dec)
{
	struct u256 v;

	CHECK(u256_parse_dec(&v, dec, strlen(dec)) == CD_OK);
	u256_format_hex(v, out, cap);
}

/* The eth_signTransaction object for a case. */
static char *case_json(const struct txcase *c)
{
	char chain[80], nonce[80], gas[80], price[80], prio[80], value[80];
	char *out = malloc(4096);
	size_t n;

	if (!out)
		abort();
	hexq(chain, sizeof(chain), c->chain);
	hexq(nonce, sizeof(nonce), c->nonce);
	hexq(gas, sizeof(gas), c->gas);
	hexq(price, sizeof(price), c->price);
	hexq(value, sizeof(value), c->value ? c->value : "0");
	n = (size_t)snprintf(out, 4096, "{\"from\":\"%s\",\"chainId\":\"%s\",\"nonce\":\"%s\",\"gas\":\"%s\","
	                     "\"value\":\"%s\"", DEV_ADDR, chain, nonce, gas, value);
	if (c->kind == DYNAMIC) {
		hexq(prio, sizeof(prio), c->priority);
		n += (size_t)snprintf(out + n, 4096 - n, ",\"maxFeePerGas\":\"%s\",\"maxPriorityFeePerGas\":\"%s\"",
		                      price, prio);
	} else {
		n += (size_t)snprintf(out + n, 4096 - n, ",\"gasPrice\":\"%s\"", price);
	}
	if (c->kind == ACCESS_LIST)
		n += (size_t)snprintf(out + n, 4096 - n, ",\"type\":\"0x1\"");
	if (c->to)
		n += (size_t)snprintf(out + n, 4096 - n, ",\"to\":\"%s\"", c->to);
	if (c->data)
		n += (size_t)snprintf(out + n, 4096 - n, ",\"input\":\"%s\"", c->data);
	if (c->access)
		n += (size_t)snprintf(out + n, 4096 - n, ",\"accessList\":%s", c->access);
	snprintf(out + n, 4096 - n, "}");
	return out;
}

/* The `cast mktx` command line for a case. */
static char *case_cast(const struct txcase *c)
{
	char *out = malloc(4096);
	size_t n;

	if (!out)
		abort();
	n = (size_t)snprintf(out, 4096, "'%s' mktx --private-key %s --chain %s --nonce %s --gas-limit %s --gas-price %s",
	                     cast_bin(), DEV_KEY, c->chain, c->nonce, c->gas, c->price);
	if (c->kind == DYNAMIC)
		n += (size_t)snprintf(out + n, 4096 - n, " --priority-gas-price %s", c->priority);
	else
		n += (size_t)snprintf(out + n, 4096 - n, " --legacy");
	if (c->value)
		n += (size_t)snprintf(out + n, 4096 - n, " --value %s", c->value);
	if (c->access)
		n += (size_t)snprintf(out + n, 4096 - n, " --access-list '%s'", c->access);
	n += (size_t)snprintf(out + n, 4096 - n, " --rpc-url %s", NO_NODE);
	if (c->to)
		n += (size_t)snprintf(out + n, 4096 - n, " %s%s%s", c->to, c->data ? " " : "", c->data ? c->data : "");
	else
		n += (size_t)snprintf(out + n, 4096 - n, " --create %s", c->data);
	snprintf(out + n, 4096 - n, " 2>/dev/null");
	return out;
}

static void transactions_match_cast_byte_for_byte(void)
{
	struct address me;

	CHECK(address_parse(&me, DEV_ADDR, strlen(DEV_ADDR)) == CD_OK);
	for (size_t i = 0; i < TEST_COUNT(txcases); i++) {
		const struct txcase *c = &txcases[i];
		char *json = case_json(c), *cmd = case_cast(c), *theirs = run(cmd);
		char err[TX_ERR_MAX] = "", *ours = NULL;
		cJSON *j = cJSON_Parse(json);
		struct tx t, d;
		struct tx_sig sig;
		struct tx_raw raw = { 0 };
		struct address from;

		CHECK_MSG(j != NULL, "%s: bad JSON %s", c->name, json);
		CHECK_MSG(tx_from_json(j, &t, err, sizeof(err)) == CD_OK, "%s: %s", c->name, err);
		CHECK_MSG(tx_sign(&t, key, &raw) == CD_OK, "%s: sign", c->name);
		if (raw.bytes) {
			ours = malloc(2 * raw.len + 3);
			hex_encode(ours, 2 * raw.len + 3, raw.bytes, raw.len, 1);
		}
		CHECK_MSG(theirs != NULL, "%s: cast failed: %s", c->name, cmd);
		CHECK_MSG(ours && theirs && strcmp(ours, theirs) == 0, "%s:\n    ours %s\n    cast %s", c->name,
		          ours ? ours : "-", theirs ? theirs : "-");
		/* cast's bytes decode and recover to the key's address */
		if (theirs) {
			size_t len = strlen(theirs) / 2, n = 0;
			uint8_t *b = malloc(len + 1);

			CHECK(hex_decode(b, len + 1, &n, theirs, strlen(theirs)) == CD_OK);
			CHECK_MSG(tx_decode(b, n, &d, &sig, err, sizeof(err)) == CD_OK, "%s: decode cast: %s", c->name, err);
			CHECK(tx_recover_sender(&d, &sig, &from) == CD_OK && memcmp(from.b, me.b, 20) == 0);
			tx_free(&d);
			free(b);
		}
		tx_raw_free(&raw);
		tx_free(&t);
		cJSON_Delete(j);
		free(ours);
		free(theirs);
		free(cmd);
		free(json);
	}
}

static const char *const messages[] = {
	"hello",
	"Some data",
	"",
	"h\xc3\xa9llo \xe2\x9c\x93 UTF-8",
	"0xdeadbeef00", /* cast decodes 0x-prefixed messages as bytes */
	"a longer message that goes past one hundred bytes so that the decimal length in the prefix has "
	"three digits",
};

static void messages_match_cast_and_verify_both_ways(void)
{
	struct address me;

	CHECK(address_parse(&me, DEV_ADDR, strlen(DEV_ADDR)) == CD_OK);
	for (size_t i = 0; i < TEST_COUNT(messages); i++) {
		const char *m = messages[i];
		uint8_t msg[256], sig[SIGN_SIG_SIZE], theirs_sig[SIGN_SIG_SIZE];
		size_t len = strlen(m);
		char cmd[1024], text[SIGN_HEX_SIZE], *theirs, *verdict;

		if (strncmp(m, "0x", 2) == 0)
			CHECK(hex_decode(msg, sizeof(msg), &len, m, strlen(m)) == CD_OK);
		else
			memcpy(msg, m, len);
		CHECK(sign_message(msg, len, key, sig) == CD_OK);
		sign_sig_format(sig, text);
		snprintf(cmd, sizeof(cmd), "'%s' wallet sign --private-key %s '%s' 2>/dev/null", cast_bin(), DEV_KEY, m);
		theirs = run(cmd);
		CHECK_MSG(theirs && strcmp(theirs, text) == 0, "message %zu:\n    ours %s\n    cast %s", i, text,
		          theirs ? theirs : "-");
		/* cast's signature verifies with ours, ours with cast */
		CHECK(theirs && sign_sig_parse(theirs_sig, theirs, strlen(theirs)) == CD_OK);
		CHECK(theirs && sign_message_verify(msg, len, theirs_sig, &me) == CD_OK);
		snprintf(cmd, sizeof(cmd), "'%s' wallet verify --address %s '%s' %s 2>&1", cast_bin(), DEV_ADDR, m, text);
		verdict = run(cmd);
		CHECK_MSG(verdict && strstr(verdict, "Validation succeeded"), "message %zu: cast verify said %s", i,
		          verdict ? verdict : "(failed)");
		free(verdict);
		free(theirs);
	}
}

static const struct test_case cases[] = {
	{ "transactions_match_cast_byte_for_byte", transactions_match_cast_byte_for_byte },
	{ "messages_match_cast_and_verify_both_ways", messages_match_cast_and_verify_both_ways },
};

int main(int argc, char **argv)
{
	int rc;

	if (sodium_init() < 0)
		return 1;
	key = sodium_malloc(32);
	if (!key || hex_decode_exact(key, 32, DEV_KEY, strlen(DEV_KEY)) != CD_OK)
		return 1;
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	sodium_free(key);
	return rc;
}
