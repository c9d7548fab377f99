/*
 * keystore — Web3 Secret Storage v3 files ("keystores"), the encrypted key
 * files that geth (keystore/), Foundry cast (~/.foundry/keystores), ethers and
 * MyCrypto read and write.
 *
 * A keystore holds one secp256k1 private key, encrypted with AES-128-CTR under
 * the first half of a key derived from the password (scrypt or PBKDF2-HMAC-
 * SHA256); mac = keccak256(derived[16..32] ++ ciphertext) proves the password
 * before anything is decrypted. "version" must be 3; "crypto" may be spelled
 * "Crypto" (old geth, ethers); hex may carry a 0x prefix; "address" (lowercase,
 * no 0x, in geth style) is optional and, when present, must be the key's.
 *
 * Hostile files: a file is at most KEYSTORE_FILE_MAX bytes, and KDF parameters
 * are bounded so that no file can make us allocate more than 1 GiB or compute
 * for more than a few seconds: scrypt n a power of two in 2..2^20, r*p <= 1024,
 * 128*n*r <= 1 GiB, n*r*p <= 2^24; PBKDF2 c in 1..10^7; dklen 32. Anything
 * beyond is KEYSTORE_ELIMIT with a message naming the parameter.
 *
 * Secrecy: private keys pass only through caller memory that the caller
 * allocated with sodium_malloc (32 bytes) and through this module's own
 * sodium_malloc'd buffers, which are wiped. Passwords are bytes (not strings:
 * any length, may be empty); they are never copied. No error message ever
 * contains key bytes, derived-key bytes or the password.
 *
 * Threads: every function is reentrant (no shared state); decryption and
 * encryption take about a second with geth's default scrypt parameters and
 * belong on a worker thread in the UI.
 *
 * Errors: functions return CD_OK or a negative KEYSTORE_E*, and write a
 * one-line English message into err[errlen] (always NUL-terminated when
 * errlen > 0; err may be NULL when errlen is 0).
 */
#ifndef CHAINDECK_KEYSTORE_H
#define CHAINDECK_KEYSTORE_H

#include "common/error.h"

