/*
 * keystore: v3 files from ethereum-tests, geth and ethers decrypt to their
 * addresses; wrong passwords, tampering and malformed files are named;
 * exports round-trip, are written 0600 and atomically, and are listed as geth
 * and Foundry lay them out.
 */
#include "common/address.h"
#include "common/hex.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"
#include "wallet/keystore.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VEC "tests/vectors/keystore/"
#define GETH VEC "go-ethereum/accounts/keystore/testdata/"

/* ---- helpers ---- */

static const char *tmpdir; /* the running case's, from test_tmpdir */

/* Names in dir (hidden ones included), sorted, joined with ' '. */
static void dir_names(const char *dir, char *out, size_t cap)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 && strcmp(ents[i]->d_name, "..") != 0) {
			if (out[0])
				strncat(out, " ", cap - strlen(out) - 1);
			strncat(out, ents[i]->d_name, cap - strlen(out) - 1);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static uint8_t *key_alloc(void)
{
	uint8_t *k = sodium_malloc(KEYSTORE_KEY_SIZE);

	if (!k)
		abort();
	return k;
}

static const uint8_t *pw(const char *s)
{
	return (const uint8_t *)s;
}

/* The expected key as 64 hex digits, left-padded from a shorter vector. */
static void padded_hex(char out[65], const char *priv)
{
	size_t n = strlen(priv);

	memset(out, '0', 64 - n);
	memcpy(out + 64 - n, priv, n + 1);
}

static void key_hex(char out[65], const uint8_t *key)
{
	hex_encode(out, 65, key, KEYSTORE_KEY_SIZE, 0);
}

/* Lowercase copy of s into out[cap]. */
static void lower(char *out, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* An error message must not reveal the key (in either case) or the password. */
static void check_secret_free(const char *msg, const char *keyhex, const char *password)
{
	char low[512];

	lower(low, sizeof(low), msg);
	CHECK_MSG(strstr(low, keyhex) == NULL, "message reveals the key: %s", msg);
	CHECK_MSG(strstr(low, keyhex + 48) == NULL, "message reveals key bytes: %s", msg);
	if (password && strlen(password) >= 4)
		CHECK_MSG(strstr(msg, password) == NULL, "message reveals the password: %s", msg);
}

/* Decrypts each {json, password, priv} entry of a vector file and compares the key. */
static void check_vector_file(const char *path, size_t want_cases)
{
	char *text = test_read_file(path, NULL);
	cJSON *root = cJSON_Parse(text), *it;
	uint8_t *key = key_alloc();
	size_t n = 0;

	CHECK(root != NULL);
	cJSON_ArrayForEach(it, root) {
		const char *pass = cJSON_GetObjectItem(it, "password")->valuestring;
		const char *priv = cJSON_GetObjectItem(it, "priv")->valuestring;
		char *json = cJSON_PrintUnformatted(cJSON_GetObjectItem(it, "json"));
		char want[65], got[65], err[256] = "";
		int rc = keystore_decrypt(json, strlen(json), pw(pass), strlen(pass), key, NULL, err,
					  sizeof(err));

		CHECK_MSG(rc == CD_OK, "%s: %s (%d)", it->string, err, rc);
		padded_hex(want, priv);
		key_hex(got, key);
		CHECK_MSG(strcmp(got, want) == 0, "%s: wrong key", it->string);
		free(json);
		n++;
	}
	CHECK_INT(n, want_cases);
	sodium_free(key);
	cJSON_Delete(root);
	free(text);
}

/* ---- public vectors ---- */

static void ethereum_tests_basic_vectors_decrypt(void)
{
	check_vector_file(VEC "ethereum-tests/KeyStoreTests/basic_tests.json", 5);
}

/* Includes the 31- and 30-byte keys old geth wrote; they come back left-padded. */
static void geth_v3_test_vectors_decrypt(void)
{
	check_vector_file(GETH "v3_test_vector.json", 4);
}

static void geth_keystore_dir_good_files_decrypt_to_their_address(void)
{
	static const struct {
		const char *file, *password, *address;
	} cases[] = {
		{"keystore/aaa", "foobar", "0xf466859ead1932d743d622cb74fc058882e8648a"},
		{"keystore/zzz", "foobar", "0x289d485d9771714cce91d3393d764e1311907acc"},
		{"keystore/UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8",
		 "foobar", "0x7ef5a6135f1fd6a02593eedc869c6d41d934aef8"},
		{"keystore/no-address", "foobar", "0xf466859ead1932d743d622cb74fc058882e8648a"},
		{"keystore/foo/fd9bd350f08ee3c0c19b85a8e16114a11a60aa4e", "foobar",
		 "0xfd9bd350f08ee3c0c19b85a8e16114a11a60aa4e"},
		{"very-light-scrypt.json", "", "0x45dea0fb0bba44f4fcf290bba71fd57d7117cbb8"},
	};
	uint8_t *key = key_alloc();

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char path[256], err[256] = "", text[ADDRESS_TEXT_SIZE], low[ADDRESS_TEXT_SIZE];
		struct address a;
		int rc;

		snprintf(path, sizeof(path), GETH "%s", cases[i].file);
		rc = keystore_decrypt_file(path, pw(cases[i].password), strlen(cases[i].password), key,
					   &a, err, sizeof(err));
		CHECK_MSG(rc == CD_OK, "%s: %s", cases[i].file, err);
		address_format(&a, text);
		lower(low, sizeof(low), text);
		CHECK_STR(low, cases[i].address);
	}
	sodium_free(key);
}

static void geth_zero_address_file_is_an_address_mismatch(void)
{
	uint8_t *key = key_alloc();
	char err[256] = "", keyhex[65];
	struct address a = {{0}};
	int rc;

	/* The same key as "aaa", under the all-zero address. */
	rc = keystore_decrypt_file(GETH "keystore/aaa", pw("foobar"), 6, key, NULL, NULL, 0);
	CHECK_INT(rc, CD_OK);
	key_hex(keyhex, key);
	a.b[0] = 0x5a;
	rc = keystore_decrypt_file(GETH "keystore/zero", pw("foobar"), 6, key, &a, err, sizeof(err));
	CHECK_INT(rc, KEYSTORE_EADDRESS);
	CHECK_MSG(strstr(err, "0x0000000000000000000000000000000000000000") != NULL, "%s", err);
	CHECK(sodium_is_zero(key, KEYSTORE_KEY_SIZE));
	CHECK_INT(a.b[0], 0x5a); /* untouched on failure */
	check_secret_free(err, keyhex, "foobar");
	sodium_free(key);
}

static void geth_garbage_and_empty_files_are_not_keystores(void)
{
	static const char *const files[] = {"keystore/garbage", "keystore/empty", "keystore/README"};
	uint8_t *key = key_alloc();

	for (size_t i = 0; i < TEST_COUNT(files); i++) {
		char path[256], err[256] = "";
		int rc;

		snprintf(path, sizeof(path), GETH "%s", files[i]);
		rc = keystore_decrypt_file(path, pw("foobar"), 6, key, NULL, err, sizeof(err));
		CHECK_MSG(rc == KEYSTORE_EFORMAT, "%s: %d %s", files[i], rc, err);
		CHECK_MSG(strstr(err, path) != NULL && strstr(err, "not valid JSON") != NULL, "%s", err);
	}
	sodium_free(key);
}

/* ethers' wallets.json: the "keystore" entries, passwords hex-encoded, "Crypto" spelled
 * with a capital C, pbkdf2 from Parity, scrypt n from 1024 to 262144. Three entries use
 * geth's standard n=262144 r=8 p=1 (~1 s, 256 MiB each); one of them is enough to prove
 * those parameters, so the other two are counted but not decrypted. */
static void ethers_wallet_keystores_decrypt_to_their_address(void)
{
	size_t len, n = 0, heavy = 0;
	char *text = test_read_gz(VEC "ethers.js/testcases/wallets.json.gz", &len);
	cJSON *root = cJSON_Parse(text), *it;
	uint8_t *key = key_alloc();

	CHECK(root != NULL);
	cJSON_ArrayForEach(it, root) {
		const char *type = cJSON_GetObjectItem(it, "type")->valuestring;
		const char *pwhex = cJSON_GetObjectItem(it, "password")->valuestring;
		const char *content = cJSON_GetObjectItem(it, "content")->valuestring;
		const char *want = cJSON_GetObjectItem(it, "address")->valuestring;
		uint8_t pass[256];
		size_t plen = 0;
		char err[256] = "", got[ADDRESS_TEXT_SIZE];
		struct address a;
		int rc;

		if (strcmp(type, "keystore") != 0)
			continue;
		n++;
		if (strstr(content, "\"n\":262144") && heavy++ > 0)
			continue;
		CHECK(hex_decode(pass, sizeof(pass), &plen, pwhex, strlen(pwhex)) == CD_OK);
		rc = keystore_decrypt(content, strlen(content), pass, plen, key, &a, err, sizeof(err));
		CHECK_MSG(rc == CD_OK, "%s: %s", cJSON_GetObjectItem(it, "name")->valuestring,
			  err);
		address_format(&a, got);
		CHECK_STR(got, want);
	}
	CHECK_INT(n, 7);
	CHECK_INT(heavy, 3);
	sodium_free(key);
	cJSON_Delete(root);
	free(text);
}

/* ---- wrong password, tampering ---- */

static void wrong_password_is_its_own_error_and_zeroes_the_key(void)
{
	static const struct {
		const char *file, *password;
	} cases[] = {
		{"keystore/aaa", "foobaR"},
		{"keystore/aaa", ""},
		{"very-light-scrypt.json", "x"},
	};
	uint8_t *key = key_alloc();

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char path[256], err[256] = "";
		int rc;

		snprintf(path, sizeof(path), GETH "%s", cases[i].file);
		memset(key, 0xaa, KEYSTORE_KEY_SIZE);
		rc = keystore_decrypt_file(path, pw(cases[i].password), strlen(cases[i].password), key,
					   NULL, err, sizeof(err));
		CHECK_INT(rc, CD_EPASSWORD);
		CHECK_STR(err, "wrong password");
		CHECK(sodium_is_zero(key, KEYSTORE_KEY_SIZE));
	}
	CHECK_STR(cd_strerror(CD_EPASSWORD), "wrong password");
	sodium_free(key);
}

