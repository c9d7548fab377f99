#!/usr/bin/env bash
# EIP-712 typed-data signing end to end: `chaindeck wallet sign-typed-data` on a temporary vault
# against Foundry's cast (`cast wallet sign --data --from-file`, byte-identical signatures) and
# ethers' TypedDataEncoder.hash (the digest), on the specification's Mail example and on seeded
# random documents from eip712_gen.py; then a table of bad documents that must be refused with
# a clear message and nothing signed.
set -u
. "$(dirname "$0")/../lib/cli.sh"
ndocs=${EIP712_DOCS:-24}
seed=${EIP712_SEED:-712}

cli_home chaindeck-eip712
mkdir -p "$work/docs" "$work/bad"
vault=$work/v/vault
err=$work/stderr.log
: >"$err"
printf 'typed data pass\n' >"$work/pw"
printf 'wrong\n' >"$work/badpw"

eq() { if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', expected '$3'"; fi; }
# sign FILE [FROM]: chaindeck's signature on stdout; its stderr (the decoded request) in $work/last.err
sign() {
	"$bin" wallet sign-typed-data --from "${2:-$ADDR}" "$1" --vault "$vault" --password-file "$work/pw" \
		2>"$work/last.err" </dev/null
}

# The specification's key (Keccak-256 of "cow") and the signing key of the generated documents.
MAIL=tests/vectors/ethereum-EIPs/assets/eip-712/mail.txt
COW_KEY=$("$cast" keccak cow)
COW=0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826
KEY=0x8da4ef21b864d2cc526dbdb2a120bd2874c36c9d0a1fb7f8c63d7f7a8b41de8f
ADDR=$("$cast" wallet address --private-key "$KEY")

# A vault restored from anvil's public test mnemonic, with the two keys imported.
printf 'test test test test test test test test test test test junk\n' |
	"$bin" wallet restore --kdf interactive --vault "$vault" --password-file "$work/pw" >/dev/null 2>>"$err"
printf '%s\n' "${COW_KEY#0x}" | "$bin" wallet import-key --vault "$vault" --password-file "$work/pw" >/dev/null 2>>"$err"
printf '%s\n' "${KEY#0x}" | "$bin" wallet import-key --vault "$vault" --password-file "$work/pw" >/dev/null 2>>"$err"
eq "the vault holds the two test keys" "$("$bin" wallet list --vault "$vault" 2>>"$err" | cut -f2 | tail -n 2 | tr '\n' ' ')" "$COW $ADDR "

# ---- the specification's Mail example ------------------------------------------------------------
sed -n 's/^request //p' "$MAIL" >"$work/mail.json"
want=$(sed -n 's/^signature //p' "$MAIL")
got=$(sign "$work/mail.json" "$COW"); rc=$?
eq "Mail: exit 0" "$rc" 0
eq "Mail: the signature in the specification" "$got" "$want"
eq "Mail: cast signs the same" "$("$cast" wallet sign --data --from-file "$work/mail.json" --private-key "$COW_KEY")" "$want"
eq "Mail: the digest shown is Example.js's signHash" "$(sed -n 's/^digest: //p' "$work/last.err")" \
	"$(sed -n 's/^signHash //p' "$MAIL")"
grep -q '^primary type: Mail$' "$work/last.err" && t_pass "Mail: the primary type is shown" ||
	t_fail "Mail: the primary type is shown" "$(cat "$work/last.err")"
grep -Eq '^  from\.wallet +address +0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826$' "$work/last.err" &&
	grep -Eq '^  contents +string +"Hello, Bob!"$' "$work/last.err" &&
	grep -Eq '^  verifyingContract +address +0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC$' "$work/last.err" &&
	t_pass "Mail: domain and message fields are shown decoded" ||
	t_fail "Mail: domain and message fields are shown decoded" "$(cat "$work/last.err")"
eq "Mail: the recovered signer is the vault account (cast)" \
	"$("$cast" wallet verify --address "$COW" --data --from-file "$work/mail.json" "$got" >/dev/null 2>&1 && echo ok)" ok
cat "$work/last.err" >>"$err"

# ---- generated documents: chaindeck = cast (signature), chaindeck = ethers (digest) ---------------
python3 tests/integration/eip712_gen.py "$seed" "$ndocs" "$work/docs" || t_fail "generator runs" "exit $?"
node -e '
const fs = require("fs");
const { TypedDataEncoder } = require(process.argv[1] + "/ethers");
for (const f of process.argv.slice(2)) {
	const d = JSON.parse(fs.readFileSync(f, "utf8"));
	// ethers takes the message types only, each used: keep what primaryType reaches.
	const keep = {}, todo = [d.primaryType];
	while (todo.length) {
		const t = todo.pop();
		if (keep[t] || !d.types[t]) continue;
		keep[t] = d.types[t];
		for (const m of d.types[t]) todo.push(m.type.replace(/\[.*$/, ""));
	}
	console.log(f + " " + TypedDataEncoder.hash(d.domain, keep, d.message));
}' "$CHAINDECK_ROOT/tests/npm/node_modules" "$work"/docs/*.json >"$work/ethers.txt" 2>>"$err" ||
	t_fail "ethers hashes every document" "$(tail -n 3 "$err")"
total=0 same_sig=0 same_digest=0 diff_cast="" diff_ethers=""
for f in "$work"/docs/*.json; do
	total=$((total + 1))
	ours=$(sign "$f"); rc=$?
	cat "$work/last.err" >>"$err"
	cp "$work/last.err" "$f.shown"
	theirs=$("$cast" wallet sign --data --from-file "$f" --private-key "$KEY" 2>>"$err")
	digest=$(sed -n 's/^digest: //p' "$work/last.err")
	edigest=$(grep -F "$f " "$work/ethers.txt" | cut -d' ' -f2)
	if [ "$rc" -eq 0 ] && [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
		same_sig=$((same_sig + 1))
	else
		diff_cast="$diff_cast $(basename "$f")"
	fi
	if [ -n "$digest" ] && [ "$digest" = "$edigest" ]; then
		same_digest=$((same_digest + 1))
	else
		diff_ethers="$diff_ethers $(basename "$f")"
	fi
done
echo "  generated documents: $total; signatures identical to cast: $same_sig; digests equal to ethers: $same_digest" >&2
eq "at least 20 generated documents" "$([ "$total" -ge 20 ] && echo yes)" yes
eq "every signature byte-identical with cast wallet sign --data" "$same_sig/$total${diff_cast:+ (differ:$diff_cast)}" "$total/$total"
eq "every digest equal to ethers' TypedDataEncoder.hash" "$same_digest/$total${diff_ethers:+ (differ:$diff_ethers)}" "$total/$total"
# What is shown before signing is what the document says: every domain field and message leaf of
# every document, in order, against the generator's own values (Python's integers, lowercased
# addresses and hex, strings with tabs and newlines as spaces).
shown=$(python3 - "$work"/docs/*.json <<'PY'
import json, sys
def flat(types, t, v, path, out):
    if t.endswith("]"):
        if not v:
            out.append((path, t, "[]"))
        for i, x in enumerate(v):
            flat(types, t[:t.rindex("[")], x, "%s[%d]" % (path, i), out)
    elif t in types:
        for m in types[t]:
            flat(types, m["type"], v[m["name"]], (path + "." if path else "") + m["name"], out)
    elif t == "bool":
        out.append((path, t, "true" if v else "false"))
    elif t.startswith("uint") or t.startswith("int"):
        out.append((path, t, str(v if isinstance(v, int) else int(v, 0))))
    elif t == "string":
        out.append((path, t, '"' + v.replace("\t", " ").replace("\n", " ").replace("\r", " ") + '"'))
    else:
        out.append((path, t, v.lower()))
STD = ["name", "version", "chainId", "verifyingContract", "salt"]
STDT = {"name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address", "salt": "bytes32"}
good = bad = lines = 0
for f in sys.argv[1:]:
    d = json.load(open(f, encoding="utf-8"))
    want = []
    flat({"D": [{"name": k, "type": STDT[k]} for k in STD if k in d["domain"]]}, "D", d["domain"], "", want)
    flat(d["types"], d["primaryType"], d["message"], "", want)
    got = []
    for line in open(f + ".shown", encoding="utf-8"):
        if line.startswith("  "):
            p, t, v = line[2:].rstrip("\n").split(None, 2)
            got.append((p, t, v if t == "string" or t.endswith("]") else v.lower()))
    lines += len(want)
    if got == want:
        good += 1
    else:
        bad += 1
        diff = [(a, b) for a, b in zip(got, want) if a != b][:1] or [(len(got), len(want))]
        print("%s: %s" % (f.rsplit("/", 1)[1], diff), file=sys.stderr)
print("  decoded view: %d lines compared" % lines, file=sys.stderr)
print("%d/%d" % (good, good + bad))
PY
)
eq "the decoded view shows every field of every document as the generator wrote it" "$shown" "$total/$total"

# The generated set covers what it claims to (a generator that drifted would prove less).
cover=$(python3 - "$work"/docs/*.json <<'PY'
import json, sys
seen = set()
def walk(types, t, v):
    if t.endswith("]"):
        seen.add("fixed array" if not t.endswith("[]") else "dynamic array")
        if "[" in t[:t.rindex("[")]: seen.add("nested array")
        for x in v: walk(types, t[:t.rindex("[")], x)
        if t[:t.index("[")] in types and v: seen.add("array of structs")
    elif t in types:
        seen.add("struct")
        for m in types[t]:
            if m["type"].split("[")[0] in types and m["type"] == m["type"].split("[")[0]: seen.add("nested struct")
            walk(types, m["type"], v[m["name"]])
    elif t == "bytes": seen.add("bytes")
    elif t.startswith("bytes"): seen.add("bytesN")
    elif t == "string" and v: seen.add("string")
    elif t.startswith("int") and str(v).startswith("-"): seen.add("negative int")
    elif t == "uint256" and str(v) in (str(2**256 - 1), "0x" + "f" * 64): seen.add("uint256 max")
for f in sys.argv[1:]:
    d = json.load(open(f, encoding="utf-8"))
    walk(d["types"], d["primaryType"], d["message"])
print(",".join(sorted(seen)))
PY
)
eq "the documents cover every kind" "$cover" \
	"array of structs,bytes,bytesN,dynamic array,fixed array,negative int,nested array,nested struct,string,struct,uint256 max"

# ---- refused: nothing signed, a message that says what is wrong -----------------------------------
base='"primaryType":"T","domain":{"name":"x","chainId":1}'
bad() { printf '%s\n' "$2" >"$work/bad/$1.json"; }
bad uint-alias        '{"types":{"T":[{"name":"a","type":"uint"}]},'"$base"',"message":{"a":1}}'
bad unknown-type      '{"types":{"T":[{"name":"a","type":"Persn"}]},'"$base"',"message":{"a":{}}}'
bad missing-field     '{"types":{"T":[{"name":"a","type":"uint8"},{"name":"b","type":"string"}]},'"$base"',"message":{"a":1}}'
bad extra-field       '{"types":{"T":[{"name":"a","type":"uint8"}]},'"$base"',"message":{"a":1,"evil":2}}'
bad uint8-overflow    '{"types":{"T":[{"name":"a","type":"uint8"}]},'"$base"',"message":{"a":256}}'
bad int8-underflow    '{"types":{"T":[{"name":"a","type":"int8"}]},'"$base"',"message":{"a":"-129"}}'
bad uint-negative     '{"types":{"T":[{"name":"a","type":"uint256"}]},'"$base"',"message":{"a":"-1"}}'
bad uint256-overflow  '{"types":{"T":[{"name":"a","type":"uint256"}]},'"$base"',"message":{"a":"115792089237316195423570985008687907853269984665640564039457584007913129639936"}}'
bad big-json-number   '{"types":{"T":[{"name":"a","type":"uint256"}]},'"$base"',"message":{"a":12345678901234567890}}'
bad bad-address       '{"types":{"T":[{"name":"a","type":"address"}]},'"$base"',"message":{"a":"0x1234"}}'
bad bad-checksum      '{"types":{"T":[{"name":"a","type":"address"}]},'"$base"',"message":{"a":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827"}}'
bad bytes4-length     '{"types":{"T":[{"name":"a","type":"bytes4"}]},'"$base"',"message":{"a":"0x010203"}}'
bad bytes-not-hex     '{"types":{"T":[{"name":"a","type":"bytes"}]},'"$base"',"message":{"a":"hello"}}'
bad fixed-array-count '{"types":{"T":[{"name":"a","type":"uint8[3]"}]},'"$base"',"message":{"a":[1,2]}}'
bad bool-as-number    '{"types":{"T":[{"name":"a","type":"bool"}]},'"$base"',"message":{"a":1}}'
bad no-primary        '{"types":{"T":[{"name":"a","type":"bool"}]},"primaryType":"U","domain":{"chainId":1},"message":{"a":true}}'
bad domain-extra      '{"types":{"T":[{"name":"a","type":"bool"}]},"primaryType":"T","domain":{"chainId":1,"httpOrigin":"x"},"message":{"a":true}}'
bad domain-reordered  '{"types":{"EIP712Domain":[{"name":"chainId","type":"uint256"},{"name":"name","type":"string"}],"T":[{"name":"a","type":"bool"}]},'"$base"',"message":{"a":true}}'
bad duplicate-key     '{"types":{"T":[{"name":"a","type":"uint8"}]},'"$base"',"message":{"a":1,"a":2}}'
bad not-json          '{"types":'
expect_refused() {
	local name=$1 msg=$2 out rc
	out=$(sign "$work/bad/$name.json"); rc=$?
	cat "$work/last.err" >>"$err"
	if [ "$rc" -eq 1 ] && [ -z "$out" ] && grep -qF -- "$msg" "$work/last.err"; then
		t_pass "refused: $name"
	else
		t_fail "refused: $name" "exit $rc, stdout '$out', stderr '$(cat "$work/last.err")'"
	fi
}
expect_refused uint-alias        "'uint' is not an EIP-712 type: write uint256"
expect_refused unknown-type      "unknown type 'Persn'"
expect_refused missing-field     "message.b: missing"
expect_refused extra-field       "\"evil\" is not a member of T"
expect_refused uint8-overflow    "message.a: uint8: value out of range"
expect_refused int8-underflow    "message.a: int8: value out of range"
expect_refused uint-negative     "message.a: uint256: a negative value for an unsigned type"
expect_refused uint256-overflow  "message.a: uint256: value out of range"
expect_refused big-json-number   "at most 2^53 - 1"
expect_refused bad-address       "message.a: address: \"0x1234\""
expect_refused bad-checksum      "checksum"
expect_refused bytes4-length     "message.a: bytes4: expected exactly 4 bytes, got 3"
expect_refused bytes-not-hex     "message.a: bytes: expected a 0x-hex string"
expect_refused fixed-array-count "message.a: uint8[3]: expected 3 items, got 2"
expect_refused bool-as-number    "message.a: bool: expected true or false"
expect_refused no-primary        "primaryType \"U\" is not a struct in types"
expect_refused domain-extra      "\"httpOrigin\" is not an EIP712Domain field"
expect_refused domain-reordered  "fields must come in the order name, version, chainId"
expect_refused duplicate-key     "\"a\" appears twice"
expect_refused not-json          "not valid JSON"
python3 -c 'import sys; sys.stdout.write("{\"a\":\"" + "x" * (1 << 20) + "\"}")' >"$work/bad/too-large.json"
expect_refused too-large         "is larger than 1048576 bytes"

# A refused document is refused before the vault is opened: the wrong password is never asked for.
out=$("$bin" wallet sign-typed-data --from "$ADDR" "$work/bad/extra-field.json" --vault "$vault" \
	--password-file "$work/badpw" 2>&1 </dev/null); rc=$?
eq "a bad document is refused before unlocking (exit 1, not 3)" "$rc" 1
# Usage and lookup errors.
"$bin" wallet sign-typed-data "$work/mail.json" --vault "$vault" --password-file "$work/pw" >/dev/null 2>>"$err" </dev/null
eq "no --from: usage error" "$?" 2
sign "$work/mail.json" 0x0000000000000000000000000000000000000001 >/dev/null
eq "an address not in the vault: not found" "$?" 4
sign "$work/nonexistent.json" >/dev/null
eq "a missing file: not found" "$?" 4
"$bin" wallet sign-typed-data --from "$COW" "$work/mail.json" --vault "$vault" --password-file "$work/badpw" >/dev/null 2>>"$err" </dev/null
eq "a wrong password: exit 3" "$?" 3
out=$("$bin" wallet sign-typed-data --from "$COW" - --vault "$vault" --password-file "$work/pw" <"$work/mail.json" 2>>"$err")
eq "- reads the document from stdin" "$out" "$want"

# No key material on any screen.
if grep -qiF -e "${KEY#0x}" -e "${COW_KEY#0x}" "$err"; then t_fail "no private key in any output" "found"; else
	t_pass "no private key in any output"; fi
t_done
