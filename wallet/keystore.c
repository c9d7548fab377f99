/*
 * keystore — Web3 Secret Storage v3: scrypt and pbkdf2 key derivation,
 * AES-128-CTR, the MAC check, export and the geth/Foundry directory listing.
 * Contract in keystore.h.
 */
#include "wallet/keystore.h"

#include "common/fsutil.h"
#include "common/hex.h"
#include "common/keccak.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/errmsg.h"
#include "common/xalloc.h"
#include "wallet/sign.h"

enum {
	SALT_MAX = 1024,  /* bytes; real files use 16 or 32 */
	IV_SIZE = 16,
	MAC_SIZE = 32,
	DK_SIZE = 32,
	PASSWORD_MAX = 64 * 1024, /* PBKDF2 takes an int length; nobody types more */
	NEW_SALT_SIZE = 32
};

/* Bounds on hostile parameters (see the header). */
static const uint64_t SCRYPT_N_MAX = 1u << 20;
static const uint64_t SCRYPT_RP_MAX = 1024;
static const uint64_t SCRYPT_MEM_MAX = 1u << 30; /* 128 * n * r bytes */
static const uint64_t SCRYPT_WORK_MAX = 1u << 24; /* n * r * p */
static const uint64_t PBKDF2_C_MAX = 10000000;

/* geth's StandardScryptN/P and LightScryptN/P, both with r = 8. */
static const uint64_t STANDARD_N = 262144, LIGHT_N = 4096;
static const uint32_t STANDARD_P = 1, LIGHT_P = 6, NEW_R = 8;

enum kdf_kind { KDF_SCRYPT, KDF_PBKDF2 };

/* Everything a v3 file says, decoded and bounds-checked; nothing secret. */
struct parsed {
	enum kdf_kind kdf;
	uint64_t n, c;
	uint32_t r, p;
	uint8_t salt[SALT_MAX];
	size_t saltlen;
	uint8_t iv[IV_SIZE];
	uint8_t ct[KEYSTORE_KEY_SIZE];
	size_t ctlen;
	uint8_t mac[MAC_SIZE];
	bool has_address;
	struct address address;
};

/* set_err, then status: an expression, so static analysis (which does not follow variadic calls)
 * sees the result; callers leave out-values unset when a failure is what they return. */
#define fail(err, errlen, status, ...) (set_err(err, errlen, __VA_ARGS__), (status))

/* sodium_malloc that aborts instead of failing (secrets are small). */
static uint8_t *secret_alloc(size_t n)
{
	uint8_t *p = sodium_malloc(n);

	if (!p)
		abort();
	return p;
}

/* ---- parsing ------------------------------------------------------------------------------- */

/* A JSON number that is a whole number in [min, max]. */
static int get_uint(const cJSON *obj, const char *field, const char *where, uint64_t min,
		    uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, field);
	double v;

	if (!it)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing %s.%s", where, field);
	if (!cJSON_IsNumber(it))
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s.%s is not a number", where, field);
	v = it->valuedouble;
	if (!(v >= 0))
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s.%s is not a non-negative whole number",
			    where, field);
	/* Beyond 2^53 a double is no longer exact, and far beyond any bound we accept. */
	if (v > 9007199254740992.0)
		return fail(err, errlen, KEYSTORE_ELIMIT, "%s.%s = %g is far too large", where, field,
			    v);
	/* In range, so the cast is defined: a whole number survives the round trip. */
	if ((double)(uint64_t)v != v)
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s.%s is not a non-negative whole number",
			    where, field);
	if ((uint64_t)v > max)
		return fail(err, errlen, KEYSTORE_ELIMIT, "%s.%s = %.0f is above %llu", where, field,
			    v, (unsigned long long)max);
	if ((uint64_t)v < min)
		return fail(err, errlen, KEYSTORE_ELIMIT, "%s.%s = %.0f is below %llu", where, field,
			    v, (unsigned long long)min);
	*out = (uint64_t)v;
	return CD_OK;
}

