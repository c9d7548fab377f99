/*
 * bip39: mnemonics against the BIP's English list and the python-mnemonic
 * (Trezor) and ethers vectors: entropy, checksum, normalisation, seeds.
 */
#include "common/hex.h"
#include "tests/lib/test.h"
#include "wallet/bip39.h"

#include <cjson/cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREZOR_VECTORS "tests/vectors/bip39/python-mnemonic/vectors.json"
#define ETHERS_MNEMONICS "tests/vectors/bip39/ethers.js/testcases/mnemonics.json.gz"
#define ENGLISH_TXT "tests/vectors/bip39/bitcoin-bips/bip-0039/english.txt"
#define JP_VECTORS "tests/vectors/bip39/bip32JP/test_JP_BIP39.json"

static const char ZERO12[] =
	"abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/* One English vector: entropy, mnemonic, seed, and the passphrase the seed was made with. */
struct vec {
	uint8_t entropy[BIP39_ENTROPY_MAX];
	size_t entropy_len;
	char mnemonic[BIP39_MNEMONIC_SIZE];
	uint8_t seed[BIP39_SEED_SIZE];
	char passphrase[128];
	char name[48];
};

enum { MAX_VECS = 64 };

/* trezor/python-mnemonic: english = [[entropy, mnemonic, seed, xprv], ...], passphrase "TREZOR". */
static size_t trezor_vectors(struct vec *out, size_t cap)
{
	char *text = test_read_file(TREZOR_VECTORS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(root, "english"), *row;
	size_t n = 0;

	CHECK(cJSON_IsArray(en));
	cJSON_ArrayForEach(row, en) {
		const char *ent = cJSON_GetStringValue(cJSON_GetArrayItem(row, 0));
		const char *mn = cJSON_GetStringValue(cJSON_GetArrayItem(row, 1));
		const char *seed = cJSON_GetStringValue(cJSON_GetArrayItem(row, 2));
		struct vec *v = &out[n];

		if (n == cap || !ent || !mn || !seed || strlen(mn) >= sizeof v->mnemonic) {
			CHECK_MSG(0, "trezor vector %zu malformed or too many", n);
			break;
		}
		CHECK(hex_decode(v->entropy, sizeof v->entropy, &v->entropy_len, ent, strlen(ent)) == CD_OK);
		CHECK(hex_decode_exact(v->seed, sizeof v->seed, seed, strlen(seed)) == CD_OK);
		strcpy(v->mnemonic, mn);
		strcpy(v->passphrase, "TREZOR");
		snprintf(v->name, sizeof v->name, "trezor english #%zu", n);
		n++;
	}
	cJSON_Delete(root);
	free(text);
	return n;
}

/*
 * ethers.js mnemonics.json, English cases: phrase and password are hex of UTF-8.
 * ascii selects the cases whose passphrase is ASCII (1) or not (0).
 */
static size_t ethers_vectors(struct vec *out, size_t cap, int ascii)
{
	char *text = test_read_gz(ETHERS_MNEMONICS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *c;
	size_t n = 0;

	CHECK(cJSON_IsArray(root));
	cJSON_ArrayForEach(c, root) {
		const char *locale = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "locale"));
		const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "name"));
		const char *phrase = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "phrase"));
		const char *pass = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "password"));
		const char *ent = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "entropy"));
		const char *seed = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "seed"));
		struct vec *v = &out[n];
		size_t len, plen;
		int is_ascii = 1;

		if (!locale || strcmp(locale, "en") != 0)
			continue;
		if (n == cap || !name || !phrase || !pass || !ent || !seed) {
			CHECK_MSG(0, "ethers case %zu malformed or too many", n);
			break;
		}
		CHECK(hex_decode((uint8_t *)v->mnemonic, sizeof v->mnemonic - 1, &len, phrase, strlen(phrase)) == CD_OK);
		v->mnemonic[len] = '\0';
		CHECK(hex_decode((uint8_t *)v->passphrase, sizeof v->passphrase - 1, &plen, pass, strlen(pass)) == CD_OK);
		v->passphrase[plen] = '\0';
		for (size_t i = 0; i < plen; i++)
			if ((unsigned char)v->passphrase[i] >= 0x80)
				is_ascii = 0;
		if (is_ascii != ascii)
			continue;
		CHECK(hex_decode(v->entropy, sizeof v->entropy, &v->entropy_len, ent, strlen(ent)) == CD_OK);
		CHECK(hex_decode_exact(v->seed, sizeof v->seed, seed, strlen(seed)) == CD_OK);
		snprintf(v->name, sizeof v->name, "%s", name);
		n++;
	}
	cJSON_Delete(root);
	free(text);
	return n;
}

