/*
 * txview — a transaction document as rows of text, ready to draw.
 *
 * The explorer pane draws a transaction as label/value rows; which rows, and
 * what they say (status and confirmations, addresses with their address-book
 * labels, amounts, the decoded call, each log as a line), is decided here,
 * without curses, so the decisions can be tested on recorded node answers.
 * The pane only maps a row's tone to a colour and puts it on the screen.
 */
#ifndef CHAINDECK_TXVIEW_H
#define CHAINDECK_TXVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addressbook.h"
#include "common/tokens.h"
#include "explorer/explorer.h"

/* How a row reads: the pane maps each to a style. */
enum txview_tone {
	TXV_NORMAL,
	TXV_TITLE,
	TXV_OK,
	TXV_WARN,
	TXV_BAD,
};

#define TXVIEW_VALUE_MAX 400

/*
 * One row. A row with a label shows it in the label column and the value
 * after it; a row without (a log line) is its value alone. A row with a link
 * is selectable: Enter opens `link`.
 */
struct txview_row {
	const char *label;                /* a static string; "" for none */
	char value[TXVIEW_VALUE_MAX];
	enum txview_tone tone;
	bool has_link;
	struct explorer_target link;
};

struct txview {
	struct txview_row *rows;          /* owned */
	size_t n;
};

/* What the rows depend on besides the document. Any pointer may be NULL. */
struct txview_ctx {
	bool has_head;
	uint64_t head;                    /* for confirmations */
	uint64_t now;                     /* Unix seconds, for the block's age */
	const struct addressbook *book;   /* labels after addresses */
	struct tokens *tokens;            /* token amounts in logs (may start a metadata fetch) */
};

/*
 * Fills v with the rows of d (a DOC_TX document). 0, or -1 when out of memory
 * (v is then empty). Free with txview_free.
 */
int txview_build(struct txview *v, const struct explorer_doc *d, const struct txview_ctx *ctx);
void txview_free(struct txview *v);

/* The text helpers the rows are made of, for the pane's other documents. */
/* The EIP-55 address. */
void txview_addr(char *out, size_t cap, const uint8_t a[20]);
/* "0x123456..abcdef": the first 8 and the last 6 characters of the address text. */
void txview_short_addr(char *out, size_t cap, const uint8_t a[20]);
/* "  (label)" from the address book, or "" (book may be NULL). */
void txview_book_suffix(char *out, size_t cap, const struct addressbook *book, const uint8_t a[20]);
/* How long before now ts was ("3m 05s"); "0s" for a time in the future. */
void txview_age(char *out, size_t cap, uint64_t now, uint64_t ts);
/* Unix seconds as a UTC date: "2026-12-03 16:40:25 UTC". */
void txview_date(char *out, size_t cap, uint64_t ts);

#endif
