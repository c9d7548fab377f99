/*
 * tokenlist — the persisted list of watched tokens with the decimals and
 * symbol remembered per chain. See tokenlist.h for the file format.
 */
#include "wallet/tokenlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/address.h"
#include "common/fsutil.h"
#include "common/hex.h"
#include "common/text.h"

int tokenlist_path(const char *vault_path, char *out, size_t cap)
{
	return fsutil_sibling(out, cap, vault_path, "tokens");
}

/* One line "chain address decimals symbol" into e; false when it is not that. */
static bool parse_line(const char *s, size_t len, struct tokenlist_entry *e)
{
	char buf[512], *p, *end;
	unsigned long long chain, dec;
	struct address a;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(e, 0, sizeof(*e));
	if (buf[0] < '0' || buf[0] > '9')
		return false;
	chain = strtoull(buf, &end, 10);
	if (*end != ' ' || chain == 0)
		return false;
	p = end + 1;
	end = strchr(p, ' ');
	if (!end || address_parse(&a, p, (size_t)(end - p)) != CD_OK)
		return false;
	p = end + 1;
	if (*p < '0' || *p > '9')
		return false;
	dec = strtoull(p, &end, 10);
	if (*end != ' ' || dec > 255 || end[1] == '\0')
		return false;
	e->chain_id = chain;
	memcpy(e->addr, a.b, 20);
	e->decimals = (uint8_t)dec;
	text_sanitize(e->symbol, sizeof(e->symbol), end + 1, strlen(end + 1));
	return e->symbol[0] != '\0';
}

int tokenlist_parse(struct tokenlist *l, const char *text, size_t len, char *err, size_t errlen)
{
	size_t line = 0;

	l->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		struct tokenlist_entry e;

		line++;
		if (n && text[i + n - 1] == '\r')
			n--;
		if (n && text[i] != '#') {
			if (!parse_line(text + i, n, &e)) {
				snprintf(err, errlen, "line %zu: not 'chain-id address decimals symbol'", line);
				return -1;
			}
			if (tokenlist_add(l, &e) < 0) {
				snprintf(err, errlen, "more than %d tokens", TOKENLIST_MAX);
				return -1;
			}
		}
		i += (nl ? (size_t)(nl - (text + i)) + 1 : len - i);
	}
	return 0;
}

int tokenlist_load(struct tokenlist *l, const char *path, char *err, size_t errlen)
{
	char *text, why[240];
	size_t len;
	int rc = fsutil_read(path, TOKENLIST_FILE_MAX, FSUTIL_TRUSTED, &text, &len, err, errlen);

	l->n = 0;
	if (rc == CD_ENOTFOUND)
		return 0;
	if (rc != CD_OK)
		return -1;
	rc = tokenlist_parse(l, text, len, why, sizeof(why));
	free(text);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		l->n = 0;
	}
	return rc;
}

char *tokenlist_render(const struct tokenlist *l, size_t *len)
{
	static const char head[] = "# chaindeck watched tokens: chain-id address decimals symbol\n";
	size_t cap = sizeof(head) + l->n * (20 + 43 + 5 + TOKENS_SYMBOL_MAX + 2);
	char *s = malloc(cap);
	size_t o;

	if (!s)
		return NULL;
	o = (size_t)snprintf(s, cap, "%s", head);
	for (size_t i = 0; i < l->n; i++) {
		char a[43];

		hex_encode(a, sizeof(a), l->v[i].addr, 20, 1);
		o += (size_t)snprintf(s + o, cap - o, "%llu %s %u %s\n", (unsigned long long)l->v[i].chain_id, a,
		                      l->v[i].decimals, l->v[i].symbol);
	}
	*len = o;
	return s;
}

const struct tokenlist_entry *tokenlist_find(const struct tokenlist *l, uint64_t chain_id, const uint8_t addr[20])
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].chain_id == chain_id && memcmp(l->v[i].addr, addr, 20) == 0)
			return &l->v[i];
	return NULL;
}

int tokenlist_add(struct tokenlist *l, const struct tokenlist_entry *e)
{
	if (tokenlist_find(l, e->chain_id, e->addr))
		return 0;
	if (l->n == TOKENLIST_MAX)
		return -1;
	l->v[l->n++] = *e;
	return 1;
}