/* Flipping one digit of the MAC or of the ciphertext reads as a wrong password:
 * nothing is decrypted from a file whose MAC does not verify. */
static void tampered_mac_or_ciphertext_is_wrong_password(void)
{
	static const char *const fields[] = {"\"mac\":\"", "\"ciphertext\":\""};
	char *orig = test_read_file(GETH "keystore/aaa", NULL);
	uint8_t *key = key_alloc();

	for (size_t i = 0; i < TEST_COUNT(fields); i++) {
		char *json = strdup(orig), err[256] = "";
		char *p = strstr(json, fields[i]) + strlen(fields[i]) + 10;
		int rc;

		*p = *p == '0' ? '1' : '0';
		rc = keystore_decrypt(json, strlen(json), pw("foobar"), 6, key, NULL, err, sizeof(err));
		CHECK_MSG(rc == CD_EPASSWORD, "%s: %d %s", fields[i], rc, err);
		CHECK(sodium_is_zero(key, KEYSTORE_KEY_SIZE));
		free(json);
	}
	sodium_free(key);
	free(orig);
}

/* ---- malformed files and hostile parameters ---- */

enum base { SCRYPT_BASE, PBKDF2_BASE };

struct mutation {
	enum base base;
	const char *path;  /* dotted path from the root; "" replaces the whole document */
	const char *value; /* raw JSON, or NULL to delete the field */
	int rc;
	const char *msg; /* a substring of the message */
};

