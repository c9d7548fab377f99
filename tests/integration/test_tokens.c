/*
 * The token metadata cache against a real node. Started by
 * tests/integration/tokens.sh, which sets:
 *   ANVIL_URL       an anvil
 *   ERC20_ADDRESS   OpenZeppelin ERC20 "Chaindeck Test Token" (CDT, 18 decimals) deployed on it
 *   CLOSED_URL      a loopback port nobody listens on
 * Other contracts are hand-assembled here and installed with anvil_setCode:
 * a token whose symbol() and name() return bytes32 (like MKR), one with
 * hostile answers, and one that reverts every call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "common/rpc.h"
#include "common/tokens.h"
#include "tests/lib/test.h"
#include "tests/lib/nodeclient.h"

static struct loop *L;

static const char *const BYTES32_TOKEN = "0x00000000000000000000000000000000000c0de1";
static const char *const HOSTILE = "0x00000000000000000000000000000000000c0de2";
static const char *const REVERTER = "0x00000000000000000000000000000000000c0de3";
static const char *const LATE = "0x00000000000000000000000000000000000c0de4";
static const char *const NO_CODE = "0x0000000000000000000000000000000000000e0a";

static struct rpc_client *client(const char *env)
{
	return test_node_client(L, env, (struct rpc_opts){ .timeout_ms = 5000 }, "tests/integration/tokens.sh");
}

static void on_changed(void *ud)
{
	(*(int *)ud)++;
}

static void addr_bytes(uint8_t out[20], const char *s)
{
	struct address a;

	if (address_parse(&a, s, strlen(s)) != 0)
		abort();
	memcpy(out, a.b, 20);
}

/* ---- a tiny EVM assembler ------------------------------------------------------------------ */

struct fn {
	const char *selector; /* 8 hex digits */
	char body[512];       /* hex, starting with JUMPDEST */
};

static void hex_word_text(char out[65], const char *s, size_t n)
{
	for (size_t i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", i < n ? (unsigned char)s[i] : 0);
}

/* JUMPDEST; mstore(0, word); return(0, 32) */
static void body_word(struct fn *f, const char word[65])
{
	snprintf(f->body, sizeof(f->body), "5b7f%s60005260206000f3", word);
}

static void body_uint(struct fn *f, unsigned v)
{
	char w[65];

	snprintf(w, sizeof(w), "%064x", v);
	body_word(f, w);
}

static void body_bytes32(struct fn *f, const char *s)
{
	char w[65];

	hex_word_text(w, s, strlen(s));
	body_word(f, w);
}

/* An ABI string of at most 32 bytes: mstore(0, 0x20); mstore(0x20, len); mstore(0x40, data); return(0, 0x60) */
static void body_string(struct fn *f, const char *s)
{
	char w[65];

	hex_word_text(w, s, strlen(s));
	snprintf(f->body, sizeof(f->body), "5b602060005260%02x6020527f%s60405260606000f3", (unsigned)strlen(s), w);
}

/* Dispatch on the selector (PUSH2 jump targets), revert on anything else. */
static void assemble(char *out, size_t cap, struct fn *fns, size_t n)
{
	size_t pos = 6 + 11 * n + 4; /* header, one compare-and-jump per function, revert */
	size_t len = 0;

	len += (size_t)snprintf(out + len, cap - len, "0x60003560e01c");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, cap - len, "8063%s1461%04zx57", fns[i].selector, pos);
		pos += strlen(fns[i].body) / 2;
	}
	len += (size_t)snprintf(out + len, cap - len, "600080fd");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s", fns[i].body);
}

struct reply_count {
	int calls;
	int status;
};

static void on_reply(void *ud, const struct rpc_response *res)
{
	struct reply_count *r = ud;

	r->calls++;
	r->status = res->status == RPC_OK && res->n == 1 ? res->reply[0].status : res->status;
}

static void set_code(struct rpc_client *c, const char *addr, const char *code)
{
	cJSON *p = cJSON_CreateArray();
	struct reply_count r = { 0 };

	cJSON_AddItemToArray(p, cJSON_CreateString(addr));
	cJSON_AddItemToArray(p, cJSON_CreateString(code));
	if (rpc_call(c, "anvil_setCode", p, on_reply, &r) == 0 || !test_run_until(L, &r.calls, 1, 5000) || r.status != RPC_OK) {
		fprintf(stdout, "anvil_setCode %s failed (%d)\n", addr, r.status);
		exit(2);
	}
}