#include "common/address.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	/* and the shared CD_EPASSWORD (MAC mismatch: wrong password, or an altered
	 * file), CD_EUNSUPPORTED (a version, kdf, prf or cipher other than v3's),
	 * CD_EKEY (not a valid secp256k1 private key), CD_EIO (a file operation
	 * failed; the message names the path and why), CD_EEXIST (the output file
	 * exists and overwriting was not asked for), CD_ENOMEM (the KDF could not
	 * get the memory the file's parameters ask for), CD_ECRYPTO */
	KEYSTORE_EFORMAT = -1201,  /* not a keystore: bad JSON, a field missing or malformed (named) */
	KEYSTORE_ELIMIT = -1202,   /* KDF parameters or file size beyond the bounds above */
	KEYSTORE_EADDRESS = -1203  /* the key decrypts but is not the file's "address" */
};

enum {
	KEYSTORE_KEY_SIZE = 32,
	KEYSTORE_FILE_MAX = 64 * 1024, /* larger files are refused unread */
	KEYSTORE_NAME_MAX = 128        /* keystore_filename output, NUL included */
};

/* Flags for keystore_encrypt and keystore_export. */
enum {
	/* scrypt n=4096 r=8 p=6 (geth's "light" parameters, for tests) instead of
	 * the default n=262144 r=8 p=1 (geth's standard, ~1 s and 256 MiB). */
	KEYSTORE_LIGHT = 1u << 0,
	/* keystore_export: replace an existing file at the path. */
	KEYSTORE_OVERWRITE = 1u << 1
};

/*
 * Decrypts the keystore json[0..len) (need not be NUL-terminated) with the
 * password pw[0..pwlen). On success writes the private key into key[32]
 * (caller's sodium_malloc'd memory; a 30- or 31-byte key written by old geth
 * versions is left-padded with zeros) and, when addr is not NULL, its address
 * into *addr. The MAC is checked in constant time before decryption: a wrong
 * password is CD_EPASSWORD. On any failure key is zeroed and *addr is
 * left alone.
 */
int keystore_decrypt(const char *json, size_t len, const uint8_t *pw, size_t pwlen,
		     uint8_t key[KEYSTORE_KEY_SIZE], struct address *addr, char *err, size_t errlen);

/* keystore_decrypt on the contents of the file at path (at most KEYSTORE_FILE_MAX bytes);
 * CD_ENOTFOUND when there is no such file. */
int keystore_decrypt_file(const char *path, const uint8_t *pw, size_t pwlen,
			  uint8_t key[KEYSTORE_KEY_SIZE], struct address *addr, char *err, size_t errlen);

/*
 * Encrypts key[32] under pw[0..pwlen) into v3 JSON: scrypt (see KEYSTORE_LIGHT),
 * a random 32-byte salt and 16-byte iv, a random UUID v4 "id", and "address"
 * in geth style. On success *json_out is a malloc'd NUL-terminated string (no
 * secret in it) that the caller frees with free(); on failure it is NULL.
 * CD_EKEY if key is not a valid private key.
 */
int keystore_encrypt(const uint8_t key[KEYSTORE_KEY_SIZE], const uint8_t *pw, size_t pwlen,
		     unsigned flags, char **json_out, char *err, size_t errlen);

/*
 * keystore_encrypt, then writes the JSON to path atomically and durably, mode
 * 0600, with fsutil_write (common/fsutil.h): an exclusive create, so that an
 * existing path (a symbolic link too) is CD_EEXIST, unless flags has
 * KEYSTORE_OVERWRITE. The directory must exist. When addr is not NULL it gets
 * the key's address. No temporary file is left behind, whatever the outcome;
 * CD_EIO after the file went into place means its directory could not
 * be synced (fsutil.h: not known to survive a crash).
 */
int keystore_export(const char *path, const uint8_t key[KEYSTORE_KEY_SIZE], const uint8_t *pw,
		    size_t pwlen, unsigned flags, struct address *addr, char *err, size_t errlen);

/*
 * geth's file name for a key created at unix time t:
 * "UTC--2016-03-22T12-57-55.000000000Z--7ef5a6135f1fd6a02593eedc869c6d41d934aef8".
 */
void keystore_filename(char out[KEYSTORE_NAME_MAX], const struct address *a, int64_t t);

/* One keystore found on disk, read without decrypting. */
struct keystore_entry {
	char *name;             /* file name, malloc'd */
	char *path;             /* directory + "/" + name, malloc'd */
	bool has_address;       /* Foundry's files carry no "address" */
	struct address address; /* the file's "address" (valid when has_address) */
};

/* A growing list of entries; zero-initialise it, free it with keystore_list_free. */
struct keystore_list {
	struct keystore_entry *v;
	size_t n, cap;
};

/*
 * Appends the keystores in directory dir, sorted by name: regular files of at
 * most KEYSTORE_FILE_MAX bytes that parse as v3 keystores (kdf parameters
 * within bounds). Hidden files, names ending in '~', subdirectories and
 * anything that is not a keystore are skipped, as geth does. A directory that
 * does not exist adds nothing and is not an error; one that cannot be read is
 * CD_EIO. Out of memory aborts.
 */
int keystore_list_dir(struct keystore_list *list, const char *dir, char *err, size_t errlen);

/*
 * keystore_list_dir on home/.foundry/keystores, then home/.ethereum/keystore,
 * then extra_dir when not NULL. home NULL means fsutil_home() (nothing is
 * listed from the two default places when there is none). Stops at the first
 * error.
 */
int keystore_list_default(struct keystore_list *list, const char *home, const char *extra_dir,
			  char *err, size_t errlen);

/* Frees every entry and the array; the list is empty (and reusable) afterwards. */
void keystore_list_free(struct keystore_list *list);

#endif
