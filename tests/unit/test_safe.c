/*
 * test_safe — the Safe model against answers we did not compute: the SafeTx
 * hash is what Safe 1.4.1's getTransactionHash returned on anvil (for the
 * singleton at its canonical address, chain 31337), the signature is
 * `cast wallet sign --no-hash` of that hash, the CREATE2 address is
 * `cast compute-address --salt --init-code`; then the proposal file: every
 * field validated, an altered file refused.
 */
#include <stdlib.h>
#include <string.h>

#include "common/abi.h"
#include "common/hex.h"
#include "tests/lib/test.h"
#include "wallet/safe.h"

/* cast call SINGLETON 'getTransactionHash(...)(bytes32)' 0x…bEEF 1e18 0xdeadbeef 0 50000 0 0 0x0 0x0 7 */
static const char HASH[] = "0x06fd7c39d1c4bb12af220bfdf696e86ed6cc7813a595e84e391b866a3c09e2b8";
/* cast wallet sign --no-hash HASH --private-key (anvil's key 1) */
static const char KEY_B[] = "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
static const char ADDR_B[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
static const char SIG_B[] = "0x6b25a81c789a5221ac6a16cefff8fb12dfff409e2d0d7a59159936105bf60c45"
	"4f85778027119ace74e2ed878eb9484c529da1848e7934fcb87115660910d8561b";

static void addr(struct address *a, const char *s)
{
	CHECK_INT(address_parse(a, s, strlen(s)), CD_OK);
}

static void vector_tx(struct safe_proposal *p)
{
	struct safe_deployment d;
	static const uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef };

	memset(p, 0, sizeof(*p));
	safe_canonical(&d);
	p->chain_id = 31337;
	p->safe = d.singleton;
	addr(&p->tx.to, "0x000000000000000000000000000000000000bEEF");
	u256_parse_dec(&p->tx.value, "1000000000000000000", 19);
	p->tx.data = malloc(4);
	memcpy(p->tx.data, data, 4);
	p->tx.data_len = 4;
	p->tx.safe_tx_gas = u256_from_u64(50000);
	p->tx.nonce = u256_from_u64(7);
}

static void test_hash_is_the_contracts(void)
{
	struct safe_proposal p;
	char hex[70], err[SAFE_ERR_MAX] = "";

	vector_tx(&p);
	CHECK_INT(safe_tx_hash(p.chain_id, &p.safe, &p.tx, p.hash, err, sizeof(err)), CD_OK);
	hex_encode(hex, sizeof(hex), p.hash, 32, 1);
	CHECK_STR(hex, HASH);
	safe_proposal_free(&p);
}

static void test_signature_is_casts(void)
{
	struct safe_proposal p;
	struct address b, who;
	uint8_t key[32], sig[65];
	char hex[140], err[SAFE_ERR_MAX] = "";

	vector_tx(&p);
	safe_tx_hash(p.chain_id, &p.safe, &p.tx, p.hash, err, sizeof(err));
	hex_decode_exact(key, 32, KEY_B, strlen(KEY_B));
	CHECK_INT(safe_sign(&p, key, sig), CD_OK);
	hex_encode(hex, sizeof(hex), sig, 65, 1);
	CHECK_STR(hex, SIG_B);
	CHECK_INT(safe_recover(p.hash, sig, &who), CD_OK);
	addr(&b, ADDR_B);
	CHECK(memcmp(who.b, b.b, 20) == 0);
	/* A stored hash that is not the fields' own is never signed. */
	p.hash[0] ^= 1;
	CHECK_INT(safe_sign(&p, key, sig), CD_EINVAL);
	safe_proposal_free(&p);
}

static void test_predict_is_cast_create2(void)
{
	struct safe_deployment d;
	struct address out, want;
	static const uint8_t code[2] = { 0x60, 0x80 }, init[2] = { 0x12, 0x34 };

	safe_canonical(&d);
	safe_predict_address(&d.proxy_factory, &d.singleton, code, 2, init, 2, u256_from_u64(5), &out);
	addr(&want, "0x9B8EAe89586eB72Ce49322e3C920e0499883024e");
	CHECK(memcmp(out.b, want.b, 20) == 0);
}

static void test_prev_owner(void)
{
	struct address o[3], prev;

	memset(o, 0, sizeof(o));
	o[0].b[0] = 0xa;
	o[1].b[0] = 0xb;
	o[2].b[0] = 0xc;
	CHECK(safe_prev_owner(o, 3, &o[0], &prev));
	CHECK(prev.b[19] == 1 && prev.b[0] == 0); /* the list's sentinel 0x…01 */
	CHECK(safe_prev_owner(o, 3, &o[2], &prev));
	CHECK(prev.b[0] == 0xb);
	prev.b[0] = 0xd;
	CHECK(!safe_prev_owner(o, 3, &prev, &prev));
}

static void test_exec_sorts_signatures(void)
{
	struct safe_proposal p;
	struct safe_signature s[2];
	uint8_t *data;
	size_t len;

	vector_tx(&p);
	memset(s, 0, sizeof(s));
	s[0].owner.b[0] = 0xff;
	memset(s[0].sig, 0xff, 65);
	s[1].owner.b[0] = 0x01;
	memset(s[1].sig, 0x01, 65);
	CHECK_INT(safe_encode_exec(&p.tx, s, 2, &data, &len), CD_OK);
	/* The packed signatures are the last bytes argument: 130 bytes padded to 160, lowest owner first. */
	CHECK(len > 160);
	CHECK(data[len - 160] == 0x01 && data[len - 160 + 65] == 0xff);
	free(data);
	safe_proposal_free(&p);
}

