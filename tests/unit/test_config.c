/*
 * config: the INI dialect, its error messages, node selection precedence,
 * URL checks (the same as the RPC client's), saving, and the XDG path rules.
 */
#include "common/config.h"
#include "common/fsutil.h"
#include "common/loop.h"
#include "common/rpc.h"
#include "tests/lib/test.h"
#include "tests/lib/tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char FULL_EXAMPLE[] =
	"# chaindeck config\n"
	"; another comment\n"
	"[general]\n"
	"refresh = 2000          ; poll interval\n"
	"timeout = 7000\n"
	"log = /var/tmp/chaindeck.log\n"
	"log_max_kib = 2048\n"
	"bell = off\n"
	"theme = solarized\n"
	"\n"
	"[node \"mainnet\"]\n"
	"url = https://alice:s3cret@rpc.example.org:8545/v1?x=1   # trailing\n"
	"bearer = TOKEN123\n"
	"header = X-Api-Key: abc\n"
	"header = X-Other: two words\n"
	"ca = /etc/ssl/custom.pem\n"
	"timeout = 3000\n"
	"connections = 8\n"
	"\n"
	"[node local]\n"
	"url = /run/geth/geth.ipc\n";

/* ---- helpers ---- */

static int parse(struct config *cfg, const char *text, char *err, size_t errlen)
{
	return config_parse(cfg, text, strlen(text), "t.ini", err, errlen);
}

/* Saves and restores an environment variable around a test. */
struct saved_env {
	const char *name;
	char *value;
};

static struct saved_env env_save(const char *name)
{
	const char *v = getenv(name);
	struct saved_env s = { name, v ? strdup(v) : NULL };

	return s;
}

static void env_restore(struct saved_env *s)
{
	if (s->value)
		setenv(s->name, s->value, 1);
	else
		unsetenv(s->name);
	free(s->value);
}

/* ---- parsing ---- */

static void parses_full_example(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, FULL_EXAMPLE, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.refresh_ms, 2000);
	CHECK_INT(cfg.timeout_ms, 7000);
	CHECK_STR(cfg.log_path, "/var/tmp/chaindeck.log");
	CHECK_INT(cfg.log_max_kib, 2048);
	CHECK(!cfg.bell);
	CHECK_STR(cfg.theme, "solarized");
	CHECK_INT(cfg.nnodes, 2);
	if (cfg.nnodes == 2) {
		struct config_node *n = &cfg.nodes[0];

		CHECK_STR(n->name, "mainnet");
		CHECK_STR(n->url, "https://alice:s3cret@rpc.example.org:8545/v1?x=1");
		CHECK_STR(n->bearer, "TOKEN123");
		CHECK(n->bearer_file == NULL);
		CHECK_INT(n->nheaders, 2);
		if (n->nheaders == 2) {
			CHECK_STR(n->headers[0], "X-Api-Key: abc");
			CHECK_STR(n->headers[1], "X-Other: two words");
		}
		CHECK_STR(n->ca_file, "/etc/ssl/custom.pem");
		CHECK_INT(n->timeout_ms, 3000);
		CHECK_INT(n->connections, 8);

		n = &cfg.nodes[1];
		CHECK_STR(n->name, "local");
		CHECK_STR(n->url, "/run/geth/geth.ipc");
		CHECK(n->bearer == NULL);
		CHECK_INT(n->nheaders, 0);
		CHECK_INT(n->timeout_ms, 0);
		CHECK_INT(config_node_timeout(&cfg, n), 7000);
		CHECK_INT(n->connections, CONFIG_CONNECTIONS);
	}
	config_free(&cfg);
}

static void init_sets_documented_defaults(void)
{
	struct config cfg;

	config_init(&cfg);
	CHECK_INT(cfg.refresh_ms, 1000);
	CHECK_INT(cfg.timeout_ms, 5000);
	CHECK(cfg.bell);
	CHECK_INT(cfg.nnodes, 0);
	CHECK(cfg.log_path == NULL);
	CHECK_INT(cfg.log_max_kib, 10240);
	CHECK(cfg.theme == NULL);
	CHECK_INT(cfg.alert_stall_s, 60);
	CHECK_INT(cfg.alert_min_peers, 1);
	CHECK_INT(cfg.alert_max_lag, 5);
	CHECK(cfg.alert_hook == NULL);
	config_free(&cfg);
}

static void node_keys_default_to_unset(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[node a]\nurl = http://h\n", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (cfg.nnodes == 1) {
		CHECK(!cfg.nodes[0].has_chain_id);
		CHECK(!cfg.nodes[0].pinned);
	}
	config_free(&cfg);
}

static void empty_text_changes_nothing(void)
{
	struct config cfg;
	char err[128];

	config_init(&cfg);
	CHECK_INT(config_parse(&cfg, "", 0, "t.ini", err, sizeof(err)), 0);
	CHECK_INT(parse(&cfg, "\n  # only comments\n; here\n\n", err, sizeof(err)), 0);
	CHECK_INT(cfg.refresh_ms, 1000);
	CHECK_INT(cfg.nnodes, 0);
	config_free(&cfg);
}

static void quoted_values_keep_comment_characters_and_escapes(void)
{
	struct config cfg;
	char err[256] = "";
	static const char text[] =
		"[general]\n"
		"theme = \"a ; b # c \\\"q\\\" \\\\ \"   ; comment\n"
		"[node \"main net ]\"]\n"
		"url = \"http://h:1\"\n"
		"header = \"X-K: v ; w\"\n";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, text, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(cfg.theme, "a ; b # c \"q\" \\ ");
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].name, "main net ]");
		CHECK_STR(cfg.nodes[0].url, "http://h:1");
		CHECK_STR(cfg.nodes[0].headers[0], "X-K: v ; w");
	}
	config_free(&cfg);
}

static void comment_needs_space_before_it_in_unquoted_values(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[node a]\nurl = http://h/p#frag;x ;comment\n", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (cfg.nnodes == 1)
		CHECK_STR(cfg.nodes[0].url, "http://h/p#frag;x");
	config_free(&cfg);
}

static void accepts_crlf_bom_and_indentation(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "\xef\xbb\xbf[general]\r\n\t refresh=250 \r\n  [ node  x ]  ; c\r\n url=https://[::1]:8545\r\n",
			err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.refresh_ms, 250);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].name, "x");
		CHECK_STR(cfg.nodes[0].url, "https://[::1]:8545");
	}
	config_free(&cfg);
}

static void bell_accepts_on_off_words(void)
{
	static const struct {
		const char *v;
		bool want;
	} cases[] = {
		{ "on", true }, { "yes", true }, { "true", true },
		{ "off", false }, { "no", false }, { "false", false },
	};
	char text[64], err[128];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct config cfg;

		config_init(&cfg);
		cfg.bell = !cases[i].want;
		snprintf(text, sizeof(text), "[general]\nbell = %s\n", cases[i].v);
		CHECK_INT(parse(&cfg, text, err, sizeof(err)), 0);
		CHECK_MSG(cfg.bell == cases[i].want, "bell = %s", cases[i].v);
		config_free(&cfg);
	}
}

static void accepts_every_url_form(void)
{
	static const char *const urls[] = {
		"http://127.0.0.1:8545", "https://rpc.example.org", "HTTPS://Host.Example/path?q=1",
		"https://u:p@h:443/", "http://[fe80::1%25eth0]:8545", "ipc:///home/u/.ethereum/geth.ipc",
		"/tmp/anvil.ipc", "http://localhost",
	};
	char text[256], err[256];

	for (size_t i = 0; i < TEST_COUNT(urls); i++) {
		struct config cfg;

		config_init(&cfg);
		snprintf(text, sizeof(text), "[node n]\nurl = %s\n", urls[i]);
		CHECK_MSG(parse(&cfg, text, err, sizeof(err)) == 0, "%s: %s", urls[i], err);
		config_free(&cfg);
	}
}

