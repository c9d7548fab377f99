/*
 * faultnode: a misbehaving Ethereum node for tests. A single-threaded HTTP/1.1 JSON-RPC responder
 * on 127.0.0.1 that answers like a minimal node, and can play one fault, chosen at start and
 * switched on and off while it runs.
 *
 *   faultnode [--fault NAME] [--port P] [--delay S] [--slow S] [--drip-ms MS] [--chain-id N]
 *             [--lifetime S] [--client TEXT] [--peers N] [--enode TEXT] [--sync-rate N]
 *
 * The first line on stdout is the port it listens on (--port 0, the default, lets the kernel pick
 * one). It listens on loopback only. Events (fault on/off, how much of a huge body went out before
 * the client hung up) go to stderr, one line each, starting with "faultnode: ".
 *
 * The node: chain id --chain-id (default 31337), a head that advances by one block every second
 * from #1000 (hash, parent hash, timestamp, gas and a few transaction hashes all consistent),
 * eth_chainId, net_version, eth_blockNumber, eth_getBlockByNumber (a tag or a height; null above
 * the head), eth_getBlockTransactionCountByNumber, eth_syncing (false), eth_gasPrice,
 * eth_maxPriorityFeePerGas, net_peerCount, net_listening, web3_clientVersion, txpool_status,
 * rpc_modules, eth_mining, eth_hashrate; anything else gets -32601 "method not found". Batches are
 * answered as batches, in order.
 *
 * Extreme but valid values, for the dashboard's figures: --client TEXT is web3_clientVersion
 * (printable ASCII, no quote or backslash); --peers N is net_peerCount (up to 2^64-1); --enode TEXT
 * makes admin_nodeInfo answer with that enode; --sync-rate N makes eth_syncing report a sync from
 * block 100 to 10,000,000 whose current block grows by N a second from this process's start (a
 * restart of the process starts it over at 100, as a node that lost unsaved progress).
 *
 * Faults (--fault NAME; "none", the default, is a healthy node):
 *   refuse      the listening socket and every connection are closed: connection refused
 *   blackhole   connections are accepted and read, never answered
 *   slow        each answer leaves after --slow S seconds (default 3)
 *   drip        each answer is written one byte at a time, one every --drip-ms (default 100)
 *   http500     HTTP 500 with a JSON-RPC error body; http502: HTTP 502 with an HTML page
 *   html        HTTP 200, Content-Type text/html, an HTML error page
 *   truncated   the JSON is cut half-way: alternately with a Content-Length that matches the cut
 *               body, and with the full Content-Length and the connection closed half-way
 *   huge        a 1 GiB body (a JSON string result of 'a's), streamed from a fixed buffer, never
 *               held in memory: alternately with "Content-Length: 1073741824" and without a length
 *               (delimited by closing the connection). When the client hangs up, stderr gets
 *               "faultnode: huge: N bytes sent" (N is what the kernel took, not what was read).
 *   rpcerror    every call gets a JSON-RPC error object, in turn: a very long message (8 KiB)
 *               holding terminal escape sequences ("\u001b[2J\u001b]0;pwned\u0007", U+009B CSI)
 *               and raw C1 bytes; a message of valid non-ASCII UTF-8; an error with "data" and a
 *               code that is a string. Every third request is answered by one error object for the
 *               whole batch (id null), as some nodes do.
 *   wrongid     ids that do not match, in turn: id + 1000, the id as a string, no id, all 7, all
 *               null
 *   wrongtype   quantities as JSON numbers, a string where the block object belongs, objects and
 *               arrays where strings belong, block fields of the wrong type; batches answered by
 *               an array one too long or one too short, or by an object; single calls by []
 *   outofrange  quantities of 80 hex digits, "0x-1", "0x", and u256 values of 2^256-1 and of 65
 *               hex digits
 *   chainid     eth_chainId and net_version say chain 1 (with --delay: from that point on)
 *   reorg       every 3 s the top blocks are replaced: the blocks above the head of that moment
 *               less two get new hashes (same heights, a consistent new chain, parent hashes
 *               included), and every other period the new head is two blocks lower than the old one
 *   badtext     web3_clientVersion is a long string with a right-to-left override (U+202E, as a
 *               JSON escape and as raw UTF-8) and the other bidi controls, escape sequences, C1 bytes (raw and as
 *               U+0080..U+009F), a BEL, a CR and a BS
 *
 * Control: the fault is on from the start, or from --delay S seconds after it. SIGUSR1 toggles it
 * (off, on, off, ...); a pending --delay is then dropped. Each switch prints
 * "faultnode: fault NAME on|off" on stderr. When refuse goes off, the same port is listened on
 * again. A fault applies to the requests that complete while it is on; an answer already under way
 * (a slow, dripping or huge one) finishes as it began.
 *
 * Bounds: exits by itself after --lifetime S (default 600), and at once on SIGTERM, SIGINT or
 * SIGHUP, with status 0. It sleeps in ppoll between events (at most 1 s at a time) and never spins:
 * a socket is watched for writing only while there is something to write now. At most 128
 * connections at once; more are closed as they arrive. A request head is at most 64 KiB and a
 * body at most 8 MiB (else 413 and close).
 *
 * Exit status: 0 (lifetime over or a signal), 1 could not listen, 2 usage.
 */
#define _GNU_SOURCE /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c): ppoll, memmem, accept4 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>

#define MAX_CONNS 128
#define MAX_HEAD (64 * 1024)
#define MAX_BODY (8 * 1024 * 1024)
#define HUGE_SIZE (1024ull * 1024 * 1024)
#define FIRST_BLOCK 1000
#define REORG_PERIOD_MS 3000
#define POLL_CAP_MS 1000
#define REBIND_MS 100

