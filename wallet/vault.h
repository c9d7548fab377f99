/*
 * vault — the wallet's keys, encrypted at rest in one file.
 *
 * What it holds: an optional BIP39 mnemonic (+ optional passphrase) whose
 * accounts are m/44'/60'/0'/0/i, imported private keys, and for every account
 * its address and a label.
 *
 * File (versions 1, 2 and 3; every integer big-endian; nothing may follow the
 * last byte). Version 2 is version 1 plus a flags field; version 3 is version 2
 * whose accounts may also be hardware accounts. A vault is written in the
 * oldest version that holds it: no hardware account and no flag set is
 * version 1, byte for byte what earlier releases wrote; no hardware account
 * is version 2:
 *
 *   offset  size  field
 *        0     8  magic "CDVAULT\n"
 *        8     2  format version = 1
 *       10     1  KDF = 1 (Argon2id v1.3, libsodium crypto_pwhash ALG_ARGON2ID13)
 *       11     1  AEAD = 1 (XChaCha20-Poly1305-IETF)
 *       12     8  Argon2 opslimit
 *       20     8  Argon2 memlimit (bytes)
 *       28    16  salt
 *       44    32  password check: BLAKE2b-256 of the second half of the 64-byte Argon2id output
 *       76     4  account count N (at most VAULT_MAX_ACCOUNTS)
 *       80     -  N accounts: kind (1: 0 = HD, 1 = imported, 2 = hardware: version 3
 *                 only), index (4: HD index i, the imported key's slot, 0 for
 *                 hardware), address (20), label length (1, at most VAULT_LABEL_MAX),
 *                 label (UTF-8, no control characters); a hardware account then has its
 *                 derivation path on the device (1: length, then the text
 *                 "m/44'/60'/0'/0/0", at most VAULT_HW_PATH_MAX bytes, hd_path_parse's
 *                 syntax) and a note of the device (1: length, then text like a label)
 *        -     4  versions 2 and 3: flags; bit 0 = the mnemonic's backup was never
 *                 checked (VAULT_FLAG_BACKUP_PENDING); other bits must be 0
 *        -    24  nonce (fresh random on every save)
 *        -     4  ciphertext length C (tag included)
 *        -     C  ciphertext = XChaCha20-Poly1305(key = first half of the Argon2id output,
 *                 associated data = every byte of the file before the ciphertext)
 *
 *   plaintext:  mnemonic length (2) + mnemonic, passphrase length (2) + passphrase,
 *               imported key count K (4) + K * 32-byte private keys (slot order)
 *
 * The public part (everything before the ciphertext) can be read without the
 * password, so a locked wallet lists its addresses and labels; it is
 * authenticated as associated data, so a modified address, label, parameter or
 * nonce is detected at unlock (VAULT_ETAMPERED). Until then the public part is
 * UNVERIFIED: anyone who can write the file can change an address, and no
 * check without the password can tell (any value the file could carry to
 * prove itself, whoever writes the file can recompute). Callers show it as
 * unverified while locked and take an address to receive on only from
 * vault_verified_address. It is parsed strictly (lengths, bounds, valid UTF-8
 * labels), never trusted for memory sizes beyond those bounds.
 * The password check lets a wrong password be told apart from a modified file:
 * a wrong password (or a modified salt/KDF parameter, which looks the same)
 * gives CD_EPASSWORD, a right password with a bad tag gives VAULT_ETAMPERED.
 * After decryption every account's address is re-derived from its key and
 * compared with the public list. A hardware account has no key here (it never
 * leaves the device): its address, path and note are authenticated with the
 * rest of the public part, and the device itself is the check of the address
 * (show it there: wallet/ledger.h).
 *
 * Writes are atomic and durable: a temporary file in the same directory
 * (mode 0600), write, fsync, rename over the vault, fsync of the directory.
 * The previous file stays intact until the rename; a failed write removes its
 * temporary file. Missing directories are created 0700; an existing directory
 * keeps its mode.
 *
 * Secrets (the AEAD key, mnemonic, passphrase, seed, imported keys and every
 * plaintext buffer) live only in sodium_malloc memory and are wiped and freed
 * on vault_lock / vault_free. Core dumps and ptrace are the program's to turn
 * off, at startup, before any password is read (chaindeck's main does:
 * RLIMIT_CORE 0 and PR_SET_DUMPABLE 0, for the rest of the process).
 *
 * Threads: a vault handle is not thread-safe and holds no lock. One thread at
 * a time may use a handle. vault_unlock, vault_create and vault_set_password
 * run Argon2id (about a second): a UI hands the handle to a worker thread for
 * that call and does not touch it again until the worker reports back. The
 * read-only accessors (vault_account_count, vault_account, vault_find,
 * vault_is_unlocked) are cheap and may be called on the owning thread at any
 * time the handle is not with a worker. Different handles are independent.
 *
 * Errors: functions return CD_OK (0) or a negative VAULT_E* status and, when
 * err is not NULL, write a one-line English message into err[errlen]. A failed
 * call leaves the handle and the file as they were.
 */
