/*
 * fuzz_eip712 — eip712_parse on eth_signTypedData_v4 documents (the raw
 * bytes are the JSON text, as sign-typed-data reads them from a file).
 *
 * Properties: any input gives CD_OK or an error with a NUL-terminated,
 * non-empty, screen-safe message and a zeroed result. An accepted document's hashes hang
 * together (typeHash = keccak(encodeType), structHash = keccak(encoded),
 * encoded starts with typeHash and is whole words, digest = keccak(0x1901 ‖
 * domainSeparator ‖ structHash)); every line of the decoded view is
 * screen-safe; parsing again gives the same digest; a signature with a fixed
 * key recovers to that key's address.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/keccak.h"
#include "wallet/eip712.h"
#include "wallet/sign.h"

/* A fixed test key (1) and its address. */
static const uint8_t test_key[32] = {[31] = 1};
static const uint8_t test_addr[20] = {
	0x7e, 0x5f, 0x45, 0x52, 0x09, 0x1a, 0x69, 0x12, 0x5d, 0x5d,
	0xfc, 0xb7, 0xb8, 0xc2, 0x65, 0x90, 0x29, 0x39, 0x5b, 0xdf,
};

static void check_rows(const struct eip712_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fuzz_check(f[i].path && f[i].type && f[i].value, "a view line without path, type or value");
		fuzz_check(fuzz_screen_safe(f[i].path, strlen(f[i].path)), "a view path is not screen-safe");
		fuzz_check(fuzz_screen_safe(f[i].type, strlen(f[i].type)), "a view type is not screen-safe");
		fuzz_check(fuzz_screen_safe(f[i].value, strlen(f[i].value)), "a view value is not screen-safe");
	}
}

static void check_accepted(const struct eip712 *e, const uint8_t *data, size_t size)
{
	uint8_t h[32], pre[66] = {0x19, 0x01}, sig[65];
	struct eip712 again;
	struct address who;
	char err[EIP712_ERR_MAX];

	fuzz_check(e->primary_type && e->encode_type && e->encoded, "accepted without its parts");
	keccak256(h, (const uint8_t *)e->encode_type, strlen(e->encode_type));
	fuzz_check(memcmp(h, e->type_hash, 32) == 0, "typeHash is not keccak(encodeType)");
	fuzz_check(e->encoded_len >= 32 && e->encoded_len % 32 == 0, "encodeData is not whole words");
	fuzz_check(memcmp(e->encoded, e->type_hash, 32) == 0, "encodeData does not start with typeHash");
	keccak256(h, e->encoded, e->encoded_len);
	fuzz_check(memcmp(h, e->struct_hash, 32) == 0, "structHash is not keccak(encodeData)");
	memcpy(pre + 2, e->domain_separator, 32);
	memcpy(pre + 34, e->struct_hash, 32);
	keccak256(h, pre, sizeof(pre));
	fuzz_check(memcmp(h, e->digest, 32) == 0, "digest is not keccak(0x1901 || domain || struct)");
	check_rows(e->domain, e->ndomain);
	check_rows(e->fields, e->nfields);

	fuzz_check(eip712_parse((const char *)data, size, &again, err, sizeof(err)) == CD_OK &&
		   memcmp(again.digest, e->digest, 32) == 0, "a second parse differs");
	eip712_free(&again);

	fuzz_check(eip712_sign(e, test_key, sig) == CD_OK, "signing failed");
	fuzz_check(sig[64] == 27 || sig[64] == 28, "v is not 27 or 28");
	fuzz_check(eip712_recover(e, sig, &who) == CD_OK && memcmp(who.b, test_addr, 20) == 0,
		   "the signature does not recover to the signer");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eip712 e;
	char err[EIP712_ERR_MAX];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = eip712_parse((const char *)data, size, &e, err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "message not terminated");
	if (rc != CD_OK) {
		fuzz_check((rc == CD_EINVAL || rc == CD_ENOMEM) && err[0] != '\0', "error status or message");
		fuzz_check(fuzz_screen_safe_str(err, sizeof(err)), "an error message is not screen-safe");
		fuzz_check(fuzz_all_zero(&e, sizeof(e)), "result left set on error");
		return 0;
	}
	check_accepted(&e, data, size);
	eip712_free(&e);
	return 0;
}
