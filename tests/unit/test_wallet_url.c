/*
 * When the wallet warns before signing: plain HTTP to anything but loopback,
 * with the host taken exactly as written.
 */
#include <stdbool.h>
#include <string.h>

#include "tests/lib/test.h"
#include "wallet/wallet.h"

static const struct {
	const char *url;
	bool insecure;
} urls[] = {
	{ "http://127.0.0.1:8545", false },
	{ "http://127.1.2.3/", false },
	{ "http://localhost:8545", false },
	{ "http://LOCALHOST", false },
	{ "HTTP://127.0.0.1", false },
	{ "http://[::1]:8545", false },
	{ "http://user:pw@127.0.0.1:8545", false },
	{ "https://rpc.example.org", false },
	{ "ipc:///home/me/geth.ipc", false },
	{ "/home/me/geth.ipc", false },
	{ "http://10.0.0.5:8545", true },
	{ "http://0.0.0.0:8545", true },
	{ "HTTP://rpc.example.org", true },
	{ "http://localhost.evil.example", true },
	{ "http://127.evil.example", true },
	{ "http://127.0.0.1.evil.example", true },
	{ "http://127.0.0.1@evil.example", true },
	{ "http://[::2]:8545", true },
	{ "http://[::1", true },
};

static void plain_http_to_remote_hosts_is_insecure(void)
{
	for (size_t i = 0; i < TEST_COUNT(urls); i++)
		CHECK_MSG(wallet_url_insecure(urls[i].url) == urls[i].insecure, "%s: expected %s", urls[i].url,
		          urls[i].insecure ? "insecure" : "fine");
}

static const struct test_case cases[] = {
	{ "plain_http_to_remote_hosts_is_insecure", plain_http_to_remote_hosts_is_insecure },
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, TEST_COUNT(cases));
}
