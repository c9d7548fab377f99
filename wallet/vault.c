/*
 * vault — the encrypted key file. Format and contracts in vault.h.
 *
 * The handle keeps the file image as last read or written (raw): its public
 * part is the associated data and its ciphertext what vault_unlock decrypts,
 * so an unlock always checks exactly the bytes on disk, and vault_lock can
 * drop unsaved changes by parsing the image again.
 */
#include "wallet/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/errmsg.h"
#include "common/fsutil.h"
#include "common/text.h"
#include "wallet/bip39.h"
#include "wallet/hd.h"

static const uint8_t vault_magic[8] = {'C', 'D', 'V', 'A', 'U', 'L', 'T', '\n'};

enum {
	FORMAT_V2 = 2,                /* version 1 + flags (4) after the accounts */
	FORMAT_V3 = 3,                /* version 2 + hardware accounts */
	FLAG_BACKUP_PENDING = 1u,     /* the mnemonic's backup was never checked */
	FLAGS_KNOWN = FLAG_BACKUP_PENDING,
	KDF_ARGON2ID13 = 1,
	AEAD_XCHACHA20POLY1305 = 1,
	SALT_SIZE = 16,
	CHECK_SIZE = 32,
	KEY_SIZE = 32,
	NONCE_SIZE = 24,
	TAG_SIZE = 16,
	HEADER_SIZE = 80,             /* through the account count */
	ACCOUNT_FIXED = 1 + 4 + 20 + 1,
	FILE_MAX = 4 * 1024 * 1024,
	HD_INDEX_LIMIT = 0x80000000u  /* non-hardened child indexes only */
};

/* Secrets of an unlocked vault: this struct and keys are sodium_malloc'd. */
struct secrets {
	uint8_t key[KEY_SIZE];
	uint8_t seed[BIP39_SEED_SIZE];
	struct hd_node master;            /* of seed, when there is a mnemonic */
	char mnemonic[VAULT_MNEMONIC_MAX + 1];
	char passphrase[VAULT_PASSPHRASE_MAX + 1];
	uint8_t salt[SALT_SIZE];          /* kdf inputs behind key (vault_set_password may change them) */
	uint8_t check[CHECK_SIZE];
	uint8_t *keys;                    /* imported keys, nkeys * 32, sodium_malloc'd (NULL when none) */
	size_t nkeys;
	bool legacy_seed;                 /* seed from the passphrase as given, not NFKD (see vault.h) */
};

struct vault {
	char *path;
	/* public part, as in memory */
	struct vault_account *acc;
	size_t nacc, capacc;
	unsigned long long opslimit;
	size_t memlimit;
	uint8_t salt[SALT_SIZE];
	uint8_t check[CHECK_SIZE];
	uint32_t flags;                   /* VAULT_FLAG_* (version 2; 0 for version 1) */
	/* the file image as last read or written */
	uint8_t *raw;
	size_t rawlen, ct_off;
	/* NULL while locked */
	struct secrets *s;
};

/* set_err, then rc, as one expression. */
#define fail(err, errlen, rc, ...) (set_err(err, errlen, __VA_ARGS__), (rc))

/* ---- small helpers --------------------------------------------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* A label is clean when sanitizing it changes nothing: valid UTF-8, no controls. */
static bool label_valid(const char *s, size_t len)
{
	char buf[VAULT_LABEL_MAX + 1];

	if (len > VAULT_LABEL_MAX || memchr(s, '\0', len))
		return false;
	return text_sanitize(buf, sizeof(buf), s, len) == len && memcmp(buf, s, len) == 0;
}

int vault_default_path(char *out, size_t cap)
{
	return fsutil_xdg_path(out, cap, FSUTIL_XDG_DATA, "chaindeck/vault") < 0 ? CD_EINVAL : CD_OK;
}

/* ---- keys ------------------------------------------------------------------------------------ */

static int hd_key(const struct hd_node *master, uint32_t index, uint8_t priv[32],
	struct address *addr)
{
	if (hd_eth_account(priv, addr, master, index) != CD_OK) {
		sodium_memzero(priv, 32);
		return CD_EINVAL;
	}
	return CD_OK;
}

/*
 * Argon2id of the password into a 64-byte buffer: key = first half,
 * check = BLAKE2b-256(second half).
 */
static int kdf(const char *password, const uint8_t salt[SALT_SIZE], unsigned long long ops,
	size_t mem, uint8_t key[KEY_SIZE], uint8_t check[CHECK_SIZE], char *err, size_t errlen)
{
	uint8_t *out = sodium_malloc(64);
	int rc = CD_OK;

	if (!out)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	if (crypto_pwhash(out, 64, password, strlen(password), salt, ops, mem,
			crypto_pwhash_ALG_ARGON2ID13) != 0) {
		rc = fail(err, errlen, CD_ENOMEM, "Argon2id could not get %zu MiB of memory",
			mem >> 20);
	} else {
		memcpy(key, out, KEY_SIZE);
		crypto_generichash(check, CHECK_SIZE, out + KEY_SIZE, 32, NULL, 0);
	}
	sodium_free(out);
	return rc;
}

static bool kdf_params_valid(unsigned long long ops, size_t mem)
{
	return ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= VAULT_OPSLIMIT_MAX &&
		mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= VAULT_MEMLIMIT_MAX;
}

/* ---- secrets --------------------------------------------------------------------------------- */

static struct secrets *secrets_new(void)
{
	struct secrets *s = sodium_malloc(sizeof(*s));

	if (s)
		sodium_memzero(s, sizeof(*s));
	return s;
}

static void secrets_free(struct secrets *s)
{
	if (!s)
		return;
	if (s->keys)
		sodium_free(s->keys);
	sodium_free(s);
}