enum fault {
	F_NONE,
	F_REFUSE,
	F_BLACKHOLE,
	F_SLOW,
	F_DRIP,
	F_HTTP500,
	F_HTTP502,
	F_HTML,
	F_TRUNCATED,
	F_HUGE,
	F_RPCERROR,
	F_WRONGID,
	F_WRONGTYPE,
	F_OUTOFRANGE,
	F_CHAINID,
	F_REORG,
	F_BADTEXT,
	F_COUNT
};

static const char *const fault_names[F_COUNT] = {
	[F_NONE] = "none",           [F_REFUSE] = "refuse",       [F_BLACKHOLE] = "blackhole",
	[F_SLOW] = "slow",           [F_DRIP] = "drip",           [F_HTTP500] = "http500",
	[F_HTTP502] = "http502",     [F_HTML] = "html",           [F_TRUNCATED] = "truncated",
	[F_HUGE] = "huge",           [F_RPCERROR] = "rpcerror",   [F_WRONGID] = "wrongid",
	[F_WRONGTYPE] = "wrongtype", [F_OUTOFRANGE] = "outofrange", [F_CHAINID] = "chainid",
	[F_REORG] = "reorg",         [F_BADTEXT] = "badtext",
};

/* What a node may send to a terminal, as JSON string content (escaped) ... */
#define EVIL_JSON "\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m\\u009d0;pwned\\u009c\\r\\b"
/* ... and as raw bytes (for HTML bodies; raw C1 bytes are not valid UTF-8 on purpose) */
#define EVIL_RAW "\x1b[2J\x1b]0;pwned\x07\x9b" "31m\x9d" "0;pwned\x9c"
/* Valid non-ASCII UTF-8: Latin, a dash, CJK, a snowman. */
#define UTF8_TEXT "n\xc5\x93ud indisponible \xe2\x80\x94 \xe7\xaf\x80\xe7\x82\xb9\xe3\x81\x8c\xe5\xbf\x99\xe3\x81\x97\xe3\x81\x84 \xe2\x98\x83"
#define EMPTY_ROOT "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
#define UNCLES_ROOT "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"

struct sb {
	char *p;
	size_t len, cap;
};

struct conn {
	int fd;
	struct sb in;            /* bytes received, not yet taken as a request */
	struct sb out;           /* the answer under way */
	size_t out_off;          /* how much of out has been written */
	struct sb tail;          /* huge: what follows the filler */
	uint64_t filler_left;    /* huge: 'a's still to write before tail */
	uint64_t sent;           /* bytes of the answer under way that went out */
	uint64_t send_at_ms;     /* nothing is written before this (slow, drip) */
	long drip_ms;            /* > 0: one byte per drip_ms */
	size_t cut_at;           /* > 0: close once this many bytes of out are written (truncated) */
	bool busy;               /* an answer is under way: the next request waits */
	bool hold;               /* blackhole: never answer */
	bool close_after;        /* close once the answer is written */
	bool is_huge;
	bool continued;          /* "100 Continue" sent for this request */
};

struct node {
	enum fault fault;
	bool active;
	uint64_t activate_at_ms; /* 0: no pending --delay */
	uint64_t active_since_ms;
	uint64_t start_ms;
	time_t start_unix;
	uint64_t chain_id;
	long slow_s;
	long drip_ms;
	int port;
	int lfd;                 /* -1 while refusing */
	uint64_t next_bind_ms;
	uint64_t nreq;           /* requests taken, for the rotating variants */
	const char *client;      /* --client, or NULL */
	bool has_peers;
	uint64_t peers;          /* --peers */
	const char *enode;       /* --enode, or NULL */
	long sync_rate;          /* --sync-rate, 0: not syncing */
	struct conn *conns[MAX_CONNS];
};

static volatile sig_atomic_t got_stop;
static volatile sig_atomic_t got_toggle;
static char filler[64 * 1024];

static void on_stop(int sig)
{
	(void)sig;
	got_stop = 1;
}

static void on_toggle(int sig)
{
	(void)sig;
	got_toggle++;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	fputs("faultnode: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* ---- string builder (out of memory ends the program: this is a test tool) ---- */

static void sb_reserve(struct sb *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		say("out of memory");
		exit(1);
	}
	b->p = p;
	b->cap = cap;
}

static void sb_add(struct sb *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void sb_drop(struct sb *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->p, b->p + n, b->len - n);
		b->len -= n;
	}
	if (b->p)
		b->p[b->len] = '\0';
}

static void sb_free(struct sb *b)
{
	free(b->p);
	*b = (struct sb){ 0 };
}

/* ---- the chain ---- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void put_hash(struct sb *b, uint64_t a, uint64_t salt, uint64_t kind)
{
	sb_puts(b, "\"0x");
	for (uint64_t i = 0; i < 4; i++)
		sb_printf(b, "%016llx", (unsigned long long)mix64(a * 8 + i + salt * 0x1000003 + kind * 0x77777));
	sb_puts(b, "\"");
}

struct head {
	uint64_t number;
};

static bool fault_on(const struct node *n, enum fault f)
{
	return n->active && n->fault == f;
}

/* reorg: the height the fork of period k starts above (the head then, less two). */
static uint64_t fork_point(const struct node *n, uint64_t k)
{
	return FIRST_BLOCK + (n->active_since_ms - n->start_ms + k * REORG_PERIOD_MS) / 1000u - 2;
}

/*
 * Which chain a block is on: 0 the original; under reorg, k + 1 for a block above the fork point of
 * period k (the latest such k). So history stays put and each period replaces the top two or three
 * blocks, as a real reorg does.
 */
static uint64_t salt_of(const struct node *n, uint64_t number)
{
	uint64_t t = now_ms(), epoch;

	if (!fault_on(n, F_REORG))
		return 0;
	epoch = (t - n->active_since_ms) / REORG_PERIOD_MS;
	for (uint64_t k = epoch + 1; k-- > 0;) {
		if (number > fork_point(n, k))
			return k + 1;
	}
	return 0;
}

static struct head head_now(const struct node *n)
{
	uint64_t t = now_ms();
	struct head h = { FIRST_BLOCK + (t - n->start_ms) / 1000u };

