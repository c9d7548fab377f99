#!/usr/bin/env python3
"""Regenerates the seed corpora in tests/fuzz/corpus/<target>/ from tests/vectors/.

    python3 tests/fuzz/mkcorpus.py

Deterministic: file names are the SHA-1 of the contents, as libFuzzer names its
own finds, and every run writes the same set. Each corpus is a small sample
(the whole tree stays well under 2 MB): the fuzzer grows its own copy under
build/fuzz/corpus/ while it runs. Inputs follow each harness's layout, which
is described at the top of tests/fuzz/fuzz_<target>.c.
"""
import glob
import gzip
import hashlib
import json
import os
import shutil
import struct

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VEC = os.path.join(ROOT, "tests", "vectors")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_FILE = 8192  # bytes: bigger seeds only slow the fuzzer down
MAX_SEEDS = 40   # per target, taken evenly from what the vectors offer

corpora = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_FILE:
        return
    corpora.setdefault(target, {})[hashlib.sha1(data).hexdigest()] = data


def gz(path):
    with gzip.open(os.path.join(VEC, path)) as f:
        return json.load(f)


def js(path):
    with open(os.path.join(VEC, path)) as f:
        return json.load(f)


# ---- rpc: every recorded response of execution-apis, plus batches ----
responses = []
for io in sorted(glob.glob(os.path.join(VEC, "execution-apis", "tests", "*", "*.io"))):
    with open(io) as f:
        for line in f:
            if line.startswith("<< "):
                responses.append(line[3:].rstrip("\n"))
for r in responses:
    add("fuzz_rpc", r)
small = [r for r in responses if len(r) < 2500]
for i in range(0, len(small) - 2, 3):
    batch = []
    for k, r in enumerate(small[i:i + 3]):
        obj = json.loads(r)
        obj["id"] = k + 1
        batch.append(obj)
    add("fuzz_rpc", json.dumps(batch, separators=(",", ":")))
add("fuzz_rpc", '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"\\u001b[31mred\\u001b[0m","data":"0x08c379a0"}}')
add("fuzz_rpc", '{"jsonrpc":"2.0","id":1,"result":false}')
add("fuzz_rpc", '{"jsonrpc":"2.0","id":1,"result":{"startingBlock":"0x0","currentBlock":"0x10","highestBlock":"0x20"}}')
add("fuzz_rpc", '[{"jsonrpc":"2.0","id":2,"result":"0x1"},{"jsonrpc":"2.0","id":1,"result":null}]')

# ---- rlp: RLPTests and ethers' rlp cases (encoded side) ----
for name in ("rlptest.json", "invalidRLPTest.json"):
    for case in js(os.path.join("ethereum-tests", "RLPTests", name)).values():
        out = case["out"]
        add("fuzz_rlp", bytes.fromhex(out[2:] if out.startswith("0x") else out))
for case in gz(os.path.join("ethers.js", "testcases", "rlp.json.gz")):
    add("fuzz_rlp", bytes.fromhex(case["encoded"][2:]))

# ---- numbers: decimals byte, then text ----
for case in gz(os.path.join("ethers.js", "testcases", "units.json.gz")):
    add("fuzz_numbers", bytes([0]) + case["wei"].encode())
    for unit, decimals in (("ether", 18), ("gwei", 9), ("kwei", 3)):
        if unit in case:
            add("fuzz_numbers", bytes([decimals]) + case[unit].encode())
with open(os.path.join(VEC, "ethereum-ERCs", "ERCS", "erc-55.md")) as f:
    for word in f.read().split():
        w = word.strip("`\",'")
        if w.startswith("0x") and len(w) == 42:
            add("fuzz_numbers", b"\x00" + w.encode())
            add("fuzz_numbers", b"\x00" + w.lower().encode())
for text in ("0x0", "0x1a", "0x00ff", "0x" + "f" * 64, "0xdeadbeefcafebabe", "0x", "12345678901234567890" * 3,
             "0", "1.5", ".5", "1.", "340282366920938463463374607431768211456" "340282366920938463463374607431768211456",
             "0x" + "ab" * 40):
    add("fuzz_numbers", b"\x12" + text.encode())

