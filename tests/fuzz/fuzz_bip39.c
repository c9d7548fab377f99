/*
 * fuzz_bip39 — mnemonic input as a user types or pastes it.
 *
 * Properties: checking and decoding agree; a mnemonic that decodes encodes
 * back from its entropy to its own normalized text; errors come with a
 * position only for an unknown word and always with a message; failed
 * decodes leave the entropy wiped; normalizing is idempotent.
 */
#include "tests/fuzz/fuzz_util.h"

#include "wallet/bip39.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_strndup(data, size);
	uint8_t entropy[BIP39_ENTROPY_MAX];
	char err[256], norm_err[256];
	size_t elen = 0, bad = 99, bad2 = 99;
	int rc, rc2;

	err[0] = '\0';
	rc = bip39_mnemonic_to_entropy(entropy, &elen, in, &bad, err, sizeof(err));
	rc2 = bip39_mnemonic_check(in, &bad2, norm_err, sizeof(norm_err));
	fuzz_check(rc == rc2 && bad == bad2, "bip39 check and decode disagree");
	fuzz_check(cd_strerror(rc) != NULL, "cd_strerror returned NULL");
	fuzz_check(fuzz_terminated(err, sizeof(err)), "bip39 message not terminated");
	if (rc == BIP39_EWORD)
		fuzz_check(bad >= 1 && bad <= 24, "unknown word position out of range");
	else
		fuzz_check(bad == 0, "position set without an unknown word");
	if (rc != CD_OK) {
		fuzz_check(fuzz_all_zero(entropy, sizeof(entropy)), "entropy not wiped on error");
		fuzz_check(err[0] != '\0', "bip39 error without a message");
	} else {
		char out[BIP39_MNEMONIC_SIZE];
		char *norm = malloc(size + 1);
		int n, m;

		if (!norm)
			abort();
		fuzz_check(elen >= 16 && elen <= 32 && elen % 4 == 0, "entropy length");
		n = bip39_mnemonic_from_entropy(out, sizeof(out), entropy, elen);
		m = bip39_normalize(norm, size + 1, in);
		fuzz_check(n > 0 && m == n && strcmp(out, norm) == 0,
			   "mnemonic does not round-trip through its entropy");
		free(norm);
	}
	{
		char *norm = malloc(size + 1);
		int m;

		if (!norm)
			abort();
		m = bip39_normalize(norm, size + 1, in);
		fuzz_check(m >= 0 && (size_t)m == strlen(norm), "bip39_normalize length");
		fuzz_check(bip39_normalize(norm, size + 1, norm) == m, "bip39_normalize not idempotent");
		free(norm);
	}
	(void)bip39_word_index(in, strlen(in) < 16 ? strlen(in) : 16);
	free(in);
	return 0;
}