/* Sets mnemonic, passphrase and seed; the mnemonic is normalised first. */
static int secrets_set_mnemonic(struct secrets *s, const char *mnemonic, const char *passphrase,
	char *err, size_t errlen)
{
	char why[160] = "";
	int rc;

	if (strlen(mnemonic) > VAULT_MNEMONIC_MAX)
		return fail(err, errlen, CD_EINVAL, "mnemonic too long");
	if (passphrase && strlen(passphrase) > VAULT_PASSPHRASE_MAX)
		return fail(err, errlen, CD_EINVAL, "passphrase longer than %d bytes",
			VAULT_PASSPHRASE_MAX);
	rc = bip39_normalize(s->mnemonic, sizeof(s->mnemonic), mnemonic);
	if (rc < 0)
		return fail(err, errlen, CD_EINVAL, "mnemonic too long");
	rc = bip39_mnemonic_check(s->mnemonic, NULL, why, sizeof(why));
	if (rc == CD_OK)
		rc = bip39_mnemonic_to_seed(s->seed, s->mnemonic, passphrase, why, sizeof(why));
	if (rc != CD_OK) {
		sodium_memzero(s->mnemonic, sizeof(s->mnemonic));
		return fail(err, errlen, CD_EINVAL, "invalid mnemonic: %s",
			why[0] ? why : cd_strerror(rc));
	}
	if (hd_master_from_seed(&s->master, s->seed, sizeof(s->seed)) != CD_OK) {
		sodium_memzero(s->mnemonic, sizeof(s->mnemonic));
		sodium_memzero(s->seed, sizeof(s->seed));
		return fail(err, errlen, CD_EINVAL, "this mnemonic gives no valid master key");
	}
	/* passphrase may be s->passphrase itself (parse_plaintext): no snprintf onto its own source. */
	if (passphrase != s->passphrase)
		memmove(s->passphrase, passphrase ? passphrase : "", passphrase ? strlen(passphrase) + 1 : 1);
	return CD_OK;
}

/*
 * Re-derives seed and master from the passphrase byte for byte, as vaults
 * were made before passphrases were NFKD-normalised (see vault.h).
 */
static int secrets_use_legacy_seed(struct secrets *s)
{
	if (bip39_mnemonic_to_seed_unnormalized(s->seed, s->mnemonic, s->passphrase, NULL, 0) != CD_OK ||
			hd_master_from_seed(&s->master, s->seed, sizeof(s->seed)) != CD_OK)
		return VAULT_ETAMPERED;
	s->legacy_seed = true;
	return CD_OK;
}

/* Appends one imported key; the array is reallocated in guarded memory. */
static int secrets_add_key(struct secrets *s, const uint8_t priv[32])
{
	uint8_t *nk = sodium_malloc((s->nkeys + 1) * 32);

	if (!nk)
		return CD_ENOMEM;
	if (s->nkeys)
		memcpy(nk, s->keys, s->nkeys * 32);
	memcpy(nk + s->nkeys * 32, priv, 32);
	if (s->keys)
		sodium_free(s->keys);
	s->keys = nk;
	s->nkeys++;
	return CD_OK;
}

/* ---- public part ----------------------------------------------------------------------------- */

static void vault_clear_accounts(struct vault *v)
{
	free(v->acc);
	v->acc = NULL;
	v->nacc = v->capacc = 0;
}

static int accounts_reserve(struct vault *v, size_t more)
{
	struct vault_account *na;
	size_t ncap;

	if (v->nacc + more > VAULT_MAX_ACCOUNTS)
		return VAULT_EFULL;
	if (v->nacc + more <= v->capacc)
		return CD_OK;
	ncap = v->capacc ? v->capacc : 8;
	while (ncap < v->nacc + more)
		ncap *= 2;
	na = realloc(v->acc, ncap * sizeof(*na));
	if (!na)
		return CD_ENOMEM;
	v->acc = na;
	v->capacc = ncap;
	return CD_OK;
}

/*
 * The fixed header: magic, format version, KDF and cipher, KDF parameters,
 * salt and check into v; the version and the account count out.
 */
static int parse_header(struct vault *v, const uint8_t *p, size_t len, unsigned *version, size_t *count,
	char *err, size_t errlen)
{
	const char *path = v->path;

	if (len < sizeof(vault_magic) || memcmp(p, vault_magic, sizeof(vault_magic)) != 0)
		return fail(err, errlen, VAULT_EFORMAT, "%s is not a chaindeck vault", path);
	if (len < HEADER_SIZE)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (header)", path);
	*version = (unsigned)get_be(p + 8, 2);
	if (*version != VAULT_FORMAT_VERSION && *version != FORMAT_V2 && *version != FORMAT_V3)
		return fail(err, errlen, VAULT_EFORMAT,
			"vault %s has format version %u; this chaindeck reads versions %d to %d", path,
			*version, VAULT_FORMAT_VERSION, FORMAT_V3);
	if (p[10] != KDF_ARGON2ID13 || p[11] != AEAD_XCHACHA20POLY1305)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s names an unknown KDF or cipher", path);
	v->opslimit = get_be(p + 12, 8);
	if (get_be(p + 20, 8) > VAULT_MEMLIMIT_MAX)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s asks for too much KDF memory", path);
	v->memlimit = (size_t)get_be(p + 20, 8);
	if (!kdf_params_valid(v->opslimit, v->memlimit))
		return fail(err, errlen, VAULT_EFORMAT, "vault %s has KDF parameters out of bounds", path);
	memcpy(v->salt, p + 28, SALT_SIZE);
	memcpy(v->check, p + 44, CHECK_SIZE);
	*count = (size_t)get_be(p + 76, 4);
	if (*count > VAULT_MAX_ACCOUNTS)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s claims %zu accounts", path, *count);
	return CD_OK;
}

