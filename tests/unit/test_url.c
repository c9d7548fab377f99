/*
 * url: which node URLs are accepted and how they split (expected values written
 * from RFC 3986 and the providers' documented URL forms, not from our output),
 * and masking: userinfo, secret query values and provider keys in the path
 * never survive url_mask.
 */
#include "common/url.h"
#include "tests/lib/test.h"

#include <stdlib.h>
#include <string.h>

/* ---- parsing ---- */

static const struct {
	const char *in;
	enum url_scheme scheme;
	const char *host;      /* or the IPC path */
	long port;
} good[] = {
	{ "http://127.0.0.1:8545", URL_HTTP, "127.0.0.1", 8545 },
	{ "HTTP://127.0.0.1:8545", URL_HTTP, "127.0.0.1", 8545 },
	{ "HTTPS://Host.Example/path?q=1", URL_HTTPS, "Host.Example", 0 },
	{ "https://u:p@h:443/", URL_HTTPS, "h", 443 },
	{ "https://[::1]:8545/", URL_HTTPS, "[::1]", 8545 },
	{ "http://[fe80::1%25eth0]:8545", URL_HTTP, "[fe80::1]", 8545 },
	{ "https://[2001:db8::7]/rpc", URL_HTTPS, "[2001:db8::7]", 0 },
	{ "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", URL_HTTPS, "mainnet.infura.io", 0 },
	{ "http://127.0.0.1@evil.example/", URL_HTTP, "evil.example", 0 },
	{ "ipc:///home/u/.ethereum/geth.ipc", URL_IPC, "/home/u/.ethereum/geth.ipc", 0 },
	{ "IPC:///x", URL_IPC, "/x", 0 },
	{ "/tmp/anvil.ipc", URL_IPC, "/tmp/anvil.ipc", 0 },
};

static void accepted_urls_split_as_the_rfc_says(void)
{
	for (size_t i = 0; i < TEST_COUNT(good); i++) {
		struct url u;
		const char *why = "";

		if (url_parse(good[i].in, &u, &why) != 0) {
			CHECK_MSG(0, "%s refused: %s", good[i].in, why);
			continue;
		}
		CHECK_MSG(u.scheme == good[i].scheme, "%s: scheme %d", good[i].in, (int)u.scheme);
		if (good[i].scheme == URL_IPC) {
			CHECK_MSG(u.ipc_path && strcmp(u.ipc_path, good[i].host) == 0, "%s: path %s", good[i].in,
			          u.ipc_path ? u.ipc_path : "(null)");
			CHECK(u.curl_url == NULL && u.host == NULL);
		} else {
			CHECK_MSG(u.host && strcmp(u.host, good[i].host) == 0, "%s: host %s", good[i].in,
			          u.host ? u.host : "(null)");
			CHECK_MSG(u.port == good[i].port, "%s: port %ld", good[i].in, u.port);
			CHECK_MSG(u.curl_url && strncmp(u.curl_url, good[i].scheme == URL_HTTPS ? "https://" : "http://",
			                                good[i].scheme == URL_HTTPS ? 8 : 7) == 0,
			          "%s: curl gets %s", good[i].in, u.curl_url ? u.curl_url : "(null)");
		}
		url_free(&u);
	}
}

