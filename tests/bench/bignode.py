#!/usr/bin/env python3
"""A JSON-RPC node for the parse bench (bench_bigparse.sh): valid answers of a chosen size.

  bignode.py [--mb N]

Listens on 127.0.0.1 (a port the kernel picks, printed as the first line on stdout) and answers
every POST with a JSON-RPC response to the request's id. bench_big's result is an array of
transaction-like objects (hash, from, to, nonce, value, input) about N MB long (default 60):
the shape of a full block, millions of values to parse. bench_small's is the same array with 10
of them. Anything else gets -32601. Runs until killed.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


def txs(count):
    return [{
        'hash': '0x%064x' % (i * 7919 + 1),
        'from': '0x%040x' % (i + 1),
        'to': '0x%040x' % (i + 2),
        'nonce': hex(i),
        'value': hex(i * 1000000007),
        'input': '0x' + ('%08x' % i) * 40,
    } for i in range(count)]


def main():
    mb = 60
    if len(sys.argv) == 3 and sys.argv[1] == '--mb':
        mb = int(sys.argv[2])
    one = len(json.dumps(txs(1)[0], separators=(',', ':'))) + 1
    results = {
        'bench_big': json.dumps(txs(mb * 1000000 // one), separators=(',', ':')).encode(),
        'bench_small': json.dumps(txs(10), separators=(',', ':')).encode(),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def do_POST(self):
            req = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))))
            rid = json.dumps(req.get('id')).encode()
            result = results.get(req.get('method'))
            if result is None:
                body = b'{"jsonrpc":"2.0","id":' + rid + b',"error":{"code":-32601,"message":"method not found"}}'
            else:
                body = b'{"jsonrpc":"2.0","id":' + rid + b',"result":' + result + b'}'
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(('127.0.0.1', 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