/* Account i at p[*off..len): kind, index, address and label into a; *off moves past it. */
/*
 * A hardware account's path and device note at p[*off..len), after its label;
 * *off moves past them.
 */
static int parse_hardware(const struct vault *v, const uint8_t *p, size_t len, size_t *off, size_t i,
	struct vault_account *a, char *err, size_t errlen)
{
	struct hd_path hp;
	size_t o = *off, pl, nl;

	pl = len > o ? p[o] : 0;
	if (pl == 0 || pl > VAULT_HW_PATH_MAX || pl > len - o - 1)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: account %zu has a bad path", v->path, i);
	memcpy(a->hw_path, p + o + 1, pl);
	a->hw_path[pl] = '\0';
	if (memchr(a->hw_path, '\0', pl) || hd_path_parse(&hp, a->hw_path, NULL, 0) != CD_OK)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: account %zu has a bad path", v->path, i);
	o += 1 + pl;
	if (len - o < 1)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (account %zu)", v->path, i);
	nl = p[o];
	if (nl > VAULT_NOTE_MAX || nl > len - o - 1 || !label_valid((const char *)p + o + 1, nl))
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: account %zu has a bad device note", v->path, i);
	memcpy(a->hw_note, p + o + 1, nl);
	a->hw_note[nl] = '\0';
	*off = o + 1 + nl;
	return CD_OK;
}

static int parse_account(const struct vault *v, const uint8_t *p, size_t len, size_t *off, size_t i,
	unsigned version, struct vault_account *a, char *err, size_t errlen)
{
	const char *path = v->path;
	size_t o = *off, ll;

	if (len - o < ACCOUNT_FIXED)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (account %zu)", path, i);
	if (p[o] > (version == FORMAT_V3 ? VAULT_HARDWARE : VAULT_IMPORTED))
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: account %zu has an unknown kind", path, i);
	memset(a, 0, sizeof(*a));
	a->kind = p[o] == 0 ? VAULT_HD : p[o] == 1 ? VAULT_IMPORTED : VAULT_HARDWARE;
	a->index = (uint32_t)get_be(p + o + 1, 4);
	if ((a->kind == VAULT_HD && a->index >= HD_INDEX_LIMIT) || (a->kind == VAULT_HARDWARE && a->index != 0))
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: account %zu has a bad index", path, i);
	memcpy(a->address.b, p + o + 5, 20);
	ll = p[o + 25];
	o += ACCOUNT_FIXED;
	if (ll > len - o)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (label %zu)", path, i);
	if (!label_valid((const char *)p + o, ll))
		return fail(err, errlen, VAULT_EFORMAT, "vault %s: label %zu is not clean text", path, i);
	memcpy(a->label, p + o, ll);
	a->label[ll] = '\0';
	*off = o + ll;
	if (a->kind == VAULT_HARDWARE)
		return parse_hardware(v, p, len, off, i, a, err, errlen);
	return CD_OK;
}

/*
 * After the accounts: the flags (format 2), the nonce and the ciphertext's
 * length, which must reach exactly to the end. Sets v->flags and v->ct_off.
 */
static int parse_tail(struct vault *v, const uint8_t *p, size_t len, size_t off, unsigned version,
	char *err, size_t errlen)
{
	const char *path = v->path;
	size_t ctlen;

	v->flags = 0;
	if (version == FORMAT_V2 || version == FORMAT_V3) {
		if (len - off < 4)
			return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (flags)", path);
		v->flags = (uint32_t)get_be(p + off, 4);
		if (v->flags & ~(uint32_t)FLAGS_KNOWN)
			return fail(err, errlen, VAULT_EFORMAT, "vault %s has unknown flags %#x", path,
				(unsigned)v->flags);
		off += 4;
	}
	if (len - off < NONCE_SIZE + 4)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (nonce)", path);
	ctlen = (size_t)get_be(p + off + NONCE_SIZE, 4);
	off += NONCE_SIZE + 4;
	if (ctlen < TAG_SIZE || ctlen > len - off)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s is truncated (ciphertext)", path);
	if (ctlen != len - off)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s has %zu stray bytes at the end", path,
			len - off - ctlen);
	v->ct_off = off;
	return CD_OK;
}

/*
 * Parses the public part of a file image into v (accounts, kdf parameters,
 * salt, check) and sets v->ct_off. Never reads past len; every length is
 * bounded before use.
 */
static int parse_public(struct vault *v, const uint8_t *p, size_t len, char *err, size_t errlen)
{
	size_t off = HEADER_SIZE, n = 0;
	unsigned version = 0;
	int rc;

	rc = parse_header(v, p, len, &version, &n, err, errlen);
	if (rc != CD_OK)
		return rc;
	vault_clear_accounts(v);
	rc = accounts_reserve(v, n);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "out of memory");
	for (size_t i = 0; i < n; i++) {
		rc = parse_account(v, p, len, &off, i, version, &v->acc[i], err, errlen);
		if (rc != CD_OK)
			return rc;
		v->nacc++;
	}
	return parse_tail(v, p, len, off, version, err, errlen);
}