static const char *get_str(const cJSON *obj, const char *field)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, field);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* Hex field into out[cap]; exactly `want` bytes when want != 0, else 0..cap. */
static int get_hex(const cJSON *obj, const char *field, const char *where, uint8_t *out,
		   size_t cap, size_t want, size_t *outlen, char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, field);
	size_t n = 0;
	int rc;

	if (!it)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing %s%s%s", where,
			    *where ? "." : "", field);
	if (!cJSON_IsString(it))
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s%s%s is not a string", where,
			    *where ? "." : "", field);
	rc = hex_decode(out, cap, &n, it->valuestring, strlen(it->valuestring));
	if (rc == CD_ESPACE)
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s%s%s is longer than %zu bytes",
			    where, *where ? "." : "", field, cap);
	if (rc != CD_OK)
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s%s%s is not hex", where,
			    *where ? "." : "", field);
	if (want && n != want)
		return fail(err, errlen, KEYSTORE_EFORMAT, "%s%s%s is %zu bytes, expected %zu",
			    where, *where ? "." : "", field, n, want);
	if (outlen)
		*outlen = n;
	return CD_OK;
}

static int parse_scrypt(const cJSON *kp, struct parsed *out, char *err, size_t errlen)
{
	uint64_t n, r, p;
	int rc;

	rc = get_uint(kp, "n", "kdfparams", 2, UINT64_MAX, &n, err, errlen);
	if (rc == CD_OK)
		rc = get_uint(kp, "r", "kdfparams", 1, UINT32_MAX, &r, err, errlen);
	if (rc == CD_OK)
		rc = get_uint(kp, "p", "kdfparams", 1, UINT32_MAX, &p, err, errlen);
	if (rc != CD_OK)
		return rc;
	if ((n & (n - 1)) != 0)
		return fail(err, errlen, KEYSTORE_ELIMIT, "kdfparams.n = %llu is not a power of two",
			    (unsigned long long)n);
	if (n > SCRYPT_N_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT, "kdfparams.n = %llu is above 2^20",
			    (unsigned long long)n);
	/* r, p < 2^32 and n <= 2^20: none of the products below overflows 64 bits. */
	if (r * p > SCRYPT_RP_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT, "kdfparams r*p = %llu is above %llu",
			    (unsigned long long)r * p, (unsigned long long)SCRYPT_RP_MAX);
	if (128 * n * r > SCRYPT_MEM_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT,
			    "kdfparams n=%llu r=%llu need %llu MiB, more than 1 GiB",
			    (unsigned long long)n, (unsigned long long)r,
			    (unsigned long long)((128 * n * r) >> 20));
	if (n * r * p > SCRYPT_WORK_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT,
			    "kdfparams n*r*p = %llu is above 2^24 (too slow)",
			    (unsigned long long)n * r * p);
	out->kdf = KDF_SCRYPT;
	out->n = n;
	out->r = (uint32_t)r;
	out->p = (uint32_t)p;
	return CD_OK;
}

static int parse_pbkdf2(const cJSON *kp, struct parsed *out, char *err, size_t errlen)
{
	const char *prf = get_str(kp, "prf");
	int rc;

	if (!prf)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing kdfparams.prf");
	if (strcmp(prf, "hmac-sha256") != 0)
		return fail(err, errlen, CD_EUNSUPPORTED,
			    "kdfparams.prf is not \"hmac-sha256\"");
	rc = get_uint(kp, "c", "kdfparams", 1, PBKDF2_C_MAX, &out->c, err, errlen);
	if (rc != CD_OK)
		return rc;
	out->kdf = KDF_PBKDF2;
	return CD_OK;
}

/* The optional "address": 40 hex digits, 0x prefix and any case accepted. */
static int parse_address(const cJSON *root, struct parsed *out, char *err, size_t errlen)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, "address");

	out->has_address = false;
	if (!it || cJSON_IsNull(it))
		return CD_OK;
	if (!cJSON_IsString(it) ||
	    hex_decode_exact(out->address.b, ADDRESS_SIZE, it->valuestring,
			     strlen(it->valuestring)) != CD_OK)
		return fail(err, errlen, KEYSTORE_EFORMAT, "address is not 40 hex digits");
	out->has_address = true;
	return CD_OK;
}