static const struct mutation mutations[] = {
	{SCRYPT_BASE, "", "{", KEYSTORE_EFORMAT, "not valid JSON"},
	{SCRYPT_BASE, "", "[1,2]", KEYSTORE_EFORMAT, "not a JSON object"},
	{SCRYPT_BASE, "", "{} x", KEYSTORE_EFORMAT, "not valid JSON"},
	{SCRYPT_BASE, "version", NULL, KEYSTORE_EFORMAT, "missing version"},
	{SCRYPT_BASE, "version", "1", CD_EUNSUPPORTED, "version is not 3"},
	{SCRYPT_BASE, "version", "\"3\"", CD_EUNSUPPORTED, "version is not 3"},
	{SCRYPT_BASE, "crypto", NULL, KEYSTORE_EFORMAT, "missing crypto"},
	{SCRYPT_BASE, "crypto", "[]", KEYSTORE_EFORMAT, "crypto is not an object"},
	{SCRYPT_BASE, "crypto.cipher", NULL, KEYSTORE_EFORMAT, "missing crypto.cipher"},
	{SCRYPT_BASE, "crypto.cipher", "\"aes-128-cbc\"", CD_EUNSUPPORTED, "crypto.cipher"},
	{SCRYPT_BASE, "crypto.cipherparams", NULL, KEYSTORE_EFORMAT, "missing crypto.cipherparams"},
	{SCRYPT_BASE, "crypto.cipherparams.iv", NULL, KEYSTORE_EFORMAT, "missing cipherparams.iv"},
	{SCRYPT_BASE, "crypto.cipherparams.iv", "\"dfd9ee70812add5f4b8f89d0811c91\"",
	 KEYSTORE_EFORMAT, "cipherparams.iv is 15 bytes, expected 16"},
	{SCRYPT_BASE, "crypto.cipherparams.iv", "\"zzd9ee70812add5f4b8f89d0811c9158\"",
	 KEYSTORE_EFORMAT, "cipherparams.iv is not hex"},
	{SCRYPT_BASE, "crypto.cipherparams.iv", "16", KEYSTORE_EFORMAT,
	 "cipherparams.iv is not a string"},
	{SCRYPT_BASE, "crypto.ciphertext", NULL, KEYSTORE_EFORMAT, "missing crypto.ciphertext"},
	{SCRYPT_BASE, "crypto.ciphertext", "\"\"", KEYSTORE_EFORMAT, "crypto.ciphertext is empty"},
	{SCRYPT_BASE, "crypto.ciphertext",
	 "\"cb664472deacb41a2e995fa7f96fe29ce744471deb8d146a0e43c7898c9ddd4d00\"", KEYSTORE_EFORMAT,
	 "crypto.ciphertext is longer than 32 bytes"},
	{SCRYPT_BASE, "crypto.ciphertext", "\"cb6\"", KEYSTORE_EFORMAT, "crypto.ciphertext is not hex"},
	{SCRYPT_BASE, "crypto.mac", NULL, KEYSTORE_EFORMAT, "missing crypto.mac"},
	{SCRYPT_BASE, "crypto.mac", "\"bac9af\"", KEYSTORE_EFORMAT, "crypto.mac is 3 bytes"},
	{SCRYPT_BASE, "crypto.kdf", NULL, KEYSTORE_EFORMAT, "missing crypto.kdf"},
	{SCRYPT_BASE, "crypto.kdf", "\"argon2id\"", CD_EUNSUPPORTED, "crypto.kdf"},
	{SCRYPT_BASE, "crypto.kdfparams", NULL, KEYSTORE_EFORMAT, "missing crypto.kdfparams"},
	{SCRYPT_BASE, "crypto.kdfparams.n", NULL, KEYSTORE_EFORMAT, "missing kdfparams.n"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "\"8\"", KEYSTORE_EFORMAT, "kdfparams.n is not a number"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "-8", KEYSTORE_EFORMAT, "kdfparams.n is not a non-negative"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "8.5", KEYSTORE_EFORMAT, "kdfparams.n is not a non-negative"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "1", KEYSTORE_ELIMIT, "kdfparams.n = 1 is below 2"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "12", KEYSTORE_ELIMIT, "kdfparams.n = 12 is not a power of two"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "2097152", KEYSTORE_ELIMIT, "kdfparams.n = 2097152 is above 2^20"},
	{SCRYPT_BASE, "crypto.kdfparams.n", "1e300", KEYSTORE_ELIMIT, "kdfparams.n = 1e+300 is far too large"},
	{SCRYPT_BASE, "crypto.kdfparams.r", "0", KEYSTORE_ELIMIT, "kdfparams.r = 0 is below 1"},
	{SCRYPT_BASE, "crypto.kdfparams.p", "0", KEYSTORE_ELIMIT, "kdfparams.p = 0 is below 1"},
	{SCRYPT_BASE, "crypto.kdfparams.p", "4294967296", KEYSTORE_ELIMIT, "kdfparams.p = 4294967296 is above"},
	{SCRYPT_BASE, "crypto.kdfparams.p", "2147483648", KEYSTORE_ELIMIT, "kdfparams r*p = 17179869184 is above 1024"},
	{SCRYPT_BASE, "crypto.kdfparams.r", "1024", KEYSTORE_ELIMIT, "kdfparams r*p = 16384"},
	/* 128 * 2^20 * 16 = 2 GiB of memory */
	{SCRYPT_BASE, "crypto.kdfparams", "{\"dklen\":32,\"n\":1048576,\"r\":16,\"p\":1,\"salt\":\"00\"}",
	 KEYSTORE_ELIMIT, "need 2048 MiB, more than 1 GiB"},
	/* 128 MiB but 2^25 rounds of work */
	{SCRYPT_BASE, "crypto.kdfparams", "{\"dklen\":32,\"n\":1048576,\"r\":1,\"p\":32,\"salt\":\"00\"}",
	 KEYSTORE_ELIMIT, "n*r*p = 33554432 is above 2^24"},
	{SCRYPT_BASE, "crypto.kdfparams.dklen", NULL, KEYSTORE_EFORMAT, "missing kdfparams.dklen"},
	{SCRYPT_BASE, "crypto.kdfparams.dklen", "64", KEYSTORE_ELIMIT, "kdfparams.dklen = 64, expected 32"},
	{SCRYPT_BASE, "crypto.kdfparams.dklen", "16", KEYSTORE_ELIMIT, "kdfparams.dklen = 16, expected 32"},
	{SCRYPT_BASE, "crypto.kdfparams.salt", NULL, KEYSTORE_EFORMAT, "missing kdfparams.salt"},
	{SCRYPT_BASE, "crypto.kdfparams.salt", "\"0g\"", KEYSTORE_EFORMAT, "kdfparams.salt is not hex"},
	{SCRYPT_BASE, "address", "\"f466859e\"", KEYSTORE_EFORMAT, "address is not 40 hex digits"},
	{SCRYPT_BASE, "address", "42", KEYSTORE_EFORMAT, "address is not 40 hex digits"},
	{PBKDF2_BASE, "crypto.kdfparams.prf", NULL, KEYSTORE_EFORMAT, "missing kdfparams.prf"},
	{PBKDF2_BASE, "crypto.kdfparams.prf", "\"hmac-sha512\"", CD_EUNSUPPORTED, "kdfparams.prf"},
	{PBKDF2_BASE, "crypto.kdfparams.c", NULL, KEYSTORE_EFORMAT, "missing kdfparams.c"},
	{PBKDF2_BASE, "crypto.kdfparams.c", "0", KEYSTORE_ELIMIT, "kdfparams.c = 0 is below 1"},
	{PBKDF2_BASE, "crypto.kdfparams.c", "10000001", KEYSTORE_ELIMIT, "kdfparams.c = 10000001 is above 10000000"},
	{PBKDF2_BASE, "crypto.kdfparams.dklen", "31", KEYSTORE_ELIMIT, "kdfparams.dklen = 31"},
};

