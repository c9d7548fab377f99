/*
 * sign — secp256k1 signatures as Ethereum uses them, and EIP-191 messages.
 *
 * The digest primitives (sign_digest, sign_recover_digest) are the one place
 * the wallet signs with libsecp256k1: transactions (wallet/tx) sign through them.
 * Signing is deterministic (RFC 6979 nonces) and always yields low-s
 * signatures, so the same key and digest give the same bytes every time.
 *
 * Private keys are only ever read from the caller's memory (normally
 * sodium_malloc'd); no copy of a key outlives a call, and temporaries that
 * held secret-dependent data are wiped before returning.
 *
 * personal_sign (EIP-191 version 0x45) hashes
 *   keccak256("\x19Ethereum Signed Message:\n" + decimal(len) + message)
 * and its signature travels as 65 bytes r || s || v with v = 27 or 28.
 */
#ifndef CHAINDECK_SIGN_H
#define CHAINDECK_SIGN_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

#include "common/address.h"

enum {
	/* and the shared CD_EINVAL (bad argument), CD_EKEY (a private key that is
	 * zero or not below the curve order) */
	SIGN_EBADSIG = -1301,   /* malformed signature: bad hex, wrong length, v not 0/1/27/28, r or s out of range */
	SIGN_ERECOVER = -1302,  /* well-formed, but no public key recovers from it */
	SIGN_EMISMATCH = -1303  /* verification: it recovers to another address */
};

enum {
	SIGN_SIG_SIZE = 65,  /* r || s || v */
	SIGN_HEX_SIZE = 133  /* "0x" + 130 digits + NUL */
};

/*
 * The process's one libsecp256k1 context for secret-key operations (the
 * type is secp256k1.h's secp256k1_context). Created on first use under
 * pthread_once and blinded with randombytes from libsodium; after that it
 * is only read, so any thread may use it at once (libsecp256k1 allows
 * concurrent calls that take a const context). Never NULL: if it cannot be
 * made (out of memory), the process aborts with a message. Operations on
 * public data alone may use secp256k1_context_static instead.
 */
const struct secp256k1_context_struct *sign_context(void);

/*
 * Signs a 32-byte digest. rs gets r || s (big-endian, s low), *recid the
 * recovery id (0 or 1: the parity of the nonce point's y). CD_EKEY for an
 * invalid key, CD_EINVAL for a NULL argument; rs and *recid are untouched on
 * error.
 */
int sign_digest(const uint8_t digest[32], const uint8_t priv[32], uint8_t rs[64], int *recid);

/*
 * The address whose key signed digest with (rs, recid). High s is accepted
 * here (as ecrecover does); callers that require low s check it themselves.
 * SIGN_EBADSIG when r or s is 0 or not below the curve order or recid is not
 * 0..3; SIGN_ERECOVER when no key recovers.
 */
int sign_recover_digest(const uint8_t digest[32], const uint8_t rs[64], int recid, struct address *out);

/* The address of a private key (CD_EKEY for an invalid key). */
int sign_key_address(const uint8_t priv[32], struct address *out);

/* The EIP-191 personal_sign digest of msg[0..len) (msg may be NULL when len is 0). */
void sign_message_hash(const uint8_t *msg, size_t len, uint8_t digest[32]);

/* personal_sign: sig gets r || s || v, v = 27 + recid. */
int sign_message(const uint8_t *msg, size_t len, const uint8_t priv[32], uint8_t sig[SIGN_SIG_SIZE]);

/* "0x" + 130 lowercase digits, NUL-terminated. */
void sign_sig_format(const uint8_t sig[SIGN_SIG_SIZE], char out[SIGN_HEX_SIZE]);
/* Parses 65 bytes of hex ("0x" optional); v must be 0, 1, 27 or 28 and is
 * normalised to 27/28. SIGN_EBADSIG otherwise; *sig is set only on success. */
int sign_sig_parse(uint8_t sig[SIGN_SIG_SIZE], const char *s, size_t len);

/* The signer of a personal_sign signature (v 0, 1, 27 or 28). */
int sign_message_recover(const uint8_t *msg, size_t len, const uint8_t sig[SIGN_SIG_SIZE],
                         struct address *out);
/* CD_OK when sig over msg recovers to expected, SIGN_EMISMATCH when to
 * another address, or the error that stopped recovery. */
int sign_message_verify(const uint8_t *msg, size_t len, const uint8_t sig[SIGN_SIG_SIZE],
                        const struct address *expected);

#endif