/* Secrets in tests live where the product keeps them: sodium_malloc memory. */
static void *secret_alloc(size_t n)
{
	void *p;

	if (sodium_init() < 0)
		abort();
	p = sodium_malloc(n);
	if (!p)
		abort();
	return p;
}

static void check_entropy_to_mnemonic(const struct vec *v, size_t n)
{
	char *out = secret_alloc(BIP39_MNEMONIC_SIZE);

	for (size_t i = 0; i < n; i++) {
		int rc = bip39_mnemonic_from_entropy(out, BIP39_MNEMONIC_SIZE, v[i].entropy, v[i].entropy_len);

		CHECK_MSG(rc == (int)strlen(v[i].mnemonic), "%s: rc %d", v[i].name, rc);
		CHECK_MSG(strcmp(out, v[i].mnemonic) == 0, "%s: got \"%s\"", v[i].name, out);
	}
	sodium_free(out);
}

static void check_mnemonic_to_entropy(const struct vec *v, size_t n)
{
	uint8_t *ent = secret_alloc(BIP39_ENTROPY_MAX);

	for (size_t i = 0; i < n; i++) {
		size_t len = 0, bad = 99;
		char err[128] = "";
		int rc = bip39_mnemonic_to_entropy(ent, &len, v[i].mnemonic, &bad, err, sizeof err);

		CHECK_MSG(rc == CD_OK, "%s: rc %d (%s)", v[i].name, rc, err);
		CHECK_INT(len, v[i].entropy_len);
		CHECK_INT(bad, 0);
		CHECK_MSG(memcmp(ent, v[i].entropy, v[i].entropy_len) == 0, "%s: entropy differs", v[i].name);
	}
	sodium_free(ent);
}

static void check_seed(const struct vec *v, size_t n)
{
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);

	for (size_t i = 0; i < n; i++) {
		char err[128] = "";
		int rc = bip39_mnemonic_to_seed(seed, v[i].mnemonic, v[i].passphrase, err, sizeof err);

		CHECK_MSG(rc == CD_OK, "%s: rc %d (%s)", v[i].name, rc, err);
		CHECK_MSG(memcmp(seed, v[i].seed, BIP39_SEED_SIZE) == 0, "%s: seed differs", v[i].name);
	}
	sodium_free(seed);
}

static void word_list_is_bip39_english_txt(void)
{
	char *text = test_read_file(ENGLISH_TXT, NULL);
	char *save = NULL, *line;
	unsigned n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *w = bip39_word(n);

		CHECK_MSG(w && strcmp(w, line) == 0, "word %u: \"%s\", file says \"%s\"", n, w ? w : "(null)", line);
		n++;
	}
	CHECK_INT(n, BIP39_WORDS);
	CHECK(bip39_word(BIP39_WORDS) == NULL);
	free(text);
}

static void word_list_is_sorted_short_and_prefix_unique(void)
{
	for (unsigned i = 0; i < BIP39_WORDS; i++) {
		const char *w = bip39_word(i);

		CHECK_MSG(strlen(w) >= 3 && strlen(w) <= BIP39_WORD_MAX, "word %u has length %zu", i, strlen(w));
		if (i > 0) {
			const char *prev = bip39_word(i - 1);

			CHECK_MSG(strcmp(prev, w) < 0, "word %u out of order", i);
			CHECK_MSG(strncmp(prev, w, 4) != 0, "words %u and %u share a 4-letter prefix", i - 1, i);
		}
	}
}

