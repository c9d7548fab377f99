#!/usr/bin/env python3
"""A JSON-RPC proxy in front of a node that counts the calls it forwards.

    count_proxy.py UPSTREAM_URL PORT_FILE

Forwards every POST to UPSTREAM_URL unchanged and counts each JSON-RPC call
by method (every call of a batch counts once); a call whose first parameter is
a block tag ("latest", "pending", ...) counts as "method:tag", apart from the
same method asked about a number or hash. A GET of /counts answers the
counts so far as a JSON object {"method": n, ...}, with "_total" the sum. The
port it listens on (127.0.0.1, chosen by the kernel) is written to PORT_FILE.
With CHAINDECK_PROXY_REFUSE set to a comma-separated list of method
prefixes ("ots_,trace_"), a request holding such a call is answered "method
not found" for every call in it, as a node without those methods would.
The count is taken outside the program under test, so a test of request
rates does not rely on the program's own account of what it sent.
"""
import json
import os
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, PORT_FILE = sys.argv[1], sys.argv[2]
REFUSE = [p for p in os.environ.get("CHAINDECK_PROXY_REFUSE", "").split(",") if p]
counts = {}
lock = threading.Lock()


def count(body):
    try:
        reqs = json.loads(body)
    except ValueError:
        return
    with lock:
        for q in reqs if isinstance(reqs, list) else [reqs]:
            m = q.get("method", "?") if isinstance(q, dict) else "?"
            params = q.get("params") if isinstance(q, dict) else None
            if isinstance(params, list) and params and isinstance(params[0], str) and not params[0].startswith("0x"):
                m += ":" + params[0]
            counts[m] = counts.get(m, 0) + 1
            counts["_total"] = counts.get("_total", 0) + 1


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, answer):
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away

    def do_GET(self):
        with lock:
            answer = json.dumps(counts).encode()
        self.reply(answer)

    def refused(self, body):
        try:
            reqs = json.loads(body)
        except ValueError:
            return None
        batch = isinstance(reqs, list)
        reqs = reqs if batch else [reqs]
        if not any(isinstance(q, dict) and any(str(q.get("method", "")).startswith(p) for p in REFUSE) for q in reqs):
            return None
        answers = [{"jsonrpc": "2.0", "id": q.get("id") if isinstance(q, dict) else None,
                    "error": {"code": -32601, "message": "the method does not exist/is not available"}} for q in reqs]
        return json.dumps(answers if batch else answers[0]).encode()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        count(body)
        no = self.refused(body) if REFUSE else None
        if no is not None:
            self.reply(no)
            return
        up = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(up, timeout=30) as r:
                answer = r.read()
        except OSError:
            self.send_error(502)
            return
        self.reply(answer)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))

os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
