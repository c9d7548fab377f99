/*
 * fuzz_config — the configuration file, as config_parse reads it.
 *
 * Properties: any bytes give CD_OK or an error with a NUL-terminated
 * message, never a crash or leak; a failed parse leaves the config as
 * config_init made it; every node of an accepted file has a name, a URL and
 * values within the documented ranges; masking its URL works. The whole input
 * is also tried as an --rpc-url override. On an accepted file, the in-place
 * edits (config_edit_pin / _remove / _add) give a file that loads with exactly
 * that one change and the same bytes before the edited section.
 */
#include "tests/fuzz/fuzz_util.h"

#include "common/config.h"
#include "common/fsutil.h"
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

/* The edited text loaded: 0 nodes on failure. */
static size_t load_edit(const char *text, size_t len, struct config *out)
{
	char err[256];

	config_init(out);
	fuzz_check(config_parse(out, text, len, "fuzz.ini", err, sizeof(err)) == CD_OK,
		   "an edit gave a file that does not load");
	return out->nnodes;
}

static void check_edits(const uint8_t *data, size_t size, const struct config *cfg)
{
	const char *text = (const char *)data;
	const struct config_node *first = &cfg->nodes[0];
	struct config_node add = { .name = "fuzz-added", .url = "http://127.0.0.1:1" };
	struct config back;
	char *out = NULL, err[256];
	size_t outlen = 0;

	if (config_edit_pin(text, size, "fuzz.ini", first->name, !first->pinned, &out, &outlen, err, sizeof(err)) ==
	    CD_OK) {
		fuzz_check(load_edit(out, outlen, &back) == cfg->nnodes, "pin changed the node count");
		fuzz_check(back.nodes[0].pinned == !first->pinned, "pin did not set the pin");
		config_free(&back);
		fsutil_free_wiped(out, outlen);
	}
	if (config_edit_remove(text, size, "fuzz.ini", first->name, &out, &outlen, err, sizeof(err)) == CD_OK) {
		fuzz_check(load_edit(out, outlen, &back) == cfg->nnodes - 1, "remove did not remove one node");
		fuzz_check(config_node_find(&back, first->name) == NULL, "remove left the node");
		config_free(&back);
		fsutil_free_wiped(out, outlen);
	}
	if (!config_node_find(cfg, add.name) &&
	    config_edit_add(text, size, "fuzz.ini", &add, &out, &outlen, err, sizeof(err)) == CD_OK) {
		fuzz_check(outlen >= size && memcmp(out, text, size) == 0, "add changed the text before the new section");
		fuzz_check(load_edit(out, outlen, &back) == cfg->nnodes + 1, "add did not add one node");
		config_free(&back);
		fsutil_free_wiped(out, outlen);
	}
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
		if (cfg.nnodes > 0 && cfg.nnodes < CONFIG_MAX_NODES)
			check_edits(data, size, &cfg);
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