static int parse_root(const cJSON *root, struct parsed *out, char *err, size_t errlen)
{
	const cJSON *crypto, *version, *kp, *cp;
	const char *s;
	uint64_t dklen;
	int rc;

	if (!cJSON_IsObject(root))
		return fail(err, errlen, KEYSTORE_EFORMAT, "not a JSON object");
	version = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!version)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing version");
	if (!cJSON_IsNumber(version) || version->valuedouble != 3)
		return fail(err, errlen, CD_EUNSUPPORTED, "version is not 3");
	crypto = cJSON_GetObjectItemCaseSensitive(root, "crypto");
	if (!crypto)
		crypto = cJSON_GetObjectItemCaseSensitive(root, "Crypto");
	if (!crypto)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing crypto");
	if (!cJSON_IsObject(crypto))
		return fail(err, errlen, KEYSTORE_EFORMAT, "crypto is not an object");

	s = get_str(crypto, "cipher");
	if (!s)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing crypto.cipher");
	if (strcmp(s, "aes-128-ctr") != 0)
		return fail(err, errlen, CD_EUNSUPPORTED, "crypto.cipher is not \"aes-128-ctr\"");
	cp = cJSON_GetObjectItemCaseSensitive(crypto, "cipherparams");
	if (!cJSON_IsObject(cp))
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing crypto.cipherparams");
	rc = get_hex(cp, "iv", "cipherparams", out->iv, sizeof(out->iv), IV_SIZE, NULL, err, errlen);
	if (rc != CD_OK)
		return rc;
	/* Old geth wrote keys with their leading zero bytes stripped (the 30- and 31-byte
	 * vectors): geth and cast left-pad them, and so do we. Longer is never a key. */
	rc = get_hex(crypto, "ciphertext", "crypto", out->ct, sizeof(out->ct), 0, &out->ctlen,
		     err, errlen);
	if (rc != CD_OK)
		return rc;
	if (out->ctlen == 0)
		return fail(err, errlen, KEYSTORE_EFORMAT, "crypto.ciphertext is empty");
	rc = get_hex(crypto, "mac", "crypto", out->mac, sizeof(out->mac), MAC_SIZE, NULL, err, errlen);
	if (rc != CD_OK)
		return rc;

	s = get_str(crypto, "kdf");
	if (!s)
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing crypto.kdf");
	kp = cJSON_GetObjectItemCaseSensitive(crypto, "kdfparams");
	if (!cJSON_IsObject(kp))
		return fail(err, errlen, KEYSTORE_EFORMAT, "missing crypto.kdfparams");
	if (strcmp(s, "scrypt") == 0)
		rc = parse_scrypt(kp, out, err, errlen);
	else if (strcmp(s, "pbkdf2") == 0)
		rc = parse_pbkdf2(kp, out, err, errlen);
	else
		rc = fail(err, errlen, CD_EUNSUPPORTED,
			  "crypto.kdf is neither \"scrypt\" nor \"pbkdf2\"");
	if (rc != CD_OK)
		return rc;
	rc = get_uint(kp, "dklen", "kdfparams", 0, UINT64_MAX, &dklen, err, errlen);
	if (rc != CD_OK)
		return rc;
	if (dklen != DK_SIZE)
		return fail(err, errlen, KEYSTORE_ELIMIT, "kdfparams.dklen = %llu, expected 32",
			    (unsigned long long)dklen);
	rc = get_hex(kp, "salt", "kdfparams", out->salt, sizeof(out->salt), 0, &out->saltlen,
		     err, errlen);
	if (rc != CD_OK)
		return rc;
	return parse_address(root, out, err, errlen);
}