/* Replaces (or deletes) the field at a dotted path of root. */
static void apply(cJSON *root, const char *path, const char *value)
{
	char buf[128], *dot, *name = buf;
	cJSON *obj = root;

	snprintf(buf, sizeof(buf), "%s", path);
	dot = strchr(name, '.');
	while (dot) {
		*dot = '\0';
		obj = cJSON_GetObjectItem(obj, name);
		name = dot + 1;
		dot = strchr(name, '.');
	}
	if (value)
		cJSON_ReplaceItemInObject(obj, name, cJSON_Parse(value));
	else
		cJSON_DeleteItemFromObject(obj, name);
}

static char *wiki_pbkdf2_json(void)
{
	char *text = test_read_file(GETH "v3_test_vector.json", NULL);
	cJSON *root = cJSON_Parse(text);
	char *json = cJSON_PrintUnformatted(
		cJSON_GetObjectItem(cJSON_GetObjectItem(root, "wikipage_test_vector_pbkdf2"), "json"));

	cJSON_Delete(root);
	free(text);
	return json;
}

/* Every malformed field and absurd parameter fails before any key derivation, with its
 * own status and a message naming the field; no message shows the key or the password. */
static void malformed_fields_and_absurd_params_are_named(void)
{
	char *bases[2], keyhex[65];
	uint8_t *key = key_alloc();

	bases[SCRYPT_BASE] = test_read_file(GETH "keystore/aaa", NULL);
	bases[PBKDF2_BASE] = wiki_pbkdf2_json();
	CHECK_INT(keystore_decrypt(bases[SCRYPT_BASE], strlen(bases[SCRYPT_BASE]), pw("foobar"), 6,
				   key, NULL, NULL, 0), CD_OK);
	key_hex(keyhex, key);
	for (size_t i = 0; i < TEST_COUNT(mutations); i++) {
		const struct mutation *m = &mutations[i];
		char *json, err[256] = "";
		cJSON *root;
		int rc;

		if (m->path[0] == '\0') {
			json = strdup(m->value);
		} else {
			root = cJSON_Parse(bases[m->base]);
			apply(root, m->path, m->value);
			json = cJSON_PrintUnformatted(root);
			cJSON_Delete(root);
		}
		memset(key, 0xaa, KEYSTORE_KEY_SIZE);
		rc = keystore_decrypt(json, strlen(json), pw("foobar"), 6, key, NULL, err, sizeof(err));
		CHECK_MSG(rc == m->rc, "%s=%s: status %d, expected %d (%s)", m->path,
			  m->value ? m->value : "(deleted)", rc, m->rc, err);
		CHECK_MSG(strstr(err, m->msg) != NULL, "%s=%s: message \"%s\", expected \"%s\"",
			  m->path, m->value ? m->value : "(deleted)", err, m->msg);
		CHECK(sodium_is_zero(key, KEYSTORE_KEY_SIZE));
		check_secret_free(err, keyhex, "foobar");
		free(json);
	}
	free(bases[0]);
	free(bases[1]);
	sodium_free(key);
}