static void tilde_paths_expand_with_home(void)
{
	struct saved_env home = env_save("HOME");
	struct config cfg;
	char err[256] = "";

	setenv("HOME", "/home/tester", 1);
	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[general]\nlog = ~/logs/cd.log\n[node n]\nurl = http://h\nca = ~/ca.pem\n",
			err, sizeof(err)), 0);
	CHECK_STR(cfg.log_path, "/home/tester/logs/cd.log");
	if (cfg.nnodes == 1)
		CHECK_STR(cfg.nodes[0].ca_file, "/home/tester/ca.pem");
	config_free(&cfg);
	env_restore(&home);
}

static void parses_alerts_section(void)
{
	struct saved_env home = env_save("HOME");
	struct config cfg;
	char err[256] = "";

	setenv("HOME", "/home/tester", 1);
	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[alerts]\nstall = 120 ; two minutes\nmin_peers = 3\nmax_lag = 64\n"
			"hook = ~/bin/on-alert\n[general]\nrefresh = 2000\n", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.alert_stall_s, 120);
	CHECK_INT(cfg.alert_min_peers, 3);
	CHECK_INT(cfg.alert_max_lag, 64);
	CHECK_STR(cfg.alert_hook, "/home/tester/bin/on-alert");
	CHECK_INT(cfg.refresh_ms, 2000);
	config_free(&cfg);

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[alerts]\nstall = 0\nmin_peers = 0\nmax_lag = 0\nhook = \"/opt/my hooks/alert\"\n",
			err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.alert_stall_s, 0);
	CHECK_INT(cfg.alert_min_peers, 0);
	CHECK_INT(cfg.alert_max_lag, 0);
	CHECK_STR(cfg.alert_hook, "/opt/my hooks/alert");
	config_free(&cfg);

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[alerts]\nstall = 86400\nmin_peers = 100000\nmax_lag = 1000000\n",
			err, sizeof(err)), 0);
	CHECK_INT(cfg.alert_stall_s, 86400);
	CHECK_INT(cfg.alert_min_peers, 100000);
	CHECK_INT(cfg.alert_max_lag, 1000000);
	config_free(&cfg);

	/* An empty [alerts] keeps the defaults. */
	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[alerts]\n", err, sizeof(err)), 0);
	CHECK_INT(cfg.alert_stall_s, 60);
	CHECK_INT(cfg.alert_min_peers, 1);
	CHECK_INT(cfg.alert_max_lag, 5);
	CHECK(cfg.alert_hook == NULL);
	config_free(&cfg);
	env_restore(&home);
}

static void parses_chain_id_in_decimal_and_hex(void)
{
	static const struct {
		const char *v;
		uint64_t want;
	} cases[] = {
		{ "1", 1 }, { "11155111", 11155111 }, { "0x1", 1 }, { "0xaa36a7", 0xaa36a7 },
		{ "0XAA36A7", 0xaa36a7 }, { "0x0000000000000000001", 1 }, { "007", 7 },
		{ "9223372036854775808", UINT64_C(1) << 63 }, { "0x8000000000000000", UINT64_C(1) << 63 },
	};
	char text[128], err[256];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct config cfg;

		config_init(&cfg);
		strcpy(err, "");
		snprintf(text, sizeof(text), "[node a]\nurl = http://h\nchain_id = %s\n", cases[i].v);
		CHECK_MSG(parse(&cfg, text, err, sizeof(err)) == 0, "chain_id = %s: %s", cases[i].v, err);
		CHECK_INT(cfg.nnodes, 1);
		if (cfg.nnodes == 1) {
			CHECK_MSG(cfg.nodes[0].has_chain_id, "chain_id = %s", cases[i].v);
			CHECK_MSG(cfg.nodes[0].chain_id == cases[i].want, "chain_id = %s: got %llu", cases[i].v,
				  (unsigned long long)cfg.nodes[0].chain_id);
		}
		config_free(&cfg);
	}
}

static void pinned_accepts_the_bell_words(void)
{
	static const struct {
		const char *v;
		bool want;
	} cases[] = {
		{ "yes", true }, { "on", true }, { "true", true },
		{ "no", false }, { "off", false }, { "false", false },
	};
	char text[96], err[128];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct config cfg;

		config_init(&cfg);
		snprintf(text, sizeof(text), "[node a]\nurl = http://h\npinned = %s\n", cases[i].v);
		CHECK_INT(parse(&cfg, text, err, sizeof(err)), 0);
		CHECK_INT(cfg.nnodes, 1);
		if (cfg.nnodes == 1)
			CHECK_MSG(cfg.nodes[0].pinned == cases[i].want, "pinned = %s", cases[i].v);
		config_free(&cfg);
	}
}

