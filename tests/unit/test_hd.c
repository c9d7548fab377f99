/*
 * hd: BIP-32 derivation on the BIP's vectors and the trezor and ethers seeds,
 * Ethereum accounts at m/44'/60'/0'/0/i (anvil's among them), and paths.
 */
#include "common/address.h"
#include "common/hex.h"
#include "tests/lib/test.h"
#include "wallet/bip39.h"
#include "wallet/hd.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIP32_SPEC "tests/vectors/bip32/bitcoin-bips/bip-0032.mediawiki"
#define TREZOR_VECTORS "tests/vectors/bip39/python-mnemonic/vectors.json"
#define ETHERS_MNEMONICS "tests/vectors/bip39/ethers.js/testcases/mnemonics.json.gz"

static const char ANVIL_MNEMONIC[] = "test test test test test test test test test test test junk";

/* Secrets in tests live where the product keeps them: sodium_malloc memory. */
static void *secret_alloc(size_t n)
{
	void *p;

	if (sodium_init() < 0)
		abort();
	p = sodium_malloc(n);
	if (!p)
		abort();
	return p;
}

static struct hd_node *master_of_mnemonic(const char *mnemonic, const char *passphrase)
{
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);
	struct hd_node *m = secret_alloc(sizeof *m);

	CHECK_INT(bip39_mnemonic_to_seed(seed, mnemonic, passphrase, NULL, 0), CD_OK);
	CHECK_INT(hd_master_from_seed(m, seed, BIP39_SEED_SIZE), CD_OK);
	sodium_free(seed);
	return m;
}

/* A chain of the BIP-32 "Test Vectors" section: seed, path, and the expected keys. */
struct chain {
	uint8_t seed[64];
	size_t seed_len;
	char path[64];
	char xpub[HD_XKEY_TEXT_SIZE];
	char xprv[HD_XKEY_TEXT_SIZE];
	int vector;
};