	/* every other period, the new fork is two blocks shorter than the old chain was */
	if (fault_on(n, F_REORG) && ((t - n->active_since_ms) / REORG_PERIOD_MS) % 2 == 0 &&
	    h.number > FIRST_BLOCK + 2)
		h.number -= 2;
	return h;
}

static unsigned txs_in(uint64_t number)
{
	return (unsigned)(mix64(number) % 4);
}

/* A plausible post-London, post-Shanghai block header with transaction hashes. */
static void put_block(struct sb *b, const struct node *n, uint64_t number, int variant)
{
	uint64_t salt = salt_of(n, number), psalt = salt_of(n, number - 1);
	unsigned ntx = txs_in(number);
	uint64_t ts = (uint64_t)n->start_unix + (number - FIRST_BLOCK);

	if (variant == 1) {
		/* the fields of a block, each of the wrong type */
		sb_printf(b, "{\"number\":%llu,\"hash\":\"0x12\",\"parentHash\":[1,2],\"timestamp\":true,"
		             "\"gasUsed\":{},\"gasLimit\":-1,\"transactions\":\"none\",\"extraData\":7}",
		          (unsigned long long)number);
		return;
	}
	if (variant == 2) {
		/* out of range: 80 hex digits, "0x-1", "0x", a u256 of 65 digits */
		sb_puts(b, "{\"number\":\"0x");
		for (int i = 0; i < 80; i++)
			sb_puts(b, "f");
		sb_puts(b, "\",\"hash\":");
		put_hash(b, number, salt, 0);
		sb_puts(b, ",\"parentHash\":");
		put_hash(b, number - 1, psalt, 0);
		sb_puts(b, ",\"sha3Uncles\":\"" UNCLES_ROOT "\",\"stateRoot\":\"" EMPTY_ROOT
		           "\",\"transactionsRoot\":\"" EMPTY_ROOT "\",\"receiptsRoot\":\"" EMPTY_ROOT
		           "\",\"extraData\":\"0x\",\"timestamp\":\"0x-1\",\"gasLimit\":\"0x\",\"gasUsed\":\"0x1");
		for (int i = 0; i < 79; i++)
			sb_puts(b, "0");
		sb_puts(b, "\",\"baseFeePerGas\":\"0x1");
		for (int i = 0; i < 64; i++)
			sb_puts(b, "0");
		sb_puts(b, "\",\"transactions\":[]}");
		return;
	}
	sb_printf(b, "{\"number\":\"0x%llx\",\"hash\":", (unsigned long long)number);
	put_hash(b, number, salt, 0);
	sb_puts(b, ",\"parentHash\":");
	put_hash(b, number - 1, psalt, 0);
	sb_puts(b, ",\"nonce\":\"0x0000000000000000\",\"sha3Uncles\":\"" UNCLES_ROOT "\",\"logsBloom\":\"0x");
	for (int i = 0; i < 512; i++)
		sb_puts(b, "0");
	sb_puts(b, "\",\"transactionsRoot\":");
	if (ntx)
		put_hash(b, number, salt, 1);
	else
		sb_puts(b, "\"" EMPTY_ROOT "\"");
	sb_puts(b, ",\"stateRoot\":");
	put_hash(b, number, salt, 2);
	sb_puts(b, ",\"receiptsRoot\":");
	if (ntx)
		put_hash(b, number, salt, 3);
	else
		sb_puts(b, "\"" EMPTY_ROOT "\"");
	sb_printf(b,
	          ",\"miner\":\"0x0000000000000000000000000000000000000000\",\"difficulty\":\"0x0\","
	          "\"totalDifficulty\":\"0x0\",\"extraData\":\"0x\",\"size\":\"0x%x\",\"gasLimit\":\"0x1c9c380\","
	          "\"gasUsed\":\"0x%x\",\"timestamp\":\"0x%llx\",\"baseFeePerGas\":\"0x%llx\","
	          "\"mixHash\":",
	          600 + 120 * ntx, 21000 * ntx, (unsigned long long)ts,
	          (unsigned long long)(1000000000ull + (number % 97) * 1000000ull));
	put_hash(b, number, salt, 4);
	sb_puts(b, ",\"withdrawalsRoot\":\"" EMPTY_ROOT "\",\"withdrawals\":[],\"uncles\":[],\"transactions\":[");
	for (unsigned i = 0; i < ntx; i++) {
		if (i)
			sb_puts(b, ",");
		put_hash(b, number * 16 + i, salt, 5);
	}
	sb_puts(b, "]}");
}

/* ---- answers ---- */

/* Every bidi control but U+202E, as JSON escapes: U+202A..U+202D, U+2066..U+2069, LRM, RLM, ALM. */
#define BIDI_JSON "\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c"

/* The result for a height parameter: the head for a tag, else the height; *ok false above the head. */
static uint64_t height_param(const cJSON *params, uint64_t head, bool *ok)
{
	const cJSON *p = cJSON_IsArray(params) ? cJSON_GetArrayItem(params, 0) : NULL;
	unsigned long long v;
	char *end;

	*ok = true;
	if (!p || !cJSON_IsString(p) || strncmp(p->valuestring, "0x", 2) != 0)
		return head;
	errno = 0;
	v = strtoull(p->valuestring + 2, &end, 16);
	if (errno != 0 || *end != '\0' || end == p->valuestring + 2 || v > head) {
		*ok = false;
		return 0;
	}
	return (uint64_t)v;
}

static void put_error(struct sb *b, long code, const char *message_json)
{
	sb_printf(b, "\"error\":{\"code\":%ld,\"message\":\"%s\"}", code, message_json);
}

static void put_evil_message(struct sb *b, size_t bytes)
{
	size_t start = b->len;

	sb_puts(b, "\"error\":{\"code\":-32000,\"message\":\"node failure: ");
	while (b->len - start < bytes)
		sb_puts(b, "request rejected " EVIL_JSON " \x9b" "2J \x9d" "0;pwned\\u0007 ");
	sb_puts(b, "\"}");
}