static const struct {
	const char *in, *why;
} bad[] = {
	{ "", "empty url" },
	{ "http://h h/", "url contains spaces or control characters" },
	{ "http://h/\x1b[2J", "url contains spaces or control characters" },
	{ "ftp://h/", "unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
	{ "ws://h/", "unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
	{ "geth.ipc", "unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
	{ "localhost:8545", "unsupported url scheme (use http://, https://, ipc:// or a socket path)" },
	{ "ipc://rel/geth.ipc", "ipc url needs an absolute socket path (ipc:///path/geth.ipc)" },
	{ "ipc://", "ipc url needs an absolute socket path (ipc:///path/geth.ipc)" },
	{ "http://h:0", "url port is not a number between 1 and 65535" },
	{ "http://h:65536", "url port is not a number between 1 and 65535" },
	{ "http://u:hunter2@h:bad", "url port is not a number between 1 and 65535" },
	{ "http://:80", "url has no host" },
	{ "http://[::1", "url has a malformed IPv6 host" },
	{ "http://[::g]/", "url has a malformed IPv6 host" },
	{ "https://user:p@ss@host:8545", "url has an invalid host" },
	{ "http://a\"b/", "url has an invalid host" },
};

static void refused_urls_say_why_without_quoting_them(void)
{
	for (size_t i = 0; i < TEST_COUNT(bad); i++) {
		struct url u;
		const char *why = "";

		CHECK_MSG(url_parse(bad[i].in, &u, &why) == -1, "%s accepted", bad[i].in);
		CHECK_MSG(strcmp(why, bad[i].why) == 0, "%s: '%s', expected '%s'", bad[i].in, why, bad[i].why);
		CHECK(!url_valid(bad[i].in, &why));
	}
}

static void node_names_are_host_and_port_or_socket_path(void)
{
	static const struct {
		const char *in, *name;
	} cases[] = {
		{ "https://user:hunter2@rpc.example.org:8545/v1?apikey=k", "rpc.example.org:8545" },
		{ "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef", "mainnet.infura.io" },
		{ "http://[::1]:8545", "[::1]:8545" },
		{ "IPC:///run/geth.ipc", "/run/geth.ipc" },
		{ "/run/geth.ipc", "/run/geth.ipc" },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++) {
		char *n = url_node_name(cases[i].in);

		CHECK_MSG(n && strcmp(n, cases[i].name) == 0, "%s: %s", cases[i].in, n ? n : "(null)");
		free(n);
	}
	CHECK(url_node_name("ftp://h") == NULL);
}

/* ---- masking ---- */

static const struct {
	const char *in, *want;
} masks[] = {
	/* provider keys in the path, in each provider's documented form */
	{ "https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161",
	  "https://mainnet.infura.io/v3/***" },
	{ "https://eth-mainnet.g.alchemy.com/v2/docs-demo0123456789ABCDEFGHIJ",
	  "https://eth-mainnet.g.alchemy.com/v2/***" },
	{ "https://eth-mainnet.g.alchemy.com/v2/Kx8QpZrTmVnWbYcLdHfJgSaE",
	  "https://eth-mainnet.g.alchemy.com/v2/***" },
	{ "https://rpc.ankr.com/eth/2f1ca7a3f1b3e1d1c5f4ec1e1e2c3d4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e",
	  "https://rpc.ankr.com/eth/***" },
	{ "https://old-young-pine.quiknode.pro/4c1b1d6e3b2a4f5e6d7c8b9a0f1e2d3c4b5a6978/",
	  "https://old-young-pine.quiknode.pro/***/" },
	{ "https://nd-123-456-789.p2pify.com/3c6e0b8a9c15224a8228b9a98ca1531d",
	  "https://nd-123-456-789.p2pify.com/***" },
	{ "https://ethereum-mainnet.core.chainstack.com/3c6e0b8a-9c15-224a-8228-b9a98ca1531d/",
	  "https://ethereum-mainnet.core.chainstack.com/***/" },
	/* userinfo */
	{ "https://user:pass@rpc.example.org/path", "https://user:***@rpc.example.org/path" },
	{ "https://TOKENONLY@host/", "https://***@host/" },
	{ "https://:pw@host/", "https://***@host/" },
	{ "http://u:p@[::1]:8545", "http://u:***@[::1]:8545" },
	/* query secrets, by name or by look */
	{ "https://h/x?key=abc", "https://h/x?key=***" },
	{ "https://h/x?a=1&apikey=abc&b=2", "https://h/x?a=1&apikey=***&b=2" },
	{ "https://h/?API_KEY=abc#frag", "https://h/?API_KEY=***#frag" },
	{ "https://h/?token=t&api-key=k&access_token=z", "https://h/?token=***&api-key=***&access_token=***" },
	{ "https://h/?x-api-key=k&client_secret=s&sig=q", "https://h/?x-api-key=***&client_secret=***&sig=***" },
	{ "https://u:p@h/?keyword=fine&key=", "https://u:***@h/?keyword=fine&key=***" },
	{ "https://h/rpc?id=9aa3d95b3bc440fa88ea12eaa4456161", "https://h/rpc?id=***" },
	/* nothing secret: unchanged */
	{ "http://127.0.0.1:8545", "http://127.0.0.1:8545" },
	{ "https://rpc.example.org/v1?x=1&y", "https://rpc.example.org/v1?x=1&y" },
	{ "https://h/path@with-at", "https://h/path@with-at" },
	{ "https://arbitrum-mainnet.example.org/ext/bc/C/rpc", "https://arbitrum-mainnet.example.org/ext/bc/C/rpc" },
	{ "https://h/eth-mainnet-archive/v2/", "https://h/eth-mainnet-archive/v2/" },
	{ "http://[fe80::1%25eth0]:8545", "http://[fe80::1%25eth0]:8545" },
	{ "/run/geth.ipc", "/run/geth.ipc" },
	{ "ipc:///run/geth.ipc", "ipc:///run/geth.ipc" },
	{ "IPC:///x", "IPC:///x" },
	{ "", "" },
	/* unparsable: where the secret is cannot be told, so nothing but the scheme stays */
	{ "https://user:p@ss@host:8545", "https://***" },
	{ "http://u:hunter2@h:bad", "http://***" },
	{ "garbage hunter2", "***" },
};

static void mask_hides_userinfo_query_secrets_and_path_keys(void)
{
	for (size_t i = 0; i < TEST_COUNT(masks); i++) {
		char *m = url_mask(masks[i].in);

		CHECK_MSG(m && strcmp(m, masks[i].want) == 0, "mask(\"%s\") = \"%s\", expected \"%s\"", masks[i].in,
		          m ? m : "(null)", masks[i].want);
		free(m);
	}
	CHECK(url_mask(NULL) == NULL);
}

static void short_path_words_are_not_tokens(void)
{
	static const char *const words[] = {
		"v3", "v2", "eth", "mainnet", "eth-mainnet", "arbitrum-mainnet", "optimism_sepolia", "rpc",
		"deadbeef", "0123456789abcde", "polygon-zkevm-cardona", "ethereum-mainnet-archive",
	};
	static const char *const tokens[] = {
		"0123456789abcdef", "9aa3d95b3bc440fa88ea12eaa4456161", "Kx8QpZrTmVnWbYcLdHfJgSaE",
		"3c6e0b8a-9c15-224a-8228-b9a98ca1531d", "abcdefghij0123456789",
	};

	for (size_t i = 0; i < TEST_COUNT(words); i++)
		CHECK_MSG(!url_looks_like_token(words[i], strlen(words[i])), "%s taken for a token", words[i]);
	for (size_t i = 0; i < TEST_COUNT(tokens); i++)
		CHECK_MSG(url_looks_like_token(tokens[i], strlen(tokens[i])), "%s not taken for a token", tokens[i]);
}

static void plain_http_to_a_remote_host_is_flagged(void)
{
	static const struct {
		const char *url;
		bool remote;
	} cases[] = {
		{ "http://127.0.0.1:8545", false }, { "http://127.1.2.3/", false }, { "http://localhost:8545", false },
		{ "HTTP://LOCALHOST", false }, { "http://[::1]:8545", false }, { "https://rpc.example.org", false },
		{ "IPC:///x", false }, { "/x.ipc", false }, { "http://10.0.0.5:8545", true },
		{ "http://127.0.0.1@evil.example", true }, { "http://127.0.0.1.evil.example", true },
		{ "http://[::2]:8545", true }, { "http://[::1", true },
	};

	for (size_t i = 0; i < TEST_COUNT(cases); i++)
		CHECK_MSG(url_plain_http_remote(cases[i].url) == cases[i].remote, "%s", cases[i].url);
}

static const struct test_case cases[] = {
	{ "accepted_urls_split_as_the_rfc_says", accepted_urls_split_as_the_rfc_says },
	{ "refused_urls_say_why_without_quoting_them", refused_urls_say_why_without_quoting_them },
	{ "node_names_are_host_and_port_or_socket_path", node_names_are_host_and_port_or_socket_path },
	{ "mask_hides_userinfo_query_secrets_and_path_keys", mask_hides_userinfo_query_secrets_and_path_keys },
	{ "short_path_words_are_not_tokens", short_path_words_are_not_tokens },
	{ "plain_http_to_a_remote_host_is_flagged", plain_http_to_a_remote_host_is_flagged },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