/* Every malformed input names its line and what is wrong. */
static void rejects_malformed_files_with_line_numbers(void)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen(text) */
		const char *want;
	} cases[] = {
		{ "[general]\nfoo = 1\n", 0, "t.ini:2: unknown key 'foo' in [general]" },
		{ "[node \"m\"]\nurl = http://h\nport = 1\n", 0, "t.ini:3: unknown key 'port' in [node \"m\"]" },
		{ "\n[extra]\n", 0, "t.ini:2: unknown section [extra] (expected [general], [alerts], [node \"name\"] or [safe \"chain id\"])" },
		{ "refresh = 100\n", 0, "t.ini:1: key 'refresh' outside a section" },
		{ "[node a]\nbearer = x\n\n[node b]\nurl = http://h\n", 0, "t.ini:1: node 'a' has no url" },
		{ "[node b]\nurl = http://h\n[node a]\n", 0, "t.ini:3: node 'a' has no url" },
		{ "[node a]\nurl = ftp://h\n", 0,
		  "t.ini:2: unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
		{ "[node a]\nurl = geth.ipc\n", 0,
		  "t.ini:2: unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
		{ "[node a]\nurl = http://h:99999\n", 0, "t.ini:2: url port is not a number between 1 and 65535" },
		{ "[node a]\nurl = http://:80\n", 0, "t.ini:2: url has no host" },
		{ "[node a]\nurl = ipc://rel/geth.ipc\n", 0,
		  "t.ini:2: ipc url needs an absolute socket path (ipc:///path/geth.ipc)" },
		{ "[general]\nrefresh = 50\n", 0, "t.ini:2: refresh is out of range (100..60000)" },
		{ "[general]\nrefresh = 60001\n", 0, "t.ini:2: refresh is out of range (100..60000)" },
		{ "[general]\ntimeout = 5s\n", 0, "t.ini:2: timeout must be a number between 100 and 600000" },
		{ "[general]\ntimeout = -5\n", 0, "t.ini:2: timeout must be a number between 100 and 600000" },
		{ "[general]\nlog_max_kib = 63\n", 0, "t.ini:2: log_max_kib is out of range (64..1048576)" },
		{ "[general]\nlog_max_kib = 10M\n", 0, "t.ini:2: log_max_kib must be a number between 64 and 1048576" },
		{ "[node a]\nurl = http://h\nconnections = 17\n", 0, "t.ini:3: connections is out of range (1..16)" },
		{ "[node a]\nurl = http://h\nconnections = 0\n", 0, "t.ini:3: connections is out of range (1..16)" },
		{ "[node a]\nurl = http://h\n[node a]\nurl = http://i\n", 0, "t.ini:3: duplicate node name 'a'" },
		{ "[general]\n[general]\n", 0, "t.ini:2: duplicate section [general]" },
		{ "[general]\nbell = on\nbell = off\n", 0, "t.ini:3: duplicate key 'bell'" },
		{ "[general]\nbell = maybe\n", 0, "t.ini:2: bell must be on or off" },
		{ "[general]\ntheme =\n", 0, "t.ini:2: missing value for 'theme'" },
		{ "[general]\ntheme = ; nothing\n", 0, "t.ini:2: missing value for 'theme'" },
		{ "[general]\njust words\n", 0, "t.ini:2: expected 'key = value', a [section] or a comment" },
		{ "[general\n", 0, "t.ini:1: malformed section header" },
		{ "[node \"a\" x]\n", 0, "t.ini:1: malformed section header" },
		{ "[node]\n", 0, "t.ini:1: missing node name: use [node \"name\"]" },
		{ "[node \"\"]\n", 0, "t.ini:1: missing node name: use [node \"name\"]" },
		{ "[general]\ntheme = \"open\n", 0, "t.ini:2: unterminated quoted value" },
		{ "[general]\ntheme = \"a\" b\n", 0, "t.ini:2: unexpected text after the closing quote" },
		{ "[general]\ntheme = \"a\\nb\"\n", 0, "t.ini:2: unknown escape in quoted value (only \\\" and \\\\)" },
		{ "[general]\ntheme = a\x01z\n", 0, "t.ini:2: control character in the value of 'theme'" },
		{ "[general]\ntheme = a\0b\n", 21, "t.ini:2: NUL byte in line" },
		{ "[general]\nlog = relative.log\n", 0, "t.ini:2: log must be an absolute path or start with ~/" },
		{ "[node a]\nurl = http://h\nheader = NoColon\n", 0, "t.ini:3: header must look like 'Name: value'" },
		{ "[node a]\nurl = http://h\nheader = X-K:\n", 0, "t.ini:3: header has an empty value" },
		{ "[node a]\nurl = http://h\nbearer = t\nbearer_file = /f\n", 0,
		  "t.ini:4: give either bearer or bearer_file, not both" },
		/* [alerts] */
		{ "[alerts]\nfoo = 1\n", 0, "t.ini:2: unknown key 'foo' in [alerts]" },
		{ "[alerts]\nrefresh = 100\n", 0, "t.ini:2: unknown key 'refresh' in [alerts]" },
		{ "[general]\nstall = 10\n", 0, "t.ini:2: unknown key 'stall' in [general]" },
		{ "[node a]\nurl = http://h\nhook = /x\n", 0, "t.ini:3: unknown key 'hook' in [node \"a\"]" },
		{ "[alerts]\n[general]\n[alerts]\n", 0, "t.ini:3: duplicate section [alerts]" },
		{ "[alerts] x\n", 0, "t.ini:1: malformed section header" },
		{ "[alerts]\nstall = 86401\n", 0, "t.ini:2: stall is out of range (0..86400)" },
		{ "[alerts]\nstall = -1\n", 0, "t.ini:2: stall must be a number between 0 and 86400" },
		{ "[alerts]\nstall = 1m\n", 0, "t.ini:2: stall must be a number between 0 and 86400" },
		{ "[alerts]\nmin_peers = 100001\n", 0, "t.ini:2: min_peers is out of range (0..100000)" },
		{ "[alerts]\nmin_peers = many\n", 0, "t.ini:2: min_peers must be a number between 0 and 100000" },
		{ "[alerts]\nmax_lag = 1000001\n", 0, "t.ini:2: max_lag is out of range (0..1000000)" },
		{ "[alerts]\nmax_lag = 99999999999999999999999\n", 0,
		  "t.ini:2: max_lag is out of range (0..1000000)" },
		{ "[alerts]\nmax_lag = 1\nmax_lag = 2\n", 0, "t.ini:3: duplicate key 'max_lag'" },
		{ "[alerts]\nhook = on-alert.sh\n", 0, "t.ini:2: hook must be an absolute path or start with ~/" },
		{ "[alerts]\nhook = ~user/x\n", 0, "t.ini:2: hook must be an absolute path or start with ~/" },
		{ "[alerts]\nhook = /a\nhook = /b\n", 0, "t.ini:3: duplicate key 'hook'" },
		{ "[alerts]\nhook =\n", 0, "t.ini:2: missing value for 'hook'" },
		/* chain_id and pinned */
		{ "[node a]\nurl = http://h\nchain_id = 0\n", 0, "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = 0x0\n", 0, "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = 9223372036854775809\n", 0,
		  "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = 0x8000000000000001\n", 0,
		  "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = 18446744073709551616\n", 0,
		  "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = 0x1ffffffffffffffffffff\n", 0,
		  "t.ini:3: chain_id is out of range (1..2^63)" },
		{ "[node a]\nurl = http://h\nchain_id = mainnet\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = 0x\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = 0xfg\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = 1a\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = -1\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = +1\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = 1 2\n", 0,
		  "t.ini:3: chain_id must be a decimal or 0x-hex number" },
		{ "[node a]\nurl = http://h\nchain_id = 1\nchain_id = 1\n", 0, "t.ini:4: duplicate key 'chain_id'" },
		{ "[node a]\nurl = http://h\npinned = maybe\n", 0, "t.ini:3: pinned must be yes or no" },
		{ "[node a]\nurl = http://h\npinned = YES\n", 0, "t.ini:3: pinned must be yes or no" },
		{ "[node a]\nurl = http://h\npinned = yes\npinned = no\n", 0, "t.ini:4: duplicate key 'pinned'" },
		{ "[general]\npinned = yes\n", 0, "t.ini:2: unknown key 'pinned' in [general]" },
		{ "[alerts]\nchain_id = 1\n", 0, "t.ini:2: unknown key 'chain_id' in [alerts]" },
	};
	char err[512];

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct config cfg;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int rc;

		config_init(&cfg);
		strcpy(err, "(none)");
		rc = config_parse(&cfg, cases[i].text, len, "t.ini", err, sizeof(err));
		CHECK_MSG(rc == CD_EINVAL, "case %zu: rc %d", i, rc);
		CHECK_MSG(strcmp(err, cases[i].want) == 0, "case %zu: got \"%s\", expected \"%s\"",
			  i, err, cases[i].want);
		config_free(&cfg);
	}
}

static void rejects_line_too_long(void)
{
	size_t n = CONFIG_MAX_LINE + 64;
	char *text = malloc(n + 32);
	struct config cfg;
	char err[256] = "";

	strcpy(text, "[general]\ntheme = ");
	memset(text + strlen(text), 'a', n - strlen(text));
	text[n] = '\n';
	text[n + 1] = '\0';
	config_init(&cfg);
	CHECK_INT(parse(&cfg, text, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "t.ini:2: line too long (more than 4096 bytes)");
	config_free(&cfg);
	free(text);
}

static void error_messages_never_quote_urls_or_tokens(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[node a]\nurl = gopher://u:hunter2@h\n", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "hunter2") == NULL);
	CHECK_INT(parse(&cfg, "[node a]\nurl = http://u:hunter2@h:bad\n", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "hunter2") == NULL);
	config_free(&cfg);
}

static void failed_parse_leaves_config_unchanged(void)
{
	struct config cfg;
	char err[256];

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[general]\nrefresh = 3000\n[node a]\nurl = http://a\n", err, sizeof(err)), 0);
	CHECK_INT(parse(&cfg, "[general]\nrefresh = 4000\ntheme = x\n[node b]\nurl = http://b\n[node c]\n",
			err, sizeof(err)), CD_EINVAL);
	CHECK_INT(cfg.refresh_ms, 3000);
	CHECK(cfg.theme == NULL);
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1)
		CHECK_STR(cfg.nodes[0].name, "a");
	CHECK_INT(parse(&cfg, "[alerts]\nstall = 5\nhook = /bin/true\nmax_lag = lots\n", err, sizeof(err)),
		  CD_EINVAL);
	CHECK_INT(cfg.alert_stall_s, 60);
	CHECK_INT(cfg.alert_max_lag, 5);
	CHECK(cfg.alert_hook == NULL);
	config_free(&cfg);
}

