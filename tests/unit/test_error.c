/*
 * test_error — the one error vocabulary (common/error.h). The table below
 * names every code each header declares, by its header name, with the range
 * error.h reserves for its module: the test fails when a module adds a code
 * that cd_strerror does not word, gives two codes one value, or numbers a
 * code outside its range or into another module's.
 */
#include "common/error.h"
#include "tests/lib/test.h"

#include <string.h>

#include "common/abi.h"
#include "common/address.h"
#include "common/fsutil.h"
#include "common/history.h"
#include "common/rlp.h"
#include "common/rpc_codec.h"
#include "common/u256.h"
#include "wallet/bip39.h"
#include "wallet/hd.h"
#include "wallet/keystore.h"
#include "wallet/ledger.h"
#include "wallet/sign.h"
#include "wallet/tx.h"
#include "wallet/safe.h"
#include "wallet/vault.h"

struct range {
	const char *module;
	int hi, lo; /* hi >= code >= lo */
};

/* The ranges error.h's comment lists. */
static const struct range ranges[] = {
	{ "shared", -1, -99 },
	{ "u256", -100, -199 },
	{ "rlp", -200, -299 },
	{ "abi", -300, -399 },
	{ "address", -400, -499 },
	{ "rpc", -500, -599 },
	{ "history", -600, -699 },
	{ "blockfetch", -700, -799 },
	{ "fsutil", -800, -899 },
	{ "bip39", -1000, -1099 },
	{ "hd", -1100, -1199 },
	{ "keystore", -1200, -1299 },
	{ "sign", -1300, -1399 },
	{ "tx", -1400, -1499 },
	{ "vault", -1500, -1599 },
	{ "safe", -1600, -1699 },
	{ "ledger", -1700, -1799 },
};

struct code {
	int code;
	const char *name;
	const char *module;
};

#define C(name, module) { name, #name, module }
static const struct code codes[] = {
	C(CD_ENOMEM, "shared"), C(CD_EINVAL, "shared"), C(CD_EIO, "shared"), C(CD_EPROTO, "shared"),
	C(CD_ENOTFOUND, "shared"), C(CD_ERANGE, "shared"), C(CD_ESPACE, "shared"),
	C(CD_EUNSUPPORTED, "shared"), C(CD_EEXIST, "shared"), C(CD_EPERM, "shared"),
	C(CD_EPASSWORD, "shared"), C(CD_EKEY, "shared"), C(CD_ECRYPTO, "shared"),

	C(U256_EDIVZERO, "u256"), C(U256_EPRECISION, "u256"),
	C(RLP_ETRUNC, "rlp"), C(RLP_ENONCANON, "rlp"), C(RLP_ETRAILING, "rlp"), C(RLP_EDEPTH, "rlp"),
	C(RLP_ETYPE, "rlp"), C(RLP_EOVERFLOW, "rlp"), C(RLP_EOPEN, "rlp"),
	C(ABI_EDECODE, "abi"), C(ABI_ETYPE, "abi"), C(ABI_ENOMATCH, "abi"),
	C(ADDRESS_EFORMAT, "address"), C(ADDRESS_EBADCHECKSUM, "address"),
	C(RPC_ECONNECT, "rpc"), C(RPC_ETIMEOUT, "rpc"), C(RPC_EHTTP, "rpc"), C(RPC_EJSON, "rpc"),
	C(RPC_EREMOTE, "rpc"), C(RPC_EID, "rpc"), C(RPC_ETOOBIG, "rpc"), C(RPC_ECANCEL, "rpc"),
	C(RPC_EBACKOFF, "rpc"),
	C(HISTORY_ERPC, "history"),
	C(FSUTIL_ETOOBIG, "fsutil"), C(FSUTIL_ENOTFILE, "fsutil"),

	C(BIP39_ECOUNT, "bip39"), C(BIP39_EWORD, "bip39"), C(BIP39_ECHECKSUM, "bip39"), C(BIP39_EUTF8, "bip39"),
	C(HD_EPATH, "hd"), C(HD_EDEPTH, "hd"), C(HD_EDERIVE, "hd"),
	C(KEYSTORE_EFORMAT, "keystore"), C(KEYSTORE_ELIMIT, "keystore"), C(KEYSTORE_EADDRESS, "keystore"),
	C(SIGN_EBADSIG, "sign"), C(SIGN_ERECOVER, "sign"), C(SIGN_EMISMATCH, "sign"),
	C(TX_EDECODE, "tx"), C(TX_ESIG, "tx"), C(TX_ERULE, "tx"),
	C(VAULT_EFORMAT, "vault"), C(VAULT_ETAMPERED, "vault"), C(VAULT_ELOCKED, "vault"), C(VAULT_EFULL, "vault"),
	C(SAFE_ESIG, "safe"),
	C(LEDGER_ENODEV, "ledger"), C(LEDGER_ELOCKED, "ledger"), C(LEDGER_ENOAPP, "ledger"),
	C(LEDGER_EREFUSED, "ledger"), C(LEDGER_EBLIND, "ledger"), C(LEDGER_ESTATUS, "ledger"),
	C(LEDGER_ETIMEOUT, "ledger"), C(LEDGER_EREPLAY, "ledger"), C(LEDGER_EFRAME, "ledger"),
	C(LEDGER_ECANCEL, "ledger"),
};
#undef C

