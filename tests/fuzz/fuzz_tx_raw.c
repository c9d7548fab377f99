/*
 * fuzz_tx_raw — tx_decode on raw signed transaction bytes (what a user pastes
 * or a node returns from eth_getRawTransaction).
 *
 * Properties: any bytes give CD_OK or an error with a NUL-terminated message,
 * and the outputs stay zeroed on error; a transaction that decodes re-encodes
 * with its signature to exactly the input bytes (decoding is canonical), its
 * hash is the Keccak-256 of those bytes, and the sender recovery, intrinsic
 * gas and node rules run on it without trouble.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/keccak.h"
#include "wallet/tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tx t;
	struct tx_sig sig;
	struct tx_raw raw;
	struct address from;
	uint8_t hash[32];
	uint64_t gas;
	char err[TX_ERR_MAX];
	int rc;

	memset(&sig, 0, sizeof(sig));
	err[0] = '\0';
	rc = tx_decode(data, size, &t, &sig, err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "tx_decode message not terminated");
	if (rc != CD_OK) {
		fuzz_check(rc == TX_EDECODE || rc == TX_ESIG, "tx_decode status");
		fuzz_check(err[0] != '\0', "tx_decode error without a message");
		fuzz_check(fuzz_all_zero(&t, sizeof(t)), "tx left set on error");
		return 0;
	}
	fuzz_check(sig.y_parity <= 1, "yParity above 1");
	fuzz_check(t.data_len == 0 || t.data != NULL, "data length without bytes");
	rc = tx_encode_signed(&t, &sig, &raw);
	fuzz_check(rc == CD_OK, "a decoded transaction does not encode");
	fuzz_check(raw.len == size && memcmp(raw.bytes, data, size) == 0,
		   "decoded transaction does not re-encode to its bytes");
	keccak256(hash, data, size);
	fuzz_check(memcmp(hash, raw.hash, 32) == 0, "transaction hash is not Keccak-256 of its bytes");
	tx_raw_free(&raw);
	(void)tx_recover_sender(&t, &sig, &from);
	(void)tx_sig_v(&t, &sig);
	if (tx_intrinsic_gas(&t, &gas) == CD_OK)
		fuzz_check(gas >= 21000, "intrinsic gas below 21000");
	err[0] = '\0';
	rc = tx_check(&t, err, sizeof(err));
	fuzz_check(rc == CD_OK || (rc == TX_ERULE && err[0]), "tx_check status");
	fuzz_check(tx_signing_hash(&t, hash) == CD_OK, "no signing hash for a decoded transaction");
	tx_free(&t);
	fuzz_check(fuzz_all_zero(&t, sizeof(t)), "tx_free did not zero");
	return 0;
}
