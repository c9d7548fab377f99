/*
 * vault: the encrypted key file from creation to unlock, save, lock and
 * password change; modes, leftover temporaries, truncation, tampering and
 * every single-bit flip.
 */
#include "wallet/vault.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/address.h"
#include "common/hex.h"
#include "wallet/bip39.h"
#include "wallet/hd.h"

static const char test_mnemonic[] = "test test test test test test test test test test test junk";
static const char *const anvil_addr[] = {
	"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
	"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
	"0x90F79bf6EB2c4f870365E785982E1f101E93b906",
};
static const char anvil_key0[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
/* an unrelated key (anvil's account 9) to import */
static const char other_key[] = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6";
static const char other_addr[] = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";

/* Argon2id at its minimum: the format and logic are under test, not the cost. */
static const struct vault_opts fast = {1, 8192, false};

static const char *dir; /* the running case's, from test_tmpdir */
static char path[128];

static void fresh_path(void)
{
	dir = test_tmpdir("vault");
	/* a subdirectory the vault must create itself */
	snprintf(path, sizeof(path), "%s/chaindeck/vault", dir);
}

static void remove_tree(void)
{
	test_rmtree(dir);
}

static struct vault *make_vault(const char *mnemonic)
{
	struct vault *v = NULL;
	char err[256] = "";
	int rc;

	fresh_path();
	rc = vault_create(&v, path, "pw", mnemonic, NULL, &fast, err, sizeof(err));
	CHECK_MSG(rc == CD_OK, "create: %d %s", rc, err);
	return v;
}

static void addr_text(const struct vault *v, size_t i, char out[ADDRESS_TEXT_SIZE])
{
	struct vault_account a;

	out[0] = '\0';
	if (vault_account(v, i, &a) == CD_OK)
		address_format(&a.address, out);
}

static uint8_t *file_bytes(size_t *len)
{
	return (uint8_t *)test_read_file(path, len);
}

static void write_bytes(const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static int open_status(void)
{
	struct vault *v = NULL;
	char err[256];
	int rc = vault_open(&v, path, err, sizeof(err));

	vault_free(v);
	return rc;
}

static int open_unlock_status(const char *pw)
{
	struct vault *v = NULL;
	char err[256];
	int rc = vault_open(&v, path, err, sizeof(err));

	if (rc == CD_OK)
		rc = vault_unlock(v, pw, err, sizeof(err));
	vault_free(v);
	return rc;
}

/* Offset of account 0's label in a file with one account (fixed header + 26 bytes). */
enum { LABEL0_OFF = 80 + 26, ADDR0_OFF = 80 + 5, NONCE_OFF_NOLABEL = 80 + 26 };

static void test_mnemonic_gives_anvils_account_zero(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char a[ADDRESS_TEXT_SIZE];
	struct vault_account acc;

	CHECK_INT(vault_account_count(v), 1);
	addr_text(v, 0, a);
	CHECK_STR(a, anvil_addr[0]);
	CHECK_INT(vault_account(v, 0, &acc), CD_OK);
	CHECK_INT(acc.kind, VAULT_HD);
	CHECK_INT(acc.index, 0);
	CHECK_STR(acc.label, "");
	CHECK(vault_is_unlocked(v));
	CHECK(vault_has_mnemonic(v));
	vault_free(v);
	remove_tree();
}

static void test_round_trip_create_open_unlock(void)
{
	struct vault *v = make_vault(test_mnemonic), *r = NULL;
	char err[256] = "", a[ADDRESS_TEXT_SIZE];
	char *m = sodium_malloc(VAULT_MNEMONIC_MAX + 1);
	int rc;

	vault_free(v);
	rc = vault_open(&r, path, err, sizeof(err));
	CHECK_MSG(rc == CD_OK, "open: %s", err);
	if (rc != CD_OK)
		goto out;
	CHECK(!vault_is_unlocked(r));
	CHECK_INT(vault_account_count(r), 1);
	addr_text(r, 0, a);
	CHECK_STR(a, anvil_addr[0]);
	CHECK_STR(vault_path(r), path);
	rc = vault_unlock(r, "pw", err, sizeof(err));
	CHECK_MSG(rc == CD_OK, "unlock: %s", err);
	CHECK(vault_is_unlocked(r));
	CHECK_INT(vault_mnemonic(r, m, VAULT_MNEMONIC_MAX + 1, err, sizeof(err)), CD_OK);
	CHECK_STR(m, test_mnemonic);
	/* unlocking again with the right password is harmless */
	CHECK_INT(vault_unlock(r, "pw", err, sizeof(err)), CD_OK);
	vault_lock(r);
	CHECK(!vault_is_unlocked(r));
	CHECK_INT(vault_mnemonic(r, m, VAULT_MNEMONIC_MAX + 1, err, sizeof(err)), VAULT_ELOCKED);
out:
	sodium_free(m);
	vault_free(r);
	remove_tree();
}

static void test_mnemonic_is_normalised(void)
{
	struct vault *v = make_vault("  TEST test\ttest test test test test test test test test   Junk\n");
	char *m = sodium_malloc(VAULT_MNEMONIC_MAX + 1);
	char a[ADDRESS_TEXT_SIZE];

	CHECK_INT(vault_mnemonic(v, m, VAULT_MNEMONIC_MAX + 1, NULL, 0), CD_OK);
	CHECK_STR(m, test_mnemonic);
	addr_text(v, 0, a);
	CHECK_STR(a, anvil_addr[0]);
	sodium_free(m);
	vault_free(v);
	remove_tree();
}

static void test_private_keys_match_hd_derivation(void)
{
	struct vault *v = make_vault(test_mnemonic);
	uint8_t *key = sodium_malloc(32), *want = sodium_malloc(32), *seed = sodium_malloc(64);
	struct hd_node *master = sodium_malloc(sizeof(*master));
	uint8_t k0[32];
	char err[256] = "";

	CHECK_INT(vault_derive(v, 3, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_account_count(v), 4);
	CHECK_INT(bip39_mnemonic_to_seed(seed, test_mnemonic, NULL, NULL, 0), CD_OK);
	CHECK_INT(hd_master_from_seed(master, seed, 64), CD_OK);
	for (size_t i = 0; i < 4; i++) {
		struct address addr;
		char a[ADDRESS_TEXT_SIZE];

		CHECK_INT(vault_private_key(v, i, key, err, sizeof(err)), CD_OK);
		CHECK_INT(hd_eth_account(want, &addr, master, (uint32_t)i), CD_OK);
		CHECK_MSG(memcmp(key, want, 32) == 0, "key %zu differs from m/44'/60'/0'/0/%zu", i, i);
		addr_text(v, i, a);
		CHECK_STR(a, anvil_addr[i]);
	}
	CHECK_INT(vault_private_key(v, 0, key, err, sizeof(err)), CD_OK);
	CHECK_INT(hex_decode_exact(k0, 32, anvil_key0, strlen(anvil_key0)), CD_OK);
	CHECK(memcmp(key, k0, 32) == 0);
	CHECK_INT(vault_private_key(v, 4, key, err, sizeof(err)), CD_ENOTFOUND);
	sodium_free(key);
	sodium_free(want);
	sodium_free(seed);
	sodium_free(master);
	vault_free(v);
	remove_tree();
}

static void test_passphrase_changes_the_accounts(void)
{
	struct vault *v = NULL, *r = NULL;
	char err[256] = "", a[ADDRESS_TEXT_SIZE], b[ADDRESS_TEXT_SIZE];

	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, "extra words", &fast, err, sizeof(err)),
		CD_OK);
	addr_text(v, 0, a);
	CHECK(strcmp(a, anvil_addr[0]) != 0);
	vault_free(v);
	CHECK_INT(vault_open(&r, path, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_unlock(r, "pw", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_derive(r, 1, err, sizeof(err)), CD_OK);
	addr_text(r, 0, b);
	CHECK_STR(b, a);
	addr_text(r, 1, b);
	CHECK(strcmp(b, anvil_addr[1]) != 0);
	vault_free(r);
	remove_tree();
}

static void test_wrong_password_changes_nothing(void)
{
	struct vault *v = make_vault(test_mnemonic), *r = NULL;
	char err[256] = "", a[ADDRESS_TEXT_SIZE];
	size_t n1, n2;
	uint8_t *before, *after;
	struct stat st1, st2;

	vault_free(v);
	before = file_bytes(&n1);
	CHECK_INT(stat(path, &st1), 0);
	CHECK_INT(vault_open(&r, path, err, sizeof(err)), CD_OK);
	if (!r)
		goto out;
	CHECK_INT(vault_unlock(r, "not the password", err, sizeof(err)), CD_EPASSWORD);
	CHECK(strstr(err, "wrong password") != NULL);
	CHECK(!vault_is_unlocked(r));
	CHECK_INT(vault_account_count(r), 1);
	addr_text(r, 0, a);
	CHECK_STR(a, anvil_addr[0]);
	CHECK_INT(vault_save(r, err, sizeof(err)), VAULT_ELOCKED);
	CHECK_INT(vault_unlock(r, "", err, sizeof(err)), CD_EPASSWORD);
	/* and the right one still works afterwards */
	CHECK_INT(vault_unlock(r, "pw", err, sizeof(err)), CD_OK);
	/* a wrong password on an unlocked vault does not lock it */
	CHECK_INT(vault_unlock(r, "nope", err, sizeof(err)), CD_EPASSWORD);
	CHECK(vault_is_unlocked(r));
	after = file_bytes(&n2);
	CHECK_INT(stat(path, &st2), 0);
	CHECK(n1 == n2 && memcmp(before, after, n1) == 0);
	CHECK(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec && st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);
	free(after);
out:
	free(before);
	vault_free(r);
	remove_tree();
}

static void test_locked_vault_is_read_only(void)
{
	struct vault *v = make_vault(test_mnemonic), *r = NULL;
	uint8_t *key = sodium_malloc(32);
	uint8_t k[32] = {1};
	char err[256];

	vault_free(v);
	CHECK_INT(vault_open(&r, path, err, sizeof(err)), CD_OK);
	if (r) {
		CHECK_INT(vault_derive(r, 1, err, sizeof(err)), VAULT_ELOCKED);
		CHECK_INT(vault_import_key(r, k, NULL, NULL, err, sizeof(err)), VAULT_ELOCKED);
		CHECK_INT(vault_set_label(r, 0, "x", err, sizeof(err)), VAULT_ELOCKED);
		CHECK_INT(vault_private_key(r, 0, key, err, sizeof(err)), VAULT_ELOCKED);
		CHECK_INT(vault_set_password(r, "x", err, sizeof(err)), VAULT_ELOCKED);
		CHECK_INT(vault_save(r, err, sizeof(err)), VAULT_ELOCKED);
		CHECK(strstr(err, "locked") != NULL);
		CHECK_INT(vault_account_count(r), 1);
	}
	sodium_free(key);
	vault_free(r);
	remove_tree();
}

static void test_changes_persist_after_save(void)
{
	struct vault *v = make_vault(test_mnemonic), *r = NULL;
	uint8_t *k = sodium_malloc(32), *got = sodium_malloc(32);
	char err[256] = "", a[ADDRESS_TEXT_SIZE];
	struct vault_account acc;
	size_t at = 99;

	CHECK_INT(hex_decode_exact(k, 32, other_key, strlen(other_key)), CD_OK);
	CHECK_INT(vault_derive(v, 2, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_set_label(v, 1, "savings ✓", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_import_key(v, k, "cold", &at, err, sizeof(err)), CD_OK);
	CHECK_INT(at, 3);
	CHECK_INT(vault_derive(v, 1, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
	vault_free(v);

	CHECK_INT(vault_open(&r, path, err, sizeof(err)), CD_OK);
	if (!r)
		goto out;
	CHECK_INT(vault_account_count(r), 5);
	addr_text(r, 1, a);
	CHECK_STR(a, anvil_addr[1]);
	CHECK_INT(vault_account(r, 1, &acc), CD_OK);
	CHECK_STR(acc.label, "savings ✓");
	CHECK_INT(vault_account(r, 3, &acc), CD_OK);
	CHECK_INT(acc.kind, VAULT_IMPORTED);
	CHECK_INT(acc.index, 0);
	CHECK_STR(acc.label, "cold");
	addr_text(r, 3, a);
	CHECK_STR(a, other_addr);
	CHECK_INT(vault_account(r, 4, &acc), CD_OK);
	CHECK_INT(acc.kind, VAULT_HD);
	CHECK_INT(acc.index, 3);
	addr_text(r, 4, a);
	CHECK_STR(a, anvil_addr[3]);
	CHECK_INT(vault_find(r, &acc.address, &at), CD_OK);
	CHECK_INT(at, 4);
	CHECK_INT(vault_unlock(r, "pw", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_private_key(r, 3, got, err, sizeof(err)), CD_OK);
	CHECK(memcmp(got, k, 32) == 0);
out:
	sodium_free(k);
	sodium_free(got);
	vault_free(r);
	remove_tree();
}

static void test_lock_drops_unsaved_changes(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char err[256] = "";
	struct vault_account acc;

	CHECK_INT(vault_derive(v, 2, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_set_label(v, 0, "main", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_account_count(v), 3);
	vault_lock(v);
	CHECK_INT(vault_account_count(v), 1);
	CHECK_INT(vault_account(v, 0, &acc), CD_OK);
	CHECK_STR(acc.label, "");
	CHECK_INT(vault_unlock(v, "pw", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_account_count(v), 1);
	vault_free(v);
	remove_tree();
}

static void test_import_rejects_bad_and_duplicate_keys(void)
{
	struct vault *v = make_vault(test_mnemonic);
	uint8_t *k = sodium_malloc(32);
	char err[256] = "";
	size_t at = 99;

	memset(k, 0, 32);
	CHECK_INT(vault_import_key(v, k, NULL, NULL, err, sizeof(err)), CD_EINVAL);
	memset(k, 0xff, 32); /* above the curve order */
	CHECK_INT(vault_import_key(v, k, NULL, NULL, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(hex_decode_exact(k, 32, anvil_key0, strlen(anvil_key0)), CD_OK);
	CHECK_INT(vault_import_key(v, k, NULL, &at, err, sizeof(err)), CD_EEXIST);
	CHECK_INT(at, 0);
	CHECK_INT(hex_decode_exact(k, 32, other_key, strlen(other_key)), CD_OK);
	CHECK_INT(vault_import_key(v, k, "bad\x1b[31m", NULL, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(vault_account_count(v), 1);
	CHECK_INT(vault_import_key(v, k, NULL, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_import_key(v, k, NULL, &at, err, sizeof(err)), CD_EEXIST);
	CHECK_INT(at, 1);
	CHECK_INT(vault_account_count(v), 2);
	sodium_free(k);
	vault_free(v);
	remove_tree();
}

static void test_labels_are_bounded_clean_text(void)
{
	static const char *bad[] = {"tab\there", "nl\n", "esc\x1b", "\xff\xfe", "del\x7f",
		"12345678901234567890123456789012345678901234567890123456789012345"};
	struct vault *v = make_vault(test_mnemonic);
	char err[256] = "";
	struct vault_account acc;

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(vault_set_label(v, 0, bad[i], err, sizeof(err)) == CD_EINVAL,
			"accepted label %zu", i);
	CHECK_INT(vault_set_label(v, 0,
		"1234567890123456789012345678901234567890123456789012345678901234", err, sizeof(err)),
		CD_OK);
	CHECK_INT(vault_set_label(v, 0, "", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_set_label(v, 0, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_set_label(v, 1, "x", err, sizeof(err)), CD_ENOTFOUND);
	CHECK_INT(vault_account(v, 0, &acc), CD_OK);
	CHECK_STR(acc.label, "");
	vault_free(v);
	remove_tree();
}

static void test_file_and_directory_modes(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char d[160];
	struct stat st;

	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	snprintf(d, sizeof(d), "%s/chaindeck", dir);
	CHECK_INT(stat(d, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(vault_save(v, NULL, 0), CD_OK);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	vault_free(v);
	remove_tree();
}

/* Touches a file beside the vault with an mtime `age` seconds ago. */
static void plant(const char *name, long age)
{
	char p[256];
	struct timespec ts[2];
	int fd;

	snprintf(p, sizeof(p), "%s/chaindeck/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= age;
	ts[1] = ts[0];
	CHECK(utimensat(AT_FDCWD, p, ts, 0) == 0);
}

static bool present(const char *name)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/chaindeck/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void test_a_killed_saves_temporary_is_removed_by_the_next_save(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char err[256] = "";

	/* What a kill -9 mid-save leaves: old ones go, a fresh one (another save running now) stays. */
	plant("vault.tmp-AbC123", 3600);
	plant("vault.tmp-XyZ789", 0);
	plant("notes.tmp-AbC123", 3600);
	CHECK_INT(vault_set_label(v, 0, "after", err, sizeof(err)), CD_OK);
	CHECK_MSG(vault_save(v, err, sizeof(err)) == CD_OK, "save: %s", err);
	CHECK(!present("vault.tmp-AbC123"));
	CHECK(present("vault.tmp-XyZ789"));
	CHECK(present("notes.tmp-AbC123")); /* not ours */
	vault_free(v);
	remove_tree();
}

static void test_no_temporary_file_is_left(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char d[160];
	DIR *dp;
	struct dirent *e;
	int files = 0;

	for (int i = 0; i < 3; i++)
		CHECK_INT(vault_save(v, NULL, 0), CD_OK);
	snprintf(d, sizeof(d), "%s/chaindeck", dir);
	dp = opendir(d);
	CHECK(dp != NULL);
	while (dp && (e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		files++;
		CHECK_STR(e->d_name, "vault");
	}
	if (dp)
		closedir(dp);
	CHECK_INT(files, 1);
	vault_free(v);
	remove_tree();
}

static void test_create_never_replaces_a_vault(void)
{
	struct vault *v = make_vault(test_mnemonic), *w = NULL;
	char err[256] = "";
	uint8_t *before, *after;
	size_t n1, n2;

	before = file_bytes(&n1);
	CHECK_INT(vault_create(&w, path, "other", test_mnemonic, NULL, &fast, err, sizeof(err)),
		CD_EEXIST);
	CHECK(w == NULL);
	after = file_bytes(&n2);
	CHECK(n1 == n2 && memcmp(before, after, n1) == 0);
	free(before);
	free(after);
	vault_free(v);
	remove_tree();
}

static void test_create_rejects_a_bad_mnemonic_and_writes_nothing(void)
{
	struct vault *v = NULL;
	char err[256] = "";
	struct stat st;

	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", "test test test test test test test test test test test test",
		NULL, &fast, err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "test") == NULL); /* the message never quotes words */
	CHECK_INT(vault_create(&v, path, "pw", "one two", NULL, &fast, err, sizeof(err)), CD_EINVAL);
	CHECK(v == NULL);
	CHECK(stat(path, &st) != 0);
	remove_tree();
}

static void test_open_missing_is_enoent(void)
{
	struct vault *v = NULL;
	char err[256] = "";

	fresh_path();
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_ENOTFOUND);
	CHECK(v == NULL);
	CHECK(strstr(err, path) != NULL);
	remove_tree();
}

static void test_every_truncation_is_a_format_error(void)
{
	struct vault *v = make_vault(test_mnemonic);
	uint8_t *b, *extra;
	size_t n;
	int bad = 0;

	CHECK_INT(vault_set_label(v, 0, "label", NULL, 0), CD_OK);
	CHECK_INT(vault_save(v, NULL, 0), CD_OK);
	vault_free(v);
	b = file_bytes(&n);
	for (size_t len = 0; len < n; len++) {
		write_bytes(b, len);
		if (open_status() != VAULT_EFORMAT)
			bad++;
	}
	CHECK_INT(bad, 0);
	extra = malloc(n + 1);
	memcpy(extra, b, n);
	extra[n] = 0;
	write_bytes(extra, n + 1);
	CHECK_INT(open_status(), VAULT_EFORMAT);
	write_bytes(b, n);
	CHECK_INT(open_unlock_status("pw"), CD_OK);
	free(extra);
	free(b);
	remove_tree();
}

/* Flips one bit at off and reports open+unlock's status. */
static int status_with_bit_flipped(const uint8_t *b, size_t n, size_t off, uint8_t mask)
{
	uint8_t *c = malloc(n);
	int rc;

	memcpy(c, b, n);
	c[off] ^= mask;
	write_bytes(c, n);
	rc = open_unlock_status("pw");
	free(c);
	return rc;
}

static void test_tampering_is_detected(void)
{
	struct vault *v = make_vault(test_mnemonic);
	uint8_t *b;
	size_t n;

	CHECK_INT(vault_set_label(v, 0, "label", NULL, 0), CD_OK);
	CHECK_INT(vault_save(v, NULL, 0), CD_OK);
	vault_free(v);
	b = file_bytes(&n);
	/* public part: label text (still clean text), address, kind/index, nonce */
	CHECK_INT(status_with_bit_flipped(b, n, LABEL0_OFF, 0x01), VAULT_ETAMPERED);
	CHECK_INT(status_with_bit_flipped(b, n, ADDR0_OFF + 7, 0x10), VAULT_ETAMPERED);
	CHECK_INT(status_with_bit_flipped(b, n, 80 + 4, 0x01), VAULT_ETAMPERED);
	CHECK_INT(status_with_bit_flipped(b, n, LABEL0_OFF + 5 + 3, 0x01), VAULT_ETAMPERED);
	/* secret part: first, middle and last (tag) bytes of the ciphertext */
	CHECK_INT(status_with_bit_flipped(b, n, n - 60, 0x80), VAULT_ETAMPERED);
	CHECK_INT(status_with_bit_flipped(b, n, n - 30, 0x01), VAULT_ETAMPERED);
	CHECK_INT(status_with_bit_flipped(b, n, n - 1, 0x01), VAULT_ETAMPERED);
	/* the password check itself, the salt and the KDF parameters read as a wrong password */
	CHECK_INT(status_with_bit_flipped(b, n, 44, 0x01), CD_EPASSWORD);
	CHECK_INT(status_with_bit_flipped(b, n, 30, 0x01), CD_EPASSWORD);
	CHECK_INT(status_with_bit_flipped(b, n, 19, 0x02), CD_EPASSWORD);
	/* header fields that make it not a readable vault */
	CHECK_INT(status_with_bit_flipped(b, n, 0, 0x01), VAULT_EFORMAT);
	CHECK_INT(status_with_bit_flipped(b, n, 9, 0x02), VAULT_EFORMAT);
	CHECK_INT(status_with_bit_flipped(b, n, 10, 0x02), VAULT_EFORMAT);
	CHECK_INT(status_with_bit_flipped(b, n, 11, 0x02), VAULT_EFORMAT);
	CHECK_INT(status_with_bit_flipped(b, n, 79, 0x01), VAULT_EFORMAT);  /* account count */
	CHECK_INT(status_with_bit_flipped(b, n, 80, 0x02), VAULT_EFORMAT);  /* account kind */
	CHECK_INT(status_with_bit_flipped(b, n, 81, 0x80), VAULT_EFORMAT);  /* hardened index */
	CHECK_INT(status_with_bit_flipped(b, n, LABEL0_OFF, 0x80), VAULT_EFORMAT); /* bad UTF-8 */
	CHECK_INT(status_with_bit_flipped(b, n, LABEL0_OFF, 0x60), VAULT_EFORMAT); /* control char */
	CHECK_INT(status_with_bit_flipped(b, n, 20, 0x40), VAULT_EFORMAT);  /* 4 PiB of memory */
	/* the original still unlocks */
	write_bytes(b, n);
	CHECK_INT(open_unlock_status("pw"), CD_OK);
	free(b);
	remove_tree();
}

static void test_every_single_bit_flip_fails_cleanly(void)
{
	struct vault *v = make_vault(test_mnemonic);
	uint8_t *b;
	size_t n;
	int accepted = 0;

	vault_free(v);
	b = file_bytes(&n);
	for (size_t off = 0; off < n; off++) {
		int rc = status_with_bit_flipped(b, n, off, (uint8_t)(1u << (off % 8)));

		if (rc == CD_OK)
			accepted++;
	}
	CHECK_INT(accepted, 0);
	free(b);
	remove_tree();
}

static void test_garbage_files_are_format_errors(void)
{
	uint8_t junk[600];
	int bad = 0;

	fresh_path();
	snprintf(path, sizeof(path), "%s/vault", dir);
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)randombytes_uniform(sizeof(junk));

		randombytes_buf(junk, len);
		if (round % 2 == 0 && len >= 8)
			memcpy(junk, "CDVAULT\n\0\x01\x01\x01", len >= 12 ? 12 : 8);
		write_bytes(junk, len);
		if (open_status() != VAULT_EFORMAT)
			bad++;
	}
	CHECK_INT(bad, 0);
	remove_tree();
}

static void test_a_directory_is_not_a_vault(void)
{
	struct vault *v = NULL;
	char err[256];

	fresh_path();
	CHECK_INT(vault_open(&v, dir, err, sizeof(err)), VAULT_EFORMAT);
	remove_tree();
}

static void test_new_password_replaces_the_old_one(void)
{
	struct vault *v = make_vault(test_mnemonic);
	char err[256] = "";

	CHECK_INT(vault_set_password(v, "new pw", err, sizeof(err)), CD_OK);
	/* not saved yet: the file still has the old password */
	CHECK_INT(open_unlock_status("pw"), CD_OK);
	CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
	CHECK_INT(open_unlock_status("pw"), CD_EPASSWORD);
	CHECK_INT(open_unlock_status("new pw"), CD_OK);
	vault_free(v);
	remove_tree();
}

static void test_vault_of_imported_keys_only(void)
{
	struct vault *v = make_vault(NULL), *r = NULL;
	uint8_t *k = sodium_malloc(32), *got = sodium_malloc(32);
	char *m = sodium_malloc(VAULT_MNEMONIC_MAX + 1);
	char err[256] = "", a[ADDRESS_TEXT_SIZE];

	CHECK_INT(vault_account_count(v), 0);
	CHECK(!vault_has_mnemonic(v));
	CHECK_INT(vault_derive(v, 1, err, sizeof(err)), CD_ENOTFOUND);
	CHECK_INT(vault_mnemonic(v, m, VAULT_MNEMONIC_MAX + 1, err, sizeof(err)), CD_ENOTFOUND);
	CHECK_INT(hex_decode_exact(k, 32, other_key, strlen(other_key)), CD_OK);
	CHECK_INT(vault_import_key(v, k, NULL, NULL, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
	vault_free(v);
	CHECK_INT(vault_open(&r, path, err, sizeof(err)), CD_OK);
	if (r) {
		addr_text(r, 0, a);
		CHECK_STR(a, other_addr);
		CHECK_INT(vault_unlock(r, "pw", err, sizeof(err)), CD_OK);
		CHECK_INT(vault_private_key(r, 0, got, err, sizeof(err)), CD_OK);
		CHECK(memcmp(got, k, 32) == 0);
	}
	sodium_free(k);
	sodium_free(got);
	sodium_free(m);
	vault_free(r);
	remove_tree();
}

static void test_default_path_follows_xdg(void)
{
	char p[256];
	char *old_xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;

	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("HOME", "/home/u", 1);
	CHECK_INT(vault_default_path(p, sizeof(p)), CD_OK);
	CHECK_STR(p, "/data/chaindeck/vault");
	setenv("XDG_DATA_HOME", "relative", 1);
	CHECK_INT(vault_default_path(p, sizeof(p)), CD_OK);
	CHECK_STR(p, "/home/u/.local/share/chaindeck/vault");
	unsetenv("XDG_DATA_HOME");
	CHECK_INT(vault_default_path(p, sizeof(p)), CD_OK);
	CHECK_STR(p, "/home/u/.local/share/chaindeck/vault");
	CHECK_INT(vault_default_path(p, 10), CD_EINVAL);
	/* no $HOME: the password database's home, as everywhere else in chaindeck (fsutil_home) */
	unsetenv("HOME");
	{
		struct passwd *pw = getpwuid(getuid());
		char want[256];

		if (pw && pw->pw_dir && pw->pw_dir[0] == '/') {
			snprintf(want, sizeof(want), "%s/.local/share/chaindeck/vault", pw->pw_dir);
			CHECK_INT(vault_default_path(p, sizeof(p)), CD_OK);
			CHECK_STR(p, want);
		} else {
			CHECK_INT(vault_default_path(p, sizeof(p)), CD_EINVAL);
		}
	}
	if (old_xdg)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	free(old_xdg);
	free(old_home);
}

static void test_default_kdf_parameters_are_stored(void)
{
	struct vault *v = NULL;
	char err[256] = "";
	uint8_t *b;
	size_t n;

	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, NULL, NULL, err, sizeof(err)), CD_OK);
	vault_free(v);
	b = file_bytes(&n);
	CHECK(n > 28);
	CHECK_INT(b[19], 3);                 /* opslimit 3 */
	CHECK_INT(b[20 + 4], 0x10);          /* memlimit 0x10000000 = 256 MiB */
	free(b);
	remove_tree();
}

/*
 * The passphrase survives unlock, change and save: parse_plaintext once
 * copied it onto itself (snprintf with its own buffer as source), which left
 * it empty, so the next save wrote a vault whose accounts no longer match its
 * secret part and the vault never unlocked again.
 */
static void test_passphrase_survives_unlock_and_save(void)
{
	struct vault *v = NULL;
	char err[256] = "", a[ADDRESS_TEXT_SIZE], b[ADDRESS_TEXT_SIZE];

	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, "caf\xc3\xa9 extra words", &fast, err,
		sizeof(err)), CD_OK);
	vault_free(v);
	for (int round = 0; round < 2; round++) {
		v = NULL;
		CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
		CHECK_MSG(vault_unlock(v, "pw", err, sizeof(err)) == CD_OK, "round %d: %s", round, err);
		CHECK_INT(vault_derive(v, 1, err, sizeof(err)), CD_OK);
		CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
		addr_text(v, 0, a);
		vault_free(v);
	}
	v = NULL;
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK_MSG(vault_unlock(v, "pw", err, sizeof(err)) == CD_OK, "%s", err);
	CHECK_INT(vault_account_count(v), 3);
	addr_text(v, 0, b);
	CHECK_STR(b, a);
	vault_free(v);
	remove_tree();
}

/*
 * The backup flag is in the public part: known while locked, persisted,
 * authenticated; a vault without it stays version 1 byte for byte.
 */
static void test_backup_pending_flag_persists_and_clears(void)
{
	struct vault_opts o = fast;
	struct vault *v = NULL;
	char err[256] = "";
	size_t len = 0;
	uint8_t *b;

	o.backup_pending = true;
	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, NULL, &o, err, sizeof(err)), CD_OK);
	CHECK(vault_backup_pending(v));
	vault_free(v);
	b = file_bytes(&len);
	CHECK_INT(b[8] << 8 | b[9], 2);
	free(b);
	v = NULL;
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK(vault_backup_pending(v));
	CHECK_INT(vault_set_backup_checked(v, err, sizeof(err)), VAULT_ELOCKED);
	CHECK_INT(vault_unlock(v, "pw", err, sizeof(err)), CD_OK);
	CHECK_INT(vault_set_backup_checked(v, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
	vault_free(v);
	b = file_bytes(&len);
	CHECK_INT(b[8] << 8 | b[9], 1);
	free(b);
	v = NULL;
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK(!vault_backup_pending(v));
	CHECK_INT(vault_unlock(v, "pw", err, sizeof(err)), CD_OK);
	vault_free(v);
	remove_tree();
}

/* Clearing the flag in the file without the password is detected at unlock. */
static void test_backup_flag_is_authenticated(void)
{
	struct vault_opts o = fast;
	struct vault *v = NULL;
	char err[256] = "";
	size_t len = 0;
	uint8_t *b;

	o.backup_pending = true;
	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, NULL, &o, err, sizeof(err)), CD_OK);
	vault_free(v);
	b = file_bytes(&len);
	/* one account, no label: flags right after it */
	CHECK_INT(b[80 + 26 + 3], 1);
	b[80 + 26 + 3] = 0;
	write_bytes(b, len);
	free(b);
	CHECK_INT(open_status(), CD_OK);
	CHECK_INT(open_unlock_status("pw"), VAULT_ETAMPERED);
	remove_tree();
}

/* ---- committed vault files (tests/vectors/vault) ---- */

#define FIXTURE_ANVIL "tests/vectors/vault/v1-anvil.vault"
#define FIXTURE_NFC "tests/vectors/vault/v1-nfc-passphrase.vault"
#define FIXTURE_PASSWORD "fixture-password-1"

/* Copies a committed vault file to the test's path (the vault writes beside it). */
static void use_fixture(const char *file)
{
	size_t len = 0;
	char *b = test_read_file(file, &len);
	char sub[96];

	fresh_path();
	snprintf(sub, sizeof(sub), "%s/chaindeck", dir);
	if (mkdir(sub, 0700) != 0)
		abort();
	write_bytes((const uint8_t *)b, len);
	chmod(path, 0600);
	free(b);
}

/*
 * Version 1 as chaindeck wrote it at 9b11fb0: restored from anvil's test
 * mnemonic, accounts 1 and 2 derived, account 1 labelled "savings", anvil's
 * key 5 imported as "imported #5". Addresses are anvil's published accounts.
 */
static void test_v1_fixture_reads_and_unlocks(void)
{
	static const char *const want[] = {
		"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
		"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
	};
	static const char key5[] = "8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
	struct vault *v = NULL;
	struct vault_account a;
	char err[256] = "", t[ADDRESS_TEXT_SIZE], hex[65];
	uint8_t *k = sodium_malloc(32);

	use_fixture(FIXTURE_ANVIL);
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_account_count(v), 4);
	CHECK_INT(vault_unlock(v, "wrong", err, sizeof(err)), CD_EPASSWORD);
	CHECK_INT(vault_unlock(v, FIXTURE_PASSWORD, err, sizeof(err)), CD_OK);
	CHECK(!vault_legacy_passphrase(v));
	for (size_t i = 0; i < 4; i++) {
		addr_text(v, i, t);
		CHECK_STR(t, want[i]);
	}
	CHECK_INT(vault_account(v, 1, &a), CD_OK);
	CHECK_STR(a.label, "savings");
	CHECK_INT(vault_account(v, 3, &a), CD_OK);
	CHECK_STR(a.label, "imported #5");
	CHECK(a.kind == VAULT_IMPORTED);
	CHECK_INT(vault_private_key(v, 3, k, err, sizeof(err)), CD_OK);
	hex_encode(hex, sizeof(hex), k, 32, 0);
	CHECK_STR(hex, key5);
	sodium_free(k);
	vault_free(v);
	remove_tree();
}

/*
 * A hardware account (a Ledger's address and path) added to the version 1
 * fixture: the file becomes version 3, keeps the other accounts, reads back
 * locked with its path and note, has no key here, and is authenticated like
 * every account: a changed path is caught at unlock.
 */
static void test_hardware_account_persists_and_is_authenticated(void)
{
	struct vault *v = NULL;
	struct vault_account a;
	struct address addr;
	char err[256] = "", t[ADDRESS_TEXT_SIZE];
	uint8_t *k = sodium_malloc(32), *b;
	size_t len = 0, i = 99, at;

	use_fixture(FIXTURE_ANVIL);
	/* the address a recorded Ledger answered for m/44'/60'/0'/0'/0 (tests/vectors/ledger) */
	CHECK_INT(address_parse(&addr, "0xCbA98362e199c41E1864D0923AF9646d3A648451", 42), CD_OK);
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_add_hardware(v, &addr, "m/44'/60'/0'/0'/0", "Nano X", "cold", &i, err, sizeof(err)),
		VAULT_ELOCKED);
	CHECK_INT(vault_unlock(v, FIXTURE_PASSWORD, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_add_hardware(v, &addr, "m/44'/60'/x", "Nano X", "cold", &i, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(vault_add_hardware(v, &addr, "m/44'/60'/0'/0'/0", "Nano\nX", "cold", &i, err, sizeof(err)),
		CD_EINVAL);
	CHECK_INT(vault_add_hardware(v, &addr, "m/44'/60'/0'/0'/0", "Nano X", "cold", &i, err, sizeof(err)), CD_OK);
	CHECK_INT(i, 4);
	CHECK_INT(vault_add_hardware(v, &addr, "m/44'/60'/0'/0'/0", "Nano X", "cold", &at, err, sizeof(err)),
		CD_EEXIST);
	CHECK_INT(vault_save(v, err, sizeof(err)), CD_OK);
	vault_free(v);
	v = NULL;

	b = file_bytes(&len);
	CHECK(b[8] == 0 && b[9] == 3);
	free(b);
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_account_count(v), 5);
	CHECK_INT(vault_account(v, 4, &a), CD_OK);
	CHECK(a.kind == VAULT_HARDWARE);
	CHECK_STR(a.hw_path, "m/44'/60'/0'/0'/0");
	CHECK_STR(a.hw_note, "Nano X");
	CHECK_STR(a.label, "cold");
	address_format(&a.address, t);
	CHECK_STR(t, "0xCbA98362e199c41E1864D0923AF9646d3A648451");
	CHECK_INT(vault_unlock(v, FIXTURE_PASSWORD, err, sizeof(err)), CD_OK);
	addr_text(v, 0, t);
	CHECK_STR(t, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
	CHECK_INT(vault_private_key(v, 4, k, err, sizeof(err)), CD_EUNSUPPORTED);
	CHECK(strstr(err, "hardware wallet") != NULL);
	CHECK_INT(vault_verified_address(v, 4, &addr, err, sizeof(err)), CD_OK);
	vault_free(v);

	/* the path's last digit changed on disk: the file no longer authenticates */
	b = file_bytes(&len);
	{
		static const char needle[] = "0'/0'/0\x06Nano X";
		uint8_t *hit = NULL;

		for (size_t o = 0; o + sizeof(needle) - 1 <= len && !hit; o++)
			if (memcmp(b + o, needle, sizeof(needle) - 1) == 0)
				hit = b + o;

		CHECK(hit != NULL);
		if (hit) {
			hit[6] = '1';
			write_bytes(b, len);
		}
	}
	free(b);
	CHECK_INT(open_status(), CD_OK);
	CHECK_INT(open_unlock_status(FIXTURE_PASSWORD), VAULT_ETAMPERED);
	sodium_free(k);
	remove_tree();
}

/*
 * NFKD (BIP-39): a passphrase typed as NFC gives the addresses of its NFKD
 * form, the ones MetaMask and Trezor restore. Oracle: cast wallet address
 * --mnemonic-passphrase with the passphrase in NFKD bytes ("cafe" + U+0301).
 */
static void test_nfc_passphrase_gives_the_nfkd_accounts(void)
{
	struct vault *v = NULL;
	char err[256] = "", t[ADDRESS_TEXT_SIZE];

	fresh_path();
	CHECK_INT(vault_create(&v, path, "pw", test_mnemonic, "caf\xc3\xa9", &fast, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_derive(v, 1, err, sizeof(err)), CD_OK);
	addr_text(v, 0, t);
	CHECK_STR(t, "0x58c961550A6716E5Fb412ad23b918745F55B5cE5");
	addr_text(v, 1, t);
	CHECK_STR(t, "0xDf1f64C16A55Be7c41a4e27fDE067307eD9d6593");
	CHECK(!vault_legacy_passphrase(v));
	vault_free(v);
	remove_tree();
}

/*
 * A vault made at 9b11fb0 (passphrases not normalised) by `wallet restore`
 * with the NFC passphrase "café": its accounts are those of the raw bytes (cast, which
 * does not normalise, gives them for the same bytes). It still unlocks, says
 * so (vault_legacy_passphrase), and derives further accounts the same way.
 */
static void test_pre_nfkd_vault_still_unlocks_with_its_accounts(void)
{
	struct vault *v = NULL;
	char err[256] = "", t[ADDRESS_TEXT_SIZE];

	use_fixture(FIXTURE_NFC);
	CHECK_INT(vault_open(&v, path, err, sizeof(err)), CD_OK);
	CHECK_INT(vault_unlock(v, FIXTURE_PASSWORD, err, sizeof(err)), CD_OK);
	CHECK(vault_legacy_passphrase(v));
	addr_text(v, 0, t);
	CHECK_STR(t, "0x048c59F718f95dC11722b246230a2fA29D817a17");
	CHECK_INT(vault_derive(v, 1, err, sizeof(err)), CD_OK);
	addr_text(v, 1, t);
	CHECK_STR(t, "0xdd9E09E74628dF7dE080A84Da61366b78f197E78");
	vault_free(v);
	remove_tree();
}

static const struct test_case cases[] = {
	{"mnemonic_gives_anvils_account_zero", test_mnemonic_gives_anvils_account_zero},
	{"round_trip_create_open_unlock", test_round_trip_create_open_unlock},
	{"mnemonic_is_normalised", test_mnemonic_is_normalised},
	{"private_keys_match_hd_derivation", test_private_keys_match_hd_derivation},
	{"passphrase_changes_the_accounts", test_passphrase_changes_the_accounts},
	{"wrong_password_changes_nothing", test_wrong_password_changes_nothing},
	{"locked_vault_is_read_only", test_locked_vault_is_read_only},
	{"changes_persist_after_save", test_changes_persist_after_save},
	{"lock_drops_unsaved_changes", test_lock_drops_unsaved_changes},
	{"import_rejects_bad_and_duplicate_keys", test_import_rejects_bad_and_duplicate_keys},
	{"labels_are_bounded_clean_text", test_labels_are_bounded_clean_text},
	{"file_and_directory_modes", test_file_and_directory_modes},
	{"no_temporary_file_is_left", test_no_temporary_file_is_left},
	{"a_killed_saves_temporary_is_removed_by_the_next_save", test_a_killed_saves_temporary_is_removed_by_the_next_save},
	{"create_never_replaces_a_vault", test_create_never_replaces_a_vault},
	{"create_rejects_a_bad_mnemonic_and_writes_nothing", test_create_rejects_a_bad_mnemonic_and_writes_nothing},
	{"open_missing_is_enoent", test_open_missing_is_enoent},
	{"every_truncation_is_a_format_error", test_every_truncation_is_a_format_error},
	{"tampering_is_detected", test_tampering_is_detected},
	{"every_single_bit_flip_fails_cleanly", test_every_single_bit_flip_fails_cleanly},
	{"garbage_files_are_format_errors", test_garbage_files_are_format_errors},
	{"a_directory_is_not_a_vault", test_a_directory_is_not_a_vault},
	{"new_password_replaces_the_old_one", test_new_password_replaces_the_old_one},
	{"vault_of_imported_keys_only", test_vault_of_imported_keys_only},
	{"default_path_follows_xdg", test_default_path_follows_xdg},
	{"default_kdf_parameters_are_stored", test_default_kdf_parameters_are_stored},
	{"the passphrase survives unlock and save", test_passphrase_survives_unlock_and_save},
	{"backup-pending flag persists, clears, and version 1 returns", test_backup_pending_flag_persists_and_clears},
	{"the backup flag is authenticated", test_backup_flag_is_authenticated},
	{"v1 fixture (chaindeck 9b11fb0) reads and unlocks", test_v1_fixture_reads_and_unlocks},
	{"a hardware account persists (version 3) and is authenticated", test_hardware_account_persists_and_is_authenticated},
	{"an NFC passphrase gives the NFKD accounts (cast)", test_nfc_passphrase_gives_the_nfkd_accounts},
	{"a pre-NFKD vault still unlocks with its accounts", test_pre_nfkd_vault_still_unlocks_with_its_accounts},
};

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
