/*
 * hd — hierarchical deterministic keys (BIP-32) with private derivation, the
 * text paths that name them ("m/44'/60'/0'/0/7"), and the Ethereum accounts
 * of BIP-44 at m/44'/60'/0'/0/i, the accounts MetaMask, ethers, Foundry and
 * anvil derive from a mnemonic.
 *
 * Secrecy: a struct hd_node holds a private key and a chain code, both
 * secret; so are seeds, derived private keys and xprv text. The caller owns
 * every buffer they go into and allocates it with sodium_malloc. Functions
 * here keep temporaries on the stack and wipe them (sodium_memzero) before
 * returning, on every path. Nothing is logged.
 *
 * The curve operations use one process-wide secp256k1 context, created and
 * randomized (blinding against side channels) on first use under
 * pthread_once and never freed; after that it is only read, so every function
 * here may be called from any thread.
 */
#ifndef CHAINDECK_HD_H
#define CHAINDECK_HD_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

#include "common/address.h"

enum {
	/* and the shared CD_EINVAL (bad argument: seed length, a node that is not a
	 * master), CD_ERANGE (an index too large for its place: a normal index is
	 * < 2^31), CD_ESPACE (output buffer too small), CD_ECRYPTO */
	HD_EPATH = -1101,   /* path text does not parse */
	HD_EDEPTH = -1102,  /* deeper than 255 levels */
	HD_EDERIVE = -1103  /* the derived key is invalid (chance below 2^-127); BIP-32 says use the next index */
};

enum {
	HD_KEY_SIZE = 32,
	HD_PUBKEY_SIZE = 33,             /* compressed SEC1 public key */
	HD_HARDENED = 0x80000000u,       /* index bit that marks hardened derivation */
	HD_PATH_MAX = 255,               /* levels below m (the depth field is one byte) */
	HD_PATH_TEXT_SIZE = 12 * HD_PATH_MAX + 2, /* "m" + "/2147483647'" per level + NUL */
	HD_XKEY_TEXT_SIZE = 113          /* base58check of 82 bytes (111 or 112 chars) + NUL */
};

/* A private extended key. Every byte is secret (see above). */
struct hd_node {
	uint8_t key[HD_KEY_SIZE];  /* private key, 0 < key < n */
	uint8_t chain_code[32];
	uint8_t parent_fp[4];      /* first 4 bytes of HASH160 of the parent's public key; 0 at the master */
	uint32_t child;            /* the index this node was derived with (HD_HARDENED bit included); 0 at the master */
	uint8_t depth;             /* 0 at the master */
};

/* A parsed path: index[0..len) below m, hardened ones with HD_HARDENED set. Not secret. */
struct hd_path {
	uint32_t index[HD_PATH_MAX];
	size_t len;
};

/*
 * The master node of a seed (HMAC-SHA512 keyed with "Bitcoin seed"). seed is
 * 16 to 64 bytes (BIP-39 seeds are 64), else CD_EINVAL. HD_EDERIVE when the
 * seed gives an invalid key. *out is written only on success.
 */
int hd_master_from_seed(struct hd_node *out, const uint8_t *seed, size_t len);

/*
 * The child of parent at index: hardened when index has HD_HARDENED set,
 * normal otherwise. out may be parent. Returns CD_OK, HD_EDEPTH (parent at
 * depth 255), HD_EDERIVE or CD_ECRYPTO; *out is written only on success.
 */
int hd_derive_child(struct hd_node *out, const struct hd_node *parent, uint32_t index);

/*
 * Parses "m" followed by zero or more "/<index>" levels. An index is decimal,
 * 0 to 2147483647, without leading zeros or signs; a trailing ', h or H makes
 * it hardened. Nothing else is accepted: no spaces, no empty levels, no
 * trailing "/". On error returns HD_EPATH, CD_ERANGE or HD_EDEPTH and writes
 * a sentence naming the level (1-based) to err when errlen > 0
 * ("level 3: index above 2147483647"); *out is then unspecified.
 */
int hd_path_parse(struct hd_path *out, const char *text, char *err, size_t errlen);

/*
 * Writes the canonical text of a path ("m/44'/60'/0'/0/7", hardened as ')
 * into out, NUL-terminated. Returns the length or CD_ESPACE (CD_EINVAL if
 * path->len > HD_PATH_MAX). HD_PATH_TEXT_SIZE always suffices.
 */
int hd_path_format(char *out, size_t cap, const struct hd_path *path);

/*
 * Derives path from root, which must be a master node (depth 0), else
 * CD_EINVAL. out may be root. Errors as hd_derive_child; *out is written
 * only on success.
 */
int hd_derive_path(struct hd_node *out, const struct hd_node *root, const struct hd_path *path);

/* The compressed public key (33 bytes) of a node. CD_ECRYPTO for an invalid key. */
int hd_public_key(uint8_t pub[HD_PUBKEY_SIZE], const struct hd_node *node);

/* The Ethereum address of a private key. CD_EKEY if key is not a valid secp256k1 key. */
int hd_address_from_key(struct address *out, const uint8_t key[HD_KEY_SIZE]);

/*
 * The Ethereum account i of a master node: the node at m/44'/60'/0'/0/i.
 * index is the last, normal level, so 0 to 2^31 - 1; CD_ERANGE otherwise.
 * Writes its private key (secret; key may be NULL) and its address
 * (addr may be NULL). CD_EINVAL if master is not at depth 0.
 */
int hd_eth_account(uint8_t key[HD_KEY_SIZE], struct address *addr, const struct hd_node *master,
		   uint32_t index);

/*
 * The extended keys of a node as base58check text (mainnet versions: "xprv"
 * / "xpub"), NUL-terminated. xprv text is secret. Return the length,
 * CD_ESPACE, or CD_ECRYPTO.
 */
int hd_xprv_format(char *out, size_t cap, const struct hd_node *node);
int hd_xpub_format(char *out, size_t cap, const struct hd_node *node);

#endif