static int parse(const char *json, size_t len, struct parsed *out, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;
	int rc;

	if (len > KEYSTORE_FILE_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT, "keystore is %zu bytes, more than %d",
			    len, KEYSTORE_FILE_MAX);
	memset(out, 0, sizeof(*out));
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (root) {
		/* Only white space may follow the object. */
		size_t rest = (size_t)(end - json);

		while (rest < len && strchr(" \t\r\n", json[rest]) && json[rest] != '\0')
			rest++;
		if (rest < len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (!root)
		return fail(err, errlen, KEYSTORE_EFORMAT, "not valid JSON");
	rc = parse_root(root, out, err, errlen);
	cJSON_Delete(root);
	return rc;
}

/* ---- crypto ---------------------------------------------------------------------------------- */

static int derive(const struct parsed *ks, const uint8_t *pw, size_t pwlen, uint8_t dk[DK_SIZE],
		  char *err, size_t errlen)
{
	static const uint8_t empty[1];

	if (pwlen > PASSWORD_MAX)
		return fail(err, errlen, KEYSTORE_ELIMIT, "password longer than %d bytes",
			    PASSWORD_MAX);
	if (!pw)
		pw = empty;
	if (ks->kdf == KDF_PBKDF2) {
		if (PKCS5_PBKDF2_HMAC((const char *)pw, (int)pwlen, ks->salt, (int)ks->saltlen,
				      (int)ks->c, EVP_sha256(), DK_SIZE, dk) != 1)
			return fail(err, errlen, CD_ECRYPTO, "PBKDF2 failed");
		return CD_OK;
	}
	if (crypto_pwhash_scryptsalsa208sha256_ll(pw, pwlen, ks->salt, ks->saltlen, ks->n, ks->r,
						  ks->p, dk, DK_SIZE) != 0)
		return fail(err, errlen, CD_ENOMEM,
			    "scrypt could not run (n=%llu r=%u p=%u): out of memory?",
			    (unsigned long long)ks->n, (unsigned)ks->r, (unsigned)ks->p);
	return CD_OK;
}

/* keccak256(dk[16..32] ++ ct) */
static void compute_mac(uint8_t mac[MAC_SIZE], const uint8_t dk[DK_SIZE], const uint8_t *ct,
			size_t ctlen)
{
	struct keccak_ctx k;

	keccak256_init(&k);
	keccak256_update(&k, dk + 16, 16);
	keccak256_update(&k, ct, ctlen);
	keccak256_final(&k, mac);
}

/* AES-128-CTR (encryption and decryption are the same operation). */
static int aes_ctr(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[16],
		   const uint8_t iv[IV_SIZE])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, finl = 0, ok;

	if (!ctx)
		abort();
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, out, &outl, in, (int)len) == 1 &&
	     EVP_EncryptFinal_ex(ctx, out + outl, &finl) == 1 && (size_t)outl + (size_t)finl == len;
	EVP_CIPHER_CTX_free(ctx); /* wipes the expanded key */
	return ok ? 0 : -1;
}

/* Address of a private key; CD_EKEY if it is not one. */
static int key_address(const uint8_t key[KEYSTORE_KEY_SIZE], struct address *out)
{
	return sign_key_address(key, out);
}

static int crypto_ready(char *err, size_t errlen)
{
	if (sodium_init() < 0)
		return fail(err, errlen, CD_ECRYPTO, "libsodium could not initialise");
	return CD_OK;
}

/* ---- decryption ---------------------------------------------------------------------------- */

