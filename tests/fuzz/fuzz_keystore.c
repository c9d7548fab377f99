/*
 * fuzz_keystore — keystore v3 JSON, decrypted with a fixed password ("").
 *
 * The module bounds the KDF to a few seconds per file; that is still far too
 * slow for fuzzing, so inputs whose kdfparams ask for more than n = 2^12,
 * n*r*p = 2^15 or c = 2^14 are skipped here before the call (they are only
 * bounds checks in the module, which tests/unit/test_keystore.c covers).
 * Properties: any bytes give a status with a NUL-terminated message; on
 * failure the key buffer is zeroed and the address untouched; on success both
 * are written.
 */
#include "tests/fuzz/fuzz_util.h"

#include "wallet/keystore.h"

#include <cjson/cJSON.h>
#include <sodium.h>

enum {
	SCRYPT_N_MAX = 1 << 12,
	SCRYPT_COST_MAX = 1 << 15,
	PBKDF2_C_MAX = 1 << 14
};

/* A number member's value, or 1 when absent or not a number (the module rejects those anyway). */
static double param(const cJSON *kp, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(kp, name);

	return cJSON_IsNumber(it) ? it->valuedouble : 1.0;
}

/* Whether the KDF this input asks for is cheap enough to run. Mirrors the module's lookups. */
static bool kdf_cheap(const uint8_t *data, size_t size)
{
	cJSON *root = cJSON_ParseWithLength((const char *)data, size);
	const cJSON *crypto, *kp;
	double n, r, p, c;
	bool cheap;

	if (!root)
		return true;
	crypto = cJSON_GetObjectItemCaseSensitive(root, "crypto");
	if (!crypto)
		crypto = cJSON_GetObjectItemCaseSensitive(root, "Crypto");
	kp = cJSON_GetObjectItemCaseSensitive(crypto, "kdfparams");
	n = param(kp, "n");
	r = param(kp, "r");
	p = param(kp, "p");
	c = param(kp, "c");
	cheap = n <= SCRYPT_N_MAX && r * p <= SCRYPT_COST_MAX && n * r * p <= SCRYPT_COST_MAX &&
		c <= PBKDF2_C_MAX;
	cJSON_Delete(root);
	return cheap;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pw[1] = {0};
	struct address addr, before;
	uint8_t *key;
	char err[256];
	int rc;

	if (!kdf_cheap(data, size))
		return 0;
	key = sodium_malloc(KEYSTORE_KEY_SIZE);
	if (!key)
		abort();
	memset(key, 0x5a, KEYSTORE_KEY_SIZE);
	memset(addr.b, 0xee, sizeof(addr.b));
	before = addr;
	err[0] = '\0';
	rc = keystore_decrypt((const char *)data, size, pw, 0, key, &addr, err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "keystore message not terminated");
	fuzz_check(cd_strerror(rc) != NULL, "cd_strerror returned NULL");
	if (rc != CD_OK) {
		fuzz_check(err[0] != '\0', "keystore error without a message");
		fuzz_check(fuzz_all_zero(key, KEYSTORE_KEY_SIZE), "key not zeroed on failure");
		fuzz_check(memcmp(&addr, &before, sizeof(addr)) == 0, "address changed on failure");
	} else {
		fuzz_check(!fuzz_all_zero(key, KEYSTORE_KEY_SIZE), "decrypted a zero key");
		fuzz_check(memcmp(&addr, &before, sizeof(addr)) != 0, "address not written on success");
	}
	sodium_free(key);
	return 0;
}