# ---- config: the header's example and a few small files ----
with open(os.path.join(ROOT, "common", "config.h")) as f:
    head = f.read().split("*/", 1)[0]
example = [line[3:] if line.startswith(" * ") else line[2:] for line in head.splitlines()]
start = next(i for i, l in enumerate(example) if l.strip().startswith("# comment"))
end = next(i for i, l in enumerate(example) if l.strip().startswith("pinned"))
add("fuzz_config", "\n".join(l[4:] if l.startswith("    ") else l for l in example[start:end + 1]) + "\n")
add("fuzz_config", '[node "a"]\nurl = http://127.0.0.1:8545\n[node b]\nurl = /run/geth.ipc\nchain_id = 0x1\n')
add("fuzz_config", '[general]\nrefresh = 100\nlog = "~/x \\"y\\".log"\nbell = off\n')
add("fuzz_config", '[node "k"]\nurl = https://u:p@h.example/rpc?apikey=s3cret&x=1\nbearer_file = /etc/t\n'
                   'header = X-A: 1\nheader = X-B: 2\nca = /etc/ca.pem\nconnections = 16\n')
add("fuzz_config", "[alerts]\nstall = 0\nmin_peers = 3\nmax_lag = 1000000\nhook = /bin/true\n")

# ---- abi: mode byte, capacity byte, then the mode's input ----
ERROR_STRING = bytes.fromhex("08c379a0")
def word(n):
    return n.to_bytes(32, "big")
msg = "hello \x1b[2Jworld".encode()
add("fuzz_abi", b"\x00\x00" + ERROR_STRING + word(32) + word(len(msg)) + msg.ljust(32, b"\0"))
add("fuzz_abi", b"\x00\x10" + ERROR_STRING + word(32) + word(len(msg)) + msg.ljust(32, b"\0"))
add("fuzz_abi", b"\x00\x00" + bytes.fromhex("4e487b71") + word(0x11))
add("fuzz_abi", b"\x00\x00" + bytes.fromhex("e450d38c") + word(1) + word(2) + word(3))
add("fuzz_abi", b"\x00\x00\x08\xc3")
for i in range(0, 600, 37):
    add("fuzz_abi", b"\x01\x00" + struct.pack(">H", i) + word(0x20) + word(2) + word(1) + word(0xff))
abi_cases = gz(os.path.join("ethers.js", "testcases", "abi.json.gz"))
for case in abi_cases[::24]:
    types = case["type"]
    if not types.startswith("("):
        types = "(" + types + ")"
    add("fuzz_abi", b"\x02\x00" + types.encode() + b"\0" + bytes.fromhex(case["encoded"][2:]))
for case in js(os.path.join("ethereum-tests", "ABITests", "basic_abi_tests.json")).values():
    add("fuzz_abi", b"\x02\x00(" + ",".join(case["types"]).encode() + b")\0" + bytes.fromhex(case["result"]))