int keystore_decrypt(const char *json, size_t len, const uint8_t *pw, size_t pwlen,
		     uint8_t key[KEYSTORE_KEY_SIZE], struct address *addr, char *err, size_t errlen)
{
	struct parsed *ks = xmalloc(sizeof(*ks));
	uint8_t *dk = NULL, mac[MAC_SIZE];
	struct address a;
	size_t pad;
	int rc;

	sodium_memzero(key, KEYSTORE_KEY_SIZE);
	rc = crypto_ready(err, errlen);
	if (rc == CD_OK)
		rc = parse(json, len, ks, err, errlen);
	if (rc != CD_OK)
		goto out;
	dk = secret_alloc(DK_SIZE);
	rc = derive(ks, pw, pwlen, dk, err, errlen);
	if (rc != CD_OK)
		goto out;
	compute_mac(mac, dk, ks->ct, ks->ctlen);
	if (sodium_memcmp(mac, ks->mac, MAC_SIZE) != 0) {
		rc = fail(err, errlen, CD_EPASSWORD, "wrong password");
		goto out;
	}
	pad = KEYSTORE_KEY_SIZE - ks->ctlen;
	if (aes_ctr(key + pad, ks->ct, ks->ctlen, dk, ks->iv) != 0) {
		rc = fail(err, errlen, CD_ECRYPTO, "AES-128-CTR failed");
		goto out;
	}
	if (key_address(key, &a) != CD_OK) {
		rc = fail(err, errlen, CD_EKEY,
			  "the decrypted key is not a valid secp256k1 private key");
		goto out;
	}
	if (ks->has_address && sodium_memcmp(a.b, ks->address.b, ADDRESS_SIZE) != 0) {
		char want[ADDRESS_TEXT_SIZE], got[ADDRESS_TEXT_SIZE];

		address_format(&ks->address, want);
		address_format(&a, got);
		rc = fail(err, errlen, KEYSTORE_EADDRESS,
			  "the key decrypts to %s, but the file's address is %s", got, want);
		goto out;
	}
	if (addr)
		*addr = a;
out:
	if (rc != CD_OK)
		sodium_memzero(key, KEYSTORE_KEY_SIZE);
	if (dk)
		sodium_free(dk);
	free(ks);
	return rc;
}

/*
 * Reads a regular file of at most KEYSTORE_FILE_MAX bytes (common/fsutil.h's
 * one reader: a FIFO planted in a keystore directory never hangs it). A
 * symbolic link is followed: geth's keystore directories may hold them.
 */
static int read_small_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	int rc = fsutil_read(path, KEYSTORE_FILE_MAX, FSUTIL_FOLLOW, out, outlen, err, errlen);

	if (rc == CD_OK)
		return CD_OK;
	if (rc == CD_ENOTFOUND) /* fsutil_read leaves err alone here: say which file */
		return fail(err, errlen, CD_ENOTFOUND, "%s: %s", path, strerror(ENOENT));
	return rc == FSUTIL_ETOOBIG ? KEYSTORE_ELIMIT : CD_EIO;
}

int keystore_decrypt_file(const char *path, const uint8_t *pw, size_t pwlen,
			  uint8_t key[KEYSTORE_KEY_SIZE], struct address *addr, char *err, size_t errlen)
{
	char *json, msg[256];
	size_t len;
	int rc;

	sodium_memzero(key, KEYSTORE_KEY_SIZE);
	rc = read_small_file(path, &json, &len, err, errlen);
	if (rc != CD_OK)
		return rc;
	rc = keystore_decrypt(json, len, pw, pwlen, key, addr, msg, sizeof(msg));
	free(json);
	if (rc == CD_EPASSWORD)
		return fail(err, errlen, rc, "%s", msg);
	if (rc != CD_OK)
		return fail(err, errlen, rc, "%s: %s", path, msg);
	return rc;
}

/* ---- encryption ---------------------------------------------------------------------------- */

