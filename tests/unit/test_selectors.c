/*
 * selectors: the generated table (lookups, order, every hash) and the
 * generator's handling of bad input, run on temp files through system().
 * The generator is $CHAINDECK_BUILD/tools/gen_selectors (build/ by default).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/keccak.h"
#include "common/selectors.h"
#include "tests/lib/test.h"

static void transfer_is_found(void)
{
	const char *sigs[4];

	CHECK_INT(selectors_lookup(0xa9059cbb, sigs, 4), 1);
	CHECK_STR(sigs[0], "transfer(address,uint256)");
	CHECK_INT(selectors_lookup(0x095ea7b3, sigs, 4), 1);
	CHECK_STR(sigs[0], "approve(address,uint256)");
	CHECK_INT(selectors_lookup(0x70a08231, sigs, 4), 1);
	CHECK_STR(sigs[0], "balanceOf(address)");
	CHECK_INT(selectors_lookup(0x414bf389, sigs, 4), 1);
	CHECK_STR(sigs[0], "exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))");
}

static void unknown_selector_is_a_miss(void)
{
	const char *sigs[1] = { "untouched" };

	CHECK_INT(selectors_lookup(0xdeadbeef, sigs, 1), 0);
	CHECK_STR(sigs[0], "untouched");
	CHECK_INT(selectors_lookup(0x00000000, NULL, 0), 0);
	CHECK_INT(selectors_lookup(0xffffffff, NULL, 0), 0);
}

static void collisions_return_every_signature(void)
{
	const char *sigs[4];
	size_t n = selectors_lookup(0x42966c68, sigs, 4);
	bool burn = false, collate = false;

	CHECK_INT(n, 2);
	for (size_t i = 0; i < n && i < 4; i++) {
		burn = burn || strcmp(sigs[i], "burn(uint256)") == 0;
		collate = collate || strcmp(sigs[i], "collate_propagate_storage(bytes16)") == 0;
	}
	CHECK(burn && collate);
	CHECK_INT(selectors_lookup(0x23b872dd, sigs, 4), 2);
	/* max smaller than the matches: the count is still the total */
	CHECK_INT(selectors_lookup(0x42966c68, sigs, 1), 2);
}

static void errors_and_events_have_their_own_lookups(void)
{
	const char *sigs[4];
	uint8_t topic[32];
	const char *t = "Transfer(address,address,uint256)";

	CHECK_INT(selectors_lookup_error(0xe450d38c, sigs, 4), 1);
	CHECK_STR(sigs[0], "ERC20InsufficientBalance(address,uint256,uint256)");
	CHECK_INT(selectors_lookup(0xe450d38c, sigs, 4), 0);
	CHECK_INT(selectors_lookup_error(0xa9059cbb, sigs, 4), 0);

	keccak256(topic, (const uint8_t *)t, strlen(t));
	CHECK_INT(selectors_lookup_event(topic, sigs, 4), 1);
	CHECK_STR(sigs[0], t);
	topic[31] ^= 1; /* same first 4 bytes, different topic */
	CHECK_INT(selectors_lookup_event(topic, sigs, 4), 0);
}

static void table_is_sorted_and_every_hash_is_right(void)
{
	size_t n = selectors_count();

	CHECK(n >= 300);
	CHECK(selectors_entry(n) == NULL);
	for (size_t i = 0; i < n; i++) {
		const struct selector_entry *e = selectors_entry(i);
		uint8_t h[32];

		keccak256(h, (const uint8_t *)e->sig, strlen(e->sig));
		CHECK_MSG(memcmp(h, e->hash, 32) == 0, "hash of %s", e->sig);
		CHECK(e->kind >= SELECTOR_FUNCTION && e->kind <= SELECTOR_EVENT);
		if (i > 0)
			CHECK_MSG(memcmp(selectors_entry(i - 1)->hash, e->hash, 4) <= 0, "order at %zu", i);
	}
}

/* ---- the generator ------------------------------------------------------------------------ */

