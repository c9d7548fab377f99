/*
 * fuzz_ledger — what a Ledger (or a replay file) hands chaindeck: HID reports,
 * the Ethereum app's answers, and the "=> / <=" text of a replay file.
 *
 * Byte 0 picks the parser, the rest is its input:
 *   0  HID reports: the input cut into 64-byte reports fed to the deframer
 *   1  the answers: app configuration, address, signature, and v to parity
 *      for a legacy transaction on a chain id taken from the input
 *   2+ a replay file
 * Properties: messages NUL-terminated; a complete answer never claims more
 * bytes than it holds; an accepted address answer's address is its key's
 * (re-derived here); parity is 0 or 1; an accepted replay has steps with an
 * APDU of at least 5 bytes and an answer of at least a status word, lines in
 * increasing order.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/address.h"
#include "wallet/ledger.h"

static void deframe(const uint8_t *d, size_t n)
{
	struct ledger_deframer df;
	char err[256];

	ledger_deframe_init(&df, LEDGER_CHANNEL);
	for (size_t off = 0; off < n; off += LEDGER_REPORT_SIZE) {
		size_t l = n - off < LEDGER_REPORT_SIZE ? n - off : LEDGER_REPORT_SIZE;
		int rc;

		err[0] = '\0';
		rc = ledger_deframe_add(&df, d + off, l, err, sizeof(err));
		fuzz_check(fuzz_terminated(err, sizeof(err)), "deframe message not terminated");
		if (rc < 0) {
			fuzz_check(err[0] != '\0', "deframe error without a message");
			return;
		}
		fuzz_check(df.have <= df.total && df.total <= LEDGER_ANSWER_MAX, "deframer overran its answer");
		if (rc == 1) {
			fuzz_check(df.have == df.total, "complete answer with bytes missing");
			return;
		}
	}
}

static void answers(const uint8_t *d, size_t n)
{
	struct ledger_app_config cfg;
	struct ledger_address a;
	struct ledger_sig sig;
	struct address k;
	struct tx t;
	uint8_t parity = 9;
	char err[300];

	(void)ledger_parse_app_config(d, n, &cfg, err, sizeof(err));
	if (ledger_parse_address(d, n, &a, err, sizeof(err)) == CD_OK) {
		address_from_pubkey(&k, a.pubkey + 1);
		fuzz_check(memcmp(k.b, a.address.b, ADDRESS_SIZE) == 0, "accepted address is not its key's");
	}
	if (ledger_parse_sig(d, n, &sig, err, sizeof(err)) == CD_OK) {
		memset(&t, 0, sizeof(t));
		t.type = TX_LEGACY;
		t.has_chain_id = true;
		for (size_t i = 1; i < 9 && i < n; i++)
			t.chain_id = t.chain_id << 8 | d[n - i];
		err[0] = '\0';
		if (ledger_tx_parity(&t, sig.v, &parity, err, sizeof(err)) == CD_OK)
			fuzz_check(parity <= 1, "parity above 1");
		fuzz_check(fuzz_terminated(err, sizeof(err)), "parity message not terminated");
	}
}

static void replay(const uint8_t *d, size_t n)
{
	struct ledger_replay r;
	char err[LEDGER_ERR_MAX];
	unsigned last = 0;

	err[0] = '\0';
	if (ledger_replay_parse((const char *)d, n, &r, err, sizeof(err)) != CD_OK) {
		fuzz_check(err[0] != '\0' && fuzz_terminated(err, sizeof(err)), "replay error without a message");
		fuzz_check(r.n == 0 && r.steps == NULL, "replay left set on error");
		return;
	}
	for (size_t i = 0; i < r.n; i++) {
		fuzz_check(r.steps[i].apdu_len >= 5, "replay APDU too short");
		/* a step has an answer of a status word at least, or stands for a timeout, or is the
		 * last (a device that never answers) */
		fuzz_check(r.steps[i].answer ? r.steps[i].answer_len >= 2 && !r.steps[i].timeout
		                             : r.steps[i].timeout || i + 1 == r.n,
			"replay answer too short, or missing before the last step");
		fuzz_check(r.steps[i].line > last, "replay lines out of order");
		last = r.steps[i].line;
	}
	ledger_replay_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 0)
		deframe(data + 1, size - 1);
	else if (data[0] == 1)
		answers(data + 1, size - 1);
	else
		replay(data + 1, size - 1);
	return 0;
}