/* wrongtype: a result of the wrong JSON type for the method. */
static void put_wrongtype(struct sb *b, struct node *n, const char *method, struct head h, unsigned v)
{
	if (strcmp(method, "eth_chainId") == 0)
		sb_printf(b, "\"result\":%llu", (unsigned long long)n->chain_id);
	else if (strcmp(method, "eth_blockNumber") == 0 || strcmp(method, "net_peerCount") == 0)
		sb_printf(b, "\"result\":%llu", (unsigned long long)h.number);
	else if (strcmp(method, "eth_gasPrice") == 0)
		sb_puts(b, "\"result\":1000000000.5");
	else if (strcmp(method, "eth_getBlockByNumber") == 0 && v == 0)
		sb_printf(b, "\"result\":\"0x%llx\"", (unsigned long long)h.number);
	else if (strcmp(method, "eth_getBlockByNumber") == 0 && v == 1)
		sb_printf(b, "\"result\":[\"0x%llx\"]", (unsigned long long)h.number);
	else if (strcmp(method, "eth_getBlockByNumber") == 0) {
		sb_puts(b, "\"result\":");
		put_block(b, n, h.number, 1);
	} else if (strcmp(method, "eth_syncing") == 0)
		sb_puts(b, v ? "\"result\":\"no\"" : "\"result\":{\"currentBlock\":5}");
	else if (strcmp(method, "txpool_status") == 0)
		sb_puts(b, v ? "\"result\":[1,2]" : "\"result\":{\"pending\":3,\"queued\":[]}");
	else if (strcmp(method, "web3_clientVersion") == 0)
		sb_puts(b, v ? "\"result\":{\"name\":\"Faultnode\"}" : "\"result\":[\"Faultnode\",1]");
	else
		sb_puts(b, "\"result\":{}");
}

/* outofrange: quantities no 64-bit or 256-bit number holds, or that are not numbers. false: answer normally. */
static bool put_outofrange(struct sb *b, struct node *n, const char *method, struct head h, unsigned v)
{
	const char *q = v == 0 ? "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	                : v == 1 ? "0x-1"
	                         : "0x";

	if (strcmp(method, "eth_getBlockByNumber") == 0) {
		sb_puts(b, "\"result\":");
		put_block(b, n, h.number, 2);
	} else if (strcmp(method, "eth_gasPrice") == 0 && v == 0) {
		/* in range for a u256, but the largest there is */
		sb_puts(b, "\"result\":\"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\"");
	} else if (strcmp(method, "eth_gasPrice") == 0 && v == 1) {
		sb_puts(b, "\"result\":\"0x10000000000000000000000000000000000000000000000000000000000000000\"");
	} else if (strcmp(method, "txpool_status") == 0) {
		sb_printf(b, "\"result\":{\"pending\":\"%s\",\"queued\":\"%s\"}", q, q);
	} else if (strcmp(method, "eth_syncing") == 0) {
		sb_printf(b, "\"result\":{\"startingBlock\":\"0x0\",\"currentBlock\":\"%s\",\"highestBlock\":\"%s\"}", q,
		          q);
	} else if (strcmp(method, "eth_chainId") == 0 || strcmp(method, "eth_blockNumber") == 0 ||
	           strcmp(method, "net_peerCount") == 0 || strcmp(method, "eth_gasPrice") == 0) {
		sb_printf(b, "\"result\":\"%s\"", q);
	} else {
		return false;
	}
	return true;
}

