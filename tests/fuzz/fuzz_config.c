/*
 * fuzz_config — the configuration file, as config_parse reads it.
 *
 * Properties: any bytes give CD_OK or an error with a NUL-terminated
 * message, never a crash or leak; a failed parse leaves the config as
 * config_init made it; every node of an accepted file has a name, a URL and
 * values within the documented ranges; masking its URL works. The whole input
 * is also tried as an --rpc-url override.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/config.h"
#include "common/url.h"

static void check_node(const struct config_node *n)
{
	char *masked;

	fuzz_check(n->name && n->name[0], "node without a name");
	fuzz_check(n->url && n->url[0], "node without a URL");
	fuzz_check(n->connections >= 1 && n->connections <= 16, "connections out of range");
	fuzz_check(n->nheaders <= CONFIG_MAX_HEADERS, "too many headers");
	fuzz_check(!n->has_chain_id || (n->chain_id >= 1 && n->chain_id <= (1ULL << 63)),
		   "chain_id out of range");
	for (size_t i = 0; i < n->nheaders; i++)
		fuzz_check(n->headers[i] != NULL, "NULL header");
	masked = url_mask(n->url);
	fuzz_check(masked != NULL, "url_mask returned NULL");
	free(masked);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, fresh;
	char err[256];
	int rc;

	config_init(&cfg);
	config_init(&fresh);
	err[0] = '\0';
	rc = config_parse(&cfg, (const char *)data, size, "fuzz.ini", err, sizeof(err));
	fuzz_check(fuzz_terminated(err, sizeof(err)), "config_parse message not terminated");
	if (rc != CD_OK) {
		fuzz_check(err[0] != '\0', "config_parse failed without a message");
		fuzz_check(memcmp(&cfg, &fresh, sizeof(cfg)) == 0, "config changed by a failed parse");
	} else {
		fuzz_check(cfg.nnodes <= CONFIG_MAX_NODES, "too many nodes");
		fuzz_check(cfg.refresh_ms >= 100 && cfg.refresh_ms <= 60000, "refresh out of range");
		fuzz_check(cfg.timeout_ms >= 100 && cfg.timeout_ms <= 600000, "timeout out of range");
		for (size_t i = 0; i < cfg.nnodes; i++)
			check_node(&cfg.nodes[i]);
	}

	/* The same bytes as a URL given on the command line (they stop at a NUL, as argv does). */
	{
		char *url = fuzz_strndup(data, size);
		const char *urls[1] = {url};
		char *masked = url_mask(url);

		fuzz_check(masked != NULL, "url_mask returned NULL");
		free(masked);
		rc = config_apply_overrides(&cfg, urls, 1, NULL, err, sizeof(err));
		fuzz_check(fuzz_terminated(err, sizeof(err)), "override message not terminated");
		if (rc == CD_OK) {
			fuzz_check(cfg.nnodes == 1, "one --rpc-url gave other than one node");
			check_node(&cfg.nodes[0]);
		}
		free(url);
	}
	config_free(&cfg);
	return 0;
}