addr_a = bytes.fromhex("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
addr_b = bytes.fromhex("fb6916095ca1df60bb79ce92ce3ea74c37c5d359")
for pick, topics, data in ((0, [addr_a, addr_b], word(10 ** 18)), (1, [addr_a, addr_b], word(5)),
                           (0, [addr_a, addr_b, word(7)], b""), (2, [addr_a, addr_b], word(1)),
                           (3, [addr_a, addr_a, addr_b], word(1) + word(2)), (4, [addr_a], word(3)),
                           (5, [addr_b], word(4))):
    body = addr_a + bytes([len(topics) + 1, pick])
    for t in topics:
        body += t.rjust(32, b"\0")
    add("fuzz_abi", b"\x03\x00" + body + data)

# ---- keystore: go-ethereum, ethereum/tests and ethers keystores ----
ks = os.path.join("keystore", "go-ethereum", "accounts", "keystore", "testdata")
for path in sorted(glob.glob(os.path.join(VEC, ks, "*.json")) + glob.glob(os.path.join(VEC, ks, "keystore", "*"))):
    if os.path.isfile(path):
        with open(path, "rb") as f:
            data = f.read()
        try:
            doc = json.loads(data)
        except ValueError:
            add("fuzz_keystore", data)
            continue
        if "crypto" in doc or "Crypto" in doc:
            add("fuzz_keystore", data)
        else:
            for case in doc.values():
                add("fuzz_keystore", json.dumps(case["json"]))
for case in js(os.path.join("keystore", "ethereum-tests", "KeyStoreTests", "basic_tests.json")).values():
    add("fuzz_keystore", json.dumps(case["json"]))
for case in gz(os.path.join("keystore", "ethers.js", "testcases", "wallets.json.gz")):
    if case.get("type") == "keystore":
        add("fuzz_keystore", case["content"])

# ---- vault: even = a file image; odd = accounts + plaintext that the harness encrypts ----
def account(kind, index, addr, label):
    return bytes([kind]) + struct.pack(">I", index) + addr + bytes([len(label)]) + label

hd0 = bytes.fromhex("9858effd232b4033e47d90003d41ec34ecaeda94")  # abandon x11 about, m/44'/60'/0'/0/0
key1 = bytes.fromhex("7e5f4552091a69125d5dfcb7b8c2659029395bdf")  # private key 1
mnemonic = b"abandon " * 11 + b"about"
accounts = account(0, 0, hd0, b"main") + account(1, 0, key1, "caf\u00e9".encode())
plain = struct.pack(">H", len(mnemonic)) + mnemonic + struct.pack(">H", 0) + struct.pack(">I", 1) + word(1)
add("fuzz_vault", b"\x01" + bytes([2]) + struct.pack(">H", len(accounts)) + accounts + plain)
add("fuzz_vault", b"\x01" + bytes([1]) + struct.pack(">H", len(accounts[:31])) + accounts[:31] +
    struct.pack(">H", len(mnemonic)) + mnemonic + struct.pack(">H", 3) + b"pw!" + struct.pack(">I", 0))
add("fuzz_vault", b"\x01\x00\x00\x00" + struct.pack(">HHI", 0, 0, 0))

def image(ops, mem, accts, n, ctlen):
    head = b"CDVAULT\n" + struct.pack(">HBBQQ", 1, 1, 1, ops, mem) + bytes(range(16)) + bytes(32)
    return head + struct.pack(">I", n) + accts + bytes(24) + struct.pack(">I", ctlen) + bytes(ctlen)

add("fuzz_vault", b"\x00" + image(1, 8192, accounts, 2, 16 + 40))
add("fuzz_vault", b"\x00" + image(3, 256 << 20, accounts, 2, 16))
add("fuzz_vault", b"\x00" + image(1, 8192, b"", 0, 16))

# ---- bip39: English vectors of python-mnemonic, and some near misses ----
for case in js(os.path.join("bip39", "python-mnemonic", "vectors.json"))["english"][::2]:
    add("fuzz_bip39", case[1])
    add("fuzz_bip39", "  " + case[1].upper().replace(" ", "\t\n ") + " ")
add("fuzz_bip39", "abandon " * 11 + "abandon")
add("fuzz_bip39", "abandon " * 11 + "zzz")
add("fuzz_bip39", "abandon " * 10)

# ---- tx_raw: signed transactions of ethereum/tests ----
for path in sorted(glob.glob(os.path.join(VEC, "ethereum-tests", "TransactionTests", "*", "*.json"))):
    for case in js(path).values():
        tx = case.get("txbytes", "")
        if tx.startswith("0x") and len(tx) % 2 == 0:
            add("fuzz_tx_raw", bytes.fromhex(tx[2:]))

# ---- tx_json: ethers' transactions as eth_signTransaction objects ----
def q(v):
    return hex(int(v[2:] or "0", 16) if isinstance(v, str) else v)

for case in gz(os.path.join("ethers.js", "testcases", "transaction.json.gz"))[::20]:
    t = case["transaction"]
    base = {"chainId": q(t.get("chainId", 1)), "nonce": q(t.get("nonce", 0)),
            "gas": q(t.get("gasLimit", 21000)),
            "value": q(t.get("value", 0)), "data": t.get("data", "0x")}
    if t.get("to"):
        base["to"] = t["to"]
    legacy = dict(base, gasPrice=q(t.get("gasPrice", 1)))
    london = dict(base, maxFeePerGas=q(t.get("maxFeePerGas", 2)),
                  maxPriorityFeePerGas=q(t.get("maxPriorityFeePerGas", 1)),
                  type="0x2", accessList=t.get("accessList", []))
    add("fuzz_tx_json", json.dumps(legacy))
    add("fuzz_tx_json", json.dumps(london))
add("fuzz_tx_json", json.dumps({"chainId": "0x1", "nonce": "0x0", "gas": "0x5208", "gasPrice": "0x1",
                                "from": "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf",
                                "accessList": [{"address": "0x" + "11" * 20, "storageKeys": ["0x" + "22" * 32]}]}))

# ---- addressbook ----
add("fuzz_addressbook", "# my book\n0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tTreasury multisig\n\n"
                        "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359\tcaf\u00e9 \U0001f680\r\n")
add("fuzz_addressbook", "0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359\tA\n0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\tB")
add("fuzz_addressbook", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\tbad\u202ebidi\n")

# ---- text: two capacity bytes, then the text ----
for cap, text in ((0x100, "plain text"), (8, "cut here please"), (0x200, "\x1b[31mred\x1b[0m\ttab\nline"),
                  (0x80, "caf\u00e9 \U0001f680 \u202e"), (5, "\u00e9\u00e9\u00e9")):
    add("fuzz_text", struct.pack(">H", cap) + text.encode())
add("fuzz_text", b"\x01\x00\xc2\x9b\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\x00\x7f")

# ---- eip712: the specification's Mail example and ethers' typed-data cases as requests ----
with open(os.path.join(VEC, "ethereum-EIPs", "assets", "eip-712", "mail.txt")) as f:
    mail = [line[len("request "):] for line in f if line.startswith("request ")][0]
add("fuzz_eip712", mail)
for case in gz(os.path.join("ethers.js", "testcases", "typed-data.json.gz"))[::4]:
    add("fuzz_eip712", json.dumps({"types": case["types"], "primaryType": case["primaryType"],
                                   "domain": case["domain"], "message": case["data"]}))
add("fuzz_eip712", json.dumps({"types": {"Node": [{"name": "v", "type": "int8"}, {"name": "kids", "type": "Node[]"}],
                                         "EIP712Domain": [{"name": "chainId", "type": "uint256"}]},
                               "primaryType": "Node", "domain": {"chainId": "0x1"},
                               "message": {"v": "-0x80", "kids": [{"v": 127, "kids": []}]}}))

# ---- ledger: HID reports (0), device answers (1), replay files (2) of tests/vectors/ledger ----
with open(os.path.join(VEC, "ledger", "hid-frames.txt")) as f:
    reports = b""
    for line in f:
        if line.startswith("case ") and reports:
            add("fuzz_ledger", b"\x00" + reports)
            reports = b""
        if line.startswith("report "):
            reports += bytes.fromhex(line[7:].strip())
    if reports:
        add("fuzz_ledger", b"\x00" + reports)
with open(os.path.join(VEC, "ledger", "eth-app.txt")) as f:
    text = f.read()
for block in text.split("\ncase ")[1:]:
    ex = "".join(l + "\n" for l in block.split("\n") if l.startswith("=> ") or l.startswith("<= "))
    add("fuzz_ledger", b"\x02" + ex.encode())
    for l in block.split("\n"):
        if l.startswith("<= ") and len(l) > 7:
            add("fuzz_ledger", b"\x01" + bytes.fromhex(l[3:].strip())[:-2])

# ---- write ----
total = 0
for target, files in sorted(corpora.items()):
    items = list(files.items())
    if len(items) > MAX_SEEDS:
        items = [items[i * len(items) // MAX_SEEDS] for i in range(MAX_SEEDS)]
    files = corpora[target] = dict(items)
    d = os.path.join(OUT, target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in sorted(files.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{target}: {len(files)} files")
print(f"total: {sum(len(f) for f in corpora.values())} files, {total} bytes")
