#!/usr/bin/env python3
"""A JSON-RPC node with one huge block, for the explorer's big-block bench and screen test.

  bigblock.py [--mb N] [--txs COUNT] [--receipts]

Listens on 127.0.0.1 with a thread per connection (chaindeck keeps several open), on a port the
kernel picks, printed as the first line on stdout; the second line is the big block's number and
its transaction count. The chain has blocks 0 to 8; block 5
holds about N MB (default 60) of EIP-1559 transfers in eth_getBlockByNumber(5, true) (or exactly
COUNT of them with --txs), every other block none. It answers what the dashboard polls
(web3_clientVersion, eth_chainId, eth_blockNumber, eth_syncing, eth_gasPrice, net_peerCount),
eth_getBlockByNumber / eth_getBlockByHash with and without full transactions, and single calls as
well as batches; with --receipts also eth_getBlockReceipts (each transfer used 21000 gas at 2 gwei).
Anything else gets -32601 (so the explorer polls the head; without receipts it shows fees as "?").
The receipts of a 60 MB block are larger than chaindeck's 64 MiB cap, so the bench leaves them out.
The data is made up but fixed: transaction i's hash is 0x%064x of (i * 7919 + 1), so a test can ask
this node for the block and compare what chaindeck shows with that answer. Runs until killed.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEAD = 8
BIG = 5
CHAIN_ID = 31337


def block_hash(n):
    return '0x%064x' % (0xb10c0000 + n)


def tx(i, n):
    return {
        'type': '0x2', 'hash': '0x%064x' % (i * 7919 + 1), 'from': '0x%040x' % (i + 1),
        'to': '0x%040x' % (i + 2), 'nonce': hex(i), 'value': hex(i * 1000000007), 'gas': '0x5208',
        'maxFeePerGas': '0x77359400', 'maxPriorityFeePerGas': '0x3b9aca00', 'gasPrice': '0x77359400',
        'input': '0xa9059cbb' + ('%064x' % (i + 2)) + ('%064x' % (i * 3)), 'chainId': hex(CHAIN_ID),
        'accessList': [], 'v': '0x1', 'yParity': '0x1', 'r': '0x%064x' % (i + 11), 's': '0x%064x' % (i + 13),
        'blockHash': block_hash(n), 'blockNumber': hex(n), 'transactionIndex': hex(i),
    }


def receipt(i, n):
    return {
        'transactionHash': '0x%064x' % (i * 7919 + 1), 'transactionIndex': hex(i), 'blockHash': block_hash(n),
        'blockNumber': hex(n), 'from': '0x%040x' % (i + 1), 'to': '0x%040x' % (i + 2),
        'cumulativeGasUsed': hex(21000 * (i + 1)), 'gasUsed': '0x5208', 'effectiveGasPrice': '0x77359400',
        'status': '0x1', 'type': '0x2', 'logs': [], 'logsBloom': '0x' + '00' * 256,
    }


def header(n, count):
    return {
        'number': hex(n), 'hash': block_hash(n), 'parentHash': block_hash(n - 1) if n else '0x' + '00' * 32,
        'sha3Uncles': '0x' + '1d' * 32, 'stateRoot': '0x' + '22' * 32, 'transactionsRoot': '0x' + '33' * 32,
        'receiptsRoot': '0x' + '44' * 32, 'logsBloom': '0x' + '00' * 256, 'miner': '0x' + '00' * 19 + '01',
        'difficulty': '0x0', 'extraData': '0x', 'size': '0x100', 'gasLimit': hex(max(30000000, 21000 * count)),
        'gasUsed': hex(21000 * count), 'timestamp': hex(1700000000 + 12 * n), 'baseFeePerGas': '0x3b9aca00',
        'uncles': [], 'nonce': '0x0000000000000000', 'mixHash': '0x' + '55' * 32,
    }


def main():
    mb, count, with_receipts = 60, None, False
    args = sys.argv[1:]
    while args:
        if args[0] == '--mb' and len(args) > 1:
            mb = int(args[1])
        elif args[0] == '--txs' and len(args) > 1:
            count = int(args[1])
        elif args[0] == '--receipts':
            with_receipts = True
            args = args[1:]
            continue
        else:
            sys.exit('usage: bigblock.py [--mb N] [--txs COUNT] [--receipts]')
        args = args[2:]
    if count is None:
        one = len(json.dumps(tx(0, BIG), separators=(',', ':'))) + 1
        count = mb * 1000000 // one
    txs = [tx(i, BIG) for i in range(count)]
    blocks = {}  # (number, full) -> JSON text
    for n in range(HEAD + 1):
        k = count if n == BIG else 0
        full = header(n, k)
        full['transactions'] = txs if n == BIG else []
        hashes = header(n, k)
        hashes['transactions'] = [t['hash'] for t in txs] if n == BIG else []
        blocks[(n, True)] = json.dumps(full, separators=(',', ':'))
        blocks[(n, False)] = json.dumps(hashes, separators=(',', ':'))
    receipts = None
    if with_receipts:
        receipts = json.dumps([receipt(i, BIG) for i in range(count)], separators=(',', ':'))
    del txs
    by_hash = {block_hash(n): n for n in range(HEAD + 1)}
    simple = {
        'web3_clientVersion': '"bigblock/1.0"', 'eth_chainId': hex(CHAIN_ID).join('""'),
        'net_version': '"%d"' % CHAIN_ID, 'eth_blockNumber': hex(HEAD).join('""'), 'eth_syncing': 'false',
        'eth_gasPrice': '"0x3b9aca00"', 'net_peerCount': '"0x0"',
    }

    def result(method, params):
        if method in simple:
            return simple[method]
        if method in ('eth_getBlockByNumber', 'eth_getBlockByHash') and isinstance(params, list) and params:
            full = len(params) > 1 and params[1] is True
            if method == 'eth_getBlockByHash':
                n = by_hash.get(str(params[0]).lower())
            elif params[0] in ('latest', 'safe', 'finalized'):
                n = HEAD
            elif params[0] == 'earliest':
                n = 0
            else:
                try:
                    n = int(params[0], 16)
                except (TypeError, ValueError):
                    n = None
            return blocks.get((n, full), 'null')
        if method == 'eth_getBlockReceipts' and receipts is not None and isinstance(params, list) and params:
            return receipts if params[0] in (hex(BIG), block_hash(BIG)) else '[]'
        return None

    def answer(req):
        rid = json.dumps(req.get('id') if isinstance(req, dict) else None)
        r = result(req.get('method'), req.get('params')) if isinstance(req, dict) else None
        if r is None:
            return '{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"method not found"}}' % rid
        return '{"jsonrpc":"2.0","id":%s,"result":%s}' % (rid, r)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'

        def do_POST(self):
            req = json.loads(self.rfile.read(int(self.headers.get('Content-Length', 0))))
            if isinstance(req, list):
                body = '[' + ','.join(answer(q) for q in req) + ']'
            else:
                body = answer(req)
            body = body.encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    print(server.server_address[1], flush=True)
    print(BIG, count, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    main()
