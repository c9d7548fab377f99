/*
 * fuzz_vault — the vault file as vault_open and vault_unlock read it.
 *
 * There is no in-memory parser, so each input is written to one temporary
 * file (made at start-up, removed at exit) and opened from there. Byte 0
 * picks the mode:
 *   even  the rest is the whole file image. vault_open parses its public part;
 *         when the KDF parameters it names are cheap (opslimit <= 2, memlimit
 *         <= 1 MiB) vault_unlock tries the password "fuzz" too.
 *   odd   the rest builds a file that authenticates, so the secret part is
 *         reached: byte 1 is the account count, bytes 2-3 (big-endian) the
 *         length of the account records that follow, the remainder is the
 *         plaintext. The harness writes a valid header with the cheapest
 *         Argon2id parameters and a fixed salt, and encrypts the plaintext under
 *         the key of "fuzz" with the image before it as associated data, as
 *         vault.h specifies.
 * Properties: no crash or leak; a handle that opens lists exactly its count of
 * accounts with clean labels; an unlocked vault hands out every account's key
 * and locks back to the same public list.
 */
#include "tests/fuzz/fuzz_util.h"

#include "wallet/vault.h"

#include <fcntl.h>
#include <unistd.h>

#include <sodium.h>

static const char password[] = "fuzz";

enum {
	HEADER_SIZE = 80,
	NONCE_SIZE = 24,
	TAG_SIZE = 16,
	CHEAP_OPS = 2,
	CHEAP_MEM = 1 << 20
};

/* Set once at start-up: where inputs are written, and the key and check of "fuzz" for mode odd. */
static char file_path[64];
static uint8_t fixed_key[32], fixed_check[32];
static const uint8_t fixed_salt[16] = "chaindeck-fuzz!";