/* A valid file with B's signature, as text to mutate. */
static char *valid_file(void)
{
	struct safe_proposal p;
	struct address b;
	uint8_t sig[65], key[32];
	char err[SAFE_ERR_MAX] = "", *text;

	vector_tx(&p);
	safe_tx_hash(p.chain_id, &p.safe, &p.tx, p.hash, err, sizeof(err));
	hex_decode_exact(key, 32, KEY_B, strlen(KEY_B));
	safe_sign(&p, key, sig);
	addr(&b, ADDR_B);
	CHECK_INT(safe_proposal_add_signature(&p, &b, sig, err, sizeof(err)), CD_OK);
	text = safe_proposal_to_json(&p);
	safe_proposal_free(&p);
	return text;
}

/* The writer puts a tab after each member's colon; the table writes a space. */
static char *tabbed(const char *s)
{
	char *out = strdup(s);

	for (char *at = out; (at = strstr(at, "\": ")) != NULL; at += 2)
		at[2] = '\t';
	return out;
}

static char *replace(const char *s, const char *from_text, const char *to_text)
{
	char *from = tabbed(from_text), *to = tabbed(to_text);
	const char *at = strstr(s, from);
	char *out;

	if (!at) {
		free(from);
		free(to);
		return NULL;
	}
	out = malloc(strlen(s) + strlen(to) + 1);
	memcpy(out, s, (size_t)(at - s));
	strcpy(out + (at - s), to);
	strcat(out, at + strlen(from));
	free(from);
	free(to);
	return out;
}

static void test_file_reads_back(void)
{
	struct safe_proposal p;
	char *text = valid_file(), err[SAFE_ERR_MAX] = "", hex[70];

	CHECK_INT(safe_proposal_parse(text, strlen(text), &p, err, sizeof(err)), CD_OK);
	CHECK_MSG(err[0] == 0, "%s", err);
	CHECK_INT(p.nsigs, 1);
	hex_encode(hex, sizeof(hex), p.hash, 32, 1);
	CHECK_STR(hex, HASH);
	safe_proposal_free(&p);
	free(text);
}

static void test_file_refusals(void)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ "\"value\": \"1000000000000000000\"", "\"value\": \"2000000000000000000\"", "was altered" },
		{ "\"nonce\": \"7\"", "\"nonce\": \"8\"", "was altered" },
		{ "\"nonce\": \"7\"", "\"nonce\": 7", "\"nonce\": not a decimal number" },
		{ "\"nonce\": \"7\"", "\"nonce\": \"07\"", "\"nonce\": not a decimal number" },
		{ "\"nonce\": \"7\"", "\"nonce\": \"-7\"", "\"nonce\": not a decimal number" },
		{ "\"operation\": 0", "\"operation\": 2", "\"operation\"" },
		{ "\"operation\": 0", "\"operation\": 1", "was altered" },
		{ "\"chainId\": \"31337\"", "\"chainId\": \"1\"", "was altered" },
		{ "\"chainId\": \"31337\"", "\"chainId\": \"0\"", "\"chainId\"" },
		{ "\"data\": \"0xdeadbeef\"", "\"data\": \"deadbeef\"", "\"data\"" },
		{ "\"data\": \"0xdeadbeef\"", "\"data\": \"0xdeadbee\"", "\"data\"" },
		{ "\"to\": \"0x000000000000000000000000000000000000bEEF\"",
		  "\"to\": \"0x000000000000000000000000000000000000bEEf\"", "checksum" },
		{ "\"safeTxGas\": \"50000\",", "", "\"safeTxGas\" is missing" },
		{ "\"baseGas\": \"0\",", "\"baseGas\": \"0\", \"baseGas\": \"0\",", "given twice" },
		{ "\"gasPrice\": \"0\",", "\"gasPrice\": \"0\", \"memo\": \"hi\",", "unknown member \"memo\"" },
		{ "\"signature\": \"0x6b", "\"signature\": \"0x7b", "is not 0x70997970C51812dc3A010C7d01b50e0d17dc79C8's signature" },
		{ "\"owner\": \"0x70997970C51812dc3A010C7d01b50e0d17dc79C8\"",
		  "\"owner\": \"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC\"", "is not 0x3C44" },
		{ "\"signature\": \"0x6b", "\"signature\": \"0x", "\"signature\"" },
		{ "{", "[", "not JSON" },
		{ "\"signatures\": [", "\"signatures\": 5, \"x\": [", "unknown member \"x\"" },
	};
	char *text = valid_file();

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct safe_proposal p;
		char err[SAFE_ERR_MAX] = "", *bad = replace(text, cases[i].from, cases[i].to);

		CHECK_MSG(bad != NULL, "case %zu: pattern not in the file", i);
		if (!bad)
			continue;
		CHECK_MSG(safe_proposal_parse(bad, strlen(bad), &p, err, sizeof(err)) != CD_OK, "case %zu accepted", i);
		CHECK_MSG(strstr(err, cases[i].why) != NULL, "case %zu: \"%s\" does not say \"%s\"", i, err, cases[i].why);
		free(bad);
	}
	free(text);
}

int main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		{ "SafeTx hash = Safe 1.4.1's getTransactionHash", test_hash_is_the_contracts },
		{ "owner signature = cast wallet sign --no-hash", test_signature_is_casts },
		{ "proxy address = cast compute-address (CREATE2)", test_predict_is_cast_create2 },
		{ "prevOwner from the owner list", test_prev_owner },
		{ "execTransaction packs signatures sorted by owner", test_exec_sorts_signatures },
		{ "proposal file reads back", test_file_reads_back },
		{ "proposal file: every field validated, alterations refused", test_file_refusals },
	};

	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