/* The public part of a new image (everything before the ciphertext) into a malloc'd buffer. */
static uint8_t *build_public(const struct vault *v, const uint8_t nonce[NONCE_SIZE], size_t ctlen,
	size_t *len)
{
	/* The oldest version that holds the vault: older chaindecks keep reading what they can. */
	bool v3 = false, v2;
	size_t n, off;
	uint8_t *p;

	for (size_t i = 0; i < v->nacc; i++)
		v3 = v3 || v->acc[i].kind == VAULT_HARDWARE;
	v2 = v3 || v->flags != 0;
	n = HEADER_SIZE + NONCE_SIZE + 4 + (v2 ? 4 : 0);
	for (size_t i = 0; i < v->nacc; i++) {
		n += ACCOUNT_FIXED + strlen(v->acc[i].label);
		if (v->acc[i].kind == VAULT_HARDWARE)
			n += 2 + strlen(v->acc[i].hw_path) + strlen(v->acc[i].hw_note);
	}
	p = malloc(n + ctlen);
	if (!p)
		return NULL;
	memcpy(p, vault_magic, sizeof(vault_magic));
	put_be(p + 8, v3 ? FORMAT_V3 : v2 ? FORMAT_V2 : VAULT_FORMAT_VERSION, 2);
	p[10] = KDF_ARGON2ID13;
	p[11] = AEAD_XCHACHA20POLY1305;
	put_be(p + 12, v->opslimit, 8);
	put_be(p + 20, v->memlimit, 8);
	memcpy(p + 28, v->s->salt, SALT_SIZE);
	memcpy(p + 44, v->s->check, CHECK_SIZE);
	put_be(p + 76, v->nacc, 4);
	off = HEADER_SIZE;
	for (size_t i = 0; i < v->nacc; i++) {
		const struct vault_account *a = &v->acc[i];
		size_t ll = strlen(a->label);

		p[off] = (uint8_t)a->kind;
		put_be(p + off + 1, a->index, 4);
		memcpy(p + off + 5, a->address.b, 20);
		p[off + 25] = (uint8_t)ll;
		memcpy(p + off + ACCOUNT_FIXED, a->label, ll);
		off += ACCOUNT_FIXED + ll;
		if (a->kind == VAULT_HARDWARE) {
			size_t pl = strlen(a->hw_path), nl = strlen(a->hw_note);

			p[off] = (uint8_t)pl;
			memcpy(p + off + 1, a->hw_path, pl);
			off += 1 + pl;
			p[off] = (uint8_t)nl;
			memcpy(p + off + 1, a->hw_note, nl);
			off += 1 + nl;
		}
	}
	if (v2) {
		put_be(p + off, v->flags, 4);
		off += 4;
	}
	memcpy(p + off, nonce, NONCE_SIZE);
	put_be(p + off + NONCE_SIZE, ctlen, 4);
	*len = off + NONCE_SIZE + 4;
	return p;
}

/* ---- secret part ----------------------------------------------------------------------------- */

static size_t plaintext_size(const struct secrets *s)
{
	return 2 + strlen(s->mnemonic) + 2 + strlen(s->passphrase) + 4 + s->nkeys * 32;
}

static void build_plaintext(const struct secrets *s, uint8_t *p)
{
	size_t ml = strlen(s->mnemonic), pl = strlen(s->passphrase), off = 0;

	put_be(p, ml, 2);
	memcpy(p + 2, s->mnemonic, ml);
	off = 2 + ml;
	put_be(p + off, pl, 2);
	memcpy(p + off + 2, s->passphrase, pl);
	off += 2 + pl;
	put_be(p + off, s->nkeys, 4);
	if (s->nkeys)
		memcpy(p + off + 4, s->keys, s->nkeys * 32);
}

/* Fills s (key already set) from a decrypted plaintext; strict, like the public part. */
static int parse_plaintext(struct secrets *s, const uint8_t *p, size_t len)
{
	size_t off = 0, ml, pl, nk;
	char *m = NULL;
	int rc;

	if (len < 2)
		return VAULT_ETAMPERED;
	ml = (size_t)get_be(p, 2);
	if (ml > VAULT_MNEMONIC_MAX || ml > len - 2)
		return VAULT_ETAMPERED;
	off = 2 + ml;
	if (len - off < 2)
		return VAULT_ETAMPERED;
	pl = (size_t)get_be(p + off, 2);
	if (pl > VAULT_PASSPHRASE_MAX || pl > len - off - 2)
		return VAULT_ETAMPERED;
	if (memchr(p + 2, '\0', ml) || memchr(p + off + 2, '\0', pl))
		return VAULT_ETAMPERED;
	memcpy(s->passphrase, p + off + 2, pl);
	s->passphrase[pl] = '\0';
	off += 2 + pl;
	if (len - off < 4)
		return VAULT_ETAMPERED;
	nk = (size_t)get_be(p + off, 4);
	off += 4;
	if (nk > VAULT_MAX_ACCOUNTS || nk * 32 != len - off)
		return VAULT_ETAMPERED;
	if (ml > 0) {
		m = sodium_malloc(ml + 1);
		if (!m)
			return CD_ENOMEM;
		memcpy(m, p + 2, ml);
		m[ml] = '\0';
		rc = secrets_set_mnemonic(s, m, s->passphrase, NULL, 0);
		sodium_free(m);
		if (rc != CD_OK)
			return VAULT_ETAMPERED;
	}
	for (size_t i = 0; i < nk; i++) {
		rc = secrets_add_key(s, p + off + i * 32);
		if (rc != CD_OK)
			return rc;
	}
	return CD_OK;
}

/*
 * The decrypted secrets must produce exactly the public account list: every
 * HD account's address from the seed, every imported slot used once with the
 * address of its key.
 */
static int check_accounts(const struct vault *v, const struct secrets *s)
{
	uint8_t *priv = sodium_malloc(32);
	size_t nimported = 0;
	int rc = CD_OK;

	if (!priv)
		return CD_ENOMEM;
	for (size_t i = 0; i < v->nacc && rc == CD_OK; i++) {
		const struct vault_account *a = &v->acc[i];
		struct address addr;

		if (a->kind == VAULT_HARDWARE)
			continue; /* no key here: authenticated as associated data */
		if (a->kind == VAULT_HD) {
			if (!s->mnemonic[0] || hd_key(&s->master, a->index, priv, &addr) != CD_OK)
				rc = VAULT_ETAMPERED;
		} else {
			nimported++;
			if (a->index >= s->nkeys || hd_address_from_key(&addr, s->keys + a->index * 32) != CD_OK)
				rc = VAULT_ETAMPERED;
			for (size_t j = 0; j < i && rc == CD_OK; j++) {
				if (v->acc[j].kind == VAULT_IMPORTED && v->acc[j].index == a->index)
					rc = VAULT_ETAMPERED;
			}
		}
		if (rc == CD_OK && memcmp(addr.b, a->address.b, 20) != 0)
			rc = VAULT_ETAMPERED;
	}
	if (rc == CD_OK && nimported != s->nkeys)
		rc = VAULT_ETAMPERED;
	sodium_free(priv);
	return rc;
}