/* Copies the rest of the line at p (up to cap - 1 bytes) into out. */
static void line_copy(char *out, size_t cap, const char *p)
{
	size_t n = strcspn(p, "\n");

	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/*
 * Reads test vectors 1-4 of bip-0032.mediawiki: "Seed (hex): ..." then
 * "* Chain m/0<sub>H</sub>/1", "** ext pub: ...", "** ext prv: ..." lines.
 * The path's "<sub>H</sub>" becomes "H", which hd_path_parse accepts.
 */
static size_t bip32_chains(struct chain *out, size_t cap)
{
	char *text = test_read_file(BIP32_SPEC, NULL);
	char *end = strstr(text, "===Test vector 5===");
	const char *p = text;
	struct chain cur = { .vector = 0 };
	size_t n = 0;

	CHECK(end != NULL);
	if (end)
		*end = '\0';
	while (p && *p) {
		char line[256];

		line_copy(line, sizeof line, p);
		if (sscanf(line, "===Test vector %d===", &cur.vector) == 1) {
			/* nothing more on this line */
		} else if (strncmp(line, "Seed (hex): ", 12) == 0) {
			CHECK(hex_decode(cur.seed, sizeof cur.seed, &cur.seed_len, line + 12, strlen(line + 12)) == CD_OK);
		} else if (strncmp(line, "* Chain ", 8) == 0) {
			const char *s = line + 8;
			size_t w = 0;

			while (*s && w + 1 < sizeof cur.path) {
				if (strncmp(s, "<sub>H</sub>", 12) == 0) {
					cur.path[w++] = 'H';
					s += 12;
				} else {
					cur.path[w++] = *s++;
				}
			}
			cur.path[w] = '\0';
		} else if (strncmp(line, "** ext pub: ", 12) == 0) {
			line_copy(cur.xpub, sizeof cur.xpub, p + 12);
		} else if (strncmp(line, "** ext prv: ", 12) == 0) {
			line_copy(cur.xprv, sizeof cur.xprv, p + 12);
			if (n < cap)
				out[n++] = cur;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(text);
	return n;
}

static void bip32_vectors_1_to_4_give_their_xprv_and_xpub(void)
{
	struct chain *c = calloc(32, sizeof *c);
	size_t n = bip32_chains(c, 32);
	struct hd_node *master = secret_alloc(sizeof *master), *node = secret_alloc(sizeof *node);
	char *xprv = secret_alloc(HD_XKEY_TEXT_SIZE);
	int per_vector[5] = { 0 };

	CHECK_INT(n, 17);
	for (size_t i = 0; i < n; i++) {
		struct hd_path path;
		char xpub[HD_XKEY_TEXT_SIZE], err[128] = "";

		CHECK_MSG(hd_path_parse(&path, c[i].path, err, sizeof err) == CD_OK, "%s: %s", c[i].path, err);
		CHECK_INT(hd_master_from_seed(master, c[i].seed, c[i].seed_len), CD_OK);
		CHECK_INT(hd_derive_path(node, master, &path), CD_OK);
		CHECK(hd_xprv_format(xprv, HD_XKEY_TEXT_SIZE, node) > 0);
		CHECK(hd_xpub_format(xpub, sizeof xpub, node) > 0);
		CHECK_MSG(strcmp(xprv, c[i].xprv) == 0, "vector %d %s: xprv differs", c[i].vector, c[i].path);
		CHECK_MSG(strcmp(xpub, c[i].xpub) == 0, "vector %d %s: xpub %s", c[i].vector, c[i].path, xpub);
		if (c[i].vector >= 1 && c[i].vector <= 4)
			per_vector[c[i].vector]++;
	}
	CHECK_INT(per_vector[1], 6);
	CHECK_INT(per_vector[2], 6);
	CHECK_INT(per_vector[3], 2);
	CHECK_INT(per_vector[4], 3);
	sodium_free(master);
	sodium_free(node);
	sodium_free(xprv);
	free(c);
}

static void trezor_vectors_master_xprv_of_their_seed(void)
{
	char *text = test_read_file(TREZOR_VECTORS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *row;
	struct hd_node *m = secret_alloc(sizeof *m);
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);
	char *xprv = secret_alloc(HD_XKEY_TEXT_SIZE);
	int n = 0;

	cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(root, "english")) {
		const char *mn = cJSON_GetStringValue(cJSON_GetArrayItem(row, 1));
		const char *want = cJSON_GetStringValue(cJSON_GetArrayItem(row, 3));

		CHECK(mn && want);
		if (!mn || !want)
			continue;
		CHECK_INT(bip39_mnemonic_to_seed(seed, mn, "TREZOR", NULL, 0), CD_OK);
		CHECK_INT(hd_master_from_seed(m, seed, BIP39_SEED_SIZE), CD_OK);
		CHECK(hd_xprv_format(xprv, HD_XKEY_TEXT_SIZE, m) > 0);
		CHECK_MSG(strcmp(xprv, want) == 0, "english #%d: xprv differs", n);
		n++;
	}
	CHECK_INT(n, 24);
	sodium_free(m);
	sodium_free(seed);
	sodium_free(xprv);
	cJSON_Delete(root);
	free(text);
}

static int hex_equals(const uint8_t *b, size_t n, const char *want)
{
	char text[2 * 64 + 3];

	if (!want || hex_encode(text, sizeof text, b, n, 1) < 0)
		return 0;
	return strcmp(text, want) == 0;
}

static const char *jstr(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/*
 * Every ethers mnemonics.json case (all ten languages: derivation starts from
 * the seed the file gives), six paths each, mixing hardened and normal levels.
 */
static void ethers_nodes_derive_from_their_seed(void)
{
	char *text = test_read_gz(ETHERS_MNEMONICS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	struct hd_node *master = secret_alloc(sizeof *master), *node = secret_alloc(sizeof *node);
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);
	char *xprv = secret_alloc(HD_XKEY_TEXT_SIZE);
	int cases = 0, nodes = 0;

	cJSON_ArrayForEach(c, root) {
		const char *name = jstr(c, "name"), *seed_hex = jstr(c, "seed");
		const cJSON *nd;

		if (!name || !seed_hex || hex_decode_exact(seed, BIP39_SEED_SIZE, seed_hex, strlen(seed_hex)) != CD_OK) {
			CHECK_MSG(0, "case %d malformed", cases);
			continue;
		}
		CHECK_INT(hd_master_from_seed(master, seed, BIP39_SEED_SIZE), CD_OK);
		cases++;
		cJSON_ArrayForEach(nd, cJSON_GetObjectItemCaseSensitive(c, "nodes")) {
			const char *path_text = jstr(nd, "path");
			const cJSON *index = cJSON_GetObjectItemCaseSensitive(nd, "index");
			const cJSON *depth = cJSON_GetObjectItemCaseSensitive(nd, "depth");
			struct hd_path path;
			char xpub[HD_XKEY_TEXT_SIZE], fp[16];

			if (!path_text || hd_path_parse(&path, path_text, NULL, 0) != CD_OK) {
				CHECK_MSG(0, "%s: path %s", name, path_text ? path_text : "(none)");
				continue;
			}
			CHECK_INT(hd_derive_path(node, master, &path), CD_OK);
			CHECK_MSG(hex_equals(node->key, 32, jstr(nd, "privateKey")), "%s %s: key", name, path_text);
			CHECK_MSG(hex_equals(node->chain_code, 32, jstr(nd, "chainCode")), "%s %s: chain code", name, path_text);
			CHECK(hex_encode(fp, sizeof fp, node->parent_fp, 4, 1) > 0);
			CHECK_MSG(strcmp(fp, jstr(nd, "parentFingerprint")) == 0, "%s %s: parent fingerprint", name, path_text);
			CHECK(cJSON_IsNumber(index) && (double)node->child == index->valuedouble);
			CHECK(cJSON_IsNumber(depth) && node->depth == depth->valueint);
			CHECK(hd_xprv_format(xprv, HD_XKEY_TEXT_SIZE, node) > 0);
			CHECK(hd_xpub_format(xpub, sizeof xpub, node) > 0);
			CHECK_MSG(strcmp(xprv, jstr(nd, "xpriv")) == 0, "%s %s: xprv", name, path_text);
			CHECK_MSG(strcmp(xpub, jstr(nd, "xpub")) == 0, "%s %s: xpub", name, path_text);
			nodes++;
		}
	}
	CHECK_INT(cases, 400);
	CHECK_INT(nodes, 2400);
	sodium_free(master);
	sodium_free(node);
	sodium_free(seed);
	sodium_free(xprv);
	cJSON_Delete(root);
	free(text);
}

/* anvil's (and hardhat's) default accounts from "test test ... junk", no passphrase. */
static void anvil_accounts_come_from_the_test_junk_mnemonic(void)
{
	static const struct {
		uint32_t index;
		const char *address, *key;
	} accounts[] = {
		{ 0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
		  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" },
		{ 1, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
		  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" },
		{ 2, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", NULL },
		{ 3, "0x90F79bf6EB2c4f870365E785982E1f101E93b906", NULL },
		{ 4, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", NULL },
		{ 5, "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", NULL },
		{ 6, "0x976EA74026E726554dB657fA54763abd0C3a0aa9", NULL },
		{ 7, "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955", NULL },
		{ 8, "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", NULL },
		{ 9, "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", NULL },
	};
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	uint8_t *key = secret_alloc(HD_KEY_SIZE);

	for (size_t i = 0; i < TEST_COUNT(accounts); i++) {
		struct address a;
		char text[ADDRESS_TEXT_SIZE];

		CHECK_INT(hd_eth_account(key, &a, m, accounts[i].index), CD_OK);
		address_format(&a, text);
		CHECK_MSG(strcmp(text, accounts[i].address) == 0, "account %u: %s", accounts[i].index, text);
		if (accounts[i].key)
			CHECK_MSG(hex_equals(key, HD_KEY_SIZE, accounts[i].key), "account %u: key differs",
				  accounts[i].index);
	}
	sodium_free(key);
	sodium_free(m);
}

static void eth_account_is_the_node_at_m_44h_60h_0h_0_i(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *node = secret_alloc(sizeof *node);
	uint8_t *key = secret_alloc(HD_KEY_SIZE);
	struct hd_path path;
	struct address a, b;

	CHECK_INT(hd_path_parse(&path, "m/44'/60'/0'/0/7", NULL, 0), CD_OK);
	CHECK_INT(hd_derive_path(node, m, &path), CD_OK);
	CHECK_INT(hd_eth_account(key, &a, m, 7), CD_OK);
	CHECK(memcmp(key, node->key, HD_KEY_SIZE) == 0);
	CHECK_INT(hd_address_from_key(&b, node->key), CD_OK);
	CHECK(memcmp(a.b, b.b, sizeof a.b) == 0);
	CHECK_INT(hd_eth_account(NULL, &b, m, 7), CD_OK); /* address only */
	CHECK(memcmp(a.b, b.b, sizeof a.b) == 0);
	sodium_free(key);
	sodium_free(node);
	sodium_free(m);
}

static void eth_account_index_must_be_a_normal_index(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct address a;

	CHECK_INT(hd_eth_account(NULL, &a, m, 0x7fffffffu), CD_OK);
	CHECK_INT(hd_eth_account(NULL, &a, m, 0x80000000u), CD_ERANGE);
	CHECK_INT(hd_eth_account(NULL, &a, m, 0xffffffffu), CD_ERANGE);
	sodium_free(m);
}

static void eth_account_needs_a_master_node(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *child = secret_alloc(sizeof *child);
	struct hd_path path;
	struct address a;

	CHECK_INT(hd_derive_child(child, m, 0), CD_OK);
	CHECK_INT(hd_eth_account(NULL, &a, child, 0), CD_EINVAL);
	CHECK_INT(hd_path_parse(&path, "m/0", NULL, 0), CD_OK);
	CHECK_INT(hd_derive_path(child, child, &path), CD_EINVAL);
	sodium_free(child);
	sodium_free(m);
}

static void passphrase_changes_the_accounts(void)
{
	struct hd_node *plain = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *salted = master_of_mnemonic(ANVIL_MNEMONIC, "x");
	struct address a, b;

	CHECK_INT(hd_eth_account(NULL, &a, plain, 0), CD_OK);
	CHECK_INT(hd_eth_account(NULL, &b, salted, 0), CD_OK);
	CHECK(memcmp(a.b, b.b, sizeof a.b) != 0);
	sodium_free(plain);
	sodium_free(salted);
}

static void master_seed_must_be_16_to_64_bytes(void)
{
	static const uint8_t seed[65] = { 1 };
	struct hd_node *m = secret_alloc(sizeof *m);

	CHECK_INT(hd_master_from_seed(m, seed, 15), CD_EINVAL);
	CHECK_INT(hd_master_from_seed(m, seed, 65), CD_EINVAL);
	CHECK_INT(hd_master_from_seed(m, NULL, 32), CD_EINVAL);
	CHECK_INT(hd_master_from_seed(m, seed, 16), CD_OK);
	CHECK_INT(hd_master_from_seed(m, seed, 64), CD_OK);
	CHECK_INT(m->depth, 0);
	CHECK_INT(m->child, 0);
	sodium_free(m);
}

static void child_may_be_derived_in_place(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *a = secret_alloc(sizeof *a), *b = secret_alloc(sizeof *b);

	CHECK_INT(hd_derive_child(a, m, HD_HARDENED | 44), CD_OK);
	*b = *m;
	CHECK_INT(hd_derive_child(b, b, HD_HARDENED | 44), CD_OK);
	CHECK(memcmp(a, b, sizeof *a) == 0);
	CHECK_INT(b->depth, 1);
	CHECK(b->child == (HD_HARDENED | 44));
	sodium_free(a);
	sodium_free(b);
	sodium_free(m);
}

static void hardened_and_normal_children_differ(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *a = secret_alloc(sizeof *a), *b = secret_alloc(sizeof *b);

	CHECK_INT(hd_derive_child(a, m, 0), CD_OK);
	CHECK_INT(hd_derive_child(b, m, HD_HARDENED), CD_OK);
	CHECK(memcmp(a->key, b->key, HD_KEY_SIZE) != 0);
	CHECK(memcmp(a->parent_fp, b->parent_fp, 4) == 0);
	sodium_free(a);
	sodium_free(b);
	sodium_free(m);
}

static void depth_stops_at_255(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	struct hd_node *n = secret_alloc(sizeof *n);

	*n = *m;
	for (int i = 0; i < 255; i++)
		CHECK_INT(hd_derive_child(n, n, 0), CD_OK);
	CHECK_INT(n->depth, 255);
	CHECK_INT(hd_derive_child(n, n, 0), HD_EDEPTH);
	CHECK_INT(n->depth, 255); /* untouched */
	sodium_free(n);
	sodium_free(m);
}

static void address_from_key_rejects_invalid_keys(void)
{
	static const uint8_t zero[32] = { 0 };
	static const uint8_t order[32] = { /* n, the group order */
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41
	};
	struct address a;

	CHECK_INT(hd_address_from_key(&a, zero), CD_EKEY);
	CHECK_INT(hd_address_from_key(&a, order), CD_EKEY);
}

static void path_parser_accepts_well_formed_paths(void)
{
	static const struct {
		const char *text;
		size_t len;
		uint32_t last;
	} cases[] = {
		{ "m", 0, 0 },
		{ "m/0", 1, 0 },
		{ "m/44'/60'/0'/0/7", 5, 7 },
		{ "m/44h/60H/0'/0/7", 5, 7 },
		{ "m/0'", 1, HD_HARDENED },
		{ "m/2147483647", 1, 0x7fffffffu },
		{ "m/2147483647'", 1, 0xffffffffu },
		{ "m/1/2/3/4/5/6/7/8/9/10", 10, 10 },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct hd_path p;
		char err[128] = "";

		CHECK_MSG(hd_path_parse(&p, cases[i].text, err, sizeof err) == CD_OK, "%s: %s", cases[i].text, err);
		CHECK_INT(p.len, cases[i].len);
		if (p.len > 0)
			CHECK_MSG(p.index[p.len - 1] == cases[i].last, "%s: last %lu", cases[i].text,
				  (unsigned long)p.index[p.len - 1]);
	}
}

static void path_parser_marks_hardened_levels(void)
{
	struct hd_path p;

	CHECK_INT(hd_path_parse(&p, "m/44'/60h/0H/0/7", NULL, 0), CD_OK);
	CHECK_INT(p.len, 5);
	CHECK(p.index[0] == (HD_HARDENED | 44));
	CHECK(p.index[1] == (HD_HARDENED | 60));
	CHECK(p.index[2] == HD_HARDENED);
	CHECK(p.index[3] == 0);
	CHECK(p.index[4] == 7);
}

static void path_parser_rejects_malformed_paths_naming_the_level(void)
{
	static const struct {
		const char *text;
		int rc;
		const char *msg;
	} cases[] = {
		{ "", HD_EPATH, "the path is empty" },
		{ "M/0", HD_EPATH, "a path starts with \"m\"" },
		{ "/0", HD_EPATH, "a path starts with \"m\"" },
		{ " m/0", HD_EPATH, "a path starts with \"m\"" },
		{ "m0", HD_EPATH, "level 1: expected \"/\" before it" },
		{ "m/", HD_EPATH, "level 1 is empty" },
		{ "m//0", HD_EPATH, "level 1 is empty" },
		{ "m/0/", HD_EPATH, "level 2 is empty" },
		{ "m/44'/x", HD_EPATH, "level 2: not a decimal index" },
		{ "m/-1", HD_EPATH, "level 1: not a decimal index" },
		{ "m/+1", HD_EPATH, "level 1: not a decimal index" },
		{ "m/ 1", HD_EPATH, "level 1: not a decimal index" },
		{ "m/'", HD_EPATH, "level 1: not a decimal index" },
		{ "m/01", HD_EPATH, "level 1: leading zero" },
		{ "m/0/00'", HD_EPATH, "level 2: leading zero" },
		{ "m/0''", HD_EPATH, "level 1: unexpected character after the index" },
		{ "m/0'h", HD_EPATH, "level 1: unexpected character after the index" },
		{ "m/1 ", HD_EPATH, "level 1: unexpected character after the index" },
		{ "m/1x", HD_EPATH, "level 1: unexpected character after the index" },
		{ "m/0\\", HD_EPATH, "level 1: unexpected character after the index" },
		{ "m/44'/60'/0'/0/2147483648", CD_ERANGE,
		  "level 5: index above 2147483647 (mark a hardened index with ' instead of adding 2^31)" },
		{ "m/2147483648'", CD_ERANGE,
		  "level 1: index above 2147483647 (mark a hardened index with ' instead of adding 2^31)" },
		{ "m/4294967296", CD_ERANGE,
		  "level 1: index above 2147483647 (mark a hardened index with ' instead of adding 2^31)" },
		{ "m/99999999999999999999999", CD_ERANGE,
		  "level 1: index above 2147483647 (mark a hardened index with ' instead of adding 2^31)" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct hd_path p;
		char err[128] = "";
		int rc = hd_path_parse(&p, cases[i].text, err, sizeof err);

		CHECK_MSG(rc == cases[i].rc, "\"%s\": rc %d, expected %d", cases[i].text, rc, cases[i].rc);
		CHECK_MSG(strcmp(err, cases[i].msg) == 0, "\"%s\": \"%s\"", cases[i].text, err);
	}
}

static void path_parser_allows_255_levels_not_256(void)
{
	static char text[2 + 2 * 256 + 1];
	struct hd_path p;
	char err[128] = "";

	strcpy(text, "m");
	for (int i = 0; i < 255; i++)
		strcat(text, "/1");
	CHECK_INT(hd_path_parse(&p, text, NULL, 0), CD_OK);
	CHECK_INT(p.len, 255);
	strcat(text, "/1");
	CHECK_INT(hd_path_parse(&p, text, err, sizeof err), HD_EDEPTH);
	CHECK_STR(err, "more than 255 levels");
}

static void path_parser_tolerates_no_message_buffer(void)
{
	struct hd_path p;

	CHECK_INT(hd_path_parse(&p, "m/x", NULL, 0), HD_EPATH);
	CHECK_INT(hd_path_parse(&p, NULL, NULL, 0), HD_EPATH);
}

static void path_format_is_canonical_and_round_trips(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "m", "m" },
		{ "m/44'/60'/0'/0/7", "m/44'/60'/0'/0/7" },
		{ "m/44h/60H/0'/0/7", "m/44'/60'/0'/0/7" },
		{ "m/2147483647'/2147483647", "m/2147483647'/2147483647" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct hd_path p;
		char out[HD_PATH_TEXT_SIZE];

		CHECK_INT(hd_path_parse(&p, cases[i].in, NULL, 0), CD_OK);
		CHECK_INT(hd_path_format(out, sizeof out, &p), strlen(cases[i].out));
		CHECK_STR(out, cases[i].out);
	}
}

static void path_format_reports_small_buffers(void)
{
	struct hd_path p;
	char out[17];

	CHECK_INT(hd_path_parse(&p, "m/44'/60'/0'/0/7", NULL, 0), CD_OK);
	CHECK_INT(hd_path_format(out, 16, &p), CD_ESPACE);
	CHECK_INT(hd_path_format(out, 17, &p), 16);
}

static void path_format_fits_the_longest_path(void)
{
	struct hd_path p;
	static char out[HD_PATH_TEXT_SIZE];

	p.len = HD_PATH_MAX;
	for (size_t i = 0; i < HD_PATH_MAX; i++)
		p.index[i] = 0xffffffffu;
	CHECK_INT(hd_path_format(out, sizeof out, &p), HD_PATH_TEXT_SIZE - 1);
}

static void xkey_format_reports_small_buffers(void)
{
	struct hd_node *m = master_of_mnemonic(ANVIL_MNEMONIC, NULL);
	char *out = secret_alloc(HD_XKEY_TEXT_SIZE);

	CHECK_INT(hd_xprv_format(out, 111, m), CD_ESPACE);
	CHECK_INT(hd_xprv_format(out, 112, m), 111);
	CHECK_INT(hd_xpub_format(out, 111, m), CD_ESPACE);
	sodium_free(out);
	sodium_free(m);
}

static const struct test_case cases[] = {
	{ "BIP-32 vectors 1-4: every chain's xprv and xpub", bip32_vectors_1_to_4_give_their_xprv_and_xpub },
	{ "trezor vectors: master xprv of their seed", trezor_vectors_master_xprv_of_their_seed },
	{ "ethers mnemonics: 2400 nodes derive from their seed", ethers_nodes_derive_from_their_seed },
	{ "anvil accounts come from the test ... junk mnemonic", anvil_accounts_come_from_the_test_junk_mnemonic },
	{ "eth account i is the node at m/44'/60'/0'/0/i", eth_account_is_the_node_at_m_44h_60h_0h_0_i },
	{ "eth account index must be a normal index (< 2^31)", eth_account_index_must_be_a_normal_index },
	{ "eth account and derive_path need a master node", eth_account_needs_a_master_node },
	{ "a passphrase changes the accounts", passphrase_changes_the_accounts },
	{ "master seed must be 16 to 64 bytes", master_seed_must_be_16_to_64_bytes },
	{ "a child may be derived in place", child_may_be_derived_in_place },
	{ "hardened and normal children differ", hardened_and_normal_children_differ },
	{ "depth stops at 255", depth_stops_at_255 },
	{ "address_from_key rejects 0 and n", address_from_key_rejects_invalid_keys },
	{ "path parser accepts well-formed paths", path_parser_accepts_well_formed_paths },
	{ "path parser marks ', h and H levels hardened", path_parser_marks_hardened_levels },
	{ "path parser rejects malformed paths, naming the level", path_parser_rejects_malformed_paths_naming_the_level },
	{ "path parser allows 255 levels, not 256", path_parser_allows_255_levels_not_256 },
	{ "path parser tolerates no message buffer", path_parser_tolerates_no_message_buffer },
	{ "path format is canonical and round-trips", path_format_is_canonical_and_round_trips },
	{ "path format reports small buffers", path_format_reports_small_buffers },
	{ "path format fits the longest path", path_format_fits_the_longest_path },
	{ "xprv/xpub format reports small buffers", xkey_format_reports_small_buffers },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