/* The part after "id": a "result" or an "error" member. */
static void put_outcome(struct sb *b, struct node *n, const char *method, const cJSON *params, size_t idx)
{
	struct head h = head_now(n);
	unsigned v = (unsigned)((n->nreq + idx) % 3);
	bool ok;

	if (fault_on(n, F_RPCERROR)) {
		if (v == 0)
			put_evil_message(b, 8192);
		else if (v == 1)
			put_error(b, -32000, UTF8_TEXT);
		else
			sb_puts(b, "\"error\":{\"code\":\"-32603\",\"message\":\"internal " EVIL_JSON "\","
			           "\"data\":{\"reason\":\"" EVIL_JSON "\",\"nested\":[1,{\"x\":null}]}}");
		return;
	}
	if (fault_on(n, F_WRONGTYPE)) {
		put_wrongtype(b, n, method, h, v);
		return;
	}
	if (fault_on(n, F_OUTOFRANGE) && put_outofrange(b, n, method, h, v))
		return;
	if (strcmp(method, "web3_clientVersion") == 0) {
		if (fault_on(n, F_BADTEXT)) {
			/* a right-to-left override first (as JSON escape and as raw UTF-8): it would show
			 * what follows it reversed; then every other bidi control */
			sb_puts(b, "\"result\":\"Geth/v1.14.0-\\u202e" "stable\xe2\x80\xae-" BIDI_JSON EVIL_JSON "/linux-amd64/");
			for (int i = 0; i < 200; i++)
				sb_puts(b, EVIL_JSON "\\u0085\\u0090\xc2\x9b" "1m\x9b" "2J ");
			sb_puts(b, "go1.22\"");
		} else if (n->client) {
			sb_printf(b, "\"result\":\"%s\"", n->client);
		} else {
			sb_puts(b, "\"result\":\"Faultnode/v1.0.0/linux-amd64/c11\"");
		}
	} else if (strcmp(method, "eth_chainId") == 0) {
		sb_printf(b, "\"result\":\"0x%llx\"", (unsigned long long)(fault_on(n, F_CHAINID) ? 1 : n->chain_id));
	} else if (strcmp(method, "net_version") == 0) {
		sb_printf(b, "\"result\":\"%llu\"", (unsigned long long)(fault_on(n, F_CHAINID) ? 1 : n->chain_id));
	} else if (strcmp(method, "eth_blockNumber") == 0) {
		sb_printf(b, "\"result\":\"0x%llx\"", (unsigned long long)h.number);
	} else if (strcmp(method, "eth_getBlockByNumber") == 0) {
		uint64_t num = height_param(params, h.number, &ok);

		sb_puts(b, "\"result\":");
		if (ok)
			put_block(b, n, num, 0);
		else
			sb_puts(b, "null");
	} else if (strcmp(method, "eth_getBlockTransactionCountByNumber") == 0) {
		uint64_t num = height_param(params, h.number, &ok);

		if (ok)
			sb_printf(b, "\"result\":\"0x%x\"", txs_in(num));
		else
			sb_puts(b, "\"result\":null");
	} else if (strcmp(method, "eth_syncing") == 0 && n->sync_rate) {
		sb_printf(b, "\"result\":{\"startingBlock\":\"0x64\",\"currentBlock\":\"0x%llx\",\"highestBlock\":\"0x989680\"}",
		          (unsigned long long)(100 + (now_ms() - n->start_ms) * (uint64_t)n->sync_rate / 1000));
	} else if (strcmp(method, "admin_nodeInfo") == 0 && n->enode) {
		sb_printf(b, "\"result\":{\"enode\":\"%s\",\"name\":\"Faultnode\"}", n->enode);
	} else if (strcmp(method, "eth_syncing") == 0 || strcmp(method, "eth_mining") == 0) {
		sb_puts(b, "\"result\":false");
	} else if (strcmp(method, "net_listening") == 0) {
		sb_puts(b, "\"result\":true");
	} else if (strcmp(method, "eth_gasPrice") == 0) {
		sb_printf(b, "\"result\":\"0x%llx\"", (unsigned long long)(1500000000ull + (h.number % 13) * 10000000ull));
	} else if (strcmp(method, "eth_maxPriorityFeePerGas") == 0) {
		sb_puts(b, "\"result\":\"0x3b9aca00\"");
	} else if (strcmp(method, "eth_hashrate") == 0) {
		sb_puts(b, "\"result\":\"0x0\"");
	} else if (strcmp(method, "net_peerCount") == 0) {
		sb_printf(b, "\"result\":\"0x%llx\"", (unsigned long long)(n->has_peers ? n->peers : 0x19));
	} else if (strcmp(method, "txpool_status") == 0) {
		sb_printf(b, "\"result\":{\"pending\":\"0x%x\",\"queued\":\"0x1\"}", txs_in(h.number + 1) + 2);
	} else if (strcmp(method, "rpc_modules") == 0) {
		sb_puts(b, "\"result\":{\"eth\":\"1.0\",\"net\":\"1.0\",\"rpc\":\"1.0\",\"txpool\":\"1.0\",\"web3\":\"1.0\"}");
	} else {
		sb_printf(b, "\"error\":{\"code\":-32601,\"message\":\"the method %s does not exist/is not available\"}",
		          method);
	}
}

/* The id as sent back: the request's, or a wrong one under wrongid. */
static void put_id(struct sb *b, struct node *n, const cJSON *id)
{
	unsigned v = (unsigned)(n->nreq % 5);
	char *s;

	if (fault_on(n, F_WRONGID)) {
		if (v == 0 && id && cJSON_IsNumber(id))
			sb_printf(b, "\"id\":%.0f,", id->valuedouble + 1000);
		else if (v == 1 && id && cJSON_IsNumber(id))
			sb_printf(b, "\"id\":\"%.0f\",", id->valuedouble);
		else if (v == 3)
			sb_puts(b, "\"id\":7,");
		else if (v != 2) /* 2: no id at all */
			sb_puts(b, "\"id\":null,");
		return;
	}
	s = id ? cJSON_PrintUnformatted(id) : NULL;
	sb_printf(b, "\"id\":%s,", s ? s : "null");
	free(s);
}

static void put_reply(struct sb *b, struct node *n, const cJSON *call, size_t idx)
{
	const cJSON *m = cJSON_IsObject(call) ? cJSON_GetObjectItemCaseSensitive(call, "method") : NULL;
	const cJSON *id = cJSON_IsObject(call) ? cJSON_GetObjectItemCaseSensitive(call, "id") : NULL;

	sb_puts(b, "{\"jsonrpc\":\"2.0\",");
	put_id(b, n, id);
	if (!m || !cJSON_IsString(m))
		sb_puts(b, "\"error\":{\"code\":-32600,\"message\":\"invalid request\"}");
	else
		put_outcome(b, n, m->valuestring, cJSON_GetObjectItemCaseSensitive(call, "params"), idx);
	sb_puts(b, "}");
}

/* The JSON body for a request body. */
static void json_body(struct sb *b, struct node *n, const char *req, size_t len)
{
	cJSON *doc = cJSON_ParseWithLength(req, len);
	size_t count;

	if (!doc) {
		sb_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");
		return;
	}
	if (!cJSON_IsArray(doc)) {
		put_reply(b, n, doc, 0);
		if (fault_on(n, F_WRONGTYPE) && n->nreq % 3 == 2) {
			/* a single call answered by an array */
			b->len = 0;
			sb_puts(b, "[]");
		}
		cJSON_Delete(doc);
		return;
	}
	count = (size_t)cJSON_GetArraySize(doc);
	if (fault_on(n, F_RPCERROR) && n->nreq % 3 == 2) {
		sb_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":null,");
		put_evil_message(b, 4096);
		sb_puts(b, "}");
		cJSON_Delete(doc);
		return;
	}
	if (fault_on(n, F_WRONGTYPE) && n->nreq % 4 == 3) {
		sb_puts(b, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x1\"}"); /* an object for a batch */
		cJSON_Delete(doc);
		return;
	}
	sb_puts(b, "[");
	for (size_t i = 0; i < count; i++) {
		if (fault_on(n, F_WRONGTYPE) && n->nreq % 4 == 1 && i + 1 == count && count > 1)
			break; /* one too short */
		if (i)
			sb_puts(b, ",");
		put_reply(b, n, cJSON_GetArrayItem(doc, (int)i), i);
	}
	if (fault_on(n, F_WRONGTYPE) && n->nreq % 4 == 2)
		sb_puts(b, ",{\"jsonrpc\":\"2.0\",\"id\":99999,\"result\":\"0x0\"}"); /* one too long */
	sb_puts(b, "]");
	cJSON_Delete(doc);
}

