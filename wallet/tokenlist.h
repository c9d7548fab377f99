/*
 * tokenlist — the tokens the wallet watches, per chain id, with the symbol
 * and decimals they had when first seen. The decimals recorded here are the
 * ones amounts are read and shown with: a node that later answers decimals()
 * differently is not believed (the wallet refuses to sign instead).
 *
 * The file lives beside the vault ("tokens"), mode 0600, written with
 * fsutil_replace; one token a line:
 *
 *   # chaindeck watched tokens: chain-id address decimals symbol
 *   31337 0x5fbdb2315678afecb367f032d93f642f64180aa3 18 CDT
 *
 * Blank lines and lines starting with '#' are skipped. The symbol is the rest
 * of the line (sanitized text, never empty). No curses, no network.
 */
#ifndef CHAINDECK_TOKENLIST_H
#define CHAINDECK_TOKENLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/tokens.h"

enum { TOKENLIST_MAX = 256, TOKENLIST_FILE_MAX = 64 * 1024 };

struct tokenlist_entry {
	uint64_t chain_id;
	uint8_t addr[20];
	uint8_t decimals;
	char symbol[TOKENS_SYMBOL_MAX];
};

struct tokenlist {
	struct tokenlist_entry v[TOKENLIST_MAX];
	size_t n;
};

/* The file beside vault_path. -1 when it does not fit. */
int tokenlist_path(const char *vault_path, char *out, size_t cap);

/* Parses text into l (emptied first). 0, or -1 with err naming the line. */
int tokenlist_parse(struct tokenlist *l, const char *text, size_t len, char *err, size_t errlen);
/* Loads path: absent is an empty list. Refuses a file others could write (fsutil_read with FSUTIL_TRUSTED). 0 or -1. */
int tokenlist_load(struct tokenlist *l, const char *path, char *err, size_t errlen);
/* The file's text, malloc'd (NULL on no memory). */
char *tokenlist_render(const struct tokenlist *l, size_t *len);

const struct tokenlist_entry *tokenlist_find(const struct tokenlist *l, uint64_t chain_id, const uint8_t addr[20]);
/* Adds e unless the token is there already: 1 added, 0 already there (left as it was), -1 full. */
int tokenlist_add(struct tokenlist *l, const struct tokenlist_entry *e);

#endif
