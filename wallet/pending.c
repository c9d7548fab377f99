/*
 * pending — the persisted list of sent, unconfirmed transactions (raw signed
 * bytes), and reading a sent transaction back from its raw bytes. See
 * pending.h for the file format and why the raw bytes are the record.
 */
#include "wallet/pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fsutil.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/text.h"
#include "wallet/tx.h"

int pending_path(const char *vault_path, char *out, size_t cap)
{
	return fsutil_sibling(out, cap, vault_path, "pending");
}

void pending_list_free(struct pending_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].raw);
	l->n = 0;
}

static int parse_line(const char *s, size_t n, struct pending_entry *e)
{
	char num[24];
	const char *sp = memchr(s, ' ', n), *hx, *end;
	size_t hl, got;

	memset(e, 0, sizeof(*e));
	if (!sp || sp == s || (size_t)(sp - s) >= sizeof(num))
		return -1;
	memcpy(num, s, (size_t)(sp - s));
	num[sp - s] = '\0';
	if (strspn(num, "0123456789") != strlen(num))
		return -1;
	e->sent_at_block = strtoull(num, NULL, 10);
	hx = sp + 1;
	end = memchr(hx, ' ', n - (size_t)(hx - s));
	hl = end ? (size_t)(end - hx) : n - (size_t)(hx - s);
	if (hl < 4 || hx[0] != '0' || hx[1] != 'x')
		return -1;
	e->raw = malloc(hl / 2 + 1);
	if (!e->raw || hex_decode(e->raw, hl / 2 + 1, &got, hx, hl) != CD_OK || got == 0) {
		free(e->raw);
		e->raw = NULL;
		return -1;
	}
	e->len = got;
	if (end)
		text_sanitize(e->note, sizeof(e->note), end + 1, n - (size_t)(end + 1 - s));
	return 0;
}

int pending_parse(struct pending_list *l, const char *text, size_t len, char *err, size_t errlen)
{
	size_t line = 0;

	l->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		line++;
		if (n && text[i + n - 1] == '\r')
			n--;
		if (n && text[i] != '#') {
			if (l->n == PENDING_MAX) {
				snprintf(err, errlen, "more than %d transactions", PENDING_MAX);
				pending_list_free(l);
				return -1;
			}
			if (parse_line(text + i, n, &l->v[l->n]) != 0) {
				snprintf(err, errlen, "line %zu: not 'sent-at-block 0xRAW [note]'", line);
				pending_list_free(l);
				return -1;
			}
			l->n++;
		}
		i += nl ? (size_t)(nl - (text + i)) + 1 : len - i;
	}
	return 0;
}

int pending_load(struct pending_list *l, const char *path, char *err, size_t errlen)
{
	char *text, why[200];
	size_t len;
	int rc = fsutil_read(path, PENDING_FILE_MAX, FSUTIL_TRUSTED, &text, &len, err, errlen);

	l->n = 0;
	if (rc == CD_ENOTFOUND)
		return 0;
	if (rc != CD_OK)
		return -1;
	rc = pending_parse(l, text, len, why, sizeof(why));
	free(text);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

char *pending_render(const struct pending_entry *v, size_t n, size_t *len)
{
	static const char head[] = "# chaindeck pending transactions: sent-at-block raw-signed-tx [note]\n";
	size_t cap = sizeof(head);
	char *s;
	size_t o;

	for (size_t i = 0; i < n; i++)
		cap += 24 + 2 * v[i].len + 3 + sizeof(v[i].note) + 2;
	s = malloc(cap);
	if (!s)
		return NULL;
	o = (size_t)snprintf(s, cap, "%s", head);
	for (size_t i = 0; i < n; i++) {
		o += (size_t)snprintf(s + o, cap - o, "%llu ", (unsigned long long)v[i].sent_at_block);
		hex_encode(s + o, cap - o, v[i].raw, v[i].len, 1);
		o += 2 * v[i].len + 2;
		o += (size_t)snprintf(s + o, cap - o, "%s%s\n", v[i].note[0] ? " " : "", v[i].note);
	}
	*len = o;
	return s;
}

int pending_decode(const uint8_t *raw, size_t len, struct wallet_sent *s, uint8_t **data, size_t *data_len,
                   char *err, size_t errlen)
{
	struct tx t;
	struct tx_sig sig;
	struct address from;

	*data = NULL;
	*data_len = 0;
	if (tx_decode(raw, len, &t, &sig, err, errlen) != CD_OK)
		return -1;
	if (tx_recover_sender(&t, &sig, &from) != CD_OK) {
		snprintf(err, errlen, "no sender recovers from the signature");
		tx_free(&t);
		return -1;
	}
	memset(s, 0, sizeof(*s));
	keccak256(s->hash, raw, len);
	memcpy(s->from, from.b, 20);
	s->has_to = t.has_to;
	memcpy(s->to, t.to, 20);
	s->value = t.value;
	s->nonce = t.nonce;
	s->chain_id = t.chain_id;
	s->gas = t.gas;
	s->eip1559 = t.type == TX_DYNAMIC_FEE;
	s->max_fee = t.max_fee_per_gas;
	s->tip = t.max_priority_fee_per_gas;
	s->gas_price = t.gas_price;
	if (t.data_len) {
		*data = malloc(t.data_len);
		if (!*data) {
			tx_free(&t);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(*data, t.data, t.data_len);
		*data_len = t.data_len;
	}
	/* transfer(address,uint256): selector a9059cbb, a left-padded address, the amount */
	if (t.data_len == 68 && memcmp(t.data, "\xa9\x05\x9c\xbb", 4) == 0) {
		static const uint8_t zero[12];

		if (memcmp(t.data + 4, zero, 12) == 0 && u256_from_be(&s->token_amount, t.data + 36, 32) == CD_OK) {
			s->token = true;
			memcpy(s->token_to, t.data + 16, 20);
		}
	}
	tx_free(&t);
	return 0;
}
