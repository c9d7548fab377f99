/*
 * sign: signatures and EIP-191 message hashes on the web3.js and ERC
 * examples and the ethereum-tests keys; low-s, determinism, recovery, and
 * strict parsing of hex signatures.
 */
#include "common/address.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/u256.h"
#include "wallet/sign.h"
#include "tests/lib/test.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Anvil/Hardhat development key 0 and its address. */
static const char DEV_KEY[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char DEV_ADDR[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

static const uint8_t CURVE_N[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
};

static void key_of(uint8_t key[32], const char *hex)
{
	CHECK(hex_decode_exact(key, 32, hex, strlen(hex)) == CD_OK);
}

static void addr_of(struct address *a, const char *text)
{
	CHECK(address_parse(a, text, strlen(text)) == CD_OK);
}

static int hex_is(const uint8_t *p, size_t n, const char *want)
{
	char text[140];

	hex_encode(text, sizeof(text), p, n, 1);
	return strcasecmp(text, want) == 0;
}

static const uint8_t *bytes(const char *s)
{
	return (const uint8_t *)s;
}

/* The example of web3.js's accounts.sign reference (docs.web3js.org/api/web3-eth-accounts/function/sign). */
static void web3js_reference_example_signs_identically(void)
{
	uint8_t key[32], digest[32], sig[SIGN_SIG_SIZE];
	char text[SIGN_HEX_SIZE];
	struct address from;

	key_of(key, "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
	sign_message_hash(bytes("Some data"), 9, digest);
	CHECK(hex_is(digest, 32, "0x1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655"));
	CHECK(sign_message(bytes("Some data"), 9, key, sig) == CD_OK);
	sign_sig_format(sig, text);
	CHECK_STR(text, "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
	                "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
	CHECK(sign_key_address(key, &from) == CD_OK);
	CHECK(sign_message_verify(bytes("Some data"), 9, sig, &from) == CD_OK);
}

enum { RACERS = 8 };

struct racer {
	pthread_barrier_t *start;
	const void *ctx;
	char sig[SIGN_HEX_SIZE];
	struct address from;
	int rc_sign, rc_addr;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	uint8_t key[32], sig[SIGN_SIG_SIZE];

	hex_decode_exact(key, 32, "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318", 66);
	pthread_barrier_wait(r->start);
	r->ctx = sign_context();
	for (int i = 0; i < 50; i++) {
		r->rc_sign = sign_message(bytes("Some data"), 9, key, sig);
		r->rc_addr = sign_key_address(key, &r->from);
	}
	sign_sig_format(sig, r->sig);
	return NULL;
}

/*
 * Threads that start together make the one shared context on first use and
 * sign with it at once: every thread gets the same context and web3.js's
 * signature, and the address ethers' Wallet gives for the key. Runs first, so
 * the context is created under the race.
 */
static void threads_share_one_context_and_sign_identically(void)
{
	struct racer r[RACERS];
	pthread_t t[RACERS];
	pthread_barrier_t start;
	struct address want;

	addr_of(&want, "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23");
	pthread_barrier_init(&start, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].start = &start;
		CHECK(pthread_create(&t[i], NULL, race, &r[i]) == 0);
	}
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&start);
	for (int i = 0; i < RACERS; i++) {
		CHECK(r[i].ctx != NULL && r[i].ctx == r[0].ctx);
		CHECK_INT(r[i].rc_sign, CD_OK);
		CHECK_INT(r[i].rc_addr, CD_OK);
		CHECK_STR(r[i].sig, "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
		                    "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c");
		CHECK(memcmp(r[i].from.b, want.b, sizeof(want.b)) == 0);
	}
	CHECK(sign_context() == r[0].ctx);
}

/* The prefix is the one ERC-191 quotes, followed by the length in decimal. */
static void message_hash_is_the_erc191_prefix_and_decimal_length(void)
{
	char *spec = test_read_file("tests/vectors/ethereum-ERCs/ERCS/erc-191.md", NULL);
	static const size_t lens[] = { 0, 1, 9, 10, 99, 100, 1000, 12345 };
	uint8_t *msg = malloc(12345);

	CHECK(strstr(spec, "\"\\x19Ethereum Signed Message:\\n\" + len(message)") != NULL);
	for (size_t i = 0; i < 12345; i++)
		msg[i] = (uint8_t)(i * 7);
	for (size_t i = 0; i < TEST_COUNT(lens); i++) {
		uint8_t got[32], want[32];
		char head[64];
		int n = snprintf(head, sizeof(head), "\x19" "Ethereum Signed Message:\n%zu", lens[i]);
		struct keccak_ctx k;

		sign_message_hash(msg, lens[i], got);
		keccak256_init(&k);
		keccak256_update(&k, bytes(head), (size_t)n);
		keccak256_update(&k, msg, lens[i]);
		keccak256_final(&k, want);
		CHECK_MSG(memcmp(got, want, 32) == 0, "length %zu", lens[i]);
	}
	free(msg);
	free(spec);
}

/* ethereum/tests BasicTests/keyaddrtest.json: key -> address. (Its sig_of_emptystring entries sign a
 * digest the file does not state, so they are not used.) */
static void keyaddrtest_keys_give_their_addresses(void)
{
	char *text = test_read_file("tests/vectors/ethereum-tests/BasicTests/keyaddrtest.json", NULL);
	cJSON *root = cJSON_Parse(text), *c;
	int n = 0;

	CHECK(root != NULL);
	cJSON_ArrayForEach(c, root) {
		const char *k = cJSON_GetObjectItemCaseSensitive(c, "key")->valuestring;
		const char *a = cJSON_GetObjectItemCaseSensitive(c, "addr")->valuestring;
		char want[ADDRESS_TEXT_SIZE];
		struct address got;
		uint8_t key[32];

		key_of(key, k);
		snprintf(want, sizeof(want), "0x%s", a); /* the file omits the 0x */
		CHECK(sign_key_address(key, &got) == CD_OK);
		CHECK_MSG(hex_is(got.b, 20, want), "address of %s", k);
		n++;
	}
	CHECK_INT(n, 2);
	cJSON_Delete(root);
	free(text);
}

static void signatures_verify_and_name_every_failure(void)
{
	uint8_t key[32], sig[SIGN_SIG_SIZE], bad[SIGN_SIG_SIZE];
	struct address me, other;

	key_of(key, DEV_KEY);
	addr_of(&me, DEV_ADDR);
	addr_of(&other, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
	CHECK(sign_message(bytes("hello"), 5, key, sig) == CD_OK);
	CHECK(sig[64] == 27 || sig[64] == 28);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, sig, &me), CD_OK);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, sig, &other), SIGN_EMISMATCH);
	CHECK_INT(sign_message_verify(bytes("hellp"), 5, sig, &me), SIGN_EMISMATCH);
	/* v as 0/1 is the same signature */
	memcpy(bad, sig, sizeof(bad));
	bad[64] = (uint8_t)(sig[64] - 27);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, bad, &me), CD_OK);
	/* the other recovery id gives another key */
	bad[64] = (uint8_t)(27 + ((sig[64] - 27) ^ 1));
	CHECK(sign_message_verify(bytes("hello"), 5, bad, &me) != CD_OK);
	bad[64] = 29;
	CHECK_INT(sign_message_verify(bytes("hello"), 5, bad, &me), SIGN_EBADSIG);
	/* r = 0, s = 0, r = n */
	memcpy(bad, sig, sizeof(bad));
	memset(bad, 0, 32);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, bad, &me), SIGN_EBADSIG);
	memcpy(bad, sig, sizeof(bad));
	memset(bad + 32, 0, 32);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, bad, &me), SIGN_EBADSIG);
	memcpy(bad, sig, sizeof(bad));
	memcpy(bad, CURVE_N, 32);
	CHECK_INT(sign_message_verify(bytes("hello"), 5, bad, &me), SIGN_EBADSIG);
}

