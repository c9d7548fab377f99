/*
 * keystore_tool — drives wallet/keystore from the shell for the interop test
 * with Foundry cast (tests/integration/keystore.sh). Test-only: the product's
 * own commands never take a password on argv or print a private key.
 *
 *   keystore_tool decrypt FILE PASSWORDFILE [--print-key]
 *       prints the key's EIP-55 address (and then the key, 0x-hex, with --print-key)
 *   keystore_tool encrypt KEYHEX PASSWORDFILE OUT [--light] [--overwrite]
 *       writes OUT (geth's standard scrypt unless --light) and prints the address
 *   keystore_tool list DIR
 *       prints "name address path" per keystore found ("-" when the file has no address)
 *
 * The password is the whole of PASSWORDFILE minus one trailing newline.
 * Exit status: 0 ok, 3 wrong password, 1 any other error (message on stderr), 2 usage.
 */

/* Tools link only libchaindeck.a, not the models archive: take the module's source. */
#include "wallet/keystore.h"

#include "common/hex.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum { PASSWORD_FILE_MAX = 4096 };

static int usage(void)
{
	fprintf(stderr, "usage: keystore_tool decrypt FILE PASSWORDFILE [--print-key]\n"
			"       keystore_tool encrypt KEYHEX PASSWORDFILE OUT [--light] [--overwrite]\n"
			"       keystore_tool list DIR\n");
	return 2;
}

/* Reads the password into sodium memory; *len gets its length. NULL on error. */
static uint8_t *read_password(const char *path, size_t *len)
{
	uint8_t *pw = sodium_malloc(PASSWORD_FILE_MAX + 1);
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!pw || !f) {
		fprintf(stderr, "%s: cannot read the password file\n", path);
		if (f)
			fclose(f);
		if (pw)
			sodium_free(pw);
		return NULL;
	}
	n = fread(pw, 1, PASSWORD_FILE_MAX + 1, f);
	fclose(f);
	if (n > PASSWORD_FILE_MAX) {
		fprintf(stderr, "%s: password file too long\n", path);
		sodium_free(pw);
		return NULL;
	}
	if (n > 0 && pw[n - 1] == '\n')
		n--;
	if (n > 0 && pw[n - 1] == '\r')
		n--;
	*len = n;
	return pw;
}

static int exit_code(int rc)
{
	if (rc == CD_OK)
		return 0;
	return rc == CD_EPASSWORD ? 3 : 1;
}

static int cmd_decrypt(int argc, char **argv)
{
	uint8_t *pw, *key;
	size_t pwlen = 0;
	char err[512], text[ADDRESS_TEXT_SIZE], hex[2 * KEYSTORE_KEY_SIZE + 3];
	struct address a;
	bool print_key = argc == 5 && strcmp(argv[4], "--print-key") == 0;
	int rc;

	if (argc != 4 && !print_key)
		return usage();
	pw = read_password(argv[3], &pwlen);
	if (!pw)
		return 1;
	key = sodium_malloc(KEYSTORE_KEY_SIZE);
	if (!key)
		abort();
	rc = keystore_decrypt_file(argv[2], pw, pwlen, key, &a, err, sizeof(err));
	if (rc == CD_OK) {
		address_format(&a, text);
		printf("%s\n", text);
		if (print_key) {
			hex_encode(hex, sizeof(hex), key, KEYSTORE_KEY_SIZE, 1);
			printf("%s\n", hex);
			sodium_memzero(hex, sizeof(hex));
		}
	} else {
		fprintf(stderr, "keystore_tool: %s\n", err);
	}
	sodium_free(key);
	sodium_free(pw);
	return exit_code(rc);
}

static int cmd_encrypt(int argc, char **argv)
{
	uint8_t *pw, *key;
	size_t pwlen = 0;
	char err[512], text[ADDRESS_TEXT_SIZE];
	struct address a;
	unsigned flags = 0;
	int rc, i;

	if (argc < 5)
		return usage();
	for (i = 5; i < argc; i++) {
		if (strcmp(argv[i], "--light") == 0)
			flags |= KEYSTORE_LIGHT;
		else if (strcmp(argv[i], "--overwrite") == 0)
			flags |= KEYSTORE_OVERWRITE;
		else
			return usage();
	}
	key = sodium_malloc(KEYSTORE_KEY_SIZE);
	if (!key)
		abort();
	if (hex_decode_exact(key, KEYSTORE_KEY_SIZE, argv[2], strlen(argv[2])) != CD_OK) {
		fprintf(stderr, "keystore_tool: KEYHEX is not 32 bytes of hex\n");
		sodium_free(key);
		return 2;
	}
	pw = read_password(argv[3], &pwlen);
	if (!pw) {
		sodium_free(key);
		return 1;
	}
	rc = keystore_export(argv[4], key, pw, pwlen, flags, &a, err, sizeof(err));
	if (rc == CD_OK) {
		address_format(&a, text);
		printf("%s\n", text);
	} else {
		fprintf(stderr, "keystore_tool: %s\n", err);
	}
	sodium_free(key);
	sodium_free(pw);
	return exit_code(rc);
}

static int cmd_list(int argc, char **argv)
{
	struct keystore_list list = {0};
	char err[512], text[ADDRESS_TEXT_SIZE];
	size_t i;
	int rc;

	if (argc != 3)
		return usage();
	rc = keystore_list_dir(&list, argv[2], err, sizeof(err));
	if (rc != CD_OK) {
		fprintf(stderr, "keystore_tool: %s\n", err);
		return 1;
	}
	for (i = 0; i < list.n; i++) {
		if (list.v[i].has_address)
			address_format(&list.v[i].address, text);
		else
			strcpy(text, "-");
		printf("%s %s %s\n", list.v[i].name, text, list.v[i].path);
	}
	keystore_list_free(&list);
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc >= 2 && strcmp(argv[1], "decrypt") == 0)
		return cmd_decrypt(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "encrypt") == 0)
		return cmd_encrypt(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cmd_list(argc, argv);
	return usage();
}