static void word_index_finds_every_word(void)
{
	for (unsigned i = 0; i < BIP39_WORDS; i++) {
		const char *w = bip39_word(i);

		CHECK_INT(bip39_word_index(w, strlen(w)), i);
	}
}

static void word_index_rejects_prefixes_case_and_extensions(void)
{
	static const char *const bad[] = { "", "aban", "abandonx", "Abandon", "ABOUT", "zoo ", "zzz", "a" };

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(bip39_word_index(bad[i], strlen(bad[i])) == -1, "\"%s\" found", bad[i]);
	CHECK_INT(bip39_word_index("zoology", 3), 2047); /* only len bytes are read */
}

static void trezor_vectors_encode_entropy_to_their_mnemonic(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = trezor_vectors(v, MAX_VECS);

	CHECK_INT(n, 24);
	check_entropy_to_mnemonic(v, n);
	free(v);
}

static void trezor_vectors_decode_mnemonic_to_their_entropy(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = trezor_vectors(v, MAX_VECS);

	check_mnemonic_to_entropy(v, n);
	free(v);
}

static void trezor_vectors_give_their_seed_with_passphrase_TREZOR(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = trezor_vectors(v, MAX_VECS);

	check_seed(v, n);
	free(v);
}

static void ethers_english_vectors_round_trip_entropy(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = ethers_vectors(v, MAX_VECS, 1);

	CHECK_INT(n, 25); /* per word count: zeros and ones without passphrase, "Hello", "World", one random */
	check_entropy_to_mnemonic(v, n);
	check_mnemonic_to_entropy(v, n);
	free(v);
}

static void ethers_english_vectors_with_ascii_passphrases_give_their_seed(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = ethers_vectors(v, MAX_VECS, 1);

	check_seed(v, n);
	free(v);
}

/*
 * The ethers passphrases with "é" are NFC text (U+00E9) and ethers normalizes
 * them to NFKD ("e" + U+0301) first. Given in NFKD, ours match; the test does
 * the one decomposition those passphrases need ("🚀" has none).
 */
static void ethers_non_ascii_passphrases_match_when_given_in_nfkd(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = ethers_vectors(v, MAX_VECS, 0);

	CHECK_INT(n, 15);
	for (size_t i = 0; i < n; i++) {
		char nfkd[sizeof v[i].passphrase * 2];
		const char *p = v[i].passphrase;
		size_t w = 0;

		while (*p) {
			if ((unsigned char)p[0] == 0xc3 && (unsigned char)p[1] == 0xa9) {
				memcpy(nfkd + w, "e\xcc\x81", 3);
				w += 3;
				p += 2;
			} else {
				nfkd[w++] = *p++;
			}
		}
		nfkd[w] = '\0';
		CHECK_MSG(w < sizeof v[i].passphrase, "%s: passphrase too long", v[i].name);
		if (w < sizeof v[i].passphrase)
			memcpy(v[i].passphrase, nfkd, w + 1);
	}
	check_seed(v, n);
	free(v);
}

/*
 * The ethers passphrases with "é" are NFC text (U+00E9), exactly as in the
 * file; ethers normalizes them to NFKD before PBKDF2, and so must we.
 */
static void ethers_non_ascii_passphrases_give_their_seed_as_given(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = ethers_vectors(v, MAX_VECS, 0);

	CHECK_INT(n, 15);
	check_seed(v, n);
	free(v);
}

