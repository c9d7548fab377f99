/*
 * bip39 — see bip39.h. The bit layout: entropy || first len/4 bits of
 * SHA-256(entropy), read as big-endian 11-bit word indices.
 */
#include "wallet/bip39.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>
#include <uninorm.h>
#include <unistr.h>

#include "common/errmsg.h"

enum {
	PBKDF2_ROUNDS = 2048,
	SALT_PREFIX_LEN = 8 /* "mnemonic" */
};

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static unsigned char lower(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

static int valid_words(size_t words)
{
	return words >= 12 && words <= 24 && words % 3 == 0;
}

int bip39_word_index(const char *word, size_t len)
{
	int lo = 0, hi = BIP39_WORDS - 1;

	if (len == 0 || len > BIP39_WORD_MAX)
		return -1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const char *w = bip39_word((unsigned)mid);
		size_t wlen = strlen(w);
		size_t n = len < wlen ? len : wlen;
		int c = memcmp(word, w, n);

		if (c == 0)
			c = len < wlen ? -1 : len > wlen ? 1 : 0;
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

/* The 11-bit group number i of buf, big-endian bit order. */
static unsigned get11(const uint8_t *buf, size_t i)
{
	size_t bit = i * 11;
	unsigned v = 0;

	for (size_t k = 0; k < 11; k++, bit++)
		v = (v << 1) | ((buf[bit / 8] >> (7 - bit % 8)) & 1u);
	return v;
}

static void put11(uint8_t *buf, size_t i, unsigned v)
{
	size_t bit = i * 11;

	for (size_t k = 0; k < 11; k++, bit++)
		if (v & (1u << (10 - k)))
			buf[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
}

int bip39_mnemonic_from_entropy(char *out, size_t cap, const uint8_t *entropy, size_t len)
{
	uint8_t buf[BIP39_ENTROPY_MAX + 1];
	uint8_t hash[crypto_hash_sha256_BYTES];
	size_t words, need = 0, pos = 0;

	if (len < 16 || len > 32 || len % 4 != 0)
		return CD_EINVAL;
	words = len * 3 / 4;
	memcpy(buf, entropy, len);
	crypto_hash_sha256(hash, entropy, len);
	buf[len] = hash[0]; /* only the top len/4 bits (4..8) are read */
	for (size_t i = 0; i < words; i++)
		need += strlen(bip39_word(get11(buf, i))) + 1;
	if (need > cap) {
		sodium_memzero(buf, sizeof buf);
		sodium_memzero(hash, sizeof hash);
		if (out && cap > 0)
			sodium_memzero(out, cap);
		return CD_ESPACE;
	}
	for (size_t i = 0; i < words; i++) {
		const char *w = bip39_word(get11(buf, i));
		size_t wlen = strlen(w);

		if (i > 0)
			out[pos++] = ' ';
		memcpy(out + pos, w, wlen);
		pos += wlen;
	}
	out[pos] = '\0';
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(hash, sizeof hash);
	return (int)pos;
}

int bip39_mnemonic_generate(char *out, size_t cap, size_t words)
{
	uint8_t entropy[BIP39_ENTROPY_MAX];
	size_t len;
	int rc;

	if (!valid_words(words))
		return CD_EINVAL;
	if (sodium_init() < 0)
		return CD_ECRYPTO;
	len = words * 4 / 3;
	randombytes_buf(entropy, len);
	rc = bip39_mnemonic_from_entropy(out, cap, entropy, len);
	sodium_memzero(entropy, sizeof entropy);
	return rc;
}

int bip39_normalize(char *out, size_t cap, const char *in)
{
	size_t w = 0;
	int pending_space = 0;

	for (size_t r = 0; in[r] != '\0'; r++) {
		unsigned char c = (unsigned char)in[r];

		if (is_space(c)) {
			pending_space = w > 0;
			continue;
		}
		if (w + pending_space + 1 >= cap) {
			if (out && cap > 0)
				sodium_memzero(out, cap);
			return CD_ESPACE;
		}
		if (pending_space)
			out[w++] = ' ';
		pending_space = 0;
		out[w++] = (char)lower(c);
	}
	if (cap == 0)
		return CD_ESPACE;
	out[w] = '\0';
	return (int)w;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	int in_word = 0;

	for (; *s != '\0'; s++) {
		if (is_space((unsigned char)*s))
			in_word = 0;
		else if (!in_word) {
			in_word = 1;
			n++;
		}
	}
	return n;
}

int bip39_mnemonic_to_entropy(uint8_t entropy[BIP39_ENTROPY_MAX], size_t *len,
			      const char *mnemonic, size_t *bad_word, char *err, size_t errlen)
{
	uint8_t buf[BIP39_ENTROPY_MAX + 1];
	uint8_t hash[crypto_hash_sha256_BYTES];
	char word[BIP39_WORD_MAX + 1];
	size_t words, ent_len, cs_bits, i = 0;
	const char *p = mnemonic;
	int rc = CD_OK;

	if (bad_word)
		*bad_word = 0;
	if (len)
		*len = 0;
	words = count_words(mnemonic);
	if (!valid_words(words)) {
		set_err(err, errlen, "%zu words; a mnemonic has 12, 15, 18, 21 or 24", words);
		if (entropy)
			sodium_memzero(entropy, BIP39_ENTROPY_MAX);
		return BIP39_ECOUNT;
	}
	memset(buf, 0, sizeof buf);
	while (i < words) {
		size_t n = 0;
		int idx;

		while (is_space((unsigned char)*p))
			p++;
		while (*p != '\0' && !is_space((unsigned char)*p)) {
			if (n < sizeof word)
				word[n] = (char)lower((unsigned char)*p);
			n++;
			p++;
		}
		idx = n <= BIP39_WORD_MAX ? bip39_word_index(word, n) : -1;
		if (idx < 0) {
			if (bad_word)
				*bad_word = i + 1;
			set_err(err, errlen, "word %zu of %zu is not in the BIP-39 English word list",
				i + 1, words);
			rc = BIP39_EWORD;
			goto out;
		}
		put11(buf, i, (unsigned)idx);
		i++;
	}
	ent_len = words * 4 / 3;
	cs_bits = ent_len / 4;
	crypto_hash_sha256(hash, buf, ent_len);
	if ((hash[0] >> (8 - cs_bits)) != (buf[ent_len] >> (8 - cs_bits))) {
		set_err(err, errlen, "bad checksum: the %zu words are all in the list, "
			"but one is wrong or two are swapped", words);
		rc = BIP39_ECHECKSUM;
		goto out;
	}
	if (entropy)
		memcpy(entropy, buf, ent_len);
	if (len)
		*len = ent_len;
out:
	if (rc != CD_OK && entropy)
		sodium_memzero(entropy, BIP39_ENTROPY_MAX);
	sodium_memzero(buf, sizeof buf);
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(word, sizeof word);
	return rc;
}

int bip39_mnemonic_check(const char *mnemonic, size_t *bad_word, char *err, size_t errlen)
{
	return bip39_mnemonic_to_entropy(NULL, NULL, mnemonic, bad_word, err, errlen);
}

int bip39_nfkd(char *out, size_t cap, const char *in)
{
	size_t len = strlen(in), outlen = cap;
	uint8_t *r;

	if (cap == 0)
		return CD_ESPACE;
	/* u8_normalize would turn bad bytes into U+FFFD: refuse them instead. */
	if (u8_check((const uint8_t *)in, len) != NULL) {
		sodium_memzero(out, cap);
		return BIP39_EUTF8;
	}
	/* resultbuf must hold the NUL too: ask for at most cap - 1 bytes of text. */
	outlen = cap - 1;
	r = u8_normalize(UNINORM_NFKD, (const uint8_t *)in, len, (uint8_t *)out, &outlen);
	if (!r) {
		sodium_memzero(out, cap);
		return BIP39_EUTF8;
	}
	if (r != (uint8_t *)out) {
		/* libunistring allocated: the text did not fit. Wipe its copy. */
		sodium_memzero(r, outlen);
		free(r);
		sodium_memzero(out, cap);
		return CD_ESPACE;
	}
	if (outlen > INT_MAX) {
		sodium_memzero(out, cap);
		return CD_ESPACE;
	}
	out[outlen] = '\0';
	return (int)outlen;
}

/* Room for the NFKD form of n bytes: one code point decomposes to at most 18 (U+FDFA), 11x the bytes. */
static size_t nfkd_cap(size_t n)
{
	return n * 11 + 16;
}

/*
 * PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048) into seed.
 * With nfkd, both texts are NFKD-normalised first (a passphrase that is not
 * valid UTF-8 has no normal form and is used as given); without, byte for byte.
 */
static int pbkdf2_seed(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic, const char *passphrase,
		       int nfkd, char *err, size_t errlen)
{
	size_t mlen = strlen(mnemonic), plen = passphrase ? strlen(passphrase) : 0;
	size_t mcap = nfkd_cap(mlen), pcap = nfkd_cap(plen);
	char *m = NULL, *p = NULL;
	unsigned char *salt = NULL;
	int rc = CD_OK, n, ok;

	sodium_memzero(seed, BIP39_SEED_SIZE);
	if (mlen > (size_t)INT_MAX / 16 || plen > (size_t)INT_MAX / 16) {
		set_err(err, errlen, "mnemonic or passphrase too long");
		return CD_EINVAL;
	}
	m = sodium_malloc(mcap);
	p = sodium_malloc(pcap);
	salt = sodium_malloc(SALT_PREFIX_LEN + pcap);
	if (!m || !p || !salt)
		abort();
	if (nfkd) {
		n = bip39_nfkd(m, mcap, mnemonic);
		if (n < 0) {
			set_err(err, errlen, "the mnemonic is not valid UTF-8");
			rc = n;
			goto out;
		}
		mlen = (size_t)n;
		n = bip39_nfkd(p, pcap, passphrase ? passphrase : "");
		if (n == BIP39_EUTF8) {
			memcpy(p, passphrase, plen + 1);
		} else if (n < 0) {
			rc = n;
			goto out;
		} else {
			plen = (size_t)n;
		}
	} else {
		memcpy(m, mnemonic, mlen + 1);
		memcpy(p, passphrase ? passphrase : "", plen + 1);
	}
	memcpy(salt, "mnemonic", SALT_PREFIX_LEN);
	memcpy(salt + SALT_PREFIX_LEN, p, plen);
	ok = PKCS5_PBKDF2_HMAC(m, (int)mlen, salt, (int)(SALT_PREFIX_LEN + plen), PBKDF2_ROUNDS,
			       EVP_sha512(), BIP39_SEED_SIZE, seed);
	if (ok != 1) {
		sodium_memzero(seed, BIP39_SEED_SIZE);
		set_err(err, errlen, "PBKDF2 failed");
		rc = CD_ECRYPTO;
	}
out:
	sodium_free(m);
	sodium_free(p);
	sodium_free(salt);
	return rc;
}

int bip39_seed_from_text(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic, const char *passphrase)
{
	return pbkdf2_seed(seed, mnemonic, passphrase, 1, NULL, 0);
}

int bip39_passphrase_is_nfkd(const char *passphrase)
{
	size_t len = passphrase ? strlen(passphrase) : 0, cap = nfkd_cap(len);
	char *p;
	int n, same;

	if (len == 0)
		return 1;
	p = sodium_malloc(cap);
	if (!p)
		abort();
	n = bip39_nfkd(p, cap, passphrase);
	/* Not UTF-8: it has no normal form and is used as given, as it always was. */
	same = n == BIP39_EUTF8 || (n >= 0 && (size_t)n == len && memcmp(p, passphrase, len) == 0);
	sodium_free(p);
	return same;
}

/* The English mnemonic checked and normalised (case, spacing) into norm[BIP39_MNEMONIC_SIZE]. */
static int english_normalized(char norm[BIP39_MNEMONIC_SIZE], const char *mnemonic, char *err, size_t errlen)
{
	int rc = bip39_mnemonic_check(mnemonic, NULL, err, errlen);

	if (rc != CD_OK)
		return rc;
	/* A valid mnemonic of at most 24 known words always fits. */
	if (bip39_normalize(norm, BIP39_MNEMONIC_SIZE, mnemonic) < 0) {
		sodium_memzero(norm, BIP39_MNEMONIC_SIZE);
		return CD_ESPACE;
	}
	return CD_OK;
}

int bip39_mnemonic_to_seed(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic,
			   const char *passphrase, char *err, size_t errlen)
{
	char norm[BIP39_MNEMONIC_SIZE];
	int rc;

	sodium_memzero(seed, BIP39_SEED_SIZE);
	rc = english_normalized(norm, mnemonic, err, errlen);
	if (rc == CD_OK)
		rc = pbkdf2_seed(seed, norm, passphrase, 1, err, errlen);
	sodium_memzero(norm, sizeof norm);
	return rc;
}

int bip39_mnemonic_to_seed_unnormalized(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic,
					const char *passphrase, char *err, size_t errlen)
{
	char norm[BIP39_MNEMONIC_SIZE];
	int rc;

	sodium_memzero(seed, BIP39_SEED_SIZE);
	rc = english_normalized(norm, mnemonic, err, errlen);
	if (rc == CD_OK)
		rc = pbkdf2_seed(seed, norm, passphrase, 0, err, errlen);
	sodium_memzero(norm, sizeof norm);
	return rc;
}
