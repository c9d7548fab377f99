/*
 * keccak: Keccak-256 (not SHA3-256) on ethers' hash vectors and the
 * ethereum-tests transactions, one-shot against incremental at every split.
 */
#include "common/hex.h"
#include "common/keccak.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes a "0x..." vector string into a malloc'd buffer (never NULL). */
static uint8_t *unhex(const char *s, size_t *n)
{
	size_t len = s ? strlen(s) : 0;
	uint8_t *buf = malloc(len / 2 + 1);

	if (!buf)
		abort();
	*n = 0;
	CHECK_MSG(s && hex_decode(buf, len / 2 + 1, n, s, len) == CD_OK, "bad hex in vector");
	return buf;
}

static void check_digest(const uint8_t got[32], const char *want, const char *what)
{
	char text[67];

	hex_encode(text, sizeof(text), got, 32, 1);
	CHECK_MSG(want && strcmp(text, want) == 0, "%s: %s, expected %s", what, text, want ? want : "(null)");
}

static void empty_input_is_keccak_not_sha3(void)
{
	uint8_t d[32];

	keccak256(d, NULL, 0);
	/* SHA3-256("") would be a7ffc6f8...; Ethereum uses the original Keccak padding. */
	check_digest(d, "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470", "empty");
	keccak256(d, (const uint8_t *)"abc", 3);
	check_digest(d, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", "abc");
}

static void ethers_hash_vectors_match(void)
{
	char *text = test_read_gz("tests/vectors/ethers.js/testcases/hashes.json.gz", NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	int n = 0;

	CHECK(cJSON_IsArray(root));
	cJSON_ArrayForEach(c, root) {
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
		size_t len;
		uint8_t *data = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "data")), &len);
		uint8_t d[32];

		keccak256(d, data, len);
		check_digest(d, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "keccak256")), name ? name : "?");
		free(data);
		n++;
	}
	CHECK_INT(n, 257);
	cJSON_Delete(root);
	free(text);
}

/*
 * Transaction hashes are Keccak-256 of the signed bytes; these vectors are
 * 132 to 49233 bytes long, so they cross the 136-byte block boundary (the
 * ethers hash vectors stop at 128 bytes).
 */
static const char *const tx_files[] = {
	"ttEIP2028/DataTestSufficientGas2028.json",
	"ttEIP1559/GasLimitPriceProductOverflowtMinusOne.json",
	"ttRSValue/unpadedRValue.json",
	"ttEIP2930/accessListStorage32Bytes.json",
	"ttData/dataTx_bcValidBlockTest.json",
	"ttEIP3860/DataTestInitCodeLimit.json",
};

static void transaction_hashes_span_many_blocks(void)
{
	for (size_t f = 0; f < TEST_COUNT(tx_files); f++) {
		char path[256];
		char *text;
		cJSON *root;
		const cJSON *t;
		int hashes = 0;

		snprintf(path, sizeof(path), "tests/vectors/ethereum-tests/TransactionTests/%s", tx_files[f]);
		text = test_read_file(path, NULL);
		root = cJSON_Parse(text);
		CHECK_MSG(root != NULL, "%s is not JSON", path);
		cJSON_ArrayForEach(t, root) {
			size_t len;
			uint8_t *tx = unhex(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "txbytes")), &len);
			const cJSON *fork;
			uint8_t d[32];

			keccak256(d, tx, len);
			cJSON_ArrayForEach(fork, cJSON_GetObjectItemCaseSensitive(t, "result")) {
				const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fork, "hash"));

				if (want) {
					check_digest(d, want, tx_files[f]);
					hashes++;
				}
			}
			free(tx);
		}
		CHECK_MSG(hashes > 0, "%s: no hash checked", path);
		cJSON_Delete(root);
		free(text);
	}
}

static void incremental_matches_one_shot_at_every_split(void)
{
	uint8_t in[300], whole[32], part[32];
	struct keccak_ctx ctx;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(in); len += 1) {
		keccak256(whole, in, len);
		for (size_t cut = 0; cut <= len; cut++) {
			keccak256_init(&ctx);
			keccak256_update(&ctx, in, cut);
			keccak256_update(&ctx, in + cut, len - cut);
			keccak256_final(&ctx, part);
			CHECK_MSG(memcmp(whole, part, 32) == 0, "len %zu split at %zu", len, cut);
		}
		if (test_failures())
			return;
	}
}

static void byte_at_a_time_matches_one_shot(void)
{
	uint8_t in[1000], whole[32], part[32];
	struct keccak_ctx ctx;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i ^ (i >> 3));
	keccak256(whole, in, sizeof(in));
	keccak256_init(&ctx);
	for (size_t i = 0; i < sizeof(in); i++)
		keccak256_update(&ctx, in + i, 1);
	keccak256_final(&ctx, part);
	CHECK(memcmp(whole, part, 32) == 0);
}

static void copied_context_hashes_a_shared_prefix(void)
{
	struct keccak_ctx a, b;
	uint8_t d1[32], d2[32];

	keccak256_init(&a);
	keccak256_update(&a, (const uint8_t *)"a", 1);
	b = a;
	keccak256_update(&b, (const uint8_t *)"bc", 2);
	keccak256_final(&b, d2);
	check_digest(d2, "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45", "abc");
	keccak256_final(&a, d1);
	keccak256(d2, (const uint8_t *)"a", 1);
	CHECK(memcmp(d1, d2, 32) == 0);
}

/* keccak.h promises final wipes the state (the input may be a secret): nothing of it is left. */
static void final_leaves_no_state_behind(void)
{
	static const uint8_t zero[sizeof(((struct keccak_ctx *)0)->st)];
	struct keccak_ctx ctx;
	uint8_t out[32];

	keccak256_init(&ctx);
	keccak256_update(&ctx, (const uint8_t *)"correct horse battery staple", 28);
	CHECK(memcmp(ctx.st, zero, sizeof(zero)) != 0);
	keccak256_final(&ctx, out);
	CHECK(memcmp(ctx.st, zero, sizeof(zero)) == 0);
	CHECK_INT(ctx.pos, 0);
}

static const struct test_case cases[] = {
	{"empty_input_is_keccak_not_sha3", empty_input_is_keccak_not_sha3},
	{"ethers_hash_vectors_match", ethers_hash_vectors_match},
	{"transaction_hashes_span_many_blocks", transaction_hashes_span_many_blocks},
	{"incremental_matches_one_shot_at_every_split", incremental_matches_one_shot_at_every_split},
	{"byte_at_a_time_matches_one_shot", byte_at_a_time_matches_one_shot},
	{"copied_context_hashes_a_shared_prefix", copied_context_hashes_a_shared_prefix},
	{"final_leaves_no_state_behind", final_leaves_no_state_behind},
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
