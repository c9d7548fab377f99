/*
 * fuzz_abi — ABI decoding of data from a node: revert data, call arguments,
 * arbitrary parameter lists and token event logs.
 *
 * Byte 0 picks the mode, byte 1 the output capacity (0 means 4096), and the
 * rest is the data:
 *   0  abi_decode_revert on the data;
 *   1  abi_format_args with a signature from the selector table (bytes 2-3
 *      pick it), its selector followed by the data; events go through
 *      abi_format_params with their parameter list;
 *   2  a parameter list text up to the first NUL, then data for it:
 *      abi_format_params, abi_signature_canonical, abi_selector;
 *   3  a log: 20 address bytes, a topic count, a topic 0 that is one of the
 *      token events or taken from the input, the other topics, then data:
 *      abi_decode_token_log.
 * Properties: text written for display is NUL-terminated within cap and is
 * valid UTF-8 without control characters (a revert reason is node text);
 * canonical signatures are fixed points; a token log that does not decode
 * leaves its output zeroed.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/abi.h"
#include "common/selectors.h"

enum { OUT_MAX = 4096, TYPES_MAX = 512 };

static void check_display(int rc, const char *out, size_t cap, const char *what)
{
	(void)rc;
	if (cap == 0)
		return;
	if (!fuzz_screen_safe_str(out, cap))
		fuzz_fail(what);
}

static void mode_revert(const uint8_t *d, size_t n, char *out, size_t cap)
{
	int rc = abi_decode_revert(d, n, out, cap);

	fuzz_check(rc == CD_OK || rc == CD_ESPACE || rc == ABI_EDECODE, "abi_decode_revert status");
	check_display(rc, out, cap, "revert text is not screen-safe");
}

static void mode_table(const uint8_t *d, size_t n, char *out, size_t cap)
{
	const struct selector_entry *e;
	uint8_t *buf;
	size_t count = selectors_count();
	int rc;

	if (n < 2 || count == 0)
		return;
	e = selectors_entry(((size_t)d[0] << 8 | d[1]) % count);
	fuzz_check(e != NULL && e->sig != NULL, "selectors_entry within count returned NULL");
	d += 2;
	n -= 2;
	if (e->kind == SELECTOR_EVENT) {
		const char *params = strchr(e->sig, '(');

		fuzz_check(params != NULL, "event signature without parameters");
		rc = abi_format_params(params, d, n, out, cap);
		check_display(rc, out, cap, "event parameters are not screen-safe");
		return;
	}
	buf = malloc(n + ABI_SELECTOR_SIZE);
	if (!buf)
		abort();
	memcpy(buf, e->hash, ABI_SELECTOR_SIZE);
	if (n)
		memcpy(buf + ABI_SELECTOR_SIZE, d, n);
	rc = abi_format_args(e->sig, buf, n + ABI_SELECTOR_SIZE, out, cap);
	fuzz_check(rc != CD_EINVAL && rc != ABI_ENOMATCH, "table signature refused");
	check_display(rc, out, cap, "call arguments are not screen-safe");
	/* Custom errors also go through the revert path, which looks them up in the table. */
	if (e->kind == SELECTOR_ERROR) {
		rc = abi_decode_revert(buf, n + ABI_SELECTOR_SIZE, out, cap);
		check_display(rc, out, cap, "custom error text is not screen-safe");
	}
	free(buf);
}

static void mode_types(const uint8_t *d, size_t n, char *out, size_t cap)
{
	const uint8_t *nul = memchr(d, '\0', n < TYPES_MAX ? n : TYPES_MAX);
	size_t tlen = nul ? (size_t)(nul - d) : (n < TYPES_MAX ? n : TYPES_MAX);
	char *types = fuzz_strndup(d, tlen);
	const uint8_t *data = d + tlen + (nul ? 1 : 0);
	size_t dlen = n - tlen - (nul ? 1 : 0);
	char canon[TYPES_MAX + 64], again[TYPES_MAX + 64];
	uint8_t sel[ABI_SELECTOR_SIZE];
	int rc;

	rc = abi_format_params(types, data, dlen, out, cap);
	check_display(rc, out, cap, "formatted parameters are not screen-safe");
	rc = abi_signature_canonical(types, canon, sizeof(canon));
	if (rc >= 0) {
		fuzz_check((size_t)rc == strlen(canon), "canonical length");
		fuzz_check(abi_signature_canonical(canon, again, sizeof(again)) == rc &&
			   strcmp(canon, again) == 0, "canonical signature is not a fixed point");
		fuzz_check(abi_selector(types, sel) == CD_OK, "abi_selector refused a canonicalisable signature");
	}
	free(types);
}

static void mode_log(const uint8_t *d, size_t n)
{
	static const char *const events[] = {
		"Transfer(address,address,uint256)",
		"Approval(address,address,uint256)",
		"ApprovalForAll(address,address,bool)",
		"TransferSingle(address,address,address,uint256,uint256)",
		"Deposit(address,uint256)",
		"Withdrawal(address,uint256)",
	};
	const size_t nevents = sizeof(events) / sizeof(events[0]);
	struct eth_log log;
	struct abi_token_event ev;
	size_t pick;
	int rc;

	memset(&log, 0, sizeof(log));
	if (n < ETH_ADDR_LEN + 2)
		return;
	memcpy(log.address, d, ETH_ADDR_LEN);
	log.topic_count = d[ETH_ADDR_LEN] % (ETH_MAX_TOPICS + 1);
	pick = d[ETH_ADDR_LEN + 1] % (nevents + 2);
	d += ETH_ADDR_LEN + 2;
	n -= ETH_ADDR_LEN + 2;
	for (size_t t = 0; t < log.topic_count; t++) {
		if (t == 0 && pick < nevents) {
			fuzz_check(abi_event_topic(events[pick], log.topics[0]) == CD_OK, "abi_event_topic");
			continue;
		}
		/* Topics are 32 bytes; short input leaves the rest zero, as padding would be. */
		size_t take = n < ETH_HASH_LEN ? n : ETH_HASH_LEN;

		memcpy(log.topics[t] + (ETH_HASH_LEN - take), d, take);
		d += take;
		n -= take;
	}
	/* An exact-size copy of the data, so ASan sees any read past it. */
	if (n) {
		log.data = malloc(n);
		if (!log.data)
			abort();
		memcpy(log.data, d, n);
		log.data_len = n;
	}
	rc = abi_decode_token_log(&log, &ev);
	fuzz_check(abi_token_kind_name(ev.kind) != NULL, "abi_token_kind_name returned NULL");
	if (rc != CD_OK)
		fuzz_check(fuzz_all_zero(&ev, sizeof(ev)), "token event set on error");
	else
		fuzz_check(ev.kind != ABI_TOKEN_NONE && memcmp(ev.token.b, log.address, 20) == 0,
			   "decoded token event without a kind or with another contract");
	free(log.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap;
	char *out;

	if (size < 2)
		return 0;
	cap = data[1] ? data[1] : OUT_MAX;
	/* An exact-size heap buffer, so ASan sees any write past cap. */
	out = malloc(cap);
	if (!out)
		abort();
	switch (data[0] % 4) {
	case 0:
		mode_revert(data + 2, size - 2, out, cap);
		break;
	case 1:
		mode_table(data + 2, size - 2, out, cap);
		break;
	case 2:
		mode_types(data + 2, size - 2, out, cap);
		break;
	default:
		mode_log(data + 2, size - 2);
		break;
	}
	free(out);
	return 0;
}