#ifndef CHAINDECK_VAULT_H
#define CHAINDECK_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/address.h"

enum {
	/* and the shared CD_EIO (the file system failed; the message has the path
	 * and errno text), CD_ENOTFOUND (no vault at that path; no such account, or
	 * no mnemonic), CD_EPASSWORD, CD_EINVAL (bad argument: mnemonic, label,
	 * key, index, parameters), CD_EEXIST (vault_create over an existing file;
	 * importing a key already there), CD_ENOMEM (Argon2id or sodium_malloc's
	 * guarded memory could not be had) */
	VAULT_EFORMAT = -1501,   /* not a vault, truncated, damaged, or a newer format version */
	VAULT_ETAMPERED = -1502, /* right password but the file does not authenticate */
	VAULT_ELOCKED = -1503,   /* the call needs an unlocked vault */
	VAULT_EFULL = -1504      /* VAULT_MAX_ACCOUNTS reached */
};

enum {
	VAULT_FORMAT_VERSION = 1,
	VAULT_LABEL_MAX = 64,       /* bytes of UTF-8, without the NUL */
	VAULT_MAX_ACCOUNTS = 10000,
	VAULT_MNEMONIC_MAX = 512,   /* bytes, without the NUL */
	VAULT_PASSPHRASE_MAX = 1024, /* bytes, without the NUL */
	VAULT_HW_PATH_MAX = 128,    /* bytes of a hardware account's path text, without the NUL */
	VAULT_NOTE_MAX = 64         /* bytes of a hardware account's device note, without the NUL */
};

/*
 * Argon2id defaults: libsodium's MODERATE (3 passes over 256 MiB, about 0.7 s
 * here). Parameters read from a file must lie within libsodium's minimums and
 * VAULT_OPSLIMIT_MAX / VAULT_MEMLIMIT_MAX, so a damaged file can ask for
 * neither unbounded memory nor unbounded time.
 */
#define VAULT_OPSLIMIT_DEFAULT 3ULL
#define VAULT_OPSLIMIT_MAX 32ULL
#define VAULT_MEMLIMIT_DEFAULT (256ULL * 1024 * 1024)
#define VAULT_MEMLIMIT_MAX (1024ULL * 1024 * 1024)

struct vault;

/* Creation options; a zero field means the default. */
struct vault_opts {
	unsigned long long opslimit;
	size_t memlimit;
	bool backup_pending;   /* mark the mnemonic's backup as not checked yet (see vault_backup_pending) */
};

enum vault_kind { VAULT_HD = 0, VAULT_IMPORTED = 1, VAULT_HARDWARE = 2 };

/* A copy of one account's public data. */
struct vault_account {
	struct address address;
	char label[VAULT_LABEL_MAX + 1]; /* NUL-terminated, "" when none */
	enum vault_kind kind;
	uint32_t index;                  /* HD: i in m/44'/60'/0'/0/i; imported: its slot; hardware: 0 */
	char hw_path[VAULT_HW_PATH_MAX + 1]; /* hardware: the path on the device; "" otherwise */
	char hw_note[VAULT_NOTE_MAX + 1];    /* hardware: which device ("Nano X"); may be "" */
};

/*
 * The default vault path: $XDG_DATA_HOME/chaindeck/vault, else
 * ~/.local/share/chaindeck/vault (relative XDG_DATA_HOME is ignored, as the
 * spec says; the home directory is fsutil_home's: $HOME, else the password
 * database's). CD_EINVAL when there is no home directory or the result
 * does not fit in out[cap].
 */
