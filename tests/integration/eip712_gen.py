#!/usr/bin/env python3
"""Writes N random eth_signTypedData_v4 documents into DIR, the same for the same SEED.

    eip712_gen.py SEED N DIR      -> DIR/doc-000.json ... DIR/doc-(N-1).json, DIR/doc-edge.json

Used by tests/integration/eip712.sh: the documents are signed by chaindeck and by cast, and
hashed by ethers. Each document mixes nested structs, arrays of structs, fixed and nested
arrays, bytes, bytesN, strings (empty, non-ASCII), every integer width with its extreme values
(uint256 max, int256 min, negatives), bools and addresses, numbers spelled as JSON integers,
decimal, hex and negative strings; the domain is a random subset of the standard fields,
declared in types or left for the signer to derive.
"""
import json
import random
import sys

WORDS = ["Moo", "é", "🚀", "Ether", "Mail", " ", "ü", "日本", "\"q\"", "\\", "tab\there", "a"]
DOMAIN_FIELDS = [("name", "string"), ("version", "string"), ("chainId", "uint256"),
                 ("verifyingContract", "address"), ("salt", "bytes32")]


def hexbytes(r, n):
    return "0x" + "".join("%02x" % r.randrange(256) for _ in range(n))


def address(r):
    return hexbytes(r, 20)


def integer(r, signed, bits):
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    pick = r.randrange(6)
    if pick == 0:
        v = hi
    elif pick == 1:
        v = lo
    elif pick == 2:
        v = r.randint(max(lo, -1000), min(hi, 1000))
    else:
        v = r.randint(lo, hi)
    spell = r.randrange(4)
    if spell == 0 and abs(v) <= (1 << 53) - 1:
        return v
    if spell == 1:
        return ("-0x%x" % -v) if v < 0 else ("0x%x" % v)
    return str(v)


def atomic_type(r):
    k = r.randrange(6)
    if k == 0:
        return "uint%d" % (8 * r.randint(1, 32))
    if k == 1:
        return "int%d" % (8 * r.randint(1, 32))
    if k == 2:
        return "bytes%d" % r.randint(1, 32)
    return r.choice(["bool", "address", "string", "bytes"])


def value(r, types, t):
    if t.endswith("]"):
        inner, dim = t[:t.rindex("[")], t[t.rindex("[") + 1:-1]
        n = int(dim) if dim else r.choice([0, 1, 2, 3, 3])
        return [value(r, types, inner) for _ in range(n)]
    if t in types:
        return {m["name"]: value(r, types, m["type"]) for m in types[t]}
    if t.startswith("uint"):
        return integer(r, False, int(t[4:]))
    if t.startswith("int"):
        return integer(r, True, int(t[3:]))
    if t == "bool":
        return r.random() < 0.5
    if t == "address":
        return address(r)
    if t == "string":
        return "".join(r.choice(WORDS) for _ in range(r.randint(0, 6)))
    if t == "bytes":
        return hexbytes(r, r.choice([0, 1, 31, 32, 33, r.randint(0, 100)]))
    if t.startswith("bytes"):
        return hexbytes(r, int(t[5:]))
    raise ValueError(t)


def document(r, i):
    nstructs = r.randint(1, 4)
    names = ["S%d_%d" % (i, k) for k in range(nstructs)]
    types = {}
    # Struct k may use structs after it: a DAG, so every value is finite.
    for k in reversed(range(nstructs)):
        members = []
        for m in range(r.randint(1, 5)):
            later = names[k + 1:]
            if later and r.random() < 0.4:
                base = r.choice(later)
            else:
                base = atomic_type(r)
            dims = r.choice(["", "", "", "[]", "[2]", "[][]", "[1][]", "[]"])
            members.append({"name": "f%d" % m, "type": base + dims})
        if k == 0 and nstructs > 1:
            members.append({"name": "nested", "type": names[1] + r.choice(["", "[]", "[2]"])})
        types[names[k]] = members
    domain = {}
    for fname, ftype in DOMAIN_FIELDS:
        if r.random() < 0.6:
            domain[fname] = value(r, {}, ftype)
    if r.random() < 0.5:
        types["EIP712Domain"] = [{"name": f, "type": t} for f, t in DOMAIN_FIELDS if f in domain]
    message = value(r, types, names[0])
    return {"types": types, "primaryType": names[0], "domain": domain, "message": message}


def edges():
    """The extremes every implementation must agree on, in one document."""
    u256max = (1 << 256) - 1
    types = {
        "Edge": [{"name": "umax", "type": "uint256"}, {"name": "umaxHex", "type": "uint256"},
                 {"name": "imin", "type": "int256"}, {"name": "iminHex", "type": "int256"},
                 {"name": "imax", "type": "int256"}, {"name": "i8", "type": "int8"},
                 {"name": "u8", "type": "uint8"}, {"name": "neg", "type": "int40[]"},
                 {"name": "empty", "type": "bytes"}, {"name": "text", "type": "string"},
                 {"name": "b1", "type": "bytes1"}, {"name": "b32", "type": "bytes32"},
                 {"name": "grid", "type": "int24[2][3]"}, {"name": "none", "type": "Inner[]"},
                 {"name": "inners", "type": "Inner[2]"}],
        "Inner": [{"name": "who", "type": "address"}, {"name": "ok", "type": "bool"}],
    }
    message = {
        "umax": str(u256max), "umaxHex": "0x" + "f" * 64,
        "imin": str(-(1 << 255)), "iminHex": "-0x8" + "0" * 63, "imax": str((1 << 255) - 1),
        "i8": -128, "u8": 0, "neg": [-1, "-2", "-0x3", -549755813888],
        "empty": "0x", "text": "", "b1": "0x00", "b32": "0x" + "ab" * 32,
        "grid": [[-1, 1], [-8388608, 8388607], ["0", "-0"]], "none": [],
        "inners": [{"who": "0x" + "00" * 20, "ok": False}, {"who": "0x" + "ff" * 20, "ok": True}],
    }
    return {"types": types, "primaryType": "Edge",
            "domain": {"name": "", "chainId": str(u256max), "salt": "0x" + "00" * 32}, "message": message}


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    r = random.Random(seed)
    with open("%s/doc-edge.json" % out, "w", encoding="utf-8") as f:
        json.dump(edges(), f)
    for i in range(n):
        with open("%s/doc-%03d.json" % (out, i), "w", encoding="utf-8") as f:
            json.dump(document(r, i), f, ensure_ascii=r.random() < 0.5, indent=r.choice([None, 1]))


if __name__ == "__main__":
    main()