int keystore_encrypt(const uint8_t key[KEYSTORE_KEY_SIZE], const uint8_t *pw, size_t pwlen,
		     unsigned flags, char **json_out, char *err, size_t errlen)
{
	struct parsed *ks = xmalloc(sizeof(*ks));
	uint8_t *dk = NULL, uuid[16];
	char addr_hex[2 * ADDRESS_SIZE + 3], salt_hex[2 * NEW_SALT_SIZE + 3], iv_hex[2 * IV_SIZE + 3];
	char ct_hex[2 * KEYSTORE_KEY_SIZE + 3], mac_hex[2 * MAC_SIZE + 3], id_hex[2 * 16 + 3];
	struct address a;
	size_t cap = 1024;
	int rc, n;

	*json_out = NULL;
	rc = crypto_ready(err, errlen);
	if (rc != CD_OK)
		goto out;
	if (key_address(key, &a) != CD_OK) {
		rc = fail(err, errlen, CD_EKEY, "not a valid secp256k1 private key");
		goto out;
	}
	memset(ks, 0, sizeof(*ks));
	ks->kdf = KDF_SCRYPT;
	ks->n = (flags & KEYSTORE_LIGHT) ? LIGHT_N : STANDARD_N;
	ks->r = NEW_R;
	ks->p = (flags & KEYSTORE_LIGHT) ? LIGHT_P : STANDARD_P;
	ks->saltlen = NEW_SALT_SIZE;
	ks->ctlen = KEYSTORE_KEY_SIZE;
	randombytes_buf(ks->salt, NEW_SALT_SIZE);
	randombytes_buf(ks->iv, IV_SIZE);
	randombytes_buf(uuid, sizeof(uuid));
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */

	dk = secret_alloc(DK_SIZE);
	rc = derive(ks, pw, pwlen, dk, err, errlen);
	if (rc != CD_OK)
		goto out;
	if (aes_ctr(ks->ct, key, KEYSTORE_KEY_SIZE, dk, ks->iv) != 0) {
		rc = fail(err, errlen, CD_ECRYPTO, "AES-128-CTR failed");
		goto out;
	}
	compute_mac(ks->mac, dk, ks->ct, KEYSTORE_KEY_SIZE);

	hex_encode(addr_hex, sizeof(addr_hex), a.b, ADDRESS_SIZE, 0);
	hex_encode(salt_hex, sizeof(salt_hex), ks->salt, NEW_SALT_SIZE, 0);
	hex_encode(iv_hex, sizeof(iv_hex), ks->iv, IV_SIZE, 0);
	hex_encode(ct_hex, sizeof(ct_hex), ks->ct, KEYSTORE_KEY_SIZE, 0);
	hex_encode(mac_hex, sizeof(mac_hex), ks->mac, MAC_SIZE, 0);
	hex_encode(id_hex, sizeof(id_hex), uuid, sizeof(uuid), 0);
	*json_out = xmalloc(cap);
	/* geth's field order and layout. */
	n = snprintf(*json_out, cap,
		     "{\"address\":\"%s\",\"crypto\":{\"cipher\":\"aes-128-ctr\","
		     "\"ciphertext\":\"%s\",\"cipherparams\":{\"iv\":\"%s\"},\"kdf\":\"scrypt\","
		     "\"kdfparams\":{\"dklen\":32,\"n\":%llu,\"p\":%u,\"r\":%u,\"salt\":\"%s\"},"
		     "\"mac\":\"%s\"},\"id\":\"%.8s-%.4s-%.4s-%.4s-%.12s\",\"version\":3}",
		     addr_hex, ct_hex, iv_hex, (unsigned long long)ks->n, (unsigned)ks->p,
		     (unsigned)ks->r, salt_hex, mac_hex, id_hex, id_hex + 8, id_hex + 12,
		     id_hex + 16, id_hex + 20);
	if (n < 0 || (size_t)n >= cap)
		abort(); /* the fields have fixed sizes */
out:
	if (dk)
		sodium_free(dk);
	free(ks);
	return rc;
}

int keystore_export(const char *path, const uint8_t key[KEYSTORE_KEY_SIZE], const uint8_t *pw,
		    size_t pwlen, unsigned flags, struct address *addr, char *err, size_t errlen)
{
	char *json = NULL;
	struct address a;
	struct stat st;
	size_t plen = strlen(path);
	int rc;

	if (plen == 0 || path[plen - 1] == '/')
		return fail(err, errlen, CD_EIO, "%s: not a file name", path);
	/* Refuse early, before a second of scrypt; fsutil_write checks again atomically. */
	if (!(flags & KEYSTORE_OVERWRITE) && lstat(path, &st) == 0)
		return fail(err, errlen, CD_EEXIST, "%s already exists", path);
	rc = keystore_encrypt(key, pw, pwlen, flags, &json, err, errlen);
	if (rc != CD_OK)
		return rc;
	if (key_address(key, &a) != CD_OK)
		abort(); /* keystore_encrypt accepted it */
	/* The one durable write (common/fsutil.h); the directory must exist, as geth's keystore does. */
	rc = fsutil_write(path, json, strlen(json), 0600, (flags & KEYSTORE_OVERWRITE) ? 0 : FSUTIL_EXCLUSIVE, err,
			  errlen);
	free(json);
	if (rc == CD_EEXIST)
		return CD_EEXIST;
	if (rc != CD_OK)
		return CD_EIO;
	if (addr)
		*addr = a;
	return CD_OK;
}

