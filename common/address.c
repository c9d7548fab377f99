/*
 * address — EIP-55 parsing and formatting of account addresses, and the
 * address of a public key (Keccak-256 of it, last 20 bytes). Contract in address.h.
 */
#include "common/address.h"

#include <string.h>

#include "common/hex.h"
#include "common/keccak.h"

static const char address_digits[] = "0123456789abcdef";

/*
 * EIP-55: hash the lowercase hex text; a letter is uppercase when the
 * matching nibble of the hash is 8 or more. Writes 40 characters, no NUL.
 */
static void checksum_text(const uint8_t b[20], char out[40])
{
	char lower[40];
	uint8_t hash[32];

	for (int i = 0; i < 20; i++) {
		lower[2 * i] = address_digits[b[i] >> 4];
		lower[2 * i + 1] = address_digits[b[i] & 15];
	}
	keccak256(hash, (const uint8_t *)lower, sizeof(lower));
	for (int i = 0; i < 40; i++) {
		unsigned nibble = (hash[i / 2] >> (i % 2 ? 0 : 4)) & 15;
		char c = lower[i];

		out[i] = (c >= 'a' && nibble >= 8) ? (char)(c - 'a' + 'A') : c;
	}
}

int address_parse(struct address *out, const char *s, size_t len)
{
	struct address a;
	int has_lower = 0, has_upper = 0;
	char want[40];

	if (!s || len != 42 || s[0] != '0' || s[1] != 'x')
		return ADDRESS_EFORMAT;
	s += 2;
	for (int i = 0; i < 40; i++) {
		if (hex_digit_value(s[i]) < 0)
			return ADDRESS_EFORMAT;
		has_lower |= s[i] >= 'a' && s[i] <= 'f';
		has_upper |= s[i] >= 'A' && s[i] <= 'F';
	}
	for (int i = 0; i < 20; i++)
		a.b[i] = (uint8_t)(hex_digit_value(s[2 * i]) << 4 | hex_digit_value(s[2 * i + 1]));
	if (has_lower && has_upper) {
		checksum_text(a.b, want);
		if (memcmp(want, s, sizeof(want)) != 0)
			return ADDRESS_EBADCHECKSUM;
	}
	*out = a;
	return CD_OK;
}

void address_format(const struct address *a, char out[ADDRESS_TEXT_SIZE])
{
	out[0] = '0';
	out[1] = 'x';
	checksum_text(a->b, out + 2);
	out[42] = '\0';
}

void address_from_pubkey(struct address *out, const uint8_t pub[64])
{
	uint8_t hash[32];

	keccak256(hash, pub, 64);
	memcpy(out->b, hash + 12, 20);
}
