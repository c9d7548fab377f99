#!/usr/bin/env python3
"""A JSON-RPC proxy in front of a node that changes chosen answers and counts the calls, for tests.

    rpc_proxy.py UPSTREAM_URL MODE_FILE PORT_FILE [HOST]

Forwards every POST to UPSTREAM_URL. MODE_FILE is read again for every request; each of its words
turns one lie on (no file, or "honest", is a faithful proxy):

    decimals=N     every eth_call of decimals() (selector 0x313ce567), single or in a batch,
                   answers N as a 32-byte word
    estimate-zero  eth_estimateGas answers 0
    no-simulate    eth_simulateV1 is a method the node does not offer (-32601)
    hold-send      a request holding eth_sendRawTransaction waits until the word is gone from
                   MODE_FILE, then goes to the node (a broadcast that takes as long as the test wants)
    fail=M1,M2     every call of these methods answers the error geth gives for a failing backend:
                   {"code": -32000, "message": "<method>: backend unavailable"}
    refuse=P1,P2   a request holding a call whose method starts with one of these prefixes ("ots_",
                   "eth_newBlockFilter") is not sent to the node: every call in it answers "method
                   not found" (-32601), as a node without those methods would

Every call it receives is counted by method (each call of a batch once, refused ones too); a call
whose first parameter is a block tag ("latest", "pending", ...) counts as "method:tag", apart from
the same method asked about a number or hash. A GET (of /counts) answers the counts so far as a JSON
object {"method": n, ...}, with "_total" the sum. The count is taken outside the program under
test, so a test of request rates does not rely on the program's own account of what it sent.
A node that cannot be reached is answered with HTTP 502.

The port it listens on (HOST, 127.0.0.1 unless given; chosen by the kernel) is written to PORT_FILE.
"""
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, MODE_FILE, PORT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
HOST = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
DECIMALS = "0x313ce567"
counts = {}
counts_lock = threading.Lock()


def modes():
    try:
        with open(MODE_FILE) as f:
            words = f.read().split()
    except OSError:
        return {}
    out = {}
    for w in words:
        key, _, value = w.partition("=")
        out[key] = value
    return out


def count(reqs):
    with counts_lock:
        for q in reqs:
            m = q.get("method", "?") if isinstance(q, dict) else "?"
            params = q.get("params") if isinstance(q, dict) else None
            if isinstance(params, list) and params and isinstance(params[0], str) and not params[0].startswith("0x"):
                m += ":" + params[0]
            counts[m] = counts.get(m, 0) + 1
            counts["_total"] = counts.get("_total", 0) + 1


def refused(reqs, batch, m):
    """The "method not found" answers for a request refuse= turns away, or None."""
    prefixes = [p for p in m.get("refuse", "").split(",") if p]
    if not any(isinstance(q, dict) and any(str(q.get("method", "")).startswith(p) for p in prefixes)
               for q in reqs):
        return None
    answers = [{"jsonrpc": "2.0", "id": q.get("id") if isinstance(q, dict) else None,
                "error": {"code": -32601, "message": "the method does not exist/is not available"}} for q in reqs]
    return json.dumps(answers if batch else answers[0]).encode()


def is_decimals_call(req):
    params = req.get("params") or []
    return (req.get("method") == "eth_call" and bool(params) and isinstance(params[0], dict)
            and str(params[0].get("data", "")).lower() == DECIMALS)


def lie(req, resp, m):
    method = req.get("method")
    if "decimals" in m and is_decimals_call(req) and "result" in resp:
        resp["result"] = "0x%064x" % int(m["decimals"])
    if "estimate-zero" in m and method == "eth_estimateGas":
        resp.pop("error", None)
        resp["result"] = "0x0"
    if "fail" in m and method in m["fail"].split(","):
        resp.pop("result", None)
        resp["error"] = {"code": -32000, "message": method + ": backend unavailable"}
    if "no-simulate" in m and method == "eth_simulateV1":
        resp.pop("result", None)
        resp["error"] = {"code": -32601, "message": "the method eth_simulateV1 does not exist/is not available"}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

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
            pass  # the client quit while we were asking the node

    def do_GET(self):
        with counts_lock:
            answer = json.dumps(counts).encode()
        self.reply(answer)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        reqs = json.loads(body)
        batch = isinstance(reqs, list)
        count(reqs if batch else [reqs])
        no = refused(reqs if batch else [reqs], batch, modes())
        if no is not None:
            self.reply(no)
            return
        reqs_l = [q for q in (reqs if batch else [reqs]) if isinstance(q, dict)]
        if any(q.get("method") == "eth_sendRawTransaction" for q in reqs_l):
            while "hold-send" in modes():
                time.sleep(0.05)
        up = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(up, timeout=30) as r:
                answer = r.read()
        except OSError:
            self.send_error(502)
            return
        m = modes()
        if m:
            resps = json.loads(answer)
            resps_l = resps if isinstance(resps, list) else [resps]
            by_id = {json.dumps(q.get("id")): q for q in reqs_l}
            for resp in resps_l:
                q = by_id.get(json.dumps(resp.get("id")))
                if q is not None:
                    lie(q, resp, m)
            answer = json.dumps(resps_l if isinstance(resps, list) else resps_l[0]).encode()
        self.reply(answer)


server = ThreadingHTTPServer((HOST, 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
