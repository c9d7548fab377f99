#!/usr/bin/env python3
"""A JSON-RPC proxy in front of a node that can lie about a token's decimals().

    decimals_proxy.py UPSTREAM_URL MODE_FILE PORT_FILE

Forwards every POST to UPSTREAM_URL unchanged. While MODE_FILE holds "lie N",
the answer to every eth_call of decimals() (selector 0x313ce567), single or in
a batch, is replaced with N as a 32-byte word; with "honest" (or no file) the
node's answer passes through. The port it listens on (127.0.0.1, chosen by the
kernel) is written to PORT_FILE. Used by tests/screen/wallet_tokens.sh.
"""
import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, MODE_FILE, PORT_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
DECIMALS = "0x313ce567"


def lie_value():
    try:
        with open(MODE_FILE) as f:
            words = f.read().split()
    except OSError:
        return None
    if len(words) == 2 and words[0] == "lie":
        return int(words[1])
    return None


def is_decimals_call(req):
    if not isinstance(req, dict) or req.get("method") != "eth_call":
        return False
    params = req.get("params") or []
    return bool(params) and isinstance(params[0], dict) and str(params[0].get("data", "")).lower() == DECIMALS


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        up = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(up, timeout=30) as r:
            answer = r.read()
        n = lie_value()
        if n is not None:
            reqs, resps = json.loads(body), json.loads(answer)
            batch = isinstance(reqs, list)
            reqs_l, resps_l = (reqs, resps) if batch else ([reqs], [resps])
            by_id = {json.dumps(q.get("id")): q for q in reqs_l if isinstance(q, dict)}
            for resp in resps_l:
                q = by_id.get(json.dumps(resp.get("id")))
                if q is not None and is_decimals_call(q) and "result" in resp:
                    resp["result"] = "0x%064x" % n
            answer = json.dumps(resps_l if batch else resps_l[0]).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client quit while we were asking the node


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))

os.replace(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