/* ---- HTTP ---- */

static void http_head(struct sb *b, const char *status, const char *type, long long length, bool keep)
{
	sb_printf(b, "HTTP/1.1 %s\r\nServer: faultnode\r\nContent-Type: %s\r\n", status, type);
	if (length >= 0)
		sb_printf(b, "Content-Length: %lld\r\n", length);
	sb_printf(b, "Connection: %s\r\n\r\n", keep ? "keep-alive" : "close");
}

/* Case-insensitive search for a header's value in the request head; NULL if absent. */
static const char *header_value(const char *head, size_t len, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = memchr(head, '\n', len);

	while (p && (size_t)(p + 1 - head) < len) {
		const char *line = p + 1, *eol = memchr(line, '\n', len - (size_t)(line - head));

		if (!eol)
			break;
		if ((size_t)(eol - line) > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			while (*vlen && (v[*vlen - 1] == '\r' || v[*vlen - 1] == ' '))
				(*vlen)--;
			return v;
		}
		p = eol;
	}
	return NULL;
}

static void conn_close(struct node *n, size_t i)
{
	struct conn *c = n->conns[i];

	if (!c)
		return;
	if (c->is_huge && c->busy)
		say("huge: %llu bytes sent", (unsigned long long)c->sent);
	close(c->fd);
	sb_free(&c->in);
	sb_free(&c->out);
	sb_free(&c->tail);
	free(c);
	n->conns[i] = NULL;
}

static void close_all(struct node *n)
{
	for (size_t i = 0; i < MAX_CONNS; i++)
		conn_close(n, i);
}

/* Prepares the answer to one complete request of head_len + body_len bytes at the front of c->in. */
static void answer(struct node *n, struct conn *c, size_t head_len, size_t body_len, bool keep)
{
	struct sb body = { 0 };
	enum fault f = n->active ? n->fault : F_NONE;

	n->nreq++;
	c->busy = true;
	c->out.len = 0;
	c->out_off = 0;
	c->sent = 0;
	c->cut_at = 0;
	c->drip_ms = 0;
	c->send_at_ms = 0;
	c->close_after = !keep;
	c->is_huge = false;
	switch (f) {
	case F_BLACKHOLE:
		c->hold = true;
		return;
	case F_HTTP500:
		sb_puts(&body, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,\"message\":\"internal error "
		               EVIL_JSON "\"}}");
		http_head(&c->out, "500 Internal Server Error", "application/json", (long long)body.len, keep);
		break;
	case F_HTTP502:
		sb_puts(&body, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
		               "Gateway " EVIL_RAW "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");
		http_head(&c->out, "502 Bad Gateway", "text/html", (long long)body.len, keep);
		break;
	case F_HTML:
		sb_puts(&body, "<!DOCTYPE html>\n<html><head><title>Just a moment... " EVIL_RAW "</title></head>\n"
		               "<body><h1>Checking your browser " EVIL_RAW "</h1><p>" UTF8_TEXT "</p></body></html>\n");
		http_head(&c->out, "200 OK", "text/html; charset=UTF-8", (long long)body.len, keep);
		break;
	case F_HUGE: {
		const char *pre = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"", *post = "\"}]";
		bool with_length = n->nreq % 2 == 1;

		http_head(&c->out, "200 OK", "application/json", with_length ? (long long)HUGE_SIZE : -1,
		          with_length && keep);
		sb_puts(&c->out, pre);
		c->tail.len = 0;
		sb_puts(&c->tail, post);
		c->filler_left = HUGE_SIZE - strlen(pre) - strlen(post);
		c->is_huge = true;
		c->close_after = !with_length || !keep;
		break;
	}
	default:
		json_body(&body, n, c->in.p + head_len, body_len);
		if (f == F_TRUNCATED && n->nreq % 2 == 0) {
			/* the cut body with a matching length: valid HTTP, broken JSON */
			body.len /= 2;
			http_head(&c->out, "200 OK", "application/json", (long long)body.len, keep);
		} else {
			http_head(&c->out, "200 OK", "application/json", (long long)body.len, keep);
			if (f == F_TRUNCATED)
				c->cut_at = c->out.len + body.len / 2; /* then the connection closes */
		}
		break;
	}
	sb_add(&c->out, body.p ? body.p : "", body.len);
	sb_free(&body);
	if (f == F_SLOW)
		c->send_at_ms = now_ms() + (uint64_t)n->slow_s * 1000u;
	if (f == F_DRIP) {
		c->drip_ms = n->drip_ms;
		c->send_at_ms = now_ms();
	}
}

/* Takes the next complete request from c->in, if there is one and nothing is under way. */
static int take_request(struct node *n, struct conn *c)
{
	const char *end, *v;
	size_t head_len, vlen, body_len = 0;
	bool keep = true;

	if (c->busy || c->hold || c->in.len == 0)
		return 0;
	end = memmem(c->in.p, c->in.len, "\r\n\r\n", 4);
	if (!end)
		return c->in.len > MAX_HEAD ? -1 : 0;
	head_len = (size_t)(end - c->in.p) + 4;
	v = header_value(c->in.p, head_len, "Content-Length", &vlen);
	if (v) {
		char num[24];
		char *e;

		if (vlen == 0 || vlen >= sizeof(num))
			return -1;
		memcpy(num, v, vlen);
		num[vlen] = '\0';
		errno = 0;
		body_len = (size_t)strtoull(num, &e, 10);
		if (errno != 0 || *e != '\0')
			return -1;
	}
	if (body_len > MAX_BODY) {
		c->out.len = 0;
		http_head(&c->out, "413 Payload Too Large", "text/plain", 0, false);
		c->out_off = 0;
		c->busy = true;
		c->close_after = true;
		return 0;
	}
	v = header_value(c->in.p, head_len, "Connection", &vlen);
	if (v && vlen == 5 && strncasecmp(v, "close", 5) == 0)
		keep = false;
	if (c->in.len < head_len + body_len) {
		v = header_value(c->in.p, head_len, "Expect", &vlen);
		if (v && !c->continued && vlen == 12 && strncasecmp(v, "100-continue", 12) == 0) {
			static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

			c->continued = true;
			if (write(c->fd, cont, sizeof(cont) - 1) < 0 && errno != EAGAIN)
				return -1;
		}
		return 0;
	}
	c->continued = false;
	answer(n, c, head_len, body_len, keep);
	if (!c->hold)
		sb_drop(&c->in, head_len + body_len);
	return 0;
}

