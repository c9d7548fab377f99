#!/usr/bin/env python3
"""A JSON-RPC proxy in front of a node whose answers to some methods fail as a busy node's do.

    error_proxy.py UPSTREAM_URL PORT_FILE METHOD...

Forwards every POST to UPSTREAM_URL. The answer to each call of a METHOD, single or in a batch, is
replaced with the error geth gives for a failing backend: {"code": -32000, "message": "<method>:
backend unavailable"}. Everything else passes through. The port it listens on (127.0.0.1, chosen
by the kernel) is written to PORT_FILE. Used by tests/screen/node_answers.sh.
"""
import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM, PORT_FILE, FAILING = sys.argv[1], sys.argv[2], set(sys.argv[3:])


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        up = urllib.request.Request(UPSTREAM, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(up, timeout=30) as r:
            answer = r.read()
        reqs, resps = json.loads(body), json.loads(answer)
        batch = isinstance(reqs, list)
        reqs_l, resps_l = (reqs, resps) if batch else ([reqs], [resps])
        by_id = {json.dumps(q.get("id")): q for q in reqs_l if isinstance(q, dict)}
        for resp in resps_l:
            q = by_id.get(json.dumps(resp.get("id")))
            if q is not None and q.get("method") in FAILING:
                resp.pop("result", None)
                resp["error"] = {"code": -32000, "message": q["method"] + ": backend unavailable"}
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