enum { NCODES = sizeof(codes) / sizeof(codes[0]), NRANGES = sizeof(ranges) / sizeof(ranges[0]) };

static const struct range *range_of(const char *module)
{
	for (size_t i = 0; i < NRANGES; i++)
		if (strcmp(ranges[i].module, module) == 0)
			return &ranges[i];
	return NULL;
}

static void test_every_code_has_its_own_words(void)
{
	for (size_t i = 0; i < NCODES; i++) {
		const char *t = cd_strerror(codes[i].code);

		CHECK_MSG(t && *t && strcmp(t, "unknown error") != 0, "%s (%d) has no words", codes[i].name,
		          codes[i].code);
		for (size_t j = 0; j < i; j++)
			CHECK_MSG(strcmp(t, cd_strerror(codes[j].code)) != 0, "%s and %s both read \"%s\"",
			          codes[i].name, codes[j].name, t);
	}
	CHECK_STR(cd_strerror(CD_OK), "ok");
}

static void test_codes_are_distinct(void)
{
	for (size_t i = 0; i < NCODES; i++)
		for (size_t j = 0; j < i; j++)
			CHECK_MSG(codes[i].code != codes[j].code, "%s and %s are both %d", codes[i].name, codes[j].name,
			          codes[i].code);
}

static void test_each_code_is_in_its_modules_range(void)
{
	for (size_t i = 0; i < NCODES; i++) {
		const struct range *r = range_of(codes[i].module);

		CHECK_MSG(r != NULL, "%s: no range for %s", codes[i].name, codes[i].module);
		if (r)
			CHECK_MSG(codes[i].code <= r->hi && codes[i].code >= r->lo, "%s = %d is outside %s's %d..%d",
			          codes[i].name, codes[i].code, r->module, r->hi, r->lo);
	}
}

static void test_ranges_do_not_overlap(void)
{
	for (size_t i = 0; i < NRANGES; i++) {
		CHECK(ranges[i].hi < 0 && ranges[i].lo <= ranges[i].hi);
		for (size_t j = 0; j < i; j++)
			CHECK_MSG(ranges[i].lo > ranges[j].hi || ranges[i].hi < ranges[j].lo, "%s overlaps %s",
			          ranges[i].module, ranges[j].module);
	}
}

/* A value that is no code gets the fallback, not NULL and not another code's words. */
static void test_unknown_values(void)
{
	static const int none[] = { 1, -14, -99, -100, -199, -9999, -1599 };

	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		CHECK_STR(cd_strerror(none[i]), "unknown error");
}

/* Modules hand a code on unchanged: a failure of fsutil reaches the caller of the address book as is. */
static void test_one_meaning_one_code(void)
{
	CHECK_STR(cd_strerror(CD_EPASSWORD), "wrong password"); /* the vault's and the keystore's */
	CHECK_STR(cd_strerror(CD_ENOMEM), "out of memory");
	CHECK_STR(cd_strerror(ADDRESS_EFORMAT), "not an address (0x followed by 40 hex digits)");
}

static const struct test_case cases[] = {
	{ "every code has its own words", test_every_code_has_its_own_words },
	{ "codes are distinct", test_codes_are_distinct },
	{ "each code is in its module's range", test_each_code_is_in_its_modules_range },
	{ "module ranges do not overlap", test_ranges_do_not_overlap },
	{ "values that are no code read \"unknown error\"", test_unknown_values },
	{ "one meaning, one code", test_one_meaning_one_code },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