struct gen_run {
	int status;
	char err[4096];
	char out[8192];
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

static void slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs the generator on `input`; collects its status, stderr and output file. */
static void run_gen(const char *input, struct gen_run *r)
{
	const char *build = getenv("CHAINDECK_BUILD");
	char dir[] = "/tmp/chaindeck-gen.XXXXXX";
	char in[128], out[128], err[128], cmd[1024];
	int st;

	memset(r, 0, sizeof(*r));
	if (!mkdtemp(dir)) {
		fprintf(stderr, "mkdtemp failed\n");
		exit(2);
	}
	snprintf(in, sizeof(in), "%s/sel.txt", dir);
	snprintf(out, sizeof(out), "%s/table.c", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	write_file(in, input);
	snprintf(cmd, sizeof(cmd), "%s/tools/gen_selectors %s %s 2>%s", build && *build ? build : "build", in, out, err);
	st = system(cmd);
	r->status = st == -1 ? -1 : WEXITSTATUS(st);
	slurp(err, r->err, sizeof(r->err));
	slurp(out, r->out, sizeof(r->out));
	/* Messages name the input file; show it as "sel.txt" so tests can compare. */
	for (char *p = strstr(r->err, in); p; p = strstr(p, in))
		memmove(p, p + strlen(dir) + 1, strlen(p + strlen(dir) + 1) + 1);
	unlink(in);
	unlink(out);
	unlink(err);
	rmdir(dir);
}

static void generator_accepts_a_good_file(void)
{
	struct gen_run r;

	run_gen("# comment\n\ntransfer(address,uint256)  # trailing comment\n"
	        "burn(uint256)\ncollate_propagate_storage(bytes16)\n"
	        "error Foo(uint256)\nevent Transfer(address,address,uint256)\n"
	        "f((uint256,bytes)[2][],function,bytes32)\n", &r);
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	CHECK(strstr(r.out, "\"transfer(address,uint256)\"") != NULL);
	CHECK(strstr(r.out, "SELECTOR_ERROR, \"Foo(uint256)\"") != NULL);
	CHECK(strstr(r.out, "SELECTOR_EVENT, \"Transfer(address,address,uint256)\"") != NULL);
	/* both colliding signatures are kept, burn first: same selector, file order */
	CHECK(strstr(r.out, "\"burn(uint256)\"") != NULL);
	CHECK(strstr(r.out, "\"collate_propagate_storage(bytes16)\"") > strstr(r.out, "\"burn(uint256)\""));
	CHECK(strstr(r.out, "table[6]") != NULL);
}

static void generator_reports_each_bad_line(void)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "transfer(address, uint256)", "sel.txt:2: unknown type: transfer(address, uint256)\n" },
		{ "transfer(address to,uint256)", "sel.txt:2: unexpected text after a type (canonical form has no spaces or names): transfer(address to,uint256)\n" },
		{ "f(uint)", "sel.txt:2: integer types need their width (uint256, int256): f(uint)\n" },
		{ "f(uint7)", "sel.txt:2: integer width must be 8..256 in steps of 8: f(uint7)\n" },
		{ "f(bytes33)", "sel.txt:2: bytes<N> needs N in 1..32: f(bytes33)\n" },
		{ "f(address[0])", "sel.txt:2: array length must be a positive number: f(address[0])\n" },
		{ "f(())", "sel.txt:2: empty tuple: f(())\n" },
		{ "f(address", "sel.txt:2: expected ')': f(address\n" },
		{ "transfer", "sel.txt:2: expected '(' after the name: transfer\n" },
		{ "(address)", "sel.txt:2: a signature starts with a name: (address)\n" },
		{ "f()x", "sel.txt:2: unexpected text after ')': f()x\n" },
		{ "event", "sel.txt:2: expected '(' after the name: event\n" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct gen_run r;
		char input[256], want[512];

		snprintf(input, sizeof(input), "ok()\n%s\n", cases[i].line);
		snprintf(want, sizeof(want), "%ssel.txt: 1 error\n", cases[i].msg);
		run_gen(input, &r);
		CHECK_MSG(r.status == 1, "%s: status %d", cases[i].line, r.status);
		CHECK_STR(r.err, want);
		CHECK_STR(r.out, ""); /* nothing written */
	}
}

static void generator_rejects_duplicates_and_counts_errors(void)
{
	struct gen_run r;

	run_gen("a()\nb(uint256)\na()\nerror a()\nf(uint3)\n", &r);
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "sel.txt:3: duplicate signature a() (first on line 1)\n"
	                 "sel.txt:5: integer width must be 8..256 in steps of 8: f(uint3)\n"
	                 "sel.txt: 2 errors\n");
	run_gen("# nothing here\n", &r);
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "sel.txt:1: no signatures\nsel.txt: 1 error\n");
}

static const struct test_case cases[] = {
	{ "transfer, approve, balanceOf are found", transfer_is_found },
	{ "an unknown selector is a miss", unknown_selector_is_a_miss },
	{ "collisions return every signature", collisions_return_every_signature },
	{ "errors and events have their own lookups", errors_and_events_have_their_own_lookups },
	{ "the table is sorted and every hash is right", table_is_sorted_and_every_hash_is_right },
	{ "the generator accepts a good file", generator_accepts_a_good_file },
	{ "the generator reports each bad line as file:line", generator_reports_each_bad_line },
	{ "the generator rejects duplicates and counts errors", generator_rejects_duplicates_and_counts_errors },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
