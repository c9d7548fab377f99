/*
 * ipc_drip: how long the rpc client takes to read a large IPC answer that arrives in small pieces.
 *
 *   ipc_drip SIZE PIECE
 *
 * One process, one loop: a fake node listens on a unix socket in a temporary directory and answers
 * the client's one call with {"jsonrpc":"2.0","id":ID,"result":"..."} whose string holds SIZE
 * bytes, writing PIECE bytes per loop iteration, so the client reads the answer in about
 * SIZE / PIECE reads. Prints one line "size=SIZE piece=PIECE pieces=N us=T" and exits 0 when the
 * answer arrived whole; anything else is a message on stderr and exit status 1.
 *
 * A reader whose work grows with the square of the answer (rescanning from byte 0 on every read)
 * shows a time that grows fourfold when SIZE doubles; a linear one, twofold. tests/bench/bench_ipc.sh
 * reports the ratio; nothing here judges a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/rpc.h"

struct drip {
	struct loop *loop;
	int lfd, cfd;
	char req[4096];
	size_t reqlen;
	char *answer;
	size_t len, off, piece;
	unsigned long writes;
	int done;
	int status;
	size_t got;
};

static void die(const char *what)
{
	fprintf(stderr, "ipc_drip: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_write_turn(void *ud)
{
	struct drip *d = ud;
	size_t n = d->len - d->off < d->piece ? d->len - d->off : d->piece;
	ssize_t put = write(d->cfd, d->answer + d->off, n);

	if (put > 0) {
		d->off += (size_t)put;
		d->writes++;
	} else if (put < 0 && errno != EAGAIN && errno != EINTR) {
		die("write");
	}
	if (d->off < d->len)
		loop_timer_add(d->loop, 0, on_write_turn, d);
}

/* Reads the request line; answers it once it is whole. */
static void on_request(void *ud, int fd, short revents)
{
	struct drip *d = ud;
	ssize_t got;
	const char *head = "{\"jsonrpc\":\"2.0\",\"id\":";
	cJSON *req, *id;
	size_t size;
	int hl;

	(void)revents;
	got = read(fd, d->req + d->reqlen, sizeof(d->req) - 1 - d->reqlen);
	if (got <= 0)
		return;
	d->reqlen += (size_t)got;
	d->req[d->reqlen] = '\0';
	if (!strchr(d->req, '\n'))
		return;
	loop_unwatch_fd(d->loop, fd);
	req = cJSON_Parse(d->req);
	id = cJSON_GetObjectItemCaseSensitive(req, "id");
	if (!cJSON_IsNumber(id)) {
		fprintf(stderr, "ipc_drip: request without an id: %s\n", d->req);
		exit(1);
	}
	size = d->len;
	d->answer = malloc(size + 128);
	if (!d->answer)
		die("malloc");
	hl = snprintf(d->answer, 128, "%s%.0f,\"result\":\"", head, id->valuedouble);
	memset(d->answer + hl, 'a', size);
	memcpy(d->answer + hl + size, "\"}\n", 3);
	d->len = (size_t)hl + size + 3;
	cJSON_Delete(req);
	loop_timer_add(d->loop, 0, on_write_turn, d);
}

static void on_accept(void *ud, int fd, short revents)
{
	struct drip *d = ud;

	(void)revents;
	d->cfd = accept(fd, NULL, NULL);
	if (d->cfd < 0)
		die("accept");
	fcntl(d->cfd, F_SETFL, fcntl(d->cfd, F_GETFL) | O_NONBLOCK);
	loop_unwatch_fd(d->loop, fd);
	loop_watch_fd(d->loop, d->cfd, POLLIN, on_request, d);
}

static void on_answer(void *ud, const struct rpc_response *res)
{
	struct drip *d = ud;

	d->done = 1;
	d->status = res->status;
	if (res->status == RPC_OK && res->reply[0].status == RPC_OK && cJSON_IsString(res->reply[0].result))
		d->got = strlen(res->reply[0].result->valuestring);
	else
		fprintf(stderr, "ipc_drip: %s\n", res->detail ? res->detail : "no answer");
}

int main(int argc, char **argv)
{
	struct drip d = { .cfd = -1 };
	char dir[] = "/tmp/ipc_drip.XXXXXX", path[64], err[256];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct rpc_client *c;
	struct rpc_opts o = { .url = path, .timeout_ms = 600000 };
	uint64_t t0, t1;

	if (argc != 3 || atol(argv[1]) <= 0 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: ipc_drip SIZE PIECE\n");
		return 2;
	}
	d.len = (size_t)atol(argv[1]);
	d.piece = (size_t)atol(argv[2]);
	o.max_response = d.len + 4096; /* the answer: the result and its envelope */
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(path, sizeof(path), "%s/node.ipc", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	d.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (d.lfd < 0 || bind(d.lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(d.lfd, 1) != 0)
		die("listen");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	d.loop = loop_new();
	c = d.loop ? rpc_client_new(d.loop, &o, err, sizeof(err)) : NULL;
	if (!c) {
		fprintf(stderr, "ipc_drip: %s\n", d.loop ? err : "no loop");
		return 1;
	}
	loop_watch_fd(d.loop, d.lfd, POLLIN, on_accept, &d);
	t0 = loop_now_us();
	if (rpc_call(c, "eth_getLogs", NULL, on_answer, &d) == 0) {
		fprintf(stderr, "ipc_drip: call not sent\n");
		return 1;
	}
	while (!d.done)
		loop_run_once(d.loop, 1000);
	t1 = loop_now_us();
	rpc_client_free(c);
	if (d.cfd >= 0)
		loop_unwatch_fd(d.loop, d.cfd), close(d.cfd);
	loop_free(d.loop);
	close(d.lfd);
	unlink(path);
	rmdir(dir);
	free(d.answer);
	curl_global_cleanup();
	if (d.status != RPC_OK || d.got != (size_t)atol(argv[1])) {
		fprintf(stderr, "ipc_drip: answer %zu bytes, expected %s\n", d.got, argv[1]);
		return 1;
	}
	printf("size=%s piece=%zu pieces=%lu us=%llu\n", argv[1], d.piece, d.writes, (unsigned long long)(t1 - t0));
	return 0;
}