/* (r, n - s) with the other recovery id is the same signature; ecrecover accepts it, so verify does. */
static void high_s_twin_recovers_the_same_signer(void)
{
	uint8_t key[32], sig[SIGN_SIG_SIZE], twin[SIGN_SIG_SIZE];
	struct u256 n, s;
	struct address me;

	key_of(key, DEV_KEY);
	addr_of(&me, DEV_ADDR);
	CHECK(sign_message(bytes("twin"), 4, key, sig) == CD_OK);
	u256_from_be(&n, CURVE_N, 32);
	u256_from_be(&s, sig + 32, 32);
	CHECK(u256_sub(&s, n, s) == CD_OK);
	memcpy(twin, sig, 32);
	u256_to_be(s, twin + 32);
	twin[64] = (uint8_t)(27 + ((sig[64] - 27) ^ 1));
	CHECK_INT(sign_message_verify(bytes("twin"), 4, twin, &me), CD_OK);
}

static void signing_is_deterministic_and_low_s(void)
{
	static const uint8_t half_n[32] = {
		0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0
	};
	uint8_t key[32], a[SIGN_SIG_SIZE], b[SIGN_SIG_SIZE];
	char msg[32];
	int parity[2] = { 0, 0 };

	key_of(key, DEV_KEY);
	for (int i = 0; i < 200; i++) {
		int n = snprintf(msg, sizeof(msg), "message %d", i);

		CHECK(sign_message(bytes(msg), (size_t)n, key, a) == CD_OK);
		CHECK(sign_message(bytes(msg), (size_t)n, key, b) == CD_OK);
		CHECK(memcmp(a, b, sizeof(a)) == 0);
		CHECK(memcmp(a + 32, half_n, 32) <= 0);
		parity[a[64] - 27]++;
	}
	CHECK(parity[0] > 50 && parity[1] > 50);
}