void keystore_filename(char out[KEYSTORE_NAME_MAX], const struct address *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char hex[2 * ADDRESS_SIZE + 3];

	if (!gmtime_r(&tt, &tm))
		memset(&tm, 0, sizeof(tm));
	hex_encode(hex, sizeof(hex), a->b, ADDRESS_SIZE, 0);
	snprintf(out, KEYSTORE_NAME_MAX, "UTC--%04d-%02d-%02dT%02d-%02d-%02d.000000000Z--%s",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 hex);
}

/* ---- discovery ----------------------------------------------------------------------------- */

static int entry_cmp(const void *x, const void *y)
{
	const struct keystore_entry *a = x, *b = y;

	return strcmp(a->name, b->name);
}

static void list_push(struct keystore_list *list, const char *dir, const char *name,
		      const struct parsed *ks)
{
	struct keystore_entry *e;
	size_t dl = strlen(dir), nl = strlen(name);

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct keystore_entry *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			abort();
		list->v = v;
		list->cap = cap;
	}
	e = &list->v[list->n++];
	e->name = xstrdup(name);
	e->path = xmalloc(dl + nl + 2);
	memcpy(e->path, dir, dl);
	e->path[dl] = '/';
	memcpy(e->path + dl + 1, name, nl + 1);
	e->has_address = ks->has_address;
	e->address = ks->address;
}

int keystore_list_dir(struct keystore_list *list, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct parsed *ks;
	size_t first = list->n;

	if (!d) {
		if (errno == ENOENT)
			return CD_OK;
		return fail(err, errlen, CD_EIO, "%s: %s", dir, strerror(errno));
	}
	ks = xmalloc(sizeof(*ks));
	for (;;) {
		char *path, *json;
		size_t len, dl = strlen(dir), nl;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		nl = strlen(de->d_name);
		if (de->d_name[0] == '.' || de->d_name[nl - 1] == '~')
			continue;
		path = xmalloc(dl + nl + 2);
		memcpy(path, dir, dl);
		path[dl] = '/';
		memcpy(path + dl + 1, de->d_name, nl + 1);
		/* Unreadable, oversized or non-regular files are simply not keystores. */
		if (read_small_file(path, &json, &len, NULL, 0) == CD_OK) {
			if (parse(json, len, ks, NULL, 0) == CD_OK)
				list_push(list, dir, de->d_name, ks);
			free(json);
		}
		free(path);
	}
	free(ks);
	if (errno != 0) {
		int e = errno;

		closedir(d);
		return fail(err, errlen, CD_EIO, "%s: %s", dir, strerror(e));
	}
	closedir(d);
	qsort(list->v + first, list->n - first, sizeof(*list->v), entry_cmp);
	return CD_OK;
}

int keystore_list_default(struct keystore_list *list, const char *home, const char *extra_dir,
			  char *err, size_t errlen)
{
	static const char *const defaults[] = {"/.foundry/keystores", "/.ethereum/keystore"};
	size_t i;
	int rc;

	if (!home)
		home = fsutil_home();
	for (i = 0; home && *home && i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		size_t hl = strlen(home), sl = strlen(defaults[i]);
		char *dir = xmalloc(hl + sl + 1);

		memcpy(dir, home, hl);
		memcpy(dir + hl, defaults[i], sl + 1);
		rc = keystore_list_dir(list, dir, err, errlen);
		free(dir);
		if (rc != CD_OK)
			return rc;
	}
	if (extra_dir)
		return keystore_list_dir(list, extra_dir, err, errlen);
	return CD_OK;
}

void keystore_list_free(struct keystore_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].path);
	}
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