static void install_bytes32_token(struct rpc_client *c, const char *addr)
{
	struct fn fns[3] = { { .selector = "95d89b41" }, { .selector = "313ce567" }, { .selector = "06fdde03" } };
	char code[2048];

	body_bytes32(&fns[0], "MKR");
	body_uint(&fns[1], 18);
	body_bytes32(&fns[2], "Maker");
	assemble(code, sizeof(code), fns, 3);
	set_code(c, addr, code);
}

static void install_contracts(void)
{
	struct rpc_client *c = client("ANVIL_URL");
	struct fn fns[3] = { { .selector = "95d89b41" }, { .selector = "313ce567" }, { .selector = "06fdde03" } };
	char code[2048];

	install_bytes32_token(c, BYTES32_TOKEN);
	/* a terminal escape in the symbol, decimals out of range, a full 32-byte name */
	body_string(&fns[0], "\x1b[31mEVIL");
	body_uint(&fns[1], 300);
	body_string(&fns[2], "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
	assemble(code, sizeof(code), fns, 3);
	set_code(c, HOSTILE, code);
	set_code(c, REVERTER, "0x600080fd");
	set_code(c, LATE, "0x600080fd");
	rpc_client_free(c);
}

/* ---- cases -------------------------------------------------------------------------------- */

struct fixture {
	struct rpc_client *rpc;
	struct tokens *t;
	int changed;
};

static void fixture_open(struct fixture *f, const char *env)
{
	f->changed = 0;
	f->rpc = client(env);
	f->t = tokens_new(f->rpc, on_changed, &f->changed);
	if (!f->t)
		abort();
}

static void fixture_close(struct fixture *f)
{
	tokens_free(f->t);
	rpc_client_free(f->rpc);
}

/* Asks until the answer arrives; returns the final state. */
static int resolve(struct fixture *f, const char *addr, struct token_meta *m)
{
	uint8_t a[20];
	int before = f->changed;
	int rc;

	addr_bytes(a, addr);
	rc = tokens_get(f->t, a, m);
	if (rc == TOKENS_REQUESTED || rc == TOKENS_PENDING) {
		CHECK_INT(f->changed, before); /* never called from inside tokens_get */
		CHECK(test_run_until(L, &f->changed, before + 1, 5000));
		rc = tokens_get(f->t, a, m);
	}
	return rc;
}

static void erc20_metadata_arrives_once_and_formats(void)
{
	struct fixture f;
	struct token_meta m;
	uint8_t a[20];
	char buf[96];
	struct u256 amount;

	fixture_open(&f, "ANVIL_URL");
	addr_bytes(a, getenv("ERC20_ADDRESS"));
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	CHECK_INT(m.state, TOKENS_PENDING);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_PENDING);
	CHECK_INT(f.changed, 0);
	CHECK(test_run_until(L, &f.changed, 1, 5000));
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_KNOWN);
	CHECK(m.has_symbol && m.has_decimals && m.has_name);
	CHECK_STR(m.symbol, "CDT");
	CHECK_INT(m.decimals, 18);
	CHECK_STR(m.name, "Chaindeck Test Token");
	u256_parse_dec(&amount, "1234500000000000000000", 22);
	CHECK_INT(tokens_format_amount(&m, amount, buf, sizeof(buf)), (int)strlen("1,234.5 CDT"));
	CHECK_STR(buf, "1,234.5 CDT");
	/* asked once: the second get did not send another batch */
	test_run_for(L, 200);
	CHECK_INT(f.changed, 1);
	fixture_close(&f);
}

static void bytes32_symbol_and_name_are_read(void)
{
	struct fixture f;
	struct token_meta m;

	fixture_open(&f, "ANVIL_URL");
	CHECK_INT(resolve(&f, BYTES32_TOKEN, &m), TOKENS_KNOWN);
	CHECK_STR(m.symbol, "MKR");
	CHECK_STR(m.name, "Maker");
	CHECK_INT(m.decimals, 18);
	fixture_close(&f);
}