static void nfc_and_nfd_passphrases_give_one_seed(void)
{
	uint8_t *a = secret_alloc(BIP39_SEED_SIZE), *b = secret_alloc(BIP39_SEED_SIZE);

	CHECK_INT(bip39_mnemonic_to_seed(a, ZERO12, "caf\xc3\xa9", NULL, 0), CD_OK);
	CHECK_INT(bip39_mnemonic_to_seed(b, ZERO12, "cafe\xcc\x81", NULL, 0), CD_OK);
	CHECK(memcmp(a, b, BIP39_SEED_SIZE) == 0);
	CHECK_INT(bip39_passphrase_is_nfkd("cafe\xcc\x81"), 1);
	CHECK_INT(bip39_passphrase_is_nfkd("caf\xc3\xa9"), 0);
	CHECK_INT(bip39_passphrase_is_nfkd("TREZOR"), 1);
	/* Not UTF-8: no normal form; used byte for byte, as before. */
	CHECK_INT(bip39_passphrase_is_nfkd("caf\xe9"), 1);
	CHECK_INT(bip39_mnemonic_to_seed_unnormalized(b, ZERO12, "caf\xc3\xa9", NULL, 0), CD_OK);
	CHECK(memcmp(a, b, BIP39_SEED_SIZE) != 0);
	sodium_free(a);
	sodium_free(b);
}

/* Japanese seeds: [entropy, phrase, seed, xprv] rows; phrase words separated by U+3000. */
static void check_text_seed(const char *name, const char *phrase, const char *pass, const char *seedhex)
{
	uint8_t want[BIP39_SEED_SIZE];
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);

	CHECK(hex_decode_exact(want, sizeof want, seedhex, strlen(seedhex)) == CD_OK);
	CHECK_INT(bip39_seed_from_text(seed, phrase, pass), CD_OK);
	CHECK_MSG(memcmp(seed, want, BIP39_SEED_SIZE) == 0, "%s: seed differs", name);
	sodium_free(seed);
}

/* bip32JP test_JP_BIP39.json: Japanese phrases with the passphrase "㍍ガバヴァぱばぐゞちぢ十人十色",
 * which NFKD turns into other code points (㍍ -> メートル, half-width forms, ゞ ...). */
static void japanese_vectors_with_a_heavily_normalized_passphrase_give_their_seed(void)
{
	char *text = test_read_file(JP_VECTORS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *row;
	size_t n = 0;

	CHECK(cJSON_IsArray(root));
	cJSON_ArrayForEach(row, root) {
		const char *phrase = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "phrase"));
		const char *salt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "salt"));
		const char *seed = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "seed"));
		char name[32];

		CHECK(phrase && salt && seed);
		if (!phrase || !salt || !seed)
			break;
		snprintf(name, sizeof name, "bip32JP #%zu", n);
		check_text_seed(name, phrase, salt, seed);
		n++;
	}
	CHECK_INT(n, 7);
	cJSON_Delete(root);
	free(text);
}

static void trezor_japanese_vectors_give_their_seed(void)
{
	char *text = test_read_file(TREZOR_VECTORS, NULL);
	cJSON *root = cJSON_Parse(text);
	const cJSON *jp = cJSON_GetObjectItemCaseSensitive(root, "japanese"), *row;
	size_t n = 0;

	CHECK(cJSON_IsArray(jp));
	cJSON_ArrayForEach(row, jp) {
		char name[32];

		snprintf(name, sizeof name, "trezor japanese #%zu", n);
		check_text_seed(name, cJSON_GetStringValue(cJSON_GetArrayItem(row, 1)), "TREZOR",
				cJSON_GetStringValue(cJSON_GetArrayItem(row, 2)));
		n++;
	}
	CHECK_INT(n, 24);
	cJSON_Delete(root);
	free(text);
}

static void nfkd_reports_bad_utf8_and_small_buffers(void)
{
	char out[32];

	CHECK_INT(bip39_nfkd(out, sizeof out, "\xe3\x8d\x8d"), 12); /* ㍍ -> メートル */
	CHECK_STR(out, "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\x88\xe3\x83\xab");
	CHECK_INT(bip39_nfkd(out, sizeof out, "caf\xe9"), BIP39_EUTF8);
	CHECK_INT(bip39_nfkd(out, 5, "\xe3\x8d\x8d"), CD_ESPACE);
	CHECK_INT(bip39_nfkd(out, 0, ""), CD_ESPACE);
}