/* ---- files ----------------------------------------------------------------------------------- */

/*
 * The file image, read with common/fsutil.h's one reader. A symbolic link is
 * followed, as always: the vault may live on another disk.
 */
static int read_file(const char *path, uint8_t **out, size_t *len, char *err, size_t errlen)
{
	char *buf;
	int rc = fsutil_read(path, FILE_MAX, FSUTIL_FOLLOW, &buf, len, err, errlen);

	if (rc == CD_ENOTFOUND)
		return fail(err, errlen, CD_ENOTFOUND, "no vault at %s", path);
	if (rc == FSUTIL_ETOOBIG || rc == FSUTIL_ENOTFILE)
		return VAULT_EFORMAT; /* no vault is that large, or a directory */
	if (rc != CD_OK)
		return errno == ENOMEM ? CD_ENOMEM : CD_EIO;
	*out = (uint8_t *)buf;
	return CD_OK;
}

/* ---- handle ---------------------------------------------------------------------------------- */

static struct vault *vault_alloc(const char *path)
{
	struct vault *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->path = strdup(path);
	if (!v->path) {
		free(v);
		return NULL;
	}
	return v;
}

void vault_lock(struct vault *v)
{
	if (!v || !v->s)
		return;
	secrets_free(v->s);
	v->s = NULL;
	/* back to the file's public part: drop unsaved changes */
	if (v->raw && parse_public(v, v->raw, v->rawlen, NULL, 0) != CD_OK)
		vault_clear_accounts(v);
}

void vault_free(struct vault *v)
{
	if (!v)
		return;
	vault_lock(v);
	free(v->acc);
	free(v->raw);
	free(v->path);
	free(v);
}

bool vault_backup_pending(const struct vault *v)
{
	return v && (v->flags & FLAG_BACKUP_PENDING);
}

int vault_set_backup_checked(struct vault *v, char *err, size_t errlen)
{
	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	v->flags &= ~(uint32_t)FLAG_BACKUP_PENDING;
	return CD_OK;
}

bool vault_legacy_passphrase(const struct vault *v)
{
	return v && v->s && v->s->legacy_seed;
}

bool vault_is_unlocked(const struct vault *v)
{
	return v && v->s;
}

bool vault_has_mnemonic(const struct vault *v)
{
	for (size_t i = 0; i < v->nacc; i++) {
		if (v->acc[i].kind == VAULT_HD)
			return true;
	}
	return false;
}

const char *vault_path(const struct vault *v)
{
	return v->path;
}

size_t vault_account_count(const struct vault *v)
{
	return v->nacc;
}

int vault_account(const struct vault *v, size_t i, struct vault_account *out)
{
	if (i >= v->nacc)
		return CD_ENOTFOUND;
	*out = v->acc[i];
	return CD_OK;
}

int vault_find(const struct vault *v, const struct address *a, size_t *i)
{
	for (size_t k = 0; k < v->nacc; k++) {
		if (memcmp(v->acc[k].address.b, a->b, 20) == 0) {
			if (i)
				*i = k;
			return CD_OK;
		}
	}
	return CD_ENOTFOUND;
}

int vault_open(struct vault **out, const char *path, char *err, size_t errlen)
{
	struct vault *v;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return fail(err, errlen, CD_ECRYPTO, "libsodium failed to initialise");
	v = vault_alloc(path);
	if (!v)
		return fail(err, errlen, CD_ENOMEM, "out of memory");
	rc = read_file(path, &v->raw, &v->rawlen, err, errlen);
	if (rc == CD_OK)
		rc = parse_public(v, v->raw, v->rawlen, err, errlen);
	if (rc != CD_OK) {
		vault_free(v);
		return rc;
	}
	*out = v;
	return CD_OK;
}

/*
 * Decrypts the file image (v->raw) into s, whose key is set, and checks the
 * secrets against the public account list in v->acc, which must be the
 * image's own (parsed from v->raw).
 */
static int open_secrets(struct vault *v, struct secrets *s, char *err, size_t errlen)
{
	uint8_t *pt = NULL;
	unsigned long long ptlen = 0;
	size_t ctlen = v->rawlen - v->ct_off;
	int rc;

	pt = sodium_malloc(ctlen);
	if (!pt)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, v->raw + v->ct_off, ctlen,
			v->raw, v->ct_off, v->raw + v->ct_off - 4 - NONCE_SIZE, s->key) != 0) {
		sodium_free(pt);
		return fail(err, errlen, VAULT_ETAMPERED,
			"vault %s does not authenticate: it was damaged or modified", v->path);
	}
	rc = parse_plaintext(s, pt, (size_t)ptlen);
	sodium_free(pt);
	if (rc == CD_OK)
		rc = check_accounts(v, s);
	/* Made before NFKD with a passphrase NFKD changes: its accounts come from the raw bytes. */
	if (rc == VAULT_ETAMPERED && s->mnemonic[0] && !bip39_passphrase_is_nfkd(s->passphrase) &&
			secrets_use_legacy_seed(s) == CD_OK)
		rc = check_accounts(v, s);
	if (rc != CD_OK)
		return fail(err, errlen, rc, rc == CD_ENOMEM ? "cannot allocate guarded memory" :
			"vault %s: the secret part does not match its accounts", v->path);
	return CD_OK;
}