/* Whether c has bytes it may write now. */
static bool wants_write(const struct conn *c, uint64_t t)
{
	if (!c->busy || c->hold)
		return false;
	if (c->out_off >= c->out.len && c->filler_left == 0 && c->tail.len == 0)
		return false;
	return t >= c->send_at_ms;
}

/* Writes what may go now. 0 go on, 1 answer done, -1 close. */
static int pump(struct conn *c, uint64_t t)
{
	for (;;) {
		const char *p;
		size_t len;
		ssize_t w;

		if (c->out_off >= c->out.len && c->filler_left > 0) {
			p = filler;
			len = c->filler_left < sizeof(filler) ? (size_t)c->filler_left : sizeof(filler);
		} else if (c->out_off >= c->out.len && c->tail.len > 0) {
			c->out.len = 0;
			c->out_off = 0;
			sb_add(&c->out, c->tail.p, c->tail.len);
			c->tail.len = 0;
			continue;
		} else if (c->out_off >= c->out.len) {
			break;
		} else {
			p = c->out.p + c->out_off;
			len = c->out.len - c->out_off;
			if (c->cut_at && c->out_off + len > c->cut_at)
				len = c->cut_at - c->out_off;
		}
		if (len == 0)
			return -1; /* truncated: the cut is reached */
		if (c->drip_ms > 0)
			len = 1;
		w = send(c->fd, p, len, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		if (w <= 0)
			return -1;
		c->sent += (uint64_t)w;
		if (p == filler)
			c->filler_left -= (uint64_t)w;
		else
			c->out_off += (size_t)w;
		if (c->drip_ms > 0) {
			c->send_at_ms = t + (uint64_t)c->drip_ms;
			if (c->out_off < c->out.len)
				return 0;
		}
	}
	if (c->is_huge)
		say("huge: %llu bytes sent (all of it)", (unsigned long long)c->sent);
	c->busy = false;
	c->is_huge = false;
	return c->close_after ? -1 : 1;
}

/* ---- listening ---- */

static int listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 64) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void accept_all(struct node *n)
{
	for (;;) {
		int fd = accept4(n->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), one = 1;
		size_t i;

		if (fd < 0)
			return;
		for (i = 0; i < MAX_CONNS && n->conns[i]; i++)
			;
		if (i == MAX_CONNS) {
			close(fd);
			continue;
		}
		n->conns[i] = calloc(1, sizeof(struct conn));
		if (!n->conns[i]) {
			close(fd);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		n->conns[i]->fd = fd;
	}
}

/* Reads what there is. -1: the peer is gone or sent too much. */
static int read_in(struct conn *c)
{
	char buf[16384];

	for (;;) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		if (r <= 0)
			return -1;
		if (c->hold)
			continue; /* blackhole: read and forget */
		if (c->in.len + (size_t)r > MAX_HEAD + MAX_BODY)
			return -1;
		sb_add(&c->in, buf, (size_t)r);
	}
}

/* Applies the on/off state: the listener for refuse. */
static void apply_state(struct node *n, uint64_t t)
{
	if (fault_on(n, F_REFUSE)) {
		if (n->lfd >= 0) {
			close(n->lfd);
			n->lfd = -1;
			close_all(n);
		}
		return;
	}
	if (n->lfd < 0 && t >= n->next_bind_ms) {
		n->lfd = listen_on(n->port);
		if (n->lfd < 0)
			n->next_bind_ms = t + REBIND_MS;
	}
}

static void set_active(struct node *n, bool on, uint64_t t)
{
	if (on && !n->active)
		n->active_since_ms = t;
	n->active = on;
	say("fault %s %s", fault_names[n->fault], on ? "on" : "off");
}

/* ---- main ---- */

static void usage(FILE *out)
{
	fputs("usage: faultnode [--fault NAME] [--port P] [--delay S] [--slow S] [--drip-ms MS]\n"
	      "                 [--chain-id N] [--lifetime S] [--client TEXT] [--peers N] [--enode TEXT]\n"
	      "                 [--sync-rate N]\n"
	      "faults:",
	      out);
	for (int f = 0; f < F_COUNT; f++)
		fprintf(out, " %s", fault_names[f]);
	fputs("\nSIGUSR1 toggles the fault; the port is printed on stdout's first line.\n", out);
}

