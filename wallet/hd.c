/*
 * hd — see hd.h. HMAC-SHA512 and SHA-256 come from libsodium, RIPEMD-160
 * (for key fingerprints only) from libcrypto, the curve from libsecp256k1.
 */
#include "wallet/hd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <secp256k1.h>
#include <sodium.h>

#include "common/errmsg.h"
#include "wallet/sign.h"

enum {
	XKEY_RAW_SIZE = 78,  /* version, depth, fingerprint, child, chain code, key */
	XKEY_CHECK_SIZE = 4,
	FP_SIZE = 4
};

static const uint8_t XPRV_VERSION[4] = { 0x04, 0x88, 0xad, 0xe4 };
static const uint8_t XPUB_VERSION[4] = { 0x04, 0x88, 0xb2, 0x1e };
static const char BASE58[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void hmac_sha512(uint8_t out[64], const uint8_t *key, size_t keylen,
			const uint8_t *in, size_t len)
{
	crypto_auth_hmacsha512_state st;

	crypto_auth_hmacsha512_init(&st, key, keylen);
	crypto_auth_hmacsha512_update(&st, in, len);
	crypto_auth_hmacsha512_final(&st, out);
	sodium_memzero(&st, sizeof st);
}

int hd_master_from_seed(struct hd_node *out, const uint8_t *seed, size_t len)
{
	static const uint8_t hmac_key[] = "Bitcoin seed";
	uint8_t I[64];

	if (!seed || len < 16 || len > 64)
		return CD_EINVAL;
	hmac_sha512(I, hmac_key, sizeof hmac_key - 1, seed, len);
	if (!secp256k1_ec_seckey_verify(sign_context(), I)) {
		sodium_memzero(I, sizeof I);
		return HD_EDERIVE;
	}
	memcpy(out->key, I, 32);
	memcpy(out->chain_code, I + 32, 32);
	memset(out->parent_fp, 0, sizeof out->parent_fp);
	out->child = 0;
	out->depth = 0;
	sodium_memzero(I, sizeof I);
	return CD_OK;
}

int hd_public_key(uint8_t pub[HD_PUBKEY_SIZE], const struct hd_node *node)
{
	secp256k1_pubkey pk;
	size_t n = HD_PUBKEY_SIZE;

	if (!secp256k1_ec_pubkey_create(sign_context(), &pk, node->key))
		return CD_ECRYPTO;
	secp256k1_ec_pubkey_serialize(sign_context(), pub, &n, &pk, SECP256K1_EC_COMPRESSED);
	return CD_OK;
}

/* First 4 bytes of RIPEMD-160(SHA-256(pub)). */
static int fingerprint(uint8_t fp[FP_SIZE], const uint8_t pub[HD_PUBKEY_SIZE])
{
	uint8_t sha[crypto_hash_sha256_BYTES];
	uint8_t rmd[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	crypto_hash_sha256(sha, pub, HD_PUBKEY_SIZE);
	if (EVP_Digest(sha, sizeof sha, rmd, &n, EVP_ripemd160(), NULL) != 1 || n != 20)
		return CD_ECRYPTO;
	memcpy(fp, rmd, FP_SIZE);
	return CD_OK;
}

int hd_derive_child(struct hd_node *out, const struct hd_node *parent, uint32_t index)
{
	uint8_t pub[HD_PUBKEY_SIZE];
	uint8_t data[1 + 32 + 4];
	uint8_t I[64];
	uint8_t key[32];
	uint8_t fp[FP_SIZE];
	int rc;

	if (parent->depth == 255)
		return HD_EDEPTH;
	rc = hd_public_key(pub, parent);
	if (rc != CD_OK)
		return rc;
	rc = fingerprint(fp, pub);
	if (rc != CD_OK)
		return rc;
	if (index & HD_HARDENED) {
		data[0] = 0;
		memcpy(data + 1, parent->key, 32);
	} else {
		memcpy(data, pub, HD_PUBKEY_SIZE);
	}
	put32be(data + 33, index);
	hmac_sha512(I, parent->chain_code, sizeof parent->chain_code, data, sizeof data);
	memcpy(key, parent->key, 32);
	/* Fails when I_L >= n or the sum is zero: both make the child invalid. */
	if (!secp256k1_ec_seckey_tweak_add(sign_context(), key, I)) {
		rc = HD_EDERIVE;
	} else {
		memcpy(out->key, key, 32);
		memcpy(out->chain_code, I + 32, 32);
		memcpy(out->parent_fp, fp, FP_SIZE);
		out->child = index;
		out->depth = (uint8_t)(parent->depth + 1);
	}
	sodium_memzero(data, sizeof data);
	sodium_memzero(I, sizeof I);
	sodium_memzero(key, sizeof key);
	return rc;
}

int hd_path_parse(struct hd_path *out, const char *text, char *err, size_t errlen)
{
	const char *p = text;

	out->len = 0;
	if (!text || *text == '\0') {
		set_err(err, errlen, "the path is empty");
		return HD_EPATH;
	}
	if (*p != 'm') {
		set_err(err, errlen, "a path starts with \"m\"");
		return HD_EPATH;
	}
	p++;
	while (*p != '\0') {
		size_t level = out->len + 1;
		uint64_t v = 0; /* wider than an index, so the range check below sees every digit */
		const char *digits;

		if (*p != '/') {
			set_err(err, errlen, "level %zu: expected \"/\" before it", level);
			return HD_EPATH;
		}
		p++;
		if (out->len == HD_PATH_MAX) {
			set_err(err, errlen, "more than %d levels", HD_PATH_MAX);
			return HD_EDEPTH;
		}
		digits = p;
		if (*p == '\0' || *p == '/') {
			set_err(err, errlen, "level %zu is empty", level);
			return HD_EPATH;
		}
		if (*p < '0' || *p > '9') {
			set_err(err, errlen, "level %zu: not a decimal index", level);
			return HD_EPATH;
		}
		while (*p >= '0' && *p <= '9') {
			if (p > digits && *digits == '0') {
				set_err(err, errlen, "level %zu: leading zero", level);
				return HD_EPATH;
			}
			v = v * 10 + (uint64_t)(*p - '0');
			if (v >= HD_HARDENED) {
				set_err(err, errlen, "level %zu: index above 2147483647 "
					"(mark a hardened index with ' instead of adding 2^31)", level);
				return CD_ERANGE;
			}
			p++;
		}
		if (*p == '\'' || *p == 'h' || *p == 'H') {
			v |= HD_HARDENED;
			p++;
		}
		if (*p != '\0' && *p != '/') {
			set_err(err, errlen, "level %zu: unexpected character after the index", level);
			return HD_EPATH;
		}
		out->index[out->len++] = (uint32_t)v;
	}
	return CD_OK;
}

int hd_path_format(char *out, size_t cap, const struct hd_path *path)
{
	char buf[HD_PATH_TEXT_SIZE];
	size_t pos = 0;

	if (path->len > HD_PATH_MAX)
		return CD_EINVAL;
	buf[pos++] = 'm';
	for (size_t i = 0; i < path->len; i++) {
		uint32_t v = path->index[i];
		int n = snprintf(buf + pos, sizeof buf - pos, "/%lu%s",
				 (unsigned long)(v & ~HD_HARDENED), (v & HD_HARDENED) ? "'" : "");

		pos += (size_t)n;
	}
	buf[pos] = '\0';
	if (pos + 1 > cap)
		return CD_ESPACE;
	memcpy(out, buf, pos + 1);
	return (int)pos;
}

int hd_derive_path(struct hd_node *out, const struct hd_node *root, const struct hd_path *path)
{
	struct hd_node node;
	int rc = CD_OK;

	if (root->depth != 0 || path->len > HD_PATH_MAX)
		return CD_EINVAL;
	node = *root;
	for (size_t i = 0; i < path->len && rc == CD_OK; i++)
		rc = hd_derive_child(&node, &node, path->index[i]);
	if (rc == CD_OK)
		*out = node;
	sodium_memzero(&node, sizeof node);
	return rc;
}

int hd_address_from_key(struct address *out, const uint8_t key[HD_KEY_SIZE])
{
	return sign_key_address(key, out);
}

int hd_eth_account(uint8_t key[HD_KEY_SIZE], struct address *addr, const struct hd_node *master,
		   uint32_t index)
{
	struct hd_path path = {
		.index = { 44 | HD_HARDENED, 60 | HD_HARDENED, 0 | HD_HARDENED, 0, index },
		.len = 5
	};
	struct hd_node node;
	int rc;

	if (index & HD_HARDENED)
		return CD_ERANGE;
	if (master->depth != 0)
		return CD_EINVAL;
	rc = hd_derive_path(&node, master, &path);
	if (rc == CD_OK && addr)
		rc = hd_address_from_key(addr, node.key);
	if (rc == CD_OK && key)
		memcpy(key, node.key, HD_KEY_SIZE);
	sodium_memzero(&node, sizeof node);
	return rc;
}

/* Base58 of in[0..len) (len <= 82) with one leading '1' per leading zero byte. */
static int base58_encode(char *out, size_t cap, const uint8_t *in, size_t len)
{
	uint8_t digits[HD_XKEY_TEXT_SIZE]; /* base-58 digits, least significant first */
	size_t ndigits = 0, zeros = 0, total;
	int rc;

	while (zeros < len && in[zeros] == 0)
		zeros++;
	for (size_t i = zeros; i < len; i++) {
		unsigned carry = in[i];

		for (size_t j = 0; j < ndigits; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		while (carry > 0) {
			digits[ndigits++] = (uint8_t)(carry % 58);
			carry /= 58;
		}
	}
	total = zeros + ndigits;
	if (total + 1 > cap) {
		rc = CD_ESPACE;
	} else {
		for (size_t i = 0; i < zeros; i++)
			out[i] = '1';
		for (size_t i = 0; i < ndigits; i++)
			out[zeros + i] = BASE58[digits[ndigits - 1 - i]];
		out[total] = '\0';
		rc = (int)total;
	}
	sodium_memzero(digits, sizeof digits);
	return rc;
}

static int xkey_format(char *out, size_t cap, const struct hd_node *node, int private)
{
	uint8_t raw[XKEY_RAW_SIZE + XKEY_CHECK_SIZE];
	uint8_t h[crypto_hash_sha256_BYTES];
	int rc = CD_OK;

	memcpy(raw, private ? XPRV_VERSION : XPUB_VERSION, 4);
	raw[4] = node->depth;
	memcpy(raw + 5, node->parent_fp, 4);
	put32be(raw + 9, node->child);
	memcpy(raw + 13, node->chain_code, 32);
	if (private) {
		raw[45] = 0;
		memcpy(raw + 46, node->key, 32);
	} else {
		rc = hd_public_key(raw + 45, node);
	}
	if (rc == CD_OK) {
		crypto_hash_sha256(h, raw, XKEY_RAW_SIZE);
		crypto_hash_sha256(h, h, sizeof h);
		memcpy(raw + XKEY_RAW_SIZE, h, XKEY_CHECK_SIZE);
		rc = base58_encode(out, cap, raw, sizeof raw);
	}
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(h, sizeof h);
	return rc;
}

int hd_xprv_format(char *out, size_t cap, const struct hd_node *node)
{
	return xkey_format(out, cap, node, 1);
}

int hd_xpub_format(char *out, size_t cap, const struct hd_node *node)
{
	return xkey_format(out, cap, node, 0);
}