int vault_default_path(char *out, size_t cap);

/*
 * Creates a new vault file at path (CD_EEXIST if one is there) and returns
 * it unlocked in *out (caller frees with vault_free). mnemonic (may be NULL for
 * a vault of imported keys only) must be a valid English BIP39 phrase; it is
 * normalised (words separated by single spaces, lower case). passphrase may
 * be NULL or "". When there is a mnemonic, account 0 is derived. opts may be
 * NULL. The strings are copied; the caller wipes its own copies.
 */
int vault_create(struct vault **out, const char *path, const char *password,
	const char *mnemonic, const char *passphrase, const struct vault_opts *opts,
	char *err, size_t errlen);

/*
 * Reads the vault at path and returns it locked in *out: the public part only.
 * CD_ENOTFOUND when there is no file, VAULT_EFORMAT for anything that is not a
 * well-formed vault. Caller frees with vault_free.
 */
int vault_open(struct vault **out, const char *path, char *err, size_t errlen);

/*
 * Derives the key from password (Argon2id: slow, see Threads) and decrypts the
 * secret part as it is in memory (the file read by vault_open or last saved).
 * CD_EPASSWORD or VAULT_ETAMPERED leave the vault locked and unchanged.
 * Unlocking an unlocked vault re-checks the password and changes nothing.
 */
int vault_unlock(struct vault *v, const char *password, char *err, size_t errlen);

/* Wipes and frees every secret and drops unsaved changes: the handle goes
 * back to the public part of the file as last read or saved, still readable.
 * Safe when locked. */
void vault_lock(struct vault *v);

/* Locks and frees the handle. NULL is fine. */
void vault_free(struct vault *v);

bool vault_is_unlocked(const struct vault *v);
/*
 * Whether the mnemonic's backup was never checked (the user did not type
 * chosen words back): `wallet new --skip-backup-check` makes such a vault, a
 * UI reminds until `wallet verify-backup` clears it. In the public part:
 * readable while locked, authenticated at unlock like the rest.
 */
bool vault_backup_pending(const struct vault *v);
/* Clears the flag (unlocked only); vault_save writes it. */
int vault_set_backup_checked(struct vault *v, char *err, size_t errlen);
/*
 * BIP-39 passphrases are NFKD-normalised (bip39.h). A vault made before that
 * with a passphrase NFKD changes ("é" as U+00E9) holds accounts of the seed of
 * the raw bytes: vault_unlock then uses that seed (for every account, derived
 * ones too) and this returns true, so the user can be told that other wallets
 * restore other addresses from the same words and passphrase. False while locked.
 */
bool vault_legacy_passphrase(const struct vault *v);
/* Whether the vault has a mnemonic (known while locked: HD accounts exist or not). */
bool vault_has_mnemonic(const struct vault *v);
/* The file path the handle was opened or created with; owned by the handle. */
const char *vault_path(const struct vault *v);

/*
 * Account list, in the order accounts were added: HD accounts and imported
 * keys interleaved as they came. Readable while locked.
 */
size_t vault_account_count(const struct vault *v);
/* Copies account i into *out; CD_ENOTFOUND when i is out of range. */
int vault_account(const struct vault *v, size_t i, struct vault_account *out);
/* The position of the account with that address; CD_ENOTFOUND when none. */
int vault_find(const struct vault *v, const struct address *a, size_t *i);

/*
 * Changes that need an unlocked vault (VAULT_ELOCKED otherwise). They change
 * the handle only; vault_save writes them. A failed call changes nothing.
 */
/* Adds the next n HD accounts (after the highest HD index so far). */
int vault_derive(struct vault *v, unsigned n, char *err, size_t errlen);
/* Adds an imported key (32 bytes, a valid secp256k1 secret key); label may be
 * NULL. *i (may be NULL) gets its position. CD_EEXIST when its address is
 * already an account (*i then gets that account's position). */
int vault_import_key(struct vault *v, const uint8_t priv[32], const char *label,
	size_t *i, char *err, size_t errlen);
/*
 * Adds a hardware account: its address, its path on the device (hd_path_parse's
 * syntax, "m/44'/60'/0'/0/0"), a note of the device and a label (both may be
 * NULL; text like labels, at most VAULT_NOTE_MAX and VAULT_LABEL_MAX bytes).
 * No secret: the key stays on the device. CD_EEXIST when the address is already
 * an account (*i then gets its position), CD_EINVAL for a bad path, note or label.
 */