int vault_unlock(struct vault *v, const char *password, char *err, size_t errlen)
{
	uint8_t check[CHECK_SIZE];
	struct secrets *s = NULL;
	int rc;

	if (!v->raw)
		return fail(err, errlen, VAULT_EFORMAT, "vault %s was never written", v->path);
	s = secrets_new();
	if (!s)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	/* the key goes straight into guarded memory; key/check on the stack only for the compare */
	rc = kdf(password, v->salt, v->opslimit, v->memlimit, s->key, check, err, errlen);
	if (rc != CD_OK)
		goto out;
	if (sodium_memcmp(check, v->check, CHECK_SIZE) != 0) {
		rc = fail(err, errlen, CD_EPASSWORD, "wrong password for %s", v->path);
		goto out;
	}
	if (v->s) {
		/* already unlocked: the password was right, nothing to do */
		rc = CD_OK;
		goto out;
	}
	memcpy(s->salt, v->salt, SALT_SIZE);
	memcpy(s->check, v->check, CHECK_SIZE);
	rc = open_secrets(v, s, err, errlen);
	if (rc != CD_OK)
		goto out;
	v->s = s;
	s = NULL;
out:
	secrets_free(s);
	return rc;
}

int vault_revert(struct vault *v, char *err, size_t errlen)
{
	struct secrets *s;
	int rc;

	if (!v->s)
		return CD_OK;
	if (!v->raw)
		return fail(err, errlen, CD_EINVAL, "vault %s was never written", v->path);
	if (sodium_memcmp(v->s->salt, v->salt, SALT_SIZE) != 0)
		return fail(err, errlen, CD_EINVAL, "the password changed since the last save");
	s = secrets_new();
	if (!s)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	memcpy(s->key, v->s->key, KEY_SIZE);
	memcpy(s->salt, v->salt, SALT_SIZE);
	memcpy(s->check, v->check, CHECK_SIZE);
	rc = parse_public(v, v->raw, v->rawlen, err, errlen);
	if (rc == CD_OK)
		rc = open_secrets(v, s, err, errlen);
	if (rc != CD_OK) {
		/* cannot happen for an image this handle read or wrote; never keep half a state */
		secrets_free(s);
		vault_lock(v);
		return rc;
	}
	secrets_free(v->s);
	v->s = s;
	return CD_OK;
}

/* A file image ready to be written: see vault_save_begin. */
struct vault_image {
	char *path;
	uint8_t *bytes;
	size_t len;
	bool exclusive;   /* the vault was never written: create, never replace */
};

void vault_image_free(struct vault_image *img)
{
	if (!img)
		return;
	free(img->bytes);
	free(img->path);
	free(img);
}

int vault_save_begin(struct vault *v, struct vault_image **out, char *err, size_t errlen)
{
	uint8_t nonce[NONCE_SIZE];
	struct vault_image *img;
	uint8_t *pt = NULL;
	size_t ptlen, publen = 0;
	unsigned long long ctlen = 0;

	*out = NULL;
	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked: unlock it to save");
	img = calloc(1, sizeof(*img));
	if (img)
		img->path = strdup(v->path);
	if (!img || !img->path) {
		vault_image_free(img);
		return fail(err, errlen, CD_ENOMEM, "out of memory");
	}
	ptlen = plaintext_size(v->s);
	pt = sodium_malloc(ptlen);
	if (!pt) {
		vault_image_free(img);
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	}
	build_plaintext(v->s, pt);
	randombytes_buf(nonce, sizeof(nonce));
	img->bytes = build_public(v, nonce, ptlen + TAG_SIZE, &publen);
	if (!img->bytes) {
		sodium_free(pt);
		vault_image_free(img);
		return fail(err, errlen, CD_ENOMEM, "out of memory");
	}
	crypto_aead_xchacha20poly1305_ietf_encrypt(img->bytes + publen, &ctlen, pt, ptlen, img->bytes,
		publen, NULL, nonce, v->s->key);
	sodium_free(pt);
	img->len = publen + (size_t)ctlen;
	img->exclusive = v->raw == NULL;
	*out = img;
	return CD_OK;
}

unsigned vault_image_bytes(const struct vault_image *img, const uint8_t **bytes, size_t *len)
{
	*bytes = img->bytes;
	*len = img->len;
	return FSUTIL_MKDIR | (img->exclusive ? FSUTIL_EXCLUSIVE : 0u);
}

/*
 * The vault's durable write, common/fsutil.h's (temporary beside the file,
 * fsync, rename or — for a new vault — link, directory fsync, stale
 * temporaries of a killed save removed): the file 0600, missing parent
 * directories 0700.
 */
static int image_write(const struct vault_image *img, char *err, size_t errlen)
{
	const uint8_t *bytes;
	size_t len;
	unsigned flags = vault_image_bytes(img, &bytes, &len);
	int rc = fsutil_write(img->path, bytes, len, 0600, flags, err, errlen);

	if (rc == CD_OK)
		return CD_OK;
	return rc == CD_EEXIST ? CD_EEXIST : CD_EIO;
}

void vault_save_commit(struct vault *v, struct vault_image *img)
{
	free(v->raw);
	v->raw = img->bytes;
	v->rawlen = img->len;
	img->bytes = NULL;
	vault_image_free(img);
	/* The image is well-formed (built here): its public part gives ct_off, salt and check. */
	if (v->s) {
		struct vault tmp;

		/* parse into a scratch handle so that unsaved changes made meanwhile stay */
		memset(&tmp, 0, sizeof(tmp));
		tmp.path = v->path;
		if (parse_public(&tmp, v->raw, v->rawlen, NULL, 0) == CD_OK) {
			v->ct_off = tmp.ct_off;
			memcpy(v->salt, tmp.salt, SALT_SIZE);
			memcpy(v->check, tmp.check, CHECK_SIZE);
		}
		free(tmp.acc);
	} else if (parse_public(v, v->raw, v->rawlen, NULL, 0) != CD_OK) {
		vault_clear_accounts(v);
	}
}