static void null_passphrase_is_the_empty_passphrase(void)
{
	uint8_t *a = secret_alloc(BIP39_SEED_SIZE), *b = secret_alloc(BIP39_SEED_SIZE);

	CHECK_INT(bip39_mnemonic_to_seed(a, ZERO12, NULL, NULL, 0), CD_OK);
	CHECK_INT(bip39_mnemonic_to_seed(b, ZERO12, "", NULL, 0), CD_OK);
	CHECK(memcmp(a, b, BIP39_SEED_SIZE) == 0);
	sodium_free(a);
	sodium_free(b);
}

static void seed_ignores_case_and_spacing_of_the_mnemonic(void)
{
	uint8_t *a = secret_alloc(BIP39_SEED_SIZE), *b = secret_alloc(BIP39_SEED_SIZE);
	const char *messy = "  Abandon abandon\tabandon  abandon\nabandon abandon ABANDON abandon "
			    "abandon abandon abandon About\r\n";

	CHECK_INT(bip39_mnemonic_to_seed(a, ZERO12, "TREZOR", NULL, 0), CD_OK);
	CHECK_INT(bip39_mnemonic_to_seed(b, messy, "TREZOR", NULL, 0), CD_OK);
	CHECK(memcmp(a, b, BIP39_SEED_SIZE) == 0);
	sodium_free(a);
	sodium_free(b);
}

static void normalize_lowercases_collapses_and_trims(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "" },
		{ "   ", "" },
		{ "abc", "abc" },
		{ "  Zoo  ZOO\tzoo\n", "zoo zoo zoo" },
		{ "a\r\n\v\fb", "a b" },
		{ "caf\xc3\xa9  X", "caf\xc3\xa9 x" }, /* other bytes pass through */
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char out[64];
		int rc = bip39_normalize(out, sizeof out, cases[i].in);

		CHECK_INT(rc, strlen(cases[i].want));
		CHECK_STR(out, cases[i].want);
	}
}

static void normalize_works_in_place_and_reports_small_buffers(void)
{
	char buf[32] = " Legal  Winner ";
	char small[12];

	CHECK_INT(bip39_normalize(buf, sizeof buf, buf), 12);
	CHECK_STR(buf, "legal winner");
	CHECK_INT(bip39_normalize(small, sizeof small, "legal winner"), CD_ESPACE);
	CHECK_INT(bip39_normalize(small, sizeof small, "legal winne"), 11);
	CHECK_INT(bip39_normalize(small, 0, ""), CD_ESPACE);
}

static void flipped_checksum_bit_is_a_checksum_error(void)
{
	struct vec *v = calloc(MAX_VECS, sizeof *v);
	size_t n = trezor_vectors(v, MAX_VECS);

	for (size_t i = 0; i < n; i++) {
		/* The last bit of the last word is always a checksum bit: swap that word for its neighbour. */
		char *last = strrchr(v[i].mnemonic, ' ') + 1;
		int idx = bip39_word_index(last, strlen(last));
		size_t bad = 99;
		char err[128] = "";

		CHECK(idx >= 0);
		strcpy(last, bip39_word((unsigned)idx ^ 1u));
		CHECK_INT(bip39_mnemonic_check(v[i].mnemonic, &bad, err, sizeof err), BIP39_ECHECKSUM);
		CHECK_INT(bad, 0);
		CHECK_MSG(strstr(err, "checksum") != NULL, "message: %s", err);
	}
	free(v);
}

static void moved_word_is_a_checksum_error(void)
{
	const char *good = "legal winner thank year wave sausage worth useful legal winner thank yellow";
	const char *moved = "winner legal thank year wave sausage worth useful legal winner thank yellow";

	CHECK_INT(bip39_mnemonic_check(good, NULL, NULL, 0), CD_OK);
	CHECK_INT(bip39_mnemonic_check(moved, NULL, NULL, 0), BIP39_ECHECKSUM);
}