/* A later file's [alerts] values replace earlier ones, hook included. */
static void second_parse_replaces_alert_values(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[alerts]\nstall = 30\nhook = /a/hook\n", err, sizeof(err)), 0);
	CHECK_INT(parse(&cfg, "[alerts]\nhook = /b/hook\n", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.alert_stall_s, 30);
	CHECK_STR(cfg.alert_hook, "/b/hook");
	config_free(&cfg);
	CHECK(cfg.alert_hook == NULL);
	CHECK_INT(cfg.alert_stall_s, 60);
}

static void parse_records_bearer_file_without_reading_it(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[node a]\nurl = http://h\nbearer_file = /nonexistent/token\n", err, sizeof(err)), 0);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].bearer_file, "/nonexistent/token");
		CHECK(cfg.nodes[0].bearer == NULL);
	}
	config_free(&cfg);
}

/* ---- loading ---- */

static void load_of_missing_file_is_not_an_error(void)
{
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	cfg.refresh_ms = 1234;
	CHECK_INT(config_load(&cfg, "/tmp/chaindeck-config-does-not-exist/config.ini", err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(cfg.refresh_ms, 1234);
	CHECK_INT(cfg.nnodes, 0);
	config_free(&cfg);
}

static void load_reports_path_and_line(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], want[256], err[256] = "";
	struct config cfg;

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "[general]\n\nbell = loud\n");
	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), CD_EINVAL);
	snprintf(want, sizeof(want), "%s:3: bell must be on or off", path);
	CHECK_STR(err, want);
	CHECK(cfg.bell);
	config_free(&cfg);
	test_rmtree(dir);
}

/*
 * The file names the alert hook, a command chaindeck runs: as ssh does with its
 * config, one that another user could have written is not read at all. Modes
 * are set with chmod(2) and ownership with chown(2), not through config.c.
 */
static void load_refuses_a_file_writable_by_group_or_others(void)
{
	static const struct {
		mode_t mode;
		int rc;
		const char *says;
	} cases[] = {
		{ 0600, CD_OK, NULL },
		{ 0644, CD_OK, NULL },
		{ 0400, CD_OK, NULL },
		{ 0664, CD_EPERM, "writable by its group" },
		{ 0620, CD_EPERM, "writable by its group" },
		{ 0646, CD_EPERM, "writable by every user" },
		{ 0666, CD_EPERM, "writable by every user" },
	};
	const char *dir = test_tmpdir("config");
	char path[128], fix[200];

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "[alerts]\nhook = /tmp/evil\n[node a]\nurl = http://h\n");
	snprintf(fix, sizeof(fix), "(fix: chmod go-w '%s')", path);
	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		struct config cfg;
		char err[512] = "";
		int rc;

		CHECK_INT(chmod(path, cases[i].mode), 0);
		config_init(&cfg);
		rc = config_load(&cfg, path, err, sizeof(err));
		CHECK_MSG(rc == cases[i].rc, "mode %o: %d (%s)", (unsigned)cases[i].mode, rc, err);
		if (cases[i].rc == CD_EPERM) {
			CHECK_MSG(strncmp(err, path, strlen(path)) == 0 && strstr(err, cases[i].says) &&
			          strstr(err, fix), "mode %o: %s", (unsigned)cases[i].mode, err);
			CHECK(cfg.alert_hook == NULL && cfg.nnodes == 0);
		} else {
			CHECK(cfg.alert_hook != NULL && cfg.nnodes == 1);
		}
		config_free(&cfg);
	}
	test_rmtree(dir);
}

static void load_refuses_a_file_of_another_user(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[512] = "";
	struct config cfg;

	if (geteuid() != 0) {
		/* Only root can give a file away; the check is the same fstat as the mode's. */
		fprintf(stdout, "  (skipped: making a file owned by another user needs root)\n");
		test_rmtree(dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "[alerts]\nhook = /tmp/evil\n");
	CHECK_INT(chmod(path, 0600), 0);
	CHECK_INT(chown(path, 65534, 65534), 0);
	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), CD_EPERM);
	CHECK_MSG(strstr(err, "owned by another user (uid 65534") && strstr(err, "chown 0 '"), "%s", err);
	CHECK(cfg.alert_hook == NULL);
	config_free(&cfg);
	test_rmtree(dir);
}

static void load_reads_first_line_of_bearer_file(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], tok[128], text[256], err[256] = "";
	struct config cfg;

	snprintf(tok, sizeof(tok), "%s/token", dir);
	test_write_file(tok, "  s3cr3t-token \r\nsecond line ignored\n");
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	snprintf(text, sizeof(text), "[node a]\nurl = https://h\nbearer_file = %s\n", tok);
	test_write_file(path, text);
	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].bearer, "s3cr3t-token");
		CHECK_STR(cfg.nodes[0].bearer_file, tok);
	}
	config_free(&cfg);
	test_rmtree(dir);
}

static void load_rejects_missing_or_empty_bearer_file(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], tok[128], text[256], want[256], err[256] = "";
	struct config cfg;

	snprintf(tok, sizeof(tok), "%s/token", dir);
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	snprintf(text, sizeof(text), "[node a]\nurl = https://h\nbearer_file = %s\n", tok);
	test_write_file(path, text);
	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), CD_EINVAL);
	snprintf(want, sizeof(want), "%s:3: cannot read bearer_file: No such file or directory", path);
	CHECK_STR(err, want);

	test_write_file(tok, "\n");
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), CD_EINVAL);
	snprintf(want, sizeof(want), "%s:3: bearer_file has no token on its first line", path);
	CHECK_STR(err, want);
	CHECK_INT(cfg.nnodes, 0);
	config_free(&cfg);
	test_rmtree(dir);
}

static void load_of_directory_is_an_io_error(void)
{
	const char *dir = test_tmpdir("config");
	struct config cfg;
	char err[256] = "";

	config_init(&cfg);
	/* fsutil_read's code, passed on as it is */
	CHECK_INT(config_load(&cfg, dir, err, sizeof(err)), FSUTIL_ENOTFILE);
	CHECK(strstr(err, dir) == err);
	config_free(&cfg);
	test_rmtree(dir);
}

/* ---- node selection precedence ---- */

static struct config file_config(void)
{
	struct config cfg;
	char err[256];

	config_init(&cfg);
	if (parse(&cfg, "[node file1]\nurl = http://f1:1\n[node file2]\nurl = http://f2:2\n", err, sizeof(err)) != 0)
		test_fail(__FILE__, __LINE__, "fixture: %s", err);
	return cfg;
}