static void hostile_answers_are_sanitized_or_dropped(void)
{
	struct fixture f;
	struct token_meta m;
	char buf[96];

	fixture_open(&f, "ANVIL_URL");
	CHECK_INT(resolve(&f, HOSTILE, &m), TOKENS_KNOWN);
	CHECK(m.has_symbol);
	CHECK_STR(m.symbol, "?[31mEVIL");
	CHECK(!m.has_decimals);               /* 300 is no uint8 */
	CHECK_STR(m.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
	tokens_format_amount(&m, u256_from_u64(5), buf, sizeof(buf));
	CHECK_STR(buf, "5 units");          /* no decimals: never guess a scale */
	fixture_close(&f);
}

static void contracts_that_answer_nothing_are_not_tokens(void)
{
	struct fixture f;
	struct token_meta m;

	fixture_open(&f, "ANVIL_URL");
	CHECK_INT(resolve(&f, REVERTER, &m), TOKENS_NOT_TOKEN);
	CHECK(!m.has_symbol && !m.has_decimals && !m.has_name);
	CHECK_INT(resolve(&f, NO_CODE, &m), TOKENS_NOT_TOKEN);
	fixture_close(&f);
}

static void not_a_token_is_asked_again_after_the_delay(void)
{
	struct fixture f;
	struct token_meta m;
	uint8_t a[20];

	fixture_open(&f, "ANVIL_URL");
	tokens_set_retry(f.t, 400, 0);
	addr_bytes(a, LATE);
	CHECK_INT(resolve(&f, LATE, &m), TOKENS_NOT_TOKEN);
	install_bytes32_token(f.rpc, LATE);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_NOT_TOKEN); /* cached: not asked yet */
	test_run_for(L, 450);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	CHECK(test_run_until(L, &f.changed, 2, 5000));
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_KNOWN);
	CHECK_STR(m.symbol, "MKR");
	fixture_close(&f);
}

static void unreachable_node_fails_and_retries_sooner(void)
{
	struct fixture f;
	struct token_meta m;
	uint8_t a[20];

	fixture_open(&f, "CLOSED_URL");
	tokens_set_retry(f.t, 0, 300);
	addr_bytes(a, BYTES32_TOKEN);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	CHECK(test_run_until(L, &f.changed, 1, 5000));
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_FAILED);
	CHECK_INT(m.state, TOKENS_FAILED);
	test_run_for(L, 350);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	CHECK(test_run_until(L, &f.changed, 2, 5000));
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_FAILED);
	fixture_close(&f);
}

static void free_with_requests_in_flight_calls_nothing(void)
{
	struct fixture f;
	struct token_meta m;
	uint8_t a[20];

	fixture_open(&f, "ANVIL_URL");
	addr_bytes(a, BYTES32_TOKEN);
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	tokens_free(f.t);
	f.t = NULL;
	test_run_for(L, 300);
	CHECK_INT(f.changed, 0);
	fixture_close(&f);
}

static void cache_is_bounded_and_drops_the_least_recently_used(void)
{
	struct fixture f;
	struct token_meta m;
	uint8_t a[20];

	fixture_open(&f, "ANVIL_URL");
	memset(a, 0, sizeof(a));
	a[0] = 0xee;
	for (unsigned i = 0; i < TOKENS_DEFAULT_CAPACITY; i++) {
		a[18] = (uint8_t)(i >> 8);
		a[19] = (uint8_t)i;
		CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	}
	/* every slot waits for an answer: nothing can be dropped */
	a[18] = 0xff;
	a[19] = 0xff;
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_BUSY);
	CHECK_INT(m.state, TOKENS_BUSY);
	CHECK(test_run_until(L, &f.changed, TOKENS_DEFAULT_CAPACITY, 30000));
	/* touch every entry but the first, then a new address takes the first's place */
	for (unsigned i = 1; i < TOKENS_DEFAULT_CAPACITY; i++) {
		a[18] = (uint8_t)(i >> 8);
		a[19] = (uint8_t)i;
		CHECK_INT(tokens_get(f.t, a, &m), TOKENS_NOT_TOKEN);
	}
	a[18] = 0xff;
	a[19] = 0xff;
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED);
	a[18] = 1;
	a[19] = 0;
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_NOT_TOKEN); /* entry 256: still cached */
	a[18] = 0;
	a[19] = 0;
	CHECK_INT(tokens_get(f.t, a, &m), TOKENS_REQUESTED); /* entry 0 was dropped: asked again */
	fixture_close(&f);
}