int vault_save(struct vault *v, char *err, size_t errlen)
{
	struct vault_image *img = NULL;
	int rc = vault_save_begin(v, &img, err, errlen);

	if (rc == CD_OK)
		rc = image_write(img, err, errlen);
	if (rc != CD_OK) {
		vault_image_free(img);
		return rc;
	}
	vault_save_commit(v, img);
	return CD_OK;
}

/* ---- changes --------------------------------------------------------------------------------- */

static int full_or_oom(char *err, size_t errlen, int rc)
{
	if (rc == VAULT_EFULL)
		return fail(err, errlen, rc, "a vault holds at most %d accounts", VAULT_MAX_ACCOUNTS);
	return fail(err, errlen, rc, "out of memory");
}

static uint32_t next_hd_index(const struct vault *v)
{
	uint32_t next = 0;

	for (size_t i = 0; i < v->nacc; i++) {
		if (v->acc[i].kind == VAULT_HD && v->acc[i].index + 1 > next)
			next = v->acc[i].index + 1;
	}
	return next;
}

int vault_derive(struct vault *v, unsigned n, char *err, size_t errlen)
{
	uint8_t *priv;
	uint32_t next;
	int rc;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	if (!v->s->mnemonic[0])
		return fail(err, errlen, CD_ENOTFOUND, "this vault has no mnemonic to derive from");
	next = next_hd_index(v);
	if (n > HD_INDEX_LIMIT - next)
		return fail(err, errlen, CD_EINVAL, "no more HD indexes");
	rc = accounts_reserve(v, n);
	if (rc != CD_OK)
		return full_or_oom(err, errlen, rc);
	priv = sodium_malloc(32);
	if (!priv)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	for (unsigned k = 0; k < n; k++) {
		struct vault_account *a = &v->acc[v->nacc + k];

		memset(a, 0, sizeof(*a));
		a->kind = VAULT_HD;
		a->index = next + k;
		rc = hd_key(&v->s->master, a->index, priv, &a->address);
		if (rc != CD_OK) {
			sodium_free(priv);
			return fail(err, errlen, rc, "cannot derive account %u", a->index);
		}
	}
	sodium_free(priv);
	v->nacc += n;
	return CD_OK;
}

int vault_import_key(struct vault *v, const uint8_t priv[32], const char *label, size_t *i,
	char *err, size_t errlen)
{
	struct vault_account a;
	size_t at;
	int rc;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	memset(&a, 0, sizeof(a));
	if (label && !label_valid(label, strlen(label)))
		return fail(err, errlen, CD_EINVAL,
			"a label is at most %d bytes of text without control characters", VAULT_LABEL_MAX);
	if (hd_address_from_key(&a.address, priv) != CD_OK)
		return fail(err, errlen, CD_EINVAL, "not a valid secp256k1 private key");
	if (vault_find(v, &a.address, &at) == CD_OK) {
		if (i)
			*i = at;
		return fail(err, errlen, CD_EEXIST, "that key's address is already account %zu", at);
	}
	rc = accounts_reserve(v, 1);
	if (rc != CD_OK)
		return full_or_oom(err, errlen, rc);
	a.kind = VAULT_IMPORTED;
	a.index = (uint32_t)v->s->nkeys;
	if (label)
		snprintf(a.label, sizeof(a.label), "%s", label);
	rc = secrets_add_key(v->s, priv);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "cannot allocate guarded memory");
	v->acc[v->nacc] = a;
	if (i)
		*i = v->nacc;
	v->nacc++;
	return CD_OK;
}

int vault_add_hardware(struct vault *v, const struct address *addr, const char *path, const char *note,
	const char *label, size_t *i, char *err, size_t errlen)
{
	struct vault_account a;
	struct hd_path hp;
	size_t at;
	int rc;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	memset(&a, 0, sizeof(a));
	if (!path || strlen(path) > VAULT_HW_PATH_MAX || hd_path_parse(&hp, path, NULL, 0) != CD_OK)
		return fail(err, errlen, CD_EINVAL, "not a derivation path: %s", path ? path : "(none)");
	if (label && !label_valid(label, strlen(label)))
		return fail(err, errlen, CD_EINVAL,
			"a label is at most %d bytes of text without control characters", VAULT_LABEL_MAX);
	if (note && (strlen(note) > VAULT_NOTE_MAX || !label_valid(note, strlen(note))))
		return fail(err, errlen, CD_EINVAL,
			"a device note is at most %d bytes of text without control characters", VAULT_NOTE_MAX);
	if (vault_find(v, addr, &at) == CD_OK) {
		if (i)
			*i = at;
		return fail(err, errlen, CD_EEXIST, "that address is already account %zu", at);
	}
	rc = accounts_reserve(v, 1);
	if (rc != CD_OK)
		return full_or_oom(err, errlen, rc);
	a.kind = VAULT_HARDWARE;
	a.address = *addr;
	snprintf(a.hw_path, sizeof(a.hw_path), "%s", path);
	if (note)
		snprintf(a.hw_note, sizeof(a.hw_note), "%s", note);
	if (label)
		snprintf(a.label, sizeof(a.label), "%s", label);
	v->acc[v->nacc] = a;
	if (i)
		*i = v->nacc;
	v->nacc++;
	return CD_OK;
}