static void rpc_urls_replace_file_nodes_and_env(void)
{
	struct config cfg = file_config();
	const char *urls[] = { "http://a:1", "https://b.example" };
	char err[256];

	CHECK_INT(config_apply_overrides(&cfg, urls, 2, "http://env:9", err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 2);
	if (cfg.nnodes == 2) {
		CHECK_STR(cfg.nodes[0].url, "http://a:1");
		CHECK_STR(cfg.nodes[0].name, "a:1");
		CHECK_STR(cfg.nodes[1].url, "https://b.example");
		CHECK_STR(cfg.nodes[1].name, "b.example");
		CHECK_INT(cfg.nodes[1].connections, CONFIG_CONNECTIONS);
	}
	config_free(&cfg);
}

static void eth_rpc_url_replaces_file_nodes(void)
{
	struct config cfg = file_config();
	char err[256];

	CHECK_INT(config_apply_overrides(&cfg, NULL, 0, "http://env:9", err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].url, "http://env:9");
		CHECK_STR(cfg.nodes[0].name, "env:9");
	}
	config_free(&cfg);
}

static void empty_eth_rpc_url_keeps_file_nodes(void)
{
	struct config cfg = file_config();
	char err[256];

	CHECK_INT(config_apply_overrides(&cfg, NULL, 0, "", err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 2);
	CHECK_INT(config_apply_overrides(&cfg, NULL, 0, NULL, err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 2);
	if (cfg.nnodes == 2)
		CHECK_STR(cfg.nodes[0].name, "file1");
	config_free(&cfg);
}

static void default_local_node_when_nothing_given(void)
{
	struct config cfg;
	char err[256];

	config_init(&cfg);
	CHECK_INT(config_apply_overrides(&cfg, NULL, 0, NULL, err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].name, "local");
		CHECK_STR(cfg.nodes[0].url, "http://127.0.0.1:8545");
	}
	config_free(&cfg);
}

static void url_node_names_hide_credentials_and_number_repeats(void)
{
	struct config cfg;
	const char *urls[] = {
		"https://user:hunter2@rpc.example.org:8545/v1?apikey=k", "https://rpc.example.org:8545/v2",
		"ipc:///run/geth.ipc", "/run/geth.ipc", "https://rpc.example.org:8545/v3",
	};
	char err[256];

	config_init(&cfg);
	CHECK_INT(config_apply_overrides(&cfg, urls, TEST_COUNT(urls), NULL, err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 5);
	if (cfg.nnodes == 5) {
		CHECK_STR(cfg.nodes[0].name, "rpc.example.org:8545");
		CHECK_STR(cfg.nodes[1].name, "rpc.example.org:8545 (2)");
		CHECK_STR(cfg.nodes[2].name, "/run/geth.ipc");
		CHECK_STR(cfg.nodes[3].name, "/run/geth.ipc (2)");
		CHECK_STR(cfg.nodes[4].name, "rpc.example.org:8545 (3)");
		CHECK_STR(cfg.nodes[0].url, urls[0]);
	}
	config_free(&cfg);
}

static void bad_override_url_is_rejected_and_config_unchanged(void)
{
	struct config cfg = file_config();
	const char *urls[] = { "http://ok:1", "ws://nope" };
	char err[256] = "";

	CHECK_INT(config_apply_overrides(&cfg, urls, 2, NULL, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "--rpc-url #2: unsupported url scheme (use http://, https://, ipc:// or a socket path)");
	CHECK_INT(config_apply_overrides(&cfg, NULL, 0, "localhost:8545", err, sizeof(err)), CD_EINVAL);
	CHECK(strncmp(err, "ETH_RPC_URL: ", 13) == 0);
	CHECK_INT(cfg.nnodes, 2);
	if (cfg.nnodes == 2)
		CHECK_STR(cfg.nodes[0].name, "file1");
	config_free(&cfg);
}

/* ---- one URL parser: what the config accepts, the RPC client opens ---- */

/*
 * The config and the RPC client used to parse URLs each their own way (the
 * config took "IPC:///x" and the client then refused it). Every URL either both
 * accept or both refuse; neither quotes the URL in its message.
 */
static void config_and_rpc_client_agree_on_every_url(void)
{
	static const char *const urls[] = {
		"IPC:///run/geth.ipc", "ipc:///run/geth.ipc", "Ipc:///x", "/run/geth.ipc", "HTTP://127.0.0.1:8545",
		"https://[::1]:8545/", "http://[fe80::1%25eth0]:8545", "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef",
		"http://h:0", "http://h:65536", "http://u:p@ss@h/", "ftp://h/", "ipc://rel/x", "geth.ipc", "http://[::1",
		"http://:80/", "ws://h/",
	};
	struct loop *L = loop_new();

	CHECK(L != NULL);
	for (size_t i = 0; L && i < TEST_COUNT(urls); i++) {
		struct config cfg;
		char text[256], err[256] = "", rerr[256] = "";
		struct rpc_opts o = { .url = urls[i] };
		struct rpc_client *c;
		int rc;

		config_init(&cfg);
		snprintf(text, sizeof(text), "[node n]\nurl = %s\n", urls[i]);
		rc = parse(&cfg, text, err, sizeof(err));
		c = rpc_client_new(L, &o, rerr, sizeof(rerr));
		CHECK_MSG((rc == 0) == (c != NULL), "%s: config says '%s', rpc client says '%s'", urls[i],
		          rc == 0 ? "fine" : err, c ? "fine" : rerr);
		CHECK_MSG(!strstr(err, urls[i]) && !strstr(rerr, urls[i]), "%s: a message quotes the url", urls[i]);
		rpc_client_free(c);
		config_free(&cfg);
	}
	loop_free(L);
}

/* ---- adding and removing nodes ---- */

static void add_node_copies_deeply(void)
{
	struct config cfg;
	char name[] = "n1", url[] = "http://h:1", hdr[] = "X-A: b";
	char *headers[] = { hdr };
	struct config_node n = {
		.name = name, .url = url, .headers = headers, .nheaders = 1,
	};
	char err[128];

	config_init(&cfg);
	CHECK_INT(config_add_node(&cfg, &n, err, sizeof(err)), 0);
	name[0] = 'X';
	url[0] = 'X';
	hdr[0] = 'Y';
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1) {
		CHECK_STR(cfg.nodes[0].name, "n1");
		CHECK_STR(cfg.nodes[0].url, "http://h:1");
		CHECK_STR(cfg.nodes[0].headers[0], "X-A: b");
		CHECK_INT(cfg.nodes[0].connections, CONFIG_CONNECTIONS);
		CHECK_INT(cfg.nodes[0].timeout_ms, 0);
		CHECK(!cfg.nodes[0].has_chain_id);
		CHECK(!cfg.nodes[0].pinned);
	}
	config_free(&cfg);
}

static void add_node_copies_chain_id_and_pinned(void)
{
	struct config cfg;
	struct config_node n = {
		.name = (char *)"sepolia", .url = (char *)"http://h:1",
		.has_chain_id = true, .chain_id = 11155111, .pinned = true,
	};
	struct config_node top = {
		.name = (char *)"top", .url = (char *)"http://h:2",
		.has_chain_id = true, .chain_id = UINT64_C(1) << 63,
	};
	struct config_node unset = {
		.name = (char *)"unset", .url = (char *)"http://h:3", .chain_id = 77,
	};
	char err[128] = "";

	config_init(&cfg);
	CHECK_INT(config_add_node(&cfg, &n, err, sizeof(err)), 0);
	CHECK_INT(config_add_node(&cfg, &top, err, sizeof(err)), 0);
	CHECK_INT(config_add_node(&cfg, &unset, err, sizeof(err)), 0);
	n.chain_id = 5;
	n.pinned = false;
	CHECK_INT(cfg.nnodes, 3);
	if (cfg.nnodes == 3) {
		CHECK(cfg.nodes[0].has_chain_id);
		CHECK(cfg.nodes[0].chain_id == 11155111);
		CHECK(cfg.nodes[0].pinned);
		CHECK(cfg.nodes[1].has_chain_id);
		CHECK(cfg.nodes[1].chain_id == UINT64_C(1) << 63);
		CHECK(!cfg.nodes[1].pinned);
		CHECK(!cfg.nodes[2].has_chain_id);
		CHECK(cfg.nodes[2].chain_id == 0);
	}
	config_free(&cfg);
}

static void add_node_rejects_chain_id_out_of_range(void)
{
	struct config cfg;
	struct config_node zero = {
		.name = (char *)"z", .url = (char *)"http://h", .has_chain_id = true, .chain_id = 0,
	};
	struct config_node big = {
		.name = (char *)"b", .url = (char *)"http://h", .has_chain_id = true,
		.chain_id = (UINT64_C(1) << 63) + 1,
	};
	char err[128] = "";

	config_init(&cfg);
	CHECK_INT(config_add_node(&cfg, &zero, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "chain_id must be between 1 and 2^63");
	strcpy(err, "");
	CHECK_INT(config_add_node(&cfg, &big, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "chain_id must be between 1 and 2^63");
	CHECK_INT(cfg.nnodes, 0);
	config_free(&cfg);
}

static void add_node_rejects_duplicates_and_invalid_nodes(void)
{
	struct config cfg;
	struct config_node a = { .name = (char *)"a", .url = (char *)"http://h" };
	struct config_node bad_url = { .name = (char *)"b", .url = (char *)"smtp://h" };
	struct config_node no_url = { .name = (char *)"c" };
	struct config_node bad_conn = { .name = (char *)"d", .url = (char *)"http://h", .connections = 99 };
	char err[128] = "";

	config_init(&cfg);
	CHECK_INT(config_add_node(&cfg, &a, err, sizeof(err)), 0);
	CHECK_INT(config_add_node(&cfg, &a, err, sizeof(err)), CD_EEXIST);
	CHECK_STR(err, "a node named 'a' already exists");
	CHECK_INT(config_add_node(&cfg, &bad_url, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(config_add_node(&cfg, &no_url, err, sizeof(err)), CD_EINVAL);
	CHECK_STR(err, "node has no url");
	CHECK_INT(config_add_node(&cfg, &bad_conn, err, sizeof(err)), CD_EINVAL);
	CHECK_INT(cfg.nnodes, 1);
	config_free(&cfg);
}

static void remove_node_drops_only_that_node(void)
{
	struct config cfg = file_config();

	CHECK_INT(config_remove_node(&cfg, "nope"), CD_ENOTFOUND);
	CHECK_INT(config_remove_node(&cfg, "file1"), 0);
	CHECK_INT(cfg.nnodes, 1);
	if (cfg.nnodes == 1)
		CHECK_STR(cfg.nodes[0].name, "file2");
	CHECK_INT(config_remove_node(&cfg, "file2"), 0);
	CHECK_INT(cfg.nnodes, 0);
	config_free(&cfg);
}

/* ---- saving ---- */

static void save_then_load_round_trips(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config a, b;
	static const char text[] =
		"[general]\nrefresh = 500\ntimeout = 9000\nlog = /var/log/x ; y.log\nbell = off\n"
		"theme = \" padded ; \\\"theme\\\" \"\n"
		"[node \"odd \\\"name\\\" ]\"]\nurl = https://u:p@h:1/p?key=v\nbearer = tok\n"
		"header = X-A: 1 ; not a comment? no: quoted below\n"
		"header = \"X-B: has ; semicolon # hash\"\nca = /etc/ca.pem\ntimeout = 200\nconnections = 2\n"
		"[node plain]\nurl = /run/geth.ipc\nbearer_file = /tok/file\n";

	snprintf(path, sizeof(path), "%s/sub/config.ini", dir);
	config_init(&a);
	config_init(&b);
	CHECK_INT(parse(&a, text, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(config_save(&a, path, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	/* bearer_file is read on load, so compare with a parse of the saved text instead. */
	{
		size_t len;
		char *saved = test_read_file(path, &len);

		CHECK_INT(config_parse(&b, saved, len, path, err, sizeof(err)), 0);
		CHECK_STR(err, "");
		free(saved);
	}
	CHECK_INT(b.refresh_ms, 500);
	CHECK_INT(b.timeout_ms, 9000);
	CHECK_STR(b.log_path, "/var/log/x");
	CHECK(!b.bell);
	CHECK_STR(b.theme, a.theme);
	CHECK_STR(b.theme, " padded ; \"theme\" ");
	CHECK_INT(b.nnodes, 2);
	if (b.nnodes == 2 && a.nnodes == 2) {
		CHECK_STR(b.nodes[0].name, "odd \"name\" ]");
		CHECK_STR(b.nodes[0].url, "https://u:p@h:1/p?key=v");
		CHECK_STR(b.nodes[0].bearer, "tok");
		CHECK_INT(b.nodes[0].nheaders, 2);
		if (b.nodes[0].nheaders == 2) {
			CHECK_STR(b.nodes[0].headers[0], "X-A: 1");
			CHECK_STR(b.nodes[0].headers[1], "X-B: has ; semicolon # hash");
		}
		CHECK_STR(b.nodes[0].ca_file, "/etc/ca.pem");
		CHECK_INT(b.nodes[0].timeout_ms, 200);
		CHECK_INT(b.nodes[0].connections, 2);
		CHECK_STR(b.nodes[1].name, "plain");
		CHECK_STR(b.nodes[1].bearer_file, "/tok/file");
		CHECK(b.nodes[1].bearer == NULL);
		CHECK_INT(b.nodes[1].timeout_ms, 0);
	}
	config_free(&a);
	config_free(&b);
	test_rmtree(dir);
}

/* Parses the file at path into cfg (bearer_file is recorded, not read). */
static int parse_saved(struct config *cfg, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *saved = test_read_file(path, &len);
	int rc = config_parse(cfg, saved, len, path, err, errlen);

	free(saved);
	return rc;
}

static void save_then_load_round_trips_alerts_chain_id_and_pinned(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config a, b;
	static const char text[] =
		"[alerts]\nstall = 0\nmin_peers = 8\nmax_lag = 1000000\nhook = \"/opt/alert hooks/run ; now\"\n"
		"[node main]\nurl = http://h:1\nchain_id = 0x1\npinned = on\n"
		"[node top]\nurl = http://h:2\nchain_id = 9223372036854775808\npinned = off\n"
		"[node plain]\nurl = http://h:3\n";

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	config_init(&a);
	config_init(&b);
	CHECK_INT(parse(&a, text, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(config_save(&a, path, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(parse_saved(&b, path, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(b.alert_stall_s, 0);
	CHECK_INT(b.alert_min_peers, 8);
	CHECK_INT(b.alert_max_lag, 1000000);
	CHECK_STR(b.alert_hook, "/opt/alert hooks/run ; now");
	CHECK_INT(b.nnodes, 3);
	if (b.nnodes == 3) {
		CHECK(b.nodes[0].has_chain_id && b.nodes[0].chain_id == 1);
		CHECK(b.nodes[0].pinned);
		CHECK(b.nodes[1].has_chain_id && b.nodes[1].chain_id == UINT64_C(1) << 63);
		CHECK(!b.nodes[1].pinned);
		CHECK(!b.nodes[2].has_chain_id);
		CHECK(!b.nodes[2].pinned);
	}
	{
		char *saved = test_read_file(path, NULL);

		CHECK(strstr(saved, "\n[alerts]\nstall = 0\nmin_peers = 8\nmax_lag = 1000000\n") != NULL);
		CHECK(strstr(saved, "chain_id = 1\npinned = yes\n") != NULL);
		CHECK(strstr(saved, "chain_id = 9223372036854775808\n\n") != NULL);
		free(saved);
	}
	config_free(&a);
	config_free(&b);
	test_rmtree(dir);
}

static void save_writes_alerts_only_when_not_default(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config cfg = file_config();
	struct config back;
	char *saved;

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	saved = test_read_file(path, NULL);
	CHECK(strstr(saved, "[alerts]") == NULL);
	CHECK(strstr(saved, "chain_id") == NULL);
	CHECK(strstr(saved, "pinned") == NULL);
	free(saved);

	/* Only the values that differ are written. */
	cfg.alert_max_lag = 12;
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	saved = test_read_file(path, NULL);
	CHECK(strstr(saved, "\n[alerts]\nmax_lag = 12\n\n[node") != NULL);
	free(saved);

	cfg.alert_max_lag = 5;
	cfg.alert_hook = strdup("/usr/local/bin/notify");
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	saved = test_read_file(path, NULL);
	CHECK(strstr(saved, "\n[alerts]\nhook = /usr/local/bin/notify\n\n[node") != NULL);
	free(saved);
	config_init(&back);
	CHECK_INT(config_load(&back, path, err, sizeof(err)), 0);
	CHECK_STR(back.alert_hook, "/usr/local/bin/notify");
	CHECK_INT(back.alert_stall_s, 60);
	CHECK_INT(back.alert_min_peers, 1);
	CHECK_INT(back.alert_max_lag, 5);
	CHECK_INT(back.nnodes, 2);
	config_free(&back);
	config_free(&cfg);
	test_rmtree(dir);
}

static void save_refuses_invalid_alerts_and_chain_id(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config cfg = file_config();
	char *saved;

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "# keep me\n");

	cfg.alert_stall_s = 86401;
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	cfg.alert_stall_s = 60;
	cfg.alert_min_peers = -1;
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	cfg.alert_min_peers = 1;
	cfg.alert_max_lag = 1000001;
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	cfg.alert_max_lag = 5;

	cfg.alert_hook = strdup("relative/hook");
	strcpy(err, "");
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "hook") != NULL);
	free(cfg.alert_hook);
	cfg.alert_hook = strdup("/bin/x\ny");
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	free(cfg.alert_hook);
	cfg.alert_hook = NULL;

	if (cfg.nnodes > 0) {
		cfg.nodes[0].has_chain_id = true;
		cfg.nodes[0].chain_id = 0;
		strcpy(err, "");
		CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
		CHECK(strstr(err, "chain_id") != NULL);
		cfg.nodes[0].has_chain_id = false;
	}
	saved = test_read_file(path, NULL);
	CHECK_STR(saved, "# keep me\n");
	free(saved);
	CHECK_INT(test_dir_entries(dir), 1);

	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	config_free(&cfg);
	test_rmtree(dir);
}

static void save_writes_mode_0600_and_leaves_no_temp_file(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config cfg = file_config();
	struct stat st;

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "old contents\n");
	chmod(path, 0644);
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(test_dir_entries(dir), 1);
	config_free(&cfg);

	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), 0);
	CHECK_INT(cfg.nnodes, 2);
	config_free(&cfg);
	test_rmtree(dir);
}

static void save_writes_bearer_file_not_the_token(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], tok[128], text[256], err[256] = "";
	struct config cfg;
	char *saved;

	snprintf(tok, sizeof(tok), "%s/token", dir);
	test_write_file(tok, "TOPSECRET\n");
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	snprintf(text, sizeof(text), "[node a]\nurl = https://h\nbearer_file = %s\n", tok);
	test_write_file(path, text);
	config_init(&cfg);
	CHECK_INT(config_load(&cfg, path, err, sizeof(err)), 0);
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	saved = test_read_file(path, NULL);
	CHECK(strstr(saved, "TOPSECRET") == NULL);
	CHECK(strstr(saved, tok) != NULL);
	free(saved);
	config_free(&cfg);
	test_rmtree(dir);
}

static void save_refuses_invalid_config_and_keeps_old_file(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config cfg = file_config();
	char *saved;

	snprintf(path, sizeof(path), "%s/config.ini", dir);
	test_write_file(path, "# keep me\n");
	cfg.refresh_ms = 5;
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EINVAL);
	saved = test_read_file(path, NULL);
	CHECK_STR(saved, "# keep me\n");
	free(saved);
	CHECK_INT(test_dir_entries(dir), 1);
	config_free(&cfg);
	test_rmtree(dir);
}

static void save_into_missing_parent_fails_cleanly(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], blocker[128], err[256] = "";
	struct config cfg = file_config();

	snprintf(blocker, sizeof(blocker), "%s/file", dir);
	test_write_file(blocker, "x");
	snprintf(path, sizeof(path), "%s/file/config.ini", dir);
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), CD_EIO);
	CHECK(err[0] != '\0');
	CHECK_INT(test_dir_entries(dir), 1);
	config_free(&cfg);
	test_rmtree(dir);
}

/* ---- XDG paths ---- */

static void default_path_follows_xdg_rules(void)
{
	struct saved_env xdg = env_save("XDG_CONFIG_HOME"), home = env_save("HOME");
	char buf[256];

	setenv("HOME", "/home/h", 1);
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	CHECK(config_default_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/xdg/conf/chaindeck/config.ini");

	unsetenv("XDG_CONFIG_HOME");
	CHECK(config_default_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/home/h/.config/chaindeck/config.ini");

	setenv("XDG_CONFIG_HOME", "", 1);
	CHECK(config_default_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/home/h/.config/chaindeck/config.ini");

	setenv("XDG_CONFIG_HOME", "relative/conf", 1);
	CHECK_INT(config_default_path(buf, sizeof(buf)), (long long)strlen("/home/h/.config/chaindeck/config.ini"));
	CHECK_STR(buf, "/home/h/.config/chaindeck/config.ini");

	CHECK_INT(config_default_path(buf, 10), CD_ESPACE);
	env_restore(&xdg);
	env_restore(&home);
}

static void default_log_path_follows_xdg_state_rules(void)
{
	struct saved_env xdg = env_save("XDG_STATE_HOME"), home = env_save("HOME");
	char buf[256];

	setenv("HOME", "/home/h", 1);
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	CHECK(config_default_log_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/xdg/state/chaindeck/chaindeck.log");

	unsetenv("XDG_STATE_HOME");
	CHECK(config_default_log_path(buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "/home/h/.local/state/chaindeck/chaindeck.log");
	env_restore(&xdg);
	env_restore(&home);
}

/* [safe "CHAINID"]: per-chain Safe contract addresses, validated, kept by a rewrite of the file. */
static void parses_safe_sections_and_saves_them(void)
{
	const char *dir = test_tmpdir("config");
	char path[128], err[256] = "";
	struct config cfg, back;
	char *saved;

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[safe \"100\"]\nproxy_factory = 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67\n"
	                      "[safe 0x2a]\nsingleton_l2 = 0x00000000000000000000000000000000000000aa\n", err, sizeof(err)), 0);
	CHECK_INT((int)cfg.nsafes, 2);
	CHECK(cfg.safes[0].chain_id == 100 && cfg.safes[0].set[CONFIG_SAFE_PROXY_FACTORY] &&
	      !cfg.safes[0].set[CONFIG_SAFE_SINGLETON] && cfg.safes[0].addr[CONFIG_SAFE_PROXY_FACTORY][0] == 0x4e);
	CHECK(cfg.safes[1].chain_id == 42 && cfg.safes[1].set[CONFIG_SAFE_SINGLETON_L2] &&
	      cfg.safes[1].addr[CONFIG_SAFE_SINGLETON_L2][19] == 0xaa);
	snprintf(path, sizeof(path), "%s/config.ini", dir);
	CHECK_INT(config_save(&cfg, path, err, sizeof(err)), 0);
	saved = test_read_file(path, NULL);
	CHECK(strstr(saved, "[safe \"100\"]\nproxy_factory = 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67\n") != NULL);
	free(saved);
	config_init(&back);
	CHECK_INT(config_load(&back, path, err, sizeof(err)), 0);
	CHECK_INT((int)back.nsafes, 2);
	CHECK(memcmp(&back.safes[1], &cfg.safes[1], sizeof(back.safes[1])) == 0);
	config_free(&back);
	config_free(&cfg);

	config_init(&cfg);
	CHECK_INT(parse(&cfg, "[safe \"1\"]\nsingleton = 0x41675c099f32341bf84bfc5382af534df5c7461b\nsingleton = 0x1\n",
	                err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "t.ini:3: duplicate key 'singleton'") != NULL);
	CHECK_INT(parse(&cfg, "[safe \"1\"]\nsingleton = 0x41675C099F32341bf84BFc5382aF534df5C7461a\nmulti_send = 0x12\n",
	                err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "t.ini:3: multi_send: not an address") != NULL);
	CHECK_INT(parse(&cfg, "[safe \"1\"]\nsingleton = 0x41675c099F32341bf84BFc5382aF534df5C7461a\n", err, sizeof(err)),
	          CD_EINVAL);
	CHECK(strstr(err, "t.ini:2: singleton: not an address") != NULL); /* one case flipped: a bad checksum */
	CHECK_INT(parse(&cfg, "[safe \"1\"]\nfactory = 0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67\n", err, sizeof(err)),
	          CD_EINVAL);
	CHECK(strstr(err, "unknown key 'factory' in [safe \"1\"]") != NULL);
	CHECK_INT(parse(&cfg, "[safe \"mainnet\"]\n", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "the name must be a chain id") != NULL);
	CHECK_INT(parse(&cfg, "[safe \"5\"]\n", err, sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "names no address") != NULL);
	CHECK_INT(parse(&cfg, "[safe 5]\nmulti_send = 0x38869bf66a61cF6bDB996A6aE40D5853Fd43B526\n[safe \"5\"]\n", err,
	                sizeof(err)), CD_EINVAL);
	CHECK(strstr(err, "duplicate section [safe \"5\"]") != NULL);
	CHECK_INT((int)cfg.nsafes, 0);
	config_free(&cfg);
	test_rmtree(dir);
}

static const struct test_case cases[] = {
	{ "parses_full_example", parses_full_example },
	{ "init_sets_documented_defaults", init_sets_documented_defaults },
	{ "node_keys_default_to_unset", node_keys_default_to_unset },
	{ "empty_text_changes_nothing", empty_text_changes_nothing },
	{ "quoted_values_keep_comment_characters_and_escapes", quoted_values_keep_comment_characters_and_escapes },
	{ "comment_needs_space_before_it_in_unquoted_values", comment_needs_space_before_it_in_unquoted_values },
	{ "accepts_crlf_bom_and_indentation", accepts_crlf_bom_and_indentation },
	{ "bell_accepts_on_off_words", bell_accepts_on_off_words },
	{ "accepts_every_url_form", accepts_every_url_form },
	{ "tilde_paths_expand_with_home", tilde_paths_expand_with_home },
	{ "parses_alerts_section", parses_alerts_section },
	{ "parses_chain_id_in_decimal_and_hex", parses_chain_id_in_decimal_and_hex },
	{ "pinned_accepts_the_bell_words", pinned_accepts_the_bell_words },
	{ "rejects_malformed_files_with_line_numbers", rejects_malformed_files_with_line_numbers },
	{ "rejects_line_too_long", rejects_line_too_long },
	{ "error_messages_never_quote_urls_or_tokens", error_messages_never_quote_urls_or_tokens },
	{ "failed_parse_leaves_config_unchanged", failed_parse_leaves_config_unchanged },
	{ "second_parse_replaces_alert_values", second_parse_replaces_alert_values },
	{ "parse_records_bearer_file_without_reading_it", parse_records_bearer_file_without_reading_it },
	{ "load_of_missing_file_is_not_an_error", load_of_missing_file_is_not_an_error },
	{ "load_reports_path_and_line", load_reports_path_and_line },
	{ "load_refuses_a_file_writable_by_group_or_others", load_refuses_a_file_writable_by_group_or_others },
	{ "load_refuses_a_file_of_another_user", load_refuses_a_file_of_another_user },
	{ "load_reads_first_line_of_bearer_file", load_reads_first_line_of_bearer_file },
	{ "load_rejects_missing_or_empty_bearer_file", load_rejects_missing_or_empty_bearer_file },
	{ "load_of_directory_is_an_io_error", load_of_directory_is_an_io_error },
	{ "rpc_urls_replace_file_nodes_and_env", rpc_urls_replace_file_nodes_and_env },
	{ "eth_rpc_url_replaces_file_nodes", eth_rpc_url_replaces_file_nodes },
	{ "empty_eth_rpc_url_keeps_file_nodes", empty_eth_rpc_url_keeps_file_nodes },
	{ "default_local_node_when_nothing_given", default_local_node_when_nothing_given },
	{ "url_node_names_hide_credentials_and_number_repeats", url_node_names_hide_credentials_and_number_repeats },
	{ "bad_override_url_is_rejected_and_config_unchanged", bad_override_url_is_rejected_and_config_unchanged },
	{ "config_and_rpc_client_agree_on_every_url", config_and_rpc_client_agree_on_every_url },
	{ "add_node_copies_deeply", add_node_copies_deeply },
	{ "add_node_copies_chain_id_and_pinned", add_node_copies_chain_id_and_pinned },
	{ "add_node_rejects_chain_id_out_of_range", add_node_rejects_chain_id_out_of_range },
	{ "add_node_rejects_duplicates_and_invalid_nodes", add_node_rejects_duplicates_and_invalid_nodes },
	{ "remove_node_drops_only_that_node", remove_node_drops_only_that_node },
	{ "save_then_load_round_trips", save_then_load_round_trips },
	{ "save_then_load_round_trips_alerts_chain_id_and_pinned", save_then_load_round_trips_alerts_chain_id_and_pinned },
	{ "save_writes_alerts_only_when_not_default", save_writes_alerts_only_when_not_default },
	{ "save_refuses_invalid_alerts_and_chain_id", save_refuses_invalid_alerts_and_chain_id },
	{ "save_writes_mode_0600_and_leaves_no_temp_file", save_writes_mode_0600_and_leaves_no_temp_file },
	{ "save_writes_bearer_file_not_the_token", save_writes_bearer_file_not_the_token },
	{ "save_refuses_invalid_config_and_keeps_old_file", save_refuses_invalid_config_and_keeps_old_file },
	{ "save_into_missing_parent_fails_cleanly", save_into_missing_parent_fails_cleanly },
	{ "default_path_follows_xdg_rules", default_path_follows_xdg_rules },
	{ "default_log_path_follows_xdg_state_rules", default_log_path_follows_xdg_state_rules },
	{ "parses_safe_sections_and_saves_them", parses_safe_sections_and_saves_them },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
