/*
 * fuzz_tx_json — tx_from_json on eth_signTransaction's parameter object.
 *
 * The input is parsed with cJSON first (as the wallet does); whatever JSON
 * comes out goes to tx_from_json. Properties: any JSON gives CD_OK or
 * CD_EINVAL with a NUL-terminated message and a zeroed output on error; an
 * accepted transaction has a signing payload, and once signed with a fixed
 * key it decodes back from its raw bytes to the same signing payload, and the
 * sender recovered is the key's address.
 */
#include "tests/fuzz/fuzz_util.h"

#include "wallet/tx.h"

#include <cjson/cJSON.h>

/* A fixed test key (1) and its address. */
static const uint8_t test_key[32] = {[31] = 1};
static const uint8_t test_addr[20] = {
	0x7e, 0x5f, 0x45, 0x52, 0x09, 0x1a, 0x69, 0x12, 0x5d, 0x5d,
	0xfc, 0xb7, 0xb8, 0xc2, 0x65, 0x90, 0x29, 0x39, 0x5b, 0xdf,
};

static void check_signed(const struct tx *t)
{
	struct tx_raw raw;
	struct tx back;
	struct tx_sig sig;
	struct address from;
	uint8_t *p1 = NULL, *p2 = NULL;
	size_t n1 = 0, n2 = 0;
	char err[TX_ERR_MAX];
	int rc;

	fuzz_check(tx_signing_payload(t, &p1, &n1) == CD_OK, "no signing payload for a parsed transaction");
	rc = tx_sign(t, test_key, &raw);
	fuzz_check(rc == CD_OK, "tx_sign failed on a parsed transaction");
	rc = tx_decode(raw.bytes, raw.len, &back, &sig, err, sizeof(err));
	if (rc != CD_OK) {
		fprintf(stderr, "tx_decode: %s\n", err);
		fuzz_fail("a signed transaction does not decode");
	}
	fuzz_check(tx_signing_payload(&back, &p2, &n2) == CD_OK && n1 == n2 && memcmp(p1, p2, n1) == 0,
		   "signed transaction decodes to another payload");
	fuzz_check(tx_recover_sender(&back, &sig, &from) == CD_OK && memcmp(from.b, test_addr, 20) == 0,
		   "recovered sender is not the signer");
	free(p1);
	free(p2);
	tx_free(&back);
	tx_raw_free(&raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	struct tx t;
	char err[TX_ERR_MAX];
	int rc;

	if (!j)
		return 0;
	err[0] = '\0';
	rc = tx_from_json(j, &t, err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "tx_from_json message not terminated");
	if (rc != CD_OK) {
		fuzz_check(rc == CD_EINVAL && err[0] != '\0', "tx_from_json error status or message");
		fuzz_check(fuzz_all_zero(&t, sizeof(t)), "tx left set on error");
	} else {
		fuzz_check(t.has_chain_id, "JSON transaction without a chain id");
		(void)tx_check(&t, err, sizeof(err));
		check_signed(&t);
		tx_free(&t);
	}
	cJSON_Delete(j);
	return 0;
}
