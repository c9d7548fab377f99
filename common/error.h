/* SPDX-License-Identifier: MIT */
/*
 * error — the one error vocabulary of chaindeck's library and wallet.
 *
 * Every function that can fail returns an int: CD_OK (0) for success, or a
 * negative code. A failure that means the same thing in every module has one
 * shared code below, whatever module returns it: out of memory is CD_ENOMEM
 * in the RPC client, the vault and the ABI decoder alike, so a caller passes
 * a code on without translating it. A module adds its own codes only for what
 * no other module can mean (RLP_ENONCANON, VAULT_ELOCKED), numbered in a
 * range of its own so that no two codes of the program share a value:
 *
 *        -1 ..   -99  shared codes (this header)
 *      -100 ..  -199  u256.h      U256_E*
 *      -200 ..  -299  rlp.h       RLP_E*
 *      -300 ..  -399  abi.h       ABI_E*
 *      -400 ..  -499  address.h   ADDRESS_E*
 *      -500 ..  -599  rpc_codec.h RPC_E*
 *      -600 ..  -699  history.h   HISTORY_E*
 *      -700 ..  -799  blockfetch.h (reserved: a missing block is CD_ENOTFOUND)
 *      -800 ..  -899  fsutil.h    FSUTIL_E*
 *     -1000 .. -1099  wallet/bip39.h    BIP39_E*
 *     -1100 .. -1199  wallet/hd.h       HD_E*
 *     -1200 .. -1299  wallet/keystore.h KEYSTORE_E*
 *     -1300 .. -1399  wallet/sign.h     SIGN_E*
 *     -1400 .. -1499  wallet/tx.h       TX_E*
 *     -1500 .. -1599  wallet/vault.h    VAULT_E*
 *     -1600 .. -1699  wallet/safe.h     SAFE_E*
 *     -1700 .. -1799  wallet/ledger.h   LEDGER_E*
 *
 * (log_open is the exception: it returns -errno, and its own three codes sit
 * at -10001.., out of errno's way; log_open_strerror words both.)
 *
 * cd_strerror() words every code of every module in a few English words, for
 * a caller that has nothing better; a function that takes `char *err, size_t
 * errlen` says more there (which file, which field), and that is what a user
 * should see when it is set.
 *
 * Out of memory: the library's own allocations abort (xalloc.h), so
 * CD_ENOMEM is returned only for memory it does not allocate itself (cJSON's
 * and libcurl's), for guarded secret memory (sodium_malloc, a system limit)
 * and for a key-derivation function's memory sized by a file's parameters.
 * docs/library.md lists those functions.
 */
#ifndef CHAINDECK_ERROR_H
#define CHAINDECK_ERROR_H

enum cd_error {
	CD_OK = 0,
	CD_ENOMEM = -1,       /* memory the call needed could not be had (see above: rare) */
	CD_EINVAL = -2,       /* a malformed or out-of-contract argument or input text */
	CD_EIO = -3,          /* the file system failed (err names the path and why) */
	CD_EPROTO = -4,       /* the node's answer does not have the expected shape */
	CD_ENOTFOUND = -5,    /* no such thing: file, node, account, block, home directory */
	CD_ERANGE = -6,       /* a number does not fit where it must go */
	CD_ESPACE = -7,       /* the caller's output buffer is too small */
	CD_EUNSUPPORTED = -8, /* well-formed, but a kind or method this code (or the node) does not offer */
	CD_EEXIST = -9,       /* something is already there, and replacing it was not asked for */
	CD_EPERM = -10,       /* a file's owner or mode is not safe to trust */
	CD_EPASSWORD = -11,   /* wrong password (or a file altered so that it cannot tell) */
	CD_EKEY = -12,        /* not a valid secp256k1 private key (0, or not below the group order) */
	CD_ECRYPTO = -13      /* the crypto library or the random source failed */
};

/* A few English words for any code above or of any module listed above
 * (never NULL; "unknown error" for a value that is no code). */
const char *cd_strerror(int code);

#endif