int vault_set_label(struct vault *v, size_t i, const char *label, char *err, size_t errlen)
{
	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	if (i >= v->nacc)
		return fail(err, errlen, CD_ENOTFOUND, "no account %zu", i);
	if (!label)
		label = "";
	if (!label_valid(label, strlen(label)))
		return fail(err, errlen, CD_EINVAL,
			"a label is at most %d bytes of text without control characters", VAULT_LABEL_MAX);
	snprintf(v->acc[i].label, sizeof(v->acc[i].label), "%s", label);
	return CD_OK;
}

int vault_set_password(struct vault *v, const char *password, char *err, size_t errlen)
{
	uint8_t salt[SALT_SIZE], check[CHECK_SIZE];
	uint8_t *key;
	int rc;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	key = sodium_malloc(KEY_SIZE);
	if (!key)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	randombytes_buf(salt, sizeof(salt));
	rc = kdf(password, salt, v->opslimit, v->memlimit, key, check, err, errlen);
	if (rc == CD_OK) {
		memcpy(v->s->key, key, KEY_SIZE);
		memcpy(v->s->salt, salt, SALT_SIZE);
		memcpy(v->s->check, check, CHECK_SIZE);
	}
	sodium_free(key);
	return rc;
}

int vault_private_key(struct vault *v, size_t i, uint8_t *out, char *err, size_t errlen)
{
	const struct vault_account *a;
	struct address addr;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	if (i >= v->nacc)
		return fail(err, errlen, CD_ENOTFOUND, "no account %zu", i);
	a = &v->acc[i];
	if (a->kind == VAULT_HARDWARE)
		return fail(err, errlen, CD_EUNSUPPORTED, "account %zu is on a hardware wallet (%s): its key is on the device, not in the vault",
			i, a->hw_path);
	if (a->kind == VAULT_IMPORTED) {
		if (a->index >= v->s->nkeys)
			return fail(err, errlen, VAULT_ETAMPERED, "imported key %u is missing", a->index);
		memcpy(out, v->s->keys + (size_t)a->index * 32, 32);
		return CD_OK;
	}
	if (hd_key(&v->s->master, a->index, out, &addr) != CD_OK)
		return fail(err, errlen, CD_EINVAL, "cannot derive account %u", a->index);
	return CD_OK;
}

int vault_verified_address(struct vault *v, size_t i, struct address *out, char *err, size_t errlen)
{
	uint8_t *priv;
	struct address a;
	int rc;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "unverified: unlock the vault to verify the address");
	if (i < v->nacc && v->acc[i].kind == VAULT_HARDWARE) {
		/* authenticated with the file at unlock; the device is its check (show it there) */
		*out = v->acc[i].address;
		return CD_OK;
	}
	priv = sodium_malloc(32);
	if (!priv)
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	rc = vault_private_key(v, i, priv, err, errlen);
	if (rc == CD_OK && hd_address_from_key(&a, priv) != CD_OK)
		rc = fail(err, errlen, VAULT_ETAMPERED, "account %zu: its key is not valid", i);
	sodium_free(priv);
	if (rc != CD_OK)
		return rc;
	if (memcmp(a.b, v->acc[i].address.b, 20) != 0)
		return fail(err, errlen, VAULT_ETAMPERED,
			"account %zu: the address in the file is not its key's: the file was modified", i);
	*out = a;
	return CD_OK;
}

int vault_mnemonic(struct vault *v, char *out, size_t cap, char *err, size_t errlen)
{
	size_t len;

	if (!v->s)
		return fail(err, errlen, VAULT_ELOCKED, "the vault is locked");
	len = strlen(v->s->mnemonic);
	if (len == 0)
		return fail(err, errlen, CD_ENOTFOUND, "this vault has no mnemonic");
	if (cap <= len)
		return fail(err, errlen, CD_EINVAL, "buffer too small for the mnemonic");
	memcpy(out, v->s->mnemonic, len + 1);
	return CD_OK;
}

int vault_create(struct vault **out, const char *path, const char *password,
	const char *mnemonic, const char *passphrase, const struct vault_opts *opts,
	char *err, size_t errlen)
{
	struct vault *v;
	struct stat st;
	int rc;

	*out = NULL;
	if (sodium_init() < 0)
		return fail(err, errlen, CD_ECRYPTO, "libsodium failed to initialise");
	if (lstat(path, &st) == 0)
		return fail(err, errlen, CD_EEXIST, "a vault is already at %s", path);
	v = vault_alloc(path);
	if (!v)
		return fail(err, errlen, CD_ENOMEM, "out of memory");
	v->flags = opts && opts->backup_pending && mnemonic && mnemonic[0] ? FLAG_BACKUP_PENDING : 0;
	v->opslimit = opts && opts->opslimit ? opts->opslimit : VAULT_OPSLIMIT_DEFAULT;
	v->memlimit = opts && opts->memlimit ? opts->memlimit : (size_t)VAULT_MEMLIMIT_DEFAULT;
	if (!kdf_params_valid(v->opslimit, v->memlimit)) {
		vault_free(v);
		return fail(err, errlen, CD_EINVAL, "Argon2id parameters out of bounds");
	}
	v->s = secrets_new();
	if (!v->s) {
		vault_free(v);
		return fail(err, errlen, CD_ENOMEM, "cannot allocate guarded memory");
	}
	rc = CD_OK;
	if (mnemonic && mnemonic[0]) {
		rc = secrets_set_mnemonic(v->s, mnemonic, passphrase, err, errlen);
		if (rc == CD_OK)
			rc = vault_derive(v, 1, err, errlen);
	}
	if (rc == CD_OK)
		rc = vault_set_password(v, password, err, errlen);
	if (rc == CD_OK)
		rc = vault_save(v, err, errlen);
	if (rc != CD_OK) {
		vault_free(v);
		return rc;
	}
	*out = v;
	return CD_OK;
}
