/*
 * error — cd_strerror: the words for every error code of the program, in one
 * table, so that a caller never needs to know which module a code came from.
 * The ranges are in error.h; tests/unit/test_error.c checks that every code a
 * header declares has its own words here.
 */
#include "common/error.h"

#include <stddef.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/fsutil.h"
#include "common/history.h"
#include "common/rlp.h"
#include "common/rpc_codec.h"
#include "common/u256.h"

struct code_text {
	int code;
	const char *text;
};

/*
 * The wallet's codes are listed by value: common/ includes nothing from
 * wallet/ (the layering rule), and the unit test holds each value to its name.
 */
static const struct code_text texts[] = {
	{ CD_OK, "ok" },
	{ CD_ENOMEM, "out of memory" },
	{ CD_EINVAL, "invalid argument" },
	{ CD_EIO, "file system error" },
	{ CD_EPROTO, "malformed answer from the node" },
	{ CD_ENOTFOUND, "not found" },
	{ CD_ERANGE, "number out of range" },
	{ CD_ESPACE, "output buffer too small" },
	{ CD_EUNSUPPORTED, "not supported" },
	{ CD_EEXIST, "already exists" },
	{ CD_EPERM, "unsafe file owner or permissions" },
	{ CD_EPASSWORD, "wrong password" },
	{ CD_EKEY, "invalid private key" },
	{ CD_ECRYPTO, "crypto library failed" },

	{ U256_EDIVZERO, "division by zero" },
	{ U256_EPRECISION, "more decimals than the unit has" },

	{ RLP_ETRUNC, "RLP length runs past the end of the data" },
	{ RLP_ENONCANON, "non-canonical RLP encoding" },
	{ RLP_ETRAILING, "trailing bytes after RLP item" },
	{ RLP_EDEPTH, "RLP lists nested too deeply" },
	{ RLP_ETYPE, "unexpected RLP list or string" },
	{ RLP_EOVERFLOW, "RLP integer too large" },
	{ RLP_EOPEN, "RLP list left open" },

	{ ABI_EDECODE, "data does not decode" },
	{ ABI_ETYPE, "value does not fit its type" },
	{ ABI_ENOMATCH, "not the expected data" },

	{ ADDRESS_EFORMAT, "not an address (0x followed by 40 hex digits)" },
	{ ADDRESS_EBADCHECKSUM, "wrong EIP-55 checksum" },

	{ RPC_ECONNECT, "connection failed" },
	{ RPC_ETIMEOUT, "timeout" },
	{ RPC_EHTTP, "HTTP error" },
	{ RPC_EJSON, "response is not JSON" },
	{ RPC_EREMOTE, "node returned an error" },
	{ RPC_EID, "response id mismatch" },
	{ RPC_ETOOBIG, "response too large" },
	{ RPC_ECANCEL, "cancelled" },
	{ RPC_EBACKOFF, "node in back-off" },

	{ HISTORY_ERPC, "the node could not be asked" },

	{ FSUTIL_ETOOBIG, "file larger than allowed" },
	{ FSUTIL_ENOTFILE, "not a regular file" },

	/* wallet/bip39.h */
	{ -1001, "wrong number of words" },
	{ -1002, "word not in the BIP-39 English word list" },
	{ -1003, "bad checksum" },
	{ -1004, "not valid UTF-8" },
	/* wallet/hd.h */
	{ -1101, "malformed derivation path" },
	{ -1102, "path deeper than 255 levels" },
	{ -1103, "derived key is invalid; use the next index" },
	/* wallet/keystore.h */
	{ -1201, "not a valid keystore file" },
	{ -1202, "keystore parameters out of bounds" },
	{ -1203, "key does not match the keystore's address" },
	/* wallet/sign.h */
	{ -1301, "malformed signature" },
	{ -1302, "no public key recovers from the signature" },
	{ -1303, "signed by another address" },
	/* wallet/tx.h */
	{ -1401, "not a well-formed signed transaction" },
	{ -1402, "bad signature" },
	{ -1403, "a node would refuse this transaction" },
	/* wallet/vault.h */
	{ -1501, "not a vault or damaged" },
	{ -1502, "vault file does not authenticate (damaged or modified)" },
	{ -1503, "vault is locked" },
	{ -1504, "too many accounts" },
	/* wallet/safe.h */
	{ -1601, "signature malformed or not by an owner" },
	/* wallet/ledger.h */
	{ -1701, "no Ledger device found" },
	{ -1702, "the Ledger is locked" },
	{ -1703, "the Ethereum app is not open on the Ledger" },
	{ -1704, "refused on the Ledger" },
	{ -1705, "blind signing is disabled in the Ethereum app" },
	{ -1706, "unexpected status word from the Ledger" },
	{ -1707, "the Ledger did not answer in time" },
	{ -1708, "not the recorded Ledger exchange" },
	{ -1709, "malformed HID report from the Ledger" },
	{ -1710, "cancelled while waiting for the Ledger" },
};

const char *cd_strerror(int code)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].code == code)
			return texts[i].text;
	return "unknown error";
}