static void remove_file(void)
{
	unlink(file_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	uint8_t out[64];
	int fd;

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	snprintf(file_path, sizeof(file_path), "%s/chaindeck-fuzz-vault.XXXXXX",
		 tmp && tmp[0] == '/' && strlen(tmp) < 24 ? tmp : "/tmp");
	fd = mkstemp(file_path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_file);
	if (crypto_pwhash(out, sizeof(out), password, strlen(password), fixed_salt,
			  crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		abort();
	memcpy(fixed_key, out, 32);
	crypto_generichash(fixed_check, sizeof(fixed_check), out + 32, 32, NULL, 0);
	sodium_memzero(out, sizeof(out));
	return 0;
}

static void write_file(const uint8_t *p, size_t n)
{
	int fd = open(file_path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		abort();
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w <= 0)
			abort();
		done += (size_t)w;
	}
	close(fd);
}

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* An authenticated image from the fuzzer's account records and plaintext (mode odd). */
static uint8_t *build_image(const uint8_t *d, size_t n, size_t *len)
{
	size_t alen, plen, ad, total;
	uint8_t *img;

	if (n < 3)
		return NULL;
	alen = (size_t)get_be(d + 1, 2);
	if (alen > n - 3)
		alen = n - 3;
	plen = n - 3 - alen;
	ad = HEADER_SIZE + alen + NONCE_SIZE + 4;
	total = ad + plen + TAG_SIZE;
	img = calloc(1, total);
	if (!img)
		abort();
	memcpy(img, "CDVAULT\n", 8);
	put_be(img + 8, VAULT_FORMAT_VERSION, 2);
	img[10] = 1;
	img[11] = 1;
	put_be(img + 12, crypto_pwhash_OPSLIMIT_MIN, 8);
	put_be(img + 20, crypto_pwhash_MEMLIMIT_MIN, 8);
	memcpy(img + 28, fixed_salt, 16);
	memcpy(img + 44, fixed_check, 32);
	put_be(img + 76, d[0], 4);
	memcpy(img + HEADER_SIZE, d + 3, alen);
	/* nonce: zero bytes */
	put_be(img + HEADER_SIZE + alen + NONCE_SIZE, plen + TAG_SIZE, 4);
	crypto_aead_xchacha20poly1305_ietf_encrypt(img + ad, NULL, d + 3 + alen, plen, img, ad, NULL,
						   img + HEADER_SIZE + alen, fixed_key);
	*len = total;
	return img;
}

static void list_accounts(const struct vault *v, struct vault_account *acc, size_t max, size_t *n)
{
	*n = vault_account_count(v);
	fuzz_check(*n <= VAULT_MAX_ACCOUNTS, "more accounts than the format allows");
	for (size_t i = 0; i < *n; i++) {
		struct vault_account a;
		size_t at = 0;

		fuzz_check(vault_account(v, i, &a) == CD_OK, "vault_account within count failed");
		fuzz_check(fuzz_terminated(a.label, sizeof(a.label)), "label not terminated");
		fuzz_check(fuzz_screen_safe(a.label, strlen(a.label)), "label not screen-safe");
		fuzz_check(vault_find(v, &a.address, &at) == CD_OK && at <= i, "vault_find");
		if (i < max)
			acc[i] = a;
	}
	fuzz_check(vault_account(v, *n, &(struct vault_account){0}) == CD_ENOTFOUND,
		   "vault_account past the end");
}

static void use_unlocked(struct vault *v)
{
	uint8_t *key = sodium_malloc(32);
	char *mn = sodium_malloc(VAULT_MNEMONIC_MAX + 1);
	size_t n = vault_account_count(v);

	if (!key || !mn)
		abort();
	for (size_t i = 0; i < n; i++)
		fuzz_check(vault_private_key(v, i, key, NULL, 0) == CD_OK, "no key for an account");
	if (vault_has_mnemonic(v))
		fuzz_check(vault_mnemonic(v, mn, VAULT_MNEMONIC_MAX + 1, NULL, 0) == CD_OK,
			   "HD accounts without a mnemonic");
	sodium_free(mn);
	sodium_free(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vault_account before[16], after[16];
	struct vault *v = NULL;
	uint8_t *img = NULL;
	size_t len = 0, nbefore, nafter;
	bool try_unlock;
	char err[512];
	int rc;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		img = build_image(data + 1, size - 1, &len);
		if (!img)
			return 0;
		write_file(img, len);
		try_unlock = true;
	} else {
		write_file(data + 1, size - 1);
		try_unlock = size - 1 >= HEADER_SIZE && get_be(data + 1 + 12, 8) <= CHEAP_OPS &&
			     get_be(data + 1 + 20, 8) <= CHEAP_MEM;
	}
	err[0] = '\0';
	rc = vault_open(&v, file_path, err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "vault message not terminated");
	fuzz_check(cd_strerror(rc) != NULL, "cd_strerror returned NULL");
	if (rc != CD_OK) {
		fuzz_check(v == NULL && err[0] != '\0', "failed open left a handle or no message");
		free(img);
		return 0;
	}
	list_accounts(v, before, 16, &nbefore);
	if (try_unlock) {
		rc = vault_unlock(v, password, err, sizeof(err));
		fuzz_check(fuzz_terminated(err, sizeof(err)), "unlock message not terminated");
		fuzz_check(vault_is_unlocked(v) == (rc == CD_OK), "unlock status and state disagree");
		if (rc == CD_OK) {
			use_unlocked(v);
			vault_lock(v);
			fuzz_check(!vault_is_unlocked(v), "still unlocked after vault_lock");
		}
		list_accounts(v, after, 16, &nafter);
		fuzz_check(nafter == nbefore, "account count changed by unlock and lock");
		for (size_t i = 0; i < nafter && i < 16; i++)
			fuzz_check(memcmp(&before[i], &after[i], sizeof(after[i])) == 0,
				   "account changed by unlock and lock");
	}
	vault_free(v);
	free(img);
	return 0;
}