static void empty_and_binary_messages_sign(void)
{
	static const uint8_t bin[] = { 0x00, 0xff, 0x19, 0x00, '\n' };
	uint8_t key[32], sig[SIGN_SIG_SIZE];
	struct address me, got;

	key_of(key, DEV_KEY);
	addr_of(&me, DEV_ADDR);
	CHECK(sign_message(NULL, 0, key, sig) == CD_OK);
	CHECK(sign_message_recover(NULL, 0, sig, &got) == CD_OK && memcmp(got.b, me.b, 20) == 0);
	CHECK(sign_message(bin, sizeof(bin), key, sig) == CD_OK);
	CHECK(sign_message_verify(bin, sizeof(bin), sig, &me) == CD_OK);
	CHECK(sign_message_verify(bin, sizeof(bin) - 1, sig, &me) == SIGN_EMISMATCH);
	CHECK_INT(sign_message(NULL, 1, key, sig), CD_EINVAL);
}

static void hex_signatures_parse_strictly(void)
{
	static const char good[] = "0xb91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
	                           "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a0291c";
	char text[sizeof(good) + 4];
	uint8_t sig[SIGN_SIG_SIZE];

	CHECK(sign_sig_parse(sig, good, strlen(good)) == CD_OK && sig[64] == 28);
	strcpy(text, good);
	text[strlen(text) - 2] = '0';
	text[strlen(text) - 1] = '1';
	CHECK(sign_sig_parse(sig, text, strlen(text)) == CD_OK && sig[64] == 28); /* v 1 becomes 28 */
	text[strlen(text) - 1] = '2';
	CHECK_INT(sign_sig_parse(sig, text, strlen(text)), SIGN_EBADSIG);
	CHECK_INT(sign_sig_parse(sig, good, strlen(good) - 2), SIGN_EBADSIG);
	strcpy(text, good);
	strcat(text, "00");
	CHECK_INT(sign_sig_parse(sig, text, strlen(text)), SIGN_EBADSIG);
	strcpy(text, good);
	text[10] = 'z';
	CHECK_INT(sign_sig_parse(sig, text, strlen(text)), SIGN_EBADSIG);
	CHECK(sign_sig_parse(sig, good + 2, strlen(good) - 2) == CD_OK);
}

static void invalid_keys_are_refused(void)
{
	uint8_t key[32], sig[SIGN_SIG_SIZE], rs[64];
	struct address a;
	int recid = 0;

	memset(key, 0, 32);
	memset(sig, 0xee, sizeof(sig));
	CHECK_INT(sign_message(bytes("x"), 1, key, sig), CD_EKEY);
	CHECK(sig[0] == 0xee);
	CHECK_INT(sign_key_address(key, &a), CD_EKEY);
	memcpy(key, CURVE_N, 32);
	CHECK_INT(sign_digest(key, key, rs, &recid), CD_EKEY);
	CHECK_INT(sign_key_address(key, &a), CD_EKEY);
	CHECK(strcmp(cd_strerror(SIGN_EMISMATCH), "signed by another address") == 0);
}

static const struct test_case cases[] = {
	{ "threads_share_one_context_and_sign_identically", threads_share_one_context_and_sign_identically },
	{ "web3js_reference_example_signs_identically", web3js_reference_example_signs_identically },
	{ "message_hash_is_the_erc191_prefix_and_decimal_length", message_hash_is_the_erc191_prefix_and_decimal_length },
	{ "keyaddrtest_keys_give_their_addresses", keyaddrtest_keys_give_their_addresses },
	{ "signatures_verify_and_name_every_failure", signatures_verify_and_name_every_failure },
	{ "high_s_twin_recovers_the_same_signer", high_s_twin_recovers_the_same_signer },
	{ "signing_is_deterministic_and_low_s", signing_is_deterministic_and_low_s },
	{ "empty_and_binary_messages_sign", empty_and_binary_messages_sign },
	{ "hex_signatures_parse_strictly", hex_signatures_parse_strictly },
	{ "invalid_keys_are_refused", invalid_keys_are_refused },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