static void unknown_word_is_reported_with_its_position(void)
{
	const char *typo = "abandon abandon abandonn abandon abandon abandon abandon abandon abandon abandon "
			   "abandon about";
	uint8_t *ent = secret_alloc(BIP39_ENTROPY_MAX);
	size_t bad = 0, len = 99;
	char err[128] = "";

	memset(ent, 0xaa, BIP39_ENTROPY_MAX);
	CHECK_INT(bip39_mnemonic_to_entropy(ent, &len, typo, &bad, err, sizeof err), BIP39_EWORD);
	CHECK_INT(bad, 3);
	CHECK_INT(len, 0);
	CHECK_STR(err, "word 3 of 12 is not in the BIP-39 English word list");
	for (size_t i = 0; i < BIP39_ENTROPY_MAX; i++)
		CHECK_INT(ent[i], 0);
	sodium_free(ent);
}

static void first_of_several_unknown_words_is_reported(void)
{
	const char *typos = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
			    "bitcoin ethereum";
	size_t bad = 0;

	CHECK_INT(bip39_mnemonic_check(typos, &bad, NULL, 0), BIP39_EWORD);
	CHECK_INT(bad, 11);
}

static void overlong_token_is_an_unknown_word(void)
{
	const char *typo = "abandon abandonabandonabandon abandon abandon abandon abandon abandon abandon "
			   "abandon abandon abandon about";
	size_t bad = 0;

	CHECK_INT(bip39_mnemonic_check(typo, &bad, NULL, 0), BIP39_EWORD);
	CHECK_INT(bad, 2);
}

static void uppercase_words_are_accepted(void)
{
	CHECK_INT(bip39_mnemonic_check("ABANDON abandon abandon abandon abandon abandon abandon abandon "
				       "abandon abandon abandon ABOUT", NULL, NULL, 0), CD_OK);
}

static void eleven_words_is_a_count_error(void)
{
	const char *eleven = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
	size_t bad = 99;
	char err[128] = "";

	CHECK_INT(bip39_mnemonic_check(eleven, &bad, err, sizeof err), BIP39_ECOUNT);
	CHECK_INT(bad, 0);
	CHECK_STR(err, "11 words; a mnemonic has 12, 15, 18, 21 or 24");
}

static void only_12_15_18_21_24_words_are_valid_counts(void)
{
	char text[27 * 8 + 1] = ""; /* the loop appends once more after the last check */

	for (size_t words = 0; words <= 26; words++) {
		int rc = bip39_mnemonic_check(text, NULL, NULL, 0);

		if (words >= 12 && words <= 24 && words % 3 == 0)
			CHECK_MSG(rc != BIP39_ECOUNT, "%zu words: count rejected", words);
		else
			CHECK_MSG(rc == BIP39_ECOUNT, "%zu words: rc %d", words, rc);
		strcat(text, "abandon ");
	}
}

static void count_is_checked_before_words(void)
{
	size_t bad = 99;

	CHECK_INT(bip39_mnemonic_check("foo bar", &bad, NULL, 0), BIP39_ECOUNT);
	CHECK_INT(bad, 0);
}

static void messages_never_quote_the_words(void)
{
	const char *typo = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
			   "abandon zebrax";
	char err[128] = "";

	CHECK_INT(bip39_mnemonic_check(typo, NULL, err, sizeof err), BIP39_EWORD);
	CHECK(strstr(err, "zebra") == NULL);
	CHECK(strstr(err, "abandon") == NULL);
}

static void seed_of_an_invalid_mnemonic_is_refused_and_wiped(void)
{
	uint8_t *seed = secret_alloc(BIP39_SEED_SIZE);
	char err[128] = "";
	int zero = 1;

	memset(seed, 0xaa, BIP39_SEED_SIZE);
	CHECK_INT(bip39_mnemonic_to_seed(seed, "abandon abandon abandon abandon abandon abandon abandon abandon "
					 "abandon abandon abandon abandon", "", err, sizeof err), BIP39_ECHECKSUM);
	for (size_t i = 0; i < BIP39_SEED_SIZE; i++)
		zero &= seed[i] == 0;
	CHECK(zero);
	CHECK(err[0] != '\0');
	sodium_free(seed);
}

