/*
 * bip39 — mnemonic sentences (BIP-39, English word list): entropy to words,
 * validation with errors that say what is wrong, and the 64-byte seed.
 *
 * Secrecy: entropy, mnemonic text and seeds are secrets. Every function here
 * writes them only into buffers the caller passes in; callers allocate those
 * with sodium_malloc and free them with sodium_free. Temporaries are wiped with
 * sodium_memzero before return, on every path. Error messages never quote the
 * words of a mnemonic (a typo'd word is still most of a secret word): they name
 * positions and counts.
 *
 * Input text may use any case and any run of ASCII whitespace between words:
 * functions that read a mnemonic normalize it first (see bip39_normalize), and
 * the seed is computed on the normalized sentence.
 *
 * Passphrases (and mnemonics) are NFKD-normalised before PBKDF2, as BIP-39
 * asks (libunistring's u8_normalize): "é" typed as the one code point U+00E9
 * (NFC) or as "e" + U+0301 gives the same seed, the one MetaMask, Trezor and
 * the BIP-39 reference code derive. ASCII is unchanged by NFKD. A passphrase
 * that is not valid UTF-8 has no normal form and is used byte for byte.
 */
#ifndef CHAINDECK_BIP39_H
#define CHAINDECK_BIP39_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

enum {
	/* and the shared CD_EINVAL (entropy length or word count argument not
	 * supported), CD_ESPACE (output buffer too small), CD_ECRYPTO (the random
	 * source or PBKDF2 failed) */
	BIP39_ECOUNT = -1001,    /* mnemonic does not have 12, 15, 18, 21 or 24 words */
	BIP39_EWORD = -1002,     /* a word is not in the English list */
	BIP39_ECHECKSUM = -1003, /* all words known, but the checksum does not match */
	BIP39_EUTF8 = -1004      /* text that must be UTF-8 is not */
};

enum {
	BIP39_WORDS = 2048,          /* size of the word list */
	BIP39_WORD_MAX = 8,          /* longest English word, in bytes */
	BIP39_ENTROPY_MAX = 32,      /* bytes of entropy behind 24 words */
	BIP39_SEED_SIZE = 64,
	BIP39_MNEMONIC_SIZE = 216    /* 24 words of up to 8 letters, 23 spaces, NUL */
};

/* Word i (0..2047) of the English list, or NULL when i is out of range. */
const char *bip39_word(unsigned i);

/*
 * The index of word[0..len) in the English list (exact, lowercase match), or
 * -1 when it is not there. For completion and per-word checks while typing.
 */
int bip39_word_index(const char *word, size_t len);

/*
 * Writes the mnemonic for entropy[0..len) into out (NUL-terminated, words
 * separated by single spaces). len is 16, 20, 24, 28 or 32 bytes (12, 15, 18,
 * 21 or 24 words), else CD_EINVAL. Returns the text length or
 * CD_ESPACE (out is then wiped); BIP39_MNEMONIC_SIZE always suffices.
 */
int bip39_mnemonic_from_entropy(char *out, size_t cap, const uint8_t *entropy, size_t len);

/*
 * A new mnemonic of `words` words (12, 15, 18, 21 or 24; the product offers 12
 * and 24) from the system's random source (randombytes_buf). Calls sodium_init.
 * Returns the text length, CD_EINVAL, CD_ESPACE or CD_ECRYPTO.
 */
int bip39_mnemonic_generate(char *out, size_t cap, size_t words);

/*
 * Lowercases ASCII letters, turns every run of ASCII whitespace into one
 * space and trims both ends; other bytes are copied unchanged. out may equal
 * in. Returns the length written (NUL-terminated) or CD_ESPACE (out is
 * then wiped). A buffer of strlen(in) + 1 bytes always suffices.
 */
int bip39_normalize(char *out, size_t cap, const char *in);

/*
 * Decodes a mnemonic (any case and spacing) to its entropy, which goes to
 * entropy[0..*len) (*len = 16..32; entropy may be NULL to only check).
 * Errors are checked in this order, and the first one found is returned:
 *   BIP39_ECOUNT     not 12, 15, 18, 21 or 24 words;
 *   BIP39_EWORD      the first word not in the list; *bad_word (when not NULL)
 *                    gets its 1-based position;
 *   BIP39_ECHECKSUM  the checksum bits disagree with the entropy.
 * *bad_word is 0 unless BIP39_EWORD. On error, err (when errlen > 0) gets a
 * sentence for the user ("word 7 is not in the BIP-39 English word list") and
 * entropy is wiped.
 */
int bip39_mnemonic_to_entropy(uint8_t entropy[BIP39_ENTROPY_MAX], size_t *len,
			      const char *mnemonic, size_t *bad_word, char *err, size_t errlen);

/* bip39_mnemonic_to_entropy without the entropy: CD_OK for a valid mnemonic. */
int bip39_mnemonic_check(const char *mnemonic, size_t *bad_word, char *err, size_t errlen);

/*
 * The BIP-39 seed: PBKDF2-HMAC-SHA512 of the normalized mnemonic, salt
 * "mnemonic" + NFKD(passphrase), 2048 rounds. passphrase may be NULL (same
 * as ""). The mnemonic must be valid: its errors are those of
 * bip39_mnemonic_to_entropy, and seed is then left wiped. Takes a few
 * milliseconds; CD_ECRYPTO if PBKDF2 fails.
 */
int bip39_mnemonic_to_seed(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic,
			   const char *passphrase, char *err, size_t errlen);

/*
 * The seed as chaindeck derived it before passphrases were normalised: the
 * passphrase byte for byte. Only for opening vaults made then (see vault.h);
 * identical to bip39_mnemonic_to_seed when bip39_passphrase_is_nfkd.
 */
int bip39_mnemonic_to_seed_unnormalized(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic,
					const char *passphrase, char *err, size_t errlen);

/* 1 when NFKD leaves the passphrase as it is (ASCII, already NFKD, or not UTF-8), else 0. */
int bip39_passphrase_is_nfkd(const char *passphrase);

/*
 * The seed of a sentence of any BIP-39 word list, unchecked (the words are
 * not looked up): PBKDF2 of NFKD(mnemonic) with salt "mnemonic" +
 * NFKD(passphrase). For the other languages' reference vectors; a wallet
 * takes English mnemonics through bip39_mnemonic_to_seed. BIP39_EUTF8 when
 * the mnemonic is not UTF-8.
 */
int bip39_seed_from_text(uint8_t seed[BIP39_SEED_SIZE], const char *mnemonic, const char *passphrase);

/*
 * NFKD of the UTF-8 text in into out[cap] (NUL-terminated). Returns the
 * length, BIP39_EUTF8 (in is not valid UTF-8) or CD_ESPACE; out is wiped
 * on error. 11 * strlen(in) + 16 bytes always suffice.
 */
int bip39_nfkd(char *out, size_t cap, const char *in);

#endif