/* A file too big to be a keystore is refused unparsed, in memory and on disk. */
static void oversized_input_is_refused(void)
{
	size_t n = KEYSTORE_FILE_MAX + 1;
	char *big = malloc(n + 1), err[256] = "", path[128];
	uint8_t *key = key_alloc();

	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	CHECK_INT(keystore_decrypt(big, n, pw("x"), 1, key, NULL, err, sizeof(err)), KEYSTORE_ELIMIT);
	CHECK(strstr(err, "65537 bytes") != NULL);
	tmpdir = test_tmpdir("keystore");
	snprintf(path, sizeof(path), "%s/big", tmpdir);
	test_write_file(path, big);
	CHECK_INT(keystore_decrypt_file(path, pw("x"), 1, key, NULL, err, sizeof(err)), KEYSTORE_ELIMIT);
	CHECK(strstr(err, path) != NULL);
	CHECK_INT(keystore_decrypt_file(tmpdir, pw("x"), 1, key, NULL, err, sizeof(err)), CD_EIO);
	CHECK(strstr(err, "not a regular file") != NULL);
	/* a missing file is "not found" by its code, which the CLI's exit status 4 is read from */
	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	CHECK_INT(keystore_decrypt_file(path, pw("x"), 1, key, NULL, err, sizeof(err)), CD_ENOTFOUND);
	CHECK(strstr(err, "No such file") != NULL);
	test_rmtree(tmpdir);
	sodium_free(key);
	free(big);
}

/* ---- encryption ---- */

static void random_key(uint8_t *key)
{
	randombytes_buf(key, KEYSTORE_KEY_SIZE);
	key[0] &= 0x7f; /* below the group order */
}

static bool is_lower_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