static void format_amount_is_exact_and_grouped(void)
{
	struct token_meta usdc = { .state = TOKENS_KNOWN, .has_symbol = true, .has_decimals = true, .decimals = 6,
	                           .symbol = "USDC" };
	struct token_meta bare = { .state = TOKENS_KNOWN, .has_decimals = true, .decimals = 6 };
	struct token_meta whole = { .state = TOKENS_KNOWN, .has_symbol = true, .has_decimals = true, .symbol = "NFT" };
	struct token_meta pending = { .state = TOKENS_PENDING };
	struct u256 max = { { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX } };
	char buf[200], small[8];

	tokens_format_amount(&usdc, u256_from_u64(1234500000), buf, sizeof(buf));
	CHECK_STR(buf, "1,234.5 USDC");
	tokens_format_amount(&usdc, u256_from_u64(0), buf, sizeof(buf));
	CHECK_STR(buf, "0 USDC");
	tokens_format_amount(&usdc, u256_from_u64(1), buf, sizeof(buf));
	CHECK_STR(buf, "0.000001 USDC");
	tokens_format_amount(&usdc, u256_from_u64(999999), buf, sizeof(buf));
	CHECK_STR(buf, "0.999999 USDC");
	tokens_format_amount(&usdc, u256_from_u64(100000000), buf, sizeof(buf));
	CHECK_STR(buf, "100 USDC");
	tokens_format_amount(&bare, u256_from_u64(1234500000), buf, sizeof(buf));
	CHECK_STR(buf, "1,234.5");
	tokens_format_amount(&whole, u256_from_u64(1234567), buf, sizeof(buf));
	CHECK_STR(buf, "1,234,567 NFT");
	tokens_format_amount(&pending, u256_from_u64(1234500000), buf, sizeof(buf));
	CHECK_STR(buf, "1234500000 units");
	tokens_format_amount(NULL, u256_from_u64(7), buf, sizeof(buf));
	CHECK_STR(buf, "7 units");
	usdc.decimals = 18;
	tokens_format_amount(&usdc, max, buf, sizeof(buf));
	CHECK_STR(buf, "115,792,089,237,316,195,423,570,985,008,687,907,853,269,984,665,640,564,039,457.584007913129639935 USDC");
	CHECK_INT(tokens_format_amount(&usdc, max, small, sizeof(small)), CD_ESPACE);
	CHECK_STR(small, "115,...");
}

static void format_amount_fit_never_cuts_the_symbol(void)
{
	struct token_meta trl = { .state = TOKENS_KNOWN, .has_symbol = true, .has_decimals = true, .decimals = 18,
	                          .symbol = "TRL" };
	struct u256 v;
	char buf[200];

	/* 123.123456789012345678 TRL is 26 columns: fraction digits go, marked, and TRL stays whole */
	u256_parse_units(&v, "123.123456789012345678", strlen("123.123456789012345678"), 18);
	CHECK_INT(tokens_format_amount_fit(&trl, v, 24, buf, sizeof(buf)), 24);
	CHECK_STR(buf, "123.1234567890123... TRL");
	/* what fits is left alone */
	CHECK_INT(tokens_format_amount_fit(&trl, v, 26, buf, sizeof(buf)), 26);
	CHECK_STR(buf, "123.123456789012345678 TRL");
	/* an integer part that does not fit is never cut: the whole text */
	u256_parse_units(&v, "123456789012345678901.5", strlen("123456789012345678901.5"), 18);
	tokens_format_amount_fit(&trl, v, 24, buf, sizeof(buf));
	CHECK_STR(buf, "123,456,789,012,345,678,901.5 TRL");
}

static const struct test_case cases[] = {
	{ "format_amount is exact and grouped", format_amount_is_exact_and_grouped },
	{ "format_amount_fit never cuts the symbol", format_amount_fit_never_cuts_the_symbol },
	{ "ERC-20 metadata arrives once and formats", erc20_metadata_arrives_once_and_formats },
	{ "bytes32 symbol and name are read", bytes32_symbol_and_name_are_read },
	{ "hostile answers are sanitized or dropped", hostile_answers_are_sanitized_or_dropped },
	{ "contracts that answer nothing are not tokens", contracts_that_answer_nothing_are_not_tokens },
	{ "not a token is asked again after the delay", not_a_token_is_asked_again_after_the_delay },
	{ "unreachable node fails and retries sooner", unreachable_node_fails_and_retries_sooner },
	{ "free with requests in flight calls nothing", free_with_requests_in_flight_calls_nothing },
	{ "cache is bounded and drops the least recently used", cache_is_bounded_and_drops_the_least_recently_used },
};

int main(int argc, char **argv)
{
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	L = loop_new();
	if (!L)
		return 2;
	install_contracts();
	rc = test_main(argc, argv, cases, TEST_COUNT(cases));
	loop_free(L);
	curl_global_cleanup();
	return rc;
}