static int parse_num(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct node n = { .fault = F_NONE, .chain_id = 31337, .slow_s = 3, .drip_ms = 100, .lfd = -1 };
	long lifetime = 600, delay = 0, port = 0, chain = 31337;
	struct sigaction sa = { 0 };
	sigset_t block, waitmask;
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	uint64_t end_ms;

	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;

		if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (!v) {
			usage(stderr);
			return 2;
		}
		if (strcmp(o, "--fault") == 0) {
			int f;

			for (f = 0; f < F_COUNT && strcmp(v, fault_names[f]) != 0; f++)
				;
			if (f == F_COUNT) {
				fprintf(stderr, "faultnode: unknown fault %s\n", v);
				usage(stderr);
				return 2;
			}
			n.fault = (enum fault)f;
		} else if (strcmp(o, "--port") == 0) {
			bad = parse_num(v, 0, 65535, &port);
		} else if (strcmp(o, "--delay") == 0) {
			bad = parse_num(v, 0, 86400, &delay);
		} else if (strcmp(o, "--slow") == 0) {
			bad = parse_num(v, 0, 3600, &n.slow_s);
		} else if (strcmp(o, "--drip-ms") == 0) {
			bad = parse_num(v, 1, 60000, &n.drip_ms);
		} else if (strcmp(o, "--chain-id") == 0) {
			bad = parse_num(v, 1, LONG_MAX, &chain);
		} else if (strcmp(o, "--lifetime") == 0) {
			bad = parse_num(v, 1, 86400, &lifetime);
		} else if (strcmp(o, "--client") == 0 || strcmp(o, "--enode") == 0) {
			/* Put into JSON as is: only text that needs no escaping. */
			for (const char *c = v; *c; c++)
				bad |= *c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\';
			*(o[2] == 'c' ? &n.client : &n.enode) = v;
		} else if (strcmp(o, "--peers") == 0) {
			char *end;

			errno = 0;
			n.peers = strtoull(v, &end, 10);
			bad = errno != 0 || end == v || *end != '\0' || v[0] == '-';
			n.has_peers = true;
		} else if (strcmp(o, "--sync-rate") == 0) {
			bad = parse_num(v, 1, 1000000, &n.sync_rate);
		} else {
			fprintf(stderr, "faultnode: unknown option %s\n", o);
			usage(stderr);
			return 2;
		}
		if (bad) {
			fprintf(stderr, "faultnode: bad value for %s: %s\n", o, v);
			return 2;
		}
	}
	n.chain_id = (uint64_t)chain;
	memset(filler, 'a', sizeof(filler));

	/* Signals are blocked but while waiting in ppoll: none is lost between a check and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGUSR1);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_toggle;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	n.lfd = listen_on((int)port);
	if (n.lfd < 0 || getsockname(n.lfd, (struct sockaddr *)&a, &alen) != 0) {
		fprintf(stderr, "faultnode: cannot listen on 127.0.0.1:%ld: %s\n", port, strerror(errno));
		return 1;
	}
	n.port = ntohs(a.sin_port);
	printf("%d\n", n.port);
	fflush(stdout);

	n.start_ms = now_ms();
	n.start_unix = time(NULL);
	end_ms = n.start_ms + (uint64_t)lifetime * 1000u;
	if (n.fault != F_NONE) {
		if (delay > 0)
			n.activate_at_ms = n.start_ms + (uint64_t)delay * 1000u;
		else
			set_active(&n, true, n.start_ms);
	}

	while (!got_stop) {
		struct pollfd pfd[MAX_CONNS + 1];
		size_t idx[MAX_CONNS + 1], np = 0;
		uint64_t t = now_ms(), wake = t + POLL_CAP_MS;
		struct timespec ts;
		int r;

		if (t >= end_ms)
			break;
		for (; got_toggle > 0; got_toggle--) {
			n.activate_at_ms = 0;
			set_active(&n, !n.active, t);
		}
		if (n.activate_at_ms && t >= n.activate_at_ms) {
			n.activate_at_ms = 0;
			set_active(&n, true, t);
		}
		apply_state(&n, t);

		/* requests that can be taken, and writes that are due */
		for (size_t i = 0; i < MAX_CONNS; i++) {
			struct conn *c = n.conns[i];
			int rc = 1;

			if (!c)
				continue;
			/* an answer done lets the next request in (curl does not pipeline: a few rounds at most) */
			for (int round = 0; round < 4 && rc == 1; round++) {
				if (take_request(&n, c) < 0) {
					rc = -1;
					break;
				}
				if (!wants_write(c, t))
					break;
				rc = pump(c, t);
			}
			if (rc < 0)
				conn_close(&n, i);
		}

		if (end_ms < wake)
			wake = end_ms;
		if (n.activate_at_ms && n.activate_at_ms < wake)
			wake = n.activate_at_ms;
		if (n.lfd < 0 && !fault_on(&n, F_REFUSE) && n.next_bind_ms < wake)
			wake = n.next_bind_ms;
		if (n.lfd >= 0) {
			pfd[np] = (struct pollfd){ .fd = n.lfd, .events = POLLIN };
			idx[np++] = SIZE_MAX;
		}
		for (size_t i = 0; i < MAX_CONNS; i++) {
			struct conn *c = n.conns[i];
			short ev = POLLIN;

			if (!c)
				continue;
			if (c->busy && !c->hold && t >= c->send_at_ms)
				ev |= POLLOUT;
			else if (c->busy && !c->hold && c->send_at_ms < wake)
				wake = c->send_at_ms;
			pfd[np] = (struct pollfd){ .fd = c->fd, .events = ev };
			idx[np++] = i;
		}
		t = now_ms();
		wake = wake > t ? wake - t : 0;
		ts.tv_sec = (time_t)(wake / 1000u);
		ts.tv_nsec = (long)(wake % 1000u) * 1000000L;
		r = ppoll(pfd, (nfds_t)np, &ts, &waitmask);
		if (r < 0 && errno != EINTR) {
			say("ppoll: %s", strerror(errno));
			break;
		}
		if (r <= 0)
			continue;
		t = now_ms();
		for (size_t k = 0; k < np; k++) {
			struct conn *c;

			if (!pfd[k].revents)
				continue;
			if (idx[k] == SIZE_MAX) {
				accept_all(&n);
				continue;
			}
			c = n.conns[idx[k]];
			if (!c)
				continue;
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)) {
				if (read_in(c) < 0) {
					conn_close(&n, idx[k]);
					continue;
				}
			}
			if ((pfd[k].revents & POLLOUT) && wants_write(c, t) && pump(c, t) < 0)
				conn_close(&n, idx[k]);
		}
	}
	close_all(&n);
	if (n.lfd >= 0)
		close(n.lfd);
	say("exiting");
	return 0;
}
