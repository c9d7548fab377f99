/*
 * sign — secp256k1 through libsecp256k1, and EIP-191 personal_sign.
 *
 * One context serves every secret-key operation in the process (signing
 * here, key derivation in hd, key checks in keystore): made once under
 * pthread_once and blinded with fresh randomness (side-channel protection
 * only: the nonce itself is RFC 6979, so results stay deterministic).
 * Recovery needs no secrets and uses the static context.
 */
#include "wallet/sign.h"

#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hex.h"
#include "common/keccak.h"
#include "common/xalloc.h"

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Written once under shared_once, then only read: never destroyed, never re-randomised. */
static secp256k1_context *shared_ctx;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void die(const char *why)
{
	fprintf(stderr, "chaindeck: %s\n", why);
	abort();
}

static void shared_init(void)
{
	uint8_t seed[32];
	int ok;

	if (sodium_init() < 0)
		die("libsodium could not start");
	shared_ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (!shared_ctx)
		xalloc_die(0);
	randombytes_buf(seed, sizeof(seed));
	ok = secp256k1_context_randomize(shared_ctx, seed);
	sodium_memzero(seed, sizeof(seed));
	if (!ok)
		die("libsecp256k1 refused to blind its context");
}

const secp256k1_context *sign_context(void)
{
	pthread_once(&shared_once, shared_init);
	return shared_ctx;
}

int sign_digest(const uint8_t digest[32], const uint8_t priv[32], uint8_t rs[64], int *recid)
{
	const secp256k1_context *ctx = sign_context();
	secp256k1_ecdsa_recoverable_signature sig;
	uint8_t out[64];
	int id = -1, rc = CD_ECRYPTO;

	if (!digest || !priv || !rs || !recid)
		return CD_EINVAL;
	if (secp256k1_ec_seckey_verify(ctx, priv) != 1)
		return CD_EKEY;
	/* NULL nonce function: RFC 6979 with HMAC-SHA256, the one every Ethereum signer uses. */
	if (secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, priv, NULL, NULL) == 1 &&
	    secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out, &id, &sig) == 1) {
		memcpy(rs, out, 64);
		*recid = id;
		rc = CD_OK;
	}
	sodium_memzero(&sig, sizeof(sig));
	sodium_memzero(out, sizeof(out));
	return rc;
}

static void address_of_pubkey(const secp256k1_pubkey *pk, struct address *out)
{
	uint8_t ser[65];
	size_t n = sizeof(ser);

	secp256k1_ec_pubkey_serialize(secp256k1_context_static, ser, &n, pk, SECP256K1_EC_UNCOMPRESSED);
	address_from_pubkey(out, ser + 1);
}

int sign_recover_digest(const uint8_t digest[32], const uint8_t rs[64], int recid, struct address *out)
{
	secp256k1_ecdsa_recoverable_signature sig;
	secp256k1_pubkey pk;

	if (!digest || !rs || !out)
		return CD_EINVAL;
	if (recid < 0 || recid > 3 || all_zero(rs, 32) || all_zero(rs + 32, 32))
		return SIGN_EBADSIG;
	/* parse_compact fails when r or s is not below the curve order. */
	if (secp256k1_ecdsa_recoverable_signature_parse_compact(secp256k1_context_static, &sig, rs, recid) != 1)
		return SIGN_EBADSIG;
	if (secp256k1_ecdsa_recover(secp256k1_context_static, &pk, &sig, digest) != 1)
		return SIGN_ERECOVER;
	address_of_pubkey(&pk, out);
	return CD_OK;
}

int sign_key_address(const uint8_t priv[32], struct address *out)
{
	secp256k1_pubkey pk;

	if (!priv || !out)
		return CD_EINVAL;
	if (secp256k1_ec_pubkey_create(sign_context(), &pk, priv) != 1)
		return CD_EKEY;
	address_of_pubkey(&pk, out);
	return CD_OK;
}

void sign_message_hash(const uint8_t *msg, size_t len, uint8_t digest[32])
{
	static const char prefix[] = "\x19" "Ethereum Signed Message:\n";
	struct keccak_ctx k;
	char num[24];
	int n;

	n = snprintf(num, sizeof(num), "%zu", len);
	keccak256_init(&k);
	keccak256_update(&k, (const uint8_t *)prefix, sizeof(prefix) - 1);
	keccak256_update(&k, (const uint8_t *)num, (size_t)n);
	keccak256_update(&k, msg, len);
	keccak256_final(&k, digest);
}

int sign_message(const uint8_t *msg, size_t len, const uint8_t priv[32], uint8_t sig[SIGN_SIG_SIZE])
{
	uint8_t digest[32], rs[64];
	int recid = 0, rc;

	if ((!msg && len) || !sig)
		return CD_EINVAL;
	sign_message_hash(msg, len, digest);
	rc = sign_digest(digest, priv, rs, &recid);
	if (rc == CD_OK) {
		memcpy(sig, rs, 64);
		sig[64] = (uint8_t)(27 + recid);
	}
	sodium_memzero(rs, sizeof(rs));
	return rc;
}

void sign_sig_format(const uint8_t sig[SIGN_SIG_SIZE], char out[SIGN_HEX_SIZE])
{
	hex_encode(out, SIGN_HEX_SIZE, sig, SIGN_SIG_SIZE, 1);
}

int sign_sig_parse(uint8_t sig[SIGN_SIG_SIZE], const char *s, size_t len)
{
	uint8_t tmp[SIGN_SIG_SIZE];

	if (!sig || !s || hex_decode_exact(tmp, sizeof(tmp), s, len) != CD_OK)
		return SIGN_EBADSIG;
	if (tmp[64] == 0 || tmp[64] == 1)
		tmp[64] = (uint8_t)(tmp[64] + 27);
	if (tmp[64] != 27 && tmp[64] != 28)
		return SIGN_EBADSIG;
	memcpy(sig, tmp, sizeof(tmp));
	return CD_OK;
}

int sign_message_recover(const uint8_t *msg, size_t len, const uint8_t sig[SIGN_SIG_SIZE],
                         struct address *out)
{
	uint8_t digest[32];
	int recid;

	if ((!msg && len) || !sig || !out)
		return CD_EINVAL;
	if (sig[64] == 0 || sig[64] == 1)
		recid = sig[64];
	else if (sig[64] == 27 || sig[64] == 28)
		recid = sig[64] - 27;
	else
		return SIGN_EBADSIG;
	sign_message_hash(msg, len, digest);
	return sign_recover_digest(digest, sig, recid, out);
}

int sign_message_verify(const uint8_t *msg, size_t len, const uint8_t sig[SIGN_SIG_SIZE],
                        const struct address *expected)
{
	struct address got;
	int rc;

	if (!expected)
		return CD_EINVAL;
	rc = sign_message_recover(msg, len, sig, &got);
	if (rc != CD_OK)
		return rc;
	return memcmp(got.b, expected->b, ADDRESS_SIZE) == 0 ? CD_OK : SIGN_EMISMATCH;
}