/* geth's layout: lowercase address without 0x, scrypt, 32-byte salt, 16-byte iv, UUID v4. */
static void check_encrypted_shape(const char *json, const struct address *a, unsigned n,
				  unsigned p)
{
	cJSON *root = cJSON_Parse(json);
	cJSON *crypto = cJSON_GetObjectItem(root, "crypto");
	cJSON *kp = cJSON_GetObjectItem(crypto, "kdfparams");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(root, "id"));
	char want[2 * ADDRESS_SIZE + 1];

	CHECK(root != NULL);
	hex_encode(want, sizeof(want), a->b, ADDRESS_SIZE, 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "address")), want);
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(root, "version")), 3);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(crypto, "cipher")), "aes-128-ctr");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(crypto, "kdf")), "scrypt");
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(kp, "n")), n);
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(kp, "r")), 8);
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(kp, "p")), p);
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(kp, "dklen")), 32);
	CHECK(is_lower_hex(cJSON_GetStringValue(cJSON_GetObjectItem(kp, "salt")), 64));
	CHECK(is_lower_hex(cJSON_GetStringValue(cJSON_GetObjectItem(
				   cJSON_GetObjectItem(crypto, "cipherparams"), "iv")), 32));
	CHECK(is_lower_hex(cJSON_GetStringValue(cJSON_GetObjectItem(crypto, "ciphertext")), 64));
	CHECK(is_lower_hex(cJSON_GetStringValue(cJSON_GetObjectItem(crypto, "mac")), 64));
	CHECK(id && strlen(id) == 36 && id[8] == '-' && id[13] == '-' && id[14] == '4' &&
	      id[18] == '-' && strchr("89ab", id[19]) && id[23] == '-');
	cJSON_Delete(root);
}

static void light_export_round_trips(void)
{
	uint8_t *key = key_alloc(), *back = key_alloc();
	char *json = NULL, err[256] = "";
	struct address a, b;

	random_key(key);
	CHECK_INT(keystore_encrypt(key, pw("correct horse"), 13, KEYSTORE_LIGHT, &json, err,
				   sizeof(err)), CD_OK);
	CHECK(json != NULL);
	if (!json)
		return;
	CHECK_INT(keystore_decrypt(json, strlen(json), pw("correct horse"), 13, back, &a, err,
				   sizeof(err)), CD_OK);
	CHECK(sodium_memcmp(key, back, KEYSTORE_KEY_SIZE) == 0);
	check_encrypted_shape(json, &a, 4096, 6);
	CHECK_INT(keystore_decrypt(json, strlen(json), pw("correct horsE"), 13, back, &b, err,
				   sizeof(err)), CD_EPASSWORD);
	free(json);
	sodium_free(key);
	sodium_free(back);
}

/* One run of geth's standard scrypt (n=262144 r=8 p=1: ~1 s and 256 MiB each way). */
static void standard_export_round_trips_with_geth_parameters(void)
{
	uint8_t *key = key_alloc(), *back = key_alloc();
	char *json = NULL, err[256] = "";
	struct address a;

	random_key(key);
	CHECK_INT(keystore_encrypt(key, pw(""), 0, 0, &json, err, sizeof(err)), CD_OK);
	if (!json)
		return;
	CHECK_INT(keystore_decrypt(json, strlen(json), pw(""), 0, back, &a, err, sizeof(err)),
		  CD_OK);
	CHECK(sodium_memcmp(key, back, KEYSTORE_KEY_SIZE) == 0);
	check_encrypted_shape(json, &a, 262144, 1);
	free(json);
	sodium_free(key);
	sodium_free(back);
}

static void two_exports_of_one_key_share_no_salt_iv_or_id(void)
{
	uint8_t *key = key_alloc();
	char *j1 = NULL, *j2 = NULL;
	static const char *const fields[] = {"\"salt\":\"", "\"iv\":\"", "\"id\":\"", "\"mac\":\""};

	random_key(key);
	CHECK_INT(keystore_encrypt(key, pw("pw"), 2, KEYSTORE_LIGHT, &j1, NULL, 0), CD_OK);
	CHECK_INT(keystore_encrypt(key, pw("pw"), 2, KEYSTORE_LIGHT, &j2, NULL, 0), CD_OK);
	for (size_t i = 0; j1 && j2 && i < TEST_COUNT(fields); i++) {
		const char *a = strstr(j1, fields[i]) + strlen(fields[i]);
		const char *b = strstr(j2, fields[i]) + strlen(fields[i]);

		CHECK_MSG(strncmp(a, b, 32) != 0, "%s repeats", fields[i]);
	}
	free(j1);
	free(j2);
	sodium_free(key);
}

static void invalid_private_keys_are_refused(void)
{
	static const char *const keys[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		/* the secp256k1 group order n, and n + 1 */
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
		"fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
	};
	uint8_t *key = key_alloc();

	tmpdir = test_tmpdir("keystore");
	for (size_t i = 0; i < TEST_COUNT(keys); i++) {
		char *json = (char *)1, err[256] = "", path[128], names[256];

		CHECK(hex_decode_exact(key, 32, keys[i], 64) == CD_OK);
		CHECK_INT(keystore_encrypt(key, pw("pw"), 2, KEYSTORE_LIGHT, &json, err, sizeof(err)),
			  CD_EKEY);
		CHECK(json == NULL);
		CHECK_STR(err, "not a valid secp256k1 private key");
		snprintf(path, sizeof(path), "%s/k", tmpdir);
		CHECK_INT(keystore_export(path, key, pw("pw"), 2, KEYSTORE_LIGHT, NULL, err, sizeof(err)),
			  CD_EKEY);
		dir_names(tmpdir, names, sizeof(names));
		CHECK_STR(names, "");
	}
	test_rmtree(tmpdir);
	sodium_free(key);
}