static void entropy_lengths_other_than_16_to_32_by_4_are_refused(void)
{
	static const size_t bad[] = { 0, 4, 12, 15, 17, 18, 31, 33, 36, 64 };
	uint8_t ent[64] = { 0 };
	char out[BIP39_MNEMONIC_SIZE];

	for (size_t i = 0; i < TEST_COUNT(bad); i++)
		CHECK_MSG(bip39_mnemonic_from_entropy(out, sizeof out, ent, bad[i]) == CD_EINVAL,
			  "%zu bytes accepted", bad[i]);
}

static void from_entropy_needs_room_for_the_text_and_nul(void)
{
	uint8_t ent[16] = { 0 };
	char out[BIP39_MNEMONIC_SIZE];
	size_t need = strlen(ZERO12) + 1;

	CHECK_INT(bip39_mnemonic_from_entropy(out, need - 1, ent, sizeof ent), CD_ESPACE);
	CHECK_INT(out[0], 0); /* wiped */
	CHECK_INT(bip39_mnemonic_from_entropy(out, need, ent, sizeof ent), need - 1);
	CHECK_STR(out, ZERO12);
}

static void longest_24_word_mnemonic_fits_the_size_constant(void)
{
	/* 23 copies of an 8-letter word fill 253 of the 256 entropy bits; the 24th word holds the rest. */
	uint8_t ent[32] = { 0 };
	char out[BIP39_MNEMONIC_SIZE];
	const char *last;
	unsigned w = 0;
	int rc;

	while (strlen(bip39_word(w)) != BIP39_WORD_MAX)
		w++;
	for (size_t i = 0, bit = 0; i < 23; i++)
		for (int k = 10; k >= 0; k--, bit++)
			if (w & (1u << k))
				ent[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
	rc = bip39_mnemonic_from_entropy(out, sizeof out, ent, sizeof ent);
	last = strrchr(out, ' ') + 1;
	CHECK_INT(rc, 23 * (BIP39_WORD_MAX + 1) + strlen(last));
	CHECK(rc < BIP39_MNEMONIC_SIZE);
	CHECK_INT(BIP39_MNEMONIC_SIZE, 24 * BIP39_WORD_MAX + 23 + 1);
}

static void generated_mnemonics_are_valid_and_differ(void)
{
	static const size_t counts[] = { 12, 24 };

	for (size_t c = 0; c < TEST_COUNT(counts); c++) {
		char *a = secret_alloc(BIP39_MNEMONIC_SIZE), *b = secret_alloc(BIP39_MNEMONIC_SIZE);
		size_t words = 1;

		CHECK(bip39_mnemonic_generate(a, BIP39_MNEMONIC_SIZE, counts[c]) > 0);
		CHECK(bip39_mnemonic_generate(b, BIP39_MNEMONIC_SIZE, counts[c]) > 0);
		for (const char *p = a; *p; p++)
			words += *p == ' ';
		CHECK_INT(words, counts[c]);
		CHECK_INT(bip39_mnemonic_check(a, NULL, NULL, 0), CD_OK);
		CHECK_INT(bip39_mnemonic_check(b, NULL, NULL, 0), CD_OK);
		CHECK(strcmp(a, b) != 0);
		sodium_free(a);
		sodium_free(b);
	}
}

static void generate_refuses_unsupported_word_counts(void)
{
	char out[BIP39_MNEMONIC_SIZE];

	CHECK_INT(bip39_mnemonic_generate(out, sizeof out, 0), CD_EINVAL);
	CHECK_INT(bip39_mnemonic_generate(out, sizeof out, 11), CD_EINVAL);
	CHECK_INT(bip39_mnemonic_generate(out, sizeof out, 13), CD_EINVAL);
	CHECK_INT(bip39_mnemonic_generate(out, sizeof out, 27), CD_EINVAL);
}

static const struct test_case cases[] = {
	{ "word list is bip-0039/english.txt", word_list_is_bip39_english_txt },
	{ "word list is sorted, words are 3-8 letters, 4-letter prefixes unique", word_list_is_sorted_short_and_prefix_unique },
	{ "word index finds every word", word_index_finds_every_word },
	{ "word index rejects prefixes, uppercase and extensions", word_index_rejects_prefixes_case_and_extensions },
	{ "trezor vectors: entropy encodes to their mnemonic", trezor_vectors_encode_entropy_to_their_mnemonic },
	{ "trezor vectors: mnemonic decodes to their entropy", trezor_vectors_decode_mnemonic_to_their_entropy },
	{ "trezor vectors: seed with passphrase TREZOR", trezor_vectors_give_their_seed_with_passphrase_TREZOR },
	{ "ethers English vectors: entropy round trip", ethers_english_vectors_round_trip_entropy },
	{ "ethers English vectors: seed with ASCII passphrases", ethers_english_vectors_with_ascii_passphrases_give_their_seed },
	{ "ethers non-ASCII passphrases match when given in NFKD", ethers_non_ascii_passphrases_match_when_given_in_nfkd },
	{ "ethers non-ASCII passphrases (NFC, as in the file) give their seed", ethers_non_ascii_passphrases_give_their_seed_as_given },
	{ "NFC and NFD passphrases give one seed (NFKD)", nfc_and_nfd_passphrases_give_one_seed },
	{ "bip32JP Japanese vectors: heavily normalized passphrase", japanese_vectors_with_a_heavily_normalized_passphrase_give_their_seed },
	{ "trezor Japanese vectors: NFKD of the phrase", trezor_japanese_vectors_give_their_seed },
	{ "NFKD reports bad UTF-8 and small buffers", nfkd_reports_bad_utf8_and_small_buffers },
	{ "NULL passphrase is the empty passphrase", null_passphrase_is_the_empty_passphrase },
	{ "seed ignores case and spacing of the mnemonic", seed_ignores_case_and_spacing_of_the_mnemonic },
	{ "normalize lowercases, collapses whitespace and trims", normalize_lowercases_collapses_and_trims },
	{ "normalize works in place and reports small buffers", normalize_works_in_place_and_reports_small_buffers },
	{ "a flipped checksum bit is a checksum error", flipped_checksum_bit_is_a_checksum_error },
	{ "two words swapped is a checksum error", moved_word_is_a_checksum_error },
	{ "an unknown word is reported with its position", unknown_word_is_reported_with_its_position },
	{ "the first of several unknown words is reported", first_of_several_unknown_words_is_reported },
	{ "an overlong token is an unknown word", overlong_token_is_an_unknown_word },
	{ "uppercase words are accepted", uppercase_words_are_accepted },
	{ "11 words is a count error", eleven_words_is_a_count_error },
	{ "only 12, 15, 18, 21 and 24 words are valid counts", only_12_15_18_21_24_words_are_valid_counts },
	{ "the count is checked before the words", count_is_checked_before_words },
	{ "messages never quote the words", messages_never_quote_the_words },
	{ "the seed of an invalid mnemonic is refused and wiped", seed_of_an_invalid_mnemonic_is_refused_and_wiped },
	{ "entropy lengths other than 16..32 by 4 are refused", entropy_lengths_other_than_16_to_32_by_4_are_refused },
	{ "from_entropy needs room for the text and NUL", from_entropy_needs_room_for_the_text_and_nul },
	{ "the longest 24-word mnemonic fits BIP39_MNEMONIC_SIZE", longest_24_word_mnemonic_fits_the_size_constant },
	{ "generated mnemonics of 12 and 24 words are valid and differ", generated_mnemonics_are_valid_and_differ },
	{ "generate refuses unsupported word counts", generate_refuses_unsupported_word_counts },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