int vault_add_hardware(struct vault *v, const struct address *a, const char *path, const char *note,
	const char *label, size_t *i, char *err, size_t errlen);
/* Sets account i's label (NULL or "" clears it). Labels are at most
 * VAULT_LABEL_MAX bytes of valid UTF-8 without control characters. */
int vault_set_label(struct vault *v, size_t i, const char *label, char *err, size_t errlen);
/* Re-keys the vault with a new password and a fresh salt (Argon2id: slow).
 * Parameters are kept; takes effect at the next vault_save. */
int vault_set_password(struct vault *v, const char *password, char *err, size_t errlen);

/*
 * Secrets, for an unlocked vault. The output buffers must be sodium_malloc
 * memory owned by the caller, who wipes and frees them (sodium_free).
 */
/*
 * Account i's address as its key gives it (derived from the seed or the
 * imported key now, not read from the file), after checking that the public
 * list says the same: what a receive screen may show. VAULT_ELOCKED while
 * locked (the public part alone is unverified), VAULT_ETAMPERED when the
 * listed address differs.
 */
int vault_verified_address(struct vault *v, size_t i, struct address *out, char *err, size_t errlen);
/* Account i's private key into out[32]; CD_EUNSUPPORTED for a hardware account
 * (sign on the device with its hw_path). For a hardware account,
 * vault_verified_address gives the address as the authenticated file holds it. */
int vault_private_key(struct vault *v, size_t i, uint8_t *out, char *err, size_t errlen);
/* The mnemonic, NUL-terminated, into out[cap] (VAULT_MNEMONIC_MAX + 1 always
 * suffices); CD_ENOTFOUND for a vault without one. For the one-time display. */
int vault_mnemonic(struct vault *v, char *out, size_t cap, char *err, size_t errlen);

/*
 * Encrypts the vault as it is in memory and writes it atomically and durably
 * (see above). VAULT_ELOCKED while locked. On failure the file on disk is the
 * previous one, untouched.
 */
int vault_save(struct vault *v, char *err, size_t errlen);

/*
 * vault_save in three steps, so that a UI can do the durable write (fsync:
 * milliseconds to seconds) on a worker thread:
 *   vault_save_begin   owning thread: encrypts the vault as it is in memory
 *                      into a new file image (no KDF: fast). VAULT_ELOCKED
 *                      while locked.
 *   the write          any thread: vault_image_bytes gives the bytes and the
 *                      flags for fsutil_write (or fsutil_save_start, which runs
 *                      it on a worker and reports on the loop thread) to write
 *                      them atomically and durably to vault_path(v) with mode
 *                      0600. It touches no handle, so the owning thread goes
 *                      on using the vault meanwhile (even locks it). On
 *                      failure the file on disk is the previous one.
 *   vault_save_commit  owning thread, only after that write succeeded:
 *                      the image becomes the file's as the handle knows it
 *                      (what vault_lock goes back to and vault_unlock decrypts);
 *                      a locked handle re-reads its public part from it. Frees img.
 * vault_image_free frees an image that is not committed (NULL is fine). One
 * image at a time per vault: a second one written after the first would
 * still be right, but commit them in the order they were written.
 */
struct vault_image;
int vault_save_begin(struct vault *v, struct vault_image **out, char *err, size_t errlen);
/*
 * The image's bytes (*len of them; owned by img) and, returned, the
 * fsutil_write flags to write them with: FSUTIL_MKDIR, and FSUTIL_EXCLUSIVE
 * for a vault never written yet (a new vault never replaces a file).
 */
unsigned vault_image_bytes(const struct vault_image *img, const uint8_t **bytes, size_t *len);
void vault_save_commit(struct vault *v, struct vault_image *img);
void vault_image_free(struct vault_image *img);

/*
 * Drops every change since the file was last read or written and stays
 * unlocked (the secrets are decrypted again from that image with the key in
 * memory): after a failed save, the handle shows what is on disk. A no-op
 * while locked. CD_EINVAL after vault_set_password without a save.
 */
int vault_revert(struct vault *v, char *err, size_t errlen);

#endif