/* ---- export to a file ---- */

static void export_writes_mode_0600_atomically_and_round_trips(void)
{
	uint8_t *key = key_alloc(), *back = key_alloc();
	char path[128], err[256] = "", names[256];
	struct address a, b;
	struct stat st;
	mode_t old = umask(0);

	tmpdir = test_tmpdir("keystore");
	random_key(key);
	snprintf(path, sizeof(path), "%s/UTC--key", tmpdir);
	CHECK_INT(keystore_export(path, key, pw("pw"), 2, KEYSTORE_LIGHT, &a, err, sizeof(err)),
		  CD_OK);
	umask(old);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600);
	dir_names(tmpdir, names, sizeof(names));
	CHECK_STR(names, "UTC--key");
	CHECK_INT(keystore_decrypt_file(path, pw("pw"), 2, back, &b, err, sizeof(err)), CD_OK);
	CHECK(sodium_memcmp(key, back, KEYSTORE_KEY_SIZE) == 0);
	CHECK(memcmp(a.b, b.b, ADDRESS_SIZE) == 0);
	test_rmtree(tmpdir);
	sodium_free(key);
	sodium_free(back);
}

static void export_refuses_to_overwrite_unless_asked(void)
{
	uint8_t *k1 = key_alloc(), *k2 = key_alloc(), *back = key_alloc();
	char path[128], err[256] = "", names[256], *before, *after;
	struct address a;

	tmpdir = test_tmpdir("keystore");
	random_key(k1);
	random_key(k2);
	snprintf(path, sizeof(path), "%s/ks.json", tmpdir);
	CHECK_INT(keystore_export(path, k1, pw("pw"), 2, KEYSTORE_LIGHT, NULL, err, sizeof(err)),
		  CD_OK);
	before = test_read_file(path, NULL);
	CHECK_INT(keystore_export(path, k2, pw("pw"), 2, KEYSTORE_LIGHT, NULL, err, sizeof(err)),
		  CD_EEXIST);
	CHECK(strstr(err, "already exists") != NULL && strstr(err, path) != NULL);
	after = test_read_file(path, NULL);
	CHECK_STR(after, before);
	free(after);
	dir_names(tmpdir, names, sizeof(names));
	CHECK_STR(names, "ks.json");
	CHECK_INT(keystore_export(path, k2, pw("pw"), 2, KEYSTORE_LIGHT | KEYSTORE_OVERWRITE, NULL,
				  err, sizeof(err)), CD_OK);
	CHECK_INT(keystore_decrypt_file(path, pw("pw"), 2, back, &a, err, sizeof(err)), CD_OK);
	CHECK(sodium_memcmp(k2, back, KEYSTORE_KEY_SIZE) == 0);
	dir_names(tmpdir, names, sizeof(names));
	CHECK_STR(names, "ks.json");
	free(before);
	test_rmtree(tmpdir);
	sodium_free(k1);
	sodium_free(k2);
	sodium_free(back);
}

static void export_into_a_missing_directory_fails_cleanly(void)
{
	uint8_t *key = key_alloc();
	char path[128], err[256] = "", names[256], keyhex[65];

	tmpdir = test_tmpdir("keystore");
	random_key(key);
	key_hex(keyhex, key);
	snprintf(path, sizeof(path), "%s/nope/ks.json", tmpdir);
	CHECK_INT(keystore_export(path, key, pw("secret-pw"), 9, KEYSTORE_LIGHT, NULL, err, sizeof(err)),
		  CD_EIO);
	CHECK(strstr(err, "/nope") != NULL);
	check_secret_free(err, keyhex, "secret-pw");
	dir_names(tmpdir, names, sizeof(names));
	CHECK_STR(names, "");
	test_rmtree(tmpdir);
	sodium_free(key);
}

static void filename_is_geths(void)
{
	struct address a;
	char name[KEYSTORE_NAME_MAX];

	CHECK(hex_decode_exact(a.b, 20, "7ef5a6135f1fd6a02593eedc869c6d41d934aef8", 40) == CD_OK);
	keystore_filename(name, &a, 1458651475); /* 2016-03-22T12:57:55Z */
	CHECK_STR(name, "UTC--2016-03-22T12-57-55.000000000Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8");
}

/* ---- discovery ---- */

