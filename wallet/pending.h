/*
 * pending — the transactions sent from this wallet that are not confirmed
 * yet, kept beside the vault ("pending") with their raw signed bytes, so that
 * tracking, speed-up and cancel survive a restart.
 *
 * The raw bytes are the record: what is shown and replaced after a restart is
 * decoded from them (tx_decode), the hash is their Keccak-256 and the sender
 * is recovered from the signature, so the file cannot make the wallet show a
 * transaction other than the one that was signed. One transaction a line:
 *
 *   # chaindeck pending transactions: sent-at-block raw-signed-tx [note]
 *   14 0x02f873827a69... replaces nonce 3
 *
 * Written with fsutil_replace (0600); a file others could write is refused.
 * No curses, no network.
 */
#ifndef CHAINDECK_PENDING_H
#define CHAINDECK_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "wallet/wallet.h"

enum { PENDING_MAX = 64, PENDING_FILE_MAX = 4 * 1024 * 1024 };

struct pending_entry {
	uint64_t sent_at_block;
	uint8_t *raw;            /* owned */
	size_t len;
	char note[80];
};

struct pending_list {
	struct pending_entry v[PENDING_MAX];
	size_t n;
};

/* The file beside vault_path. -1 when it does not fit. */
int pending_path(const char *vault_path, char *out, size_t cap);
/* Parses text into l (emptied first). 0, or -1 with err naming the line. */
int pending_parse(struct pending_list *l, const char *text, size_t len, char *err, size_t errlen);
/* Loads path (absent: empty), refusing a file others could write. 0 or -1. */
int pending_load(struct pending_list *l, const char *path, char *err, size_t errlen);
void pending_list_free(struct pending_list *l);
/* The text of the file for these entries, malloc'd (NULL on no memory). */
char *pending_render(const struct pending_entry *v, size_t n, size_t *len);

/*
 * A sent transaction from raw signed bytes: hash, recovered sender, to,
 * value, nonce, chain id, gas, fees, and an ERC-20 transfer(address,uint256)
 * decoded. *data gets a malloc'd copy of the call data (NULL when none).
 * State, block and note are left zero. 0, or -1 with err.
 */
int pending_decode(const uint8_t *raw, size_t len, struct wallet_sent *s, uint8_t **data, size_t *data_len,
                   char *err, size_t errlen);

#endif