static void list_dir_finds_geths_keystores_and_skips_the_rest(void)
{
	struct keystore_list list = {0};
	char err[256] = "", text[ADDRESS_TEXT_SIZE];
	static const char *const names[] = {
		"UTC--2016-03-22T12-57-55.920751759Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8",
		"aaa", "no-address", "zero", "zzz",
	};

	CHECK_INT(keystore_list_dir(&list, GETH "keystore", err, sizeof(err)), CD_OK);
	CHECK_INT(list.n, TEST_COUNT(names));
	for (size_t i = 0; i < list.n && i < TEST_COUNT(names); i++) {
		char path[256];

		snprintf(path, sizeof(path), GETH "keystore/%s", names[i]);
		CHECK_STR(list.v[i].name, names[i]);
		CHECK_STR(list.v[i].path, path);
		CHECK_INT(list.v[i].has_address, strcmp(names[i], "no-address") != 0);
	}
	if (list.n == TEST_COUNT(names)) {
		address_format(&list.v[1].address, text);
		CHECK_STR(text, "0xf466859eAD1932D743d622CB74FC058882E8648A");
	}
	keystore_list_free(&list);
	CHECK(list.n == 0 && list.v == NULL);
}

static void list_default_reads_foundry_then_geth_then_the_given_dir(void)
{
	struct keystore_list list = {0};
	char err[256] = "", p[256], *aaa = test_read_file(GETH "keystore/aaa", NULL);
	char *noaddr = test_read_file(GETH "keystore/no-address", NULL);

	tmpdir = test_tmpdir("keystore");
	/* No default directories at all: nothing, and no error. */
	CHECK_INT(keystore_list_default(&list, tmpdir, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(list.n, 0);
	snprintf(p, sizeof(p), "%s/.foundry", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/.foundry/keystores", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/.foundry/keystores/deployer", tmpdir);
	test_write_file(p, noaddr); /* cast writes no address */
	snprintf(p, sizeof(p), "%s/.foundry/keystores/deployer~", tmpdir);
	test_write_file(p, noaddr);
	snprintf(p, sizeof(p), "%s/.ethereum", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/.ethereum/keystore", tmpdir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/.ethereum/keystore/UTC--x", tmpdir);
	test_write_file(p, aaa);
	snprintf(p, sizeof(p), "%s/.ethereum/keystore/notes.txt", tmpdir);
	test_write_file(p, "not a keystore\n");
	CHECK_INT(keystore_list_default(&list, tmpdir, GETH "keystore/foo", err, sizeof(err)),
		  CD_OK);
	CHECK_INT(list.n, 3);
	if (list.n == 3) {
		snprintf(p, sizeof(p), "%s/.foundry/keystores/deployer", tmpdir);
		CHECK_STR(list.v[0].path, p);
		CHECK(!list.v[0].has_address);
		snprintf(p, sizeof(p), "%s/.ethereum/keystore/UTC--x", tmpdir);
		CHECK_STR(list.v[1].path, p);
		CHECK(list.v[1].has_address);
		CHECK_STR(list.v[2].name, "fd9bd350f08ee3c0c19b85a8e16114a11a60aa4e");
	}
	keystore_list_free(&list);
	free(aaa);
	free(noaddr);
	test_rmtree(tmpdir);
}

static const struct test_case cases[] = {
	{"ethereum_tests_basic_vectors_decrypt", ethereum_tests_basic_vectors_decrypt},
	{"geth_v3_test_vectors_decrypt", geth_v3_test_vectors_decrypt},
	{"geth_keystore_dir_good_files_decrypt_to_their_address",
	 geth_keystore_dir_good_files_decrypt_to_their_address},
	{"geth_zero_address_file_is_an_address_mismatch", geth_zero_address_file_is_an_address_mismatch},
	{"geth_garbage_and_empty_files_are_not_keystores", geth_garbage_and_empty_files_are_not_keystores},
	{"ethers_wallet_keystores_decrypt_to_their_address",
	 ethers_wallet_keystores_decrypt_to_their_address},
	{"wrong_password_is_its_own_error_and_zeroes_the_key",
	 wrong_password_is_its_own_error_and_zeroes_the_key},
	{"tampered_mac_or_ciphertext_is_wrong_password", tampered_mac_or_ciphertext_is_wrong_password},
	{"malformed_fields_and_absurd_params_are_named", malformed_fields_and_absurd_params_are_named},
	{"oversized_input_is_refused", oversized_input_is_refused},
	{"light_export_round_trips", light_export_round_trips},
	{"standard_export_round_trips_with_geth_parameters",
	 standard_export_round_trips_with_geth_parameters},
	{"two_exports_of_one_key_share_no_salt_iv_or_id", two_exports_of_one_key_share_no_salt_iv_or_id},
	{"invalid_private_keys_are_refused", invalid_private_keys_are_refused},
	{"export_writes_mode_0600_atomically_and_round_trips",
	 export_writes_mode_0600_atomically_and_round_trips},
	{"export_refuses_to_overwrite_unless_asked", export_refuses_to_overwrite_unless_asked},
	{"export_into_a_missing_directory_fails_cleanly", export_into_a_missing_directory_fails_cleanly},
	{"filename_is_geths", filename_is_geths},
	{"list_dir_finds_geths_keystores_and_skips_the_rest",
	 list_dir_finds_geths_keystores_and_skips_the_rest},
	{"list_default_reads_foundry_then_geth_then_the_given_dir",
	 list_default_reads_foundry_then_geth_then_the_given_dir},
};

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 2;
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
